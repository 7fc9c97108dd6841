"""Template filters for governance pages (`{% load governance_ui %}`)."""

from __future__ import annotations

from django import template

from progov.governance.models import GovernanceGroup
from progov.governance.schedules import describe_schedule

register = template.Library()


@register.filter
def schedule_text(group: GovernanceGroup) -> str:
    """The group's meeting pattern in plain English, e.g. "1st Wednesday of each month, 10:00–12:00"."""
    return describe_schedule(
        group.schedule_rrule,
        group.schedule_start_time,
        group.schedule_end_time,
        group.schedule_note,
    )


@register.filter
def status_class(status: str) -> str:
    """A CSS modifier for a status badge (the badge always shows the status as text too)."""
    return "status-" + str(status).replace("_", "-")
