"""Middleware: one correlation id per request, and a strict same-origin CSP."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from progov.core.context import correlation

_SAFE_ID = re.compile(r"^[A-Za-z0-9\-_.]{8,64}$")


class CorrelationIdMiddleware:
    """Gives each request a correlation id (or adopts a well-formed X-Request-ID)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        with correlation(incoming if _SAFE_ID.match(incoming) else None) as cid:
            request.correlation_id = cid  # type: ignore[attr-defined]
            response = self.get_response(request)
        response["X-Request-ID"] = cid
        return response


class ContentSecurityPolicyMiddleware:
    """No request leaves the server's own origin: users run progov air-gapped."""

    policy = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    )
    # The interactive API docs page inlines its bootstrap script.
    docs_policy = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; "
        "frame-ancestors 'none'"
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            is_docs = request.path.startswith("/api/v1/docs") or request.path.startswith("/admin/")
            response["Content-Security-Policy"] = self.docs_policy if is_docs else self.policy
        return response
