"""API plumbing shared by every app: error mapping, If-Match and ETags, the acting user.

How a caller authenticates (bearer tokens, the session) is the accounts app's
(`progov.accounts.api_auth`), mounted on the API in `progov/api.py`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError as NinjaValidationError

from progov.core.auth import is_signed_in
from progov.core.concurrency import parse_if_match
from progov.core.errors import DomainError, PermissionDenied


class ErrorOut(Schema):
    """Every 4xx answer: a message a person can act on, and per-field messages when known."""

    detail: str
    errors: dict[str, list[str]] = {}


WRITE_ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 412, 422, 428), ErrorOut)
"""The 4xx answers of an endpoint that reads or writes a versioned object (If-Match)."""


def actor(request: HttpRequest) -> Any:
    """The signed-in user of an API request, or an AnonymousUser."""
    return getattr(request, "auth", None) or AnonymousUser()


def if_match(request: HttpRequest) -> int:
    """The version a write was based on; 428 when the header is missing."""
    return parse_if_match(request.headers.get("If-Match"))


def etag_for(version: int) -> str:
    return f'"{version}"'


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        status = exc.status_code
        if isinstance(exc, PermissionDenied) and not is_signed_in(actor(request)):
            status = 401
            return api.create_response(
                request,
                {"detail": "Sign in (session or bearer token) to make changes.", "errors": {}},
                status=status,
            )
        return api.create_response(
            request, {"detail": exc.message, "errors": exc.field_errors}, status=status
        )

    @api.exception_handler(NinjaValidationError)
    def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for item in exc.errors:
            loc = [
                str(p) for p in item.get("loc", []) if p not in ("body", "query", "path", "payload")
            ]
            errors.setdefault(".".join(loc) or "request", []).append(
                str(item.get("msg", "invalid"))
            )
        summary = "; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items())
        return api.create_response(
            request, {"detail": f"Invalid input — {summary}", "errors": errors}, status=422
        )
