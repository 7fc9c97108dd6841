"""Reads for the meetings section of a data pack: a programme's series, standing items
and the departures from its schedules, whole (hidden groups included).

They answer the system (the CLI loading or exporting a pack), so they take no user;
pages use the restricted selectors beside this module.
"""

from __future__ import annotations

from django.db.models import Q

from progov.governance.models import GovernanceGroup, Programme
from progov.meetings.models import (
    AgendaTemplateItem,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
)


def programme_series(*, programme: Programme | None) -> dict[int, MeetingSeries]:
    """Each group's meeting series by group id, e.g. PSG's (from 2021-07-01, #1 on)."""
    if programme is None:
        return {}
    return {s.group_id: s for s in MeetingSeries.objects.filter(group__programme=programme)}


def standing_items_of(*, group: GovernanceGroup) -> list[AgendaTemplateItem]:
    """The group's standing agenda items: the opening ones, then the at-end ones."""
    return list(AgendaTemplateItem.objects.filter(group=group).order_by("at_end", "position", "id"))


def programme_standing_items(*, programme: Programme) -> dict[int, list[AgendaTemplateItem]]:
    out: dict[int, list[AgendaTemplateItem]] = {}
    for item in AgendaTemplateItem.objects.filter(group__programme=programme).order_by(
        "group_id", "at_end", "position", "id"
    ):
        out.setdefault(item.group_id, []).append(item)
    return out


def programme_departures(*, programme: Programme) -> list[Meeting]:
    """The meetings that depart from their schedule: moved or cancelled regular
    meetings and every extraordinary one (TMAG 9 held on Thu 22 Sep 2022; PSG's
    extraordinary meeting of 30 Oct 2023)."""
    return list(
        Meeting.objects.filter(group__programme=programme)
        .filter(
            Q(kind=MeetingKind.EXTRAORDINARY)
            | Q(kind=MeetingKind.REGULAR, original_start__isnull=False)
            | Q(kind=MeetingKind.REGULAR, status=MeetingStatus.CANCELLED)
        )
        .select_related("group")
        .order_by("group__acronym", "start", "id")
    )
