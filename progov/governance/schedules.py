"""Group schedules: RFC 5545 RRULEs plus local times, read from and written as plain English.

A schedule is stored as an RRULE without DTSTART (e.g. `FREQ=MONTHLY;BYDAY=1WE`)
and a local start and end time in Europe/London. The pack loader accepts the
seeds' own phrasing:

    "1st Wednesday of each month, 1000-1200"        -> FREQ=MONTHLY;BYDAY=1WE, 10:00-12:00
    "2nd and 4th Friday of each month, 10:00-11:30" -> FREQ=MONTHLY;BYDAY=2FR,4FR
    "1st Thursday of each month. 1000-1130"         -> FREQ=MONTHLY;BYDAY=1TH
    "Every Tuesday, 09:00-09:30" / "Every other Tuesday, …" -> FREQ=WEEKLY(;INTERVAL=2)
    "N/A", "TBC", "Ad hoc"                           -> no schedule, the text kept as a note
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.rrule import rrulestr

WEEKDAYS = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
    "mon": "MO",
    "tue": "TU",
    "tues": "TU",
    "wed": "WE",
    "weds": "WE",
    "thu": "TH",
    "thur": "TH",
    "thurs": "TH",
    "fri": "FR",
    "sat": "SA",
    "sun": "SU",
}
WEEKDAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
ORDINALS = {
    "1st": 1,
    "first": 1,
    "2nd": 2,
    "second": 2,
    "3rd": 3,
    "third": 3,
    "4th": 4,
    "fourth": 4,
    "5th": 5,
    "fifth": 5,
    "last": -1,
}
ORDINAL_WORDS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th", -1: "last"}
NO_SCHEDULE = {"n/a": "N/A", "na": "N/A", "tbc": "TBC", "ad hoc": "Ad hoc", "none": "None"}


class ScheduleError(ValueError):
    """The schedule text or rule could not be understood; the message names it."""


@dataclass(frozen=True)
class Schedule:
    rrule: str
    start_time: time | None
    end_time: time | None
    note: str = ""

    @property
    def is_recurring(self) -> bool:
        return bool(self.rrule)


_TIME = r"(\d{1,2})[:.]?(\d{2})"
_TIME_RANGE = re.compile(rf"{_TIME}\s*(?:-|–|—|to)\s*{_TIME}\s*$", re.IGNORECASE)
_ORD = r"(1st|2nd|3rd|4th|5th|first|second|third|fourth|fifth|last)"
_DAY = r"([A-Za-z]+)"
_MONTHLY = re.compile(
    rf"^(?:every\s+)?{_ORD}((?:\s*(?:,|and|&)\s*{_ORD})*)\s+{_DAY}\s+of\s+(?:each|every|the)\s+month$",
    re.IGNORECASE,
)
_WEEKLY = re.compile(rf"^every\s+(other\s+|second\s+)?{_DAY}$", re.IGNORECASE)


def _parse_time(hours: str, minutes: str, text: str) -> time:
    h, m = int(hours), int(minutes)
    if h > 23 or m > 59:
        raise ScheduleError(f"Schedule {text!r}: {hours}:{minutes} is not a time of day.")
    return time(h, m)


def _weekday(word: str, text: str) -> str:
    code = WEEKDAYS.get(word.lower().rstrip("s") if word.lower().endswith("days") else word.lower())
    if code is None:
        raise ScheduleError(f"Schedule {text!r}: {word!r} is not a day of the week.")
    return code


def parse_schedule_text(text: str) -> Schedule:
    """Turn the seeds' schedule phrasing into a Schedule, or raise ScheduleError naming the text."""
    # Seed tables arrive with HTML line breaks and superscript ordinals ("1 <sup>st</sup> … each<br>month").
    cleaned = re.sub(r"<br\s*/?>", " ", str(text), flags=re.IGNORECASE)
    cleaned = " ".join(cleaned.split())
    if cleaned.lower().strip(". ") in NO_SCHEDULE:
        return Schedule(
            rrule="", start_time=None, end_time=None, note=NO_SCHEDULE[cleaned.lower().strip(". ")]
        )
    times = _TIME_RANGE.search(cleaned)
    if not times:
        raise ScheduleError(
            f"Schedule {text!r} has no time range; write it like "
            "'1st Wednesday of each month, 10:00-12:00'."
        )
    start = _parse_time(times.group(1), times.group(2), text)
    end = _parse_time(times.group(3), times.group(4), text)
    if end <= start:
        raise ScheduleError(f"Schedule {text!r}: the meeting ends before it starts.")
    pattern = cleaned[: times.start()].strip().rstrip(",.;:").strip()
    pattern = re.sub(r"<sup>|</sup>", "", pattern)
    pattern = re.sub(r"(\d)\s+(st|nd|rd|th)\b", r"\1\2", pattern)
    monthly = _MONTHLY.match(pattern)
    if monthly:
        ordinals = [ORDINALS[monthly.group(1).lower()]]
        ordinals += [
            ORDINALS[o.lower()] for o in re.findall(_ORD, monthly.group(2) or "", re.IGNORECASE)
        ]
        day = _weekday(monthly.group(monthly.lastindex or 0), text)
        byday = ",".join(f"{n}{day}" for n in sorted(set(ordinals), key=lambda n: (n < 0, n)))
        return Schedule(rrule=f"FREQ=MONTHLY;BYDAY={byday}", start_time=start, end_time=end)
    weekly = _WEEKLY.match(pattern)
    if weekly:
        day = _weekday(weekly.group(2), text)
        interval = ";INTERVAL=2" if weekly.group(1) else ""
        return Schedule(rrule=f"FREQ=WEEKLY{interval};BYDAY={day}", start_time=start, end_time=end)
    raise ScheduleError(
        f"Schedule {text!r} is not a pattern progov understands; use e.g. "
        "'1st Wednesday of each month, 10:00-12:00', '2nd and 4th Friday of each month, "
        "10:00-11:30', 'Every Tuesday, 09:00-10:00', 'N/A' or 'TBC'."
    )


def validate_rrule(rule: str) -> None:
    """Refuse an RRULE that dateutil cannot read (the same reader that generates meetings)."""
    if not rule:
        return
    if "DTSTART" in rule.upper():
        raise ScheduleError("Give the RRULE without DTSTART; the start time is stored separately.")
    try:
        rrulestr(f"RRULE:{rule}", dtstart=datetime(2022, 1, 1))
    except (ValueError, TypeError) as exc:
        raise ScheduleError(f"RRULE {rule!r} is not valid RFC 5545: {exc}") from None


def _parts(rule: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in rule.split(";"):
        if "=" in part:
            key, value = part.split("=", 1)
            out[key.upper()] = value.upper()
    return out


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def describe_rule(rule: str) -> str:
    """The recurrence in plain English, e.g. "2nd and 4th Friday of each month"."""
    parts = _parts(rule)
    freq = parts.get("FREQ", "")
    bydays = [d for d in parts.get("BYDAY", "").split(",") if d]
    interval = int(parts.get("INTERVAL", "1") or 1)
    parsed = [re.match(r"^([+-]?\d*)([A-Z]{2})$", d) for d in bydays]
    if freq == "MONTHLY" and bydays and all(parsed):
        days = {m.group(2) for m in parsed if m}
        ordinals = [int(m.group(1)) for m in parsed if m and m.group(1)]
        if (
            len(days) == 1
            and len(ordinals) == len(bydays)
            and all(o in ORDINAL_WORDS for o in ordinals)
        ):
            day = WEEKDAY_NAMES[days.pop()]
            every = "each month" if interval == 1 else f"every {interval} months"
            return f"{_join([ORDINAL_WORDS[o] for o in ordinals])} {day} of {every}"
    if freq == "WEEKLY" and bydays and all(d in WEEKDAY_NAMES for d in bydays):
        names = _join([WEEKDAY_NAMES[d] for d in bydays])
        if interval == 1:
            return f"Every {names}"
        if interval == 2:
            return f"Every other {names}"
        return f"Every {interval} weeks on {names}"
    return f"Custom recurrence ({rule})"


def describe_schedule(rule: str, start: time | None, end: time | None, note: str = "") -> str:
    """E.g. "1st Wednesday of each month, 10:00–12:00"; "N/A" or "TBC" when there is none."""
    if not rule:
        return note or "No regular schedule"
    text = describe_rule(rule)
    if start and end:
        text += f", {start:%H:%M}–{end:%H:%M}"
    return text


# No DAILY: nobody meets daily, and a daily rule that never matches (30 February) would
# have dateutil walk every day to the year 9999 before the preview gives up.
MEETING_FREQUENCIES = {"WEEKLY", "MONTHLY", "YEARLY"}
# The preview looks no further ahead than this.
PREVIEW_HORIZON = timedelta(days=3 * 366)
_RRULE_TEXT = re.compile(r"^\s*RRULE:\s*([^,\s]+)\s*,?\s*(.*)$", re.IGNORECASE)


def schedule_text(rule: str, start: time | None, end: time | None, note: str = "") -> str:
    """A schedule as the group form shows it, in words `read_schedule` reads back:
    "2nd Wednesday of each month, 10:00-13:00", "TBC", or for a rule the words cannot
    say, "RRULE:FREQ=MONTHLY;BYMONTHDAY=15, 10:00-11:00"."""
    if not rule:
        return note
    words = describe_rule(rule)
    times = f", {start:%H:%M}-{end:%H:%M}" if start and end else ""
    if words.startswith("Custom recurrence"):
        return f"RRULE:{rule}{times}"
    return words + times


def read_schedule(text: str) -> Schedule:
    """What the group form's schedule field says: the seeds' words (`parse_schedule_text`),
    "RRULE:<rule>, HH:MM-HH:MM" for any other recurrence, or nothing (no schedule)."""
    cleaned = " ".join((text or "").split())
    if not cleaned:
        return Schedule(rrule="", start_time=None, end_time=None)
    custom = _RRULE_TEXT.match(cleaned)
    if not custom:
        return parse_schedule_text(cleaned)
    rule, rest = custom.group(1).upper(), custom.group(2)
    validate_rrule(rule)
    if _parts(rule).get("FREQ") not in MEETING_FREQUENCIES:
        raise ScheduleError(
            f"Schedule {text!r}: meetings recur weekly, monthly or yearly "
            "(FREQ=WEEKLY, MONTHLY or YEARLY)."
        )
    times = _TIME_RANGE.search(rest)
    if not times or rest[: times.start()].strip(" ,"):
        raise ScheduleError(
            f"Schedule {text!r}: give the times after the rule, e.g. "
            "'RRULE:FREQ=MONTHLY;BYMONTHDAY=15, 10:00-11:00'."
        )
    start = _parse_time(times.group(1), times.group(2), text)
    end = _parse_time(times.group(3), times.group(4), text)
    if end <= start:
        raise ScheduleError(f"Schedule {text!r}: the meeting ends before it starts.")
    return Schedule(rrule=rule, start_time=start, end_time=end)


def next_dates(rule: str, *, after: date, count: int) -> list[date]:
    """The first `count` dates of `rule` on or after `after` (the form's live preview)."""
    if not rule:
        return []
    start = datetime.combine(after, time())
    expanded = rrulestr(f"RRULE:{rule}", dtstart=start)
    found: list[date] = []
    # A rule that never matches (30 February) ends the loop by itself: dateutil stops
    # looking at year 9999, a few tenths of a second.
    for occurrence in expanded:
        if occurrence > start + PREVIEW_HORIZON:
            break
        found.append(occurrence.date())
        if len(found) >= count:
            break
    return found
