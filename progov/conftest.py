"""Fixtures shared by every app's tests under progov/ (the repo-root conftest.py has the rest).

- `chromium_browser`, `browser_page`: Playwright against the live server, and
  `live_server` itself, made to speak plain HTTP (see progov/core/testing/browser.py).
- Pages render `{% static %}` without `collectstatic`: tests use the plain
  static storage (the manifest storage needs collected files to name them).
- Audit checkpoints go to a file of the test's own (PROGOV_AUDIT_CHECKPOINT_PATH in a
  directory of the worker's), never a shared one; and the test database's flush (after a
  `transactional_db` or `live_server` test) empties the audit table past its triggers,
  for the test session only (progov/core/testing/audit.py, `lift_protection_around_flush`).
- Each test has empty local-memory caches (`_cache_of_this_test`): the throttle's and the
  read cache's.
- The read cache is off unless a test is marked `read_cache` (`_read_cache_only_where_marked`).
- Passwords hash with Django's fast test hasher (`_fast_password_hashing`): the shipped
  Argon2 takes ~100 ms and 100 MB per hash, and the sign-in tests try hundreds. A test
  marked `shipped_password_hashing` keeps the shipped hashers.
- Uploaded files go to a media directory of the test process's own (scripts/test runs
  the suite in parallel workers), never the shared data dir's; a test may still point
  MEDIA_ROOT at its own `tmp_path`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from progov.core import readcache
from progov.core.testing.audit import lift_protection_around_flush
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
        },
        # The read cache (core/readcache.py) too: its keys hold the audit head's hash, so a
        # rolled-back test could not leak into the next, but each test starts empty anyway.
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "progov-tests-pages",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
    }
    from django.core.cache import caches

    caches["default"].clear()
    caches["pages"].clear()
    readcache.forget_memo()


@pytest.fixture(autouse=True)
def _read_cache_only_where_marked(request: pytest.FixtureRequest, settings: Any) -> None:
    """The read cache (core/readcache.py) keys answers on the audit head, which moves with
    every service write; test factories write rows without audit entries, so a test that
    requests a page, adds rows with a factory and requests it again would be answered from
    before. Tests of the cache itself, and the access matrix, are marked `read_cache`."""
    settings.PROGOV_READ_CACHE = request.node.get_closest_marker("read_cache") is not None


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: pytest.FixtureRequest, settings: Any) -> None:
    if request.node.get_closest_marker("shipped_password_hashing") is None:
        # The shipped ones stay listed, so a hash they made still checks.
        settings.PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.MD5PasswordHasher",
            *settings.PASSWORD_HASHERS,
        ]


@pytest.fixture(scope="session")
def _worker_media_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media_root_of_this_worker(settings: Any, _worker_media_root: Path) -> None:
    settings.MEDIA_ROOT = _worker_media_root


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_audit_triggers() -> Iterator[None]:
    from django.core.management.commands import flush

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(flush.Command, "handle", lift_protection_around_flush(flush.Command.handle))
        yield


@pytest.fixture(scope="session")
def _worker_audit_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("audit")


@pytest.fixture(autouse=True)
def _audit_checkpoints_of_this_test(settings: Any, _worker_audit_dir: Path) -> None:
    settings.PROGOV_AUDIT_CHECKPOINT_PATH = _worker_audit_dir / f"{uuid.uuid4().hex}.log"
