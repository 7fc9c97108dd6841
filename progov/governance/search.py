"""The governance structure's part of the search box (core/search.py): groups by name or
acronym ("PSG"), people by name, organisations by name — each through its list
selector, so what the reader may not see is never found."""

from __future__ import annotations

from typing import Any

from progov.core.search import SearchSource, register_search_source
from progov.governance import selectors


def group_hits(*, user: Any, programme: Any, q: str, limit: int) -> list[Any]:
    return list(selectors.group_list(user=user, programme=programme, q=q)[:limit])


def person_hits(*, user: Any, programme: Any, q: str, limit: int) -> list[Any]:
    return list(selectors.person_list(user=user, programme=programme, q=q)[:limit])


def organisation_hits(*, user: Any, programme: Any, q: str, limit: int) -> list[Any]:
    return list(selectors.organisation_list(user=user, programme=programme, q=q)[:limit])


for source in (
    SearchSource(
        key="groups",
        label="Groups",
        kind="Group",
        find=group_hits,
        template="governance/_search_hit_group.html",
        order=10,
        empty="No groups match.",
    ),
    SearchSource(
        key="people",
        label="People",
        kind="Person",
        find=person_hits,
        template="governance/_search_hit_person.html",
        order=40,
        empty="No people match.",
    ),
    SearchSource(
        key="organisations",
        label="Organisations",
        kind="Organisation",
        find=organisation_hits,
        template="governance/_search_hit_organisation.html",
        order=50,
        empty="No organisations match.",
    ),
):
    register_search_source(source)
