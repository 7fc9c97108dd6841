"""The governance section of a data pack: the programme and its whole governance set-up.

A pack (e.g. `progov/packs/mhhs.yaml`) declares the programme, its workstreams, market
roles, constituencies, organisations and people (optionally each with a login); every
governance group with its level, parent, schedule in the seeds' own phrasing ("1st
Wednesday of each month, 1000-1200"), dated status history, terms of reference and
seats; restructures between groups (TMAG → SITAG, MCAG, QAG); the framework's change
record; its working-day deadline rules; the regulator's thresholds.

Validation collects every problem as "line N: message" (unknown keys, missing fields,
unknown references, duplicate acronyms, parent cycles, a child not below its parent,
unparseable schedules, bad dates and enum values). Applying matches existing rows by
natural key (read through `selectors.programme_contents`) and writes only what differs,
through the governance services, so loading the same pack twice writes nothing.

Other sections may read keys inside a group entry (their `group_keys`, e.g. the meetings
section's `meetings:`): this section accepts them and hands each group's entry on in
`GroupSpec.entry`, without knowing who reads them. It never deletes.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from progov.accounts.models import Role
from progov.core.errors import DomainError
from progov.core.packs import (
    SLUG,
    ApplyContext,
    Checker,
    ExportContext,
    LoadReport,
    Map,
    Outcome,
    PackError,
    PackSection,
    SchemaContext,
    ValidationContext,
    differences,
    guard,
    items,
    register_pack_section,
    unique,
)
from progov.core.packs import schema as js
from progov.core.workdays import CALENDARS
from progov.governance import selectors, services
from progov.governance.models import (
    AttendancePolicy,
    Constituency,
    ConstituencyKind,
    DeadlineRule,
    GovernanceGroup,
    GroupStatus,
    MarketRole,
    MembershipRole,
    Organisation,
    Person,
    Programme,
    Seat,
    Visibility,
    Workstream,
)
from progov.governance.schedules import ScheduleError, describe_rule, parse_schedule_text

# An acronym names a group in web addresses (/groups/BPRWG-TDWG/), so no slash or space.
_ACRONYM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
# As Django's username validator allows.
LOGIN = re.compile(r"^[\w.@+-]+$")

TOP_LEVEL_KEYS = (
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
)
PROGRAMME_KEYS = (
    "slug",
    "name",
    "short_name",
    "description",
    "sponsor",
    "governance_calendar",
    "deadlines_tracked_from",
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
)

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
    deadlines_tracked_from: date | None = None


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
    login: str = ""
    login_role: str = ""
    login_line: int = 0


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
    # The schedule was given (parsed, or refused and reported): another section's
    # group key (`meetings:`) may rely on one.
    schedule_given: bool = False
    # The group's entry in the pack, for the sections that read a key inside it.
    entry: Map | None = None


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
class GovernanceSpec:
    """The governance part of a validated pack, ready to apply."""

    programme: ProgrammeSpec | None
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

    @property
    def groups_by_acronym(self) -> dict[str, GroupSpec]:
        """Groups by upper-cased acronym; the first of a duplicated acronym owns it."""
        return first_by_acronym(self.groups)


# --- validation ----------------------------------------------------------------------


def validate_governance(c: Checker, doc: Map, context: ValidationContext) -> GovernanceSpec:
    programme = _programme(c, doc)
    workstreams = _workstreams(c, doc)
    market_roles = _market_roles(c, doc)
    constituencies = _constituencies(c, doc)
    organisations = _organisations(c, doc, {r.code for r in market_roles})
    people = _people(c, doc, {o.name for o in organisations})
    groups = _groups(
        c,
        doc,
        {w.name for w in workstreams},
        {k.code for k in constituencies},
        context.group_keys,
    )
    group_by_key = first_by_acronym(groups)
    return GovernanceSpec(
        programme=programme,
        workstreams=workstreams,
        market_roles=market_roles,
        constituencies=constituencies,
        organisations=organisations,
        people=people,
        groups=groups,
        successions=_successions(c, doc, group_by_key),
        memberships=_memberships(
            c, doc, group_by_key, {p.name for p in people}, {k.code for k in constituencies}
        ),
        framework_versions=_framework_versions(c, doc),
        deadline_rules=_deadline_rules(c, doc, group_by_key),
        thresholds=_thresholds(c, doc),
    )


def _programme(c: Checker, doc: Map) -> ProgrammeSpec | None:
    if "programme" not in doc:
        c.error(doc.line, "the pack needs a 'programme:' section (slug, name, …).")
        return None
    m = c.mapping(doc["programme"], c.line(doc, "programme"), "programme")
    if m is None:
        return None
    what = "programme"
    c.keys(m, what, PROGRAMME_KEYS)
    slug = c.text(m, "slug", what, required=True, max_length=50)
    if slug and not SLUG.match(slug):
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
        deadlines_tracked_from=c.day(m, "deadlines_tracked_from", what),
    )


def _workstreams(c: Checker, doc: Map) -> list[WorkstreamSpec]:
    out: list[WorkstreamSpec] = []
    seen: dict[Any, int] = {}
    for m, line in items(c, doc, "workstreams"):
        name = c.text(m, "name", "workstream", required=True, max_length=100)
        what = f"workstream {name!r}"
        c.keys(m, what, ("name", "mailbox"))
        mailbox = c.text(m, "mailbox", what, max_length=254)
        c.email(c.line(m, "mailbox"), mailbox, what)
        if name:
            unique(c, seen, name, line, f"workstream {name!r} is already declared")
        out.append(WorkstreamSpec(line=line, name=name, mailbox=mailbox))
    return out


def _market_roles(c: Checker, doc: Map) -> list[MarketRoleSpec]:
    out: list[MarketRoleSpec] = []
    codes: dict[Any, int] = {}
    names: dict[Any, int] = {}
    for m, line in items(c, doc, "market_roles"):
        code = c.text(m, "code", "market role", required=True, max_length=60)
        what = f"market role {code!r}"
        c.keys(m, what, ("code", "name"))
        if code and not SLUG.match(code):
            c.error(c.line(m, "code"), f"{what}: the code must be letters, digits, '-' or '_'.")
        name = c.text(m, "name", what, required=True, max_length=100)
        if code:
            unique(c, codes, code, line, f"market role {code!r} is already declared")
        if name:
            unique(c, names, name, c.line(m, "name"), f"market role name {name!r} is already used")
        out.append(MarketRoleSpec(line=line, code=code, name=name))
    return out


def _constituencies(c: Checker, doc: Map) -> list[ConstituencySpec]:
    out: list[ConstituencySpec] = []
    seen: dict[Any, int] = {}
    for m, line in items(c, doc, "constituencies"):
        code = c.text(m, "code", "constituency", required=True, max_length=60)
        what = f"constituency {code!r}"
        c.keys(m, what, ("code", "name", "kind", "description"))
        if code and not SLUG.match(code):
            c.error(c.line(m, "code"), f"{what}: the code must be letters, digits, '-' or '_'.")
        if code:
            unique(c, seen, code, line, f"constituency {code!r} is already declared")
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


def _organisations(c: Checker, doc: Map, role_codes: set[str]) -> list[OrganisationSpec]:
    out: list[OrganisationSpec] = []
    seen: dict[Any, int] = {}
    for m, line in items(c, doc, "organisations"):
        name = c.text(m, "name", "organisation", required=True, max_length=200)
        what = f"organisation {name!r}"
        c.keys(m, what, ("name", "short_name", "website", "market_roles"))
        if name:
            unique(c, seen, name, line, f"organisation {name!r} is already declared")
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


def _unique_login(c: Checker, seen: dict[Any, int], login: str, line: int, what: str) -> None:
    if not LOGIN.match(login):
        c.error(line, f"{what}: login {login!r} may hold only letters, digits and @ . + - _.")
    unique(c, seen, login, line, f"{what}: login {login!r} is already given to another person")


def _people(c: Checker, doc: Map, organisations: set[str]) -> list[PersonSpec]:
    out: list[PersonSpec] = []
    seen: dict[Any, int] = {}
    logins: dict[Any, int] = {}
    for m, line in items(c, doc, "people"):
        name = c.text(m, "name", "person", required=True, max_length=200)
        what = f"person {name!r}"
        c.keys(m, what, ("name", "email", "job_title", "organisation", "login", "login_role"))
        if name:
            unique(c, seen, name, line, f"person {name!r} is already declared")
        email = c.text(m, "email", what, max_length=254)
        c.email(c.line(m, "email"), email, what)
        organisation = c.text(m, "organisation", what)
        if organisation and organisation not in organisations:
            c.error(
                c.line(m, "organisation"),
                f"{what}: organisation {organisation!r} is not declared under organisations.",
            )
        login = c.text(m, "login", what, max_length=150)
        if login:
            _unique_login(c, logins, login, c.line(m, "login"), what)
        login_role = c.choice(m, "login_role", what, Role.values, default=Role.MEMBER)
        if "login_role" in m and not login:
            c.error(c.line(m, "login_role"), f"{what}: 'login_role' needs a 'login'.")
        out.append(
            PersonSpec(
                line=line,
                name=name,
                email=email,
                job_title=c.text(m, "job_title", what, max_length=200),
                organisation=organisation,
                login=login,
                login_role=login_role if login else "",
                login_line=c.line(m, "login"),
            )
        )
    return out


def _groups(
    c: Checker,
    doc: Map,
    workstreams: set[str],
    constituencies: set[str],
    group_keys: tuple[str, ...],
) -> list[GroupSpec]:
    out: list[GroupSpec] = []
    seen: dict[Any, int] = {}
    for m, line in items(c, doc, "groups"):
        acronym = c.text(m, "acronym", "group", required=True, max_length=30)
        what = f"group {acronym or '(no acronym)'}"
        c.keys(m, what, (*GROUP_KEYS, *group_keys))
        if acronym:
            if not _ACRONYM.match(acronym):
                c.error(
                    c.line(m, "acronym"),
                    f"{what}: the acronym is used in web addresses, so it may hold only "
                    "letters, digits, '-', '_' and '.' (e.g. BPRWG-TDWG, not BPRWG/TDWG).",
                )
            unique(
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
                schedule_given=bool(rrule) or not schedule_ok,
                entry=m,
            )
        )
    _check_hierarchy(c, out)
    return out


def _status_history(c: Checker, group: Map, what: str) -> list[StatusSpec]:
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
        unique(
            c, seen, (status, day), line, f"{what}: status {status!r} on {day} is already listed"
        )
        out.append(StatusSpec(line=line, status=status, date=day, note=note))
    return out


def _render_tor(c: Checker, m: Map, what: str) -> str:
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


def _terms_of_reference(c: Checker, group: Map, what: str) -> list[TorSpec]:
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
            unique(
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


def _seats(c: Checker, group: Map, what: str, constituencies: set[str]) -> list[SeatSpec]:
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
            unique(c, seen, label, line, f"{what}: seat {label!r} is already listed")
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


def first_by_acronym(groups: list[GroupSpec]) -> dict[str, GroupSpec]:
    """Groups by acronym; the first of a duplicated acronym owns it (the second is an error)."""
    by_key: dict[str, GroupSpec] = {}
    for g in groups:
        if g.acronym:
            by_key.setdefault(g.acronym.upper(), g)
    return by_key


def _check_hierarchy(c: Checker, groups: list[GroupSpec]) -> None:
    """Parents exist, the parent chain has no loop, and each child sits below its parent."""
    by_key = first_by_acronym(groups)
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


def group_ref(
    c: Checker, m: Map, key: str, what: str, groups: dict[str, GroupSpec], *, required: bool
) -> str:
    acronym = c.text(m, key, what, required=required)
    if acronym and acronym.upper() not in groups:
        c.error(c.line(m, key), f"{what}: {key} {acronym!r} is not a group in this pack.")
    return acronym


def _successions(c: Checker, doc: Map, groups: dict[str, GroupSpec]) -> list[SuccessionSpec]:
    out: list[SuccessionSpec] = []
    seen: dict[Any, int] = {}
    for m, line in items(c, doc, "successions"):
        what = "succession"
        pred = group_ref(c, m, "predecessor", what, groups, required=True)
        succ = group_ref(c, m, "successor", what, groups, required=True)
        what = f"succession {pred} → {succ}"
        c.keys(m, what, ("predecessor", "successor", "date", "reason"))
        if pred and succ and pred.upper() == succ.upper():
            c.error(line, f"{what}: a group cannot succeed itself.")
        if pred and succ:
            unique(c, seen, (pred.upper(), succ.upper()), line, f"{what} is already listed")
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
    c: Checker,
    doc: Map,
    groups: dict[str, GroupSpec],
    people: set[str],
    constituencies: set[str],
) -> list[MembershipSpec]:
    out: list[MembershipSpec] = []
    keys = ("group", "person", "role", "seat", "constituency", "part", "start_date", "end_date")
    for m, line in items(c, doc, "memberships"):
        group = group_ref(c, m, "group", "membership", groups, required=True)
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


def _framework_versions(c: Checker, doc: Map) -> list[FrameworkVersionSpec]:
    out: list[FrameworkVersionSpec] = []
    seen: dict[Any, int] = {}
    for m, line in items(c, doc, "framework_versions"):
        version = c.text(m, "version", "framework version", required=True, max_length=20)
        what = f"framework version {version}"
        c.keys(m, what, ("version", "date", "author", "change_detail"))
        if version:
            unique(c, seen, version, line, f"framework version {version} is already listed")
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


def _deadline_rules(c: Checker, doc: Map, groups: dict[str, GroupSpec]) -> list[DeadlineRuleSpec]:
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
    for m, line in items(c, doc, "deadline_rules"):
        key = c.text(m, "key", "deadline rule", required=True, max_length=60)
        what = f"deadline rule {key!r}"
        c.keys(m, what, keys)
        if key and not SLUG.match(key):
            c.error(c.line(m, "key"), f"{what}: the key must be letters, digits, '-' or '_'.")
        group = group_ref(c, m, "group", what, groups, required=False)
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
        unique(
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


def _thresholds(c: Checker, doc: Map) -> list[ThresholdSpec]:
    out: list[ThresholdSpec] = []
    seen: dict[Any, int] = {}
    for m, line in items(c, doc, "regulator_thresholds"):
        key = c.text(m, "key", "regulator threshold", required=True, max_length=60)
        what = f"regulator threshold {key!r}"
        c.keys(m, what, ("key", "description", "amount", "currency", "cumulative"))
        if key and not SLUG.match(key):
            c.error(c.line(m, "key"), f"{what}: the key must be letters, digits, '-' or '_'.")
        if key:
            unique(c, seen, key, line, f"{what} is already listed")
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


class GovernanceApplier:
    """Applies the governance part of a validated pack through the services, counting
    what it did; the rows it wrote are what the sections after it build on
    (`context.results["governance"].groups["PSG"]`)."""

    def __init__(self, spec: GovernanceSpec, *, actor: Any, report: LoadReport) -> None:
        self.spec = spec
        self.actor = actor
        self.report = report
        assert spec.programme is not None
        self.stored = selectors.programme_contents(slug=spec.programme.slug)
        self.programme: Programme | None = None
        self.workstreams: dict[str, Workstream] = {}
        self.market_roles: dict[str, MarketRole] = {}
        self.constituencies: dict[str, Constituency] = {}
        self.organisations: dict[str, Organisation] = {}
        self.people: dict[str, Person] = {}
        self.groups: dict[str, GovernanceGroup] = {}
        self.seats: dict[tuple[int, str], Seat] = dict(self.stored.seats)

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
        self._successions()
        self._memberships()
        self._framework_versions()
        self._deadline_rules()
        self._thresholds()

    def _programme(self) -> None:
        p = self.spec.programme
        assert p is not None
        guard(p.line, f"programme {p.slug!r}", self._programme_row, p)

    def _programme_row(self, p: ProgrammeSpec) -> None:
        wanted: dict[str, Any] = {
            "name": p.name,
            "short_name": p.short_name,
            "description": p.description,
            "sponsor": p.sponsor,
            "governance_calendar": p.governance_calendar,
        }
        # Only when the pack names it: the demo sets it after loading (progov demo).
        if p.deadlines_tracked_from is not None:
            wanted["deadlines_tracked_from"] = p.deadlines_tracked_from
        programme = self.stored.programme
        if programme is None:
            programme = services.create_programme(actor=self.actor, slug=p.slug, **wanted)
            self.report.add("programme", "created")
        elif changes := differences(programme, wanted):
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
            guard(w.line, f"workstream {w.name!r}", self._workstream, w)

    def _workstream(self, w: WorkstreamSpec) -> None:
        ws = self.stored.workstreams.get(w.name)
        if ws is None:
            ws = services.create_workstream(
                actor=self.actor, programme=self.prog, name=w.name, mailbox=w.mailbox
            )
            self.report.add("workstreams", "created")
        elif changes := differences(ws, {"mailbox": w.mailbox}):
            ws = services.update_workstream(actor=self.actor, workstream=ws, **changes)
            self.report.add("workstreams", "updated")
        else:
            self.report.add("workstreams", "unchanged")
        self.workstreams[w.name] = ws

    def _market_roles(self) -> None:
        for r in self.spec.market_roles:
            guard(r.line, f"market role {r.code!r}", self._market_role, r)

    def _market_role(self, r: MarketRoleSpec) -> None:
        role = self.stored.market_roles.get(r.code)
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
            guard(k.line, f"constituency {k.code!r}", self._constituency, k)

    def _constituency(self, k: ConstituencySpec) -> None:
        wanted = {"name": k.name, "kind": k.kind, "description": k.description}
        obj = self.stored.constituencies.get(k.code)
        if obj is None:
            obj = services.create_constituency(
                actor=self.actor, programme=self.prog, code=k.code, **wanted
            )
            self.report.add("constituencies", "created")
        elif changes := differences(obj, wanted):
            obj = services.update_constituency(
                actor=self.actor, constituency=obj, expected_version=None, **changes
            )
            self.report.add("constituencies", "updated")
        else:
            self.report.add("constituencies", "unchanged")
        self.constituencies[k.code] = obj

    def _organisations(self) -> None:
        for o in self.spec.organisations:
            guard(o.line, f"organisation {o.name!r}", self._organisation, o)

    def _organisation(self, o: OrganisationSpec) -> None:
        roles = [self.market_roles[code] for code in o.market_roles]
        obj = self.stored.organisations.get(o.name)
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
            changes: dict[str, Any] = differences(
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
            guard(p.line, f"person {p.name!r}", self._person, p)
        for p in self.spec.people:
            guard(p.login_line, f"person {p.name!r} login", self._login, p)

    def _person(self, p: PersonSpec) -> None:
        wanted: dict[str, Any] = {
            "email": p.email,
            "job_title": p.job_title,
            "organisation": self.organisations.get(p.organisation) if p.organisation else None,
        }
        obj = self.stored.people.get(p.name)
        if obj is None:
            obj = services.create_person(
                actor=self.actor, programme=self.prog, name=p.name, **wanted
            )
            self.report.add("people", "created")
        elif changes := differences(obj, wanted):
            obj = services.update_person(
                actor=self.actor, person=obj, expected_version=None, **changes
            )
            self.report.add("people", "updated")
        else:
            self.report.add("people", "unchanged")
        self.people[p.name] = obj

    def _login(self, p: PersonSpec) -> None:
        """Link the person to the pack's login; a pack without `login:` leaves a link
        made elsewhere (on the person's page) as it is."""
        if not p.login:
            return
        person = self.people[p.name]
        current = person.user.username if person.user is not None else None
        if current == p.login:
            return
        self.people[p.name] = services.set_person_login(
            actor=self.actor, person=person, username=p.login, role=p.login_role or None
        )

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
        return self.groups.get(acronym.upper()) or self.stored.groups.get(acronym.upper())

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
        history = [
            services.StatusEntry(status=e.status, effective_date=e.date, note=e.note)
            for e in g.status_history
        ]
        group = self.stored.groups.get(g.acronym.upper())
        if group is None:
            # Created in its first recorded status; the service then walks it through
            # the rest of its history, so the audit trail tells the story in order.
            first = history[0]
            fields = {k: v for k, v in wanted.items() if k != "name"}
            group = services.create_group(
                actor=self.actor,
                programme=self.prog,
                name=g.name,
                acronym=g.acronym,
                status=first.status,
                effective_date=first.effective_date,
                status_note=first.note,
                **fields,
            )
            result = services.set_group_status_history(
                actor=self.actor, group=group, history=history
            )
            group = result.group
            outcome: Outcome = "created"
            history_outcomes: list[Outcome] = ["created"] * len(history)
        else:
            changes = differences(group, wanted)
            if group.acronym != g.acronym:
                changes["acronym"] = g.acronym
            if changes:
                group = services.update_group(
                    actor=self.actor, group=group, expected_version=None, **changes
                )
            result = services.set_group_status_history(
                actor=self.actor, group=group, history=history
            )
            group = result.group
            history_outcomes = [_outcome(o) for o in result.outcomes]
            outcome = "updated" if changes or result.status_changed else "unchanged"
        # Counted only once the group's savepoint has succeeded.
        self.report.add("groups", outcome)
        for h in history_outcomes:
            self.report.add("status_history", h)
        self.groups[g.acronym.upper()] = group

    def _terms_and_seats(self) -> None:
        for g in self.spec.groups:
            group = self.groups[g.acronym.upper()]
            for t in g.terms_of_reference:
                guard(t.line, f"group {g.acronym} ToR v{t.version}", self._tor, group, t)
            for s in g.seats:
                guard(s.line, f"group {g.acronym} seat {s.label!r}", self._seat, group, s)

    def _tor(self, group: GovernanceGroup, t: TorSpec) -> None:
        tor = self.stored.terms_of_reference.get((group.pk, t.version))
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
        elif changes := differences(
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
        seat = self.seats.get((group.pk, s.label))
        if seat is None:
            seat = services.create_seat(actor=self.actor, group=group, label=s.label, **wanted)
            self.report.add("seats", "created")
        elif changes := differences(seat, wanted):
            seat = services.update_seat(actor=self.actor, seat=seat, **changes)
            self.report.add("seats", "updated")
        else:
            self.report.add("seats", "unchanged")
        self.seats[(group.pk, s.label)] = seat

    def _successions(self) -> None:
        for s in self.spec.successions:
            guard(s.line, f"succession {s.predecessor} → {s.successor}", self._succession, s)

    def _succession(self, s: SuccessionSpec) -> None:
        pred = self.groups[s.predecessor.upper()]
        succ = self.groups[s.successor.upper()]
        row = self.stored.successions.get((pred.pk, succ.pk))
        if row is None:
            services.record_group_succession(
                actor=self.actor, predecessor=pred, successor=succ, date=s.date, reason=s.reason
            )
            self.report.add("successions", "created")
        elif changes := differences(row, {"date": s.date, "reason": s.reason}):
            services.update_group_succession(actor=self.actor, succession=row, **changes)
            self.report.add("successions", "updated")
        else:
            self.report.add("successions", "unchanged")

    def _memberships(self) -> None:
        for m in self.spec.memberships:
            guard(m.line, f"membership of {m.person} on {m.group}", self._membership, m)

    def _membership(self, m: MembershipSpec) -> None:
        group = self.groups[m.group.upper()]
        person = self.people[m.person]
        wanted: dict[str, Any] = {
            "constituency": self.constituencies[m.constituency] if m.constituency else None,
            "seat": self.seats[(group.pk, m.seat)] if m.seat else None,
            "part": m.part,
            "end_date": m.end_date,
        }
        row = self.stored.memberships.get((group.pk, person.pk, m.role, m.start_date))
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
        elif changes := differences(row, wanted):
            services.update_membership(
                actor=self.actor, membership=row, expected_version=None, **changes
            )
            self.report.add("memberships", "updated")
        else:
            self.report.add("memberships", "unchanged")

    def _framework_versions(self) -> None:
        for v in self.spec.framework_versions:
            guard(v.line, f"framework version {v.version}", self._framework_version, v)

    def _framework_version(self, v: FrameworkVersionSpec) -> None:
        wanted: dict[str, Any] = {
            "date": v.date,
            "author": v.author,
            "change_detail": v.change_detail,
        }
        row = self.stored.framework_versions.get(v.version)
        if row is None:
            services.create_framework_version(
                actor=self.actor, programme=self.prog, version=v.version, **wanted
            )
            self.report.add("framework_versions", "created")
        elif changes := differences(row, wanted):
            services.update_framework_version(actor=self.actor, framework_version=row, **changes)
            self.report.add("framework_versions", "updated")
        else:
            self.report.add("framework_versions", "unchanged")

    def _deadline_rules(self) -> None:
        for r in self.spec.deadline_rules:
            guard(r.line, f"deadline rule {r.key!r}", self._deadline_rule, r)

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
        row = self.stored.deadline_rules.get(
            (r.key, group.pk if group is not None else None, r.effective_from)
        )
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
        elif changes := differences(row, wanted):
            services.update_deadline_rule(actor=self.actor, rule=row, **changes)
            self.report.add("deadline_rules", "updated")
        else:
            self.report.add("deadline_rules", "unchanged")

    def _thresholds(self) -> None:
        for t in self.spec.thresholds:
            guard(t.line, f"regulator threshold {t.key!r}", self._threshold, t)

    def _threshold(self, t: ThresholdSpec) -> None:
        wanted: dict[str, Any] = {
            "description": t.description,
            "amount": t.amount,
            "currency": t.currency,
            "cumulative": t.cumulative,
        }
        row = self.stored.thresholds.get(t.key)
        if row is None:
            services.create_regulator_threshold(
                actor=self.actor, programme=self.prog, key=t.key, **wanted
            )
            self.report.add("thresholds", "created")
        elif changes := differences(row, wanted):
            services.update_regulator_threshold(actor=self.actor, threshold=row, **changes)
            self.report.add("thresholds", "updated")
        else:
            self.report.add("thresholds", "unchanged")


def _outcome(value: str) -> Outcome:
    assert value in ("created", "updated", "unchanged")
    return value  # type: ignore[return-value]


# --- export ----------------------------------------------------------------------------


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _compact(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry without its empty values (a pack leaves out what is not given)."""
    return {k: v for k, v in entry.items() if v not in (None, "", [])}


def schedule_text(group: GovernanceGroup) -> str:
    """A group's schedule as a pack writes it: "1st Wednesday of each month, 10:00-12:00",
    or its note ("TBC", "N/A") when it has no recurrence."""
    if not group.schedule_rrule:
        return group.schedule_note
    text = describe_rule(group.schedule_rrule)
    start, end = group.schedule_start_time, group.schedule_end_time
    if start is not None and end is not None:
        text += f", {start:%H:%M}-{end:%H:%M}"
    return text


def _group_order(group: GovernanceGroup) -> tuple[bool, int, str]:
    return (group.level is None, group.level or 0, group.acronym.upper())


def export_governance(context: ExportContext) -> dict[str, Any]:
    """The programme's governance data as pack keys, in the pack's order, each list
    sorted by its natural key (a pack's lists carry no order of their own)."""
    contents = selectors.programme_contents(slug=context.programme.slug)
    p = contents.programme
    assert p is not None
    groups = sorted(contents.groups.values(), key=_group_order)
    by_id = {g.pk: g for g in groups}
    doc: dict[str, Any] = {
        "programme": _compact(
            {
                "slug": p.slug,
                "name": p.name,
                "short_name": p.short_name,
                "description": p.description,
                "sponsor": p.sponsor,
                "governance_calendar": p.governance_calendar,
                "deadlines_tracked_from": _iso(p.deadlines_tracked_from),
            }
        ),
        "workstreams": [
            _compact({"name": w.name, "mailbox": w.mailbox}) for w in contents.workstreams.values()
        ],
        "market_roles": [{"code": r.code, "name": r.name} for r in contents.market_roles.values()],
        "constituencies": [
            _compact({"code": k.code, "name": k.name, "kind": k.kind, "description": k.description})
            for k in contents.constituencies.values()
        ],
        "organisations": [
            _compact(
                {
                    "name": o.name,
                    "short_name": o.short_name,
                    "website": o.website,
                    "market_roles": sorted(r.code for r in o.market_roles.all()),
                }
            )
            for o in contents.organisations.values()
        ],
        "people": [_person_entry(person) for person in contents.people.values()],
        "groups": [_group_entry(g, contents, context) for g in groups],
        "successions": [
            _compact(
                {
                    "predecessor": s.predecessor.acronym,
                    "successor": s.successor.acronym,
                    "date": _iso(s.date),
                    "reason": s.reason,
                }
            )
            for s in sorted(
                contents.successions.values(),
                key=lambda s: (
                    s.date or date.min,
                    s.predecessor.acronym.upper(),
                    s.successor.acronym.upper(),
                ),
            )
        ],
        "memberships": [
            _compact(
                {
                    "group": m.group.acronym,
                    "person": m.person.name,
                    "role": m.role,
                    "seat": m.seat.label if m.seat is not None else "",
                    "constituency": m.constituency.code if m.constituency is not None else "",
                    "part": m.part,
                    "start_date": _iso(m.start_date),
                    "end_date": _iso(m.end_date),
                }
            )
            for m in sorted(
                (m for m in contents.memberships.values() if m.role != MembershipRole.ALTERNATE),
                key=lambda m: (m.group.acronym.upper(), m.person.name, m.role, m.start_date),
            )
        ],
        "framework_versions": [
            _compact(
                {
                    "version": v.version,
                    "date": _iso(v.date),
                    "author": v.author,
                    "change_detail": v.change_detail,
                }
            )
            for v in sorted(contents.framework_versions.values(), key=lambda v: (v.date, v.version))
        ],
        "deadline_rules": [
            _compact(
                {
                    "key": r.key,
                    "label": r.label,
                    "working_days": r.working_days,
                    "direction": r.direction,
                    "anchor": r.anchor,
                    "group": by_id[r.group_id].acronym if r.group_id else "",
                    "levels": list(r.levels or []),
                    "effective_from": _iso(r.effective_from),
                    "effective_to": _iso(r.effective_to),
                    "source": r.source,
                }
            )
            for r in sorted(
                contents.deadline_rules.values(),
                key=lambda r: (
                    r.key,
                    by_id[r.group_id].acronym.upper() if r.group_id else "",
                    r.effective_from or date.min,
                ),
            )
        ],
        "regulator_thresholds": [
            _compact(
                {
                    "key": t.key,
                    "description": t.description,
                    "amount": str(t.amount) if t.amount is not None else None,
                    "currency": t.currency,
                    "cumulative": t.cumulative,
                }
            )
            for t in sorted(contents.thresholds.values(), key=lambda t: t.key)
        ],
    }
    return {k: v for k, v in doc.items() if v or k == "programme"}


def _person_entry(person: Person) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": person.name,
        "email": person.email,
        "job_title": person.job_title,
        "organisation": person.organisation.name if person.organisation is not None else "",
    }
    if person.user is not None:
        entry["login"] = person.user.username
        entry["login_role"] = person.user.role
    return _compact(entry)


def _group_entry(
    g: GovernanceGroup, contents: selectors.ProgrammeContents, context: ExportContext
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "acronym": g.acronym,
        "name": g.name,
        "level": g.level,
        "parent": g.parent.acronym if g.parent is not None else "",
        "workstream": g.workstream.name if g.workstream is not None else "",
        "purpose": g.purpose,
        "objectives": [o for o in g.objectives.splitlines() if o.strip()],
        "attendance": g.attendance,
        "attendance_note": g.attendance_note,
        "status_history": [
            _compact({"status": e.status, "date": _iso(e.effective_date), "note": e.note})
            for e in g.status_history.all()
        ],
        "timeframe": g.timeframe,
        "is_formal": g.is_formal,
        "visibility": g.visibility,
        "schedule": schedule_text(g),
        "terms_of_reference": [
            _compact(
                {
                    "version": t.version_number,
                    "date": _iso(t.date),
                    "change_note": t.change_note,
                    "text": t.text,
                }
            )
            for (group_id, _), t in sorted(
                contents.terms_of_reference.items(),
                key=lambda item: (item[1].date, item[1].version_number),
            )
            if group_id == g.pk
        ],
        "seats": [
            _compact(
                {
                    "label": s.label,
                    "role": s.role,
                    "constituency": s.constituency.code if s.constituency is not None else "",
                    "position": s.position,
                }
            )
            for (group_id, _), s in contents.seats.items()
            if group_id == g.pk
        ],
    }
    return {**_compact(entry), **context.group_extras(g)}


# --- JSON Schema -------------------------------------------------------------------------


def governance_schema(context: SchemaContext) -> dict[str, Any]:
    """JSON Schema of the governance keys (docs/pack.schema.json is built from it)."""
    status = js.choice(GroupStatus.values)
    group = js.obj(
        {
            "acronym": js.text("e.g. PSG; letters, digits, '-', '_', '.'", max_length=30),
            "name": js.text(max_length=200),
            "level": js.integer(
                "1 (regulator) to 4 (working groups); null outside the levels",
                minimum=1,
                maximum=4,
            ),
            "parent": js.text("the acronym of the group it reports to"),
            "workstream": js.text("a workstream's name"),
            "purpose": js.text(),
            "objectives": js.list_of(js.text()),
            "attendance": js.choice(AttendancePolicy.values),
            "attendance_note": js.text(),
            "status": status,
            "status_history": js.list_of(
                js.obj(
                    {"status": status, "date": js.day(), "note": js.text(max_length=300)},
                    required=("status", "date"),
                ),
                "oldest first; the last entry is the current status",
            ),
            "timeframe": js.text(max_length=100),
            "is_formal": js.boolean(),
            "visibility": js.choice(Visibility.values),
            "schedule": js.text(
                "e.g. '1st Wednesday of each month, 10:00-12:00', 'Every Tuesday, "
                "09:00-10:00', 'TBC' or 'N/A'"
            ),
            "terms_of_reference": js.list_of(
                js.obj(
                    {
                        "version": js.text(max_length=20),
                        "date": js.day(),
                        "change_note": js.text(max_length=300),
                        "text": js.text("markdown"),
                        "sections": js.list_of(
                            js.obj({"heading": js.text(), "body": js.text()}, required=("body",))
                        ),
                    },
                    required=("version", "date"),
                )
            ),
            "seats": js.list_of(
                js.obj(
                    {
                        "label": js.text(max_length=200),
                        "role": js.choice(MembershipRole.values),
                        "constituency": js.text("a constituency's code"),
                        "position": js.integer(minimum=0, maximum=32767),
                    },
                    required=("label", "role"),
                )
            ),
            **context.group_properties,
        },
        required=("acronym", "name", "status_history"),
    )
    return {
        "programme": js.obj(
            {
                "slug": js.text(max_length=50),
                "name": js.text(max_length=200),
                "short_name": js.text(max_length=50),
                "description": js.text(),
                "sponsor": js.text(max_length=200),
                "governance_calendar": js.choice(sorted(CALENDARS)),
                "deadlines_tracked_from": js.day(
                    "The day the programme began tracking deadlines in progov: earlier "
                    "deadlines with no record of being met read “not tracked”, not overdue"
                ),
            },
            required=("slug", "name"),
        ),
        "workstreams": js.list_of(
            js.obj(
                {"name": js.text(max_length=100), "mailbox": js.text(max_length=254)},
                required=("name",),
            )
        ),
        "market_roles": js.list_of(
            js.obj(
                {"code": js.text(max_length=60), "name": js.text(max_length=100)},
                required=("code", "name"),
            )
        ),
        "constituencies": js.list_of(
            js.obj(
                {
                    "code": js.text(max_length=60),
                    "name": js.text(max_length=150),
                    "kind": js.choice(ConstituencyKind.values),
                    "description": js.text(),
                },
                required=("code", "name"),
            )
        ),
        "organisations": js.list_of(
            js.obj(
                {
                    "name": js.text(max_length=200),
                    "short_name": js.text(max_length=50),
                    "website": js.text(max_length=200),
                    "market_roles": js.list_of(js.text("a market role's code")),
                },
                required=("name",),
            )
        ),
        "people": js.list_of(
            js.obj(
                {
                    "name": js.text(max_length=200),
                    "email": js.text(max_length=254),
                    "job_title": js.text(max_length=200),
                    "organisation": js.text("an organisation's name"),
                    "login": js.text("the username of the person's login", max_length=150),
                    "login_role": js.choice(Role.values, "the role of a login created"),
                },
                required=("name",),
            )
        ),
        "groups": js.list_of(group),
        "successions": js.list_of(
            js.obj(
                {
                    "predecessor": js.text(),
                    "successor": js.text(),
                    "date": js.day(),
                    "reason": js.text(max_length=300),
                },
                required=("predecessor", "successor"),
            )
        ),
        "memberships": js.list_of(
            js.obj(
                {
                    "group": js.text(),
                    "person": js.text(),
                    "role": js.choice(
                        [r for r in MembershipRole.values if r != MembershipRole.ALTERNATE]
                    ),
                    "seat": js.text(),
                    "constituency": js.text(),
                    "part": js.text(max_length=50),
                    "start_date": js.day(),
                    "end_date": js.day(),
                },
                required=("group", "person", "role", "start_date"),
            )
        ),
        "framework_versions": js.list_of(
            js.obj(
                {
                    "version": js.text(max_length=20),
                    "date": js.day(),
                    "author": js.text(max_length=200),
                    "change_detail": js.text(),
                },
                required=("version", "date"),
            )
        ),
        "deadline_rules": js.list_of(
            js.obj(
                {
                    "key": js.text(max_length=60),
                    "label": js.text(max_length=200),
                    "working_days": js.integer(minimum=0, maximum=365),
                    "direction": js.choice(DeadlineRule.Direction.values),
                    "anchor": js.choice(DeadlineRule.Anchor.values),
                    "group": js.text(),
                    "levels": js.list_of({"type": "integer", "minimum": 1, "maximum": 4}),
                    "effective_from": js.day(),
                    "effective_to": js.day(),
                    "source": js.text(max_length=200),
                },
                required=("key", "label", "working_days", "direction"),
            )
        ),
        "regulator_thresholds": js.list_of(
            js.obj(
                {
                    "key": js.text(max_length=60),
                    "description": js.text(max_length=300),
                    "amount": js.text("e.g. 5000000 or 5_000_000"),
                    "currency": js.text("three letters, e.g. GBP"),
                    "cumulative": js.boolean(),
                },
                required=("key", "description"),
            )
        ),
    }


# --- the section ------------------------------------------------------------------------


@register_pack_section
class GovernanceSection(PackSection):
    """The programme, its people and its governance groups (see the module docstring)."""

    name = "governance"
    keys = TOP_LEVEL_KEYS
    required_keys = ("programme",)
    kinds = (
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
        ("successions", "successions"),
        ("memberships", "memberships"),
        ("framework_versions", "framework versions"),
        ("deadline_rules", "deadline rules"),
        ("thresholds", "regulator thresholds"),
    )

    def validate(self, c: Checker, doc: Map, context: ValidationContext) -> GovernanceSpec:
        return validate_governance(c, doc, context)

    def apply(self, spec: GovernanceSpec, context: ApplyContext) -> GovernanceApplier:
        applier = GovernanceApplier(spec, actor=context.actor, report=context.report)
        applier.run()
        return applier

    def export(self, context: ExportContext) -> dict[str, Any]:
        return export_governance(context)

    def json_schema(self, context: SchemaContext) -> dict[str, Any]:
        return governance_schema(context)

    def summary(self, spec: GovernanceSpec) -> list[str]:
        assert spec.programme is not None
        return [
            f"programme {spec.programme.short_name or spec.programme.name}",
            f"{len(spec.groups)} groups",
            f"{len(spec.constituencies)} constituencies",
            f"{sum(len(g.seats) for g in spec.groups)} seats",
            f"{len(spec.framework_versions)} framework versions",
            f"{len(spec.deadline_rules)} deadline rules",
        ]
