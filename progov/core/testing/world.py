"""A small programme with something of every classification, and a login of every demo
role: the world of the access-matrix test (progov/tests/test_access_matrix.py) and of any
test that asks "who sees what".

Groups: PSG and DAG are public, SEC is for participants, HID for its own members (a
group-classified group), RST restricted (nobody is named on it); SUB is public but
reports to SEC. Logins: `anonymous`, `public` (the public role), `observer` (a
participant with no membership), `rep` (represents a constituency on PSG, was on DAG
until 2021, is named on PSG's restricted paper), `chair` (chairs PSG), `pmo` (the
programme secretariat) and `admin`. Nobody of those is a member of HID or RST; `other`
(a person without a login) chairs DAG and is a member of HID.

Each object carries a marker (`ZQ … <key>`, or a group's acronym) in its title, text or
name, so a response can be searched for the objects its caller may not see
(`World.markers`). Every object also has an audit entry whose changes repeat its marker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model

from progov.audit.services import record_update
from progov.calendars.models import ClosureDay
from progov.core.testing.factories import (
    AgendaItemFactory,
    AmendmentRequestFactory,
    AttendanceFactory,
    ConstituencyFactory,
    ForwardLookItemFactory,
    GroupFactory,
    HeadlineReportFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PaperFactory,
    PersonFactory,
    ProgrammeFactory,
    PublishedHeadlineReportFactory,
    SeatFactory,
    UserFactory,
)
from progov.governance.models import NamedReader, TermsOfReference
from progov.meetings.services import create_feed_token

ROLES = ("anonymous", "public", "observer", "rep", "chair", "pmo", "admin")
"""The demo roles, from no access to all of it."""


@dataclass
class World:
    programme: Any
    users: dict[str, Any]
    people: dict[str, Any]
    groups: dict[str, Any]
    memberships: dict[str, Any]
    meetings: dict[str, Any]
    agenda: dict[str, Any]
    papers: dict[str, Any]
    reports: dict[str, Any]
    amendments: dict[str, Any]
    forward: dict[str, Any]
    attendance: dict[str, Any]
    tokens: dict[str, Any]
    # The raw feed token of each person's feed URL (shown once, as to its owner).
    raw_tokens: dict[str, str]
    terms: dict[str, Any]
    constituency: Any
    organisation: Any
    closure_day: Any
    # (object, marker): the marker appears only where the object is shown.
    markers: list[tuple[Model, str]] = field(default_factory=list)
    # Seats: one of PSG (held by nobody) and one of the hidden group.
    seats: dict[str, Any] = field(default_factory=dict)
    # Actions: PSG's owned by the rep's organisation and recommended for closure (PSG's
    # held meeting can confirm it), DAG's owned by `other`, SEC's and HID's.
    actions: dict[str, Any] = field(default_factory=dict)
    # Decisions of PSG and of the hidden group; an escalation from SUBG to SECG (SECG's
    # parent is PSG: it can go higher); an appeal of PSG's decision; the decision rules.
    decisions: dict[str, Any] = field(default_factory=dict)
    escalations: dict[str, Any] = field(default_factory=dict)
    appeals: dict[str, Any] = field(default_factory=dict)
    rules: Any = None

    def objects(self) -> list[Model]:
        return [obj for obj, _ in self.markers]


def build_world() -> World:
    """Build the world (rows through factories, audit entries through the audit service)."""
    programme = ProgrammeFactory(
        slug="mhhs", name="Market-wide Half-Hourly Settlement", short_name="MHHS"
    )
    users = {
        "anonymous": AnonymousUser(),
        "public": UserFactory(username="someone", role="public"),
        "observer": UserFactory(username="observer", role="observer"),
        "rep": UserFactory(username="rep", role="member"),
        "chair": UserFactory(username="chair", role="member"),
        "pmo": UserFactory(username="pmo", role="secretariat"),
        "admin": UserFactory(
            username="admin", role="administrator", is_superuser=True, is_staff=True
        ),
    }
    organisation = OrganisationFactory(programme=programme, name="Octopus Energy")
    constituency = ConstituencyFactory(programme=programme, code="large", name="Large Supplier")
    people = {
        "chair": PersonFactory(programme=programme, name="Chair Person", user=users["chair"]),
        "rep": PersonFactory(
            programme=programme, name="Rep Person", user=users["rep"], organisation=organisation
        ),
        "other": PersonFactory(programme=programme, name="Other Person"),
    }
    psg = GroupFactory(programme=programme, acronym="PSG", name="Programme Steering Group", level=2)
    groups = {
        "psg": psg,
        "dag": GroupFactory(
            programme=programme, acronym="DAG", name="Design Advisory Group", level=3, parent=psg
        ),
        "sec": GroupFactory(
            programme=programme,
            acronym="SECG",
            name="ZQ group sec",
            level=3,
            parent=psg,
            visibility="participants",
        ),
        "hid": GroupFactory(
            programme=programme,
            acronym="HIDG",
            name="ZQ group hid",
            level=3,
            parent=psg,
            visibility="group",
        ),
        "rst": GroupFactory(
            programme=programme,
            acronym="RSTG",
            name="ZQ group rst",
            level=3,
            parent=psg,
            visibility="restricted",
        ),
    }
    groups["sub"] = GroupFactory(
        programme=programme, acronym="SUBG", name="Sub Group", level=4, parent=groups["sec"]
    )
    memberships = {
        "psg-chair": MembershipFactory(
            group=psg, person=people["chair"], role="chair", constituency=None
        ),
        "psg-rep": MembershipFactory(group=psg, person=people["rep"], constituency=constituency),
        "dag-other": MembershipFactory(
            group=groups["dag"], person=people["other"], role="chair", constituency=None
        ),
        "dag-rep-ended": MembershipFactory(
            group=groups["dag"],
            person=people["rep"],
            constituency=constituency,
            start_date=date(2020, 1, 1),
            end_date=date(2021, 1, 1),
        ),
        "hid-other": MembershipFactory(
            group=groups["hid"], person=people["other"], constituency=constituency
        ),
    }
    seats = {
        "psg-seat": SeatFactory(
            group=psg, label="l) Large Supplier Representative", constituency=constituency
        ),
        "hid-seat": SeatFactory(group=groups["hid"], label="Hidden seat"),
    }
    # PSG's and DAG's meetings are past (DAG's was held, its report is a draft); PSG has a
    # next meeting and a cancelled one; the others are to come.
    when = {
        "psg": datetime(2024, 3, 6, 10, 0, tzinfo=UTC),
        "dag": datetime(2024, 3, 13, 10, 0, tzinfo=UTC),
        "sec": datetime(2031, 3, 5, 10, 0, tzinfo=UTC),
        "hid": datetime(2031, 3, 12, 10, 0, tzinfo=UTC),
        "rst": datetime(2031, 3, 19, 10, 0, tzinfo=UTC),
        "psg-next": datetime(2031, 4, 2, 10, 0, tzinfo=UTC),
        # Cancelled: it may only be reinstated.
        "psg-cancelled": datetime(2031, 5, 7, 10, 0, tzinfo=UTC),
    }
    meetings = {
        key: MeetingFactory(
            group=groups[key.split("-")[0]],
            title=f"ZQ meeting {key}",
            start=start,
            end=start + timedelta(hours=2),
            scheduled_start=start,
            status={"dag": "held", "psg-cancelled": "cancelled"}.get(key, "planned"),
        )
        for key, start in when.items()
    }
    agenda = {
        key: AgendaItemFactory(meeting=meeting, position=1, title=f"ZQ agenda {key}")
        for key, meeting in meetings.items()
    }
    for key, meeting in meetings.items():
        AgendaItemFactory(meeting=meeting, position=2, title=f"Second item {key}")
    papers = {
        "psg-public": PaperFactory(meeting=meetings["psg"], classification="public"),
        "psg-participants": PaperFactory(meeting=meetings["psg"], classification="participants"),
        "psg-group": PaperFactory(meeting=meetings["psg"], classification="group"),
        "psg-restricted": PaperFactory(meeting=meetings["psg"], classification="restricted"),
        "psg-draft": PaperFactory(meeting=meetings["psg"], published_at=None),
        "dag-public": PaperFactory(meeting=meetings["dag"], classification="public"),
        "dag-group": PaperFactory(meeting=meetings["dag"], classification="group"),
        "sec-public": PaperFactory(meeting=meetings["sec"], classification="public"),
        "hid-public": PaperFactory(meeting=meetings["hid"], classification="public"),
    }
    for key, paper in papers.items():
        paper.title = f"ZQ paper {key}"
        paper.save(update_fields=["title"])
    NamedReader.objects.create(
        object_type="meetings.paper",
        object_id=str(papers["psg-restricted"].pk),
        person=people["rep"],
    )
    reports = {
        "psg": PublishedHeadlineReportFactory(meeting=meetings["psg"], body="ZQ report psg"),
        "dag": HeadlineReportFactory(meeting=meetings["dag"], body="ZQ report dag"),
        "sec": PublishedHeadlineReportFactory(meeting=meetings["sec"], body="ZQ report sec"),
        "hid": PublishedHeadlineReportFactory(meeting=meetings["hid"], body="ZQ report hid"),
    }
    amendments = {
        key: AmendmentRequestFactory(
            report=reports[key],
            requested_by=None,
            requester_name=f"ZQ requester {key}",
            text=f"ZQ amendment {key}",
        )
        for key in ("psg", "sec", "hid")
    }
    forward = {
        key: ForwardLookItemFactory(
            group=groups[key], target_meeting=meetings[key], title=f"ZQ forward {key}"
        )
        for key in ("psg", "dag", "hid")
    }
    attendance = {
        "psg-rep": AttendanceFactory(
            meeting=meetings["psg"], person=people["rep"], membership=memberships["psg-rep"]
        ),
        "hid-other": AttendanceFactory(
            meeting=meetings["hid"], person=people["other"], membership=memberships["hid-other"]
        ),
    }
    issued = {key: create_feed_token(actor=None, person=people[key]) for key in ("rep", "other")}
    tokens = {key: token for key, (token, _) in issued.items()}
    raw_tokens = {key: raw for key, (_, raw) in issued.items()}
    terms = {
        key: TermsOfReference.objects.create(
            group=groups[key], version_number="1.0", date=date(2022, 1, 10), text=f"ZQ terms {key}"
        )
        for key in ("psg", "hid")
    }
    closure_day = ClosureDay.objects.create(
        programme=programme, date=date(2031, 12, 29), name="Christmas shutdown"
    )
    actions = _actions(programme, groups, meetings, organisation, people)
    rules, decisions, escalations, appeals = _decisions(programme, groups, people)
    world = World(
        programme=programme,
        users=users,
        people=people,
        groups=groups,
        memberships=memberships,
        meetings=meetings,
        agenda=agenda,
        papers=papers,
        reports=reports,
        amendments=amendments,
        forward=forward,
        attendance=attendance,
        tokens=tokens,
        raw_tokens=raw_tokens,
        terms=terms,
        constituency=constituency,
        organisation=organisation,
        closure_day=closure_day,
        seats=seats,
        actions=actions,
        decisions=decisions,
        escalations=escalations,
        appeals=appeals,
        rules=rules,
    )
    for group in groups.values():
        world.markers.append((group, group.acronym))
        if group.name.startswith("ZQ"):
            world.markers.append((group, group.name))
    for kind, objects in (
        ("meeting", meetings),
        ("agenda", agenda),
        ("paper", papers),
        ("report", reports),
        ("amendment", amendments),
        ("forward", forward),
        ("terms", terms),
        ("action", actions),
        ("decision", decisions),
        ("escalation", escalations),
        ("appeal", appeals),
    ):
        world.markers.extend((obj, f"ZQ {kind} {key}") for key, obj in objects.items())
    world.markers.extend((a, f"ZQ requester {k}") for k, a in amendments.items())
    world.markers.extend((t, t.prefix) for t in tokens.values())
    _audit_every_object(world)
    return world


def _actions(
    programme: Any,
    groups: dict[str, Any],
    meetings: dict[str, Any],
    organisation: Any,
    people: dict[str, Any],
) -> dict[str, Any]:
    from progov.actions.models import Action, ActionOwner

    def action(key: str, prefix: str, **values: Any) -> Any:
        made = Action.objects.create(
            programme=programme,
            group=groups[key],
            ref=f"{prefix}-01",
            ref_prefix=prefix,
            sequence=1,
            description=f"ZQ action {key}",
            owner_text=values.pop("owner_text", organisation.name),
            due_on=date(2031, 6, 1),
            **values,
        )
        return made

    found = {
        "psg": action(
            "psg",
            "PSG01",
            raised_on=date(2024, 1, 10),
            status="recommend_closed",
            closure_recommended_on=date(2024, 2, 1),
            latest_update="Done",
        ),
        "dag": action(
            "dag",
            "DAG02",
            meeting=meetings["dag"],
            raised_on=date(2024, 3, 13),
            status="ongoing",
            owner_text="Other Person",
        ),
        "sec": action("sec", "SECG01", raised_on=date(2024, 1, 10), status="ongoing"),
        "hid": action("hid", "HIDG01", raised_on=date(2024, 1, 10), status="ongoing"),
    }
    for key in ("psg", "sec", "hid"):
        ActionOwner.objects.create(action=found[key], organisation=organisation)
    ActionOwner.objects.create(action=found["dag"], person=people["other"])
    return found


def _decisions(programme: Any, groups: dict[str, Any], people: dict[str, Any]) -> tuple[Any, ...]:
    from progov.decisions.models import Appeal, Decision, Delegation, Escalation, RuleSet

    rules = RuleSet.objects.create(programme=programme, framework_version="3.2", via="the IPA")
    for subject, level in (("programme", 2), ("working", 4)):
        Delegation.objects.create(rules=rules, subject_type=subject, label=subject, level=level)
    decisions = {
        key: Decision.objects.create(
            programme=programme,
            group=groups[key],
            ref=f"{groups[key].acronym}01-D01",
            ref_prefix=f"{groups[key].acronym}01",
            sequence=1,
            made_how="chair",
            subject=f"ZQ decision {key}",
            subject_type="programme",
            outcome="accepted",
            decided_on=date(2024, 3, 6),
            rules_version="3.2",
        )
        for key in ("psg", "hid")
    }
    for key, decision in decisions.items():
        decision.conditions.create(text=f"A condition of {key}'s decision")
    escalations = {
        "sub": Escalation.objects.create(
            programme=programme,
            ref="ESC001",
            from_group=groups["sub"],
            to_group=groups["sec"],
            raised_by_text="Sub Group",
            raised_on=date(2024, 3, 7),
            subject="ZQ escalation sub",
            context="c",
            rationale="r",
            impact="i",
        )
    }
    appeals = {
        "psg": Appeal.objects.create(
            programme=programme,
            ref="APP001",
            decision=decisions["psg"],
            appellant_text="Octopus Energy",
            lodged_on=date(2024, 3, 8),
            grounds="ZQ appeal psg",
        )
    }
    return rules, decisions, escalations, appeals


def _audit_every_object(world: World) -> None:
    """One audit entry per marked object (its marker in the changes), and one per person
    carrying the e-mail address (personal data: not for the public)."""
    from django.db import transaction

    with transaction.atomic():
        for obj, marker in world.markers:
            record_update(actor=None, obj=obj, changes={"note": ["", marker]})
        for person in world.people.values():
            record_update(actor=None, obj=person, changes={"email": ["", person.email]})
