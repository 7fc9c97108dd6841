"""Optimistic concurrency: the one place versions are checked and raised."""

from __future__ import annotations

import re
from typing import TypeVar

from progov.core.errors import PreconditionRequired, StaleVersion
from progov.core.models import VersionedModel

M = TypeVar("M", bound=VersionedModel)


# A version (`3`), or a read's ETag: the version, then the read cache's 24-hex tag.
_IF_MATCH = re.compile(r"([0-9]{1,18})(?:\.[0-9a-f]{24})?", re.ASCII)


def parse_if_match(header: str | None) -> int:
    """Read a version out of an If-Match header: `3`, `"3"` and `W/"3"` all mean 3, and so
    does `"3.9f…"`, the ETag of a read (the object's version, then the read tag that
    core/readcache.py adds for If-None-Match)."""
    if header is None or header.strip() == "":
        raise PreconditionRequired(
            "This write needs an If-Match header carrying the version you read "
            '(for example If-Match: "3").'
        )
    raw = header.strip()
    if raw.startswith("W/"):
        raw = raw[2:]
    found = _IF_MATCH.fullmatch(raw.strip('"'))
    if found is None:
        raise PreconditionRequired(f"If-Match must carry a version number, not {header!r}.")
    return int(found.group(1))


def check_version(obj: M, expected_version: int | None) -> None:
    """Refuse the write when the caller's version is not the stored one.

    `expected_version=None` is only for internal callers (the pack loader, the CLI)
    that hold the row locked inside their own transaction.
    """
    if expected_version is not None and expected_version != obj.version:
        raise StaleVersion(expected=expected_version, current=obj.version)


def bump_version(obj: M) -> None:
    obj.version = obj.version + 1
