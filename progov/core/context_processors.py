"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from progov.accounts.permissions import can_write


def progov(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "can_write": bool(user is not None and can_write(user)),
        "search_query": request.GET.get("q", "") if request.method == "GET" else "",
    }
