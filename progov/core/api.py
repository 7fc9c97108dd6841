"""API plumbing shared by every app: error mapping, If-Match and ETags, the acting user.

How a caller authenticates (bearer tokens, the session) is the accounts app's
(`progov.accounts.api_auth`), mounted on the API in `progov/api.py`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import Throttled
from ninja.errors import ValidationError as NinjaValidationError

from progov.core import access
from progov.core.access import is_signed_in
from progov.core.concurrency import parse_if_match
from progov.core.errors import DomainError, PermissionDenied
from progov.core.refusals import error_response

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

R = TypeVar("R")


class ErrorOut(Schema):
    """Every 4xx answer: a message a person can act on, and per-field messages when known."""

    detail: str
    errors: dict[str, list[str]] = {}


WRITE_ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 412, 422, 428), ErrorOut)
"""The 4xx answers of an endpoint that reads or writes a versioned object (If-Match)."""

# The version, or the ETag of a read of it: the version, then the read cache's tag.
_IF_MATCH_SCHEMA = {
    "type": "string",
    "pattern": r'^(W/)?"?[0-9]{1,18}(\.[0-9a-f]{24})?"?$',
    "examples": ['"3"', '"3.9f86d081884c7d659a2feaa0"'],
}

IF_MATCH: dict[str, Any] = {
    "parameters": [
        {
            "in": "header",
            "name": "If-Match",
            "required": True,
            "schema": _IF_MATCH_SCHEMA,
            "description": "The version you read (its ETag): missing → 428, stale → 412.",
        }
    ]
}
"""`openapi_extra` of a write on a versioned object: documents the If-Match it needs."""

IF_MATCH_WHEN_EXISTS: dict[str, Any] = {
    "parameters": [
        {
            "in": "header",
            "name": "If-Match",
            "required": False,
            "schema": _IF_MATCH_SCHEMA,
            "description": "Needed when the object already exists: the version you read "
            "(missing → 428, stale → 412).",
        }
    ]
}
"""`openapi_extra` of a write that creates the object or changes the one there (a PUT)."""


SIGNED_IN_READ: dict[str, Any] = {"x-progov-signed-in": True}
"""`openapi_extra` of a read that needs a signed-in caller (your own feed links)."""


class ProgovAPI(NinjaAPI):
    """The API, with its document saying what the code does about sign-in.

    ninja declares the same security (bearer token or session) on every operation; but
    anonymous callers may read public objects, so every read (GET) also lists the empty
    requirement `{}` (sign-in optional) unless it carries `SIGNED_IN_READ`; so does a POST
    that only answers a question (`OPEN_TO_ALL`: the decision router). Writes keep the
    requirement: anonymous writes answer 401."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        # The document depends only on the routes, fixed once the URLconf is imported;
        # building it takes pydantic ~0.5 s, so each prefix's is built once per process
        # (an anonymous GET of /api/v1/openapi.json would otherwise cost that each time).
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        cache: dict[str, Any] = self.__dict__.setdefault("_progov_documents", {})
        if path_prefix not in cache:
            cache[path_prefix] = self._document(path_prefix)
        return cache[path_prefix]

    def _document(self, path_prefix: str) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                signed_in = operation.pop("x-progov-signed-in", False)
                open_to_all = operation.pop("x-progov-open", False)
                security = operation.get("security")
                reads = (method == "get" and not signed_in) or open_to_all
                if reads and security and {} not in security:
                    operation["security"] = [*security, {}]
                responses = operation.setdefault("responses", {})
                # Any call can meet the bad-token throttle (accounts.throttle), and any
                # body the size guard (core.middleware.RequestBodyGuardMiddleware).
                responses.setdefault(
                    429,
                    {
                        "description": "Too many bad bearer tokens from this client: retry "
                        "after the Retry-After header's seconds",
                        "content": error,
                    },
                )
                if "requestBody" in operation:
                    responses.setdefault(
                        413, {"description": "The body is over the size limit", "content": error}
                    )
        return schema


OPEN_TO_ALL = {"x-progov-open": True}
"""`openapi_extra` of a POST that writes nothing and answers anyone (sign-in optional)."""


def actor(request: HttpRequest) -> Any:
    """The signed-in user of an API request, or an AnonymousUser."""
    return getattr(request, "auth", None) or AnonymousUser()


def if_match(request: HttpRequest) -> int:
    """The version a write was based on; 428 when the header is missing."""
    return parse_if_match(request.headers.get("If-Match"))


def etag_for(version: int) -> str:
    return f'"{version}"'


def writer(request: HttpRequest) -> Any:
    """The caller of a write endpoint, refused (401 anonymous, 403 signed in) unless the
    access model lets them manage something at all (the programme secretariat, or a
    group's chair or secretariat); the service then checks the object and the action."""
    user = actor(request)
    access.require_manager(user=user)
    return user


def participant(request: HttpRequest) -> Any:
    """The caller of a write that any signed-in participant may attempt (an action's owner
    posting an update): refused with 401 when not signed in; the service checks the rest."""
    user = actor(request)
    if not is_signed_in(user):
        raise PermissionDenied("Sign in to make this change.")
    return user


def _version_of(answer: Any) -> int | None:
    version = (
        answer.get("version") if isinstance(answer, dict) else getattr(answer, "version", None)
    )
    return version if isinstance(version, int) else None


def verb_on(
    service: Callable[..., R], name: str, get: Callable[[Any], Any], **arguments: Any
) -> Callable[[Any, int], R]:
    """`write(user, expected)` for `versioned_write`: calls
    `service(actor=user, <name>=get(user), expected_version=expected, **arguments)`, where
    `get` reads the object through a selector (hidden is 404), e.g.
    `verb_on(services.cancel_meeting, "meeting", lambda user: meeting_get(user=user, pk=pk))`."""
    return lambda user, expected: service(
        actor=user, **{name: get(user)}, expected_version=expected, **arguments
    )


def versioned_write(
    request: HttpRequest,
    response: HttpResponse | None,
    write: Callable[[Any, int], R],
    answer: Callable[[R], Any] | None = None,
    caller: Callable[[HttpRequest], Any] | None = None,
) -> Any:
    """The one path of a write endpoint on a versioned object (PATCH, POST verb, DELETE).

    In this order: the caller may write at all (401/403), `If-Match` carries the version
    they read (428 when missing), `write(user, expected_version)` calls the service
    (412 when the version is stale; nothing is written), then `answer(result)` shapes
    the answer (default: the service's result), sent with `ETag: "<version>"` when it
    carries a `version`.

        return versioned_write(
            request,
            response,
            lambda user, expected: services.cancel_meeting(
                actor=user, meeting=_one(request, pk), expected_version=expected
            ),
            lambda meeting: meeting_out(meeting),
        )
    """
    user = (caller or writer)(request)
    expected = if_match(request)
    result = write(user, expected)
    out = answer(result) if answer is not None else result
    version = _version_of(out)
    if response is not None and version is not None:
        response["ETag"] = etag_for(version)
    return out


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any address under /api/v1/ that no operation answers, such as `/meetings/abc` (ids
    are whole numbers): a JSON 404 like every other API error, not the site's HTML page."""
    return error_response(
        404,
        f"No API operation answers {request.method} {request.path}: check the address "
        "against /api/v1/docs (ids are positive whole numbers).",
    )


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

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        response = api.create_response(request, {"detail": exc.message, "errors": {}}, status=429)
        if exc.wait is not None:
            response["Retry-After"] = str(max(1, math.ceil(exc.wait)))
        return response

    @api.exception_handler(NinjaValidationError)
    def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for item in exc.errors:
            loc = [
                str(p) for p in item.get("loc", []) if p not in ("body", "query", "path", "payload")
            ]
            message = str(item.get("msg", "invalid"))
            # Our validators' messages are whole sentences; pydantic prefixes them.
            message = message.removeprefix("Value error, ")
            errors.setdefault(".".join(loc) or "request", []).append(message)
        summary = "; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items())
        return api.create_response(
            request, {"detail": f"Invalid input — {summary}", "errors": errors}, status=422
        )
