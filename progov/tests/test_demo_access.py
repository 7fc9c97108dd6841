"""The demo's six logins on the MHHS pack: the access model seen as each of them.

One walk through the demo data (the pack, its meetings to the end of 2023, the demo's own
papers on PSG #24 and DAG #14), checking the issue's acceptance points as each user.
"""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from progov.accounts.models import User
from progov.accounts.services import create_api_token
from progov.governance import services as governance_services
from progov.governance.models import GovernanceGroup, Person, Workstream
from progov.meetings.models import Meeting, Paper
from progov.packs import MHHS_PACK

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


@pytest.fixture
def demo(settings, tmp_path) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path / "media"
    out = StringIO()
    call_command("load_pack", str(MHHS_PACK), stdout=out)
    call_command("generate_meetings", "--until", "2023-12-31", "--pack", str(MHHS_PACK), stdout=out)
    call_command("demo_papers", "PSG#24", "DAG#14", stdout=out)
    call_command("create_demo_users", stdout=out)
    printed = out.getvalue()
    psg24 = Meeting.objects.get(group__acronym="PSG", number_major=24, number_minor=0)
    dag14 = Meeting.objects.get(group__acronym="DAG", number_major=14, number_minor=0)
    return {"printed": printed, "psg24": psg24, "dag14": dag14}


def bearer(username: str) -> dict[str, Any]:
    _, raw = create_api_token(actor=None, username=username)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_demo_users_are_printed_and_linked_to_pack_people(demo):
    for username in ("admin", "pmo", "chair", "rep", "observer", "ipa"):
        assert f"  {username} " in demo["printed"]
        assert User.objects.get(username=username).has_usable_password()
    chair = Person.objects.get(user__username="chair")
    assert chair.memberships.get().role == "chair"
    rep = Person.objects.get(user__username="rep")
    assert [m.group.acronym for m in rep.memberships.all()] == ["PSG"]
    assert User.objects.get(username="observer").role == "observer"


def test_each_demo_meeting_has_a_public_and_a_group_paper(demo):
    for meeting in (demo["psg24"], demo["dag14"]):
        kinds = set(Paper.objects.filter(meeting=meeting).values_list("classification", flat=True))
        assert {"public", "group"} <= kinds
        agenda = Paper.objects.get(meeting=meeting, classification="public")
        assert agenda.published_at is not None
        assert b"Minutes and Actions" in agenda.file.read() or meeting.group.acronym == "DAG"


def test_rep_reads_psg_group_papers_and_not_dags(client: Client, demo):
    rep = bearer("rep")
    psg_group = Paper.objects.get(meeting=demo["psg24"], classification="group")
    dag_group = Paper.objects.get(meeting=demo["dag14"], classification="group")
    listed = client.get(f"/api/v1/meetings/{demo['psg24'].pk}/papers", **rep).json()
    assert psg_group.pk in {p["id"] for p in listed}
    hidden = client.get(f"/api/v1/meetings/{demo['dag14'].pk}/papers/{dag_group.pk}", **rep)
    assert hidden.status_code == 404
    client.force_login(User.objects.get(username="rep"))
    assert client.get(f"/meetings/papers/{psg_group.pk}/download/").status_code == 200
    assert client.get(f"/meetings/papers/{dag_group.pk}/download/").status_code == 404
    # Anonymous visitors get the public agenda, not the group paper.
    client.logout()
    public = Paper.objects.get(meeting=demo["psg24"], classification="public")
    assert client.get(f"/meetings/papers/{public.pk}/download/").status_code == 200
    assert client.get(f"/meetings/papers/{psg_group.pk}/download/").status_code == 404


def _move(client: Client, meeting: Meeting, headers: dict[str, Any]):
    start = meeting.start.replace(hour=14, minute=0)
    return client.post(
        f"/api/v1/meetings/{meeting.pk}/move",
        {"start": start.isoformat(), "end": start.replace(hour=15).isoformat(), "note": "demo"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{meeting.version}"',
        **headers,
    )


def test_chair_moves_a_psg_meeting_and_not_a_dag_one(client: Client, demo):
    chair = bearer("chair")
    assert _move(client, demo["psg24"], chair).status_code == 200
    assert _move(client, demo["dag14"], chair).status_code in (403, 404)
    assert _move(client, demo["dag14"], bearer("rep")).status_code in (403, 404)
    assert _move(client, demo["dag14"], bearer("pmo")).status_code == 200


def test_anonymous_sees_no_email_and_no_hidden_audit_entry(client: Client, demo):
    rep = Person.objects.get(user__username="rep")
    governance_services.update_person(
        actor=None, person=rep, expected_version=rep.version, email="rep@example.org"
    )
    hidden = GovernanceGroup.objects.get(acronym="DAG")
    governance_services.update_group(
        actor=None, group=hidden, expected_version=hidden.version, visibility="participants"
    )
    body = client.get("/api/v1/audit?limit=1000").content.decode()
    # The only addresses in the public record are the programme's published mailboxes: the
    # workstreams', and the PPC team's (seed 000's contacts), which TMAG08-01's update quotes.
    mailboxes = set(Workstream.objects.exclude(mailbox="").values_list("mailbox", flat=True))
    mailboxes.add("PPC@mhhsprogramme.co.uk")
    assert mailboxes and set(EMAIL.findall(body)) <= mailboxes
    assert "rep@example.org" not in body
    items = client.get(
        f"/api/v1/audit?object_type=governance.governancegroup&object_id={hidden.pk}"
    ).json()["items"]
    assert items == []
    for url in (f"/people/{rep.pk}/", f"/people/{rep.pk}/?tab=history", f"/api/v1/people/{rep.pk}"):
        assert EMAIL.search(client.get(url).content.decode()) is None, url
    client.force_login(User.objects.get(username="pmo"))
    assert "rep@example.org" in client.get(f"/people/{rep.pk}/").content.decode()


def test_the_demo_finds_meetings_by_number_and_title(demo):
    client = Client()
    psg24 = demo["psg24"]
    body = client.get("/search/", {"q": "PSG 24"}).content.decode()
    assert f'href="/meetings/{psg24.pk}/"' in body
    m9 = Meeting.objects.get(group__acronym="PSG", number_major=25, number_minor=1)
    assert m9.title == "M9 approval"
    body = client.get("/search/", {"q": "M9"}).content.decode()
    assert f'href="/meetings/{m9.pk}/"' in body and "#25.1 — M9 approval" in body
