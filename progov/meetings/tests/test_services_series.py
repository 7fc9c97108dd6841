"""Generating, moving and cancelling meetings of a group's series."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from progov.audit.models import AuditEntry
from progov.audit.services import verify_chain
from progov.core.errors import StaleVersion, ValidationError
from progov.governance import services as governance_services
from progov.meetings import services
from progov.meetings.models import AgendaItem, AgendaTemplateItem, Meeting, MeetingStatus

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
PAST = datetime(2022, 1, 1, tzinfo=LONDON)


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


def test_generates_third_wednesdays_numbered_in_order(tmag, pmo_user):
    report = services.generate_meetings(
        actor=pmo_user, group=tmag, until=date(2022, 12, 31), now=PAST
    )
    meetings = list(Meeting.objects.filter(group=tmag).order_by("start"))
    assert len(report.created) == len(meetings) == 12
    assert [m.number for m in meetings] == [str(n) for n in range(1, 13)]
    ninth = meetings[8]
    assert ninth.start == at(2022, 9, 21) and ninth.end == at(2022, 9, 21, 12)
    assert all(m.start.weekday() == 2 and 15 <= m.start.day <= 21 for m in meetings)


def test_times_stay_local_across_clock_changes(tmag, pmo_user):
    services.generate_meetings(actor=pmo_user, group=tmag, until=date(2022, 12, 31), now=PAST)
    jan, jul = (Meeting.objects.get(group=tmag, number_major=n) for n in (1, 7))
    assert jan.start.astimezone(LONDON).hour == jul.start.astimezone(LONDON).hour == 10
    assert jan.start.utcoffset() != jul.start.astimezone(LONDON).utcoffset()


def test_regeneration_is_idempotent_and_writes_nothing(tmag, pmo_user):
    services.generate_meetings(actor=pmo_user, group=tmag, until=date(2023, 12, 31), now=PAST)
    count, last_audit = Meeting.objects.count(), AuditEntry.objects.order_by("-id").first()
    report = services.generate_meetings(
        actor=pmo_user, group=tmag, until=date(2023, 12, 31), now=PAST
    )
    assert report.created == [] and report.kept == 24 and report.renumbered == 0
    assert Meeting.objects.count() == count
    assert AuditEntry.objects.order_by("-id").first() == last_audit
    assert verify_chain() > 0


def test_moved_meeting_stays_moved_when_regenerated(tmag, pmo_user):
    services.generate_meetings(actor=pmo_user, group=tmag, until=date(2022, 12, 31), now=PAST)
    ninth = Meeting.objects.get(group=tmag, start=at(2022, 9, 21))
    services.move_meeting(
        actor=pmo_user,
        meeting=ninth,
        expected_version=ninth.version,
        start=at(2022, 9, 22),
        end=at(2022, 9, 22, 12),
        note="Held on Thursday",
    )
    services.generate_meetings(actor=pmo_user, group=tmag, until=date(2023, 6, 30), now=PAST)
    ninth.refresh_from_db()
    assert ninth.status == MeetingStatus.MOVED
    assert ninth.start == at(2022, 9, 22) and ninth.original_start == at(2022, 9, 21)
    assert ninth.number == "9"
    assert not Meeting.objects.filter(group=tmag, start=at(2022, 9, 21)).exists()


def test_cancelled_meeting_stays_cancelled(tmag, pmo_user):
    services.generate_meetings(actor=pmo_user, group=tmag, until=date(2022, 12, 31), now=PAST)
    m = Meeting.objects.get(group=tmag, number_major=3)
    services.cancel_meeting(
        actor=pmo_user, meeting=m, expected_version=m.version, note="Stood down"
    )
    services.generate_meetings(actor=pmo_user, group=tmag, until=date(2022, 12, 31), now=PAST)
    m.refresh_from_db()
    assert m.status == MeetingStatus.CANCELLED
    assert Meeting.objects.filter(group=tmag).count() == 12


def test_schedule_change_regenerates_only_future_unheld_meetings(tmag, pmo_user):
    services.generate_meetings(actor=pmo_user, group=tmag, until=date(2022, 12, 31), now=PAST)
    now = at(2022, 6, 30)
    may = Meeting.objects.get(group=tmag, number_major=5)
    services.mark_meeting_held(actor=pmo_user, meeting=may, expected_version=may.version, now=now)
    governance_services.update_group(
        actor=pmo_user,
        group=tmag,
        expected_version=tmag.version,
        schedule_rrule="FREQ=MONTHLY;BYDAY=2TH",
    )
    report = services.generate_meetings(
        actor=pmo_user, group=tmag, until=date(2022, 12, 31), now=now
    )
    assert len(report.removed) == 6 and len(report.created) == 6
    starts = [m.start for m in Meeting.objects.filter(group=tmag).order_by("start")]
    past = [s for s in starts if s < now]
    future = [s for s in starts if s > now]
    assert all(s.weekday() == 2 for s in past)  # January–June stay on Wednesdays
    assert all(s.weekday() == 3 and 8 <= s.day <= 14 for s in future)
    assert [m.number for m in Meeting.objects.filter(group=tmag).order_by("start")] == [
        str(n) for n in range(1, 13)
    ]


def test_stood_down_group_gets_no_meetings_after_it_stood_down(tmag, pmo_user):
    governance_services.update_group(
        actor=pmo_user,
        group=tmag,
        expected_version=tmag.version,
        status="stood_down",
        status_date=date(2022, 7, 1),
    )
    services.generate_meetings(actor=pmo_user, group=tmag, until=date(2022, 12, 31), now=PAST)
    assert Meeting.objects.filter(group=tmag).count() == 6


def test_extraordinary_meeting_is_numbered_after_the_last_regular_one(tmag, pmo_user):
    services.generate_meetings(actor=pmo_user, group=tmag, until=date(2022, 12, 31), now=PAST)
    first = services.create_extraordinary_meeting(
        actor=pmo_user, group=tmag, start=at(2022, 10, 30), end=at(2022, 10, 30, 11), title="M9"
    )
    second = services.create_extraordinary_meeting(
        actor=pmo_user, group=tmag, start=at(2022, 11, 1), end=at(2022, 11, 1, 11)
    )
    assert (first.number, second.number) == ("10.1", "10.2")


def test_new_meetings_get_standing_items_from_the_template(tmag, pmo_user):
    for position, (title, minutes, at_end) in enumerate(
        [
            ("Welcome", 5, False),
            ("Minutes and actions", 5, False),
            ("Summary and next steps", 5, True),
        ]
    ):
        AgendaTemplateItem.objects.create(
            group=tmag, position=position, title=title, duration_minutes=minutes, at_end=at_end
        )
    services.generate_meetings(actor=pmo_user, group=tmag, until=date(2022, 2, 28), now=PAST)
    items = AgendaItem.objects.filter(meeting__group=tmag, meeting__number_major=1).order_by(
        "position"
    )
    assert [i.title for i in items] == ["Welcome", "Minutes and actions", "Summary and next steps"]
    assert all(i.is_standing for i in items)


def test_bank_holiday_meetings_are_flagged(programme, psg, pmo_user):
    from progov.core.testing.factories import GroupFactory

    group = GroupFactory(
        programme=programme,
        acronym="MON",
        level=3,
        parent=psg,
        schedule_rrule="FREQ=MONTHLY;BYDAY=1MO",
        schedule_start_time=time(10),
        schedule_end_time=time(11),
    )
    services.configure_meeting_series(actor=pmo_user, group=group, starts_on=date(2023, 5, 1))
    report = services.generate_meetings(
        actor=pmo_user, group=group, until=date(2023, 5, 31), now=PAST
    )
    assert [m.start.date() for m in report.on_non_working_days] == [date(2023, 5, 1)]
    assert "bank holiday" in report.render()


def test_move_checks_version_and_times(tmag, pmo_user):
    services.generate_meetings(actor=pmo_user, group=tmag, until=date(2022, 2, 28), now=PAST)
    m = Meeting.objects.get(group=tmag, number_major=1)
    with pytest.raises(StaleVersion):
        services.move_meeting(
            actor=pmo_user,
            meeting=m,
            expected_version=m.version + 1,
            start=at(2022, 1, 20),
            end=at(2022, 1, 20, 12),
        )
    with pytest.raises(ValidationError):
        services.move_meeting(
            actor=pmo_user,
            meeting=m,
            expected_version=m.version,
            start=at(2022, 1, 20, 12),
            end=at(2022, 1, 20, 10),
        )


def test_marking_held_starts_the_headline_report(tmag, pmo_user):
    services.generate_meetings(actor=pmo_user, group=tmag, until=date(2022, 2, 28), now=PAST)
    m = Meeting.objects.get(group=tmag, number_major=1)
    with pytest.raises(ValidationError):
        services.mark_meeting_held(actor=pmo_user, meeting=m, expected_version=m.version, now=PAST)
    services.mark_meeting_held(
        actor=pmo_user, meeting=m, expected_version=m.version, now=at(2022, 1, 19, 13)
    )
    m.refresh_from_db()
    assert m.status == MeetingStatus.HELD
    assert m.headline_report.status == "draft"
    assert "TMAG" not in m.headline_report.body or "#1" in m.headline_report.body
