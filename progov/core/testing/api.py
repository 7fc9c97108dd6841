"""Reusable access and write checks for API endpoints (NetBox's `utilities/testing/api.py`).

Given an endpoint and its object, they check the anonymous, permitted, forbidden (403)
and hidden (404) callers, 428 and 412 on a versioned write, and the audit entry of the
write that went through:

    check_read_access(client, f"/api/v1/meetings/{m.pk}", allowed=[rep, pmo], hidden=[anon])
    check_write_access(client, "POST", f"/api/v1/meetings/{m.pk}/cancel", {"note": "x"},
                       version=m.version, permitted=[chair], forbidden=[rep],
                       hidden=[dag_chair])
    check_versioned_write(client, "POST", f"/api/v1/meetings/{m.pk}/cancel", {"note": "x"},
                          obj=m, user=chair, fields={"status", "status_note"})

Every caller's attempt runs in a savepoint that is rolled back, so one permitted write
does not change what the next caller finds. API callers authenticate with a bearer token
(`bearer(user)`), as a script would; anonymous callers send nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from weakref import WeakKeyDictionary

from django.db import transaction
from django.db.models import Model
from django.http import HttpResponse
from django.test import Client

from progov.accounts.services import create_api_token
from progov.core.auth import is_signed_in
from progov.core.models import VersionedModel
from progov.core.testing.audit import (
    assert_audited,
    assert_nothing_written,
    audit_head,
    entries_since,
)

OK = (200, 201, 204)

_TOKENS: WeakKeyDictionary[Client, dict[int, str]] = WeakKeyDictionary()


def bearer(user: Any, client: Client | None = None) -> dict[str, str]:
    """The `Authorization` header of `user` (none for an anonymous caller). With `client`,
    the token is issued once per client and user."""
    if not is_signed_in(user):
        return {}
    cache = _TOKENS.setdefault(client, {}) if client is not None else {}
    if user.pk not in cache:
        _, raw = create_api_token(actor=None, username=user.get_username())
        cache[user.pk] = raw
    return {"HTTP_AUTHORIZATION": f"Bearer {cache[user.pk]}"}


def api_call(
    client: Client,
    method: str,
    url: str,
    body: Any = None,
    *,
    user: Any = None,
    if_match: int | str | None = None,
    **extra: Any,
) -> HttpResponse:
    """One API request as `user` (None or AnonymousUser: anonymous), JSON body, optional
    `If-Match: "<version>"`."""
    headers = {**bearer(user, client), **extra}
    if if_match is not None:
        headers["HTTP_IF_MATCH"] = if_match if isinstance(if_match, str) else f'"{if_match}"'
    do = getattr(client, method.lower())
    if method.upper() == "GET":
        return do(url, body or {}, **headers)
    data = json.dumps(body) if body is not None else None
    return do(url, data, content_type="application/json", **headers)


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run the block in a savepoint that is always rolled back."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _who(user: Any) -> str:
    return user.get_username() if is_signed_in(user) else "anonymous"


def check_read_access(
    client: Client,
    url: str,
    *,
    allowed: Iterable[Any] = (),
    hidden: Iterable[Any] = (),
    status: int = 200,
    call: Callable[..., HttpResponse] = api_call,
) -> None:
    """`allowed` callers get `status`; `hidden` callers get 404, as for a missing object."""
    allowed, hidden = list(allowed), list(hidden)
    if call is api_call:
        for user in [*allowed, *hidden]:
            bearer(user, client)
    for user in allowed:
        got = call(client, "GET", url, user=user).status_code
        assert got == status, f"GET {url} as {_who(user)}: {got}, expected {status}"
    for user in hidden:
        got = call(client, "GET", url, user=user).status_code
        assert got == 404, f"GET {url} as {_who(user)}: {got}, expected 404 (hidden)"


def _attempt(
    client: Client,
    method: str,
    url: str,
    body: Any,
    user: Any,
    version: int | None,
    call: Callable[..., HttpResponse],
) -> tuple[int, int]:
    """One rolled-back write: (status, audit entries it wrote)."""
    if call is api_call:
        bearer(user, client)  # issued outside the savepoint, so the token outlives it
    with rolled_back():
        head = audit_head()
        response = call(client, method, url, body, user=user, if_match=version)
        return response.status_code, len(entries_since(head))


def check_write_access(
    client: Client,
    method: str,
    url: str,
    body: Any = None,
    *,
    version: int | None = None,
    permitted: Iterable[Any] = (),
    forbidden: Iterable[Any] = (),
    hidden: Iterable[Any] = (),
    anonymous: bool = True,
    status: Iterable[int] = OK,
    call: Callable[..., HttpResponse] = api_call,
    anonymous_status: int = 401,
) -> None:
    """A write as each caller, each rolled back: `permitted` callers get one of `status`;
    `forbidden` ones 403, `hidden` ones 404, an anonymous caller 401 (`anonymous=True`),
    and none of those writes anything. `version` goes in `If-Match` (so a missing header
    does not answer 428 before the permission does)."""
    wanted = set(status)
    problems: list[str] = []
    for user in permitted:
        got, _ = _attempt(client, method, url, body, user, version, call)
        if got not in wanted:
            problems.append(f"{_who(user)}: {got}, expected one of {sorted(wanted)}")
    expected: list[tuple[Any, int]] = [(u, 403) for u in forbidden] + [(u, 404) for u in hidden]
    if anonymous:
        expected.append((None, anonymous_status))
    for user, code in expected:
        got, written = _attempt(client, method, url, body, user, version, call)
        if got != code:
            problems.append(f"{_who(user)}: {got}, expected {code}")
        if written:
            problems.append(f"{_who(user)}: refused, yet {written} audit entries were written")
    assert not problems, f"{method} {url}: " + "; ".join(problems)


def check_versioned_write(
    client: Client,
    method: str,
    url: str,
    body: Any = None,
    *,
    obj: VersionedModel,
    user: Any,
    audit_action: str = "update",
    fields: Iterable[str] | None = None,
    status: int = 200,
    audited: Model | tuple[str, Any] | None = None,
) -> HttpResponse:
    """The versioned write contract on `obj` (a `VersionedModel`), as `user`:

    - no `If-Match` → 428, a stale one → 412, and neither changes anything (version,
      audit trail);
    - the current version → `status`, `ETag: "<new version>"` when the object survives,
      and exactly one new audit entry with `audit_action` (and `fields`) for `audited`
      (default: `obj`).

    The successful write is kept (not rolled back); the response is returned.
    """
    model = type(obj)
    version = model._default_manager.get(pk=obj.pk).version
    bearer(user, client)
    head = audit_head()
    missing = api_call(client, method, url, body, user=user)
    assert missing.status_code == 428, f"{method} {url} without If-Match: {missing.status_code}"
    stale = api_call(client, method, url, body, user=user, if_match=version + 7)
    assert stale.status_code == 412, f"{method} {url} with a stale If-Match: {stale.status_code}"
    assert_nothing_written(since=head)
    assert model._default_manager.get(pk=obj.pk).version == version, "a refused write changed it"
    response = api_call(client, method, url, body, user=user, if_match=version)
    assert response.status_code == status, (
        f"{method} {url}: {response.status_code} {response.content[:300]!r}"
    )
    after = model._default_manager.filter(pk=obj.pk).first()
    if after is not None and response.status_code != 204:
        new_version = getattr(after, "version", None)
        assert new_version == version + 1, f"version {version} → {new_version}"
        assert response.headers.get("ETag") == f'"{new_version}"', (
            f"ETag {response.headers.get('ETag')!r}, expected {new_version}"
        )
    assert_audited(audited or obj, audit_action, since=head, fields=fields, actor=user)
    return response
