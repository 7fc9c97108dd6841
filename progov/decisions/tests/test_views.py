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


def test_a_formal_escalation_goes_to_the_ipa_from_the_page(client, rules_world, pmo_user):
    w = rules_world
    sign_in(client, w["tmag_login"])
    url = "/escalations/raise/TMAG/"
    form = client.get(url).content.decode()
    assert '<option value="@ipa">The IPA (Independent Programme Assurance)</option>' in form
    body = {
        "to_group": "@ipa",
        "subject": "Cleansing",
        "context": "c",
        "rationale": "r",
        "impact": "i",
    }
    informal = client.post(url, body)
    assert (
        informal.status_code == 400
        and "a formal one may go to the IPA" in informal.content.decode()
    )
    assert client.post(url, {**body, "formal": "on"}).status_code == 302
    made = Escalation.objects.get()
    assert made.to_ipa and made.to_group is None
    sign_in(client, pmo_user)
    page = client.get(f"/escalations/{made.ref}/").content.decode()
    assert "<dt>To</dt><dd>the IPA</dd>" in page
    assert not page_problems(page)
    assert f"{made.ref}: TMAG escalated" in client.get("/home/").content.decode()


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


def test_administrators_edit_the_rules_and_the_delegations(
    client, rules_world, pmo_user, admin_user
):
    sign_in(client, pmo_user)
    assert client.get("/decisions/rules/edit/").status_code == 403
    assert "Edit the rules" not in client.get("/decisions/rules/").content.decode()
    sign_in(client, admin_user)
    rules = rules_world["rules"]
    form = client.get("/decisions/rules/edit/")
    assert form.status_code == 200
    saved = client.post(
        "/decisions/rules/edit/",
        {
            "version": rules.version,
            "framework_version": "3.3",
            "regulator": "OFGEM",
            "via": "the IPA",
            "cumulative_from": "2023-06-08",
        },
    )
    assert saved.status_code == 302
    rules.refresh_from_db()
    assert rules.framework_version == "3.3" and str(rules.cumulative_from) == "2023-06-08"
    stale = client.post(
        "/decisions/rules/edit/",
        {
            "version": 1,
            "framework_version": "3.4",
            "regulator": "OFGEM",
            "via": "x",
        },
    )
    assert stale.status_code == 409
    delegated = client.post(
        "/decisions/rules/delegation/",
        {
            "subject_type": "testing",
            "label": "Testing",
            "level": "3",
            "groups": ["TMAG"],
        },
    )
    assert delegated.status_code == 302
    html = client.get("/decisions/rules/").content.decode()
    assert "Level 3: TMAG" in html and "framework 3.3" in html
    bad = client.post(
        "/decisions/rules/delegation/", {"subject_type": "x y", "label": "", "level": "9"}
    )
    assert bad.status_code == 400


def test_a_decision_records_its_views_deferral_and_the_actions_it_decides(
    client, rules_world, pmo_user
):
    from datetime import timedelta

    from django.utils import timezone

    from progov.actions import services as action_services
    from progov.core.testing.factories import ConstituencyFactory
    from progov.meetings.models import Meeting

    w = rules_world
    large = ConstituencyFactory(programme=w["psg"].programme, code="large", name="Large Supplier")
    action = action_services.raise_action(
        actor=pmo_user,
        group=w["psg"],
        meeting=w["psg24"],
        description="Decide the re-plan",
        owner="Programme",
        due_text="At PSG #25",
    )
    start = timezone.now() + timedelta(days=30)
    later = Meeting.objects.create(
        group=w["psg"], number_major=25, start=start, end=start + timedelta(hours=2)
    )
    sign_in(client, pmo_user)
    url = f"/decisions/record/PSG/?meeting={w['psg24'].pk}"
    done = client.post(
        url,
        {
            "meeting": w["psg24"].pk,
            "subject": "Re-plan",
            "subject_type": "programme",
            "outcome": "deferred",
            "basis": "chair",
            "deferred_to": later.pk,
            "majority_view": "Approve now",
            "minority_view": "Wait for the IA",
            "minority_constituencies": ["large"],
            "actions": action.ref,
        },
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    decision = Decision.objects.get()
    assert decision.deferred_to == later and list(decision.actions.all()) == [action]
    minority = decision.views.get(kind="minority")
    assert list(minority.constituencies.all()) == [large]
    page = client.get(f"/decisions/{decision.ref}/").content.decode()
    assert "Wait for the IA" in page and "Large Supplier" in page and action.ref in page
    missing = client.post(
        url,
        {
            "meeting": w["psg24"].pk,
            "subject": "Re-plan 2",
            "subject_type": "programme",
            "outcome": "referred",
            "basis": "consensus",
            "actions": "NOPE01-01",
        },
    )
    assert missing.status_code == 400 and "No action NOPE01-01." in missing.content.decode()
