"""Template context about the signed-in user, shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from progov.accounts.permissions import can_write


def permissions(request: HttpRequest) -> dict[str, Any]:
    """`can_write`: whether the page may offer edits (the services decide for real)."""
    user = getattr(request, "user", None)
    return {"can_write": bool(user is not None and can_write(user))}
