"""Playwright fixtures for browser tests against pytest-django's live server.

Exposed to every app by `progov/conftest.py`. A browser test:

    @pytest.mark.browser
    def test_structure_page(browser_page, live_server, programme):
        browser_page.goto(live_server.url + "/")
        expect(browser_page.get_by_role("heading", level=1)).to_contain_text("structure")

`live_server` replaces pytest-django's so that it serves plain HTTP.
`browser_page` is a fresh Chromium page (1280×900) per test and requires
`transactional_db`, so the live server thread sees the test's data. Use
`sign_in(page, live_server.url, username)` to sign in through the login form
(the factories' password is `correct horse battery`). `screenshot(page, name)`
writes `test-artifacts/<name>.png` (gitignored).

Chromium is Debian's (`/usr/bin/chromium`, or `$PROGOV_CHROMIUM`); never run
`playwright install`. Without Chromium the test is skipped (failed under CI=true,
see progov/core/testing/ci.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from progov.core.testing.ci import MISSING, chromium_path

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
FACTORY_PASSWORD = "correct horse battery"  # noqa: S105 - the test factories' password
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[Any]:
    """pytest-django's live server, built to speak plain HTTP.

    The server's middleware is instantiated once, when its thread starts, so the
    per-test `SECURE_SSL_REDIRECT = False` (repo-root conftest) comes too late for
    it: SecurityMiddleware would redirect every request to https://. The override
    is applied only while the server starts.
    """
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    with override_settings(SECURE_SSL_REDIRECT=False, SECURE_HSTS_SECONDS=0):
        server = LiveServer(addr)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    """One headless Chromium for the whole test session."""
    executable = chromium_path()
    if executable is None:
        pytest.skip(f"{MISSING}.")
    # Playwright's sync API runs an event loop in this thread; Django's ORM would
    # otherwise refuse to run "inside an async context".
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(
    chromium_browser: Browser, live_server: Any, transactional_db: None, settings: Any
) -> Iterator[Page]:
    """A fresh page at 1280×900 in its own browser context (own cookies)."""
    # The live server speaks plain HTTP: cookies must not be Secure-only.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    context = chromium_browser.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        context.close()


def sign_in(page: Page, base_url: str, username: str, password: str = FACTORY_PASSWORD) -> None:
    """Sign in through the login page, as a person would."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save `test-artifacts/<name>.png` and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
