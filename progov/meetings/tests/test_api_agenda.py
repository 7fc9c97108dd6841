"""The agenda and forward-look API: computed times, writes with If-Match (428/412),
reorder, carry forward, auth, and hidden meetings answering 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from progov.accounts.services import create_api_token
from progov.core.testing.factories import GroupFactory
from progov.meetings import services
from progov.meetings.models import AgendaItem, Meeting
from progov.meetings.tests.agenda_support import at, tmag9, tmag_standing

pytestmark = pytest.mark.django_db
__all__ = ["tmag9", "tmag_standing"]  # fixtures


def bearer(user) -> dict[str, Any]:
    _, raw = create_api_token(actor=None, username=user.username)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def pmo(pmo_user) -> dict[str, str]:
    return bearer(pmo_user)


def url(meeting: Meeting, rest: str = "") -> str:
    return f"/api/v1/meetings/{meeting.pk}/agenda{rest}"


def test_agenda_has_computed_times_and_no_overrun(client: Client, tmag9):
    response = client.get(url(tmag9))
    assert response.status_code == 200
    body = response.json()
    assert body["label"] == "TMAG #9"
    assert [
        (i["number"], i["title"], i["start"][11:16], i["end"][11:16]) for i in body["items"]
    ] == [
        (1, "Welcome", "10:00", "10:05"),
        (2, "Minutes and actions", "10:05", "10:10"),
        (3, "Programme updates", "10:10", "10:15"),
        (4, "Programme re-plan", "10:15", "10:55"),
        (5, "Working group updates", "10:55", "11:15"),
        (6, "Summary and next steps", "11:15", "11:20"),
    ]
    assert body["items"][0]["start"] == "2022-09-22T10:00:00+01:00"
    assert body["items"][3]["lead"] == {
        "text": "Programme (Kate Goodman)",
        "person": None,
        "organisation": None,
    }
    assert body["items"][3]["type"] == "discussion"
    assert body["total_minutes"] == 80
    assert body["ends_at"] == "2022-09-22T11:20:00+01:00"
    assert body["overruns"] is False and body["overrun_minutes"] == 0
    assert body["spare_minutes"] == 40


def test_add_patch_delete_with_if_match(client: Client, tmag9, pmo):
    created = client.post(
        url(tmag9),
        {"title": "Migration approach", "type": "decision", "duration_minutes": 65},
        content_type="application/json",
        **pmo,
    )
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["number"] == 6 and item["start"][11:16] == "11:15"
    assert created["ETag"] == '"1"'
    agenda = client.get(url(tmag9)).json()
    assert agenda["overruns"] is True and agenda["overrun_minutes"] == 25
    assert "runs 25 minutes over" in agenda["summary"]
    assert agenda["items"][-1]["title"] == "Summary and next steps"

    item_url = url(tmag9, f"/{item['id']}")
    patch = {"duration_minutes": 40}
    missing = client.patch(item_url, patch, content_type="application/json", **pmo)
    assert missing.status_code == 428
    stale = client.patch(
        item_url, patch, content_type="application/json", HTTP_IF_MATCH='"7"', **pmo
    )
    assert stale.status_code == 412
    assert "you sent version 7, it is now version 1" in stale.json()["detail"]
    ok = client.patch(item_url, patch, content_type="application/json", HTTP_IF_MATCH='"1"', **pmo)
    assert ok.status_code == 200 and ok.json()["version"] == 2 and ok["ETag"] == '"2"'
    assert client.get(url(tmag9)).json()["overruns"] is False

    invalid = client.patch(
        item_url,
        {"lead_text": "Chair", "lead_person": 999999},
        content_type="application/json",
        HTTP_IF_MATCH='"2"',
        **pmo,
    )
    assert invalid.status_code == 422 and "lead_person" in invalid.json()["errors"]

    assert client.delete(item_url, **pmo).status_code == 428
    assert client.delete(item_url, HTTP_IF_MATCH='"1"', **pmo).status_code == 412
    assert client.delete(item_url, HTTP_IF_MATCH='"2"', **pmo).status_code == 204
    assert client.get(item_url).status_code == 404


def test_move_and_reorder(client: Client, tmag9, pmo):
    items = client.get(url(tmag9)).json()["items"]
    summary = items[-1]
    moved = client.post(
        url(tmag9, f"/{summary['id']}/move"),
        {"position": 1},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{summary["version"]}"',
        **pmo,
    )
    assert moved.status_code == 200
    assert [i["title"] for i in moved.json()["items"]][:2] == ["Summary and next steps", "Welcome"]
    ids = [i["id"] for i in moved.json()["items"]]
    reordered = client.post(
        url(tmag9, "/reorder"),
        {"items": list(reversed(ids))},
        content_type="application/json",
        **pmo,
    )
    assert reordered.status_code == 200
    assert [i["id"] for i in reordered.json()["items"]] == list(reversed(ids))
    stale = client.post(
        url(tmag9, "/reorder"), {"items": ids[1:]}, content_type="application/json", **pmo
    )
    assert stale.status_code == 412
    assert "The agenda has changed" in stale.json()["detail"]


def test_carry_to_the_next_meeting(client: Client, tmag9, tmag_standing, pmo):
    item = client.get(url(tmag9)).json()["items"][4]
    carried = client.post(
        url(tmag9, f"/{item['id']}/carry"), HTTP_IF_MATCH=f'"{item["version"]}"', **pmo
    )
    assert carried.status_code == 201, carried.content
    body = carried.json()
    tenth = Meeting.objects.get(group=tmag_standing, number_major=10)
    assert body["meeting"] == tenth.pk
    assert body["carried_from"] == {"id": tmag9.pk, "label": "TMAG #9"}
    original = client.get(url(tmag9)).json()["items"][4]
    assert original["not_reached"] is True
    assert original["carried_to"] == [{"id": tenth.pk, "label": "TMAG #10"}]
    again = client.post(
        url(tmag9, f"/{item['id']}/carry"), HTTP_IF_MATCH=f'"{original["version"]}"', **pmo
    )
    assert again.status_code == 422 and "already carried" in again.json()["detail"]


def test_writes_need_the_secretariat(client: Client, tmag9, member_user):
    payload = {"title": "Mine"}
    anonymous = client.post(url(tmag9), payload, content_type="application/json")
    assert anonymous.status_code == 401
    member = client.post(
        url(tmag9), payload, content_type="application/json", **bearer(member_user)
    )
    assert member.status_code == 403
    assert AgendaItem.objects.filter(title="Mine").count() == 0


def test_hidden_meetings_agenda_is_404(client: Client, programme, pmo_user, member_user):
    ecg = GroupFactory(programme=programme, acronym="ECG", visibility="participants")
    meeting = services.create_extraordinary_meeting(
        actor=pmo_user, group=ecg, start=at(2022, 9, 1), end=at(2022, 9, 1, 11)
    )
    assert client.get(url(meeting)).status_code == 404
    assert client.get(url(meeting), **bearer(member_user)).status_code == 200
    assert client.get("/api/v1/meetings/999999/agenda").status_code == 404


def test_forward_look_list_create_patch_schedule(client: Client, tmag_standing, pmo):
    nov = Meeting.objects.get(group=tmag_standing, number_major=11)
    created = client.post(
        "/api/v1/meetings/forward-look",
        {
            "group": "TMAG",
            "target_meeting": nov.pk,
            "title": "Migration approach",
            "lead_text": "Programme (Kate Goodman)",
            "duration_minutes": 30,
        },
        content_type="application/json",
        **pmo,
    )
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["status"] == "planned" and item["target_meeting"]["label"] == "TMAG #11"
    assert created["ETag"] == '"1"'

    listed = client.get("/api/v1/meetings/forward-look?group=TMAG&today=2022-10-01").json()
    assert [m["meeting"]["label"] for m in listed["meetings"]] == [
        "TMAG #10",
        "TMAG #11",
        "TMAG #12",
    ]
    assert [i["title"] for i in listed["meetings"][1]["items"]] == ["Migration approach"]
    assert listed["standing_items"][-1] == "Summary and next steps"

    item_url = f"/api/v1/meetings/forward-look/{item['id']}"
    assert (
        client.patch(item_url, {"duration_minutes": 45}, content_type="application/json", **pmo)
    ).status_code == 428
    patched = client.patch(
        item_url,
        {"duration_minutes": 45},
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
        **pmo,
    )
    assert patched.status_code == 200 and patched.json()["duration_minutes"] == 45
    assert client.post(f"{item_url}/schedule", HTTP_IF_MATCH='"1"', **pmo).status_code == 412
    scheduled = client.post(f"{item_url}/schedule", HTTP_IF_MATCH='"2"', **pmo)
    assert scheduled.status_code == 201
    assert scheduled.json()["forward_look_item"] == item["id"]
    assert scheduled.json()["meeting"] == nov.pk
    assert client.get(item_url).json()["status"] == "scheduled"
    nov_agenda = client.get(url(nov)).json()["items"]
    assert [i["title"] for i in nov_agenda][-2:] == ["Migration approach", "Summary and next steps"]

    other = client.post(
        "/api/v1/meetings/forward-look",
        {"group": "TMAG", "title": "Later"},
        content_type="application/json",
        **pmo,
    ).json()
    gone = client.delete(f"/api/v1/meetings/forward-look/{other['id']}", HTTP_IF_MATCH='"1"', **pmo)
    assert gone.status_code == 204


def test_forward_look_of_an_unknown_group_is_404(client: Client, tmag_standing):
    assert client.get("/api/v1/meetings/forward-look?group=NOPE").status_code == 404
