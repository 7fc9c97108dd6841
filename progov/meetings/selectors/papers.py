"""Reads of papers, restricted by the meeting's visibility, the paper's classification and
whether it is published.

| classification          | who may see a published paper                                  |
|-------------------------|----------------------------------------------------------------|
| Public                  | everyone who may see the meeting                               |
| Programme participants  | signed-in users                                                |
| Group members           | current members of the group (a Person linked to the user with |
|                         | a current Membership), the secretariat and administrators      |
| Confidential            | the secretariat and administrators                             |

Unpublished papers are seen by the secretariat and administrators only. A paper the
user may not see is NotFound, exactly like a missing one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from progov.accounts.permissions import can_write, is_signed_in
from progov.core.errors import NotFound
from progov.governance.models import Membership, Programme
from progov.governance.timezones import today_for
from progov.meetings.models import Classification, Meeting, Paper


def is_current_member(*, user: Any, group_id: int, on: date | None = None) -> bool:
    """True when a Person linked to `user` has a current membership of the group."""
    if not is_signed_in(user):
        return False
    if on is None:
        on = today_for(Programme.objects.get(groups__pk=group_id))
    return (
        Membership.objects.filter(group_id=group_id, person__user=user, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .exists()
    )


def classifications_for(*, user: Any, group_id: int) -> list[str] | None:
    """The classifications `user` may read in the group (None: all, and unpublished too)."""
    if can_write(user):
        return None
    allowed = [Classification.PUBLIC.value]
    if is_signed_in(user):
        allowed.append(Classification.PARTICIPANTS.value)
        if is_current_member(user=user, group_id=group_id):
            allowed.append(Classification.MEMBERS.value)
    return allowed


def _visible(qs: QuerySet[Paper], *, user: Any, group_id: int) -> QuerySet[Paper]:
    allowed = classifications_for(user=user, group_id=group_id)
    if allowed is None:
        return qs
    return qs.filter(classification__in=allowed, published_at__isnull=False)


def papers_for(*, user: Any, meeting: Meeting) -> list[Paper]:
    """The papers of a meeting (already visible to `user`) that the user may see: the
    meeting's own first, then by agenda item, then by title."""
    qs = Paper.objects.filter(meeting=meeting).select_related("agenda_item")
    return list(_visible(qs, user=user, group_id=meeting.group_id))


def paper_get(*, user: Any, pk: int, meeting_id: int | None = None) -> Paper:
    """One paper, or NotFound when it is missing, unpublished, or above the user's
    classification, or its meeting is hidden."""
    from progov.meetings.selectors import visible_meetings

    qs = Paper.objects.select_related("meeting__group", "agenda_item").filter(
        pk=pk, meeting__in=visible_meetings(user=user)
    )
    if meeting_id is not None:
        qs = qs.filter(meeting_id=meeting_id)
    paper = qs.first()
    if paper is None:
        raise NotFound(f"No paper #{pk}.")
    allowed = classifications_for(user=user, group_id=paper.meeting.group_id)
    if allowed is not None and (paper.classification not in allowed or paper.published_at is None):
        raise NotFound(f"No paper #{pk}.")
    return paper
