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

_correlation_id: ContextVar[str | None] = ContextVar("progov_correlation_id", default=None)


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def get_correlation_id() -> str:
    """The current act's id; outside any request or command each call starts a new act."""
    current = _correlation_id.get()
    if current is None:
        return new_correlation_id()
    return current


@contextmanager
def correlation(correlation_id: str | None = None) -> Iterator[str]:
    """Run a block as one act: `with correlation() as cid: ...`."""
    cid = correlation_id or new_correlation_id()
    token = _correlation_id.set(cid)
    try:
        yield cid
    finally:
        _correlation_id.reset(token)


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
