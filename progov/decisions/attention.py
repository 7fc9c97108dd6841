"""Escalations awaiting an answer join the home page's attention list (core/attention.py):
for the chair and secretariat of the group each was escalated to (the programme
secretariat: all), oldest first; one query, at most 50."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.urls import reverse

from progov.core import access
from progov.core.attention import AttentionItem, AttentionSource, register_attention_source
from progov.core.auth import is_signed_in
from progov.decisions import selectors


def escalations_items(*, user: Any, programme: Any, today: date, now: datetime) -> list[Any]:
    if not is_signed_in(user) or not access.manages_anything(user=user):
        return []
    rows = selectors.escalations_awaiting(user=user, programme=programme)[:50]
    return [
        AttentionItem(
            title=f"{e.ref}: {e.from_group.acronym} escalated “{e.subject[:80]}” to {e.to_name}",
            detail=f"Raised {e.raised_on:%a %-d %b %Y} by {e.raised_by_text}. Answer it, or take it higher.",
            url=reverse("decisions:escalation", args=[e.ref]),
            urgency="due",
            when=e.raised_on,
        )
        for e in rows
    ]


register_attention_source(
    AttentionSource(
        key="escalations", label="Escalations awaiting an answer", find=escalations_items, order=27
    )
)
