"""Occurrences of a group's schedule: RRULE + local times in its zone → aware datetimes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from progov.governance.models import GovernanceGroup
from progov.governance.timezones import group_tz


@dataclass(frozen=True)
class Occurrence:
    start: datetime
    end: datetime


def occurrences(
    *, rrule: str, start_time: time, end_time: time, tz_name: str, first_day: date, last_day: date
) -> list[Occurrence]:
    """Every occurrence of `rrule` whose date lies in [first_day, last_day].

    The rule is expanded on naive local dates and each time is then placed in the
    zone, so a 10:00 meeting stays at 10:00 local time across the clock changes.
    """
    if not rrule or last_day < first_day:
        return []
    tz = ZoneInfo(tz_name)
    dtstart = datetime.combine(first_day, start_time)
    until = datetime.combine(last_day, start_time)
    rule = rrulestr(f"RRULE:{rrule}", dtstart=dtstart)
    duration = datetime.combine(first_day, end_time) - datetime.combine(first_day, start_time)
    if duration <= timedelta(0):
        return []
    found = []
    for naive in rule.between(dtstart, until, inc=True):
        local_start = naive.replace(tzinfo=tz)
        local_end = (naive + duration).replace(tzinfo=tz)
        found.append(Occurrence(start=local_start, end=local_end))
    return found


def group_occurrences(group: GovernanceGroup, first_day: date, last_day: date) -> list[Occurrence]:
    if (
        not group.schedule_rrule
        or group.schedule_start_time is None
        or group.schedule_end_time is None
    ):
        return []
    return occurrences(
        rrule=group.schedule_rrule,
        start_time=group.schedule_start_time,
        end_time=group.schedule_end_time,
        tz_name=group_tz(group).key,
        first_day=first_day,
        last_day=last_day,
    )
