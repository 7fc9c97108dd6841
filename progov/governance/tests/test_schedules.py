"""Schedule text ↔ RRULE: every phrasing of seed 000's overview, round trips, and errors."""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from progov.governance.schedules import (
    ORDINAL_WORDS,
    WEEKDAY_NAMES,
    ScheduleError,
    describe_schedule,
    parse_schedule_text,
    validate_rrule,
)

# Each schedule cell of seed 000's group table, as the MHHS pack stores it (the seed's own
# words with its HTML removed), and what it means.
SEED_000_SCHEDULES = [
    # (group, text, rrule, start, end, note)
    (
        "PSG",
        "1st Wednesday of each month, 1000-1200",
        "FREQ=MONTHLY;BYDAY=1WE",
        time(10),
        time(12),
        "",
    ),
    (
        "FTIG",
        "2nd and 4th Friday of each month, 1000-1130",
        "FREQ=MONTHLY;BYDAY=2FR,4FR",
        time(10),
        time(11, 30),
        "",
    ),
    (
        "DAG",
        "2nd Wednesday of each month, 1000-1300",
        "FREQ=MONTHLY;BYDAY=2WE",
        time(10),
        time(13),
        "",
    ),
    ("BPRWG/TDWG", "N/A", "", None, None, "N/A"),
    ("SDWG", "TBC", "", None, None, "TBC"),
    (
        "TMAG",
        "3rd Wednesday of each month, 1000-1200",
        "FREQ=MONTHLY;BYDAY=3WE",
        time(10),
        time(12),
        "",
    ),
    (
        "DWG",
        "1st Thursday of each month. 1000-1130",
        "FREQ=MONTHLY;BYDAY=1TH",
        time(10),
        time(11, 30),
        "",
    ),
    (
        "MWG",
        "2nd Thursday of each month. 1500-1700",
        "FREQ=MONTHLY;BYDAY=2TH",
        time(15),
        time(17),
        "",
    ),
    (
        "DCWG",
        "4th Thursday of each month, 10:00-12:00",
        "FREQ=MONTHLY;BYDAY=4TH",
        time(10),
        time(12),
        "",
    ),
    (
        "EWG",
        "1st Tuesday of each month, 1000-1130",
        "FREQ=MONTHLY;BYDAY=1TU",
        time(10),
        time(11, 30),
        "",
    ),
    (
        "QWG",
        "2nd Tuesday of each month, 1400-1530",
        "FREQ=MONTHLY;BYDAY=2TU",
        time(14),
        time(15, 30),
        "",
    ),
    (
        "SITWG",
        "1st Thursday of each month, 1400-1600",
        "FREQ=MONTHLY;BYDAY=1TH",
        time(14),
        time(16),
        "",
    ),
    (
        "NFTWG",
        "3rd Tuesday of each month, 1400-1530",
        "FREQ=MONTHLY;BYDAY=3TU",
        time(14),
        time(15, 30),
        "",
    ),
    ("Transition WG", "TBC", "", None, None, "TBC"),
    (
        "CCAG",
        "4th Wednesday of each month, 1000-1200",
        "FREQ=MONTHLY;BYDAY=4WE",
        time(10),
        time(12),
        "",
    ),
    (
        "CDWG",
        "2nd and 3rd Tuesday of each month, 1000-1130",
        "FREQ=MONTHLY;BYDAY=2TU,3TU",
        time(10),
        time(11, 30),
        "",
    ),
]


@pytest.mark.parametrize(
    ("group", "text", "rrule", "start", "end", "note"),
    SEED_000_SCHEDULES,
    ids=[row[0] for row in SEED_000_SCHEDULES],
)
def test_every_seed_000_schedule_parses(group, text, rrule, start, end, note):
    schedule = parse_schedule_text(text)
    assert (schedule.rrule, schedule.start_time, schedule.end_time, schedule.note) == (
        rrule,
        start,
        end,
        note,
    )
    validate_rrule(schedule.rrule)
    # Described back in progov's own words, it parses to the same schedule.
    described = describe_schedule(schedule.rrule, schedule.start_time, schedule.end_time, note)
    assert parse_schedule_text(described) == schedule


def test_descriptions_read_as_the_seed_does():
    assert (
        describe_schedule("FREQ=MONTHLY;BYDAY=2FR,4FR", time(10), time(11, 30))
        == "2nd and 4th Friday of each month, 10:00–11:30"
    )
    assert describe_schedule("", None, None, "TBC") == "TBC"
    assert describe_schedule("", None, None) == "No regular schedule"


# Seed 000's raw cells whose only markup is <sup>: the parser reads them as they are.
@pytest.mark.parametrize(
    ("raw", "rrule"),
    [
        (
            "2 <sup>nd</sup> and 4 <sup>th</sup> Friday of each month, 1000-1130",
            "FREQ=MONTHLY;BYDAY=2FR,4FR",
        ),
        ("2 <sup>nd</sup> Tuesday of each month, 1400-1530", "FREQ=MONTHLY;BYDAY=2TU"),
        ("3 <sup>rd</sup> Tuesday of each month, 1400-1530", "FREQ=MONTHLY;BYDAY=3TU"),
        ("4 <sup>th</sup> Wednesday of each month, 1000-1200", "FREQ=MONTHLY;BYDAY=4WE"),
        (
            "2 <sup>nd</sup> and 3 <sup>rd</sup> Tuesday of each month, 1000-1130",
            "FREQ=MONTHLY;BYDAY=2TU,3TU",
        ),
    ],
)
def test_raw_seed_cells_with_superscripts_parse(raw, rrule):
    assert parse_schedule_text(raw).rrule == rrule


# The overview's cells that wrap with <br> ("each<br>month") are not read: the parser
# removes <sup> but not <br>. The MHHS pack stores the text without the HTML, so loading
# is unaffected; this records the gap in progov/governance/schedules.py until it is fixed.
@pytest.mark.parametrize(
    "raw",
    [
        "1 <sup>st</sup> Wednesday of each<br>month, 1000-1200",
        "1 <sup>st</sup> Thursday of each<br>month. 1000-1130",
    ],
)
def test_raw_seed_cells_with_line_breaks_parse(raw):
    assert parse_schedule_text(raw).rrule.startswith("FREQ=MONTHLY")


def test_other_phrasings():
    assert parse_schedule_text("Every Tuesday, 09:00-09:30").rrule == "FREQ=WEEKLY;BYDAY=TU"
    assert (
        parse_schedule_text("Every other Tuesday, 09:00-09:30").rrule
        == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    )
    assert parse_schedule_text("last Friday of each month, 1600-1700").rrule == (
        "FREQ=MONTHLY;BYDAY=-1FR"
    )
    assert parse_schedule_text("first Monday of every month, 9.30-10.00").start_time == time(9, 30)
    assert parse_schedule_text("Ad hoc").note == "Ad hoc"
    assert parse_schedule_text("n/a.").note == "N/A"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        # The weekly table's cells give a day but not which week of the month.
        ("Weds, 1000-1230", "is not a pattern progov understands"),
        # TAG's ToR: "TAG meetings are scheduled for every third Wednesday of the month."
        ("every third Wednesday of the month", "has no time range"),
        ("1st Wednesday of each month, 1200-1000", "ends before it starts"),
        ("1st Wednesday of each month, 2500-2600", "is not a time of day"),
        ("1st Funday of each month, 1000-1100", "'Funday' is not a day of the week"),
    ],
)
def test_errors_name_the_text(text, problem):
    with pytest.raises(ScheduleError) as caught:
        parse_schedule_text(text)
    message = str(caught.value)
    assert repr(text) in message
    assert problem in message


def test_validate_rrule_refuses_bad_rules_naming_them():
    with pytest.raises(ScheduleError, match="without DTSTART"):
        validate_rrule("DTSTART:20220101T100000\nFREQ=MONTHLY;BYDAY=1WE")
    with pytest.raises(ScheduleError, match="'FREQ=FORTNIGHTLY'"):
        validate_rrule("FREQ=FORTNIGHTLY")


# --- properties --------------------------------------------------------------------------

DAYS = sorted(WEEKDAY_NAMES)


@st.composite
def schedules(draw: st.DrawFn) -> tuple[str, time, time]:
    """A rule progov can describe, with a start and a later end time."""
    day = draw(st.sampled_from(DAYS))
    if draw(st.booleans()):
        ordinals = draw(
            st.lists(st.sampled_from(sorted(ORDINAL_WORDS)), min_size=1, max_size=3, unique=True)
        )
        # The parser lists 1st–5th in order, then "last".
        ordinals.sort(key=lambda n: (n < 0, n))
        rule = "FREQ=MONTHLY;BYDAY=" + ",".join(f"{n}{day}" for n in ordinals)
    else:
        rule = "FREQ=WEEKLY" + draw(st.sampled_from(["", ";INTERVAL=2"])) + f";BYDAY={day}"
    start_minutes = draw(st.integers(min_value=0, max_value=23 * 60 + 58))
    end_minutes = draw(st.integers(min_value=start_minutes + 1, max_value=23 * 60 + 59))
    start = time(start_minutes // 60, start_minutes % 60)
    end = time(end_minutes // 60, end_minutes % 60)
    return rule, start, end


@given(schedules())
def test_describe_then_parse_gives_the_same_rule(schedule):
    rule, start, end = schedule
    parsed = parse_schedule_text(describe_schedule(rule, start, end))
    assert (parsed.rrule, parsed.start_time, parsed.end_time) == (rule, start, end)
    validate_rrule(parsed.rrule)


@given(st.text(max_size=80))
def test_any_text_parses_or_is_refused_by_name(text):
    try:
        schedule = parse_schedule_text(text)
    except ScheduleError as exc:
        assert repr(text) in str(exc)
    else:
        validate_rrule(schedule.rrule)
