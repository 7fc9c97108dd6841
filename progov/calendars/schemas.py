"""API shapes for working-day calendars."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_iso_date(value: Any) -> Any:
    """Accept exactly YYYY-MM-DD, with a message a person can act on when it is not.

    Pydantic's own messages ("input is too short") do not say what to write; and
    Python's parser would accept other shapes (`20230101`) we do not document.
    """
    if isinstance(value, date):
        return value
    text = str(value).strip()
    match = _ISO_DATE.match(text)
    if match is None:
        raise PydanticCustomError(
            "date_format",
            "'{value}' is not a date: write YYYY-MM-DD, e.g. 2024-02-07.",
            {"value": text},
        )
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError as exc:
        raise PydanticCustomError(
            "date_invalid",
            "{value} is not a real date ({reason}).",
            {"value": text, "reason": str(exc)},
        ) from None


IsoDate = Annotated[date, BeforeValidator(parse_iso_date)]


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


class ClosureDayIn(Schema):
    date: IsoDate
    name: str = Field(max_length=100, description='e.g. "Christmas shutdown"')


class ClosureDayOut(Schema):
    date: date
    name: str


class ProgrammeCalendarOut(Schema):
    programme: str
    calendar: str = Field(description="the calendar its governance deadlines count in")
    closure_days: list[ClosureDayOut]
