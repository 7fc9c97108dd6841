"""Template context about the signed-in user, shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from progov.core import access


def permissions(request: HttpRequest) -> dict[str, Any]:
    """`can_write`: whether the user manages anything at all (the programme secretariat,
    or a group's chair or secretariat). Pages that show one object pass their own
    `can_write` from the access model for that object; the services decide for real."""
    user = getattr(request, "user", None)
    return {"can_write": user is not None and access.manages_anything(user=user)}
