"""`manage.py access_matrix`: docs/access.md is generated from the policy and drift-checked."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from progov.core import access


def test_matrix_lists_every_kind_and_action_and_check_passes(tmp_path):
    path = tmp_path / "access.md"
    call_command("access_matrix", "--path", str(path), stdout=StringIO())
    text = path.read_text()
    for kind, actions in access.POLICY.items():
        assert f"### `{kind}`" in text
        for action in actions:
            assert f"| {action} |" in text
    assert "| view | by classification |" in text
    out = StringIO()
    call_command("access_matrix", "--check", "--path", str(path), stdout=out)
    assert "matches the code" in out.getvalue()


def test_check_fails_when_the_policy_changes(tmp_path, monkeypatch):
    path = tmp_path / "access.md"
    call_command("access_matrix", "--path", str(path), stdout=StringIO())
    monkeypatch.setitem(
        access.POLICY, "governance.programme", {"view": access.ANYONE, "change": access.ANYONE}
    )
    out = StringIO()
    with pytest.raises(CommandError, match="out of date with the access policy"):
        call_command("access_matrix", "--check", "--path", str(path), stdout=out)
    assert "+| change | ✓ |" in out.getvalue()


def test_the_committed_matrix_matches_the_policy():
    out = StringIO()
    call_command("access_matrix", "--check", stdout=out)
    assert "matches the code" in out.getvalue()
