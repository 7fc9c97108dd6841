"""The governance pages in a real browser (Chromium via Playwright, live server).

Screenshots of the structure page at 1280 px and 390 px go to test-artifacts/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from progov.core.testing.browser import PHONE, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def watched(browser_page, live_server):
    """The page, recording requests to other origins and console errors (CSP reports)."""
    foreign: list[str] = []
    errors: list[str] = []
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
    failed: list[str] = []
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
    # A document answering 404 on purpose logs "Failed to load resource" too.
    errors = [e for e in errors if "status of 404" not in e or failed]
    assert errors == [], "the console reported errors (CSP violations show up here)"


def test_structure_tree_then_into_a_group(watched, live_server, world):
    page = watched
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("governance structure")
    levels = page.locator("section", has=page.locator("#levels-heading"))
    psg = levels.locator(".tree > .tree-node").filter(
        has=page.locator(f"#group-{world['psg'].pk}-title")
    )
    expect(psg.locator(".group-card").first).to_contain_text("Level 2")
    dag = psg.locator(".tree-children > .tree-node").filter(
        has=page.locator(f"#group-{world['dag'].pk}-title")
    )
    expect(dag.locator(".group-card").first).to_contain_text("Level 3")
    expect(dag.locator(".group-card").first).to_contain_text("2nd Wednesday of each month")
    sdwg = dag.locator(".tree-children .group-card")
    expect(sdwg).to_contain_text("SDWG")
    expect(sdwg).to_contain_text("Level 4")
    tmag = psg.locator(".group-card.is-stood-down")
    expect(tmag).to_contain_text("Stood down")
    expect(tmag).to_contain_text("succeeded by SITAG")
    outside = page.locator("section", has=page.locator("#outside-heading"))
    expect(outside).to_contain_text("FTIG")
    expect(outside).to_contain_text("Outside the levels")

    page.get_by_role("link", name="DAG Design Advisory Group").click()
    expect(page).to_have_url(re.compile(r"/groups/DAG/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Design Advisory Group")
    expect(page.locator("#tab-overview")).to_have_attribute("aria-current", "page")


def _tab_to(page, element_id: str, limit: int = 60) -> None:
    """Press Tab until the element with `element_id` has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} never received focus by keyboard")


def test_group_tabs_by_keyboard_and_mouse(watched, live_server, world, pmo_user):
    from progov.governance import services

    services.update_group(
        actor=pmo_user, group=world["dag"], expected_version=1, purpose="Approve the design."
    )
    page = watched
    page.goto(live_server.url + "/groups/DAG/")
    page.evaluate("window.__samePage = true")

    # Keyboard: Tab to the Members tab, press Enter.
    _tab_to(page, "tab-members")
    page.keyboard.press("Enter")
    expect(page.locator("#tab-members")).to_have_attribute("aria-current", "page")
    expect(page).to_have_url(re.compile(r"/groups/DAG/\?tab=members$"))
    members = page.get_by_role("table", name="Members of DAG by constituency")
    expect(members).to_contain_text("Jane Doe")
    expect(members).to_contain_text("Alex Alternate")
    expect(members).to_contain_text("Vacant")
    assert page.evaluate("window.__samePage === true"), "HTMX should swap, not reload"
    assert page.evaluate("document.activeElement.id") == "tab-members", "focus stays on the tab"

    # Keyboard again: on to History.
    _tab_to(page, "tab-history", limit=5)
    page.keyboard.press("Enter")
    expect(page.locator("#tab-history")).to_have_attribute("aria-current", "page")
    expect(page.locator(".history-entry").first).to_contain_text("Updated by pmo")
    expect(page.locator(".history-entry").first).to_contain_text("Approve the design.")

    # Mouse: back to Members, then History.
    page.locator("#tab-members").click()
    expect(page.locator("#tab-members")).to_have_attribute("aria-current", "page")
    expect(page.locator("#tab-history")).not_to_have_attribute("aria-current", "page")
    page.locator("#tab-history").click()
    expect(page).to_have_url(re.compile(r"\?tab=history$"))
    expect(page.get_by_role("heading", name="History", level=2)).to_be_visible()
    assert page.evaluate("window.__samePage === true")

    # The browser's Back button returns to the previous tab (a full reload from the server).
    page.go_back()
    expect(page).to_have_url(re.compile(r"\?tab=members$"))
    expect(page.locator("#tab-members")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("table", name="Members of DAG by constituency")).to_be_visible()


def test_members_tab_pages_and_filters_with_htmx(watched, live_server, world, programme):
    from progov.core.testing.factories import (
        ConstituencyFactory,
        MembershipFactory,
        PersonFactory,
        SeatFactory,
    )

    dag = world["dag"]
    medium = ConstituencyFactory(programme=programme, code="medium", name="Medium Supplier")
    SeatFactory(group=dag, label="n) Medium Supplier seat", constituency=medium)
    for n in range(120):
        MembershipFactory(
            group=dag,
            person=PersonFactory(programme=programme, name=f"Member {n:03d}"),
            constituency=world["large"] if n < 60 else medium,
        )
    page = watched
    page.goto(live_server.url + "/groups/DAG/?tab=members")
    page.evaluate("window.__samePage = true")
    members = page.get_by_role("table", name="Members of DAG by constituency")
    expect(members).to_contain_text("page 1 of 2")
    expect(members).to_contain_text("Jane Doe")
    expect(members).to_contain_text("Alex Alternate")  # beside Jane
    expect(members).not_to_contain_text("Member 119")

    # Next page, by keyboard: swapped in place, the URL pushed, the panel announced.
    pagination = page.get_by_role("navigation", name="Pages of members")
    pagination.get_by_role("link", name="Next page").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/groups/DAG/\?tab=members&page=2$"))
    expect(members).to_contain_text("page 2 of 2")
    expect(members).to_contain_text("Member 119")
    expect(members).not_to_contain_text("Jane Doe")
    # Medium Supplier's vacant seat, after its last member; Large's was on page 1.
    expect(members).to_contain_text("n) Medium Supplier seat")
    expect(members).not_to_contain_text("m) Medium Supplier Representative")
    assert page.evaluate("window.__samePage === true"), "HTMX should swap, not reload"
    assert page.evaluate("document.activeElement.id") == "panel-heading"

    # The constituency filter: the form submits through HTMX, the URL says what it shows.
    page.get_by_label("Constituency").select_option(label="Medium Supplier (60)")
    page.get_by_role("button", name="Show members").click()
    expect(page).to_have_url(re.compile(r"[?&]constituency=medium(&|$)"))
    expect(members).to_contain_text("Medium Supplier")
    expect(members).not_to_contain_text("Large Supplier")
    expect(members).not_to_contain_text("Jane Doe")
    assert page.evaluate("window.__samePage === true")

    # Back returns to page 2 of everyone (a full reload from the server).
    page.go_back()
    expect(page).to_have_url(re.compile(r"page=2$"))
    expect(page.get_by_role("table", name="Members of DAG by constituency")).to_contain_text(
        "page 2 of 2"
    )


def test_older_terms_of_reference_are_selectable(watched, live_server, world):
    page = watched
    page.goto(live_server.url + "/groups/DAG/?tab=terms")
    expect(page.locator(".tor-text")).to_contain_text("The terms in force.")
    page.get_by_role("link", name="1.0", exact=True).click()
    expect(page).to_have_url(re.compile(r"/groups/DAG/tor/1\.0/$"))
    expect(page.locator(".tor-text")).to_contain_text("The first terms.")
    expect(page.locator(".tor-text")).to_contain_text("superseded by")


def test_search_from_the_header(watched, live_server, world):
    page = watched
    page.goto(live_server.url + "/people/")
    box = page.get_by_role(
        "searchbox", name="Search groups, meetings, papers, people and organisations"
    )
    box.fill("design")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=design$"))
    expect(page.get_by_role("heading", name=re.compile(r"^Groups"))).to_contain_text("(2)")
    page.get_by_role("link", name="SDWG Security Design Working Group").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Security Design Working Group")


def test_signed_in_participants_see_hidden_groups(watched, live_server, world, member_user):
    page = watched
    response = page.goto(live_server.url + "/groups/ECG/")
    assert response is not None and response.status == 404
    sign_in(page, live_server.url, "member")
    expect(page.get_by_text("Signed in as")).to_be_visible()
    response = page.goto(live_server.url + "/groups/ECG/")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("Engagement and Communications")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_structure_screenshots_desktop_and_phone(watched, live_server, world):
    page = watched
    page.goto(live_server.url + "/")
    expect(page.locator(".tree").first).to_be_visible()
    shot = screenshot(page, "structure-1280")
    assert shot.stat().st_size > 10_000

    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    # Nothing wider than the phone: the page never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The navigation folds behind a menu button.
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(page.get_by_role("link", name="People", exact=True)).to_be_hidden()
    screenshot(page, "structure-390")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="People", exact=True)).to_be_visible()
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")

    # Wide tables scroll inside their wrapper, not the page.
    page.goto(live_server.url + "/groups/DAG/?tab=members")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "group-members-390")
    # …and say so: a named, focusable region the keyboard can scroll.
    wrap = page.locator(".table-wrap", has=page.locator("table.members"))
    expect(wrap).to_have_attribute("role", "region")
    expect(wrap).to_have_attribute("tabindex", "0")
    expect(wrap).to_have_attribute("aria-label", re.compile(r"\(scrolls sideways\)$"))
    wrap.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0", timeout=3000)
    # At 1280 px the same table fits: no region, no tab stop.
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(wrap).not_to_have_attribute("role", "region")
    assert wrap.get_attribute("tabindex") is None
