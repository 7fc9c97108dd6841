"""The action log's kinds in the access model (`core.access` holds the table).

An action is seen by whoever sees its group. Its owner is who the owner resolves to:
the people named, anyone of the organisations named (they act for it), and the members
of a group named ("PSG Constituency Representatives"). Both the SQL (`owned_q`) and the
one-object check (`owns`) read the same `ActionOwner` rows.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from progov.actions.models import Action, ActionOwner, ActionUpdate, OwnerAlias
from progov.core import access
from progov.core.access import Kind, Scope

GROUP = "governance.group"
ACTION = "actions.action"


def _owner_rows(scope: Scope) -> Q | None:
    q = Q(pk__in=[])
    found = False
    if scope.person_id is not None:
        q |= Q(person_id=scope.person_id)
        found = True
    if scope.organisation_id is not None:
        q |= Q(organisation_id=scope.organisation_id)
        found = True
    if scope.groups:
        q |= Q(group_id__in=scope.group_ids())
        found = True
    return q if found else None


def owned_q(scope: Scope, prefix: str) -> Q | None:
    """The actions `scope` owns, as a Q on `prefix` (a subquery: no duplicate rows)."""
    rows = _owner_rows(scope)
    if rows is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}pk__in": ActionOwner.objects.filter(rows).values("action_id")})


def owns(action: Any, scope: Scope) -> bool:
    if action.pk is None:
        return False
    for owner in action.owners.all():
        if owner.person_id is not None and owner.person_id == scope.person_id:
            return True
        if owner.organisation_id is not None and owner.organisation_id == scope.organisation_id:
            return True
        if owner.group_id is not None and owner.group_id in scope.groups:
            return True
    return False


for kind in (
    Kind(
        ACTION,
        Action,
        group="group_id",
        parent=(GROUP, "group"),
        owner=owned_q,
        is_owner=owns,
    ),
    Kind("actions.actionupdate", ActionUpdate, group="action__group_id", parent=(ACTION, "action")),
    Kind("actions.owneralias", OwnerAlias),
):
    access.register_kind(kind)
