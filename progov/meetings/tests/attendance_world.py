"""Builders for the attendance, coverage and clash tests (plain functions, no fixtures).

`psg_world` is PSG as the framework seats it: the SRO as chair, the PMO as
secretariat, the IPA, Ofgem as observer, and one representative per constituency
(some with an alternate). `tmag_world` adds TMAG's co-representation: Large Supplier
has a Testing and a Migration representative.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from progov.core.testing.factories import (
    ConstituencyFactory,
    GroupFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    SeatFactory,
)
from progov.governance.models import (
    Constituency,
    GovernanceGroup,
    Membership,
    Person,
    Programme,
)
from progov.meetings.models import Meeting, MeetingSeries

LONDON = ZoneInfo("Europe/London")
DAY = date(2023, 9, 6)  # PSG #24


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def meeting_of(
    group: GovernanceGroup,
    day: date = DAY,
    *,
    number: int = 24,
    start: tuple[int, int] = (10, 0),
    hours: float = 2,
    status: str = "planned",
) -> Meeting:
    begins = at(day, *start)
    return Meeting.objects.create(
        group=group,
        number_major=number,
        start=begins,
        end=begins + timedelta(hours=hours),
        scheduled_start=begins,
        status=status,
    )


@dataclass
class World:
    programme: Programme
    group: GovernanceGroup
    constituencies: dict[str, Constituency] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    memberships: dict[str, Membership] = field(default_factory=dict)

    def member(
        self,
        key: str,
        role: str,
        constituency: str | None = None,
        *,
        name: str | None = None,
        part: str = "",
        alternate_for: str | None = None,
        start: date = date(2022, 1, 1),
        end: date | None = None,
        person: Person | None = None,
        group: GovernanceGroup | None = None,
    ) -> Membership:
        if person is None:
            person = self.people.get(key) or PersonFactory(
                programme=self.programme,
                name=name or key.replace("-", " ").title(),
                organisation=OrganisationFactory(programme=self.programme),
            )
        self.people[key] = person
        m = MembershipFactory(
            group=group or self.group,
            person=person,
            role=role,
            constituency=self.constituencies[constituency] if constituency else None,
            part=part,
            alternate_for=self.memberships[alternate_for] if alternate_for else None,
            start_date=start,
            end_date=end,
        )
        self.memberships[f"{key}@{(group or self.group).acronym}"] = m
        self.memberships.setdefault(key, m)
        return m


PARTICIPANTS = [
    ("large-supplier", "Large Supplier", "participant"),
    ("medium-supplier", "Medium Supplier", "participant"),
    ("small-supplier", "Small Supplier", "participant"),
    ("dno", "Distribution Network Operator (DNO)", "participant"),
    ("idno", "Independent Distribution Network Operator (iDNO)", "participant"),
    ("elexon", "Elexon (central systems provider)", "central"),
    ("consumer", "Consumer", "other"),
]
NOT_COUNTED = [
    ("programme", "MHHS Programme (SRO and Lead Delivery Partner)", "programme"),
    ("ipa", "Independent Programme Assurance (IPA)", "assurance"),
    ("ofgem", "Ofgem", "regulator"),
]


def constituencies(programme: Programme) -> dict[str, Constituency]:
    return {
        code: ConstituencyFactory(programme=programme, code=code, name=name, kind=kind)
        for code, name, kind in PARTICIPANTS + NOT_COUNTED
    }


def psg_world(
    programme: Programme,
    psg: GovernanceGroup | None = None,
    *,
    quorum_chair: bool = True,
    quorum_min: int = 5,
) -> World:
    psg = psg or GroupFactory(programme=programme, acronym="PSG", level=2)
    world = World(programme=programme, group=psg, constituencies=constituencies(programme))
    MeetingSeries.objects.create(
        group=psg,
        starts_on=date(2022, 1, 1),
        quorum_chair_required=quorum_chair,
        quorum_min_constituencies=quorum_min,
    )
    for i, (code, _name, _kind) in enumerate(PARTICIPANTS):
        SeatFactory(
            group=psg,
            label=f"{chr(108 + i)}) {code} Representative",
            role="representative",
            constituency=world.constituencies[code],
        )
    SeatFactory(
        group=psg,
        label="a) SRO - Chair",
        role="chair",
        constituency=world.constituencies["programme"],
    )
    world.member("chair", "chair", "programme", name="Chris Welby")
    world.member("pmo", "secretariat", "programme", name="Pat Officer")
    world.member("ipa", "programme_lead", "ipa", name="Ivy Assurer")
    world.member("ofgem", "observer", "ofgem", name="Olu Regulator")
    for code, name, _kind in PARTICIPANTS:
        world.member(f"{code}-rep", "representative", code, name=f"{name.split(' (')[0]} Rep")
    world.member(
        "large-supplier-alt", "alternate", "large-supplier", alternate_for="large-supplier-rep"
    )
    world.member("dno-alt", "alternate", "dno", alternate_for="dno-rep")
    return world


def tmag_world(programme: Programme, *, psg: World | None = None) -> World:
    tmag = GroupFactory(programme=programme, acronym="TMAG", level=3)
    cs = psg.constituencies if psg else constituencies(programme)
    world = World(programme=programme, group=tmag, constituencies=cs)
    MeetingSeries.objects.create(
        group=tmag,
        starts_on=date(2022, 1, 1),
        quorum_chair_required=True,
        quorum_min_constituencies=2,
    )
    for code in ("large-supplier", "dno", "elexon"):
        SeatFactory(
            group=tmag, label=f"{code} Representative", role="representative", constituency=cs[code]
        )
    world.member("tmag-chair", "chair", "programme", name="Tess Chair")
    world.member(
        "ls-testing", "representative", "large-supplier", part="Testing", name="Lee Testing"
    )
    world.member(
        "ls-migration", "representative", "large-supplier", part="Migration", name="Lou Migration"
    )
    world.member(
        "ls-migration-alt",
        "alternate",
        "large-supplier",
        alternate_for="ls-migration",
        name="Alma Alternate",
    )
    world.member("tmag-dno", "representative", "dno", name="Dee Network")
    world.member("tmag-elexon", "representative", "elexon", name="Eli Central")
    return world
