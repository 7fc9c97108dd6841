"""Reads of the governance structure, restricted to what the user may see.

Hidden objects are filtered out of the querysets, so a detail lookup of something
the user may not see raises NotFound exactly like a missing one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from progov.accounts.permissions import is_signed_in
from progov.core.errors import NotFound
from progov.governance.models import (
    Constituency,
    GovernanceGroup,
    GroupStatusChange,
    GroupSuccession,
    Membership,
    Organisation,
    Person,
    Programme,
    Seat,
    TermsOfReference,
    Visibility,
    Workstream,
)


def current_programme(*, slug: str | None = None) -> Programme:
    """The programme pages show: the named one, the configured default, or the first loaded."""
    qs = Programme.objects.all()
    wanted = slug or settings.PROGOV_DEFAULT_PROGRAMME
    programme = qs.filter(slug=wanted).first() if wanted else qs.order_by("id").first()
    if programme is None:
        raise NotFound("No programme is loaded yet. Run `progov load-pack` first.")
    return programme


def programme_list(*, user: Any) -> QuerySet[Programme]:
    return Programme.objects.all()


def group_list(
    *,
    user: Any,
    programme: Programme | None = None,
    level: int | None = None,
    status: str | None = None,
    workstream: str | None = None,
    parent: str | None = None,
    q: str | None = None,
) -> QuerySet[GovernanceGroup]:
    qs = GovernanceGroup.objects.select_related("parent", "workstream", "programme").annotate(
        current_tor_version=Subquery(
            TermsOfReference.objects.filter(group=OuterRef("pk"))
            .order_by("-date", "-id")
            .values("version_number")[:1]
        )
    )
    if not is_signed_in(user):
        qs = qs.filter(visibility=Visibility.PUBLIC)
    if programme is not None:
        qs = qs.filter(programme=programme)
    if level is not None:
        qs = qs.filter(level=level)
    if status:
        qs = qs.filter(status=status)
    if workstream:
        qs = qs.filter(workstream__name__iexact=workstream)
    if parent:
        qs = qs.filter(parent__acronym__iexact=parent)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(acronym__icontains=q))
    return qs.order_by("level", "acronym")


def latest_tor_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "terms_of_reference",
        queryset=TermsOfReference.objects.order_by("-date", "-id").only(
            "id", "group_id", "version_number", "date", "change_note"
        ),
        to_attr="tor_versions",
    )


def group_get(*, user: Any, acronym: str, programme: Programme | None = None) -> GovernanceGroup:
    """One group by acronym (case-insensitive); hidden groups answer NotFound."""
    qs = group_list(user=user, programme=programme).prefetch_related(latest_tor_prefetch())
    group = qs.filter(acronym__iexact=acronym).first()
    if group is None:
        raise NotFound(f"No group {acronym!r}.")
    return group


def group_tree(*, user: Any, programme: Programme) -> list[dict[str, Any]]:
    """The hierarchy as nested dicts `{"group": g, "children": [...]}`, roots by level.

    One query: the tree is assembled in memory so the structure page's query
    count does not grow with the number of groups.
    """
    groups = list(group_list(user=user, programme=programme))
    by_parent: dict[int | None, list[GovernanceGroup]] = {}
    visible = {g.pk for g in groups}
    for g in groups:
        parent_id = g.parent_id if g.parent_id in visible else None
        by_parent.setdefault(parent_id, []).append(g)

    def sort_key(g: GovernanceGroup) -> tuple[int, str]:
        return (g.level if g.level is not None else 99, g.acronym)

    def build(parent_id: int | None) -> list[dict[str, Any]]:
        return [
            {"group": g, "children": build(g.pk)}
            for g in sorted(by_parent.get(parent_id, []), key=sort_key)
        ]

    return build(None)


def group_detail_context(
    *, user: Any, group: GovernanceGroup, on: date | None = None
) -> dict[str, Any]:
    """Everything the group page shows, fetched in a fixed number of queries."""
    on = on or date.today()
    memberships = list(
        membership_list(user=user, group=group, current_on=on).select_related("seat")
    )
    alternates_by_principal: dict[int, list[Membership]] = {}
    for m in memberships:
        if m.alternate_for_id:
            alternates_by_principal.setdefault(m.alternate_for_id, []).append(m)
    seats = list(Seat.objects.filter(group=group).select_related("constituency"))
    filled_seats = {m.seat_id for m in memberships if m.seat_id}
    by_constituency: dict[str, dict[str, Any]] = {}
    for m in memberships:
        if m.alternate_for_id:
            continue
        key = m.constituency.name if m.constituency else "Programme and attendees"
        entry = by_constituency.setdefault(key, {"name": key, "members": [], "vacant": []})
        entry["members"].append(
            {"membership": m, "alternates": alternates_by_principal.get(m.pk, [])}
        )
    for seat in seats:
        if seat.pk in filled_seats:
            continue
        key = seat.constituency.name if seat.constituency else "Programme and attendees"
        by_constituency.setdefault(key, {"name": key, "members": [], "vacant": []})[
            "vacant"
        ].append(seat)
    return {
        "group": group,
        "children": list(group_list(user=user, programme=group.programme).filter(parent=group)),
        "tor_versions": list(TermsOfReference.objects.filter(group=group).order_by("-date", "-id")),
        "status_history": list(
            GroupStatusChange.objects.filter(group=group).order_by("effective_date", "id")
        ),
        "predecessors": list(
            _visible_successions(
                user, GroupSuccession.objects.filter(successor=group), "predecessor"
            )
        ),
        "successors": list(
            _visible_successions(
                user, GroupSuccession.objects.filter(predecessor=group), "successor"
            )
        ),
        "constituency_groups": sorted(
            by_constituency.values(),
            key=lambda e: (e["name"] == "Programme and attendees", e["name"]),
        ),
        "seats": seats,
    }


def membership_list(
    *,
    user: Any,
    group: GovernanceGroup | None = None,
    person: Person | None = None,
    current_on: date | None = None,
) -> QuerySet[Membership]:
    qs = Membership.objects.select_related(
        "person", "person__organisation", "constituency", "group", "alternate_for__person"
    )
    if not is_signed_in(user):
        qs = qs.filter(group__visibility=Visibility.PUBLIC)
    if group is not None:
        qs = qs.filter(group=group)
    if person is not None:
        qs = qs.filter(person=person)
    if current_on is not None:
        qs = qs.filter(start_date__lte=current_on).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=current_on)
        )
    return qs.order_by("constituency__name", "role", "person__name", "id")


def constituency_list(*, user: Any, programme: Programme | None = None) -> QuerySet[Constituency]:
    qs = Constituency.objects.all()
    if programme is not None:
        qs = qs.filter(programme=programme)
    return qs.order_by("name")


def organisation_list(
    *,
    user: Any,
    programme: Programme | None = None,
    q: str | None = None,
    market_role: str | None = None,
) -> QuerySet[Organisation]:
    qs = Organisation.objects.prefetch_related("market_roles")
    if programme is not None:
        qs = qs.filter(programme=programme)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    if market_role:
        qs = qs.filter(market_roles__code=market_role)
    return qs.order_by("name")


def organisation_get(*, user: Any, pk: int) -> Organisation:
    org = organisation_list(user=user).filter(pk=pk).first()
    if org is None:
        raise NotFound(f"No organisation #{pk}.")
    return org


def person_list(
    *,
    user: Any,
    programme: Programme | None = None,
    q: str | None = None,
    organisation: Organisation | None = None,
) -> QuerySet[Person]:
    qs = Person.objects.select_related("organisation")
    if programme is not None:
        qs = qs.filter(programme=programme)
    if q:
        qs = qs.filter(name__icontains=q)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.order_by("name")


def person_get(*, user: Any, pk: int) -> Person:
    person = person_list(user=user).filter(pk=pk).first()
    if person is None:
        raise NotFound(f"No person #{pk}.")
    return person


def person_email_visible(*, user: Any) -> bool:
    """Contact details are for signed-in participants only."""
    return is_signed_in(user)


def search(*, user: Any, programme: Programme, q: str) -> dict[str, list[Any]]:
    q = q.strip()
    if not q:
        return {"groups": [], "people": [], "organisations": []}
    return {
        "groups": list(group_list(user=user, programme=programme, q=q)[:50]),
        "people": list(person_list(user=user, programme=programme, q=q)[:50]),
        "organisations": list(organisation_list(user=user, programme=programme, q=q)[:50]),
    }


# --- reads for the pages (structure overview, group page, directories) ---------------


def _visible_successions(
    user: Any, qs: QuerySet[GroupSuccession], other: str
) -> QuerySet[GroupSuccession]:
    """Successions whose `other` end ("predecessor" or "successor") the user may see."""
    qs = qs.select_related(other)
    if not is_signed_in(user):
        qs = qs.filter(**{f"{other}__visibility": Visibility.PUBLIC})
    return qs.order_by("date", f"{other}__acronym", "id")


def group_is_visible(*, user: Any, group: GovernanceGroup) -> bool:
    return is_signed_in(user) or group.visibility == Visibility.PUBLIC


def visible_parent(*, user: Any, group: GovernanceGroup) -> GovernanceGroup | None:
    """The group's parent, unless the user may not see it (then the page shows none)."""
    parent = group.parent
    if parent is None or not group_is_visible(user=user, group=parent):
        return None
    return parent


def workstream_list(*, user: Any, programme: Programme) -> QuerySet[Workstream]:
    return Workstream.objects.filter(programme=programme).order_by("name")


def succession_maps(
    *, user: Any, programme: Programme
) -> tuple[dict[int, list[GroupSuccession]], dict[int, list[GroupSuccession]]]:
    """(successors by predecessor id, predecessors by successor id), both ends visible.

    One query for the whole programme, so the structure page can mark every
    stood-down group with what replaced it.
    """
    qs = GroupSuccession.objects.filter(predecessor__programme=programme).select_related(
        "predecessor", "successor"
    )
    if not is_signed_in(user):
        qs = qs.filter(
            predecessor__visibility=Visibility.PUBLIC, successor__visibility=Visibility.PUBLIC
        )
    successors: dict[int, list[GroupSuccession]] = {}
    predecessors: dict[int, list[GroupSuccession]] = {}
    for s in qs.order_by("date", "successor__acronym", "id"):
        successors.setdefault(s.predecessor_id, []).append(s)
        predecessors.setdefault(s.successor_id, []).append(s)
    return successors, predecessors


def structure_overview(
    *,
    user: Any,
    programme: Programme,
    workstream: str | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    """The structure page: the tree by level, the groups outside the levels, and counts.

    Nodes are `{"group", "children", "successors", "predecessors", "parent", "context"}`;
    `context` is True for a group shown only because something beneath it matches
    the filter. Groups with no level (e.g. FTIG, "N/A") are taken out of the tree
    into `outside`, with their own subtrees. A fixed number of queries: the tree
    (1) and the successions (1).
    """
    tree = group_tree(user=user, programme=programme)
    successors, predecessors = succession_maps(user=user, programme=programme)
    filtered = bool(workstream or status)

    def matches(g: GovernanceGroup) -> bool:
        if workstream and (g.workstream is None or g.workstream.name.lower() != workstream.lower()):
            return False
        return not (status and g.status != status)

    outside: list[dict[str, Any]] = []
    total = 0
    shown = 0

    def convert(node: dict[str, Any], *, in_outside: bool) -> dict[str, Any] | None:
        nonlocal total, shown
        g: GovernanceGroup = node["group"]
        total += 1
        children: list[dict[str, Any]] = []
        for child in node["children"]:
            child_group: GovernanceGroup = child["group"]
            if child_group.level is None and not in_outside:
                moved = convert(child, in_outside=True)
                if moved is not None:
                    outside.append(moved)
                continue
            converted = convert(child, in_outside=in_outside)
            if converted is not None:
                children.append(converted)
        own_match = matches(g)
        if not own_match and not children:
            return None
        if own_match:
            shown += 1
        return {
            "group": g,
            "children": children,
            "successors": successors.get(g.pk, []),
            "predecessors": predecessors.get(g.pk, []),
            "parent": g.parent
            if g.parent is not None and group_is_visible(user=user, group=g.parent)
            else None,
            "context": not own_match,
        }

    levels: list[dict[str, Any]] = []
    for root in tree:
        is_outside = root["group"].level is None
        converted = convert(root, in_outside=is_outside)
        if converted is None:
            continue
        (outside if is_outside else levels).append(converted)
    outside.sort(key=lambda n: n["group"].acronym)
    return {
        "levels": levels,
        "outside": outside,
        "group_count": total,
        "shown_count": shown,
        "filtered": filtered,
    }


def memberships_of_person(
    *, user: Any, person: Person, on: date | None = None
) -> dict[str, list[Membership]]:
    """A person's memberships split into current, upcoming and past (one query)."""
    on = on or date.today()
    out: dict[str, list[Membership]] = {"current": [], "upcoming": [], "past": []}
    qs = membership_list(user=user, person=person).order_by(
        "group__level", "group__acronym", "-start_date", "id"
    )
    for m in qs:
        if m.end_date is not None and m.end_date < on:
            out["past"].append(m)
        elif m.start_date > on:
            out["upcoming"].append(m)
        else:
            out["current"].append(m)
    out["past"].sort(key=lambda m: m.end_date or on, reverse=True)
    return out


def organisation_directory(
    *, user: Any, programme: Programme, q: str | None = None
) -> QuerySet[Organisation]:
    """The organisations list: each with its market roles and the number of people."""
    return organisation_list(user=user, programme=programme, q=q).annotate(
        people_count=Count("people", distinct=True)
    )
