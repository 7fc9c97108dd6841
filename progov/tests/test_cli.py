"""The `progov` command, driven in-process against the test database."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from progov.accounts.services import user_for_token
from progov.audit.models import AuditEntry
from progov.cli import build_parser, main
from progov.core.testing.audit import tamper
from progov.core.testing.factories import UserFactory
from progov.governance import services


def test_help_lists_every_subcommand(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in ("demo", "serve", "load-pack", "token", "accounts", "audit", "manage"):
        assert command in out


@pytest.mark.parametrize(
    "argv",
    [
        ["demo", "--help"],
        ["serve", "--help"],
        ["load-pack", "--help"],
        ["token", "--help"],
        ["token", "create", "--help"],
        ["accounts", "--help"],
        ["accounts", "unlock", "--help"],
        ["audit", "--help"],
        ["audit", "verify", "--help"],
        ["audit", "checkpoint", "--help"],
        ["audit", "protect", "--help"],
    ],
)
def test_every_subcommand_has_help(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(argv)
    assert exc.value.code == 0
    assert "usage: progov" in capsys.readouterr().out


@pytest.mark.django_db
def test_token_create_prints_the_token_last(capsys):
    user = UserFactory(username="pmo", role="secretariat")
    assert main(["token", "create", "pmo"]) == 0
    last_line = capsys.readouterr().out.strip().splitlines()[-1]
    assert last_line.startswith("pgv_")
    assert user_for_token(last_line) == user
    entry = AuditEntry.objects.get(object_type="accounts.apitoken")
    assert entry.actor_label.startswith("cli:")


@pytest.mark.django_db
def test_accounts_unlock_clears_failed_sign_ins(capsys, client):
    user = UserFactory(username="pmo", role="secretariat")
    for _ in range(5):
        client.post("/accounts/login/", {"username": "pmo", "password": "wrong"})
    assert (
        client.post("/accounts/login/", {"username": "pmo", "password": "wrong"}).status_code == 429
    )
    assert main(["accounts", "unlock", "pmo"]) == 0
    assert "pmo is unlocked: 5 failed sign-ins cleared." in capsys.readouterr().out
    entry = AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk)).last()
    assert entry is not None and entry.changes["locked_out"] == [True, False]
    assert entry.actor_label.startswith("cli:")
    assert main(["accounts", "unlock", "nobody"]) == 1
    assert "No login named 'nobody'" in capsys.readouterr().err


@pytest.mark.django_db
def test_token_for_unknown_user_fails_clearly(capsys):
    assert main(["token", "create", "nobody"]) == 1
    assert "No user named 'nobody'" in capsys.readouterr().err


def _create_groups(programme, n, capture):
    pmo = UserFactory(username="pmo", role="secretariat")
    for i in range(n):
        with capture(execute=True):  # the act's checkpoint is written as it commits
            services.create_group(
                actor=pmo, programme=programme, name=f"Group {i}", acronym=f"G{i}"
            )


@pytest.mark.django_db
def test_audit_verify_passes_then_names_the_altered_row(
    capsys, programme, django_capture_on_commit_callbacks
):
    _create_groups(programme, 3, django_capture_on_commit_callbacks)
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "Audit trail intact: 3 entries verified, each sealed with HMAC-SHA256" in out
    assert "Checkpoints: 3 in" in out
    target = AuditEntry.objects.order_by("id")[1]
    tamper(
        "UPDATE audit_auditentry SET changes = %s WHERE id = %s",
        ['{"name": [null, "X"]}', target.pk],
    )
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "Audit trail BROKEN (1 problem(s) found)" in err
    assert f"entry #{target.pk}: its seal does not match" in err


@pytest.mark.django_db
def test_audit_verify_names_a_removed_tail(capsys, programme, django_capture_on_commit_callbacks):
    _create_groups(programme, 3, django_capture_on_commit_callbacks)
    entries = list(AuditEntry.objects.order_by("id"))
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].pk])
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"the chain ends at #{entries[-2].pk} (2 entries), but the checkpoint of" in err
    assert f"records #{entries[-1].pk} (3 entries): 1 entry missing from its end" in err


@pytest.mark.django_db
def test_audit_checkpoint_prints_the_head_to_keep_and_verify_expect_checks_it(
    capsys, programme, django_capture_on_commit_callbacks
):
    _create_groups(programme, 2, django_capture_on_commit_callbacks)
    head = AuditEntry.objects.latest("id")
    assert main(["audit", "checkpoint"]) == 0
    out = capsys.readouterr().out
    assert "entries: 2" in out
    assert f"last:    #{head.pk} of " in out
    assert f"hash:    {head.entry_hash}" in out
    assert f"  2:{head.entry_hash}" in out.splitlines()
    assert main(["audit", "verify", "--expect", f"2:{head.entry_hash}"]) == 0
    assert f"Kept head 2:{head.entry_hash} matches." in capsys.readouterr().out
    assert main(["audit", "verify", "--expect", f"2:{'0' * 64}"]) == 1
    assert "of the head you kept: history up to it was rewritten" in capsys.readouterr().err
    assert main(["audit", "verify", "--expect", "two"]) == 1
    assert "--expect: 'two' is not COUNT:HASH" in capsys.readouterr().err


@pytest.mark.django_db
def test_audit_checkpoint_append_starts_a_lost_checkpoint_file_deliberately(
    capsys, settings, programme, django_capture_on_commit_callbacks
):
    _create_groups(programme, 2, django_capture_on_commit_callbacks)
    Path(settings.PROGOV_AUDIT_CHECKPOINT_PATH).unlink()
    assert main(["audit", "verify"]) == 1
    assert "there is no checkpoint file at" in capsys.readouterr().err
    assert main(["audit", "checkpoint"]) == 1
    assert "No head printed: the trail does not verify." in capsys.readouterr().err
    assert main(["audit", "checkpoint", "--append"]) == 0
    assert f"Appended to {settings.PROGOV_AUDIT_CHECKPOINT_PATH}." in capsys.readouterr().out
    assert main(["audit", "verify"]) == 0


@pytest.mark.django_db
def test_audit_protect_puts_dropped_triggers_back(capsys):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER audit_auditentry_no_truncate ON audit_auditentry")
        else:
            cursor.execute("DROP TRIGGER audit_auditentry_no_delete")
    assert main(["audit", "verify"]) == 1
    assert "is missing" in capsys.readouterr().err
    assert main(["audit", "protect"]) == 0
    assert "Repaired: the trigger" in capsys.readouterr().out
    assert main(["audit", "verify"]) == 0
