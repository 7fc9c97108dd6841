"""Writing audit entries. Every domain service calls one of these inside its transaction."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from progov.audit.hashing import GENESIS_HASH, entry_digest
from progov.audit.models import AuditAction, AuditEntry
from progov.core.context import get_correlation_id, get_system_actor

# An arbitrary constant naming the "audit chain head" advisory lock on PostgreSQL.
_PG_CHAIN_LOCK = 7_310_042


def object_type_of(obj: models.Model) -> str:
    """`app_label.modelname`, e.g. `governance.governancegroup`."""
    return obj._meta.label_lower


def _normalise(value: Any) -> Any:
    """Make values JSON-native (dates → ISO text, Decimals → text) so the hash is stable."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _lock_chain_head() -> None:
    # SQLite runs with IMMEDIATE transactions, so a writer already holds the only
    # write lock. PostgreSQL needs an explicit lock so two transactions never
    # chain onto the same previous entry.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_CHAIN_LOCK])


def _actor_fields(actor: Any) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, get_system_actor()
    return actor.pk, actor.get_username()


def record(*, actor: Any, obj: models.Model, action: str, changes: dict[str, Any]) -> AuditEntry:
    """Append one entry to the chain. Must run inside the caller's atomic block."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit entries are written inside the service's transaction")
    _lock_chain_head()
    previous = AuditEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first()
    prev_hash = previous or GENESIS_HASH
    actor_id, actor_label = _actor_fields(actor)
    now = timezone.now()
    normalised = _normalise(changes)
    fields = {
        "timestamp": now,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "correlation_id": get_correlation_id(),
        "object_type": object_type_of(obj),
        "object_id": str(obj.pk),
        "object_repr": str(obj)[:300],
        "action": action,
        "changes": normalised,
    }
    digest = entry_digest(prev_hash=prev_hash, **fields)
    return AuditEntry.objects.create(prev_hash=prev_hash, entry_hash=digest, **fields)


def record_many(
    *, actor: Any, items: list[tuple[models.Model, str, dict[str, Any]]]
) -> list[AuditEntry]:
    """Append one entry per (object, action, changes), chained, in one INSERT.

    For acts that touch many objects at once (generating ten years of meetings): the
    same entries `record` would write, without a read of the chain head per entry.
    """
    if not items:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("audit entries are written inside the service's transaction")
    _lock_chain_head()
    prev_hash = (
        AuditEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first()
        or GENESIS_HASH
    )
    actor_id, actor_label = _actor_fields(actor)
    now = timezone.now()
    cid = get_correlation_id()
    entries = []
    for obj, action, changes in items:
        fields = {
            "timestamp": now,
            "actor_id": actor_id,
            "actor_label": actor_label,
            "correlation_id": cid,
            "object_type": object_type_of(obj),
            "object_id": str(obj.pk),
            "object_repr": str(obj)[:300],
            "action": action,
            "changes": _normalise(changes),
        }
        digest = entry_digest(prev_hash=prev_hash, **fields)
        entries.append(AuditEntry(prev_hash=prev_hash, entry_hash=digest, **fields))
        prev_hash = digest
    # Ids must follow chain order; bulk_create inserts in list order on both backends.
    return AuditEntry.objects.bulk_create(entries, batch_size=500)


def record_create(*, actor: Any, obj: models.Model, fields: dict[str, Any]) -> AuditEntry:
    changes = {name: [None, value] for name, value in fields.items()}
    return record(actor=actor, obj=obj, action=AuditAction.CREATE, changes=changes)


def record_update(*, actor: Any, obj: models.Model, changes: dict[str, Any]) -> AuditEntry:
    return record(actor=actor, obj=obj, action=AuditAction.UPDATE, changes=changes)


def record_delete(*, actor: Any, obj: models.Model, fields: dict[str, Any]) -> AuditEntry:
    changes = {name: [value, None] for name, value in fields.items()}
    return record(actor=actor, obj=obj, action=AuditAction.DELETE, changes=changes)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose normalised values differ, as `{field: [before, after]}`."""
    b, a = _normalise(before), _normalise(after)
    return {k: [b.get(k), a.get(k)] for k in sorted(set(b) | set(a)) if b.get(k) != a.get(k)}


class ChainBroken(Exception):
    def __init__(self, entry_id: int, reason: str):
        super().__init__(f"audit entry #{entry_id}: {reason}")
        self.entry_id = entry_id
        self.reason = reason


def verify_chain() -> int:
    """Walk the whole chain; return how many entries it holds or raise ChainBroken.

    It names the first entry whose stored content no longer matches its hash, or
    whose link to the previous entry is wrong (a row deleted or inserted by hand).
    """
    prev_hash = GENESIS_HASH
    count = 0
    with transaction.atomic():
        for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
            if entry.prev_hash != prev_hash:
                raise ChainBroken(
                    entry.pk,
                    "its link to the previous entry is wrong (an entry was removed, "
                    "inserted or altered before it)",
                )
            expected = entry_digest(
                prev_hash=entry.prev_hash,
                timestamp=entry.timestamp,
                actor_id=entry.actor_id,
                actor_label=entry.actor_label,
                correlation_id=entry.correlation_id,
                object_type=entry.object_type,
                object_id=entry.object_id,
                object_repr=entry.object_repr,
                action=entry.action,
                changes=entry.changes,
            )
            if expected != entry.entry_hash:
                raise ChainBroken(entry.pk, "its content was altered after it was written")
            prev_hash = entry.entry_hash
            count += 1
    return count
