"""Writes for what follows a meeting: the headline report and amendment requests to it.

The headline report (framework v3.2) is drafted when the meeting is marked held,
edited and published by the secretariat within two working days, and may be amended
afterwards: participants ask for additions (`request_amendment`), the secretariat
answers (`answer_amendment`) and edits the published report, whose publication time
stays the one the deadline was judged on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from progov.audit.services import record_create
from progov.audit.writes import WritePath, insert
from progov.core import access
from progov.core.auth import is_signed_in
from progov.core.errors import PermissionDenied, ValidationError
from progov.governance.models import Person
from progov.meetings.models import (
    AgendaItemType,
    AmendmentRequest,
    AmendmentStatus,
    HeadlineReport,
    Meeting,
    MeetingStatus,
    ReportStatus,
)

REPORT_FIELDS = ("body", "status", "published_at")
AMENDMENT_FIELDS = ("status", "response", "answered_by", "answered_at", "closed_at")


def _draft_body(meeting: Meeting) -> str:
    """The skeleton a PMO officer fills in: the agenda's decisions and discussions.

    Headings are Markdown (rendered safely by progov.core.richtext); the meeting's
    decisions and actions are not copied in: the report page shows them live from
    `selectors.reports.report_sections` once those apps exist.
    """
    lines = [f"# {meeting.group.name} #{meeting.number} — headline report", ""]
    lines.append(f"Meeting held {timezone.localtime(meeting.start):%A %d %B %Y, %H:%M}.")
    if meeting.recording_link:
        lines.append("")
        lines.append(f"Recording: <{meeting.recording_link}>")
    lines.append("")
    for item in meeting.agenda_items.all().order_by("position", "id"):
        if item.item_type == AgendaItemType.BREAK:
            continue
        lines.append(f"## {item.position}. {item.title} ({item.get_item_type_display()})")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _normalise_body(body: str) -> str:
    """Form posts send CRLF line ends: store LF, so an unchanged form changes nothing."""
    return body.replace("\r\n", "\n").replace("\r", "\n")


@transaction.atomic
def start_headline_report(*, actor: Any, meeting: Meeting) -> HeadlineReport:
    """Create the draft when the meeting is marked held (idempotent)."""
    access.require(user=actor, action="edit_report", obj=meeting)
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("group").get(pk=meeting.pk)
    )
    existing = HeadlineReport.objects.filter(meeting=meeting).first()
    if existing is not None:
        return existing
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError(
            f"{meeting} is {meeting.get_status_display().lower()}: its headline report is "
            "started when it is marked held."
        )
    report = insert(HeadlineReport, meeting=meeting, body=_draft_body(meeting))
    record_create(
        actor=actor, obj=report, fields={"meeting": str(meeting), "status": report.status}
    )
    return report


_REPORTS = WritePath(HeadlineReport.objects.select_related("meeting"), REPORT_FIELDS)
_AMENDMENTS = WritePath(AmendmentRequest, AMENDMENT_FIELDS)


@transaction.atomic
def update_headline_report(
    *, actor: Any, report: HeadlineReport, expected_version: int | None, body: str
) -> HeadlineReport:
    """Change the report's text. A published report may be amended (the framework issues
    amended headline reports alongside the next meeting's papers) but not emptied."""
    body = _normalise_body(body)
    with _REPORTS.change(actor, report, expected_version, "change") as change:
        if change.obj.status == ReportStatus.PUBLISHED and not body.strip():
            raise ValidationError.for_field(
                "body", "A published headline report cannot be emptied."
            )
        change.obj.body = body
    return change.obj


@transaction.atomic
def publish_headline_report(
    *, actor: Any, report: HeadlineReport, expected_version: int | None, now: datetime | None = None
) -> HeadlineReport:
    """Publish the report; its publication time is what the 2-working-day deadline checks."""
    with _REPORTS.change(actor, report, expected_version, "publish") as change:
        report = change.obj
        if report.status == ReportStatus.PUBLISHED:
            raise ValidationError("The headline report is already published.")
        if report.meeting.status != MeetingStatus.HELD:
            raise ValidationError("Only the report of a meeting that was held can be published.")
        if not report.body.strip():
            raise ValidationError.for_field("body", "An empty headline report cannot be published.")
        report.status = ReportStatus.PUBLISHED
        report.published_at = now or timezone.now()
    return report


def _requester_name(user: Any) -> str:
    """The person's name in the directory when the login is linked to one."""
    person = Person.objects.filter(user=user).only("name").first()
    if person is not None:
        return person.name
    return str(user.get_full_name() or user.get_username())


@transaction.atomic
def request_amendment(
    *, actor: Any, report: HeadlineReport, text: str, now: datetime | None = None
) -> AmendmentRequest:
    """Any signed-in participant may ask for an addition to a published report."""
    if not is_signed_in(actor):
        raise PermissionDenied("Sign in to request an amendment.")
    report = HeadlineReport.objects.select_related("meeting", "meeting__group").get(pk=report.pk)
    if report.status != ReportStatus.PUBLISHED:
        raise ValidationError("Amendments can be requested once the report is published.")
    access.require(user=actor, action="request_amendment", obj=report)
    if not text.strip():
        raise ValidationError.for_field("text", "Say what should be added or changed.")
    amendment = insert(
        AmendmentRequest,
        report=report,
        requested_by=actor,
        text=text.strip(),
        submitted_at=now or timezone.now(),
        requester_name=_requester_name(actor),
    )
    record_create(
        actor=actor,
        obj=amendment,
        fields={
            "report": str(report),
            "requester_name": amendment.requester_name,
            "text": amendment.text,
        },
    )
    return amendment


@transaction.atomic
def answer_amendment(
    *,
    actor: Any,
    amendment: AmendmentRequest,
    expected_version: int | None,
    response: str,
    close: bool = True,
    now: datetime | None = None,
) -> AmendmentRequest:
    """The secretariat answers a request and (by default) closes it.

    An answered request can be closed later without writing the answer again (an
    empty `response` keeps the one given); a new answer replaces it.
    """
    response = _normalise_body(response).strip()
    now = now or timezone.now()
    with _AMENDMENTS.change(actor, amendment, expected_version, "answer") as change:
        amendment = change.obj
        if amendment.status == AmendmentStatus.CLOSED:
            raise ValidationError("This amendment request is already closed.")
        if not response and not (close and amendment.response):
            raise ValidationError.for_field("response", "Write the answer.")
        if response:
            amendment.response = response
            amendment.answered_by = actor if is_signed_in(actor) else None
            amendment.answered_at = now
        amendment.status = AmendmentStatus.CLOSED if close else AmendmentStatus.ANSWERED
        if close:
            amendment.closed_at = now
    return amendment
