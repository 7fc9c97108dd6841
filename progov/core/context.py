"""Request- and command-scoped context: the correlation id and the acting identity.

Every audit entry written during one HTTP request, one CLI command or one background
job carries the same correlation id, so "what did this act change?" is one query.
A ContextVar (rather than a thread-local) keeps this right under async servers too.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_correlation_id: ContextVar[str | None] = ContextVar("progov_correlation_id", default=None)


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def get_correlation_id() -> str:
    """The current act's id; outside any request or command each call starts a new act."""
    current = _correlation_id.get()
    if current is None:
        return new_correlation_id()
    return current


_act_caches: ContextVar[dict[str, dict[Any, Any]] | None] = ContextVar(
    "progov_act_caches", default=None
)


@contextmanager
def correlation(correlation_id: str | None = None) -> Iterator[str]:
    """Run a block as one act: `with correlation() as cid: ...`."""
    cid = correlation_id or new_correlation_id()
    token = _correlation_id.set(cid)
    caches = _act_caches.set({})
    try:
        yield cid
    finally:
        _act_caches.reset(caches)
        _correlation_id.reset(token)


def act_cache(name: str) -> dict[Any, Any] | None:
    """A dict that lives as long as the current act (None outside any act).

    For facts that cannot change under a reader during one request, such as the access
    scope of the signed-in user; a write that changes them clears the cache.
    """
    caches = _act_caches.get()
    if caches is None:
        return None
    return caches.setdefault(name, {})


_system_actor: ContextVar[str] = ContextVar("progov_system_actor", default="system")


def get_system_actor() -> str:
    """How an act without a signed-in user is attributed, e.g. `cli:root`."""
    return _system_actor.get()


@contextmanager
def acting_as_system(label: str) -> Iterator[None]:
    token = _system_actor.set(label)
    try:
        yield
    finally:
        _system_actor.reset(token)
