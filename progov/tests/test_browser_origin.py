"""The API docs work offline (Swagger UI from progov's own static files). Every page
asking nothing of another origin is checked with axe in test_browser_axe.py, which
visits each page once for both; `_urls` is the list of pages both use."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from progov.core.testing.world import World, build_world
from progov.tests.test_access_matrix import page_bindings, page_patterns

pytestmark = pytest.mark.browser


def _urls(world: World) -> list[str]:
    urls = ["/api/v1/docs"]
    for name, params in page_patterns():
        if name == "accounts:logout":
            continue  # would end the session the rest is loaded in
        bindings = [b for b in page_bindings(world, name, params) if not b.missing]
        if not bindings:
            # A page with no instance to visit in the world (an import's progress, which
            # exists only while that import runs): its fragment is checked in its own tests.
            continue
        urls.append(reverse(name, kwargs=bindings[0].params))
    return urls


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
