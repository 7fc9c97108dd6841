"""The governance API: shapes, filters, auth, If-Match (428/412), hidden is 404."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from progov.accounts.services import create_api_token
from progov.audit.models import AuditEntry
from progov.core.testing.factories import (
    ConstituencyFactory,
    GroupFactory,
    MembershipFactory,
    PersonFactory,
)
from progov.governance.models import GovernanceGroup

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:
    _, raw = create_api_token(actor=None, username=user.username)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def dag(programme, psg):
    return GroupFactory(
        programme=programme,
        acronym="DAG",
        name="Design Advisory Group",
        level=3,
        parent=psg,
        schedule_rrule="FREQ=MONTHLY;BYDAY=2WE",
    )


def test_group_detail_shape_and_etag(client: Client, dag):
    response = client.get("/api/v1/groups/DAG")
    assert response.status_code == 200
    body = response.json()
    assert body["acronym"] == "DAG"
    assert body["level"] == 3
    assert body["parent"] == "PSG"
    assert body["schedule"] == {
        "rrule": "FREQ=MONTHLY;BYDAY=2WE",
        "start_time": "10:00:00",
        "end_time": "12:00:00",
        "timezone": "Europe/London",
        "text": "2nd Wednesday of each month, 10:00–12:00",
    }
    assert body["terms_of_reference_version"] is None
    assert body["version"] == 1
    assert response["ETag"] == '"1"'


def test_acronym_lookup_is_case_insensitive(client, dag):
    assert client.get("/api/v1/groups/dag").json()["acronym"] == "DAG"


def test_group_list_paginates_and_filters(client, programme, psg, dag):
    for n in range(5):
        GroupFactory(programme=programme, acronym=f"WG{n}", level=4, parent=dag)
    body = client.get("/api/v1/groups?limit=3").json()
    assert body["count"] == 7
    assert len(body["items"]) == 3
    assert [g["acronym"] for g in body["items"]][:2] == ["PSG", "DAG"]
    level4 = client.get("/api/v1/groups?level=4&limit=100").json()
    assert level4["count"] == 5
    under_dag = client.get("/api/v1/groups?parent=DAG").json()
    assert {g["acronym"] for g in under_dag["items"]} == {f"WG{n}" for n in range(5)}
    assert client.get("/api/v1/groups?q=design").json()["items"][0]["acronym"] == "DAG"


def test_hidden_group_answers_404_like_a_missing_one(client, programme, member_user):
    GroupFactory(programme=programme, acronym="ECG", visibility="participants")
    hidden = client.get("/api/v1/groups/ECG")
    missing = client.get("/api/v1/groups/NOPE")
    assert hidden.status_code == missing.status_code == 404
    assert "ECG" not in [g["acronym"] for g in client.get("/api/v1/groups").json()["items"]]
    client.force_login(member_user)
    assert client.get("/api/v1/groups/ECG").status_code == 200


class TestPatchGroup:
    def test_without_if_match_is_428_and_changes_nothing(self, client, dag, pmo_user):
        before = AuditEntry.objects.count()
        response = client.patch(
            "/api/v1/groups/DAG",
            {"purpose": "changed"},
            content_type="application/json",
            **bearer(pmo_user),
        )
        assert response.status_code == 428
        assert "If-Match" in response.json()["detail"]
        dag.refresh_from_db()
        assert (dag.purpose, dag.version) == ("", 1)
        assert AuditEntry.objects.count() == before + 1  # only the token's creation

    def test_stale_version_is_412_and_changes_nothing(self, client, dag, pmo_user):
        headers = bearer(pmo_user)
        ok = client.patch(
            "/api/v1/groups/DAG",
            {"purpose": "first"},
            content_type="application/json",
            HTTP_IF_MATCH='"1"',
            **headers,
        )
        assert ok.status_code == 200
        assert ok.json()["version"] == 2
        assert ok["ETag"] == '"2"'
        count = AuditEntry.objects.count()
        stale = client.patch(
            "/api/v1/groups/DAG",
            {"purpose": "second"},
            content_type="application/json",
            HTTP_IF_MATCH='"1"',
            **headers,
        )
        assert stale.status_code == 412
        assert "version 1" in stale.json()["detail"]
        dag.refresh_from_db()
        assert (dag.purpose, dag.version) == ("first", 2)
        assert AuditEntry.objects.count() == count

    def test_rule_violation_is_422_with_field_errors(self, client, dag, pmo_user):
        response = client.patch(
            "/api/v1/groups/DAG",
            {"level": 2},
            content_type="application/json",
            HTTP_IF_MATCH="1",
            **bearer(pmo_user),
        )
        assert response.status_code == 422
        assert "level" in response.json()["errors"]

    def test_bad_input_is_422_not_500(self, client, dag, pmo_user):
        response = client.patch(
            "/api/v1/groups/DAG",
            {"level": "seven"},
            content_type="application/json",
            HTTP_IF_MATCH="1",
            **bearer(pmo_user),
        )
        assert response.status_code == 422
        assert response.json()["detail"].startswith("Invalid input")

    def test_schedule_and_parent_by_acronym(self, client, programme, psg, dag, pmo_user):
        GroupFactory(programme=programme, acronym="WG", level=4, parent=psg)
        response = client.patch(
            "/api/v1/groups/WG",
            {
                "parent": "DAG",
                "schedule": {
                    "rrule": "FREQ=MONTHLY;BYDAY=2FR,4FR",
                    "start_time": "10:00",
                    "end_time": "11:30",
                },
            },
            content_type="application/json",
            HTTP_IF_MATCH="1",
            **bearer(pmo_user),
        )
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["parent"] == "DAG"
        assert body["schedule"]["text"] == "2nd and 4th Friday of each month, 10:00–11:30"

    def test_anonymous_is_401_member_is_403(self, client, dag, member_user):
        anon = client.patch(
            "/api/v1/groups/DAG",
            {"purpose": "x"},
            content_type="application/json",
            HTTP_IF_MATCH="1",
        )
        assert anon.status_code == 401
        member = client.patch(
            "/api/v1/groups/DAG",
            {"purpose": "x"},
            content_type="application/json",
            HTTP_IF_MATCH="1",
            **bearer(member_user),
        )
        assert member.status_code == 403
        dag.refresh_from_db()
        assert dag.purpose == ""

    def test_unknown_token_is_401(self, client, dag):
        response = client.get("/api/v1/groups/DAG", HTTP_AUTHORIZATION="Bearer pgv_nonsense")
        assert response.status_code == 401

    def test_session_writes_need_csrf(self, dag, pmo_user):
        csrf_client = Client(enforce_csrf_checks=True)
        csrf_client.force_login(pmo_user)
        response = csrf_client.patch(
            "/api/v1/groups/DAG",
            {"purpose": "x"},
            content_type="application/json",
            HTTP_IF_MATCH="1",
        )
        assert response.status_code == 403
        dag.refresh_from_db()
        assert dag.purpose == ""


def test_create_group_via_api(client, programme, psg, pmo_user):
    response = client.post(
        "/api/v1/groups",
        {
            "acronym": "CCAG",
            "name": "Cross Code Advisory Group",
            "level": 3,
            "parent": "PSG",
            "attendance": "closed",
            "schedule": {
                "rrule": "FREQ=MONTHLY;BYDAY=4WE",
                "start_time": "10:00",
                "end_time": "12:00",
            },
        },
        content_type="application/json",
        **bearer(pmo_user),
    )
    assert response.status_code == 201, response.json()
    assert GovernanceGroup.objects.get(acronym="CCAG").parent == psg
    duplicate = client.post(
        "/api/v1/groups",
        {"acronym": "ccag", "name": "Again"},
        content_type="application/json",
        **bearer(pmo_user),
    )
    assert duplicate.status_code == 422


def test_members_list_current_and_past(client, programme, psg):
    large = ConstituencyFactory(programme=programme, code="large-supplier", name="Large Supplier")
    current = MembershipFactory(
        group=psg,
        person=PersonFactory(programme=programme, name="Ann"),
        constituency=large,
        start_date=date(2022, 1, 1),
    )
    MembershipFactory(
        group=psg,
        person=PersonFactory(programme=programme, name="Bob"),
        constituency=large,
        start_date=date(2021, 1, 1),
        end_date=date(2021, 12, 31),
    )
    body = client.get("/api/v1/groups/PSG/members").json()
    assert [m["person"] for m in body["items"]] == ["Ann"]
    assert body["items"][0]["constituency"] == "large-supplier"
    assert body["items"][0]["id"] == current.pk
    everyone = client.get("/api/v1/groups/PSG/members?include_past=true").json()
    assert everyone["count"] == 2
    in_2021 = client.get("/api/v1/groups/PSG/members?on=2021-06-01").json()
    assert [m["person"] for m in in_2021["items"]] == ["Bob"]


def test_membership_patch_if_match(client, programme, psg, pmo_user):
    m = MembershipFactory(
        group=psg,
        person=PersonFactory(programme=programme),
        constituency=ConstituencyFactory(programme=programme),
    )
    headers = bearer(pmo_user)
    assert (
        client.patch(
            f"/api/v1/memberships/{m.pk}",
            {"end_date": "2023-01-01"},
            content_type="application/json",
            **headers,
        ).status_code
        == 428
    )
    bad = client.patch(
        f"/api/v1/memberships/{m.pk}",
        {"end_date": "2021-01-01"},
        content_type="application/json",
        HTTP_IF_MATCH="1",
        **headers,
    )
    assert bad.status_code == 422
    ok = client.patch(
        f"/api/v1/memberships/{m.pk}",
        {"end_date": "2023-01-01"},
        content_type="application/json",
        HTTP_IF_MATCH="1",
        **headers,
    )
    assert ok.status_code == 200
    assert ok.json()["end_date"] == "2023-01-01"


def test_people_email_only_for_signed_in(client, programme, member_user):
    person = PersonFactory(programme=programme, name="Kate Goodman", email="kate@example.org")
    assert client.get(f"/api/v1/people/{person.pk}").json()["email"] is None
    client.force_login(member_user)
    assert client.get(f"/api/v1/people/{person.pk}").json()["email"] == "kate@example.org"


def test_constituencies_and_organisations(client, programme, pmo_user):
    ConstituencyFactory(programme=programme, code="dno", name="DNO")
    assert client.get("/api/v1/constituencies").json()["items"][0]["code"] == "dno"
    headers = bearer(pmo_user)
    created = client.post(
        "/api/v1/organisations",
        {"name": "Elexon", "market_roles": []},
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201
    bad_role = client.post(
        "/api/v1/organisations",
        {"name": "X", "market_roles": ["nope"]},
        content_type="application/json",
        **headers,
    )
    assert bad_role.status_code == 422
    org_id = created.json()["id"]
    patched = client.patch(
        f"/api/v1/organisations/{org_id}",
        {"short_name": "ELX"},
        content_type="application/json",
        HTTP_IF_MATCH="1",
        **headers,
    )
    assert patched.json()["short_name"] == "ELX"


def test_audit_api_lists_entries_for_an_object(client, dag, pmo_user):
    headers = bearer(pmo_user)
    client.patch(
        "/api/v1/groups/DAG",
        {"purpose": "Design"},
        content_type="application/json",
        HTTP_IF_MATCH="1",
        **headers,
    )
    body = client.get(
        f"/api/v1/audit?object_type=governance.governancegroup&object_id={dag.pk}"
    ).json()
    assert body["count"] == 1
    assert body["items"][0]["changes"] == {"purpose": ["", "Design"]}
    assert body["items"][0]["actor"] == "pmo"
    # login records are for administrators only
    assert client.get("/api/v1/audit?object_type=accounts.apitoken").json()["count"] == 0


def test_openapi_document_is_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/groups/{acronym}" in schema["paths"]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_api_list_query_counts_do_not_grow_with_data(client, programme, psg):
    constituency = ConstituencyFactory(programme=programme)
    for n in range(3):
        GroupFactory(programme=programme, acronym=f"A{n}", level=3, parent=psg)
        MembershipFactory(
            group=psg, person=PersonFactory(programme=programme), constituency=constituency
        )
    small = (_queries(client, "/api/v1/groups"), _queries(client, "/api/v1/groups/PSG/members"))
    for n in range(30):
        GroupFactory(programme=programme, acronym=f"B{n}", level=3, parent=psg)
        MembershipFactory(
            group=psg,
            person=PersonFactory(programme=programme),
            constituency=ConstituencyFactory(programme=programme),
        )
    large = (_queries(client, "/api/v1/groups"), _queries(client, "/api/v1/groups/PSG/members"))
    assert small == large
