"""Writes to the action log. Each function is one atomic act with its audit entries.

- `raise_action`: a group's chair or secretariat records an action, at a meeting or
  between meetings; its ref is generated (PSG24-03) and never changes.
- `record_action`: an action with a ref given (an imported log, the data pack); a ref
  already in the log is refused naming both.
- `update_action`: the secretariat corrects the description, owner, dates.
- `post_action_update`: the owner (or the secretariat) adds a dated journal entry and
  may move the status; "Recommend closed" is a proposal only.
- `confirm_action_closure`: the group confirms, at a later meeting, a closure proposed
  before it; recorded against that meeting by its chair or secretariat.
- `cancel_action`: the group drops an action, with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from progov.actions.models import (
    REPORTED,
    Action,
    ActionOwner,
    ActionStatus,
    ActionUpdate,
    OwnerAlias,
)
from progov.actions.owners import OwnerDirectory, ResolvedOwner
from progov.actions.printed import status_from_update
from progov.audit.services import record_create, record_delete, record_many
from progov.audit.writes import WritePath, insert
from progov.core import access
from progov.core.bounds import check_bounds
from progov.core.errors import NotFound, ValidationError
from progov.core.tabular import Problem, Table
from progov.governance.models import GovernanceGroup, Person
from progov.governance.selectors import person_of_login
from progov.governance.timezones import today_for
from progov.meetings.models import Meeting, MeetingStatus
from progov.meetings.times import meeting_date

ACTION_FIELDS = (
    "meeting",
    "description",
    "owner_text",
    "due_on",
    "due_text",
    "raised_on",
    "status",
    "latest_update",
    "closure_recommended_on",
    "closed_at",
    "closed_on",
    "note",
)
ACTIONS = WritePath(
    Action.objects.select_related("group", "programme", "meeting__group", "closed_at__group"),
    ACTION_FIELDS,
)

# A ref: the group's acronym, the meeting's number (10.1 for an extraordinary one), a
# dash and the sequence: PSG23-02, DAG10.1-03, TMAG07-03.
REF = re.compile(r"^(?P<prefix>[A-Za-z][A-Za-z0-9&/]*?\d+(?:\.\d+)?)-(?P<sequence>\d{1,4})$")


def parse_ref(ref: str) -> tuple[str, int]:
    """("PSG23", 2) for "PSG23-02"; ValidationError for a ref not in that shape."""
    match = REF.match(ref.strip())
    if match is None:
        raise ValidationError.for_field(
            "ref",
            f"“{ref}” is not an action ref: write the group's acronym, the meeting number, "
            "a dash and a number, as PSG23-02 or DAG10.1-03.",
        )
    return match["prefix"], int(match["sequence"])


def ref_prefix_for(group: GovernanceGroup, meeting: Meeting | None) -> str:
    """ "PSG24" for PSG #24; between meetings, the number of the group's last meeting."""
    if meeting is None:
        last = (
            Meeting.objects.filter(group=group, start__lte=timezone.now())
            .exclude(status=MeetingStatus.CANCELLED)
            .order_by("-start", "-id")
            .first()
        )
        number = f"{int(last.number_major):02d}" if last is not None else "00"
        if last is not None and last.number_minor:
            number += f".{last.number_minor}"
        return f"{group.acronym}{number}"
    number = f"{meeting.number_major:02d}"
    if meeting.number_minor:
        number += f".{meeting.number_minor}"
    return f"{group.acronym}{number}"


def _author_name(user: Any, person: Person | None) -> str:
    if person is not None:
        return person.name
    if user is None:
        return "progov"
    return str(user.get_full_name() or user.get_username())


def _set_owners(action: Action, resolved: ResolvedOwner) -> None:
    ActionOwner.objects.filter(action=action).delete()
    rows = [ActionOwner(action=action, person=p) for p in resolved.people]
    rows += [ActionOwner(action=action, organisation=o) for o in resolved.organisations]
    rows += [ActionOwner(action=action, group=g) for g in resolved.groups]
    ActionOwner.objects.bulk_create(rows)


def _check_text(description: str, owner_text: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not description.strip():
        errors["description"] = ["Say what is to be done."]
    if not owner_text.strip():
        errors["owner"] = [
            'Say who owns the action: a person, an organisation ("Ofgem"), "Programme '
            '(Ian Smith)" or a group\'s members ("PSG Constituency Representatives").'
        ]
    return errors


def _check_meeting(group: GovernanceGroup, meeting: Meeting | None) -> None:
    if meeting is not None and meeting.group_id != group.pk:
        raise ValidationError.for_field(
            "meeting",
            f"{meeting.group.acronym} #{meeting.number} is not a meeting of {group.acronym}.",
        )


def _duplicate_message(ref: str, existing: Action) -> str:
    return (
        f"{ref} is already in the log: “{existing.description[:80]}"
        f"{'…' if len(existing.description) > 80 else ''}” ({existing.group.acronym}). "
        "Give this action another ref."
    )


def _create(
    *,
    actor: Any,
    group: GovernanceGroup,
    meeting: Meeting | None,
    prefix: str,
    sequence: int,
    ref: str,
    description: str,
    owner_text: str,
    raised_on: date | None,
    due_on: date | None,
    due_text: str,
    status: str,
    latest_update: str,
    note: str = "",
    directory: OwnerDirectory | None = None,
    audit: bool = True,
) -> Action:
    directory = directory or OwnerDirectory(group.programme)
    resolved = directory.resolve(owner_text, group=group)
    try:
        with transaction.atomic():
            action = insert(
                Action,
                programme=group.programme,
                group=group,
                meeting=meeting,
                ref=ref,
                ref_prefix=prefix,
                sequence=sequence,
                raised_on=raised_on,
                description=description.strip(),
                owner_text=resolved.text,
                due_on=due_on,
                due_text=due_text.strip(),
                status=status,
                latest_update=latest_update.strip(),
                closure_recommended_on=None,
                note=note,
            )
    except IntegrityError:
        existing = Action.objects.select_related("group").get(programme=group.programme, ref=ref)
        raise ValidationError.for_field("ref", _duplicate_message(ref, existing)) from None
    _set_owners(action, resolved)
    if audit:
        record_create(actor=actor, obj=action, fields=action_audit_fields(action, resolved))
    return action


def action_audit_fields(action: Action, resolved: ResolvedOwner | None = None) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "ref": action.ref,
        "group": action.group.acronym,
        "meeting": str(action.meeting) if action.meeting_id else None,
        "raised_on": action.raised_on,
        "description": action.description,
        "owner_text": action.owner_text,
        "due_on": action.due_on,
        "due_text": action.due_text,
        "status": action.status,
        "latest_update": action.latest_update,
    }
    if resolved is not None:
        fields["owners"] = [
            str(t) for t in resolved.people + resolved.organisations + resolved.groups
        ]
    return fields


@transaction.atomic
def raise_action(
    *,
    actor: Any,
    group: GovernanceGroup,
    description: str,
    owner: str,
    meeting: Meeting | None = None,
    raised_on: date | None = None,
    due_on: date | None = None,
    due_text: str = "",
) -> Action:
    """Record a new action of `group`, raised at `meeting` (or between meetings); its ref
    is the next of the meeting's: the third raised at PSG #24 is PSG24-03."""
    access.require(user=actor, action="create", obj=Action(group=group, programme=group.programme))
    _check_meeting(group, meeting)
    errors = _check_text(description, owner)
    if not due_on and not due_text.strip():
        errors["due_on"] = ['Give a due date, or say when it is due ("To be reviewed at CP2").']
    if errors:
        raise ValidationError.from_field_errors(errors)
    # One writer at a time per group, so two actions raised at once get two numbers.
    GovernanceGroup.objects.select_for_update().filter(pk=group.pk).first()
    prefix = ref_prefix_for(group, meeting)
    last = Action.objects.filter(programme=group.programme, ref_prefix=prefix).aggregate(
        n=Max("sequence")
    )["n"]
    sequence = (last or 0) + 1
    if raised_on is None:
        raised_on = meeting_date(meeting) if meeting is not None else today_for(group.programme)
    return _create(
        actor=actor,
        group=group,
        meeting=meeting,
        prefix=prefix,
        sequence=sequence,
        ref=f"{prefix}-{sequence:02d}",
        description=description,
        owner_text=owner,
        raised_on=raised_on,
        due_on=due_on,
        due_text=due_text,
        status=ActionStatus.OPEN,
        latest_update="",
    )


@transaction.atomic
def record_action(
    *,
    actor: Any,
    group: GovernanceGroup,
    ref: str,
    description: str,
    owner: str,
    meeting: Meeting | None = None,
    raised_on: date | None = None,
    due_on: date | None = None,
    due_text: str = "",
    status: str = ActionStatus.OPEN,
    latest_update: str = "",
    note: str = "",
    directory: OwnerDirectory | None = None,
) -> Action:
    """Record an action whose ref is given (an imported log); a ref already in the log is
    refused, naming the action that holds it."""
    access.require(user=actor, action="create", obj=Action(group=group, programme=group.programme))
    _check_meeting(group, meeting)
    prefix, sequence = parse_ref(ref)
    ref = ref.strip()
    errors = _check_text(description, owner)
    if status not in ActionStatus.values:
        errors["status"] = [f"“{status}” is not a status: {', '.join(ActionStatus.labels)}."]
    if errors:
        raise ValidationError.from_field_errors(errors)
    existing = (
        Action.objects.select_related("group").filter(programme=group.programme, ref=ref).first()
    )
    if existing is not None:
        raise ValidationError.for_field("ref", _duplicate_message(ref, existing))
    action = _create(
        actor=actor,
        group=group,
        meeting=meeting,
        prefix=prefix,
        sequence=sequence,
        ref=ref,
        description=description,
        owner_text=owner,
        raised_on=raised_on,
        due_on=due_on,
        due_text=due_text,
        status=status,
        latest_update=latest_update,
        note=note,
        directory=directory,
    )
    if latest_update.strip():
        _journal(
            action=action,
            actor=actor,
            text=latest_update.strip(),
            status=status,
            on=raised_on or today_for(group.programme),
            audit=True,
        )
    if status == ActionStatus.RECOMMEND_CLOSED:
        action.closure_recommended_on = raised_on
        action.save(update_fields=["closure_recommended_on"])
    return action


def _journal(
    *,
    action: Action,
    actor: Any,
    text: str,
    status: str,
    on: date,
    meeting: Meeting | None = None,
    at: datetime | None = None,
    audit: bool = True,
) -> ActionUpdate:
    person = person_of_login(actor)
    entry = insert(
        ActionUpdate,
        action=action,
        posted_at=at or timezone.now(),
        posted_on=on,
        author=person,
        author_name=_author_name(actor, person),
        text=text,
        status=status,
        meeting=meeting,
    )
    if audit:
        record_create(
            actor=actor,
            obj=entry,
            fields={
                "action": action.ref,
                "posted_on": on,
                "author_name": entry.author_name,
                "text": text,
                "status": status,
                "meeting": str(meeting) if meeting is not None else None,
            },
        )
    return entry


@transaction.atomic
def update_action(
    *, actor: Any, action: Action, expected_version: int | None, changes: dict[str, Any]
) -> Action:
    """Correct an action: description, owner (re-resolved), raised and due dates. The
    ref, the status and the journal are not edited here."""
    allowed = {"description", "owner_text", "due_on", "due_text", "raised_on"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    with ACTIONS.change(actor, action, expected_version) as change:
        obj = change.obj
        for name, value in changes.items():
            setattr(obj, name, value.strip() if isinstance(value, str) else value)
        errors = _check_text(obj.description, obj.owner_text)
        if not obj.due_on and not obj.due_text:
            errors["due_on"] = ['Give a due date, or say when it is due ("To be reviewed at CP2").']
        if errors:
            raise ValidationError.from_field_errors(errors)
        if "owner_text" in changes:
            resolved = OwnerDirectory(obj.programme).resolve(obj.owner_text, group=obj.group)
            obj.owner_text = resolved.text
            _set_owners(obj, resolved)
    return change.obj


@transaction.atomic
def post_action_update(
    *,
    actor: Any,
    action: Action,
    expected_version: int | None,
    text: str,
    status: str | None = None,
    on: date | None = None,
) -> Action:
    """Add a dated entry to the action's journal; `status` (Open, Ongoing, In progress,
    Recommend closed) moves it. Recommending closure is a proposal: the action stays
    open until its group confirms the closure at a later meeting."""
    wanted = status or None
    verb = "recommend_closure" if wanted == ActionStatus.RECOMMEND_CLOSED else "post_update"
    with ACTIONS.change(actor, action, expected_version, verb) as change:
        obj = change.obj
        text = text.strip()
        if obj.is_ended:
            raise ValidationError(
                f"{obj.ref} is {obj.get_status_display().lower()}: it takes no more updates."
            )
        if wanted is not None and wanted not in REPORTED:
            raise ValidationError.for_field(
                "status",
                "An update can leave the action Open, Ongoing, In progress or Recommend "
                "closed; the group confirms a closure at a meeting.",
            )
        if not text:
            raise ValidationError.for_field("text", "Say what has happened.")
        today = on or today_for(obj.programme)
        new_status = wanted or obj.status
        if new_status == ActionStatus.RECOMMEND_CLOSED and obj.status != new_status:
            obj.closure_recommended_on = today
        elif new_status != ActionStatus.RECOMMEND_CLOSED:
            obj.closure_recommended_on = None
        obj.status = new_status
        obj.latest_update = text
        _journal(action=obj, actor=actor, text=text, status=new_status, on=today)
    return change.obj


def closure_meeting_problem(action: Action, meeting: Meeting) -> str:
    """Why `meeting` cannot confirm the closure of `action` ("" when it can)."""
    if meeting.group_id != action.group_id:
        return f"{action.ref} belongs to {action.group.acronym}: only its own meetings confirm its closure."
    if action.status != ActionStatus.RECOMMEND_CLOSED:
        return f"{action.ref} is not recommended for closure: its owner proposes it first."
    if meeting.status == MeetingStatus.CANCELLED:
        return f"{meeting.group.acronym} #{meeting.number} was cancelled."
    if meeting.start > timezone.now():
        return f"{meeting.group.acronym} #{meeting.number} has not started yet."
    if action.meeting_id == meeting.pk:
        return (
            f"{action.ref} was raised at {meeting.group.acronym} #{meeting.number}: a later "
            "meeting confirms its closure."
        )
    when = meeting_date(meeting)
    if action.closure_recommended_on and when < action.closure_recommended_on:
        return (
            f"{action.ref} was recommended for closure on "
            f"{action.closure_recommended_on:%d %b %Y}, after {meeting.group.acronym} "
            f"#{meeting.number}: a later meeting confirms it."
        )
    if action.raised_on and when <= action.raised_on and action.meeting_id is None:
        return f"{meeting.group.acronym} #{meeting.number} was before the action was raised."
    return ""


@transaction.atomic
def confirm_action_closure(
    *,
    actor: Any,
    action: Action,
    meeting: Meeting,
    expected_version: int | None,
    note: str = "",
) -> Action:
    """Close an action recommended for closure: the group confirmed it at `meeting`."""
    with ACTIONS.change(actor, action, expected_version, "confirm_closure") as change:
        obj = change.obj
        if actor is not None and not access.may_view(user=actor, obj=meeting):
            raise NotFound(f"No meeting #{meeting.pk}.")
        problem = closure_meeting_problem(obj, meeting)
        if problem:
            raise ValidationError.for_field("meeting", problem)
        when = meeting_date(meeting)
        obj.status = ActionStatus.CLOSED
        obj.closed_at = meeting
        obj.closed_on = when
        text = note.strip() or f"Closure confirmed at {meeting.group.acronym} #{meeting.number}."
        obj.latest_update = text
        _journal(
            action=obj, actor=actor, text=text, status=ActionStatus.CLOSED, on=when, meeting=meeting
        )
    return change.obj


@transaction.atomic
def keep_action_open(
    *,
    actor: Any,
    action: Action,
    meeting: Meeting | None,
    expected_version: int | None,
    note: str,
) -> Action:
    """The group does not accept a recommended closure: the action goes on (Ongoing)."""
    with ACTIONS.change(actor, action, expected_version, "confirm_closure") as change:
        obj = change.obj
        if obj.status != ActionStatus.RECOMMEND_CLOSED:
            raise ValidationError(f"{obj.ref} is not recommended for closure.")
        if not note.strip():
            raise ValidationError.for_field("note", "Say why the action stays open.")
        obj.status = ActionStatus.ONGOING
        obj.closure_recommended_on = None
        obj.latest_update = note.strip()
        _journal(
            action=obj,
            actor=actor,
            text=note.strip(),
            status=ActionStatus.ONGOING,
            on=meeting_date(meeting) if meeting is not None else today_for(obj.programme),
            meeting=meeting,
        )
    return change.obj


@transaction.atomic
def cancel_action(
    *, actor: Any, action: Action, expected_version: int | None, reason: str
) -> Action:
    """Drop an action that is no longer needed, saying why."""
    with ACTIONS.change(actor, action, expected_version, "cancel") as change:
        obj = change.obj
        if obj.is_ended:
            raise ValidationError(f"{obj.ref} is already {obj.get_status_display().lower()}.")
        if not reason.strip():
            raise ValidationError.for_field("reason", "Say why the action is cancelled.")
        obj.status = ActionStatus.CANCELLED
        obj.latest_update = reason.strip()
        _journal(
            action=obj,
            actor=actor,
            text=reason.strip(),
            status=ActionStatus.CANCELLED,
            on=today_for(obj.programme),
        )
    return change.obj


# --- owner aliases ----------------------------------------------------------------------------


@transaction.atomic
def add_owner_alias(
    *,
    actor: Any,
    programme: Any,
    alias: str,
    organisation: Any = None,
    person: Any = None,
) -> OwnerAlias:
    """Let the logs' `alias` stand for an organisation or a person ("Programme" → MHHS
    Programme); an alias already taken is replaced."""
    access.require(user=actor, action="create", obj=OwnerAlias(programme=programme))
    alias = " ".join(alias.split())
    if not alias:
        raise ValidationError.for_field("alias", "Give the name the logs use.")
    if (organisation is None) == (person is None):
        raise ValidationError("An alias stands for an organisation or a person.")
    old = OwnerAlias.objects.filter(programme=programme, alias__iexact=alias).first()
    if old is not None:
        record_delete(actor=actor, obj=old, fields={"alias": old.alias, "stands_for": str(old)})
        old.delete()
    made = insert(
        OwnerAlias, programme=programme, alias=alias, organisation=organisation, person=person
    )
    record_create(
        actor=actor, obj=made, fields={"alias": alias, "stands_for": str(organisation or person)}
    )
    return made


# --- meetings of imported refs ------------------------------------------------------------


def meeting_for(group: GovernanceGroup, prefix: str, raised_on: date | None) -> Meeting | None:
    """The meeting an imported action was raised at (see `MeetingIndex.find`)."""
    return MeetingIndex([group]).find(group, prefix, raised_on)


@transaction.atomic
def link_actions_to_meetings(*, actor: Any, programme: Any) -> int:
    """Link the actions of `programme` that name no meeting to the meeting their ref and
    date give (after a log was loaded before its meetings were generated); an action
    without a raised date takes its meeting's. Returns how many were linked."""
    linked = 0
    rows = list(
        Action.objects.filter(programme=programme, meeting__isnull=True).select_related(
            "group", "programme"
        )
    )
    index = MeetingIndex(list({a.group_id: a.group for a in rows}.values()))
    for action in rows:
        meeting = index.find(action.group, action.ref_prefix, action.raised_on)
        if meeting is None:
            continue
        with ACTIONS.change(actor, action, action.version, "change") as change:
            change.obj.meeting = meeting
            if change.obj.raised_on is None:
                change.obj.raised_on = meeting_date(meeting)
        linked += 1
    return linked


# --- importing a log (core/tabular.py) -------------------------------------------------------

IMPORT_CHUNK = 1000


@dataclass
class PlannedAction:
    """One row of an imported log, checked and ready to write."""

    row: int
    group: GovernanceGroup
    ref: str
    prefix: str
    sequence: int
    raised_on: date | None
    description: str
    owner: str
    due_on: date | None
    due_text: str
    status: str
    latest_update: str
    meeting: Meeting | None


@dataclass
class ImportReport:
    """What an import found (a dry run) or did: the rows read, every problem by row and
    column, and the refs created (none unless there was no problem at all)."""

    rows: int
    problems: list[Problem]
    planned: list[PlannedAction] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    dry_run: bool = True
    ignored_headers: list[str] = field(default_factory=list)
    format: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


class MeetingIndex:
    """The meetings of some groups, read once, by local date and by number: where an
    imported action (or decision) was raised. By date first, because a group's numbering
    in progov may run apart from the refs' (DAG10 is DAG's meeting of 8 Jun 2022, numbered
    #12 here: the pack explains why); without a date, by the number the ref carries
    (PSG23 → #23)."""

    def __init__(self, groups: list[GovernanceGroup]):
        self.by_date: dict[tuple[int, date], Meeting] = {}
        self.by_number: dict[tuple[int, int, int], Meeting] = {}
        rows = (
            Meeting.objects.filter(group__in=groups)
            .exclude(status=MeetingStatus.CANCELLED)
            .select_related("group")
        )
        for m in rows:
            self.by_date.setdefault((m.group_id, meeting_date(m)), m)
            self.by_number.setdefault((m.group_id, m.number_major, m.number_minor), m)

    def find(self, group: GovernanceGroup, prefix: str, raised_on: date | None) -> Meeting | None:
        if raised_on is not None:
            return self.by_date.get((group.pk, raised_on))
        major, _, minor = prefix[len(group.acronym) :].partition(".")
        if not major.isdigit() or (minor and not minor.isdigit()):
            return None
        return self.by_number.get((group.pk, int(major), int(minor or 0)))


def check_action_rows(*, actor: Any, programme: Any, table: Table) -> list[PlannedAction]:
    """Check every row of an imported log (adding each problem to `table.problems` by row
    and column): the ref's shape, its group (missing and hidden alike: "no group"), the
    reader's right to keep that group's log, a ref twice in the file (naming both rows)
    or already in the log, the status."""
    groups = {g.acronym.casefold(): g for g in GovernanceGroup.objects.filter(programme=programme)}
    acronyms = sorted(groups, key=len, reverse=True)
    may: dict[int, bool] = {}
    existing = dict(Action.objects.filter(programme=programme).values_list("ref", "description"))
    existing_folded = {ref.casefold(): (ref, text) for ref, text in existing.items()}
    seen: dict[str, int] = {}
    planned: list[PlannedAction] = []
    candidates: list[tuple[Any, GovernanceGroup, str, int]] = []
    for row in table.rows:
        v = row.values
        ref = (v.get("ref") or "").strip()
        if not ref:
            continue  # the tabular reader reported the empty required cell
        try:
            prefix, sequence = parse_ref(ref)
        except ValidationError as exc:
            table.problem(row.number, "Ref", exc.field_errors["ref"][0])
            continue
        named = (v.get("group") or "").strip()
        if named:
            group = groups.get(named.casefold())
            if group is None or not access.may_view(user=actor, obj=group):
                table.problem(row.number, "Group", f"No group {named!r} in the programme.")
                continue
        else:
            acronym = next(
                (
                    a
                    for a in acronyms
                    if prefix.casefold().startswith(a) and prefix[len(a) :][:1].isdigit()
                ),
                None,
            )
            group = groups.get(acronym) if acronym else None
            if group is None or not access.may_view(user=actor, obj=group):
                table.problem(
                    row.number,
                    "Ref",
                    f"{ref} starts with no group of the programme: name the group in the "
                    "Group column, or correct the ref.",
                )
                continue
        if group.pk not in may:
            may[group.pk] = access.allowed(
                user=actor, action="create", obj=Action(group=group, programme=programme)
            )
        if not may[group.pk]:
            table.problem(
                row.number,
                "Ref",
                f"Only {group.acronym}'s chair or secretariat, or the programme secretariat, "
                f"can add to its log.",
            )
            continue
        key = ref.casefold()
        if key in seen:
            table.problem(
                row.number,
                "Ref",
                f"{ref} is on row {seen[key]} and on row {row.number}: each action needs its "
                "own ref. Nothing was imported.",
            )
            continue
        seen[key] = row.number
        if key in existing_folded:
            held, text = existing_folded[key]
            table.problem(
                row.number,
                "Ref",
                f"{held} is already in the log: “{text[:80]}{'…' if len(text) > 80 else ''}”.",
            )
            continue
        candidates.append((row, group, prefix, sequence))
    meetings = MeetingIndex(list({g.pk: g for _, g, _, _ in candidates}.values()))
    for row, group, prefix, sequence in candidates:
        v = row.values
        update = v.get("latest_update") or ""
        status = v.get("status") or status_from_update(update) or ActionStatus.OPEN
        due = v.get("due")
        raised_on = v.get("raised_on")
        meeting = meetings.find(group, prefix, raised_on)
        planned.append(
            PlannedAction(
                row=row.number,
                group=group,
                ref=v["ref"].strip(),
                prefix=prefix,
                sequence=sequence,
                raised_on=raised_on or (meeting_date(meeting) if meeting else None),
                description=v.get("description") or "",
                owner=v.get("owner") or "",
                due_on=due if isinstance(due, date) else None,
                due_text=due if isinstance(due, str) else "",
                status=status,
                latest_update=update,
                meeting=meeting,
            )
        )
    return planned


def _owner_rows(action: Action, resolved: ResolvedOwner) -> list[ActionOwner]:
    rows = [ActionOwner(action=action, person=p) for p in resolved.people]
    rows += [ActionOwner(action=action, organisation=o) for o in resolved.organisations]
    rows += [ActionOwner(action=action, group=g) for g in resolved.groups]
    return rows


def import_actions(
    *,
    actor: Any,
    programme: Any,
    table: Table,
    dry_run: bool,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import a log read by `core.tabular.read_table`: check every row first; with any
    problem (the file's or a row's) nothing is written; else every action, its owners,
    its latest update and their audit entries in one transaction (all or nothing), a
    thousand rows at a time (`progress(done, total)` after each)."""
    planned = check_action_rows(actor=actor, programme=programme, table=table)
    report = ImportReport(
        rows=len(table.rows),
        problems=sorted(table.problems, key=lambda p: (p.row, p.column)),
        planned=planned,
        dry_run=dry_run,
        ignored_headers=table.ignored_headers,
        format=table.format,
    )
    if dry_run or report.problems or not planned:
        return report
    with transaction.atomic():
        groups = sorted({p.group.pk for p in planned})
        list(GovernanceGroup.objects.select_for_update().filter(pk__in=groups))
        directory = OwnerDirectory(programme)
        person = person_of_login(actor)
        author = _author_name(actor, person)
        now = timezone.now()
        today = today_for(programme)
        total = len(planned)
        for start in range(0, total, IMPORT_CHUNK):
            chunk = planned[start : start + IMPORT_CHUNK]
            actions = []
            for p in chunk:
                resolved = directory.resolve(p.owner, group=p.group)
                action = Action(
                    programme=programme,
                    group=p.group,
                    meeting=p.meeting,
                    ref=p.ref,
                    ref_prefix=p.prefix,
                    sequence=p.sequence,
                    raised_on=p.raised_on,
                    description=p.description.strip(),
                    owner_text=resolved.text,
                    due_on=p.due_on,
                    due_text=p.due_text.strip(),
                    status=p.status,
                    latest_update=p.latest_update.strip(),
                    closure_recommended_on=(
                        p.raised_on or today if p.status == ActionStatus.RECOMMEND_CLOSED else None
                    ),
                    closed_on=p.raised_on if p.status == ActionStatus.CLOSED else None,
                )
                try:
                    check_bounds(action)
                except ValidationError as exc:
                    raise ValidationError(f"row {p.row}: {exc.message}") from None
                action._resolved = resolved  # type: ignore[attr-defined]
                actions.append(action)
            try:
                with transaction.atomic():
                    Action.objects.bulk_create(actions)
            except IntegrityError:
                raise ValidationError(
                    "Another import or a new action took one of these refs meanwhile: "
                    "nothing was imported. Check the file again."
                ) from None
            owners: list[ActionOwner] = []
            entries: list[ActionUpdate] = []
            for a in actions:
                owners += _owner_rows(a, a._resolved)  # type: ignore[attr-defined]
                if a.latest_update:
                    entries.append(
                        ActionUpdate(
                            action=a,
                            posted_at=now,
                            posted_on=a.raised_on or today,
                            author=person,
                            author_name=author,
                            text=a.latest_update,
                            status=a.status,
                        )
                    )
            ActionOwner.objects.bulk_create(owners)
            ActionUpdate.objects.bulk_create(entries)
            audit: list[tuple[Any, str, dict[str, Any]]] = [
                (
                    a,
                    "create",
                    {k: [None, v] for k, v in action_audit_fields(a, a._resolved).items()},  # type: ignore[attr-defined]
                )
                for a in actions
            ]
            audit += [
                (
                    e,
                    "create",
                    {
                        "action": [None, e.action.ref],
                        "posted_on": [None, e.posted_on],
                        "text": [None, e.text],
                        "status": [None, e.status],
                    },
                )
                for e in entries
            ]
            record_many(actor=actor, items=audit)
            report.created += [a.ref for a in actions]
            if progress is not None:
                progress(min(start + IMPORT_CHUNK, total), total)
    report.dry_run = False
    return report
