"""Nothing leaves the origin: every page (each URL pattern, with the access matrix's
world and bindings), the API docs included, loaded in Chromium as an anonymous reader
and as the secretariat, asks nothing of another origin (users run air-gapped)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from progov.core.testing.browser import sign_in
from progov.core.testing.world import World, build_world
from progov.tests.test_access_matrix import page_bindings, page_patterns

pytestmark = pytest.mark.browser


def _urls(world: World) -> list[str]:
    urls = ["/api/v1/docs"]
    for name, params in page_patterns():
        if name == "accounts:logout":
            continue  # would end the session the rest is loaded in
        bindings = [b for b in page_bindings(world, name, params) if not b.missing]
        urls.append(reverse(name, kwargs=bindings[0].params))
    return urls


def _visit_all(page: Page, base: str, urls: list[str]) -> dict[str, list[str]]:
    foreign: dict[str, list[str]] = {}
    current = {"url": ""}
    page.on(
        "request",
        lambda request: (
            foreign.setdefault(current["url"], []).append(request.url)
            if not request.url.startswith(base) and not request.url.startswith("data:")
            else None
        ),
    )
    for url in urls:
        current["url"] = url
        try:
            page.goto(base + url)
        except PlaywrightError:
            continue  # a form's target only (405 to a GET): nothing to load
        page.wait_for_load_state("networkidle")
    return foreign


@pytest.mark.parametrize("role", ["anonymous", "pmo"])
def test_no_page_asks_another_origin_for_anything(
    browser_page: Page, live_server: Any, role: str
) -> None:
    world = build_world()
    if role != "anonymous":
        sign_in(browser_page, live_server.url, world.users[role].username)
    urls = _urls(world)
    assert len(urls) > 30
    foreign = _visit_all(browser_page, live_server.url, urls)
    assert foreign == {}, f"requests to other origins, by page: {foreign}"


def test_the_api_docs_work_offline(browser_page: Page, live_server: Any) -> None:
    build_world()
    errors: list[str] = []
    browser_page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A script or style the page's CSP refused is reported on the console.
    browser_page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    browser_page.goto(live_server.url + "/api/v1/docs")
    # Swagger UI, from progov's own static files, has read the OpenAPI document.
    expect(browser_page.locator(".swagger-ui .info .title")).to_contain_text("progov")
    expect(browser_page.locator(".opblock-tag", has_text="governance")).to_be_visible()
    expect(
        browser_page.locator(".opblock-summary-path", has_text="/api/v1/groups").first
    ).to_be_visible()
    assert errors == []
