"""The home page's attention list (core/attention.py, governance:home) with the meetings
app's sources (meetings/attention.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from progov.core.attention import (
    AttentionItem,
    AttentionSource,
    attention,
    register_attention_source,
    unregister_attention_source,
)
from progov.core.testing.factories import (
    AmendmentRequestFactory,
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    PaperFactory,
    PersonFactory,
    PublishedHeadlineReportFactory,
)
from progov.core.testing.queries import assert_constant_queries
from progov.governance.models import DeadlineRule

pytestmark = pytest.mark.django_db


def _text(client: Client) -> str:
    response = client.get("/home/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def busy(programme, psg, member_user):
    """PSG with a meeting next week whose papers are not out, one last week not marked
    held, an open amendment request, and the member on PSG."""
    DeadlineRule.objects.create(
        programme=programme,
        key="papers_due",
        label="Papers issued",
        working_days=5,
        direction="before",
    )
    now = timezone.now()
    soon = MeetingFactory(
        group=psg,
        number_major=30,
        start=now + timedelta(days=6),
        end=now + timedelta(days=6, hours=2),
    )
    PaperFactory(meeting=soon, title="PSG #30 pack", published_at=None)
    past = MeetingFactory(
        group=psg,
        number_major=29,
        start=now - timedelta(days=7),
        end=now - timedelta(days=7) + timedelta(hours=2),
        status="planned",
    )
    report = PublishedHeadlineReportFactory(meeting=past)
    AmendmentRequestFactory(report=report, requester_name="Jo Bloggs", text="Add the M9 risk.")
    person = PersonFactory(programme=programme, name="Member Person", user=member_user)
    MembershipFactory(group=psg, person=person)
    return {"soon": soon, "past": past}


def test_signing_in_lands_on_the_list_and_anonymous_visitors_keep_the_structure(client):
    assert client.get("/home/").status_code == 302
    from django.conf import settings

    assert settings.LOGIN_REDIRECT_URL == "governance:home"
    assert client.get("/").status_code == 200


def test_the_secretariat_sees_what_to_do(client, busy, pmo_user):
    client.force_login(pmo_user)
    body = _text(client)
    assert "Meetings to mark held" in body and "1 past meeting not marked held" in body
    assert "PSG #30: Papers issued" in body
    assert "amendment request from Jo Bloggs" in body and "Add the M9 risk." in body
    assert 'href="/meetings/not-held/"' in body


def test_a_member_sees_their_meetings_and_nothing_to_manage(client, busy, member_user):
    client.force_login(member_user)
    body = _text(client)
    assert "Your next meetings" in body and "PSG #30" in body
    assert "Calendar feeds" in body and 'href="/meetings/feeds/mine/"' in body
    for secretariat_only in ("Meetings to mark held", "amendment request", "Papers issued"):
        assert secretariat_only not in body


def test_a_hidden_group_never_shows(client, programme, psg, busy, member_user):
    hidden = GroupFactory(programme=programme, acronym="HIDG", visibility="group", parent=psg)
    MeetingFactory(
        group=hidden,
        number_major=4,
        title="ZQ secret",
        start=timezone.now() + timedelta(days=3),
        end=timezone.now() + timedelta(days=3, hours=1),
    )
    client.force_login(member_user)
    assert "ZQ secret" not in _text(client) and "HIDG" not in _text(client)


def test_the_list_costs_the_same_however_many_meetings(client, busy, programme, psg, pmo_user):
    client.force_login(pmo_user)
    now = timezone.now()

    def grow() -> None:
        for n in range(8):
            m = MeetingFactory(
                group=psg,
                number_major=100 + n,
                start=now + timedelta(days=2 + n),
                end=now + timedelta(days=2 + n, hours=1),
            )
            PaperFactory(meeting=m, published_at=None)
            past = MeetingFactory(
                group=psg,
                number_major=200 + n,
                start=now - timedelta(days=3 + n),
                end=now - timedelta(days=3 + n) + timedelta(hours=1),
            )
            AmendmentRequestFactory(report=PublishedHeadlineReportFactory(meeting=past))

    assert_constant_queries(lambda: client.get("/home/"), grow)


def test_sources_register_in_order_and_empty_ones_are_left_out(pmo_user, programme):
    seen = AttentionSource(
        key="zz_test",
        label="ZQ test",
        order=1,
        find=lambda **kw: [AttentionItem(title="ZQ item", url="/x/")],
    )
    quiet = AttentionSource(key="zz_quiet", label="ZQ quiet", order=2, find=lambda **kw: [])
    register_attention_source(seen)
    register_attention_source(quiet)
    try:
        now = timezone.now()
        sections = attention(user=pmo_user, programme=programme, today=now.date(), now=now)
        keys = [s.source.key for s in sections]
        assert keys[0] == "zz_test" and "zz_quiet" not in keys
    finally:
        unregister_attention_source("zz_test")
        unregister_attention_source("zz_quiet")
