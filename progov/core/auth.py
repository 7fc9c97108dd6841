"""Who is acting, in the plainest sense: a signed-in Django user or not.

Roles and what they may do are the accounts app's (`progov.accounts.permissions`); this
check sits in core because the API plumbing (`core/api.py`) needs it too.
"""

from __future__ import annotations

from typing import Any


def is_signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))
