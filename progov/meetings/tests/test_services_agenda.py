"""Agendas: computed times (TMAG #9 from seed 002), overruns, renumbering, standing items,
carrying unreached items forward, and the forward look."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from progov.audit.models import AuditEntry
from progov.audit.services import verify_chain
from progov.core.errors import PermissionDenied, StaleVersion, ValidationError
from progov.core.testing.factories import GroupFactory, OrganisationFactory, PersonFactory
from progov.meetings import services
from progov.meetings.models import (
    AgendaItem,
    AgendaTemplateItem,
    ForwardLookStatus,
    Meeting,
    MeetingStatus,
)
from progov.meetings.selectors.agenda import agenda_for, forward_look_for
from progov.meetings.services.agenda import AgendaChanged
from progov.meetings.tests.agenda_support import at, tmag9, tmag_standing

pytestmark = pytest.mark.django_db
__all__ = ["tmag9", "tmag_standing"]  # fixtures
LONDON = ZoneInfo("Europe/London")
PAST = datetime(2022, 1, 1, tzinfo=LONDON)


def slots(agenda) -> list[tuple[int, str, str]]:
    return [(r.number, r.item.title, r.time_text) for r in agenda.rows]


def test_tmag9_agenda_times_match_the_pack(tmag9):
    agenda = agenda_for(tmag9)
    assert slots(agenda) == [
        (1, "Welcome", "10:00–10:05"),
        (2, "Minutes and actions", "10:05–10:10"),
        (3, "Programme updates", "10:10–10:15"),
        (4, "Programme re-plan", "10:15–10:55"),
        (5, "Working group updates", "10:55–11:15"),
        (6, "Summary and next steps", "11:15–11:20"),
    ]
    assert [r.item.duration_minutes for r in agenda.rows] == [5, 5, 5, 40, 20, 5]
    assert agenda.total_minutes == 80
    assert agenda.ends_at == at(2022, 9, 22, 11, 20)
    assert not agenda.overruns and agenda.overrun_minutes == 0 and agenda.overrun_text == ""
    assert agenda.spare_minutes == 40
    assert agenda.summary == "6 items, 80 minutes: ends 11:20, 40 minutes before the meeting ends"
    assert agenda.rows[3].item.lead == "Programme (Kate Goodman)"


def test_an_agenda_past_the_meeting_end_is_flagged(tmag9, pmo_user):
    services.add_agenda_item(
        actor=pmo_user, meeting=tmag9, title="Migration approach", duration_minutes=65
    )
    agenda = agenda_for(tmag9)
    assert agenda.ends_at == at(2022, 9, 22, 12, 25)
    assert agenda.overruns and agenda.overrun_minutes == 25
    assert agenda.overrun_text == "runs 25 minutes over"
    assert "runs 25 minutes over (the meeting ends 12:00)" in agenda.summary
    assert agenda.rows[-1].item.title == "Summary and next steps"


def test_dag14_with_a_break_fits_its_morning(programme, psg, pmo_user):
    """DAG #14 (seed 004): nine items and a 10-minute break from 09:30, ending 12:00."""
    dag = GroupFactory(programme=programme, acronym="DAG", level=3, parent=psg)
    meeting = services.create_extraordinary_meeting(
        actor=pmo_user, group=dag, start=at(2022, 8, 10, 9, 30), end=at(2022, 8, 10, 12)
    )
    for title, minutes, kind in [
        ("Welcome", 5, "information"),
        ("Minutes and Actions", 30, "decision"),
        ("Design RAID review", 15, "decision"),
        ("Transition plan", 25, "information"),
        ("MHHS Design Status Update", 30, "information"),
        ("Break", 10, "break"),
        ("CCAG Horizon Scanning", 10, "information"),
    ]:
        services.add_agenda_item(
            actor=pmo_user, meeting=meeting, title=title, duration_minutes=minutes, item_type=kind
        )
    agenda = agenda_for(meeting)
    assert agenda.rows[5].is_break and agenda.rows[5].time_text == "11:15–11:25"
    assert agenda.rows[6].time_text == "11:25–11:35"
    assert agenda.spare_minutes == 25


def test_times_are_computed_in_uk_time_across_a_clock_change(tmag_standing):
    winter = Meeting.objects.get(group=tmag_standing, number_major=11)  # 16 Nov 2022, GMT
    agenda = agenda_for(winter)
    assert agenda.rows[0].time_text == "10:00–10:05"
    assert agenda.rows[0].start.utcoffset() == timedelta(0)


def test_standing_items_come_from_the_template_with_at_end_items_last(tmag_standing, pmo_user):
    services.add_template_item(
        actor=pmo_user, group=tmag_standing, title="Risks", lead_text="Programme", position=3
    )
    titles = [t.title for t in AgendaTemplateItem.objects.filter(group=tmag_standing)]
    assert titles == [
        "Welcome",
        "Minutes and actions",
        "Risks",
        "Programme updates",
        "Summary and next steps",
    ]
    positions = list(
        AgendaTemplateItem.objects.filter(group=tmag_standing).values_list("position", flat=True)
    )
    assert positions == [1, 2, 3, 4, 5]
    # Existing meetings keep their agendas; new meetings get the template.
    first = Meeting.objects.get(group=tmag_standing, number_major=1)
    assert [i.title for i in first.agenda_items.order_by("position")] == [
        "Welcome",
        "Minutes and actions",
        "Programme updates",
        "Summary and next steps",
    ]
    assert all(i.is_standing for i in first.agenda_items.all())
    extra = services.create_extraordinary_meeting(
        actor=pmo_user, group=tmag_standing, start=at(2022, 10, 3), end=at(2022, 10, 3, 11)
    )
    assert [i.title for i in extra.agenda_items.order_by("position")] == titles


def test_template_items_can_change_kind_place_and_go(tmag_standing, pmo_user):
    summary = AgendaTemplateItem.objects.get(group=tmag_standing, title="Summary and next steps")
    welcome = AgendaTemplateItem.objects.get(group=tmag_standing, title="Welcome")
    services.update_template_item(actor=pmo_user, item=welcome, position=3, duration_minutes=10)
    services.update_template_item(actor=pmo_user, item=summary, at_end=False, position=1)
    order = list(AgendaTemplateItem.objects.filter(group=tmag_standing))
    assert [(t.position, t.title, t.at_end) for t in order] == [
        (1, "Summary and next steps", False),
        (2, "Minutes and actions", False),
        (3, "Programme updates", False),
        (4, "Welcome", False),
    ]
    assert order[3].duration_minutes == 10
    services.remove_template_item(actor=pmo_user, item=order[0])
    assert list(
        AgendaTemplateItem.objects.filter(group=tmag_standing).values_list("position", flat=True)
    ) == [1, 2, 3]
    with pytest.raises(ValidationError) as err:
        services.add_template_item(actor=pmo_user, group=tmag_standing, title=" ")
    assert err.value.field_errors == {"title": ["Give the item a title."]}


def test_new_items_go_before_the_closing_standing_items(tmag9, pmo_user):
    item = services.add_agenda_item(actor=pmo_user, meeting=tmag9, title="AOB", position=None)
    titles = [r.item.title for r in agenda_for(tmag9).rows]
    assert titles[-2:] == ["AOB", "Summary and next steps"]
    assert item.position == 6
    first = services.add_agenda_item(actor=pmo_user, meeting=tmag9, title="Apologies", position=1)
    rows = agenda_for(tmag9).rows
    assert [r.number for r in rows] == list(range(1, 9))
    assert rows[0].item == first and rows[1].item.title == "Welcome"
    assert rows[-1].item.title == "Summary and next steps"


def test_remove_and_move_renumber_and_bump_versions(tmag9, pmo_user):
    rows = agenda_for(tmag9).rows
    replan = rows[3].item
    summary = rows[5].item
    summary_version = summary.version  # 3: it moved down twice as items were added
    services.remove_agenda_item(actor=pmo_user, item=replan, expected_version=replan.version)
    rows = agenda_for(tmag9).rows
    assert [r.number for r in rows] == [1, 2, 3, 4, 5]
    assert rows[3].item.title == "Working group updates"
    assert rows[3].time_text == "10:15–10:35"
    summary.refresh_from_db()
    assert summary.position == 5 and summary.version == summary_version + 1
    entry = AuditEntry.objects.filter(object_id=str(summary.pk)).order_by("-id").first()
    assert entry is not None and entry.changes == {"position": [6, 5]}

    moved = services.move_agenda_item(
        actor=pmo_user, item=summary, expected_version=summary.version, position=1
    )
    assert moved.position == 1
    assert [r.item.title for r in agenda_for(tmag9).rows][:2] == [
        "Summary and next steps",
        "Welcome",
    ]
    with pytest.raises(StaleVersion):
        services.move_agenda_item(actor=pmo_user, item=summary, expected_version=1, position=2)
    with pytest.raises(ValidationError):
        services.move_agenda_item(
            actor=pmo_user, item=moved, expected_version=moved.version, position=9
        )
    assert verify_chain() > 0


def test_reorder_needs_every_item_exactly_once(tmag9, pmo_user):
    ids = [r.item.pk for r in agenda_for(tmag9).rows]
    services.reorder_agenda(actor=pmo_user, meeting=tmag9, order=list(reversed(ids)))
    assert [r.item.pk for r in agenda_for(tmag9).rows] == list(reversed(ids))
    with pytest.raises(AgendaChanged) as err:
        services.reorder_agenda(actor=pmo_user, meeting=tmag9, order=ids[:-1])
    assert err.value.status_code == 412
    with pytest.raises(ValidationError):
        services.reorder_agenda(actor=pmo_user, meeting=tmag9, order=[*ids, ids[0]])


def test_update_checks_fields_and_leads(tmag9, pmo_user, programme):
    item = agenda_for(tmag9).rows[3].item
    kate = PersonFactory(programme=programme, name="Kate Goodman")
    updated = services.update_agenda_item(
        actor=pmo_user,
        item=item,
        expected_version=item.version,
        lead_text="",
        lead_person=kate,
        duration_minutes=45,
    )
    assert updated.lead == "Kate Goodman" and updated.version == item.version + 1
    assert agenda_for(tmag9).rows[4].time_text == "11:00–11:20"
    with pytest.raises(ValidationError) as err:
        services.update_agenda_item(
            actor=pmo_user,
            item=updated,
            expected_version=updated.version,
            lead_text="Programme",
            item_type="lecture",
            duration_minutes=-5,
        )
    assert set(err.value.field_errors) == {"lead", "item_type", "duration_minutes"}
    other = OrganisationFactory()  # another programme's organisation
    with pytest.raises(ValidationError) as err:
        services.add_agenda_item(actor=pmo_user, meeting=tmag9, title="X", lead_organisation=other)
    assert "lead_organisation" in err.value.field_errors
    with pytest.raises(StaleVersion):
        services.update_agenda_item(
            actor=pmo_user, item=updated, expected_version=1, title="Re-plan"
        )


def test_only_the_secretariat_edits_agendas(tmag9, member_user):
    with pytest.raises(PermissionDenied):
        services.add_agenda_item(actor=member_user, meeting=tmag9, title="Mine")


def test_held_and_cancelled_agendas_are_records(tmag9, tmag_standing, pmo_user):
    tenth = Meeting.objects.get(group=tmag_standing, number_major=10)
    services.cancel_meeting(
        actor=pmo_user, meeting=tenth, expected_version=tenth.version, note="Stood down"
    )
    with pytest.raises(ValidationError, match="cancelled"):
        services.add_agenda_item(actor=pmo_user, meeting=tenth, title="Late item")
    tmag9.refresh_from_db()
    services.mark_meeting_held(
        actor=pmo_user, meeting=tmag9, expected_version=tmag9.version, now=at(2022, 9, 23)
    )
    with pytest.raises(ValidationError, match="was held"):
        services.add_agenda_item(actor=pmo_user, meeting=tmag9, title="Late item")


def test_carry_marks_not_reached_and_copies_to_the_next_meeting(tmag9, tmag_standing, pmo_user):
    """An item not reached at TMAG #9 goes to TMAG #11 when #10 is cancelled; its history
    shows on both meetings."""
    tenth = Meeting.objects.get(group=tmag_standing, number_major=10)
    services.cancel_meeting(
        actor=pmo_user, meeting=tenth, expected_version=tenth.version, note="Stood down"
    )
    wg = agenda_for(tmag9).rows[4].item
    copy = services.carry_agenda_item(actor=pmo_user, item=wg, expected_version=wg.version)
    wg.refresh_from_db()
    assert wg.not_reached and wg.version == 2
    eleventh = Meeting.objects.get(group=tmag_standing, number_major=11)
    assert copy.meeting == eleventh and copy.carried_from == wg
    assert copy.title == "Working group updates" and copy.duration_minutes == 20
    assert copy.lead == "Programme (working group leads as required)"
    next_agenda = agenda_for(eleventh)
    assert [r.item.title for r in next_agenda.rows] == [
        "Welcome",
        "Minutes and actions",
        "Programme updates",
        "Working group updates",
        "Summary and next steps",
    ]
    row = next_agenda.rows[3]
    assert row.carried_from_text == "carried from TMAG #9"
    assert agenda_for(tmag9).rows[4].carried_to_text == "carried to TMAG #11"
    with pytest.raises(ValidationError, match="already carried to TMAG #11"):
        services.carry_agenda_item(actor=pmo_user, item=wg)
    # Carried again from #11, the chain goes on.
    again = services.carry_agenda_item(actor=pmo_user, item=copy)
    assert again.meeting.number == "12" and again.carried_from == copy
    assert agenda_for(again.meeting).rows[3].carried_from_text == "carried from TMAG #11"


def test_standing_items_and_the_last_meeting_cannot_be_carried(tmag_standing, pmo_user):
    last = Meeting.objects.get(group=tmag_standing, number_major=12)
    with pytest.raises(ValidationError, match="standing item"):
        services.carry_agenda_item(actor=pmo_user, item=last.agenda_items.all()[0])
    item = services.add_agenda_item(actor=pmo_user, meeting=last, title="Year review")
    with pytest.raises(ValidationError, match="no meeting after TMAG #12"):
        services.carry_agenda_item(actor=pmo_user, item=item)
    item.refresh_from_db()
    assert not item.not_reached


def test_forward_look_by_meeting_and_scheduling(tmag_standing, pmo_user, member_user):
    oct_, nov = (Meeting.objects.get(group=tmag_standing, number_major=n) for n in (10, 11))
    replan = services.add_forward_look_item(
        actor=pmo_user,
        group=tmag_standing,
        title="Migration approach",
        target_meeting=nov,
        lead_text="Programme (Kate Goodman)",
        duration_minutes=30,
    )
    services.add_forward_look_item(
        actor=pmo_user, group=tmag_standing, title="E2E testing strategy", target_meeting=oct_
    )
    services.add_forward_look_item(actor=pmo_user, group=tmag_standing, title="Some day")
    view = forward_look_for(user=member_user, group=tmag_standing, today=date(2022, 10, 1))
    assert [s.label for s in view.slots] == [
        "TMAG #10, Wed 19 Oct 2022",
        "TMAG #11, Wed 16 Nov 2022",
        "TMAG #12, Wed 21 Dec 2022",
        "Not yet placed",
    ]
    assert [[i.title for i in s.items] for s in view.slots] == [
        ["E2E testing strategy"],
        ["Migration approach"],
        [],
        ["Some day"],
    ]
    assert [t.title for t in view.standing][-1] == "Summary and next steps"

    agenda_item = services.schedule_forward_look_item(
        actor=pmo_user, item=replan, expected_version=replan.version
    )
    replan.refresh_from_db()
    assert replan.status == ForwardLookStatus.SCHEDULED
    assert agenda_item.forward_look_item == replan and agenda_item.meeting == nov
    assert [r.item.title for r in agenda_for(nov).rows][-2:] == [
        "Migration approach",
        "Summary and next steps",
    ]
    with pytest.raises(ValidationError, match="only a planned item"):
        services.schedule_forward_look_item(actor=pmo_user, item=replan)
    with pytest.raises(ValidationError, match="already on an agenda"):
        services.update_forward_look_item(
            actor=pmo_user, item=replan, expected_version=replan.version, target_meeting=oct_
        )
    # Taken off the agenda again, it is planned again.
    services.remove_agenda_item(
        actor=pmo_user, item=agenda_item, expected_version=agenda_item.version
    )
    replan.refresh_from_db()
    assert replan.status == ForwardLookStatus.PLANNED
    assert verify_chain() > 0


def test_forward_look_targets_must_be_coming_meetings_of_the_group(
    tmag_standing, pmo_user, programme
):
    other = GroupFactory(programme=programme, acronym="DAG")
    services.generate_meetings(actor=pmo_user, group=other, until=date(2022, 3, 31), now=PAST)
    dag_meeting = Meeting.objects.filter(group=other).first()
    with pytest.raises(ValidationError, match="not a meeting of TMAG"):
        services.add_forward_look_item(
            actor=pmo_user, group=tmag_standing, title="X", target_meeting=dag_meeting
        )
    oct_ = Meeting.objects.get(group=tmag_standing, number_major=10)
    services.cancel_meeting(
        actor=pmo_user, meeting=oct_, expected_version=oct_.version, note="Stood down"
    )
    oct_.refresh_from_db()
    assert oct_.status == MeetingStatus.CANCELLED
    with pytest.raises(ValidationError, match="cancelled"):
        services.add_forward_look_item(
            actor=pmo_user, group=tmag_standing, title="X", target_meeting=oct_
        )
    item = services.add_forward_look_item(actor=pmo_user, group=tmag_standing, title="Later")
    with pytest.raises(ValidationError, match="Choose the meeting"):
        services.schedule_forward_look_item(actor=pmo_user, item=item)
    dropped = services.update_forward_look_item(
        actor=pmo_user, item=item, expected_version=item.version, status="dropped"
    )
    assert dropped.status == "dropped" and dropped.version == 2
    assert forward_look_for(user=None, group=tmag_standing, today=date(2022, 10, 1)).item_count == 0
    services.remove_forward_look_item(actor=pmo_user, item=dropped, expected_version=2)
    assert not AgendaItem.objects.filter(title="Later").exists()


def test_time_is_a_function_of_order_not_stored(tmag9):
    """Nothing about slots is stored: the model has no start or end column."""
    fields = {f.name for f in AgendaItem._meta.get_fields()}
    assert not {"start", "end", "start_time"} & fields
    assert agenda_for(tmag9).starts_at.time() == time(10)
