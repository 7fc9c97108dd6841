"""Writing audit entries. Every domain service calls one of these inside its transaction.

Each entry is sealed under the audit key (hashing.seal, keys.audit_key) and, once the
act's transaction commits, one checkpoint line records the chain's new length and head
(checkpoints.after_commit). Verifying is progov/audit/verification.py (`verify_chain`,
`ChainBroken` are re-exported here for the callers that had them from here).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone

from progov.audit import checkpoints
from progov.audit.hashing import GENESIS_HASH, seal
from progov.audit.keys import audit_key
from progov.audit.models import AuditAction, AuditEntry
from progov.audit.verification import ChainBroken, verify_chain
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


def _chain_head() -> tuple[str, int]:
    """The last entry's seal and position (the genesis hash and 0 for an empty chain)."""
    head = AuditEntry.objects.order_by("-id").values_list("entry_hash", "position").first()
    return head or (GENESIS_HASH, 0)


def _actor_fields(actor: Any) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, get_system_actor()
    return actor.pk, actor.get_username()


def record(*, actor: Any, obj: models.Model, action: str, changes: dict[str, Any]) -> AuditEntry:
    """Append one entry to the chain. Must run inside the caller's atomic block."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit entries are written inside the service's transaction")
    _lock_chain_head()
    prev_hash, position = _chain_head()
    position += 1
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
    digest = seal(audit_key().entry, position=position, prev_hash=prev_hash, **fields)
    entry = AuditEntry.objects.create(
        position=position, prev_hash=prev_hash, entry_hash=digest, **fields
    )
    checkpoints.after_commit(starts_chain=position == 1)
    return entry


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
    prev_hash, position = _chain_head()
    first = position + 1
    key = audit_key().entry
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
        position += 1
        digest = seal(key, position=position, prev_hash=prev_hash, **fields)
        entries.append(
            AuditEntry(position=position, prev_hash=prev_hash, entry_hash=digest, **fields)
        )
        prev_hash = digest
    # Ids must follow chain order; bulk_create inserts in list order on both backends.
    created = AuditEntry.objects.bulk_create(entries, batch_size=500)
    checkpoints.after_commit(starts_chain=first == 1)
    return created


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


__all__ = [
    "ChainBroken",
    "diff",
    "object_type_of",
    "record",
    "record_create",
    "record_delete",
    "record_many",
    "record_update",
    "verify_chain",
]
