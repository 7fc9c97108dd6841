"""What the meeting pages show about many meetings at once: a month grid, a list of
upcoming and overdue deadlines, and each group's record of meeting them on time.

Everything is computed in Python from one `meeting_list` query and one
`DeadlineContext` (rules and calendars loaded once), so a page costs the same number
of queries however many meetings it covers; the deadlines page reads its year of
meetings as plain rows of the deadline columns (`FACT_COLUMNS`), not model instances.

    month = Month.parse("2023-09", today=date(2023, 9, 14))
    weeks = month_grid(month, meetings, calendar, today=date(2023, 9, 14))
    overview = deadline_overview(user=user, programme=programme, today=..., window_days=30)
"""

from __future__ import annotations

import calendar as pycalendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from progov.core.workdays import MAX_YEAR, MIN_YEAR, WorkingCalendar
from progov.governance.models import DeadlineKey, GovernanceGroup, Programme
from progov.governance.timezones import group_tz
from progov.meetings.deadlines import PARTICIPANT_DEADLINES, Deadline
from progov.meetings.models import Meeting, MeetingStatus
from progov.meetings.selectors import FACT_COLUMNS, DeadlineContext, facts_from, meeting_list
from progov.meetings.times import meeting_date

WEEKDAYS = [(pycalendar.day_abbr[i], pycalendar.day_name[i]) for i in range(7)]  # Monday first

# How far outside the shown window a meeting can be and still have a deadline in it:
# "after" deadlines fall a few working days after the meeting, and the amendment
# deadline is anchored on the *next* meeting, which for a quarterly group is three
# months on.
MARGIN_BEFORE = timedelta(days=100)
MARGIN_AFTER = timedelta(days=30)


def local_date(meeting: Meeting) -> date:
    return meeting_date(meeting)


# --- months ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    """A calendar month, e.g. September 2023 (`?month=2023-09`)."""

    first: date

    @classmethod
    def parse(cls, value: str | None, *, today: date) -> Month:
        """`YYYY-MM` as the month; anything else (or nothing) is today's month."""
        this_month = cls(today.replace(day=1))
        if not value:
            return this_month
        year, _, month = value.strip().partition("-")
        if not (year.isdigit() and month.isdigit() and len(year) == 4):
            return this_month
        y, m = int(year), int(month)
        # One month's margin at each end, so the grid's edge days stay in range.
        if not (MIN_YEAR < y < MAX_YEAR and 1 <= m <= 12):
            return this_month
        return cls(date(y, m, 1))

    @property
    def last(self) -> date:
        return self.first.replace(day=pycalendar.monthrange(self.first.year, self.first.month)[1])

    @property
    def previous(self) -> Month:
        return Month((self.first - timedelta(days=1)).replace(day=1))

    @property
    def next(self) -> Month:
        return Month(self.last + timedelta(days=1))

    @property
    def param(self) -> str:
        return f"{self.first:%Y-%m}"

    @property
    def label(self) -> str:
        return f"{self.first:%B %Y}"

    @property
    def grid_start(self) -> date:
        """The Monday on or before the 1st."""
        return self.first - timedelta(days=self.first.weekday())

    @property
    def grid_end(self) -> date:
        """The Sunday on or after the last day."""
        return self.last + timedelta(days=6 - self.last.weekday())


@dataclass
class CalendarEntry:
    """A meeting in a calendar cell or list row.

    `day_off` names the bank holiday (or closure day) a meeting that still has to
    happen falls on, e.g. "Late May bank holiday": the secretariat should move it.
    """

    meeting: Meeting
    day_off: str = ""
    deadlines: list[Deadline] = field(default_factory=list)

    @property
    def is_cancelled(self) -> bool:
        return self.meeting.status == MeetingStatus.CANCELLED


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool
    is_weekend: bool
    day_off: str  # a weekday's bank holiday or closure day, e.g. "Boxing Day"
    entries: list[CalendarEntry]


def day_off_of(meeting: Meeting, calendar: WorkingCalendar) -> str:
    """Why the meeting's day is not worked, if it still has to take place; else ''."""
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.HELD):
        return ""
    day = local_date(meeting)
    if calendar.is_working_day(day):
        return ""
    return calendar.reason_not_working(day) or "Not a working day"


def month_grid(
    month: Month, meetings: Iterable[Meeting], calendar: WorkingCalendar, *, today: date
) -> list[list[CalendarDay]]:
    """Weeks (Monday first) covering the month, each day with its meetings by start time."""
    by_day: dict[date, list[CalendarEntry]] = {}
    for m in meetings:
        by_day.setdefault(local_date(m), []).append(
            CalendarEntry(meeting=m, day_off=day_off_of(m, calendar))
        )
    weeks: list[list[CalendarDay]] = []
    day = month.grid_start
    while day <= month.grid_end:
        week = []
        for _ in range(7):
            weekend = day.weekday() >= 5
            week.append(
                CalendarDay(
                    day=day,
                    in_month=day.month == month.first.month,
                    is_today=day == today,
                    is_weekend=weekend,
                    day_off="" if weekend else calendar.reason_not_working(day),
                    entries=by_day.get(day, []),
                )
            )
            day += timedelta(days=1)
        weeks.append(week)
    return weeks


def list_entries(
    meetings: Sequence[Meeting], context: DeadlineContext, calendar: WorkingCalendar
) -> list[CalendarEntry]:
    """Rows of the list view: each meeting with its deadlines and bank-holiday flag."""
    return [
        CalendarEntry(meeting=m, day_off=day_off_of(m, calendar), deadlines=context.deadlines(m))
        for m in meetings
    ]


# --- deadlines across groups -------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineRow:
    """One deadline of one meeting, for the deadlines table."""

    meeting: Meeting
    deadline: Deadline
    days: int  # due date minus today: negative when it has passed

    @property
    def days_overdue(self) -> int:
        return -self.days


@dataclass
class Share:
    """How often one kind of deadline was met on time, e.g. papers 10 of 12 (83%)."""

    key: str
    label: str
    on_time: int = 0
    total: int = 0

    @property
    def short_label(self) -> str:
        return SHORT_LABELS.get(self.key, self.label)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return round(100 * self.on_time / self.total)


@dataclass
class GroupRecord:
    group: GovernanceGroup
    meetings: int
    shares: list[Share | None]  # one per column of DeadlineOverview.record_columns
    column_labels: list[str] = field(default_factory=list)

    @property
    def cells(self) -> list[tuple[str, Share | None]]:
        """(column label, share) pairs, for a table row."""
        return list(zip(self.column_labels, self.shares, strict=True))

    @property
    def summary(self) -> str:
        """ "PSG: papers 10/12 on time (83%), headline report 11/12 (92%)"."""
        parts = [
            f"{s.short_label.lower()} {s.on_time}/{s.total} on time ({s.percent}%)"
            for s in self.shares
            if s is not None and s.total
        ]
        return f"{self.group.acronym}: " + (", ".join(parts) if parts else "no deadlines passed")


@dataclass
class DeadlineOverview:
    today: date
    window_start: date
    window_end: date
    record_since: date
    overdue: list[DeadlineRow]
    upcoming: list[DeadlineRow]
    record_columns: list[tuple[str, str]]  # (key, short label)
    records: list[GroupRecord]

    @property
    def rows(self) -> list[DeadlineRow]:
        return self.overdue + self.upcoming


def _row_key(row: DeadlineRow) -> tuple[Any, ...]:
    return (row.deadline.due, row.meeting.group.acronym, row.meeting.start, row.deadline.key)


def deadline_overview(
    *,
    user: Any,
    programme: Programme | None,
    today: date,
    window_days: int = 30,
    record_since: date | None = None,
    groups: Iterable[str] | None = None,
) -> DeadlineOverview:
    """Overdue deadlines of the last `window_days` (oldest first), then those due in the
    next `window_days`, and per group the share of deadlines met on time for meetings
    from `record_since` to today.

    The record counts only meetings that were not cancelled (they have no deadlines)
    and only deadlines that have passed; participants' deadlines (amendment requests)
    are not the secretariat's to meet and are left out of it.
    """
    window_start = today - timedelta(days=window_days)
    window_end = today + timedelta(days=window_days)
    record_since = record_since or today - timedelta(days=365)
    # A year of meetings is read as plain rows of the columns the deadlines need (no
    # model instances: at 60 groups that is ~1,000 rows); only the meetings with a
    # deadline in the window are then fetched whole, for the table's links.
    rows = list(
        meeting_list(
            user=user,
            programme=programme,
            groups=groups,
            start=min(window_start - MARGIN_BEFORE, record_since),
            end=window_end + MARGIN_AFTER,
        ).values("id", "group_id", *FACT_COLUMNS)
    )
    group_by_id = {
        g.pk: g
        for g in GovernanceGroup.objects.select_related("programme").filter(
            pk__in={r["group_id"] for r in rows}
        )
    }
    context = DeadlineContext.for_groups(group_by_id.values())
    tz_by_group = {pk: group_tz(g) for pk, g in group_by_id.items()}
    overdue: list[tuple[int, Deadline]] = []
    upcoming: list[tuple[int, Deadline]] = []
    columns: dict[str, str] = {}
    shares: dict[int, dict[str, Share]] = {}
    meeting_counts: dict[int, int] = {}
    for r in rows:
        group_id = r["group_id"]
        facts = facts_from(tz=tz_by_group[group_id], **{c: r[c] for c in FACT_COLUMNS})
        deadlines = context.deadlines_of(group_by_id[group_id], facts, today)
        in_record = record_since <= facts.meeting_date <= today and not facts.cancelled
        if in_record:
            meeting_counts[group_id] = meeting_counts.get(group_id, 0) + 1
        for d in deadlines:
            if d.status == "overdue" and window_start <= d.due:
                overdue.append((r["id"], d))
            elif today <= d.due <= window_end:
                upcoming.append((r["id"], d))
            if (
                in_record
                and d.due < today
                and d.key not in PARTICIPANT_DEADLINES
                and d.status != "not_tracked"
            ):
                columns.setdefault(d.key, SHORT_LABELS.get(d.key, d.label))
                share = shares.setdefault(group_id, {}).setdefault(
                    d.key, Share(key=d.key, label=d.label)
                )
                share.total += 1
                share.on_time += d.on_time
    shown = Meeting.objects.in_bulk({pk for pk, _ in overdue + upcoming})
    for meeting in shown.values():  # the groups are loaded already
        meeting.group = group_by_id[meeting.group_id]

    def table(found: list[tuple[int, Deadline]]) -> list[DeadlineRow]:
        return sorted(
            (
                DeadlineRow(meeting=shown[pk], deadline=d, days=(d.due - today).days)
                for pk, d in found
            ),
            key=_row_key,
        )

    group_by_id = {pk: g for pk, g in group_by_id.items() if pk in meeting_counts}
    column_list = sorted(columns.items(), key=lambda kv: _COLUMN_ORDER.get(kv[0], 99))
    records = [
        GroupRecord(
            group=g,
            meetings=meeting_counts.get(g.pk, 0),
            shares=[shares.get(g.pk, {}).get(key) for key, _ in column_list],
            column_labels=[label for _, label in column_list],
        )
        for g in sorted(group_by_id.values(), key=lambda g: (g.level or 99, g.acronym))
    ]
    return DeadlineOverview(
        today=today,
        window_start=window_start,
        window_end=window_end,
        record_since=record_since,
        overdue=table(overdue),
        upcoming=table(upcoming),
        record_columns=column_list,
        records=records,
    )


SHORT_LABELS: dict[str, str] = dict(DeadlineKey.choices)
_COLUMN_ORDER: dict[str, int] = {
    DeadlineKey.PAPERS_DUE: 0,
    DeadlineKey.HEADLINE_REPORT_DUE: 1,
    DeadlineKey.MINUTES_DUE: 2,
    DeadlineKey.DECISIONS_PUBLISHED_DUE: 3,
}
