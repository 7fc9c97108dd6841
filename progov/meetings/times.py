"""A meeting's local times: in its group's time zone (`governance.timezones`).

MHHS's groups meet in Europe/London, so PSG's meeting at 09:00 UTC on 6 Sep 2023 is
10:00 on Wednesday 6 Sep; its date — which deadlines count from and which memberships
are current on — is that local date.

    meeting_tz(meeting)         → ZoneInfo("Europe/London")
    meeting_date(meeting)       → date(2023, 9, 6)
    local(meeting.end, meeting) → 2023-09-06 12:00+01:00
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import overload
from zoneinfo import ZoneInfo

from progov.governance.models import GovernanceGroup, Programme
from progov.governance.timezones import DEFAULT_TIMEZONE, group_tz, programme_tz, zone
from progov.meetings.models import Meeting


def meeting_tz(meeting: Meeting) -> ZoneInfo:
    return group_tz(meeting.group)


@overload
def local(moment: datetime, meeting: Meeting) -> datetime: ...
@overload
def local(moment: None, meeting: Meeting) -> None: ...
def local(moment: datetime | None, meeting: Meeting) -> datetime | None:
    """`moment` (one of the meeting's times) in the meeting's zone; None stays None."""
    return moment.astimezone(meeting_tz(meeting)) if moment is not None else None


def meeting_date(meeting: Meeting) -> date:
    """The meeting's local date: deadlines count from it, memberships are current on it."""
    return meeting.start.astimezone(meeting_tz(meeting)).date()


def zone_of(
    *, programme: Programme | None = None, group: GovernanceGroup | None = None
) -> ZoneInfo:
    """The zone local dates are read in: the group's, else the programme's."""
    if group is not None:
        return group_tz(group)
    if programme is not None:
        return programme_tz(programme)
    return zone(DEFAULT_TIMEZONE)


def day_range(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[first 00:00, the day after last 00:00) in `tz`: the instants of those local days."""
    return (
        datetime.combine(first, time.min, tzinfo=tz),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz),
    )
