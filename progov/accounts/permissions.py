"""The access baseline: who may write, who may see what.

Until the access-control issue refines it per group: anonymous users read public
pages; writes need the secretariat or administrator role.
"""

from __future__ import annotations

from typing import Any

from progov.accounts.models import Role
from progov.core.auth import is_signed_in
from progov.core.errors import PermissionDenied

WRITER_ROLES = {Role.ADMINISTRATOR, Role.SECRETARIAT}


def can_write(user: Any) -> bool:
    if not is_signed_in(user):
        return False
    return bool(user.is_superuser or user.role in WRITER_ROLES)


def require_writer(user: Any) -> None:
    """Raise PermissionDenied unless the actor may change governance data.

    `user=None` is the CLI or a background job acting as the system.
    """
    if user is None:
        return
    if not can_write(user):
        raise PermissionDenied("Only the secretariat or an administrator can make this change.")
