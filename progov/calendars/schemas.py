"""API shapes for working-day calendars."""

from __future__ import annotations

from datetime import date

from ninja import Field, Schema

from progov.calendars.models import ClosureDay
from progov.core.bounds import Body, Day, text_of

#: A date as exactly YYYY-MM-DD, in 1900–2100 (core.bounds.Day).
IsoDate = Day


class CalendarOut(Schema):
    name: str = Field(description="e.g. `england-and-wales`")
    title: str = Field(description='e.g. "England and Wales"')
    description: str


class HolidayOut(Schema):
    date: date
    name: str = Field(description='gov.uk\'s name, e.g. "Early May bank holiday"')
    kind: str = Field(description="`bank_holiday`, or `closure` for a programme closure day")


class HolidaysOut(Schema):
    calendar: str
    year: int
    programme: str | None = Field(
        description="slug of the programme whose closure days are included"
    )
    holidays: list[HolidayOut]


class WorkingDaysAddOut(Schema):
    date: date


class WorkingDaysCountOut(Schema):
    working_days: int


class WorkingDayOut(Schema):
    date: date
    working: bool
    reason: str = Field(
        description='Why it is not a working day ("Saturday", "Boxing Day", …); empty when it is'
    )


class ClosureDayIn(Body):
    date: IsoDate
    name: text_of(ClosureDay, "name", min_length=1) = Field(  # type: ignore[valid-type]
        description='e.g. "Christmas shutdown"'
    )


class ClosureDayOut(Schema):
    date: date
    name: str


class ProgrammeCalendarOut(Schema):
    programme: str
    calendar: str = Field(description="the calendar its governance deadlines count in")
    closure_days: list[ClosureDayOut]
