"""The append-only audit trail, chained by HMAC seals (docs/audit.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"


class AuditEntry(models.Model):
    """One change to one object, written by the service that made it.

    Example: the PMO renames DAG's purpose → an entry with action `update`, object
    `governance.governancegroup` #3, changes `{"purpose": ["Oversee…", "Oversee and approve…"]}`,
    actor `pmo`, and the correlation id of that HTTP request.

    Entries are never updated or deleted: no code path does, and triggers refuse it on
    SQLite and PostgreSQL (progov/audit/protection.py). Each is sealed under the audit
    key (HMAC-SHA256 over its fields, its `position` and the previous entry's seal), so
    altering or removing a row inside the chain breaks it, and checkpoints outside the
    database record its length; `progov audit verify` checks both.

    On SQLite, a migration that alters this table rebuilds it and so drops its triggers:
    it must re-install them (`protection.install`).
    """

    timestamp = models.DateTimeField(db_index=True)
    # No FK constraint and DO_NOTHING: deleting a login must never rewrite history.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150)
    correlation_id = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300, blank=True)
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    changes = models.JSONField(default=dict)
    # 1 for the first entry, then 2, 3…: the chain's length is the head's position.
    position = models.PositiveBigIntegerField(unique=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id", "id"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id} by {self.actor_label}"
