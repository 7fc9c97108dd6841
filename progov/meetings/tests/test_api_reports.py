"""`/api/v1/meetings/{id}/headline-report…`: the report (drafts only for the
secretariat), PATCH and publish with If-Match (428/412), amendment requests by any
signed-in user and the secretariat's answers, permissions (401/403), hidden is 404."""

from __future__ import annotations

import pytest

from progov.accounts.services import create_api_token
from progov.core.testing.factories import GroupFactory
from progov.meetings import services
from progov.meetings.selectors.reports import (
    ReportSection,
    ReportSectionItem,
    register_report_section,
    unregister_report_section,
)
from progov.meetings.tests.attendance_world import meeting_of

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:
    return {
        "HTTP_AUTHORIZATION": f"Bearer {create_api_token(actor=None, username=user.username)[1]}"
    }


@pytest.fixture
def meeting(programme):
    return meeting_of(GroupFactory(programme=programme, acronym="PSG"), status="held")


@pytest.fixture
def report(meeting, pmo_user):
    return services.start_headline_report(actor=pmo_user, meeting=meeting)


def url(meeting, tail="") -> str:
    return f"/api/v1/meetings/{meeting.pk}/headline-report{tail}"


def patch(client, meeting, body, headers):
    return client.patch(url(meeting), {"body": body}, content_type="application/json", **headers)


def test_a_draft_is_only_for_the_secretariat(client, meeting, report, pmo_user, member_user):
    assert client.get(url(meeting)).status_code == 404
    assert client.get(url(meeting), **bearer(member_user)).status_code == 404
    response = client.get(url(meeting), **bearer(pmo_user))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "draft" and body["version"] == 1
    assert response["ETag"] == '"1"'
    assert body["body_html"].startswith("<h1>")
    assert body["sections"] == []


def test_no_report_yet_is_404(client, programme, pmo_user):
    planned = meeting_of(GroupFactory(programme=programme))
    response = client.get(url(planned), **bearer(pmo_user))
    assert response.status_code == 404
    assert "no headline report yet" in response.json()["detail"]


def test_patch_needs_if_match_and_the_current_version(client, meeting, report, pmo_user):
    headers = bearer(pmo_user)
    assert patch(client, meeting, "x", headers).status_code == 428
    ok = patch(client, meeting, "## Decisions\n\n* Approved", {**headers, "HTTP_IF_MATCH": '"1"'})
    assert ok.status_code == 200
    assert ok["ETag"] == '"2"'
    assert "<h1>Decisions</h1>" in ok.json()["body_html"]  # levels start at h1
    assert patch(client, meeting, "y", {**headers, "HTTP_IF_MATCH": '"1"'}).status_code == 412


def test_patch_and_publish_permissions(client, meeting, report, member_user):
    assert patch(client, meeting, "x", {"HTTP_IF_MATCH": "1"}).status_code == 401
    assert (
        patch(client, meeting, "x", {**bearer(member_user), "HTTP_IF_MATCH": "1"}).status_code
        == 403
    )
    assert client.post(url(meeting, "/publish"), HTTP_IF_MATCH="1").status_code == 401
    assert (
        client.post(url(meeting, "/publish"), HTTP_IF_MATCH="1", **bearer(member_user)).status_code
        == 403
    )


def test_body_html_is_sanitised(client, meeting, report, pmo_user):
    response = patch(
        client,
        meeting,
        "<script>alert(1)</script> [x](javascript:alert(1))",
        {**bearer(pmo_user), "HTTP_IF_MATCH": "1"},
    )
    html = response.json()["body_html"]
    assert "<script" not in html and 'href="javascript' not in html


def test_publish(client, meeting, report, pmo_user):
    headers = bearer(pmo_user)
    assert client.post(url(meeting, "/publish"), **headers).status_code == 428
    assert client.post(url(meeting, "/publish"), HTTP_IF_MATCH="9", **headers).status_code == 412
    response = client.post(url(meeting, "/publish"), HTTP_IF_MATCH="1", **headers)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "published" and body["published_at"] is not None
    again = client.post(url(meeting, "/publish"), HTTP_IF_MATCH="2", **headers)
    assert again.status_code == 422
    assert client.get(url(meeting)).status_code == 200  # now public


def test_hidden_meeting_is_404(client, programme, pmo_user, member_user):
    group = GroupFactory(programme=programme, visibility="participants")
    hidden = meeting_of(group, status="held")
    report = services.start_headline_report(actor=pmo_user, meeting=hidden)
    services.publish_headline_report(actor=pmo_user, report=report, expected_version=1)
    assert client.get(url(hidden)).status_code == 404
    assert client.get(url(hidden, "/amendments")).status_code == 404
    assert (
        client.post(
            url(hidden, "/amendments"), {"text": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get(url(hidden), **bearer(member_user)).status_code == 200


@pytest.fixture
def published(report, pmo_user):
    return services.publish_headline_report(actor=pmo_user, report=report, expected_version=1)


def test_amendment_requests_by_any_signed_in_user(client, meeting, published, member_user):
    path = url(meeting, "/amendments")
    assert client.post(path, {"text": "x"}, content_type="application/json").status_code == 401
    assert client.get(path).status_code == 401
    created = client.post(
        path,
        {"text": "Record the DNO objection."},
        content_type="application/json",
        **bearer(member_user),
    )
    assert created.status_code == 201
    assert created.json()["status"] == "open" and created["ETag"] == '"1"'
    listed = client.get(path, **bearer(member_user)).json()
    assert listed["count"] == 1 and listed["items"][0]["requester_name"] == "member"
    empty = client.post(path, {"text": " "}, content_type="application/json", **bearer(member_user))
    assert empty.status_code == 422 and "text" in empty.json()["errors"]


def test_amendments_wait_for_publication(client, meeting, report, pmo_user):
    response = client.post(
        url(meeting, "/amendments"),
        {"text": "x"},
        content_type="application/json",
        **bearer(pmo_user),
    )
    assert response.status_code == 422


def test_answering_needs_the_secretariat_and_if_match(
    client, meeting, published, member_user, pmo_user
):
    amendment = services.request_amendment(actor=member_user, report=published, text="Add X")
    path = url(meeting, f"/amendments/{amendment.pk}/answer")
    body = {"response": "Added in the amended report.", "close": True}

    def post(headers):
        return client.post(path, body, content_type="application/json", **headers)

    assert post({"HTTP_IF_MATCH": "1"}).status_code == 401
    assert post({**bearer(member_user), "HTTP_IF_MATCH": "1"}).status_code == 403
    assert post(bearer(pmo_user)).status_code == 428
    assert post({**bearer(pmo_user), "HTTP_IF_MATCH": "5"}).status_code == 412
    ok = post({**bearer(pmo_user), "HTTP_IF_MATCH": "1"})
    assert ok.status_code == 200
    assert ok.json()["status"] == "closed" and ok["ETag"] == '"2"'
    assert post({**bearer(pmo_user), "HTTP_IF_MATCH": "2"}).status_code == 422  # already closed
    missing = client.post(
        url(meeting, "/amendments/999999/answer"),
        body,
        content_type="application/json",
        HTTP_IF_MATCH="1",
        **bearer(pmo_user),
    )
    assert missing.status_code == 404


def test_registered_sections_appear_with_the_report(client, meeting, published, pmo_user):
    @register_report_section(key="decisions", order=10)
    def decisions(m, user):
        return ReportSection(
            "decisions",
            "Decisions",
            [ReportSectionItem("PSG24-D01", "Approved the re-plan", "at 00:42:10")],
        )

    try:
        body = client.get(url(meeting)).json()
        assert body["sections"] == [
            {
                "key": "decisions",
                "title": "Decisions",
                "items": [
                    {
                        "label": "PSG24-D01",
                        "text": "Approved the re-plan",
                        "detail": "at 00:42:10",
                        "url": "",
                    }
                ],
            }
        ]
    finally:
        unregister_report_section("decisions")
