"""The hash that chains audit entries. Changing this breaks every existing chain."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


def entry_digest(
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
) -> str:
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
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
