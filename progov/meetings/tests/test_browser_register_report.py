"""The register and the headline report on the meeting page in Chromium: after each
htmx action (issue invitations, save the register, save the report, a refused save,
publish) the focus is on what changed (the section's status) or on the error summary,
never left on the page's body (issue 9's acceptance, keyboard)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import expect

from progov.core.testing.browser import sign_in
from progov.core.testing.factories import (
    ConstituencyFactory,
    HeadlineReportFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
)
from progov.meetings import services
from progov.meetings.models import HeadlineReport
from progov.meetings.tests.test_browser_agenda import _focus

pytestmark = pytest.mark.browser


@pytest.fixture
def held(psg):
    large = ConstituencyFactory(programme=psg.programme, name="Large Supplier")
    for name in ("Jane Doe", "Sam Small"):
        MembershipFactory(
            group=psg,
            person=PersonFactory(programme=psg.programme, name=name),
            constituency=large,
            start_date=date(2022, 1, 1),
        )
    meeting = MeetingFactory(
        group=psg,
        number_major=24,
        start=datetime(2023, 9, 6, 9, 0, tzinfo=UTC),
        end=datetime(2023, 9, 6, 12, 0, tzinfo=UTC),
        status="held",
    )
    HeadlineReportFactory(meeting=meeting, body="# Decisions\n\n- None yet.\n")
    return meeting


def test_focus_follows_each_register_and_report_action(browser_page, live_server, held, pmo_user):
    page = browser_page
    page.on("dialog", lambda dialog: dialog.accept())  # the publish confirmation
    sign_in(page, live_server.url, pmo_user.username)
    page.goto(f"{live_server.url}/meetings/{held.pk}/")
    attendance = page.locator("#attendance")

    attendance.get_by_role("button", name="Issue invitations to the members").click()
    expect(attendance.get_by_role("status")).to_contain_text("invited")
    focus = _focus(page)
    assert (focus["region"], focus["role"]) == ("attendance", "status"), focus

    attendance.get_by_label("Jane Doe").first.select_option("present")
    attendance.get_by_role("button", name="Save the register").click()
    expect(attendance.get_by_role("status")).to_contain_text("Register saved")
    focus = _focus(page)
    assert (focus["region"], focus["role"]) == ("attendance", "status"), focus

    report = page.locator("#headline-report")
    report.get_by_text("Edit the report").click()
    report.get_by_label("Report text").fill("# Decisions\n\n- PSG approved the re-plan.\n")
    report.get_by_role("button", name="Save the report").click()
    expect(report.get_by_role("status")).to_contain_text("saved")
    focus = _focus(page)
    assert (focus["region"], focus["role"]) == ("headline-report", "status"), focus

    # Someone else saves meanwhile: the refusal's summary takes the focus.
    HeadlineReport.objects.filter(meeting=held).update(version=99)
    report.get_by_text("Edit the report").click()
    report.get_by_label("Report text").fill("# Decisions\n\n- Overwritten?\n")
    report.get_by_role("button", name="Save the report").click()
    expect(report.locator(".error-summary")).to_be_visible()
    focus = _focus(page)
    assert focus["region"] == "headline-report" and "error-summary" in focus["cls"], focus

    page.reload()
    page.locator("#headline-report").get_by_role("button", name="Publish the report").click()
    expect(page.locator("#headline-report").get_by_role("status")).to_contain_text("published")
    focus = _focus(page)
    assert (focus["region"], focus["role"]) == ("headline-report", "status"), focus


def test_the_bar_keeps_status_and_actions_in_view_and_prints_nothing_to_click(
    browser_page, live_server, held, pmo_user
):
    services.issue_invitations(actor=None, meeting=held)
    page = browser_page
    sign_in(page, live_server.url, pmo_user.username)
    page.goto(f"{live_server.url}/meetings/{held.pk}/")
    bar = page.locator(".meeting-bar")
    expect(bar).to_contain_text("Held")
    # The secretariat's actions come before the agenda, next to the status.
    order = page.evaluate(
        """() => [document.getElementById("actions"), document.getElementById("agenda")]
              .map(e => e.getBoundingClientRect().top)"""
    )
    assert order[0] < order[1]
    page.mouse.wheel(0, 4000)
    page.wait_for_timeout(200)
    top = bar.evaluate("e => e.getBoundingClientRect().top")
    assert 0 <= top < 5, top  # sticky at 1280 px
    bar.get_by_role("link", name="Recording link").click()
    expect(page.locator("#action-recording")).to_have_attribute("open", "")

    page.emulate_media(media="print")
    for element in ("button", "select", "textarea", ".meeting-bar"):
        visible = [
            e.evaluate("e => e.outerHTML.slice(0, 200)")
            for e in page.locator(element).all()
            if e.is_visible()
        ]
        assert visible == [], element
    page.goto(f"{live_server.url}/meetings/{held.pk}/attendance/")
    assert [e for e in page.locator("select").all() if e.is_visible()] == []
    expect(page.locator(".register-table")).to_be_visible()
    expect(page.locator(".register-table")).to_contain_text("Invited")  # the status, as text
    page.emulate_media(media="screen")
