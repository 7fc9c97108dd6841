"""The action log's section of a data pack: `owner_aliases` and `actions`.

    owner_aliases:
      - {alias: Programme, organisation: MHHS Programme}
    actions:
      - {ref: TMAG07-03, raised: 2022-07-20, action: "Consider combining working groups…",
         owner: Programme, due: 2022-08-17, status: ongoing, update: "To be explored…"}
      - {ref: PSG17-05, action: "Review the post-implementation approach…",
         owner: Programme (Jason Brogden), due_text: To be reviewed at CP2,
         update: "ONGOING: Status under review in Control Point 2."}

An action's group is the one its ref starts with (PSG23-02 → PSG) unless `group` names
it. Without `status`, the status is the upper-case word the update starts with
("ONGOING:", "RECOMMEND CLOSED:", "[IN PROG"), as the DAG and PSG packs print it. A ref
is unique in the pack and in the programme. The meeting an action was raised at is
found by the group and the date raised (or, without a date, the number in the ref) once
the meetings are generated: `manage.py link_action_meetings` (the demo runs it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from progov.actions import services
from progov.actions.models import REPORTED, Action, ActionStatus, OwnerAlias
from progov.actions.owners import OwnerDirectory
from progov.actions.printed import status_from_update, status_of
from progov.core.errors import ValidationError
from progov.core.packs import (
    ApplyContext,
    Checker,
    ExportContext,
    Map,
    PackSection,
    SchemaContext,
    ValidationContext,
    guard,
    items,
    register_pack_section,
    unique,
)
from progov.core.packs import schema as js
from progov.governance.pack import GovernanceApplier, GovernanceSpec

ACTION_KEYS = (
    "ref",
    "group",
    "raised",
    "action",
    "owner",
    "due",
    "due_text",
    "status",
    "update",
    "note",
)
STATUS_WORDS = ", ".join(ActionStatus.values)


@dataclass
class AliasSpec:
    line: int
    alias: str
    organisation: str
    person: str


@dataclass
class ActionSpec:
    line: int
    ref: str
    prefix: str
    group: str
    raised: date | None
    description: str
    owner: str
    due: date | None
    due_text: str
    status: str
    update: str
    note: str


@dataclass
class ActionsSpec:
    aliases: list[AliasSpec] = field(default_factory=list)
    actions: list[ActionSpec] = field(default_factory=list)


def _group_of_ref(prefix: str, acronyms: list[str]) -> str:
    """The longest acronym the ref's prefix starts with and that is followed by digits."""
    for acronym in sorted(acronyms, key=len, reverse=True):
        rest = prefix[len(acronym) :]
        if prefix.upper().startswith(acronym.upper()) and rest[:1].isdigit():
            return acronym
    return ""


def validate_actions(c: Checker, doc: Map, context: ValidationContext) -> ActionsSpec:
    governance: GovernanceSpec = context.specs["governance"]
    groups = governance.groups_by_acronym
    organisations = {o.name.casefold() for o in governance.organisations} | {
        o.short_name.casefold() for o in governance.organisations if o.short_name
    }
    people = {p.name.casefold() for p in governance.people}
    spec = ActionsSpec()
    seen_alias: dict[Any, int] = {}
    for m, line in items(c, doc, "owner_aliases"):
        alias = c.text(m, "alias", "owner alias", required=True, max_length=100)
        what = f"owner alias {alias or '?'}"
        c.keys(m, what, ("alias", "organisation", "person"))
        org = c.text(m, "organisation", what, max_length=200)
        person = c.text(m, "person", what, max_length=200)
        if bool(org) == bool(person):
            c.error(line, f"{what}: give either 'organisation' or 'person'.")
        if org and org.casefold() not in organisations:
            c.error(c.line(m, "organisation"), f"{what}: no organisation {org!r} in the pack.")
        if person and person.casefold() not in people:
            c.error(c.line(m, "person"), f"{what}: no person {person!r} in the pack.")
        if alias:
            unique(c, seen_alias, alias.casefold(), line, f"{what} is already declared")
        spec.aliases.append(AliasSpec(line, alias, org, person))
    seen: dict[Any, int] = {}
    for m, line in items(c, doc, "actions"):
        ref = c.text(m, "ref", "action", required=True, max_length=40)
        what = f"action {ref or '?'}"
        c.keys(m, what, ACTION_KEYS)
        prefix = ""
        if ref:
            try:
                prefix, _ = services.parse_ref(ref)
            except ValidationError as exc:
                c.error(c.line(m, "ref"), f"{what}: {exc.field_errors['ref'][0]}")
            unique(c, seen, ref.upper(), line, f"{what}: the ref is already used")
        group = c.text(m, "group", what, max_length=30)
        if not group and prefix:
            group = _group_of_ref(prefix, [g.acronym for g in governance.groups])
            if not group:
                c.error(
                    c.line(m, "ref"),
                    f"{what}: the ref starts with no group's acronym; name the group ('group').",
                )
        elif group and group.upper() not in groups:
            c.error(c.line(m, "group"), f"{what}: no group {group!r} in the pack.")
        description = c.text(m, "action", what, required=True)
        owner = c.text(m, "owner", what, required=True, max_length=200)
        due = c.day(m, "due", what)
        due_text = c.text(m, "due_text", what, max_length=200)
        update = c.text(m, "update", what)
        status_text = c.text(m, "status", what, max_length=40)
        status = status_of(status_text) if status_text else status_from_update(update)
        if status_text and status is None:
            c.error(
                c.line(m, "status"),
                f"{what}: 'status' is {status_text!r}; it must be one of {STATUS_WORDS}.",
            )
        spec.actions.append(
            ActionSpec(
                line=line,
                ref=ref,
                prefix=prefix,
                group=groups[group.upper()].acronym if group.upper() in groups else group,
                raised=c.day(m, "raised", what),
                description=description,
                owner=owner,
                due=due,
                due_text=due_text,
                status=status or ActionStatus.OPEN,
                update=update,
                note=c.text(m, "note", what, max_length=300),
            )
        )
    return spec


class ActionsApplier:
    """Writes the aliases, then the actions, through the action log's services."""

    def __init__(self, spec: ActionsSpec, context: ApplyContext) -> None:
        self.spec = spec
        self.actor = context.actor
        self.report = context.report
        self.governance: GovernanceApplier = context.results["governance"]
        self.programme = self.governance.programme

    def run(self) -> None:
        for a in self.spec.aliases:
            guard(a.line, f"owner alias {a.alias}", self._alias, a)
        directory = OwnerDirectory(self.programme)
        stored = {a.ref.upper(): a for a in Action.objects.filter(programme=self.programme)}
        for s in self.spec.actions:
            guard(s.line, f"action {s.ref}", self._action, s, stored.get(s.ref.upper()), directory)

    def _alias(self, a: AliasSpec) -> None:
        directory = OwnerDirectory(self.programme)
        target = directory.organisations.get(a.organisation.casefold()) if a.organisation else None
        person = directory.people.get(a.person.casefold()) if a.person else None
        row = OwnerAlias.objects.filter(programme=self.programme, alias__iexact=a.alias).first()
        if (
            row is not None
            and row.organisation_id == (target.pk if target else None)
            and row.person_id == (person.pk if person else None)
        ):
            self.report.add("owner_aliases", "unchanged")
            return
        services.add_owner_alias(
            actor=self.actor,
            programme=self.programme,
            alias=a.alias,
            organisation=target,
            person=person,
        )
        self.report.add("owner_aliases", "created" if row is None else "updated")

    def _action(self, s: ActionSpec, row: Action | None, directory: OwnerDirectory) -> None:
        group = self.governance.groups[s.group.upper()]
        if row is None:
            meeting = services.meeting_for(group, s.prefix, s.raised)
            services.record_action(
                actor=self.actor,
                group=group,
                ref=s.ref,
                description=s.description,
                owner=s.owner,
                meeting=meeting,
                raised_on=s.raised or (services.meeting_date(meeting) if meeting else None),
                due_on=s.due,
                due_text=s.due_text,
                status=s.status,
                latest_update=s.update,
                note=s.note,
                directory=directory,
            )
            self.report.add("actions", "created")
            return
        changes = {
            k: v
            for k, v in {
                "description": s.description,
                "owner_text": s.owner,
                "due_on": s.due,
                "due_text": s.due_text,
            }.items()
            if getattr(row, k) != v
        }
        if s.raised is not None and row.raised_on != s.raised:
            changes["raised_on"] = s.raised
        changed = False
        if changes:
            row = services.update_action(
                actor=self.actor, action=row, expected_version=row.version, changes=changes
            )
            changed = True
        if (row.status, row.latest_update) != (s.status, s.update) and s.status in REPORTED:
            services.post_action_update(
                actor=self.actor,
                action=row,
                expected_version=row.version,
                text=s.update or row.latest_update or "Restated by the data pack.",
                status=s.status,
            )
            changed = True
        self.report.add("actions", "updated" if changed else "unchanged")


def export_actions(context: ExportContext) -> dict[str, Any]:
    out: dict[str, Any] = {}
    aliases = [
        {"alias": a.alias, "organisation": a.organisation.name}
        if a.organisation is not None
        else {"alias": a.alias, "person": a.person.name if a.person is not None else ""}
        for a in OwnerAlias.objects.filter(programme=context.programme).select_related(
            "organisation", "person"
        )
    ]
    if aliases:
        out["owner_aliases"] = aliases
    rows = []
    for a in (
        Action.objects.filter(programme=context.programme)
        .select_related("group")
        .order_by("group__acronym", "ref_prefix", "sequence", "id")
    ):
        entry: dict[str, Any] = {"ref": a.ref}
        if _group_of_ref(a.ref_prefix, [a.group.acronym]) != a.group.acronym:
            entry["group"] = a.group.acronym
        entry.update(
            {
                "raised": a.raised_on.isoformat() if a.raised_on else None,
                "action": a.description,
                "owner": a.owner_text,
                "due": a.due_on.isoformat() if a.due_on else None,
                "due_text": a.due_text or None,
                "status": a.status,
                "update": a.latest_update or None,
                "note": a.note or None,
            }
        )
        rows.append({k: v for k, v in entry.items() if v is not None})
    if rows:
        out["actions"] = rows
    return out


def actions_schema() -> dict[str, Any]:
    return js.list_of(
        js.obj(
            {
                "ref": js.text("PSG23-02: the group's acronym, the meeting number, a sequence"),
                "group": js.text("the group's acronym (default: the one the ref starts with)"),
                "raised": js.day("the date raised"),
                "action": js.text("what is to be done"),
                "owner": js.text('as the log prints it: "Programme (Ian Smith)"', max_length=200),
                "due": js.day("the due date"),
                "due_text": js.text(
                    'a due condition in words: "To be reviewed at CP2"', max_length=200
                ),
                "status": js.choice(ActionStatus.values, "default: the update's first word"),
                "update": js.text("the latest update, as printed"),
                "note": js.text(
                    "where the row comes from; why a ref was corrected", max_length=300
                ),
            },
            required=("ref", "action", "owner"),
        ),
        "the groups' action logs",
    )


def aliases_schema() -> dict[str, Any]:
    return js.list_of(
        js.obj(
            {
                "alias": js.text(
                    'a name the logs use for an owner: "Programme", "PMO"', max_length=100
                ),
                "organisation": js.text("the organisation it stands for"),
                "person": js.text("or the person"),
            },
            required=("alias",),
        ),
        "names the action logs use for owners",
    )


@register_pack_section
class ActionsSection(PackSection):
    """The action logs and the names their owners go by (see the module docstring)."""

    name = "actions"
    keys = ("owner_aliases", "actions")
    requires = ("governance", "meetings")
    kinds = (("owner_aliases", "owner aliases"), ("actions", "actions"))
    report_after = "standing_items"

    def validate(self, c: Checker, doc: Map, context: ValidationContext) -> ActionsSpec:
        return validate_actions(c, doc, context)

    def apply(self, spec: ActionsSpec, context: ApplyContext) -> None:
        ActionsApplier(spec, context).run()

    def export(self, context: ExportContext) -> dict[str, Any]:
        return export_actions(context)

    def json_schema(self, context: SchemaContext) -> dict[str, Any]:
        return {"owner_aliases": aliases_schema(), "actions": actions_schema()}

    def summary(self, spec: ActionsSpec) -> list[str]:
        return [f"{len(spec.actions)} actions"] if spec.actions else []
