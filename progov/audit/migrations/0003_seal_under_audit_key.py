"""Seal the audit chain under the audit key (HMAC-SHA256) and number its entries.

An existing chain is verified first with the plain SHA-256 it was made with (a frozen copy
of the old `entry_digest` is below): if it is broken the migration refuses, naming the
entry, and changes nothing. Otherwise every entry gets its position (1, 2, 3…) and is
re-sealed under the key, in order, and the first checkpoint line is written when the
migration commits (docs/audit.md). The old digests are not kept: nothing verifies them.

Its reverse works on an empty table and refuses while the table holds entries: going back
would leave a keyed chain that the older code cannot verify.
"""

import hashlib
import json
import sys
from datetime import UTC

from django.core.management.base import CommandError
from django.db import migrations, models, transaction

GENESIS_HASH = "0" * 64
ROW_TRIGGER = "audit_auditentry_append_only"
BATCH = 1000


def _plain_digest(entry):
    """The chain's hash before this migration: SHA-256 of the canonical JSON. Frozen."""
    payload = {
        "prev": entry.prev_hash,
        "ts": entry.timestamp.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor": entry.actor_label,
        "cid": entry.correlation_id,
        "type": entry.object_type,
        "id": entry.object_id,
        "repr": entry.object_repr,
        "action": entry.action,
        "changes": entry.changes,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _row_trigger_present(connection):
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_trigger WHERE tgrelid = 'audit_auditentry'::regclass "
            "AND tgname = %s",
            [ROW_TRIGGER],
        )
        return cursor.fetchone() is not None


def _refuse(entry, n, reason):
    raise CommandError(
        f"The audit trail cannot be sealed under the audit key: its SHA-256 chain is "
        f"already broken at entry #{entry.pk} (entry {n} of the chain): {reason}. Nothing "
        "was changed. Find out what happened to it first (restore the database from a "
        "backup taken before the break if you can); this migration seals only a chain "
        "that verifies."
    )


def seal_existing_chain(apps, schema_editor):
    from progov.audit import checkpoints
    from progov.audit.hashing import seal
    from progov.audit.keys import audit_key

    AuditEntry = apps.get_model("audit", "AuditEntry")
    connection = schema_editor.connection
    entries = AuditEntry.objects.using(connection.alias)
    if not entries.exists():
        return
    key = audit_key()
    lifted = _row_trigger_present(connection)
    if lifted:  # the append-only trigger refuses UPDATE; this transaction needs it once
        schema_editor.execute(f"ALTER TABLE audit_auditentry DISABLE TRIGGER {ROW_TRIGGER}")
    old_prev = new_prev = GENESIS_HASH
    n, last = 0, None
    while True:
        batch = list(entries.filter(id__gt=last.pk if last else 0).order_by("id")[:BATCH])
        if not batch:
            break
        for entry in batch:
            n += 1
            if entry.prev_hash != old_prev:
                _refuse(entry, n, "its link to the previous entry is wrong")
            if _plain_digest(entry) != entry.entry_hash:
                _refuse(entry, n, "its content was altered after it was written")
            old_prev = entry.entry_hash
            entry.position = n
            entry.prev_hash = new_prev
            entry.entry_hash = seal(
                key.entry,
                position=n,
                prev_hash=new_prev,
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
            new_prev = entry.entry_hash
        entries.bulk_update(batch, ["position", "prev_hash", "entry_hash"])
        last = batch[-1]
    if lifted:
        schema_editor.execute(f"ALTER TABLE audit_auditentry ENABLE TRIGGER {ROW_TRIGGER}")
    head = checkpoints.Checkpoint(
        count=n, head_id=last.pk, head_hash=new_prev, at=checkpoints.utc_now()
    )

    def first_checkpoint():
        try:
            checkpoints.append(head, create=True)
        except OSError as exc:
            print(
                f"The audit trail was sealed, but its first checkpoint could not be written "
                f"({exc}). Fix that, then run `progov audit checkpoint --append`.",
                file=sys.stderr,
            )

    transaction.on_commit(first_checkpoint, using=connection.alias)


def refuse_to_unseal(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    count = AuditEntry.objects.using(schema_editor.connection.alias).count()
    if count:
        raise CommandError(
            f"Refusing to undo the audit key's seal: the audit table holds {count:,} "
            "entries, and the code before this migration verifies only plain SHA-256 "
            "chains. Restore the database backup taken before the upgrade instead, or keep "
            "this migration. Nothing was changed."
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]
    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="position",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.RunPython(seal_existing_chain, refuse_to_unseal),
        migrations.AlterField(
            model_name="auditentry",
            name="position",
            field=models.PositiveBigIntegerField(unique=True),
        ),
    ]
