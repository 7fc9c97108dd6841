"""The decisions a meeting took, in its headline report (meetings/selectors/reports.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from progov.decisions import selectors
from progov.meetings.models import Meeting
from progov.meetings.selectors.reports import (
    ReportSection,
    ReportSectionItem,
    register_report_section,
)


@register_report_section(key="decisions", order=10)
def decisions_section(meeting: Meeting, user: Any) -> ReportSection | None:
    """Decisions taken at the meeting, with their outcome and the recording's timestamp;
    no section when none was recorded."""
    rows = selectors.decisions_at(user=user, meeting=meeting)
    if not rows:
        return None
    return ReportSection(
        "decisions",
        "Decisions",
        [
            ReportSectionItem(
                label=d.ref,
                text=f"{d.subject}: {d.get_outcome_display()}",
                detail=(f"at {d.recording_time} in the recording; " if d.recording_time else "")
                + d.get_basis_display(),
                url=reverse("decisions:decision", args=[d.ref]),
            )
            for d in rows
        ],
    )
