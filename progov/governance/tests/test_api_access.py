"""The governance endpoints through the test kit's checks (core/testing), on the access
matrix's world (core/testing/world.py)."""

from __future__ import annotations

import pytest

from progov.core.testing.api import (
    api_call,
    check_read_access,
    check_versioned_write,
    check_write_access,
)
from progov.core.testing.factories import GroupFactory
from progov.core.testing.queries import assert_constant_queries
from progov.core.testing.world import World, build_world


@pytest.fixture
def world(db, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()


def test_a_group_classified_group_is_read_by_its_members_and_the_staff(client, world):
    u = world.users
    check_read_access(
        client,
        "/api/v1/groups/HIDG",
        allowed=[u["pmo"], u["admin"]],
        hidden=[u["anonymous"], u["public"], u["observer"], u["rep"], u["chair"]],
    )
    check_read_access(
        client,
        "/api/v1/groups/SECG/members",
        allowed=[u["observer"], u["rep"], u["pmo"]],
        hidden=[u["anonymous"], u["public"]],
    )


def test_only_the_staff_change_a_group(client, world):
    u = world.users
    psg, hid = world.groups["psg"], world.groups["hid"]
    check_write_access(
        client,
        "PATCH",
        "/api/v1/groups/PSG",
        {"purpose": "Steer the programme"},
        version=psg.version,
        permitted=[u["pmo"], u["admin"]],
        # PSG's own chair runs its meetings, but the group itself is the secretariat's.
        forbidden=[u["chair"], u["rep"], u["observer"], u["public"]],
    )
    check_write_access(
        client,
        "PATCH",
        "/api/v1/groups/HIDG",
        {"purpose": "x"},
        version=hid.version,
        permitted=[u["pmo"]],
        hidden=[u["chair"]],
    )


def test_changing_a_group_is_a_versioned_audited_write(client, world):
    check_versioned_write(
        client,
        "PATCH",
        "/api/v1/groups/DAG",
        {"purpose": "Approve the design"},
        obj=world.groups["dag"],
        user=world.users["pmo"],
        fields={"purpose"},
    )


def test_changing_a_person_is_audited_and_their_email_is_not_public(client, world):
    rep = world.people["rep"]
    check_versioned_write(
        client,
        "PATCH",
        f"/api/v1/people/{rep.pk}",
        {"job_title": "Settlement lead"},
        obj=rep,
        user=world.users["pmo"],
        fields={"job_title"},
    )
    for who in ("anonymous", "public"):
        body = api_call(client, "GET", f"/api/v1/people/{rep.pk}", user=world.users[who])
        assert body.status_code == 200 and rep.email not in body.content.decode(), who
    signed_in = api_call(client, "GET", f"/api/v1/people/{rep.pk}", user=world.users["observer"])
    assert rep.email in signed_in.content.decode()


def test_group_list_queries_do_not_grow_with_groups(client, world):
    programme, psg = world.programme, world.groups["psg"]
    assert_constant_queries(
        lambda: client.get("/api/v1/groups"),
        grow=lambda: [
            GroupFactory(programme=programme, level=4, parent=psg, visibility=v)
            for v in ("public", "participants", "group", "restricted") * 5
        ],
    )
