"""The working-day calculator page, `/calendars/` (works without JavaScript).

Three GET forms share the URL, told apart by their prefixes (`add-…`, `count-…`,
`holidays-…`), so every answer has a link that can be bookmarked or sent round.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from progov.calendars import selectors
from progov.calendars.forms import AddDaysForm, CalculatorForm, CountDaysForm, HolidaysForm
from progov.core.errors import DomainError
from progov.core.workdays import CALENDARS, DEFAULT_CALENDAR, WorkingCalendar, get_spec
from progov.governance.models import Programme

# A long span skips hundreds of days; the page names the first few and counts the rest.
MAX_LISTED = 15


def _bind(form_class: type[CalculatorForm], request: HttpRequest) -> CalculatorForm:
    return form_class(request.GET if form_class.submitted_in(request.GET) else None)


def _calendar(form: CalculatorForm) -> WorkingCalendar:
    return selectors.working_calendar(
        form.cleaned_data["calendar"], programme=form.cleaned_data.get("programme")
    )


def _add_result(form: CalculatorForm) -> dict[str, Any] | None:
    if not (isinstance(form, AddDaysForm) and form.is_bound and form.is_valid()):
        return None
    calendar = _calendar(form)
    start = form.cleaned_data["date"]
    try:
        answer = calendar.add_working_days(start, form.signed_days())
        skipped = calendar.days_off_between(start, answer)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None
    # The start's own holiday is explained separately ("counts as day 0").
    skipped = [day for day in skipped if day.date != start]
    return {
        "start": start,
        "days": form.cleaned_data["days"],
        "direction": form.cleaned_data["direction"],
        "answer": answer,
        "start_reason": calendar.reason_not_working(start),
        "calendar": calendar.spec,
        "closure_programme": form.cleaned_data.get("programme"),
        "skipped": skipped[:MAX_LISTED],
        "more_skipped": max(0, len(skipped) - MAX_LISTED),
    }


def _count_result(form: CalculatorForm) -> dict[str, Any] | None:
    if not (isinstance(form, CountDaysForm) and form.is_bound and form.is_valid()):
        return None
    calendar = _calendar(form)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    try:
        count = calendar.count_working_days(start, end)
        days_off = calendar.days_off_between(start, end)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None
    return {
        "start": start,
        "end": end,
        "count": count,
        "calendar": calendar.spec,
        "closure_programme": form.cleaned_data.get("programme"),
        "days_off": days_off[:MAX_LISTED],
        "more_days_off": max(0, len(days_off) - MAX_LISTED),
    }


def _holidays_result(form: CalculatorForm) -> dict[str, Any] | None:
    if form.is_bound:
        if not form.is_valid():
            return None
        calendar = _calendar(form)
        year = form.cleaned_data["year"]
        closure_programme = form.cleaned_data.get("programme")
    else:
        # Before anything is asked, show this year's England and Wales bank holidays.
        year = timezone.localdate().year
        calendar = selectors.working_calendar(DEFAULT_CALENDAR)
        closure_programme = None
        form.initial["year"] = year
    return {
        "year": year,
        "calendar": calendar.spec,
        "closure_programme": closure_programme,
        "holidays": calendar.holidays(year),
    }


def calculator(request: HttpRequest) -> HttpResponse:
    """Working days after/before a date, between two dates, and a year's holidays."""
    add_form = _bind(AddDaysForm, request)
    count_form = _bind(CountDaysForm, request)
    holidays_form = _bind(HolidaysForm, request)
    context = {
        "add_form": add_form,
        "add_result": _add_result(add_form),
        "count_form": count_form,
        "count_result": _count_result(count_form),
        "holidays_form": holidays_form,
        "holidays_result": _holidays_result(holidays_form),
        "calendars": list(CALENDARS.values()),
        # The closure-day choice is only offered when there is a programme to choose.
        "has_programmes": Programme.objects.exists(),
        "default_calendar": get_spec(DEFAULT_CALENDAR),
    }
    return render(request, "calendars/calculator.html", context)
