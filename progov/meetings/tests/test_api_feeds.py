"""`/api/v1/meetings/feed-tokens`: create (yours, or anyone's for the secretariat), list, revoke."""

from __future__ import annotations

from datetime import date

import pytest

from progov.audit.models import AuditEntry
from progov.core.testing.factories import MembershipFactory, PersonFactory, UserFactory
from progov.meetings.models import CalendarFeedToken
from progov.meetings.tests.feeds_support import WINDOW_2022, parse_both
from progov.meetings.tests.test_api_meetings import bearer

pytestmark = pytest.mark.django_db
URL = "/api/v1/meetings/feed-tokens"


@pytest.fixture
def member(programme, feed_group, member_user):
    person = PersonFactory(programme=programme, name="Member Person", user=member_user)
    MembershipFactory(group=feed_group, person=person, start_date=date(2021, 1, 1))
    return person


def post(client, headers, payload=None):
    return client.post(URL, payload or {}, content_type="application/json", **headers)


def test_create_for_yourself_returns_the_url_once(client, member, member_user):
    response = post(client, bearer(member_user))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["person"] == member.pk and body["person_name"] == "Member Person"
    assert body["token"].startswith("pgf_") and body["prefix"] == body["token"][:12]
    assert body["url"] == f"http://testserver/meetings/feeds/people/{body['token']}.ics"
    assert body["webcal_url"] == f"webcal://testserver/meetings/feeds/people/{body['token']}.ics"
    stored = CalendarFeedToken.objects.get(pk=body["id"])
    assert body["token"] not in stored.token_hash
    entry = AuditEntry.objects.filter(object_type="meetings.calendarfeedtoken").get()
    assert body["token"] not in str(entry.changes)

    # The URL works without any session or token header.
    feed = client.get(f"/meetings/feeds/people/{body['token']}.ics?{WINDOW_2022}")
    assert feed.status_code == 200
    cal, _ = parse_both(feed.content.decode())
    assert len(cal.walk("VEVENT")) == 12

    listed = client.get(URL, **bearer(member_user)).json()
    assert [t["id"] for t in listed] == [body["id"]] and "token" not in listed[0]


def test_anonymous_is_401(client, member):
    assert post(client, {}).status_code == 401
    assert client.get(URL).status_code == 401


def test_user_without_a_person_is_422(client, programme, member_user):
    response = post(client, bearer(member_user))
    assert response.status_code == 422
    assert "not linked to a person" in response.json()["detail"]


def test_only_the_secretariat_creates_for_others(client, member, kate, member_user, pmo_user):
    assert post(client, bearer(member_user), {"person": kate.pk}).status_code == 403
    assert post(client, bearer(member_user), {"person": member.pk}).status_code == 201
    response = post(client, bearer(pmo_user), {"person": kate.pk})
    assert response.status_code == 201 and response.json()["person"] == kate.pk
    assert post(client, bearer(pmo_user), {"person": 999999}).status_code == 404
    # The secretariat has no person of its own here.
    assert post(client, bearer(pmo_user)).status_code == 422
    assert client.get(f"{URL}?person={kate.pk}", **bearer(pmo_user)).status_code == 200
    assert client.get(f"{URL}?person={kate.pk}", **bearer(member_user)).status_code == 403


def test_revoke_stops_the_feed(client, member, member_user):
    body = post(client, bearer(member_user)).json()
    feed_url = f"/meetings/feeds/people/{body['token']}.ics?{WINDOW_2022}"
    assert client.get(feed_url).status_code == 200
    response = client.delete(f"{URL}/{body['id']}", **bearer(member_user))
    assert response.status_code == 204
    assert client.get(feed_url).status_code == 404
    assert client.get(URL, **bearer(member_user)).json() == []
    # Revoking again changes nothing.
    assert client.delete(f"{URL}/{body['id']}", **bearer(member_user)).status_code == 204
    assert (
        AuditEntry.objects.filter(object_type="meetings.calendarfeedtoken", action="update").count()
        == 1
    )


def test_someone_elses_token_is_404_and_the_secretariat_may_revoke_it(
    client, member, kate, member_user, pmo_user
):
    theirs = post(client, bearer(pmo_user), {"person": kate.pk}).json()
    assert client.delete(f"{URL}/{theirs['id']}", **bearer(member_user)).status_code == 404
    other = UserFactory(username="other", role="member")
    assert client.delete(f"{URL}/{theirs['id']}", **bearer(other)).status_code == 404
    assert client.delete(f"{URL}/999999", **bearer(pmo_user)).status_code == 404
    assert client.delete(f"{URL}/{theirs['id']}", **bearer(pmo_user)).status_code == 204


def test_session_writes_need_csrf(member, member_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member_user)
    assert client.post(URL, {}, content_type="application/json").status_code == 403
