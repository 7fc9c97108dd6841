"""Assertions on the audit trail: one entry per write, and nothing written on a refusal.

head = audit_head()
client.post(...)                                   # a refused write
assert_nothing_written(since=head)

entry = assert_audited(meeting, "update", fields={"start", "end"}, since=head)

tamper("DELETE FROM audit_auditentry WHERE id > %s", [head])   # play the attacker

The audit table's triggers refuse UPDATE, DELETE and TRUNCATE (progov/audit/protection.py).
Tests that play an attacker who got past them use `tamper` / `protection_lifted`; and the
test database's flush (TransactionTestCase, `transactional_db`, `live_server`: every table
emptied after the test) runs with them lifted, through `lift_protection_around_flush`,
which progov/conftest.py applies for the test session only. Production's `flush` stays
refused by the triggers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connections
from django.db.models import Model

from progov.audit import protection
from progov.audit.models import AuditEntry
from progov.audit.services import object_type_of


def audit_head() -> int:
    """The id of the newest audit entry (0 when there is none)."""
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def entries_since(head: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(id__gt=head).order_by("id"))


def _describe(entries: Iterable[AuditEntry]) -> str:
    return "; ".join(
        f"{e.action} {e.object_type}#{e.object_id} {sorted(e.changes)}" for e in entries
    )


def assert_nothing_written(*, since: int) -> None:
    new = entries_since(since)
    assert not new, f"expected no audit entry, got: {_describe(new)}"


@contextmanager
def nothing_written() -> Iterator[None]:
    """The block writes no audit entry (a refused or a stale write changes nothing)."""
    head = audit_head()
    yield
    assert_nothing_written(since=head)


def assert_audited(
    obj: Model | tuple[str, Any],
    action: str,
    *,
    since: int,
    fields: Iterable[str] | None = None,
    actor: Any = None,
) -> AuditEntry:
    """Exactly one audit entry for `obj` (a model instance, or `("meetings.paper", pk)`)
    was written after `since`, with `action` (create, update, delete); when `fields` is
    given, its changes name exactly those fields; when `actor` is given, it is theirs."""
    if isinstance(obj, tuple):
        object_type, object_id = obj
    else:
        object_type, object_id = object_type_of(obj), obj.pk
    new = entries_since(since)
    mine = [e for e in new if e.object_type == object_type and e.object_id == str(object_id)]
    assert len(mine) == 1, (
        f"expected one audit entry for {object_type}#{object_id}, got {len(mine)}: "
        f"{_describe(new) or 'none'}"
    )
    entry = mine[0]
    assert entry.action == action, f"audit action {entry.action!r}, expected {action!r}"
    if fields is not None:
        assert set(entry.changes) == set(fields), (
            f"audited fields {sorted(entry.changes)}, expected {sorted(fields)}"
        )
    if actor is not None:
        assert entry.actor_id == actor.pk, f"audited actor {entry.actor_label!r}"
    return entry


@contextmanager
def protection_lifted(using: str = "default") -> Iterator[None]:
    """Test-only: the audit table's triggers dropped for the block, then installed again
    (inside a test's transaction both are rolled back with it anyway)."""
    connection = connections[using]
    protection.remove(connection, keep_function=True)
    try:
        yield
    finally:
        protection.install(connection)


def tamper(sql: str, params: Sequence[Any] = ()) -> None:
    """Run `sql` on the audit table past its triggers, as an attacker who dropped them."""
    with protection_lifted(), connections["default"].cursor() as cursor:
        cursor.execute(sql, params)


def lift_protection_around_flush(handle: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap the `flush` command's handle so the test database can be emptied (test-only)."""

    def flush(self: Any, **options: Any) -> Any:
        with protection_lifted(options.get("database") or "default"):
            return handle(self, **options)

    return flush
