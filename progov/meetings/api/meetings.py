"""`/api/v1/meetings`: listing, reading and changing meetings."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from progov.core.api import (
    IF_MATCH,
    WRITE_ERRORS,
    actor,
    etag_for,
    verb_on,
    versioned_write,
    writer,
)
from progov.core.bounds import LIMIT_MAX, OFFSET_MAX, Day, PathId
from progov.governance import selectors as governance_selectors
from progov.governance.models import DeadlineKey
from progov.meetings import selectors, services
from progov.meetings.api.agenda import AgendaOut, agenda_out
from progov.meetings.api.attendance import (
    CoverageOut,
    RegisterSummaryOut,
    coverage_out,
    register_summary_out,
)
from progov.meetings.api.papers import PaperOut, paper_out
from progov.meetings.models import Meeting
from progov.meetings.schemas import (
    ExtraordinaryIn,
    GenerateIn,
    GenerateOut,
    HeldIn,
    MeetingListOut,
    MeetingMoveIn,
    MeetingOut,
    MeetingPatch,
    NoteIn,
)
from progov.meetings.selectors.agenda import agenda_for
from progov.meetings.selectors.attendance import register_summary_for
from progov.meetings.selectors.papers import papers_for
from progov.meetings.times import local, meeting_date

router = Router(tags=["meetings"])
ERRORS = WRITE_ERRORS
# MeetingOut's own fields, one per meeting deadline.
NAMED_DEADLINES = (
    DeadlineKey.PAPERS_DUE,
    DeadlineKey.HEADLINE_REPORT_DUE,
    DeadlineKey.AMENDMENTS_DUE,
    DeadlineKey.MINUTES_DUE,
    DeadlineKey.DECISIONS_PUBLISHED_DUE,
)


def meeting_out(meeting: Meeting, context: selectors.DeadlineContext) -> dict[str, Any]:
    """The API shape of a meeting, with its computed deadlines."""
    deadlines = context.deadlines(meeting)
    by_key = {d.key: d.due for d in deadlines}
    return {
        "id": meeting.pk,
        "group": meeting.group.acronym,
        "number": meeting.number,
        "kind": meeting.kind,
        "status": meeting.status,
        "status_note": meeting.status_note,
        "title": meeting.title,
        "start": local(meeting.start, meeting),
        "end": local(meeting.end, meeting),
        "original_start": local(meeting.original_start, meeting),
        "scheduled_start": local(meeting.scheduled_start, meeting),
        "location": meeting.location,
        "online_link": meeting.online_link,
        "recording_link": meeting.recording_link,
        "on_non_working_day": not context.is_working_day(meeting),
        **{key.value: by_key.get(key) for key in NAMED_DEADLINES},
        "deadlines": [
            {
                "key": d.key,
                "label": d.label,
                "due": d.due,
                "working_days": d.working_days,
                "direction": d.direction,
                "status": d.status,
                "met_at": d.met_at,
            }
            for d in deadlines
        ],
        "version": meeting.version,
    }


class MeetingFilters(Schema):
    group: list[str] | None = None
    start: Day | None = None
    end: Day | None = None
    status: str | None = None
    programme: str | None = None
    limit: int = Field(100, ge=1, le=LIMIT_MAX, description=f"1–{LIMIT_MAX} meetings (default 100)")
    offset: int = Field(0, ge=0, le=OFFSET_MAX, description="Meetings to skip (0 or more)")


@router.get("", response={200: MeetingListOut, **ERRORS})
def list_meetings(request: HttpRequest, filters: Query[MeetingFilters]) -> Any:
    """Meetings starting between `start` and `end` (inclusive, local dates), by start time.

    Filter by one or more `group` acronyms (`?group=PSG&group=DAG`) and `status`. Each
    meeting carries its deadlines, computed from the framework's rules in the programme's
    working-day calendar (`papers_due`, `headline_report_due`, `amendments_due`, …).
    """
    programme = governance_selectors.current_programme(slug=filters.programme)
    qs = selectors.meeting_list(
        user=actor(request),
        programme=programme,
        groups=filters.group,
        start=filters.start,
        end=filters.end,
        status=filters.status,
    )
    count = qs.count()
    page = list(qs[filters.offset : filters.offset + filters.limit])
    context = selectors.DeadlineContext.for_meetings(page)
    return {"items": [meeting_out(m, context) for m in page], "count": count}


def _one(request: HttpRequest, meeting_id: PathId) -> Meeting:
    return selectors.meeting_get(user=actor(request), pk=meeting_id)


def _answer(request: HttpRequest, response: HttpResponse, meeting_id: PathId) -> dict[str, Any]:
    meeting = _one(request, meeting_id)
    response["ETag"] = etag_for(meeting.version)
    return meeting_out(meeting, selectors.DeadlineContext.for_meetings([meeting]))


class MeetingDetailOut(MeetingOut):
    agenda: AgendaOut
    papers: list[PaperOut]
    attendance: RegisterSummaryOut = Field(
        description="The register's counts; its lines are at GET /meetings/{id}/attendance"
    )
    coverage: CoverageOut


@router.get("/{int:meeting_id}", response={200: MeetingDetailOut, **ERRORS})
def get_meeting(request: HttpRequest, meeting_id: PathId, response: HttpResponse) -> Any:
    """One meeting with its deadlines, agenda (computed times, overrun), the papers you
    may see, the attendance register's counts (its lines: `GET /{id}/attendance`) and
    constituency coverage with the quorum."""
    user = actor(request)
    meeting = _one(request, meeting_id)
    response["ETag"] = etag_for(meeting.version)
    register = register_summary_for(user=user, meeting=meeting)
    return {
        **meeting_out(meeting, selectors.DeadlineContext.for_meetings([meeting])),
        "agenda": agenda_out(agenda_for(meeting)),
        "papers": [paper_out(p) for p in papers_for(user=user, meeting=meeting)],
        "attendance": register_summary_out(request, register),
        "coverage": coverage_out(meeting, register),
    }


def _meeting_write(
    request: HttpRequest, response: HttpResponse, meeting_id: PathId, service: Any, **arguments: Any
) -> Any:
    """Call a meeting verb (`services.move_meeting`, …) through `versioned_write` and
    answer the meeting as it is now."""
    return versioned_write(
        request,
        response,
        verb_on(service, "meeting", lambda _user: _one(request, meeting_id), **arguments),
        lambda _meeting: _answer(request, response, meeting_id),
    )


@router.patch("/{int:meeting_id}", response={200: MeetingOut, **ERRORS}, openapi_extra=IF_MATCH)
def patch_meeting(
    request: HttpRequest, meeting_id: PathId, payload: MeetingPatch, response: HttpResponse
) -> Any:
    """Change title, location, online link or recording link. Needs `If-Match`."""
    return _meeting_write(
        request, response, meeting_id, services.update_meeting, **payload.dict(exclude_unset=True)
    )


@router.post("/{int:meeting_id}/move", response={200: MeetingOut, **ERRORS}, openapi_extra=IF_MATCH)
def move_meeting(
    request: HttpRequest, meeting_id: PathId, payload: MeetingMoveIn, response: HttpResponse
) -> Any:
    """Move the meeting; it keeps its original date and its deadlines follow the new one."""
    return _meeting_write(
        request,
        response,
        meeting_id,
        services.move_meeting,
        start=payload.start,
        end=payload.end,
        note=payload.note,
        non_working_day_reason=payload.non_working_day_reason,
    )


@router.post(
    "/{int:meeting_id}/cancel", response={200: MeetingOut, **ERRORS}, openapi_extra=IF_MATCH
)
def cancel_meeting(
    request: HttpRequest, meeting_id: PathId, payload: NoteIn, response: HttpResponse
) -> Any:
    return _meeting_write(request, response, meeting_id, services.cancel_meeting, note=payload.note)


@router.post(
    "/{int:meeting_id}/reinstate", response={200: MeetingOut, **ERRORS}, openapi_extra=IF_MATCH
)
def reinstate_meeting(
    request: HttpRequest, meeting_id: PathId, payload: NoteIn, response: HttpResponse
) -> Any:
    """Undo a cancellation: planned again (or moved, if it had moved) at its time."""
    return _meeting_write(
        request, response, meeting_id, services.reinstate_meeting, note=payload.note
    )


@router.post(
    "/{int:meeting_id}/confirm", response={200: MeetingOut, **ERRORS}, openapi_extra=IF_MATCH
)
def confirm_meeting(request: HttpRequest, meeting_id: PathId, response: HttpResponse) -> Any:
    return _meeting_write(request, response, meeting_id, services.confirm_meeting)


@router.post("/{int:meeting_id}/held", response={200: MeetingOut, **ERRORS}, openapi_extra=IF_MATCH)
def mark_held(
    request: HttpRequest, meeting_id: PathId, payload: HeldIn, response: HttpResponse
) -> Any:
    """Record that the meeting took place; its headline report draft starts."""
    return _meeting_write(
        request,
        response,
        meeting_id,
        services.mark_meeting_held,
        recording_link=payload.recording_link,
    )


@router.post("/extraordinary", response={201: MeetingOut, **ERRORS})
def create_extraordinary(
    request: HttpRequest, payload: ExtraordinaryIn, response: HttpResponse
) -> Any:
    """Add an extraordinary meeting, numbered after the last regular one (e.g. 24.1)."""
    user = writer(request)
    group = governance_selectors.group_get(user=user, acronym=payload.group)
    meeting = services.create_extraordinary_meeting(
        actor=user,
        group=group,
        start=payload.start,
        end=payload.end,
        title=payload.title,
        location=payload.location,
        online_link=payload.online_link,
    )
    return Status(201, _answer(request, response, meeting.pk))


@router.post("/generate/{acronym}", response={200: GenerateOut, **ERRORS})
def generate(request: HttpRequest, acronym: str, payload: GenerateIn) -> Any:
    """Generate the group's scheduled meetings up to `until` (nothing is duplicated)."""
    user = writer(request)
    group = governance_selectors.group_get(user=user, acronym=acronym)
    report = services.generate_meetings(actor=user, group=group, until=payload.until)
    return {
        "group": report.group,
        "created": len(report.created),
        "kept": report.kept,
        "removed": len(report.removed),
        "renumbered": report.renumbered,
        "on_non_working_days": [meeting_date(m) for m in report.on_non_working_days],
        "summary": report.render(),
    }
