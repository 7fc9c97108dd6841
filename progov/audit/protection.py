"""The audit table's protection at the database: triggers that refuse to rewrite history.

- SQLite: BEFORE UPDATE and BEFORE DELETE triggers abort the statement (SQLite has no
  TRUNCATE; `DELETE FROM` without WHERE fires the DELETE trigger too).
- PostgreSQL: a row trigger refuses UPDATE and DELETE, a statement trigger TRUNCATE. Both
  are ENABLE ALWAYS, so `SET session_replication_role = replica` does not skip them.

Installed by migrations 0002 and 0004 (and again, if they were dropped, by `progov audit
protect`); `progov audit verify` checks they are in place and unaltered. They stop a
mistaken script, the admin and an SQL injection; they do not stop the table's owner or a
superuser, who can drop them (docs/audit.md). A migration that rebuilds the audit table on
SQLite (most AlterField operations do) drops its triggers: such a migration must call
`install` again; progov/audit/tests/test_protection.py fails when they are missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

TABLE = "audit_auditentry"

PG_FUNCTION = "progov_audit_append_only"
PG_FUNCTION_BODY = """
BEGIN
    RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
"""


@dataclass(frozen=True)
class Guard:
    """One trigger: its database, name, the statements it refuses, and (PostgreSQL)
    whether it fires per row or per statement (TRUNCATE has only the latter)."""

    vendor: str
    name: str
    events: tuple[str, ...]
    per_row: bool = True


GUARDS = (
    Guard("sqlite", "audit_auditentry_no_update", ("UPDATE",)),
    Guard("sqlite", "audit_auditentry_no_delete", ("DELETE",)),
    Guard("postgresql", "audit_auditentry_append_only", ("UPDATE", "DELETE")),
    Guard("postgresql", "audit_auditentry_no_truncate", ("TRUNCATE",), per_row=False),
)


def _sqlite_sql(guard: Guard) -> str:
    (event,) = guard.events  # an SQLite trigger fires on one event
    return (
        f"CREATE TRIGGER {guard.name} BEFORE {event} ON {TABLE} "
        f"BEGIN SELECT RAISE(ABORT, 'audit entries are append-only ({event} refused)'); END"
    )


def _pg_when(guard: Guard) -> str:
    each = "ROW" if guard.per_row else "STATEMENT"
    return f"BEFORE {' OR '.join(guard.events)} ON {TABLE} FOR EACH {each}"


# pg_trigger.tgtype bits: 1 row-level, 2 before, 4 insert, 8 delete, 16 update, 32 truncate.
_PG_EVENT_BITS = {"INSERT": 4, "DELETE": 8, "UPDATE": 16, "TRUNCATE": 32}


def _pg_tgtype(guard: Guard) -> int:
    return (1 if guard.per_row else 0) | 2 | sum(_PG_EVENT_BITS[e] for e in guard.events)


SQLITE_TRIGGERS = {g.name: _sqlite_sql(g) for g in GUARDS if g.vendor == "sqlite"}
PG_TRIGGERS = {g.name: _pg_when(g) for g in GUARDS if g.vendor == "postgresql"}
REFUSED = {"postgresql": "UPDATE, DELETE and TRUNCATE", "sqlite": "UPDATE and DELETE"}


def _execute(connection: Any, sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


def install(connection: Any) -> None:
    """Create (or re-create) every trigger of this database's kind. Idempotent."""
    if connection.vendor == "postgresql":
        _execute(
            connection,
            f"CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger AS $$"
            f"{PG_FUNCTION_BODY}$$ LANGUAGE plpgsql",
        )
        for name, when in PG_TRIGGERS.items():
            _execute(connection, f"DROP TRIGGER IF EXISTS {name} ON {TABLE}")
            _execute(connection, f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION {PG_FUNCTION}()")
            _execute(connection, f"ALTER TABLE {TABLE} ENABLE ALWAYS TRIGGER {name}")
    elif connection.vendor == "sqlite":
        for name, sql in SQLITE_TRIGGERS.items():
            _execute(connection, f"DROP TRIGGER IF EXISTS {name}")
            _execute(connection, sql)


def remove(connection: Any, *, keep_function: bool = False) -> None:
    """Drop every trigger (and, on PostgreSQL, their function unless `keep_function`)."""
    if connection.vendor == "postgresql":
        for name in PG_TRIGGERS:
            _execute(connection, f"DROP TRIGGER IF EXISTS {name} ON {TABLE}")
        if not keep_function:
            _execute(connection, f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
    elif connection.vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            _execute(connection, f"DROP TRIGGER IF EXISTS {name}")


def _squash(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip().lower()


def problems(connection: Any) -> list[str]:
    """What is missing or altered in the protection (empty: all in place)."""
    if connection.vendor == "postgresql":
        return _pg_problems(connection)
    if connection.vendor == "sqlite":
        return _sqlite_problems(connection)
    return [f"progov has no protection for the audit table on {connection.vendor}"]


def installed_names(connection: Any) -> set[str]:
    """The names of the protection triggers present on the audit table."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [TABLE],
            )
            names = {row[0] for row in cursor.fetchall()}
        return names & set(PG_TRIGGERS)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [TABLE],
            )
            names = {row[0] for row in cursor.fetchall()}
        return names & set(SQLITE_TRIGGERS)
    return set()


def _sqlite_problems(connection: Any) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            [TABLE],
        )
        found = dict(cursor.fetchall())
    out = []
    for name, sql in SQLITE_TRIGGERS.items():
        if name not in found:
            out.append(f"the trigger {name} is missing (dropped, or the table was rebuilt)")
        elif _squash(found[name]) != _squash(sql):
            out.append(f"the trigger {name} was altered: {found[name]!r}")
    return out


def _pg_problems(connection: Any) -> list[str]:
    expected_types = {g.name: _pg_tgtype(g) for g in GUARDS if g.vendor == "postgresql"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname, t.tgenabled, t.tgtype, p.proname, p.prosrc FROM pg_trigger t "
            "JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE t.tgrelid = %s::regclass AND NOT t.tgisinternal",
            [TABLE],
        )
        found = {row[0]: row[1:] for row in cursor.fetchall()}
    out = []
    for name, kind in expected_types.items():
        if name not in found:
            out.append(f"the trigger {name} is missing (dropped by hand?)")
            continue
        enabled, tgtype, proname, prosrc = found[name]
        if enabled not in ("O", "A"):
            out.append(f"the trigger {name} is disabled (ALTER TABLE … DISABLE TRIGGER)")
        if tgtype != kind:
            out.append(f"the trigger {name} was re-created for other events (tgtype {tgtype})")
        if proname != PG_FUNCTION or _squash(prosrc) != _squash(PG_FUNCTION_BODY):
            out.append(f"the trigger {name} no longer calls the refusing function {PG_FUNCTION}")
    return out


def refuse_to_remove(schema_editor: Any, *, triggers: set[str], what: str) -> None:
    """In a migration's reverse: refuse while entries exist and any of `triggers` (the
    ones this reverse would drop) is installed.

    Dropping the protection of a trail that holds entries is allowed only deliberately:
    drop the triggers by hand first (docs/audit.md, "Removing the protection"); then the
    migration finds nothing left to remove and goes on.
    """
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")  # noqa: S608 - a constant name
        (count,) = cursor.fetchone()
    if count and installed_names(connection) & triggers:
        from django.core.management.base import CommandError

        raise CommandError(
            f"Refusing to {what}: the audit table holds {count:,} entries and this would "
            "drop the triggers that keep it append-only. If you mean it, drop them by hand "
            "as the table's owner (docs/audit.md, 'Removing the protection'), then run this "
            "migration again. Nothing was changed."
        )
