"""How an API caller authenticates: a bearer token or the browser session.

Mounted on the API in `progov/api.py`: `auth=[BearerToken(), SessionOrAnonymous()]`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer

from progov.accounts.services import user_for_token
from progov.core.auth import is_signed_in

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _no_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


class BearerToken(HttpBearer):
    """`Authorization: Bearer pgv_…` (create one with `progov token create USERNAME`)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            raise AuthenticationError(401, "The bearer token is unknown or revoked.")
        return user


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
