"""Meeting times in their group's zone and programme dates in the programme's zone.

MHHS is all Europe/London; these check that nothing assumes it: a group that meets in
Paris has its meetings at 10:00 Paris time, shown with +02:00 in summer, and a
programme in Dublin gets iCal feeds in TZID=Europe/Dublin.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from progov.core.testing.factories import GroupFactory
from progov.meetings import services
from progov.meetings.models import Meeting
from progov.meetings.times import meeting_date, meeting_tz

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def paris_group(programme, pmo_user):
    group = GroupFactory(
        programme=programme,
        acronym="PWG",
        name="Paris working group",
        schedule_rrule="FREQ=MONTHLY;BYDAY=3WE",
        schedule_start_time=time(10),
        schedule_end_time=time(12),
        schedule_timezone="Europe/Paris",
    )
    services.configure_meeting_series(actor=pmo_user, group=group, starts_on=date(2022, 1, 1))
    services.generate_meetings(
        actor=pmo_user,
        group=group,
        until=date(2022, 12, 31),
        now=datetime(2022, 1, 1, tzinfo=PARIS),
    )
    return group


def test_a_groups_meetings_are_at_its_local_time(paris_group):
    september = Meeting.objects.get(group=paris_group, number_major=9)
    assert meeting_tz(september) == PARIS
    assert september.start.astimezone(PARIS).time() == time(10)
    assert meeting_date(september) == date(2022, 9, 21)


def test_the_api_shows_meetings_in_their_groups_zone(client, paris_group):
    body = client.get("/api/v1/meetings?group=PWG&start=2022-09-01&end=2022-09-30").json()
    [m] = body["items"]
    assert m["start"] == "2022-09-21T10:00:00+02:00"
    assert m["end"] == "2022-09-21T12:00:00+02:00"


def test_the_agenda_is_timed_in_the_groups_zone(client, paris_group, pmo_user):
    september = Meeting.objects.get(group=paris_group, number_major=9)
    services.add_agenda_item(
        actor=pmo_user, meeting=september, title="Welcome", duration_minutes=15
    )
    body = client.get(f"/api/v1/meetings/{september.pk}/agenda").json()
    assert body["meeting_start"] == "2022-09-21T10:00:00+02:00"
    assert body["items"][0]["start"] == "2022-09-21T10:00:00+02:00"
    assert body["items"][0]["end"] == "2022-09-21T10:15:00+02:00"


def test_a_feed_is_in_the_programmes_zone(client, programme, paris_group, pmo_user):
    from progov.governance import services as governance_services

    governance_services.update_programme(
        actor=pmo_user, programme=programme, expected_version=1, timezone="Europe/Dublin"
    )
    body = client.get("/meetings/feeds/groups/PWG.ics?from=2022-09-01&to=2022-09-30").content
    text = body.decode()
    assert "X-WR-TIMEZONE:Europe/Dublin" in text
    assert "TZID:Europe/Dublin" in text
    # 10:00 in Paris is 09:00 in Dublin.
    assert "DTSTART;TZID=Europe/Dublin:20220921T090000" in text
    assert "Europe/London" not in text


def test_an_mhhs_feed_is_still_in_london(client, paris_group):
    text = client.get("/meetings/feeds/groups/PWG.ics?from=2022-09-01&to=2022-09-30").content
    assert b"DTSTART;TZID=Europe/London:20220921T090000" in text


def test_pages_show_times_in_the_programmes_zone(client, programme):
    """A programme that works in Paris sees a 09:00 UTC meeting at 11:00 on its pages."""
    programme.timezone = "Europe/Paris"
    programme.save()
    group = GroupFactory(programme=programme, acronym="PAR", schedule_timezone="Europe/Paris")
    meeting = Meeting.objects.create(
        group=group,
        number_major=1,
        start=datetime(2022, 9, 21, 9, 0, tzinfo=ZoneInfo("UTC")),
        end=datetime(2022, 9, 21, 10, 0, tzinfo=ZoneInfo("UTC")),
    )
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "11:00" in page and "09:00" not in page
