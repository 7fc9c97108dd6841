"""The access model at work: classifications, group relationships, and no leaks.

The world: PSG and DAG are public groups, SEC is a participants-only group (hidden from the
public). `chair` chairs PSG, `rep` represents a constituency on PSG only, `observer` is a
programme observer with no membership, `pmo` the programme secretariat, `public` a
signed-in login with the `public` role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from progov.accounts.services import create_api_token
from progov.audit.selectors import audit_entry_list
from progov.core import access
from progov.core.errors import NotFound, PermissionDenied
from progov.core.testing.factories import (
    AgendaItemFactory,
    GroupFactory,
    HeadlineReportFactory,
    MeetingFactory,
    MembershipFactory,
    PaperFactory,
    PersonFactory,
    UserFactory,
)
from progov.governance import services as governance_services
from progov.governance.models import GovernanceGroup, Membership, NamedReader
from progov.meetings import services
from progov.meetings.models import AgendaItem, HeadlineReport, Meeting, Paper


@dataclass
class World:
    psg: GovernanceGroup
    dag: GovernanceGroup
    sec: GovernanceGroup
    users: dict[str, Any]
    people: dict[str, Any]
    meetings: dict[str, Any]
    papers: dict[str, Any]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(programme, psg, pmo_user, admin_user, media) -> World:
    psg.visibility = "public"
    psg.save()
    dag = GroupFactory(programme=programme, acronym="DAG", level=3, parent=psg)
    sec = GroupFactory(
        programme=programme, acronym="SEC", level=3, parent=psg, visibility="participants"
    )
    users = {
        "anonymous": AnonymousUser(),
        "public": UserFactory(username="someone", role="public"),
        "observer": UserFactory(username="observer", role="observer"),
        "rep": UserFactory(username="rep", role="member"),
        "chair": UserFactory(username="chair", role="member"),
        "pmo": pmo_user,
        "admin": admin_user,
    }
    people = {
        "chair": PersonFactory(programme=programme, name="Chair Person", user=users["chair"]),
        "rep": PersonFactory(programme=programme, name="Rep Person", user=users["rep"]),
        "other": PersonFactory(programme=programme, name="Other Person"),
    }
    MembershipFactory(group=psg, person=people["chair"], role="chair", constituency=None)
    MembershipFactory(group=psg, person=people["rep"], role="representative")
    # An ended membership gives nothing.
    MembershipFactory(
        group=dag, person=people["rep"], start_date=date(2020, 1, 1), end_date=date(2021, 1, 1)
    )
    meetings = {
        "psg": MeetingFactory(group=psg),
        "dag": MeetingFactory(group=dag),
        "sec": MeetingFactory(group=sec),
    }
    papers = {
        "psg-public": PaperFactory(meeting=meetings["psg"], classification="public"),
        "psg-participants": PaperFactory(meeting=meetings["psg"], classification="participants"),
        "psg-group": PaperFactory(meeting=meetings["psg"], classification="group"),
        "psg-restricted": PaperFactory(meeting=meetings["psg"], classification="restricted"),
        "psg-draft": PaperFactory(meeting=meetings["psg"], published_at=None),
        "dag-group": PaperFactory(meeting=meetings["dag"], classification="group"),
        "sec-public": PaperFactory(meeting=meetings["sec"], classification="public"),
    }
    NamedReader.objects.create(
        object_type="meetings.paper",
        object_id=str(papers["psg-restricted"].pk),
        person=people["rep"],
    )
    return World(psg, dag, sec, users, people, meetings, papers)


def bearer(user) -> dict[str, Any]:
    _, raw = create_api_token(actor=None, username=user.username)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def visible_papers(world: World, who: str) -> set[str]:
    shown = set(access.restrict(Paper.objects.all(), user=world.users[who]))
    return {name for name, paper in world.papers.items() if paper in shown}


EVERYONE_SEES = {"psg-public"}
PARTICIPANTS_SEE = EVERYONE_SEES | {"psg-participants", "sec-public"}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", EVERYONE_SEES),
        ("public", EVERYONE_SEES),
        ("observer", PARTICIPANTS_SEE),
        ("rep", PARTICIPANTS_SEE | {"psg-group", "psg-restricted"}),
        # The chair manages PSG's meetings, so sees its drafts too; restricted is for the named.
        ("chair", PARTICIPANTS_SEE | {"psg-group", "psg-draft"}),
        ("pmo", None),
        ("admin", None),
    ],
)
def test_classification_decides_who_sees_a_paper(world, who, expected):
    if expected is None:
        expected = set(world.papers)
    assert visible_papers(world, who) == expected


def test_restrict_and_require_agree_on_every_object(world):
    """The SQL filter and the one-object check read the same table: they never disagree."""
    objects: list[Any] = [
        *world.papers.values(),
        *world.meetings.values(),
        world.psg,
        world.dag,
        world.sec,
        *Membership.objects.all(),
        *world.people.values(),
    ]
    for who, user in world.users.items():
        for obj in objects:
            model = type(obj)
            in_list = access.restrict(model.objects.filter(pk=obj.pk), user=user).exists()
            fresh = model.objects.get(pk=obj.pk)
            assert in_list == access.may_view(user=user, obj=fresh), (who, obj)
            for action in access.POLICY[access.kind_of(obj).name]:
                if action in ("view", "view_draft", "view_personal"):
                    continue
                sql = access.restrict(model.objects.filter(pk=obj.pk), user=user, action=action)
                assert sql.exists() == access.allowed(user=user, action=action, obj=fresh), (
                    who,
                    obj,
                    action,
                )


def test_rep_reads_psg_group_papers_and_not_dags(client: Client, world):
    rep = bearer(world.users["rep"])
    psg_papers = client.get(f"/api/v1/meetings/{world.meetings['psg'].pk}/papers", **rep).json()
    assert world.papers["psg-group"].pk in {p["id"] for p in psg_papers}
    dag = world.papers["dag-group"]
    assert (
        client.get(f"/api/v1/meetings/{dag.meeting_id}/papers/{dag.pk}", **rep).status_code == 404
    )
    client.force_login(world.users["rep"])
    assert (
        client.get(f"/meetings/papers/{world.papers['psg-group'].pk}/download/").status_code == 200
    )
    assert client.get(f"/meetings/papers/{dag.pk}/download/").status_code == 404


def _move(client: Client, meeting: Meeting, headers: dict[str, Any]):
    start = meeting.start.replace(hour=14)
    return client.post(
        f"/api/v1/meetings/{meeting.pk}/move",
        {"start": start.isoformat(), "end": start.replace(hour=15).isoformat(), "note": "x"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{meeting.version}"',
        **headers,
    )


def test_chair_moves_own_groups_meetings_only(client: Client, world):
    chair = bearer(world.users["chair"])
    assert _move(client, world.meetings["psg"], chair).status_code == 200
    assert _move(client, world.meetings["dag"], chair).status_code in (403, 404)
    assert _move(client, world.meetings["sec"], chair).status_code in (403, 404)
    # A representative of PSG does not manage its meetings.
    assert _move(client, world.meetings["psg"], bearer(world.users["rep"])).status_code == 403


def test_chair_manages_own_groups_agenda_papers_and_report(world):
    chair = world.users["chair"]
    item = AgendaItemFactory(meeting=world.meetings["psg"])
    services.update_agenda_item(actor=chair, item=item, expected_version=1, title="Renamed")
    services.publish_paper(actor=chair, paper=world.papers["psg-draft"], expected_version=1)
    report = HeadlineReportFactory(meeting=world.meetings["psg"])
    services.update_headline_report(actor=chair, report=report, expected_version=1, body="x")
    dag_item = AgendaItemFactory(meeting=world.meetings["dag"])
    with pytest.raises(PermissionDenied):
        services.update_agenda_item(actor=chair, item=dag_item, expected_version=1, title="No")
    # SEC is seen by every participant, but managed by its own chair and secretariat only.
    with pytest.raises(PermissionDenied):
        services.move_meeting(
            actor=chair,
            meeting=world.meetings["sec"],
            expected_version=1,
            start=world.meetings["sec"].start,
            end=world.meetings["sec"].end,
        )


def test_pages_offer_the_chair_the_actions_of_its_own_meetings(client: Client, world):
    client.force_login(world.users["chair"])
    own = client.get(f"/meetings/{world.meetings['psg'].pk}/").content.decode()
    other = client.get(f"/meetings/{world.meetings['dag'].pk}/").content.decode()
    assert 'id="action-move"' in own
    assert 'id="action-move"' not in other


def test_anonymous_audit_shows_no_hidden_object_nor_any_email(client: Client, world, pmo_user):
    sec_person = governance_services.create_person(
        actor=pmo_user, programme=world.psg.programme, name="Secret Member", email="s@x.org"
    )
    governance_services.update_group(
        actor=pmo_user, group=world.sec, expected_version=world.sec.version, purpose="Hidden aim"
    )
    services.update_paper(
        actor=pmo_user, paper=world.papers["psg-restricted"], expected_version=1, title="Secret"
    )
    entries = client.get("/api/v1/audit?limit=1000").json()["items"]
    shown = {(e["object_type"], e["object_id"]) for e in entries}
    assert ("governance.governancegroup", str(world.sec.pk)) not in shown
    assert ("meetings.paper", str(world.papers["psg-restricted"].pk)) not in shown
    person_entries = [e for e in entries if e["object_type"] == "governance.person"]
    assert person_entries, "the person's own entry is public"
    assert all("email" not in e["changes"] for e in person_entries)
    assert "s@x.org" not in client.get("/api/v1/audit?limit=1000").content.decode()
    # Filtering by a hidden object's id changes nothing.
    one = client.get(
        f"/api/v1/audit?object_type=governance.governancegroup&object_id={world.sec.pk}"
    )
    assert one.json()["items"] == []
    # The person's History tab shows no e-mail to the public; to the secretariat it does.
    history = client.get(f"/people/{sec_person.pk}/?tab=history").content.decode()
    assert "s@x.org" not in history
    client.force_login(pmo_user)
    assert "s@x.org" in client.get(f"/people/{sec_person.pk}/?tab=history").content.decode()
    assert audit_entry_list(user=pmo_user, object_type="governance.governancegroup").exists()


def test_groups_api_does_not_name_a_hidden_parent(client: Client, world):
    child = GroupFactory(programme=world.psg.programme, acronym="SUB", level=4, parent=world.sec)
    anonymous = {g["acronym"]: g for g in client.get("/api/v1/groups?limit=100").json()["items"]}
    assert anonymous["SUB"]["parent"] is None and "SEC" not in anonymous
    signed_in = client.get("/api/v1/groups?limit=100", **bearer(world.users["observer"])).json()
    assert {g["acronym"]: g for g in signed_in["items"]}["SUB"]["parent"] == "SEC"
    assert child.parent_id == world.sec.pk


def test_group_classified_group_is_seen_by_its_members_only(world):
    world.dag.visibility = "group"
    world.dag.save()
    assert not access.may_view(user=world.users["observer"], obj=world.dag)
    MembershipFactory(group=world.dag, person=world.people["rep"])
    assert access.may_view(user=world.users["rep"], obj=world.dag)
    assert access.may_view(user=world.users["pmo"], obj=world.dag)
    assert Meeting.objects.filter(group=world.dag).count() == 1
    assert not access.restrict(Meeting.objects.filter(group=world.dag), user=world.users["chair"])


def test_draft_report_visible_to_group_managers(world):
    report = HeadlineReportFactory(meeting=world.meetings["psg"])
    for who, sees in [("rep", False), ("chair", True), ("pmo", True), ("anonymous", False)]:
        assert access.may_view(user=world.users[who], obj=report) is sees, who
    report.status, report.published_at = "published", datetime(2023, 9, 8, tzinfo=UTC)
    report.save()
    assert access.may_view(user=world.users["anonymous"], obj=report)
    assert HeadlineReport.objects.count() == 1


def test_create_checks_the_parent(world):
    chair = world.users["chair"]
    assert access.allowed(
        user=chair, action="create", obj=AgendaItem(meeting=world.meetings["psg"])
    )
    assert not access.allowed(
        user=chair, action="create", obj=AgendaItem(meeting=world.meetings["dag"])
    )
    with pytest.raises(NotFound):
        access.require(
            user=world.users["anonymous"],
            action="create",
            obj=AgendaItem(meeting=world.meetings["sec"]),
        )


def test_scope_reads_a_fixed_number_of_queries(world, django_assert_num_queries):
    rep = world.users["rep"]
    with django_assert_num_queries(3):
        scope = access.scope_of(rep)
    assert scope.group_ids() == [world.psg.pk]
    assert scope.named == {"meetings.paper": frozenset({str(world.papers["psg-restricted"].pk)})}
    assert access.scope_of(AnonymousUser()).key() == "anonymous"


def test_named_readers_of_a_restricted_paper_through_the_api(client: Client, world):
    paper = world.papers["psg-restricted"]
    NamedReader.objects.all().delete()
    url = f"/api/v1/meetings/{paper.meeting_id}/papers/{paper.pk}/named-readers"
    pmo, observer = bearer(world.users["pmo"]), bearer(world.users["observer"])
    paper_url = f"/api/v1/meetings/{paper.meeting_id}/papers/{paper.pk}"
    assert client.get(paper_url, **observer).status_code == 404
    body = {"people": [world.people["other"].pk]}
    put = lambda headers, **kw: client.put(  # noqa: E731
        url, body, content_type="application/json", **headers, **kw
    )
    assert put(pmo).status_code == 428
    assert put(pmo, HTTP_IF_MATCH='"7"').status_code == 412
    # The chair manages PSG's papers; a representative manages nothing (403 before any
    # lookup, so the answer tells nothing about the paper).
    assert put(bearer(world.users["rep"]), HTTP_IF_MATCH='"1"').status_code == 403
    assert client.put(
        url, {"people": [999999]}, content_type="application/json", HTTP_IF_MATCH='"1"', **pmo
    ).json()["errors"]["people"] == ["No person #999999 in this programme."]
    # Restricted is for the named and the programme secretariat: not even the chair sees it.
    assert put(bearer(world.users["chair"]), HTTP_IF_MATCH='"1"').status_code == 404
    named = put(pmo, HTTP_IF_MATCH='"1"')
    assert named.status_code == 200 and named["ETag"] == '"2"'
    assert named.json()["people"] == [{"id": world.people["other"].pk, "name": "Other Person"}]
    entry = audit_entry_list(user=world.users["pmo"], object_type="meetings.paper").first()
    assert entry is not None and entry.changes == {"named_readers": [[], ["Other Person"]]}
    # Naming the observer's person lets them read it.
    observer_person = PersonFactory(
        programme=world.psg.programme, name="Observer Person", user=world.users["observer"]
    )
    client.put(
        url,
        {"people": [observer_person.pk]},
        content_type="application/json",
        HTTP_IF_MATCH='"2"',
        **pmo,
    )
    assert client.get(paper_url, **observer).status_code == 200
    assert client.get(url, **observer).status_code == 403


def test_upload_names_readers_of_a_restricted_paper_on_the_page(client: Client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from progov.meetings.tests import upload_samples as samples

    client.force_login(world.users["pmo"])
    meeting = world.meetings["psg"]
    data = {
        "paper-file": SimpleUploadedFile("note.pdf", samples.PDF),
        "paper-title": "Commercial note",
        "paper-kind": "paper",
        "paper-classification": "restricted",
        "paper-paper_version": "1.0",
        "paper-named_readers": [world.people["rep"].pk],
    }
    assert client.post(f"/meetings/{meeting.pk}/papers/upload/", data).status_code == 302
    paper = Paper.objects.get(title="Commercial note")
    entry = audit_entry_list(user=world.users["pmo"], object_type="meetings.paper").first()
    assert entry is not None and entry.changes["named_readers"] == [None, ["Rep Person"]]
    paper = services.publish_paper(actor=world.users["pmo"], paper=paper, expected_version=1)
    assert access.may_view(user=world.users["rep"], obj=paper)
    assert not access.may_view(user=world.users["chair"], obj=paper)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Named: Rep Person" in page
    # Naming readers of a paper that is not restricted is refused, and nothing is stored.
    data["paper-file"] = SimpleUploadedFile("note.pdf", samples.PDF)
    data["paper-classification"] = "group"
    data["paper-title"] = "Not restricted"
    refused = client.post(f"/meetings/{meeting.pk}/papers/upload/", data)
    assert refused.status_code == 400 and "Name readers only for a restricted paper" in (
        refused.content.decode()
    )
    assert not Paper.objects.filter(title="Not restricted").exists()


def test_one_act_reads_the_scope_once_and_a_membership_change_refreshes_it(
    world, pmo_user, django_assert_num_queries
):
    from progov.core.context import correlation

    rep = world.users["rep"]
    with correlation():
        first = access.scope_of(rep)
        with django_assert_num_queries(0):
            assert access.scope_of(rep) is first
        governance_services.create_membership(
            actor=pmo_user,
            group=world.dag,
            person=world.people["rep"],
            role="observer",
            start_date=date(2022, 1, 1),
        )
        assert world.dag.pk in access.scope_of(rep).groups
