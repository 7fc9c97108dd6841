"""Fixtures shared by every app's tests under progov/ (the repo-root conftest.py has the rest).

- `chromium_browser`, `browser_page`: Playwright against the live server, and
  `live_server` itself, made to speak plain HTTP (see progov/core/testing/browser.py).
- Pages render `{% static %}` without `collectstatic`: tests use the plain
  static storage (the manifest storage needs collected files to name them).
"""

from __future__ import annotations

from typing import Any

import pytest

from progov.core.testing.browser import browser_page, chromium_browser, live_server

__all__ = ["browser_page", "chromium_browser", "live_server"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
