"""Invitations and attendance: who is invited, recording each status, alternates,
guests, the whole register at once, versions and the audit trail."""

from __future__ import annotations

from datetime import date

import pytest

from progov.audit.models import AuditEntry
from progov.audit.services import verify_chain
from progov.core.errors import PermissionDenied, StaleVersion, ValidationError
from progov.core.testing.factories import PersonFactory, ProgrammeFactory
from progov.meetings import services
from progov.meetings.models import Attendance, AttendanceStatus
from progov.meetings.tests.attendance_world import DAY, meeting_of, psg_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(programme, psg):
    return psg_world(programme, psg)


@pytest.fixture
def meeting(world):
    return meeting_of(world.group)


def rows(meeting) -> dict[str, Attendance]:
    return {
        a.person.name: a
        for a in Attendance.objects.filter(meeting=meeting).select_related(
            "person", "represented_by"
        )
    }


def test_invitations_go_to_current_members_but_not_alternates(world, meeting, pmo_user):
    report = services.issue_invitations(actor=pmo_user, meeting=meeting)
    invited = rows(meeting)
    assert len(report.invited) == len(invited) == 4 + 7  # chair, PMO, IPA, Ofgem + 7 reps
    assert world.people["large-supplier-alt"].name not in invited
    rep = invited["Large Supplier Rep"]
    assert rep.status == AttendanceStatus.INVITED
    assert rep.role == "representative"
    assert rep.constituency == world.constituencies["large-supplier"]
    assert rep.membership == world.memberships["large-supplier-rep"]
    assert invited["Chris Welby"].role == "chair"
    assert "11 invited" in report.render()


def test_invitations_follow_membership_dates(world, meeting, pmo_user):
    world.member("left", "representative", "idno", end=DAY.replace(day=5))
    world.member("later", "representative", "idno", start=DAY.replace(day=7))
    world.member("on-the-day", "representative", "idno", start=DAY, end=DAY)
    services.issue_invitations(actor=pmo_user, meeting=meeting)
    names = set(rows(meeting))
    assert "Left" not in names and "Later" not in names
    assert "On The Day" in names


def test_invitations_are_idempotent_and_pick_up_new_members(world, meeting, pmo_user):
    services.issue_invitations(actor=pmo_user, meeting=meeting)
    last_entry = AuditEntry.objects.order_by("-id").first()
    again = services.issue_invitations(actor=pmo_user, meeting=meeting)
    assert again.invited == [] and again.withdrawn == [] and again.kept == 11
    assert AuditEntry.objects.order_by("-id").first() == last_entry  # nothing written

    world.member("newcomer", "representative", "idno", start=date(2023, 9, 1))
    third = services.issue_invitations(actor=pmo_user, meeting=meeting)
    assert [a.person.name for a in third.invited] == ["Newcomer"]
    assert len(rows(meeting)) == 12
    assert verify_chain() > 0


def test_rerun_withdraws_untouched_invitations_of_people_who_left(world, meeting, pmo_user):
    services.issue_invitations(actor=pmo_user, meeting=meeting)
    services.record_attendance(
        actor=pmo_user, meeting=meeting, person=world.people["dno-rep"], status="apologies"
    )
    for key in ("idno-rep", "dno-rep"):
        m = world.memberships[key]
        m.end_date = date(2023, 9, 1)
        m.save()
    report = services.issue_invitations(actor=pmo_user, meeting=meeting)
    assert report.withdrawn == ["Independent Distribution Network Operator Rep"]
    names = rows(meeting)
    assert "Independent Distribution Network Operator Rep" not in names
    assert names["Distribution Network Operator Rep"].status == "apologies"  # recorded: kept
    deleted = AuditEntry.objects.filter(object_type="meetings.attendance", action="delete")
    assert deleted.count() == 1 and deleted.get().object_id != "None"


def test_someone_with_two_places_is_invited_once_in_the_first_role(world, meeting, pmo_user):
    world.member("chair", "representative", "consumer", person=world.people["chair"])
    services.issue_invitations(actor=pmo_user, meeting=meeting)
    assert rows(meeting)["Chris Welby"].role == "chair"


def test_cancelled_meeting_gets_no_invitations(world, pmo_user):
    cancelled = meeting_of(world.group, status="cancelled")
    with pytest.raises(ValidationError, match="cancelled"):
        services.issue_invitations(actor=pmo_user, meeting=cancelled)


def test_only_the_secretariat_invites_and_records(world, meeting, member_user):
    with pytest.raises(PermissionDenied):
        services.issue_invitations(actor=member_user, meeting=meeting)
    with pytest.raises(PermissionDenied):
        services.record_attendance(
            actor=member_user, meeting=meeting, person=world.people["chair"], status="present"
        )


@pytest.mark.parametrize("status", ["present", "apologies", "observer", "invited"])
def test_record_simple_statuses(world, meeting, pmo_user, status):
    services.issue_invitations(actor=pmo_user, meeting=meeting)
    row = rows(meeting)["Small Supplier Rep"]
    recorded = services.record_attendance(
        actor=pmo_user,
        meeting=meeting,
        person=world.people["small-supplier-rep"],
        status=status,
        expected_version=row.version,
    )
    assert recorded.status == status
    assert recorded.version == (row.version if status == "invited" else row.version + 1)


def test_represented_by_their_alternate_who_is_then_present(world, meeting, pmo_user):
    services.issue_invitations(actor=pmo_user, meeting=meeting)
    rep, alt = world.people["large-supplier-rep"], world.people["large-supplier-alt"]
    services.record_attendance(
        actor=pmo_user, meeting=meeting, person=rep, status="represented", represented_by=alt
    )
    found = rows(meeting)
    assert found["Large Supplier Rep"].status == "represented"
    assert found["Large Supplier Rep"].represented_by == alt
    stand_in = found[alt.name]
    assert (stand_in.status, stand_in.role) == ("present", "alternate")
    assert stand_in.constituency == world.constituencies["large-supplier"]
    assert stand_in.membership == world.memberships["large-supplier-alt"]
    # Back to present: the link to the alternate goes.
    again = services.record_attendance(
        actor=pmo_user, meeting=meeting, person=rep, status="present"
    )
    assert again.represented_by is None


def test_represented_needs_an_alternate_of_that_representative(world, meeting, pmo_user):
    services.issue_invitations(actor=pmo_user, meeting=meeting)
    rep = world.people["large-supplier-rep"]
    with pytest.raises(ValidationError) as missing:
        services.record_attendance(
            actor=pmo_user, meeting=meeting, person=rep, status="represented"
        )
    assert "represented_by" in missing.value.field_errors
    with pytest.raises(ValidationError) as wrong:
        services.record_attendance(
            actor=pmo_user,
            meeting=meeting,
            person=rep,
            status="represented",
            represented_by=world.people["dno-alt"],
        )
    assert "is not an alternate of Large Supplier Rep" in wrong.value.message
    assert world.people["large-supplier-alt"].name in wrong.value.message  # names the right one
    with pytest.raises(ValidationError, match="no alternate on that date"):
        services.record_attendance(
            actor=pmo_user,
            meeting=meeting,
            person=world.people["small-supplier-rep"],
            status="represented",
            represented_by=world.people["dno-alt"],
        )
    with pytest.raises(ValidationError, match="only a representative"):
        services.record_attendance(
            actor=pmo_user,
            meeting=meeting,
            person=world.people["chair"],
            status="represented",
            represented_by=world.people["dno-alt"],
        )
    with pytest.raises(ValidationError) as stray:
        services.record_attendance(
            actor=pmo_user,
            meeting=meeting,
            person=rep,
            status="present",
            represented_by=world.people["large-supplier-alt"],
        )
    assert "represented_by" in stray.value.field_errors
    assert rows(meeting)["Large Supplier Rep"].status == "invited"  # nothing written


def test_an_alternate_whose_term_ended_cannot_stand_in(world, meeting, pmo_user):
    alt = world.memberships["large-supplier-alt"]
    alt.end_date = date(2023, 8, 31)
    alt.save()
    with pytest.raises(ValidationError, match="is not an alternate"):
        services.record_attendance(
            actor=pmo_user,
            meeting=meeting,
            person=world.people["large-supplier-rep"],
            status="represented",
            represented_by=world.people["large-supplier-alt"],
        )


def test_a_guest_who_is_not_a_member_gets_a_line(world, meeting, pmo_user, programme):
    guest = PersonFactory(programme=programme, name="Gina Guest")
    row = services.record_attendance(actor=pmo_user, meeting=meeting, person=guest, status="guest")
    assert (row.status, row.role, row.membership, row.constituency) == ("guest", "", None, None)
    assert AuditEntry.objects.filter(
        object_type="meetings.attendance", object_id=str(row.pk), action="create"
    ).exists()
    with pytest.raises(ValidationError, match="not a member of PSG"):
        services.record_attendance(
            actor=pmo_user,
            meeting=meeting,
            person=PersonFactory(programme=programme),
            status="present",
        )
    with pytest.raises(ValidationError, match="record them as present"):
        services.record_attendance(
            actor=pmo_user, meeting=meeting, person=world.people["dno-rep"], status="guest"
        )


def test_a_person_of_another_programme_is_refused(world, meeting, pmo_user):
    stranger = PersonFactory(programme=ProgrammeFactory())
    with pytest.raises(ValidationError, match="another programme"):
        services.record_attendance(actor=pmo_user, meeting=meeting, person=stranger, status="guest")


def test_unknown_status_is_refused(world, meeting, pmo_user):
    with pytest.raises(ValidationError) as exc:
        services.record_attendance(
            actor=pmo_user, meeting=meeting, person=world.people["chair"], status="asleep"
        )
    assert "status" in exc.value.field_errors


def test_stale_version_is_refused(world, meeting, pmo_user):
    services.issue_invitations(actor=pmo_user, meeting=meeting)
    chair = world.people["chair"]
    services.record_attendance(
        actor=pmo_user, meeting=meeting, person=chair, status="present", expected_version=1
    )
    with pytest.raises(StaleVersion):
        services.record_attendance(
            actor=pmo_user, meeting=meeting, person=chair, status="apologies", expected_version=1
        )
    assert rows(meeting)["Chris Welby"].status == "present"


def test_recording_writes_one_audit_update_with_the_change(world, meeting, pmo_user):
    services.issue_invitations(actor=pmo_user, meeting=meeting)
    row = services.record_attendance(
        actor=pmo_user, meeting=meeting, person=world.people["chair"], status="present"
    )
    entry = AuditEntry.objects.filter(
        object_type="meetings.attendance", object_id=str(row.pk)
    ).latest("id")
    assert entry.action == "update"
    assert entry.changes == {"status": ["invited", "present"]}
    assert verify_chain() > 0


def test_register_records_many_lines_at_once(world, meeting, pmo_user):
    services.issue_invitations(actor=pmo_user, meeting=meeting)
    found = rows(meeting)
    p = world.people
    entries = [
        services.RegisterEntry(p["chair"].pk, "present", None, found["Chris Welby"].version),
        services.RegisterEntry(p["dno-rep"].pk, "represented", p["dno-alt"].pk, 1),
        services.RegisterEntry(p["idno-rep"].pk, "apologies", None, 1),
        services.RegisterEntry(p["pmo"].pk, "invited", None, 1),  # unchanged: skipped
    ]
    report = services.record_register(actor=pmo_user, meeting=meeting, entries=entries)
    assert len(report.changed) == 3 and report.unchanged == 1
    after = rows(meeting)
    assert after["Chris Welby"].status == "present"
    assert after[p["dno-alt"].name].status == "present"
    assert after["Independent Distribution Network Operator Rep"].status == "apologies"


def test_register_is_all_or_nothing_with_a_message_per_line(world, meeting, pmo_user):
    services.issue_invitations(actor=pmo_user, meeting=meeting)
    p = world.people
    entries = [
        services.RegisterEntry(p["chair"].pk, "present", None, 1),
        services.RegisterEntry(p["dno-rep"].pk, "represented", p["large-supplier-alt"].pk, 1),
        services.RegisterEntry(p["idno-rep"].pk, "represented", None, 1),
    ]
    with pytest.raises(ValidationError) as exc:
        services.record_register(actor=pmo_user, meeting=meeting, entries=entries)
    assert set(exc.value.field_errors) == {
        f"represented_by-{p['dno-rep'].pk}",
        f"represented_by-{p['idno-rep'].pk}",
    }
    assert "2 lines to correct" in exc.value.message
    assert rows(meeting)["Chris Welby"].status == "invited"  # rolled back


def test_register_refuses_an_alternate_recorded_absent_yet_standing_in(world, meeting, pmo_user):
    services.issue_invitations(actor=pmo_user, meeting=meeting)
    p = world.people
    services.record_attendance(
        actor=pmo_user, meeting=meeting, person=p["dno-alt"], status="observer"
    )  # the alternate now has a line of their own
    entries = [
        services.RegisterEntry(p["dno-alt"].pk, "apologies", None, 1),
        services.RegisterEntry(p["dno-rep"].pk, "represented", p["dno-alt"].pk, 1),
    ]
    with pytest.raises(ValidationError) as exc:
        services.record_register(actor=pmo_user, meeting=meeting, entries=entries)
    assert "cannot represent" in exc.value.field_errors[f"represented_by-{p['dno-rep'].pk}"][0]


def test_register_with_a_stale_line_is_refused(world, meeting, pmo_user):
    services.issue_invitations(actor=pmo_user, meeting=meeting)
    chair = world.people["chair"]
    services.record_attendance(actor=pmo_user, meeting=meeting, person=chair, status="present")
    with pytest.raises(StaleVersion):
        services.record_register(
            actor=pmo_user,
            meeting=meeting,
            entries=[services.RegisterEntry(chair.pk, "apologies", None, 1)],
        )
