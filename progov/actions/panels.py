"""The action log on a meeting's page and in its headline report.

- The meeting page's "Actions" panel is the "Minutes and Actions" item of the packs: the
  group's open actions and those recommended for closure, in the packs' columns, with
  "Confirm closure" and "Keep open" for the group's chair and secretariat once the
  meeting has started (meetings/panels.py).
- The headline report lists the actions raised at the meeting (the decisions join when
  the decision log does; meetings/selectors/reports.py).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from progov.actions import selectors
from progov.actions.models import Action
from progov.actions.services import closure_meeting_problem
from progov.core import access
from progov.meetings.models import Meeting
from progov.meetings.panels import MeetingPanel, register_meeting_panel
from progov.meetings.selectors.reports import (
    ReportSection,
    ReportSectionItem,
    register_report_section,
)


def review_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any] | None:
    review = selectors.meeting_review(user=request.user, meeting=meeting)
    group = meeting.group
    can_raise = access.allowed(
        user=request.user, action="create", obj=Action(group=group, programme=group.programme)
    )
    if not review.count and not review.closed_count and not can_raise:
        return None
    if review.can_confirm:
        # Why this meeting cannot confirm a closure (not started yet, the meeting it was
        # raised at), shown in place of the button.
        for a in review.to_confirm:
            a.closure_problem = closure_meeting_problem(a, meeting)  # type: ignore[attr-defined]
    return {
        "review": review,
        "meeting": meeting,
        "today": review.today,
        "can_raise": can_raise and meeting.status != "cancelled",
    }


register_meeting_panel(
    MeetingPanel(
        key="action-log",
        title="Actions",
        template="actions/_meeting_panel.html",
        context=review_context,
        order=10,
        agenda_item=lambda title: "action" in title.casefold(),
        agenda_link="Actions to review",
    )
)


@register_report_section(key="actions", order=20)
def actions_section(meeting: Meeting, user: Any) -> ReportSection | None:
    """The actions raised at the meeting (one query with their owners); no section when
    none was raised."""
    rows = selectors.actions_raised_at(user=user, meeting=meeting)
    if not rows:
        return None
    items = []
    for a in rows:
        due = f"due {a.due_on:%d/%m/%Y}" if a.due_on else a.due_text
        items.append(
            ReportSectionItem(
                label=a.ref,
                text=a.description,
                detail=f"Owner: {a.owner_text}" + (f"; {due}" if due else ""),
                url=reverse("actions:action", args=[a.ref]),
            )
        )
    return ReportSection("actions", "Actions raised", items, empty_text="No actions were raised.")
