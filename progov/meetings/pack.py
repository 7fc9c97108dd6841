"""The meetings section of a data pack: how each group's meetings are generated, and the
known departures from the schedules.

Inside a group entry, `meetings:` gives the series (where it starts, its first number,
its end, location and online link), the quorum and the standing agenda items; at the
top level, `meeting_changes:` lists moved and cancelled meetings and extraordinary ones
(TMAG's meeting of Wed 21 Sep 2022 held on Thu 22 Sep; PSG's extraordinary meeting of
30 Oct 2023 for the M9 decision).

Loading a pack writes the series and standing items. Meetings themselves are generated
by `progov meetings generate`, which with `--pack` then applies the pack's
`meeting_changes` through `apply_meeting_changes` (each change through the service
`apply_meeting_change`), matching a moved or cancelled meeting by group and scheduled
date, so it too can run any number of times.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.db import transaction

from progov.core.packs import (
    ApplyContext,
    Checker,
    ExportContext,
    Map,
    PackError,
    PackSection,
    ReadPack,
    SchemaContext,
    ValidationContext,
    differences,
    guard,
    items,
    register_pack_section,
    unique,
)
from progov.core.packs import schema as js
from progov.governance import selectors as governance_selectors
from progov.governance.models import GovernanceGroup, GroupStatus
from progov.governance.pack import (
    GovernanceApplier,
    GovernanceSpec,
    GroupSpec,
    StatusSpec,
    group_ref,
)
from progov.governance.timezones import DEFAULT_TIMEZONE
from progov.meetings import services
from progov.meetings.models import AgendaItemType, Meeting, MeetingKind, MeetingStatus
from progov.meetings.occurrences import occurrences
from progov.meetings.selectors import packs as selectors


@dataclass
class StandingItemSpec:
    line: int
    title: str
    objective: str
    item_type: str
    lead: str
    minutes: int
    at_end: bool


@dataclass
class MeetingSeriesSpec:
    line: int
    starts_on: date
    first_number: int
    ends_on: date | None
    location: str
    online_link: str
    quorum_chair_required: bool
    quorum_min_constituencies: int
    standing_items: list[StandingItemSpec]


@dataclass
class MeetingChangeSpec:
    """A known departure from a group's schedule, applied after meetings are generated.

    Example: TMAG's meeting scheduled for Wed 21 Sep 2022 was held on Thu 22 Sep 2022
    10:00-12:00 (`change: move`); PSG's extraordinary meeting of 30 Oct 2023 for the
    M9 decision (`change: extraordinary`).
    """

    line: int
    group: str
    change: Literal["move", "cancel", "extraordinary"]
    day: date
    to: date | None
    start: time | None
    end: time | None
    title: str
    location: str
    online_link: str
    note: str


MEETINGS_KEYS = (
    "from",
    "first_number",
    "until",
    "location",
    "online_link",
    "quorum",
    "standing_items",
)
STANDING_ITEM_KEYS = ("title", "objective", "type", "lead", "minutes", "at_end")
MEETING_CHANGE_KEYS: dict[str, tuple[str, ...]] = {
    "move": ("group", "change", "date", "to", "start", "end", "note"),
    "cancel": ("group", "change", "date", "note"),
    "extraordinary": (
        "group",
        "change",
        "date",
        "start",
        "end",
        "title",
        "location",
        "online_link",
    ),
}
# As the meeting models and agenda services allow.
MAX_ITEM_MINUTES = 480


def stood_down_on(history: list[StatusSpec]) -> date | None:
    """The date a group stood down, if its history ends there."""
    if history and history[-1].status == GroupStatus.STOOD_DOWN:
        return history[-1].date
    return None


def _meeting_series(
    c: Checker, group: Map, what: str, *, has_schedule: bool, history: list[StatusSpec]
) -> MeetingSeriesSpec | None:
    """A group's `meetings:` block: where its series starts, its first number, quorum
    and standing agenda items."""
    if group.get("meetings") is None:
        return None
    m = c.mapping(group["meetings"], c.line(group, "meetings"), f"{what}: 'meetings'")
    if m is None:
        return None
    mwhat = f"{what} meetings"
    c.keys(m, mwhat, MEETINGS_KEYS)
    if not has_schedule:
        c.error(
            c.line(group, "meetings"),
            f"{what}: 'meetings' needs a schedule to generate them from, and the group's "
            "schedule is not given (TBC or N/A).",
        )
    starts_on = c.day(m, "from", mwhat, required=True)
    first_number = c.integer(m, "first_number", mwhat, minimum=1, maximum=100_000)
    ends_on = c.day(m, "until", mwhat)
    if starts_on and ends_on and ends_on < starts_on:
        c.error(
            c.line(m, "until"),
            f"{mwhat}: the series ends ({ends_on}) before it starts ({starts_on}).",
        )
    stood_down = stood_down_on(history)
    if starts_on and stood_down and starts_on >= stood_down:
        c.error(
            c.line(m, "from"),
            f"{mwhat}: the series starts ({starts_on}) on or after the group stood down "
            f"({stood_down}), so it would have no meetings.",
        )
    online_link = c.text(m, "online_link", mwhat, max_length=200)
    c.url(c.line(m, "online_link"), online_link, mwhat)
    chair, constituencies = False, 0
    if m.get("quorum") is not None:
        q = c.mapping(m["quorum"], c.line(m, "quorum"), f"{mwhat}: 'quorum'")
        if q is not None:
            c.keys(q, f"{mwhat} quorum", ("chair", "constituencies"))
            chair = c.boolean(q, "chair", f"{mwhat} quorum", default=False)
            constituencies = (
                c.integer(q, "constituencies", f"{mwhat} quorum", minimum=0, maximum=1000) or 0
            )
    return MeetingSeriesSpec(
        line=m.line,
        starts_on=starts_on or date.min,
        first_number=1 if first_number is None else first_number,
        ends_on=ends_on,
        location=c.text(m, "location", mwhat, max_length=200),
        online_link=online_link,
        quorum_chair_required=chair,
        quorum_min_constituencies=constituencies,
        standing_items=_standing_items(c, m, mwhat),
    )


def _standing_items(c: Checker, series: Map, what: str) -> list[StandingItemSpec]:
    out: list[StandingItemSpec] = []
    seen: dict[Any, int] = {}
    items = c.seq(series, "standing_items", what)
    for item, line in zip(items, items.item_lines, strict=True):
        m = c.mapping(item, line, f"{what}: each standing item")
        if m is None:
            continue
        title = c.text(m, "title", f"{what} standing item", required=True, max_length=200)
        iwhat = f"{what} standing item {title!r}"
        c.keys(m, iwhat, STANDING_ITEM_KEYS)
        if title:
            unique(
                c,
                seen,
                title.casefold(),
                line,
                f"{what}: standing item {title!r} is already listed",
            )
        minutes = c.integer(m, "minutes", iwhat, minimum=0, maximum=MAX_ITEM_MINUTES)
        out.append(
            StandingItemSpec(
                line=line,
                title=title,
                objective=c.text(m, "objective", iwhat, max_length=2000),
                item_type=c.choice(
                    m, "type", iwhat, AgendaItemType.values, default=AgendaItemType.INFORMATION
                ),
                lead=c.text(m, "lead", iwhat, max_length=200),
                minutes=5 if minutes is None else minutes,
                at_end=c.boolean(m, "at_end", iwhat, default=False),
            )
        )
    return out


def _scheduled_days(g: GroupSpec, first_day: date, last_day: date) -> list[date]:
    """The days the group's schedule puts a meeting on, from `first_day` to `last_day`."""
    if not g.schedule_rrule or g.schedule_start_time is None or g.schedule_end_time is None:
        return []
    found = occurrences(
        rrule=g.schedule_rrule,
        start_time=g.schedule_start_time,
        end_time=g.schedule_end_time,
        tz_name=DEFAULT_TIMEZONE,  # a pack's groups schedule in the programme's default zone
        first_day=first_day,
        last_day=last_day,
    )
    return [o.start.date() for o in found]


def _meeting_changes(
    c: Checker, doc: Map, groups: dict[str, GroupSpec], series: dict[str, MeetingSeriesSpec]
) -> list[MeetingChangeSpec]:
    out: list[MeetingChangeSpec] = []
    seen: dict[Any, int] = {}
    all_keys = tuple(dict.fromkeys(k for keys in MEETING_CHANGE_KEYS.values() for k in keys))
    for m, line in items(c, doc, "meeting_changes"):
        acronym = group_ref(c, m, "group", "meeting change", groups, required=True)
        change = c.text(m, "change", f"meeting change of {acronym or '?'}", required=True)
        if change and change not in MEETING_CHANGE_KEYS:
            c.error(
                c.line(m, "change"),
                f"meeting change of {acronym or '?'}: 'change' is {change!r}; it must be one "
                f"of {', '.join(MEETING_CHANGE_KEYS)}.",
            )
        day = c.day(m, "date", f"meeting change of {acronym or '?'}", required=True)
        what = f"{change} of {acronym or '?'} {day or '?'}"
        allowed = MEETING_CHANGE_KEYS.get(change, all_keys)
        c.keys(m, what, allowed)
        to = c.day(m, "to", what) if "to" in allowed else None
        required_times = change in ("move", "extraordinary")
        start = c.clock(m, "start", what, required=required_times) if required_times else None
        end = c.clock(m, "end", what, required=required_times) if required_times else None
        if start and end and end <= start:
            c.error(
                c.line(m, "end"),
                f"{what}: it must end ({end:%H:%M}) after it starts ({start:%H:%M}).",
            )
        online_link = c.text(m, "online_link", what, max_length=200)
        c.url(c.line(m, "online_link"), online_link, what)
        spec = MeetingChangeSpec(
            line=line,
            group=acronym,
            change=change,  # type: ignore[arg-type]  # checked against MEETING_CHANGE_KEYS
            day=day or date.min,
            to=to,
            start=start,
            end=end,
            title=c.text(m, "title", what, max_length=200),
            location=c.text(m, "location", what, max_length=200),
            online_link=online_link,
            note=c.text(m, "note", what, max_length=300),
        )
        g = groups.get(acronym.upper()) if acronym else None
        if g is None or day is None or change not in MEETING_CHANGE_KEYS:
            continue
        if change == "extraordinary":
            unique(c, seen, (g.acronym, day, start), line, f"{what} is already listed")
        else:
            unique(
                c,
                seen,
                (g.acronym, day),
                line,
                f"{what}: the meeting of {day} already has a change",
            )
        _check_meeting_change(c, m, what, g, series.get(g.acronym.upper()), spec)
        out.append(spec)
    return out


def _check_meeting_change(
    c: Checker,
    m: Map,
    what: str,
    g: GroupSpec,
    series: MeetingSeriesSpec | None,
    spec: MeetingChangeSpec,
) -> None:
    """The change fits the group's series: a moved or cancelled meeting is one the
    schedule generates; an extraordinary one falls within the series."""
    date_line = c.line(m, "date")
    if series is None:
        c.error(
            c.line(m, "group"),
            f"{what}: {g.acronym} has no 'meetings:' block, so no meetings are generated "
            "for the change to apply to.",
        )
        return
    stood_down = stood_down_on(g.status_history)
    if spec.day < series.starts_on or (series.ends_on and spec.day > series.ends_on):
        c.error(
            date_line,
            f"{what}: {spec.day} is outside {g.acronym}'s series "
            f"({series.starts_on} to {series.ends_on or 'open-ended'}).",
        )
        return
    if stood_down and spec.day >= stood_down:
        c.error(date_line, f"{what}: {g.acronym} stood down on {stood_down}.")
        return
    if spec.change == "extraordinary" and not _scheduled_days(g, series.starts_on, spec.day):
        c.error(
            date_line,
            f"{what}: it comes before {g.acronym}'s first scheduled meeting, so it has no "
            "regular meeting to be numbered after; start the series earlier.",
        )
        return
    if spec.change in ("move", "cancel") and not _scheduled_days(g, spec.day, spec.day):
        c.error(
            date_line,
            f"{what}: {g.acronym}'s schedule has no meeting on {spec.day:%a %d %b %Y} "
            f"(its rule is {g.schedule_rrule}); give the date the meeting was scheduled for.",
        )
        return
    if (
        spec.change == "move"
        and spec.start == g.schedule_start_time
        and spec.end == g.schedule_end_time
        and spec.to in (None, spec.day)
    ):
        c.error(m.line, f"{what}: the move changes neither the day nor the times.")


@dataclass
class MeetingChangesReport:
    """What applying a pack's `meeting_changes` did.

    Example (the MHHS demo, first run): "Meeting changes from mhhs.yaml: 2 moved,
    1 cancelled, 5 extraordinary added, 0 already applied."; a second run reports
    every change already applied and `changed` is False.
    """

    pack: str
    moved: int = 0
    cancelled: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    pending: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.moved or self.cancelled or self.added or self.updated)

    def render(self) -> str:
        if not self.changed:
            head = (
                f"Meeting changes from {self.pack}: nothing changed "
                f"({self.unchanged} already applied)."
            )
        else:
            head = (
                f"Meeting changes from {self.pack}: {self.moved} moved, {self.cancelled} "
                f"cancelled, {self.added} extraordinary added, {self.updated} updated, "
                f"{self.unchanged} already applied."
            )
        lines = [head]
        if self.pending:
            lines.append(f"  {len(self.pending)} not applied (meeting not generated yet):")
            lines += [f"    {p}" for p in self.pending]
        return "\n".join(lines)


@dataclass
class MeetingsSpec:
    """The meetings part of a validated pack: each group's series by upper-cased
    acronym, and the meeting changes in pack order."""

    series: dict[str, MeetingSeriesSpec] = field(default_factory=dict)
    series_groups: list[tuple[GroupSpec, MeetingSeriesSpec]] = field(default_factory=list)
    meeting_changes: list[MeetingChangeSpec] = field(default_factory=list)


def validate_meetings(c: Checker, doc: Map, context: ValidationContext) -> MeetingsSpec:
    governance: GovernanceSpec = context.specs["governance"]
    spec = MeetingsSpec()
    for g in governance.groups:
        if g.entry is None:
            continue
        what = f"group {g.acronym or '(no acronym)'}"
        series = _meeting_series(
            c, g.entry, what, has_schedule=g.schedule_given, history=g.status_history
        )
        if series is not None:
            spec.series_groups.append((g, series))
            if g.acronym:
                spec.series.setdefault(g.acronym.upper(), series)
    spec.meeting_changes = _meeting_changes(c, doc, governance.groups_by_acronym, spec.series)
    return spec


# --- applying the series and standing items ------------------------------------------------


class MeetingsApplier:
    """Writes each group's series and standing items through the meetings services."""

    def __init__(self, spec: MeetingsSpec, context: ApplyContext) -> None:
        self.spec = spec
        self.actor = context.actor
        self.report = context.report
        self.governance: GovernanceApplier = context.results["governance"]
        self.stored = selectors.programme_series(programme=self.governance.programme)

    def run(self) -> None:
        for g, series in self.spec.series_groups:
            group = self.governance.groups.get(g.acronym.upper())
            if group is None:
                continue
            what = f"group {g.acronym} meetings"
            guard(series.line, what, self._series, group, series)
            for item in series.standing_items:
                guard(
                    item.line,
                    f"{what} standing item {item.title!r}",
                    self._standing_item,
                    group,
                    series,
                    item,
                )

    def _series(self, group: GovernanceGroup, s: MeetingSeriesSpec) -> None:
        wanted: dict[str, Any] = {
            "first_number": s.first_number,
            "ends_on": s.ends_on,
            "location": s.location,
            "online_link": s.online_link,
            "quorum_chair_required": s.quorum_chair_required,
            "quorum_min_constituencies": s.quorum_min_constituencies,
        }
        row = self.stored.get(group.pk)
        if row is not None and not differences(row, {"starts_on": s.starts_on, **wanted}):
            self.report.add("meeting_series", "unchanged")
            return
        services.configure_meeting_series(
            actor=self.actor, group=group, starts_on=s.starts_on, **wanted
        )
        self.report.add("meeting_series", "created" if row is None else "updated")

    def _standing_item(
        self, group: GovernanceGroup, s: MeetingSeriesSpec, item: StandingItemSpec
    ) -> None:
        """Create or update one standing item and put it in the pack's place among the
        opening (or the at-end) items; items the pack does not mention stay, after them."""
        kind = [i for i in s.standing_items if i.at_end == item.at_end]
        position = kind.index(item) + 1
        wanted: dict[str, Any] = {
            "objective": item.objective,
            "item_type": item.item_type,
            "duration_minutes": item.minutes,
            "lead_text": item.lead,
        }
        present = selectors.standing_items_of(group=group)
        row = next((i for i in present if i.title == item.title), None)
        if row is None:
            services.add_template_item(
                actor=self.actor,
                group=group,
                title=item.title,
                at_end=item.at_end,
                position=min(position, sum(i.at_end == item.at_end for i in present) + 1),
                **wanted,
            )
            self.report.add("standing_items", "created")
            return
        changes = differences(row, wanted)
        others = [i.pk for i in present if i.at_end == item.at_end and i.pk != row.pk]
        target = min(position, len(others) + 1)
        place = [i.pk for i in present if i.at_end == row.at_end].index(row.pk) + 1
        if row.at_end != item.at_end or place != target:
            changes["at_end"] = item.at_end
            changes["position"] = target
        if not changes:
            self.report.add("standing_items", "unchanged")
            return
        services.update_template_item(actor=self.actor, item=row, **changes)
        self.report.add("standing_items", "updated")


# --- applying the meeting changes (after generation) -----------------------------------------


def apply_meeting_changes(
    pack: ReadPack, *, name: str = "pack", actor: Any = None, groups: Iterable[str] | None = None
) -> MeetingChangesReport:
    """Apply the pack's moves, cancellations and extraordinary meetings to the meetings
    already generated, in one transaction (any refusal rolls all back as a PackError).

    A moved or cancelled meeting is found by group and scheduled date; an extraordinary
    one by group, date and start time. A change already in place writes nothing, so
    this can run after every generation. `groups` (acronyms) limits it to those groups.
    """
    report = MeetingChangesReport(pack=name)
    only = {a.upper() for a in groups} if groups is not None else None
    spec: MeetingsSpec = pack.specs["meetings"]
    governance: GovernanceSpec = pack.specs["governance"]
    assert governance.programme is not None
    changes = [ch for ch in spec.meeting_changes if only is None or ch.group.upper() in only]
    try:
        with transaction.atomic():
            stored = governance_selectors.programme_contents(slug=governance.programme.slug)
            if stored.programme is None and changes:
                raise PackError(
                    [
                        f"line {governance.programme.line}: programme "
                        f"{governance.programme.slug!r} is not loaded; load the pack first."
                    ]
                )
            for ch in changes:
                group = stored.groups.get(ch.group.upper())
                if group is None:
                    raise PackError(
                        [f"line {ch.line}: group {ch.group} is not loaded; load the pack first."]
                    )
                guard(
                    ch.line,
                    f"{ch.change} of {ch.group} {ch.day}",
                    _apply_change,
                    group,
                    ch,
                    actor,
                    report,
                )
    except PackError as exc:
        raise PackError(exc.errors, pack=name) from None
    return report


def _apply_change(
    group: GovernanceGroup, ch: MeetingChangeSpec, actor: Any, report: MeetingChangesReport
) -> None:
    outcome = services.apply_meeting_change(
        actor=actor,
        group=group,
        change=ch.change,
        day=ch.day,
        to=ch.to,
        start=ch.start,
        end=ch.end,
        title=ch.title,
        location=ch.location,
        online_link=ch.online_link,
        note=ch.note,
    )
    label = f"{group.acronym} {ch.day:%a %d %b %Y}"
    if outcome == "pending":
        what = f"{ch.change} meeting" if ch.change == "extraordinary" else ch.change
        report.pending.append(f"{what} of {label} (line {ch.line})")
    elif outcome == "moved":
        report.moved += 1
    elif outcome == "cancelled":
        report.cancelled += 1
    elif outcome == "added":
        report.added += 1
    elif outcome == "updated":
        report.updated += 1
    else:
        report.unchanged += 1


# --- export -------------------------------------------------------------------------------


def _compact(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if v not in (None, "", [])}


def export_series(group: GovernanceGroup, context: ExportContext) -> dict[str, Any]:
    """A group's `meetings:` block, if it has a series."""
    cache = context.cache
    if "meeting_series" not in cache:
        cache["meeting_series"] = selectors.programme_series(programme=context.programme)
        cache["standing_items"] = selectors.programme_standing_items(programme=context.programme)
    series = cache["meeting_series"].get(group.pk)
    if series is None:
        return {}
    standing = [
        _compact(
            {
                "title": i.title,
                "objective": i.objective,
                "type": i.item_type,
                "lead": i.lead_text,
                "minutes": i.duration_minutes,
                "at_end": i.at_end or None,
            }
        )
        for i in cache["standing_items"].get(group.pk, [])
    ]
    quorum: dict[str, Any] = {}
    if series.quorum_chair_required:
        quorum["chair"] = True
    if series.quorum_min_constituencies:
        quorum["constituencies"] = series.quorum_min_constituencies
    block = _compact(
        {
            "from": series.starts_on.isoformat(),
            "first_number": series.first_number,
            "until": series.ends_on.isoformat() if series.ends_on else None,
            "location": series.location,
            "online_link": series.online_link,
            "quorum": quorum or None,
            "standing_items": standing,
        }
    )
    return {"meetings": block}


def _on_schedule(meeting: Meeting, day: date) -> bool:
    g = meeting.group
    if not g.schedule_rrule or g.schedule_start_time is None or g.schedule_end_time is None:
        return False
    found = occurrences(
        rrule=g.schedule_rrule,
        start_time=g.schedule_start_time,
        end_time=g.schedule_end_time,
        tz_name=g.schedule_timezone or "Europe/London",
        first_day=day,
        last_day=day,
    )
    return bool(found)


def export_meeting_changes(context: ExportContext) -> dict[str, Any]:
    """The departures from the schedules as `meeting_changes`, by group and date.

    A regular meeting cancelled because the schedule no longer has it (a schedule
    change) is not a change the pack can express, so it is left out.
    """
    out: list[dict[str, Any]] = []
    for m in selectors.programme_departures(programme=context.programme):
        tz = ZoneInfo(m.group.schedule_timezone or "Europe/London")
        start, end = m.start.astimezone(tz), m.end.astimezone(tz)
        if m.kind == MeetingKind.EXTRAORDINARY:
            out.append(
                _compact(
                    {
                        "group": m.group.acronym,
                        "change": "extraordinary",
                        "date": start.date().isoformat(),
                        "start": f"{start:%H:%M}",
                        "end": f"{end:%H:%M}",
                        "title": m.title,
                        "location": m.location,
                        "online_link": m.online_link,
                    }
                )
            )
            continue
        if m.scheduled_start is None:
            continue
        day = m.scheduled_start.astimezone(tz).date()
        if not _on_schedule(m, day):
            continue
        entry: dict[str, Any]
        if m.status == MeetingStatus.CANCELLED:
            entry = {"group": m.group.acronym, "change": "cancel", "date": day.isoformat()}
        else:
            entry = {
                "group": m.group.acronym,
                "change": "move",
                "date": day.isoformat(),
                "to": start.date().isoformat() if start.date() != day else None,
                "start": f"{start:%H:%M}",
                "end": f"{end:%H:%M}",
            }
        entry["note"] = m.status_note
        out.append(_compact(entry))
    out.sort(key=lambda e: (e["group"].upper(), e["date"], e.get("start", "")))
    return {"meeting_changes": out} if out else {}


# --- JSON Schema -----------------------------------------------------------------------------


def series_schema() -> dict[str, Any]:
    return js.obj(
        {
            "from": js.day("the series' first scheduled meeting is on or after this date"),
            "first_number": js.integer("the number of its first meeting", minimum=1),
            "until": js.day("the last day of the series (default: open-ended)"),
            "location": js.text(max_length=200),
            "online_link": js.text(max_length=200),
            "quorum": js.obj(
                {
                    "chair": js.boolean("the chair (or a delegate) must attend"),
                    "constituencies": js.integer(
                        "at least this many constituencies represented", minimum=0
                    ),
                }
            ),
            "standing_items": js.list_of(
                js.obj(
                    {
                        "title": js.text(max_length=200),
                        "objective": js.text(max_length=2000),
                        "type": js.choice(AgendaItemType.values),
                        "lead": js.text(max_length=200),
                        "minutes": js.integer(minimum=0, maximum=MAX_ITEM_MINUTES),
                        "at_end": js.boolean("after the other items (e.g. AOB)"),
                    },
                    required=("title",),
                )
            ),
        },
        required=("from",),
        description="how the group's meetings are generated from its schedule",
    )


def meeting_changes_schema() -> dict[str, Any]:
    common = {"group": js.text("a group's acronym"), "date": js.day()}
    return js.list_of(
        {
            "oneOf": [
                js.obj(
                    {
                        **common,
                        "change": {"const": "move"},
                        "to": js.day("the day it was held (default: the same day)"),
                        "start": js.clock(),
                        "end": js.clock(),
                        "note": js.text(max_length=300),
                    },
                    required=("group", "change", "date", "start", "end"),
                ),
                js.obj(
                    {**common, "change": {"const": "cancel"}, "note": js.text(max_length=300)},
                    required=("group", "change", "date"),
                ),
                js.obj(
                    {
                        **common,
                        "change": {"const": "extraordinary"},
                        "start": js.clock(),
                        "end": js.clock(),
                        "title": js.text(max_length=200),
                        "location": js.text(max_length=200),
                        "online_link": js.text(max_length=200),
                    },
                    required=("group", "change", "date", "start", "end"),
                ),
            ]
        },
        "known departures from the schedules, applied after meetings are generated",
    )


# --- the section ---------------------------------------------------------------------------


@register_pack_section
class MeetingsSection(PackSection):
    """Each group's meeting series and the meeting changes (see the module docstring)."""

    name = "meetings"
    keys = ("meeting_changes",)
    group_keys = ("meetings",)
    requires = ("governance",)
    kinds = (
        ("meeting_series", "meeting series"),
        ("standing_items", "standing agenda items"),
    )
    report_after = "seats"

    def validate(self, c: Checker, doc: Map, context: ValidationContext) -> MeetingsSpec:
        return validate_meetings(c, doc, context)

    def apply(self, spec: MeetingsSpec, context: ApplyContext) -> None:
        MeetingsApplier(spec, context).run()

    def export(self, context: ExportContext) -> dict[str, Any]:
        return export_meeting_changes(context)

    def export_group(self, group: Any, context: ExportContext) -> dict[str, Any]:
        return export_series(group, context)

    def json_schema(self, context: SchemaContext) -> dict[str, Any]:
        return {"meeting_changes": meeting_changes_schema()}

    def group_json_schema(self) -> dict[str, Any]:
        return {"meetings": series_schema()}
