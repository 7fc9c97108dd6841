"""Reads of the audit trail, restricted to what the user may see.

An entry is shown only when its object is one the reader may see, by the access model
(`core.access`): the audit trail never tells a reader about a hidden group, its meetings,
an unpublished paper or a draft headline report, which all answer 404 on their own pages.
Entries of objects that no longer exist are for the programme secretariat and
administrators; login records for administrators only. Within a shown entry, fields the
reader may not see (a person's e-mail for anonymous readers) are left out.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Model, Q, QuerySet
from django.db.models.functions import Cast

from progov.audit.models import AuditEntry
from progov.audit.services import object_type_of
from progov.core import access

HIDDEN = "(not shown)"


def _visible_entries(user: Any) -> Q | None:
    """Entries whose object `user` may see (None: all of them)."""
    scope = access.scope_of(user)
    if scope.administrator:
        return None
    shown = Q(pk__in=[])
    for kind in access.kinds().values():
        label = kind.model._meta.label_lower
        visible = access.visible_q(kind.model, user=user)
        if visible is None and not scope.staff:
            # Anyone may see the kind: entries of objects still there, so that a deleted
            # object's history stays with those who keep the record.
            visible = Q()
        if visible is None:
            shown |= Q(object_type=label)
            continue
        ids = (
            kind.model._default_manager.filter(visible)
            .annotate(progov_audit_id=Cast("pk", CharField()))
            .values("progov_audit_id")
        )
        shown |= Q(object_type=label, object_id__in=ids)
    return shown


def audit_entry_list(
    *,
    user: Any,
    object_type: str | None = None,
    object_id: str | None = None,
    correlation_id: str | None = None,
) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.all().order_by("-id")
    visible = _visible_entries(user)
    if visible is not None:
        qs = qs.filter(visible)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=str(object_id))
    if correlation_id:
        qs = qs.filter(correlation_id=correlation_id)
    return qs


def shown_changes(*, user: Any, entry: AuditEntry) -> dict[str, Any]:
    """The entry's `{field: [before, after]}` without the fields `user` may not see."""
    kind = access.kind_for_label(entry.object_type)
    if kind is None:
        return dict(entry.changes)
    hidden = access.hidden_fields(user=user, obj_or_kind=kind.name, object_id=entry.object_id)
    if not hidden:
        return dict(entry.changes)
    return {field: value for field, value in entry.changes.items() if field not in hidden}


def history_for(*, user: Any, obj: Model, limit: int = 200) -> list[AuditEntry]:
    """The History tab of an object page, newest first; each entry's `shown_changes` holds
    the fields the user may see."""
    entries = list(
        audit_entry_list(user=user, object_type=object_type_of(obj), object_id=str(obj.pk))[:limit]
    )
    for entry in entries:
        entry.changes = shown_changes(user=user, entry=entry)
    return entries
