"""`/api/v1/governance/route-decision`, `/api/v1/decisions`, `/api/v1/escalations`,
`/api/v1/appeals`."""

from __future__ import annotations

from typing import Any

import pytest

from progov.core.testing.api import api_call, check_versioned_write
from progov.decisions.models import Escalation

pytestmark = pytest.mark.django_db


def call(*args: Any, **kwargs: Any) -> Any:
    return api_call(*args, **kwargs)


def route(client, **body):
    return call(client, "POST", "/api/v1/governance/route-decision", body)


def test_the_route_answers_as_the_framework_says(client, rules_world):
    r = route(client, group="PSG", subject_type="programme", cost_impact_gbp=6_000_000)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["decided_by"] == "OFGEM" and body["must_escalate"] is True
    assert body["escalate_to"] == "OFGEM" and body["rules_version"] == "3.2"
    assert "£6.0m meets the £5m single-decision threshold." in body["reasons"]
    small = route(client, group="PSG", subject_type="programme", cost_impact_gbp=1_000_000).json()
    assert small["decided_by"] == "PSG" and small["must_escalate"] is False
    running = route(
        client,
        group="PSG",
        subject_type="programme",
        cost_impact_gbp=8_000_000,
        cumulative_before_gbp=16_000_000,
    ).json()
    assert running["must_escalate"] is True
    reserved = route(client, group="SDWG", subject_type="design").json()
    assert reserved["decided_by"] == "DAG" and reserved["escalate_to"] == "DAG"


def test_the_route_refuses_bad_input_with_field_errors(client, rules_world):
    assert route(client, group="NOPE", subject_type="programme").status_code == 404
    unknown = route(client, group="PSG", subject_type="lunch")
    assert unknown.status_code == 422 and "subject_type" in unknown.json()["errors"]
    assert route(client, group="PSG", subject_type="programme", tom_impact="yes").status_code == 422


def test_recording_an_over_threshold_decision_is_refused_with_the_reason(
    client, rules_world, pmo_user
):
    w = rules_world
    body = {
        "group": "PSG",
        "meeting_id": w["psg24"].pk,
        "subject": "Re-plan",
        "subject_type": "programme",
        "outcome": "accepted",
        "cost_impact_gbp": 6_000_000,
    }
    refused = call(client, "POST", "/api/v1/decisions", body, user=pmo_user)
    assert refused.status_code == 422
    assert "£6.0m meets the £5m" in refused.json()["errors"]["outcome"][0]
    made = call(
        client, "POST", "/api/v1/decisions", {**body, "outcome": "escalated"}, user=pmo_user
    )
    assert made.status_code == 201, made.content
    assert made.json()["ref"] == "PSG24-D01" and made.json()["route"]["decided_by"] == "OFGEM"
    listed = call(client, "GET", "/api/v1/decisions", {"q": "re-plan"}).json()
    assert [d["ref"] for d in listed["items"]] == ["PSG24-D01"]
    assert call(client, "GET", "/api/v1/decisions/psg24-d01").status_code == 200


def test_an_escalation_chain_through_the_api(client, rules_world, pmo_user):
    w = rules_world
    raised = call(
        client,
        "POST",
        "/api/v1/escalations",
        {
            "from_group": "DWG",
            "to_group": "TMAG",
            "subject": "Cleansing",
            "context": "c",
            "rationale": "r",
            "impact": "i",
        },
        user=w["dwg_login"],
    )
    assert raised.status_code == 201, raised.content
    first = Escalation.objects.get(ref="ESC001")
    up: Any = check_versioned_write(
        client,
        "POST",
        "/api/v1/escalations/ESC001/escalate",
        {"rationale": "Higher"},
        obj=first,
        user=w["tmag_login"],
    )
    assert [e["to_group"] for e in up.json()["chain"]] == ["TMAG", "PSG"]
    assert call(client, "GET", "/api/v1/escalations").status_code == 200
    assert call(client, "GET", "/api/v1/escalations", user=pmo_user).json()["count"] == 2
    anonymous = call(
        client,
        "POST",
        "/api/v1/escalations",
        {
            "from_group": "DWG",
            "to_group": "TMAG",
            "subject": "x",
            "context": "c",
            "rationale": "r",
            "impact": "i",
        },
    )
    assert anonymous.status_code == 401


def test_a_formal_escalation_to_the_ipa_through_the_api(client, rules_world, pmo_user):
    w = rules_world
    body = {"from_group": "TMAG", "subject": "s", "context": "c", "rationale": "r", "impact": "i"}
    raised = call(
        client, "POST", "/api/v1/escalations", {**body, "to_ipa": True}, user=w["tmag_login"]
    )
    assert raised.status_code == 201, raised.content
    assert raised.json()["to_ipa"] is True and raised.json()["to_group"] is None
    nowhere = call(client, "POST", "/api/v1/escalations", body, user=w["tmag_login"])
    assert nowhere.status_code == 422
    assert "the next level, or the IPA" in nowhere.json()["errors"]["to_group"][0]
    informal = call(
        client,
        "POST",
        "/api/v1/escalations",
        {**body, "to_ipa": True, "formal": False},
        user=w["tmag_login"],
    )
    assert informal.status_code == 422
    assert Escalation.objects.count() == 1


def test_the_rules_are_read_and_changed_through_the_api(client, rules_world, admin_user, pmo_user):
    w = rules_world
    got: Any = call(client, "GET", "/api/v1/governance/rules")
    assert got.status_code == 200 and got["ETag"] == '"1"'
    body = got.json()
    assert body["framework_version"] == "3.2" and body["regulator"] == "OFGEM"
    assert body["via"] == "the IPA" and body["cumulative_total_gbp"] == "0"
    design = next(d for d in body["delegations"] if d["subject_type"] == "design")
    assert design["level"] == 3 and design["groups"] == ["DAG"]
    assert {t["key"] for t in body["thresholds"]} >= {"cost_single", "cost_cumulative"}
    rules = w["rules"]
    changed: Any = check_versioned_write(
        client,
        "PATCH",
        "/api/v1/governance/rules",
        {"framework_version": "3.3", "cumulative_from": "2023-06-08"},
        obj=rules,
        user=admin_user,
        fields=["framework_version", "cumulative_from"],
    )
    assert changed.json()["framework_version"] == "3.3"
    assert changed.json()["regulator"] == "OFGEM" and changed.json()["via"] == "the IPA"
    rules.refresh_from_db()
    refused = call(
        client,
        "PATCH",
        "/api/v1/governance/rules",
        {"via": "Someone"},
        user=pmo_user,
        if_match=rules.version,
    )
    assert refused.status_code == 403
    unknown = call(
        client,
        "PATCH",
        "/api/v1/governance/rules",
        {"regulator": "NOPE"},
        user=admin_user,
        if_match=rules.version,
    )
    assert unknown.status_code == 422 and "regulator" in unknown.json()["errors"]
    cleared = call(
        client,
        "PATCH",
        "/api/v1/governance/rules",
        {"cumulative_from": None},
        user=admin_user,
        if_match=rules.version,
    )
    assert cleared.status_code == 200 and cleared.json()["cumulative_from"] is None


def test_a_route_through_a_group_the_caller_cannot_see_does_not_name_it(
    client, rules_world, pmo_user
):
    from progov.core.testing.factories import GroupFactory

    w = rules_world
    secret = GroupFactory(
        programme=w["psg"].programme, acronym="QZSEC", level=3, parent=w["psg"], visibility="group"
    )
    GroupFactory(programme=w["psg"].programme, acronym="QZPUB", level=4, parent=secret)
    seen = route(client, group="QZPUB", subject_type="programme").json()
    assert "QZSEC" not in str(seen)
    assert seen["path"] == ["QZPUB", "a group you cannot see", "PSG"]
    staff = call(
        client,
        "POST",
        "/api/v1/governance/route-decision",
        {"group": "QZPUB", "subject_type": "programme"},
        user=pmo_user,
    ).json()
    assert staff["path"] == ["QZPUB", "QZSEC", "PSG"]
