"""The decision log's pages: the log and search, recording (a refused outcome says why
and offers escalation), the rules page with the running total, escalations and appeals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from progov.core.testing.html_checks import page_problems
from progov.core.testing.views import sign_in
from progov.decisions import services
from progov.decisions.models import Appeal, Decision, Escalation

pytestmark = pytest.mark.django_db


def test_recording_over_the_threshold_is_refused_with_the_reason_and_offers_escalation(
    client, rules_world, pmo_user
):
    w = rules_world
    sign_in(client, pmo_user)
    url = f"/decisions/record/PSG/?meeting={w['psg24'].pk}"
    assert client.get(url).status_code == 200
    body = {
        "meeting": w["psg24"].pk,
        "subject": "Re-plan",
        "subject_type": "programme",
        "outcome": "accepted",
        "basis": "consensus",
        "cost_impact_gbp": "6000000",
    }
    refused = client.post(url, body)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "£6.0m meets the £5m single-decision threshold" in html
    assert "Escalate it from PSG instead" in html and "/escalations/raise/PSG/" in html
    assert not page_problems(html)
    assert not Decision.objects.exists()
    done = client.post(url, {**body, "outcome": "escalated"})
    assert done.status_code == 302 and done["Location"] == "/decisions/PSG24-D01/"
    page = client.get("/decisions/PSG24-D01/").content.decode()
    assert "The route, as checked" in page and "OFGEM" in page
    assert "PSG24-D01" in client.get("/decisions/", {"q": "re-plan"}).content.decode()


def test_the_rules_page_shows_levels_authority_thresholds_and_the_running_total(
    client, rules_world, pmo_user
):
    services.record_decision(
        actor=pmo_user,
        group=rules_world["psg"],
        meeting=rules_world["psg24"],
        decision=services.DecisionIn(
            subject="x",
            subject_type="programme",
            outcome="accepted",
            cost_impact_gbp=Decimal(3_000_000),
        ),
    )
    html = client.get("/decisions/rules/").content.decode()
    assert "Design decisions" in html and "Level 3: DAG" in html
    assert "Counted toward the cumulative threshold: £3.0m" in html
    assert "through the IPA" in html
    assert not page_problems(html)


def test_an_escalation_is_raised_answered_and_its_chain_shown(client, rules_world, pmo_user):
    w = rules_world
    sign_in(client, w["dwg_login"])
    url = "/escalations/raise/DWG/"
    form = client.get(url).content.decode()
    assert "TMAG" in form
    skip = client.post(
        url,
        {
            "to_group": "PSG",
            "formal": "on",
            "subject": "s",
            "context": "c",
            "rationale": "r",
            "impact": "i",
        },
    )
    assert skip.status_code == 400 and "skips no level" in skip.content.decode()
    made = client.post(
        url,
        {
            "to_group": "TMAG",
            "formal": "on",
            "subject": "Cleansing",
            "context": "c",
            "rationale": "r",
            "impact": "i",
        },
    )
    assert made.status_code == 302
    first = Escalation.objects.get()
    sign_in(client, w["tmag_login"])
    page = client.get(f"/escalations/{first.ref}/").content.decode()
    assert "Escalate it further" in page and "Answer it" in page
    up = client.post(
        f"/escalations/{first.ref}/escalate/",
        {"version": first.version, "rationale": "Cross-workstream"},
    )
    assert up.status_code == 302
    chain = client.get("/escalations/ESC002/").content.decode()
    assert "DWG → TMAG" in chain and "TMAG → PSG" in chain
    sign_in(client, pmo_user)
    assert "ESC002" in client.get("/home/").content.decode()


def test_an_appeal_is_lodged_and_the_ipa_decision_recorded(
    client, rules_world, pmo_user, member_user
):
    decision = services.record_decision(
        actor=pmo_user,
        group=rules_world["psg"],
        meeting=rules_world["psg24"],
        decision=services.DecisionIn(subject="x", subject_type="programme", outcome="accepted"),
    )
    sign_in(client, member_user)
    lodged = client.post(
        f"/decisions/{decision.ref}/appeal/",
        {"grounds": "Not consulted", "appellant": "Example Energy"},
    )
    assert lodged.status_code == 302
    appeal = Appeal.objects.get()
    assert client.get(f"/appeals/{appeal.ref}/decide/").status_code == 403
    sign_in(client, pmo_user)
    decided = client.post(
        f"/appeals/{appeal.ref}/decide/",
        {
            "version": appeal.version,
            "result": "partly",
            "ipa_decision": "Consult again",
            "recommendations": "Consult the constituencies\nReport to PSG",
        },
    )
    assert decided.status_code == 302
    html = client.get("/appeals/").content.decode()
    assert "Partly upheld" in html and html.count("/actions/PSG") >= 2
