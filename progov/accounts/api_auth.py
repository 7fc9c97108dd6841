"""How an API caller authenticates: a bearer token or the browser session.

Mounted on the API in `progov/api.py`: `auth=[BearerToken(), SessionOrAnonymous()]`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.security import APIKeyCookie, HttpBearer

from progov.accounts.services import user_for_token
from progov.accounts.throttle import bearer_retry_after, note_bad_bearer
from progov.core.auth import is_signed_in
from progov.core.clients import client_ip

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _no_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


class TooManyBadTokens(Throttled):
    def __init__(self, wait: int):
        super().__init__(wait)
        self.message = (
            "Too many unknown or revoked bearer tokens came from your address; "
            f"try again in {wait} seconds."
        )


class BearerToken(HttpBearer):
    """`Authorization: Bearer pgv_…` (create one with `progov token create USERNAME`).

    A client that sent too many unknown or revoked tokens lately gets 429 with
    `Retry-After`, before its token is looked up (`accounts.throttle`)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        client = client_ip(request)
        wait = bearer_retry_after(client)
        if wait is not None:
            raise TooManyBadTokens(wait)
        user = user_for_token(token)
        if user is None:
            note_bad_bearer(client)
            raise AuthenticationError(401, "The bearer token is unknown or revoked.")
        return user


def bearer_reader(request: HttpRequest, token: str) -> Any:
    """The token's user for the read cache (core/readcache.py), or None: unknown and
    revoked tokens, and any token from a throttled client, are left to `BearerToken`,
    which answers 401 or 429 and counts the failure."""
    if bearer_retry_after(client_ip(request)) is not None:
        return None
    return user_for_token(token)


class SessionOrAnonymous(APIKeyCookie):
    """The browser session (CSRF-checked on writes); anonymous callers may read."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        if request.method not in SAFE_METHODS and is_signed_in(request.user):
            reason = CsrfViewMiddleware(_no_view).process_view(request, _no_view, (), {})
            if reason is not None:
                raise HttpError(
                    403, "CSRF check failed: send the X-CSRFToken header with session writes."
                )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if is_signed_in(user):
            return user
        return AnonymousUser()
