"""Template context about the signed-in user, shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from progov.accounts import selectors
from progov.core import access
from progov.core.auth import is_signed_in


def permissions(request: HttpRequest) -> dict[str, Any]:
    """`can_write`: whether the user manages anything at all (the programme secretariat,
    or a group's chair or secretariat). Pages that show one object pass their own
    `can_write` from the access model for that object; the services decide for real.
    `may_unlock_logins`: whether the menu offers the sign-in lockouts (administrators)."""
    user = getattr(request, "user", None)
    return {
        "can_write": user is not None and access.manages_anything(user=user),
        # Lazily: only pages that show the menu to a signed-in user ask.
        "may_unlock_logins": lambda: is_signed_in(user) and selectors.may_unlock(user=user),
    }
