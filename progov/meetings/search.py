"""Meetings' part of the search box (core/search.py): meetings by group and number
("PSG 24", "DAG 10.1") or title ("M9"), and papers by title — through the selectors,
so a hidden meeting or a paper above the reader's classification is never found."""

from __future__ import annotations

from progov.core.search import SearchSource, register_search_source
from progov.meetings.selectors import meeting_search
from progov.meetings.selectors.papers import paper_search

for source in (
    SearchSource(
        key="meetings",
        label="Meetings",
        kind="Meeting",
        find=meeting_search,
        template="meetings/_search_hit_meeting.html",
        order=20,
        empty="No meetings match.",
    ),
    SearchSource(
        key="papers",
        label="Papers",
        kind="Paper",
        find=paper_search,
        template="meetings/_search_hit_paper.html",
        order=30,
        empty="No papers match.",
    ),
):
    register_search_source(source)
