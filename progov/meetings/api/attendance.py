"""`/api/v1/meetings/…`: invitations, the register, coverage and quorum, and clashes.

- `GET /{id}/attendance` — the register; `GET /{id}/coverage` — constituency coverage
  and quorum;
- `POST /{id}/attendance/invitations` — invite the group's current members (idempotent);
- `PUT /{id}/attendance/{person_id}` — record one person. When the person already has
  a line, send `If-Match` with its version (428 without, 412 when stale); a new line
  (a guest) needs none;
- `GET /clashes?start=&end=` — meetings that overlap for people on both groups, and
  group schedules that collide for shared members (default: the next 90 days).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from progov.core.api import IF_MATCH_WHEN_EXISTS, WRITE_ERRORS, actor, etag_for, if_match, writer
from progov.core.bounds import Body, Day, Id, PathId
from progov.governance import selectors as governance_selectors
from progov.governance.timezones import programme_tz
from progov.meetings import selectors, services
from progov.meetings.models import Attendance, Meeting
from progov.meetings.selectors.attendance import (
    AttendanceRow,
    ConstituencyCoverage,
    RegisterSummary,
    attendance_for,
    coverage_for,
    quorum_for,
)
from progov.meetings.selectors.clashes import clashes_for

router = Router(tags=["meetings"])
ERRORS = WRITE_ERRORS
StatusValue = Literal["invited", "present", "apologies", "represented", "observer", "guest"]


class PersonRef(Schema):
    id: int
    name: str


class AttendanceOut(Schema):
    person: PersonRef
    organisation: str | None
    role: str = Field(description='The membership role at the time, "" for a guest')
    role_label: str = Field(description='e.g. "Alternate for Jane Doe", "Invited guest"')
    constituency: str | None = Field(description="The constituency's code")
    constituency_name: str | None
    part: str = Field(description='The part covered under co-representation, e.g. "Testing"')
    status: StatusValue
    represented_by: PersonRef | None
    alternates: list[PersonRef] = Field(
        description="Who may be recorded as representing this person (their current alternates)"
    )
    version: int


class RegisterOut(Schema):
    items: list[AttendanceOut]
    summary: str = Field(description='e.g. "14 present, 2 apologies, 1 observer"')


class RegisterSummaryOut(Schema):
    total: int = Field(description="How many lines the register has")
    counts: dict[str, int] = Field(description="Lines by status")
    summary: str = Field(description='e.g. "14 present, 2 apologies, 1 observer"')
    url: str = Field(description="The whole register, line by line: GET /meetings/{id}/attendance")


class AttendanceIn(Body):
    status: StatusValue
    represented_by: Id | None = Field(
        None, description="With status `represented`: the person id of the alternate"
    )


class InvitationsOut(Schema):
    invited: int
    updated: int
    withdrawn: list[str]
    kept: int
    summary: str


class ConstituencyPartOut(Schema):
    part: str = Field(description='"" when the constituency is not split')
    covered: bool
    present: list[str]


class ConstituencyCoverageOut(Schema):
    code: str
    name: str
    kind: str
    status: Literal["covered", "partly covered", "not covered"]
    summary: str = Field(
        description='e.g. "Large Supplier — Testing: covered, Migration: not covered"'
    )
    parts: list[ConstituencyPartOut]


class QuorumOut(Schema):
    configured: bool
    met: bool | None = Field(description="None when no quorum is set or nothing is recorded yet")
    chair_required: bool
    chair_present: bool
    min_constituencies: int
    represented: int
    total: int
    reason: str = Field(
        description='e.g. "Quorum not met: 6 of 8 constituencies represented; chair present."'
    )


class CoverageOut(Schema):
    closed: bool = Field(description="False for an open group: coverage is indicative only")
    recorded: bool = Field(description="Whether any attendance has been recorded")
    represented: int
    total: int
    summary: str
    constituencies: list[ConstituencyCoverageOut] = Field(
        description="Counted: participants, central systems, code bodies, consumer"
    )
    others: list[ConstituencyCoverageOut] = Field(
        description="Programme, IPA and regulator: shown, not counted"
    )
    quorum: QuorumOut


class ClashPersonOut(Schema):
    person: PersonRef
    first_role: str
    second_role: str


class ClashMeetingOut(Schema):
    id: int
    group: str
    number: str
    start: datetime
    end: datetime


class MeetingClashOut(Schema):
    first: ClashMeetingOut
    second: ClashMeetingOut
    overlap_start: datetime
    overlap_end: datetime
    people: list[ClashPersonOut]


class ScheduleCollisionOut(Schema):
    first: str
    second: str
    first_times: str
    second_times: str
    dates: list[date]
    shared_members: int
    shared: list[PersonRef]


class ClashesOut(Schema):
    start: date
    end: date
    meetings: list[MeetingClashOut]
    schedules: list[ScheduleCollisionOut]


class ClashFilters(Schema):
    start: Day | None = None
    end: Day | None = None
    programme: str | None = None


def _ref(person: Any) -> dict[str, Any] | None:
    return None if person is None else {"id": person.pk, "name": person.name}


def attendance_out(row: AttendanceRow) -> dict[str, Any]:
    a: Attendance = row.attendance
    return {
        "person": _ref(a.person),
        "organisation": a.person.organisation.name if a.person.organisation else None,
        "role": a.role,
        "role_label": row.role_label,
        "constituency": a.constituency.code if a.constituency else None,
        "constituency_name": a.constituency.name if a.constituency else None,
        "part": row.part,
        "status": a.status,
        "represented_by": _ref(a.represented_by),
        "alternates": [_ref(m.person) for m in row.alternates],
        "version": a.version,
    }


def _constituency_out(c: ConstituencyCoverage) -> dict[str, Any]:
    return {
        "code": c.code,
        "name": c.name,
        "kind": c.kind,
        "status": c.status,
        "summary": c.summary,
        "parts": [
            {"part": p.part, "covered": p.covered, "present": list(p.present)} for p in c.parts
        ],
    }


def coverage_out(meeting: Meeting, register: Any) -> dict[str, Any]:
    """The API shape of a meeting's coverage and quorum (also embedded in the meeting)."""
    coverage = coverage_for(meeting, register=register)
    quorum = quorum_for(meeting, coverage)
    return {
        "closed": coverage.closed,
        "recorded": coverage.recorded,
        "represented": coverage.represented_count,
        "total": coverage.total,
        "summary": coverage.summary,
        "constituencies": [_constituency_out(c) for c in coverage.constituencies],
        "others": [_constituency_out(c) for c in coverage.others],
        "quorum": {
            "configured": quorum.configured,
            "met": quorum.met,
            "chair_required": quorum.chair_required,
            "chair_present": quorum.chair_present,
            "min_constituencies": quorum.min_constituencies,
            "represented": quorum.represented,
            "total": quorum.total,
            "reason": quorum.reason,
        },
    }


def register_summary_out(request: HttpRequest, summary: RegisterSummary) -> dict[str, Any]:
    """The API shape of a register's counts, with where to read its lines."""
    return {
        "total": summary.total,
        "counts": summary.counts,
        "summary": summary.summary,
        "url": request.build_absolute_uri(
            reverse("api:get_register", kwargs={"meeting_id": summary.meeting.pk})
        ),
    }


def _meeting(request: HttpRequest, meeting_id: PathId) -> Meeting:
    return selectors.meeting_get(user=actor(request), pk=meeting_id)


@router.get("/{int:meeting_id}/attendance", response={200: RegisterOut, **ERRORS})
def get_register(request: HttpRequest, meeting_id: PathId) -> Any:
    """The register: who was invited and how each attended, leadership first."""
    register = attendance_for(user=actor(request), meeting=_meeting(request, meeting_id))
    return {"items": [attendance_out(r) for r in register.rows], "summary": register.summary}


@router.get("/{int:meeting_id}/coverage", response={200: CoverageOut, **ERRORS})
def get_coverage(request: HttpRequest, meeting_id: PathId) -> Any:
    """Which constituencies had someone present (per part under co-representation), and
    whether the meeting was quorate under the group's rule."""
    meeting = _meeting(request, meeting_id)
    return coverage_out(meeting, attendance_for(user=actor(request), meeting=meeting))


@router.post("/{int:meeting_id}/attendance/invitations", response={200: InvitationsOut, **ERRORS})
def issue_invitations(request: HttpRequest, meeting_id: PathId) -> Any:
    """Invite the group's members current on the meeting date (alternates are not
    invited). Running it again invites new members and withdraws the invitations of
    people no longer members; anyone already recorded is left alone."""
    user = writer(request)
    report = services.issue_invitations(actor=user, meeting=_meeting(request, meeting_id))
    return {
        "invited": len(report.invited),
        "updated": len(report.updated),
        "withdrawn": report.withdrawn,
        "kept": report.kept,
        "summary": report.render(),
    }


@router.put(
    "/{int:meeting_id}/attendance/{int:person_id}",
    response={200: AttendanceOut, **ERRORS},
    openapi_extra=IF_MATCH_WHEN_EXISTS,
)
def record_attendance(
    request: HttpRequest,
    meeting_id: PathId,
    person_id: PathId,
    payload: AttendanceIn,
    response: HttpResponse,
) -> Any:
    """Record one person's attendance. `represented` needs `represented_by`, a current
    alternate of that representative, who is then recorded present. Someone who is not
    a member can be recorded as a `guest` (or `observer`): their line is created."""
    user = writer(request)
    meeting = _meeting(request, meeting_id)
    person = governance_selectors.person_get(user=user, pk=person_id)
    exists = Attendance.objects.filter(meeting=meeting, person=person).exists()
    expected = if_match(request) if exists else None
    represented_by = (
        governance_selectors.person_get(user=user, pk=payload.represented_by)
        if payload.represented_by is not None
        else None
    )
    services.record_attendance(
        actor=user,
        meeting=meeting,
        person=person,
        status=payload.status,
        represented_by=represented_by,
        expected_version=expected,
    )
    register = attendance_for(user=user, meeting=meeting)
    row = register.row_for(person.pk)
    assert row is not None
    response["ETag"] = etag_for(row.attendance.version)
    return attendance_out(row)


@router.get("/clashes", response={200: ClashesOut, **ERRORS})
def list_clashes(request: HttpRequest, filters: Query[ClashFilters]) -> Any:
    """People expected at two overlapping meetings (members of both groups on the day;
    cancelled meetings ignored; alternates left out), and pairs of groups whose
    regular schedules collide, with how many members they share. Dates are inclusive
    UK dates; the default is today and the next 90 days, at most two years."""
    user = actor(request)
    programme = governance_selectors.current_programme(slug=filters.programme)
    found = clashes_for(user=user, programme=programme, start=filters.start, end=filters.end)
    tz = programme_tz(programme)

    def meeting_ref(m: Meeting) -> dict[str, Any]:
        return {
            "id": m.pk,
            "group": m.group.acronym,
            "number": m.number,
            "start": m.start.astimezone(tz),
            "end": m.end.astimezone(tz),
        }

    return {
        "start": found.start,
        "end": found.end,
        "meetings": [
            {
                "first": meeting_ref(c.first),
                "second": meeting_ref(c.second),
                "overlap_start": c.overlap_start.astimezone(tz),
                "overlap_end": c.overlap_end.astimezone(tz),
                "people": [
                    {
                        "person": _ref(p.person),
                        "first_role": p.first_role,
                        "second_role": p.second_role,
                    }
                    for p in c.people
                ],
            }
            for c in found.meetings
        ],
        "schedules": [
            {
                "first": c.first.acronym,
                "second": c.second.acronym,
                "first_times": c.first_times,
                "second_times": c.second_times,
                "dates": c.dates,
                "shared_members": c.shared_members,
                "shared": [_ref(p) for p in c.shared],
            }
            for c in found.schedules
        ],
    }
