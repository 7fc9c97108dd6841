"""A decision over the regulator's threshold, refused in Chromium (issue 10's acceptance):
the form says why and offers escalation, which takes the reader to the escalation form."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from progov.core.testing.axe import axe_violations
from progov.core.testing.browser import screenshot, sign_in
from progov.decisions.models import Decision

pytestmark = pytest.mark.browser


def test_an_over_threshold_decision_is_refused_and_escalation_offered(
    browser_page, live_server, rules_world, pmo_user
):
    page, base, w = browser_page, live_server.url, rules_world
    sign_in(page, base, pmo_user.username)
    page.goto(f"{base}/decisions/record/PSG/?meeting={w['psg24'].pk}")
    page.get_by_label("Subject").fill("Approve the M10 re-plan")
    page.get_by_label("Kind of decision").select_option("programme")
    page.get_by_label("Outcome").select_option("accepted")
    page.get_by_label("Cost or benefit impact (£)").fill("6000000")
    page.get_by_role("button", name="Record the decision").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("£6.0m meets the £5m single-decision threshold")
    expect(page.get_by_label("Subject")).to_have_value("Approve the M10 re-plan")
    assert axe_violations(page) == []
    screenshot(page, "decision-refused-over-threshold")
    assert not Decision.objects.exists()
    page.get_by_role("link", name="Escalate it from PSG instead").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Escalate from PSG")
    expect(page.get_by_label("To", exact=True)).to_have_value("OFGEM")
