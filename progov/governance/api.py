"""`/api/v1/groups`, constituencies, organisations, people and memberships.

Endpoints stay thin: they translate input to domain objects, call one service
and shape the answer. Rules live in services; visibility lives in selectors.
"""

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from progov.core.api import IF_MATCH, WRITE_ERRORS, actor, etag_for, versioned_write, writer
from progov.core.bounds import Day, Pagination, PathId
from progov.core.errors import NotFound, ValidationError
from progov.governance import selectors, services
from progov.governance.models import (
    Constituency,
    GovernanceGroup,
    MarketRole,
    Membership,
    Organisation,
    Person,
    Programme,
    Workstream,
)
from progov.governance.schemas import (
    ConstituencyOut,
    ConstituencyPatch,
    GroupIn,
    GroupOut,
    GroupPatch,
    MembershipIn,
    MembershipOut,
    MembershipPatch,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
    PersonIn,
    PersonOut,
    PersonPatch,
)

router = Router(tags=["governance"])
ERRORS = WRITE_ERRORS


def _programme(slug: str | None) -> Programme:
    return selectors.current_programme(slug=slug)


def _with_etag(response: HttpResponse, version: int) -> HttpResponse:
    response["ETag"] = etag_for(version)
    return response


def _parent(programme: Programme, acronym: str | None, user: Any) -> GovernanceGroup | None:
    if not acronym:
        return None
    try:
        return selectors.group_get(user=user, acronym=acronym, programme=programme)
    except NotFound:
        raise ValidationError.for_field("parent", f"No group {acronym!r} to report to.") from None


def _workstream(programme: Programme, name: str | None) -> Workstream | None:
    if not name:
        return None
    workstream = Workstream.objects.filter(programme=programme, name__iexact=name).first()
    if workstream is None:
        raise ValidationError.for_field("workstream", f"No workstream {name!r}.")
    return workstream


def _constituency(programme: Programme, code: str | None) -> Constituency | None:
    if not code:
        return None
    constituency = Constituency.objects.filter(programme=programme, code=code).first()
    if constituency is None:
        raise ValidationError.for_field("constituency", f"No constituency {code!r}.")
    return constituency


def _market_roles(codes: list[str]) -> list[MarketRole]:
    roles = list(MarketRole.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {r.code for r in roles})
    if missing:
        raise ValidationError.for_field(
            "market_roles", f"Unknown market roles: {', '.join(missing)}."
        )
    return roles


def _schedule_fields(schedule: Any) -> dict[str, Any]:
    return {
        "schedule_rrule": schedule.rrule.strip(),
        "schedule_start_time": schedule.start_time,
        "schedule_end_time": schedule.end_time,
        "schedule_note": schedule.note,
    }


# --- groups --------------------------------------------------------------------------


@router.get("/groups", response={200: list[GroupOut], **ERRORS})
@paginate(Pagination)
def list_groups(
    request: HttpRequest,
    programme: str | None = None,
    level: int | None = Query(None, ge=1, le=4, description="1–4"),
    status: str | None = None,
    workstream: str | None = None,
    parent: str | None = None,
    q: str | None = None,
) -> Any:
    """Groups of the programme, by level then acronym. Filter by level, status, workstream, parent, or `q`."""
    return selectors.group_list(
        user=actor(request),
        programme=_programme(programme),
        level=level,
        status=status,
        workstream=workstream,
        parent=parent,
        q=q,
    )


@router.get("/groups/{acronym}", response={200: GroupOut, **ERRORS})
def get_group(
    request: HttpRequest, acronym: str, response: HttpResponse, programme: str | None = None
) -> Any:
    group = selectors.group_get(
        user=actor(request), acronym=acronym, programme=_programme(programme)
    )
    response["ETag"] = etag_for(group.version)
    return group


@router.post("/groups", response={201: GroupOut, **ERRORS})
def create_group(
    request: HttpRequest, payload: GroupIn, response: HttpResponse, programme: str | None = None
) -> Any:
    user = writer(request)
    prog = _programme(programme)
    fields: dict[str, Any] = {
        "level": payload.level,
        "parent": _parent(prog, payload.parent, user),
        "workstream": _workstream(prog, payload.workstream),
        "purpose": payload.purpose,
        "objectives": "\n".join(payload.objectives),
        "attendance": payload.attendance,
        "status": payload.status,
        "timeframe": payload.timeframe,
    }
    if payload.schedule is not None:
        fields.update(_schedule_fields(payload.schedule))
    group = services.create_group(
        actor=user, programme=prog, name=payload.name, acronym=payload.acronym, **fields
    )
    group = selectors.group_get(user=user, acronym=group.acronym, programme=prog)
    response["ETag"] = etag_for(group.version)
    return Status(201, group)


@router.patch("/groups/{acronym}", response={200: GroupOut, **ERRORS}, openapi_extra=IF_MATCH)
def patch_group(
    request: HttpRequest,
    acronym: str,
    payload: GroupPatch,
    response: HttpResponse,
    programme: str | None = None,
) -> Any:
    """Change a group. Send `If-Match: <version>`; missing → 428, stale → 412."""
    prog = _programme(programme)
    data = payload.dict(exclude_unset=True)

    def write(user: Any, expected: int) -> GovernanceGroup:
        group = selectors.group_get(user=user, acronym=acronym, programme=prog)
        changes: dict[str, Any] = {}
        for key in ("name", "acronym", "level", "purpose", "attendance", "status", "timeframe"):
            if key in data:
                changes[key] = data[key] if data[key] is not None or key == "level" else ""
        if "parent" in data:
            changes["parent"] = _parent(prog, data["parent"], user)
        if "workstream" in data:
            changes["workstream"] = _workstream(prog, data["workstream"])
        if "objectives" in data:
            changes["objectives"] = "\n".join(data["objectives"] or [])
        if "schedule" in data and payload.schedule is not None:
            changes.update(_schedule_fields(payload.schedule))
        group = services.update_group(
            actor=user,
            group=group,
            expected_version=expected,
            status_date=data.get("status_date"),
            **changes,
        )
        return selectors.group_get(user=user, acronym=group.acronym, programme=prog)

    return versioned_write(request, response, write)


@router.get("/groups/{acronym}/members", response={200: list[MembershipOut], **ERRORS})
@paginate(Pagination)
def list_group_members(
    request: HttpRequest,
    acronym: str,
    programme: str | None = None,
    on: Day | None = None,
    include_past: bool = False,
) -> Any:
    """Members of a group: current ones (on `on`, default today), or everyone with `include_past`."""
    user = actor(request)
    group = selectors.group_get(user=user, acronym=acronym, programme=_programme(programme))
    return selectors.membership_list(
        user=user, group=group, current_on=None if include_past else (on or date.today())
    )


@router.post("/groups/{acronym}/members", response={201: MembershipOut, **ERRORS})
def add_group_member(
    request: HttpRequest,
    acronym: str,
    payload: MembershipIn,
    response: HttpResponse,
    programme: str | None = None,
) -> Any:
    user = writer(request)
    prog = _programme(programme)
    group = selectors.group_get(user=user, acronym=acronym, programme=prog)
    person = selectors.person_get(user=user, pk=payload.person_id)
    principal = None
    if payload.alternate_for is not None:
        principal = (
            selectors.membership_list(user=user, group=group)
            .filter(pk=payload.alternate_for)
            .first()
        )
        if principal is None:
            raise ValidationError.for_field(
                "alternate_for", f"No membership #{payload.alternate_for} of {group.acronym}."
            )
    membership = services.create_membership(
        actor=user,
        group=group,
        person=person,
        role=payload.role,
        start_date=payload.start_date,
        end_date=payload.end_date,
        constituency=_constituency(prog, payload.constituency),
        part=payload.part,
        alternate_for=principal,
    )
    response["ETag"] = etag_for(membership.version)
    return Status(201, membership)


def _membership(user: Any, membership_id: PathId) -> Membership:
    membership = selectors.membership_list(user=user).filter(pk=membership_id).first()
    if membership is None:
        raise NotFound(f"No membership #{membership_id}.")
    return membership


@router.get("/memberships/{membership_id}", response={200: MembershipOut, **ERRORS})
def get_membership(request: HttpRequest, membership_id: PathId, response: HttpResponse) -> Any:
    membership = _membership(actor(request), membership_id)
    response["ETag"] = etag_for(membership.version)
    return membership


@router.patch(
    "/memberships/{membership_id}", response={200: MembershipOut, **ERRORS}, openapi_extra=IF_MATCH
)
def patch_membership(
    request: HttpRequest, membership_id: PathId, payload: MembershipPatch, response: HttpResponse
) -> Any:
    data = payload.dict(exclude_unset=True)

    def write(user: Any, expected: int) -> Membership:
        membership = _membership(user, membership_id)
        changes: dict[str, Any] = {
            k: v for k, v in data.items() if k in ("role", "start_date", "end_date", "part")
        }
        if "constituency" in data:
            changes["constituency"] = _constituency(
                membership.group.programme, data["constituency"]
            )
        if "alternate_for" in data:
            changes["alternate_for"] = (
                _membership(user, data["alternate_for"])
                if data["alternate_for"] is not None
                else None
            )
        services.update_membership(
            actor=user, membership=membership, expected_version=expected, **changes
        )
        return _membership(user, membership_id)

    return versioned_write(request, response, write)


@router.delete(
    "/memberships/{membership_id}", response={204: None, **ERRORS}, openapi_extra=IF_MATCH
)
def delete_membership(request: HttpRequest, membership_id: PathId) -> Any:
    versioned_write(
        request,
        None,
        lambda user, expected: services.delete_membership(
            actor=user, membership=_membership(user, membership_id), expected_version=expected
        ),
    )
    return Status(204, None)


# --- constituencies ------------------------------------------------------------------


@router.get("/constituencies", response={200: list[ConstituencyOut], **ERRORS})
@paginate(Pagination)
def list_constituencies(
    request: HttpRequest, programme: str | None = None, kind: str | None = None
) -> Any:
    qs = selectors.constituency_list(user=actor(request), programme=_programme(programme))
    return qs.filter(kind=kind) if kind else qs


def _constituency_get(request: HttpRequest, code: str, programme: str | None) -> Constituency:
    found = (
        selectors.constituency_list(user=actor(request), programme=_programme(programme))
        .filter(code=code)
        .first()
    )
    if found is None:
        raise NotFound(f"No constituency {code!r}.")
    return found


@router.get("/constituencies/{code}", response={200: ConstituencyOut, **ERRORS})
def get_constituency(
    request: HttpRequest, code: str, response: HttpResponse, programme: str | None = None
) -> Any:
    constituency = _constituency_get(request, code, programme)
    response["ETag"] = etag_for(constituency.version)
    return constituency


@router.patch(
    "/constituencies/{code}", response={200: ConstituencyOut, **ERRORS}, openapi_extra=IF_MATCH
)
def patch_constituency(
    request: HttpRequest,
    code: str,
    payload: ConstituencyPatch,
    response: HttpResponse,
    programme: str | None = None,
) -> Any:
    return versioned_write(
        request,
        response,
        lambda user, expected: services.update_constituency(
            actor=user,
            constituency=_constituency_get(request, code, programme),
            expected_version=expected,
            **payload.dict(exclude_unset=True),
        ),
    )


# --- organisations -------------------------------------------------------------------


@router.get("/organisations", response={200: list[OrganisationOut], **ERRORS})
@paginate(Pagination)
def list_organisations(
    request: HttpRequest,
    programme: str | None = None,
    q: str | None = None,
    market_role: str | None = None,
) -> Any:
    return selectors.organisation_list(
        user=actor(request), programme=_programme(programme), q=q, market_role=market_role
    )


@router.get("/organisations/{organisation_id}", response={200: OrganisationOut, **ERRORS})
def get_organisation(request: HttpRequest, organisation_id: PathId, response: HttpResponse) -> Any:
    organisation = selectors.organisation_get(user=actor(request), pk=organisation_id)
    response["ETag"] = etag_for(organisation.version)
    return organisation


@router.post("/organisations", response={201: OrganisationOut, **ERRORS})
def create_organisation(
    request: HttpRequest,
    payload: OrganisationIn,
    response: HttpResponse,
    programme: str | None = None,
) -> Any:
    user = writer(request)
    organisation = services.create_organisation(
        actor=user,
        programme=_programme(programme),
        name=payload.name,
        short_name=payload.short_name,
        market_roles=_market_roles(payload.market_roles),
        website=payload.website,
    )
    response["ETag"] = etag_for(organisation.version)
    return Status(201, organisation)


@router.patch(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, **ERRORS},
    openapi_extra=IF_MATCH,
)
def patch_organisation(
    request: HttpRequest,
    organisation_id: PathId,
    payload: OrganisationPatch,
    response: HttpResponse,
) -> Any:
    data = payload.dict(exclude_unset=True)

    def write(user: Any, expected: int) -> Organisation:
        organisation = selectors.organisation_get(user=user, pk=organisation_id)
        if "market_roles" in data:
            data["market_roles"] = _market_roles(data["market_roles"] or [])
        return services.update_organisation(
            actor=user, organisation=organisation, expected_version=expected, **data
        )

    return versioned_write(request, response, write)


# --- people --------------------------------------------------------------------------


@router.get("/people", response={200: list[PersonOut], **ERRORS})
@paginate(Pagination)
def list_people(
    request: HttpRequest,
    programme: str | None = None,
    q: str | None = None,
    organisation_id: int | None = None,
) -> Any:
    user = actor(request)
    organisation = (
        selectors.organisation_get(user=user, pk=organisation_id) if organisation_id else None
    )
    return selectors.person_list(
        user=user, programme=_programme(programme), q=q, organisation=organisation
    )


@router.get("/people/{person_id}", response={200: PersonOut, **ERRORS})
def get_person(request: HttpRequest, person_id: PathId, response: HttpResponse) -> Any:
    person = selectors.person_get(user=actor(request), pk=person_id)
    response["ETag"] = etag_for(person.version)
    return person


@router.post("/people", response={201: PersonOut, **ERRORS})
def create_person(
    request: HttpRequest, payload: PersonIn, response: HttpResponse, programme: str | None = None
) -> Any:
    user = writer(request)
    organisation = (
        selectors.organisation_get(user=user, pk=payload.organisation_id)
        if payload.organisation_id
        else None
    )
    person = services.create_person(
        actor=user,
        programme=_programme(programme),
        name=payload.name,
        email=payload.email,
        job_title=payload.job_title,
        organisation=organisation,
    )
    response["ETag"] = etag_for(person.version)
    return Status(201, person)


@router.patch("/people/{person_id}", response={200: PersonOut, **ERRORS}, openapi_extra=IF_MATCH)
def patch_person(
    request: HttpRequest, person_id: PathId, payload: PersonPatch, response: HttpResponse
) -> Any:
    data = payload.dict(exclude_unset=True)

    def write(user: Any, expected: int) -> Person:
        changes = {k: v for k, v in data.items() if k != "organisation_id"}
        if "organisation_id" in data:
            changes["organisation"] = (
                selectors.organisation_get(user=user, pk=data["organisation_id"])
                if data["organisation_id"]
                else None
            )
        return services.update_person(
            actor=user,
            person=selectors.person_get(user=user, pk=person_id),
            expected_version=expected,
            **changes,
        )

    return versioned_write(request, response, write)
