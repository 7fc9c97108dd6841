"""Reads of a meeting's headline report, its amendment requests, and the sections other
apps add to it.

Who sees what:
- a **draft** report is the secretariat's work in progress: only writers see it;
- a **published** report is seen by whoever may see the meeting;
- **amendment requests** are seen by signed-in users (participants asking the PMO;
  their names are not shown to anonymous visitors).

Extension point for decisions and actions: the report shows the meeting's decisions
(timestamped against the recording) and its actions once those apps exist. They plug
in here, without changing the meetings app:

    from progov.meetings.selectors.reports import ReportSection, ReportSectionItem, register_report_section

    @register_report_section(key="decisions", order=10)
    def decisions_section(meeting: Meeting, user: Any) -> ReportSection | None:
        rows = decision_list(user=user, meeting=meeting)  # one query
        return ReportSection("decisions", "Decisions", [ReportSectionItem(d.ref, d.text, f"at {d.recording_time}") for d in rows])

Each provider is called once per report shown and must cost a fixed number of
queries. Today none is registered, so the report shows only its text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from progov.core import access
from progov.core.errors import NotFound
from progov.meetings.models import AmendmentRequest, HeadlineReport, Meeting


@dataclass(frozen=True)
class ReportSectionItem:
    """One line of a section, e.g. ("PSG24-D03", "Approved the M10 re-plan", "at 00:42:10")."""

    label: str
    text: str
    detail: str = ""
    url: str = ""


@dataclass(frozen=True)
class ReportSection:
    key: str
    title: str
    items: list[ReportSectionItem] = field(default_factory=list)
    empty_text: str = "None recorded."


ReportSectionProvider = Callable[[Meeting, Any], "ReportSection | None"]


@dataclass(frozen=True)
class _Registered:
    key: str
    order: int
    provider: ReportSectionProvider


_PROVIDERS: dict[str, _Registered] = {}


def register_report_section(
    *, key: str, order: int = 100
) -> Callable[[ReportSectionProvider], ReportSectionProvider]:
    """Add a section (e.g. "decisions", "actions") to every headline report shown.
    Registering the same key again replaces the earlier provider."""

    def decorator(provider: ReportSectionProvider) -> ReportSectionProvider:
        _PROVIDERS[key] = _Registered(key=key, order=order, provider=provider)
        return provider

    return decorator


def unregister_report_section(key: str) -> None:
    _PROVIDERS.pop(key, None)


def report_sections(*, user: Any, meeting: Meeting) -> list[ReportSection]:
    """The registered sections for this meeting, in order (empty until apps register)."""
    sections = []
    for registered in sorted(_PROVIDERS.values(), key=lambda r: (r.order, r.key)):
        section = registered.provider(meeting, user)
        if section is not None:
            sections.append(section)
    return sections


def headline_report_for(*, user: Any, meeting: Meeting) -> HeadlineReport | None:
    """The meeting's report as the user may see it: None when there is none yet, or it
    is a draft and the user is not the secretariat. A hidden meeting is NotFound."""
    if not access.may_view(user=user, obj=meeting):
        raise NotFound(f"No meeting #{meeting.pk}.")
    report = HeadlineReport.objects.filter(meeting=meeting).first()
    if report is None:
        return None
    report.meeting = meeting
    if not access.may_view(user=user, obj=report):
        return None
    return report


def amendments_for(*, user: Any, report: HeadlineReport | None) -> list[AmendmentRequest]:
    """Amendment requests to the report, oldest first; only for participants."""
    if report is None:
        return []
    return list(
        access.restrict(AmendmentRequest.objects.filter(report=report), user=user)
        .select_related("requested_by", "answered_by")
        .order_by("submitted_at", "id")
    )


def amendment_get(*, user: Any, report: HeadlineReport, pk: int) -> AmendmentRequest:
    amendment = (
        access.restrict(AmendmentRequest.objects.filter(report=report, pk=pk), user=user)
        .select_related("requested_by", "answered_by")
        .first()
    )
    if amendment is None:
        raise NotFound(f"No amendment request #{pk} on this report.")
    return amendment
