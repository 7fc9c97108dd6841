"""Who is acting, in the plainest sense: a signed-in Django user or not.

What a login may do is the access model's (`progov.core.access`); this
check sits in core because the API plumbing (`core/api.py`) needs it too.
"""

from __future__ import annotations

from typing import Any


def is_signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))
