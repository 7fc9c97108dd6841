"""Template filters for governance pages (`{% load governance_ui %}`), and the
programme the page header names (`{% programme_label as label %}`, in base.html)."""

from __future__ import annotations

import datetime
import functools

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import formats, translation

from progov.core.errors import NotFound
from progov.governance.models import GovernanceGroup
from progov.governance.schedules import describe_schedule
from progov.governance.selectors import current_programme

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


# --- cheap forms of {% url %} and |date for long tables (the Members tab) ------------------

_PK_PLACEHOLDER = 987654321


@functools.cache
def _pk_url_parts(view_name: str, script_prefix: str) -> tuple[str, str]:
    """The URL of `view_name` around its one integer argument, reversed once per prefix."""
    before, after = reverse(view_name, args=[_PK_PLACEHOLDER]).split(str(_PK_PLACEHOLDER))
    return before, after


def _pk_url(view_name: str, pk: int) -> str:
    before, after = _pk_url_parts(view_name, get_script_prefix())
    return f"{before}{int(pk)}{after}"


@register.filter
def person_url(pk: int) -> str:
    """`{{ m.person.pk|person_url }}`: the same as `{% url 'governance:person' pk %}`,
    without resolving the URLconf for every row of a long table."""
    return _pk_url("governance:person", pk)


@register.filter
def organisation_url(pk: int) -> str:
    """`{{ org.pk|organisation_url }}`, like `person_url`."""
    return _pk_url("governance:organisation", pk)


@functools.lru_cache(maxsize=2048)
def _day_month_year(value: datetime.date, language: str) -> str:
    return formats.date_format(value, "j M Y")


@register.filter
def day_month_year(value: datetime.date | None) -> str:
    """`{{ d|day_month_year }}` is `{{ d|date:"j M Y" }}` ("1 Feb 2022"), formatted once
    per date and language: a table of members repeats the same few hundred dates."""
    if value is None:
        return ""
    return _day_month_year(value, translation.get_language() or "")


@register.simple_tag(takes_context=True)
def programme_label(context: template.Context) -> str:
    """The programme shown in the header: the page's own, else the current one, else ''."""
    programme = context.get("programme")
    if programme is None:
        try:
            programme = current_programme()
        except NotFound:
            return ""
    return str(getattr(programme, "name", "") or programme)
