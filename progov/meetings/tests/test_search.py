"""Meetings and papers in the search box (meetings/search.py through core/search.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from progov.core.search import search_sources
from progov.core.testing.factories import GroupFactory, MeetingFactory, PaperFactory
from progov.core.testing.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def psg_meetings(programme, psg):
    made = {}
    for number, minor, title, day in (
        (24, 0, "", 6),
        (25, 0, "", 4),
        (25, 1, "M9 approval", 30),
        (2, 0, "", 8),
    ):
        start = datetime(2023, 9 if day < 10 else 10, day, 9, tzinfo=UTC)
        made[f"{number}.{minor}"] = MeetingFactory(
            group=psg,
            number_major=number,
            number_minor=minor,
            title=title,
            start=start,
            end=start.replace(hour=11),
            kind="extraordinary" if minor else "regular",
        )
    return made


def _hits(client: Client, q: str) -> str:
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def test_a_meeting_is_found_by_group_and_number(client, psg_meetings):
    for q in ("PSG 24", "psg 24", "PSG #24", "PSG#24", " psg  24 "):
        body = _hits(client, q)
        assert f'href="/meetings/{psg_meetings["24.0"].pk}/"' in body, q
        assert f'href="/meetings/{psg_meetings["25.0"].pk}/"' not in body
        assert 'id="results-meetings">Meetings <span class="count">(1)</span>' in body
    assert f'href="/meetings/{psg_meetings["25.1"].pk}/"' in _hits(client, "PSG 25.1")
    assert "No meetings match." in _hits(client, "PSG 99")


def test_a_meeting_is_found_by_its_title(client, psg_meetings):
    body = _hits(client, "M9")
    assert f'href="/meetings/{psg_meetings["25.1"].pk}/"' in body
    assert "#25.1 — M9 approval" in body and '<span class="result-kind">Meeting</span>' in body


def test_hidden_meetings_and_papers_are_not_found(
    client, programme, psg, psg_meetings, member_user
):
    hidden = GroupFactory(programme=programme, acronym="HIDG", visibility="group", parent=psg)
    secret = MeetingFactory(group=hidden, number_major=3, title="ZQ secret review")
    assert "No meetings match." in _hits(client, "HIDG 3")
    assert "ZQ secret review" not in _hits(client, "ZQ secret")
    PaperFactory(meeting=psg_meetings["24.0"], title="ZQ Design baseline", classification="public")
    PaperFactory(meeting=psg_meetings["24.0"], title="ZQ Design draft", published_at=None)
    PaperFactory(
        meeting=psg_meetings["24.0"], title="ZQ Design for members", classification="group"
    )
    PaperFactory(meeting=secret, title="ZQ Design hidden", classification="public")
    body = _hits(client, "ZQ Design")
    assert "ZQ Design baseline" in body
    for unseen in ("ZQ Design draft", "ZQ Design for members", "ZQ Design hidden"):
        assert unseen not in body
    assert '<span class="result-kind">Paper</span>' in body


def test_the_secretariat_finds_drafts(client, psg_meetings, pmo_user):
    PaperFactory(meeting=psg_meetings["24.0"], title="ZQ Design draft", published_at=None)
    client.force_login(pmo_user)
    body = _hits(client, "design draft")
    assert "ZQ Design draft" in body and " · draft" in body


def test_sources_are_in_order_and_the_page_costs_the_same_however_many_match(
    client, programme, psg
):
    assert [s.key for s in search_sources()][:5] == [
        "groups",
        "meetings",
        "papers",
        "people",
        "organisations",
    ]

    def grow(n: int) -> None:
        for i in range(n):
            meeting = MeetingFactory(group=psg, title=f"ZQ review {i}")
            PaperFactory(meeting=meeting, title=f"ZQ review paper {i}")

    grow(1)
    assert_constant_queries(lambda: client.get("/search/", {"q": "ZQ review"}), lambda: grow(8))
