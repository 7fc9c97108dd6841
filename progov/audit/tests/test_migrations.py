"""Migration audit 0003 seals an existing plain SHA-256 chain under the key, once it has
verified it, and refuses a chain that is already broken."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from progov.audit import checkpoints
from progov.audit.keys import audit_key
from progov.audit.models import AuditEntry
from progov.audit.verification import verify_trail

BEFORE = ("audit", "0002_append_only_trigger")
pytestmark = pytest.mark.django_db(transaction=True)


def _plain(fields: dict) -> str:
    payload = {
        "prev": fields["prev_hash"],
        "ts": fields["timestamp"].astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": fields["actor_id"],
        "actor": fields["actor_label"],
        "cid": fields["correlation_id"],
        "type": fields["object_type"],
        "id": fields["object_id"],
        "repr": fields["object_repr"],
        "action": fields["action"],
        "changes": fields["changes"],
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _old_chain(n: int) -> None:
    """n entries as the code before 0003 wrote them, in the table as it was then."""
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    OldEntry = executor.loader.project_state([BEFORE]).apps.get_model("audit", "AuditEntry")
    prev = "0" * 64
    start = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    for i in range(n):
        fields = {
            "timestamp": start + timedelta(minutes=i),
            "actor_id": None,
            "actor_label": "cli:pmo",
            "correlation_id": f"cid-{i}",
            "object_type": "governance.governancegroup",
            "object_id": str(i + 1),
            "object_repr": f"Group {i}",
            "action": "create",
            "changes": {"name": [None, f"Group {i}"]},
            "prev_hash": prev,
        }
        prev = _plain(fields)
        OldEntry.objects.create(entry_hash=prev, **fields)


def _forward() -> None:
    call_command("migrate", "audit", verbosity=0)


@pytest.fixture(autouse=True)
def _back_to_the_latest_migration(transactional_db):
    yield
    _forward()  # a test that failed half-way must not leave the next on audit 0002


def test_an_existing_chain_is_verified_then_sealed_and_checkpointed(settings):
    _old_chain(5)
    _forward()
    entries = list(AuditEntry.objects.order_by("id"))
    assert [e.position for e in entries] == [1, 2, 3, 4, 5]
    report = verify_trail()
    assert report.intact, report.lines()
    lines = list(checkpoints.read(Path(settings.PROGOV_AUDIT_CHECKPOINT_PATH), audit_key()))
    assert all(isinstance(cp, checkpoints.Checkpoint) for cp in lines)
    assert [(cp.count, cp.head_id, cp.head_hash) for cp in lines] == [  # type: ignore[union-attr]
        (5, entries[-1].pk, entries[-1].entry_hash)
    ]


def test_a_broken_chain_is_refused_and_left_as_it_was(settings):
    _old_chain(4)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # 0002's trigger refuses UPDATE
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
        cursor.execute("SELECT id, entry_hash FROM audit_auditentry ORDER BY id")
        rows = cursor.fetchall()
        cursor.execute(
            "UPDATE audit_auditentry SET object_repr = 'edited' WHERE id = %s", [rows[2][0]]
        )
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER USER")
    with pytest.raises(CommandError) as caught:
        _forward()
    assert f"already broken at entry #{rows[2][0]} (entry 3 of the chain)" in str(caught.value)
    assert "Nothing was changed" in str(caught.value)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, entry_hash FROM audit_auditentry ORDER BY id")
        assert cursor.fetchall() == rows
    assert not Path(settings.PROGOV_AUDIT_CHECKPOINT_PATH).exists()
    # Put it right (as its owner would after finding out), so the test database migrates on.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM audit_auditentry")
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER USER")
    _forward()
