"""`/meetings/feeds/…`: the iCal feeds over HTTP, ETags, personal tokens, the token page."""

from __future__ import annotations

import gc
from datetime import date, datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from progov.core.testing.factories import GroupFactory, MembershipFactory, PersonFactory
from progov.meetings import services
from progov.meetings.models import AgendaItem, CalendarFeedToken, Meeting
from progov.meetings.tests.feeds_support import LONDON, PAST, WINDOW_2022, parse_both

pytestmark = pytest.mark.django_db
GROUP_URL = f"/meetings/feeds/groups/TMAG.ics?{WINDOW_2022}"
PROGRAMME_URL = f"/meetings/feeds/programme.ics?{WINDOW_2022}"


def person_url(raw: str) -> str:
    return f"/meetings/feeds/people/{raw}.ics?{WINDOW_2022}"


@pytest.fixture
def hidden(programme, pmo_user):
    """ECG: visible to signed-in participants only, with its 2022 meetings."""
    group = GroupFactory(programme=programme, acronym="ECG", visibility="participants")
    services.configure_meeting_series(actor=pmo_user, group=group, starts_on=date(2022, 1, 1))
    services.generate_meetings(actor=pmo_user, group=group, until=date(2022, 12, 31), now=PAST)
    return group


def summaries(response) -> list[str]:
    cal, _ = parse_both(response.content.decode())
    return [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]


def test_group_feed_headers_and_body(client, feed_group):
    response = client.get(GROUP_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=300"
    assert response["ETag"].startswith('"') and not response["ETag"].startswith("W/")
    assert "Cookie" in response["Vary"]
    assert 'filename="tmag-meetings.ics"' in response["Content-Disposition"]
    assert len(summaries(response)) == 12
    meeting = Meeting.objects.get(group=feed_group, number_major=1)
    # The meeting page link is absolute, on the host that served the feed.
    assert f"URL:http://testserver/meetings/{meeting.pk}/\r\n" in response.content.decode()
    assert reverse("meetings:feed_group", args=["TMAG"]) == "/meetings/feeds/groups/TMAG.ics"


def test_programme_feed_holds_every_visible_group(client, feed_group, hidden, pmo_user):
    anonymous = summaries(client.get(PROGRAMME_URL))
    assert len(anonymous) == 12 and all(s.startswith("TMAG") for s in anonymous)
    client.force_login(pmo_user)
    assert len(summaries(client.get(PROGRAMME_URL))) == 24


def test_etag_answers_304_without_a_body_and_changes_with_the_meetings(
    client, feed_group, pmo_user
):
    first = client.get(GROUP_URL)
    etag = first["ETag"]
    again = client.get(GROUP_URL, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Cache-Control"] == "private, max-age=300"
    assert client.get(GROUP_URL, headers={"If-None-Match": f'"x", W/{etag}'}).status_code == 304
    assert client.get(GROUP_URL, headers={"If-None-Match": '"other"'}).status_code == 200
    # The same inputs give the same bytes.
    assert client.get(GROUP_URL).content == first.content

    meeting = Meeting.objects.get(group=feed_group, number_major=9)
    services.move_meeting(
        actor=pmo_user,
        meeting=meeting,
        expected_version=meeting.version,
        start=datetime(2022, 9, 22, 10, tzinfo=LONDON),
        end=datetime(2022, 9, 22, 12, tzinfo=LONDON),
    )
    moved = client.get(GROUP_URL, headers={"If-None-Match": etag})
    assert moved.status_code == 200 and moved["ETag"] != etag


def test_etag_follows_agenda_changes_and_the_window(client, feed_group):
    etag = client.get(GROUP_URL)["ETag"]
    item = AgendaItem.objects.filter(meeting__group=feed_group).order_by("id")[0]
    # As a service's save() does: updated_at moves.
    AgendaItem.objects.filter(pk=item.pk).update(
        title="Welcome and introductions", updated_at=timezone.now()
    )
    changed = client.get(GROUP_URL)["ETag"]
    assert changed != etag
    # A bulk update that only raises the version.
    AgendaItem.objects.filter(pk=item.pk).update(duration_minutes=10, version=item.version + 1)
    assert client.get(GROUP_URL)["ETag"] != changed
    other = client.get("/meetings/feeds/groups/TMAG.ics?from=2022-01-01&to=2022-06-30")
    assert other["ETag"] != client.get(GROUP_URL)["ETag"]
    assert len(summaries(other)) == 6


def test_etag_follows_a_renamed_agenda_lead(client, feed_group, kate):
    first = client.get(GROUP_URL)
    assert "Kate Goodman" in str(
        parse_both(first.content.decode())[0].walk("VEVENT")[0]["DESCRIPTION"]
    )
    kate.name = "Kate Goodman-Smith"
    kate.save()
    renamed = client.get(GROUP_URL, headers={"If-None-Match": first["ETag"]})
    assert renamed.status_code == 200
    assert "Kate Goodman-Smith" in renamed.content.decode().replace("\r\n ", "")


def test_default_window_and_bad_dates(client, feed_group):
    response = client.get("/meetings/feeds/groups/TMAG.ics")
    assert response.status_code == 200  # a year back, two ahead: 2022 is out of it
    assert summaries(response) == []
    bad = client.get("/meetings/feeds/groups/TMAG.ics?from=2022-02-30")
    assert bad.status_code == 400 and b"from" in bad.content
    assert (
        client.get("/meetings/feeds/groups/TMAG.ics?from=2022-06-01&to=2022-01-01").status_code
        == 400
    )


def test_hidden_and_unknown_groups_are_404(client, hidden, pmo_user):
    assert client.get(f"/meetings/feeds/groups/ECG.ics?{WINDOW_2022}").status_code == 404
    assert client.get(f"/meetings/feeds/groups/NOPE.ics?{WINDOW_2022}").status_code == 404
    client.force_login(pmo_user)
    assert len(summaries(client.get(f"/meetings/feeds/groups/ecg.ics?{WINDOW_2022}"))) == 12


def test_the_garbage_collector_is_back_on_after_a_feed(client, feed_group):
    assert gc.isenabled()
    assert client.get(GROUP_URL).status_code == 200
    assert gc.isenabled()


def test_only_get_and_head(client, feed_group):
    assert client.head(GROUP_URL).status_code == 200
    assert client.post(GROUP_URL).status_code == 405


def test_personal_feed_needs_no_session_and_holds_current_groups(
    client, programme, feed_group, hidden, kate, member_user, pmo_user
):
    other = GroupFactory(programme=programme, acronym="OLD")
    services.configure_meeting_series(actor=pmo_user, group=other, starts_on=date(2022, 1, 1))
    services.generate_meetings(actor=pmo_user, group=other, until=date(2022, 12, 31), now=PAST)
    MembershipFactory(group=feed_group, person=kate, start_date=date(2021, 1, 1))
    MembershipFactory(group=hidden, person=kate, start_date=date(2021, 1, 1))
    MembershipFactory(
        group=other, person=kate, start_date=date(2021, 1, 1), end_date=date(2022, 12, 31)
    )
    _token, raw = services.create_feed_token(actor=pmo_user, person=kate)
    response = client.get(person_url(raw))
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    # Kate has no login, so she sees what anonymous users see: TMAG, not ECG; not OLD,
    # which she has left.
    assert {s.split(" ")[0] for s in summaries(response)} == {"TMAG"}
    kate.user = member_user
    kate.save()
    assert {s.split(" ")[0] for s in summaries(client.get(person_url(raw)))} == {"TMAG", "ECG"}


def test_revoked_and_bad_tokens_are_404(client, feed_group, kate, pmo_user):
    token, raw = services.create_feed_token(actor=pmo_user, person=kate)
    assert client.get(person_url(raw)).status_code == 200
    assert client.get(person_url(raw + "x")).status_code == 404
    assert client.get(person_url("pgf_not-a-token")).status_code == 404
    services.revoke_feed_token(actor=pmo_user, token=token)
    assert client.get(person_url(raw)).status_code == 404
    stored = CalendarFeedToken.objects.get(pk=token.pk)
    assert stored.token_hash != raw and raw not in stored.token_hash and stored.prefix == raw[:12]


def test_query_count_is_constant_as_meetings_grow(client, programme, psg, feed_group, pmo_user):
    def count(headers=None) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(PROGRAMME_URL, headers=headers or {})
        assert response.status_code in (200, 304)
        return len(ctx.captured_queries)

    small, etag = count(), client.get(PROGRAMME_URL)["ETag"]
    not_modified = count({"If-None-Match": etag})
    for n in range(4):
        g = GroupFactory(programme=programme, acronym=f"G{n}", level=3, parent=psg)
        services.configure_meeting_series(actor=pmo_user, group=g, starts_on=date(2022, 1, 1))
        services.generate_meetings(actor=pmo_user, group=g, until=date(2022, 12, 31), now=PAST)
    large_etag = client.get(PROGRAMME_URL)["ETag"]
    assert count() == small
    assert count({"If-None-Match": large_etag}) == not_modified < small


# --- /meetings/feeds/mine/ ---------------------------------------------------------------


def test_my_feeds_page_needs_sign_in(client):
    response = client.get("/meetings/feeds/mine/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_my_feeds_create_shows_the_url_once_and_revoke(client, programme, feed_group, member_user):
    person = PersonFactory(programme=programme, name="Member Person", user=member_user)
    MembershipFactory(group=feed_group, person=person, start_date=date(2021, 1, 1))
    client.force_login(member_user)
    page = client.get("/meetings/feeds/mine/")
    assert page.status_code == 200 and b"You have no active feed links" in page.content

    created = client.post("/meetings/feeds/mine/", {"action": "create"})
    assert created.status_code == 201 and created["Cache-Control"] == "no-store"
    token = CalendarFeedToken.objects.get(person=person)
    url = created.context["new_url"]
    assert url.startswith("http://testserver/meetings/feeds/people/pgf_") and url.endswith(".ics")
    assert url.encode() in created.content
    client.logout()
    assert client.get(url.removeprefix("http://testserver") + f"?{WINDOW_2022}").status_code == 200

    client.force_login(member_user)
    listed = client.get("/meetings/feeds/mine/")
    assert token.prefix.encode() in listed.content and url.encode() not in listed.content
    revoked = client.post(
        "/meetings/feeds/mine/", {"action": "revoke", "token": token.pk}, follow=True
    )
    assert b"revoked" in revoked.content
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_my_feeds_cannot_revoke_someone_elses(client, programme, kate, member_user, pmo_user):
    PersonFactory(programme=programme, user=member_user)
    theirs, _raw = services.create_feed_token(actor=pmo_user, person=kate)
    client.force_login(member_user)
    response = client.post("/meetings/feeds/mine/", {"action": "revoke", "token": theirs.pk})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_my_feeds_without_a_linked_person(client, member_user):
    client.force_login(member_user)
    page = client.get("/meetings/feeds/mine/")
    assert page.status_code == 200 and b"not linked to a person" in page.content
    assert b"Ask an administrator to link your login" in page.content
    assert client.post("/meetings/feeds/mine/", {"action": "create"}).status_code == 400


def test_an_administrator_without_a_person_is_told_to_link_it_themself(client, admin_user):
    client.force_login(admin_user)
    page = client.get("/meetings/feeds/mine/").content.decode()
    assert "You may link it yourself" in page and 'href="/people/"' in page
    assert "Ask an administrator" not in page


def test_feed_links_section(rf: RequestFactory, feed_group, hidden, kate, member_user):
    request = rf.get("/groups/TMAG/")
    request.user = member_user
    html = render_to_string("meetings/_feed_links.html", {"group": feed_group}, request=request)
    assert "http://testserver/meetings/feeds/groups/TMAG.ics" in html
    assert "webcal://testserver/meetings/feeds/groups/TMAG.ics" in html
    assert "http://testserver/meetings/feeds/programme.ics" in html
    assert 'for="feed-url-tmag"' in html and 'id="feed-url-tmag"' in html
    hidden_html = render_to_string("meetings/_feed_links.html", {"group": hidden}, request=request)
    assert "your personal feed" in hidden_html
    kate.user = member_user
    own = render_to_string("meetings/_feed_links.html", {"person": kate}, request=request)
    assert "/meetings/feeds/mine/" in own
