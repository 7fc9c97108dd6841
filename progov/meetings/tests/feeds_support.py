"""Helpers shared by the iCal feed tests (their fixtures, `feed_group` and `kate`, are in
conftest.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import vobject

LONDON = ZoneInfo("Europe/London")
PAST = datetime(2022, 1, 1, tzinfo=LONDON)
WINDOW_2022 = "from=2022-01-01&to=2022-12-31"


def parse_both(text: str) -> tuple[Any, Any]:
    """The feed parsed by icalendar and by vobject (either raises on invalid input)."""
    return icalendar.Calendar.from_ical(text), vobject.readOne(text)


def events_by_uid(calendar: Any) -> dict[str, Any]:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}
