"""The `progov` command, driven in-process against the test database."""

from __future__ import annotations

import pytest
from django.db import connection

from progov.accounts.services import user_for_token
from progov.audit.models import AuditEntry
from progov.cli import build_parser, main
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


@pytest.mark.django_db
def test_audit_verify_passes_then_names_the_altered_row(capsys, programme):
    pmo = UserFactory(username="pmo", role="secretariat")
    for n in range(3):
        services.create_group(actor=pmo, programme=programme, name=f"Group {n}", acronym=f"G{n}")
    assert main(["audit", "verify"]) == 0
    assert "intact: 3 entries" in capsys.readouterr().out
    target = AuditEntry.objects.order_by("id")[1]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE audit_auditentry SET changes = %s WHERE id = %s",
            ['{"name": [null, "X"]}', target.pk],
        )
    assert main(["audit", "verify"]) == 1
    assert f"entry #{target.pk}" in capsys.readouterr().err
