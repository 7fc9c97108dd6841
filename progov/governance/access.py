"""The governance kinds of the access model, and the facts of a login's scope.

`core.access` holds the table; this module tells it where a governance object's group
and classification are, and reads a login's person, organisation, current memberships and
the restricted objects the person is named on.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from progov.core import access
from progov.core.access import Kind, ScopeFacts
from progov.governance.models import (
    Constituency,
    DeadlineRule,
    FrameworkVersion,
    GovernanceGroup,
    GroupStatusChange,
    GroupSuccession,
    MarketRole,
    Membership,
    NamedReader,
    Organisation,
    Person,
    Programme,
    RegulatorThreshold,
    Seat,
    TermsOfReference,
    Workstream,
)
from progov.governance.selectors import current_on

GROUP = "governance.group"

for kind in (
    Kind("governance.programme", Programme),
    Kind("governance.workstream", Workstream),
    Kind("governance.marketrole", MarketRole),
    Kind("governance.constituency", Constituency),
    Kind("governance.organisation", Organisation),
    Kind(
        "governance.person",
        Person,
        person="pk",
        field_actions={"email": "view_personal", "user": "view_personal"},
    ),
    Kind(GROUP, GovernanceGroup, group="pk", classification="visibility"),
    Kind(
        "governance.groupstatuschange",
        GroupStatusChange,
        group="group_id",
        parent=(GROUP, "group"),
    ),
    Kind(
        "governance.termsofreference", TermsOfReference, group="group_id", parent=(GROUP, "group")
    ),
    # A restructure is seen when its predecessor is (the successor is checked by the page).
    Kind(
        "governance.groupsuccession",
        GroupSuccession,
        group="predecessor_id",
        parent=(GROUP, "predecessor"),
    ),
    Kind("governance.seat", Seat, group="group_id", parent=(GROUP, "group")),
    Kind(
        "governance.membership",
        Membership,
        group="group_id",
        person="person_id",
        parent=(GROUP, "group"),
    ),
    Kind("governance.frameworkversion", FrameworkVersion),
    Kind("governance.deadlinerule", DeadlineRule),
    Kind("governance.regulatorthreshold", RegulatorThreshold),
    Kind("governance.namedreader", NamedReader, person="person_id"),
):
    access.register_kind(kind)


def scope_facts(user: Any) -> ScopeFacts:
    """The person linked to `user`, their organisation, groups (with roles) and named objects."""
    person = Person.objects.filter(user=user).values("id", "organisation_id").first()
    if person is None:
        return None, None, {}, {}
    roles: dict[int, set[str]] = {}
    for group_id, role in Membership.objects.filter(
        current_on(timezone.localdate()), person_id=person["id"]
    ).values_list("group_id", "role"):
        roles.setdefault(group_id, set()).add(role)
    named: dict[str, set[str]] = {}
    for object_type, object_id in NamedReader.objects.filter(person_id=person["id"]).values_list(
        "object_type", "object_id"
    ):
        named.setdefault(object_type, set()).add(object_id)
    return (
        person["id"],
        person["organisation_id"],
        {g: frozenset(r) for g, r in roles.items()},
        {k: frozenset(v) for k, v in named.items()},
    )


access.register_scope_provider(scope_facts)
