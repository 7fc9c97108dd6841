"""Writes for agendas: items, their order, carrying unreached items forward, the group's
standing items (agenda template) and its forward look.

An item's number is its position (1, 2, 3…): adding, removing and reordering renumber
the agenda, and every item whose number changes gets a new version and an audit entry.
Standing items the template marks `at_end` ("Summary and next steps") stay last: a new
item goes before them unless a position is asked for.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from progov.audit.services import record_create, record_delete, record_many
from progov.audit.writes import WritePath, changing, update_versioned
from progov.core import access
from progov.core.bounds import bounds_errors
from progov.core.concurrency import check_version
from progov.core.errors import DomainError, ValidationError
from progov.governance.models import GovernanceGroup, Organisation, Person
from progov.governance.services import snapshot
from progov.meetings.models import (
    AgendaItem,
    AgendaItemType,
    AgendaTemplateItem,
    ForwardLookItem,
    ForwardLookStatus,
    Meeting,
    MeetingStatus,
)
from progov.meetings.selectors.agenda import meeting_label, next_meeting_after

ITEM_FIELDS = (
    "position",
    "title",
    "objective",
    "item_type",
    "duration_minutes",
    "lead_person",
    "lead_organisation",
    "lead_text",
    "is_standing",
    "not_reached",
    "carried_from",
    "forward_look_item",
)
CONTENT_FIELDS = (
    "title",
    "objective",
    "item_type",
    "duration_minutes",
    "lead_person",
    "lead_organisation",
    "lead_text",
)
TEMPLATE_FIELDS = ("position", "at_end", *CONTENT_FIELDS)
FORWARD_LOOK_FIELDS = ("target_meeting", "status", *CONTENT_FIELDS)
MAX_DURATION = 480


class AgendaChanged(DomainError):
    """A reorder named a different set of items than the agenda now has."""

    status_code = 412


# --- shared checks -------------------------------------------------------------------


def _clean_content(
    obj: Any, changes: dict[str, Any], *, programme_id: int, allowed: set[str]
) -> None:
    """Apply title/objective/type/duration/lead changes to `obj`, or raise naming each problem."""
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    errors: dict[str, list[str]] = {}
    if "title" in changes:
        title = (changes["title"] or "").strip()
        if not title:
            errors["title"] = ["Give the item a title."]
        obj.title = title
    if "objective" in changes:
        obj.objective = (changes["objective"] or "").strip()
    if "item_type" in changes:
        if changes["item_type"] not in AgendaItemType.values:
            errors["item_type"] = [
                "The type is one of: " + ", ".join(str(label) for label in AgendaItemType.labels)
            ]
        obj.item_type = changes["item_type"]
    if "duration_minutes" in changes:
        minutes = changes["duration_minutes"]
        if not isinstance(minutes, int) or isinstance(minutes, bool):
            errors["duration_minutes"] = ["Give the duration as a whole number of minutes."]
        elif not 0 <= minutes <= MAX_DURATION:
            errors["duration_minutes"] = [f"The duration is 0 to {MAX_DURATION} minutes."]
        else:
            obj.duration_minutes = minutes
    if "lead_person" in changes:
        person = changes["lead_person"]
        if person is not None and (
            not isinstance(person, Person) or person.programme_id != programme_id
        ):
            errors["lead_person"] = ["The lead must be a person in this programme."]
        obj.lead_person = person
    if "lead_organisation" in changes:
        organisation = changes["lead_organisation"]
        if organisation is not None and (
            not isinstance(organisation, Organisation) or organisation.programme_id != programme_id
        ):
            errors["lead_organisation"] = ["The lead must be an organisation in this programme."]
        obj.lead_organisation = organisation
    if "lead_text" in changes:
        obj.lead_text = (changes["lead_text"] or "").strip()
    texts = [name for name in ("title", "objective", "lead_text") if name in changes]
    for name, messages in bounds_errors(obj, texts).items():
        errors.setdefault(name, messages)
    leads = [bool(obj.lead_person_id), bool(obj.lead_organisation_id), bool(obj.lead_text)]
    if sum(leads) > 1:
        errors.setdefault("lead", []).append(
            'Give one lead: a person, an organisation, or text such as "Programme (Kate Goodman)".'
        )
    if errors:
        raise ValidationError.from_field_errors(errors)


def _content(arguments: dict[str, Any]) -> dict[str, Any]:
    """The content fields among an `add_…` service's arguments (`locals()`)."""
    return {name: arguments[name] for name in CONTENT_FIELDS}


def _require_open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(
            f"{meeting_label(meeting)} is cancelled; its agenda cannot change. "
            "Carry its items to the next meeting instead."
        )
    if meeting.status == MeetingStatus.HELD:
        raise ValidationError(
            f"{meeting_label(meeting)} was held; its agenda is a record and cannot change."
        )


def _lock_meeting(meeting: Meeting) -> Meeting:
    """Agenda edits of one meeting take turns: they lock the meeting row."""
    return (
        Meeting.objects.select_for_update(of=("self",)).select_related("group").get(pk=meeting.pk)
    )


def _ordered(meeting: Meeting) -> list[AgendaItem]:
    return list(
        AgendaItem.objects.select_for_update().filter(meeting=meeting).order_by("position", "id")
    )


def _at_end_titles(group_id: int) -> set[str]:
    return {
        t.casefold()
        for t in AgendaTemplateItem.objects.filter(group_id=group_id, at_end=True).values_list(
            "title", flat=True
        )
    }


def _closing_index(items: list[AgendaItem], group_id: int) -> int:
    """Where a new item goes: before the trailing standing items the template keeps last."""
    titles = _at_end_titles(group_id)
    index = len(items)
    while index > 0:
        item = items[index - 1]
        if not (item.is_standing and item.title.casefold() in titles):
            break
        index -= 1
    return index


def _renumber(*, actor: Any, items: list[AgendaItem], skip: int | None = None) -> None:
    """Give `items` positions 1…n in list order; audit each one that moved (not `skip`)."""
    audit: list[tuple[Any, str, dict[str, Any]]] = []
    for number, item in enumerate(items, start=1):
        if item.position == number:
            continue
        before = item.position
        item.position = number
        if item.pk == skip:
            continue
        item.version += 1
        AgendaItem.objects.filter(pk=item.pk).update(position=number, version=item.version)
        audit.append((item, "update", {"position": [before, number]}))
    record_many(actor=actor, items=audit)


def _insert(*, actor: Any, meeting: Meeting, item: AgendaItem, position: int | None) -> AgendaItem:
    """Save the new `item` into the (locked) meeting's agenda at `position` or before the
    closing standing items, renumbering the rest; writes the create entry."""
    items = _ordered(meeting)
    if position is None:
        index = _closing_index(items, meeting.group_id)
    else:
        if not 1 <= position <= len(items) + 1:
            raise ValidationError.for_field(
                "position", f"The position is 1 to {len(items) + 1} on this agenda."
            )
        index = position - 1
    item.meeting = meeting
    item.position = index + 1
    item.save()
    record_create(actor=actor, obj=item, fields=snapshot(item, ITEM_FIELDS))
    items.insert(index, item)
    _renumber(actor=actor, items=items, skip=item.pk)
    return item


# --- agenda items --------------------------------------------------------------------


@transaction.atomic
def add_agenda_item(
    *,
    actor: Any,
    meeting: Meeting,
    title: str,
    item_type: str = AgendaItemType.INFORMATION,
    duration_minutes: int = 5,
    objective: str = "",
    lead_person: Person | None = None,
    lead_organisation: Organisation | None = None,
    lead_text: str = "",
    position: int | None = None,
) -> AgendaItem:
    """Add an item: at `position` (1 = first), or last before the closing standing items."""
    access.require(user=actor, action="edit_agenda", obj=meeting)
    meeting = _lock_meeting(meeting)
    _require_open(meeting)
    item = AgendaItem()
    _clean_content(
        item,
        _content(locals()),
        programme_id=meeting.group.programme_id,
        allowed=set(CONTENT_FIELDS),
    )
    return _insert(actor=actor, meeting=meeting, item=item, position=position)


def _locked_item(item: AgendaItem, expected_version: int | None) -> AgendaItem:
    locked = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting__group")
        .get(pk=item.pk)
    )
    check_version(locked, expected_version)
    return locked


_ITEMS = WritePath(AgendaItem.objects.select_related("meeting__group"), ITEM_FIELDS)


@transaction.atomic
def update_agenda_item(
    *, actor: Any, item: AgendaItem, expected_version: int | None, **changes: Any
) -> AgendaItem:
    """Change an item's title, objective, type, duration or lead; `not_reached` too."""
    access.require(user=actor, action="change", obj=item)
    _lock_meeting(item.meeting)
    with _ITEMS.change(actor, item, expected_version) as change:
        item = change.obj
        _require_open(item.meeting)
        not_reached = changes.pop("not_reached", None)
        _clean_content(
            item, changes, programme_id=item.meeting.group.programme_id, allowed=set(CONTENT_FIELDS)
        )
        if not_reached is not None:
            item.not_reached = bool(not_reached)
    return item


@transaction.atomic
def remove_agenda_item(
    *, actor: Any, item: AgendaItem, expected_version: int | None
) -> RemovedItem:
    """Take an item off the agenda; later items move up. A forward-look item it came from
    goes back to "planned". Returns what `restore_agenda_item` needs to put it back."""
    access.require(user=actor, action="delete", obj=item)
    meeting = _lock_meeting(item.meeting)
    item = _locked_item(item, expected_version)
    _require_open(meeting)
    forward_look = item.forward_look_item
    removed = RemovedItem(
        meeting_id=meeting.pk,
        position=item.position,
        title=item.title,
        objective=item.objective,
        item_type=item.item_type,
        duration_minutes=item.duration_minutes,
        lead_person_id=item.lead_person_id,
        lead_organisation_id=item.lead_organisation_id,
        lead_text=item.lead_text,
        is_standing=item.is_standing,
        forward_look_item_id=item.forward_look_item_id,
        carried_from_id=item.carried_from_id,
    )
    record_delete(actor=actor, obj=item, fields=snapshot(item, ITEM_FIELDS))
    item.delete()
    if forward_look is not None and forward_look.status == ForwardLookStatus.SCHEDULED:
        still_on = AgendaItem.objects.filter(forward_look_item=forward_look).exists()
        if not still_on:
            update_versioned(
                actor=actor,
                model_or_queryset=ForwardLookItem,
                pk=forward_look.pk,
                expected_version=None,
                changes={"status": ForwardLookStatus.PLANNED},
                fields=FORWARD_LOOK_FIELDS,
            )
    _renumber(actor=actor, items=_ordered(meeting))
    return removed


@dataclass(frozen=True)
class RemovedItem:
    """An item just taken off an agenda, as plain values: the page's Undo carries it
    (signed) back to `restore_agenda_item`. E.g. PSG #24 item 5, "Programme risks"."""

    meeting_id: int
    position: int
    title: str
    objective: str
    item_type: str
    duration_minutes: int
    lead_person_id: int | None
    lead_organisation_id: int | None
    lead_text: str
    is_standing: bool
    forward_look_item_id: int | None
    carried_from_id: int | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _row(model: Any, pk: int | None, **where: Any) -> Any:
    """The row `pk` of `model` (matching `where`), or None: gone since, or never named."""
    return None if pk is None else model.objects.filter(pk=pk, **where).first()


@transaction.atomic
def restore_agenda_item(*, actor: Any, meeting: Meeting, removed: RemovedItem) -> AgendaItem:
    """Undo a removal: the item back at its place (or last, if the agenda is shorter
    now), with its content, its standing flag and its links; a forward-look item it came
    from is scheduled again. A new row with its own create entry: the trail shows the
    removal and the undo."""
    access.require(user=actor, action="edit_agenda", obj=meeting)
    if removed.meeting_id != meeting.pk:
        raise ValidationError("That removal was on another meeting's agenda.")
    meeting = _lock_meeting(meeting)
    _require_open(meeting)
    programme_id = meeting.group.programme_id
    item = AgendaItem(is_standing=removed.is_standing)
    content = {
        "title": removed.title,
        "objective": removed.objective,
        "item_type": removed.item_type,
        "duration_minutes": removed.duration_minutes,
        "lead_person": _row(Person, removed.lead_person_id, programme_id=programme_id),
        "lead_organisation": _row(
            Organisation, removed.lead_organisation_id, programme_id=programme_id
        ),
        "lead_text": removed.lead_text,
    }
    _clean_content(item, content, programme_id=programme_id, allowed=set(CONTENT_FIELDS))
    item.carried_from = _row(AgendaItem, removed.carried_from_id)
    forward_look = _row(ForwardLookItem, removed.forward_look_item_id, group_id=meeting.group_id)
    if forward_look is not None and not (
        forward_look.status == ForwardLookStatus.PLANNED
        or forward_look.target_meeting_id == meeting.pk
    ):
        forward_look = None  # scheduled onto another meeting since: that one keeps it
    item.forward_look_item = forward_look
    count = AgendaItem.objects.filter(meeting=meeting).count()
    restored = _insert(
        actor=actor, meeting=meeting, item=item, position=min(removed.position, count + 1)
    )
    if forward_look is not None and forward_look.status == ForwardLookStatus.PLANNED:
        update_versioned(
            actor=actor,
            model_or_queryset=ForwardLookItem,
            pk=forward_look.pk,
            expected_version=None,
            changes={"status": ForwardLookStatus.SCHEDULED, "target_meeting": meeting},
            fields=FORWARD_LOOK_FIELDS,
        )
    return restored


@transaction.atomic
def move_agenda_item(
    *, actor: Any, item: AgendaItem, expected_version: int | None, position: int
) -> AgendaItem:
    """Put an item at `position` (1 = first); the items between shift by one."""
    access.require(user=actor, action="move", obj=item)
    meeting = _lock_meeting(item.meeting)
    item = _locked_item(item, expected_version)
    _require_open(meeting)
    items = _ordered(meeting)
    if not 1 <= position <= len(items):
        raise ValidationError.for_field(
            "position", f"The position is 1 to {len(items)} on this agenda."
        )
    current = next(i for i in items if i.pk == item.pk)
    items.remove(current)
    items.insert(position - 1, current)
    _renumber(actor=actor, items=items)
    current.refresh_from_db()
    return current


@transaction.atomic
def reorder_agenda(*, actor: Any, meeting: Meeting, order: list[int]) -> list[AgendaItem]:
    """Put the agenda in the order of `order`, which lists every item id exactly once.

    A list naming other items than the agenda has now (someone added or removed one
    since it was read) is refused with 412, like a stale version.
    """
    access.require(user=actor, action="edit_agenda", obj=meeting)
    meeting = _lock_meeting(meeting)
    _require_open(meeting)
    items = _ordered(meeting)
    by_id = {i.pk: i for i in items}
    if len(order) != len(set(order)):
        raise ValidationError.for_field("items", "Each item may appear only once in the order.")
    if set(order) != set(by_id):
        raise AgendaChanged(
            "The agenda has changed since you read it (items were added or removed). "
            "Reload it and order it again."
        )
    ordered = [by_id[pk] for pk in order]
    _renumber(actor=actor, items=ordered)
    return ordered


@transaction.atomic
def carry_agenda_item(
    *, actor: Any, item: AgendaItem, expected_version: int | None = None
) -> AgendaItem:
    """Mark an item not reached and put a copy on the group's next (not cancelled) meeting,
    before its closing standing items, linked by `carried_from` (so the copy shows
    "carried from TMAG #8"). Returns the copy."""
    access.require(user=actor, action="carry", obj=item)
    item = _locked_item(item, expected_version)
    source = item.meeting
    if item.is_standing:
        raise ValidationError(
            f"“{item.title}” is a standing item: every meeting has it, so there is nothing to carry."
        )
    if item.carried_to.exists():
        carried = item.carried_to.select_related("meeting__group").first()
        assert carried is not None
        raise ValidationError(
            f"“{item.title}” was already carried to {meeting_label(carried.meeting)}."
        )
    target = next_meeting_after(source)
    if target is None:
        raise ValidationError(
            f"{source.group.acronym} has no meeting after {meeting_label(source)} to carry "
            "the item to. Generate the group's meetings first."
        )
    target = _lock_meeting(target)
    if target.status == MeetingStatus.HELD:
        raise ValidationError(
            f"The next meeting, {meeting_label(target)}, was already held; "
            "add the item to a later meeting instead."
        )
    update_versioned(
        actor=actor,
        model_or_queryset=AgendaItem,
        pk=item.pk,
        expected_version=None,
        changes={"not_reached": True},
        fields=ITEM_FIELDS,
        action="carry",
    )
    copy = AgendaItem(
        title=item.title,
        objective=item.objective,
        item_type=item.item_type,
        duration_minutes=item.duration_minutes,
        lead_person_id=item.lead_person_id,
        lead_organisation_id=item.lead_organisation_id,
        lead_text=item.lead_text,
        carried_from=item,
        forward_look_item_id=item.forward_look_item_id,
    )
    return _insert(actor=actor, meeting=target, item=copy, position=None)


# --- the group's standing items ------------------------------------------------------


def _template_kinds(group_id: int) -> tuple[list[AgendaTemplateItem], list[AgendaTemplateItem]]:
    """The group's standing items, locked: the opening ones and the at-end ones, in order."""
    items = list(
        AgendaTemplateItem.objects.select_for_update()
        .filter(group_id=group_id)
        .order_by("at_end", "position", "id")
    )
    return [i for i in items if not i.at_end], [i for i in items if i.at_end]


def _template_save_order(
    opening: list[AgendaTemplateItem], closing: list[AgendaTemplateItem]
) -> None:
    """Positions 1…n: the opening standing items, then the at-end ones."""
    for number, item in enumerate([*opening, *closing], start=1):
        if item.position != number:
            item.position = number
            AgendaTemplateItem.objects.filter(pk=item.pk).update(position=number)


def _place(kind: list[AgendaTemplateItem], item: AgendaTemplateItem, position: int | None) -> None:
    if position is not None and not 1 <= position <= len(kind) + 1:
        raise ValidationError.for_field(
            "position", f"The position is 1 to {len(kind) + 1} among these standing items."
        )
    kind.insert(len(kind) if position is None else position - 1, item)


@transaction.atomic
def add_template_item(
    *,
    actor: Any,
    group: GovernanceGroup,
    title: str,
    item_type: str = AgendaItemType.INFORMATION,
    duration_minutes: int = 5,
    objective: str = "",
    lead_person: Person | None = None,
    lead_organisation: Organisation | None = None,
    lead_text: str = "",
    at_end: bool = False,
    position: int | None = None,
) -> AgendaTemplateItem:
    """Add a standing item every new meeting of the group gets (existing meetings keep
    their agendas). `at_end` items ("Summary and next steps") go after the meeting's own
    items; `position` (1 = first) orders it among its kind, by default last."""
    access.require(user=actor, action="plan_agenda", obj=group)
    group = GovernanceGroup.objects.select_for_update().get(pk=group.pk)
    item = AgendaTemplateItem(group=group, at_end=bool(at_end), position=0)
    _clean_content(
        item,
        _content(locals()),
        programme_id=group.programme_id,
        allowed=set(CONTENT_FIELDS),
    )
    opening, closing = _template_kinds(group.pk)
    _place(closing if item.at_end else opening, item, position)
    item.save()
    _template_save_order(opening, closing)
    record_create(actor=actor, obj=item, fields=snapshot(item, TEMPLATE_FIELDS))
    return item


@transaction.atomic
def update_template_item(
    *, actor: Any, item: AgendaTemplateItem, **changes: Any
) -> AgendaTemplateItem:
    """Change a standing item (title, objective, type, duration, lead), move it between
    the opening and the at-end items (`at_end`), or within them (`position`, 1 = first).
    Existing meetings keep their agendas."""
    GovernanceGroup.objects.select_for_update().get(pk=item.group_id)
    with changing(
        AgendaTemplateItem.objects.select_related("group"),
        item.pk,
        actor=actor,
        expected_version=None,
        fields=TEMPLATE_FIELDS,
    ) as change:
        item = change.obj
        opening, closing = (
            [item if i.pk == item.pk else i for i in kind]
            for kind in _template_kinds(item.group_id)
        )
        at_end = changes.pop("at_end", None)
        position = changes.pop("position", None)
        _clean_content(
            item, changes, programme_id=item.group.programme_id, allowed=set(CONTENT_FIELDS)
        )
        old_kind = closing if item.at_end else opening
        old_place = old_kind.index(item) + 1
        old_kind.remove(item)
        default_position: int | None = old_place
        if at_end is not None and bool(at_end) != item.at_end:
            item.at_end = bool(at_end)
            default_position = None  # last among its new kind
        kind = closing if item.at_end else opening
        _place(kind, item, position if position is not None else default_position)
        _template_save_order(opening, closing)
    return item


@transaction.atomic
def remove_template_item(*, actor: Any, item: AgendaTemplateItem) -> None:
    """Stop a standing item recurring; meetings that already have it keep it."""
    access.require(user=actor, action="delete", obj=item)
    GovernanceGroup.objects.select_for_update().get(pk=item.group_id)
    item = AgendaTemplateItem.objects.select_related("group").get(pk=item.pk)
    record_delete(actor=actor, obj=item, fields=snapshot(item, TEMPLATE_FIELDS))
    item.delete()
    _template_save_order(*_template_kinds(item.group_id))


# --- forward look --------------------------------------------------------------------


def _check_target(group: GovernanceGroup, meeting: Meeting | None) -> None:
    if meeting is None:
        return
    if meeting.group_id != group.pk:
        raise ValidationError.for_field(
            "target_meeting", f"{meeting} is not a meeting of {group.acronym}."
        )
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.HELD):
        raise ValidationError.for_field(
            "target_meeting",
            f"{meeting_label(meeting)} is {meeting.get_status_display().lower()}; "
            "aim the item at a meeting still to come.",
        )


@transaction.atomic
def add_forward_look_item(
    *,
    actor: Any,
    group: GovernanceGroup,
    title: str,
    target_meeting: Meeting | None = None,
    item_type: str = AgendaItemType.DISCUSSION,
    duration_minutes: int = 15,
    objective: str = "",
    lead_person: Person | None = None,
    lead_organisation: Organisation | None = None,
    lead_text: str = "",
) -> ForwardLookItem:
    """Plan an item for a coming meeting of the group (or for "later": no target yet)."""
    access.require(user=actor, action="plan_agenda", obj=group)
    _check_target(group, target_meeting)
    item = ForwardLookItem(group=group, target_meeting=target_meeting)
    _clean_content(
        item,
        _content(locals()),
        programme_id=group.programme_id,
        allowed=set(CONTENT_FIELDS),
    )
    item.save()
    record_create(actor=actor, obj=item, fields=snapshot(item, FORWARD_LOOK_FIELDS))
    return item


def _forward_looks() -> QuerySet[ForwardLookItem]:
    return ForwardLookItem.objects.select_related("group", "target_meeting__group")


_FORWARD_LOOK = WritePath(_forward_looks(), FORWARD_LOOK_FIELDS)


def _locked_forward_look(item: ForwardLookItem, expected_version: int | None) -> ForwardLookItem:
    locked = _forward_looks().select_for_update(of=("self",)).get(pk=item.pk)
    check_version(locked, expected_version)
    return locked


@transaction.atomic
def update_forward_look_item(
    *, actor: Any, item: ForwardLookItem, expected_version: int | None, **changes: Any
) -> ForwardLookItem:
    """Change a planned item, retarget it (`target_meeting`), or close it (`status` done
    or dropped). Once on an agenda, edit the agenda item instead."""
    with _FORWARD_LOOK.change(actor, item, expected_version) as change:
        item = change.obj
        if "target_meeting" in changes:
            target = changes.pop("target_meeting")
            if target != item.target_meeting and item.status == ForwardLookStatus.SCHEDULED:
                raise ValidationError.for_field(
                    "target_meeting",
                    "The item is already on an agenda; remove it from that agenda to retarget it.",
                )
            _check_target(item.group, target)
            item.target_meeting = target
        if "status" in changes:
            status = changes.pop("status")
            allowed = {ForwardLookStatus.PLANNED, ForwardLookStatus.DONE, ForwardLookStatus.DROPPED}
            if status == ForwardLookStatus.SCHEDULED and item.status != status:
                raise ValidationError.for_field(
                    "status", "Put the item on its meeting's agenda to schedule it."
                )
            if status != item.status and status not in allowed:
                raise ValidationError.for_field("status", "The status is planned, done or dropped.")
            item.status = status
        _clean_content(
            item, changes, programme_id=item.group.programme_id, allowed=set(CONTENT_FIELDS)
        )
    return item


@transaction.atomic
def remove_forward_look_item(
    *, actor: Any, item: ForwardLookItem, expected_version: int | None
) -> None:
    """Delete a planned item; agenda items made from it stay (their link is cleared)."""
    access.require(user=actor, action="delete", obj=item)
    item = _locked_forward_look(item, expected_version)
    record_delete(actor=actor, obj=item, fields=snapshot(item, FORWARD_LOOK_FIELDS))
    item.delete()


@transaction.atomic
def schedule_forward_look_item(
    *, actor: Any, item: ForwardLookItem, expected_version: int | None = None
) -> AgendaItem:
    """Put a planned item on its target meeting's agenda (before the closing standing
    items); the forward-look item becomes "On an agenda". Returns the agenda item."""
    with _FORWARD_LOOK.change(actor, item, expected_version, "schedule") as change:
        item = change.obj
        if item.status != ForwardLookStatus.PLANNED:
            raise ValidationError(
                f"“{item.title}” is {item.get_status_display().lower()}; only a planned item "
                "can be put on an agenda."
            )
        if item.target_meeting is None:
            raise ValidationError.for_field(
                "target_meeting", "Choose the meeting the item is for first."
            )
        meeting = _lock_meeting(item.target_meeting)
        _check_target(item.group, meeting)
        item.status = ForwardLookStatus.SCHEDULED
    agenda_item = AgendaItem(
        title=item.title,
        objective=item.objective,
        item_type=item.item_type,
        duration_minutes=item.duration_minutes,
        lead_person_id=item.lead_person_id,
        lead_organisation_id=item.lead_organisation_id,
        lead_text=item.lead_text,
        forward_look_item=item,
    )
    return _insert(actor=actor, meeting=meeting, item=agenda_item, position=None)
