"""The access model: one declared table of who may do what, and two ways to read it.

Who
    A login's programme role (`User.role`) makes it an administrator, the programme
    secretariat (the PMO), or a participant (members and observers); the `public` role and
    anonymous visitors are neither. A login linked to a Person also holds that person's
    *current* memberships, and each gives a relationship to the membership's group:
    chair, secretariat, or (any role at all) member. A person may be *named* on a
    restricted object, and is *self* for their own person record and feed tokens.

What
    Every kind of object the platform shows (`governance.group`, `meetings.paper`, …) is
    bound here by the app that owns it (`register_kind`, from the app's `access.py`): where
    its group, classification, person and parent object are. The table below says, for each
    kind and each action (the domain's verbs: `view`, `change`, `move`, `publish`,
    `confirm`…), which subjects are allowed.

Classification
    `public` (anyone), `participants` (signed-in participants), `group` (the members of the
    object's group, its chair and secretariat, and the programme secretariat), `restricted`
    (people named on the object and the programme secretariat). A kind whose `view` rule is
    `BY_CLASSIFICATION` is visible to the subjects its classification admits; a kind with a
    parent (a paper's meeting, a meeting's group) is also hidden whenever its parent is.

Two entry points read the table:

- `restrict(queryset, user=…, action="view")` filters a queryset in SQL (no per-row
  Python): lists, counts and subqueries all see only what the user may;
- `require(user=…, action=…, obj=…)` in services: a hidden object raises NotFound (exactly
  like a missing one), a visible one the user may not act on raises PermissionDenied.

`allowed(...)` and `permitted_actions(...)` answer the same questions for pages and the API,
so what they offer is what the services accept. `user=None` is the system (the pack loader,
the CLI) for `require` and an anonymous reader for `restrict`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q, QuerySet

from progov.core.auth import is_signed_in
from progov.core.context import act_cache
from progov.core.errors import NotFound, PermissionDenied

M = TypeVar("M", bound=models.Model)


class Classification(models.TextChoices):
    """Who may read a piece of content (domain.md §8: closed groups' papers are for members).

    Example: the PSG #24 meeting pack is `public`; a PSG paper for its members only is
    `group`; a commercially sensitive paper shown to named people is `restricted`.
    """

    PUBLIC = "public", "Public"
    PARTICIPANTS = "participants", "Programme participants"
    GROUP = "group", "Group members"
    RESTRICTED = "restricted", "Restricted (named people)"


class Subject(enum.StrEnum):
    """A role or relationship the table grants actions to."""

    ANYONE = "anyone"
    PARTICIPANT = "participant"
    GROUP_MEMBER = "group_member"
    GROUP_CHAIR = "group_chair"
    GROUP_SECRETARIAT = "group_secretariat"
    NAMED = "named"
    SELF = "self"
    OWNER = "owner"
    PROGRAMME_SECRETARIAT = "programme_secretariat"
    ADMINISTRATOR = "administrator"


SUBJECT_LABELS: dict[Subject, str] = {
    Subject.ANYONE: "Anyone (also anonymous)",
    Subject.PARTICIPANT: "Participant (signed in: secretariat, member, observer)",
    Subject.GROUP_MEMBER: "Member of the object's group (any current membership)",
    Subject.GROUP_CHAIR: "Chair of the object's group",
    Subject.GROUP_SECRETARIAT: "Secretariat of the object's group",
    Subject.NAMED: "Named on the object",
    Subject.SELF: "The person themself",
    Subject.OWNER: (
        "Owner of the object (the person named, someone of the owning organisation, "
        "a member of the owning group)"
    ),
    Subject.PROGRAMME_SECRETARIAT: "Programme secretariat (PMO role)",
    Subject.ADMINISTRATOR: "Administrator",
}


class _ByClassification:
    """The `view` rule of a classified kind: the object's classification decides."""

    def __repr__(self) -> str:
        return "BY_CLASSIFICATION"


BY_CLASSIFICATION = _ByClassification()
Allowed = frozenset[Subject] | _ByClassification

ANYONE = frozenset({Subject.ANYONE})
STAFF = frozenset({Subject.ADMINISTRATOR, Subject.PROGRAMME_SECRETARIAT})
ADMIN_ONLY = frozenset({Subject.ADMINISTRATOR})
GROUP_MANAGERS = STAFF | {Subject.GROUP_CHAIR, Subject.GROUP_SECRETARIAT}
PARTICIPANTS = STAFF | {Subject.PARTICIPANT, Subject.GROUP_MEMBER}
SELF_OR_STAFF = STAFF | {Subject.SELF}

# Who may read content of each classification. The programme secretariat and
# administrators read everything; a group's chair and secretariat are its members too.
VIEW_BY_CLASSIFICATION: dict[str, frozenset[Subject]] = {
    Classification.PUBLIC: ANYONE,
    Classification.PARTICIPANTS: PARTICIPANTS,
    Classification.GROUP: STAFF | {Subject.GROUP_MEMBER},
    Classification.RESTRICTED: STAFF | {Subject.NAMED},
}

_STRUCTURE = {"view": ANYONE, "create": STAFF, "change": STAFF, "delete": STAFF}
_IN_GROUP = {"view": ANYONE, "create": STAFF, "change": STAFF, "delete": STAFF}
_MEETING_PART = {
    "view": ANYONE,
    "create": GROUP_MANAGERS,
    "change": GROUP_MANAGERS,
    "delete": GROUP_MANAGERS,
}

# THE TABLE: kind → action → the subjects allowed. `view` of a kind with a parent also
# needs the parent's `view` (see `register_kind`); drafts (unpublished papers, headline
# reports not yet published) also need `view_draft`.
POLICY: dict[str, dict[str, Allowed]] = {
    "governance.programme": {"view": ANYONE, "create": STAFF, "change": STAFF},
    "governance.workstream": dict(_STRUCTURE),
    "governance.marketrole": dict(_STRUCTURE),
    "governance.constituency": dict(_STRUCTURE),
    "governance.organisation": dict(_STRUCTURE),
    "governance.person": {
        **_STRUCTURE,
        # E-mail and the login link are personal data (domain.md §8): not for the public.
        "view_personal": PARTICIPANTS | {Subject.SELF},
        # The secretariat links the people it maintains to their logins (a new login it
        # makes is a member's or an observer's: only administrators grant more).
        "link_login": STAFF,
        "manage_feed_tokens": SELF_OR_STAFF,
    },
    "governance.group": {
        "view": BY_CLASSIFICATION,
        "create": STAFF,
        "change": STAFF,
        "delete": STAFF,
        "restructure": STAFF,
        # The group's own chair and secretariat run its meetings and its forward look.
        "generate_meetings": GROUP_MANAGERS,
        "plan_agenda": GROUP_MANAGERS,
    },
    "governance.groupstatuschange": dict(_IN_GROUP),
    "governance.termsofreference": dict(_IN_GROUP),
    "governance.groupsuccession": dict(_IN_GROUP),
    "governance.seat": dict(_IN_GROUP),
    # The group's chair and secretariat keep its membership (domain.md §2: they run it).
    "governance.membership": {
        "view": ANYONE,
        "create": GROUP_MANAGERS,
        "change": GROUP_MANAGERS,
        "delete": GROUP_MANAGERS,
    },
    "governance.frameworkversion": dict(_STRUCTURE),
    "governance.deadlinerule": dict(_STRUCTURE),
    "governance.regulatorthreshold": dict(_STRUCTURE),
    "governance.namedreader": {"view": STAFF, "create": GROUP_MANAGERS, "delete": GROUP_MANAGERS},
    "calendars.closureday": dict(_STRUCTURE),
    "meetings.meetingseries": {"view": ANYONE, "change": GROUP_MANAGERS},
    "meetings.agendatemplateitem": dict(_MEETING_PART),
    "meetings.meeting": {
        "view": ANYONE,
        "create": GROUP_MANAGERS,
        "change": GROUP_MANAGERS,
        "confirm": GROUP_MANAGERS,
        "move": GROUP_MANAGERS,
        "cancel": GROUP_MANAGERS,
        "reinstate": GROUP_MANAGERS,
        "mark_held": GROUP_MANAGERS,
        "record_attendance": GROUP_MANAGERS,
        "edit_agenda": GROUP_MANAGERS,
        "upload_paper": GROUP_MANAGERS,
        "edit_report": GROUP_MANAGERS,
    },
    "meetings.agendaitem": {
        **_MEETING_PART,
        "move": GROUP_MANAGERS,
        "carry": GROUP_MANAGERS,
    },
    "meetings.forwardlookitem": {**_MEETING_PART, "schedule": GROUP_MANAGERS},
    "meetings.paper": {
        "view": BY_CLASSIFICATION,
        "view_draft": GROUP_MANAGERS,
        "create": GROUP_MANAGERS,
        "change": GROUP_MANAGERS,
        "publish": GROUP_MANAGERS,
        "delete": GROUP_MANAGERS,
    },
    "meetings.attendance": dict(_MEETING_PART),
    "meetings.headlinereport": {
        "view": ANYONE,
        "view_draft": GROUP_MANAGERS,
        "change": GROUP_MANAGERS,
        "publish": GROUP_MANAGERS,
        # Participants ask for amendments of a published report (framework: 5 working days
        # before the next meeting).
        "request_amendment": PARTICIPANTS,
    },
    "meetings.amendmentrequest": {
        "view": PARTICIPANTS,
        "create": PARTICIPANTS,
        "answer": GROUP_MANAGERS,
    },
    "meetings.calendarfeedtoken": {
        "view": SELF_OR_STAFF,
        "create": SELF_OR_STAFF,
        "revoke": SELF_OR_STAFF,
    },
    # The action log (domain.md §3): a group's chair and secretariat keep it; the owner
    # (the person named, someone of the owning organisation, a member of the owning
    # group) posts updates and proposes closure, which the group confirms at a meeting.
    "actions.action": {
        "view": ANYONE,
        "create": GROUP_MANAGERS,
        "change": GROUP_MANAGERS,
        "post_update": GROUP_MANAGERS | {Subject.OWNER},
        "recommend_closure": GROUP_MANAGERS | {Subject.OWNER},
        "confirm_closure": GROUP_MANAGERS,
        "cancel": GROUP_MANAGERS,
    },
    "actions.actionupdate": {"view": ANYONE},
    "actions.owneralias": dict(_STRUCTURE),
    # The decision log: a group's chair and secretariat record its decisions (within the
    # authority the rules give it); the rules themselves are the administrators'.
    "decisions.ruleset": {"view": ANYONE, "create": ADMIN_ONLY, "change": ADMIN_ONLY},
    "decisions.delegation": {
        "view": ANYONE,
        "create": ADMIN_ONLY,
        "change": ADMIN_ONLY,
        "delete": ADMIN_ONLY,
    },
    "decisions.decision": {
        "view": ANYONE,
        "create": GROUP_MANAGERS,
        "change": GROUP_MANAGERS,
    },
    "decisions.decisionview": {"view": ANYONE},
    "decisions.condition": {"view": ANYONE, "change": GROUP_MANAGERS},
    # Any participant raises an escalation (a participant, a representative, a group);
    # the receiving group's chair and secretariat answer it or take it a level higher.
    "decisions.escalation": {
        "view": PARTICIPANTS,
        "create": PARTICIPANTS,
        "answer": GROUP_MANAGERS,
        "escalate": GROUP_MANAGERS,
    },
    # Any party may appeal a governance decision to the IPA; the secretariat records the
    # IPA's final decision and the SRO's actions enacting it.
    "decisions.appeal": {"view": PARTICIPANTS, "create": PARTICIPANTS, "decide": STAFF},
    # A login's record, its sign-in history (audit) included, is for administrators, who
    # also unlock a login paused after failed sign-ins.
    "accounts.user": {"view": ADMIN_ONLY, "change": ADMIN_ONLY, "unlock": ADMIN_ONLY},
    "accounts.apitoken": {"view": ADMIN_ONLY, "create": ADMIN_ONLY, "revoke": ADMIN_ONLY},
}


# --- kinds: how each app's objects reach their group, classification, person, parent --------


@dataclass(frozen=True)
class Kind:
    """How the table's rules find an object's facts. Paths are ORM lookups from the object.

    Example (meetings): `Kind("meetings.paper", Paper, group="meeting__group_id",
    classification="classification", parent=("meetings.meeting", "meeting"),
    draft=Q(published_at__isnull=True), is_draft=lambda p: p.published_at is None)`.
    """

    name: str
    model: type[models.Model]
    group: str | None = None
    classification: str | None = None
    person: str | None = None
    parent: tuple[str, str] | None = None
    draft: Q | None = None
    is_draft: Callable[[Any], bool] | None = None
    # Fields only some readers may see, and the action that shows them (audit, History).
    field_actions: Mapping[str, str] = field(default_factory=dict)
    # Who owns an object (an action's owner: named people, organisations, a group's
    # members), for the `owner` subject: the rows a scope owns as a Q on `prefix`, and
    # whether the scope owns one object.
    owner: Callable[[Scope, str], Q | None] | None = None
    is_owner: Callable[[Any, Scope], bool] | None = None


_KINDS: dict[str, Kind] = {}
_BY_MODEL: dict[type[models.Model], Kind] = {}


def register_kind(kind: Kind) -> Kind:
    """Bind a kind of the table to its model (called from each app's `access.py`)."""
    if kind.name not in POLICY:
        raise LookupError(f"{kind.name} has no rules in core.access.POLICY")
    _KINDS[kind.name] = kind
    _BY_MODEL[kind.model] = kind
    return kind


def kinds() -> dict[str, Kind]:
    return dict(_KINDS)


def kind_for_label(label: str) -> Kind | None:
    """The kind of a model by its `app_label.modelname` (as the audit trail records it)."""
    for kind in _KINDS.values():
        if kind.model._meta.label_lower == label:
            return kind
    return None


def kind_of(obj_or_model: Any) -> Kind:
    model: Any = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    model = getattr(model._meta, "concrete_model", None) or model
    try:
        return _BY_MODEL[model]
    except KeyError:
        raise LookupError(f"{model.__name__} is not registered with the access model") from None


def rule(kind: str, action: str) -> Allowed:
    try:
        return POLICY[kind][action]
    except KeyError:
        raise LookupError(f"no rule for {action!r} on {kind}") from None


# --- the reader's scope --------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a login holds: its programme role, its person and its current memberships.

    `groups` maps a group id to the membership roles held in it today; `named` maps a kind
    to the ids of objects the person is named on.
    """

    user_id: int | None = None
    role: str = "anonymous"
    administrator: bool = False
    programme_secretariat: bool = False
    participant: bool = False
    person_id: int | None = None
    organisation_id: int | None = None
    groups: Mapping[int, frozenset[str]] = field(default_factory=dict)
    named: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def staff(self) -> bool:
        return self.administrator or self.programme_secretariat

    def group_ids(self, *roles: str) -> list[int]:
        """Groups where the person holds any of `roles` (none given: any membership)."""
        if not roles:
            return sorted(self.groups)
        wanted = set(roles)
        return sorted(g for g, held in self.groups.items() if held & wanted)

    def key(self) -> str:
        """A short, stable description of the scope (for cache keys and ETags)."""
        if self.user_id is None:
            return "anonymous"
        groups = ",".join(f"{g}:{'+'.join(sorted(r))}" for g, r in sorted(self.groups.items()))
        named = ",".join(f"{k}:{'+'.join(sorted(v))}" for k, v in sorted(self.named.items()))
        return (
            f"u{self.user_id}|{self.role}|p{self.person_id}|o{self.organisation_id}"
            f"|g[{groups}]|n[{named}]"
        )

    def shared_key(self) -> str:
        """The scope without the login and the person: what readers who may see the same
        things have in common (role, organisation, groups and roles held, named on).

        The read cache shares rendered answers by this key; answers that depend on who
        the reader is themself (`self` rules: their own feeds, their own person page)
        are kept per reader instead (`core.readcache.per_viewer`)."""
        if self.user_id is None:
            return "anonymous"
        return self.key().split("|", 1)[1].replace(f"p{self.person_id}|", "", 1)


ANONYMOUS = Scope()

# The membership facts live in governance, above this layer: it registers the function
# that reads them (person id, organisation id, {group id: roles}, {kind: named ids}).
ScopeFacts = tuple[int | None, int | None, dict[int, frozenset[str]], dict[str, frozenset[str]]]
_scope_provider: Callable[[Any], ScopeFacts] | None = None


def register_scope_provider(provider: Callable[[Any], ScopeFacts]) -> None:
    global _scope_provider
    _scope_provider = provider


_PARTICIPANT_ROLES = {"administrator", "secretariat", "member", "observer"}

# One scope per login per act (request or command): the reads of one page share it.
_CACHE = "access_scopes"


def forget_scopes() -> None:
    """Drop cached scopes (a membership or a login link changed during this act)."""
    cache = act_cache(_CACHE)
    if cache is not None:
        cache.clear()


# Membership facts across requests, by login and read version (core/readcache.py passes
# it): they change only through audited writes, which change the version, or at midnight,
# which is part of it. Bounded: the oldest half goes when it fills.
_FACTS_BY_VERSION: dict[tuple[int, str], ScopeFacts] = {}
_FACTS_KEPT = 4096


def _facts(user: Any, version: str | None) -> ScopeFacts:
    assert _scope_provider is not None
    if version is None:
        return _scope_provider(user)
    key = (user.pk, version)
    facts = _FACTS_BY_VERSION.get(key)
    if facts is None:
        facts = _scope_provider(user)
        if len(_FACTS_BY_VERSION) >= _FACTS_KEPT:
            for old in list(_FACTS_BY_VERSION)[: _FACTS_KEPT // 2]:
                _FACTS_BY_VERSION.pop(old, None)
        _FACTS_BY_VERSION[key] = facts
    return facts


def scope_of(user: Any, *, version: str | None = None) -> Scope:
    """The login's scope, once per act. `version` (the read version) lets the membership
    facts be reused from an earlier request at the same version."""
    if isinstance(user, Scope):
        return user
    if not is_signed_in(user):
        return ANONYMOUS
    cache = act_cache(_CACHE)
    if cache is not None and user.pk in cache:
        return cache[user.pk]
    role = getattr(user, "role", "public") or "public"
    administrator = bool(user.is_superuser or role == "administrator")
    person_id: int | None = None
    organisation_id: int | None = None
    groups: dict[int, frozenset[str]] = {}
    named: dict[str, frozenset[str]] = {}
    if _scope_provider is not None:
        person_id, organisation_id, groups, named = _facts(user, version)
    scope = Scope(
        user_id=user.pk,
        role="administrator" if administrator else role,
        administrator=administrator,
        programme_secretariat=role == "secretariat",
        participant=administrator or role in _PARTICIPANT_ROLES,
        person_id=person_id,
        organisation_id=organisation_id,
        groups=groups,
        named=named,
    )
    if cache is not None:
        cache[user.pk] = scope
    return scope


# --- restrict(): the table as SQL ----------------------------------------------------------


def _path(prefix: str, path: str) -> str:
    return f"{prefix}{path}"


_NOTHING = Q(pk__in=[])


def _subjects_q(kind: Kind, subjects: Iterable[Subject], scope: Scope, prefix: str) -> Q | None:
    """Rows where the scope holds one of `subjects`; None means every row."""
    subjects = set(subjects)
    if Subject.ANYONE in subjects:
        return None
    if Subject.ADMINISTRATOR in subjects and scope.administrator:
        return None
    if Subject.PROGRAMME_SECRETARIAT in subjects and scope.programme_secretariat:
        return None
    if Subject.PARTICIPANT in subjects and scope.participant:
        return None
    q = _NOTHING
    if kind.group is not None:
        group_path = _path(prefix, kind.group)
        roles: list[str] = []
        if Subject.GROUP_MEMBER in subjects:
            ids = scope.group_ids()
            if ids:
                q |= Q(**{f"{group_path}__in": ids})
        if Subject.GROUP_CHAIR in subjects:
            roles.append("chair")
        if Subject.GROUP_SECRETARIAT in subjects:
            roles.append("secretariat")
        if roles and (ids := scope.group_ids(*roles)):
            q |= Q(**{f"{group_path}__in": ids})
    if Subject.NAMED in subjects and (named := scope.named.get(kind.name)):
        q |= Q(**{f"{prefix}pk__in": sorted(int(i) for i in named)})
    if Subject.SELF in subjects and kind.person is not None and scope.person_id is not None:
        q |= Q(**{_path(prefix, kind.person): scope.person_id})
    if Subject.OWNER in subjects and kind.owner is not None and scope.user_id is not None:
        owned = kind.owner(scope, prefix)
        if owned is not None:
            q |= owned
    return q


def _and(a: Q | None, b: Q | None) -> Q | None:
    if a is None:
        return b
    if b is None:
        return a
    return a & b


def _or(a: Q | None, b: Q | None) -> Q | None:
    if a is None or b is None:
        return None
    return a | b


def _view_q(kind: Kind, scope: Scope, prefix: str = "") -> Q | None:
    view = rule(kind.name, "view")
    if isinstance(view, _ByClassification):
        if kind.classification is None:
            raise LookupError(f"{kind.name} is classified but names no classification field")
        class_path = _path(prefix, kind.classification)
        own: Q | None = _NOTHING
        for value, subjects in VIEW_BY_CLASSIFICATION.items():
            allowed = _subjects_q(kind, subjects, scope, prefix)
            clause = Q(**{class_path: value})
            own = _or(own, clause if allowed is None else clause & allowed)
    else:
        own = _subjects_q(kind, view, scope, prefix)
    if kind.draft is not None:
        drafts = _subjects_q(kind, _frozen(rule(kind.name, "view_draft")), scope, prefix)
        if drafts is not None:
            draft = _prefixed(kind.draft, prefix)
            # Published rows by the view rule; drafts only for those who may see drafts.
            own = _and(own, ~draft | drafts)
    if kind.parent is not None:
        parent_kind, parent_path = kind.parent
        own = _and(own, _view_q(_KINDS[parent_kind], scope, f"{prefix}{parent_path}__"))
    return own


def _prefixed(q: Q, prefix: str) -> Q:
    if not prefix:
        return q
    out = Q()
    out.connector = q.connector
    out.negated = q.negated
    children: list[Any] = list(q.children)
    out.children = [
        _prefixed(c, prefix) if isinstance(c, Q) else (f"{prefix}{c[0]}", c[1]) for c in children
    ]
    return out


def _frozen(allowed: Allowed) -> frozenset[Subject]:
    if isinstance(allowed, _ByClassification):
        raise LookupError("only `view` may be BY_CLASSIFICATION")
    return allowed


def restrict(queryset: QuerySet[M], *, user: Any, action: str = "view") -> QuerySet[M]:
    """The rows of `queryset` on which `user` may do `action` (view: may see), in SQL."""
    kind = kind_of(queryset.model)
    scope = scope_of(user)
    q = _view_q(kind, scope)
    if action != "view":
        q = _and(q, _subjects_q(kind, _frozen(rule(kind.name, action)), scope, ""))
    return queryset if q is None else queryset.filter(q)


def visible_q(model: type[models.Model], *, user: Any, prefix: str = "") -> Q | None:
    """The view rule of `model` as a Q on a related path (None: no restriction).

    For a queryset of another model, e.g. meetings filtered by their group's visibility:
    `visible_q(GovernanceGroup, user=u, prefix="group__")`.
    """
    return _view_q(kind_of(model), scope_of(user), prefix)


# --- require(), allowed(): the table for one object ----------------------------------------


def _resolve(obj: Any, path: str) -> Any:
    value = obj
    for part in path.split("__"):
        if value is None:
            return None
        value = getattr(value, part)
    return value


def _held(kind: Kind, obj: Any, scope: Scope) -> set[Subject]:
    """The subjects `scope` holds towards `obj`."""
    held = {Subject.ANYONE}
    if scope.administrator:
        held.add(Subject.ADMINISTRATOR)
    if scope.programme_secretariat:
        held.add(Subject.PROGRAMME_SECRETARIAT)
    if scope.participant:
        held.add(Subject.PARTICIPANT)
    if kind.group is not None and scope.groups:
        roles = scope.groups.get(_resolve(obj, kind.group), frozenset())
        if roles:
            held.add(Subject.GROUP_MEMBER)
        if "chair" in roles:
            held.add(Subject.GROUP_CHAIR)
        if "secretariat" in roles:
            held.add(Subject.GROUP_SECRETARIAT)
    if obj.pk is not None and str(obj.pk) in scope.named.get(kind.name, ()):
        held.add(Subject.NAMED)
    if (
        kind.person is not None
        and scope.person_id is not None
        and _resolve(obj, kind.person) == scope.person_id
    ):
        held.add(Subject.SELF)
    if kind.is_owner is not None and scope.user_id is not None and kind.is_owner(obj, scope):
        held.add(Subject.OWNER)
    return held


def _may_view(kind: Kind, obj: Any, scope: Scope, *, as_published: bool = False) -> bool:
    if kind.parent is not None:
        parent = _resolve(obj, kind.parent[1])
        if parent is not None and not _may_view(_KINDS[kind.parent[0]], parent, scope):
            return False
    held = _held(kind, obj, scope)
    view = rule(kind.name, "view")
    if isinstance(view, _ByClassification):
        classification = _resolve(obj, kind.classification or "")
        subjects = VIEW_BY_CLASSIFICATION.get(classification, STAFF)
    else:
        subjects = view
    if not as_published and kind.is_draft is not None and obj.pk is not None and kind.is_draft(obj):
        return bool(held & _frozen(rule(kind.name, "view_draft")))
    return bool(held & subjects)


def _may(kind: Kind, obj: Any, action: str, scope: Scope) -> bool:
    if action == "view":
        return _may_view(kind, obj, scope)
    return bool(_held(kind, obj, scope) & _frozen(rule(kind.name, action)))


def may_view(*, user: Any, obj: Any) -> bool:
    """True when `user` may see `obj` (an unsaved object: when they may see its parent)."""
    kind = kind_of(obj)
    if obj.pk is None:
        return _parent_visible(kind, obj, scope_of(user))
    return _may_view(kind, obj, scope_of(user))


def _parent_visible(kind: Kind, obj: Any, scope: Scope) -> bool:
    if kind.parent is None:
        return True
    parent = _resolve(obj, kind.parent[1])
    return parent is None or _may_view(_KINDS[kind.parent[0]], parent, scope)


def allowed(*, user: Any, action: str, obj: Any) -> bool:
    """True when `user` may see `obj` and do `action` on it (`user=None`: the system)."""
    if user is None:
        return True
    kind = kind_of(obj)
    scope = scope_of(user)
    visible = _parent_visible(kind, obj, scope) if obj.pk is None else _may_view(kind, obj, scope)
    return visible and (action == "view" or _may(kind, obj, action, scope))


def require(*, user: Any, action: str, obj: Any) -> None:
    """Raise NotFound when `user` may not see `obj`, PermissionDenied when they may not `action`.

    `user=None` is the system (pack loader, CLI) and may do anything. For a new object pass
    the unsaved instance with its parent set (`AgendaItem(meeting=m)`): the parent must be
    visible, and the rule is read for the new object's kind.
    """
    if user is None:
        return
    kind = kind_of(obj)
    scope = scope_of(user)
    if obj.pk is None:
        if not _parent_visible(kind, obj, scope):
            raise NotFound(f"No {kind.parent[0].split('.')[1] if kind.parent else kind.name}.")
    elif not _may_view(kind, obj, scope):
        if action != "view" and _may_view(kind, obj, scope, as_published=True):
            # Only its being a draft hides it (a headline report not yet published, whose
            # meeting the user sees): changing it is refused, not pretended missing.
            raise PermissionDenied(_denied_message(kind, action, scope))
        raise NotFound(f"No {kind.model._meta.verbose_name} #{obj.pk}.")
    if action == "view":
        return
    if not _may(kind, obj, action, scope):
        raise PermissionDenied(_denied_message(kind, action, scope))


# How a refusal words an action whose name does not read as a verb phrase.
ACTION_WORDS = {
    "link_login": "link a login to",
    "mark_held": "mark held",
    "view_personal": "see the personal data of",
    "manage_feed_tokens": "manage the calendar feed links of",
    "generate_meetings": "generate the meetings of",
    "plan_agenda": "plan the agenda of",
    "edit_agenda": "change the agenda of",
    "upload_paper": "upload a paper to",
    "edit_report": "change the headline report of",
    "record_attendance": "record the attendance of",
    "request_amendment": "request an amendment to",
    "unlock": "unlock the sign-in of",
    "post_update": "post an update on",
    "recommend_closure": "recommend closing",
    "confirm_closure": "confirm the closure of",
    "escalate": "escalate further",
    "decide": "record the IPA's decision on",
}


def _denied_message(kind: Kind, action: str, scope: Scope) -> str:
    subjects = _frozen(rule(kind.name, action))
    verb = ACTION_WORDS.get(action, action.replace("_", " "))
    what = f"{verb} this {kind.model._meta.verbose_name}"
    if scope.user_id is None:
        return f"Sign in to {what}."
    if subjects <= ADMIN_ONLY:
        return f"Only an administrator can {what}."
    if subjects <= STAFF:
        return f"Only the programme secretariat or an administrator can {what}."
    if subjects <= GROUP_MANAGERS:
        return f"Only the group's chair or secretariat, or the programme secretariat, can {what}."
    if subjects <= GROUP_MANAGERS | {Subject.OWNER}:
        return (
            f"Only its owner, the group's chair or secretariat, or the programme secretariat, "
            f"can {what}."
        )
    return f"You may not {what}."


def permitted_actions(*, user: Any, obj: Any, actions: Iterable[str] | None = None) -> set[str]:
    """The actions of the table `user` may do on `obj` (for the buttons a page offers)."""
    kind = kind_of(obj)
    wanted = list(actions) if actions is not None else list(POLICY[kind.name])
    if user is None:
        return set(wanted)
    scope = scope_of(user)
    if not (_may_view(kind, obj, scope) if obj.pk is not None else True):
        return set()
    return {a for a in wanted if _may(kind, obj, a, scope)}


def hidden_fields(*, user: Any, obj_or_kind: Any, object_id: Any = None) -> set[str]:
    """The fields of an object (or of a kind, by name, with its id) `user` may not see.

    Used where only a record of the object is at hand (audit entries, History tabs).
    """
    if isinstance(obj_or_kind, str):
        kind = _KINDS[obj_or_kind]
        if not kind.field_actions:
            return set()
        obj: Any = SimpleNamespace(pk=object_id)
        if kind.group is not None or (kind.person not in (None, "pk")):
            # Field rules of such kinds need the object itself.
            raise LookupError(f"hidden_fields({kind.name!r}) needs the object")
        if kind.person == "pk":
            obj.pk = int(object_id) if str(object_id).isdigit() else None
    else:
        kind, obj = kind_of(obj_or_kind), obj_or_kind
    if not kind.field_actions:
        return set()
    if user is None:
        return set()
    scope = scope_of(user)
    held = _held(kind, obj, scope)
    return {
        name
        for name, action in kind.field_actions.items()
        if not held & _frozen(rule(kind.name, action))
    }


def manages_anything(*, user: Any) -> bool:
    """True for the staff, and for whoever chairs or is secretariat of some group now."""
    if user is None:
        return True
    scope = scope_of(user)
    return scope.staff or bool(scope.group_ids("chair", "secretariat"))


def require_manager(*, user: Any) -> None:
    """Refuse, before reading a write request further, a user who manages nothing (401 for
    anonymous callers, 403 otherwise); the service then checks the object and the action."""
    if not manages_anything(user=user):
        scope = scope_of(user)
        if scope.user_id is None:
            raise PermissionDenied("Sign in to make this change.")
        raise PermissionDenied(
            "Only the programme secretariat, or a group's chair or secretariat, can make "
            "this change."
        )
