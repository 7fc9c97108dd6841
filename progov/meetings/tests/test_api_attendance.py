"""`/api/v1/meetings/{id}/attendance…` and `/coverage`: reads, invitations, recording
with If-Match (428/412), permissions (401/403), hidden is 404, constant query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from progov.accounts.services import create_api_token
from progov.core.testing.factories import PersonFactory
from progov.meetings import services
from progov.meetings.tests.attendance_world import meeting_of, psg_world

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:
    return {
        "HTTP_AUTHORIZATION": f"Bearer {create_api_token(actor=None, username=user.username)[1]}"
    }


@pytest.fixture
def world(programme, psg):
    return psg_world(programme, psg)


@pytest.fixture
def meeting(world, pmo_user):
    m = meeting_of(world.group)
    services.issue_invitations(actor=pmo_user, meeting=m)
    return m


def url(meeting, tail="attendance") -> str:
    return f"/api/v1/meetings/{meeting.pk}/{tail}"


def put(client, meeting, person, body, headers):
    return client.put(
        url(meeting, f"attendance/{person.pk}"), body, content_type="application/json", **headers
    )


def test_register_reads_anonymously_for_a_public_group(client, world, meeting):
    body = client.get(url(meeting)).json()
    assert body["summary"] == "11 invited, not yet recorded"
    first = body["items"][0]
    assert first["person"]["name"] == "Chris Welby" and first["role"] == "chair"
    large = next(i for i in body["items"] if i["person"]["name"] == "Large Supplier Rep")
    assert large["constituency"] == "large-supplier"
    assert large["alternates"] == [
        {
            "id": world.people["large-supplier-alt"].pk,
            "name": world.people["large-supplier-alt"].name,
        }
    ]
    assert large["status"] == "invited" and large["version"] == 1


def test_hidden_group_is_404_for_anonymous(client, world, meeting, member_user):
    world.group.visibility = "participants"
    world.group.save()
    assert client.get(url(meeting)).status_code == 404
    assert client.get(url(meeting, "coverage")).status_code == 404
    assert client.get(url(meeting), **bearer(member_user)).status_code == 200
    assert client.get("/api/v1/meetings/999999/attendance").status_code == 404


def test_invitations_need_the_secretariat(client, world, programme, pmo_user, member_user):
    m = meeting_of(world.group, number=30)
    path = url(m, "attendance/invitations")
    assert client.post(path).status_code == 401
    assert client.post(path, **bearer(member_user)).status_code == 403
    response = client.post(path, **bearer(pmo_user))
    assert response.status_code == 200
    assert response.json()["invited"] == 11
    again = client.post(path, **bearer(pmo_user)).json()
    assert (again["invited"], again["kept"]) == (0, 11)


def test_record_needs_if_match_for_an_existing_line(client, world, meeting, pmo_user):
    chair = world.people["chair"]
    headers = bearer(pmo_user)
    missing = put(client, meeting, chair, {"status": "present"}, headers)
    assert missing.status_code == 428
    ok = put(client, meeting, chair, {"status": "present"}, {**headers, "HTTP_IF_MATCH": '"1"'})
    assert ok.status_code == 200
    assert ok["ETag"] == '"2"' and ok.json()["status"] == "present"
    stale = put(client, meeting, chair, {"status": "apologies"}, {**headers, "HTTP_IF_MATCH": "1"})
    assert stale.status_code == 412
    assert "changed since you read it" in stale.json()["detail"]


def test_record_permissions(client, world, meeting, member_user):
    chair = world.people["chair"]
    assert put(client, meeting, chair, {"status": "present"}, {}).status_code == 401
    assert (
        put(client, meeting, chair, {"status": "present"}, bearer(member_user)).status_code == 403
    )


def test_represented_by_an_alternate(client, world, meeting, pmo_user):
    rep, alt = world.people["large-supplier-rep"], world.people["large-supplier-alt"]
    response = put(
        client,
        meeting,
        rep,
        {"status": "represented", "represented_by": alt.pk},
        {**bearer(pmo_user), "HTTP_IF_MATCH": "1"},
    )
    assert response.status_code == 200
    assert response.json()["represented_by"] == {"id": alt.pk, "name": alt.name}
    items = {i["person"]["name"]: i for i in client.get(url(meeting)).json()["items"]}
    assert items[alt.name]["status"] == "present" and items[alt.name]["role"] == "alternate"
    wrong = put(
        client,
        meeting,
        world.people["dno-rep"],
        {"status": "represented", "represented_by": alt.pk},
        {**bearer(pmo_user), "HTTP_IF_MATCH": "1"},
    )
    assert wrong.status_code == 422
    assert "represented_by" in wrong.json()["errors"]


def test_a_guest_line_is_created_without_if_match(client, world, meeting, pmo_user, programme):
    guest = PersonFactory(programme=programme, name="Gina Guest")
    response = put(client, meeting, guest, {"status": "guest"}, bearer(pmo_user))
    assert response.status_code == 200
    assert response.json()["role_label"] == "Invited guest"
    assert response["ETag"] == '"1"'
    bad = put(
        client, meeting, PersonFactory(programme=programme), {"status": "present"}, bearer(pmo_user)
    )
    assert bad.status_code == 422


def test_unknown_status_is_422(client, world, meeting, pmo_user):
    response = put(
        client,
        meeting,
        world.people["chair"],
        {"status": "asleep"},
        {**bearer(pmo_user), "HTTP_IF_MATCH": "1"},
    )
    assert response.status_code == 422


def test_coverage_and_quorum(client, world, meeting, pmo_user):
    for key in ("chair", "large-supplier-rep", "medium-supplier-rep"):
        services.record_attendance(
            actor=pmo_user, meeting=meeting, person=world.people[key], status="present"
        )
    body = client.get(url(meeting, "coverage")).json()
    assert (body["represented"], body["total"], body["closed"], body["recorded"]) == (
        2,
        7,
        True,
        True,
    )
    assert body["quorum"]["met"] is False
    assert (
        body["quorum"]["reason"]
        == "Quorum not met: 2 of 5 constituencies represented; chair present."
    )
    large = next(c for c in body["constituencies"] if c["code"] == "large-supplier")
    assert large["status"] == "covered" and large["parts"] == [
        {"part": "", "covered": True, "present": ["Large Supplier Rep"]}
    ]
    assert {c["code"] for c in body["others"]} == {"programme", "ipa", "ofgem"}


def _queries(client, meeting) -> tuple[int, int]:
    counts = []
    for tail in ("attendance", "coverage"):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(meeting, tail)).status_code == 200
        counts.append(len(ctx.captured_queries))
    return counts[0], counts[1]


def test_query_counts_do_not_grow_with_members(client, world, meeting, pmo_user):
    before = _queries(client, meeting)
    for i in range(12):
        world.member(f"more-{i}", "representative", "consumer")
        world.member(f"more-alt-{i}", "alternate", "consumer", alternate_for=f"more-{i}")
    services.issue_invitations(actor=pmo_user, meeting=meeting)
    assert _queries(client, meeting) == before
