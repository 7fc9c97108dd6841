"""The agenda and papers on the meeting page in a real browser (Chromium via Playwright,
live server): the secretariat adds, moves and removes items and uploads and publishes a
paper, each swapped in by htmx without a reload; a refused file is named at its field.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import contextlib
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from progov.core.testing.browser import screenshot, sign_in
from progov.meetings.tests import upload_samples as samples
from progov.meetings.tests.agenda_support import papers_rule, tmag9, tmag_standing

pytestmark = pytest.mark.browser
__all__ = ["tmag9", "tmag_standing"]  # fixtures


@pytest.fixture
def watched(browser_page, live_server):
    """The page, failing the test on console errors (CSP violations show up there),
    failed assets and requests to other origins."""
    problems: list[str] = []
    browser_page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    browser_page.on("pageerror", lambda exc: problems.append(str(exc)))
    browser_page.on(
        "request",
        lambda r: None if r.url.startswith(live_server.url) else problems.append(r.url),
    )
    browser_page.on("dialog", lambda dialog: dialog.accept())  # hx-confirm
    yield browser_page
    assert problems == []


def test_secretariat_edits_the_agenda_and_papers_in_place(
    watched, live_server, tmag9, pmo_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    papers_rule(tmag9.group.programme)
    page = watched
    sign_in(page, live_server.url, "pmo")
    url = f"{live_server.url}/meetings/{tmag9.pk}/"
    page.goto(url)
    agenda = page.locator("#agenda")
    rows = agenda.locator("tbody tr")
    expect(rows).to_have_count(6)
    expect(rows.nth(3)).to_contain_text("Programme re-plan")
    expect(rows.nth(3)).to_contain_text("10:15–10:55")
    expect(agenda).to_contain_text("ends 11:20, 40 minutes before the meeting ends")

    # Add an item that makes the agenda run over; htmx swaps the section in place.
    page.get_by_text("Add an item").click()
    page.get_by_label("Item", exact=True).fill("Migration approach")
    page.get_by_label("Minutes").fill("65")
    page.get_by_label("Type").select_option("decision")
    page.get_by_role("button", name="Add the item").click()
    expect(agenda.get_by_role("status")).to_contain_text("“Migration approach” is item 6")
    expect(agenda.locator(".agenda-overrun")).to_contain_text("The agenda runs 25 minutes over")
    expect(rows).to_have_count(7)
    expect(rows.nth(6)).to_contain_text("Summary and next steps")
    assert page.url == url  # no reload

    # Move Welcome down, then remove the long item (confirmed).
    page.get_by_role("button", name=re.compile("move “Welcome” down")).click()
    expect(rows.nth(0)).to_contain_text("Minutes and actions")
    expect(rows.nth(1)).to_contain_text("Welcome")
    page.get_by_role("button", name=re.compile("Remove “Migration approach”")).click()
    expect(rows).to_have_count(6)
    expect(agenda.locator(".agenda-overrun")).to_have_count(0)

    # A refused file is named at its field; then a real PDF is uploaded and published.
    papers = page.locator("#papers")
    page.get_by_text("Upload a paper").click()
    page.get_by_label("File").set_input_files(
        files=[{"name": "pack.pdf", "mimeType": "application/pdf", "buffer": samples.HTML}]
    )
    page.get_by_label("Title").fill("TMAG #9 meeting pack")
    page.get_by_role("button", name="Upload the paper").click()
    expect(papers.locator(".field-error")).to_contain_text("its content is HTML, not a PDF")
    expect(papers.get_by_label("File")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("File").set_input_files(
        files=[{"name": "TMAG9 pack.pdf", "mimeType": "application/pdf", "buffer": samples.PDF}]
    )
    page.get_by_role("button", name="Upload the paper").click()
    expect(papers.get_by_role("status")).to_contain_text("is uploaded. It is not published yet.")
    expect(papers.locator("tbody tr")).to_contain_text("Not published")
    papers.get_by_role("button", name=re.compile("Publish")).click()
    expect(papers.get_by_role("status")).to_contain_text("is published (Public)")
    expect(papers.locator("tbody tr")).not_to_contain_text("Not published")
    # The deadlines region follows without a reload: the papers are out (late, in 2022).
    expect(page.locator("#deadline-papers_due")).to_contain_text("Met late")
    screenshot(page, "meeting-agenda-papers")
    assert page.url == url


def test_agenda_controls_are_big_enough_to_tap_and_not_printed(
    watched, live_server, tmag9, pmo_user
):
    page = watched
    sign_in(page, live_server.url, "pmo")
    page.goto(f"{live_server.url}/meetings/{tmag9.pk}/")
    buttons = page.locator("#agenda .agenda-actions button")
    assert buttons.count() > 4
    for i in range(buttons.count()):
        box = buttons.nth(i).bounding_box()
        assert box is not None and box["width"] >= 24 and box["height"] >= 24, (
            buttons.nth(i).inner_text(),
            box,
        )
    page.emulate_media(media="print")
    expect(page.locator("#agenda tbody tr").first).to_be_visible()
    for control in (
        "#agenda .agenda-actions",
        "#actions",
        "#agenda form",
        ".page-contents",
        "#attendance form.inline-form",
        ".past-not-held",
    ):
        assert page.locator(control).first.is_hidden(), control
    screenshot(page, "meeting-print")


def _focus(page) -> dict:
    """Where the focus is: its region (the closest section with an id), role and text,
    once htmx has settled the swap (focus moves then)."""
    # A timeout is reported below: the focus is then on the body.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(
            "() => document.activeElement && document.activeElement !== document.body",
            timeout=3000,
        )
    return page.evaluate(
        """() => {
            const a = document.activeElement;
            const region = a && a.closest("section[id]");
            return {
                region: region ? region.id : null,
                tag: a ? a.tagName : null,
                role: a ? a.getAttribute("role") : null,
                cls: a ? a.className : "",
                text: a ? a.textContent.trim().slice(0, 120) : "",
            };
        }"""
    )


def test_after_each_htmx_action_focus_is_on_what_changed(
    watched, live_server, tmag9, pmo_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    papers_rule(tmag9.group.programme)
    page = watched
    sign_in(page, live_server.url, "pmo")
    page.goto(f"{live_server.url}/meetings/{tmag9.pk}/")
    agenda = page.locator("#agenda")

    # Adding an item: the agenda's status message says what happened.
    page.get_by_text("Add an item").click()
    page.get_by_label("Item", exact=True).fill("Migration approach")
    page.get_by_role("button", name="Add the item").click()
    expect(agenda.get_by_role("status")).to_contain_text("“Migration approach” is item")
    focus = _focus(page)
    assert (focus["region"], focus["role"]) == ("agenda", "status"), focus

    # A refused add: the error (summary or the invalid field) has the focus.
    page.get_by_text("Add an item").click()
    page.get_by_label("Item", exact=True).fill("")
    page.get_by_role("button", name="Add the item").click()
    expect(agenda.locator(".field-error").first).to_be_visible()
    focus = _focus(page)
    assert focus["region"] == "agenda" and (
        "error-summary" in focus["cls"] or focus["tag"] in ("INPUT", "SELECT", "TEXTAREA")
    ), focus

    # Moving an item and removing one, then undoing the removal.
    agenda.get_by_role("button", name=re.compile("move “Programme re-plan” up")).click()
    expect(agenda.get_by_role("status")).to_contain_text("Programme re-plan")
    focus = _focus(page)
    assert (focus["region"], focus["role"]) == ("agenda", "status"), focus
    agenda.get_by_role("button", name=re.compile("Remove “Migration approach”")).click()
    expect(agenda.get_by_role("status")).to_contain_text("Migration approach")
    assert _focus(page)["region"] == "agenda"
    # The removal is undone from the next control after the status (no confirmation asked:
    # the Undo is the safety net).
    page.keyboard.press("Tab")
    expect(page.locator("#agenda-undo")).to_be_focused()
    page.keyboard.press("Enter")
    expect(agenda.get_by_role("status")).to_contain_text("“Migration approach” is back")
    focus = _focus(page)
    assert (focus["region"], focus["role"]) == ("agenda", "status"), focus

    # Papers: a refused upload, then an upload and its publication; the deadlines
    # region refreshes meanwhile without taking the focus.
    papers = page.locator("#papers")
    page.get_by_text("Upload a paper").click()
    page.get_by_label("File").set_input_files(
        files=[{"name": "pack.pdf", "mimeType": "application/pdf", "buffer": samples.HTML}]
    )
    page.get_by_label("Title").fill("TMAG #9 meeting pack")
    page.get_by_role("button", name="Upload the paper").click()
    expect(papers.locator(".field-error")).to_contain_text("not a PDF")
    assert _focus(page)["region"] == "papers"
    page.get_by_label("File").set_input_files(
        files=[{"name": "TMAG9 pack.pdf", "mimeType": "application/pdf", "buffer": samples.PDF}]
    )
    page.get_by_role("button", name="Upload the paper").click()
    expect(papers.get_by_role("status")).to_contain_text("is uploaded")
    assert (_focus(page)["region"], _focus(page)["role"]) == ("papers", "status")
    papers.get_by_role("button", name=re.compile("Publish")).click()
    expect(page.locator("#deadline-papers_due")).to_contain_text("Met late")
    focus = _focus(page)
    assert (focus["region"], focus["role"]) == ("papers", "status"), focus
