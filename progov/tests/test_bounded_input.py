"""Bounded input (issue: hardening): each request that answered 500 from outside now
answers 4xx with a message and changes nothing, on SQLite and on PostgreSQL.

One test per line of what was found, through the API as a client sends it; the
services and the pack refuse the same values with the same message (test_bounds in
core covers the checks themselves).
"""

from __future__ import annotations

import json
from datetime import UTC, time, timedelta
from typing import Any

import pytest
from django.test import Client

from progov.core.bounds import LIMIT_MAX, MAX_ID
from progov.core.errors import ValidationError
from progov.core.testing.api import api_call, bearer
from progov.core.testing.audit import nothing_written
from progov.core.testing.factories import (
    GroupFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    ProgrammeFactory,
    UserFactory,
)
from progov.governance import services as governance_services
from progov.governance.models import GovernanceGroup, Organisation, Person
from progov.meetings.models import Meeting

pytestmark = pytest.mark.django_db

TOO_BIG = "9223372036854775808"  # 2**63: one more than a 64-bit integer holds


@pytest.fixture
def setting(client: Client) -> dict:
    programme = ProgrammeFactory(slug="mhhs")
    psg = GroupFactory(programme=programme, acronym="PSG", level=2)
    pmo = UserFactory(username="pmo", role="secretariat")
    bearer(pmo, client)  # the token is issued (and audited) before any test's request
    return {
        "programme": programme,
        "psg": psg,
        "pmo": pmo,
        "organisation": OrganisationFactory(programme=programme, name="Octopus Energy"),
        "person": PersonFactory(programme=programme, name="Jo Bloggs"),
        "meeting": MeetingFactory(group=psg),
    }


def _as_pmo(
    client: Client, setting: dict, method: str, url: str, body: Any, *, versioned: Any = None
) -> Any:
    """`method url` with a JSON body as the programme secretariat, with `If-Match` of the
    `versioned` object's version when given."""
    if_match = None if versioned is None else versioned.version
    return api_call(client, method, url, body, user=setting["pmo"], if_match=if_match)


def _body(response: Any) -> Any:
    return json.loads(response.content)


def _detail(response: Any) -> str:
    body = _body(response)
    assert set(body) >= {"detail", "errors"}, body
    return str(body["detail"])


# --- limit and offset ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["constituencies", "organisations", "people", "groups", "audit", "meetings"]
)
@pytest.mark.parametrize(
    "query", [f"limit={TOO_BIG}", f"offset={TOO_BIG}", "limit=0", "limit=1001"]
)
def test_a_limit_or_offset_out_of_bounds_answers_422(client: Client, setting, path, query):
    response = client.get(f"/api/v1/{path}?{query}")
    assert response.status_code == 422, response.content
    assert "limit" in _detail(response) or "offset" in _detail(response)


def test_the_largest_limit_is_accepted(client: Client, setting):
    assert client.get(f"/api/v1/people?limit={LIMIT_MAX}").status_code == 200


def test_an_integer_filter_out_of_range_answers_422(client: Client, setting):
    response = client.get(f"/api/v1/groups?level={TOO_BIG}")
    assert response.status_code == 422
    assert "level" in _body(response)["errors"]


# --- schedule times ------------------------------------------------------------------


@pytest.mark.parametrize(
    "times", [{"start_time": "10:00:00+01:00", "end_time": "11:00:00"}, {"end_time": "11:00:00Z"}]
)
def test_a_schedule_time_with_an_offset_is_refused_on_create(client: Client, setting, times):
    body = {
        "acronym": "NEWG",
        "name": "New group",
        "schedule": {"rrule": "FREQ=MONTHLY;BYDAY=1WE", "start_time": "10:00:00", **times},
    }
    with nothing_written():
        response = _as_pmo(client, setting, "POST", "/api/v1/groups", body)
    assert response.status_code == 422, response.content
    assert "without an offset" in _detail(response)
    assert not GovernanceGroup.objects.filter(acronym="NEWG").exists()


def test_a_schedule_time_with_an_offset_is_refused_on_patch(client: Client, setting):
    psg = setting["psg"]
    body = {"schedule": {"start_time": "10:00:00+01:00", "end_time": "11:00:00Z"}}
    with nothing_written():
        response = _as_pmo(client, setting, "PATCH", "/api/v1/groups/PSG", body, versioned=psg)
    assert response.status_code == 422
    errors = _body(response)["errors"]
    assert any("without an offset" in m for ms in errors.values() for m in ms), errors


def test_the_service_refuses_an_aware_schedule_time_too(setting):
    with pytest.raises(ValidationError) as caught:
        governance_services.create_group(
            actor=setting["pmo"],
            programme=setting["programme"],
            name="Timed",
            acronym="TIMG",
            schedule_rrule="FREQ=WEEKLY",
            schedule_start_time=time(10, tzinfo=UTC),
            schedule_end_time=time(11),
        )
    assert "without an offset" in caught.value.field_errors["schedule_start_time"][0]


# --- NUL characters ------------------------------------------------------------------


def test_a_nul_in_a_text_field_answers_422(client: Client, setting):
    with nothing_written():
        response = _as_pmo(client, setting, "POST", "/api/v1/organisations", {"name": "a\u0000b"})
    assert response.status_code == 422
    assert _body(response)["errors"]["name"] == ["Remove the NUL character (U+0000) at position 2."]
    assert not Organisation.objects.filter(name__startswith="a").exists()


def test_a_nul_in_a_list_of_objectives_answers_422(client: Client, setting):
    psg = setting["psg"]
    response = _as_pmo(
        client,
        setting,
        "PATCH",
        "/api/v1/groups/PSG",
        {"objectives": ["fine", "not\u0000fine"]},
        versioned=psg,
    )
    assert response.status_code == 422


def test_a_nul_in_a_query_parameter_answers_422(client: Client, setting):
    response = client.get("/api/v1/people?q=a%00b")
    assert response.status_code == 422
    assert _body(response)["errors"] == {
        "q": ["Remove the NUL character (%00): no value can hold it."]
    }


def test_a_nul_in_an_api_path_answers_json_404(client: Client, setting):
    response = client.get("/api/v1/groups/PS%00G")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "NUL" in _detail(response)


def test_a_nul_in_a_page_query_answers_a_400_page(client: Client, setting):
    response = client.get("/search/?q=a%00b")
    assert response.status_code == 400
    assert b"NUL character" in response.content


def test_other_control_characters_are_refused_in_one_line_text_only(client: Client, setting):
    pmo = setting["pmo"]
    bell = api_call(client, "POST", "/api/v1/organisations", {"name": "a\u0007b"}, user=pmo)
    assert bell.status_code == 422
    assert "U+0007" in _body(bell)["errors"]["name"][0]
    newline = api_call(client, "POST", "/api/v1/organisations", {"name": "a\nb"}, user=pmo)
    assert newline.status_code == 422
    assert "line break" in _body(newline)["errors"]["name"][0]
    # Multi-line text keeps its line breaks and tabs.
    psg = setting["psg"]
    prose = api_call(
        client,
        "PATCH",
        "/api/v1/groups/PSG",
        {"purpose": "Line one\n\tLine two\r\n"},
        user=pmo,
        if_match=psg.version,
    )
    assert prose.status_code == 200, prose.content


# --- over-long text ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "limit"),
    [
        ("email", "a" * 300 + "@example.org", 254),
        ("job_title", "x" * 5000, 200),
        ("name", "n" * 201, 200),
    ],
)
def test_text_longer_than_its_column_answers_422(client: Client, setting, field, value, limit):
    body = {"name": "Someone", field: value}
    with nothing_written():
        response = _as_pmo(client, setting, "POST", "/api/v1/people", body)
    assert response.status_code == 422, response.content
    assert _body(response)["errors"][field] == [
        f"At most {limit:,} characters (this has {len(value):,})."
    ]


def test_an_over_long_website_answers_422(client: Client, setting):
    organisation = setting["organisation"]
    response = _as_pmo(
        client,
        setting,
        "PATCH",
        f"/api/v1/organisations/{organisation.pk}",
        {"website": "https://example.org/" + "a" * 5000},
        versioned=organisation,
    )
    assert response.status_code == 422
    assert _body(response)["errors"]["website"][0].startswith("At most 200 characters")


def test_the_service_refuses_over_long_text_whatever_calls_it(setting):
    """A pack, a form and an import write through the same service."""
    with pytest.raises(ValidationError) as caught:
        governance_services.create_person(
            actor=setting["pmo"], programme=setting["programme"], name="X", job_title="x" * 5000
        )
    assert caught.value.field_errors["job_title"] == ["At most 200 characters (this has 5,000)."]
    assert not Person.objects.filter(name="X").exists()


# --- links and e-mails -----------------------------------------------------------------


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "data:text/html,hi", "ftp://example.org/x"]
)
def test_a_website_that_is_not_http_is_refused(client: Client, setting, link):
    response = _as_pmo(
        client, setting, "POST", "/api/v1/organisations", {"name": "Linked", "website": link}
    )
    assert response.status_code == 422
    assert _body(response)["errors"]["website"] == [
        "Enter a web address starting with https:// or http://, e.g. https://example.org."
    ]
    assert not Organisation.objects.filter(name="Linked").exists()


@pytest.mark.parametrize("field", ["online_link", "recording_link"])
def test_a_meeting_link_that_is_not_http_is_refused(client: Client, setting, field):
    meeting = setting["meeting"]
    with nothing_written():
        response = _as_pmo(
            client,
            setting,
            "PATCH",
            f"/api/v1/meetings/{meeting.pk}",
            {field: "javascript:alert(1)"},
            versioned=meeting,
        )
    assert response.status_code == 422
    meeting.refresh_from_db()
    assert getattr(meeting, field) == ""


def test_marking_held_with_a_javascript_recording_link_is_refused(client: Client, setting):
    meeting = setting["meeting"]
    response = _as_pmo(
        client,
        setting,
        "POST",
        f"/api/v1/meetings/{meeting.pk}/held",
        {"recording_link": "javascript:alert(1)"},
        versioned=meeting,
    )
    assert response.status_code == 422
    assert Meeting.objects.get(pk=meeting.pk).status != "held"


def test_a_https_link_is_accepted(client: Client, setting):
    meeting = setting["meeting"]
    response = _as_pmo(
        client,
        setting,
        "PATCH",
        f"/api/v1/meetings/{meeting.pk}",
        {"online_link": "https://teams.example.org/meet/123"},
        versioned=meeting,
    )
    assert response.status_code == 200, response.content


def test_an_email_that_is_not_one_is_refused(client: Client, setting):
    response = _as_pmo(
        client, setting, "POST", "/api/v1/people", {"name": "Jo", "email": "not-an-address"}
    )
    assert response.status_code == 422
    assert _body(response)["errors"]["email"] == [
        "Enter a valid e-mail address, e.g. jo.bloggs@example.org."
    ]


# --- ids, booleans and dates -------------------------------------------------------------


def test_a_non_integer_id_answers_json_not_html(client: Client, setting):
    # Routes typed in the path (`{int:meeting_id}`) do not match at all: the API's
    # fallback answers a JSON 404; untyped ones validate the id: a JSON 422.
    for url in ("/api/v1/meetings/abc", "/api/v1/meetings/abc/agenda", "/api/v1/nowhere"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/json"), url
        assert "ids are positive whole numbers" in _detail(response)
    response = client.get("/api/v1/people/abc")
    assert response.status_code == 422
    assert "person_id" in _body(response)["errors"]


@pytest.mark.parametrize("pk", [TOO_BIG, "0", str(10**30)])
def test_an_id_out_of_range_answers_422(client: Client, setting, pk):
    for url in (f"/api/v1/meetings/{pk}", f"/api/v1/people/{pk}", f"/api/v1/organisations/{pk}"):
        response = client.get(url)
        assert response.status_code == 422, (url, response.content)


def test_the_largest_id_is_simply_not_found(client: Client, setting):
    assert client.get(f"/api/v1/people/{MAX_ID}").status_code == 404


@pytest.mark.parametrize("value", [False, True, "3", 1.5])
def test_an_id_field_refuses_another_type(client: Client, setting, value):
    body = {"name": "Typed", "organisation_id": value}
    with nothing_written():
        response = _as_pmo(client, setting, "POST", "/api/v1/people", body)
    assert response.status_code == 422, response.content
    assert "organisation_id" in _body(response)["errors"]


def test_a_boolean_field_refuses_a_number(client: Client, setting):
    meeting = setting["meeting"]
    amendment_answer = _as_pmo(
        client,
        setting,
        "POST",
        f"/api/v1/meetings/{meeting.pk}/agenda",
        {"title": "An item", "duration_minutes": True},
    )
    assert amendment_answer.status_code == 422
    assert "duration_minutes" in _body(amendment_answer)["errors"]


@pytest.mark.parametrize("until", [0, "1800-01-01", "2101-01-01", "20230101"])
def test_a_date_out_of_bounds_or_not_text_answers_422(client: Client, setting, until):
    response = _as_pmo(client, setting, "POST", "/api/v1/meetings/generate/PSG", {"until": until})
    assert response.status_code == 422, response.content


def test_a_move_without_an_offset_answers_422(client: Client, setting):
    meeting = setting["meeting"]
    start = (meeting.start + timedelta(days=7)).astimezone(UTC).replace(tzinfo=None)
    response = _as_pmo(
        client,
        setting,
        "POST",
        f"/api/v1/meetings/{meeting.pk}/move",
        {"start": start.isoformat(), "end": (start + timedelta(hours=2)).isoformat()},
        versioned=meeting,
    )
    assert response.status_code == 422
    assert "UTC offset" in _detail(response)


@pytest.mark.parametrize("header", ['"²"', '"3x"', '"' + "9" * 40 + '"'])
def test_a_malformed_if_match_answers_428_not_500(client: Client, setting, header):
    meeting = setting["meeting"]
    response = api_call(
        client,
        "PATCH",
        f"/api/v1/meetings/{meeting.pk}",
        {"title": "x"},
        user=setting["pmo"],
        if_match=header,
    )
    assert response.status_code == 428


# --- the document says so --------------------------------------------------------------


def _document(client: Client) -> dict:
    return json.loads(client.get("/api/v1/openapi.json").content)


def test_the_document_declares_the_bounds(client: Client, setting):
    doc = _document(client)
    people = doc["paths"]["/api/v1/people"]["get"]["parameters"]
    limit = next(p for p in people if p["name"] == "limit")["schema"]
    assert (limit["minimum"], limit["maximum"]) == (1, LIMIT_MAX)
    person_in = doc["components"]["schemas"]["PersonIn"]["properties"]
    assert person_in["job_title"]["maxLength"] == 200
    assert {"format": "email"} in person_in["email"]["anyOf"]
    assert "pattern" in person_in["name"]
    organisation_id = person_in["organisation_id"]["anyOf"][0]
    assert organisation_id["maximum"] == MAX_ID
    meeting_path = doc["paths"]["/api/v1/meetings/{meeting_id}"]["get"]["parameters"][0]["schema"]
    assert meeting_path["minimum"] == 1
    group_in = doc["components"]["schemas"]["ScheduleIn"]["properties"]["start_time"]["anyOf"][0]
    assert "without an offset" in group_in["description"]


def test_the_document_declares_anonymous_reads_and_signed_in_writes(client: Client, setting):
    doc = _document(client)
    assert {} in doc["paths"]["/api/v1/groups"]["get"]["security"]
    assert {} not in doc["paths"]["/api/v1/groups"]["post"]["security"]
    assert {} not in doc["paths"]["/api/v1/meetings/feed-tokens"]["get"]["security"]


def test_every_versioned_write_documents_its_if_match(client: Client, setting):
    doc = _document(client)
    patch = doc["paths"]["/api/v1/meetings/{meeting_id}"]["patch"]["parameters"]
    if_match = next(p for p in patch if p["name"] == "If-Match")
    assert if_match["in"] == "header" and if_match["required"] is True
    # The move body is documented with offsets:
    move = doc["components"]["schemas"]["MeetingMoveIn"]["properties"]["start"]
    assert move["format"] == "date-time" and "offset" in move["description"]


@pytest.mark.parametrize("body", ['"AAA"', "[1]", "5", "null"])
def test_a_body_that_is_not_a_json_object_is_refused(client: Client, setting, body):
    """ninja's Schema read attributes off any value: `"AAA"` was an item titled "Aaa"."""
    meeting = setting["meeting"]
    with nothing_written():
        response = client.post(
            f"/api/v1/meetings/{meeting.pk}/agenda",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=bearer(setting["pmo"], client)["HTTP_AUTHORIZATION"],
        )
    assert response.status_code == 422
