"""The CI plugin: browser tests skip without Chromium locally, and fail under CI=true."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = """
import pytest

@pytest.mark.browser
def test_needs_a_browser():
    pass

@pytest.mark.browser
def test_skips_itself():
    pytest.skip("no live server")

def test_plain():
    pass
"""


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    browser: needs Chromium\n")
    full_env = {k: v for k, v in os.environ.items() if k not in {"CI", "PROGOV_CHROMIUM"}}
    full_env.update(env)
    root = str(Path(__file__).resolve().parents[3])
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, full_env.get("PYTHONPATH")]))
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:django",
            "-p",
            "no:cacheprovider",
            "-p",
            "progov.core.testing.ci",
            "-rA",
            str(tmp_path),
        ],
        cwd=tmp_path,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_browser_tests_skip_without_chromium_outside_ci(tmp_path):
    result = _run(tmp_path, PROGOV_CHROMIUM=str(tmp_path / "no-such-chromium"))
    assert result.returncode == 0, result.stdout
    assert "1 passed, 2 skipped" in result.stdout


def test_browser_tests_fail_without_chromium_in_ci(tmp_path):
    result = _run(tmp_path, CI="true", PROGOV_CHROMIUM=str(tmp_path / "no-such-chromium"))
    assert result.returncode == 1, result.stdout
    assert "Chromium is not installed" in result.stdout
    assert "skipped" not in result.stdout.splitlines()[-1]


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium")
def test_a_browser_test_that_skips_itself_fails_in_ci(tmp_path):
    result = _run(tmp_path, CI="true")
    assert result.returncode == 1, result.stdout
    assert "skipped under CI=true" in result.stdout
    assert "1 failed, 2 passed" in result.stdout
