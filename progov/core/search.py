"""One search box for every domain: apps register what they can find.

The search page (governance:search) asks each registered source in turn and shows its
hits under the source's heading, with the kind of object named on each hit. A source
is a selector: it applies the access policy in SQL like any other read, so a hidden
object is never found. Later domains (actions, decisions, RAID, change requests)
register theirs the same way, from their app's `ready()`:

    register_search_source(SearchSource(
        key="meetings", label="Meetings", kind="Meeting", order=20,
        find=meeting_hits, template="meetings/_search_hit_meeting.html",
    ))

`find(user=, programme=, q=, limit=)` returns the objects, best first; `template`
renders one of them (as `hit`) inside the result list's `<li>`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

SEARCH_LIMIT = 50
"""Hits shown per source."""


@dataclass(frozen=True)
class SearchSource:
    """What one domain can find, e.g. meetings by "PSG 24" or by title."""

    key: str
    label: str  # the section heading: "Meetings"
    kind: str  # one hit's kind, shown beside it: "Meeting"
    find: Callable[..., Sequence[Any]]
    template: str
    order: int = 100
    empty: str = ""  # "No meetings match."


@dataclass(frozen=True)
class SearchSection:
    source: SearchSource
    hits: list[Any]


_SOURCES: dict[str, SearchSource] = {}


def register_search_source(source: SearchSource) -> SearchSource:
    """Add (or, under the same key, replace) a source of search hits."""
    _SOURCES[source.key] = source
    return source


def unregister_search_source(key: str) -> None:
    _SOURCES.pop(key, None)


def search_sources() -> list[SearchSource]:
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.key))


def search(*, user: Any, programme: Any, q: str, limit: int = SEARCH_LIMIT) -> list[SearchSection]:
    """Every source's hits for `q` (none for an empty query), in the sources' order."""
    q = q.strip()
    if not q:
        return [SearchSection(source=s, hits=[]) for s in search_sources()]
    return [
        SearchSection(source=s, hits=list(s.find(user=user, programme=programme, q=q, limit=limit)))
        for s in search_sources()
    ]
