"""API shapes for the governance structure."""

from __future__ import annotations

from datetime import date, time
from typing import Any, Literal

from ninja import Field, Schema

from progov.core import access
from progov.core.api import actor
from progov.governance.models import AttendancePolicy, GroupStatus, MembershipRole
from progov.governance.schedules import describe_schedule

StatusValue = Literal[tuple(GroupStatus.values)]  # type: ignore[valid-type]
AttendancePolicyValue = Literal[tuple(AttendancePolicy.values)]  # type: ignore[valid-type]
RoleValue = Literal[tuple(MembershipRole.values)]  # type: ignore[valid-type]


class ScheduleOut(Schema):
    rrule: str = Field(description="RFC 5545 RRULE without DTSTART; empty when not recurring")
    start_time: time | None
    end_time: time | None
    timezone: str
    text: str = Field(description='Plain English, e.g. "1st Wednesday of each month, 10:00–12:00"')


class ScheduleIn(Schema):
    rrule: str = ""
    start_time: time | None = None
    end_time: time | None = None
    note: str = ""


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


class GroupIn(Schema):
    acronym: str = Field(min_length=1, max_length=30)
    name: str = Field(min_length=1, max_length=200)
    level: int | None = Field(None, ge=1, le=4)
    parent: str | None = None
    workstream: str | None = None
    purpose: str = ""
    objectives: list[str] = []
    attendance: AttendancePolicyValue = "open"  # type: ignore[valid-type]
    status: StatusValue = "mobilised"  # type: ignore[valid-type]
    timeframe: str = ""
    schedule: ScheduleIn | None = None


class GroupPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    acronym: str | None = Field(None, min_length=1, max_length=30)
    level: int | None = Field(None, ge=1, le=4)
    parent: str | None = None
    workstream: str | None = None
    purpose: str | None = None
    objectives: list[str] | None = None
    attendance: AttendancePolicyValue | None = None  # type: ignore[valid-type]
    status: StatusValue | None = None  # type: ignore[valid-type]
    status_date: date | None = None
    timeframe: str | None = None
    schedule: ScheduleIn | None = None


class ConstituencyOut(Schema):
    code: str
    name: str
    kind: str
    description: str
    version: int


class ConstituencyPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=150)
    description: str | None = None


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


class OrganisationIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    short_name: str = ""
    market_roles: list[str] = Field(default=[], description="Market role codes, e.g. supplier, dno")
    website: str = ""


class OrganisationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    short_name: str | None = None
    market_roles: list[str] | None = None
    website: str | None = None


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


class PersonIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    email: str = ""
    job_title: str = ""
    organisation_id: int | None = None


class PersonPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    email: str | None = None
    job_title: str | None = None
    organisation_id: int | None = None


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


class MembershipIn(Schema):
    person_id: int
    role: RoleValue  # type: ignore[valid-type]
    constituency: str | None = Field(None, description="Constituency code")
    part: str = ""
    alternate_for: int | None = None
    start_date: date
    end_date: date | None = None


class MembershipPatch(Schema):
    role: RoleValue | None = None  # type: ignore[valid-type]
    constituency: str | None = None
    part: str | None = None
    alternate_for: int | None = None
    start_date: date | None = None
    end_date: date | None = None
