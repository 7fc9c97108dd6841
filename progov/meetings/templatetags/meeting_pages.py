"""Template filters of the calendar, meeting and deadlines pages (`{% load meeting_pages %}`).

{{ deadline.status|deadline_status }}      → "Met on time"
{{ deadline|deadline_rule }}               → "5 working days before the meeting"
{{ deadline_rules.headline_report_due|working_days_words }} → "two working days"
{{ deadline|deadline_short }}              → "Papers"
{{ row.days|days_from_today }}             → "in 3 days", "2 days ago", "today"
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils import timezone

from progov.governance.models import DeadlineRule
from progov.meetings.deadlines import Deadline
from progov.meetings.panels import agenda_links
from progov.meetings.selectors.overview import SHORT_LABELS

register = template.Library()

DEADLINE_STATUS = {
    "met": "Met on time",
    "late": "Met late",
    "overdue": "Overdue",
    "due": "Due",
    "open": "Open",
    "closed": "Closed",
    "not_tracked": "Not tracked",
}
ANCHORS: dict[str, str] = {
    DeadlineRule.Anchor.MEETING: "the meeting",
    DeadlineRule.Anchor.NEXT_MEETING: "the next meeting",
    DeadlineRule.Anchor.DECISION: "the decision",
}
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


@register.filter
def deadline_status(status: str) -> str:
    """A deadline's status in words (the badge's colour only decorates it)."""
    return DEADLINE_STATUS.get(status, status)


@register.filter
def deadline_rule(deadline: Deadline) -> str:
    """The rule a deadline comes from, e.g. "2 working days after the meeting"."""
    days = deadline.working_days
    anchor = ANCHORS.get(deadline.anchor, "the meeting")
    return f"{days} working day{'s' if days != 1 else ''} {deadline.direction} {anchor}"


@register.filter
def working_days_words(rule: DeadlineRule | Deadline | None) -> str:
    """A rule's working days in prose, as the framework words them: "two working days".

    Templates word a deadline from its rule, never from a number of their own:
    `due within {{ deadline_rules.headline_report_due|working_days_words }} of the meeting`.
    """
    if rule is None or rule == "":
        return ""
    days = rule.working_days
    number = NUMBER_WORDS[days] if 0 <= days < len(NUMBER_WORDS) else str(days)
    return f"{number} working day{'' if days == 1 else 's'}"


@register.filter
def deadline_short(deadline: Deadline) -> str:
    """A short name for tight spaces: "Papers", "Headline report"."""
    return SHORT_LABELS.get(deadline.key, deadline.label)


@register.filter
def days_from_today(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    if days > 0:
        return f"in {days} days"
    return f"{-days} days ago"


@register.filter
def days_until(day: date) -> str:
    """How far `day` is from today ("in 3 days", "2 days ago"); '' beyond three months,
    where the date itself says more than "1531 days ago"."""
    days = (day - timezone.localdate()).days
    return days_from_today(days) if abs(days) <= 90 else ""


@register.simple_tag
def panel_links(title: str) -> list[Any]:
    """The meeting-page panels an agenda item links to ("Minutes and Actions" →
    "Actions to review", meetings/panels.py)."""
    return agenda_links(title)
