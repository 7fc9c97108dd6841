"""Every page (each URL pattern, with the access matrix's world and bindings, the API docs
included), as an anonymous reader and as the secretariat, in Chromium: nothing is asked
of another origin (users run air-gapped), and axe-core finds zero WCAG 2.2 A/AA
violations at 1280 px and at 390 px (issue 9's acceptance). One visit per page does both."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from progov.core.testing.axe import axe_violations
from progov.core.testing.browser import DESKTOP, PHONE, sign_in
from progov.core.testing.world import build_world
from progov.tests.test_browser_origin import _urls

pytestmark = [pytest.mark.browser, pytest.mark.runs_long]


@pytest.mark.parametrize("role", ["anonymous", "pmo"])
def test_every_page_stays_in_its_origin_and_passes_axe_at_both_widths(
    browser_page: Page, live_server: Any, role: str
) -> None:
    world = build_world()
    if role != "anonymous":
        sign_in(browser_page, live_server.url, world.users[role].username)
    urls = _urls(world)
    assert len(urls) > 30
    base = live_server.url
    current = {"url": ""}
    foreign: dict[str, list[str]] = {}
    browser_page.on(
        "request",
        lambda request: (
            foreign.setdefault(current["url"], []).append(request.url)
            if not request.url.startswith(base) and not request.url.startswith("data:")
            else None
        ),
    )
    problems: list[str] = []
    for url in urls:
        current["url"] = url
        browser_page.set_viewport_size(DESKTOP)
        try:
            response = browser_page.goto(base + url)
        except PlaywrightError:
            continue  # a form's target only (405 to a GET): nothing to check
        if response is not None and response.status == 405:
            continue
        # What the page asks for on load (htmx's "load" triggers) has answered before axe
        # runs; the request handler above sees it either way.
        browser_page.wait_for_function("() => !document.querySelector('.htmx-request')")
        problems += [f"{url} @1280: {p}" for p in axe_violations(browser_page)]
        # Then as a phone: progov.js measures the wide tables again on resize and says so
        # (a page without it, the API docs', has nothing to wait for).
        browser_page.set_viewport_size(PHONE)
        browser_page.wait_for_function(
            """(w) => { const at = document.documentElement.dataset.scrollablesAt;
                        return at === undefined || at === String(w); }""",
            arg=PHONE["width"],
        )
        problems += [f"{url} @390: {p}" for p in axe_violations(browser_page)]
    assert foreign == {}, f"requests to other origins, by page: {foreign}"
    assert problems == [], f"{len(problems)} axe violations:\n" + "\n".join(problems)
