"""`/api/v1/actions`: the action log. Thin: parse, call one selector or service, shape.

Reads are open as the log's groups are. Raising and correcting an action is for the
group's chair and secretariat; posting an update and recommending closure also for the
action's owner; confirming a closure is recorded against a meeting of the group.
"""

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from progov.actions import selectors, services
from progov.actions.imports import export_log, import_out, read_and_import
from progov.actions.models import Action, ActionStatus
from progov.actions.schemas import (
    ActionIn,
    ActionOut,
    ActionPatch,
    ActionUpdateIn,
    ActionUpdateOut,
    CancelIn,
    ClosureIn,
    ImportOut,
    KeepOpenIn,
    StatusName,
)
from progov.core.api import (
    IF_MATCH,
    WRITE_ERRORS,
    actor,
    etag_for,
    participant,
    versioned_write,
    writer,
)
from progov.core.bounds import FormId, Pagination
from progov.core.errors import NotFound, ValidationError
from progov.governance import selectors as governance_selectors
from progov.governance.models import Programme
from progov.meetings import selectors as meeting_selectors

router = Router(tags=["actions"])
ERRORS = WRITE_ERRORS


def _programme(slug: str | None) -> Programme:
    return governance_selectors.current_programme(slug=slug)


def _one(user: Any, programme: str | None, ref: str) -> Action:
    return selectors.action_get(user=user, programme=_programme(programme), ref=ref)


def _answer(user: Any, programme: str | None, ref: str) -> Action:
    # The action read again as the caller sees it, with its owners (the write's answer).
    return _one(user, programme, ref)


MEETING_QUERY = Query(None, description="The meeting the actions were raised at")
STATUS_QUERY = Query(None, description="One status")


@router.get("/actions", response={200: list[ActionOut], **ERRORS})
@paginate(Pagination)
def list_actions(
    request: HttpRequest,
    programme: str | None = None,
    group: str | None = Query(None, description="A group's acronym: its log"),
    meeting: FormId | None = MEETING_QUERY,
    owner: str | None = Query(
        None, description="Words of the owner, or a person's or organisation's name"
    ),
    status: StatusName | None = STATUS_QUERY,
    open: bool | None = Query(None, description="true: not closed nor cancelled"),
    overdue: bool | None = Query(None, description="Due date passed, not closed"),
    mine: bool = Query(False, description="Only the caller's own (and their organisation's)"),
    q: str | None = Query(None, description="Words of the ref or the description"),
) -> Any:
    """The action log, by group and ref."""
    user = actor(request)
    prog = _programme(programme)
    wanted_group = (
        governance_selectors.group_get(user=user, acronym=group, programme=prog) if group else None
    )
    wanted_meeting = meeting_selectors.meeting_get(user=user, pk=meeting) if meeting else None
    return selectors.action_list(
        user=user,
        programme=prog,
        group=wanted_group,
        meeting=wanted_meeting,
        owner=owner,
        status=status,
        open_only=bool(open),
        overdue=overdue,
        mine=mine,
        q=q,
    )


@router.post("/actions", response={201: ActionOut, **ERRORS})
def raise_action(
    request: HttpRequest, payload: ActionIn, response: HttpResponse, programme: str | None = None
) -> Any:
    """Raise an action on a group's log; the answer carries its generated ref (PSG24-03)."""
    user = writer(request)
    prog = _programme(programme)
    try:
        group = governance_selectors.group_get(user=user, acronym=payload.group, programme=prog)
    except NotFound:
        raise ValidationError.for_field("group", f"No group {payload.group!r}.") from None
    meeting = None
    if payload.meeting_id is not None:
        try:
            meeting = meeting_selectors.meeting_get(user=user, pk=payload.meeting_id)
        except NotFound:
            raise ValidationError.for_field(
                "meeting_id", f"No meeting #{payload.meeting_id}."
            ) from None
    action = services.raise_action(
        actor=user,
        group=group,
        meeting=meeting,
        description=payload.description,
        owner=payload.owner,
        due_on=payload.due,
        due_text=payload.due_text,
        raised_on=payload.raised_on,
    )
    response["ETag"] = etag_for(action.version)
    response["Location"] = f"/api/v1/actions/{action.ref}"
    return Status(201, _answer(user, programme, action.ref))


EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
FORMAT_QUERY = Query("xlsx", description="`xlsx` (default) or `csv`")


@router.get("/actions/export", response={200: None, **ERRORS})
def export_actions(
    request: HttpRequest,
    programme: str | None = None,
    group: str | None = Query(None, description="A group's acronym: its log"),
    status: StatusName | None = STATUS_QUERY,
    open: bool | None = Query(None, description="true: not closed nor cancelled"),
    overdue: bool | None = Query(None, description="Due date passed, not closed"),
    q: str | None = Query(None, description="Words of the ref or the description"),
    format: Literal["xlsx", "csv"] = FORMAT_QUERY,
) -> HttpResponse:
    """The log (filtered as `GET /actions`) as a workbook or CSV in the import layout
    (Ref, Date, Action, Owner, Due Date, Status, Latest Update, Group). A text a
    spreadsheet would run as a formula is written with a leading apostrophe."""
    user = actor(request)
    prog = _programme(programme)
    wanted = (
        governance_selectors.group_get(user=user, acronym=group, programme=prog) if group else None
    )
    rows = selectors.action_list(
        user=user,
        programme=prog,
        group=wanted,
        status=status,
        open_only=bool(open),
        overdue=overdue,
        q=q,
    )
    body = export_log(rows, format)
    name = f"{prog.slug}-actions{'-' + wanted.acronym if wanted else ''}.{format}"
    response = HttpResponse(body, content_type=EXPORT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.post("/actions/import", response={**ERRORS, 200: ImportOut, 422: ImportOut})
def import_actions(
    request: HttpRequest,
    file: File[UploadedFile | None] = None,
    dry_run: bool = Query(True, description="true (default): check only; false: import"),
    programme: str | None = None,
) -> Any:
    """Import an action log (multipart/form-data, field `file`: .xlsx or .csv in the
    layout of `GET /actions/export`). With `dry_run=true` (the default) nothing is
    written: the answer lists every problem by row and column and previews the rows.
    With `dry_run=false` the log is imported only when there is no problem at all (all
    or nothing; 422 with the same report otherwise)."""
    user = writer(request)
    prog = _programme(programme)
    if file is None:
        raise ValidationError.for_field(
            "file", "Choose a file to import (the multipart field `file`)."
        )
    report = read_and_import(
        actor=user, programme=prog, data=file.read(), filename=file.name or "", dry_run=dry_run
    )
    out = import_out(report)
    return Status(200 if report.ok or report.dry_run else 422, out)


@router.get("/actions/{ref}", response={200: ActionOut, **ERRORS})
def get_action(
    request: HttpRequest, ref: str, response: HttpResponse, programme: str | None = None
) -> Any:
    action = _one(actor(request), programme, ref)
    response["ETag"] = etag_for(action.version)
    return action


@router.patch("/actions/{ref}", response={200: ActionOut, **ERRORS}, openapi_extra=IF_MATCH)
def patch_action(
    request: HttpRequest,
    ref: str,
    payload: ActionPatch,
    response: HttpResponse,
    programme: str | None = None,
) -> Any:
    """Correct an action (description, owner, due, raised date); the ref never changes.
    Send `If-Match: <version>`; missing → 428, stale → 412."""
    data = payload.dict(exclude_unset=True)
    names = {"owner": "owner_text", "due": "due_on"}
    changes = {
        names.get(k, k): ("" if v is None and k == "due_text" else v) for k, v in data.items()
    }

    def write(user: Any, expected: int) -> Action:
        action = _one(user, programme, ref)
        return services.update_action(
            actor=user, action=action, expected_version=expected, changes=changes
        )

    return versioned_write(
        request, response, write, lambda a: _answer(actor(request), programme, a.ref)
    )


@router.get("/actions/{ref}/updates", response={200: list[ActionUpdateOut], **ERRORS})
def list_action_updates(request: HttpRequest, ref: str, programme: str | None = None) -> Any:
    """The action's journal: dated updates with their authors, oldest first."""
    user = actor(request)
    return selectors.action_journal(user=user, action=_one(user, programme, ref))


@router.post("/actions/{ref}/updates", response={200: ActionOut, **ERRORS}, openapi_extra=IF_MATCH)
def post_action_update(
    request: HttpRequest,
    ref: str,
    payload: ActionUpdateIn,
    response: HttpResponse,
    programme: str | None = None,
) -> Any:
    """Post an update (the owner, the group's chair or secretariat). `status:
    recommend_closed` proposes closure; the group confirms it at a later meeting."""

    def write(user: Any, expected: int) -> Action:
        return services.post_action_update(
            actor=user,
            action=_one(user, programme, ref),
            expected_version=expected,
            text=payload.text,
            status=payload.status,
        )

    return versioned_write(
        request,
        response,
        write,
        lambda a: _answer(actor(request), programme, a.ref),
        caller=participant,
    )


def _meeting(user: Any, pk: int | None) -> Any:
    if pk is None:
        return None
    try:
        return meeting_selectors.meeting_get(user=user, pk=pk)
    except NotFound:
        raise ValidationError.for_field("meeting_id", f"No meeting #{pk}.") from None


@router.post("/actions/{ref}/closure", response={200: ActionOut, **ERRORS}, openapi_extra=IF_MATCH)
def confirm_action_closure(
    request: HttpRequest,
    ref: str,
    payload: ClosureIn,
    response: HttpResponse,
    programme: str | None = None,
) -> Any:
    """The group confirmed, at `meeting_id`, the closure its owner recommended."""

    def write(user: Any, expected: int) -> Action:
        return services.confirm_action_closure(
            actor=user,
            action=_one(user, programme, ref),
            meeting=_meeting(user, payload.meeting_id),
            expected_version=expected,
            note=payload.note,
        )

    return versioned_write(
        request, response, write, lambda a: _answer(actor(request), programme, a.ref)
    )


@router.post(
    "/actions/{ref}/keep-open", response={200: ActionOut, **ERRORS}, openapi_extra=IF_MATCH
)
def keep_action_open(
    request: HttpRequest,
    ref: str,
    payload: KeepOpenIn,
    response: HttpResponse,
    programme: str | None = None,
) -> Any:
    """The group did not accept the recommended closure: the action goes on, with why."""

    def write(user: Any, expected: int) -> Action:
        return services.keep_action_open(
            actor=user,
            action=_one(user, programme, ref),
            meeting=_meeting(user, payload.meeting_id),
            expected_version=expected,
            note=payload.note,
        )

    return versioned_write(
        request, response, write, lambda a: _answer(actor(request), programme, a.ref)
    )


@router.post("/actions/{ref}/cancel", response={200: ActionOut, **ERRORS}, openapi_extra=IF_MATCH)
def cancel_action(
    request: HttpRequest,
    ref: str,
    payload: CancelIn,
    response: HttpResponse,
    programme: str | None = None,
) -> Any:
    """Cancel an action that is no longer needed, saying why."""

    def write(user: Any, expected: int) -> Action:
        return services.cancel_action(
            actor=user,
            action=_one(user, programme, ref),
            expected_version=expected,
            reason=payload.reason,
        )

    return versioned_write(
        request, response, write, lambda a: _answer(actor(request), programme, a.ref)
    )


__all__ = ["ActionStatus", "router"]
