"""Reads of the action log, restricted in SQL to what the reader may see.

Every list costs a fixed number of queries however long the log: the action with its
group and meetings in one join, the owners in one prefetch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from progov.actions.access import owned_q
from progov.actions.models import ENDED, Action, ActionOwner, ActionStatus, ActionUpdate
from progov.core import access
from progov.core.auth import is_signed_in
from progov.core.errors import NotFound
from progov.core.fulltext import ranked
from progov.governance.models import GovernanceGroup, Programme
from progov.governance.timezones import today_for
from progov.meetings.models import Meeting

OPEN_STATUSES = [s for s in ActionStatus.values if s not in ENDED]


def _owners_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "owners",
        queryset=ActionOwner.objects.select_related("person", "organisation", "group"),
    )


def _rows(qs: QuerySet[Action]) -> QuerySet[Action]:
    return qs.select_related(
        "programme", "group", "meeting", "meeting__group", "closed_at", "closed_at__group"
    ).prefetch_related(_owners_prefetch())


def overdue_q(today: date) -> Q:
    """Due date passed, not closed (nor cancelled)."""
    return Q(due_on__lt=today) & ~Q(status__in=ENDED)


def is_overdue(action: Action, today: date) -> bool:
    return action.due_on is not None and action.due_on < today and not action.is_ended


def visible_actions(*, user: Any, programme: Programme) -> QuerySet[Action]:
    return access.restrict(Action.objects.filter(programme=programme), user=user)


def action_list(
    *,
    user: Any,
    programme: Programme,
    group: GovernanceGroup | None = None,
    meeting: Meeting | None = None,
    owner: str | None = None,
    status: str | None = None,
    overdue: bool | None = None,
    mine: bool = False,
    open_only: bool = False,
    q: str | None = None,
    today: date | None = None,
) -> QuerySet[Action]:
    """The log, filtered: by group, the meeting raised at, owner (words of the owner as
    printed, or a person or organisation it resolves to), status, open only (not
    closed nor cancelled), overdue, the reader's own (`mine`), and words of the ref or the
    description. Ordered by group and ref."""
    qs = visible_actions(user=user, programme=programme)
    if group is not None:
        qs = qs.filter(group=group)
    if meeting is not None:
        qs = qs.filter(meeting=meeting)
    if owner:
        wanted = owner.strip()
        qs = qs.filter(
            Q(owner_text__icontains=wanted)
            | Q(
                pk__in=ActionOwner.objects.filter(
                    Q(person__name__icontains=wanted)
                    | Q(organisation__name__icontains=wanted)
                    | Q(organisation__short_name__iexact=wanted)
                ).values("action_id")
            )
        )
    if status:
        qs = qs.filter(status=status)
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if overdue is not None:
        day = today or today_for(programme)
        qs = qs.filter(overdue_q(day)) if overdue else qs.exclude(overdue_q(day))
    if mine:
        qs = qs.filter(owned_q(access.scope_of(user), "")) if is_signed_in(user) else qs.none()
    if q and q.strip():
        words = q.strip()
        qs = qs.filter(Q(ref__icontains=words) | Q(description__icontains=words))
    # The ref starts with the group's acronym: ordering by it is by group, then meeting
    # and number, and an index serves it (no sort of the whole log for one page).
    return _rows(qs).order_by("ref_prefix", "sequence", "id")


def action_get(*, user: Any, programme: Programme, ref: str) -> Action:
    """One action by its ref (any case); hidden or missing is NotFound."""
    action = (
        _rows(visible_actions(user=user, programme=programme))
        .filter(ref__iexact=ref.strip())
        .first()
    )
    if action is None:
        raise NotFound(f"No action {ref}.")
    return action


def action_journal(*, user: Any, action: Action) -> list[ActionUpdate]:
    """The action's updates, oldest first."""
    return list(
        access.restrict(ActionUpdate.objects.filter(action=action), user=user)
        .select_related("author", "meeting", "meeting__group")
        .order_by("posted_at", "id")
    )


def action_actions(*, user: Any, action: Action) -> set[str]:
    """What the reader may do to this action now (the page's buttons, the API's links):
    the policy and the action's state together."""
    permitted = access.permitted_actions(
        user=user,
        obj=action,
        actions=("change", "post_update", "recommend_closure", "confirm_closure", "cancel"),
    )
    if action.is_ended:
        return set()
    if action.status != ActionStatus.RECOMMEND_CLOSED:
        permitted.discard("confirm_closure")
    else:
        permitted.discard("recommend_closure")
    return permitted


REVIEW_ROWS = 60
"""Rows of each list a meeting page shows (a log that long links to the whole of it)."""


@dataclass(frozen=True)
class MeetingReview:
    """The "Minutes and Actions" item of a meeting: the group's actions still open (as
    the packs list them), those recommended for closure, and those closed at it — each
    list its first `REVIEW_ROWS`, with the counts."""

    meeting: Meeting
    open: list[Action]
    to_confirm: list[Action]
    closed_here: list[Action]
    can_confirm: bool
    today: date
    open_count: int = 0
    to_confirm_count: int = 0
    closed_count: int = 0

    @property
    def count(self) -> int:
        return self.open_count + self.to_confirm_count


def meeting_review(*, user: Any, meeting: Meeting) -> MeetingReview:
    """The actions the meeting reviews: three short lists and their counts (a fixed
    number of queries however long the log). Actions raised after the meeting are not
    yet on its log."""
    group = meeting.group
    start = meeting.start.date()
    on_log = access.restrict(Action.objects.filter(group=group), user=user).filter(
        Q(raised_on__isnull=True) | Q(raised_on__lte=start) | Q(meeting=meeting)
    )
    to_confirm = on_log.filter(status=ActionStatus.RECOMMEND_CLOSED)
    open_rows = on_log.filter(status__in=[s for s in OPEN_STATUSES if s != "recommend_closed"])
    closed_here = access.restrict(Action.objects.filter(closed_at=meeting), user=user)
    order = ("ref_prefix", "sequence", "id")
    probe = Action(group=group, programme=group.programme)
    return MeetingReview(
        meeting=meeting,
        open=list(_rows(open_rows).order_by(*order)[:REVIEW_ROWS]),
        to_confirm=list(_rows(to_confirm).order_by(*order)[:REVIEW_ROWS]),
        closed_here=list(_rows(closed_here).order_by(*order)[:REVIEW_ROWS]),
        can_confirm=access.allowed(user=user, action="confirm_closure", obj=probe),
        today=today_for(group.programme),
        open_count=open_rows.count(),
        to_confirm_count=to_confirm.count(),
        closed_count=closed_here.count(),
    )


def actions_raised_at(*, user: Any, meeting: Meeting) -> list[Action]:
    return list(
        _rows(access.restrict(Action.objects.filter(meeting=meeting), user=user)).order_by(
            "ref_prefix", "sequence", "id"
        )
    )


_REF_LIKE = re.compile(r"^[A-Za-z]+\s*\d+(?:\.\d+)?\s*-\s*\d+$")


def action_search(*, user: Any, programme: Programme, q: str, limit: int) -> list[Action]:
    """Actions for the search box: by ref ("PSG23-01", "psg 23-01") first, then by the
    words of the description, best first."""
    qs = visible_actions(user=user, programme=programme).select_related("group")
    found: list[Action] = []
    if _REF_LIKE.match(q.strip()):
        ref = re.sub(r"\s+", "", q.strip())
        found = list(qs.filter(ref__iexact=ref)[:1])
    words = ranked(
        qs.exclude(pk__in=[a.pk for a in found]).order_by("-raised_on", "id"),
        fields=("ref", "description"),
        q=q,
        limit=max(0, limit - len(found)),
    )
    return found + words


def meeting_choices_for_closure(*, user: Any, action: Action) -> list[Meeting]:
    """The group's meetings that could confirm the closure, latest first (the form's
    choices): started, not cancelled, after the action was raised."""
    qs = (
        access.restrict(Meeting.objects.filter(group=action.group_id), user=user)
        .filter(start__lte=timezone.now())
        .exclude(status="cancelled")
        .select_related("group")
        .order_by("-start", "-id")
    )
    if action.raised_on is not None:
        qs = qs.filter(start__date__gte=action.raised_on)
    if action.meeting_id is not None:
        qs = qs.exclude(pk=action.meeting_id)
    return list(qs[:12])
