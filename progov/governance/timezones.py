"""The time zones of a programme and its groups: where "today" and a meeting's local time come from.

A programme has one zone (`Programme.timezone`, MHHS: Europe/London) for its dates —
today, the deadlines page, clashes across groups, its iCal feeds; a group schedules in
its own (`GovernanceGroup.schedule_timezone`, the programme's unless set otherwise),
and its meetings are shown in it. Code never names a zone of its own.

    programme_tz(mhhs)            → ZoneInfo("Europe/London")
    today_for(mhhs)               → date(2023, 9, 14)
    local_date(meeting.start, group_tz(meeting.group))
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.utils import timezone as django_timezone

from progov.governance.models import GovernanceGroup, Programme

DEFAULT_TIMEZONE = "Europe/London"


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """The ZoneInfo called `name` ("Europe/London"); ZoneInfoNotFoundError if unknown."""
    return ZoneInfo(name)


@lru_cache(maxsize=1)
def _known_names() -> frozenset[str]:
    return frozenset(available_timezones())


def is_known_zone(name: object) -> bool:
    """True for an IANA zone name this machine knows ("Europe/London", "UTC")."""
    if not isinstance(name, str) or name not in _known_names() | {"UTC"}:
        return False
    try:
        zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def unknown_zone_message(name: object) -> str:
    return f'Unknown time zone {name!r}; use an IANA name such as "Europe/London".'


def programme_tz(programme: Programme) -> ZoneInfo:
    """The programme's zone: its dates (today, clashes, feeds) are local to it."""
    return zone(programme.timezone or DEFAULT_TIMEZONE)


def group_tz(group: GovernanceGroup) -> ZoneInfo:
    """The zone a group schedules in and its meetings are shown in."""
    if group.schedule_timezone:
        return zone(group.schedule_timezone)
    return programme_tz(group.programme)


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def today_for(programme: Programme) -> date:
    """Today's date where the programme is (a deadline is due until its day ends there)."""
    return django_timezone.now().astimezone(programme_tz(programme)).date()
