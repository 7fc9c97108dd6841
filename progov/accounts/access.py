"""Who may do what to which object.

Shim until the access model lands: `require` delegates to today's write baseline
(`progov.accounts.permissions.require_writer`), whatever the action and object.
"""

from __future__ import annotations

from typing import Any


def require(*, user: Any, action: str, obj: Any) -> None:
    """Raise unless `user` may do `action` ("change", "move", "publish", …) to `obj`.

    NotFound when the user may not see `obj`, PermissionDenied when they may see it but
    not do this; `user=None` is the system (pack loader, CLI) and is always allowed.
    Shim until the access model lands.
    """
    from progov.accounts.permissions import require_writer

    require_writer(user)
