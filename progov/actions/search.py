"""The action log's part of the search box (core/search.py): actions by ref ("PSG23-01")
or by the words of what is to be done, through the selectors (a hidden group's actions
are never found)."""

from __future__ import annotations

from progov.actions.selectors import action_search
from progov.core.search import SearchSource, register_search_source

register_search_source(
    SearchSource(
        key="actions",
        label="Actions",
        kind="Action",
        find=action_search,
        template="actions/_search_hit_action.html",
        order=60,
        empty="No actions match.",
    )
)
