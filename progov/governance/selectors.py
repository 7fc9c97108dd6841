"""Reads of the governance structure, restricted to what the user may see.

Hidden objects are filtered out of the querysets, so a detail lookup of something
the user may not see raises NotFound exactly like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils.functional import cached_property

from progov.core import access
from progov.core.errors import NotFound
from progov.core.workdays import get_calendar
from progov.governance.models import (
    Constituency,
    GovernanceGroup,
    GroupStatusChange,
    GroupSuccession,
    MarketRole,
    Membership,
    MembershipRole,
    Organisation,
    Person,
    Programme,
    Seat,
    TermsOfReference,
    Workstream,
)
from progov.governance.schedules import (
    ScheduleError,
    describe_schedule,
    next_dates,
    read_schedule,
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
    qs = access.restrict(qs, user=user)
    # A parent the user may not see is not named (the group page and the API agree).
    parent_visible = access.visible_q(GovernanceGroup, user=user, prefix="parent__")
    qs = qs.annotate(
        parent_visible=Value(True)
        if parent_visible is None
        else ExpressionWrapper(parent_visible, output_field=BooleanField())
    )
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
    """What the group page's Overview shows about the group itself, in a fixed number
    of queries. Its members are read separately, a summary for the Overview
    (`group_membership_summary`) and a page at a time for the Members tab
    (`group_members_page`), so no tab loads every member of a large group."""
    return {
        "group": group,
        "children": list(group_list(user=user, programme=group.programme).filter(parent=group)),
        "tor_versions": group_tor_versions(group=group),
        "status_history": list(
            GroupStatusChange.objects.filter(group=group).order_by("effective_date", "id")
        ),
        **group_successions(user=user, group=group),
    }


def group_tor_versions(*, group: GovernanceGroup) -> list[TermsOfReference]:
    """Every version of the group's terms of reference, the one in force first."""
    return list(TermsOfReference.objects.filter(group=group).order_by("-date", "-id"))


def group_successions(*, user: Any, group: GovernanceGroup) -> dict[str, list[GroupSuccession]]:
    """`predecessors` (groups this one replaced) and `successors`, both ends visible."""
    return {
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
    }


# --- a group's members: a summary, and one page at a time ------------------------------

NO_CONSTITUENCY_NAME = "Programme and attendees"
# The members-tab filter value for members without a constituency. Constituency codes
# are looked up first, so a constituency coded "none" still gets its own members.
NO_CONSTITUENCY_KEY = "none"
MEMBERS_PAGE_SIZE = 100
LEADERSHIP_ROLES = (MembershipRole.CHAIR, MembershipRole.SECRETARIAT)
LEADERS_SHOWN = 10  # per role on the Overview; the Members tab has the rest

# The order a constituency's members are listed in: chair first, invited attendees last.
_ROLE_RANK = Case(
    *(When(role=value, then=Value(rank)) for rank, value in enumerate(MembershipRole.values)),
    default=Value(len(MembershipRole.values)),
    output_field=IntegerField(),
)
# Constituencies by name (members without one last), the same expression in every
# query, so the database's collation decides the order once for all of them.
_CONSTITUENCY_ORDER = (F("constituency__name").asc(nulls_last=True), "constituency_id")
# The columns a member row shows, read with values_list() into `Member`: a page of
# members is a few hundred rows, and model instances (a membership, its person and
# organisation, each) cost more to build than the rest of the query.
_MEMBER_COLUMNS = (
    "id",
    "person_id",
    "person__name",
    "person__organisation_id",
    "person__organisation__name",
    "role",
    "part",
    "seat__label",
    "start_date",
    "constituency_id",
    "alternate_for_id",
)
_ROLE_LABELS: dict[str, str] = dict(MembershipRole.choices)


@dataclass(frozen=True, slots=True)
class Member:
    """One current membership as the group page shows it."""

    pk: int
    person_id: int
    person_name: str
    organisation_id: int | None
    organisation_name: str | None
    role: str
    part: str
    seat_label: str | None
    start_date: date
    constituency_id: int | None
    alternate_for_id: int | None

    @property
    def role_label(self) -> str:
        return _ROLE_LABELS.get(self.role, self.role)


def _members(qs: QuerySet[Membership]) -> list[Member]:
    return [Member(*row) for row in qs.values_list(*_MEMBER_COLUMNS)]


@dataclass(frozen=True)
class ConstituencySeats:
    """One constituency's place on a group: current members and seats, filled or vacant.

    `members` counts the rows the Members tab lists (alternates are shown beside
    their representative and counted in `alternates`); `offset` is where its rows
    start in the Members tab's order, so a page knows which constituencies it holds.
    """

    pk: int | None  # None: members without a constituency
    key: str  # the constituency's code, or NO_CONSTITUENCY_KEY
    name: str
    members: int
    alternates: int
    seats: int
    vacant: int
    offset: int = 0

    @property
    def filled(self) -> int:
        return self.seats - self.vacant


@dataclass(frozen=True)
class Leaders:
    """The first LEADERS_SHOWN current holders of a role (e.g. chair), and how many in all."""

    role: str
    label: str
    members: list[Member]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.members)


@dataclass(frozen=True)
class MembershipSummary:
    constituencies: list[ConstituencySeats]
    member_count: int
    alternate_count: int
    seat_count: int
    vacant_count: int
    vacant_seats: dict[int | None, list[Seat]]  # by constituency id, in seat order
    leaders: list[Leaders] = field(default_factory=list)  # with `leaders=True`

    @property
    def filled_count(self) -> int:
        return self.seat_count - self.vacant_count


@dataclass
class MemberRow:
    membership: Member
    alternates: list[Member]


@dataclass
class ConstituencyBlock:
    """The part of one constituency that a page of the Members tab shows.

    `continued`: its first members were on an earlier page; `continues`: more follow
    on a later page. Its vacant seats are listed once, on the page where its members end.
    """

    constituency: ConstituencySeats
    rows: list[MemberRow]
    vacant: list[Seat]
    continued: bool
    continues: bool


class _CountedPaginator(Paginator):
    """A Paginator told its count (from an aggregate already run) instead of asking."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def current_on(day: date) -> Q:
    """Memberships current on `day`: started, and not yet ended (the one definition)."""
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


_current_q = current_on  # membership_list's `current_on` parameter hides the function


def _current_memberships(group: GovernanceGroup, on: date) -> QuerySet[Membership]:
    return Membership.objects.filter(current_on(on), group=group)


def _is_listed(on: date) -> Q:
    """A current membership the Members tab lists as a row: everyone except alternates
    of a current representative (those are shown beside their representative; an
    alternate whose representative has left is listed in their own right)."""
    return (
        Q(alternate_for__isnull=True)
        | Q(alternate_for__start_date__gt=on)
        | Q(alternate_for__end_date__lt=on)
    )


def _is_shown_beside(on: date) -> Q:
    """The complement of `_is_listed` (spelt out: negating it would drop NULL end dates)."""
    return Q(alternate_for__isnull=False, alternate_for__start_date__lte=on) & (
        Q(alternate_for__end_date__isnull=True) | Q(alternate_for__end_date__gte=on)
    )


def _visible_group(user: Any, group: GovernanceGroup) -> None:
    if not access.may_view(user=user, obj=group):
        raise NotFound(f"No group {group.acronym!r}.")


def group_membership_summary(
    *, user: Any, group: GovernanceGroup, on: date | None = None, leaders: bool = False
) -> MembershipSummary:
    """Counts of current members and seats per constituency, aggregated in SQL.

    Three queries whatever the group's size (counts by constituency, the group's
    seats, the constituencies' names in order); `leaders=True` adds one for the
    chairs and secretariat (at most LEADERS_SHOWN of each, with how many in all).
    """
    _visible_group(user, group)
    on = on or date.today()
    current = _current_memberships(group, on)
    listed = _is_listed(on)
    rows: Any = (
        current.order_by()
        .values("constituency_id")
        .annotate(
            listed_count=Count("pk", filter=listed),
            beside_count=Count("pk", filter=_is_shown_beside(on)),
            **{
                f"leaders_{role}": Count("pk", filter=listed & Q(role=role))
                for role in LEADERSHIP_ROLES
            },
        )
    )
    counts: dict[int | None, dict[str, Any]] = {row["constituency_id"]: row for row in rows}
    seats = list(
        Seat.objects.filter(group=group)
        .annotate(filled=Exists(current.filter(seat=OuterRef("pk"))))
        .only("id", "label", "role", "constituency_id", "position")
        .order_by("position", "id")
    )
    ids = {pk for pk in (*counts, *(s.constituency_id for s in seats)) if pk is not None}
    ordered: list[tuple[int | None, str, str]] = [
        (c.pk, c.code, c.name)
        for c in Constituency.objects.filter(pk__in=ids)
        .order_by("name", "id")
        .only("id", "code", "name")
    ]
    if None in counts or any(s.constituency_id is None for s in seats):
        ordered.append((None, NO_CONSTITUENCY_KEY, NO_CONSTITUENCY_NAME))
    seat_totals: dict[int | None, list[int]] = {}
    vacant_seats: dict[int | None, list[Seat]] = {}
    for seat in seats:
        totals = seat_totals.setdefault(seat.constituency_id, [0, 0])
        totals[0] += 1
        if not seat.filled:
            totals[1] += 1
            vacant_seats.setdefault(seat.constituency_id, []).append(seat)
    constituencies = []
    offset = 0
    for pk, key, name in ordered:
        row = counts.get(pk, {})
        seat_count, vacant = seat_totals.get(pk, (0, 0))
        entry = ConstituencySeats(
            pk=pk,
            key=key,
            name=name,
            members=row.get("listed_count", 0),
            alternates=row.get("beside_count", 0),
            seats=seat_count,
            vacant=vacant,
            offset=offset,
        )
        offset += entry.members
        constituencies.append(entry)
    summary = MembershipSummary(
        constituencies=constituencies,
        member_count=sum(c.members for c in constituencies),
        alternate_count=sum(c.alternates for c in constituencies),
        seat_count=len(seats),
        vacant_count=sum(c.vacant for c in constituencies),
        vacant_seats=vacant_seats,
    )
    if leaders:
        shown: dict[str, list[Member]] = {role: [] for role in LEADERSHIP_ROLES}
        for m in _members(
            current.filter(listed, role__in=LEADERSHIP_ROLES)
            .annotate(
                rank=Window(RowNumber(), partition_by=F("role"), order_by=("person__name", "id"))
            )
            .filter(rank__lte=LEADERS_SHOWN)
            .order_by("person__name", "id")
        ):
            shown[m.role].append(m)
        summary.leaders.extend(
            Leaders(
                role=role,
                label=role.label,
                members=shown[role],
                total=sum(row[f"leaders_{role}"] for row in counts.values()),
            )
            for role in LEADERSHIP_ROLES
        )
    return summary


def group_members_page(
    *,
    user: Any,
    group: GovernanceGroup,
    page: int | str | None = None,
    constituency: str | None = None,
    on: date | None = None,
    per_page: int = MEMBERS_PAGE_SIZE,
) -> dict[str, Any]:
    """One page of a group's current members in constituency order, grouped by constituency.

    Filtering, ordering and paging happen in SQL: a page costs the same few queries
    (the summary's three, the page's rows, their alternates) however large the group.
    `constituency` is a constituency code (or NO_CONSTITUENCY_KEY); an unknown one
    shows nobody. Returns `summary` (the whole group), `selected` (the constituency
    filtered on, or None), `page` (a Django Page of `Member`) and `blocks`
    (ConstituencyBlock, in order).
    """
    on = on or date.today()
    summary = group_membership_summary(user=user, group=group, on=on)
    sections = summary.constituencies
    selected = None
    rows = _current_memberships(group, on).filter(_is_listed(on))
    if constituency:
        selected = next((c for c in sections if c.key == constituency), None)
        if selected is None:
            rows = rows.none()
        elif selected.pk is None:
            rows = rows.filter(constituency__isnull=True)
        else:
            rows = rows.filter(constituency_id=selected.pk)
        sections = [replace(selected, offset=0)] if selected else []
    rows = rows.order_by(*_CONSTITUENCY_ORDER, _ROLE_RANK, "person__name", "id")
    # The summary has counted the rows already: no COUNT query for the paginator.
    counted = sum(c.members for c in sections)
    members_page = _CountedPaginator(
        rows.values_list(*_MEMBER_COLUMNS), per_page, count=counted
    ).get_page(page)
    page_rows = [Member(*row) for row in members_page.object_list]
    members_page.object_list = page_rows
    alternates: dict[int, list[Member]] = {}
    if page_rows:
        for alt in _members(
            _current_memberships(group, on)
            .filter(alternate_for_id__in=[m.pk for m in page_rows])
            .order_by("person__name", "id")
        ):
            alternates.setdefault(alt.alternate_for_id or 0, []).append(alt)

    # Rows [start, stop) of the whole ordered list are on this page; a constituency's
    # vacant seats go on the page holding its last member (or, with no members, the
    # page where it would start), so each is listed exactly once.
    total = members_page.paginator.count
    start = (members_page.number - 1) * per_page
    stop = start + len(page_rows)

    def anchored_here(section: ConstituencySeats) -> bool:
        if total == 0:
            return True
        last = section.offset + section.members - 1 if section.members else section.offset
        return start <= min(last, total - 1) < stop

    blocks: dict[int | None, ConstituencyBlock] = {}
    for section in sections:
        begins, ends = section.offset, section.offset + section.members
        on_page = begins < stop and ends > start
        vacant_here = anchored_here(section)
        if on_page or (vacant_here and section.vacant):
            blocks[section.pk] = ConstituencyBlock(
                constituency=section,
                rows=[],
                vacant=summary.vacant_seats.get(section.pk, []) if vacant_here else [],
                continued=on_page and begins < start,
                continues=on_page and ends > stop,
            )
    for m in page_rows:
        block = blocks.get(m.constituency_id)
        if block is not None:  # else it joined the group between this page's queries
            block.rows.append(MemberRow(m, alternates.get(m.pk, [])))
    return {
        "summary": summary,
        "selected": selected,
        "page": members_page,
        "blocks": list(blocks.values()),
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
    qs = access.restrict(qs, user=user)
    if group is not None:
        qs = qs.filter(group=group)
    if person is not None:
        qs = qs.filter(person=person)
    if current_on is not None:
        qs = qs.filter(_current_q(current_on))
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


def person_of_login(user: Any) -> Person | None:
    """The person a login is linked to (with their organisation), or None: by the access
    scope's person id, which the act has read already."""
    person_id = access.scope_of(user).person_id if user is not None else None
    if person_id is None:
        return None
    return Person.objects.select_related("organisation").filter(pk=person_id).first()


def person_get(*, user: Any, pk: int) -> Person:
    person = person_list(user=user).filter(pk=pk).first()
    if person is None:
        raise NotFound(f"No person #{pk}.")
    return person


def person_email_visible(*, user: Any, person: Person | None = None) -> bool:
    """Contact details are personal data: participants see them, and a person their own.

    Without a `person`, whether `user` sees the e-mail of people in general (a directory).
    """
    return "email" not in access.hidden_fields(
        user=user, obj_or_kind=person if person is not None else Person()
    )


# --- reads for the pages (structure overview, group page, directories) ---------------


def _visible_successions(
    user: Any, qs: QuerySet[GroupSuccession], other: str
) -> QuerySet[GroupSuccession]:
    """Successions whose `other` end ("predecessor" or "successor") the user may see."""
    qs = access.restrict(qs.select_related(other), user=user)
    visible_other = access.visible_q(GovernanceGroup, user=user, prefix=f"{other}__")
    if visible_other is not None:
        qs = qs.filter(visible_other)
    return qs.order_by("date", f"{other}__acronym", "id")


def visible_parent(*, user: Any, group: GovernanceGroup) -> GovernanceGroup | None:
    """The group's parent, unless the user may not see it (then the page shows none)."""
    parent = group.parent
    if parent is None or not access.may_view(user=user, obj=parent):
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
    for end in ("predecessor", "successor"):
        visible_end = access.visible_q(GovernanceGroup, user=user, prefix=f"{end}__")
        if visible_end is not None:
            qs = qs.filter(visible_end)
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
            if g.parent is not None and access.may_view(user=user, obj=g.parent)
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


# --- the whole programme, for data packs (the system's read, never a page's) ----------


@dataclass
class ProgrammeContents:
    """Everything of one programme a data pack describes, keyed by each row's natural key
    (the keys a pack names rows by), read in one query per kind.

    Example: `contents.groups["TMAG"]`, `contents.seats[(psg.pk, "a) Chair")]`,
    `contents.memberships[(psg.pk, person.pk, "chair", date(2021, 7, 1))]`.
    """

    programme: Programme | None
    market_roles: dict[str, Any] = field(default_factory=dict)
    workstreams: dict[str, Workstream] = field(default_factory=dict)
    constituencies: dict[str, Constituency] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    groups: dict[str, GovernanceGroup] = field(default_factory=dict)
    terms_of_reference: dict[tuple[int, str], TermsOfReference] = field(default_factory=dict)
    seats: dict[tuple[int, str], Seat] = field(default_factory=dict)
    successions: dict[tuple[int, int], GroupSuccession] = field(default_factory=dict)
    memberships: dict[tuple[int, int, str, date], Membership] = field(default_factory=dict)
    framework_versions: dict[str, Any] = field(default_factory=dict)
    deadline_rules: dict[tuple[str, int | None, date | None], Any] = field(default_factory=dict)
    thresholds: dict[str, Any] = field(default_factory=dict)


def programme_contents(*, slug: str) -> ProgrammeContents:
    """The programme `slug` whole, hidden groups included: the data-pack loader matches
    a pack's rows against it and `export-pack` writes it out. It answers the system
    (the CLI acting for an administrator), so it takes no user; pages use the
    restricted selectors above."""
    from progov.governance.models import (
        DeadlineRule,
        FrameworkVersion,
        MarketRole,
        RegulatorThreshold,
    )

    programme = Programme.objects.filter(slug=slug).first()
    contents = ProgrammeContents(programme=programme)
    contents.market_roles = {r.code: r for r in MarketRole.objects.order_by("code")}
    if programme is None:
        return contents
    contents.workstreams = {
        w.name: w for w in Workstream.objects.filter(programme=programme).order_by("name")
    }
    contents.constituencies = {
        k.code: k for k in Constituency.objects.filter(programme=programme).order_by("code")
    }
    contents.organisations = {
        o.name: o
        for o in Organisation.objects.filter(programme=programme)
        .prefetch_related("market_roles")
        .order_by("name")
    }
    # People carry no unique key; the oldest of that name is the one a pack means.
    for person in (
        Person.objects.filter(programme=programme)
        .select_related("organisation", "user")
        .order_by("-id")
    ):
        contents.people[person.name] = person
    contents.people = dict(sorted(contents.people.items()))
    contents.groups = {
        g.acronym.upper(): g
        for g in GovernanceGroup.objects.filter(programme=programme)
        .select_related("parent", "workstream")
        .prefetch_related(
            Prefetch(
                "status_history",
                queryset=GroupStatusChange.objects.order_by("effective_date", "id"),
            )
        )
        .order_by("acronym")
    }
    contents.terms_of_reference = {
        (t.group_id, t.version_number): t
        for t in TermsOfReference.objects.filter(group__programme=programme).order_by("date", "id")
    }
    contents.seats = {
        (s.group_id, s.label): s
        for s in Seat.objects.filter(group__programme=programme)
        .select_related("constituency")
        .order_by("group_id", "position", "id")
    }
    contents.successions = {
        (s.predecessor_id, s.successor_id): s
        for s in GroupSuccession.objects.filter(predecessor__programme=programme).select_related(
            "predecessor", "successor"
        )
    }
    for m in (
        Membership.objects.filter(group__programme=programme)
        .select_related("group", "person", "constituency", "seat")
        .order_by("id")
    ):
        contents.memberships.setdefault((m.group_id, m.person_id, m.role, m.start_date), m)
    contents.framework_versions = {
        v.version: v for v in FrameworkVersion.objects.filter(programme=programme)
    }
    contents.deadline_rules = {
        (r.key, r.group_id, r.effective_from): r
        for r in DeadlineRule.objects.filter(programme=programme).select_related("group")
    }
    contents.thresholds = {t.key: t for t in RegulatorThreshold.objects.filter(programme=programme)}
    return contents


def named_readers(*, obj: Any) -> list[Person]:
    """The people named on a restricted object, by name (callers check they may see it)."""
    return list(
        Person.objects.filter(
            named_on__object_type=access.kind_of(obj).name, named_on__object_id=str(obj.pk)
        ).order_by("name", "pk")
    )


# --- what the structure-maintenance forms offer ------------------------------------------


def seat_list(*, user: Any, group: GovernanceGroup) -> QuerySet[Seat]:
    """A group's seats in their listed order (seen with the group)."""
    return (
        access.restrict(Seat.objects.select_related("constituency"), user=user)
        .filter(group=group)
        .order_by("position", "label", "id")
    )


def seat_get(*, user: Any, group: GovernanceGroup, pk: int) -> Seat:
    seat = seat_list(user=user, group=group).select_related("group").filter(pk=pk).first()
    if seat is None:
        raise NotFound(f"{group.acronym} has no seat #{pk}.")
    return seat


def membership_get(*, user: Any, group: GovernanceGroup, pk: int) -> Membership:
    """One membership of `group` (current or not) for the membership forms."""
    found = membership_list(user=user, group=group).select_related("seat").filter(pk=pk).first()
    if found is None:
        raise NotFound(f"{group.acronym} has no membership #{pk}.")
    return found


def representatives_of(*, user: Any, group: GovernanceGroup, on: date) -> QuerySet[Membership]:
    """Current representatives of `group`: whom an alternate may stand in for."""
    return membership_list(user=user, group=group, current_on=on).filter(
        role=MembershipRole.REPRESENTATIVE
    )


def constituency_get(*, user: Any, programme: Programme, code: str) -> Constituency:
    found = constituency_list(user=user, programme=programme).filter(code=code).first()
    if found is None:
        raise NotFound(f"No constituency {code!r}.")
    return found


def market_role_list(*, user: Any) -> QuerySet[MarketRole]:
    return MarketRole.objects.order_by("name")


def group_choices(*, user: Any, programme: Programme) -> list[GovernanceGroup]:
    """Every group of the programme the user may see, for a "reports to" or "succeeded by"
    choice, by level then acronym (no annotations: a choice needs only the name)."""
    return list(
        access.restrict(GovernanceGroup.objects.filter(programme=programme), user=user)
        .only("id", "acronym", "name", "level")
        .order_by("level", "acronym")
    )


def hidden_acronyms(*, user: Any, programme: Programme) -> set[str]:
    """The acronyms of the programme's groups `user` may not see (to leave them unnamed
    where a text would name them: a decision's route through a restricted parent)."""
    every = GovernanceGroup.objects.filter(programme=programme)
    visible = access.restrict(every, user=user).values_list("acronym", flat=True)
    return set(every.values_list("acronym", flat=True)) - set(visible)


def terms_text(*, group: GovernanceGroup, version_number: str) -> TermsOfReference:
    found = group.terms_of_reference.filter(version_number=version_number).first()
    if found is None:
        raise NotFound(f"{group.acronym} has no terms of reference version {version_number!r}.")
    return found


@dataclass(frozen=True)
class PreviewDate:
    day: date
    day_off: str  # why the day is not worked ("Christmas Day", "Saturday"), or ""


def schedule_preview(*, programme: Programme, text: str, today: date, count: int) -> dict[str, Any]:
    """What a schedule typed in the group form gives: `summary` in words, the next
    `count` `dates` from `today` with any day off named ("Wed 25 Dec 2024: Christmas
    Day"), or the `problem` with the text."""
    try:
        schedule = read_schedule(text)
    except ScheduleError as exc:
        return {"problem": str(exc), "summary": "", "dates": []}
    calendar = get_calendar(programme.governance_calendar)
    dates = [
        PreviewDate(
            day=day,
            day_off="" if calendar.is_working_day(day) else calendar.reason_not_working(day),
        )
        for day in next_dates(schedule.rrule, after=today, count=count)
    ]
    summary = describe_schedule(
        schedule.rrule, schedule.start_time, schedule.end_time, schedule.note
    )
    return {"problem": "", "summary": summary, "dates": dates}
