"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def progov(request: HttpRequest) -> dict[str, Any]:
    return {
        "search_query": request.GET.get("q", "") if request.method == "GET" else "",
    }
