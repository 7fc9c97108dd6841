"""Reads of the governance structure, restricted to what the user may see.

Hidden objects are filtered out of the querysets, so a detail lookup of something
the user may not see raises NotFound exactly like a missing one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

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
            GroupSuccession.objects.filter(successor=group).select_related("predecessor")
        ),
        "successors": list(
            GroupSuccession.objects.filter(predecessor=group).select_related("successor")
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
