"""`/api/v1/meetings`: list with deadlines, detail, If-Match writes, hidden is 404."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from progov.accounts.services import create_api_token
from progov.core.testing.factories import GroupFactory
from progov.governance.models import DeadlineRule
from progov.meetings import services
from progov.meetings.models import Meeting

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def generated(programme, tmag, pmo_user):
    DeadlineRule.objects.create(
        programme=programme, key="papers_due", label="Papers", working_days=5, direction="before"
    )
    DeadlineRule.objects.create(
        programme=programme,
        key="headline_report_due",
        label="Headline report",
        working_days=2,
        direction="after",
    )
    DeadlineRule.objects.create(
        programme=programme,
        key="amendments_due",
        label="Amendments",
        working_days=5,
        direction="before",
        anchor="next_meeting",
    )
    services.generate_meetings(
        actor=pmo_user,
        group=tmag,
        until=date(2022, 12, 31),
        now=datetime(2022, 1, 1, tzinfo=LONDON),
    )
    return tmag


def bearer(user) -> dict[str, str]:
    return {
        "HTTP_AUTHORIZATION": f"Bearer {create_api_token(actor=None, username=user.username)[1]}"
    }


def test_list_filters_by_group_and_dates_with_deadlines(client, generated):
    body = client.get("/api/v1/meetings?group=TMAG&start=2022-09-01&end=2022-09-30").json()
    assert body["count"] == 1
    [m] = body["items"]
    assert (m["group"], m["number"], m["status"]) == ("TMAG", "9", "planned")
    assert m["start"] == "2022-09-21T10:00:00+01:00"
    assert m["papers_due"] == "2022-09-13"  # 5 working days before, skipping 19 Sep 2022
    assert m["headline_report_due"] == "2022-09-23"
    assert m["amendments_due"] == "2022-10-12"  # 5 working days before 19 Oct
    assert m["minutes_due"] is None
    assert m["on_non_working_day"] is False
    assert {d["key"] for d in m["deadlines"]} == {
        "papers_due",
        "headline_report_due",
        "amendments_due",
    }


def test_bad_dates_are_422(client, generated):
    assert client.get("/api/v1/meetings?start=2022-02-30").status_code == 422
    response = client.get("/api/v1/meetings?start=2022-10-01&end=2022-09-01")
    assert response.status_code == 422
    assert "end" in response.json()["errors"]


def test_move_needs_if_match_and_deadlines_follow(client, generated, pmo_user):
    ninth = Meeting.objects.get(group=generated, number_major=9)
    url = f"/api/v1/meetings/{ninth.pk}/move"
    payload = {"start": "2022-09-22T10:00:00+01:00", "end": "2022-09-22T12:00:00+01:00"}
    headers = bearer(pmo_user)
    assert client.post(url, payload, content_type="application/json", **headers).status_code == 428
    stale = client.post(
        url,
        payload,
        content_type="application/json",
        HTTP_IF_MATCH=str(ninth.version + 1),
        **headers,
    )
    assert stale.status_code == 412
    ninth.refresh_from_db()
    assert ninth.status == "planned"
    moved = client.post(
        url, payload, content_type="application/json", HTTP_IF_MATCH=str(ninth.version), **headers
    )
    assert moved.status_code == 200, moved.json()
    body = moved.json()
    assert body["status"] == "moved"
    assert body["original_start"] == "2022-09-21T10:00:00+01:00"
    assert body["headline_report_due"] == "2022-09-26"
    assert moved["ETag"] == f'"{body["version"]}"'


def test_cancel_needs_a_reason_and_reinstate_undoes_it(client, generated, pmo_user):
    ninth = Meeting.objects.get(group=generated, number_major=9)
    headers = bearer(pmo_user)

    def post(verb: str, body: dict, version: int):
        return client.post(
            f"/api/v1/meetings/{ninth.pk}/{verb}",
            body,
            content_type="application/json",
            HTTP_IF_MATCH=f'"{version}"',
            **headers,
        )

    refused = post("cancel", {}, ninth.version)
    assert refused.status_code == 422
    assert refused.json()["errors"]["note"] == [
        "Say why the meeting is cancelled: it is shown with the meeting."
    ]
    cancelled = post("cancel", {"note": "Stood down"}, ninth.version)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    back = post("reinstate", {}, cancelled.json()["version"])
    assert back.status_code == 200, back.json()
    assert back.json()["status"] == "planned" and back.json()["papers_due"] is not None
    assert post("reinstate", {}, back.json()["version"]).status_code == 422


def test_a_move_onto_christmas_day_needs_its_reason(client, generated, pmo_user):
    ninth = Meeting.objects.get(group=generated, number_major=9)
    url = f"/api/v1/meetings/{ninth.pk}/move"
    payload = {"start": "2024-12-25T10:00:00+00:00", "end": "2024-12-25T12:00:00+00:00"}
    headers = {**bearer(pmo_user), "HTTP_IF_MATCH": f'"{ninth.version}"'}
    refused = client.post(url, payload, content_type="application/json", **headers)
    assert refused.status_code == 422
    assert refused.json()["errors"]["non_working_day_reason"] == [
        "Wed 25 Dec 2024 is Christmas Day, not a working day: nothing was moved. "
        "To meet then anyway, give the reason."
    ]
    payload["non_working_day_reason"] = "Year-end sign-off"
    moved = client.post(url, payload, content_type="application/json", **headers)
    assert moved.status_code == 200, moved.json()
    assert moved.json()["status_note"] == "Year-end sign-off"


def test_anonymous_writes_are_401(client, generated):
    ninth = Meeting.objects.get(group=generated, number_major=9)
    response = client.post(
        f"/api/v1/meetings/{ninth.pk}/cancel",
        {},
        content_type="application/json",
        HTTP_IF_MATCH=str(ninth.version),
    )
    assert response.status_code == 401


def test_hidden_group_meetings_are_404(client, programme, pmo_user):
    hidden = GroupFactory(programme=programme, acronym="ECG", visibility="participants")
    services.configure_meeting_series(actor=pmo_user, group=hidden, starts_on=date(2022, 1, 1))
    services.generate_meetings(
        actor=pmo_user,
        group=hidden,
        until=date(2022, 2, 28),
        now=datetime(2022, 1, 1, tzinfo=LONDON),
    )
    meeting = Meeting.objects.filter(group=hidden).first()
    assert meeting is not None
    assert client.get(f"/api/v1/meetings/{meeting.pk}").status_code == 404
    assert client.get("/api/v1/meetings/999999").status_code == 404
    assert client.get("/api/v1/meetings?group=ECG").json()["count"] == 0


def test_extraordinary_meeting_via_api(client, generated, pmo_user):
    response = client.post(
        "/api/v1/meetings/extraordinary",
        {
            "group": "TMAG",
            "start": "2022-10-30T10:00:00+00:00",
            "end": "2022-10-30T11:00:00+00:00",
            "title": "M9 decision",
        },
        content_type="application/json",
        **bearer(pmo_user),
    )
    assert response.status_code == 201, response.json()
    assert response.json()["number"] == "10.1"


def test_list_query_count_does_not_grow(client, programme, psg, pmo_user, generated):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/meetings?limit=1000").status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for n in range(5):
        g = GroupFactory(programme=programme, acronym=f"G{n}", level=3, parent=psg)
        services.configure_meeting_series(actor=pmo_user, group=g, starts_on=date(2022, 1, 1))
        services.generate_meetings(
            actor=pmo_user,
            group=g,
            until=date(2023, 12, 31),
            now=datetime(2022, 1, 1, tzinfo=LONDON),
        )
    assert count() == small


def test_detail_carries_agenda_papers_attendance_and_coverage(client, generated):
    ninth = Meeting.objects.get(group=generated, number_major=9)
    body = client.get(f"/api/v1/meetings/{ninth.pk}").json()
    assert body["number"] == "9"
    assert set(body) >= {"agenda", "papers", "attendance", "coverage", "deadlines"}
    assert body["papers"] == []
    assert "quorum" in body["coverage"]
    register = client.get(f"/api/v1/meetings/{ninth.pk}/attendance").json()
    assert body["attendance"]["total"] == len(register["items"])
    assert body["attendance"]["summary"] == register["summary"]
    assert body["attendance"]["url"].endswith(f"/api/v1/meetings/{ninth.pk}/attendance")
    assert body["agenda"]["overruns"] is False
