"""Programme data packs: a programme's whole governance set-up in one human-editable YAML file.

A pack (e.g. `progov/packs/mhhs.yaml`) declares the programme, its workstreams, market
roles, constituencies, organisations and people; every governance group with its level,
parent, schedule in the seeds' own phrasing ("1st Wednesday of each month, 1000-1200"),
dated status history, terms of reference and seats; restructures between groups
(TMAG → SITAG, MCAG, QAG); the framework's change record; its working-day deadline
rules; the regulator's thresholds; per group, how its meetings are generated (series
start and first number, quorum, standing agenda items); and the known departures from the
schedules (`meeting_changes`: moved and cancelled meetings, extraordinary ones).

Loading happens in two steps:

1. **Validate** the whole file and collect every problem as "line N: message" (unknown
   keys, missing fields, unknown references, duplicate acronyms, parent cycles, a child
   not below its parent, unparseable schedules, bad dates and enum values). Any problem
   raises `PackError` carrying all of them, and nothing is written.
2. **Apply** it in one transaction through the governance services (each writes its own
   audit entry), matching existing rows by natural key and changing only what differs.
   Loading the same pack twice therefore writes no row and no audit entry. If a service
   refuses anything, the whole load rolls back.

The loader never deletes: a row the pack no longer mentions is left as it is.

Meetings themselves are not written by a load: `progov meetings generate` creates them
from the schedules and series, then `apply_meeting_changes` (its `--pack` option) applies
the pack's `meeting_changes` to what was generated, matching a moved or cancelled meeting
by group and scheduled date, so it too can run any number of times.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

import yaml
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q

from progov.calendars.workdays import CALENDARS
from progov.core.errors import DomainError
from progov.governance import services
from progov.governance.models import (
    AttendancePolicy,
    Constituency,
    ConstituencyKind,
    DeadlineRule,
    FrameworkVersion,
    GovernanceGroup,
    GroupStatus,
    GroupSuccession,
    MarketRole,
    Membership,
    MembershipRole,
    Organisation,
    Person,
    Programme,
    RegulatorThreshold,
    Seat,
    TermsOfReference,
    Visibility,
    Workstream,
)
from progov.governance.schedules import ScheduleError, parse_schedule_text
from progov.governance.timezones import DEFAULT_TIMEZONE

# --- errors and the report -----------------------------------------------------------


class PackError(Exception):
    """The pack cannot be loaded; `errors` lists every problem as "line N: message"."""

    def __init__(self, errors: list[str], *, pack: str = "") -> None:
        self.errors = list(errors)
        self.pack = pack
        super().__init__(self.render())

    def render(self) -> str:
        name = f"Pack {self.pack}" if self.pack else "The pack"
        count = len(self.errors)
        head = f"{name} has {count} error{'s' if count != 1 else ''}; nothing was loaded:"
        return "\n".join([head, *(f"  {e}" for e in self.errors)])


Outcome = Literal["created", "updated", "unchanged"]

# The kinds of object a pack holds, in the order they are applied and reported.
KINDS: tuple[tuple[str, str], ...] = (
    ("programme", "programme"),
    ("workstreams", "workstreams"),
    ("market_roles", "market roles"),
    ("constituencies", "constituencies"),
    ("organisations", "organisations"),
    ("people", "people"),
    ("groups", "groups"),
    ("status_history", "status history"),
    ("terms_of_reference", "terms of reference"),
    ("seats", "seats"),
    ("meeting_series", "meeting series"),
    ("standing_items", "standing agenda items"),
    ("successions", "successions"),
    ("memberships", "memberships"),
    ("framework_versions", "framework versions"),
    ("deadline_rules", "deadline rules"),
    ("thresholds", "regulator thresholds"),
)


@dataclass
class KindCount:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class LoadReport:
    """What one load did, per kind of object.

    Example (first load of mhhs.yaml): groups 25 created, 0 updated, 0 unchanged; a
    second load reports every object unchanged and `changed` is False.
    """

    pack: str
    programme: str
    counts: dict[str, KindCount] = field(
        default_factory=lambda: {kind: KindCount() for kind, _ in KINDS}
    )

    def add(self, kind: str, outcome: Outcome, n: int = 1) -> None:
        count = self.counts[kind]
        setattr(count, outcome, getattr(count, outcome) + n)

    def total(self, outcome: Outcome) -> int:
        return sum(getattr(c, outcome) for c in self.counts.values())

    @property
    def changed(self) -> bool:
        return bool(self.total("created") or self.total("updated"))

    def render(self) -> str:
        """The report the command prints, e.g. "Loaded pack mhhs.yaml for MHHS: …"."""
        objects = sum(c.total for c in self.counts.values())
        if not self.changed:
            return (
                f"Loaded pack {self.pack} for {self.programme}: nothing changed "
                f"({objects} objects already up to date)."
            )
        lines = [
            f"Loaded pack {self.pack} for {self.programme}: {self.total('created')} created, "
            f"{self.total('updated')} updated, {self.total('unchanged')} unchanged."
        ]
        for kind, label in KINDS:
            c = self.counts[kind]
            if c.total:
                lines.append(
                    f"  {label:<22}{c.created:>5} created {c.updated:>5} updated "
                    f"{c.unchanged:>5} unchanged"
                )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


# --- YAML with line numbers ----------------------------------------------------------

# Dates and decimals stay text so that a bad date ("2023-02-30") is a line-numbered
# validation error rather than a parser crash, and "3.10" stays the version "3.10".
_TEXT_TAGS = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:float"}


class _Map(dict[Any, Any]):
    """A YAML mapping that remembers where it and each of its keys sit in the file."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}
        # The source text of scalar values, so `acronym: NO` or `version: 1` can be read
        # as the text written rather than YAML 1.1's boolean/integer.
        self.raw: dict[Any, str] = {}
        self.duplicates: list[tuple[Any, int]] = []


class _Seq(list[Any]):
    """A YAML sequence that remembers the line of each item."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


class _PackLoader(yaml.SafeLoader):
    """SafeLoader keeping line numbers (see `_Map`, `_Seq`) and reading dates as text."""


_PackLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _TEXT_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_map(loader: _PackLoader, node: yaml.MappingNode) -> Iterator[_Map]:
    data = _Map(node.start_mark.line + 1)
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be plain text", key_node.start_mark
            )
        # Keys merged in with `<<:` sit before this mapping; overriding them is allowed.
        if key in data and data.key_lines.get(key, 0) >= data.line:
            data.duplicates.append((key, line))
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = line
        if isinstance(value_node, yaml.ScalarNode):
            data.raw[key] = value_node.value


def _construct_seq(loader: _PackLoader, node: yaml.SequenceNode) -> Iterator[_Seq]:
    data = _Seq(node.start_mark.line + 1)
    yield data
    for child in node.value:
        data.append(loader.construct_object(child, deep=True))
        data.item_lines.append(child.start_mark.line + 1)


_PackLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_PackLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def parse_yaml(text: str) -> Any:
    """Read pack text into `_Map`/`_Seq` trees; a syntax error is a line-numbered PackError."""
    try:
        return yaml.load(text, Loader=_PackLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "syntax error"
        raise PackError([f"line {line}: not valid YAML: {problem}"]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error we know is marked
        raise PackError([f"line 1: not valid YAML: {exc}"]) from None


# --- what a valid pack holds -----------------------------------------------------------


@dataclass
class ProgrammeSpec:
    line: int
    slug: str
    name: str
    short_name: str
    description: str
    sponsor: str
    governance_calendar: str


@dataclass
class WorkstreamSpec:
    line: int
    name: str
    mailbox: str


@dataclass
class MarketRoleSpec:
    line: int
    code: str
    name: str


@dataclass
class ConstituencySpec:
    line: int
    code: str
    name: str
    kind: str
    description: str


@dataclass
class OrganisationSpec:
    line: int
    name: str
    short_name: str
    website: str
    market_roles: list[str]


@dataclass
class PersonSpec:
    line: int
    name: str
    email: str
    job_title: str
    organisation: str


@dataclass
class StatusSpec:
    line: int
    status: str
    date: date
    note: str


@dataclass
class TorSpec:
    line: int
    version: str
    date: date
    change_note: str
    text: str


@dataclass
class SeatSpec:
    line: int
    label: str
    role: str
    constituency: str
    position: int


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
class GroupSpec:
    line: int
    acronym: str
    name: str
    level: int | None
    parent: str
    parent_line: int
    workstream: str
    purpose: str
    objectives: list[str]
    attendance: str
    attendance_note: str
    status: str
    status_history: list[StatusSpec]
    timeframe: str
    is_formal: bool
    visibility: str
    schedule_rrule: str
    schedule_start_time: time | None
    schedule_end_time: time | None
    schedule_note: str
    terms_of_reference: list[TorSpec]
    seats: list[SeatSpec]
    meetings: MeetingSeriesSpec | None = None


@dataclass
class SuccessionSpec:
    line: int
    predecessor: str
    successor: str
    date: date | None
    reason: str


@dataclass
class MembershipSpec:
    line: int
    group: str
    person: str
    role: str
    seat: str
    constituency: str
    part: str
    start_date: date
    end_date: date | None


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


@dataclass
class FrameworkVersionSpec:
    line: int
    version: str
    date: date
    author: str
    change_detail: str


@dataclass
class DeadlineRuleSpec:
    line: int
    key: str
    label: str
    working_days: int
    direction: str
    anchor: str
    group: str
    levels: list[int]
    effective_from: date | None
    effective_to: date | None
    source: str


@dataclass
class ThresholdSpec:
    line: int
    key: str
    description: str
    amount: Decimal | None
    currency: str
    cumulative: bool


@dataclass
class PackSpec:
    """A validated pack, ready to apply."""

    programme: ProgrammeSpec
    workstreams: list[WorkstreamSpec] = field(default_factory=list)
    market_roles: list[MarketRoleSpec] = field(default_factory=list)
    constituencies: list[ConstituencySpec] = field(default_factory=list)
    organisations: list[OrganisationSpec] = field(default_factory=list)
    people: list[PersonSpec] = field(default_factory=list)
    groups: list[GroupSpec] = field(default_factory=list)
    successions: list[SuccessionSpec] = field(default_factory=list)
    memberships: list[MembershipSpec] = field(default_factory=list)
    framework_versions: list[FrameworkVersionSpec] = field(default_factory=list)
    deadline_rules: list[DeadlineRuleSpec] = field(default_factory=list)
    thresholds: list[ThresholdSpec] = field(default_factory=list)
    meeting_changes: list[MeetingChangeSpec] = field(default_factory=list)


# --- validation ----------------------------------------------------------------------

_MISSING = object()
_INVALID = object()  # a value of the wrong shape, already reported
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
# An acronym names a group in web addresses (/groups/BPRWG-TDWG/), so no slash or space.
_ACRONYM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")

TOP_LEVEL_KEYS = (
    "format",
    "programme",
    "workstreams",
    "market_roles",
    "constituencies",
    "organisations",
    "people",
    "groups",
    "successions",
    "memberships",
    "framework_versions",
    "deadline_rules",
    "regulator_thresholds",
    "meeting_changes",
)
PROGRAMME_KEYS = (
    "slug",
    "name",
    "short_name",
    "description",
    "sponsor",
    "governance_calendar",
)
GROUP_KEYS = (
    "acronym",
    "name",
    "level",
    "parent",
    "workstream",
    "purpose",
    "objectives",
    "attendance",
    "attendance_note",
    "status",
    "status_history",
    "timeframe",
    "is_formal",
    "visibility",
    "schedule",
    "terms_of_reference",
    "seats",
    "meetings",
)
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


def _describe(value: Any) -> str:
    if isinstance(value, _Map):
        return "a mapping"
    if isinstance(value, _Seq):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value)


class _Checker:
    """Reads typed values out of `_Map`s, collecting line-numbered errors as it goes."""

    def __init__(self) -> None:
        self.errors: list[tuple[int, str]] = []

    def error(self, line: int, message: str) -> None:
        self.errors.append((line, message))

    @staticmethod
    def line(m: _Map, key: str) -> int:
        return m.key_lines.get(key, m.line)

    def mapping(self, value: Any, line: int, what: str) -> _Map | None:
        if isinstance(value, _Map):
            return value
        self.error(line, f"{what} must be a mapping of 'key: value' lines, not {_describe(value)}.")
        return None

    def keys(self, m: _Map, what: str, allowed: Iterable[str]) -> None:
        allowed = tuple(allowed)
        for key, line in m.duplicates:
            self.error(line, f"{what}: {key!r} is given twice.")
        for key in m:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.error(
                    m.key_lines[key],
                    f"{what}: unknown key {key!r}{hint}; allowed: {', '.join(allowed)}.",
                )

    def _scalar(self, m: _Map, key: str, what: str) -> Any:
        value = m.get(key, _MISSING)
        if isinstance(value, _Map | _Seq):
            self.error(
                self.line(m, key),
                f"{what}: {key!r} must be a single value, not {_describe(value)}.",
            )
            return _INVALID
        return value

    def text(
        self,
        m: _Map,
        key: str,
        what: str,
        *,
        required: bool = False,
        max_length: int | None = None,
    ) -> str:
        value = self._scalar(m, key, what)
        if value is _INVALID:
            return ""
        if value is _MISSING or value is None:
            if required:
                self.error(self.line(m, key), f"{what}: {key!r} is required.")
            return ""
        # A plain scalar YAML would read as a boolean or a number is taken as written.
        text = value if isinstance(value, str) else m.raw.get(key, str(value))
        text = text.strip()
        if required and not text:
            self.error(self.line(m, key), f"{what}: {key!r} is required.")
        if max_length is not None and len(text) > max_length:
            self.error(
                self.line(m, key),
                f"{what}: {key!r} is {len(text)} characters long; at most {max_length} fit.",
            )
        return text

    def integer(
        self,
        m: _Map,
        key: str,
        what: str,
        *,
        required: bool = False,
        minimum: int | None = None,
        maximum: int | None = None,
        hint: str = "",
    ) -> int | None:
        value = self._scalar(m, key, what)
        if value is _INVALID:
            return None
        if value is _MISSING or value is None:
            if required:
                self.error(self.line(m, key), f"{what}: {key!r} is required.")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(
                self.line(m, key), f"{what}: {key!r} must be a whole number, not {value!r}.{hint}"
            )
            return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.error(
                self.line(m, key),
                f"{what}: {key!r} must be between {minimum} and {maximum}, not {value}.{hint}",
            )
            return None
        return value

    def boolean(self, m: _Map, key: str, what: str, *, default: bool) -> bool:
        value = self._scalar(m, key, what)
        if value is _MISSING or value is _INVALID or value is None:
            return default
        if not isinstance(value, bool):
            self.error(self.line(m, key), f"{what}: {key!r} must be true or false, not {value!r}.")
            return default
        return value

    def day(self, m: _Map, key: str, what: str, *, required: bool = False) -> date | None:
        value = self._scalar(m, key, what)
        if value is _INVALID:
            return None
        if value is _MISSING or value is None or value == "":
            if required:
                self.error(
                    self.line(m, key), f"{what}: {key!r} is required (a date like 2023-11-27)."
                )
            return None
        text = m.raw.get(key, str(value)) if not isinstance(value, str) else value
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
                raise ValueError
            return date.fromisoformat(text.strip())
        except ValueError:
            self.error(
                self.line(m, key),
                f"{what}: {key!r} {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2023-11-27.",
            )
            return None

    def clock(self, m: _Map, key: str, what: str, *, required: bool = False) -> time | None:
        """A local time written HH:MM ("10:00", "09:30")."""
        text = self.text(m, key, what, required=required)
        if not text:
            return None
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
        if match is None or int(match[1]) > 23 or int(match[2]) > 59:
            self.error(
                self.line(m, key),
                f"{what}: {key!r} {text!r} is not a time; write it as HH:MM, e.g. 10:00.",
            )
            return None
        return time(int(match[1]), int(match[2]))

    def choice(
        self,
        m: _Map,
        key: str,
        what: str,
        choices: Iterable[str],
        *,
        default: str | None = None,
    ) -> str:
        options = list(choices)
        value = self.text(m, key, what, required=default is None)
        if not value:
            return default or ""
        if value not in options:
            self.error(
                self.line(m, key),
                f"{what}: {key!r} is {value!r}; it must be one of {', '.join(options)}.",
            )
            return default or options[0]
        return value

    def seq(self, m: _Map, key: str, what: str) -> _Seq:
        value = m.get(key)
        if value is None:
            return _Seq(self.line(m, key))
        if not isinstance(value, _Seq):
            self.error(
                self.line(m, key), f"{what}: {key!r} must be a list, not {_describe(value)}."
            )
            return _Seq(self.line(m, key))
        return value

    def text_list(self, m: _Map, key: str, what: str) -> list[str]:
        out: list[str] = []
        items = self.seq(m, key, what)
        for item, line in zip(items, items.item_lines, strict=True):
            if isinstance(item, _Map | _Seq) or item is None:
                self.error(
                    line, f"{what}: each item of {key!r} must be text, not {_describe(item)}."
                )
            else:
                out.append(str(item).strip())
        return out

    def email(self, line: int, value: str, what: str) -> None:
        if value:
            try:
                validate_email(value)
            except DjangoValidationError:
                self.error(line, f"{what}: {value!r} is not an email address.")

    def url(self, line: int, value: str, what: str) -> None:
        if value:
            try:
                URLValidator()(value)
            except DjangoValidationError:
                self.error(line, f"{what}: {value!r} is not a web address.")


def _items(c: _Checker, doc: _Map, key: str) -> Iterator[tuple[_Map, int]]:
    """The mappings of a top-level list, each with its line; non-mappings are errors."""
    items = c.seq(doc, key, "the pack")
    for item, line in zip(items, items.item_lines, strict=True):
        m = c.mapping(item, line, f"each item of {key!r}")
        if m is not None:
            yield m, line


def _unique(c: _Checker, seen: dict[Any, int], key: Any, line: int, message: str) -> None:
    """Report a second use of a natural key, e.g. "… is already declared at line 12."."""
    if key in seen:
        c.error(line, f"{message} at line {seen[key]}.")
    else:
        seen[key] = line


def validate_pack(doc: Any) -> PackSpec:
    """Check a parsed pack whole; return its spec or raise PackError listing every problem."""
    c = _Checker()
    if not isinstance(doc, _Map):
        raise PackError(["line 1: a pack is a mapping with at least a 'programme:' section."])
    c.keys(doc, "the pack", TOP_LEVEL_KEYS)
    if "format" in doc and doc["format"] != 1:
        c.error(
            c.line(doc, "format"),
            f"format {doc['format']!r} is not known; this loader reads format 1.",
        )

    programme = _programme(c, doc)
    workstreams = _workstreams(c, doc)
    market_roles = _market_roles(c, doc)
    constituencies = _constituencies(c, doc)
    organisations = _organisations(c, doc, {r.code for r in market_roles})
    people = _people(c, doc, {o.name for o in organisations})
    groups = _groups(c, doc, {w.name for w in workstreams}, {k.code for k in constituencies})
    group_by_key = _first_by_acronym(groups)
    successions = _successions(c, doc, group_by_key)
    memberships = _memberships(
        c, doc, group_by_key, {p.name for p in people}, {k.code for k in constituencies}
    )
    framework_versions = _framework_versions(c, doc)
    deadline_rules = _deadline_rules(c, doc, group_by_key)
    thresholds = _thresholds(c, doc)
    meeting_changes = _meeting_changes(c, doc, group_by_key)

    if c.errors:
        raise PackError(
            [f"line {line}: {msg}" for line, msg in sorted(c.errors, key=lambda e: e[0])]
        )
    assert programme is not None  # an absent programme is an error above
    return PackSpec(
        programme=programme,
        workstreams=workstreams,
        market_roles=market_roles,
        constituencies=constituencies,
        organisations=organisations,
        people=people,
        groups=groups,
        successions=successions,
        memberships=memberships,
        framework_versions=framework_versions,
        deadline_rules=deadline_rules,
        thresholds=thresholds,
        meeting_changes=meeting_changes,
    )


def _programme(c: _Checker, doc: _Map) -> ProgrammeSpec | None:
    if "programme" not in doc:
        c.error(doc.line, "the pack needs a 'programme:' section (slug, name, …).")
        return None
    m = c.mapping(doc["programme"], c.line(doc, "programme"), "programme")
    if m is None:
        return None
    what = "programme"
    c.keys(m, what, PROGRAMME_KEYS)
    slug = c.text(m, "slug", what, required=True, max_length=50)
    if slug and not _SLUG.match(slug):
        c.error(c.line(m, "slug"), f"programme: slug {slug!r} must be letters, digits, '-' or '_'.")
    calendar = c.text(m, "governance_calendar", what) or "england-and-wales"
    if calendar not in CALENDARS:
        c.error(
            c.line(m, "governance_calendar"),
            f"programme: governance_calendar {calendar!r} is not a calendar progov knows; "
            f"use one of {', '.join(CALENDARS)}.",
        )
    return ProgrammeSpec(
        line=m.line,
        slug=slug,
        name=c.text(m, "name", what, required=True, max_length=200),
        short_name=c.text(m, "short_name", what, max_length=50),
        description=c.text(m, "description", what),
        sponsor=c.text(m, "sponsor", what, max_length=200),
        governance_calendar=calendar,
    )


def _workstreams(c: _Checker, doc: _Map) -> list[WorkstreamSpec]:
    out: list[WorkstreamSpec] = []
    seen: dict[Any, int] = {}
    for m, line in _items(c, doc, "workstreams"):
        name = c.text(m, "name", "workstream", required=True, max_length=100)
        what = f"workstream {name!r}"
        c.keys(m, what, ("name", "mailbox"))
        mailbox = c.text(m, "mailbox", what, max_length=254)
        c.email(c.line(m, "mailbox"), mailbox, what)
        if name:
            _unique(c, seen, name, line, f"workstream {name!r} is already declared")
        out.append(WorkstreamSpec(line=line, name=name, mailbox=mailbox))
    return out


def _market_roles(c: _Checker, doc: _Map) -> list[MarketRoleSpec]:
    out: list[MarketRoleSpec] = []
    codes: dict[Any, int] = {}
    names: dict[Any, int] = {}
    for m, line in _items(c, doc, "market_roles"):
        code = c.text(m, "code", "market role", required=True, max_length=60)
        what = f"market role {code!r}"
        c.keys(m, what, ("code", "name"))
        if code and not _SLUG.match(code):
            c.error(c.line(m, "code"), f"{what}: the code must be letters, digits, '-' or '_'.")
        name = c.text(m, "name", what, required=True, max_length=100)
        if code:
            _unique(c, codes, code, line, f"market role {code!r} is already declared")
        if name:
            _unique(c, names, name, c.line(m, "name"), f"market role name {name!r} is already used")
        out.append(MarketRoleSpec(line=line, code=code, name=name))
    return out


def _constituencies(c: _Checker, doc: _Map) -> list[ConstituencySpec]:
    out: list[ConstituencySpec] = []
    seen: dict[Any, int] = {}
    for m, line in _items(c, doc, "constituencies"):
        code = c.text(m, "code", "constituency", required=True, max_length=60)
        what = f"constituency {code!r}"
        c.keys(m, what, ("code", "name", "kind", "description"))
        if code and not _SLUG.match(code):
            c.error(c.line(m, "code"), f"{what}: the code must be letters, digits, '-' or '_'.")
        if code:
            _unique(c, seen, code, line, f"constituency {code!r} is already declared")
        out.append(
            ConstituencySpec(
                line=line,
                code=code,
                name=c.text(m, "name", what, required=True, max_length=150),
                kind=c.choice(m, "kind", what, ConstituencyKind.values, default="participant"),
                description=c.text(m, "description", what),
            )
        )
    return out


def _organisations(c: _Checker, doc: _Map, role_codes: set[str]) -> list[OrganisationSpec]:
    out: list[OrganisationSpec] = []
    seen: dict[Any, int] = {}
    for m, line in _items(c, doc, "organisations"):
        name = c.text(m, "name", "organisation", required=True, max_length=200)
        what = f"organisation {name!r}"
        c.keys(m, what, ("name", "short_name", "website", "market_roles"))
        if name:
            _unique(c, seen, name, line, f"organisation {name!r} is already declared")
        website = c.text(m, "website", what, max_length=200)
        c.url(c.line(m, "website"), website, what)
        roles = c.text_list(m, "market_roles", what)
        for role in roles:
            if role not in role_codes:
                c.error(
                    c.line(m, "market_roles"),
                    f"{what}: market role {role!r} is not declared under market_roles.",
                )
        out.append(
            OrganisationSpec(
                line=line,
                name=name,
                short_name=c.text(m, "short_name", what, max_length=50),
                website=website,
                market_roles=roles,
            )
        )
    return out


def _people(c: _Checker, doc: _Map, organisations: set[str]) -> list[PersonSpec]:
    out: list[PersonSpec] = []
    seen: dict[Any, int] = {}
    for m, line in _items(c, doc, "people"):
        name = c.text(m, "name", "person", required=True, max_length=200)
        what = f"person {name!r}"
        c.keys(m, what, ("name", "email", "job_title", "organisation"))
        if name:
            _unique(c, seen, name, line, f"person {name!r} is already declared")
        email = c.text(m, "email", what, max_length=254)
        c.email(c.line(m, "email"), email, what)
        organisation = c.text(m, "organisation", what)
        if organisation and organisation not in organisations:
            c.error(
                c.line(m, "organisation"),
                f"{what}: organisation {organisation!r} is not declared under organisations.",
            )
        out.append(
            PersonSpec(
                line=line,
                name=name,
                email=email,
                job_title=c.text(m, "job_title", what, max_length=200),
                organisation=organisation,
            )
        )
    return out


def _groups(
    c: _Checker, doc: _Map, workstreams: set[str], constituencies: set[str]
) -> list[GroupSpec]:
    out: list[GroupSpec] = []
    seen: dict[Any, int] = {}
    for m, line in _items(c, doc, "groups"):
        acronym = c.text(m, "acronym", "group", required=True, max_length=30)
        what = f"group {acronym or '(no acronym)'}"
        c.keys(m, what, GROUP_KEYS)
        if acronym:
            if not _ACRONYM.match(acronym):
                c.error(
                    c.line(m, "acronym"),
                    f"{what}: the acronym is used in web addresses, so it may hold only "
                    "letters, digits, '-', '_' and '.' (e.g. BPRWG-TDWG, not BPRWG/TDWG).",
                )
            _unique(
                c,
                seen,
                acronym.upper(),
                c.line(m, "acronym"),
                f"group {acronym}: the acronym {acronym!r} is already used by the group",
            )
        level = c.integer(
            m,
            "level",
            what,
            minimum=1,
            maximum=4,
            hint=" Use null for a group outside the levels (e.g. FTIG's 'N/A').",
        )
        workstream = c.text(m, "workstream", what)
        if workstream and workstream not in workstreams:
            c.error(
                c.line(m, "workstream"),
                f"{what}: workstream {workstream!r} is not declared under workstreams.",
            )
        schedule_text = c.text(m, "schedule", what)
        rrule, start, end, note = "", None, None, ""
        schedule_ok = True
        if schedule_text:
            try:
                parsed = parse_schedule_text(schedule_text)
            except ScheduleError as exc:
                c.error(c.line(m, "schedule"), f"{what}: {exc}")
                schedule_ok = False
            else:
                rrule, start, end, note = (
                    parsed.rrule,
                    parsed.start_time,
                    parsed.end_time,
                    parsed.note,
                )
        history = _status_history(c, m, what)
        status = c.text(m, "status", what)
        if status and status not in GroupStatus.values:
            c.error(
                c.line(m, "status"),
                f"{what}: 'status' is {status!r}; it must be one of {', '.join(GroupStatus.values)}.",
            )
        elif status and history and history[-1].status != status:
            c.error(
                c.line(m, "status"),
                f"{what}: status is {status!r} but the last status_history entry "
                f"(line {history[-1].line}) is {history[-1].status!r}; they must agree.",
            )
        out.append(
            GroupSpec(
                line=line,
                acronym=acronym,
                name=c.text(m, "name", what, required=True, max_length=200),
                level=level,
                parent=c.text(m, "parent", what),
                parent_line=c.line(m, "parent"),
                workstream=workstream,
                purpose=c.text(m, "purpose", what),
                objectives=c.text_list(m, "objectives", what),
                attendance=c.choice(m, "attendance", what, AttendancePolicy.values, default="open"),
                attendance_note=c.text(m, "attendance_note", what),
                status=history[-1].status if history else (status or "mobilised"),
                status_history=history,
                timeframe=c.text(m, "timeframe", what, max_length=100),
                is_formal=c.boolean(m, "is_formal", what, default=True),
                visibility=c.choice(m, "visibility", what, Visibility.values, default="public"),
                schedule_rrule=rrule,
                schedule_start_time=start,
                schedule_end_time=end,
                schedule_note=note,
                terms_of_reference=_terms_of_reference(c, m, what),
                seats=_seats(c, m, what, constituencies),
                meetings=_meeting_series(
                    c, m, what, has_schedule=bool(rrule) or not schedule_ok, history=history
                ),
            )
        )
    _check_hierarchy(c, out)
    return out


def _stood_down_on(history: list[StatusSpec]) -> date | None:
    """The date a group stood down, if its history ends there."""
    if history and history[-1].status == GroupStatus.STOOD_DOWN:
        return history[-1].date
    return None


def _meeting_series(
    c: _Checker, group: _Map, what: str, *, has_schedule: bool, history: list[StatusSpec]
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
    stood_down = _stood_down_on(history)
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


def _standing_items(c: _Checker, series: _Map, what: str) -> list[StandingItemSpec]:
    from progov.meetings.models import AgendaItemType

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
            _unique(
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


def _status_history(c: _Checker, group: _Map, what: str) -> list[StatusSpec]:
    out: list[StatusSpec] = []
    items = c.seq(group, "status_history", what)
    if not items:
        c.error(
            c.line(group, "status_history"),
            f"{what}: 'status_history' needs at least one dated entry, e.g. "
            "'- {status: mobilised, date: 2022-03-01}'.",
        )
    seen: dict[Any, int] = {}
    for item, line in zip(items, items.item_lines, strict=True):
        m = c.mapping(item, line, f"{what}: each status_history entry")
        if m is None:
            continue
        c.keys(m, f"{what} status_history", ("status", "date", "note"))
        status = c.choice(m, "status", f"{what} status_history", GroupStatus.values)
        day = c.day(m, "date", f"{what} status_history", required=True)
        note = c.text(m, "note", f"{what} status_history", max_length=300)
        if day is None:
            continue
        if out and day < out[-1].date:
            c.error(
                line,
                f"{what}: status_history must run oldest first; {day} comes after "
                f"{out[-1].date} (line {out[-1].line}).",
            )
        if out and status == out[-1].status:
            c.error(line, f"{what}: status_history repeats {status!r}; list only changes.")
        _unique(
            c, seen, (status, day), line, f"{what}: status {status!r} on {day} is already listed"
        )
        out.append(StatusSpec(line=line, status=status, date=day, note=note))
    return out


def _render_tor(c: _Checker, m: _Map, what: str) -> str:
    """A ToR's text: `text:` as written, or `sections:` rendered as markdown headings."""
    has_text, has_sections = "text" in m, "sections" in m
    if has_text == has_sections:
        c.error(m.line, f"{what}: give either 'text' or 'sections' (a list of heading/body).")
        return ""
    if has_text:
        return c.text(m, "text", what, required=True)
    parts: list[str] = []
    items = c.seq(m, "sections", what)
    for item, line in zip(items, items.item_lines, strict=True):
        s = c.mapping(item, line, f"{what}: each section")
        if s is None:
            continue
        c.keys(s, f"{what} section", ("heading", "body"))
        heading = c.text(s, "heading", f"{what} section")
        body = c.text(s, "body", f"{what} section", required=True)
        parts.append(f"## {heading}\n\n{body}" if heading else body)
    if not parts:
        c.error(m.line, f"{what}: the terms of reference need some text.")
    return "\n\n".join(parts)


def _terms_of_reference(c: _Checker, group: _Map, what: str) -> list[TorSpec]:
    out: list[TorSpec] = []
    seen: dict[Any, int] = {}
    items = c.seq(group, "terms_of_reference", what)
    for item, line in zip(items, items.item_lines, strict=True):
        m = c.mapping(item, line, f"{what}: each terms_of_reference entry")
        if m is None:
            continue
        c.keys(
            m, f"{what} terms of reference", ("version", "date", "change_note", "text", "sections")
        )
        version = c.text(m, "version", f"{what} terms of reference", required=True, max_length=20)
        tor_what = f"{what} ToR v{version}"
        if version:
            _unique(
                c,
                seen,
                version,
                c.line(m, "version"),
                f"{what}: ToR version {version} is already given",
            )
        day = c.day(m, "date", tor_what, required=True)
        change_note = c.text(m, "change_note", tor_what, max_length=300)
        text = _render_tor(c, m, tor_what)
        if day is not None:
            out.append(
                TorSpec(line=line, version=version, date=day, change_note=change_note, text=text)
            )
    return out


def _seats(c: _Checker, group: _Map, what: str, constituencies: set[str]) -> list[SeatSpec]:
    out: list[SeatSpec] = []
    seen: dict[Any, int] = {}
    items = c.seq(group, "seats", what)
    for index, (item, line) in enumerate(zip(items, items.item_lines, strict=True), start=1):
        m = c.mapping(item, line, f"{what}: each seat")
        if m is None:
            continue
        c.keys(m, f"{what} seat", ("label", "role", "constituency", "position"))
        label = c.text(m, "label", f"{what} seat", required=True, max_length=200)
        seat_what = f"{what} seat {label!r}"
        if label:
            _unique(c, seen, label, line, f"{what}: seat {label!r} is already listed")
        constituency = c.text(m, "constituency", seat_what)
        if constituency and constituency not in constituencies:
            c.error(
                c.line(m, "constituency"),
                f"{seat_what}: constituency {constituency!r} is not declared under constituencies.",
            )
        role = c.choice(m, "role", seat_what, MembershipRole.values)
        if role == MembershipRole.REPRESENTATIVE and not constituency:
            c.error(line, f"{seat_what}: a representative's seat needs a constituency.")
        position = c.integer(m, "position", seat_what, minimum=0, maximum=32767)
        out.append(
            SeatSpec(
                line=line,
                label=label,
                role=role,
                constituency=constituency,
                position=index if position is None else position,
            )
        )
    return out


def _first_by_acronym(groups: list[GroupSpec]) -> dict[str, GroupSpec]:
    """Groups by acronym; the first of a duplicated acronym owns it (the second is an error)."""
    by_key: dict[str, GroupSpec] = {}
    for g in groups:
        if g.acronym:
            by_key.setdefault(g.acronym.upper(), g)
    return by_key


def _check_hierarchy(c: _Checker, groups: list[GroupSpec]) -> None:
    """Parents exist, the parent chain has no loop, and each child sits below its parent."""
    by_key = _first_by_acronym(groups)
    # A duplicate is already reported; checking its parent too would only echo that error.
    groups = [g for g in groups if by_key.get(g.acronym.upper()) is g]
    for g in groups:
        if g.parent and g.parent.upper() not in by_key:
            close = difflib.get_close_matches(g.parent, [x.acronym for x in groups], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            c.error(
                g.parent_line,
                f"group {g.acronym}: parent {g.parent!r} is not a group in this pack{hint}.",
            )
    reported: set[str] = set()
    for g in groups:
        chain = [g]
        node = by_key.get(g.parent.upper()) if g.parent else None
        while node is not None:
            if node is g:
                members = {x.acronym.upper() for x in chain}
                if not members & reported:
                    path = " → ".join(x.acronym for x in [*chain, g])
                    c.error(
                        g.parent_line,
                        f"group {g.acronym}: the parent chain loops ({path}); a group "
                        "cannot report, directly or indirectly, to itself.",
                    )
                    reported |= members
                break
            if node in chain:  # a loop further up, reported from its own members
                break
            chain.append(node)
            node = by_key.get(node.parent.upper()) if node.parent else None
    for g in groups:
        parent = by_key.get(g.parent.upper()) if g.parent else None
        if (
            parent is not None
            and g.level is not None
            and parent.level is not None
            and g.level <= parent.level
        ):
            c.error(
                g.parent_line,
                f"group {g.acronym} is level {g.level} but its parent {parent.acronym} is "
                f"level {parent.level}; a child's level must be greater than its parent's.",
            )


def _group_ref(
    c: _Checker, m: _Map, key: str, what: str, groups: dict[str, GroupSpec], *, required: bool
) -> str:
    acronym = c.text(m, key, what, required=required)
    if acronym and acronym.upper() not in groups:
        c.error(c.line(m, key), f"{what}: {key} {acronym!r} is not a group in this pack.")
    return acronym


def _successions(c: _Checker, doc: _Map, groups: dict[str, GroupSpec]) -> list[SuccessionSpec]:
    out: list[SuccessionSpec] = []
    seen: dict[Any, int] = {}
    for m, line in _items(c, doc, "successions"):
        what = "succession"
        pred = _group_ref(c, m, "predecessor", what, groups, required=True)
        succ = _group_ref(c, m, "successor", what, groups, required=True)
        what = f"succession {pred} → {succ}"
        c.keys(m, what, ("predecessor", "successor", "date", "reason"))
        if pred and succ and pred.upper() == succ.upper():
            c.error(line, f"{what}: a group cannot succeed itself.")
        if pred and succ:
            _unique(c, seen, (pred.upper(), succ.upper()), line, f"{what} is already listed")
        out.append(
            SuccessionSpec(
                line=line,
                predecessor=pred,
                successor=succ,
                date=c.day(m, "date", what),
                reason=c.text(m, "reason", what, max_length=300),
            )
        )
    return out


def _memberships(
    c: _Checker,
    doc: _Map,
    groups: dict[str, GroupSpec],
    people: set[str],
    constituencies: set[str],
) -> list[MembershipSpec]:
    out: list[MembershipSpec] = []
    keys = ("group", "person", "role", "seat", "constituency", "part", "start_date", "end_date")
    for m, line in _items(c, doc, "memberships"):
        group = _group_ref(c, m, "group", "membership", groups, required=True)
        person = c.text(m, "person", "membership", required=True)
        what = f"membership of {person or '?'} on {group or '?'}"
        c.keys(m, what, keys)
        if person and person not in people:
            c.error(c.line(m, "person"), f"{what}: person {person!r} is not declared under people.")
        roles = [r for r in MembershipRole.values if r != MembershipRole.ALTERNATE]
        role = c.choice(m, "role", what, roles)
        seat = c.text(m, "seat", what)
        spec = groups.get(group.upper()) if group else None
        if seat and spec is not None and seat not in {s.label for s in spec.seats}:
            c.error(c.line(m, "seat"), f"{what}: {group} has no seat {seat!r}.")
        constituency = c.text(m, "constituency", what)
        if constituency and constituency not in constituencies:
            c.error(
                c.line(m, "constituency"),
                f"{what}: constituency {constituency!r} is not declared under constituencies.",
            )
        if role == MembershipRole.REPRESENTATIVE and not constituency:
            c.error(line, f"{what}: a representative represents a constituency.")
        start = c.day(m, "start_date", what, required=True)
        end = c.day(m, "end_date", what)
        if start and end and end < start:
            c.error(c.line(m, "end_date"), f"{what}: it ends ({end}) before it starts ({start}).")
        if start is not None:
            out.append(
                MembershipSpec(
                    line=line,
                    group=group,
                    person=person,
                    role=role,
                    seat=seat,
                    constituency=constituency,
                    part=c.text(m, "part", what, max_length=50),
                    start_date=start,
                    end_date=end,
                )
            )
    return out


def _framework_versions(c: _Checker, doc: _Map) -> list[FrameworkVersionSpec]:
    out: list[FrameworkVersionSpec] = []
    seen: dict[Any, int] = {}
    for m, line in _items(c, doc, "framework_versions"):
        version = c.text(m, "version", "framework version", required=True, max_length=20)
        what = f"framework version {version}"
        c.keys(m, what, ("version", "date", "author", "change_detail"))
        if version:
            _unique(c, seen, version, line, f"framework version {version} is already listed")
        day = c.day(m, "date", what, required=True)
        author = c.text(m, "author", what, max_length=200)
        detail = c.text(m, "change_detail", what)
        if day is not None:
            out.append(
                FrameworkVersionSpec(
                    line=line, version=version, date=day, author=author, change_detail=detail
                )
            )
    return out


def _deadline_rules(c: _Checker, doc: _Map, groups: dict[str, GroupSpec]) -> list[DeadlineRuleSpec]:
    out: list[DeadlineRuleSpec] = []
    seen: dict[Any, int] = {}
    keys = (
        "key",
        "label",
        "working_days",
        "direction",
        "anchor",
        "group",
        "levels",
        "effective_from",
        "effective_to",
        "source",
    )
    for m, line in _items(c, doc, "deadline_rules"):
        key = c.text(m, "key", "deadline rule", required=True, max_length=60)
        what = f"deadline rule {key!r}"
        c.keys(m, what, keys)
        if key and not _SLUG.match(key):
            c.error(c.line(m, "key"), f"{what}: the key must be letters, digits, '-' or '_'.")
        group = _group_ref(c, m, "group", what, groups, required=False)
        levels: list[int] = []
        raw_levels = c.seq(m, "levels", what)
        for item, item_line in zip(raw_levels, raw_levels.item_lines, strict=True):
            if isinstance(item, bool) or not isinstance(item, int) or not 1 <= item <= 4:
                c.error(item_line, f"{what}: levels must be 1, 2, 3 or 4, not {item!r}.")
            else:
                levels.append(item)
        start = c.day(m, "effective_from", what)
        end = c.day(m, "effective_to", what)
        if start and end and end < start:
            c.error(
                c.line(m, "effective_to"),
                f"{what}: it stops applying ({end}) before it starts ({start}).",
            )
        _unique(
            c,
            seen,
            (key, start, group.upper()),
            line,
            f"{what} from {start or 'the start'} is already listed",
        )
        working_days = c.integer(m, "working_days", what, required=True, minimum=0, maximum=365)
        out.append(
            DeadlineRuleSpec(
                line=line,
                key=key,
                label=c.text(m, "label", what, required=True, max_length=200),
                working_days=working_days or 0,
                direction=c.choice(m, "direction", what, DeadlineRule.Direction.values),
                anchor=c.choice(m, "anchor", what, DeadlineRule.Anchor.values, default="meeting"),
                group=group,
                levels=levels,
                effective_from=start,
                effective_to=end,
                source=c.text(m, "source", what, max_length=200),
            )
        )
    return out


def _thresholds(c: _Checker, doc: _Map) -> list[ThresholdSpec]:
    out: list[ThresholdSpec] = []
    seen: dict[Any, int] = {}
    for m, line in _items(c, doc, "regulator_thresholds"):
        key = c.text(m, "key", "regulator threshold", required=True, max_length=60)
        what = f"regulator threshold {key!r}"
        c.keys(m, what, ("key", "description", "amount", "currency", "cumulative"))
        if key and not _SLUG.match(key):
            c.error(c.line(m, "key"), f"{what}: the key must be letters, digits, '-' or '_'.")
        if key:
            _unique(c, seen, key, line, f"{what} is already listed")
        amount: Decimal | None = None
        amount_text = c.text(m, "amount", what)
        if amount_text:
            try:
                amount = Decimal(amount_text.replace(",", "").replace("_", ""))
            except InvalidOperation:
                c.error(c.line(m, "amount"), f"{what}: amount {amount_text!r} is not a number.")
            else:
                if amount < 0 or amount >= Decimal("1e12"):
                    c.error(c.line(m, "amount"), f"{what}: amount {amount_text} is out of range.")
                amount = amount.quantize(Decimal("0.01"))
        currency = c.text(m, "currency", what)
        if amount is not None and not _CURRENCY.match(currency):
            c.error(
                c.line(m, "currency") if "currency" in m else line,
                f"{what}: an amount needs a three-letter currency code such as GBP.",
            )
        out.append(
            ThresholdSpec(
                line=line,
                key=key,
                description=c.text(m, "description", what, required=True, max_length=300),
                amount=amount,
                currency=currency,
                cumulative=c.boolean(m, "cumulative", what, default=False),
            )
        )
    return out


def _scheduled_days(g: GroupSpec, first_day: date, last_day: date) -> list[date]:
    """The days the group's schedule puts a meeting on, from `first_day` to `last_day`."""
    from progov.meetings.occurrences import occurrences

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
    c: _Checker, doc: _Map, groups: dict[str, GroupSpec]
) -> list[MeetingChangeSpec]:
    out: list[MeetingChangeSpec] = []
    seen: dict[Any, int] = {}
    all_keys = tuple(dict.fromkeys(k for keys in MEETING_CHANGE_KEYS.values() for k in keys))
    for m, line in _items(c, doc, "meeting_changes"):
        acronym = _group_ref(c, m, "group", "meeting change", groups, required=True)
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
            _unique(c, seen, (g.acronym, day, start), line, f"{what} is already listed")
        else:
            _unique(
                c,
                seen,
                (g.acronym, day),
                line,
                f"{what}: the meeting of {day} already has a change",
            )
        _check_meeting_change(c, m, what, g, spec)
        out.append(spec)
    return out


def _check_meeting_change(
    c: _Checker, m: _Map, what: str, g: GroupSpec, spec: MeetingChangeSpec
) -> None:
    """The change fits the group's series: a moved or cancelled meeting is one the
    schedule generates; an extraordinary one falls within the series."""
    series = g.meetings
    date_line = c.line(m, "date")
    if series is None:
        c.error(
            c.line(m, "group"),
            f"{what}: {g.acronym} has no 'meetings:' block, so no meetings are generated "
            "for the change to apply to.",
        )
        return
    stood_down = _stood_down_on(g.status_history)
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


# --- applying ------------------------------------------------------------------------


def _same(current: Any, wanted: Any) -> bool:
    """Equal as stored: related objects by primary key, everything else by value."""
    if hasattr(current, "pk") or hasattr(wanted, "pk"):
        return getattr(current, "pk", None) == getattr(wanted, "pk", None)
    return bool(current == wanted)


def _differences(obj: Any, wanted: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in wanted.items() if not _same(getattr(obj, k), v)}


class _Applier:
    """Applies a validated pack through the services, counting what it did."""

    def __init__(self, spec: PackSpec, *, actor: Any, report: LoadReport) -> None:
        self.spec = spec
        self.actor = actor
        self.report = report
        self.programme: Programme | None = None
        self.workstreams: dict[str, Workstream] = {}
        self.market_roles: dict[str, MarketRole] = {}
        self.constituencies: dict[str, Constituency] = {}
        self.organisations: dict[str, Organisation] = {}
        self.people: dict[str, Person] = {}
        self.groups: dict[str, GovernanceGroup] = {}

    @property
    def prog(self) -> Programme:
        assert self.programme is not None
        return self.programme

    def run(self) -> None:
        self._programme()
        self._workstreams()
        self._market_roles()
        self._constituencies()
        self._organisations()
        self._people()
        self._groups()
        self._terms_and_seats()
        self._meeting_series()
        self._successions()
        self._memberships()
        self._framework_versions()
        self._deadline_rules()
        self._thresholds()

    def _programme(self) -> None:
        p = self.spec.programme
        self._guard(p.line, f"programme {p.slug!r}", self._programme_row, p)

    def _programme_row(self, p: ProgrammeSpec) -> None:
        wanted = {
            "name": p.name,
            "short_name": p.short_name,
            "description": p.description,
            "sponsor": p.sponsor,
            "governance_calendar": p.governance_calendar,
        }
        programme = Programme.objects.filter(slug=p.slug).first()
        if programme is None:
            programme = services.create_programme(actor=self.actor, slug=p.slug, **wanted)
            self.report.add("programme", "created")
        elif changes := _differences(programme, wanted):
            programme = services.update_programme(
                actor=self.actor, programme=programme, expected_version=None, **changes
            )
            self.report.add("programme", "updated")
        else:
            self.report.add("programme", "unchanged")
        self.programme = programme
        self.report.programme = str(programme)

    def _workstreams(self) -> None:
        for w in self.spec.workstreams:
            self._guard(w.line, f"workstream {w.name!r}", self._workstream, w)

    def _workstream(self, w: WorkstreamSpec) -> None:
        ws = Workstream.objects.filter(programme=self.prog, name=w.name).first()
        if ws is None:
            ws = services.create_workstream(
                actor=self.actor, programme=self.prog, name=w.name, mailbox=w.mailbox
            )
            self.report.add("workstreams", "created")
        elif changes := _differences(ws, {"mailbox": w.mailbox}):
            ws = services.update_workstream(actor=self.actor, workstream=ws, **changes)
            self.report.add("workstreams", "updated")
        else:
            self.report.add("workstreams", "unchanged")
        self.workstreams[w.name] = ws

    def _market_roles(self) -> None:
        for r in self.spec.market_roles:
            self._guard(r.line, f"market role {r.code!r}", self._market_role, r)

    def _market_role(self, r: MarketRoleSpec) -> None:
        role = MarketRole.objects.filter(code=r.code).first()
        if role is None:
            role = services.create_market_role(actor=self.actor, code=r.code, name=r.name)
            self.report.add("market_roles", "created")
        elif role.name != r.name:
            role = services.update_market_role(actor=self.actor, market_role=role, name=r.name)
            self.report.add("market_roles", "updated")
        else:
            self.report.add("market_roles", "unchanged")
        self.market_roles[r.code] = role

    def _constituencies(self) -> None:
        for k in self.spec.constituencies:
            self._guard(k.line, f"constituency {k.code!r}", self._constituency, k)

    def _constituency(self, k: ConstituencySpec) -> None:
        wanted = {"name": k.name, "kind": k.kind, "description": k.description}
        obj = Constituency.objects.filter(programme=self.prog, code=k.code).first()
        if obj is None:
            obj = services.create_constituency(
                actor=self.actor, programme=self.prog, code=k.code, **wanted
            )
            self.report.add("constituencies", "created")
        elif changes := _differences(obj, wanted):
            obj = services.update_constituency(
                actor=self.actor, constituency=obj, expected_version=None, **changes
            )
            self.report.add("constituencies", "updated")
        else:
            self.report.add("constituencies", "unchanged")
        self.constituencies[k.code] = obj

    def _organisations(self) -> None:
        for o in self.spec.organisations:
            self._guard(o.line, f"organisation {o.name!r}", self._organisation, o)

    def _organisation(self, o: OrganisationSpec) -> None:
        roles = [self.market_roles[code] for code in o.market_roles]
        obj = Organisation.objects.filter(programme=self.prog, name=o.name).first()
        if obj is None:
            obj = services.create_organisation(
                actor=self.actor,
                programme=self.prog,
                name=o.name,
                short_name=o.short_name,
                website=o.website,
                market_roles=roles,
            )
            self.report.add("organisations", "created")
        else:
            changes: dict[str, Any] = _differences(
                obj, {"short_name": o.short_name, "website": o.website}
            )
            have = {r.pk for r in obj.market_roles.all()}
            if have != {r.pk for r in roles}:
                changes["market_roles"] = roles
            if changes:
                obj = services.update_organisation(
                    actor=self.actor, organisation=obj, expected_version=None, **changes
                )
                self.report.add("organisations", "updated")
            else:
                self.report.add("organisations", "unchanged")
        self.organisations[o.name] = obj

    def _people(self) -> None:
        for p in self.spec.people:
            self._guard(p.line, f"person {p.name!r}", self._person, p)

    def _person(self, p: PersonSpec) -> None:
        wanted: dict[str, Any] = {
            "email": p.email,
            "job_title": p.job_title,
            "organisation": self.organisations.get(p.organisation) if p.organisation else None,
        }
        # People carry no unique key; the oldest of that name is the one a pack means.
        obj = Person.objects.filter(programme=self.prog, name=p.name).order_by("id").first()
        if obj is None:
            obj = services.create_person(
                actor=self.actor, programme=self.prog, name=p.name, **wanted
            )
            self.report.add("people", "created")
        elif changes := _differences(obj, wanted):
            obj = services.update_person(
                actor=self.actor, person=obj, expected_version=None, **changes
            )
            self.report.add("people", "updated")
        else:
            self.report.add("people", "unchanged")
        self.people[p.name] = obj

    # Groups ------------------------------------------------------------------------

    def _groups(self) -> None:
        """Create or update every group, parents first.

        A change of levels can be refused half-way (moving DAG to level 2 before PSG
        moves to level 1), so a group the services refuse is retried after the others;
        only when a whole round makes no progress is the load refused.
        """
        pending = self._parents_first(self.spec.groups)
        while pending:
            refused: list[tuple[GroupSpec, str]] = []
            for g in pending:
                if g.parent and self._existing_group(g.parent) is None:
                    refused.append((g, f"its parent {g.parent} could not be loaded"))
                    continue
                try:
                    with transaction.atomic():
                        self._group(g)
                except DomainError as exc:
                    refused.append((g, exc.message))
            if len(refused) == len(pending):
                raise PackError(
                    [f"line {g.line}: group {g.acronym}: {message}" for g, message in refused]
                )
            pending = [g for g, _ in refused]

    def _existing_group(self, acronym: str) -> GovernanceGroup | None:
        """A group this load has written, or one already stored (e.g. a parent still to update)."""
        group = self.groups.get(acronym.upper())
        if group is None:
            group = GovernanceGroup.objects.filter(
                programme=self.prog, acronym__iexact=acronym
            ).first()
        return group

    @staticmethod
    def _parents_first(groups: list[GroupSpec]) -> list[GroupSpec]:
        by_key = {g.acronym.upper(): g for g in groups}
        ordered: list[GroupSpec] = []
        placed: set[str] = set()

        def place(g: GroupSpec) -> None:
            key = g.acronym.upper()
            if key in placed:
                return
            placed.add(key)
            parent = by_key.get(g.parent.upper()) if g.parent else None
            if parent is not None:
                place(parent)
            ordered.append(g)

        for g in groups:
            place(g)
        return ordered

    def _group(self, g: GroupSpec) -> None:
        wanted: dict[str, Any] = {
            "name": g.name,
            "level": g.level,
            "parent": self._existing_group(g.parent) if g.parent else None,
            "workstream": self.workstreams[g.workstream] if g.workstream else None,
            "purpose": g.purpose,
            "objectives": "\n".join(g.objectives),
            "attendance": g.attendance,
            "attendance_note": g.attendance_note,
            "timeframe": g.timeframe,
            "is_formal": g.is_formal,
            "visibility": g.visibility,
            "schedule_rrule": g.schedule_rrule,
            "schedule_start_time": g.schedule_start_time,
            "schedule_end_time": g.schedule_end_time,
            "schedule_note": g.schedule_note,
        }
        group = GovernanceGroup.objects.filter(
            programme=self.prog, acronym__iexact=g.acronym
        ).first()
        history_outcomes: list[Outcome] = []
        if group is None:
            # Created in its first recorded status, then walked through the rest of its
            # history, so the audit trail tells the story in order (TAG: mobilised, then
            # stood down when it became TMAG).
            first, *later = g.status_history
            fields = {k: v for k, v in wanted.items() if k != "name"}
            group = services.create_group(
                actor=self.actor,
                programme=self.prog,
                name=g.name,
                acronym=g.acronym,
                status=first.status,
                effective_date=first.date,
                status_note=first.note,
                **fields,
            )
            for entry in later:
                group = services.update_group(
                    actor=self.actor,
                    group=group,
                    expected_version=None,
                    status=entry.status,
                    status_date=entry.date,
                    status_note=entry.note,
                )
            outcome: Outcome = "created"
            history_outcomes = ["created"] * len(g.status_history)
        else:
            changes = _differences(group, wanted)
            if group.acronym != g.acronym:
                changes["acronym"] = g.acronym
            if changes:
                group = services.update_group(
                    actor=self.actor, group=group, expected_version=None, **changes
                )
            existing = {(e.status, e.effective_date): e for e in group.status_history.all()}
            last = g.status_history[-1]
            status_changed = group.status != last.status
            written: tuple[str, date] | None = None
            if status_changed:
                # The pack's last entry dates the change, unless that entry is already in
                # the history (the status was changed since): then the change is today's.
                on = last.date if (last.status, last.date) not in existing else date.today()
                group = services.update_group(
                    actor=self.actor,
                    group=group,
                    expected_version=None,
                    status=last.status,
                    status_date=on,
                    status_note=last.note,
                )
                written = (last.status, on)
                history_outcomes.append("created")  # update_group wrote that history row
                existing = {(e.status, e.effective_date): e for e in group.status_history.all()}
            for entry in g.status_history:
                if (entry.status, entry.date) == written:
                    continue
                row = existing.get((entry.status, entry.date))
                if row is None:
                    services.add_group_status_change(
                        actor=self.actor,
                        group=group,
                        status=entry.status,
                        effective_date=entry.date,
                        note=entry.note,
                    )
                    history_outcomes.append("created")
                elif row.note != entry.note:
                    services.update_group_status_change(
                        actor=self.actor, entry=row, note=entry.note
                    )
                    history_outcomes.append("updated")
                else:
                    history_outcomes.append("unchanged")
            outcome = "updated" if changes or status_changed else "unchanged"
        # Counted only once the group's savepoint has succeeded.
        self.report.add("groups", outcome)
        for h in history_outcomes:
            self.report.add("status_history", h)
        self.groups[g.acronym.upper()] = group

    def _terms_and_seats(self) -> None:
        for g in self.spec.groups:
            group = self.groups[g.acronym.upper()]
            for t in g.terms_of_reference:
                self._guard(t.line, f"group {g.acronym} ToR v{t.version}", self._tor, group, t)
            for s in g.seats:
                self._guard(s.line, f"group {g.acronym} seat {s.label!r}", self._seat, group, s)

    def _tor(self, group: GovernanceGroup, t: TorSpec) -> None:
        tor = TermsOfReference.objects.filter(group=group, version_number=t.version).first()
        if tor is None:
            services.add_terms_of_reference(
                actor=self.actor,
                group=group,
                version_number=t.version,
                date=t.date,
                text=t.text,
                change_note=t.change_note,
            )
            self.report.add("terms_of_reference", "created")
        elif changes := _differences(
            tor, {"date": t.date, "change_note": t.change_note, "text": t.text}
        ):
            services.update_terms_of_reference(actor=self.actor, tor=tor, **changes)
            self.report.add("terms_of_reference", "updated")
        else:
            self.report.add("terms_of_reference", "unchanged")

    def _seat(self, group: GovernanceGroup, s: SeatSpec) -> None:
        wanted: dict[str, Any] = {
            "role": s.role,
            "constituency": self.constituencies[s.constituency] if s.constituency else None,
            "position": s.position,
        }
        seat = Seat.objects.filter(group=group, label=s.label).first()
        if seat is None:
            services.create_seat(actor=self.actor, group=group, label=s.label, **wanted)
            self.report.add("seats", "created")
        elif changes := _differences(seat, wanted):
            services.update_seat(actor=self.actor, seat=seat, **changes)
            self.report.add("seats", "updated")
        else:
            self.report.add("seats", "unchanged")

    # Meetings: the series and its standing items (the meetings are generated later) ----

    def _meeting_series(self) -> None:
        for g in self.spec.groups:
            if g.meetings is None:
                continue
            group = self.groups[g.acronym.upper()]
            what = f"group {g.acronym} meetings"
            self._guard(g.meetings.line, what, self._series, group, g.meetings)
            for item in g.meetings.standing_items:
                self._guard(
                    item.line,
                    f"{what} standing item {item.title!r}",
                    self._standing_item,
                    group,
                    g.meetings,
                    item,
                )

    def _series(self, group: GovernanceGroup, s: MeetingSeriesSpec) -> None:
        from progov.meetings import services as meeting_services
        from progov.meetings.models import MeetingSeries

        wanted: dict[str, Any] = {
            "first_number": s.first_number,
            "ends_on": s.ends_on,
            "location": s.location,
            "online_link": s.online_link,
            "quorum_chair_required": s.quorum_chair_required,
            "quorum_min_constituencies": s.quorum_min_constituencies,
        }
        row = MeetingSeries.objects.filter(group=group).first()
        if row is not None and not _differences(row, {"starts_on": s.starts_on, **wanted}):
            self.report.add("meeting_series", "unchanged")
            return
        meeting_services.configure_meeting_series(
            actor=self.actor, group=group, starts_on=s.starts_on, **wanted
        )
        self.report.add("meeting_series", "created" if row is None else "updated")

    def _standing_item(
        self, group: GovernanceGroup, s: MeetingSeriesSpec, item: StandingItemSpec
    ) -> None:
        """Create or update one standing item and put it in the pack's place among the
        opening (or the at-end) items; items the pack does not mention stay, after them."""
        from progov.meetings import services as meeting_services
        from progov.meetings.models import AgendaTemplateItem

        kind = [i for i in s.standing_items if i.at_end == item.at_end]
        position = kind.index(item) + 1
        wanted: dict[str, Any] = {
            "objective": item.objective,
            "item_type": item.item_type,
            "duration_minutes": item.minutes,
            "lead_text": item.lead,
        }
        present = list(
            AgendaTemplateItem.objects.filter(group=group).order_by("at_end", "position", "id")
        )
        row = next((i for i in present if i.title == item.title), None)
        if row is None:
            meeting_services.add_template_item(
                actor=self.actor,
                group=group,
                title=item.title,
                at_end=item.at_end,
                position=min(position, sum(i.at_end == item.at_end for i in present) + 1),
                **wanted,
            )
            self.report.add("standing_items", "created")
            return
        changes = _differences(row, wanted)
        others = [i.pk for i in present if i.at_end == item.at_end and i.pk != row.pk]
        target = min(position, len(others) + 1)
        place = [i.pk for i in present if i.at_end == row.at_end].index(row.pk) + 1
        if row.at_end != item.at_end or place != target:
            changes["at_end"] = item.at_end
            changes["position"] = target
        if not changes:
            self.report.add("standing_items", "unchanged")
            return
        meeting_services.update_template_item(actor=self.actor, item=row, **changes)
        self.report.add("standing_items", "updated")

    def _successions(self) -> None:
        for s in self.spec.successions:
            self._guard(s.line, f"succession {s.predecessor} → {s.successor}", self._succession, s)

    def _succession(self, s: SuccessionSpec) -> None:
        pred = self.groups[s.predecessor.upper()]
        succ = self.groups[s.successor.upper()]
        row = GroupSuccession.objects.filter(predecessor=pred, successor=succ).first()
        if row is None:
            services.record_group_succession(
                actor=self.actor, predecessor=pred, successor=succ, date=s.date, reason=s.reason
            )
            self.report.add("successions", "created")
        elif changes := _differences(row, {"date": s.date, "reason": s.reason}):
            services.update_group_succession(actor=self.actor, succession=row, **changes)
            self.report.add("successions", "updated")
        else:
            self.report.add("successions", "unchanged")

    def _memberships(self) -> None:
        for m in self.spec.memberships:
            self._guard(m.line, f"membership of {m.person} on {m.group}", self._membership, m)

    def _membership(self, m: MembershipSpec) -> None:
        group = self.groups[m.group.upper()]
        person = self.people[m.person]
        wanted: dict[str, Any] = {
            "constituency": self.constituencies[m.constituency] if m.constituency else None,
            "seat": Seat.objects.get(group=group, label=m.seat) if m.seat else None,
            "part": m.part,
            "end_date": m.end_date,
        }
        row = Membership.objects.filter(
            group=group, person=person, role=m.role, start_date=m.start_date
        ).first()
        if row is None:
            services.create_membership(
                actor=self.actor,
                group=group,
                person=person,
                role=m.role,
                start_date=m.start_date,
                **wanted,
            )
            self.report.add("memberships", "created")
        elif changes := _differences(row, wanted):
            services.update_membership(
                actor=self.actor, membership=row, expected_version=None, **changes
            )
            self.report.add("memberships", "updated")
        else:
            self.report.add("memberships", "unchanged")

    def _framework_versions(self) -> None:
        for v in self.spec.framework_versions:
            self._guard(v.line, f"framework version {v.version}", self._framework_version, v)

    def _framework_version(self, v: FrameworkVersionSpec) -> None:
        wanted: dict[str, Any] = {
            "date": v.date,
            "author": v.author,
            "change_detail": v.change_detail,
        }
        row = FrameworkVersion.objects.filter(programme=self.prog, version=v.version).first()
        if row is None:
            services.create_framework_version(
                actor=self.actor, programme=self.prog, version=v.version, **wanted
            )
            self.report.add("framework_versions", "created")
        elif changes := _differences(row, wanted):
            services.update_framework_version(actor=self.actor, framework_version=row, **changes)
            self.report.add("framework_versions", "updated")
        else:
            self.report.add("framework_versions", "unchanged")

    def _deadline_rules(self) -> None:
        for r in self.spec.deadline_rules:
            self._guard(r.line, f"deadline rule {r.key!r}", self._deadline_rule, r)

    def _deadline_rule(self, r: DeadlineRuleSpec) -> None:
        group = self.groups[r.group.upper()] if r.group else None
        wanted: dict[str, Any] = {
            "label": r.label,
            "working_days": r.working_days,
            "direction": r.direction,
            "anchor": r.anchor,
            "levels": r.levels,
            "effective_to": r.effective_to,
            "source": r.source,
        }
        row = DeadlineRule.objects.filter(
            programme=self.prog, key=r.key, group=group, effective_from=r.effective_from
        ).first()
        if row is None:
            services.create_deadline_rule(
                actor=self.actor,
                programme=self.prog,
                key=r.key,
                group=group,
                effective_from=r.effective_from,
                **wanted,
            )
            self.report.add("deadline_rules", "created")
        elif changes := _differences(row, wanted):
            services.update_deadline_rule(actor=self.actor, rule=row, **changes)
            self.report.add("deadline_rules", "updated")
        else:
            self.report.add("deadline_rules", "unchanged")

    def _thresholds(self) -> None:
        for t in self.spec.thresholds:
            self._guard(t.line, f"regulator threshold {t.key!r}", self._threshold, t)

    def _threshold(self, t: ThresholdSpec) -> None:
        wanted: dict[str, Any] = {
            "description": t.description,
            "amount": t.amount,
            "currency": t.currency,
            "cumulative": t.cumulative,
        }
        row = RegulatorThreshold.objects.filter(programme=self.prog, key=t.key).first()
        if row is None:
            services.create_regulator_threshold(
                actor=self.actor, programme=self.prog, key=t.key, **wanted
            )
            self.report.add("thresholds", "created")
        elif changes := _differences(row, wanted):
            services.update_regulator_threshold(actor=self.actor, threshold=row, **changes)
            self.report.add("thresholds", "updated")
        else:
            self.report.add("thresholds", "unchanged")

    @staticmethod
    def _guard(line: int, what: str, fn: Callable[..., None], *args: Any) -> None:
        """Run one apply step; a refusal becomes a line-numbered PackError (rolling back all)."""
        try:
            fn(*args)
        except DomainError as exc:
            raise PackError([f"line {line}: {what}: {exc.message}"]) from None
        except IntegrityError as exc:
            raise PackError([f"line {line}: {what}: the database refused it ({exc})."]) from None


# --- entry points --------------------------------------------------------------------


def read_pack(text: str, *, name: str = "pack") -> PackSpec:
    """Parse and validate pack text; reads nothing from and writes nothing to the database."""
    try:
        return validate_pack(parse_yaml(text))
    except PackError as exc:
        raise PackError(exc.errors, pack=name) from None


def apply_pack(spec: PackSpec, *, name: str = "pack", actor: Any = None) -> LoadReport:
    """Write a validated pack in one transaction; any refusal rolls the whole load back.

    `actor=None` is the CLI/system identity (see `progov.core.commands.ProgovCommand`).
    """
    report = LoadReport(pack=name, programme=spec.programme.short_name or spec.programme.name)
    try:
        with transaction.atomic():
            _Applier(spec, actor=actor, report=report).run()
    except PackError as exc:
        raise PackError(exc.errors, pack=name) from None
    return report


def load_pack_text(text: str, *, name: str = "pack", actor: Any = None) -> LoadReport:
    """Validate then apply pack text, e.g. `load_pack_text(path.read_text(), name="mhhs.yaml")`."""
    return apply_pack(read_pack(text, name=name), name=name, actor=actor)


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


def read_pack_file(path: str | Path) -> PackSpec:
    """Read and validate a pack file without writing anything."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError([f"line 1: cannot read {path}: {exc}"], pack=path.name) from None
    return read_pack(text, name=path.name)


def apply_meeting_changes(
    spec: PackSpec, *, name: str = "pack", actor: Any = None, groups: Iterable[str] | None = None
) -> MeetingChangesReport:
    """Apply the pack's moves, cancellations and extraordinary meetings to the meetings
    already generated, in one transaction (any refusal rolls all back as a PackError).

    A moved or cancelled meeting is found by group and scheduled date; an extraordinary
    one by group, date and start time. A change already in place writes nothing, so
    this can run after every generation. `groups` (acronyms) limits it to those groups.
    """
    report = MeetingChangesReport(pack=name)
    only = {a.upper() for a in groups} if groups is not None else None
    changes = [ch for ch in spec.meeting_changes if only is None or ch.group.upper() in only]
    try:
        with transaction.atomic():
            programme = Programme.objects.filter(slug=spec.programme.slug).first()
            if programme is None and changes:
                raise PackError(
                    [
                        f"line {spec.programme.line}: programme {spec.programme.slug!r} is "
                        "not loaded; load the pack first."
                    ]
                )
            for ch in changes:
                _Applier._guard(
                    ch.line,
                    f"{ch.change} of {ch.group} {ch.day}",
                    _apply_meeting_change,
                    programme,
                    ch,
                    actor,
                    report,
                )
    except PackError as exc:
        raise PackError(exc.errors, pack=name) from None
    return report


def _apply_meeting_change(
    programme: Programme, ch: MeetingChangeSpec, actor: Any, report: MeetingChangesReport
) -> None:
    from progov.governance.timezones import group_tz
    from progov.meetings import services as meeting_services
    from progov.meetings.models import Meeting, MeetingKind, MeetingStatus

    group = GovernanceGroup.objects.filter(programme=programme, acronym__iexact=ch.group).first()
    if group is None:
        raise PackError([f"line {ch.line}: group {ch.group} is not loaded; load the pack first."])
    tz = group_tz(group)
    day_start = datetime.combine(ch.day, time.min, tzinfo=tz)
    day_end = datetime.combine(ch.day + timedelta(days=1), time.min, tzinfo=tz)
    on_day = Meeting.objects.filter(group=group)
    label = f"{group.acronym} {ch.day:%a %d %b %Y}"

    if ch.change == "extraordinary":
        assert ch.start is not None and ch.end is not None
        start = datetime.combine(ch.day, ch.start, tzinfo=tz)
        end = datetime.combine(ch.day, ch.end, tzinfo=tz)
        found = (
            on_day.filter(kind=MeetingKind.EXTRAORDINARY)
            .filter(
                Q(start__gte=day_start, start__lt=day_end)
                | Q(original_start__gte=day_start, original_start__lt=day_end)
            )
            .order_by("start", "id")
        )
        meeting = next((m for m in found if (m.original_start or m.start) == start), found.first())
        if meeting is None:
            if not on_day.filter(kind=MeetingKind.REGULAR, scheduled_start__lt=start).exists():
                # Numbered after the regular meeting before it, which is not generated yet.
                report.pending.append(f"{ch.change} meeting of {label} (line {ch.line})")
                return
            meeting_services.create_extraordinary_meeting(
                actor=actor,
                group=group,
                start=start,
                end=end,
                title=ch.title,
                location=ch.location,
                online_link=ch.online_link,
            )
            report.added += 1
            return
        wanted = {"title": ch.title, "location": ch.location, "online_link": ch.online_link}
        details = _differences(meeting, wanted)
        if details:
            meeting = meeting_services.update_meeting(
                actor=actor, meeting=meeting, expected_version=None, **details
            )
        if (meeting.start, meeting.end) != (start, end) and meeting.original_start is None:
            meeting_services.move_meeting(
                actor=actor, meeting=meeting, expected_version=None, start=start, end=end
            )
            details["start"] = start
        if details:
            report.updated += 1
        else:
            report.unchanged += 1
        return

    meeting = (
        on_day.filter(
            kind=MeetingKind.REGULAR,
            scheduled_start__gte=day_start,
            scheduled_start__lt=day_end,
        )
        .order_by("scheduled_start")
        .first()
    )
    if meeting is None:
        report.pending.append(f"{ch.change} of {label} (line {ch.line})")
        return
    if ch.change == "cancel":
        if meeting.status == MeetingStatus.CANCELLED:
            report.unchanged += 1
            return
        meeting_services.cancel_meeting(
            actor=actor, meeting=meeting, expected_version=None, note=ch.note
        )
        report.cancelled += 1
        return
    assert ch.start is not None and ch.end is not None
    to = ch.to or ch.day
    start = datetime.combine(to, ch.start, tzinfo=tz)
    end = datetime.combine(to, ch.end, tzinfo=tz)
    if (meeting.start, meeting.end) == (start, end) and meeting.original_start is not None:
        report.unchanged += 1
        return
    meeting_services.move_meeting(
        actor=actor, meeting=meeting, expected_version=None, start=start, end=end, note=ch.note
    )
    report.moved += 1


def load_pack(path: str | Path, *, actor: Any = None) -> LoadReport:
    """Load a pack file; unreadable files and invalid packs raise PackError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError([f"line 1: cannot read {path}: {exc}"], pack=path.name) from None
    return load_pack_text(text, name=path.name, actor=actor)
