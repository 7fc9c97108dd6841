"""Fixtures shared by every app's tests under progov/ (the repo-root conftest.py has the rest).

- `chromium_browser`, `browser_page`: Playwright against the live server, and
  `live_server` itself, made to speak plain HTTP (see progov/core/testing/browser.py).
- Pages render `{% static %}` without `collectstatic`: tests use the plain
  static storage (the manifest storage needs collected files to name them).
- Each test has an empty local-memory cache (`_cache_of_this_test`).
- Uploaded files go to a media directory of the test process's own (scripts/test runs
  the suite in parallel workers), never the shared data dir's; a test may still point
  MEDIA_ROOT at its own `tmp_path`.
"""

from __future__ import annotations

from pathlib import Path
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


@pytest.fixture(autouse=True)
def _cache_of_this_test(settings: Any) -> None:
    """A fresh local-memory cache per test (the bearer throttle counts there), never the
    data dir's file cache that parallel workers would share. Failed sign-ins (django-axes)
    are rows of the test database, rolled back with it."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "progov-tests",
        }
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def _worker_media_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media_root_of_this_worker(settings: Any, _worker_media_root: Path) -> None:
    settings.MEDIA_ROOT = _worker_media_root
