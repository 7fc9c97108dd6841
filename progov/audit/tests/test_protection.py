"""The database refuses to rewrite the audit table: UPDATE and DELETE on SQLite and
PostgreSQL, TRUNCATE on PostgreSQL; `verify` names missing triggers, `audit_protect`
puts them back, and the migrations' reverse refuses to drop them from a trail."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from progov.audit import protection
from progov.audit.models import AuditEntry
from progov.audit.services import record_create
from progov.audit.verification import verify_trail
from progov.core.testing.audit import protection_lifted

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="TRUNCATE exists on PostgreSQL only"
)


def _write_entries(n: int = 2) -> list[AuditEntry]:
    obj = ContentType.objects.get_for_model(AuditEntry)
    with transaction.atomic():
        return [record_create(actor=None, obj=obj, fields={"n": i}) for i in range(n)]


def _refused(sql: str, params: list | None = None) -> str:
    with (
        pytest.raises(DatabaseError) as caught,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params or [])
    return str(caught.value)


@pytest.mark.django_db
def test_the_migrated_database_has_every_trigger_in_place():
    assert protection.problems(connection) == []
    assert protection.installed_names(connection) == set(
        protection.PG_TRIGGERS if connection.vendor == "postgresql" else protection.SQLITE_TRIGGERS
    )


@pytest.mark.django_db
def test_update_is_refused():
    entry = _write_entries()[0]
    message = _refused("UPDATE audit_auditentry SET object_repr = 'x' WHERE id = %s", [entry.pk])
    assert "append-only (UPDATE refused)" in message
    entry.refresh_from_db()
    assert entry.object_repr != "x"


@pytest.mark.django_db
def test_delete_is_refused_one_row_or_all():
    entry = _write_entries()[-1]
    assert "append-only (DELETE refused)" in _refused(
        "DELETE FROM audit_auditentry WHERE id = %s", [entry.pk]
    )
    # Without WHERE, SQLite would use its truncate optimisation were there no trigger.
    assert "append-only (DELETE refused)" in _refused("DELETE FROM audit_auditentry")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.count() == 2


@pytest.mark.django_db
@postgresql_only
def test_truncate_is_refused_on_postgresql():
    _write_entries()
    assert "append-only (TRUNCATE refused)" in _refused("TRUNCATE audit_auditentry")
    assert "append-only (TRUNCATE refused)" in _refused(
        "TRUNCATE audit_auditentry RESTART IDENTITY CASCADE"
    )
    assert AuditEntry.objects.count() == 2


@pytest.mark.django_db
@postgresql_only
def test_replica_mode_does_not_skip_the_triggers_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            pytest.skip("SET session_replication_role needs a superuser")
    entry = _write_entries()[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_verify_names_a_dropped_or_disabled_trigger_and_protect_puts_it_back():
    name = sorted(protection.installed_names(connection))[0]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE audit_auditentry DISABLE TRIGGER {name}")
        else:
            cursor.execute(f"DROP TRIGGER {name}")
    report = verify_trail()
    assert [p.kind for p in report.problems] == ["protection"]
    assert f"the trigger {name} is" in report.problems[0].text
    assert "`progov audit protect`" in report.problems[0].text
    call_command("audit_protect")
    assert verify_trail().intact


@pytest.mark.django_db
@postgresql_only
def test_verify_names_a_trigger_function_replaced_by_one_that_allows():
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {protection.PG_FUNCTION}() RETURNS trigger AS $$ "
            "BEGIN RETURN OLD; END; $$ LANGUAGE plpgsql"
        )
    texts = [p.text for p in verify_trail().problems]
    assert any("no longer calls the refusing function" in text for text in texts)


@pytest.mark.django_db
def test_protection_lifted_lets_a_test_play_the_attacker_then_restores_it():
    entry = _write_entries()[0]
    with protection_lifted():
        assert protection.installed_names(connection) == set()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert protection.problems(connection) == []


@pytest.mark.django_db(transaction=True)
def test_migrating_back_refuses_while_the_trail_holds_entries():
    _write_entries()
    with pytest.raises(CommandError, match="Refusing to drop the audit table's"):
        call_command("migrate", "audit", "0003", verbosity=0)
    assert protection.problems(connection) == []
    with pytest.raises(CommandError, match="If you mean it, drop them by hand"):
        call_command("migrate", "audit", "0001", verbosity=0)
    assert AuditEntry.objects.count() == 2
    assert protection.problems(connection) == []
