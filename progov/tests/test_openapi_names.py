"""The API contract's component names: every name is one schema class.

ninja merges each operation's schema definitions by class name, so two classes called
`MoveIn` (a meeting's move and an agenda item's move) collapse into one component and
one endpoint is documented with the other's body. These tests walk the classes.
"""

# No `from __future__ import annotations`: the throwaway API's endpoints annotate with
# local classes, which ninja can only see when annotations are evaluated at once.
import json
from datetime import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from ninja import NinjaAPI, Router, Schema

from progov.api import api
from progov.core.openapi import component_classes, name_collisions


def _api_with_two_move_ins() -> NinjaAPI:
    """A throwaway API in which two routers' bodies are both called `MoveIn`."""

    class MoveIn(Schema):
        start: datetime
        end: datetime

    meeting_move = MoveIn

    class MoveIn(Schema):  # type: ignore[no-redef]
        position: int

    item_move = MoveIn

    class Wrapper(Schema):
        moves: list[item_move] | None  # type: ignore[valid-type]

    meetings, agenda = Router(), Router()

    @meetings.post("/move")
    def move_meeting(request, payload: meeting_move) -> None:  # type: ignore[valid-type]
        return None

    @agenda.post("/move", response={200: Wrapper})
    def move_item(request) -> None:
        return None

    throwaway = NinjaAPI(urls_namespace="openapi-names-test")
    throwaway.add_router("/meetings", meetings)
    throwaway.add_router("/agenda", agenda)
    return throwaway


def test_the_walk_finds_a_collision_even_in_a_nested_response_model():
    collisions = name_collisions(_api_with_two_move_ins())
    assert list(collisions) == ["MoveIn"]
    assert len(collisions["MoveIn"]) == 2


def test_every_component_name_of_the_api_is_one_schema_class():
    assert name_collisions(api) == {}


def test_the_walk_sees_every_component_of_the_document():
    document = api.get_openapi_schema()
    assert set(component_classes(api)) == set(document["components"]["schemas"])


def test_meeting_move_documents_the_meetings_own_body():
    document = api.get_openapi_schema()
    body = document["paths"]["/api/v1/meetings/{meeting_id}/move"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"]
    component = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(component["properties"]) == {"start", "end", "note", "non_working_day_reason"}
    assert set(component["required"]) == {"start", "end"}
    item = document["paths"]["/api/v1/meetings/{meeting_id}/agenda/{item_id}/move"]["post"]
    ref = item["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert set(document["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]) == {
        "position"
    }


def test_the_openapi_command_refuses_a_collision(monkeypatch, tmp_path):
    monkeypatch.setattr("progov.api.api", _api_with_two_move_ins())
    path = tmp_path / "openapi.json"
    with pytest.raises(CommandError, match=r"MoveIn: .*MoveIn, .*MoveIn"):
        call_command("openapi", "--path", str(path), stdout=StringIO())
    assert not path.exists()


def test_the_committed_document_has_the_meeting_move_body():
    from progov.project.management.commands.openapi import DEFAULT_PATH

    document = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    move = document["paths"]["/api/v1/meetings/{meeting_id}/move"]["post"]
    assert move["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/MeetingMoveIn"
    )
    assert "MoveIn" not in document["components"]["schemas"]
