"""The governance structure's part of the search box (core/search.py): groups by acronym,
name or purpose ("PSG"), people by name or role, organisations by name — full text,
ranked (core/fulltext.py), over each list selector, so what the reader may not see is
never found."""

from __future__ import annotations

from typing import Any

from progov.core.fulltext import ranked
from progov.core.search import SearchSource, register_search_source
from progov.governance import selectors


def group_hits(*, user: Any, programme: Any, q: str, limit: int) -> list[Any]:
    """Groups by acronym, name or purpose, ranked ("design advisory" → DAG first)."""
    return ranked(
        selectors.group_list(user=user, programme=programme),
        fields=("acronym", "name", "purpose"),
        q=q,
        limit=limit,
    )


def person_hits(*, user: Any, programme: Any, q: str, limit: int) -> list[Any]:
    return ranked(
        selectors.person_list(user=user, programme=programme),
        fields=("name", "job_title"),
        q=q,
        limit=limit,
    )


def organisation_hits(*, user: Any, programme: Any, q: str, limit: int) -> list[Any]:
    return ranked(
        selectors.organisation_list(user=user, programme=programme),
        fields=("name", "short_name"),
        q=q,
        limit=limit,
    )


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
