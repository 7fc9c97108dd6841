"""`/api/v1/meetings/{id}/headline-report…`: the headline report and amendment requests.

- `GET` the report (a draft only for the secretariat; `body_html` is the Markdown
  rendered and sanitised), `PATCH` its body and `POST …/publish` (secretariat,
  `If-Match` with the report's version);
- `GET …/amendments` and `POST …/amendments` (any signed-in user, once published);
  `POST …/amendments/{aid}/answer` (secretariat, `If-Match` with the request's version).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from progov.core.api import IF_MATCH, WRITE_ERRORS, actor, etag_for, verb_on, versioned_write
from progov.core.auth import is_signed_in
from progov.core.bounds import Body, Flag, PathId, text_of
from progov.core.errors import NotFound, PermissionDenied
from progov.core.richtext import render_markdown
from progov.meetings import selectors, services
from progov.meetings.models import AmendmentRequest, HeadlineReport, Meeting
from progov.meetings.selectors.reports import (
    amendment_get,
    amendments_for,
    headline_report_for,
    report_sections,
)
from progov.meetings.times import meeting_tz

router = Router(tags=["meetings"])
ERRORS = WRITE_ERRORS


class ReportSectionItemOut(Schema):
    label: str
    text: str
    detail: str
    url: str


class ReportSectionOut(Schema):
    key: str = Field(description='e.g. "decisions", "actions" (added by those apps)')
    title: str
    items: list[ReportSectionItemOut]


class HeadlineReportOut(Schema):
    meeting: int
    status: Literal["draft", "published"]
    body: str = Field(description="Markdown: headings, lists, links, emphasis, tables")
    body_html: str = Field(description="The body rendered and sanitised")
    published_at: datetime | None
    sections: list[ReportSectionOut] = Field(
        description="Sections other apps add (the meeting's decisions and actions)"
    )
    version: int


class HeadlineReportPatch(Body):
    body: text_of(HeadlineReport, "body")  # type: ignore[valid-type]


class AmendmentOut(Schema):
    id: int
    requester_name: str
    text: str
    submitted_at: datetime
    status: Literal["open", "answered", "closed"]
    response: str
    answered_at: datetime | None
    closed_at: datetime | None
    version: int


class AmendmentListOut(Schema):
    items: list[AmendmentOut]
    count: int


class AmendmentIn(Body):
    text: text_of(AmendmentRequest, "text", min_length=1)  # type: ignore[valid-type]


class AnswerIn(Body):
    response: text_of(AmendmentRequest, "response") = ""  # type: ignore[valid-type]
    close: Flag = Field(True, description="Close the request with this answer")


def _local(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    return moment.astimezone(tz) if moment else None


def _meeting(request: HttpRequest, meeting_id: PathId) -> Meeting:
    return selectors.meeting_get(user=actor(request), pk=meeting_id)


def _report(request: HttpRequest, meeting: Meeting) -> HeadlineReport:
    report = headline_report_for(user=actor(request), meeting=meeting)
    if report is None:
        raise NotFound(
            f"{meeting.group.acronym} #{meeting.number} has no headline report yet "
            "(it is drafted when the meeting is marked held)."
        )
    return report


def report_out(request: HttpRequest, meeting: Meeting, report: HeadlineReport) -> dict[str, Any]:
    return {
        "meeting": meeting.pk,
        "status": report.status,
        "body": report.body,
        "body_html": str(render_markdown(report.body)),
        "published_at": _local(report.published_at, meeting_tz(meeting)),
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "items": [
                    {"label": i.label, "text": i.text, "detail": i.detail, "url": i.url}
                    for i in s.items
                ],
            }
            for s in report_sections(user=actor(request), meeting=meeting)
        ],
        "version": report.version,
    }


def amendment_out(a: AmendmentRequest, tz: ZoneInfo) -> dict[str, Any]:
    """An amendment request's API shape, its times in `tz` (the meeting's zone)."""
    return {
        "id": a.pk,
        "requester_name": a.requester_name,
        "text": a.text,
        "submitted_at": _local(a.submitted_at, tz),
        "status": a.status,
        "response": a.response,
        "answered_at": _local(a.answered_at, tz),
        "closed_at": _local(a.closed_at, tz),
        "version": a.version,
    }


def _answer_report(
    request: HttpRequest, response: HttpResponse, meeting_id: PathId
) -> dict[str, Any]:
    meeting = _meeting(request, meeting_id)
    report = _report(request, meeting)
    response["ETag"] = etag_for(report.version)
    return report_out(request, meeting, report)


@router.get("/{int:meeting_id}/headline-report", response={200: HeadlineReportOut, **ERRORS})
def get_headline_report(request: HttpRequest, meeting_id: PathId, response: HttpResponse) -> Any:
    """The meeting's headline report. A draft is only shown to the secretariat (404
    for anyone else, as before the meeting is held)."""
    return _answer_report(request, response, meeting_id)


def _report_write(
    request: HttpRequest, response: HttpResponse, meeting_id: PathId, service: Any, **arguments: Any
) -> Any:
    """Call a headline-report verb through `versioned_write`; answer the report."""
    return versioned_write(
        request,
        response,
        verb_on(
            service,
            "report",
            lambda _user: _report(request, _meeting(request, meeting_id)),
            **arguments,
        ),
        lambda _report: _answer_report(request, response, meeting_id),
    )


@router.patch(
    "/{int:meeting_id}/headline-report",
    response={200: HeadlineReportOut, **ERRORS},
    openapi_extra=IF_MATCH,
)
def patch_headline_report(
    request: HttpRequest, meeting_id: PathId, payload: HeadlineReportPatch, response: HttpResponse
) -> Any:
    """Change the report's Markdown body (draft or published). Needs `If-Match`."""
    return _report_write(
        request, response, meeting_id, services.update_headline_report, body=payload.body
    )


@router.post(
    "/{int:meeting_id}/headline-report/publish",
    response={200: HeadlineReportOut, **ERRORS},
    openapi_extra=IF_MATCH,
)
def publish_headline_report(
    request: HttpRequest, meeting_id: PathId, response: HttpResponse
) -> Any:
    """Publish the report (the meeting must have been held). Needs `If-Match`. The
    publication time is what the two-working-day deadline is judged on."""
    return _report_write(request, response, meeting_id, services.publish_headline_report)


@router.get(
    "/{int:meeting_id}/headline-report/amendments", response={200: AmendmentListOut, **ERRORS}
)
def list_amendments(request: HttpRequest, meeting_id: PathId) -> Any:
    """Amendment requests to the report, oldest first (signed-in users)."""
    user = actor(request)
    meeting = _meeting(request, meeting_id)
    report = _report(request, meeting)
    if not is_signed_in(user):
        raise PermissionDenied("Sign in to see amendment requests.")
    items = amendments_for(user=user, report=report)
    return {"items": [amendment_out(a, meeting_tz(meeting)) for a in items], "count": len(items)}


@router.post("/{int:meeting_id}/headline-report/amendments", response={201: AmendmentOut, **ERRORS})
def create_amendment(
    request: HttpRequest, meeting_id: PathId, payload: AmendmentIn, response: HttpResponse
) -> Any:
    """Ask for an addition or correction to a published report (any signed-in user)."""
    user = actor(request)
    meeting = _meeting(request, meeting_id)
    report = _report(request, meeting)
    amendment = services.request_amendment(actor=user, report=report, text=payload.text)
    response["ETag"] = etag_for(amendment.version)
    return Status(201, amendment_out(amendment, meeting_tz(meeting)))


@router.post(
    "/{int:meeting_id}/headline-report/amendments/{int:amendment_id}/answer",
    response={200: AmendmentOut, **ERRORS},
    openapi_extra=IF_MATCH,
)
def answer_amendment(
    request: HttpRequest,
    meeting_id: PathId,
    amendment_id: PathId,
    payload: AnswerIn,
    response: HttpResponse,
) -> Any:
    """Answer a request and close it (`close: false` leaves it answered but open; an
    empty `response` closes an answered request keeping its answer). Needs `If-Match`."""
    return versioned_write(
        request,
        response,
        lambda user, expected: services.answer_amendment(
            actor=user,
            amendment=amendment_get(
                user=user, report=_report(request, _meeting(request, meeting_id)), pk=amendment_id
            ),
            expected_version=expected,
            response=payload.response,
            close=payload.close,
        ),
        lambda amendment: amendment_out(amendment, meeting_tz(amendment.report.meeting)),
    )
