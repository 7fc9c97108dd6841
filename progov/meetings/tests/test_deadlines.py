"""Deadlines computed from the framework's rules and the governance calendar."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from progov.core.testing.factories import GroupFactory
from progov.governance.models import DeadlineRule
from progov.meetings import selectors, services
from progov.meetings.deadlines import Deadline
from progov.meetings.models import HeadlineReport, Meeting

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def rules(programme):
    make = DeadlineRule.objects.create
    make(programme=programme, key="papers_due", label="Papers", working_days=5, direction="before")
    make(
        programme=programme,
        key="headline_report_due",
        label="Headline report",
        working_days=2,
        direction="after",
    )
    make(
        programme=programme,
        key="minutes_due",
        label="Minutes",
        working_days=5,
        direction="after",
        effective_to=date(2023, 11, 26),
    )
    make(
        programme=programme,
        key="amendments_due",
        label="Amendments",
        working_days=5,
        direction="before",
        anchor="next_meeting",
    )
    make(
        programme=programme,
        key="change_request_decision_communicated_due",
        label="CR",
        working_days=10,
        direction="after",
        anchor="decision",
    )


def deadlines_of(meeting: Meeting, today: date = date(2030, 1, 1)) -> dict[str, Deadline]:
    fetched = selectors.meeting_get(user=None, pk=meeting.pk)
    return {d.key: d for d in selectors.deadlines_by_meeting([fetched], today=today)[fetched.pk]}


def test_headline_report_crosses_the_coronation_bank_holiday(programme, psg, pmo_user, rules):
    fri = GroupFactory(
        programme=programme,
        acronym="FRI",
        level=3,
        parent=psg,
        schedule_rrule="FREQ=MONTHLY;BYDAY=1FR",
        schedule_start_time=time(10),
        schedule_end_time=time(11),
    )
    services.configure_meeting_series(actor=pmo_user, group=fri, starts_on=date(2023, 5, 1))
    services.generate_meetings(
        actor=pmo_user, group=fri, until=date(2023, 6, 30), now=datetime(2023, 1, 1, tzinfo=LONDON)
    )
    may = Meeting.objects.get(group=fri, start__date=date(2023, 5, 5))
    d = deadlines_of(may)
    assert d["headline_report_due"].due == date(2023, 5, 10)  # Mon 8 May was a bank holiday
    assert d["papers_due"].due == date(2023, 4, 27)  # 5 working days before, skipping 1 May
    assert d["minutes_due"].due == date(2023, 5, 15)  # Tue 9 … Mon 15
    assert d["amendments_due"].due == date(2023, 5, 25)  # 5 before Fri 2 Jun
    assert "change_request_decision_communicated_due" not in d


def test_deadlines_follow_a_moved_meeting(tmag, pmo_user, rules):
    services.generate_meetings(
        actor=pmo_user,
        group=tmag,
        until=date(2022, 12, 31),
        now=datetime(2022, 1, 1, tzinfo=LONDON),
    )
    ninth = Meeting.objects.get(group=tmag, number_major=9)
    assert deadlines_of(ninth)["headline_report_due"].due == date(2022, 9, 23)
    services.move_meeting(
        actor=pmo_user,
        meeting=ninth,
        expected_version=ninth.version,
        start=datetime(2022, 9, 22, 10, tzinfo=LONDON),
        end=datetime(2022, 9, 22, 12, tzinfo=LONDON),
    )
    services.generate_meetings(
        actor=pmo_user,
        group=tmag,
        until=date(2022, 12, 31),
        now=datetime(2022, 1, 1, tzinfo=LONDON),
    )
    d = deadlines_of(ninth)
    # Mon 19 Sep 2022 (the Queen's funeral) is skipped both ways.
    assert d["papers_due"].due == date(2022, 9, 14)
    assert d["headline_report_due"].due == date(2022, 9, 26)


def test_met_late_overdue_and_due(tmag, pmo_user, rules):
    services.generate_meetings(
        actor=pmo_user, group=tmag, until=date(2022, 3, 31), now=datetime(2022, 1, 1, tzinfo=LONDON)
    )
    jan = Meeting.objects.get(group=tmag, number_major=1)
    services.mark_meeting_held(
        actor=pmo_user,
        meeting=jan,
        expected_version=jan.version,
        now=datetime(2022, 1, 19, 13, tzinfo=LONDON),
    )
    report = HeadlineReport.objects.get(meeting=jan)
    assert deadlines_of(jan)["headline_report_due"].status == "overdue"
    assert deadlines_of(jan, today=date(2022, 1, 20))["headline_report_due"].status == "due"
    services.publish_headline_report(
        actor=pmo_user,
        report=report,
        expected_version=report.version,
        now=datetime(2022, 1, 24, 9, tzinfo=LONDON),
    )
    late = deadlines_of(jan)["headline_report_due"]
    assert (late.status, late.due) == ("late", date(2022, 1, 21))
    assert deadlines_of(jan)["amendments_due"].status == "closed"


def test_cancelled_meetings_have_no_deadlines(tmag, pmo_user, rules):
    services.generate_meetings(
        actor=pmo_user, group=tmag, until=date(2022, 1, 31), now=datetime(2022, 1, 1, tzinfo=LONDON)
    )
    jan = Meeting.objects.get(group=tmag, number_major=1)
    services.cancel_meeting(
        actor=pmo_user, meeting=jan, expected_version=jan.version, note="Stood down"
    )
    assert deadlines_of(jan) == {}


def test_group_rule_overrides_the_general_one(programme, psg, tmag, pmo_user, rules):
    DeadlineRule.objects.create(
        programme=programme,
        key="papers_due",
        label="TMAG papers",
        working_days=3,
        direction="before",
        group=tmag,
    )
    services.generate_meetings(
        actor=pmo_user, group=tmag, until=date(2022, 1, 31), now=datetime(2022, 1, 1, tzinfo=LONDON)
    )
    jan = Meeting.objects.get(group=tmag, number_major=1)
    assert deadlines_of(jan)["papers_due"].due == date(2022, 1, 14)


def test_deadlines_before_tracking_began_are_not_tracked(programme, tmag, pmo_user, rules):
    services.generate_meetings(
        actor=pmo_user,
        group=tmag,
        until=date(2022, 12, 31),
        now=datetime(2022, 1, 1, tzinfo=LONDON),
    )
    from progov.governance import services as governance_services

    governance_services.update_programme(
        actor=pmo_user,
        programme=programme,
        expected_version=programme.version,
        deadlines_tracked_from=date(2022, 9, 1),
    )
    august = Meeting.objects.get(group=tmag, number_major=8)  # Wed 17 Aug 2022
    ninth = Meeting.objects.get(group=tmag, number_major=9)  # Wed 21 Sep 2022
    early, later = deadlines_of(august), deadlines_of(ninth)
    # Unmet and due before 1 Sep: no record is no evidence of lateness.
    assert early["papers_due"].status == "not_tracked"
    assert early["headline_report_due"].status == "not_tracked"
    # Due on or after it: overdue as before; participants' windows are unaffected.
    assert later["papers_due"].status == "overdue"
    assert early["amendments_due"].status == "closed"
    # A deadline met, even before tracking began, keeps its record.
    HeadlineReport.objects.create(
        meeting=august, status="published", published_at=datetime(2022, 8, 18, 9, tzinfo=LONDON)
    )
    assert deadlines_of(august)["headline_report_due"].status == "met"
