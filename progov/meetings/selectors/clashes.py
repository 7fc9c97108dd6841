"""Clashes: people expected at two meetings at once, and group schedules that collide.

- **Meeting clashes**: two meetings of different groups overlap in time, and somebody
  holds a membership of both groups current on the meeting dates. Cancelled meetings
  are ignored. Alternates are left out: they attend only in their representative's
  absence, so they are not expected at either meeting.
- **Schedule collisions**: two groups' regular schedules (their RRULEs, over the same
  period) produce overlapping occurrences, and the groups share members; each comes
  with the number of shared members and the dates. These are what the PMO fixes in the
  schedule itself, before meetings are even generated.

Three queries whatever the period's size: the visible groups with a schedule, the
meetings overlapping the period, and the memberships of those groups current at some
point in it. Everything else is computed in memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from progov.core import access
from progov.core.errors import ValidationError
from progov.governance.models import (
    GovernanceGroup,
    GroupStatus,
    Membership,
    MembershipRole,
    Person,
    Programme,
)
from progov.governance.timezones import local_date, programme_tz, today_for
from progov.meetings.models import Meeting, MeetingSeries, MeetingStatus
from progov.meetings.occurrences import Occurrence, group_occurrences
from progov.meetings.times import day_range, meeting_date

DEFAULT_DAYS = 90
MAX_DAYS = 731  # two years: schedules are expanded in memory


@dataclass(frozen=True)
class ClashingPerson:
    person: Person
    first_role: str
    second_role: str


@dataclass(frozen=True)
class MeetingClash:
    """Two overlapping meetings and the people expected at both (overlap in UK time)."""

    first: Meeting
    second: Meeting
    overlap_start: datetime
    overlap_end: datetime
    people: list[ClashingPerson]


@dataclass(frozen=True)
class ScheduleCollision:
    """Two groups whose schedules overlap on `dates`, sharing `shared_members` people."""

    first: GovernanceGroup
    second: GovernanceGroup
    dates: list[date]
    shared: list[Person]
    first_times: str
    second_times: str

    @property
    def shared_members(self) -> int:
        return len(self.shared)


@dataclass(frozen=True)
class Clashes:
    start: date
    end: date
    meetings: list[MeetingClash] = field(default_factory=list)
    schedules: list[ScheduleCollision] = field(default_factory=list)

    @property
    def people_count(self) -> int:
        return len({p.person.pk for c in self.meetings for p in c.people})


def clash_window(
    start: date | None, end: date | None, *, today: date | None = None
) -> tuple[date, date]:
    """The period asked for: by default the next 90 days; at most two years."""
    today = today or timezone.localdate()
    start = start or today
    end = end or start + timedelta(days=DEFAULT_DAYS)
    if end < start:
        raise ValidationError.for_field("end", "The end date is before the start date.")
    if (end - start).days > MAX_DAYS:
        raise ValidationError.for_field(
            "end", f"Look at {MAX_DAYS} days or fewer at a time (two years)."
        )
    return start, end


def _is_current(m: Membership, day: date) -> bool:
    return m.start_date <= day and (m.end_date is None or m.end_date >= day)


def _members_on(memberships: Iterable[Membership], day: date) -> dict[int, Membership]:
    """person id → their first-ranked membership current on `day`."""
    out: dict[int, Membership] = {}
    rank = {role: i for i, role in enumerate(MembershipRole.values)}
    for m in memberships:
        if not _is_current(m, day):
            continue
        held = out.get(m.person_id)
        if held is None or rank.get(m.role, 99) < rank.get(held.role, 99):
            out[m.person_id] = m
    return out


def _role(m: Membership) -> str:
    label = m.get_role_display()
    if m.constituency is not None and m.role == MembershipRole.REPRESENTATIVE:
        return f"{label}, {m.constituency.name}"
    return label


def _overlapping_pairs(
    items: list[tuple[datetime, datetime, int, Any]],
) -> list[tuple[Any, Any, datetime, datetime]]:
    """Pairs of (start, end, group id, payload) of different groups that overlap in time."""
    items = sorted(items, key=lambda it: (it[0], it[1]))
    pairs = []
    for i, (a_start, a_end, a_group, a) in enumerate(items):
        for j in range(i + 1, len(items)):
            b_start, b_end, b_group, b = items[j]
            if b_start >= a_end:
                break
            if b_group != a_group:
                pairs.append((a, b, max(a_start, b_start), min(a_end, b_end)))
    return pairs


def _times(group: GovernanceGroup) -> str:
    if group.schedule_start_time is None or group.schedule_end_time is None:
        return ""
    return f"{group.schedule_start_time:%H:%M}–{group.schedule_end_time:%H:%M}"


def _schedule_window(group: GovernanceGroup, start: date, end: date) -> tuple[date, date]:
    """The part of the period the group's schedule runs in (its series' dates)."""
    try:
        series: MeetingSeries | None = group.meeting_series
    except MeetingSeries.DoesNotExist:
        series = None
    if series is not None:
        start = max(start, series.starts_on)
        if series.ends_on is not None:
            end = min(end, series.ends_on)
    return start, end


def clashes_for(
    *,
    user: Any,
    programme: Programme,
    start: date | None = None,
    end: date | None = None,
    today: date | None = None,
) -> Clashes:
    """Meeting clashes and schedule collisions in [start, end] (default: the next 90 days).

    Dates are the programme's (`Programme.timezone`); who is expected at a meeting is
    read on its own local date.
    """
    tz = programme_tz(programme)
    start, end = clash_window(start, end, today=today or today_for(programme))
    lower, upper = day_range(start, end, tz)
    scheduled = list(
        access.restrict(GovernanceGroup.objects.filter(programme=programme), user=user)
        .exclude(schedule_rrule="")
        .exclude(status=GroupStatus.STOOD_DOWN)
        .select_related("meeting_series")
        .order_by("acronym")
    )
    meeting_qs = access.restrict(
        Meeting.objects.filter(start__lt=upper, end__gt=lower, group__programme=programme),
        user=user,
    )
    meetings = list(
        meeting_qs.exclude(status=MeetingStatus.CANCELLED)
        .select_related("group")
        .order_by("start", "id")
    )
    group_ids = {g.pk for g in scheduled} | {m.group_id for m in meetings}
    by_group: dict[int, list[Membership]] = {}
    for m in (
        Membership.objects.filter(group_id__in=group_ids, start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .exclude(role=MembershipRole.ALTERNATE)
        .select_related("person", "constituency")
        .order_by("person__name", "id")
    ):
        by_group.setdefault(m.group_id, []).append(m)

    # 1. Meetings that overlap, with the people expected at both.
    meeting_clashes = []
    for a, b, overlap_start, overlap_end in _overlapping_pairs(
        [(m.start, m.end, m.group_id, m) for m in meetings]
    ):
        on_a = _members_on(by_group.get(a.group_id, []), meeting_date(a))
        on_b = _members_on(by_group.get(b.group_id, []), meeting_date(b))
        both = sorted(set(on_a) & set(on_b), key=lambda pid: (on_a[pid].person.name, pid))
        if both:
            meeting_clashes.append(
                MeetingClash(
                    first=a,
                    second=b,
                    overlap_start=overlap_start.astimezone(tz),
                    overlap_end=overlap_end.astimezone(tz),
                    people=[
                        ClashingPerson(on_a[pid].person, _role(on_a[pid]), _role(on_b[pid]))
                        for pid in both
                    ],
                )
            )

    # 2. Schedules whose occurrences overlap, for groups that share members.
    occurrences: list[tuple[datetime, datetime, int, tuple[GovernanceGroup, Occurrence]]] = []
    for g in scheduled:
        first_day, last_day = _schedule_window(g, start, end)
        occurrences += [
            (o.start, o.end, g.pk, (g, o)) for o in group_occurrences(g, first_day, last_day)
        ]
    collisions: dict[tuple[int, int], dict[str, Any]] = {}
    for (ga, oa), (gb, ob), _, _ in _overlapping_pairs(occurrences):
        first, second = sorted((ga, gb), key=lambda g: (g.acronym, g.pk))
        day = local_date(max(oa.start, ob.start), tz)
        on_first = _members_on(by_group.get(first.pk, []), day)
        on_second = _members_on(by_group.get(second.pk, []), day)
        shared = set(on_first) & set(on_second)
        if not shared:
            continue
        entry = collisions.setdefault(
            (first.pk, second.pk),
            {"first": first, "second": second, "dates": [], "people": {}},
        )
        entry["dates"].append(day)
        for pid in shared:
            entry["people"][pid] = on_first[pid].person
    schedule_collisions = [
        ScheduleCollision(
            first=e["first"],
            second=e["second"],
            dates=sorted(set(e["dates"])),
            shared=sorted(e["people"].values(), key=lambda p: (p.name, p.pk)),
            first_times=_times(e["first"]),
            second_times=_times(e["second"]),
        )
        for e in collisions.values()
    ]
    schedule_collisions.sort(key=lambda c: (-c.shared_members, c.first.acronym, c.second.acronym))
    return Clashes(start=start, end=end, meetings=meeting_clashes, schedules=schedule_collisions)
