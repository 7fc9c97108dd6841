"""Reads of a meeting's attendance: the register, constituency coverage and quorum.

What a PMO officer expects (framework v3.2, Membership principles; PSG's ToR):

- **Coverage** answers "which constituencies had nobody in the room?" for the closed
  Level 2 and 3 groups, whose members are named constituency representatives. A
  constituency is covered when its representative, or an alternate standing in for
  them, is recorded *present*. The constituencies counted are those the group seats
  representatives for: its representative seats plus its representative memberships
  current on the meeting date, of every kind except Programme (the SRO, LDP and PMO),
  Independent Assurance (the IPA) and the Regulator (Ofgem, an observer). Those three
  run or watch the meeting rather than represent industry, so they are listed
  separately (`Coverage.others`, "Programme and observers") and never counted.
  Central system providers, code bodies and the Consumer representative are counted.
- **Co-representation** (TMAG from March 2023): when a constituency's current
  representatives carry a `part` ("Testing", "Migration"), coverage is shown per part —
  "Large Supplier — Testing: covered, Migration: not covered". A representative without
  a part covers every part; an alternate covers the part of the representative they
  stand in for. A constituency counts as *represented* (for quorum) when at least one
  part is covered; the quorum's reason names the parts missing.
- **Quorum** is configured per group on its MeetingSeries: the chair required, and a
  minimum number of constituencies represented. "Quorum not met: 6 of 8 constituencies
  represented; chair present." Before any attendance is recorded it is not judged.

Three queries for the register, one for its counts (`register_summary_for`, what the
meeting page shows for a long register and the API's meeting detail carries) and at
most five for coverage, whatever the group's size. Without the register's lines,
coverage reads only the lines present for a constituency and the chairs, as tuples.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from django.db.models import Count, Q

from progov.core import access
from progov.core.errors import NotFound
from progov.governance.models import (
    AttendancePolicy,
    Constituency,
    ConstituencyKind,
    Membership,
    MembershipRole,
    Seat,
)
from progov.governance.selectors import current_on
from progov.meetings.models import Attendance, AttendanceStatus, Meeting, MeetingSeries
from progov.meetings.times import meeting_date

# Kinds of constituency that run or watch a meeting rather than represent industry.
NOT_COUNTED_KINDS = (
    ConstituencyKind.PROGRAMME,
    ConstituencyKind.ASSURANCE,
    ConstituencyKind.REGULATOR,
)
# Roles whose presence covers their constituency.
COVERING_ROLES = (MembershipRole.REPRESENTATIVE, MembershipRole.ALTERNATE)
# Statuses that mean the register has been taken (an invitation alone is not attendance).
RECORDED_STATUSES = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.APOLOGIES,
    AttendanceStatus.REPRESENTED,
    AttendanceStatus.OBSERVER,
)
# The register's order: who runs the meeting, the constituencies, then everyone else.
_ROLE_RANK = {role: rank for rank, role in enumerate(MembershipRole.values)}
_SECTION: dict[str, int] = {
    MembershipRole.CHAIR.value: 0,
    MembershipRole.SECRETARIAT.value: 0,
    MembershipRole.PROGRAMME_LEAD.value: 0,
    MembershipRole.REPRESENTATIVE.value: 1,
    MembershipRole.ALTERNATE.value: 1,
}
NO_PART = ""


def meeting_day(meeting: Meeting) -> date:
    """The meeting's local date: memberships are current (or not) on this day."""
    return meeting_date(meeting)


# --- the register ------------------------------------------------------------------------


@dataclass
class AttendanceRow:
    """One line of a meeting's register.

    `alternates` are the current alternates of this person's representative
    membership (whom the secretariat may record as standing in). The `form_*` and
    `errors` fields carry a submitted form back to the page when it had problems.
    """

    attendance: Attendance
    alternates: list[Membership] = field(default_factory=list)
    form_status: str = ""
    form_represented_by: int | None = None
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.form_status = self.form_status or self.attendance.status
        if self.form_represented_by is None:
            self.form_represented_by = self.attendance.represented_by_id

    @property
    def person(self) -> Any:
        return self.attendance.person

    @property
    def status(self) -> str:
        return self.attendance.status

    @property
    def is_member(self) -> bool:
        return self.attendance.membership_id is not None

    @property
    def part(self) -> str:
        return part_of(self.attendance.membership)

    @property
    def role_label(self) -> str:
        role = self.attendance.role
        if not role:
            return "Invited guest" if self.status == AttendanceStatus.GUEST else "Not a member"
        label = str(MembershipRole(role).label) if role in MembershipRole.values else role
        membership = self.attendance.membership
        if role == MembershipRole.ALTERNATE and membership and membership.alternate_for:
            return f"{label} for {membership.alternate_for.person.name}"
        return label

    @property
    def represented_choices(self) -> list[tuple[int, str]]:
        """Who may be chosen as standing in: the current alternates, and whoever is
        recorded already (even if no longer an alternate), so an unchanged form keeps it."""
        choices = [(m.person_id, m.person.name) for m in self.alternates]
        stored = self.attendance.represented_by
        if stored is not None and stored.pk not in {pid for pid, _ in choices}:
            choices.append((stored.pk, stored.name))
        return choices

    @property
    def status_choices(self) -> list[tuple[str, str]]:
        """The statuses the secretariat may record for this line."""
        if not self.is_member:
            allowed = [AttendanceStatus.GUEST, AttendanceStatus.OBSERVER]
        else:
            allowed = [
                AttendanceStatus.INVITED,
                AttendanceStatus.PRESENT,
                AttendanceStatus.APOLOGIES,
            ]
            if self.alternates or self.status == AttendanceStatus.REPRESENTED:
                allowed.append(AttendanceStatus.REPRESENTED)
            allowed.append(AttendanceStatus.OBSERVER)
            if self.attendance.role == MembershipRole.INVITED:
                allowed.append(AttendanceStatus.GUEST)
        if self.status not in allowed:
            allowed.append(AttendanceStatus(self.status))
        return [(s.value, str(s.label)) for s in allowed]


@dataclass
class AttendanceRegister:
    """A meeting's attendance, in register order (leadership, constituencies, others)."""

    meeting: Meeting
    rows: list[AttendanceRow]

    @property
    def issued(self) -> bool:
        """Invitations have been issued (or somebody has been recorded)."""
        return bool(self.rows)

    @property
    def recorded(self) -> bool:
        return any(r.status in RECORDED_STATUSES for r in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(AttendanceStatus.values, 0)
        for r in self.rows:
            out[r.status] = out.get(r.status, 0) + 1
        return out

    @property
    def summary(self) -> str:
        """e.g. "14 present, 2 apologies, 1 represented by an alternate, 1 observer"."""
        return register_summary_text(self.counts)

    @property
    def total(self) -> int:
        return len(self.rows)

    # The whole register is here (a `RegisterSummary` has only its counts).
    collapsed = False

    @property
    def has_errors(self) -> bool:
        return any(r.errors for r in self.rows)

    def row_for(self, person_id: int) -> AttendanceRow | None:
        return next((r for r in self.rows if r.attendance.person_id == person_id), None)


def register_summary_text(counts: dict[str, int]) -> str:
    """e.g. "14 present, 2 apologies, 1 represented by an alternate, 1 observer"."""
    words = {
        AttendanceStatus.PRESENT: ("present", "present"),
        AttendanceStatus.APOLOGIES: ("apologies", "apologies"),
        AttendanceStatus.REPRESENTED: (
            "represented by an alternate",
            "represented by alternates",
        ),
        AttendanceStatus.OBSERVER: ("observer", "observers"),
        AttendanceStatus.GUEST: ("invited guest", "invited guests"),
        AttendanceStatus.INVITED: ("invited, not yet recorded", "invited, not yet recorded"),
    }
    parts = [
        f"{counts.get(status, 0)} {one if counts.get(status, 0) == 1 else many}"
        for status, (one, many) in words.items()
        if counts.get(status, 0)
    ]
    return ", ".join(parts) if parts else "Nobody invited yet"


@dataclass(frozen=True)
class RegisterSummary:
    """A register's counts by status, without its lines: what the meeting page and the
    API's meeting detail show for a large register (the lines are on the register page
    and at `GET /api/v1/meetings/{id}/attendance`). One aggregate query."""

    meeting: Meeting
    counts: dict[str, int]

    collapsed = True
    rows: tuple[AttendanceRow, ...] = ()
    has_errors = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def issued(self) -> bool:
        return self.total > 0

    @property
    def recorded(self) -> bool:
        return any(self.counts.get(s, 0) for s in RECORDED_STATUSES)

    @property
    def summary(self) -> str:
        return register_summary_text(self.counts)


def register_summary_for(*, user: Any, meeting: Meeting) -> RegisterSummary:
    """The counts of a meeting's register by status (NotFound when the user may not see
    the meeting). One query, whatever the register's size."""
    if not access.may_view(user=user, obj=meeting.group):
        raise NotFound(f"No meeting #{meeting.pk}.")
    counts = dict.fromkeys(AttendanceStatus.values, 0)
    for status, n in (
        Attendance.objects.filter(meeting=meeting)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    ):
        counts[status] = counts.get(status, 0) + n
    return RegisterSummary(meeting=meeting, counts=counts)


def part_of(membership: Membership | None) -> str:
    """The part a membership covers: its own, or (an alternate's) its representative's."""
    if membership is None:
        return NO_PART
    if membership.part:
        return membership.part
    if membership.alternate_for_id and membership.alternate_for is not None:
        return membership.alternate_for.part
    return NO_PART


def _register_key(a: Attendance) -> tuple[int, str, int, str, int]:
    """Leadership by role (chair first), constituencies by name (representative before
    alternate), then observers and attendees by role, guests last."""
    section = _SECTION.get(a.role, 2) if a.role else 3
    rank = _ROLE_RANK.get(a.role, 99)
    if section != 1:
        return (section, "", rank, a.person.name, a.person_id)
    constituency = a.constituency.name if a.constituency_id and a.constituency else "~"
    return (section, constituency, rank, a.person.name, a.person_id)


def _register_rows(meeting: Meeting) -> list[Attendance]:
    return list(
        Attendance.objects.filter(meeting=meeting).select_related(
            "person",
            "person__organisation",
            "constituency",
            "membership",
            "membership__alternate_for",
            "membership__alternate_for__person",
            "represented_by",
        )
    )


def attendance_for(*, user: Any, meeting: Meeting) -> AttendanceRegister:
    """The register of a meeting the user may see (NotFound otherwise), with each
    representative's current alternates. Two queries."""
    if not access.may_view(user=user, obj=meeting.group):
        raise NotFound(f"No meeting #{meeting.pk}.")
    rows = sorted(_register_rows(meeting), key=_register_key)
    rep_memberships = [
        a.membership_id for a in rows if a.membership_id and a.role == MembershipRole.REPRESENTATIVE
    ]
    alternates: dict[int, list[Membership]] = {}
    if rep_memberships:
        for alt in (
            Membership.objects.filter(
                current_on(meeting_day(meeting)),
                group_id=meeting.group_id,
                role=MembershipRole.ALTERNATE,
                alternate_for_id__in=rep_memberships,
            )
            .select_related("person")
            .order_by("person__name", "id")
        ):
            alternates.setdefault(alt.alternate_for_id or 0, []).append(alt)
    return AttendanceRegister(
        meeting=meeting,
        rows=[AttendanceRow(a, alternates.get(a.membership_id or 0, [])) for a in rows],
    )


# --- coverage ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartCoverage:
    """One part of a constituency's seat ("" when it is not split) and who covered it."""

    part: str
    present: tuple[str, ...]

    @property
    def covered(self) -> bool:
        return bool(self.present)

    @property
    def status_label(self) -> str:
        return "covered" if self.covered else "not covered"


@dataclass(frozen=True)
class ConstituencyCoverage:
    pk: int
    code: str
    name: str
    kind: str
    parts: tuple[PartCoverage, ...]

    @property
    def is_split(self) -> bool:
        return any(p.part for p in self.parts)

    @property
    def covered(self) -> bool:
        """Every part has someone present."""
        return all(p.covered for p in self.parts)

    @property
    def represented(self) -> bool:
        """At least one part has someone present (what quorum counts)."""
        return any(p.covered for p in self.parts)

    @property
    def partly_covered(self) -> bool:
        return self.represented and not self.covered

    @property
    def status(self) -> str:
        if self.covered:
            return "covered"
        return "partly covered" if self.represented else "not covered"

    @property
    def present(self) -> tuple[str, ...]:
        names: list[str] = []
        for p in self.parts:
            names.extend(n for n in p.present if n not in names)
        return tuple(names)

    @property
    def missing_parts(self) -> tuple[str, ...]:
        return tuple(p.part for p in self.parts if not p.covered and p.part)

    @property
    def summary(self) -> str:
        """ "Large Supplier — Testing: covered, Migration: not covered" or "DNO: covered"."""
        if not self.is_split:
            return f"{self.name}: {self.status}"
        detail = ", ".join(f"{p.part}: {p.status_label}" for p in self.parts)
        return f"{self.name} — {detail}"


@dataclass(frozen=True)
class ChairAttendance:
    name: str
    status: str
    status_label: str

    @property
    def present(self) -> bool:
        return self.status == AttendanceStatus.PRESENT


@dataclass(frozen=True)
class Coverage:
    """Which constituencies had someone present at a meeting.

    `constituencies` are counted (industry, central systems, code bodies, consumer);
    `others` (Programme, IPA, Ofgem) are shown but not counted. `closed` is False for
    an open group, whose attendance is open to all: its coverage is only indicative.
    """

    meeting_id: int
    closed: bool
    recorded: bool
    constituencies: tuple[ConstituencyCoverage, ...]
    others: tuple[ConstituencyCoverage, ...]
    chairs: tuple[ChairAttendance, ...]

    @property
    def total(self) -> int:
        return len(self.constituencies)

    @property
    def represented_count(self) -> int:
        return sum(1 for c in self.constituencies if c.represented)

    @property
    def covered_count(self) -> int:
        return sum(1 for c in self.constituencies if c.covered)

    @property
    def not_covered(self) -> list[ConstituencyCoverage]:
        return [c for c in self.constituencies if not c.represented]

    @property
    def partly_covered(self) -> list[ConstituencyCoverage]:
        return [c for c in self.constituencies if c.partly_covered]

    @property
    def chair_present(self) -> bool:
        return any(c.present for c in self.chairs)

    @property
    def summary(self) -> str:
        """e.g. "13 of 15 constituencies represented; nobody present for DNO, iDNO;
        partly covered: Large Supplier (Migration not covered)"."""
        if not self.constituencies:
            return "No constituency seats on this group."
        text = f"{self.represented_count} of {self.total} constituencies represented"
        if self.not_covered:
            text += "; nobody present for " + ", ".join(c.name for c in self.not_covered)
        if self.partly_covered:
            text += "; partly covered: " + ", ".join(
                f"{c.name} ({', '.join(c.missing_parts)} not covered)" for c in self.partly_covered
            )
        return text


class _Seen(NamedTuple):
    """What coverage needs of one register line."""

    constituency_id: int | None
    status: str
    role: str
    name: str
    part: str


def _seen_of(a: Attendance) -> _Seen:
    return _Seen(a.constituency_id, a.status, a.role, a.person.name, part_of(a.membership))


def _seen_rows(meeting: Meeting) -> list[_Seen]:
    """The lines coverage reads (present or observing for a constituency, and the
    chairs) as plain tuples: one query, no model objects."""
    wanted = Q(
        constituency__isnull=False,
        status__in=(AttendanceStatus.PRESENT, AttendanceStatus.OBSERVER),
    ) | Q(role=MembershipRole.CHAIR)
    return [
        _Seen(cid, status, role, name, own_part or their_part or NO_PART)
        for cid, status, role, name, own_part, their_part in Attendance.objects.filter(
            wanted, meeting=meeting
        )
        .order_by()
        .values_list(
            "constituency_id",
            "status",
            "role",
            "person__name",
            "membership__part",
            "membership__alternate_for__part",
        )
    ]


def _present_by_constituency(
    rows: Iterable[_Seen], *, roles: tuple[str, ...] | None, statuses: tuple[str, ...]
) -> dict[int, list[tuple[str, str]]]:
    """(part, "Name (role)") of who was there, by constituency."""
    out: dict[int, list[tuple[str, str]]] = {}
    for a in rows:
        if a.constituency_id is None or a.status not in statuses:
            continue
        if roles is not None and a.role not in roles:
            continue
        label = a.name
        if a.role == MembershipRole.ALTERNATE:
            label += " (alternate)"
        elif a.status == AttendanceStatus.OBSERVER:
            label += " (observer)"
        out.setdefault(a.constituency_id, []).append((a.part, label))
    return out


def _parts(declared: set[str], present: list[tuple[str, str]]) -> tuple[PartCoverage, ...]:
    names = sorted({p for p in declared if p} | {p for p, _ in present if p})
    if not names:
        return (PartCoverage(NO_PART, tuple(label for _, label in present)),)
    return tuple(
        PartCoverage(name, tuple(label for p, label in present if p in (name, NO_PART)))
        for name in names
    )


def coverage_for(
    meeting: Meeting, *, register: AttendanceRegister | RegisterSummary | None = None
) -> Coverage:
    """Constituency coverage of a meeting (pass the register already read to save a query).

    Callers check visibility first (`attendance_for` / `meeting_get`). Five queries
    (three with a full `register`, four with a `RegisterSummary`): whether anything is
    recorded, the lines present for a constituency and the chairs (plain tuples, not
    model objects), seats, current memberships, constituencies.
    """
    if isinstance(register, AttendanceRegister):
        rows = [_seen_of(r.attendance) for r in register.rows]
        recorded = any(a.status in RECORDED_STATUSES for a in rows)
    else:
        rows = _seen_rows(meeting)
        recorded = (
            register.recorded
            if register is not None
            else Attendance.objects.filter(meeting=meeting, status__in=RECORDED_STATUSES).exists()
        )
    day = meeting_day(meeting)
    seat_rows = list(
        Seat.objects.filter(group_id=meeting.group_id, constituency__isnull=False).values_list(
            "constituency_id", "role"
        )
    )
    member_rows = list(
        Membership.objects.filter(
            current_on(day), group_id=meeting.group_id, constituency__isnull=False
        ).values_list("constituency_id", "role", "part")
    )
    counted_present = _present_by_constituency(
        rows, roles=COVERING_ROLES, statuses=(AttendanceStatus.PRESENT,)
    )
    others_present = _present_by_constituency(
        rows, roles=None, statuses=(AttendanceStatus.PRESENT, AttendanceStatus.OBSERVER)
    )
    seated = {cid for cid, role in seat_rows if role == MembershipRole.REPRESENTATIVE}
    seated |= {cid for cid, role, _ in member_rows if role in COVERING_ROLES}
    declared_parts: dict[int, set[str]] = {}
    for cid, role, part in member_rows:
        if role == MembershipRole.REPRESENTATIVE:
            declared_parts.setdefault(cid, set()).add(part)
    anywhere = (
        seated
        | {cid for cid, _ in seat_rows}
        | {cid for cid, _, _ in member_rows}
        | set(counted_present)
        | set(others_present)
    )
    constituencies = {
        c.pk: c
        for c in Constituency.objects.filter(pk__in=anywhere).only("id", "code", "name", "kind")
    }
    counted: list[ConstituencyCoverage] = []
    others: list[ConstituencyCoverage] = []
    for cid, c in constituencies.items():
        if c.kind in NOT_COUNTED_KINDS:
            others.append(
                ConstituencyCoverage(
                    c.pk, c.code, c.name, c.kind, _parts(set(), others_present.get(cid, []))
                )
            )
        elif cid in seated or cid in counted_present:
            counted.append(
                ConstituencyCoverage(
                    c.pk,
                    c.code,
                    c.name,
                    c.kind,
                    _parts(declared_parts.get(cid, set()), counted_present.get(cid, [])),
                )
            )
    chairs = tuple(
        ChairAttendance(a.name, a.status, _status_label(a.status))
        for a in sorted(rows, key=lambda a: a.name)
        if a.role == MembershipRole.CHAIR
    )
    return Coverage(
        meeting_id=meeting.pk,
        closed=meeting.group.attendance == AttendancePolicy.CLOSED,
        recorded=recorded,
        constituencies=tuple(sorted(counted, key=lambda c: (c.name.lower(), c.pk))),
        others=tuple(sorted(others, key=lambda c: (c.name.lower(), c.pk))),
        chairs=chairs,
    )


def _status_label(status: str) -> str:
    return str(AttendanceStatus(status).label) if status in AttendanceStatus.values else status


# --- quorum --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuorumResult:
    """Whether a meeting was quorate, and why, in words a PMO officer can minute.

    `met` is None when the group has no quorum set or nothing is recorded yet.
    """

    configured: bool
    met: bool | None
    chair_required: bool
    chair_present: bool
    min_constituencies: int
    represented: int
    total: int
    reason: str

    @property
    def detail(self) -> str:
        """The reason without its "Quorum met: " lead, to follow a status label."""
        head, sep, tail = self.reason.partition(": ")
        return tail if sep and head.startswith("Quorum ") and self.met is not None else self.reason

    @property
    def status_label(self) -> str:
        if self.met is None:
            return "Not judged" if self.configured else "No quorum set"
        return "Quorum met" if self.met else "Quorum not met"


def _series_of(meeting: Meeting) -> MeetingSeries | None:
    try:
        series = meeting.group.meeting_series
    except MeetingSeries.DoesNotExist:
        return None
    return series


def quorum_for(meeting: Meeting, coverage: Coverage) -> QuorumResult:
    """Judge the group's quorum rule (MeetingSeries) against the coverage. One query
    at most (the series, unless already loaded with the group)."""
    series = _series_of(meeting)
    chair_required = bool(series and series.quorum_chair_required)
    minimum = series.quorum_min_constituencies if series else 0
    represented = coverage.represented_count
    base: dict[str, Any] = {
        "chair_required": chair_required,
        "chair_present": coverage.chair_present,
        "min_constituencies": minimum,
        "represented": represented,
        "total": coverage.total,
    }
    if not chair_required and minimum == 0:
        return QuorumResult(
            configured=False,
            met=None,
            reason=f"No quorum is set for {meeting.group.acronym}.",
            **base,
        )
    needs = []
    if chair_required:
        needs.append("the chair")
    if minimum:
        needs.append(f"{minimum} constituencies represented")
    rule = " and ".join(needs)
    if not coverage.recorded:
        return QuorumResult(
            configured=True,
            met=None,
            reason=f"Quorum needs {rule}; attendance is not recorded yet.",
            **base,
        )
    enough = represented >= minimum
    chair_ok = coverage.chair_present or not chair_required
    met = enough and chair_ok
    pieces = []
    if minimum:
        if enough:
            pieces.append(f"{represented} constituencies represented ({minimum} needed)")
        else:
            pieces.append(f"{represented} of {minimum} constituencies represented")
    if chair_required:
        pieces.append("chair present" if coverage.chair_present else "chair absent")
    reason = f"Quorum {'met' if met else 'not met'}: {'; '.join(pieces)}"
    partly = coverage.partly_covered
    if partly and minimum:
        reason += " (" + "; ".join(
            f"{c.name} only in part: {', '.join(c.missing_parts)} not covered" for c in partly
        )
        reason += ")"
    return QuorumResult(configured=True, met=met, reason=reason + ".", **base)
