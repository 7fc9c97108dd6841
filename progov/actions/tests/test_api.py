"""`/api/v1/actions`: the log's reads and filters, raising with a generated ref, and the
versioned writes (428/412) of corrections, updates and closures."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from progov.actions import services
from progov.actions.models import Action, ActionStatus
from progov.core.testing.api import api_call, bearer, check_versioned_write
from progov.core.testing.clock import under_way_today
from progov.core.testing.factories import GroupFactory
from progov.core.testing.queries import assert_constant_queries
from progov.meetings.models import Meeting

pytestmark = pytest.mark.django_db


def call(*args: Any, **kwargs: Any) -> Any:
    """`api_call`, its answer typed loosely (tests read `.json()`)."""
    return api_call(*args, **kwargs)


def versioned(*args: Any, **kwargs: Any) -> Any:
    return check_versioned_write(*args, **kwargs)


def test_post_raises_an_action_and_answers_its_generated_ref(client, log_world, pmo_user):
    w = log_world
    body = {
        "group": "PSG",
        "meeting_id": w["psg24"].pk,
        "description": "Diarise M9",
        "owner": "Programme (Fraser Mathieson)",
        "due": "2099-09-30",
    }
    for expected in ("PSG24-01", "PSG24-02", "PSG24-03"):
        response = call(client, "POST", "/api/v1/actions", body, user=pmo_user)
        assert response.status_code == 201, response.content
        assert response.json()["ref"] == expected
    answer = response.json()
    assert answer["owner"]["text"] == "Programme (Fraser Mathieson)"
    assert answer["owner"]["people"] == ["Fraser Mathieson"]
    assert answer["meeting"] == {"id": w["psg24"].pk, "group": "PSG", "number": "24"}
    assert answer["status"] == "open" and answer["overdue"] is False
    assert response.headers["ETag"] == '"1"'


def test_post_refuses_bad_input_with_field_errors(client, log_world, pmo_user):
    bad = call(
        client,
        "POST",
        "/api/v1/actions",
        {"group": "NOPE", "description": "x", "owner": "y", "due": "2023-02-30"},
        user=pmo_user,
    )
    assert bad.status_code == 422
    no_due = call(
        client,
        "POST",
        "/api/v1/actions",
        {"group": "PSG", "description": "x", "owner": "y"},
        user=pmo_user,
    )
    assert no_due.status_code == 422
    assert "due_on" in no_due.json()["errors"]
    anonymous = call(
        client,
        "POST",
        "/api/v1/actions",
        {"group": "PSG", "description": "x", "owner": "y", "due_text": "soon"},
    )
    assert anonymous.status_code == 401


def test_the_log_filters_by_group_status_owner_and_overdue(client, log_world, pmo_user):
    w = log_world
    late = services.raise_action(
        actor=pmo_user,
        group=w["psg"],
        meeting=w["psg23"],
        description="Late one",
        owner="Example Energy",
        due_on=date(2023, 8, 30),
    )
    services.raise_action(
        actor=pmo_user,
        group=w["dag"],
        meeting=w["dag101"],
        description="Future one",
        owner="Ofgem",
        due_on=date(2099, 1, 1),
    )
    everything = call(client, "GET", "/api/v1/actions").json()
    assert everything["count"] == 2
    psg = call(client, "GET", "/api/v1/actions", {"group": "PSG"}).json()
    assert [a["ref"] for a in psg["items"]] == ["PSG23-01"]
    overdue = call(client, "GET", "/api/v1/actions", {"overdue": "true"}).json()
    assert [a["ref"] for a in overdue["items"]] == [late.ref]
    assert overdue["items"][0]["overdue"] is True
    by_owner = call(client, "GET", "/api/v1/actions", {"owner": "Example"}).json()
    assert [a["ref"] for a in by_owner["items"]] == [late.ref]
    by_status = call(client, "GET", "/api/v1/actions", {"status": "closed"}).json()
    assert by_status["count"] == 0
    bad = call(client, "GET", "/api/v1/actions", {"status": "nonsense"})
    assert bad.status_code == 422
    mine = call(client, "GET", "/api/v1/actions", {"mine": "true"}, user=w["rep_login"]).json()
    assert [a["ref"] for a in mine["items"]] == [late.ref]


def test_one_action_by_ref_and_a_hidden_group_s_answer_404(client, log_world, pmo_user, programme):
    w = log_world
    action = services.raise_action(
        actor=pmo_user,
        group=w["psg"],
        meeting=w["psg24"],
        description="x",
        owner="Ofgem",
        due_text="At CP2",
    )
    one = call(client, "GET", f"/api/v1/actions/{action.ref.lower()}")
    assert one.status_code == 200 and one.json()["due_text"] == "At CP2"
    assert one.headers["ETag"] == '"1"'
    hidden = GroupFactory(programme=programme, acronym="HID", visibility="group")
    secret = services.raise_action(
        actor=pmo_user, group=hidden, description="secret", owner="Ofgem", due_text="soon"
    )
    assert call(client, "GET", f"/api/v1/actions/{secret.ref}").status_code == 404
    assert call(client, "GET", "/api/v1/actions/NOPE99-01").status_code == 404


def test_patch_is_versioned_and_keeps_the_ref(client, log_world, pmo_user):
    w = log_world
    action = services.raise_action(
        actor=pmo_user,
        group=w["psg"],
        meeting=w["psg24"],
        description="x",
        owner="Ofgem",
        due_text="At CP2",
    )
    response = versioned(
        client,
        "PATCH",
        f"/api/v1/actions/{action.ref}",
        {"description": "Corrected", "owner": "Example Energy"},
        obj=action,
        user=pmo_user,
    )
    assert response.json()["ref"] == action.ref
    assert response.json()["owner"]["organisations"] == ["Example Energy"]


def test_the_owner_posts_updates_and_the_chair_confirms_closure(client, log_world, pmo_user):
    w = log_world
    action = services.raise_action(
        actor=pmo_user,
        group=w["psg"],
        meeting=w["psg23"],
        description="x",
        owner="Example Energy",
        due_text="soon",
    )
    url = f"/api/v1/actions/{action.ref}"
    versioned(
        client,
        "POST",
        f"{url}/updates",
        {"text": "Done", "status": "recommend_closed"},
        obj=action,
        user=w["rep_login"],
    )
    action.refresh_from_db()
    stranger = call(
        client,
        "POST",
        f"{url}/updates",
        {"text": "me too"},
        user=w["stranger_login"],
        if_match=action.version,
    )
    assert stranger.status_code == 403
    assert "Only its owner" in stranger.json()["detail"]
    by_owner = call(
        client,
        "POST",
        f"{url}/closure",
        {"meeting_id": w["psg24"].pk},
        user=w["rep_login"],
        if_match=action.version,
    )
    assert by_owner.status_code == 403
    # The recommendation was posted today: PSG #24 (2023) was before it, so a meeting
    # under way now confirms it.
    early = call(
        client,
        "POST",
        f"{url}/closure",
        {"meeting_id": w["psg24"].pk},
        user=w["chair_login"],
        if_match=action.version,
    )
    assert early.status_code == 422 and "a later meeting" in early.json()["detail"]
    start, end = under_way_today()
    psg25 = Meeting.objects.create(
        group=w["psg"],
        number_major=25,
        start=start,
        end=end,
        status="confirmed",
    )
    closed = versioned(
        client,
        "POST",
        f"{url}/closure",
        {"meeting_id": psg25.pk},
        obj=action,
        user=w["chair_login"],
    )
    assert closed.json()["status"] == "closed"
    assert closed.json()["closed_at"]["number"] == "25"
    journal = call(client, "GET", f"{url}/updates").json()
    assert [e["status"] for e in journal] == ["recommend_closed", "closed"]
    assert journal[0]["author"] == "Rita Rep"


def test_a_closure_at_the_meeting_it_was_raised_at_is_refused(client, log_world, pmo_user):
    w = log_world
    action = services.raise_action(
        actor=pmo_user,
        group=w["psg"],
        meeting=w["psg24"],
        description="x",
        owner="Ofgem",
        due_text="soon",
    )
    action = services.post_action_update(
        actor=pmo_user,
        action=action,
        expected_version=action.version,
        text="Done",
        status=ActionStatus.RECOMMEND_CLOSED,
    )
    refused = call(
        client,
        "POST",
        f"/api/v1/actions/{action.ref}/closure",
        {"meeting_id": w["psg24"].pk},
        user=pmo_user,
        if_match=action.version,
    )
    assert refused.status_code == 422
    assert "a later meeting" in refused.json()["errors"]["meeting"][0]
    assert Action.objects.get(pk=action.pk).status == ActionStatus.RECOMMEND_CLOSED


def test_the_log_costs_the_same_queries_however_long(client, log_world, pmo_user):
    w = log_world

    def more(n: int) -> None:
        for i in range(n):
            services.raise_action(
                actor=pmo_user,
                group=w["psg"],
                meeting=w["psg24"],
                description=f"a{i}",
                owner="Programme (Fraser Mathieson) and EE",
                due_text="soon",
            )

    more(2)
    assert_constant_queries(lambda: call(client, "GET", "/api/v1/actions"), grow=lambda: more(10))


def test_export_and_import_round_trip_through_the_api(client, log_world, pmo_user):
    w = log_world
    services.record_action(
        actor=pmo_user,
        group=w["psg"],
        ref="PSG23-01",
        description="=1+1",
        owner="Ofgem",
        due_on=date(2023, 9, 6),
        status="recommend_closed",
        latest_update="RECOMMEND CLOSED: booked",
    )
    csv_export = call(client, "GET", "/api/v1/actions/export", {"format": "csv"})
    assert csv_export.status_code == 200
    assert csv_export["Content-Type"].startswith("text/csv")
    assert b"'=1+1" in csv_export.content
    xlsx_export = call(client, "GET", "/api/v1/actions/export", {"group": "PSG"})
    assert xlsx_export.content[:2] == b"PK"
    assert 'filename="mhhs-actions-PSG.xlsx"' in xlsx_export["Content-Disposition"]
    Action.objects.all().delete()
    upload = {"file": SimpleUploadedFile("log.xlsx", xlsx_export.content)}
    dry = client.post("/api/v1/actions/import", upload, **bearer(pmo_user))
    assert dry.status_code == 200, dry.content
    body = dry.json()
    assert body["dry_run"] is True and body["created"] == [] and body["problems"] == []
    assert (
        body["preview"][0]["ref"] == "PSG23-01"
        and body["preview"][0]["status"] == "recommend_closed"
    )
    assert not Action.objects.exists()
    upload = {"file": SimpleUploadedFile("log.xlsx", xlsx_export.content)}
    done = client.post("/api/v1/actions/import?dry_run=false", upload, **bearer(pmo_user))
    assert done.status_code == 200 and done.json()["created"] == ["PSG23-01"]
    assert Action.objects.get(ref="PSG23-01").description == "=1+1"
    upload = {"file": SimpleUploadedFile("log.xlsx", xlsx_export.content)}
    again = client.post("/api/v1/actions/import?dry_run=false", upload, **bearer(pmo_user))
    assert again.status_code == 422
    assert again.json()["problems"][0]["column"] == "Ref"


def test_import_refuses_a_hostile_file_and_a_caller_who_keeps_no_log(client, log_world, pmo_user):
    w = log_world
    upload = {"file": SimpleUploadedFile("bomb.xlsx", b"PK\x03\x04 broken")}
    refused = client.post("/api/v1/actions/import", upload, **bearer(pmo_user))
    assert refused.status_code == 422 and "damaged" in refused.json()["errors"]["file"][0]
    missing = client.post("/api/v1/actions/import", {}, **bearer(pmo_user))
    assert missing.status_code == 422
    upload = {"file": SimpleUploadedFile("log.csv", b"Ref,Action,Owner\nPSG01-01,x,y\n")}
    assert (
        client.post("/api/v1/actions/import", upload, **bearer(w["rep_login"])).status_code == 403
    )
    upload = {"file": SimpleUploadedFile("log.csv", b"Ref,Action,Owner\nPSG01-01,x,y\n")}
    assert client.post("/api/v1/actions/import", upload).status_code == 401
