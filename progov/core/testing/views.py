"""Reusable access checks for pages (NetBox's `utilities/testing/views.py`).

The same checks as `core.testing.api`, for server-rendered pages: the caller signs in
with the session (`client.force_login`), a write is a form POST, and a refused anonymous
write answers 403 like any other refusal (pages do not send 401).

    check_page_read_access(client, f"/meetings/{m.pk}/", allowed=[anon, rep], hidden=[])
    check_page_write_access(client, f"/meetings/{m.pk}/cancel/", {...},
                            permitted=[chair], forbidden=[rep], hidden=[outsider])
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module
from typing import Any
from weakref import WeakKeyDictionary

from django.conf import settings
from django.http import HttpResponse
from django.test import Client

from progov.core.auth import is_signed_in
from progov.core.testing.api import check_read_access, check_write_access

PAGE_OK = (200, 302)


_SESSIONS: WeakKeyDictionary[Client, dict[int, str]] = WeakKeyDictionary()


def sign_in(client: Client, user: Any) -> None:
    """Make `client`'s next request come from `user`'s session: the one this client
    already holds for them if it still exists, else a new one (`force_login`).

    Signing in anew for every call cost the access matrix thousands of logins; a
    session made inside a rolled-back savepoint is gone afterwards, so it is checked
    (call this outside the savepoint to keep one session for the whole test)."""
    sessions = _SESSIONS.setdefault(client, {})
    key = sessions.get(user.pk)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if key is not None and store().exists(key):
        client.cookies[settings.SESSION_COOKIE_NAME] = key
        return
    client.force_login(user)
    sessions[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value


def sign_out(client: Client) -> None:
    """Make `client`'s next request anonymous, keeping the sessions `sign_in` holds."""
    client.cookies.pop(settings.SESSION_COOKIE_NAME, None)


def page_call(
    client: Client,
    method: str,
    url: str,
    data: Any = None,
    *,
    user: Any = None,
    if_match: Any = None,
    **extra: Any,
) -> HttpResponse:
    """One page request as `user` (None or AnonymousUser: signed out). `if_match` is
    ignored: a page form carries its version in a field."""
    if is_signed_in(user):
        sign_in(client, user)
    else:
        sign_out(client)
    do = getattr(client, method.lower())
    return do(url, data or {}, **extra)


def check_page_read_access(
    client: Client,
    url: str,
    *,
    allowed: Iterable[Any] = (),
    hidden: Iterable[Any] = (),
    status: int = 200,
) -> None:
    check_read_access(client, url, allowed=allowed, hidden=hidden, status=status, call=page_call)


def check_page_write_access(
    client: Client,
    url: str,
    data: Any = None,
    *,
    permitted: Iterable[Any] = (),
    forbidden: Iterable[Any] = (),
    hidden: Iterable[Any] = (),
    anonymous: bool = True,
    status: Iterable[int] = PAGE_OK,
) -> None:
    check_write_access(
        client,
        "POST",
        url,
        data,
        permitted=permitted,
        forbidden=forbidden,
        hidden=hidden,
        anonymous=anonymous,
        status=status,
        call=page_call,
        anonymous_status=403,
    )
