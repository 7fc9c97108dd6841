"""The framework's rules as data: who may take a decision and whether it must go higher,
with the reasons in words (decisions/rules.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from progov.core.errors import ValidationError
from progov.decisions.rules import route_decision

pytestmark = pytest.mark.django_db
M = Decimal(1_000_000)


def test_a_6m_decision_at_psg_must_go_to_the_regulator(rules_world):
    r = route_decision(group=rules_world["psg"], subject_type="programme", cost_impact_gbp=6 * M)
    assert r.decided_by == "OFGEM" and r.must_escalate and r.escalate_to == "OFGEM"
    assert r.via == "the IPA" and r.rules_version == "3.2"
    assert "£6.0m meets the £5m single-decision threshold." in r.reasons
    assert any("through the IPA" in reason for reason in r.reasons)


def test_a_1m_decision_psg_may_take(rules_world):
    r = route_decision(group=rules_world["psg"], subject_type="programme", cost_impact_gbp=1 * M)
    assert r.decided_by == "PSG" and not r.must_escalate and r.escalate_to is None
    assert any("under the £5m single-decision threshold" in reason for reason in r.reasons)


def test_with_16m_counted_an_8m_decision_goes_to_the_regulator(rules_world):
    r = route_decision(
        group=rules_world["psg"],
        subject_type="programme",
        cost_impact_gbp=8 * M,
        cumulative_before_gbp=16 * M,
    )
    assert r.decided_by == "OFGEM" and r.must_escalate
    assert any("£16.0m already counted and £8.0m more make £24.0m" in x for x in r.reasons)
    # Without a total given, the recorded decisions are counted (none yet: £4m stays at PSG).
    assert not route_decision(
        group=rules_world["psg"], subject_type="programme", cost_impact_gbp=4 * M
    ).must_escalate


def test_a_level_4_group_cannot_decide_what_is_reserved_for_its_level_3_parent(rules_world):
    r = route_decision(group=rules_world["sdwg"], subject_type="design")
    assert r.decided_by == "DAG" and r.must_escalate and r.escalate_to == "DAG"
    assert (
        "Design decisions is decided at delegated to DAG: SDWG (Level 4) recommends to DAG."
        in r.reasons[0]
        or "recommends to DAG" in r.reasons[0]
    )
    # A Level 3 group without the delegation: design questions of TMAG's go to PSG.
    assert route_decision(group=rules_world["tmag"], subject_type="design").decided_by == "PSG"
    # What a working group may decide, it decides.
    assert not route_decision(group=rules_world["sdwg"], subject_type="working").must_escalate


def test_impacts_on_the_tom_consumers_or_competition_go_to_the_regulator(rules_world):
    r = route_decision(group=rules_world["dag"], subject_type="design", tom_impact=True)
    assert r.decided_by == "OFGEM" and r.escalate_to == "PSG"
    assert r.path == ["DAG", "PSG", "OFGEM"]


def test_an_unknown_kind_of_decision_is_refused_naming_the_known_ones(rules_world):
    with pytest.raises(ValidationError) as refused:
        route_decision(group=rules_world["psg"], subject_type="lunch")
    assert "change_request" in refused.value.field_errors["subject_type"][0]
