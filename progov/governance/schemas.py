"""API shapes for the governance structure."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from ninja import Field, Schema

from progov.core import access
from progov.core.api import actor
from progov.core.bounds import Body, Day, Id, LocalTime, LocalTimeOut, Whole, line, text_of
from progov.governance.models import (
    AttendancePolicy,
    Constituency,
    GovernanceGroup,
    GroupStatus,
    MarketRole,
    Membership,
    MembershipRole,
    Organisation,
    Person,
    Workstream,
)
from progov.governance.schedules import describe_schedule

StatusValue = Literal[tuple(GroupStatus.values)]  # type: ignore[valid-type]
AttendancePolicyValue = Literal[tuple(AttendancePolicy.values)]  # type: ignore[valid-type]
RoleValue = Literal[tuple(MembershipRole.values)]  # type: ignore[valid-type]

# References by code or name carry the bounds of the column they name. (mypy sees the
# plain types: the bounds are runtime metadata.)
if TYPE_CHECKING:
    Acronym: TypeAlias = str
    WorkstreamName: TypeAlias = str
    ConstituencyCode: TypeAlias = str
    MarketRoleCodes: TypeAlias = list[str]
    Objectives: TypeAlias = list[str]
else:
    Acronym = text_of(GovernanceGroup, "acronym")
    WorkstreamName = text_of(Workstream, "name")
    ConstituencyCode = text_of(Constituency, "code")
    MarketRoleCodes = Annotated[list[text_of(MarketRole, "code")], Field(max_length=50)]
    #: One objective per item; they are stored one per line, so an item is one line.
    Objectives = Annotated[list[line(1000)], Field(max_length=100)]
Level = Whole


class ScheduleOut(Schema):
    rrule: str = Field(description="RFC 5545 RRULE without DTSTART; empty when not recurring")
    start_time: LocalTimeOut | None
    end_time: LocalTimeOut | None
    timezone: str
    text: str = Field(description='Plain English, e.g. "1st Wednesday of each month, 10:00–12:00"')


class ScheduleIn(Body):
    rrule: text_of(GovernanceGroup, "schedule_rrule") = Field(  # type: ignore[valid-type]
        "", description="RFC 5545 RRULE without DTSTART, e.g. FREQ=MONTHLY;BYDAY=1WE"
    )
    start_time: LocalTime | None = None
    end_time: LocalTime | None = None
    note: text_of(GovernanceGroup, "schedule_note") = ""  # type: ignore[valid-type]


class GroupOut(Schema):
    acronym: str
    name: str
    level: int | None
    parent: str | None
    workstream: str | None
    purpose: str
    objectives: list[str]
    attendance: str
    status: str
    timeframe: str
    is_formal: bool
    visibility: str
    schedule: ScheduleOut
    terms_of_reference_version: str | None
    version: int

    @staticmethod
    def resolve_parent(obj: Any, context: Any) -> str | None:
        # A parent the caller may not see is not named (as on the group page).
        parent = obj.parent if obj.parent_id else None
        if parent is None or not access.may_view(user=actor(context["request"]), obj=parent):
            return None
        return str(parent.acronym)

    @staticmethod
    def resolve_workstream(obj: Any) -> str | None:
        return obj.workstream.name if obj.workstream_id else None

    @staticmethod
    def resolve_objectives(obj: Any) -> list[str]:
        return list(obj.objectives_list)

    @staticmethod
    def resolve_schedule(obj: Any) -> dict[str, Any]:
        return {
            "rrule": obj.schedule_rrule,
            "start_time": obj.schedule_start_time,
            "end_time": obj.schedule_end_time,
            "timezone": obj.schedule_timezone,
            "text": describe_schedule(
                obj.schedule_rrule,
                obj.schedule_start_time,
                obj.schedule_end_time,
                obj.schedule_note,
            ),
        }

    @staticmethod
    def resolve_terms_of_reference_version(obj: Any) -> str | None:
        return getattr(obj, "current_tor_version", None)


class GroupIn(Body):
    acronym: text_of(GovernanceGroup, "acronym", min_length=1)  # type: ignore[valid-type]
    name: text_of(GovernanceGroup, "name", min_length=1)  # type: ignore[valid-type]
    level: Level | None = Field(None, ge=1, le=4)
    parent: Acronym | None = Field(None, description="The acronym of the group it reports to")
    workstream: WorkstreamName | None = None
    purpose: text_of(GovernanceGroup, "purpose") = ""  # type: ignore[valid-type]
    objectives: Objectives = []
    attendance: AttendancePolicyValue = "open"  # type: ignore[valid-type]
    status: StatusValue = "mobilised"  # type: ignore[valid-type]
    timeframe: text_of(GovernanceGroup, "timeframe") = ""  # type: ignore[valid-type]
    schedule: ScheduleIn | None = None


class GroupPatch(Body):
    name: text_of(GovernanceGroup, "name", min_length=1) | None = None  # type: ignore[valid-type]
    acronym: text_of(GovernanceGroup, "acronym", min_length=1) | None = None  # type: ignore[valid-type]
    level: Level | None = Field(None, ge=1, le=4)
    parent: Acronym | None = None
    workstream: WorkstreamName | None = None
    purpose: text_of(GovernanceGroup, "purpose") | None = None  # type: ignore[valid-type]
    objectives: Objectives | None = None
    attendance: AttendancePolicyValue | None = None  # type: ignore[valid-type]
    status: StatusValue | None = None  # type: ignore[valid-type]
    status_date: Day | None = None
    timeframe: text_of(GovernanceGroup, "timeframe") | None = None  # type: ignore[valid-type]
    schedule: ScheduleIn | None = None


class ConstituencyOut(Schema):
    code: str
    name: str
    kind: str
    description: str
    version: int


class ConstituencyPatch(Body):
    name: text_of(Constituency, "name", min_length=1) | None = None  # type: ignore[valid-type]
    description: text_of(Constituency, "description") | None = None  # type: ignore[valid-type]


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    market_roles: list[str]
    website: str
    version: int

    @staticmethod
    def resolve_market_roles(obj: Any) -> list[str]:
        return [r.name for r in obj.market_roles.all()]


class OrganisationIn(Body):
    name: text_of(Organisation, "name", min_length=1)  # type: ignore[valid-type]
    short_name: text_of(Organisation, "short_name") = ""  # type: ignore[valid-type]
    market_roles: MarketRoleCodes = Field(
        default=[], description="Market role codes, e.g. supplier, dno"
    )
    website: text_of(Organisation, "website") = ""  # type: ignore[valid-type]


class OrganisationPatch(Body):
    name: text_of(Organisation, "name", min_length=1) | None = None  # type: ignore[valid-type]
    short_name: text_of(Organisation, "short_name") | None = None  # type: ignore[valid-type]
    market_roles: MarketRoleCodes | None = None
    website: text_of(Organisation, "website") | None = None  # type: ignore[valid-type]


class PersonOut(Schema):
    id: int
    name: str
    job_title: str
    organisation: str | None
    email: str | None = Field(
        None, description="Personal data: shown to participants and to the person themself"
    )
    version: int

    @staticmethod
    def resolve_organisation(obj: Any) -> str | None:
        return obj.organisation.name if obj.organisation_id else None

    @staticmethod
    def resolve_email(obj: Any, context: Any) -> str | None:
        user = actor(context["request"])
        return None if "email" in access.hidden_fields(user=user, obj_or_kind=obj) else obj.email


class PersonIn(Body):
    name: text_of(Person, "name", min_length=1)  # type: ignore[valid-type]
    email: text_of(Person, "email") = ""  # type: ignore[valid-type]
    job_title: text_of(Person, "job_title") = ""  # type: ignore[valid-type]
    organisation_id: Id | None = None


class PersonPatch(Body):
    name: text_of(Person, "name", min_length=1) | None = None  # type: ignore[valid-type]
    email: text_of(Person, "email") | None = None  # type: ignore[valid-type]
    job_title: text_of(Person, "job_title") | None = None  # type: ignore[valid-type]
    organisation_id: Id | None = None


class MembershipOut(Schema):
    id: int
    group: str
    person: str
    person_id: int
    organisation: str | None
    role: str
    constituency: str | None
    part: str
    alternate_for: int | None = Field(None, description="Membership id of the representative")
    start_date: date
    end_date: date | None
    version: int

    @staticmethod
    def resolve_group(obj: Any) -> str:
        return str(obj.group.acronym)

    @staticmethod
    def resolve_person(obj: Any) -> str:
        return str(obj.person.name)

    @staticmethod
    def resolve_organisation(obj: Any) -> str | None:
        org = obj.person.organisation
        return org.name if org else None

    @staticmethod
    def resolve_constituency(obj: Any) -> str | None:
        return obj.constituency.code if obj.constituency_id else None

    @staticmethod
    def resolve_alternate_for(obj: Any) -> int | None:
        return obj.alternate_for_id


class MembershipIn(Body):
    person_id: Id
    role: RoleValue  # type: ignore[valid-type]
    constituency: ConstituencyCode | None = Field(None, description="Constituency code")
    part: text_of(Membership, "part") = ""  # type: ignore[valid-type]
    alternate_for: Id | None = None
    start_date: Day
    end_date: Day | None = None


class MembershipPatch(Body):
    role: RoleValue | None = None  # type: ignore[valid-type]
    constituency: ConstituencyCode | None = None
    part: text_of(Membership, "part") | None = None  # type: ignore[valid-type]
    alternate_for: Id | None = None
    start_date: Day | None = None
    end_date: Day | None = None
