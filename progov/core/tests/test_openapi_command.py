"""`manage.py openapi`: writes the contract, and `--check` fails with a diff on drift."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_writes_sorted_pretty_json_and_check_passes(tmp_path):
    path = tmp_path / "openapi.json"
    call_command("openapi", "--path", str(path), stdout=StringIO())
    text = path.read_text()
    schema = json.loads(text)
    assert "/api/v1/groups" in schema["paths"]
    assert text == json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    out = StringIO()
    call_command("openapi", "--check", "--path", str(path), stdout=out)
    assert "matches the code" in out.getvalue()


def test_check_fails_with_a_unified_diff_on_drift(tmp_path):
    path = tmp_path / "openapi.json"
    call_command("openapi", "--path", str(path), stdout=StringIO())
    path.write_text(path.read_text().replace('"title": "progov API"', '"title": "old API"'))
    out = StringIO()
    with pytest.raises(CommandError, match="out of date"):
        call_command("openapi", "--check", "--path", str(path), stdout=out)
    assert '-    "title": "old API"' in out.getvalue()
    assert '+    "title": "progov API"' in out.getvalue()


def test_check_fails_when_the_file_is_missing(tmp_path):
    with pytest.raises(CommandError, match="missing"):
        call_command("openapi", "--check", "--path", str(tmp_path / "nope.json"))
