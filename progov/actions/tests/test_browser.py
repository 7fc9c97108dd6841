"""The action log in Chromium (issue 10's acceptance): recording an action at a meeting,
its owner recommending closure and the chair confirming it at a later meeting; an import
preview with errors."""

from __future__ import annotations

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from progov.actions.models import Action, ActionStatus
from progov.core.testing.axe import axe_violations
from progov.core.testing.browser import screenshot, sign_in
from progov.core.testing.clock import under_way_today
from progov.meetings.models import Meeting

pytestmark = pytest.mark.browser


def test_an_action_raised_at_a_meeting_is_proposed_closed_and_confirmed_later(
    browser_page, live_server, log_world, pmo_user
):
    page, base, w = browser_page, live_server.url, log_world
    sign_in(page, base, pmo_user.username)
    page.goto(f"{base}/meetings/{w['psg24'].pk}/")
    page.get_by_role("navigation", name="On this page").get_by_role(
        "link", name="Actions", exact=True
    ).click()
    page.get_by_role("link", name="Raise an action at #24").click()
    expect(page.get_by_label("Raised at")).to_have_value(str(w["psg24"].pk))
    page.get_by_label("Action", exact=True).fill("Circulate the M9 slide pack")
    page.get_by_label("Owner").fill("Example Energy")
    page.get_by_label("Due date").fill("2099-10-04")
    page.get_by_role("button", name="Raise the action").click()
    expect(page.locator(".messages")).to_contain_text("Action PSG24-01 is raised")
    expect(page.get_by_role("heading", level=1)).to_have_text("PSG24-01")
    assert axe_violations(page) == []

    # Its owner (someone of Example Energy) recommends closing it.
    page.context.clear_cookies()
    sign_in(page, base, w["rep_login"].username)
    page.goto(f"{base}/actions/PSG24-01/")
    page.get_by_role("textbox", name="Update").fill("Slides circulated with the headline report")
    page.get_by_label("Status").select_option("recommend_closed")
    page.get_by_role("button", name="Post the update").click()
    expect(page.locator(".messages")).to_contain_text("The group confirms the closure")
    expect(page.locator(".badges")).to_contain_text("Recommend closed")
    assert Action.objects.get(ref="PSG24-01").status == ActionStatus.RECOMMEND_CLOSED

    # The chair confirms it at the next meeting, from that meeting's page.
    start, end = under_way_today()
    later = Meeting.objects.create(
        group=w["psg"],
        number_major=25,
        start=start,
        end=end,
        status="confirmed",
    )
    page.context.clear_cookies()
    sign_in(page, base, w["chair_login"].username)
    page.goto(f"{base}/meetings/{later.pk}/#action-log")
    panel = page.locator("#action-log")
    expect(panel).to_contain_text("Recommended for closure (1)")
    panel.get_by_role("button", name="Confirm closure of PSG24-01").click()
    expect(page.locator(".messages")).to_contain_text("PSG24-01 is closed.")
    expect(page.locator("#action-log")).to_contain_text("Closed at this meeting (1)")
    screenshot(page, "actions-closed-at-meeting")
    closed = Action.objects.get(ref="PSG24-01")
    assert closed.status == ActionStatus.CLOSED and closed.closed_at == later


def test_an_import_preview_lists_each_problem_and_imports_nothing(
    browser_page, live_server, log_world, pmo_user
):
    page, base = browser_page, live_server.url
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    for row in (
        ["Ref", "Date", "Action", "Owner", "Due Date"],
        ["PSG23-02", "06/09/2023", "Circulate the slide pack", "Programme", "04/08/2023"],
        ["PSG23-02", "31/02/2023", "Review the appeals mechanisms", "Programme", "06/09/2023"],
        ["NOPE01-01", "06/09/2023", "x", "Programme", "=TODAY()"],
    ):
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    sign_in(page, base, pmo_user.username)
    page.goto(base + "/actions/import/")
    page.get_by_label("The log (.xlsx or .csv)").set_input_files(
        {
            "name": "psg-log.xlsx",
            "mimeType": "application/octet-stream",
            "buffer": buffer.getvalue(),
        }
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("nothing was imported")
    table = page.locator("table.import-problems")
    expect(table).to_contain_text("PSG23-02 is on row 2 and on row 3")
    expect(table).to_contain_text("“31/02/2023” is not a date")
    expect(table).to_contain_text("a formula (=TODAY())")
    expect(page.get_by_role("button", name="Import")).to_have_count(0)
    assert axe_violations(page) == []
    screenshot(page, "actions-import-problems")
    assert not Action.objects.exists()
