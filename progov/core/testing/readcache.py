"""Checks of the read cache (core/readcache.py) for any page, API read or feed.

    etag = current_etag(client, "/groups/PSG/", user=rep)
    services.update_group(actor=pmo, group=psg, ...)        # any write, by any path
    assert_etag_changed(client, "/groups/PSG/", etag, user=rep)

Tests using these are marked `read_cache` (the cache is off in other tests: factories
write rows without the audit entries that version them).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.test import Client, override_settings

from progov.core.readcache import SERVED_HEADER
from progov.core.testing.views import page_call


def _get(client: Client, url: str, user: Any, **extra: Any) -> HttpResponse:
    return page_call(client, "GET", url, user=user, **extra)


def current_etag(client: Client, url: str, *, user: Any = None) -> str:
    """The ETag `url` answers `user` with now (asserting a 200 that 304s when asked again)."""
    response = _get(client, url, user)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    etag = response.get("ETag")
    assert etag, f"{url}: no ETag"
    again = _get(client, url, user, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304, f"{url}: {again.status_code} to its own ETag, not 304"
    return str(etag)


def fresh_body(client: Client, url: str, *, user: Any = None) -> bytes:
    """`url` rendered by its view now, bypassing the read cache."""
    with override_settings(PROGOV_READ_CACHE=False):
        response = _get(client, url, user)
    return bytes(response.content)


def assert_etag_changed(client: Client, url: str, before: str, *, user: Any = None) -> str:
    """After a write: the old ETag no longer answers 304, and the answer given (from the
    cache or rendered) is what the view renders now. Returns the new ETag."""
    response = _get(client, url, user, HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200, (
        f"{url}: {response.status_code} to the ETag from before the write (stale)"
    )
    after = response.get("ETag")
    assert after and after != before, f"{url}: ETag {after} unchanged by the write"
    assert_same_as_fresh(client, url, user=user)
    return str(after)


def _without_tokens(body: bytes) -> bytes:
    # A CSRF token is masked anew for every answer; everything else must be equal.
    import re

    return re.sub(rb'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', rb"\1", body)


def assert_same_as_fresh(client: Client, url: str, *, user: Any = None) -> None:
    """What the cache serves for `url` equals a fresh render by the view."""
    assert settings.PROGOV_READ_CACHE, "mark the test read_cache"
    served = _get(client, url, user)
    if served.get(SERVED_HEADER) != "hit":
        served = _get(client, url, user)
    assert served.get(SERVED_HEADER) == "hit", f"{url}: not served from the cache"
    fresh = fresh_body(client, url, user=user)
    assert _without_tokens(served.content) == _without_tokens(fresh), f"{url}: stale or wrong"
