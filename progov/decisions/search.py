"""Decisions join the search box (core/search.py): by ref, subject or rationale."""

from __future__ import annotations

from progov.core.search import SearchSource, register_search_source
from progov.decisions.selectors import decision_search

register_search_source(
    SearchSource(
        key="decisions",
        label="Decisions",
        kind="Decision",
        find=decision_search,
        template="decisions/_search_hit_decision.html",
        order=65,
        empty="No decisions match.",
    )
)
