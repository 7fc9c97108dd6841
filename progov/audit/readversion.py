"""The audit chain's head as the read version's main part (core/readcache.py).

Every service writes its audit entry in the same transaction as its change, and entries
are appended under one lock (`services._lock_chain_head`), so ids grow in commit order: a
reader who sees head N sees every change up to entry N and none after it. A write that
returns has committed an entry above every head read before it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import connection

from progov.audit.models import AuditEntry
from progov.core.context import act_cache

T = TypeVar("T")

_HEAD_SQL = f"SELECT id, entry_hash FROM {AuditEntry._meta.db_table} ORDER BY id DESC LIMIT 1"  # noqa: S608 - a table name, not input


def head() -> str:
    """The newest audit entry, as `id-hash` (`0-` for an empty trail); read once per act.

    The hash seals the whole chain before it, so the same id on another trail (a data
    dir made again, a test rolled back) is another version."""
    memo = act_cache("audit_head")
    if memo is not None and "head" in memo:
        return str(memo["head"])
    # Raw SQL: this runs on every read, and the ORM's query building cost ~10× the query.
    with connection.cursor() as cursor:
        cursor.execute(_HEAD_SQL)
        row = cursor.fetchone()
    value = f"{row[0]}-{row[1][:16]}" if row else "0-"
    if memo is not None:
        memo["head"] = value
    return value


class ByHead(Generic[T]):
    """A value derived from the data, recomputed only when the audit head moves.

    Example: the programmes' time zones, which change only through an audited write."""

    def __init__(self, compute: Callable[[], T]):
        self._compute = compute
        self._head: str | None = None
        self._value: T | None = None

    def get(self) -> T:
        current = head()
        if self._head != current or self._value is None:
            self._value = self._compute()
            self._head = current
        return self._value

    def forget(self) -> None:
        self._head = None
