"""`/api/v1/meetings/…`: agendas (with computed times) and the forward look.

- `GET /{id}/agenda`: the items in order, each with its computed `start`/`end`, and
  the agenda's end and overrun ("runs 25 minutes over").
- `POST /{id}/agenda`, `PATCH|DELETE /{id}/agenda/{item}` (If-Match), `POST
  /{id}/agenda/{item}/move` (If-Match), `POST /{id}/agenda/reorder` (every item id once),
  `POST /{id}/agenda/{item}/carry` (not reached → onto the next meeting).
- `GET /forward-look?group=DAG`, `POST /forward-look`, `GET|PATCH|DELETE
  /forward-look/{id}`, `POST /forward-look/{id}/schedule` (onto its meeting's agenda).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from progov.core.api import (
    IF_MATCH,
    WRITE_ERRORS,
    actor,
    etag_for,
    verb_on,
    versioned_write,
    writer,
)
from progov.core.bounds import Body, Day, Flag, Id, PathId, Whole, text_of
from progov.core.errors import ValidationError
from progov.governance import selectors as governance_selectors
from progov.governance.models import GovernanceGroup, Organisation, Person
from progov.meetings import selectors, services
from progov.meetings.models import AgendaItem, ForwardLookItem, Meeting
from progov.meetings.selectors.agenda import (
    AgendaRow,
    AgendaView,
    agenda_for,
    agenda_item_get,
    forward_look_for,
    forward_look_item_get,
    meeting_label,
)

router = Router(tags=["meetings"])
ERRORS = WRITE_ERRORS
ItemType = Literal["decision", "discussion", "information", "break"]


# --- shapes --------------------------------------------------------------------------


class AgendaLeadOut(Schema):
    text: str = Field(description='What the agenda shows, e.g. "Programme (Kate Goodman)"')
    person: int | None
    organisation: int | None


class MeetingRef(Schema):
    id: int
    label: str = Field(description='e.g. "TMAG #8"')


class AgendaItemOut(Schema):
    id: int
    meeting: int
    number: int = Field(description="The item's place on the agenda (1 = first)")
    title: str
    objective: str
    type: ItemType
    lead: AgendaLeadOut
    duration_minutes: int
    start: datetime = Field(description="Computed from the meeting's start and the order")
    end: datetime
    is_standing: bool
    not_reached: bool
    carried_from: MeetingRef | None = Field(
        description="The meeting the item was not reached at and carried from"
    )
    carried_to: list[MeetingRef]
    forward_look_item: int | None
    version: int


class AgendaOut(Schema):
    meeting: int
    label: str
    meeting_start: datetime
    meeting_end: datetime
    items: list[AgendaItemOut]
    total_minutes: int
    ends_at: datetime
    overruns: bool
    overrun_minutes: int = Field(description="How far the agenda runs past the meeting's end")
    spare_minutes: int
    summary: str = Field(
        description='e.g. "6 items, 80 minutes: ends 11:20, 40 minutes before the meeting ends"'
    )


class LeadIn(Body):
    lead_person: Id | None = Field(None, description="A person's id")
    lead_organisation: Id | None = Field(None, description="An organisation's id")
    lead_text: text_of(AgendaItem, "lead_text") = Field(  # type: ignore[valid-type]
        "", description='e.g. "Programme (Kate Goodman)"'
    )


class AgendaItemIn(LeadIn):
    title: text_of(AgendaItem, "title", min_length=1)  # type: ignore[valid-type]
    objective: text_of(AgendaItem, "objective") = ""  # type: ignore[valid-type]
    type: ItemType = "information"
    duration_minutes: Whole = Field(5, ge=0, le=480)
    position: Whole | None = Field(
        None,
        ge=1,
        le=1000,
        description="1 = first; by default last before the closing standing items",
    )


class AgendaItemPatch(Body):
    title: text_of(AgendaItem, "title", min_length=1) | None = None  # type: ignore[valid-type]
    objective: text_of(AgendaItem, "objective") | None = None  # type: ignore[valid-type]
    type: ItemType | None = None
    duration_minutes: Whole | None = Field(None, ge=0, le=480)
    lead_person: Id | None = None
    lead_organisation: Id | None = None
    lead_text: text_of(AgendaItem, "lead_text") | None = None  # type: ignore[valid-type]
    not_reached: Flag | None = None


class AgendaItemMoveIn(Body):
    position: Whole = Field(..., ge=1, le=1000, description="The new place (1 = first)")


class ReorderIn(Body):
    items: list[Id] = Field(
        ..., max_length=1000, description="Every item id of the agenda, once, in order"
    )


class ForwardLookItemOut(Schema):
    id: int
    group: str
    target_meeting: MeetingRef | None
    title: str
    objective: str
    type: ItemType
    lead: AgendaLeadOut
    duration_minutes: int
    status: Literal["planned", "scheduled", "done", "dropped"]
    agenda_items: list[int] = Field(description="Agenda items made from it")
    version: int


class ForwardLookSlotOut(Schema):
    meeting: MeetingRef | None = Field(description="None: not yet aimed at a meeting")
    start: datetime | None
    items: list[ForwardLookItemOut]


class ForwardLookOut(Schema):
    group: str
    meetings: list[ForwardLookSlotOut]
    standing_items: list[str] = Field(description="Every meeting's standing items, in order")


class ForwardLookIn(LeadIn):
    group: text_of(GovernanceGroup, "acronym", min_length=1)  # type: ignore[valid-type]
    target_meeting: Id | None = Field(None, description="A meeting id of the group")
    title: text_of(ForwardLookItem, "title", min_length=1)  # type: ignore[valid-type]
    objective: text_of(ForwardLookItem, "objective") = ""  # type: ignore[valid-type]
    type: ItemType = "discussion"
    duration_minutes: Whole = Field(15, ge=0, le=480)


class ForwardLookPatch(Body):
    target_meeting: Id | None = None
    title: text_of(ForwardLookItem, "title", min_length=1) | None = None  # type: ignore[valid-type]
    objective: text_of(ForwardLookItem, "objective") | None = None  # type: ignore[valid-type]
    type: ItemType | None = None
    duration_minutes: Whole | None = Field(None, ge=0, le=480)
    lead_person: Id | None = None
    lead_organisation: Id | None = None
    lead_text: text_of(ForwardLookItem, "lead_text") | None = None  # type: ignore[valid-type]
    status: Literal["planned", "done", "dropped"] | None = None


# --- helpers -------------------------------------------------------------------------


def _ref(meeting: Meeting) -> dict[str, Any]:
    return {"id": meeting.pk, "label": meeting_label(meeting)}


def _lead(obj: Any) -> dict[str, Any]:
    return {
        "text": obj.lead,
        "person": obj.lead_person_id,
        "organisation": obj.lead_organisation_id,
    }


def row_out(row: AgendaRow) -> dict[str, Any]:
    item = row.item
    return {
        "id": item.pk,
        "meeting": item.meeting_id,
        "number": item.position,
        "title": item.title,
        "objective": item.objective,
        "type": item.item_type,
        "lead": _lead(item),
        "duration_minutes": item.duration_minutes,
        "start": row.start,
        "end": row.end,
        "is_standing": item.is_standing,
        "not_reached": item.not_reached,
        "carried_from": _ref(row.carried_from.meeting) if row.carried_from else None,
        "carried_to": [_ref(i.meeting) for i in row.carried_to],
        "forward_look_item": item.forward_look_item_id,
        "version": item.version,
    }


def agenda_out(agenda: AgendaView) -> dict[str, Any]:
    """The API shape of an agenda (the meeting endpoints may embed it too)."""
    return {
        "meeting": agenda.meeting.pk,
        "label": meeting_label(agenda.meeting),
        "meeting_start": agenda.starts_at,
        "meeting_end": agenda.meeting_ends_at,
        "items": [row_out(r) for r in agenda.rows],
        "total_minutes": agenda.total_minutes,
        "ends_at": agenda.ends_at,
        "overruns": agenda.overruns,
        "overrun_minutes": agenda.overrun_minutes,
        "spare_minutes": agenda.spare_minutes,
        "summary": agenda.summary,
    }


def _meeting(request: HttpRequest, meeting_id: PathId) -> Meeting:
    return selectors.meeting_get(user=actor(request), pk=meeting_id)


def _item_answer(response: HttpResponse, item: AgendaItem) -> dict[str, Any]:
    meeting = Meeting.objects.select_related("group").get(pk=item.meeting_id)
    row = agenda_for(meeting).row_for(item.pk)
    response["ETag"] = etag_for(row.item.version)
    return row_out(row)


def _leads(group: GovernanceGroup, data: dict[str, Any]) -> dict[str, Any]:
    """`lead_person`/`lead_organisation` ids → objects of the group's programme."""
    out: dict[str, Any] = {}
    for key, model, noun in (
        ("lead_person", Person, "person"),
        ("lead_organisation", Organisation, "organisation"),
    ):
        if key not in data:
            continue
        pk = data.pop(key)
        out[key] = None
        if pk is not None:
            out[key] = model.objects.filter(pk=pk, programme_id=group.programme_id).first()
            if out[key] is None:
                raise ValidationError.for_field(key, f"No {noun} #{pk}.")
    if "type" in data:
        out["item_type"] = data.pop("type")
    for key in ("title", "objective", "lead_text"):
        if key in data:
            value = data.pop(key)
            if value is None and key == "title":
                raise ValidationError.for_field("title", "Give the item a title.")
            out[key] = value or ""
    if "duration_minutes" in data:
        value = data.pop("duration_minutes")
        if value is None:
            raise ValidationError.for_field("duration_minutes", "Give a duration in minutes.")
        out["duration_minutes"] = value
    return {**out, **data}


def _on_item(service: Any, meeting_id: PathId, item_id: PathId, **arguments: Any) -> Any:
    """`write(user, expected)` calling an agenda item verb on the item the caller may see."""
    return verb_on(
        service,
        "item",
        lambda user: agenda_item_get(user=user, pk=item_id, meeting_id=meeting_id),
        **arguments,
    )


def _on_forward_look(service: Any, item_id: PathId) -> Any:
    """`write(user, expected)` calling a forward-look verb on the item the caller may see."""
    return verb_on(service, "item", lambda user: forward_look_item_get(user=user, pk=item_id))


# --- agenda --------------------------------------------------------------------------


@router.get("/{int:meeting_id}/agenda", response={200: AgendaOut, **ERRORS})
def get_agenda(request: HttpRequest, meeting_id: PathId) -> Any:
    """The agenda with each item's computed slot, its end, and any overrun."""
    return agenda_out(agenda_for(_meeting(request, meeting_id)))


@router.post("/{int:meeting_id}/agenda", response={201: AgendaItemOut, **ERRORS})
def add_agenda_item(
    request: HttpRequest, meeting_id: PathId, payload: AgendaItemIn, response: HttpResponse
) -> Any:
    """Add an item (by default last before closing standing items such as the summary)."""
    user = writer(request)
    meeting = _meeting(request, meeting_id)
    fields = _leads(meeting.group, payload.dict())
    item = services.add_agenda_item(actor=user, meeting=meeting, **fields)
    return Status(201, _item_answer(response, item))


@router.get("/{int:meeting_id}/agenda/{int:item_id}", response={200: AgendaItemOut, **ERRORS})
def get_agenda_item(
    request: HttpRequest, meeting_id: PathId, item_id: PathId, response: HttpResponse
) -> Any:
    item = agenda_item_get(user=actor(request), pk=item_id, meeting_id=meeting_id)
    return _item_answer(response, item)


@router.patch(
    "/{int:meeting_id}/agenda/{int:item_id}",
    response={200: AgendaItemOut, **ERRORS},
    openapi_extra=IF_MATCH,
)
def patch_agenda_item(
    request: HttpRequest,
    meeting_id: PathId,
    item_id: PathId,
    payload: AgendaItemPatch,
    response: HttpResponse,
) -> Any:
    """Change an item. Send `If-Match: <version>`; missing → 428, stale → 412."""
    data = payload.dict(exclude_unset=True)

    def write(user: Any, expected: int) -> AgendaItem:
        item = agenda_item_get(user=user, pk=item_id, meeting_id=meeting_id)
        changes = _leads(item.meeting.group, data)
        return services.update_agenda_item(
            actor=user, item=item, expected_version=expected, **changes
        )

    return versioned_write(request, response, write, lambda item: _item_answer(response, item))


@router.delete(
    "/{int:meeting_id}/agenda/{int:item_id}", response={204: None, **ERRORS}, openapi_extra=IF_MATCH
)
def delete_agenda_item(request: HttpRequest, meeting_id: PathId, item_id: PathId) -> Any:
    """Remove an item; later items move up. Needs `If-Match`."""
    versioned_write(request, None, _on_item(services.remove_agenda_item, meeting_id, item_id))
    return Status(204, None)


@router.post(
    "/{int:meeting_id}/agenda/{int:item_id}/move",
    response={200: AgendaOut, **ERRORS},
    openapi_extra=IF_MATCH,
)
def move_agenda_item(
    request: HttpRequest, meeting_id: PathId, item_id: PathId, payload: AgendaItemMoveIn
) -> Any:
    """Put an item at `position`; answers the whole agenda. Needs `If-Match`."""
    versioned_write(
        request,
        None,
        _on_item(services.move_agenda_item, meeting_id, item_id, position=payload.position),
    )
    return agenda_out(agenda_for(_meeting(request, meeting_id)))


@router.post("/{int:meeting_id}/agenda/reorder", response={200: AgendaOut, **ERRORS})
def reorder_agenda(request: HttpRequest, meeting_id: PathId, payload: ReorderIn) -> Any:
    """Order the whole agenda. `items` lists every item id once; if the agenda gained or
    lost items since you read it the answer is 412 and nothing changes."""
    user = writer(request)
    meeting = _meeting(request, meeting_id)
    services.reorder_agenda(actor=user, meeting=meeting, order=payload.items)
    return agenda_out(agenda_for(meeting))


@router.post(
    "/{int:meeting_id}/agenda/{int:item_id}/carry",
    response={201: AgendaItemOut, **ERRORS},
    openapi_extra=IF_MATCH,
)
def carry_agenda_item(
    request: HttpRequest, meeting_id: PathId, item_id: PathId, response: HttpResponse
) -> Any:
    """Mark the item not reached and copy it onto the group's next (not cancelled)
    meeting; answers the copy, whose `carried_from` names this meeting. Needs `If-Match`."""
    copy = versioned_write(
        request,
        response,
        _on_item(services.carry_agenda_item, meeting_id, item_id),
        lambda copy: _item_answer(response, copy),
    )
    return Status(201, copy)


# --- forward look --------------------------------------------------------------------


def forward_look_item_out(item: ForwardLookItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "group": item.group.acronym,
        "target_meeting": _ref(item.target_meeting) if item.target_meeting else None,
        "title": item.title,
        "objective": item.objective,
        "type": item.item_type,
        "lead": _lead(item),
        "duration_minutes": item.duration_minutes,
        "status": item.status,
        "agenda_items": [a.pk for a in item.agenda_items.all()],
        "version": item.version,
    }


def _forward_look_answer(response: HttpResponse, request: HttpRequest, pk: int) -> dict[str, Any]:
    item = forward_look_item_get(user=actor(request), pk=pk)
    response["ETag"] = etag_for(item.version)
    return forward_look_item_out(item)


def _target(group: GovernanceGroup, meeting_id: int | None, user: Any) -> Meeting | None:
    if meeting_id is None:
        return None
    meeting = selectors.visible_meetings(user=user).filter(pk=meeting_id).first()
    if meeting is None:
        raise ValidationError.for_field("target_meeting", f"No meeting #{meeting_id}.")
    return meeting


@router.get("/forward-look", response={200: ForwardLookOut, **ERRORS})
def get_forward_look(
    request: HttpRequest,
    group: str,
    today: Day | None = None,
    upcoming: int = Query(4, ge=1, le=52, description="How many meetings ahead, 1–52"),
    closed: bool = False,
) -> Any:
    """A group's agenda roadmap: its next `upcoming` meetings from `today`, each with the
    items planned for it (plus any later meeting an item is aimed at), then items not yet
    aimed at a meeting. `closed=true` includes done and dropped items."""
    if not 0 <= upcoming <= 24:
        raise ValidationError.for_field("upcoming", "upcoming is 0–24.")
    user = actor(request)
    found = governance_selectors.group_get(user=user, acronym=group)
    view = forward_look_for(
        user=user, group=found, today=today, upcoming=upcoming, include_closed=closed
    )
    return {
        "group": found.acronym,
        "meetings": [
            {
                "meeting": _ref(slot.meeting) if slot.meeting else None,
                "start": slot.meeting.start if slot.meeting else None,
                "items": [forward_look_item_out(i) for i in slot.items],
            }
            for slot in view.slots
        ],
        "standing_items": [t.title for t in view.standing],
    }


@router.post("/forward-look", response={201: ForwardLookItemOut, **ERRORS})
def create_forward_look_item(
    request: HttpRequest, payload: ForwardLookIn, response: HttpResponse
) -> Any:
    """Plan an item for a coming meeting of the group (`target_meeting`), or for later."""
    user = writer(request)
    group = governance_selectors.group_get(user=user, acronym=payload.group)
    data = payload.dict()
    data.pop("group")
    target = _target(group, data.pop("target_meeting"), user)
    fields = _leads(group, data)
    item = services.add_forward_look_item(actor=user, group=group, target_meeting=target, **fields)
    return Status(201, _forward_look_answer(response, request, item.pk))


@router.get("/forward-look/{int:item_id}", response={200: ForwardLookItemOut, **ERRORS})
def get_forward_look_item(request: HttpRequest, item_id: PathId, response: HttpResponse) -> Any:
    return _forward_look_answer(response, request, item_id)


@router.patch(
    "/forward-look/{int:item_id}",
    response={200: ForwardLookItemOut, **ERRORS},
    openapi_extra=IF_MATCH,
)
def patch_forward_look_item(
    request: HttpRequest, item_id: PathId, payload: ForwardLookPatch, response: HttpResponse
) -> Any:
    """Change, retarget or close (`status` done/dropped) a planned item. Needs `If-Match`."""
    data = payload.dict(exclude_unset=True)

    def write(user: Any, expected: int) -> ForwardLookItem:
        item = forward_look_item_get(user=user, pk=item_id)
        changes: dict[str, Any] = {}
        if "target_meeting" in data:
            changes["target_meeting"] = _target(item.group, data.pop("target_meeting"), user)
        changes.update(_leads(item.group, data))
        return services.update_forward_look_item(
            actor=user, item=item, expected_version=expected, **changes
        )

    return versioned_write(
        request, response, write, lambda _item: _forward_look_answer(response, request, item_id)
    )


@router.delete(
    "/forward-look/{int:item_id}", response={204: None, **ERRORS}, openapi_extra=IF_MATCH
)
def delete_forward_look_item(request: HttpRequest, item_id: PathId) -> Any:
    versioned_write(request, None, _on_forward_look(services.remove_forward_look_item, item_id))
    return Status(204, None)


@router.post(
    "/forward-look/{int:item_id}/schedule",
    response={201: AgendaItemOut, **ERRORS},
    openapi_extra=IF_MATCH,
)
def schedule_forward_look_item(
    request: HttpRequest, item_id: PathId, response: HttpResponse
) -> Any:
    """Put the item on its target meeting's agenda; answers the new agenda item.
    Needs `If-Match` with the forward-look item's version."""
    agenda_item = versioned_write(
        request,
        response,
        _on_forward_look(services.schedule_forward_look_item, item_id),
        lambda agenda_item: _item_answer(response, agenda_item),
    )
    return Status(201, agenda_item)
