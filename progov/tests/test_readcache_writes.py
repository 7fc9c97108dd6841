"""Every write changes the ETag of every answer it affects: one case per kind of object
the access model knows (`core.access.kinds()`), each written through a service, a page
or the API, and the pack and command paths on the MHHS pack.

A case names the answers the write affects, who reads them and what they show after it:
before the write each answers with an ETag that revalidates (304); after it the old ETag
gets a 200 whose body is what the view renders now and shows the change
(`core.testing.readcache`). A new kind of object must bring its case
(`test_every_kind_has_a_case`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from progov import cli
from progov.accounts import services as accounts_services
from progov.cli import DEFAULT_PACK
from progov.core import access
from progov.core.testing.api import api_call
from progov.core.testing.readcache import assert_etag_changed, current_etag, fresh_body
from progov.core.testing.views import page_call
from progov.core.testing.world import World, build_world
from progov.governance import services as governance_services
from progov.governance.models import (
    DeadlineRule,
    GovernanceGroup,
    MarketRole,
    Programme,
    Workstream,
)
from progov.meetings import services as meetings_services
from progov.packs.loader import load_pack

pytestmark = pytest.mark.read_cache

Write = Callable[[World, Client], None]


@dataclass(frozen=True)
class Case:
    """A write to one kind of object and the answers it changes: (url, reader, shown),
    `shown` being text the answer carries after the write, "!text" text it no longer
    carries, or "404" for an answer the write took away."""

    write: Write
    answers: Callable[[World], list[tuple[str, str, str]]]
    path: str  # service | page | api


def _ok(response: Any) -> None:
    assert response.status_code in (200, 201, 204), (
        response.status_code,
        response.content[:400],
    )


def _api(method: str, url: str, body: Any = None, *, user: str, if_match: Any = None) -> Write:
    """An API call; `url` is formatted with the world (`{w.groups[psg].pk}`), `body` and
    `if_match` may be functions of it."""

    def write(world: World, client: Client) -> None:
        version = if_match(world) if callable(if_match) else if_match
        payload = body(world) if callable(body) else body
        response = api_call(
            client, method, url.format(w=world), payload, user=world.users[user], if_match=version
        )
        _ok(response)

    return write


def _page(url: str, data: Callable[[World], dict[str, Any]], *, user: str) -> Write:
    def write(world: World, client: Client) -> None:
        response = page_call(
            client, "POST", url.format(w=world), data(world), user=world.users[user]
        )
        assert response.status_code in (200, 302), (response.status_code, response.content[:400])

    return write


def _service(call: Callable[[World], Any]) -> Write:
    def write(world: World, client: Client) -> None:
        call(world)

    return write


def _pmo(world: World) -> Any:
    return world.users["pmo"]


def _psg_meeting(world: World) -> str:
    return f"/meetings/{world.meetings['psg'].pk}/"


def _audit_of(kind: str) -> str:
    return f"/api/v1/audit?object_type={kind}"


def _new_workstream(world: World) -> None:
    ws = Workstream.objects.create(programme=world.programme, name="Design")
    psg = GovernanceGroup.objects.get(pk=world.groups["psg"].pk)
    psg.workstream = ws
    psg.save(update_fields=["workstream"])
    # Fixture rows above; the write under test is the rename, through its service.
    governance_services.update_workstream(actor=_pmo(world), workstream=ws, name="ZQ Design WS")


def _market_role(world: World) -> None:
    role = governance_services.create_market_role(
        actor=_pmo(world), code="supplier", name="Supplier"
    )
    org = world.organisation
    org.market_roles.add(role)
    governance_services.update_market_role(
        actor=_pmo(world), market_role=MarketRole.objects.get(pk=role.pk), name="ZQ Supplier role"
    )


def _decisions_services() -> Any:
    from progov.decisions import services

    return services


def _condition_met(world: World) -> None:
    from progov.decisions.models import Condition

    condition = Condition.objects.create(decision=world.decisions["psg"], text="ZQ condition")
    _decisions_services().set_condition_status(
        actor=_pmo(world), condition=condition, status="met", expected_version=None
    )


def _owner_alias(world: World) -> None:
    from progov.actions import services as actions_services

    actions_services.add_owner_alias(
        actor=_pmo(world),
        programme=world.programme,
        alias="ZQ alias",
        organisation=world.organisation,
    )


def _login_for_other(world: World) -> None:
    # Makes a login and links it: `other` can sign in as "zqother" from now on.
    governance_services.set_person_login(
        actor=world.users["admin"],
        person=world.people["other"],
        username="zqother",
        role="member",
    )


def _api_token(world: World) -> None:
    accounts_services.create_api_token(actor=world.users["admin"], username="pmo", name="ZQ token")


CASES: dict[str, Case] = {
    "accounts.user": Case(
        _service(_login_for_other),
        lambda w: [(f"/people/{w.people['other'].pk}/", "admin", "zqother")],
        "service",
    ),
    "accounts.apitoken": Case(
        _service(_api_token),
        lambda w: [(_audit_of("accounts.apitoken"), "admin", "ZQ token")],
        "service",
    ),
    "calendars.closureday": Case(
        _api(
            "POST",
            "/api/v1/calendars/programmes/mhhs/closure-days",
            {"date": "2031-12-30", "name": "ZQ closure"},
            user="pmo",
        ),
        lambda w: [("/api/v1/calendars/programmes/mhhs/closure-days", "anonymous", "ZQ closure")],
        "api",
    ),
    "governance.programme": Case(
        _service(
            lambda w: governance_services.update_programme(
                actor=w.users["admin"],
                programme=w.programme,
                expected_version=Programme.objects.get(pk=w.programme.pk).version,
                name="ZQ Programme renamed",
            )
        ),
        lambda w: [
            ("/", "anonymous", "ZQ Programme renamed"),
            ("/groups/PSG/", "rep", "ZQ Programme renamed"),
        ],
        "service",
    ),
    "governance.workstream": Case(
        _service(_new_workstream),
        lambda w: [("/groups/PSG/", "anonymous", "ZQ Design WS")],
        "service",
    ),
    "governance.marketrole": Case(
        _service(_market_role),
        lambda w: [(f"/organisations/{w.organisation.pk}/", "anonymous", "ZQ Supplier role")],
        "service",
    ),
    "governance.constituency": Case(
        _api(
            "PATCH",
            "/api/v1/constituencies/large",
            {"name": "ZQ Large Suppliers"},
            user="pmo",
            if_match=lambda w: w.constituency.version,
        ),
        lambda w: [("/api/v1/constituencies", "anonymous", "ZQ Large Suppliers")],
        "api",
    ),
    "governance.organisation": Case(
        _api(
            "PATCH",
            "/api/v1/organisations/{w.organisation.pk}",
            {"name": "ZQ Octopus"},
            user="pmo",
            if_match=lambda w: w.organisation.version,
        ),
        lambda w: [
            (f"/organisations/{w.organisation.pk}/", "anonymous", "ZQ Octopus"),
            ("/organisations/", "rep", "ZQ Octopus"),
        ],
        "api",
    ),
    "governance.person": Case(
        _api(
            "PATCH",
            "/api/v1/people/{w.people[rep].pk}",
            {"job_title": "ZQ Head of Settlement"},
            user="pmo",
            if_match=lambda w: w.people["rep"].version,
        ),
        lambda w: [
            (f"/people/{w.people['rep'].pk}/", "rep", "ZQ Head of Settlement"),
            (f"/api/v1/people/{w.people['rep'].pk}", "pmo", "ZQ Head of Settlement"),
        ],
        "api",
    ),
    "governance.group": Case(
        _api(
            "PATCH",
            "/api/v1/groups/PSG",
            {"purpose": "ZQ steer the programme"},
            user="pmo",
            if_match=lambda w: w.groups["psg"].version,
        ),
        lambda w: [
            ("/groups/PSG/", "anonymous", "ZQ steer the programme"),
            ("/api/v1/groups/PSG", "rep", "ZQ steer the programme"),
        ],
        "api",
    ),
    "governance.groupstatuschange": Case(
        _service(
            lambda w: governance_services.add_group_status_change(
                actor=_pmo(w),
                group=w.groups["dag"],
                status="stood_down",
                effective_date=date(2031, 1, 1),
                note="ZQ stood down",
            )
        ),
        lambda w: [("/groups/DAG/", "anonymous", "ZQ stood down")],
        "service",
    ),
    "governance.termsofreference": Case(
        _service(
            lambda w: governance_services.add_terms_of_reference(
                actor=_pmo(w),
                group=w.groups["psg"],
                version_number="2.0",
                date=date(2024, 1, 10),
                text="ZQ terms two",
                change_note="ZQ new remit",
            )
        ),
        lambda w: [
            ("/groups/PSG/?tab=terms", "anonymous", "ZQ terms two"),
            ("/groups/PSG/tor/1.0/", "rep", "2.0"),
        ],
        "service",
    ),
    "governance.groupsuccession": Case(
        _service(
            lambda w: governance_services.record_group_succession(
                actor=_pmo(w),
                predecessor=w.groups["dag"],
                successor=w.groups["psg"],
                date=date(2031, 1, 1),
                reason="ZQ merged into PSG",
            )
        ),
        lambda w: [("/groups/DAG/", "anonymous", "ZQ merged into PSG")],
        "service",
    ),
    "governance.seat": Case(
        _service(
            lambda w: governance_services.create_seat(
                actor=_pmo(w), group=w.groups["psg"], label="ZQ Independent seat", role="observer"
            )
        ),
        lambda w: [("/groups/PSG/?tab=members", "anonymous", "ZQ Independent seat")],
        "service",
    ),
    "governance.membership": Case(
        _api(
            "POST",
            "/api/v1/groups/DAG/members",
            lambda w: {
                "person_id": w.people["chair"].pk,
                "role": "observer",
                "start_date": "2024-01-01",
                "part": "ZQ part",
            },
            user="pmo",
        ),
        lambda w: [
            ("/api/v1/groups/DAG/members", "anonymous", "ZQ part"),
            ("/groups/DAG/?tab=members", "rep", "Chair Person"),
        ],
        "api",
    ),
    "governance.frameworkversion": Case(
        _service(
            lambda w: governance_services.create_framework_version(
                actor=_pmo(w),
                programme=w.programme,
                version="9.9",
                date=date(2024, 5, 1),
                change_detail="ZQ framework change",
            )
        ),
        lambda w: [(_audit_of("governance.frameworkversion"), "pmo", "ZQ framework change")],
        "service",
    ),
    "governance.deadlinerule": Case(
        _service(
            lambda w: governance_services.create_deadline_rule(
                actor=_pmo(w),
                programme=w.programme,
                key="papers_due",
                label="ZQ papers out",
                working_days=5,
                direction=DeadlineRule.Direction.BEFORE,
            )
        ),
        lambda w: [(_psg_meeting(w), "anonymous", "ZQ papers out")],
        "service",
    ),
    "governance.regulatorthreshold": Case(
        _service(
            lambda w: governance_services.create_regulator_threshold(
                actor=_pmo(w),
                programme=w.programme,
                key="zq-cost",
                description="ZQ cost threshold",
                amount=Decimal("5000000"),
                currency="GBP",
            )
        ),
        lambda w: [(_audit_of("governance.regulatorthreshold"), "pmo", "ZQ cost threshold")],
        "service",
    ),
    "governance.namedreader": Case(
        _api(
            "PUT",
            "/api/v1/meetings/{w.meetings[psg].pk}/papers/{w.papers[psg-restricted].pk}/named-readers",
            {"people": []},
            user="pmo",
            if_match=lambda w: w.papers["psg-restricted"].version,
        ),
        # Named no more, the representative no longer sees the restricted paper.
        lambda w: [(_psg_meeting(w), "rep", "ZQ paper psg-group")],
        "api",
    ),
    "meetings.meetingseries": Case(
        _service(
            lambda w: meetings_services.configure_meeting_series(
                actor=_pmo(w),
                group=w.groups["dag"],
                starts_on=date(2031, 1, 1),
                location="ZQ Room 4",
            )
        ),
        lambda w: [(_audit_of("meetings.meetingseries"), "pmo", "ZQ Room 4")],
        "service",
    ),
    "meetings.agendatemplateitem": Case(
        _service(
            lambda w: meetings_services.add_template_item(
                actor=_pmo(w), group=w.groups["psg"], title="ZQ standing item"
            )
        ),
        lambda w: [(_audit_of("meetings.agendatemplateitem"), "pmo", "ZQ standing item")],
        "service",
    ),
    "meetings.meeting": Case(
        _page(
            "/meetings/{w.meetings[psg-next].pk}/cancel/",
            lambda w: {
                "cancel-version": w.meetings["psg-next"].version,
                "cancel-note": "ZQ no quorum",
                "cancel-confirmed": "on",
            },
            user="pmo",
        ),
        lambda w: [
            (f"/meetings/{w.meetings['psg-next'].pk}/", "anonymous", "ZQ no quorum"),
            (f"/api/v1/meetings/{w.meetings['psg-next'].pk}", "rep", "cancelled"),
            (
                "/meetings/feeds/groups/PSG.ics?from=2031-01-01&to=2031-12-31",
                "anonymous",
                "CANCELLED",
            ),
        ],
        "page",
    ),
    "meetings.agendaitem": Case(
        _api(
            "PATCH",
            "/api/v1/meetings/{w.meetings[psg-next].pk}/agenda/{w.agenda[psg-next].pk}",
            {"title": "ZQ agenda renamed"},
            user="pmo",
            if_match=lambda w: w.agenda["psg-next"].version,
        ),
        lambda w: [
            (f"/meetings/{w.meetings['psg-next'].pk}/", "anonymous", "ZQ agenda renamed"),
            (f"/api/v1/meetings/{w.meetings['psg-next'].pk}/agenda", "rep", "ZQ agenda renamed"),
        ],
        "api",
    ),
    "meetings.forwardlookitem": Case(
        _api(
            "POST",
            "/api/v1/meetings/forward-look",
            {"group": "PSG", "title": "ZQ forward new"},
            user="pmo",
        ),
        lambda w: [
            (_psg_meeting(w), "anonymous", "ZQ forward new"),
            ("/api/v1/meetings/forward-look?group=PSG", "rep", "ZQ forward new"),
        ],
        "api",
    ),
    "meetings.paper": Case(
        _page(
            "/meetings/papers/{w.papers[psg-draft].pk}/publish/",
            lambda w: {"version": w.papers["psg-draft"].version},
            user="pmo",
        ),
        lambda w: [(_psg_meeting(w), "anonymous", "ZQ paper psg-draft")],
        "page",
    ),
    "meetings.attendance": Case(
        _api(
            "PUT",
            "/api/v1/meetings/{w.meetings[psg].pk}/attendance/{w.people[rep].pk}",
            {"status": "apologies"},
            user="pmo",
            if_match=lambda w: w.attendance["psg-rep"].version,
        ),
        lambda w: [(f"/api/v1/meetings/{w.meetings['psg'].pk}/attendance", "chair", "apologies")],
        "api",
    ),
    "meetings.headlinereport": Case(
        _api(
            "POST",
            "/api/v1/meetings/{w.meetings[dag].pk}/headline-report/publish",
            user="pmo",
            if_match=lambda w: w.reports["dag"].version,
        ),
        lambda w: [
            (f"/meetings/{w.meetings['dag'].pk}/headline-report/", "anonymous", "ZQ report dag")
        ],
        "api",
    ),
    "meetings.amendmentrequest": Case(
        _api(
            "POST",
            "/api/v1/meetings/{w.meetings[psg].pk}/headline-report/amendments/{w.amendments[psg].pk}/answer",
            {"response": "ZQ answered", "close": True},
            user="pmo",
            if_match=lambda w: w.amendments["psg"].version,
        ),
        lambda w: [
            (
                f"/api/v1/meetings/{w.meetings['psg'].pk}/headline-report/amendments",
                "pmo",
                "ZQ answered",
            )
        ],
        "api",
    ),
    "actions.action": Case(
        _api(
            "PATCH",
            "/api/v1/actions/PSG01-01",
            {"description": "ZQ action corrected"},
            user="pmo",
            if_match=lambda w: w.actions["psg"].version,
        ),
        lambda w: [
            ("/actions/", "anonymous", "ZQ action corrected"),
            ("/api/v1/actions/PSG01-01", "rep", "ZQ action corrected"),
            (f"/meetings/{w.meetings['psg'].pk}/", "anonymous", "ZQ action corrected"),
        ],
        "api",
    ),
    "actions.actionupdate": Case(
        _page(
            "/actions/SECG01-01/update/",
            lambda w: {
                "version": w.actions["sec"].version,
                "text": "ZQ progress",
                "status": "ongoing",
            },
            user="rep",
        ),
        lambda w: [
            ("/actions/SECG01-01/", "rep", "ZQ progress"),
            ("/api/v1/actions/SECG01-01/updates", "observer", "ZQ progress"),
        ],
        "page",
    ),
    "actions.owneralias": Case(
        _service(_owner_alias),
        lambda w: [("/api/v1/audit?object_type=actions.owneralias", "pmo", "ZQ alias")],
        "service",
    ),
    "decisions.ruleset": Case(
        _service(
            lambda w: _decisions_services().save_rules(
                actor=w.users["admin"],
                programme=w.programme,
                version="ZQ9",
                regulator=None,
                via="the IPA",
                cumulative_from=None,
            )
        ),
        lambda w: [("/api/v1/audit?object_type=decisions.ruleset", "admin", "ZQ9")],
        "service",
    ),
    "decisions.delegation": Case(
        _service(
            lambda w: _decisions_services().save_delegation(
                actor=w.users["admin"],
                rules=w.rules,
                subject_type="design",
                label="ZQ design",
                level=3,
            )
        ),
        lambda w: [("/api/v1/audit?object_type=decisions.delegation", "admin", "ZQ design")],
        "service",
    ),
    "decisions.decision": Case(
        _api(
            "POST",
            "/api/v1/decisions",
            {
                "group": "PSG",
                "made_how": "chair",
                "subject": "ZQ decided",
                "subject_type": "programme",
                "outcome": "referred",
            },
            user="pmo",
        ),
        lambda w: [("/api/v1/decisions", "anonymous", "ZQ decided")],
        "api",
    ),
    "decisions.decisionview": Case(
        _api(
            "POST",
            "/api/v1/decisions",
            {
                "group": "PSG",
                "made_how": "chair",
                "subject": "ZQ with views",
                "subject_type": "programme",
                "outcome": "referred",
                "views": [{"kind": "minority", "text": "ZQ minority view"}],
            },
            user="pmo",
        ),
        lambda w: [("/api/v1/decisions?q=views", "rep", "ZQ minority view")],
        "api",
    ),
    "decisions.condition": Case(
        _service(_condition_met),
        lambda w: [(f"/api/v1/decisions/{w.decisions['psg'].ref}", "anonymous", '"met"')],
        "service",
    ),
    "decisions.escalation": Case(
        _api(
            "POST",
            "/api/v1/escalations/ESC001/answer",
            {"outcome": "ZQ answered escalation"},
            user="pmo",
            if_match=lambda w: w.escalations["sub"].version,
        ),
        lambda w: [("/api/v1/escalations/ESC001", "rep", "ZQ answered escalation")],
        "api",
    ),
    "decisions.appeal": Case(
        _api(
            "POST",
            "/api/v1/appeals/APP001/decision",
            {"result": "dismissed", "ipa_decision": "ZQ final"},
            user="pmo",
            if_match=lambda w: w.appeals["psg"].version,
        ),
        lambda w: [("/api/v1/appeals", "rep", "ZQ final")],
        "api",
    ),
    "meetings.calendarfeedtoken": Case(
        _api("DELETE", "/api/v1/meetings/feed-tokens/{w.tokens[rep].pk}", user="rep"),
        lambda w: [
            ("/api/v1/meetings/feed-tokens", "rep", "!" + w.tokens["rep"].prefix),
            (f"/meetings/feeds/people/{w.raw_tokens['rep']}.ics", "anonymous", "404"),
        ],
        "api",
    ),
}


def test_every_kind_has_a_case() -> None:
    assert set(CASES) == set(access.kinds()), "add a case for each new kind of object"
    assert {case.path for case in CASES.values()} == {"service", "page", "api"}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_write_changes_the_etag_of_what_it_affects(kind: str, db: Any) -> None:
    world = build_world()
    case = CASES[kind]
    client = Client()
    answers = case.answers(world)
    before = {
        (url, reader): current_etag(client, url, user=world.users[reader])
        for url, reader, _ in answers
    }
    case.write(world, Client())
    for url, reader, shown in answers:
        user = world.users[reader]
        if shown == "404":
            gone = page_call(client, "GET", url, user=user, HTTP_IF_NONE_MATCH=before[url, reader])
            assert gone.status_code == 404, f"{kind}: {url} answers {gone.status_code}, not 404"
            continue
        assert_etag_changed(client, url, before[url, reader], user=user)
        body = fresh_body(client, url, user=user).decode()
        if shown.startswith("!"):
            assert shown[1:] not in body, f"{kind}: {url} as {reader} still shows {shown[1:]!r}"
        else:
            assert shown in body, f"{kind}: {url} as {reader} does not show {shown!r}"


# --- the pack and command paths, on the MHHS pack ---------------------------------------


def _etags(client: Client, urls: list[str]) -> dict[str, str]:
    return {url: current_etag(client, url) for url in urls}


def test_loading_a_changed_pack_changes_the_etags(tmp_path: Path, db: Any) -> None:
    load_pack(DEFAULT_PACK)
    client = Client()
    urls = ["/", "/groups/PSG/", "/api/v1/groups/PSG"]
    before = _etags(client, urls)
    text = DEFAULT_PACK.read_text()
    assert "  name: Market-wide Half-Hourly Settlement\n" in text
    changed = tmp_path / "mhhs.yaml"
    changed.write_text(
        text.replace(
            "  name: Market-wide Half-Hourly Settlement\n", "  name: ZQ Settlement Programme\n", 1
        )
    )
    assert cli.main(["load-pack", str(changed)]) == 0
    for url in urls:
        assert_etag_changed(client, url, before[url])
    assert "ZQ Settlement Programme" in fresh_body(client, "/").decode()
    # Loading the same pack again writes nothing, so every ETag stands.
    after = _etags(client, urls)
    assert cli.main(["load-pack", str(changed)]) == 0
    assert _etags(client, urls) == after


def test_generating_meetings_changes_the_etags(db: Any) -> None:
    load_pack(DEFAULT_PACK)
    client = Client()
    urls = [
        "/meetings/groups/PSG/?month=2027-03",
        "/meetings/feeds/groups/PSG.ics",
        "/api/v1/meetings?group=PSG&start=2027-03-01&end=2027-03-31",
    ]
    before = _etags(client, urls)
    assert '"items": []' in fresh_body(client, urls[2]).decode().replace(
        '"items":[]', '"items": []'
    )
    call_command(
        "generate_meetings", "--until", "2027-12-31", "--pack", str(DEFAULT_PACK), stdout=StringIO()
    )
    for url in urls:
        assert_etag_changed(client, url, before[url])
    assert "PSG" in fresh_body(client, urls[2]).decode()
