"""The action log's writes: generated refs, owners, updates, proposed and confirmed
closures, and who may do each."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from progov.actions import services
from progov.actions.models import Action, ActionStatus, ActionUpdate
from progov.actions.owners import resolve_owner
from progov.core.errors import NotFound, PermissionDenied, StaleVersion, ValidationError
from progov.core.testing.audit import assert_audited, audit_head

pytestmark = pytest.mark.django_db


def _raise(world, actor, meeting_key="psg24", **extra):
    meeting = world[meeting_key]
    values: dict[str, Any] = {
        "description": "Do a thing",
        "owner": "Programme (Fraser Mathieson)",
        "due_on": date(2023, 10, 4),
    }
    values.update(extra)
    return services.raise_action(actor=actor, group=meeting.group, meeting=meeting, **values)


def test_the_third_action_raised_at_psg_24_is_psg24_03(log_world, pmo_user):
    refs = [_raise(log_world, pmo_user).ref for _ in range(3)]
    assert refs == ["PSG24-01", "PSG24-02", "PSG24-03"]
    # Another meeting's numbers are its own.
    assert _raise(log_world, pmo_user, "psg23").ref == "PSG23-01"


def test_the_first_action_at_an_extraordinary_meeting_carries_its_number(log_world, pmo_user):
    action = _raise(log_world, pmo_user, "dag101")
    assert action.ref == "DAG10.1-01"
    assert action.raised_on == date(2022, 6, 21)


def test_a_ref_survives_edits(log_world, pmo_user):
    action = _raise(log_world, pmo_user)
    edited = services.update_action(
        actor=pmo_user,
        action=action,
        expected_version=action.version,
        changes={"description": "Do another thing", "owner_text": "Ofgem"},
    )
    assert edited.ref == "PSG24-01"
    assert edited.version == action.version + 1
    with pytest.raises(ValidationError):
        services.update_action(
            actor=pmo_user,
            action=edited,
            expected_version=edited.version,
            changes={"ref": "PSG24-09"},
        )


def test_a_given_ref_already_in_the_log_is_refused_naming_both(log_world, pmo_user):
    services.record_action(
        actor=pmo_user,
        group=log_world["psg"],
        ref="PSG23-02",
        description="Circulate supporting slide pack",
        owner="Programme",
    )
    head = audit_head()
    with pytest.raises(ValidationError) as refused:
        services.record_action(
            actor=pmo_user,
            group=log_world["psg"],
            ref="PSG23-02",
            description="Review the existing appeals mechanisms",
            owner="Programme",
        )
    message = refused.value.field_errors["ref"][0]
    assert "PSG23-02 is already in the log" in message
    assert "Circulate supporting slide pack" in message
    assert Action.objects.filter(ref="PSG23-02").count() == 1
    assert audit_head() == head


def test_a_bad_ref_is_refused(log_world, pmo_user):
    with pytest.raises(ValidationError) as refused:
        services.record_action(
            actor=pmo_user, group=log_world["psg"], ref="PSG-XX", description="x", owner="Programme"
        )
    assert "is not an action ref" in refused.value.field_errors["ref"][0]


def test_owners_resolve_as_the_packs_write_them(log_world, programme):
    from progov.actions.models import OwnerAlias

    OwnerAlias.objects.create(
        programme=programme, alias="Programme", organisation=log_world["mhhs"]
    )
    two = resolve_owner(programme=programme, text="Programme (Fraser Mathieson & Rita Rep)")
    assert [p.name for p in two.people] == ["Fraser Mathieson", "Rita Rep"]
    assert [o.name for o in two.organisations] == ["MHHS Programme"]
    team = resolve_owner(programme=programme, text="Programme (PMO/PPC)")
    assert [o.name for o in team.organisations] == ["MHHS Programme"] and not team.people
    reps = resolve_owner(programme=programme, text="PSG Constituency Representatives")
    assert [g.acronym for g in reps.groups] == ["PSG"]
    members = resolve_owner(programme=programme, text="DAG members")
    assert [g.acronym for g in members.groups] == ["DAG"]
    chair = resolve_owner(programme=programme, text="Chair", group=log_world["psg"])
    assert [p.name for p in chair.people] == ["Chris Chair"]
    both = resolve_owner(programme=programme, text="Programme and EE")
    assert {o.name for o in both.organisations} == {"MHHS Programme", "Example Energy"}
    assert not resolve_owner(programme=programme, text="Somebody Else").found


def test_the_owner_proposes_closure_and_a_later_meeting_confirms_it(log_world, pmo_user):
    action = _raise(log_world, pmo_user, "psg23", owner="Example Energy")
    rep = log_world["rep_login"]
    proposed = services.post_action_update(
        actor=rep,
        action=action,
        expected_version=action.version,
        text="Slides circulated",
        status=ActionStatus.RECOMMEND_CLOSED,
        on=date(2023, 8, 20),
    )
    assert proposed.status == ActionStatus.RECOMMEND_CLOSED
    assert proposed.latest_update == "Slides circulated"
    entry = ActionUpdate.objects.get(action=action)
    assert entry.author_name == "Rita Rep" and entry.status == "recommend_closed"
    # The owner cannot close it: the group confirms at a meeting.
    with pytest.raises(PermissionDenied):
        services.confirm_action_closure(
            actor=rep,
            action=proposed,
            meeting=log_world["psg24"],
            expected_version=proposed.version,
        )
    # Not at the meeting it was raised at.
    with pytest.raises(ValidationError) as refused:
        services.confirm_action_closure(
            actor=log_world["chair_login"],
            action=proposed,
            meeting=log_world["psg23"],
            expected_version=proposed.version,
        )
    assert "a later meeting confirms" in refused.value.field_errors["meeting"][0]
    head = audit_head()
    closed = services.confirm_action_closure(
        actor=log_world["chair_login"],
        action=proposed,
        meeting=log_world["psg24"],
        expected_version=proposed.version,
    )
    assert closed.status == ActionStatus.CLOSED
    assert closed.closed_at == log_world["psg24"] and closed.closed_on == date(2023, 9, 6)
    assert_audited(since=head, obj=closed, action="update")
    last = ActionUpdate.objects.filter(action=action).last()
    assert last is not None
    assert last.meeting == log_world["psg24"] and last.status == "closed"
    with pytest.raises(ValidationError):
        services.post_action_update(
            actor=rep, action=closed, expected_version=closed.version, text="more"
        )


def test_a_member_of_another_organisation_cannot_propose_closure(log_world, pmo_user):
    action = _raise(log_world, pmo_user, owner="Example Energy")
    with pytest.raises(PermissionDenied) as refused:
        services.post_action_update(
            actor=log_world["stranger_login"],
            action=action,
            expected_version=action.version,
            text="Done",
            status=ActionStatus.RECOMMEND_CLOSED,
        )
    assert "Only its owner" in str(refused.value)
    # Someone of the owning organisation acts for it; a named person of the programme too.
    named = _raise(log_world, pmo_user, owner="Programme (Fraser Mathieson)")
    services.post_action_update(
        actor=log_world["fraser_login"],
        action=named,
        expected_version=named.version,
        text="Booked",
        status=ActionStatus.RECOMMEND_CLOSED,
    )


def test_a_group_s_members_own_what_the_group_owns(log_world, pmo_user):
    action = _raise(log_world, pmo_user, owner="PSG Constituency Representatives")
    services.post_action_update(
        actor=log_world["rep_login"],
        action=action,
        expected_version=action.version,
        text="Encouraging",
        status=ActionStatus.ONGOING,
    )
    with pytest.raises(PermissionDenied):
        services.post_action_update(
            actor=log_world["stranger_login"],
            action=action,
            expected_version=action.version + 1,
            text="x",
        )


def test_an_update_cannot_close_nor_be_empty_nor_stale(log_world, pmo_user):
    action = _raise(log_world, pmo_user)
    with pytest.raises(ValidationError):
        services.post_action_update(
            actor=pmo_user,
            action=action,
            expected_version=action.version,
            text="x",
            status="closed",
        )
    with pytest.raises(ValidationError):
        services.post_action_update(
            actor=pmo_user, action=action, expected_version=action.version, text="  "
        )
    with pytest.raises(StaleVersion):
        services.post_action_update(
            actor=pmo_user, action=action, expected_version=action.version + 3, text="x"
        )


def test_the_group_can_keep_a_proposed_closure_open(log_world, pmo_user):
    action = _raise(log_world, pmo_user, "psg23")
    action = services.post_action_update(
        actor=pmo_user,
        action=action,
        expected_version=action.version,
        text="Done?",
        status=ActionStatus.RECOMMEND_CLOSED,
    )
    with pytest.raises(ValidationError):
        services.keep_action_open(
            actor=pmo_user,
            action=action,
            meeting=log_world["psg24"],
            expected_version=action.version,
            note="",
        )
    kept = services.keep_action_open(
        actor=pmo_user,
        action=action,
        meeting=log_world["psg24"],
        expected_version=action.version,
        note="Not yet: share it",
    )
    assert kept.status == ActionStatus.ONGOING and kept.closure_recommended_on is None


def test_only_the_group_s_managers_raise_actions_and_a_hidden_group_is_not_found(
    log_world, member_user, programme
):
    with pytest.raises(PermissionDenied):
        _raise(log_world, log_world["rep_login"])
    from progov.core.testing.factories import GroupFactory
    from progov.meetings.tests.attendance_world import meeting_of

    hidden = GroupFactory(programme=programme, acronym="HID", visibility="group")
    meeting = meeting_of(hidden, date(2023, 9, 7), number=1)
    with pytest.raises(NotFound):
        services.raise_action(
            actor=member_user,
            group=hidden,
            meeting=meeting,
            description="x",
            owner="y",
            due_text="soon",
        )


def test_an_action_needs_a_description_an_owner_and_a_due(log_world, pmo_user):
    with pytest.raises(ValidationError) as refused:
        services.raise_action(
            actor=pmo_user,
            group=log_world["psg"],
            meeting=log_world["psg24"],
            description=" ",
            owner="",
            due_on=None,
        )
    assert set(refused.value.field_errors) == {"description", "owner", "due_on"}
    due_text = services.raise_action(
        actor=pmo_user,
        group=log_world["psg"],
        meeting=log_world["psg24"],
        description="Review",
        owner="Programme",
        due_text="To be reviewed at CP2",
    )
    assert due_text.due_on is None and due_text.due_text == "To be reviewed at CP2"


def test_a_meeting_of_another_group_is_refused(log_world, pmo_user):
    with pytest.raises(ValidationError):
        services.raise_action(
            actor=pmo_user,
            group=log_world["dag"],
            meeting=log_world["psg24"],
            description="x",
            owner="y",
            due_text="soon",
        )
