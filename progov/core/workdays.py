"""Working-day arithmetic over named calendars. Pure: no database, no request.

Named calendars
---------------
- ``england-and-wales``, ``scotland``, ``northern-ireland``: Monday to Friday, less
  the bank holidays gov.uk publishes for that nation (computed by the ``holidays``
  package with subdivisions ENG, SCT and NIR, one-off days such as the Queen's state
  funeral of 19 Sep 2022 and the Coronation of 8 May 2023 included).
- ``mon-fri``: Monday to Friday with no holidays (MS Project's "Standard" calendar,
  which the plan-on-a-page durations count in).

A :class:`WorkingCalendar` is one named calendar plus, optionally, extra closure days
(a programme's "Christmas shutdown"); ``progov.calendars.selectors.calendar_for_programme``
builds one from the database.

The rules (the API, the calculator page and every caller share them)
-------------------------------------------------------------------
``add_working_days(calendar, start, n)``
    - ``n > 0``: the n-th working day *after* ``start``. ``start`` is day 0 whether
      or not it is itself a working day, so "5 working days after Saturday 6 Jan 2024"
      is Friday 12 Jan 2024 (Mon 8 is the 1st), exactly as for Friday 5 Jan.
    - ``n < 0``: the |n|-th working day *before* ``start``, likewise ("5 working days
      before a meeting" is ``add_working_days(cal, meeting, -5)``).
    - ``n == 0``: ``start`` if it is a working day, else the next working day after it.
    The answer is therefore always a working day, and for a working day ``d``,
    ``add_working_days(cal, add_working_days(cal, d, n), -n) == d``.

``count_working_days(calendar, start, end)``
    The working days from ``start`` to ``end`` with *both ends counted*: Monday 8 Jan
    to Friday 12 Jan 2024 is 5; a working day to itself is 1. ``start`` after ``end``
    is refused with a ValidationError (no negative counts). So for a working day ``d``
    and ``n >= 0``, ``count_working_days(cal, d, add_working_days(cal, d, n)) == n + 1``
    (``max(n, 1)`` when ``d`` is not a working day).

Supported years are 1900 to 2100: the ``holidays`` package knows the UK rules to 2100
and silently answers "no holidays" after it, which would make deadlines wrong rather
than fail, so we refuse instead. Years beyond those gov.uk has published are the
package's projection of the standing rules; one-off days are added when proclaimed
(and arrive with a newer ``holidays`` release).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from types import MappingProxyType
from typing import NamedTuple

import holidays as holidays_lib

from progov.core.errors import NotFound, ValidationError

MIN_YEAR = 1900
MAX_YEAR = 2100
ONE_DAY = timedelta(days=1)
SATURDAY = 5


@dataclass(frozen=True)
class CalendarSpec:
    """One named calendar, e.g. ``england-and-wales`` (subdivision ENG of the UK)."""

    name: str
    title: str
    description: str
    subdiv: str | None  # the `holidays` package's UK subdivision; None: no bank holidays


CALENDARS: dict[str, CalendarSpec] = {
    spec.name: spec
    for spec in (
        CalendarSpec(
            "england-and-wales",
            "England and Wales",
            "Monday to Friday, excluding bank holidays in England and Wales (gov.uk).",
            "ENG",
        ),
        CalendarSpec(
            "scotland",
            "Scotland",
            "Monday to Friday, excluding bank holidays in Scotland (gov.uk).",
            "SCT",
        ),
        CalendarSpec(
            "northern-ireland",
            "Northern Ireland",
            "Monday to Friday, excluding bank holidays in Northern Ireland (gov.uk).",
            "NIR",
        ),
        CalendarSpec(
            "mon-fri",
            "Monday to Friday",
            "Every Monday to Friday, no holidays (MS Project's standard calendar).",
            None,
        ),
    )
}
DEFAULT_CALENDAR = "england-and-wales"

# The `holidays` package names days its own way; the page and the API show gov.uk's
# names so a secretariat can check them against https://www.gov.uk/bank-holidays.
# A name not listed here (a future one-off) is shown as the package gives it.
_GOV_UK_NAMES = {
    "New Year Holiday": "2nd January",
    "May Day": "Early May bank holiday",
    "Spring Bank Holiday": "Spring bank holiday",
    "Summer Bank Holiday": "Summer bank holiday",
    "Late Summer Bank Holiday": "Summer bank holiday",
    "Saint Andrew's Day": "St Andrew's Day",
    "Saint Patrick's Day": "St Patrick's Day",
    "Battle of the Boyne": "Battle of the Boyne (Orangemen's Day)",
    "Platinum Jubilee of Elizabeth II": "Platinum Jubilee bank holiday",
    "State Funeral of Queen Elizabeth II": (
        "Bank Holiday for the State Funeral of Queen Elizabeth II"
    ),
    "Coronation of Charles III": "Bank holiday for the coronation of King Charles III",
    "Scotland's participation in the FIFA World Cup final": "World Cup bank holiday",
}
_OBSERVED = " (observed)"


def _gov_uk_name(package_name: str) -> str:
    """``"Christmas Day (observed)"`` → ``"Christmas Day (substitute day)"`` and so on."""
    names = []
    for part in package_name.split("; "):
        suffix = ""
        if part.endswith(_OBSERVED):
            part, suffix = part[: -len(_OBSERVED)], " (substitute day)"
        names.append(_GOV_UK_NAMES.get(part, part) + suffix)
    return "; ".join(names)


class Holiday(NamedTuple):
    """A day a calendar does not work, e.g. (2023-05-08, "Bank holiday for the coronation
    of King Charles III", "bank_holiday") or (2024-12-27, "Christmas shutdown", "closure")."""

    date: date
    name: str
    kind: str  # "bank_holiday" or "closure"


def check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            f"progov knows working days for {MIN_YEAR}–{MAX_YEAR} only, "
            f"and this needs the calendar of {year}."
        )


def check_date(field: str, day: date) -> None:
    """Refuse an input date outside the supported years, naming the input field."""
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValidationError.for_field(
            field, f"Give a date in {MIN_YEAR}–{MAX_YEAR}; {day.isoformat()} is outside."
        )


@lru_cache(maxsize=2048)
def bank_holidays(name: str, year: int) -> Mapping[date, str]:
    """The weekday bank holidays of one calendar and year, ``{date: gov.uk name}``.

    Cached per (calendar, year) for the life of the process: deadline arithmetic
    runs for thousands of meetings and the rules of a past year do not change.

    Weekend dates are left out, as on gov.uk: when Christmas Day is a Sunday the bank
    holiday is the substitute Tuesday, and the Sunday is not a working day anyway.
    """
    spec = get_spec(name)
    check_year(year)
    if spec.subdiv is None:
        return MappingProxyType({})
    found = holidays_lib.UnitedKingdom(
        subdiv=spec.subdiv, years=year, categories=(holidays_lib.PUBLIC,)
    )
    return MappingProxyType(
        {
            day: _gov_uk_name(label)
            for day, label in sorted(found.items())
            if day.weekday() < SATURDAY
        }
    )


def get_spec(name: str) -> CalendarSpec:
    spec = CALENDARS.get(name)
    if spec is None:
        raise NotFound(f"No calendar {name!r}. Known calendars: {', '.join(CALENDARS)}.")
    return spec


def _weekdays_between(start: date, end: date) -> int:
    """Monday-to-Friday days in [start, end], both ends counted; arithmetic, no loop over days."""
    days = (end - start).days + 1
    weeks, extra = divmod(days, 7)
    first = start.weekday()
    return weeks * 5 + sum(1 for i in range(extra) if (first + i) % 7 < SATURDAY)


class WorkingCalendar:
    """A named calendar, optionally with a programme's closure days layered on it.

    Example: ``WorkingCalendar("england-and-wales", {date(2024, 12, 27): "Christmas
    shutdown"})`` does not work on weekends, on E&W bank holidays, nor on 27 Dec 2024.
    Build it once and reuse it: it memoises its per-year non-working days.
    """

    def __init__(self, name: str, closures: Mapping[date, str] | None = None) -> None:
        self.spec = get_spec(name)
        self.closures: Mapping[date, str] = MappingProxyType(dict(closures or {}))
        self._off_by_year: dict[int, list[date]] = {}

    @property
    def name(self) -> str:
        return self.spec.name

    def __repr__(self) -> str:
        return f"WorkingCalendar({self.name!r}, closures={len(self.closures)})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WorkingCalendar):
            return NotImplemented
        return self.name == other.name and dict(self.closures) == dict(other.closures)

    def __hash__(self) -> int:
        return hash((self.name, frozenset(self.closures)))

    def _weekdays_off(self, year: int) -> list[date]:
        """Sorted weekdays of `year` that are not worked (bank holidays and closures)."""
        off = self._off_by_year.get(year)
        if off is None:
            days = set(bank_holidays(self.name, year))
            days.update(d for d in self.closures if d.year == year and d.weekday() < SATURDAY)
            off = self._off_by_year[year] = sorted(days)
        return off

    def is_working_day(self, day: date) -> bool:
        if day.weekday() >= SATURDAY or day in self.closures:
            return False
        return day not in bank_holidays(self.name, day.year)

    def reason_not_working(self, day: date) -> str:
        """Why `day` is not worked ("Saturday", "Boxing Day", "Christmas shutdown"); "" if it is."""
        if day.weekday() >= SATURDAY:
            return f"{day:%A}"
        return bank_holidays(self.name, day.year).get(day) or self.closures.get(day, "")

    def add_working_days(self, start: date, n: int) -> date:
        """See the module docstring: ``start`` is day 0; the answer is always a working day."""
        step = ONE_DAY if n >= 0 else -ONE_DAY
        remaining = abs(n)
        day = start
        try:
            if remaining == 0:
                while not self.is_working_day(day):
                    day += step
                return day
            while remaining:
                day += step
                if self.is_working_day(day):
                    remaining -= 1
        except OverflowError:
            raise ValidationError(
                f"{abs(n)} working days {'after' if n >= 0 else 'before'} {start:%d %b %Y} "
                "falls outside the calendar."
            ) from None
        return day

    def count_working_days(self, start: date, end: date) -> int:
        """Working days in [start, end], both ends counted; start after end is refused."""
        if start > end:
            message = (
                f"The start ({start:%d %b %Y}) is after the end ({end:%d %b %Y}); "
                "give the earlier date first."
            )
            raise ValidationError(message, field_errors={"end": [message]})
        total = _weekdays_between(start, end)
        for year in range(start.year, end.year + 1):
            off = self._weekdays_off(year)
            total -= bisect_right(off, end) - bisect_left(off, start)
        return total

    def days_off_between(self, start: date, end: date) -> list[Holiday]:
        """The weekdays in [start, end] that are not worked, each with why, by date.

        Example: on england-and-wales, 5 to 10 May 2023 → [(8 May 2023, "Bank holiday
        for the coronation of King Charles III", "bank_holiday")]. A bank holiday that
        is also a closure day appears once, as the bank holiday.
        """
        if start > end:
            start, end = end, start
        found: dict[date, Holiday] = {}
        for year in range(start.year, end.year + 1):
            for day in self.holidays(year):
                if start <= day.date <= end and day.date.weekday() < SATURDAY:
                    found.setdefault(day.date, day)
        return [found[d] for d in sorted(found)]

    def holidays(self, year: int) -> list[Holiday]:
        """Bank holidays and closure days of `year`, by date (a bank holiday first on a tie)."""
        days = [
            Holiday(d, label, "bank_holiday") for d, label in bank_holidays(self.name, year).items()
        ]
        days.extend(
            Holiday(d, label, "closure") for d, label in self.closures.items() if d.year == year
        )
        return sorted(days, key=lambda h: (h.date, h.kind))


@cache
def _plain(name: str) -> WorkingCalendar:
    return WorkingCalendar(name)


def get_calendar(name: str, closures: Mapping[date, str] | None = None) -> WorkingCalendar:
    """The named calendar (shared instance when there are no closures); unknown → NotFound."""
    if closures:
        return WorkingCalendar(name, closures)
    get_spec(name)  # raise NotFound before caching anything
    return _plain(name)


CalendarLike = WorkingCalendar | str


def _resolve(calendar: CalendarLike) -> WorkingCalendar:
    return calendar if isinstance(calendar, WorkingCalendar) else get_calendar(calendar)


def add_working_days(calendar: CalendarLike, start: date, n: int) -> date:
    """The n-th working day after ``start`` (before, for negative n); ``start`` is day 0.

    ``add_working_days("england-and-wales", date(2023, 5, 5), 2) == date(2023, 5, 10)``
    (Monday 8 May 2023 was the Coronation bank holiday).
    """
    return _resolve(calendar).add_working_days(start, n)


def count_working_days(calendar: CalendarLike, start: date, end: date) -> int:
    """Working days from ``start`` to ``end``, both counted; start after end → ValidationError.

    ``count_working_days("mon-fri", date(2024, 2, 7), date(2024, 4, 10)) == 46``.
    """
    return _resolve(calendar).count_working_days(start, end)


def is_working_day(calendar: CalendarLike, day: date) -> bool:
    return _resolve(calendar).is_working_day(day)


def holidays(calendar: CalendarLike, year: int) -> list[Holiday]:
    """``[(date, name, kind), ...]`` of ``year``, sorted by date."""
    return _resolve(calendar).holidays(year)


def calendar_choices() -> Iterable[tuple[str, str]]:
    return [(spec.name, spec.title) for spec in CALENDARS.values()]
