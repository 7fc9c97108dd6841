"""Working-day arithmetic: the published UK bank holidays, the documented rules, and properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from progov.core import workdays
from progov.core.errors import NotFound, ValidationError
from progov.core.workdays import (
    WorkingCalendar,
    add_working_days,
    bank_holidays,
    count_working_days,
    get_calendar,
    holidays,
    is_working_day,
)


def _dates(year: int, days: str) -> list[date]:
    """`_dates(2022, "01-03 04-15")` → [date(2022, 1, 3), date(2022, 4, 15)]."""
    return [date(year, int(md[:2]), int(md[3:])) for md in days.split()]


# The bank holidays gov.uk publishes (https://www.gov.uk/bank-holidays), typed out by
# hand as month-day per year. Weekend days (Christmas Day on a Sunday) are not on the
# list: gov.uk lists the substitute weekday instead.
PUBLISHED: dict[str, dict[int, list[date]]] = {
    "england-and-wales": {
        # New Year (sub), Good Fri, Easter Mon, Early May, Spring, Platinum Jubilee,
        # Summer, Queen's state funeral, Boxing Day, Christmas (sub).
        2022: _dates(2022, "01-03 04-15 04-18 05-02 06-02 06-03 08-29 09-19 12-26 12-27"),
        # ... Coronation of King Charles III on 8 May.
        2023: _dates(2023, "01-02 04-07 04-10 05-01 05-08 05-29 08-28 12-25 12-26"),
        2024: _dates(2024, "01-01 03-29 04-01 05-06 05-27 08-26 12-25 12-26"),
        2025: _dates(2025, "01-01 04-18 04-21 05-05 05-26 08-25 12-25 12-26"),
        2026: _dates(2026, "01-01 04-03 04-06 05-04 05-25 08-31 12-25 12-28"),
        2027: _dates(2027, "01-01 03-26 03-29 05-03 05-31 08-30 12-27 12-28"),
    },
    "scotland": {
        # 2 January too, no Easter Monday, Summer = first Monday of August, St Andrew's Day.
        2022: _dates(2022, "01-03 01-04 04-15 05-02 06-02 06-03 08-01 09-19 11-30 12-26 12-27"),
        2023: _dates(2023, "01-02 01-03 04-07 05-01 05-08 05-29 08-07 11-30 12-25 12-26"),
        # St Andrew's Day fell on a Saturday (2024) and a Sunday (2025): Monday substitutes.
        2024: _dates(2024, "01-01 01-02 03-29 05-06 05-27 08-05 12-02 12-25 12-26"),
        2025: _dates(2025, "01-01 01-02 04-18 05-05 05-26 08-04 12-01 12-25 12-26"),
        # 15 June 2026: the World Cup bank holiday (Royal Proclamation of 3 Feb 2026).
        2026: _dates(2026, "01-01 01-02 04-03 05-04 05-25 06-15 08-03 11-30 12-25 12-28"),
        # 2 January 2027 is a Saturday: substitute Monday 4 January.
        2027: _dates(2027, "01-01 01-04 03-26 05-03 05-31 08-02 11-30 12-27 12-28"),
    },
    "northern-ireland": {
        # As England and Wales, plus St Patrick's Day (17 Mar) and the Boyne (12 Jul).
        2022: _dates(
            2022, "01-03 03-17 04-15 04-18 05-02 06-02 06-03 07-12 08-29 09-19 12-26 12-27"
        ),
        2023: _dates(2023, "01-02 03-17 04-07 04-10 05-01 05-08 05-29 07-12 08-28 12-25 12-26"),
        # 17 Mar 2024 was a Sunday → Monday 18; 12 Jul 2025 a Saturday → Monday 14;
        # 12 Jul 2026 a Sunday → Monday 13.
        2024: _dates(2024, "01-01 03-18 03-29 04-01 05-06 05-27 07-12 08-26 12-25 12-26"),
        2025: _dates(2025, "01-01 03-17 04-18 04-21 05-05 05-26 07-14 08-25 12-25 12-26"),
        2026: _dates(2026, "01-01 03-17 04-03 04-06 05-04 05-25 07-13 08-31 12-25 12-28"),
        2027: _dates(2027, "01-01 03-17 03-26 03-29 05-03 05-31 07-12 08-30 12-27 12-28"),
    },
}
CASES = [(name, year) for name, years in PUBLISHED.items() for year in years]


@pytest.mark.parametrize(("name", "year"), CASES, ids=[f"{n}-{y}" for n, y in CASES])
def test_bank_holidays_equal_the_published_list(name, year):
    assert [h.date for h in holidays(name, year)] == PUBLISHED[name][year]
    assert all(h.kind == "bank_holiday" for h in holidays(name, year))


@pytest.mark.parametrize(("name", "year"), CASES, ids=[f"{n}-{y}" for n, y in CASES])
def test_no_published_bank_holiday_is_a_working_day(name, year):
    for day in PUBLISHED[name][year]:
        assert not is_working_day(name, day)


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(2022, 6, 3), "Platinum Jubilee"),
        (date(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
        (date(2023, 5, 8), "coronation of King Charles III"),
    ],
)
@pytest.mark.parametrize("name", ["england-and-wales", "scotland", "northern-ireland"])
def test_one_off_days_are_named_in_every_nation(name, day, words):
    names = {h.date: h.name for h in holidays(name, day.year)}
    assert words in names[day]


def test_names_are_gov_uk_names():
    names = {h.date: h.name for h in holidays("england-and-wales", 2022)}
    assert names[date(2022, 5, 2)] == "Early May bank holiday"
    assert names[date(2022, 8, 29)] == "Summer bank holiday"
    assert names[date(2022, 12, 27)] == "Christmas Day (substitute day)"
    scotland = {h.date: h.name for h in holidays("scotland", 2025)}
    assert scotland[date(2025, 12, 1)] == "St Andrew's Day (substitute day)"
    assert {h.name for h in holidays("northern-ireland", 2025)} >= {
        "St Patrick's Day",
        "Battle of the Boyne (Orangemen's Day) (substitute day)",
    }


def test_mon_fri_has_no_holidays_and_works_christmas_day():
    assert holidays("mon-fri", 2024) == []
    assert is_working_day("mon-fri", date(2024, 12, 25))
    assert not is_working_day("mon-fri", date(2024, 12, 28))  # a Saturday


def test_holiday_sets_are_cached_per_calendar_and_year():
    bank_holidays.cache_clear()
    for _ in range(3):
        add_working_days("england-and-wales", date(2023, 5, 5), 2)
    info = bank_holidays.cache_info()
    assert info.misses == 1  # 2023 once; every later lookup is a hit
    assert info.hits > 0


# --- the required facts -------------------------------------------------------------


def test_mon_fri_count_from_7_feb_to_10_apr_2024_is_46():
    assert count_working_days("mon-fri", date(2024, 2, 7), date(2024, 4, 10)) == 46
    # England and Wales loses Good Friday and Easter Monday in that span.
    assert count_working_days("england-and-wales", date(2024, 2, 7), date(2024, 4, 10)) == 44


def test_headline_report_two_working_days_after_friday_5_may_2023_is_wednesday_10_may():
    assert add_working_days("england-and-wales", date(2023, 5, 5), 2) == date(2023, 5, 10)
    assert add_working_days("mon-fri", date(2023, 5, 5), 2) == date(2023, 5, 9)


def test_papers_five_working_days_before_a_meeting():
    # DAG on Wednesday 10 May 2023: five working days back skips the Coronation Monday.
    assert add_working_days("england-and-wales", date(2023, 5, 10), -5) == date(2023, 5, 2)
    # Thursday 4 Apr 2024: back over Easter Monday 1 Apr and Good Friday 29 Mar.
    assert add_working_days("england-and-wales", date(2024, 4, 4), -5) == date(2024, 3, 26)
    assert add_working_days("mon-fri", date(2024, 4, 4), -5) == date(2024, 3, 28)


def test_scotland_and_northern_ireland_differ_from_england():
    # 12 July 2023 (Wednesday): the Boyne in Northern Ireland only.
    assert add_working_days("northern-ireland", date(2023, 7, 11), 1) == date(2023, 7, 13)
    assert add_working_days("england-and-wales", date(2023, 7, 11), 1) == date(2023, 7, 12)
    # Easter Monday 10 Apr 2023 is worked in Scotland.
    assert add_working_days("scotland", date(2023, 4, 6), 1) == date(2023, 4, 10)
    assert add_working_days("england-and-wales", date(2023, 4, 6), 1) == date(2023, 4, 11)


# --- the documented start-date and counting rules ------------------------------------


def test_a_non_working_start_is_day_zero():
    saturday, friday = date(2024, 1, 6), date(2024, 1, 5)
    assert add_working_days("mon-fri", saturday, 5) == date(2024, 1, 12)
    assert add_working_days("mon-fri", friday, 5) == date(2024, 1, 12)
    assert add_working_days("mon-fri", saturday, 1) == date(2024, 1, 8)
    assert add_working_days("mon-fri", saturday, -1) == friday
    # A bank holiday start: 1 working day after Easter Monday 2024 is Tuesday.
    assert add_working_days("england-and-wales", date(2024, 4, 1), 1) == date(2024, 4, 2)


def test_zero_days_is_the_day_itself_or_the_next_working_day():
    assert add_working_days("mon-fri", date(2024, 1, 5), 0) == date(2024, 1, 5)
    assert add_working_days("mon-fri", date(2024, 1, 6), 0) == date(2024, 1, 8)
    assert add_working_days("england-and-wales", date(2022, 12, 24), 0) == date(2022, 12, 28)


def test_count_counts_both_ends():
    assert count_working_days("mon-fri", date(2024, 1, 8), date(2024, 1, 12)) == 5
    assert count_working_days("mon-fri", date(2024, 1, 8), date(2024, 1, 8)) == 1
    assert count_working_days("mon-fri", date(2024, 1, 6), date(2024, 1, 7)) == 0
    assert count_working_days("mon-fri", date(2024, 1, 6), date(2024, 1, 8)) == 1


def test_count_refuses_start_after_end():
    with pytest.raises(ValidationError) as excinfo:
        count_working_days("mon-fri", date(2024, 1, 9), date(2024, 1, 8))
    assert "end" in excinfo.value.field_errors


def test_count_across_years_and_a_whole_year():
    # 2023 has 260 weekdays; England and Wales loses its 9 bank holidays.
    assert count_working_days("mon-fri", date(2023, 1, 1), date(2023, 12, 31)) == 260
    assert count_working_days("england-and-wales", date(2023, 1, 1), date(2023, 12, 31)) == 251
    span = count_working_days("england-and-wales", date(2022, 12, 20), date(2023, 1, 10))
    # 16 weekdays, less 26 Dec, 27 Dec 2022 and 2 Jan 2023.
    assert span == 13


def test_unknown_calendar_is_not_found():
    with pytest.raises(NotFound, match="No calendar 'narnia'"):
        add_working_days("narnia", date(2024, 1, 1), 1)
    with pytest.raises(NotFound):
        get_calendar("narnia", {date(2024, 1, 1): "x"})


def test_years_outside_the_known_range_are_refused_not_guessed():
    with pytest.raises(ValidationError, match="1900–2100"):
        holidays("england-and-wales", 2101)
    with pytest.raises(ValidationError):
        add_working_days("england-and-wales", date(2100, 12, 30), 5)
    with pytest.raises(ValidationError):
        is_working_day("mon-fri", date(1899, 12, 29))


# --- closure days --------------------------------------------------------------------


def test_closure_days_layer_on_the_named_calendar():
    shutdown = {date(2024, 12, 27): "Christmas shutdown", date(2024, 12, 28): "Christmas shutdown"}
    calendar = WorkingCalendar("england-and-wales", shutdown)
    assert not calendar.is_working_day(date(2024, 12, 27))
    assert calendar.reason_not_working(date(2024, 12, 27)) == "Christmas shutdown"
    assert calendar.reason_not_working(date(2024, 12, 25)) == "Christmas Day"
    assert calendar.reason_not_working(date(2024, 12, 29)) == "Sunday"
    assert calendar.reason_not_working(date(2024, 12, 30)) == ""
    assert calendar.add_working_days(date(2024, 12, 24), 1) == date(2024, 12, 30)
    assert calendar.count_working_days(date(2024, 12, 23), date(2024, 12, 31)) == 4
    listed = [(h.date, h.kind) for h in calendar.holidays(2024) if h.date.month == 12]
    assert listed == [
        (date(2024, 12, 25), "bank_holiday"),
        (date(2024, 12, 26), "bank_holiday"),
        (date(2024, 12, 27), "closure"),
        (date(2024, 12, 28), "closure"),
    ]
    # The shared named calendar is untouched.
    assert is_working_day("england-and-wales", date(2024, 12, 27))


def test_a_closure_on_a_bank_holiday_is_listed_once_per_kind_and_counted_once():
    calendar = WorkingCalendar("england-and-wales", {date(2024, 12, 26): "Shutdown"})
    assert [h.kind for h in calendar.holidays(2024) if h.date == date(2024, 12, 26)] == [
        "bank_holiday",
        "closure",
    ]
    assert calendar.count_working_days(date(2024, 12, 23), date(2024, 12, 27)) == 3


# --- properties ----------------------------------------------------------------------

CALENDAR_NAMES = list(workdays.CALENDARS)
some_day = st.dates(min_value=date(1950, 1, 1), max_value=date(2050, 12, 31))
closures = st.dictionaries(
    st.dates(min_value=date(2019, 1, 1), max_value=date(2027, 12, 31)),
    st.just("Closed"),
    max_size=30,
)


@st.composite
def calendars(draw: st.DrawFn) -> WorkingCalendar:
    return WorkingCalendar(draw(st.sampled_from(CALENDAR_NAMES)), draw(closures))


def _working(calendar: WorkingCalendar, day: date) -> date:
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


@settings(max_examples=300, deadline=None)
@given(calendar=calendars(), start=some_day, n=st.integers(-400, 400))
def test_add_then_subtract_returns_to_a_working_day(calendar, start, n):
    d = _working(calendar, start)
    assert calendar.add_working_days(calendar.add_working_days(d, n), -n) == d


@settings(max_examples=300, deadline=None)
@given(calendar=calendars(), start=some_day, n=st.integers(0, 400))
def test_count_to_the_nth_working_day_is_n_plus_one(calendar, start, n):
    d = _working(calendar, start)
    assert calendar.count_working_days(d, calendar.add_working_days(d, n)) == n + 1
    if not calendar.is_working_day(start):
        # From a non-working start the start is not counted (and 0 days rolls forward).
        assert calendar.count_working_days(start, calendar.add_working_days(start, n)) == max(n, 1)


@settings(max_examples=300, deadline=None)
@given(calendar=calendars(), start=some_day, n=st.integers(-400, 400))
def test_add_never_returns_a_non_working_day(calendar, start, n):
    assert calendar.is_working_day(calendar.add_working_days(start, n))


@settings(max_examples=200, deadline=None)
@given(calendar=calendars(), start=some_day, length=st.integers(0, 800))
def test_count_agrees_with_checking_every_day(calendar, start, length):
    end = start + timedelta(days=length)
    by_hand = sum(calendar.is_working_day(start + timedelta(days=i)) for i in range(length + 1))
    assert calendar.count_working_days(start, end) == by_hand


def test_days_off_between_names_the_skipped_weekdays():
    calendar = WorkingCalendar("england-and-wales", {date(2023, 5, 9): "Away day"})
    skipped = calendar.days_off_between(date(2023, 5, 5), date(2023, 5, 12))
    assert [(h.date, h.kind) for h in skipped] == [
        (date(2023, 5, 8), "bank_holiday"),
        (date(2023, 5, 9), "closure"),
    ]
    assert calendar.days_off_between(date(2023, 5, 12), date(2023, 5, 5)) == skipped
    both = WorkingCalendar("england-and-wales", {date(2023, 5, 8): "Shutdown"})
    assert [h.kind for h in both.days_off_between(date(2023, 5, 8), date(2023, 5, 8))] == [
        "bank_holiday"
    ]
