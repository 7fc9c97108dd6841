"""The MHHS pack's meeting series, standing items and meeting changes, as the demo sets
them up: load the pack, generate to the end of 2027, apply the pack's meeting changes."""

from __future__ import annotations

import textwrap
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from progov.audit.models import AuditEntry
from progov.core.workdays import add_working_days
from progov.governance.models import GovernanceGroup, GroupStatus, Programme
from progov.meetings import services
from progov.meetings.models import (
    AgendaItemType,
    AgendaTemplateItem,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
)
from progov.meetings.occurrences import group_occurrences
from progov.meetings.pack import apply_meeting_changes
from progov.meetings.selectors import deadlines_by_meeting
from progov.packs import MHHS_PACK as DEFAULT_PACK
from progov.packs.loader import PackError, load_pack, load_pack_text, read_pack

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
UNTIL = date(2027, 12, 31)


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


def generate(*extra: str) -> str:
    out = StringIO()
    call_command("generate_meetings", "--until", UNTIL.isoformat(), *extra, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo() -> Programme:
    """What `progov demo` sets up: the pack, its meetings to 2027, its meeting changes."""
    load_pack(DEFAULT_PACK)
    generate("--pack", str(DEFAULT_PACK))
    return Programme.objects.get(slug="mhhs")


def meeting(acronym: str, number: str) -> Meeting:
    major, _, minor = number.partition(".")
    return Meeting.objects.get(
        group__acronym=acronym, number_major=int(major), number_minor=int(minor or 0)
    )


def local(dt: datetime) -> datetime:
    return dt.astimezone(LONDON)


def stood_down_on(group: GovernanceGroup) -> date | None:
    if group.status != GroupStatus.STOOD_DOWN:
        return None
    last = group.status_history.filter(status=GroupStatus.STOOD_DOWN).order_by("-effective_date")
    entry = last.first()
    return entry.effective_date if entry else None


# --- the demo's meetings ---------------------------------------------------------------


def test_every_scheduled_group_has_every_meeting_of_its_rule_from_2022_through_2027(demo):
    scheduled = list(
        GovernanceGroup.objects.filter(programme=demo).exclude(schedule_rrule="").order_by("id")
    )
    assert len(scheduled) == 13
    for group in scheduled:
        series = MeetingSeries.objects.get(group=group)
        # The series starts no later than the group is first recorded meeting (mobilised),
        # or than 2022 if the group met before.
        mobilised = (
            group.status_history.filter(status=GroupStatus.MOBILISED)
            .order_by("effective_date")
            .first()
        )
        assert mobilised is not None
        assert series.starts_on <= max(mobilised.effective_date, date(2022, 1, 1)), group
        stood_down = stood_down_on(group)
        last = min(UNTIL, stood_down - timedelta(days=1)) if stood_down else UNTIL
        expected = {o.start: o.end for o in group_occurrences(group, series.starts_on, last)}
        regular = list(
            Meeting.objects.filter(group=group, kind=MeetingKind.REGULAR).order_by(
                "scheduled_start"
            )
        )
        assert {m.scheduled_start for m in regular} == set(expected), group.acronym
        assert [m.number_major for m in regular] == list(
            range(series.first_number, series.first_number + len(regular))
        ), group.acronym
        for m in regular:
            assert m.scheduled_start is not None
            if m.status == MeetingStatus.MOVED:
                assert m.original_start == m.scheduled_start, m
            else:
                assert (m.start, m.end) == (m.scheduled_start, expected[m.scheduled_start]), m
        if stood_down is None:
            assert local(regular[-1].start).year == 2027, group.acronym
        else:
            assert regular[-1].start.date() < stood_down
        # Every generated meeting has the group's standing items.
        template = AgendaTemplateItem.objects.filter(group=group).count()
        assert template >= 4
        assert all(m.agenda_items.filter(is_standing=True).count() == template for m in regular)


def test_psg_24_is_6_september_2023_and_its_extraordinary_meetings_follow_it(demo):
    psg24 = meeting("PSG", "24")
    assert (local(psg24.start), local(psg24.end)) == (at(2023, 9, 6), at(2023, 9, 6, 12))
    assert local(meeting("PSG", "10").start) == at(2022, 7, 6)  # "PSG 06 July 2022", seed 004
    assert local(meeting("PSG", "12").start) == at(2022, 9, 7)  # "PSG 07 September 2022"
    m9 = meeting("PSG", "25.1")
    assert m9.kind == MeetingKind.EXTRAORDINARY and m9.title == "M9 approval"
    assert (local(m9.start), local(m9.end)) == (at(2023, 10, 30, 14), at(2023, 10, 30, 16))
    assert m9.location == "Virtual"
    assert local(meeting("PSG", "10.1").start) == at(2022, 7, 14)
    # PSG's standing items are PSG #24's (seed 003), not TMAG's.
    titles = list(
        AgendaTemplateItem.objects.filter(group=psg24.group)
        .order_by("at_end", "position")
        .values_list("title", flat=True)
    )
    assert titles == [
        "Welcome",
        "Minutes and Actions",
        "Sponsor Update",
        "Delivery Dashboards",
        "Summary and Next Steps",
    ]


def test_tmag_meets_on_the_third_wednesday_until_it_stood_down(demo):
    regular = Meeting.objects.filter(group__acronym="TMAG", kind=MeetingKind.REGULAR)
    days = [local(m.scheduled_start).date() for m in regular if m.scheduled_start]
    assert days and all(d.weekday() == 2 and 15 <= d.day <= 21 for d in days)
    assert min(days) == date(2022, 3, 16) and max(days) == date(2023, 11, 15)
    assert [meeting("TMAG", n).scheduled_start for n in ("7", "8")] == [
        at(2022, 7, 20),
        at(2022, 8, 17),
    ]  # the action refs TMAG07-03 and TMAG08-01
    assert meeting("TMAG", "23").scheduled_start == at(2023, 11, 15)
    assert not Meeting.objects.filter(group__acronym="TMAG", number_major=24).exists()


def test_tmag_9_was_held_on_thursday_22_september_and_its_deadlines_follow(demo):
    tmag9 = meeting("TMAG", "9")
    assert tmag9.status == MeetingStatus.MOVED
    assert (local(tmag9.start), local(tmag9.end)) == (at(2022, 9, 22), at(2022, 9, 22, 12))
    assert tmag9.original_start == tmag9.scheduled_start == at(2022, 9, 21)
    deadlines = {d.key: d for d in deadlines_by_meeting([tmag9])[tmag9.pk]}
    # From Thursday 22 Sep, across the bank holiday of Monday 19 Sep 2022.
    assert deadlines["papers_due"].due == date(2022, 9, 14)
    assert deadlines["headline_report_due"].due == date(2022, 9, 26)
    assert deadlines["papers_due"].due == add_working_days(
        "england-and-wales", date(2022, 9, 22), -5
    )
    # The scheduled Wednesday would have given other dates.
    assert add_working_days("england-and-wales", date(2022, 9, 21), 2) == date(2022, 9, 23)
    # TMAG's standing items are TMAG #9's agenda (seed 002).
    items = {i.title: i for i in AgendaTemplateItem.objects.filter(group=tmag9.group)}
    assert list(items) == [
        "Welcome",
        "Minutes and actions",
        "Programme updates",
        "Summary and next steps",
    ]
    minutes = items["Minutes and actions"]
    assert (minutes.item_type, minutes.lead_text, minutes.duration_minutes) == (
        AgendaItemType.DECISION,
        "Chair and Secretariat",
        5,
    )
    updates = items["Programme updates"]
    assert (updates.item_type, updates.lead_text) == (AgendaItemType.INFORMATION, "Programme (PMO)")
    summary = items["Summary and next steps"]
    assert summary.at_end and summary.lead_text == "Chair and Secretariat"
    assert items["Welcome"].lead_text == "Chair" and items["Welcome"].duration_minutes == 5
    assert [i.title for i in tmag9.agenda_items.order_by("position")] == list(items)


def test_the_seeds_other_known_changes_are_applied(demo):
    dag14 = meeting("DAG", "14")
    assert (local(dag14.start), local(dag14.end)) == (
        at(2022, 8, 10, 9, 30),
        at(2022, 8, 10, 12, 5),
    )
    assert dag14.status == MeetingStatus.MOVED
    assert meeting("DAG", "16.1").title == "M5 approval (MHHS design approval)"
    dwg = Meeting.objects.get(group__acronym="DWG", scheduled_start=at(2022, 9, 1))
    assert dwg.status == MeetingStatus.CANCELLED and "Tranche 4" in dwg.status_note
    assert meeting("TMAG", "20.1").title == "CIT Test Scenarios approval"
    assert meeting("CDWG", "2").scheduled_start == at(2022, 8, 9)


def test_a_moved_meeting_stays_moved_when_regenerated_and_the_pack_agrees(db):
    load_pack(DEFAULT_PACK)
    generate()  # the schedule only: TMAG #9 is still on Wednesday
    tmag9 = meeting("TMAG", "9")
    assert tmag9.start == at(2022, 9, 21) and tmag9.status == MeetingStatus.PLANNED
    services.move_meeting(
        actor=None,
        meeting=tmag9,
        expected_version=tmag9.version,
        start=at(2022, 9, 22),
        end=at(2022, 9, 22, 12),
        note="Held on Thursday",
    )
    out = generate("--group", "TMAG", "--pack", str(DEFAULT_PACK))
    assert "Meetings: nothing changed" in out
    tmag9.refresh_from_db()
    assert tmag9.status == MeetingStatus.MOVED and tmag9.number == "9"
    assert tmag9.start == at(2022, 9, 22) and tmag9.original_start == at(2022, 9, 21)
    assert not Meeting.objects.filter(group=tmag9.group, start=at(2022, 9, 21)).exists()
    # Only TMAG's changes were applied; the move was already in place.
    assert "1 extraordinary added" in out and "1 already applied" in out
    assert not Meeting.objects.filter(group__acronym="PSG", kind=MeetingKind.EXTRAORDINARY)


def test_loading_the_pack_again_writes_no_series_or_standing_item(demo):
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    report = load_pack(DEFAULT_PACK)
    assert not report.changed
    assert report.counts["meeting_series"].unchanged == 13
    assert report.counts["standing_items"].unchanged == 54
    assert AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() == last
    again = apply_meeting_changes(read_pack(DEFAULT_PACK.read_text()), name="mhhs.yaml")
    assert not again.changed and again.unchanged == 8 and not again.pending


def test_a_changed_series_and_standing_item_update_only_what_differs(demo):
    text = DEFAULT_PACK.read_text(encoding="utf-8")
    old = "    meetings:\n      from: 2021-12-02\n      first_number: 1\n"
    assert text.count(old) == 1  # CCAG's
    text = text.replace(old, old.replace("first_number: 1", "first_number: 5"))
    text = text.replace(
        "{title: Sponsor Update, objective: Update from the Programme Sponsor, type: "
        "information, lead: Ofgem, minutes: 5}",
        "{title: Sponsor Update, objective: Update from the Programme Sponsor, type: "
        "information, lead: Ofgem, minutes: 10}",
    )
    report = load_pack_text(text, name="mhhs.yaml")
    assert report.counts["meeting_series"].updated == 1
    assert report.counts["standing_items"].updated == 1
    assert report.total("created") == 0 and report.total("updated") == 2
    assert MeetingSeries.objects.get(group__acronym="CCAG").first_number == 5
    out = generate("--group", "CCAG")
    assert "CCAG: 0 created, 73 already there, 0 removed, 73 renumbered" in out
    assert meeting("CCAG", "5").scheduled_start == at(2021, 12, 22)


# --- rejected packs -------------------------------------------------------------------


def pack(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


BAD = pack(
    """
    programme: {slug: t, name: Test}
    groups:
      - acronym: AG
        name: Advisory Group
        status_history: [{status: mobilised, date: 2022-01-01}]
        schedule: 3rd Wednesday of each month, 1000-1200
        meetings:
          from: 2022-01-01
          first_number: 0
          until: 2030-13-01
          online_link: not a link
          quorum: {chair: yes please, members: 3}
          standing_items:
            - {title: Welcome, type: greeting, minutes: 999}
            - {title: welcome, lead: Chair}
            - {objective: No title}
          colour: blue
      - acronym: WG
        name: Working Group
        status_history: [{status: mobilised, date: 2022-01-01}]
        schedule: TBC
        meetings: {from: 2022-01-01}
    meeting_changes:
      - {group: AG, change: move, date: 2022-01-20, start: "10:00", end: "12:00"}
      - {group: AG, change: cancel, date: 2022-02-16, start: "10:00"}
      - {group: AG, change: postpone, date: 2022-03-16}
      - {group: AG, change: extraordinary, date: 2022-01-10, start: "10:00", end: "09:00"}
      - {group: NOPE, change: cancel, date: 2022-04-20}
      - {group: AG, change: move, date: 2022-05-18, start: "25:00", end: "12:00"}
    """
)


def test_a_bad_meetings_block_is_rejected_whole_with_line_numbers(db):
    with pytest.raises(PackError) as caught:
        load_pack_text(BAD, name="bad.yaml")
    errors = caught.value.errors
    expected = [
        "line 9: group AG meetings: 'first_number' must be between 1 and 100000, not 0.",
        "line 10: group AG meetings: 'until' '2030-13-01' is not a date; write it as YYYY-MM-DD",
        "line 11: group AG meetings: 'not a link': Enter a web address starting with "
        "https:// or http://, e.g. https://example.org.",
        "line 12: group AG meetings quorum: unknown key 'members'; allowed: chair, constituencies.",
        "line 12: group AG meetings quorum: 'chair' must be true or false, not 'yes please'.",
        "line 14: group AG meetings standing item 'Welcome': 'minutes' must be between 0 and "
        "480, not 999.",
        "line 14: group AG meetings standing item 'Welcome': 'type' is 'greeting'; it must be "
        "one of decision, discussion, information, break.",
        "line 15: group AG meetings: standing item 'welcome' is already listed at line 14.",
        "line 16: group AG meetings standing item: 'title' is required.",
        "line 17: group AG meetings: unknown key 'colour'; allowed: from, first_number, until,",
        "line 22: group WG: 'meetings' needs a schedule to generate them from",
        "line 24: move of AG 2022-01-20: AG's schedule has no meeting on Thu 20 Jan 2022",
        "line 25: cancel of AG 2022-02-16: unknown key 'start'; allowed: group, change, date, note.",
        "line 26: meeting change of AG: 'change' is 'postpone'; it must be one of move, "
        "cancel, extraordinary.",
        "line 27: extraordinary of AG 2022-01-10: it must end (09:00) after it starts (10:00).",
        "line 27: extraordinary of AG 2022-01-10: it comes before AG's first scheduled meeting",
        "line 28: meeting change: group 'NOPE' is not a group in this pack.",
        "line 29: move of AG 2022-05-18: 'start' '25:00' is not a time; write it as HH:MM",
    ]
    for want in expected:
        assert any(e.startswith(want) for e in errors), (want, errors)
    assert len(errors) == len(expected), errors
    assert [int(e.split(":")[0].split()[1]) for e in errors] == sorted(
        int(e.split(":")[0].split()[1]) for e in errors
    )
    assert Programme.objects.count() == 0 and MeetingSeries.objects.count() == 0


def test_a_change_outside_the_series_or_after_standing_down_is_rejected(db):
    text = pack(
        """
        programme: {slug: t, name: Test}
        groups:
          - acronym: AG
            name: Advisory Group
            status: stood_down
            status_history:
              - {status: mobilised, date: 2022-01-01}
              - {status: stood_down, date: 2022-06-01}
            schedule: 3rd Wednesday of each month, 1000-1200
            meetings: {from: 2022-02-01}
        meeting_changes:
          - {group: AG, change: cancel, date: 2022-01-19}
          - {group: AG, change: cancel, date: 2022-06-15}
          - {group: AG, change: cancel, date: 2022-03-16}
          - {group: AG, change: move, date: 2022-03-16, start: "10:00", end: "11:00"}
          - {group: AG, change: move, date: 2022-04-20, start: "10:00", end: "12:00"}
        """
    )
    with pytest.raises(PackError) as caught:
        load_pack_text(text, name="t.yaml")
    assert caught.value.errors == [
        "line 12: cancel of AG 2022-01-19: 2022-01-19 is outside AG's series "
        "(2022-02-01 to open-ended).",
        "line 13: cancel of AG 2022-06-15: AG stood down on 2022-06-01.",
        "line 15: move of AG 2022-03-16: the meeting of 2022-03-16 already has a change at "
        "line 14.",
        "line 16: move of AG 2022-04-20: the move changes neither the day nor the times.",
    ]


def test_a_refused_change_rolls_every_change_back_naming_its_line(db):
    text = pack(
        """
        programme: {slug: t, name: Test}
        groups:
          - acronym: AG
            name: Advisory Group
            status_history: [{status: mobilised, date: 2022-01-01}]
            schedule: 3rd Wednesday of each month, 1000-1200
            meetings: {from: 2022-01-01}
        meeting_changes:
          - {group: AG, change: cancel, date: 2022-02-16}
          - {group: AG, change: move, date: 2022-03-16, to: 2022-03-17, start: "10:00", end: "12:00"}
        """
    )
    load_pack_text(text, name="t.yaml")
    generate()
    march = Meeting.objects.get(group__acronym="AG", scheduled_start=at(2022, 3, 16))
    services.cancel_meeting(
        actor=None, meeting=march, expected_version=march.version, note="Stood down"
    )
    with pytest.raises(PackError) as caught:
        apply_meeting_changes(read_pack(text), name="t.yaml")
    assert caught.value.errors == [
        "line 10: move of AG 2022-03-16: A cancelled meeting cannot be moved."
    ]
    feb = Meeting.objects.get(group__acronym="AG", scheduled_start=at(2022, 2, 16))
    assert feb.status == MeetingStatus.PLANNED  # the cancellation before it rolled back


def test_changes_for_meetings_not_generated_yet_wait_for_generation(db):
    load_pack(DEFAULT_PACK)
    spec = read_pack(DEFAULT_PACK.read_text())
    report = apply_meeting_changes(spec, name="mhhs.yaml")
    assert not report.changed and len(report.pending) == len(spec.meeting_changes) == 8
    assert "8 not applied (meeting not generated yet)" in report.render()
    assert "extraordinary meeting of PSG Mon 30 Oct 2023" in report.render()
    assert not Meeting.objects.exists()
    generate("--group", "PSG")
    report = apply_meeting_changes(spec, name="mhhs.yaml", groups=["psg"])
    assert report.added == 2 and not report.pending
    assert meeting("PSG", "10.1").start == at(2022, 7, 14)
