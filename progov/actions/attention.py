"""The action log's part of the home page's attention list (core/attention.py).

- **Your actions due and overdue**: open actions the reader owns (named, their
  organisation's, their groups' members'), overdue or due within a week;
- **Closures to confirm**: actions recommended for closure in the groups whose log the
  reader keeps (a group's chair and secretariat; the programme secretariat: all).

Each source is one query (with its owners), at most 50 items.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.urls import reverse

from progov.actions import selectors
from progov.actions.models import Action, ActionStatus
from progov.core import access
from progov.core.attention import AttentionItem, AttentionSource, register_attention_source
from progov.core.auth import is_signed_in

SOON_DAYS = 7
LIMIT = 50


def _when(due: date, today: date) -> str:
    days = (due - today).days
    if days < 0:
        return f"was due {due:%a %-d %b %Y} ({-days} day{'s' if days != -1 else ''} ago)"
    if days == 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    return f"due {due:%a %-d %b} (in {days} days)"


def my_actions_items(*, user: Any, programme: Any, today: date, now: datetime) -> list[Any]:
    if not is_signed_in(user):
        return []
    rows = (
        selectors.action_list(user=user, programme=programme, mine=True, open_only=True)
        .filter(due_on__lte=today + timedelta(days=SOON_DAYS))
        .order_by("due_on", "id")[:LIMIT]
    )
    return [
        AttentionItem(
            title=f"{a.ref}: {a.description[:90]}{'…' if len(a.description) > 90 else ''}",
            detail=f"{a.owner_text}; {_when(a.due_on, today)}. "
            + (
                "Recommended closed: the group confirms it."
                if a.status == ActionStatus.RECOMMEND_CLOSED
                else "Post an update."
            ),
            url=reverse("actions:action", args=[a.ref]),
            urgency="overdue" if a.due_on < today else "due",
            when=a.due_on,
        )
        for a in rows
        if a.due_on is not None
    ]


def closures_items(*, user: Any, programme: Any, today: date, now: datetime) -> list[Any]:
    if not is_signed_in(user) or not access.manages_anything(user=user):
        return []
    rows = (
        access.restrict(
            Action.objects.filter(programme=programme, status=ActionStatus.RECOMMEND_CLOSED),
            user=user,
            action="confirm_closure",
        )
        .select_related("group")
        .order_by("closure_recommended_on", "id")[:LIMIT]
    )
    return [
        AttentionItem(
            title=f"{a.ref}: recommended closed",
            detail=f"“{a.latest_update[:100]}{'…' if len(a.latest_update) > 100 else ''}” "
            f"Confirm it at {a.group.acronym}'s next meeting, or keep it open.",
            url=reverse("actions:action", args=[a.ref]),
            urgency="due",
            when=a.closure_recommended_on,
        )
        for a in rows
    ]


for source in (
    AttentionSource(key="my_actions", label="Your actions due", find=my_actions_items, order=15),
    AttentionSource(
        key="closures", label="Action closures to confirm", find=closures_items, order=25
    ),
):
    register_attention_source(source)
