"""Writes to the governance structure. Each function is one atomic act with its audit entry.

Rules enforced here (each raises a ValidationError a user can act on):
- no cycles in the parent chain;
- a child's level is greater than its parent's unless either has none;
- acronyms are unique within a programme;
- membership dates are ordered;
- an alternate stands for a representative of the same group and constituency.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from progov.accounts.models import Role, User
from progov.accounts.services import create_user
from progov.audit.services import record_create, record_delete, record_update
from progov.audit.writes import (
    changing,
    check_fields,
    insert,
    refuse_empty,
    snapshot,
    update_versioned,
)
from progov.core import access
from progov.core.bounds import LOCAL_TIME_MESSAGE, bounds_errors
from progov.core.concurrency import bump_version, check_version
from progov.core.errors import ValidationError
from progov.core.workdays import CALENDARS
from progov.governance.models import (
    AttendancePolicy,
    Constituency,
    ConstituencyKind,
    DeadlineRule,
    FrameworkVersion,
    GovernanceGroup,
    GroupStatus,
    GroupStatusChange,
    GroupSuccession,
    MarketRole,
    Membership,
    MembershipRole,
    NamedReader,
    Organisation,
    Person,
    Programme,
    RegulatorThreshold,
    Seat,
    TermsOfReference,
    Visibility,
    Workstream,
)
from progov.governance.schedules import ScheduleError, validate_rrule
from progov.governance.timezones import is_known_zone, unknown_zone_message

GROUP_FIELDS = (
    "name",
    "acronym",
    "level",
    "parent",
    "workstream",
    "purpose",
    "objectives",
    "attendance",
    "attendance_note",
    "status",
    "timeframe",
    "is_formal",
    "visibility",
    "schedule_rrule",
    "schedule_start_time",
    "schedule_end_time",
    "schedule_note",
    "schedule_timezone",
)


# --- programme -----------------------------------------------------------------------


def _validate_programme(programme: Programme) -> None:
    errors: dict[str, list[str]] = bounds_errors(programme)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,49}", programme.slug or ""):
        errors["slug"] = [
            "A programme slug is lower-case letters, digits and hyphens, e.g. 'mhhs'."
        ]
    if not (programme.name or "").strip():
        errors["name"] = ["A programme needs a name."]
    if programme.governance_calendar not in CALENDARS:
        errors["governance_calendar"] = [
            f"Unknown working-day calendar {programme.governance_calendar!r}; "
            f"use one of {', '.join(sorted(CALENDARS))}."
        ]
    if not is_known_zone(programme.timezone):
        errors["timezone"] = [unknown_zone_message(programme.timezone)]
    if errors:
        raise ValidationError.from_field_errors(errors)


@transaction.atomic
def create_programme(*, actor: Any, slug: str, name: str, **fields: Any) -> Programme:
    access.require(user=actor, action="create", obj=Programme())
    if Programme.objects.filter(slug=slug).exists():
        raise ValidationError.for_field("slug", f"A programme with slug {slug!r} already exists.")
    programme = Programme(slug=slug, name=name, **fields)
    _validate_programme(programme)
    programme.save()
    record_create(
        actor=actor,
        obj=programme,
        fields=snapshot(
            programme,
            ["slug", "name", "short_name", "sponsor", "governance_calendar", "timezone"],
        ),
    )
    return programme


@transaction.atomic
def update_programme(
    *, actor: Any, programme: Programme, expected_version: int | None, **changes: Any
) -> Programme:
    return update_versioned(
        actor=actor,
        model_or_queryset=Programme,
        pk=programme.pk,
        expected_version=expected_version,
        changes=changes,
        validate=_validate_programme,
    )


@transaction.atomic
def create_workstream(
    *, actor: Any, programme: Programme, name: str, mailbox: str = ""
) -> Workstream:
    access.require(user=actor, action="create", obj=Workstream(programme=programme))
    if Workstream.objects.filter(programme=programme, name=name).exists():
        raise ValidationError.for_field("name", f"Workstream {name!r} already exists.")
    workstream = insert(Workstream, programme=programme, name=name, mailbox=mailbox)
    record_create(actor=actor, obj=workstream, fields={"name": name, "mailbox": mailbox})
    return workstream


# --- groups --------------------------------------------------------------------------


def _validate_group(group: GovernanceGroup) -> None:
    """Check the structural rules for a group as it is about to be saved."""
    errors: dict[str, list[str]] = bounds_errors(group)
    acronym = (group.acronym or "").strip()
    if not acronym:
        errors.setdefault("acronym", []).append("Every group needs an acronym.")
    elif (
        GovernanceGroup.objects.filter(programme_id=group.programme_id, acronym__iexact=acronym)
        .exclude(pk=group.pk)
        .exists()
    ):
        errors.setdefault("acronym", []).append(
            f"Another group of this programme already uses the acronym {acronym!r}."
        )
    if not (group.name or "").strip():
        errors.setdefault("name", []).append("Every group needs a name.")
    if group.level is not None and not 1 <= group.level <= 4:
        errors.setdefault("level", []).append("Level must be 1, 2, 3 or 4 (or none).")
    if group.attendance not in AttendancePolicy.values:
        errors.setdefault("attendance", []).append(
            f"Attendance must be one of {AttendancePolicy.values}."
        )
    if group.status not in GroupStatus.values:
        errors.setdefault("status", []).append(f"Status must be one of {GroupStatus.values}.")
    if group.visibility not in Visibility.values:
        errors.setdefault("visibility", []).append(
            f"Visibility must be one of {Visibility.values}."
        )
    if not is_known_zone(group.schedule_timezone):
        errors.setdefault("schedule_timezone", []).append(
            unknown_zone_message(group.schedule_timezone)
        )
    parent = group.parent
    if parent is not None:
        if parent.programme_id != group.programme_id:
            errors.setdefault("parent", []).append("The parent must belong to the same programme.")
        # Walk up from the parent: meeting the group itself means a cycle.
        seen: set[int] = set()
        node: GovernanceGroup | None = parent
        while node is not None:
            if group.pk is not None and node.pk == group.pk:
                errors.setdefault("parent", []).append(
                    f"{parent.acronym} cannot be the parent of {acronym}: "
                    f"{parent.acronym} already reports (directly or indirectly) to {acronym}."
                )
                break
            if node.pk in seen:  # a cycle already in the data; do not loop forever
                break
            seen.add(node.pk)
            node = node.parent
        if group.level is not None and parent.level is not None and group.level <= parent.level:
            errors.setdefault("level", []).append(
                f"{acronym} is level {group.level} but its parent {parent.acronym} is level "
                f"{parent.level}; a child's level must be greater than its parent's."
            )
    if group.schedule_rrule:
        try:
            validate_rrule(group.schedule_rrule)
        except ScheduleError as exc:
            errors.setdefault("schedule_rrule", []).append(str(exc))
        if group.schedule_start_time is None or group.schedule_end_time is None:
            errors.setdefault("schedule_start_time", []).append(
                "A recurring schedule needs a start and an end time."
            )
    offsets = {
        name: [LOCAL_TIME_MESSAGE]
        for name in ("schedule_start_time", "schedule_end_time")
        if getattr(group, name) is not None and getattr(group, name).tzinfo is not None
    }
    for name, messages in offsets.items():
        errors.setdefault(name, messages)
    if (
        not offsets
        and group.schedule_start_time is not None
        and group.schedule_end_time is not None
        and group.schedule_end_time <= group.schedule_start_time
    ):
        errors.setdefault("schedule_end_time", []).append("The meeting must end after it starts.")
    for child in group.children.all() if group.pk else []:
        if child.level is not None and group.level is not None and child.level <= group.level:
            errors.setdefault("level", []).append(
                f"{child.acronym} (level {child.level}) reports to {acronym}; "
                f"{acronym} must stay above it."
            )
    if errors:
        raise ValidationError.from_field_errors(errors)


@transaction.atomic
def create_group(
    *,
    actor: Any,
    programme: Programme,
    name: str,
    acronym: str,
    effective_date: date | None = None,
    status_note: str = "Group created",
    **fields: Any,
) -> GovernanceGroup:
    """Create a group; its first status is recorded in the dated status history.

    A pack passes the seed's date and note for that first status, e.g. TAG
    "mobilised" on 1 Jan 2022 ("The TAG was convened in January 2022").
    """
    access.require(user=actor, action="create", obj=GovernanceGroup(programme=programme))
    group = GovernanceGroup(programme=programme, name=name, acronym=acronym.strip(), **fields)
    _validate_group(group)
    group.save()
    insert(
        GroupStatusChange,
        group=group,
        status=group.status,
        effective_date=effective_date or date.today(),
        note=status_note,
    )
    record_create(actor=actor, obj=group, fields=snapshot(group, GROUP_FIELDS))
    return group


@transaction.atomic
def update_group(
    *,
    actor: Any,
    group: GovernanceGroup,
    expected_version: int | None,
    status_date: date | None = None,
    status_note: str = "",
    **changes: Any,
) -> GovernanceGroup:
    """Change a group's fields; a status change is also recorded with its date."""
    check_fields(changes, GROUP_FIELDS)
    if isinstance(changes.get("acronym"), str):
        changes["acronym"] = changes["acronym"].strip()
    with changing(
        GovernanceGroup,
        group.pk,
        actor=actor,
        expected_version=expected_version,
        fields=GROUP_FIELDS,
        validate=_validate_group,
    ) as change:
        refuse_empty(changes, ("name", "acronym", "attendance", "status"))
        for key, value in changes.items():
            setattr(change.obj, key, value)
    if "status" in change.delta:
        insert(
            GroupStatusChange,
            group=change.obj,
            status=change.obj.status,
            effective_date=status_date or date.today(),
            note=status_note,
        )
    return change.obj


@transaction.atomic
def add_terms_of_reference(
    *,
    actor: Any,
    group: GovernanceGroup,
    version_number: str,
    date: date,
    text: str,
    change_note: str = "",
) -> TermsOfReference:
    """Add a new version of a group's terms of reference; earlier versions stay readable."""
    access.require(user=actor, action="create", obj=TermsOfReference(group=group))
    if not text.strip():
        raise ValidationError.for_field("text", "Terms of reference need some text.")
    if TermsOfReference.objects.filter(group=group, version_number=version_number).exists():
        raise ValidationError.for_field(
            "version_number",
            f"{group.acronym} already has terms of reference version {version_number}.",
        )
    tor = insert(
        TermsOfReference,
        group=group,
        version_number=version_number,
        date=date,
        text=text,
        change_note=change_note,
    )
    record_create(
        actor=actor,
        obj=tor,
        fields={
            "group": group.acronym,
            "version_number": version_number,
            "date": date,
            "change_note": change_note,
        },
    )
    return tor


@transaction.atomic
def record_group_succession(
    *,
    actor: Any,
    predecessor: GovernanceGroup,
    successor: GovernanceGroup,
    date: date | None,
    reason: str = "",
) -> GroupSuccession:
    """Record that `predecessor` was replaced by `successor` (e.g. TMAG → SITAG, CR035)."""
    access.require(user=actor, action="restructure", obj=predecessor)
    if predecessor.pk == successor.pk:
        raise ValidationError.for_field("successor", "A group cannot succeed itself.")
    if predecessor.programme_id != successor.programme_id:
        raise ValidationError.for_field(
            "successor", "Both groups must belong to the same programme."
        )
    # A group cannot be (transitively) its own predecessor.
    frontier = {successor.pk}
    seen: set[int] = set()
    while frontier:
        if predecessor.pk in frontier:
            break
        seen |= frontier
        frontier = (
            set(
                GroupSuccession.objects.filter(predecessor_id__in=frontier).values_list(
                    "successor_id", flat=True
                )
            )
            - seen
        )
    if predecessor.pk in frontier:
        raise ValidationError.for_field(
            "successor",
            f"{successor.acronym} already precedes {predecessor.acronym}; that would be a loop.",
        )
    if GroupSuccession.objects.filter(predecessor=predecessor, successor=successor).exists():
        raise ValidationError(f"{predecessor.acronym} → {successor.acronym} is already recorded.")
    succession = insert(
        GroupSuccession, predecessor=predecessor, successor=successor, date=date, reason=reason
    )
    record_create(
        actor=actor,
        obj=succession,
        fields={
            "predecessor": predecessor.acronym,
            "successor": successor.acronym,
            "date": date,
            "reason": reason,
        },
    )
    return succession


@transaction.atomic
def restructure_group(
    *,
    actor: Any,
    predecessor: GovernanceGroup,
    successor: GovernanceGroup,
    date: date | None,
    reason: str = "",
    stand_down: bool = False,
    expected_version: int | None = None,
) -> GroupSuccession:
    """Record a restructure, and (with `stand_down`) the predecessor standing down on
    its date with the reason as the status note: TMAG stood down on 27 Nov 2023 when
    CR035 replaced it with SITAG, MCAG and QAG. One act: both, or neither."""
    succession = record_group_succession(
        actor=actor, predecessor=predecessor, successor=successor, date=date, reason=reason
    )
    if stand_down:
        if predecessor.status == GroupStatus.STOOD_DOWN:
            raise ValidationError.for_field(
                "stand_down", f"{predecessor.acronym} has already stood down."
            )
        update_group(
            actor=actor,
            group=predecessor,
            expected_version=expected_version,
            status=GroupStatus.STOOD_DOWN,
            status_date=date,
            status_note=reason or f"Succeeded by {successor.acronym}",
        )
    return succession


# --- constituencies, organisations, people -------------------------------------------


@transaction.atomic
def create_constituency(
    *,
    actor: Any,
    programme: Programme,
    code: str,
    name: str,
    kind: str = ConstituencyKind.PARTICIPANT,
    description: str = "",
) -> Constituency:
    access.require(user=actor, action="create", obj=Constituency(programme=programme))
    if kind not in ConstituencyKind.values:
        raise ValidationError.for_field("kind", f"Kind must be one of {ConstituencyKind.values}.")
    if Constituency.objects.filter(programme=programme, code=code).exists():
        raise ValidationError.for_field("code", f"Constituency {code!r} already exists.")
    constituency = insert(
        Constituency, programme=programme, code=code, name=name, kind=kind, description=description
    )
    record_create(actor=actor, obj=constituency, fields={"code": code, "name": name, "kind": kind})
    return constituency


@transaction.atomic
def update_constituency(
    *, actor: Any, constituency: Constituency, expected_version: int | None, **changes: Any
) -> Constituency:
    return update_versioned(
        actor=actor,
        model_or_queryset=Constituency,
        pk=constituency.pk,
        expected_version=expected_version,
        changes={k: v or "" for k, v in changes.items()},
        fields=("name", "kind", "description"),
        required=("name", "kind"),
    )


@transaction.atomic
def create_organisation(
    *,
    actor: Any,
    programme: Programme,
    name: str,
    short_name: str = "",
    market_roles: list[Any] | None = None,
    website: str = "",
) -> Organisation:
    access.require(user=actor, action="create", obj=Organisation(programme=programme))
    if Organisation.objects.filter(programme=programme, name=name).exists():
        raise ValidationError.for_field("name", f"Organisation {name!r} already exists.")
    organisation = insert(
        Organisation, programme=programme, name=name, short_name=short_name, website=website
    )
    roles = list(market_roles or [])
    organisation.market_roles.set(roles)
    record_create(
        actor=actor,
        obj=organisation,
        fields={
            "name": name,
            "short_name": short_name,
            "market_roles": sorted(r.name for r in roles),
        },
    )
    return organisation


@transaction.atomic
def update_organisation(
    *, actor: Any, organisation: Organisation, expected_version: int | None, **changes: Any
) -> Organisation:
    """Change an organisation's names, website or market roles (one version, one entry)."""
    roles = changes.pop("market_roles", None)
    check_fields(changes, ("name", "short_name", "website"))
    with changing(
        Organisation,
        organisation.pk,
        actor=actor,
        expected_version=expected_version,
        fields=("name", "short_name", "website", "market_roles"),
    ) as change:
        refuse_empty(changes, ("name",))
        for key, value in changes.items():
            setattr(change.obj, key, value or "")
        if roles is not None:
            change.obj.market_roles.set(roles)
    return change.obj


@transaction.atomic
def create_person(
    *,
    actor: Any,
    programme: Programme,
    name: str,
    email: str = "",
    job_title: str = "",
    organisation: Organisation | None = None,
    user: Any = None,
) -> Person:
    access.require(user=actor, action="create", obj=Person(programme=programme))
    if not name.strip():
        raise ValidationError.for_field("name", "A person needs a name.")
    person = insert(
        Person,
        programme=programme,
        name=name.strip(),
        email=email,
        job_title=job_title,
        organisation=organisation,
        user=user,
    )
    record_create(
        actor=actor,
        obj=person,
        fields=snapshot(person, ["name", "email", "job_title", "organisation"]),
    )
    return person


@transaction.atomic
def update_person(
    *, actor: Any, person: Person, expected_version: int | None, **changes: Any
) -> Person:
    text = ("name", "email", "job_title")
    email_before = Person.objects.filter(pk=person.pk).values_list("email", flat=True).first()
    updated: Person = update_versioned(
        actor=actor,
        model_or_queryset=Person,
        pk=person.pk,
        expected_version=expected_version,
        changes={k: (v or "") if k in text else v for k, v in changes.items()},
        fields=("name", "email", "job_title", "organisation", "user"),
        required=("name",),
    )
    # A linked login's e-mail (where its password-reset link goes) follows the person's
    # only when an administrator changes it: anyone else could otherwise point someone's
    # reset link at themselves and take over that login.
    administrator = actor is None or access.scope_of(actor).administrator
    changed = updated.email != email_before
    if changed and updated.user_id is not None and administrator:
        User.objects.filter(pk=updated.user_id).update(email=updated.email)
    return updated


# --- seats and memberships -----------------------------------------------------------


@transaction.atomic
def create_seat(
    *,
    actor: Any,
    group: GovernanceGroup,
    label: str,
    role: str,
    constituency: Constituency | None = None,
    position: int = 0,
) -> Seat:
    """Add a seat that the group's terms of reference define (filled later by a membership)."""
    access.require(user=actor, action="create", obj=Seat(group=group))
    if role not in MembershipRole.values:
        raise ValidationError.for_field("role", f"Role must be one of {MembershipRole.values}.")
    if Seat.objects.filter(group=group, label=label).exists():
        raise ValidationError.for_field("label", f"{group.acronym} already has a seat {label!r}.")
    seat = insert(
        Seat, group=group, label=label, role=role, constituency=constituency, position=position
    )
    record_create(
        actor=actor,
        obj=seat,
        fields=snapshot(seat, ["group", "label", "role", "constituency", "position"]),
    )
    return seat


MEMBERSHIP_FIELDS = (
    "role",
    "constituency",
    "seat",
    "part",
    "alternate_for",
    "start_date",
    "end_date",
)


def _validate_membership(m: Membership) -> None:
    errors: dict[str, list[str]] = bounds_errors(m)
    if m.role not in MembershipRole.values:
        errors.setdefault("role", []).append(f"Role must be one of {MembershipRole.values}.")
    if m.end_date is not None and m.start_date is not None and m.end_date < m.start_date:
        errors.setdefault("end_date", []).append(
            f"The membership ends ({m.end_date:%d %b %Y}) before it starts ({m.start_date:%d %b %Y})."
        )
    if m.person.programme_id != m.group.programme_id:
        errors.setdefault("person", []).append("The person belongs to another programme.")
    if m.seat is not None and m.seat.group_id != m.group_id:
        errors.setdefault("seat", []).append("The seat belongs to another group.")
    if m.role == MembershipRole.ALTERNATE:
        principal = m.alternate_for
        if principal is None:
            errors.setdefault("alternate_for", []).append(
                "An alternate must name the representative they stand in for."
            )
        else:
            if principal.role != MembershipRole.REPRESENTATIVE:
                errors.setdefault("alternate_for", []).append(
                    f"{principal.person} is not a representative; an alternate stands for a representative."
                )
            if principal.group_id != m.group_id:
                errors.setdefault("alternate_for", []).append(
                    "An alternate stands for a representative of the same group."
                )
            if principal.constituency_id != m.constituency_id:
                errors.setdefault("alternate_for", []).append(
                    "An alternate stands for a representative of the same constituency."
                )
            if principal.person_id == m.person_id:
                errors.setdefault("alternate_for", []).append("Nobody can be their own alternate.")
    elif m.alternate_for is not None:
        errors.setdefault("alternate_for", []).append("Only an alternate stands for someone.")
    if m.role == MembershipRole.REPRESENTATIVE and m.constituency is None:
        errors.setdefault("constituency", []).append("A representative represents a constituency.")
    if errors:
        raise ValidationError.from_field_errors(errors)


@transaction.atomic
def create_membership(
    *,
    actor: Any,
    group: GovernanceGroup,
    person: Person,
    role: str,
    start_date: date,
    constituency: Constituency | None = None,
    seat: Seat | None = None,
    part: str = "",
    alternate_for: Membership | None = None,
    end_date: date | None = None,
) -> Membership:
    access.require(user=actor, action="create", obj=Membership(group=group, person=person))
    membership = Membership(
        group=group,
        person=person,
        role=role,
        constituency=constituency,
        seat=seat,
        part=part,
        alternate_for=alternate_for,
        start_date=start_date,
        end_date=end_date,
    )
    _validate_membership(membership)
    membership.save()
    record_create(
        actor=actor,
        obj=membership,
        fields={
            "group": group.acronym,
            "person": person.name,
            **snapshot(membership, MEMBERSHIP_FIELDS),
        },
    )
    access.forget_scopes()  # whoever holds it has a new role in the group
    return membership


@transaction.atomic
def update_membership(
    *, actor: Any, membership: Membership, expected_version: int | None, **changes: Any
) -> Membership:
    if "part" in changes:
        changes["part"] = changes["part"] or ""
    updated = update_versioned(
        actor=actor,
        model_or_queryset=Membership.objects.select_related("group", "person"),
        pk=membership.pk,
        expected_version=expected_version,
        changes=changes,
        fields=MEMBERSHIP_FIELDS,
        validate=_validate_membership,
        required=("role", "start_date"),
    )
    access.forget_scopes()  # a changed role or end date changes what its holder may do
    return updated


@transaction.atomic
def delete_membership(*, actor: Any, membership: Membership, expected_version: int | None) -> None:
    """Remove a membership entered in error (ending it keeps history: prefer end_date)."""
    access.require(user=actor, action="delete", obj=membership)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    check_version(membership, expected_version)
    fields = {
        "group": membership.group.acronym,
        "person": membership.person.name,
        **snapshot(membership, MEMBERSHIP_FIELDS),
    }
    for alternate in membership.alternates.all():
        record_delete(actor=actor, obj=alternate, fields={"alternate_for": str(membership)})
    record_delete(actor=actor, obj=membership, fields=fields)
    membership.delete()
    access.forget_scopes()


# --- plain updates of objects without a version counter --------------------------------


def _update_plain(
    *,
    actor: Any,
    model: type[Any],
    obj: Any,
    allowed: tuple[str, ...],
    changes: dict[str, Any],
    validate: Any = None,
) -> Any:
    """Updates to rows that carry no `version` (seats, rules, history rows): the same
    write path, without a version to check or bump."""
    access.require(user=actor, action="change", obj=obj)
    return update_versioned(
        actor=actor,
        model_or_queryset=model,
        pk=obj.pk,
        expected_version=None,
        changes=changes,
        fields=allowed,
        validate=validate,
    )


# --- workstreams and market roles ----------------------------------------------------


@transaction.atomic
def update_workstream(*, actor: Any, workstream: Workstream, **changes: Any) -> Workstream:
    """Rename a workstream or change its mailbox, e.g. Design → Design@mhhsprogramme.co.uk."""

    def validate(ws: Workstream) -> None:
        if not ws.name.strip():
            raise ValidationError.for_field("name", "A workstream needs a name.")
        if (
            Workstream.objects.filter(programme_id=ws.programme_id, name=ws.name)
            .exclude(pk=ws.pk)
            .exists()
        ):
            raise ValidationError.for_field("name", f"Workstream {ws.name!r} already exists.")

    result: Workstream = _update_plain(
        actor=actor,
        model=Workstream,
        obj=workstream,
        allowed=("name", "mailbox"),
        changes=changes,
        validate=validate,
    )
    return result


_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


@transaction.atomic
def create_market_role(*, actor: Any, code: str, name: str) -> MarketRole:
    """Add a market role organisations can play, e.g. `central-system-provider`."""
    access.require(user=actor, action="create", obj=MarketRole())
    if not _SLUG.match(code or ""):
        raise ValidationError.for_field(
            "code", f"Market role code {code!r} must be letters, digits, '-' or '_'."
        )
    if not name.strip():
        raise ValidationError.for_field("name", "A market role needs a name.")
    if MarketRole.objects.filter(code=code).exists():
        raise ValidationError.for_field("code", f"Market role {code!r} already exists.")
    if MarketRole.objects.filter(name=name).exists():
        raise ValidationError.for_field("name", f"Another market role is already called {name!r}.")
    role = insert(MarketRole, code=code, name=name)
    record_create(actor=actor, obj=role, fields={"code": code, "name": name})
    return role


@transaction.atomic
def update_market_role(*, actor: Any, market_role: MarketRole, name: str) -> MarketRole:
    """Rename a market role (market roles are shared by every programme)."""

    def validate(role: MarketRole) -> None:
        if not role.name.strip():
            raise ValidationError.for_field("name", "A market role needs a name.")
        if MarketRole.objects.filter(name=role.name).exclude(pk=role.pk).exists():
            raise ValidationError.for_field(
                "name", f"Another market role is already called {role.name!r}."
            )

    result: MarketRole = _update_plain(
        actor=actor,
        model=MarketRole,
        obj=market_role,
        allowed=("name",),
        changes={"name": name},
        validate=validate,
    )
    return result


# --- group history, terms of reference, seats, successions ---------------------------


@transaction.atomic
def add_group_status_change(
    *,
    actor: Any,
    group: GovernanceGroup,
    status: str,
    effective_date: date,
    note: str = "",
) -> GroupStatusChange:
    """Record a past status in a group's dated history without changing its current status.

    Used to fill in history that predates the record, e.g. TMAG "mobilised" from
    1 Mar 2022 when the group is loaded already stood down (27 Nov 2023, CR035).
    To change the current status use `update_group(status=…, status_date=…)`.
    """
    access.require(user=actor, action="create", obj=GroupStatusChange(group=group))
    if status not in GroupStatus.values:
        raise ValidationError.for_field("status", f"Status must be one of {GroupStatus.values}.")
    if GroupStatusChange.objects.filter(
        group=group, status=status, effective_date=effective_date
    ).exists():
        raise ValidationError(
            f"{group.acronym} already has status {status!r} recorded on {effective_date:%d %b %Y}."
        )
    entry = insert(
        GroupStatusChange, group=group, status=status, effective_date=effective_date, note=note
    )
    record_create(
        actor=actor,
        obj=entry,
        fields={
            "group": group.acronym,
            "status": status,
            "effective_date": effective_date,
            "note": note,
        },
    )
    return entry


@transaction.atomic
def update_group_status_change(
    *, actor: Any, entry: GroupStatusChange, note: str
) -> GroupStatusChange:
    """Correct the note on a status history entry (its status and date are its identity)."""
    result: GroupStatusChange = _update_plain(
        actor=actor, model=GroupStatusChange, obj=entry, allowed=("note",), changes={"note": note}
    )
    return result


@transaction.atomic
def update_terms_of_reference(
    *, actor: Any, tor: TermsOfReference, **changes: Any
) -> TermsOfReference:
    """Correct a ToR version's date, change note or text (a new version is a new row)."""

    def validate(t: TermsOfReference) -> None:
        if not t.text.strip():
            raise ValidationError.for_field("text", "Terms of reference need some text.")

    result: TermsOfReference = _update_plain(
        actor=actor,
        model=TermsOfReference,
        obj=tor,
        allowed=("date", "change_note", "text"),
        changes=changes,
        validate=validate,
    )
    return result


@transaction.atomic
def update_seat(*, actor: Any, seat: Seat, **changes: Any) -> Seat:
    """Change a seat's role, constituency or position (its label names it within the group)."""

    def validate(s: Seat) -> None:
        if s.role not in MembershipRole.values:
            raise ValidationError.for_field("role", f"Role must be one of {MembershipRole.values}.")
        if s.constituency is not None and s.constituency.programme_id != s.group.programme_id:
            raise ValidationError.for_field(
                "constituency", "The constituency belongs to another programme."
            )

    result: Seat = _update_plain(
        actor=actor,
        model=Seat,
        obj=seat,
        allowed=("role", "constituency", "position"),
        changes=changes,
        validate=validate,
    )
    return result


@transaction.atomic
def update_group_succession(
    *, actor: Any, succession: GroupSuccession, **changes: Any
) -> GroupSuccession:
    """Correct the date or reason of a restructure link (e.g. TMAG → SITAG, "CR035")."""
    result: GroupSuccession = _update_plain(
        actor=actor,
        model=GroupSuccession,
        obj=succession,
        allowed=("date", "reason"),
        changes=changes,
    )
    return result


# --- the framework: change record, deadline rules, regulator thresholds --------------


@transaction.atomic
def create_framework_version(
    *,
    actor: Any,
    programme: Programme,
    version: str,
    date: date,
    author: str = "",
    change_detail: str = "",
) -> FrameworkVersion:
    """Add a row of the framework's change record, e.g. v3.1 of 8 Mar 2023 by Amy Clayton."""
    access.require(user=actor, action="create", obj=FrameworkVersion(programme=programme))
    if not version.strip():
        raise ValidationError.for_field("version", "A framework version needs a number.")
    if FrameworkVersion.objects.filter(programme=programme, version=version).exists():
        raise ValidationError.for_field(
            "version", f"Framework version {version} is already recorded."
        )
    row = insert(
        FrameworkVersion,
        programme=programme,
        version=version,
        date=date,
        author=author,
        change_detail=change_detail,
    )
    record_create(
        actor=actor,
        obj=row,
        fields={"version": version, "date": date, "author": author, "change_detail": change_detail},
    )
    return row


@transaction.atomic
def update_framework_version(
    *, actor: Any, framework_version: FrameworkVersion, **changes: Any
) -> FrameworkVersion:
    """Correct a change-record row's date, author or detail."""
    result: FrameworkVersion = _update_plain(
        actor=actor,
        model=FrameworkVersion,
        obj=framework_version,
        allowed=("date", "author", "change_detail"),
        changes=changes,
    )
    return result


DEADLINE_RULE_FIELDS = (
    "label",
    "working_days",
    "direction",
    "anchor",
    "levels",
    "effective_to",
    "source",
)


def _validate_deadline_rule(rule: DeadlineRule) -> None:
    """A rule must be computable and must not compete with another rule for the same deadline."""
    errors: dict[str, list[str]] = bounds_errors(rule)
    if not _SLUG.match(rule.key or ""):
        errors.setdefault("key", []).append(
            f"Rule key {rule.key!r} must be letters, digits, '-' or '_'."
        )
    if not (rule.label or "").strip():
        errors.setdefault("label", []).append("A deadline rule needs a label.")
    if not isinstance(rule.working_days, int) or rule.working_days < 0:
        errors.setdefault("working_days", []).append("Working days must be 0 or more.")
    if rule.direction not in DeadlineRule.Direction.values:
        errors.setdefault("direction", []).append(
            f"Direction must be one of {DeadlineRule.Direction.values}."
        )
    if rule.anchor not in DeadlineRule.Anchor.values:
        errors.setdefault("anchor", []).append(
            f"Anchor must be one of {DeadlineRule.Anchor.values}."
        )
    levels = rule.levels or []
    if not isinstance(levels, list) or not all(isinstance(n, int) and 1 <= n <= 4 for n in levels):
        errors.setdefault("levels", []).append("Levels must be a list of 1, 2, 3 or 4.")
    if rule.group is not None and rule.group.programme_id != rule.programme_id:
        errors.setdefault("group", []).append("The group belongs to another programme.")
    if (
        rule.effective_from is not None
        and rule.effective_to is not None
        and rule.effective_to < rule.effective_from
    ):
        errors.setdefault("effective_to", []).append(
            "The rule stops applying before it starts applying."
        )
    # Two rules for the same deadline, group and level in force on the same day would
    # make the computed deadline ambiguous (e.g. headline report 1 day *and* 2 days).
    others = DeadlineRule.objects.filter(
        programme_id=rule.programme_id, key=rule.key, group_id=rule.group_id
    ).exclude(pk=rule.pk)
    for other in others:
        starts_before_other_ends = (
            other.effective_to is None
            or rule.effective_from is None
            or rule.effective_from <= other.effective_to
        )
        ends_after_other_starts = (
            rule.effective_to is None
            or other.effective_from is None
            or other.effective_from <= rule.effective_to
        )
        other_levels = other.levels or []
        levels_meet = not levels or not other_levels or bool(set(levels) & set(other_levels))
        if starts_before_other_ends and ends_after_other_starts and levels_meet:
            errors.setdefault("effective_from", []).append(
                f"Another {rule.key!r} rule ({other}) is in force over the same dates; "
                "end one before the other starts."
            )
            break
    if errors:
        raise ValidationError.from_field_errors(errors)


@transaction.atomic
def create_deadline_rule(
    *,
    actor: Any,
    programme: Programme,
    key: str,
    label: str,
    working_days: int,
    direction: str,
    anchor: str = DeadlineRule.Anchor.MEETING,
    group: GovernanceGroup | None = None,
    levels: list[int] | None = None,
    effective_from: date | None = None,
    effective_to: date | None = None,
    source: str = "",
) -> DeadlineRule:
    """Add a working-day deadline rule, e.g. `papers_due`: 5 working days before the meeting."""
    access.require(user=actor, action="create", obj=DeadlineRule(programme=programme))
    rule = DeadlineRule(
        programme=programme,
        key=key,
        label=label,
        working_days=working_days,
        direction=direction,
        anchor=anchor,
        group=group,
        levels=list(levels or []),
        effective_from=effective_from,
        effective_to=effective_to,
        source=source,
    )
    if DeadlineRule.objects.filter(
        programme=programme, key=key, group=group, effective_from=effective_from
    ).exists():
        raise ValidationError.for_field(
            "key", f"A {key!r} rule from {effective_from or 'the start'} already exists."
        )
    _validate_deadline_rule(rule)
    rule.save()
    record_create(
        actor=actor,
        obj=rule,
        fields={
            "key": key,
            "group": group.acronym if group else None,
            "effective_from": effective_from,
            **snapshot(rule, DEADLINE_RULE_FIELDS),
        },
    )
    return rule


@transaction.atomic
def update_deadline_rule(*, actor: Any, rule: DeadlineRule, **changes: Any) -> DeadlineRule:
    """Change a rule's label, days, direction, anchor, levels, end date or source."""
    result: DeadlineRule = _update_plain(
        actor=actor,
        model=DeadlineRule,
        obj=rule,
        allowed=DEADLINE_RULE_FIELDS,
        changes=changes,
        validate=_validate_deadline_rule,
    )
    return result


THRESHOLD_FIELDS = ("description", "amount", "currency", "cumulative")


def _validate_threshold(t: RegulatorThreshold) -> None:
    errors: dict[str, list[str]] = bounds_errors(t)
    if not _SLUG.match(t.key or ""):
        errors.setdefault("key", []).append(
            f"Threshold key {t.key!r} must be letters, digits, '-' or '_'."
        )
    if not (t.description or "").strip():
        errors.setdefault("description", []).append("A threshold needs a description.")
    if t.amount is not None:
        if Decimal(t.amount) < 0:
            errors.setdefault("amount", []).append("An amount cannot be negative.")
        if not re.fullmatch(r"[A-Z]{3}", t.currency or ""):
            errors.setdefault("currency", []).append(
                "An amount needs a three-letter currency code, e.g. GBP."
            )
    if errors:
        raise ValidationError.from_field_errors(errors)


@transaction.atomic
def create_regulator_threshold(
    *,
    actor: Any,
    programme: Programme,
    key: str,
    description: str,
    amount: Decimal | None = None,
    currency: str = "",
    cumulative: bool = False,
) -> RegulatorThreshold:
    """Add a threshold above which the sponsor decides, e.g. `cost_single`: £5m per decision."""
    access.require(user=actor, action="create", obj=RegulatorThreshold(programme=programme))
    if RegulatorThreshold.objects.filter(programme=programme, key=key).exists():
        raise ValidationError.for_field("key", f"Threshold {key!r} already exists.")
    threshold = RegulatorThreshold(
        programme=programme,
        key=key,
        description=description,
        amount=amount,
        currency=currency,
        cumulative=cumulative,
    )
    _validate_threshold(threshold)
    threshold.save()
    record_create(
        actor=actor,
        obj=threshold,
        fields={"key": key, **snapshot(threshold, THRESHOLD_FIELDS)},
    )
    return threshold


@transaction.atomic
def update_regulator_threshold(
    *, actor: Any, threshold: RegulatorThreshold, **changes: Any
) -> RegulatorThreshold:
    """Change a threshold's description, amount, currency or cumulative flag."""
    result: RegulatorThreshold = _update_plain(
        actor=actor,
        model=RegulatorThreshold,
        obj=threshold,
        allowed=THRESHOLD_FIELDS,
        changes=changes,
        validate=_validate_threshold,
    )
    return result


# --- a group's whole status history; a person's login ----------------------------------


@dataclass(frozen=True)
class StatusEntry:
    """One dated status of a group, e.g. TMAG stood_down on 2023-11-27 ("CR035")."""

    status: str
    effective_date: date
    note: str = ""


@dataclass
class StatusHistoryResult:
    """What `set_group_status_history` did: the group as it now is, whether its current
    status changed, and per wanted entry "created", "updated" or "unchanged"."""

    group: GovernanceGroup
    status_changed: bool
    outcomes: list[str] = field(default_factory=list)


@transaction.atomic
def set_group_status_history(
    *, actor: Any, group: GovernanceGroup, history: list[StatusEntry]
) -> StatusHistoryResult:
    """Make a group's dated status history hold `history` (oldest first), its current
    status being the last entry's. Entries already recorded are kept; none is deleted.

    - A group still in its first recorded status (just created) walks through the rest
      as status changes, so the audit trail tells the story in order (TAG: mobilised
      on 2022-01-01, then stood down when it became TMAG).
    - Otherwise, if the current status differs from the last entry's, the status is
      changed, dated by that entry, or today when that entry is already recorded (the
      status was changed since); missing earlier entries are added as history only,
      and an entry whose note differs gets the new note.
    """
    access.require(user=actor, action="change", obj=group)
    if not history:
        raise ValidationError.for_field(
            "status_history", f"{group.acronym} needs at least one dated status."
        )
    group = GovernanceGroup.objects.select_for_update().get(pk=group.pk)
    stored = list(group.status_history.order_by("effective_date", "id"))
    first, *later = history
    if (
        len(stored) == 1
        and (stored[0].status, stored[0].effective_date) == (first.status, first.effective_date)
        and group.status == first.status
    ):
        outcomes = ["unchanged"]
        if stored[0].note != first.note:
            update_group_status_change(actor=actor, entry=stored[0], note=first.note)
            outcomes = ["updated"]
        for entry in later:
            group = update_group(
                actor=actor,
                group=group,
                expected_version=None,
                status=entry.status,
                status_date=entry.effective_date,
                status_note=entry.note,
            )
            outcomes.append("created")
        return StatusHistoryResult(group=group, status_changed=bool(later), outcomes=outcomes)

    existing = {(e.status, e.effective_date): e for e in stored}
    last = history[-1]
    status_changed = group.status != last.status
    outcomes = []
    written: tuple[str, date] | None = None
    if status_changed:
        on = (
            last.effective_date
            if (last.status, last.effective_date) not in existing
            else date.today()
        )
        group = update_group(
            actor=actor,
            group=group,
            expected_version=None,
            status=last.status,
            status_date=on,
            status_note=last.note,
        )
        written = (last.status, on)
        outcomes.append("created")  # update_group wrote that history row
        existing = {(e.status, e.effective_date): e for e in group.status_history.all()}
    for entry in history:
        key = (entry.status, entry.effective_date)
        if key == written:
            continue
        row = existing.get(key)
        if row is None:
            add_group_status_change(
                actor=actor,
                group=group,
                status=entry.status,
                effective_date=entry.effective_date,
                note=entry.note,
            )
            outcomes.append("created")
        elif row.note != entry.note:
            update_group_status_change(actor=actor, entry=row, note=entry.note)
            outcomes.append("updated")
        else:
            outcomes.append("unchanged")
    return StatusHistoryResult(group=group, status_changed=status_changed, outcomes=outcomes)


# New logins with these roles carry programme-wide rights: an administrator's act only.
GRANTED_BY_ADMINISTRATORS = {Role.ADMINISTRATOR, Role.SECRETARIAT}


def login_roles_granted_by(actor: Any) -> list[tuple[str, str]]:
    """The roles `actor` may give a new login (the person page offers these only)."""
    if actor is None or access.scope_of(actor).administrator:
        return list(Role.choices)
    return [
        (value, label) for value, label in Role.choices if value not in GRANTED_BY_ADMINISTRATORS
    ]


@transaction.atomic
def set_person_login(
    *,
    actor: Any,
    person: Person,
    username: str | None,
    role: str | None = None,
    expected_version: int | None = None,
) -> Person:
    """Link a person to the login `username` (None unlinks them).

    A login that does not exist yet is created with `role` (default member) and an
    unusable password, for an administrator to set; an existing login keeps its role.
    A login already linked to another person is refused (field error on `login`). The
    programme secretariat may link logins too, but only an administrator makes a new
    login with the administrator or secretariat role.
    Example: Kate Goodman (Programme) linked to the login `kgoodman`, role secretariat.
    """
    access.require(user=actor, action="link_login", obj=person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    check_version(person, expected_version)
    role = role or Role.MEMBER
    if role not in Role.values:
        raise ValidationError.for_field(
            "login_role", f"Unknown role {role!r}; use one of {', '.join(Role.values)}."
        )
    user = None
    if username is not None:
        username = username.strip()
        if not username:
            raise ValidationError.for_field("login", "A login needs a username.")
        # "CHAIR" is the login `chair`: a case variant never makes a second login.
        user = User.objects.filter(username__iexact=username).order_by("id").first()
        if user is None:
            # (`actor=None` is the system: a pack gives its people's logins any role.)
            if (
                role in GRANTED_BY_ADMINISTRATORS
                and actor is not None
                and not access.scope_of(actor).administrator
            ):
                raise ValidationError.for_field(
                    "login_role",
                    f"Only an administrator makes a login with the role “{Role(role).label}”; "
                    "choose Member or Observer, or ask an administrator.",
                )
            # The person's e-mail is the login's, so its holder can set a first password
            # by the reset link (accounts:password_reset).
            user, _ = create_user(
                actor=actor,
                username=username,
                role=role,
                email=person.email,
                unusable_password=True,
            )
        else:
            holder = Person.objects.filter(user=user).exclude(pk=person.pk).first()
            if holder is not None:
                raise ValidationError.for_field(
                    "login",
                    f"The login {username!r} is already linked to {holder.name}; "
                    "unlink it there first.",
                )
    if person.user_id == (user.pk if user is not None else None):
        return person
    before = {"login": person.user.username if person.user is not None else None}
    person.user = user
    bump_version(person)
    person.save()
    access.forget_scopes()  # the login's memberships changed for this act's later reads
    record_update(
        actor=actor,
        obj=person,
        changes={"login": [before["login"], user.username if user is not None else None]},
    )
    return person


# --- restricted objects: who is named on them ----------------------------------------------


def name_readers_of_new(*, obj: Any, people: Sequence[Person]) -> list[str]:
    """Name readers on an object its service is creating (the caller audits the creation
    with the names this returns)."""
    kind = access.kind_of(obj).name
    unique = {p.pk: p for p in people}
    NamedReader.objects.bulk_create(
        NamedReader(object_type=kind, object_id=str(obj.pk), person=p) for p in unique.values()
    )
    access.forget_scopes()
    return sorted(p.name for p in unique.values())


@transaction.atomic
def set_named_readers(
    *, actor: Any, obj: Any, people: Sequence[Person], expected_version: int | None
) -> list[Person]:
    """Name the people who may read a `restricted` object (replacing whoever was named).

    Example: a restricted PSG paper on one supplier's commercial position, named for the
    IPA Manager. Naming is a change of the object, so its managers do it, with the
    version they read (If-Match); the object's version goes up and its audit entry lists
    the names before and after. The programme secretariat reads it regardless.
    """
    access.require(user=actor, action="change", obj=obj)
    obj = type(obj)._default_manager.select_for_update(of=("self",)).get(pk=obj.pk)
    check_version(obj, expected_version)
    kind = access.kind_of(obj).name
    wanted = {p.pk: p for p in people}
    current = {
        r.person_id: r
        for r in NamedReader.objects.select_related("person").filter(
            object_type=kind, object_id=str(obj.pk)
        )
    }
    if wanted.keys() == current.keys():
        return sorted(wanted.values(), key=lambda p: (p.name, p.pk))
    before = sorted(r.person.name for r in current.values())
    NamedReader.objects.filter(
        object_type=kind, object_id=str(obj.pk), person_id__in=current.keys() - wanted.keys()
    ).delete()
    NamedReader.objects.bulk_create(
        NamedReader(object_type=kind, object_id=str(obj.pk), person=wanted[pid])
        for pid in sorted(wanted.keys() - current.keys())
    )
    bump_version(obj)
    obj.save(update_fields=["version", "updated_at"])
    after = sorted(p.name for p in wanted.values())
    record_update(actor=actor, obj=obj, changes={"named_readers": [before, after]})
    access.forget_scopes()
    return sorted(wanted.values(), key=lambda p: (p.name, p.pk))
