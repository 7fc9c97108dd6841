"""`/api/v1/calendars`: named working-day calendars, their arithmetic, and closure days.

The rules, shared with the calculator page (see `progov.core.workdays`):

- **add**: for `days` > 0 the answer is the `days`-th working day *after* `date`, with
  `date` itself as day 0 even when it is not a working day (5 working days after
  Saturday 6 Jan 2024 is Friday 12 Jan 2024). Negative `days` counts back the same way.
  `days` = 0 answers `date` when it is a working day, else the next working day.
  The answer is always a working day.
- **count**: working days from `start` to `end` with *both ends counted*; `start` after
  `end` → 422.
- `programme=<slug>` layers that programme's closure days on the calendar.

Closure days are not versioned (they are only added and removed, never edited), so
POST and DELETE need a secretariat or administrator but no `If-Match`.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from progov.calendars import selectors, services
from progov.calendars.schemas import (
    CalendarOut,
    ClosureDayIn,
    ClosureDayOut,
    HolidaysOut,
    IsoDate,
    WorkingDayOut,
    WorkingDaysAddOut,
    WorkingDaysCountOut,
)
from progov.core.api import ErrorOut, actor, writer
from progov.core.workdays import (
    CALENDARS,
    MAX_YEAR,
    MIN_YEAR,
    WorkingCalendar,
    check_date,
    get_spec,
)

router = Router(tags=["calendars"])
ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
}
MAX_DAYS = 10_000  # about 40 years of working days: anything more is a typo

YEAR = Query(..., ge=MIN_YEAR, le=MAX_YEAR, description=f"{MIN_YEAR}–{MAX_YEAR}")
PROGRAMME = Query(None, description="slug of a programme whose closure days to include")


def _calendar(request: HttpRequest, name: str, programme: str | None) -> WorkingCalendar:
    get_spec(name)  # an unknown calendar is a 404 before anything else is looked at
    prog = selectors.programme_by_slug(user=actor(request), slug=programme) if programme else None
    return selectors.working_calendar(name, programme=prog)


@router.get("", response={200: list[CalendarOut], **ERRORS})
def list_calendars(request: HttpRequest) -> Any:
    """The named calendars: `england-and-wales`, `scotland`, `northern-ireland`, `mon-fri`."""
    return [
        {"name": spec.name, "title": spec.title, "description": spec.description}
        for spec in CALENDARS.values()
    ]


@router.get("/{name}/holidays", response={200: HolidaysOut, **ERRORS})
def list_holidays(
    request: HttpRequest, name: str, year: int = YEAR, programme: str | None = PROGRAMME
) -> Any:
    """The calendar's bank holidays of `year` (weekdays, as gov.uk lists them), by date.

    With `programme`, that programme's closure days of the year too (`kind: "closure"`).
    """
    calendar = _calendar(request, name, programme)
    return {
        "calendar": calendar.name,
        "year": year,
        "programme": programme,
        "holidays": [h._asdict() for h in calendar.holidays(year)],
    }


@router.get("/{name}/add", response={200: WorkingDaysAddOut, **ERRORS})
def add_days(
    request: HttpRequest,
    name: str,
    date: IsoDate,
    days: int = Query(
        ..., ge=-MAX_DAYS, le=MAX_DAYS, description="working days to add; negative goes back"
    ),
    programme: str | None = PROGRAMME,
) -> Any:
    """The `days`-th working day after `date` (before, when negative); `date` is day 0.

    `date` counts as day 0 even when it is not a working day, so the answer for a
    Saturday is the same as for the Friday before it. `days=0` gives `date` itself
    when it is a working day, else the next working day. Example: on
    `england-and-wales`, 2023-05-05 + 2 → 2023-05-10 (8 May 2023 was the Coronation).
    """
    check_date("date", date)
    calendar = _calendar(request, name, programme)
    return {"date": calendar.add_working_days(date, days)}


@router.get("/{name}/count", response={200: WorkingDaysCountOut, **ERRORS})
def count_days(
    request: HttpRequest,
    name: str,
    start: IsoDate,
    end: IsoDate,
    programme: str | None = PROGRAMME,
) -> Any:
    """Working days from `start` to `end`, both counted; `start` after `end` → 422.

    Example: on `mon-fri`, 2024-02-07 to 2024-04-10 is 46.
    """
    check_date("start", start)
    check_date("end", end)
    calendar = _calendar(request, name, programme)
    return {"working_days": calendar.count_working_days(start, end)}


@router.get("/{name}/working-day", response={200: WorkingDayOut, **ERRORS})
def working_day(
    request: HttpRequest, name: str, date: IsoDate, programme: str | None = PROGRAMME
) -> Any:
    """Whether `date` is a working day, and if not, why (weekend, bank holiday, closure)."""
    check_date("date", date)
    calendar = _calendar(request, name, programme)
    reason = calendar.reason_not_working(date)
    return {"date": date, "working": not reason, "reason": reason}


# --- programme closure days ----------------------------------------------------------


@router.get("/programmes/{slug}/closure-days", response={200: list[ClosureDayOut], **ERRORS})
def list_closure_days(request: HttpRequest, slug: str, year: int | None = None) -> Any:
    """The programme's closure days (all, or of `year`), by date."""
    user = actor(request)
    programme = selectors.programme_by_slug(user=user, slug=slug)
    return selectors.closure_day_list(user=user, programme=programme, year=year)


@router.post("/programmes/{slug}/closure-days", response={201: ClosureDayOut, **ERRORS})
def add_closure_day(request: HttpRequest, slug: str, payload: ClosureDayIn) -> Any:
    """Close the programme on a day (secretariat). A second closure on the same day → 422."""
    user = writer(request)
    programme = selectors.programme_by_slug(user=user, slug=slug)
    closure = services.add_closure_day(
        actor=user, programme=programme, date=payload.date, name=payload.name
    )
    return Status(201, closure)


@router.delete("/programmes/{slug}/closure-days/{day}", response={204: None, **ERRORS})
def remove_closure_day(request: HttpRequest, slug: str, day: IsoDate) -> Any:
    """Reopen the programme on a day (secretariat); 404 when it was not closed."""
    user = writer(request)
    programme = selectors.programme_by_slug(user=user, slug=slug)
    services.remove_closure_day(actor=user, programme=programme, date=day)
    return Status(204, None)
