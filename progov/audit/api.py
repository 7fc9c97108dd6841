"""`GET /api/v1/audit`: the audit trail of an object (or of one act)."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from progov.audit.selectors import audit_entry_list, shown_changes
from progov.core.api import ErrorOut, actor
from progov.core.bounds import Pagination

router = Router(tags=["audit"])


class AuditEntryOut(Schema):
    id: int
    timestamp: datetime
    actor: str
    correlation_id: str
    object_type: str
    object_id: str
    object_repr: str
    action: str
    changes: dict[str, Any]
    entry_hash: str

    @staticmethod
    def resolve_actor(obj: Any) -> str:
        return str(obj.actor_label)

    @staticmethod
    def resolve_changes(obj: Any, context: Any) -> dict[str, Any]:
        # Fields the caller may not see (a person's e-mail, for anonymous callers) are left out.
        return shown_changes(user=actor(context["request"]), entry=obj)


@router.get("", response={200: list[AuditEntryOut], 422: ErrorOut})
@paginate(Pagination)
def list_audit_entries(
    request: HttpRequest,
    object_type: str | None = None,
    object_id: str | None = None,
    correlation_id: str | None = None,
) -> Any:
    """Entries newest first; filter by `object_type` (e.g. `governance.governancegroup`) and `object_id`."""
    return audit_entry_list(
        user=actor(request),
        object_type=object_type,
        object_id=object_id,
        correlation_id=correlation_id,
    )
