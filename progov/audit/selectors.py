"""Reads of the audit trail, restricted to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet

from progov.audit.models import AuditEntry
from progov.audit.services import object_type_of

# Login records are visible to administrators only; everything else in the
# governance record is transparent by principle (domain.md §8).
_PRIVATE_TYPES = ("accounts.",)


def _is_admin(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and (user.is_superuser or getattr(user, "role", "") == "administrator")
    )


def audit_entry_list(
    *,
    user: Any,
    object_type: str | None = None,
    object_id: str | None = None,
    correlation_id: str | None = None,
) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.all().order_by("-id")
    if not _is_admin(user):
        for prefix in _PRIVATE_TYPES:
            qs = qs.exclude(object_type__startswith=prefix)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=str(object_id))
    if correlation_id:
        qs = qs.filter(correlation_id=correlation_id)
    return qs


def history_for(*, user: Any, obj: Model, limit: int = 200) -> list[AuditEntry]:
    """The History tab of an object page, newest first."""
    return list(
        audit_entry_list(user=user, object_type=object_type_of(obj), object_id=str(obj.pk))[:limit]
    )
