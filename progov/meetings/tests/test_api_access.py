"""The meetings endpoints through the test kit's checks (core/testing): who reads, who
writes, 428/412 and the audit entry of each versioned write. The world is the access
matrix's (core/testing/world.py): PSG and DAG public, SEC for participants, HIDG for its
members; `chair` chairs PSG, `rep` represents a constituency on PSG."""

from __future__ import annotations

import json

import pytest

from progov.core.testing.api import check_read_access, check_versioned_write, check_write_access
from progov.core.testing.queries import assert_constant_queries
from progov.core.testing.views import check_page_read_access, check_page_write_access
from progov.core.testing.world import World, build_world
from progov.meetings.models import Meeting


@pytest.fixture
def world(db, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()


def _move_body(meeting: Meeting) -> dict[str, str]:
    start = meeting.start.replace(hour=14)
    return {"start": start.isoformat(), "end": start.replace(hour=15).isoformat(), "note": "x"}


def test_rep_reads_psgs_group_papers_and_not_dags(client, world):
    u = world.users
    psg_group, dag_group = world.papers["psg-group"], world.papers["dag-group"]
    check_read_access(
        client,
        f"/api/v1/meetings/{psg_group.meeting_id}/papers/{psg_group.pk}",
        allowed=[u["rep"], u["chair"], u["pmo"], u["admin"]],
        hidden=[u["anonymous"], u["public"], u["observer"]],
    )
    check_read_access(
        client,
        f"/api/v1/meetings/{dag_group.meeting_id}/papers/{dag_group.pk}",
        allowed=[u["pmo"], u["admin"]],
        hidden=[u["anonymous"], u["public"], u["observer"], u["rep"], u["chair"]],
    )


def test_chair_moves_psg_meetings_and_not_dags(client, world):
    u = world.users
    psg, dag, hid = world.meetings["psg-next"], world.meetings["dag"], world.meetings["hid"]
    check_write_access(
        client,
        "POST",
        f"/api/v1/meetings/{psg.pk}/move",
        _move_body(psg),
        version=psg.version,
        permitted=[u["chair"], u["pmo"], u["admin"]],
        forbidden=[u["public"], u["observer"], u["rep"]],
    )
    # DAG is public but not the chair's: refused; HIDG is not even visible to them: 404.
    check_write_access(
        client,
        "POST",
        f"/api/v1/meetings/{dag.pk}/move",
        _move_body(dag),
        version=dag.version,
        forbidden=[u["chair"], u["rep"]],
    )
    check_write_access(
        client,
        "POST",
        f"/api/v1/meetings/{hid.pk}/move",
        _move_body(hid),
        version=hid.version,
        hidden=[u["chair"]],
        forbidden=[u["rep"]],
    )


def test_moving_a_meeting_is_a_versioned_audited_write(client, world):
    meeting = world.meetings["psg-next"]
    response = check_versioned_write(
        client,
        "POST",
        f"/api/v1/meetings/{meeting.pk}/move",
        _move_body(meeting),
        obj=meeting,
        user=world.users["chair"],
        fields={"start", "end", "original_start", "original_end", "status", "status_note"},
    )
    assert json.loads(response.content)["status"] == "moved"


def test_editing_an_agenda_item_is_a_versioned_audited_write(client, world):
    item = world.agenda["psg"]
    check_versioned_write(
        client,
        "PATCH",
        f"/api/v1/meetings/{item.meeting_id}/agenda/{item.pk}",
        {"title": "Programme update"},
        obj=item,
        user=world.users["chair"],
        fields={"title"},
    )


def test_meeting_pages_for_each_caller(client, world):
    u = world.users
    sec = world.meetings["sec"]
    check_page_read_access(
        client,
        f"/meetings/{sec.pk}/",
        allowed=[u["observer"], u["rep"], u["chair"], u["pmo"]],
        hidden=[u["anonymous"], u["public"]],
    )
    psg = world.meetings["psg-next"]
    check_page_write_access(
        client,
        f"/meetings/{psg.pk}/cancel/",
        {"cancel-version": psg.version, "cancel-note": "Stood down", "cancel-confirmed": "on"},
        permitted=[u["chair"], u["pmo"]],
        forbidden=[u["rep"], u["observer"]],
    )


def test_paper_list_queries_do_not_grow_with_papers(client, world):
    from progov.core.testing.factories import PaperFactory

    meeting = world.meetings["psg"]
    assert_constant_queries(
        lambda: client.get(f"/api/v1/meetings/{meeting.pk}/papers"),
        grow=lambda: PaperFactory.create_batch(20, meeting=meeting, classification="group"),
    )
