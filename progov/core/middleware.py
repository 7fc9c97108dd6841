"""Middleware: one correlation id per request, a guard on request bodies, and a strict
same-origin CSP."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from progov.core.auth import is_signed_in
from progov.core.clients import from_trusted_proxy
from progov.core.context import correlation
from progov.core.refusals import refusal

_SAFE_ID = re.compile(r"^[A-Za-z0-9\-_.]{8,64}$")

log = logging.getLogger("progov.request")


class CorrelationIdMiddleware:
    """Gives each request a correlation id: every audit entry of the request carries it.

    A well-formed `X-Request-ID` is adopted only from a trusted proxy
    (`PROGOV_TRUSTED_PROXIES`), which sets it for every request it forwards; from anyone
    else it is the client's own label, so the request gets a fresh id (a client cannot
    file its act under another act's id). The client's label is kept as
    `request.client_request_id`, logged with the id used, and echoed back as
    `X-Client-Request-ID`; `X-Request-ID` in the response is always the id used.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        well_formed = bool(_SAFE_ID.match(incoming))
        adopted = incoming if well_formed and from_trusted_proxy(request) else None
        # Only a well-formed label is kept: it goes into a log line and a response header.
        client_label = incoming if well_formed and adopted is None else ""
        request.client_request_id = client_label  # type: ignore[attr-defined]
        with correlation(adopted) as cid:
            request.correlation_id = cid  # type: ignore[attr-defined]
            if client_label:
                log.info(
                    "request %s %s: correlation id %s (client's X-Request-ID %s not adopted)",
                    request.method,
                    request.path,
                    cid,
                    client_label,
                    extra={"correlation_id": cid, "client_request_id": client_label},
                )
            response = self.get_response(request)
        response["X-Request-ID"] = cid
        if client_label:
            response["X-Client-Request-ID"] = client_label
        return response


BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Multipart boundaries and the form's other fields, on top of the largest file accepted.
FORM_OVERHEAD_BYTES = 1024 * 1024
# What a caller who is not signed in may send at all: a sign-in form is a few hundred bytes.
ANONYMOUS_BODY_BYTES = 64 * 1024


def max_request_bytes() -> int:
    """The largest request body accepted: the largest paper and its form."""
    return int(getattr(settings, "PROGOV_MAX_UPLOAD_BYTES", 25 * 1024 * 1024)) + (
        FORM_OVERHEAD_BYTES
    )


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


class RequestBodyGuardMiddleware:
    """Refuses a request body before a byte of it is read (so before the CSRF check or the
    form parser read it), by its headers alone:

    - a body from a caller who is not signed in, larger than a sign-in form
      (`ANONYMOUS_BODY_BYTES`): 401 from the API, the sign-in page for pages (an API
      call with an `Authorization` header goes on: the API checks the token before it
      reads the body);
    - a `Content-Length` over `PROGOV_MAX_UPLOAD_BYTES` plus the form's overhead: 413;
    - a chunked body without `Content-Length`: 411 (Django reads only `Content-Length`
      bytes under WSGI, so such a body would silently arrive empty).

    Django never reads more than `Content-Length` bytes, so a body can be no larger
    than what was checked here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in BODY_METHODS:
            refusal = self.refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def refusal(self, request: HttpRequest) -> HttpResponse | None:
        meta = request.META
        raw_length = meta.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower()
        try:
            length = int(raw_length) if raw_length else 0
        except ValueError:
            return self.refuse(request, 400, "The Content-Length header is not a number.")
        if chunked and not raw_length:
            return self.refuse(
                request,
                411,
                "Send the request with a Content-Length header (chunked uploads are not accepted).",
            )
        api = request.path.startswith("/api/")
        bearer = api and "HTTP_AUTHORIZATION" in meta
        if length > ANONYMOUS_BODY_BYTES and not bearer and not is_signed_in(request.user):
            if not api:
                return redirect_to_login(request.get_full_path())
            return self.refuse(request, 401, "Sign in (or send a bearer token) to upload.")
        limit = max_request_bytes()
        if length > limit:
            return self.refuse(
                request,
                413,
                f"The request is {_mb(length)}; the largest accepted is {_mb(limit)} "
                f"(a paper of at most {_mb(limit - FORM_OVERHEAD_BYTES)} and its form).",
            )
        return None

    @staticmethod
    def refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
        return refusal(request, status, message)


class ContentSecurityPolicyMiddleware:
    """No request leaves the server's own origin: users run progov air-gapped."""

    policy = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    )
    # Django's admin inlines some scripts and styles.
    admin_policy = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; "
        "frame-ancestors 'none'"
    )
    # The API docs (django-ninja's Swagger UI, from our static files) run only their own
    # script files; Swagger UI sets inline styles.
    docs_policy = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'"
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            if request.path.startswith("/api/v1/docs"):
                response["Content-Security-Policy"] = self.docs_policy
            elif request.path.startswith("/admin/"):
                response["Content-Security-Policy"] = self.admin_policy
            else:
                response["Content-Security-Policy"] = self.policy
        return response
