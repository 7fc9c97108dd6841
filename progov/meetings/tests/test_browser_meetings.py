"""The meeting pages in a real browser (Chromium via Playwright, live server): the group
calendar by keyboard and mouse, a meeting page and moving it as the secretariat, the
deadlines page. Screenshots at 1280 px and 390 px go to test-artifacts/.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from progov.calendars.selectors import calendar_for_programme
from progov.core.testing.browser import DESKTOP, PHONE, screenshot, sign_in
from progov.governance.models import DeadlineRule
from progov.meetings import services
from progov.meetings.models import Meeting

pytestmark = pytest.mark.browser
LONDON = ZoneInfo("Europe/London")


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), LONDON)


@pytest.fixture
def watched(browser_page, live_server):
    """The page, failing the test on requests to other origins, failed assets and
    console errors (CSP violations show up there)."""
    foreign: list[str] = []
    errors: list[str] = []
    failed: list[str] = []
    browser_page.on(
        "request",
        lambda request: (
            foreign.append(request.url) if not request.url.startswith(live_server.url) else None
        ),
    )
    browser_page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    browser_page.on("pageerror", lambda exc: errors.append(str(exc)))
    browser_page.on(
        "response",
        lambda response: (
            failed.append(f"{response.status} {response.url}")
            if response.status >= 400 and response.request.resource_type != "document"
            else None
        ),
    )
    yield browser_page
    assert failed == [], "a stylesheet, script or image failed to load"
    assert foreign == [], "requests left the server's origin"
    assert errors == [], "the console reported errors"


@pytest.fixture
def tmag_2022(programme, tmag, pmo_user):
    for key, label, days, direction, anchor in [
        ("papers_due", "Agenda and meeting papers issued", 5, "before", "meeting"),
        ("headline_report_due", "Headline report issued", 2, "after", "meeting"),
        ("amendments_due", "Amendment requests", 5, "before", "next_meeting"),
    ]:
        DeadlineRule.objects.create(
            programme=programme,
            key=key,
            label=label,
            working_days=days,
            direction=direction,
            anchor=anchor,
        )
    services.generate_meetings(
        actor=pmo_user, group=tmag, until=date(2022, 12, 31), now=at(date(2022, 1, 1), 0)
    )
    return tmag


def _tab_to(page, element_id: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} never received focus by keyboard")


def test_group_calendar_next_month_by_keyboard_then_a_meeting(watched, live_server, tmag_2022):
    page = watched
    page.goto(live_server.url + "/meetings/groups/TMAG/?month=2022-08")
    expect(page.get_by_role("heading", level=1)).to_have_text("TMAG meetings")
    expect(page.locator("#calendar-heading")).to_have_text("August 2022")
    page.evaluate("window.__samePage = true")

    # Keyboard: Tab to "Next month", press Enter; HTMX swaps the region and focus stays.
    _tab_to(page, "month-next")
    page.keyboard.press("Enter")
    expect(page.locator("#calendar-heading")).to_have_text("September 2022")
    expect(page).to_have_url(re.compile(r"/meetings/groups/TMAG/\?month=2022-09$"))
    assert page.evaluate("window.__samePage === true"), "HTMX should swap, not reload"
    assert page.evaluate("document.activeElement.id") == "month-next"
    expect(page.locator("#calendar-status")).to_have_text("September 2022: 1 meeting")
    funeral = page.locator("td", has=page.locator('time[datetime="2022-09-19"]'))
    expect(funeral).to_contain_text("State Funeral")
    screenshot(page, "meetings-group-calendar-1280")

    # Mouse: into TMAG #9.
    page.get_by_role("link", name=re.compile(r"TMAG #9")).click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("TMAG meeting #9")
    expect(page.get_by_text("Wednesday 21 September 2022, 10:00–12:00")).to_be_visible()

    # Back restores the September calendar.
    page.go_back()
    expect(page.locator("#calendar-heading")).to_have_text("September 2022")

    # The list view, then past meetings.
    page.locator("#view-list").click()
    expect(page.locator("#calendar-heading")).to_have_text("Upcoming meetings")
    page.locator("#list-past").click()
    expect(page.locator("#calendar-heading")).to_have_text("Past meetings")
    expect(page.get_by_role("table")).to_contain_text("TMAG #12")


def test_secretariat_moves_a_meeting_and_the_deadlines_follow(
    watched, live_server, tmag_2022, pmo_user
):
    page = watched
    ninth = Meeting.objects.get(group=tmag_2022, number_major=9)
    sign_in(page, live_server.url, "pmo")
    page.goto(f"{live_server.url}/meetings/{ninth.pk}/")
    deadlines = page.get_by_role("table", name="Deadlines of TMAG #9")
    expect(deadlines).to_be_visible()
    report = deadlines.locator("#deadline-headline_report_due")
    expect(report).to_contain_text("Fri 23 Sep 2022")
    expect(deadlines.locator("#deadline-papers_due")).to_contain_text("Tue 13 Sep 2022")
    screenshot(page, "meetings-meeting-1280")

    page.get_by_text("Move the meeting", exact=True).first.click()
    page.get_by_label("New date").fill("2022-09-22")
    page.get_by_label("Starts at").fill("10:00")
    page.get_by_label("Ends at").fill("12:00")
    page.get_by_label("Reason (optional)").first.fill("Week of the state funeral")
    page.get_by_role("button", name="Move the meeting").click()

    expect(page.locator(".messages")).to_contain_text("TMAG #9 moved to Thu 22 Sep 2022")
    expect(page.locator(".badges")).to_contain_text("Moved")
    expect(page.get_by_text("Wednesday 21 September 2022, 10:00–12:00")).to_be_visible()
    expect(report).to_contain_text("Mon 26 Sep 2022")
    expect(deadlines.locator("#deadline-papers_due")).to_contain_text("Wed 14 Sep 2022")
    screenshot(page, "meetings-meeting-moved-1280")

    # The calendar shows it on the Thursday, "moved from Wed 21 Sep".
    page.goto(live_server.url + "/meetings/groups/TMAG/?month=2022-09")
    thursday = page.locator("td", has=page.locator('time[datetime="2022-09-22"]'))
    expect(thursday).to_contain_text("moved from Wed 21 Sep")

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/meetings/{ninth.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "meetings-meeting-390")
    page.set_viewport_size(DESKTOP)


def test_deadlines_page_and_phone_layouts(watched, live_server, programme, tmag_2022, pmo_user):
    today = timezone.localdate()
    cal = calendar_for_programme(programme)
    recent = cal.add_working_days(today, -3)
    soon = cal.add_working_days(today, 8)
    for n, day in [(20, recent), (21, soon)]:
        Meeting.objects.create(
            group=tmag_2022, number_major=n, start=at(day), end=at(day, 12), status="confirmed"
        )
    page = watched
    page.goto(live_server.url + "/meetings/deadlines/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Deadlines")
    table = page.locator("table.deadline-list")
    first = table.locator("tbody tr").first
    expect(first).to_contain_text("Overdue")
    expect(first).to_contain_text("TMAG")
    expect(table).to_contain_text("Due")
    record = page.locator("table.on-time-record")
    expect(record).to_contain_text("TMAG")
    page.get_by_label("Overdue and due within").select_option("7")
    page.get_by_role("button", name="Show deadlines").click()
    expect(page).to_have_url(re.compile(r"window=7"))
    screenshot(page, "meetings-deadlines-1280")

    page.set_viewport_size(PHONE)
    for url, name in [
        ("/meetings/deadlines/", "meetings-deadlines-390"),
        ("/meetings/groups/TMAG/?month=2022-09", "meetings-group-calendar-390"),
        (f"/meetings/?month={today:%Y-%m}", "meetings-programme-calendar-390"),
    ]:
        page.goto(live_server.url + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url
        screenshot(page, name)
    # On a phone the month is a list of the days with meetings, each named in full.
    page.goto(live_server.url + "/meetings/groups/TMAG/?month=2022-09")
    expect(page.locator("td.day", has_text="Wednesday 21 September")).to_be_visible()
    expect(page.locator("td.day", has_text="Tuesday 20 September")).to_be_hidden()
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + f"/meetings/?month={(today + timedelta(days=0)):%Y-%m}")
    screenshot(page, "meetings-programme-calendar-1280")
