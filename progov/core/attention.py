"""What needs my attention: the home page's list, contributed by every domain.

A signed-in user lands on their own list (governance:home). Each app registers
**attention sources** (like the search sources, core/search.py): a function of the
reader, their programme and the day that returns items, already restricted to what the
reader may see and act on. The meetings app contributes papers due, meetings not marked
held, headline reports due, amendment requests to answer, meetings to move, and for
members their next meetings and papers; later domains (actions due, RAID reviews, impact
assessments, decisions to communicate) register theirs the same way:

    register_attention_source(AttentionSource(
        key="papers_due", label="Papers due", order=10, find=papers_due_items,
    ))

`find(user=, programme=, today=, now=)` returns `AttentionItem`s, most urgent first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

Urgency = Literal["overdue", "due", "info"]


@dataclass(frozen=True)
class AttentionItem:
    """One thing to do or to know, e.g. "PSG #63: papers due Wed 9 Dec (in 4 days)"."""

    title: str
    url: str
    detail: str = ""
    urgency: Urgency = "due"
    when: date | None = None


@dataclass(frozen=True)
class AttentionSource:
    key: str
    label: str  # the section heading: "Papers due"
    find: Callable[..., Sequence[AttentionItem]]
    order: int = 100
    # Shown when the source has nothing for the reader; empty: the section is left out.
    empty: str = ""


@dataclass(frozen=True)
class AttentionSection:
    source: AttentionSource
    items: list[AttentionItem]


_SOURCES: dict[str, AttentionSource] = {}


def register_attention_source(source: AttentionSource) -> AttentionSource:
    """Add (or, under the same key, replace) a source of attention items."""
    _SOURCES[source.key] = source
    return source


def unregister_attention_source(key: str) -> None:
    _SOURCES.pop(key, None)


def attention_sources() -> list[AttentionSource]:
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.key))


def attention(*, user: Any, programme: Any, today: date, now: datetime) -> list[AttentionSection]:
    """The reader's sections, in the sources' order: those with items, and those with
    nothing that say so (`empty`)."""
    sections = []
    for source in attention_sources():
        items = list(source.find(user=user, programme=programme, today=today, now=now))
        if items or source.empty:
            sections.append(AttentionSection(source=source, items=items))
    return sections
