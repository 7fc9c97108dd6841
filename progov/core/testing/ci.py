"""A pytest plugin: browser tests skip on a laptop without Chromium, but never in CI.

Registered from the repo-root conftest.py (`pytest_plugins`). Tests marked
`@pytest.mark.browser` drive Debian's Chromium (`apt-get install chromium`) with
Playwright. Where it is missing they are skipped, so `scripts/test` works on any
machine; with `CI=true` a missing browser — or a browser test skipped for any
other reason — fails the run instead, so CI can never go green without them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Generator
from pathlib import Path

import pytest

DEFAULT_CHROMIUM = "/usr/bin/chromium"


def chromium_path() -> str | None:
    """The Chromium to drive: $PROGOV_CHROMIUM, /usr/bin/chromium, or `chromium` on PATH."""
    configured = os.environ.get("PROGOV_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    if Path(DEFAULT_CHROMIUM).exists():
        return DEFAULT_CHROMIUM
    return shutil.which("chromium")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _is_browser_test(item: pytest.Item) -> bool:
    return item.get_closest_marker("browser") is not None


MISSING = "Chromium is not installed (apt-get install -y chromium), so browser tests cannot run"


def pytest_runtest_setup(item: pytest.Item) -> None:
    if not _is_browser_test(item) or chromium_path() is not None:
        return
    if in_ci():
        pytest.fail(f"{MISSING}; with CI=true they fail instead of being skipped.", pytrace=False)
    pytest.skip(f"{MISSING}.")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if in_ci() and _is_browser_test(item) and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"browser test skipped under CI=true (not allowed): {reason}"
    return report
