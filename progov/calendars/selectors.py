"""Reads for calendars: closure days, and working calendars built from the database.

The arithmetic itself is pure and lives in `progov.core.workdays`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from progov.calendars.models import ClosureDay
from progov.core.errors import NotFound
from progov.core.workdays import WorkingCalendar, get_calendar
from progov.governance.models import Programme


def programme_by_slug(*, user: Any, slug: str) -> Programme:
    """The programme with this slug; unknown → NotFound (programmes are public)."""
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise NotFound(f"No programme {slug!r}.")
    return programme


def closure_day_list(
    *, user: Any, programme: Programme, year: int | None = None
) -> QuerySet[ClosureDay]:
    qs = ClosureDay.objects.filter(programme=programme)
    if year is not None:
        qs = qs.filter(date__year=year)
    return qs.order_by("date")


def working_calendar(name: str, *, programme: Programme | None = None) -> WorkingCalendar:
    """Calendar `name`, with `programme`'s closure days layered on it when one is given.

    One query for the closure days; unknown calendar → NotFound.
    """
    if programme is None:
        return get_calendar(name)
    closures = dict(ClosureDay.objects.filter(programme=programme).values_list("date", "name"))
    return get_calendar(name, closures)


def calendar_for_programme(programme: Programme) -> WorkingCalendar:
    """The calendar a programme's governance deadlines count in, with its closure days.

    Example: MHHS → england-and-wales less MHHS's Christmas shutdown days. Build it
    once per request or job and reuse it for every meeting: it costs one query and
    caches its per-year non-working days.
    """
    return working_calendar(programme.governance_calendar, programme=programme)
