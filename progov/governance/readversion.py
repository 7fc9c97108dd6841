"""The read version's date part (core/readcache.py): today in each programme's time zone.

Deadlines, "overdue" and the calendars' "today" turn over at midnight where the programme
is, not at a write; the date joins the read version so answers made yesterday are not
served today.
"""

from __future__ import annotations

from django.utils import timezone

from progov.audit.readversion import ByHead
from progov.governance.models import Programme
from progov.governance.timezones import DEFAULT_TIMEZONE, zone

# A programme's zone changes only through an audited write.
_ZONES: ByHead[list[str]] = ByHead(
    lambda: (
        sorted(
            {tz or DEFAULT_TIMEZONE for tz in Programme.objects.values_list("timezone", flat=True)}
        )
        or [DEFAULT_TIMEZONE]
    )
)


def programme_dates() -> str:
    """`Europe/London:2026-12-03` (one per zone the programmes use)."""
    now = timezone.now()
    return ",".join(f"{tz}:{now.astimezone(zone(tz)).date().isoformat()}" for tz in _ZONES.get())
