"""Coverage (constituencies with somebody present, per part under co-representation),
quorum met or not with its reason, the register's order, visibility and query counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from progov.core.errors import NotFound
from progov.core.testing.factories import GroupFactory, PersonFactory
from progov.meetings import services
from progov.meetings.models import MeetingSeries
from progov.meetings.selectors.attendance import (
    attendance_for,
    coverage_for,
    quorum_for,
    register_summary_for,
)
from progov.meetings.tests.attendance_world import meeting_of, psg_world, tmag_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(programme, psg):
    return psg_world(programme, psg)


@pytest.fixture
def meeting(world, pmo_user):
    m = meeting_of(world.group)
    services.issue_invitations(actor=pmo_user, meeting=m)
    return m


def record(pmo_user, meeting, world, **statuses):
    for key, status in statuses.items():
        represented_by = None
        if isinstance(status, tuple):
            status, alt = status
            represented_by = world.people[alt]
        services.record_attendance(
            actor=pmo_user,
            meeting=meeting,
            person=world.people[key.replace("_", "-")],
            status=status,
            represented_by=represented_by,
        )


def by_name(coverage):
    return {c.name: c for c in coverage.constituencies}


def test_nothing_recorded_yet(world, meeting):
    coverage = coverage_for(meeting)
    assert coverage.total == 7 and coverage.represented_count == 0
    assert not coverage.recorded and coverage.closed
    quorum = quorum_for(meeting, coverage)
    assert quorum.met is None and quorum.configured
    assert quorum.reason == (
        "Quorum needs the chair and 5 constituencies represented; attendance is not recorded yet."
    )


def test_counted_constituencies_exclude_programme_ipa_and_regulator(world, meeting, pmo_user):
    record(pmo_user, meeting, world, chair="present", ipa="present", ofgem="observer")
    coverage = coverage_for(meeting)
    counted = {c.code for c in coverage.constituencies}
    assert counted == {
        "large-supplier",
        "medium-supplier",
        "small-supplier",
        "dno",
        "idno",
        "elexon",
        "consumer",
    }  # central systems and the consumer representative count; Programme, IPA, Ofgem not
    others = {c.code: c for c in coverage.others}
    assert set(others) == {"programme", "ipa", "ofgem"}
    assert others["ofgem"].present == ("Olu Regulator (observer)",)
    assert others["ipa"].present == ("Ivy Assurer",)
    assert coverage.chair_present


def test_alternate_standing_in_covers_the_constituency(world, meeting, pmo_user):
    record(
        pmo_user,
        meeting,
        world,
        large_supplier_rep=("represented", "large-supplier-alt"),
        dno_rep="apologies",
        medium_supplier_rep="present",
    )
    coverage = by_name(coverage_for(meeting))
    large = coverage["Large Supplier"]
    assert large.covered and large.status == "covered"
    assert large.present == (f"{world.people['large-supplier-alt'].name} (alternate)",)
    assert coverage["Distribution Network Operator (DNO)"].status == "not covered"
    assert coverage["Medium Supplier"].present == ("Medium Supplier Rep",)


def test_representative_with_apologies_and_no_alternate_leaves_it_uncovered(
    world, meeting, pmo_user
):
    record(pmo_user, meeting, world, small_supplier_rep="apologies", chair="present")
    coverage = coverage_for(meeting)
    assert "Small Supplier" in {c.name for c in coverage.not_covered}
    assert coverage.summary.startswith("0 of 7 constituencies represented; nobody present for ")


def test_observers_and_guests_do_not_cover_a_constituency(world, meeting, pmo_user, programme):
    record(pmo_user, meeting, world, consumer_rep="observer")
    guest = PersonFactory(programme=programme)
    services.record_attendance(actor=pmo_user, meeting=meeting, person=guest, status="guest")
    assert by_name(coverage_for(meeting))["Consumer"].status == "not covered"


def test_quorum_not_met_names_the_count_and_the_chair(world, meeting, pmo_user):
    record(
        pmo_user,
        meeting,
        world,
        chair="present",
        large_supplier_rep="present",
        medium_supplier_rep="present",
        small_supplier_rep="present",
    )
    coverage = coverage_for(meeting)
    quorum = quorum_for(meeting, coverage)
    assert quorum.met is False
    assert quorum.reason == "Quorum not met: 3 of 5 constituencies represented; chair present."
    assert quorum.status_label == "Quorum not met"
    assert quorum.detail == "3 of 5 constituencies represented; chair present."


def test_quorum_met(world, meeting, pmo_user):
    record(
        pmo_user,
        meeting,
        world,
        chair="present",
        large_supplier_rep=("represented", "large-supplier-alt"),
        medium_supplier_rep="present",
        small_supplier_rep="present",
        dno_rep="present",
        idno_rep="present",
        elexon_rep="present",
    )
    quorum = quorum_for(meeting, coverage_for(meeting))
    assert quorum.met is True
    assert quorum.reason == "Quorum met: 6 constituencies represented (5 needed); chair present."


def test_quorum_not_met_without_the_chair(world, meeting, pmo_user):
    record(
        pmo_user,
        meeting,
        world,
        chair="apologies",
        large_supplier_rep="present",
        medium_supplier_rep="present",
        small_supplier_rep="present",
        dno_rep="present",
        idno_rep="present",
    )
    quorum = quorum_for(meeting, coverage_for(meeting))
    assert quorum.met is False
    assert quorum.reason == "Quorum not met: 5 constituencies represented (5 needed); chair absent."


def test_no_quorum_set(programme, pmo_user):
    group = GroupFactory(programme=programme, acronym="EWG")
    m = meeting_of(group)
    quorum = quorum_for(m, coverage_for(m))
    assert (quorum.configured, quorum.met) == (False, None)
    assert quorum.reason == "No quorum is set for EWG."
    MeetingSeries.objects.create(group=group, starts_on=date(2022, 1, 1))
    m.group.refresh_from_db()
    assert quorum_for(m, coverage_for(m)).configured is False


def test_chair_only_quorum(programme, pmo_user):
    world = psg_world(programme, quorum_min=0)
    m = meeting_of(world.group)
    services.record_attendance(
        actor=pmo_user, meeting=m, person=world.people["chair"], status="present"
    )
    quorum = quorum_for(m, coverage_for(m))
    assert quorum.met is True and quorum.reason == "Quorum met: chair present."


# --- co-representation (TMAG) -------------------------------------------------------------


@pytest.fixture
def tmag(programme):
    return tmag_world(programme)


@pytest.fixture
def tmag_meeting(tmag, pmo_user):
    m = meeting_of(tmag.group, date(2023, 3, 15), number=15)
    services.issue_invitations(actor=pmo_user, meeting=m)
    return m


def test_co_represented_constituency_is_covered_per_part(tmag, tmag_meeting, pmo_user):
    record(pmo_user, tmag_meeting, tmag, ls_testing="present", ls_migration="apologies")
    large = by_name(coverage_for(tmag_meeting))["Large Supplier"]
    assert large.is_split and large.partly_covered and large.represented
    assert large.summary == "Large Supplier — Migration: not covered, Testing: covered"
    assert large.missing_parts == ("Migration",)


def test_alternate_covers_the_part_of_the_representative_they_stand_in_for(
    tmag, tmag_meeting, pmo_user
):
    record(
        pmo_user,
        tmag_meeting,
        tmag,
        tmag_chair="present",
        ls_testing="apologies",
        ls_migration=("represented", "ls-migration-alt"),
    )
    large = by_name(coverage_for(tmag_meeting))["Large Supplier"]
    assert [(p.part, p.covered) for p in large.parts] == [("Migration", True), ("Testing", False)]
    assert large.parts[0].present == ("Alma Alternate (alternate)",)


def test_a_representative_without_a_part_covers_every_part(tmag, tmag_meeting, pmo_user):
    tmag.member("ls-both", "representative", "large-supplier", name="Bo Both")
    services.issue_invitations(actor=pmo_user, meeting=tmag_meeting)
    record(pmo_user, tmag_meeting, tmag, ls_both="present")
    large = by_name(coverage_for(tmag_meeting))["Large Supplier"]
    assert (
        large.covered and large.summary == "Large Supplier — Migration: covered, Testing: covered"
    )


def test_quorum_counts_a_partly_covered_constituency_and_says_so(tmag, tmag_meeting, pmo_user):
    record(
        pmo_user,
        tmag_meeting,
        tmag,
        tmag_chair="present",
        ls_testing="present",
        ls_migration="apologies",
        tmag_dno="present",
    )
    quorum = quorum_for(tmag_meeting, coverage_for(tmag_meeting))
    assert quorum.met is True
    assert quorum.reason == (
        "Quorum met: 2 constituencies represented (2 needed); chair present "
        "(Large Supplier only in part: Migration not covered)."
    )


# --- the register -------------------------------------------------------------------------


def test_register_order_and_alternates(world, meeting, pmo_user):
    register = attendance_for(user=pmo_user, meeting=meeting)
    names = [r.person.name for r in register.rows]
    assert names[:3] == ["Chris Welby", "Pat Officer", "Ivy Assurer"]  # who runs the meeting
    assert names[-1] == "Olu Regulator"  # the observer after the constituencies
    large = next(r for r in register.rows if r.person.name == "Large Supplier Rep")
    assert [m.person for m in large.alternates] == [world.people["large-supplier-alt"]]
    assert ("represented", "Represented by alternate") in large.status_choices
    small = next(r for r in register.rows if r.person.name == "Small Supplier Rep")
    assert small.alternates == [] and "represented" not in dict(small.status_choices)
    assert register.summary == "11 invited, not yet recorded"


def test_role_label_of_an_alternate_and_a_guest(world, meeting, pmo_user, programme):
    record(pmo_user, meeting, world, dno_rep=("represented", "dno-alt"))
    guest = PersonFactory(programme=programme, name="Gina Guest")
    services.record_attendance(actor=pmo_user, meeting=meeting, person=guest, status="guest")
    rows = {r.person.name: r for r in attendance_for(user=pmo_user, meeting=meeting).rows}
    assert rows[world.people["dno-alt"].name].role_label == (
        "Alternate for Distribution Network Operator Rep"
    )
    assert rows["Gina Guest"].role_label == "Invited guest"
    assert dict(rows["Gina Guest"].status_choices) == {
        "guest": "Invited guest",
        "observer": "Observer",
    }


def test_hidden_group_register_is_not_found_for_anonymous(programme, pmo_user):
    world = psg_world(programme)
    world.group.visibility = "participants"
    world.group.save()
    m = meeting_of(world.group)
    with pytest.raises(NotFound):
        attendance_for(user=AnonymousUser(), meeting=m)
    assert attendance_for(user=pmo_user, meeting=m).rows == []


def _count_queries(meeting, user) -> int:
    meeting.group.refresh_from_db()
    with CaptureQueriesContext(connection) as ctx:
        register = attendance_for(user=user, meeting=meeting)
        coverage = coverage_for(meeting, register=register)
        quorum_for(meeting, coverage)
        _ = register.summary, coverage.summary, [r.role_label for r in register.rows]
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_members(world, meeting, pmo_user, programme):
    record(pmo_user, meeting, world, large_supplier_rep=("represented", "large-supplier-alt"))
    before = _count_queries(meeting, pmo_user)
    for i in range(15):
        rep = world.member(f"extra-{i}", "representative", "consumer")
        world.member(f"extra-alt-{i}", "alternate", "consumer", alternate_for=f"extra-{i}")
        assert rep.pk
    services.issue_invitations(actor=pmo_user, meeting=meeting)
    for i in range(0, 15, 2):
        record(pmo_user, meeting, world, **{f"extra_{i}": ("represented", f"extra-alt-{i}")})
    for _ in range(5):
        services.record_attendance(
            actor=pmo_user,
            meeting=meeting,
            person=PersonFactory(programme=programme),
            status="guest",
        )
    assert _count_queries(meeting, pmo_user) == before <= 7


def test_coverage_is_the_same_from_the_lines_the_summary_or_nothing(tmag, tmag_meeting, pmo_user):
    """The light read (plain tuples, with or without the register's counts) agrees with
    coverage from the full register, parts and alternates included."""
    user = AnonymousUser()
    assert register_summary_for(user=user, meeting=tmag_meeting).recorded is False
    assert coverage_for(tmag_meeting) == coverage_for(
        tmag_meeting, register=attendance_for(user=user, meeting=tmag_meeting)
    )
    record(
        pmo_user,
        tmag_meeting,
        tmag,
        tmag_chair="present",
        ls_testing="apologies",
        ls_migration=("represented", "ls-migration-alt"),
    )
    register = attendance_for(user=user, meeting=tmag_meeting)
    summary = register_summary_for(user=user, meeting=tmag_meeting)
    full = coverage_for(tmag_meeting, register=register)
    assert full.recorded and full.chairs
    assert coverage_for(tmag_meeting, register=summary) == full
    assert coverage_for(tmag_meeting) == full
    assert summary.total == register.total and summary.summary == register.summary
    assert summary.counts == register.counts
