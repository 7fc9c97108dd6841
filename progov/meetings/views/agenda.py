"""The agenda, papers and forward look on the meeting page: the secretariat's forms and
the paper download.

| URL                                           | name                           |
|-----------------------------------------------|--------------------------------|
| /meetings/<pk>/agenda/add/                    | meetings:agenda_add            |
| /meetings/agenda/<item>/edit/                 | meetings:agenda_edit           |
| /meetings/agenda/<item>/move/ (up or down)    | meetings:agenda_move           |
| /meetings/agenda/<item>/remove/               | meetings:agenda_remove         |
| /meetings/agenda/<item>/carry/                | meetings:agenda_carry          |
| /meetings/<pk>/papers/upload/                 | meetings:paper_upload          |
| /meetings/papers/<paper>/publish/             | meetings:paper_publish         |
| /meetings/papers/<paper>/download/            | meetings:paper_download        |
| /meetings/forward-look/<item>/schedule/       | meetings:forward_look_schedule |

Every form is a plain POST that redirects back to the meeting page (`#agenda`,
`#papers`); with errors it shows a page of its own holding the form. With HTMX
(`HX-Request`) the answer is the refreshed fragment instead (`_agenda.html`,
`_papers.html`, `_forward_look.html`), errors included, always with status 200 so
htmx swaps it in. Each write carries the version the page showed: a change made
meanwhile is refused, not lost.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from progov.core import access
from progov.core.errors import NotFound
from progov.core.forms import VersionForm
from progov.core.pages import (
    MISSING_VERSION,
    Refusal,
    handle_write,
    is_htmx,
    not_found_as_404,
    write_done,
    write_refused,
)
from progov.meetings import selectors, services
from progov.meetings.models import AgendaItem, Classification, Meeting
from progov.meetings.selectors.agenda import (
    agenda_for,
    agenda_item_get,
    forward_look_for,
    forward_look_item_get,
    meeting_label,
)
from progov.meetings.selectors.papers import paper_get, papers_for
from progov.meetings.uploads import size_text
from progov.meetings.views.agenda_forms import (
    AgendaItemForm,
    MoveForm,
    PaperUploadForm,
)

logger = logging.getLogger(__name__)

AGENDA_FRAGMENT = "meetings/_agenda.html"
PAPERS_FRAGMENT = "meetings/_papers.html"
FORWARD_LOOK_FRAGMENT = "meetings/_forward_look.html"
FORM_PAGE = "meetings/agenda_form_page.html"
STALE = (
    "{what} changed since you loaded the page, so nothing was changed. It is shown as it is now."
)


def _item_and_meeting(
    request: HttpRequest, item_pk: int, action: str
) -> tuple[AgendaItem, Meeting]:
    """The agenda item a form is about and its meeting (hidden is 404), once the user may
    `action` it (403 otherwise: the group's chair and secretariat manage its agenda)."""
    item = agenda_item_get(user=request.user, pk=item_pk)
    access.require(user=request.user, action=action, obj=item)
    return item, selectors.meeting_get(user=request.user, pk=item.meeting_id)


def _meeting_url(meeting_id: int, anchor: str) -> str:
    return f"{reverse('meetings:meeting', args=[meeting_id])}#{anchor}"


def _done(request: HttpRequest, meeting_id: int, anchor: str, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(_meeting_url(meeting_id, anchor))


def _agenda_fragment(
    request: HttpRequest,
    meeting: Meeting,
    *,
    notice: str = "",
    problem: str = "",
    agenda_form: AgendaItemForm | None = None,
    undo: str = "",
    undo_title: str = "",
) -> HttpResponse:
    context = {
        "agenda_undo": undo,
        "agenda_undo_title": undo_title,
        "meeting": meeting,
        "agenda": agenda_for(meeting),
        "can_write": access.allowed(user=request.user, action="edit_agenda", obj=meeting),
        "agenda_notice": notice,
        "agenda_problem": problem,
        "agenda_form": agenda_form,
    }
    return render(request, AGENDA_FRAGMENT, context)


def _papers_fragment(
    request: HttpRequest,
    meeting: Meeting,
    *,
    notice: str = "",
    problem: str = "",
    paper_form: PaperUploadForm | None = None,
) -> HttpResponse:
    context = {
        "meeting": meeting,
        "papers": papers_for(user=request.user, meeting=meeting),
        "can_write": access.allowed(user=request.user, action="upload_paper", obj=meeting),
        "papers_notice": notice,
        "papers_problem": problem,
        "paper_form": paper_form,
    }
    return render(request, PAPERS_FRAGMENT, context)


def _form_page(
    request: HttpRequest,
    meeting: Meeting,
    *,
    form: Any,
    heading: str,
    action: str,
    submit: str,
    anchor: str,
    multipart: bool = False,
    version_form: VersionForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "version_form": version_form,
        "problem": problem,
        "meeting": meeting,
        "group": meeting.group,
        "form": form,
        "heading": heading,
        "action": action,
        "submit": submit,
        "back_url": _meeting_url(meeting.pk, anchor),
        "multipart": multipart,
    }
    return render(request, FORM_PAGE, context, status=status)


# --- agenda items --------------------------------------------------------------------


def _fragment_for(part: str) -> Any:
    return _papers_fragment if part == "papers" else _agenda_fragment


def _done_in(request: HttpRequest, meeting: Meeting, part: str, message: str) -> HttpResponse:
    """The change is made: the part's fragment for HTMX, else back to the meeting page."""
    return write_done(
        request,
        message,
        url=_meeting_url(meeting.pk, part),
        fragment=lambda: _fragment_for(part)(request, meeting, notice=message),
        # Whether the papers are all out decides the papers deadline.
        regions=("deadlines",) if part == "papers" else (),
    )


def _refused(request: HttpRequest, meeting: Meeting, part: str, problem: str) -> HttpResponse:
    """A button's change was refused: say why where the button was."""
    return write_refused(
        request,
        problem,
        url=_meeting_url(meeting.pk, part),
        fragment=lambda: _fragment_for(part)(request, meeting, problem=problem),
    )


def _button(
    request: HttpRequest,
    meeting: Meeting,
    part: str,
    service: Callable[..., Any],
    done: Callable[[Any], str],
    *,
    what: str,
    form: VersionForm | None = None,
    invalid: str = MISSING_VERSION,
    arguments: Callable[[dict[str, Any]], dict[str, Any]] = lambda _data: {},
    **target: Any,
) -> HttpResponse:
    """A button on the meeting page (move, remove, carry, publish) through `handle_write`:
    `service(actor=…, expected_version=<the form's version>, **target, **arguments(data))`."""
    return handle_write(
        request,
        form or VersionForm(request.POST),
        call=lambda data: service(
            actor=request.user, expected_version=data["version"], **target, **arguments(data)
        ),
        success=lambda result: _done_in(request, meeting, part, done(result)),
        refused=lambda refusal: _refused(request, meeting, part, refusal.message),
        stale=STALE.format(what=what),
        invalid=invalid,
    )


_FORM_IN_FRAGMENT = {"agenda": "agenda_form", "papers": "paper_form"}


def _form_write(
    request: HttpRequest,
    meeting: Meeting,
    part: str,
    form: Any,
    call: Callable[[dict[str, Any]], Any],
    done: Callable[[Any], str],
    page: dict[str, Any],
) -> HttpResponse:
    """An add or upload form: GET shows it; POST writes and goes back to the meeting, or
    shows the form again with its errors (on its own `page`, 400; the part's fragment,
    200, for HTMX)."""

    def show(status: int) -> HttpResponse:
        if is_htmx(request):
            return _fragment_for(part)(request, meeting, **{_FORM_IN_FRAGMENT[part]: form})
        return _form_page(request, meeting, form=form, anchor=part, status=status, **page)

    if request.method != "POST":
        return show(200)
    return handle_write(
        request,
        form,
        call=call,
        success=lambda result: _done_in(request, meeting, part, done(result)),
        refused=lambda _refusal: show(400),
        fields={"lead": "lead_text"},
    )


@require_http_methods(["GET", "POST"])
@not_found_as_404
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an item: it goes last, before the closing standing items (the summary)."""
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    access.require(user=request.user, action="edit_agenda", obj=meeting)
    form = AgendaItemForm(request.POST or None, meeting=meeting, prefix="agenda")
    return _form_write(
        request,
        meeting,
        "agenda",
        form,
        lambda _data: services.add_agenda_item(
            actor=request.user, meeting=meeting, **form.service_fields()
        ),
        lambda item: f"“{item.title}” is item {item.position} of {meeting_label(meeting)}.",
        {
            "heading": f"Add an item to the agenda of {meeting_label(meeting)}",
            "action": reverse("meetings:agenda_add", args=[meeting.pk]),
            "submit": "Add the item",
        },
    )


@require_http_methods(["GET", "POST"])
@not_found_as_404
def agenda_edit(request: HttpRequest, item_pk: int) -> HttpResponse:
    """Edit an item on a page of its own (works the same with or without JavaScript)."""
    item, meeting = _item_and_meeting(request, item_pk, "change")
    version_form = VersionForm(request.POST or None, initial={"version": item.version})
    form = AgendaItemForm(request.POST or None, meeting=meeting, item=item, prefix="agenda")

    def page(status: int, problem: str = "") -> HttpResponse:
        nonlocal form, version_form
        if status == 409:
            item.refresh_from_db()
            form = AgendaItemForm(meeting=meeting, item=item, prefix="agenda")
            version_form = VersionForm(initial={"version": item.version})
            problem = STALE.format(what=f"Item {item.position}")
        elif status == 400 and version_form.is_bound and not version_form.is_valid():
            form.add_error(None, MISSING_VERSION)
        return _form_page(
            request,
            meeting,
            form=form,
            heading=f"Edit item {item.position} of {meeting_label(meeting)}",
            action=reverse("meetings:agenda_edit", args=[item.pk]),
            submit="Save the item",
            anchor="agenda",
            version_form=version_form,
            problem=problem if status == 409 else "",
            status=status,
        )

    if request.method != "POST":
        return page(200)
    return handle_write(
        request,
        [form, version_form],
        call=lambda data: services.update_agenda_item(
            actor=request.user,
            item=item,
            expected_version=data["version"],
            **form.service_fields(),
        ),
        success=lambda _saved: _done(
            request, meeting.pk, "agenda", f"Item {item.position}, “{item.title}”, saved."
        ),
        refused=lambda refusal: page(refusal.status),
        fields={"lead": "lead_text"},
    )


@require_POST
@not_found_as_404
def agenda_move(request: HttpRequest, item_pk: int) -> HttpResponse:
    item, meeting = _item_and_meeting(request, item_pk, "move")

    def position(data: dict[str, Any]) -> dict[str, Any]:
        step = -1 if data["direction"] == "up" else 1
        return {"position": min(max(1, item.position + step), meeting.agenda_items.count())}

    return _button(
        request,
        meeting,
        "agenda",
        services.move_agenda_item,
        lambda moved: f"“{moved.title}” is now item {moved.position}.",
        what="The agenda",
        form=MoveForm(request.POST),
        invalid="The move was not understood: reload the page.",
        arguments=position,
        item=item,
    )


# How long the Undo of a removal is offered (it carries the item, signed, in the form).
UNDO_SECONDS = 30 * 60
_UNDO_SALT = "progov.meetings.agenda-undo"
_UNDO_USED = "progov:agenda-undo-used:"


UNDO_TOKEN_MAX = 20_000  # an item's fields, signed; a long objective is escaped JSON


def undo_token(removed: services.RemovedItem) -> str:
    """The Undo's token: the removed item, signed, with a nonce that makes it single-use."""
    return signing.dumps(
        {"item": removed.as_dict(), "nonce": secrets.token_urlsafe(12)},
        salt=_UNDO_SALT,
        compress=True,
    )


def _undo_data(token: str, meeting: Meeting) -> tuple[services.RemovedItem, str] | None:
    try:
        data = signing.loads(token[:UNDO_TOKEN_MAX], salt=_UNDO_SALT, max_age=UNDO_SECONDS)
        removed = services.RemovedItem(**data["item"])
        nonce = str(data["nonce"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return (removed, nonce) if removed.meeting_id == meeting.pk else None


def undo_of(token: str, meeting: Meeting) -> services.RemovedItem | None:
    """The removal a page's Undo names, if its token is ours, recent, this meeting's and
    not used yet."""
    found = _undo_data(token, meeting)
    if found is None or cache.get(_UNDO_USED + found[1]) is not None:
        return None
    return found[0]


def _spend(token: str, meeting: Meeting) -> bool:
    """Use the token up (True once: a second post, or a page gone back to, restores nothing)."""
    found = _undo_data(token, meeting)
    return found is not None and cache.add(_UNDO_USED + found[1], 1, UNDO_SECONDS + 60)


def agenda_undo_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    """The meeting page after a removal without htmx (`?undo=`): offer the Undo again."""
    token = request.GET.get("undo", "")[:UNDO_TOKEN_MAX]
    removed = undo_of(token, meeting) if token else None
    return {"agenda_undo": token, "agenda_undo_title": removed.title} if removed else {}


@require_POST
@not_found_as_404
def agenda_remove(request: HttpRequest, item_pk: int) -> HttpResponse:
    """Take an item off; the answer offers to put it back (Undo) for half an hour."""
    item, meeting = _item_and_meeting(request, item_pk, "delete")

    def done(removed: services.RemovedItem) -> HttpResponse:
        message = f"“{item.title}” was taken off the agenda; the items after it moved up."
        token = undo_token(removed)
        if is_htmx(request):
            return _agenda_fragment(
                request, meeting, notice=message, undo=token, undo_title=removed.title
            )
        messages.success(request, message)
        return redirect(
            reverse("meetings:meeting", args=[meeting.pk])
            + "?"
            + urlencode({"undo": token})
            + "#agenda"
        )

    return handle_write(
        request,
        VersionForm(request.POST),
        call=lambda data: services.remove_agenda_item(
            actor=request.user, item=item, expected_version=data["version"]
        ),
        success=done,
        refused=lambda refusal: _refused(request, meeting, "agenda", refusal.message),
        stale=STALE.format(what=f"Item {item.position}"),
    )


@require_POST
@not_found_as_404
def agenda_restore(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a removal: the item back where it was."""
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    access.require(user=request.user, action="edit_agenda", obj=meeting)
    token = request.POST.get("undo", "")[:UNDO_TOKEN_MAX]
    removed = undo_of(token, meeting)
    if removed is None or not _spend(token, meeting):
        return _refused(
            request,
            meeting,
            "agenda",
            "That removal can no longer be undone (it is more than half an hour old, or "
            "the page was changed). Add the item again instead.",
        )
    return handle_write(
        request,
        None,
        call=lambda _data: services.restore_agenda_item(
            actor=request.user, meeting=meeting, removed=removed
        ),
        success=lambda restored: _done_in(
            request,
            meeting,
            "agenda",
            f"“{restored.title}” is back on the agenda as item {restored.position}.",
        ),
        refused=lambda refusal: _refused(request, meeting, "agenda", refusal.message),
    )


@require_POST
@not_found_as_404
def agenda_carry(request: HttpRequest, item_pk: int) -> HttpResponse:
    """Not reached: mark it so and put it on the group's next meeting."""
    item, meeting = _item_and_meeting(request, item_pk, "carry")
    return _button(
        request,
        meeting,
        "agenda",
        services.carry_agenda_item,
        lambda copy: (
            f"“{item.title}” is marked not reached and carried to "
            f"{meeting_label(copy.meeting)} as item {copy.position}."
        ),
        what=f"Item {item.position}",
        item=item,
    )


# --- papers --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@not_found_as_404
def paper_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a paper; a refused file is named with its problem and nothing is stored."""
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    access.require(user=request.user, action="upload_paper", obj=meeting)
    form = PaperUploadForm(
        request.POST or None, request.FILES or None, meeting=meeting, prefix="paper"
    )
    return _form_write(
        request,
        meeting,
        "papers",
        form,
        lambda data: services.upload_paper(
            actor=request.user,
            meeting=meeting,
            file=data["file"],
            title=data["title"],
            kind=data["kind"],
            classification=data["classification"],
            paper_version=data["paper_version"],
            agenda_item=data["agenda_item"],
            named_readers=list(data["named_readers"]),
        ),
        lambda paper: (
            f"“{paper.title}” ({paper.original_name}, {size_text(paper.size_bytes)}) is "
            "uploaded. It is not published yet."
        ),
        {
            "heading": f"Upload a paper for {meeting_label(meeting)}",
            "action": reverse("meetings:paper_upload", args=[meeting.pk]),
            "submit": "Upload the paper",
            "multipart": True,
        },
    )


@require_POST
@not_found_as_404
def paper_publish(request: HttpRequest, pk: int) -> HttpResponse:
    paper = paper_get(user=request.user, pk=pk)
    access.require(user=request.user, action="publish", obj=paper)
    meeting = selectors.meeting_get(user=request.user, pk=paper.meeting_id)
    return _button(
        request,
        meeting,
        "papers",
        services.publish_paper,
        lambda published: (
            f"“{published.title}” is published ({Classification(published.classification).label})."
        ),
        what=f"“{paper.title}”",
        paper=paper,
    )


@require_http_methods(["GET", "HEAD"])
def paper_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The file, as an attachment, to whoever its classification allows (else 404,
    exactly as for a paper that does not exist)."""
    try:
        paper = paper_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    try:
        handle = paper.file.open("rb")
    except (FileNotFoundError, OSError):
        logger.error("paper #%s: its file %s is missing from storage", paper.pk, paper.file.name)
        raise Http404("The file of this paper is missing.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=paper.original_name,
        content_type=paper.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # Who may have it depends on the session and on publication: never cache it shared.
    response["Cache-Control"] = "private, no-store"
    return response


# --- forward look --------------------------------------------------------------------


@require_POST
@not_found_as_404
def forward_look_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a planned item on its meeting's agenda."""
    item = forward_look_item_get(user=request.user, pk=pk)
    access.require(user=request.user, action="schedule", obj=item)

    def fragment(*, notice: str = "", problem: str = "") -> HttpResponse:
        context = {
            "group": item.group,
            "forward_look": forward_look_for(user=request.user, group=item.group),
            "can_write": access.allowed(user=request.user, action="plan_agenda", obj=item.group),
            "forward_look_notice": notice,
            "forward_look_problem": problem,
        }
        return render(request, FORWARD_LOOK_FRAGMENT, context)

    def done(agenda_item: Any) -> HttpResponse:
        notice = (
            f"“{item.title}” is item {agenda_item.position} of "
            f"{meeting_label(agenda_item.meeting)}."
        )
        return write_done(
            request,
            notice,
            url=_meeting_url(agenda_item.meeting_id, "agenda"),
            fragment=lambda: fragment(notice=notice),
        )

    def refused(refusal: Refusal) -> HttpResponse:
        problem = refusal.message
        target = item.target_meeting_id
        return write_refused(
            request,
            problem,
            url=_meeting_url(target, "agenda")
            if target
            else reverse("meetings:group_calendar", args=[item.group.acronym]),
            fragment=lambda: fragment(problem=problem),
        )

    return handle_write(
        request,
        VersionForm(request.POST),
        call=lambda data: services.schedule_forward_look_item(
            actor=request.user, item=item, expected_version=data["version"]
        ),
        success=done,
        refused=refused,
        stale=STALE.format(what=f"“{item.title}”"),
    )


urlpatterns: list[URLPattern] = [
    path("<int:pk>/agenda/add/", agenda_add, name="agenda_add"),
    path("agenda/<int:item_pk>/edit/", agenda_edit, name="agenda_edit"),
    path("agenda/<int:item_pk>/move/", agenda_move, name="agenda_move"),
    path("agenda/<int:item_pk>/remove/", agenda_remove, name="agenda_remove"),
    path("<int:pk>/agenda/restore/", agenda_restore, name="agenda_restore"),
    path("agenda/<int:item_pk>/carry/", agenda_carry, name="agenda_carry"),
    path("<int:pk>/papers/upload/", paper_upload, name="paper_upload"),
    path("papers/<int:pk>/publish/", paper_publish, name="paper_publish"),
    path("papers/<int:pk>/download/", paper_download, name="paper_download"),
    path("forward-look/<int:pk>/schedule/", forward_look_schedule, name="forward_look_schedule"),
]
