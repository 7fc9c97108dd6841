"""Reads of agendas (with their computed times), forward looks and agenda templates.

An agenda item's time slot is never stored: it is the meeting's start plus the
durations of the items before it, so moving, adding or removing an item moves every
later slot. TMAG #9 (22 Sep 2022, 10:00–12:00) with items of 5, 5, 5, 40, 20 and 5
minutes runs 10:00–10:05, 10:05–10:10, …, 11:15–11:20 and ends 40 minutes early; an
agenda past the meeting's end is flagged ("runs 25 minutes over").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet

from progov.core import access
from progov.core.errors import NotFound
from progov.governance.models import GovernanceGroup, Membership, Person
from progov.governance.selectors import current_on
from progov.governance.timezones import group_tz, today_for
from progov.meetings.models import (
    AgendaItem,
    AgendaTemplateItem,
    ForwardLookItem,
    ForwardLookStatus,
    Meeting,
    MeetingStatus,
)
from progov.meetings.times import local, meeting_date, meeting_tz


def _visible_meetings(user: Any) -> QuerySet[Meeting]:
    # Imported here: the package's __init__ may re-export this module.
    from progov.meetings.selectors import visible_meetings

    return visible_meetings(user=user)


def minutes_text(minutes: int) -> str:
    """ "1 minute", "25 minutes"."""
    return f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"


def meeting_label(meeting: Meeting) -> str:
    """ "TMAG #8": how the agenda names another meeting of the group."""
    return f"{meeting.group.acronym} #{meeting.number}"


@dataclass(frozen=True)
class AgendaRow:
    """One agenda item with its computed slot (local UK times)."""

    item: AgendaItem
    start: datetime
    end: datetime
    carried_from: AgendaItem | None
    carried_to: list[AgendaItem]

    @property
    def number(self) -> int:
        return self.item.position

    @property
    def is_break(self) -> bool:
        return self.item.item_type == "break"

    @property
    def time_text(self) -> str:
        """ "10:15–10:55"."""
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def carried_from_text(self) -> str:
        """ "carried from TMAG #8", or "" for an item first raised at this meeting."""
        if self.carried_from is None:
            return ""
        return f"carried from {meeting_label(self.carried_from.meeting)}"

    @property
    def carried_to_text(self) -> str:
        """ "carried to TMAG #10", or ""."""
        if not self.carried_to:
            return ""
        return "carried to " + ", ".join(meeting_label(i.meeting) for i in self.carried_to)


@dataclass(frozen=True)
class AgendaView:
    """A meeting's agenda as the page and the API show it.

    `rows` are in order with their slots; `ends_at` is when the last item ends;
    `overrun_minutes` is how far it runs past the meeting's end (0 when it fits).
    """

    meeting: Meeting
    rows: list[AgendaRow]
    starts_at: datetime
    ends_at: datetime
    meeting_ends_at: datetime
    total_minutes: int
    overrun_minutes: int
    spare_minutes: int

    @property
    def overruns(self) -> bool:
        return self.overrun_minutes > 0

    @property
    def is_editable(self) -> bool:
        """Items may be added, changed, moved and removed (not once held or cancelled;
        unreached items may still be carried forward)."""
        return self.meeting.status not in (MeetingStatus.HELD, MeetingStatus.CANCELLED)

    @property
    def overrun_text(self) -> str:
        """ "runs 25 minutes over", or "" when the agenda fits."""
        return f"runs {minutes_text(self.overrun_minutes)} over" if self.overruns else ""

    @property
    def summary(self) -> str:
        """ "5 items, 80 minutes: ends 11:20, 40 minutes before the meeting ends"."""
        count = len(self.rows)
        items = "1 item" if count == 1 else f"{count} items"
        head = f"{items}, {minutes_text(self.total_minutes)}: ends {self.ends_at:%H:%M}"
        if self.overruns:
            return (
                f"{head}, so the agenda {self.overrun_text} "
                f"(the meeting ends {self.meeting_ends_at:%H:%M})"
            )
        if self.spare_minutes:
            return f"{head}, {minutes_text(self.spare_minutes)} before the meeting ends"
        return f"{head}, when the meeting ends"

    def row_for(self, item_id: int) -> AgendaRow:
        for row in self.rows:
            if row.item.pk == item_id:
                return row
        raise NotFound(f"No agenda item #{item_id} on {meeting_label(self.meeting)}.")


def agenda_items(meeting: Meeting) -> QuerySet[AgendaItem]:
    """The meeting's items in order, with what the agenda shows of each."""
    return (
        AgendaItem.objects.filter(meeting=meeting)
        .select_related(
            "lead_person",
            "lead_organisation",
            "forward_look_item",
            "carried_from__meeting__group",
        )
        .prefetch_related(
            Prefetch(
                "carried_to",
                queryset=AgendaItem.objects.select_related("meeting__group").order_by(
                    "meeting__start", "id"
                ),
            )
        )
        .order_by("position", "id")
    )


def agenda_items_of(*, user: Any, meetings: Sequence[Meeting]) -> list[AgendaItem]:
    """The items of several meetings the reader may see, by meeting and position (a
    form's choice of the item something was decided under)."""
    return list(
        access.restrict(
            AgendaItem.objects.filter(meeting__in=[m.pk for m in meetings]), user=user
        ).order_by("meeting_id", "position", "id")
    )


def compute_agenda(meeting: Meeting, items: list[AgendaItem]) -> AgendaView:
    """Slots for `items` in order from the meeting's start (a pure function of its inputs)."""
    start = meeting.start
    tz = meeting_tz(meeting)
    rows: list[AgendaRow] = []
    elapsed = 0
    for item in items:
        slot_start = start + timedelta(minutes=elapsed)
        elapsed += item.duration_minutes
        slot_end = start + timedelta(minutes=elapsed)
        carried_to = list(item.carried_to.all()) if item.pk else []
        rows.append(
            AgendaRow(
                item=item,
                start=slot_start.astimezone(tz),
                end=slot_end.astimezone(tz),
                carried_from=item.carried_from if item.carried_from_id else None,
                carried_to=carried_to,
            )
        )
    ends_at = start + timedelta(minutes=elapsed)
    gap = int((ends_at - meeting.end).total_seconds() // 60)
    return AgendaView(
        meeting=meeting,
        rows=rows,
        starts_at=start.astimezone(tz),
        ends_at=ends_at.astimezone(tz),
        meeting_ends_at=meeting.end.astimezone(tz),
        total_minutes=elapsed,
        overrun_minutes=max(0, gap),
        spare_minutes=max(0, -gap),
    )


def agenda_for(meeting: Meeting) -> AgendaView:
    """The agenda of a meeting the caller already may see (from `meeting_get`)."""
    return compute_agenda(meeting, list(agenda_items(meeting)))


def agenda_item_get(*, user: Any, pk: int, meeting_id: int | None = None) -> AgendaItem:
    """One agenda item of a visible meeting; hidden or missing answers NotFound."""
    qs = AgendaItem.objects.select_related("meeting__group__programme").filter(
        pk=pk, meeting__in=_visible_meetings(user)
    )
    if meeting_id is not None:
        qs = qs.filter(meeting_id=meeting_id)
    item = qs.first()
    if item is None:
        raise NotFound(f"No agenda item #{pk}.")
    return item


def next_meeting_after(meeting: Meeting) -> Meeting | None:
    """The group's next meeting that is not cancelled (where unreached items go)."""
    return (
        Meeting.objects.filter(group_id=meeting.group_id, start__gt=meeting.start)
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("group")
        .order_by("start", "id")
        .first()
    )


def lead_people(meeting: Meeting, on: date | None = None) -> QuerySet[Person]:
    """People who may be picked as an item's lead: the group's current members."""
    on = on or meeting_date(meeting)
    current = Membership.objects.filter(current_on(on), group_id=meeting.group_id)
    return Person.objects.filter(pk__in=current.values("person_id")).order_by("name")


# --- agenda templates ----------------------------------------------------------------


def template_items(group: GovernanceGroup) -> list[AgendaTemplateItem]:
    """The group's standing items in the order new meetings get them (at-end ones last)."""
    return list(
        AgendaTemplateItem.objects.filter(group=group)
        .select_related("lead_person", "lead_organisation")
        .order_by("at_end", "position", "id")
    )


# --- forward look --------------------------------------------------------------------


@dataclass(frozen=True)
class ForwardLookSlot:
    """The forward-look items aimed at one meeting (`meeting` None: not yet placed)."""

    meeting: Meeting | None
    items: list[ForwardLookItem] = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.meeting is None:
            return "Not yet placed"
        return (
            f"{meeting_label(self.meeting)}, {local(self.meeting.start, self.meeting):%a %d %b %Y}"
        )


@dataclass(frozen=True)
class ForwardLookView:
    """A group's agenda roadmap: its coming meetings, each with the items planned for it,
    and the standing items every meeting has."""

    group: GovernanceGroup
    slots: list[ForwardLookSlot]
    standing: list[AgendaTemplateItem]

    @property
    def item_count(self) -> int:
        return sum(len(s.items) for s in self.slots)


OPEN_FORWARD_LOOK = (ForwardLookStatus.PLANNED, ForwardLookStatus.SCHEDULED)


def forward_look_for(
    *,
    user: Any,
    group: GovernanceGroup,
    today: date | None = None,
    upcoming: int = 4,
    include_closed: bool = False,
) -> ForwardLookView:
    """The group's forward look by meeting: the next `upcoming` meetings (not cancelled)
    from `today`, plus any other meeting an open item is aimed at, in date order; items
    not yet aimed at a meeting come last. Done and dropped items only with `include_closed`.
    """
    if not access.may_view(user=user, obj=group):
        raise NotFound(f"No group {group.acronym!r}.")
    today = today or today_for(group.programme)
    from_start = datetime.combine(today, time.min, tzinfo=group_tz(group))
    items_qs = (
        ForwardLookItem.objects.filter(group=group)
        .select_related("target_meeting__group", "lead_person", "lead_organisation")
        .prefetch_related("agenda_items__meeting__group")
    )
    if not include_closed:
        items_qs = items_qs.filter(status__in=OPEN_FORWARD_LOOK)
    items = list(items_qs.order_by("target_meeting__start", "id"))
    coming = list(
        Meeting.objects.filter(group=group, start__gte=from_start)
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("group")
        .order_by("start", "id")[: max(0, upcoming)]
    )
    meetings: dict[int, Meeting] = {m.pk: m for m in coming}
    for item in items:
        if item.target_meeting is not None:
            meetings.setdefault(item.target_meeting.pk, item.target_meeting)
    by_meeting: dict[int | None, list[ForwardLookItem]] = {}
    for item in items:
        by_meeting.setdefault(item.target_meeting_id, []).append(item)
    slots = [
        ForwardLookSlot(meeting=m, items=by_meeting.get(m.pk, []))
        for m in sorted(meetings.values(), key=lambda m: (m.start, m.pk))
    ]
    if by_meeting.get(None):
        slots.append(ForwardLookSlot(meeting=None, items=by_meeting[None]))
    return ForwardLookView(group=group, slots=slots, standing=template_items(group))


def forward_look_item_get(*, user: Any, pk: int) -> ForwardLookItem:
    item = (
        ForwardLookItem.objects.select_related("group__programme", "target_meeting__group")
        .filter(pk=pk)
        .first()
    )
    if item is None or not access.may_view(user=user, obj=item.group):
        raise NotFound(f"No forward-look item #{pk}.")
    return item
