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
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from progov.core import access
from progov.core.errors import DomainError, NotFound, StaleVersion
from progov.core.pages import is_htmx, not_found_as_404
from progov.meetings import selectors, services
from progov.meetings.models import Classification, Meeting
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
    VersionForm,
    add_domain_errors,
)

logger = logging.getLogger(__name__)

AGENDA_FRAGMENT = "meetings/_agenda.html"
PAPERS_FRAGMENT = "meetings/_papers.html"
FORWARD_LOOK_FRAGMENT = "meetings/_forward_look.html"
FORM_PAGE = "meetings/agenda_form_page.html"
STALE = (
    "{what} changed since you loaded the page, so nothing was changed. It is shown as it is now."
)


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
) -> HttpResponse:
    context = {
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


@require_http_methods(["GET", "POST"])
@not_found_as_404
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an item: it goes last, before the closing standing items (the summary)."""
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    access.require(user=request.user, action="edit_agenda", obj=meeting)
    form = AgendaItemForm(request.POST or None, meeting=meeting, prefix="agenda")
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_agenda_item(
                actor=request.user, meeting=meeting, **form.service_fields()
            )
        except DomainError as exc:
            add_domain_errors(form, exc, fields={"lead": "lead_text"})
        else:
            done = f"“{item.title}” is item {item.position} of {meeting_label(meeting)}."
            if is_htmx(request):
                return _agenda_fragment(request, meeting, notice=done)
            return _done(request, meeting.pk, "agenda", done)
    if is_htmx(request):
        return _agenda_fragment(request, meeting, agenda_form=form)
    return _form_page(
        request,
        meeting,
        form=form,
        heading=f"Add an item to the agenda of {meeting_label(meeting)}",
        action=reverse("meetings:agenda_add", args=[meeting.pk]),
        submit="Add the item",
        anchor="agenda",
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@not_found_as_404
def agenda_edit(request: HttpRequest, item_pk: int) -> HttpResponse:
    """Edit an item on a page of its own (works the same with or without JavaScript)."""
    item = agenda_item_get(user=request.user, pk=item_pk)
    access.require(user=request.user, action="change", obj=item)
    meeting = selectors.meeting_get(user=request.user, pk=item.meeting_id)
    version_form = VersionForm(request.POST or None, initial={"version": item.version})
    form = AgendaItemForm(request.POST or None, meeting=meeting, item=item, prefix="agenda")
    status = 200
    problem = ""
    if request.method == "POST":
        status = 400
        if form.is_valid() and version_form.is_valid():
            try:
                services.update_agenda_item(
                    actor=request.user,
                    item=item,
                    expected_version=version_form.cleaned_data["version"],
                    **form.service_fields(),
                )
            except StaleVersion:
                item.refresh_from_db()
                form = AgendaItemForm(meeting=meeting, item=item, prefix="agenda")
                version_form = VersionForm(initial={"version": item.version})
                problem = STALE.format(what=f"Item {item.position}")
                status = 409
            except DomainError as exc:
                add_domain_errors(form, exc, fields={"lead": "lead_text"})
            else:
                return _done(
                    request, meeting.pk, "agenda", f"Item {item.position}, “{item.title}”, saved."
                )
        elif not version_form.is_valid():
            form.add_error(None, "The form is missing its version: reload the page.")
    page = _form_page(
        request,
        meeting,
        form=form,
        heading=f"Edit item {item.position} of {meeting_label(meeting)}",
        action=reverse("meetings:agenda_edit", args=[item.pk]),
        submit="Save the item",
        anchor="agenda",
        version_form=version_form,
        problem=problem,
        status=status,
    )
    return page


@require_POST
@not_found_as_404
def agenda_move(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = agenda_item_get(user=request.user, pk=item_pk)
    access.require(user=request.user, action="move", obj=item)
    meeting = selectors.meeting_get(user=request.user, pk=item.meeting_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _refused(request, meeting, "agenda", "The move was not understood: reload the page.")
    count = meeting.agenda_items.count()
    step = -1 if form.cleaned_data["direction"] == "up" else 1
    position = min(max(1, item.position + step), count)
    try:
        moved = services.move_agenda_item(
            actor=request.user,
            item=item,
            expected_version=form.cleaned_data["version"],
            position=position,
        )
    except StaleVersion:
        return _refused(request, meeting, "agenda", STALE.format(what="The agenda"))
    except DomainError as exc:
        return _refused(request, meeting, "agenda", exc.message)
    done = f"“{moved.title}” is now item {moved.position}."
    if is_htmx(request):
        return _agenda_fragment(request, meeting, notice=done)
    return _done(request, meeting.pk, "agenda", done)


@require_POST
@not_found_as_404
def agenda_remove(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = agenda_item_get(user=request.user, pk=item_pk)
    access.require(user=request.user, action="delete", obj=item)
    meeting = selectors.meeting_get(user=request.user, pk=item.meeting_id)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _refused(
            request, meeting, "agenda", "The form is missing its version: reload the page."
        )
    try:
        services.remove_agenda_item(
            actor=request.user, item=item, expected_version=form.cleaned_data["version"]
        )
    except StaleVersion:
        return _refused(request, meeting, "agenda", STALE.format(what=f"Item {item.position}"))
    except DomainError as exc:
        return _refused(request, meeting, "agenda", exc.message)
    done = f"“{item.title}” was taken off the agenda; the items after it moved up."
    if is_htmx(request):
        return _agenda_fragment(request, meeting, notice=done)
    return _done(request, meeting.pk, "agenda", done)


@require_POST
@not_found_as_404
def agenda_carry(request: HttpRequest, item_pk: int) -> HttpResponse:
    """Not reached: mark it so and put it on the group's next meeting."""
    item = agenda_item_get(user=request.user, pk=item_pk)
    access.require(user=request.user, action="carry_forward", obj=item)
    meeting = selectors.meeting_get(user=request.user, pk=item.meeting_id)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _refused(
            request, meeting, "agenda", "The form is missing its version: reload the page."
        )
    try:
        copy = services.carry_agenda_item(
            actor=request.user, item=item, expected_version=form.cleaned_data["version"]
        )
    except StaleVersion:
        return _refused(request, meeting, "agenda", STALE.format(what=f"Item {item.position}"))
    except DomainError as exc:
        return _refused(request, meeting, "agenda", exc.message)
    done = (
        f"“{item.title}” is marked not reached and carried to "
        f"{meeting_label(copy.meeting)} as item {copy.position}."
    )
    if is_htmx(request):
        return _agenda_fragment(request, meeting, notice=done)
    return _done(request, meeting.pk, "agenda", done)


def _refused(request: HttpRequest, meeting: Meeting, part: str, problem: str) -> HttpResponse:
    """A button's change was refused: say why where the button was."""
    if is_htmx(request):
        if part == "papers":
            return _papers_fragment(request, meeting, problem=problem)
        return _agenda_fragment(request, meeting, problem=problem)
    messages.error(request, problem)
    return redirect(_meeting_url(meeting.pk, part))


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
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            paper = services.upload_paper(
                actor=request.user,
                meeting=meeting,
                file=data["file"],
                title=data["title"],
                kind=data["kind"],
                classification=data["classification"],
                paper_version=data["paper_version"],
                agenda_item=data["agenda_item"],
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            done = (
                f"“{paper.title}” ({paper.original_name}, {size_text(paper.size_bytes)}) is "
                "uploaded. It is not published yet."
            )
            if is_htmx(request):
                return _papers_fragment(request, meeting, notice=done)
            return _done(request, meeting.pk, "papers", done)
    if is_htmx(request):
        return _papers_fragment(request, meeting, paper_form=form)
    return _form_page(
        request,
        meeting,
        form=form,
        heading=f"Upload a paper for {meeting_label(meeting)}",
        action=reverse("meetings:paper_upload", args=[meeting.pk]),
        submit="Upload the paper",
        anchor="papers",
        multipart=True,
        status=400 if form.is_bound else 200,
    )


@require_POST
@not_found_as_404
def paper_publish(request: HttpRequest, pk: int) -> HttpResponse:
    paper = paper_get(user=request.user, pk=pk)
    access.require(user=request.user, action="publish", obj=paper)
    meeting = selectors.meeting_get(user=request.user, pk=paper.meeting_id)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _refused(
            request, meeting, "papers", "The form is missing its version: reload the page."
        )
    try:
        services.publish_paper(
            actor=request.user, paper=paper, expected_version=form.cleaned_data["version"]
        )
    except StaleVersion:
        return _refused(request, meeting, "papers", STALE.format(what=f"“{paper.title}”"))
    except DomainError as exc:
        return _refused(request, meeting, "papers", exc.message)
    audience = Classification(paper.classification).label
    done = f"“{paper.title}” is published ({audience})."
    if is_htmx(request):
        return _papers_fragment(request, meeting, notice=done)
    return _done(request, meeting.pk, "papers", done)


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
    form = VersionForm(request.POST)
    problem = ""
    agenda_item = None
    if not form.is_valid():
        problem = "The form is missing its version: reload the page."
    else:
        try:
            agenda_item = services.schedule_forward_look_item(
                actor=request.user, item=item, expected_version=form.cleaned_data["version"]
            )
        except StaleVersion:
            problem = STALE.format(what=f"“{item.title}”")
        except DomainError as exc:
            problem = exc.message
    done = ""
    if agenda_item is not None:
        done = (
            f"“{item.title}” is item {agenda_item.position} of "
            f"{meeting_label(agenda_item.meeting)}."
        )
    if is_htmx(request):
        context = {
            "group": item.group,
            "forward_look": forward_look_for(user=request.user, group=item.group),
            "can_write": access.allowed(user=request.user, action="plan_agenda", obj=item.group),
            "forward_look_notice": done,
            "forward_look_problem": problem,
        }
        return render(request, FORWARD_LOOK_FRAGMENT, context)
    if problem:
        messages.error(request, problem)
        target = item.target_meeting_id
        if target:
            return redirect(_meeting_url(target, "agenda"))
        return redirect(reverse("meetings:group_calendar", args=[item.group.acronym]))
    assert agenda_item is not None
    return _done(request, agenda_item.meeting_id, "agenda", done)


urlpatterns: list[URLPattern] = [
    path("<int:pk>/agenda/add/", agenda_add, name="agenda_add"),
    path("agenda/<int:item_pk>/edit/", agenda_edit, name="agenda_edit"),
    path("agenda/<int:item_pk>/move/", agenda_move, name="agenda_move"),
    path("agenda/<int:item_pk>/remove/", agenda_remove, name="agenda_remove"),
    path("agenda/<int:item_pk>/carry/", agenda_carry, name="agenda_carry"),
    path("<int:pk>/papers/upload/", paper_upload, name="paper_upload"),
    path("papers/<int:pk>/publish/", paper_publish, name="paper_publish"),
    path("papers/<int:pk>/download/", paper_download, name="paper_download"),
    path("forward-look/<int:pk>/schedule/", forward_look_schedule, name="forward_look_schedule"),
]
