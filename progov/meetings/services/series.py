"""Writes for meetings as such: generating a group's series, moving, cancelling, holding."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from progov.audit.services import diff, record_create, record_many
from progov.audit.writes import WritePath, insert, update_versioned
from progov.calendars.selectors import calendar_for_programme
from progov.core import access
from progov.core.bounds import check_bounds
from progov.core.errors import ValidationError
from progov.governance.models import GovernanceGroup, GroupStatus, GroupStatusChange
from progov.governance.services import snapshot
from progov.meetings.models import (
    AgendaItem,
    AgendaTemplateItem,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
)
from progov.meetings.occurrences import group_occurrences
from progov.meetings.times import meeting_tz

SERIES_FIELDS = (
    "starts_on",
    "first_number",
    "ends_on",
    "location",
    "online_link",
    "quorum_chair_required",
    "quorum_min_constituencies",
)
MEETING_FIELDS = (
    "title",
    "start",
    "end",
    "original_start",
    "original_end",
    "status",
    "location",
    "online_link",
    "recording_link",
    "status_note",
    "number_major",
    "number_minor",
)
# A future meeting in one of these states is the schedule's to replace; anything
# moved, cancelled or held is a decision somebody made and is never touched.
_REPLACEABLE = (MeetingStatus.PLANNED, MeetingStatus.CONFIRMED)


@dataclass
class GenerationReport:
    group: str
    created: list[Meeting] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renumbered: int = 0
    kept: int = 0
    on_non_working_days: list[Meeting] = field(default_factory=list)

    def render(self) -> str:
        text = (
            f"{self.group}: {len(self.created)} created, {self.kept} already there, "
            f"{len(self.removed)} removed, {self.renumbered} renumbered"
        )
        if self.on_non_working_days:
            days = ", ".join(f"{m.start:%a %d %b %Y}" for m in self.on_non_working_days[:5])
            more = len(self.on_non_working_days) - 5
            text += f"; on a bank holiday (to move): {days}" + (
                f" and {more} more" if more > 0 else ""
            )
        return text


# --- series --------------------------------------------------------------------------


def _validate_series(series: MeetingSeries) -> None:
    check_bounds(series)
    if series.ends_on is not None and series.ends_on < series.starts_on:
        raise ValidationError.for_field("ends_on", "The series cannot end before it starts.")
    if series.first_number < 1:
        raise ValidationError.for_field("first_number", "Meeting numbers start at 1 or more.")


@transaction.atomic
def configure_meeting_series(
    *, actor: Any, group: GovernanceGroup, starts_on: date, **fields: Any
) -> MeetingSeries:
    """Create or change how a group's meetings are generated (start, numbering, quorum)."""
    access.require(user=actor, action="generate_meetings", obj=group)
    unknown = set(fields) - set(SERIES_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown meeting-series fields: {', '.join(sorted(unknown))}.")
    series = MeetingSeries.objects.select_for_update().filter(group=group).first()
    if series is None:
        series = MeetingSeries(group=group, starts_on=starts_on, **fields)
        _validate_series(series)
        series.save()
        record_create(actor=actor, obj=series, fields=snapshot(series, SERIES_FIELDS))
        return series
    return update_versioned(
        actor=actor,
        model_or_queryset=MeetingSeries,
        pk=series.pk,
        expected_version=None,
        changes={"starts_on": starts_on, **fields},
        fields=SERIES_FIELDS,
        validate=_validate_series,
    )


def _series_for(group: GovernanceGroup, first_day: date) -> MeetingSeries:
    series = MeetingSeries.objects.filter(group=group).first()
    if series is None:
        # A group without a configured series starts where the generation window starts.
        series = MeetingSeries(group=group, starts_on=first_day)
    return series


def _last_meeting_day(group: GovernanceGroup, series: MeetingSeries, until: date) -> date:
    last = until
    if series.ends_on is not None:
        last = min(last, series.ends_on)
    if group.status == GroupStatus.STOOD_DOWN:
        stood_down = (
            GroupStatusChange.objects.filter(group=group, status=GroupStatus.STOOD_DOWN)
            .order_by("-effective_date")
            .values_list("effective_date", flat=True)
            .first()
        )
        if stood_down is not None:
            last = min(last, stood_down - timedelta(days=1))
    return last


def _standing_items(meeting: Meeting, template: list[AgendaTemplateItem]) -> list[AgendaItem]:
    return [
        AgendaItem(
            meeting=meeting,
            position=n,
            title=t.title,
            objective=t.objective,
            item_type=t.item_type,
            duration_minutes=t.duration_minutes,
            is_standing=True,
            lead_person_id=t.lead_person_id,
            lead_organisation_id=t.lead_organisation_id,
            lead_text=t.lead_text,
        )
        for n, t in enumerate(template, start=1)
    ]


def _number_key(m: Meeting) -> datetime:
    return m.scheduled_start or m.start


def _wanted_numbers(meetings: list[Meeting], first_number: int) -> dict[int, tuple[int, int]]:
    """The (major, minor) number each meeting should have, keyed by `id(meeting)` so
    meetings not yet saved can be numbered too (they sort after saved ones at the same
    start)."""
    regular = sorted((m for m in meetings if m.kind == MeetingKind.REGULAR), key=_number_key)
    wanted: dict[int, tuple[int, int]] = {
        id(m): (first_number + i, 0) for i, m in enumerate(regular)
    }
    last_regular = 0
    minors: dict[int, int] = {}
    for m in sorted(meetings, key=lambda m: (m.start, m.pk is None, m.pk or 0)):
        if m.kind == MeetingKind.REGULAR:
            last_regular = wanted[id(m)][0]
            continue
        minors[last_regular] = minors.get(last_regular, 0) + 1
        wanted[id(m)] = (last_regular, minors[last_regular])
    return wanted


def _renumber(
    *,
    actor: Any,
    group: GovernanceGroup,
    first_number: int,
    fresh: frozenset[int] = frozenset(),
    record: bool = True,
) -> tuple[int, list[tuple[Any, str, dict[str, Any]]]]:
    """Number regular meetings 1, 2, 3… (from the series' first number) in schedule order,
    and extraordinary ones after the last regular meeting before them (10.1, 10.2).

    Meetings in `fresh` were created in this act with provisional numbers: they get
    their number without a version bump or an audit entry of their own (their creation
    entry carries it). Returns how many other meetings changed number, and the audit
    entries for them (written here unless `record=False`).
    """
    meetings = list(Meeting.objects.filter(group=group).order_by("start", "id"))
    for m in meetings:
        m.group = group  # str(m) in the audit entries names the group without a query
    numbers = _wanted_numbers(meetings, first_number)
    wanted = {m.pk: numbers[id(m)] for m in meetings}
    changed = [m for m in meetings if (m.number_major, m.number_minor) != wanted[m.pk]]
    if not changed:
        return 0, []
    before = {m.pk: m.number for m in changed}
    # Two steps so the unique (group, number) constraint never sees a transient clash.
    for m in changed:
        m.number_major, m.number_minor = 10_000_000 + m.pk, 0
    Meeting.objects.bulk_update(changed, ["number_major", "number_minor"], batch_size=500)
    audit_items: list[tuple[Any, str, dict[str, Any]]] = []
    for m in changed:
        m.number_major, m.number_minor = wanted[m.pk]
        if m.pk not in fresh:
            m.version += 1
            audit_items.append((m, "update", {"number": [before[m.pk], m.number]}))
    Meeting.objects.bulk_update(
        changed, ["number_major", "number_minor", "version"], batch_size=500
    )
    if record:
        record_many(actor=actor, items=audit_items)
    return len(audit_items), audit_items


@transaction.atomic
def generate_meetings(
    *, actor: Any, group: GovernanceGroup, until: date, now: datetime | None = None
) -> GenerationReport:
    """Create the group's scheduled meetings up to `until`, without duplicating any.

    - Occurrences already present (matched on `scheduled_start`) are kept whatever
      happened to them: a moved or cancelled meeting stays moved or cancelled.
    - Future meetings still `planned`/`confirmed` whose occurrence is no longer in the
      schedule (the schedule changed) are removed, or cancelled when papers or
      attendance already hang on them; held and past meetings are never touched.
    - New meetings get the group's standing agenda items.
    - Numbers follow the schedule order from the series' first number.
    Running it twice writes nothing the second time.
    """
    access.require(user=actor, action="generate_meetings", obj=group)
    now = now or timezone.now()
    group = GovernanceGroup.objects.select_for_update().get(pk=group.pk)
    series = _series_for(group, first_day=now.date())
    report = GenerationReport(group=group.acronym)
    first_day = series.starts_on
    last_day = _last_meeting_day(group, series, until)
    occurrences = group_occurrences(group, first_day, last_day)
    wanted = {o.start: o for o in occurrences}
    existing = list(Meeting.objects.filter(group=group, kind=MeetingKind.REGULAR))
    by_occurrence = {m.scheduled_start: m for m in existing if m.scheduled_start is not None}

    # 1. Future, untouched meetings the schedule no longer has.
    stale = [
        m
        for m in existing
        if m.scheduled_start is not None
        and m.scheduled_start not in wanted
        and m.start > now
        and m.status in _REPLACEABLE
        and m.scheduled_start.date() <= until
    ]
    audit_items: list[tuple[Any, str, dict[str, Any]]] = []
    for m in stale:
        if m.papers.exists() or m.attendance.exclude(status="invited").exists():
            before = snapshot(m, MEETING_FIELDS)
            m.status = MeetingStatus.CANCELLED
            m.status_note = f"No longer in the schedule ({now:%d %b %Y})"
            m.version += 1
            m.save()
            audit_items.append((m, "update", diff(before, snapshot(m, MEETING_FIELDS))))
        else:
            audit_items.append(
                (m, "delete", {"start": [m.start, None], "number": [m.number, None]})
            )
            report.removed.append(f"{m.start:%d %b %Y}")
            m.delete()

    # 2. New occurrences. The past is as it was recorded: an occurrence before the last
    # meeting already held or passed is not invented after the fact (a schedule change
    # must not fill January with Thursdays that never happened), but a new series, or a
    # window reaching beyond what exists, is filled.
    past_starts = [
        m.start for m in existing if m.start <= now and m.pk not in {s.pk for s in stale}
    ]
    history_until = max(past_starts) if past_starts else None
    missing = [
        o
        for o in occurrences
        if o.start not in by_occurrence and (history_until is None or o.start > history_until)
    ]
    # Numbers are provisional until the renumbering pass.
    template = list(
        AgendaTemplateItem.objects.filter(group=group).order_by("at_end", "position", "id")
    )
    base = 20_000_000
    new_meetings = [
        Meeting(
            group=group,
            kind=MeetingKind.REGULAR,
            number_major=base + i,
            number_minor=0,
            scheduled_start=o.start,
            start=o.start,
            end=o.end,
            location=series.location,
            online_link=series.online_link,
        )
        for i, o in enumerate(missing)
    ]
    if new_meetings:
        # When the new meetings only extend the series (nothing already there changes
        # number), they are inserted with their final numbers and no renumbering writes.
        present = list(Meeting.objects.filter(group=group))
        numbers = _wanted_numbers(present + new_meetings, series.first_number)
        if all((m.number_major, m.number_minor) == numbers[id(m)] for m in present):
            for m in new_meetings:
                m.number_major, m.number_minor = numbers[id(m)]
    report.kept = sum(1 for o in occurrences if o.start in by_occurrence)
    created: list[Meeting] = []
    if new_meetings:
        created = Meeting.objects.bulk_create(new_meetings, batch_size=500)
        if connection_lacks_returning(created):
            created = list(
                Meeting.objects.filter(
                    group=group, scheduled_start__in=[o.start for o in missing]
                ).order_by("start")
            )
        items = [it for m in created for it in _standing_items(m, template)]
        AgendaItem.objects.bulk_create(items, batch_size=1000)
    # New meetings take their final numbers here; meetings that already existed and
    # change number (a schedule change, an earlier start) each get an audit entry.
    report.renumbered, renumber_items = _renumber(
        actor=actor,
        group=group,
        first_number=series.first_number,
        fresh=frozenset(m.pk for m in created),
        record=False,
    )
    if created:
        final = {
            pk: (major, minor)
            for pk, major, minor in Meeting.objects.filter(
                pk__in=[m.pk for m in created]
            ).values_list("pk", "number_major", "number_minor")
        }
        for m in created:
            m.number_major, m.number_minor = final[m.pk]
        audit_items += [
            (
                m,
                "create",
                {
                    "group": [None, group.acronym],
                    "number": [None, m.number],
                    "start": [None, m.start],
                    "end": [None, m.end],
                    "kind": [None, m.kind],
                    "status": [None, m.status],
                },
            )
            for m in created
        ]
        report.created = created
        calendar = calendar_for_programme(group.programme)
        report.on_non_working_days = [
            m for m in created if not calendar.is_working_day(m.start.date())
        ]
    record_many(actor=actor, items=audit_items + renumber_items)
    return report


def connection_lacks_returning(created: list[Meeting]) -> bool:
    """bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35; older SQLite does not."""
    return any(m.pk is None for m in created)


# --- one meeting ---------------------------------------------------------------------


_MEETINGS = WritePath(Meeting.objects.select_related("group"), MEETING_FIELDS)


def _check_times(start: datetime, end: datetime) -> None:
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValidationError.for_field(
            "start", "Give times with a time zone (e.g. 2022-09-22T10:00+01:00)."
        )
    if end <= start:
        raise ValidationError.for_field("end", "The meeting must end after it starts.")


def _day_off(meeting: Meeting, start: datetime) -> str:
    """Why the local day of `start` is not worked ("Christmas Day", "Saturday"), or ''."""
    day = start.astimezone(meeting_tz(meeting)).date()
    calendar = calendar_for_programme(meeting.group.programme)
    if calendar.is_working_day(day):
        return ""
    return calendar.reason_not_working(day) or f"{day:%A}"


@transaction.atomic
def move_meeting(
    *,
    actor: Any,
    meeting: Meeting,
    expected_version: int | None,
    start: datetime,
    end: datetime,
    note: str = "",
    non_working_day_reason: str = "",
) -> Meeting:
    """Move a meeting to a new time; it keeps its original date (TMAG 21 → 22 Sep 2022).

    Onto a day that is not worked (a weekend, a bank holiday, a closure day) only with a
    reason for meeting then, kept in the meeting's note: "Thu 25 Dec 2024 is Christmas
    Day" refuses the move otherwise."""
    with _MEETINGS.change(actor, meeting, expected_version, "move") as change:
        meeting = change.obj
        _check_times(start, end)
        if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.HELD):
            raise ValidationError(
                f"A {meeting.get_status_display().lower()} meeting cannot be moved."
            )
        day_off = _day_off(meeting, start)
        reason = non_working_day_reason.strip()
        if day_off and not reason:
            local = start.astimezone(meeting_tz(meeting))
            raise ValidationError.for_field(
                "non_working_day_reason",
                f"{local:%a %-d %b %Y} is {day_off}, not a working day: nothing was moved. "
                "To meet then anyway, give the reason.",
            )
        if meeting.original_start is None:
            meeting.original_start, meeting.original_end = meeting.start, meeting.end
        meeting.start, meeting.end = start, end
        meeting.status = MeetingStatus.MOVED
        meeting.status_note = " — ".join(p for p in (note.strip(), reason if day_off else "") if p)
    return meeting


@transaction.atomic
def cancel_meeting(
    *, actor: Any, meeting: Meeting, expected_version: int | None, note: str
) -> Meeting:
    """Cancel (stand down) a meeting, saying why ("Stood down: no agenda items");
    regeneration leaves it cancelled, and `reinstate_meeting` undoes it."""
    with _MEETINGS.change(actor, meeting, expected_version, "cancel") as change:
        meeting = change.obj
        if meeting.status == MeetingStatus.HELD:
            raise ValidationError("A meeting that was held cannot be cancelled.")
        if meeting.status == MeetingStatus.CANCELLED:
            raise ValidationError("The meeting is cancelled already.")
        if not note.strip():
            raise ValidationError.for_field(
                "note", "Say why the meeting is cancelled: it is shown with the meeting."
            )
        meeting.status = MeetingStatus.CANCELLED
        meeting.status_note = note.strip()
    return meeting


@transaction.atomic
def reinstate_meeting(
    *, actor: Any, meeting: Meeting, expected_version: int | None, note: str = ""
) -> Meeting:
    """Undo a cancellation: the meeting is planned again (or moved, if it had been moved
    before it was cancelled), at the time it had, and its deadlines count again."""
    with _MEETINGS.change(actor, meeting, expected_version, "reinstate") as change:
        meeting = change.obj
        if meeting.status != MeetingStatus.CANCELLED:
            raise ValidationError(
                f"Only a cancelled meeting can be reinstated, not a "
                f"{meeting.get_status_display().lower()} one."
            )
        meeting.status = (
            MeetingStatus.MOVED if meeting.original_start is not None else MeetingStatus.PLANNED
        )
        meeting.status_note = note.strip()
    return meeting


@transaction.atomic
def confirm_meeting(*, actor: Any, meeting: Meeting, expected_version: int | None) -> Meeting:
    with _MEETINGS.change(actor, meeting, expected_version, "confirm") as change:
        meeting = change.obj
        if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.MOVED):
            raise ValidationError(
                "Only a planned or moved meeting can be confirmed, not a "
                f"{meeting.get_status_display().lower()} one."
            )
        meeting.status = MeetingStatus.CONFIRMED
    return meeting


@transaction.atomic
def mark_meeting_held(
    *,
    actor: Any,
    meeting: Meeting,
    expected_version: int | None,
    recording_link: str | None = None,
    now: datetime | None = None,
) -> Meeting:
    """Record that the meeting took place; its headline report draft starts now."""
    from progov.meetings.services.reports import start_headline_report

    now = now or timezone.now()
    with _MEETINGS.change(actor, meeting, expected_version, "mark_held") as change:
        meeting = change.obj
        if meeting.status == MeetingStatus.CANCELLED:
            raise ValidationError("A cancelled meeting cannot be marked held.")
        if meeting.start > now:
            raise ValidationError("A meeting cannot be marked held before it starts.")
        meeting.status = MeetingStatus.HELD
        if recording_link is not None:
            meeting.recording_link = recording_link
    start_headline_report(actor=actor, meeting=meeting)
    return meeting


@transaction.atomic
def mark_meetings_held(
    *, actor: Any, meetings: list[Meeting], now: datetime | None = None
) -> list[Meeting]:
    """Mark many past meetings held at once (the secretariat catching up on the meetings
    of the weeks before progov): each as `mark_meeting_held` would, all or none — one
    that may not be marked held (to come, cancelled, another group's) refuses the lot,
    naming it."""
    now = now or timezone.now()
    done = []
    for meeting in meetings:
        try:
            done.append(
                mark_meeting_held(
                    actor=actor, meeting=meeting, expected_version=meeting.version, now=now
                )
            )
        except ValidationError as exc:
            raise ValidationError(
                f"{meeting.group.acronym} #{meeting.number}: {exc.message} Nothing was marked."
            ) from exc
    return done


@transaction.atomic
def update_meeting(
    *, actor: Any, meeting: Meeting, expected_version: int | None, **changes: Any
) -> Meeting:
    """Change a meeting's title, place, online link or recording link (the date and the
    status are changed by their own verbs: move, cancel, confirm, mark held)."""
    return update_versioned(
        actor=actor,
        model_or_queryset=Meeting.objects.select_related("group"),
        pk=meeting.pk,
        expected_version=expected_version,
        changes={key: value or "" for key, value in changes.items()},
        fields=("title", "location", "online_link", "recording_link"),
    )


@transaction.atomic
def create_extraordinary_meeting(
    *,
    actor: Any,
    group: GovernanceGroup,
    start: datetime,
    end: datetime,
    title: str = "",
    location: str = "",
    online_link: str = "",
) -> Meeting:
    """Add an extraordinary meeting (PSG 30 Oct 2023 for the M9 decision), numbered
    after the last regular meeting before it."""
    access.require(user=actor, action="create", obj=Meeting(group=group))
    _check_times(start, end)
    group = GovernanceGroup.objects.select_for_update().get(pk=group.pk)
    series = _series_for(group, first_day=start.date())
    template = list(
        AgendaTemplateItem.objects.filter(group=group).order_by("at_end", "position", "id")
    )
    meeting = insert(
        Meeting,
        group=group,
        kind=MeetingKind.EXTRAORDINARY,
        number_major=30_000_000,
        number_minor=0,
        start=start,
        end=end,
        title=title,
        location=location,
        online_link=online_link,
    )
    AgendaItem.objects.bulk_create(_standing_items(meeting, template))
    _renumber(
        actor=actor, group=group, first_number=series.first_number, fresh=frozenset({meeting.pk})
    )
    meeting.refresh_from_db()
    record_create(actor=actor, obj=meeting, fields=snapshot(meeting, MEETING_FIELDS))
    return meeting
