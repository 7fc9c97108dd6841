"""axe-core on every page (each URL pattern with the access matrix's world, as in the
origin test) at 1280 px and 390 px, as an anonymous reader and as the secretariat:
zero WCAG 2.2 A/AA violations (issue 9's acceptance)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from progov.core.testing.axe import axe_violations
from progov.core.testing.browser import DESKTOP, PHONE, sign_in
from progov.core.testing.world import build_world
from progov.tests.test_browser_origin import _urls

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role", ["anonymous", "pmo"])
def test_every_page_passes_axe_at_desktop_and_phone_widths(
    browser_page: Page, live_server: Any, role: str
) -> None:
    world = build_world()
    if role != "anonymous":
        sign_in(browser_page, live_server.url, world.users[role].username)
    urls = _urls(world)
    problems: list[str] = []
    for url in urls:
        try:
            response = browser_page.goto(live_server.url + url)
        except PlaywrightError:
            continue  # a form's target only (405 to a GET): nothing to check
        if response is not None and response.status == 405:
            continue
        browser_page.wait_for_load_state("networkidle")
        for label, size in (("1280", DESKTOP), ("390", PHONE)):
            browser_page.set_viewport_size(size)
            # progov.js marks tables too wide for the screen on resize (after 100 ms).
            browser_page.wait_for_timeout(150)
            problems += [f"{url} @{label}: {p}" for p in axe_violations(browser_page)]
        browser_page.set_viewport_size(DESKTOP)
    assert problems == [], f"{len(problems)} axe violations:\n" + "\n".join(problems)
