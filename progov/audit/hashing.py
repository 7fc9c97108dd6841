"""The seal that chains audit entries: HMAC-SHA256 under the audit key (progov/audit/keys.py).

Each entry's `entry_hash` is the HMAC of the canonical JSON of its fields, its position in
the chain (1, 2, 3…) and the previous entry's hash. Without the key nobody can compute a
seal, so an entry edited in the database, and the chain recomputed after it, no longer
verifies. Changing this function breaks every existing chain (docs/audit.md).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical(
    *,
    prev_hash: str,
    timestamp: datetime,
    actor_id: int | None,
    actor_label: str,
    correlation_id: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    action: str,
    changes: Any,
    position: int | None = None,
) -> bytes:
    """The entry as the bytes that are sealed (`position` None: the plain chain of old)."""
    payload = {
        "prev": prev_hash,
        "ts": timestamp.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor": actor_label,
        "cid": correlation_id,
        "type": object_type,
        "id": object_id,
        "repr": object_repr,
        "action": action,
        "changes": changes,
    }
    if position is not None:
        payload["pos"] = position
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def seal(key: bytes, *, position: int, **fields: Any) -> str:
    """HMAC-SHA256 (hex) of the entry at `position` under the entry key."""
    return hmac.new(key, canonical(position=position, **fields), hashlib.sha256).hexdigest()
