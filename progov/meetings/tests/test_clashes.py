"""Clashes: overlapping meetings for people on both groups, colliding schedules for
shared members; the page, the API, visibility and constant query counts."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from progov.core.errors import ValidationError
from progov.core.testing.factories import GroupFactory, MembershipFactory, PersonFactory
from progov.core.testing.html_checks import page_problems
from progov.meetings.models import MeetingSeries
from progov.meetings.selectors.clashes import clash_window, clashes_for
from progov.meetings.tests.attendance_world import meeting_of

pytestmark = pytest.mark.django_db
TODAY = date(2023, 9, 1)
PERIOD = {"start": date(2023, 9, 1), "end": date(2023, 9, 30), "today": TODAY}


def group(programme, acronym, rrule="", start=time(10), end=time(12), **kw):
    return GroupFactory(
        programme=programme,
        acronym=acronym,
        name=f"{acronym} group",
        schedule_rrule=rrule,
        schedule_start_time=start,
        schedule_end_time=end,
        **kw,
    )


def join(person, *groups, role="representative", **kw):
    for g in groups:
        MembershipFactory(group=g, person=person, role=role, constituency=None, **kw)


@pytest.fixture
def world(programme):
    psg = group(programme, "PSG")
    dag = group(programme, "DAG")
    ccag = group(programme, "CCAG")
    both = PersonFactory(programme=programme, name="Bea Both")
    join(both, psg, dag)
    only_psg = PersonFactory(programme=programme, name="Pat Psg")
    join(only_psg, psg)
    return {"psg": psg, "dag": dag, "ccag": ccag, "both": both, "only_psg": only_psg}


def test_overlapping_meetings_list_the_people_on_both_groups(world, programme):
    psg = meeting_of(world["psg"], date(2023, 9, 6), start=(10, 0), hours=2)
    dag = meeting_of(world["dag"], date(2023, 9, 6), start=(11, 30), hours=2)
    meeting_of(world["ccag"], date(2023, 9, 6), start=(10, 0))  # nobody shared
    meeting_of(world["dag"], date(2023, 9, 13), number=25)  # no overlap
    found = clashes_for(user=AnonymousUser(), programme=programme, **PERIOD)
    [clash] = found.meetings
    assert (clash.first, clash.second) == (psg, dag)
    assert [p.person.name for p in clash.people] == ["Bea Both"]
    assert clash.people[0].first_role == "Representative"
    assert (clash.overlap_start.hour, clash.overlap_start.minute) == (11, 30)
    assert clash.overlap_end.hour == 12
    assert found.people_count == 1


def test_meetings_that_only_touch_do_not_clash(world, programme):
    meeting_of(world["psg"], date(2023, 9, 6), start=(10, 0), hours=2)
    meeting_of(world["dag"], date(2023, 9, 6), start=(12, 0), hours=1)
    assert clashes_for(user=AnonymousUser(), programme=programme, **PERIOD).meetings == []


def test_cancelled_meetings_are_ignored(world, programme):
    meeting_of(world["psg"], date(2023, 9, 6))
    meeting_of(world["dag"], date(2023, 9, 6), status="cancelled")
    assert clashes_for(user=AnonymousUser(), programme=programme, **PERIOD).meetings == []


def test_memberships_must_be_current_on_the_meeting_date(world, programme):
    late = PersonFactory(programme=programme, name="Lee Late")
    join(late, world["psg"])
    join(late, world["dag"], start_date=date(2023, 9, 7))
    gone = PersonFactory(programme=programme, name="Gus Gone")
    join(gone, world["psg"], world["dag"], end_date=date(2023, 9, 5))
    meeting_of(world["psg"], date(2023, 9, 6))
    meeting_of(world["dag"], date(2023, 9, 6))
    [clash] = clashes_for(user=AnonymousUser(), programme=programme, **PERIOD).meetings
    assert [p.person.name for p in clash.people] == ["Bea Both"]


def test_alternates_are_not_expected_at_both(world, programme):
    alt = PersonFactory(programme=programme, name="Al Alternate")
    join(alt, world["psg"])
    join(alt, world["ccag"], role="alternate")
    meeting_of(world["psg"], date(2023, 9, 6))
    meeting_of(world["ccag"], date(2023, 9, 6))
    assert clashes_for(user=AnonymousUser(), programme=programme, **PERIOD).meetings == []


def test_same_group_overlaps_are_not_clashes(world, programme):
    meeting_of(world["psg"], date(2023, 9, 6))
    meeting_of(world["psg"], date(2023, 9, 6), number=25, start=(11, 0))
    assert clashes_for(user=AnonymousUser(), programme=programme, **PERIOD).meetings == []


def test_hidden_groups_are_left_out_for_anonymous(world, programme, member_user):
    world["dag"].visibility = "participants"
    world["dag"].save()
    meeting_of(world["psg"], date(2023, 9, 6))
    meeting_of(world["dag"], date(2023, 9, 6))
    assert clashes_for(user=AnonymousUser(), programme=programme, **PERIOD).meetings == []
    assert len(clashes_for(user=member_user, programme=programme, **PERIOD).meetings) == 1


def test_colliding_schedules_with_shared_members(programme):
    psg = group(programme, "PSG", "FREQ=MONTHLY;BYDAY=1WE", time(10), time(12))
    dag = group(programme, "DAG", "FREQ=MONTHLY;BYDAY=1WE", time(11), time(13))
    ewg = group(programme, "EWG", "FREQ=MONTHLY;BYDAY=1WE", time(10), time(11))  # no one shared
    iag = group(programme, "IAG", "FREQ=MONTHLY;BYDAY=2WE", time(10), time(12))  # other week
    old = group(programme, "TAG", "FREQ=MONTHLY;BYDAY=1WE", status="stood_down")
    for name in ("Ann", "Bob"):
        p = PersonFactory(programme=programme, name=name)
        join(p, psg, dag, iag, old)
    join(PersonFactory(programme=programme), ewg)
    found = clashes_for(
        user=AnonymousUser(),
        programme=programme,
        start=date(2023, 9, 1),
        end=date(2023, 11, 30),
        today=TODAY,
    )
    [collision] = found.schedules
    assert (collision.first, collision.second) == (dag, psg)  # by acronym
    assert collision.shared_members == 2
    assert [p.name for p in collision.shared] == ["Ann", "Bob"]
    assert collision.dates == [date(2023, 9, 6), date(2023, 10, 4), date(2023, 11, 1)]
    assert (collision.first_times, collision.second_times) == ("11:00–13:00", "10:00–12:00")


def test_schedule_collisions_respect_the_series_dates(programme):
    psg = group(programme, "PSG", "FREQ=MONTHLY;BYDAY=1WE")
    dag = group(programme, "DAG", "FREQ=MONTHLY;BYDAY=1WE")
    MeetingSeries.objects.create(group=dag, starts_on=date(2023, 10, 1))
    join(PersonFactory(programme=programme), psg, dag)
    found = clashes_for(
        user=AnonymousUser(),
        programme=programme,
        start=date(2023, 9, 1),
        end=date(2023, 10, 31),
        today=TODAY,
    )
    assert found.schedules[0].dates == [date(2023, 10, 4)]


def test_the_window_defaults_to_the_next_90_days_and_is_checked():
    assert clash_window(None, None, today=TODAY) == (TODAY, date(2023, 11, 30))
    with pytest.raises(ValidationError) as exc:
        clash_window(date(2023, 9, 2), date(2023, 9, 1))
    assert "end" in exc.value.field_errors
    with pytest.raises(ValidationError, match="731 days"):
        clash_window(date(2023, 1, 1), date(2026, 1, 1))


def _queries(programme) -> int:
    with CaptureQueriesContext(connection) as ctx:
        clashes_for(user=AnonymousUser(), programme=programme, **PERIOD)
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_meetings_and_members(world, programme):
    meeting_of(world["psg"], date(2023, 9, 6))
    meeting_of(world["dag"], date(2023, 9, 6))
    before = _queries(programme)
    for i in range(6):
        g = group(programme, f"WG{i}", "FREQ=WEEKLY;BYDAY=WE")
        meeting_of(g, date(2023, 9, 6), number=i + 1)
        for _ in range(4):
            join(PersonFactory(programme=programme), g, world["psg"])
    assert len(clashes_for(user=AnonymousUser(), programme=programme, **PERIOD).meetings) > 6
    assert _queries(programme) == before == 3


# --- the page and the API ---------------------------------------------------------------


def test_page_lists_clashes_for_the_period(client, world):
    meeting_of(world["psg"], date(2023, 9, 6))
    meeting_of(world["dag"], date(2023, 9, 6), start=(11, 0))
    response = client.get("/meetings/clashes/?start=2023-09-01&end=2023-09-30")
    assert response.status_code == 200
    html = response.content.decode()
    text = re.sub(r"\s+", " ", html)
    assert "Bea Both" in text and "PSG #24" in text and "DAG #24" in text
    assert page_problems(html) == []


def test_page_without_dates_shows_the_next_90_days(client, world):
    response = client.get("/meetings/clashes/")
    assert response.status_code == 200
    assert "No meetings overlap" in response.content.decode()


def test_page_with_bad_dates_explains(client, world):
    response = client.get("/meetings/clashes/?start=2023-09-30&end=2023-09-01")
    assert response.status_code == 400
    html = response.content.decode()
    assert "The end date is before the start date." in html
    assert 'aria-describedby="id_end_error"' in html or "id_end_error" in html
    assert page_problems(html) == []


def test_api_lists_clashes(client, world):
    meeting_of(world["psg"], date(2023, 9, 6))
    meeting_of(world["dag"], date(2023, 9, 6), start=(11, 0))
    body = client.get("/api/v1/meetings/clashes?start=2023-09-01&end=2023-09-30").json()
    assert body["start"] == "2023-09-01" and body["end"] == "2023-09-30"
    [clash] = body["meetings"]
    assert (clash["first"]["group"], clash["second"]["group"]) == ("PSG", "DAG")
    assert clash["overlap_start"] == "2023-09-06T11:00:00+01:00"
    assert clash["people"][0]["person"]["name"] == "Bea Both"
    assert body["schedules"] == []


def test_api_bad_window_is_422(client, world):
    response = client.get("/api/v1/meetings/clashes?start=2023-09-30&end=2023-09-01")
    assert response.status_code == 422
    assert "end" in response.json()["errors"]
