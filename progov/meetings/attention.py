"""Meetings' part of the home page's attention list (core/attention.py).

For those who manage meetings (a group's chair and secretariat, the programme
secretariat), each restricted to the groups they manage: papers due in the next days,
headline reports due or late, past meetings not marked held, amendment requests to
answer, and meetings to come on a non-working day. For members: their next meetings
with their papers' state, papers published for them lately, and their feed links.

Each source costs a fixed number of queries however many meetings there are; the
deadlines are computed once per request (`_deadlines`) for both sources that need them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from progov.calendars.selectors import calendar_for_programme
from progov.core import access
from progov.core.attention import AttentionItem, AttentionSource, register_attention_source
from progov.core.auth import is_signed_in
from progov.core.context import act_cache
from progov.governance.models import DeadlineKey, GovernanceGroup
from progov.meetings import selectors
from progov.meetings.models import (
    AmendmentRequest,
    AmendmentStatus,
    Meeting,
    MeetingStatus,
    Paper,
)
from progov.meetings.selectors.overview import DeadlineOverview, day_off_of, deadline_overview
from progov.meetings.times import local

SOON_DAYS = 7  # "papers due in the next days": a week ahead
REPORTS_LATE_DAYS = 30  # headline reports overdue for up to a month are listed
TO_MOVE_DAYS = 120  # meetings on a bank holiday in the next four months
NEXT_MEETINGS = 5
RECENT_PAPERS_DAYS = 14


def _managed(user: Any, programme: Any) -> list[str] | None:
    """Acronyms of the groups whose meetings the user manages; None: every group (staff)."""
    if access.scope_of(user).staff:
        return None
    groups = access.restrict(
        GovernanceGroup.objects.filter(programme=programme), user=user, action="generate_meetings"
    )
    return list(groups.values_list("acronym", flat=True))


def _deadlines(user: Any, programme: Any, today: date) -> DeadlineOverview | None:
    memo = act_cache("attention_deadlines")
    key = (getattr(user, "pk", None), today)
    if memo is not None and key in memo:
        found: DeadlineOverview | None = memo[key]
        return found
    managed = _managed(user, programme)
    found = (
        None
        if managed == []
        else deadline_overview(
            user=user,
            programme=programme,
            today=today,
            window_days=REPORTS_LATE_DAYS,
            record_since=today,
            groups=managed,
        )
    )
    if memo is not None:
        memo[key] = found
    return found


def _meeting_url(meeting: Meeting, part: str = "") -> str:
    return reverse("meetings:meeting", args=[meeting.pk]) + (f"#{part}" if part else "")


def _name(meeting: Meeting) -> str:
    return f"{meeting.group.acronym} #{meeting.number}"


def _in_days(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} ago"
    return f"in {days} days"


def _deadline_items(
    user: Any, programme: Any, today: date, keys: tuple[str, ...], part: str, with_meeting: bool
) -> list[Any]:
    """The reader's deadlines of `keys` overdue or due within a week, as items."""
    overview = _deadlines(user, programme, today)
    if overview is None:
        return []
    items = []
    for row in overview.rows:
        d = row.deadline
        if d.key not in keys or d.status not in ("due", "overdue") or row.days > SOON_DAYS:
            continue
        detail = f"{'Was due' if row.days < 0 else 'Due'} {d.due:%a %-d %b} ({_in_days(row.days)})"
        if with_meeting:
            detail += f"; the meeting is on {local(row.meeting.start, row.meeting):%a %-d %b}"
        items.append(
            AttentionItem(
                title=f"{_name(row.meeting)}: {d.label}",
                detail=detail + ".",
                url=_meeting_url(row.meeting, part),
                urgency="overdue" if d.status == "overdue" else "due",
                when=d.due,
            )
        )
    return items


def papers_due_items(*, user: Any, programme: Any, today: date, now: datetime) -> list[Any]:
    keys = (DeadlineKey.PAPERS_DUE,)
    return _deadline_items(user, programme, today, keys, "papers", with_meeting=True)


def reports_due_items(*, user: Any, programme: Any, today: date, now: datetime) -> list[Any]:
    keys = (DeadlineKey.HEADLINE_REPORT_DUE, DeadlineKey.DECISIONS_PUBLISHED_DUE)
    return _deadline_items(user, programme, today, keys, "headline-report", with_meeting=False)


def not_held_items(*, user: Any, programme: Any, today: date, now: datetime) -> list[Any]:
    if not is_signed_in(user):
        return []
    waiting = selectors.not_marked_held(user=user, programme=programme, now=now)
    oldest = waiting.first()
    if oldest is None:
        return []
    n = waiting.count()
    return [
        AttentionItem(
            title=f"{n} past meeting{'s' if n != 1 else ''} not marked held",
            detail=f"The oldest is {_name(oldest)} of {local(oldest.start, oldest):%a %-d %b %Y}. "
            "Mark those "
            "that took place held in one go.",
            url=reverse("meetings:not_held"),
            urgency="overdue",
            when=oldest.start.date(),
        )
    ]


def amendments_items(*, user: Any, programme: Any, today: date, now: datetime) -> list[Any]:
    if not is_signed_in(user):
        return []
    waiting = access.restrict(
        AmendmentRequest.objects.select_related("report__meeting__group"),
        user=user,
        action="answer",
    ).filter(report__meeting__group__programme=programme, status=AmendmentStatus.OPEN)
    return [
        AttentionItem(
            title=f"{_name(a.report.meeting)}: amendment request from {a.requester_name}",
            detail=f"Sent {timezone.localtime(a.submitted_at):%a %-d %b}: “{a.text[:120]}"
            f"{'…' if len(a.text) > 120 else ''}”",
            url=_meeting_url(a.report.meeting, "headline-report"),
            urgency="due",
            when=a.submitted_at.date(),
        )
        for a in waiting.order_by("submitted_at", "id")[:50]
    ]


def to_move_items(*, user: Any, programme: Any, today: date, now: datetime) -> list[Any]:
    managed = _managed(user, programme) if is_signed_in(user) else []
    if managed == []:
        return []
    # Only the columns a day off needs: no deadline facts.
    meetings = selectors.visible_meetings(user=user).filter(
        group__programme=programme,
        start__gte=now,
        start__lt=now + timedelta(days=TO_MOVE_DAYS),
        status__in=[MeetingStatus.PLANNED, MeetingStatus.CONFIRMED, MeetingStatus.MOVED],
    )
    if managed is not None:
        meetings = meetings.filter(group__acronym__in=managed)
    meetings = meetings.order_by("start", "id")
    calendar = calendar_for_programme(programme)
    items = []
    for m in meetings:
        reason = day_off_of(m, calendar)
        if reason:
            items.append(
                AttentionItem(
                    title=f"{_name(m)} falls on {reason}",
                    detail=f"{local(m.start, m):%a %-d %b %Y}: move it to a working day, or "
                    "confirm "
                    "it with the reason to meet then.",
                    url=_meeting_url(m, "action-move"),
                    urgency="due",
                    when=m.start.date(),
                )
            )
    return items


def _my_groups(user: Any) -> list[int]:
    # The access scope holds the reader's current memberships already (one query per act).
    return access.scope_of(user).group_ids()


def next_meetings_items(*, user: Any, programme: Any, today: date, now: datetime) -> list[Any]:
    if not is_signed_in(user):
        return []
    groups = _my_groups(user)
    if not groups:
        return []
    upcoming = list(
        selectors.visible_meetings(user=user)
        .filter(group_id__in=groups, start__gte=now)
        .exclude(status="cancelled")
        .order_by("start", "id")[:NEXT_MEETINGS]
    )
    published = dict.fromkeys((m.pk for m in upcoming), 0)
    for meeting_id in (
        access.restrict(Paper.objects.filter(meeting__in=upcoming), user=user)
        .filter(published_at__isnull=False)
        .values_list("meeting_id", flat=True)
    ):
        published[meeting_id] += 1
    return [
        AttentionItem(
            title=f"{_name(m)}{f' — {m.title}' if m.title else ''}",
            detail=f"{local(m.start, m):%a %-d %b %Y, %H:%M}; "
            + (
                f"{published[m.pk]} paper{'s' if published[m.pk] != 1 else ''} published"
                if published[m.pk]
                else "no papers published yet"
            )
            + ".",
            url=_meeting_url(m),
            urgency="info",
            when=m.start.date(),
        )
        for m in upcoming
    ]


def my_papers_items(*, user: Any, programme: Any, today: date, now: datetime) -> list[Any]:
    if not is_signed_in(user):
        return []
    groups = _my_groups(user)
    if not groups:
        return []
    papers = (
        access.restrict(Paper.objects.select_related("meeting__group"), user=user)
        .filter(
            meeting__group_id__in=groups,
            published_at__gte=now - timedelta(days=RECENT_PAPERS_DAYS),
        )
        .order_by("-published_at", "id")[:20]
    )
    return [
        AttentionItem(
            title=p.title,
            detail=f"For {_name(p.meeting)}, published "
            f"{timezone.localtime(p.published_at):%a %-d %b}.",
            url=_meeting_url(p.meeting, "papers"),
            urgency="info",
            when=p.published_at.date() if p.published_at else None,
        )
        for p in papers
    ]


def feeds_items(*, user: Any, programme: Any, today: date, now: datetime) -> list[Any]:
    if not is_signed_in(user) or not _my_groups(user):
        return []
    return [
        AttentionItem(
            title="Your meetings in your calendar",
            detail="A personal feed link puts the meetings of your groups in Outlook, "
            "Google or Apple Calendar, and keeps them up to date.",
            url=reverse("meetings:feeds_mine"),
            urgency="info",
        )
    ]


for source in (
    AttentionSource(key="not_held", label="Meetings to mark held", find=not_held_items, order=5),
    AttentionSource(key="papers_due", label="Papers due", find=papers_due_items, order=10),
    AttentionSource(
        key="reports_due", label="Headline reports due", find=reports_due_items, order=20
    ),
    AttentionSource(
        key="amendments", label="Amendment requests to answer", find=amendments_items, order=30
    ),
    AttentionSource(
        key="to_move", label="Meetings on a non-working day", find=to_move_items, order=40
    ),
    AttentionSource(
        key="next_meetings", label="Your next meetings", find=next_meetings_items, order=60
    ),
    AttentionSource(
        key="my_papers", label="Papers published for you", find=my_papers_items, order=70
    ),
    AttentionSource(key="feeds", label="Calendar feeds", find=feeds_items, order=80),
):
    register_attention_source(source)
