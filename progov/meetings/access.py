"""The meetings kinds of the access model (`core.access` holds the table).

A meeting is seen by whoever sees its group; its agenda, attendance and headline report by
whoever sees the meeting; a paper also by its own classification, and only once published
unless the reader manages the group's meetings. A draft headline report likewise.
"""

from __future__ import annotations

from django.db.models import Q

from progov.core import access
from progov.core.access import Kind
from progov.meetings.models import (
    AgendaItem,
    AgendaTemplateItem,
    AmendmentRequest,
    Attendance,
    CalendarFeedToken,
    ForwardLookItem,
    HeadlineReport,
    Meeting,
    MeetingSeries,
    Paper,
    ReportStatus,
)

GROUP = "governance.group"
MEETING = "meetings.meeting"

for kind in (
    Kind("meetings.meetingseries", MeetingSeries, group="group_id", parent=(GROUP, "group")),
    Kind(
        "meetings.agendatemplateitem", AgendaTemplateItem, group="group_id", parent=(GROUP, "group")
    ),
    Kind(MEETING, Meeting, group="group_id", parent=(GROUP, "group")),
    Kind("meetings.agendaitem", AgendaItem, group="meeting__group_id", parent=(MEETING, "meeting")),
    Kind("meetings.forwardlookitem", ForwardLookItem, group="group_id", parent=(GROUP, "group")),
    Kind(
        "meetings.paper",
        Paper,
        group="meeting__group_id",
        classification="classification",
        parent=(MEETING, "meeting"),
        draft=Q(published_at__isnull=True),
        is_draft=lambda paper: paper.published_at is None,
    ),
    Kind(
        "meetings.attendance",
        Attendance,
        group="meeting__group_id",
        person="person_id",
        parent=(MEETING, "meeting"),
    ),
    Kind(
        "meetings.headlinereport",
        HeadlineReport,
        group="meeting__group_id",
        parent=(MEETING, "meeting"),
        draft=~Q(status=ReportStatus.PUBLISHED),
        is_draft=lambda report: report.status != ReportStatus.PUBLISHED,
    ),
    Kind(
        "meetings.amendmentrequest",
        AmendmentRequest,
        group="report__meeting__group_id",
        parent=("meetings.headlinereport", "report"),
    ),
    Kind("meetings.calendarfeedtoken", CalendarFeedToken, person="person_id"),
):
    access.register_kind(kind)
