"""Recording decisions within the rules, escalations up the levels, appeals to the IPA."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from progov.core.errors import PermissionDenied, ValidationError
from progov.core.testing.audit import assert_audited, audit_head
from progov.decisions import services
from progov.decisions.models import Decision, Escalation
from progov.decisions.selectors import escalation_chain

pytestmark = pytest.mark.django_db
M = Decimal(1_000_000)


def _decide(world, actor, group="psg", meeting="psg24", **values):
    defaults: dict[str, Any] = {
        "subject": "Approve the re-plan",
        "subject_type": "programme",
        "outcome": "accepted",
    }
    defaults.update(values)
    return services.record_decision(
        actor=actor,
        group=world[group],
        meeting=world[meeting] if meeting else None,
        decision=services.DecisionIn(**defaults),
    )


def test_a_decision_within_authority_is_recorded_with_its_route_and_rules_version(
    rules_world, pmo_user
):
    head = audit_head()
    made = _decide(rules_world, pmo_user, cost_impact_gbp=1 * M)
    assert made.ref == "PSG24-D01" and made.rules_version == "3.2"
    assert made.route["decided_by"] == "PSG" and made.route["must_escalate"] is False
    entry = assert_audited(made, "create", since=head)
    assert entry.changes["rules_version"] == [None, "3.2"]


def test_an_over_threshold_decision_cannot_be_accepted_but_can_be_escalated(rules_world, pmo_user):
    with pytest.raises(ValidationError) as refused:
        _decide(rules_world, pmo_user, cost_impact_gbp=6 * M)
    message = refused.value.field_errors["outcome"][0]
    assert "PSG cannot record this as accepted" in message
    assert "£6.0m meets the £5m single-decision threshold" in message
    assert "record it as escalated (to OFGEM) instead" in message
    assert not Decision.objects.exists()
    escalated = _decide(rules_world, pmo_user, cost_impact_gbp=6 * M, outcome="escalated")
    assert escalated.route["decided_by"] == "OFGEM"


def test_the_cumulative_total_counts_recorded_decisions(rules_world, pmo_user):
    _decide(rules_world, pmo_user, cost_impact_gbp=4 * M, subject="a")
    _decide(rules_world, pmo_user, cost_impact_gbp=4 * M, subject="b")
    _decide(rules_world, pmo_user, cost_impact_gbp=4 * M, subject="c")
    _decide(rules_world, pmo_user, cost_impact_gbp=4 * M, subject="d")
    with pytest.raises(ValidationError) as refused:
        _decide(rules_world, pmo_user, cost_impact_gbp=4 * M, subject="e")
    assert "£16.0m already counted" in refused.value.field_errors["outcome"][0]


def test_a_level_4_group_cannot_record_a_decision_reserved_for_its_level_3_parent(
    rules_world, pmo_user
):
    with pytest.raises(ValidationError) as refused:
        _decide(rules_world, pmo_user, group="sdwg", meeting="sdwg3", subject_type="design")
    assert "SDWG (Level 4) recommends to DAG" in refused.value.field_errors["outcome"][0]
    referred = _decide(
        rules_world,
        pmo_user,
        group="sdwg",
        meeting="sdwg3",
        subject_type="design",
        outcome="escalated",
    )
    assert referred.route["escalate_to"] == "DAG"


def test_conditions_and_supersedes(rules_world, pmo_user):
    with pytest.raises(ValidationError):
        _decide(rules_world, pmo_user, outcome="conditional")
    first = _decide(rules_world, pmo_user, outcome="conditional", conditions=["IPA assurance"])
    assert [c.text for c in first.conditions.all()] == ["IPA assurance"]
    later = _decide(rules_world, pmo_user, supersedes=first, subject="Re-plan v2")
    assert later.supersedes == first and list(first.superseded_by.all()) == [later]


def test_only_the_group_s_managers_record_its_decisions(rules_world, member_user):
    with pytest.raises(PermissionDenied):
        _decide(rules_world, member_user)
    assert _decide(rules_world, rules_world["chair_login"]).ref == "PSG24-D01"


def test_an_escalation_raised_at_dwg_walks_tmag_psg_and_the_regulator_via_the_ipa(
    rules_world, pmo_user
):
    w = rules_world
    first = services.raise_escalation(
        actor=w["dwg_login"],
        from_group=w["dwg"],
        to_group=w["tmag"],
        subject="Data cleansing",
        context="DWG cannot agree the approach",
        rationale="Dissensus among constituencies",
        impact="Migration design slips",
        formal=True,
    )
    assert first.ref == "ESC001" and first.to_group == w["tmag"]
    second = services.escalate_further(
        actor=w["tmag_login"],
        escalation=first,
        expected_version=first.version,
        rationale="Cross-workstream impact",
    )
    assert second.to_group == w["psg"] and second.previous == first
    third = services.escalate_further(
        actor=w["chair_login"],
        escalation=second,
        expected_version=second.version,
        rationale="Meets the regulator's thresholds",
    )
    assert third.to_group == w["ofgem"] and third.via == "the IPA"
    chain = escalation_chain(user=pmo_user, escalation=second)
    assert [(e.from_group.acronym, e.to_name) for e in chain] == [
        ("DWG", "TMAG"),
        ("TMAG", "PSG"),
        ("PSG", "OFGEM"),
    ]
    assert Escalation.objects.get(pk=first.pk).status == "passed_up"
    answered = services.answer_escalation(
        actor=pmo_user, escalation=third, expected_version=third.version, outcome="Ofgem decides"
    )
    assert answered.status == "answered"


def test_a_formal_escalation_skips_no_level(rules_world):
    w = rules_world
    with pytest.raises(ValidationError) as refused:
        services.raise_escalation(
            actor=w["dwg_login"],
            from_group=w["dwg"],
            to_group=w["psg"],
            subject="x",
            context="x",
            rationale="x",
            impact="x",
            formal=True,
        )
    assert "skips no level" in refused.value.field_errors["to_group"][0]
    # Informally it may go to the lowest relevant level.
    services.raise_escalation(
        actor=w["dwg_login"],
        from_group=w["dwg"],
        to_group=w["psg"],
        subject="x",
        context="x",
        rationale="x",
        impact="x",
        formal=False,
    )


def test_a_formal_escalation_may_go_to_the_ipa_which_answers_or_takes_it_to_the_regulator(
    rules_world, pmo_user
):
    w = rules_world
    body: dict[str, Any] = {
        "subject": "A decision of TMAG",
        "context": "c",
        "rationale": "r",
        "impact": "i",
    }
    for extra, words in (
        ({"to_group": None, "formal": False}, "An informal escalation goes to the lowest"),
        ({"to_group": w["psg"]}, "a group or to the IPA, not both"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.raise_escalation(
                actor=w["tmag_login"],
                from_group=w["tmag"],
                to_ipa=True,
                **{"formal": True, **extra},
                **body,
            )
        assert words in refused.value.field_errors["to_group"][0]
    made = services.raise_escalation(
        actor=w["tmag_login"], from_group=w["tmag"], to_group=None, to_ipa=True, **body
    )
    assert made.to_ipa and made.to_group is None and made.to_name == "the IPA"
    assert str(made) == f"{made.ref}: TMAG → the IPA"
    # Nobody's group holds it: the programme secretariat records the IPA's part.
    with pytest.raises(PermissionDenied):
        services.escalate_further(
            actor=w["chair_login"], escalation=made, expected_version=1, rationale="x"
        )
    up = services.escalate_further(
        actor=pmo_user, escalation=made, expected_version=1, rationale="It meets the thresholds"
    )
    assert up.to_group == w["ofgem"] and up.via == "the IPA" and up.previous == made
    assert up.from_group == w["tmag"] and up.raised_by_text == "The IPA"
    chain = escalation_chain(user=pmo_user, escalation=up)
    assert [e.to_name for e in chain] == ["the IPA", "OFGEM"]


def test_an_appeal_goes_to_the_ipa_whose_decision_is_final_and_becomes_actions(
    rules_world, pmo_user, member_user
):
    decision = _decide(rules_world, pmo_user)
    appeal = services.lodge_appeal(
        actor=member_user,
        decision=decision,
        grounds="Not consulted",
        appellant_text="Example Energy",
    )
    with pytest.raises(PermissionDenied):
        services.record_appeal_decision(
            actor=member_user,
            appeal=appeal,
            expected_version=appeal.version,
            result="upheld",
            ipa_decision="x",
        )
    decided = services.record_appeal_decision(
        actor=pmo_user,
        appeal=appeal,
        expected_version=appeal.version,
        result="partly",
        ipa_decision="Consult again",
        recommendations=["Consult the constituencies again"],
    )
    actions = list(decided.actions.all())
    assert len(actions) == 1 and actions[0].owner_text == "SRO"
    assert actions[0].group == rules_world["psg"]
    with pytest.raises(ValidationError, match="final"):
        services.record_appeal_decision(
            actor=pmo_user,
            appeal=decided,
            expected_version=decided.version,
            result="upheld",
            ipa_decision="again",
        )


def test_a_decision_loaded_before_its_meeting_takes_the_meetings_number_once_linked(
    rules_world, pmo_user
):
    from datetime import date

    from progov.meetings.tests.attendance_world import meeting_of

    w = rules_world
    first, second = (
        services.record_decision(
            actor=pmo_user,
            group=w["dag"],
            decision=services.DecisionIn(
                subject=subject,
                subject_type="design",
                outcome="accepted",
                decided_on=date(2023, 10, 4),
            ),
        )
        for subject in ("CR031", "CR032")
    )
    assert (first.ref, second.ref) == ("DAG00-D01", "DAG00-D02")
    meeting = meeting_of(w["dag"], date(2023, 10, 4), number=27, status="held")
    head = audit_head()
    assert services.link_decisions_to_meetings(actor=pmo_user, programme=w["psg"].programme) == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.ref, second.ref) == ("DAG27-D01", "DAG27-D02")
    assert first.meeting == meeting and first.ref_prefix == "DAG27" and second.sequence == 2
    entry = assert_audited(first, "update", since=head)
    assert entry.changes["ref"] == ["DAG00-D01", "DAG27-D01"]
    assert services.link_decisions_to_meetings(actor=pmo_user, programme=w["psg"].programme) == 0
