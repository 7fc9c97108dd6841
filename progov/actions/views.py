"""The action log's pages: the log (programme-wide or a group's), "My actions", an
action with its journal, and the forms that raise, correct, update, close and cancel.

Views stay thin: selectors in, a service per write (`core.pages.form_page`), templates
out. What a page offers comes from `selectors.action_actions` (the policy and the
action's state), never re-derived here.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from progov.actions import imports, selectors, services
from progov.actions.forms import (
    CancelForm,
    ClosureForm,
    EditActionForm,
    ImportForm,
    KeepOpenForm,
    LogFilterForm,
    RaiseActionForm,
    UpdateForm,
)
from progov.actions.models import Action, ActionStatus
from progov.actions.tables import ACTION_LOG
from progov.core import access
from progov.core.errors import DomainError, NotFound
from progov.core.forms import add_domain_errors
from progov.core.pages import form_page, paginate, sign_in_to_write
from progov.core.readcache import per_viewer
from progov.core.tabular import MAX_BYTES, layout_rows
from progov.governance import selectors as governance_selectors
from progov.governance.models import GovernanceGroup, Programme
from progov.governance.timezones import today_for
from progov.governance.views.pages import programme_page
from progov.meetings import selectors as meeting_selectors
from progov.meetings.models import Meeting

LOG_PAGE_SIZE = 50
READS = ["GET", "HEAD"]
WRITES = ["GET", "HEAD", "POST"]


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def action_url(action: Action) -> str:
    return reverse("actions:action", args=[action.ref])


def _log_url(group: GovernanceGroup | None = None) -> str:
    url = reverse("actions:log")
    return f"{url}?group={group.acronym}" if group is not None else url


def _group_of(request: HttpRequest, programme: Programme, acronym: str | None) -> Any:
    if not acronym:
        return None
    try:
        return governance_selectors.group_get(
            user=request.user, acronym=acronym, programme=programme
        )
    except NotFound:
        return None


def _filtered_log(request: HttpRequest, programme: Programme) -> tuple[Any, ...]:
    """The log's filters as understood (a bad value is named on the form and ignored) and
    the rows they select: (form, cleaned data, group, status, rows). Status "" is every
    open action, "all" every action."""
    groups = governance_selectors.group_choices(user=request.user, programme=programme)
    form = LogFilterForm(request.GET or None, groups=groups)
    data = form.cleaned_data if form.is_valid() else {}
    group = _group_of(request, programme, data.get("group"))
    status = data.get("status") or ""
    rows = selectors.action_list(
        user=request.user,
        programme=programme,
        group=group,
        owner=data.get("owner") or None,
        status=status if status not in ("", "all") else None,
        open_only=status == "",
        overdue=True if data.get("overdue") else None,
        q=data.get("q") or None,
    )
    return form, data, group, status, rows


@require_http_methods(READS)
@programme_page
def action_log(request: HttpRequest, programme: Programme) -> HttpResponse:
    """The log, as the packs print it (Ref, Date, Action, Owner, Due Date, Status, Latest
    Update), filtered by group, status, owner, words and overdue; 50 to a page."""
    form, data, group, status, rows = _filtered_log(request, programme)
    page = paginate(request, rows, LOG_PAGE_SIZE)
    # The downloads carry the filters as understood (never the raw query: a group the
    # reader may not see is not repeated back).
    kept = {
        "group": group.acronym if group is not None else "",
        "status": status,
        "owner": data.get("owner") or "",
        "q": data.get("q") or "",
        "overdue": "on" if data.get("overdue") else "",
    }
    export_query = urlencode({k: v for k, v in kept.items() if v})
    # The groups whose log the reader keeps (whole rows: the access check reads a group's
    # visibility, which the choices' rows leave out).
    may_raise = [
        g
        for g in GovernanceGroup.objects.filter(programme=programme).order_by("level", "acronym")
        if access.allowed(
            user=request.user, action="create", obj=Action(group=g, programme=programme)
        )
    ]
    return render(
        request,
        "actions/log.html",
        {
            "programme": programme,
            "form": form,
            "group": group,
            "page": page,
            "today": today_for(programme),
            "may_raise": may_raise,
            "raise_group": group if group in may_raise else None,
            "export_query": export_query,
        },
    )


@require_http_methods(READS)
@login_required
@per_viewer
@programme_page
def my_actions(request: HttpRequest, programme: Programme) -> HttpResponse:
    """The signed-in person's actions, their organisation's and their groups'."""
    rows = selectors.action_list(user=request.user, programme=programme, mine=True, open_only=True)
    page = paginate(request, rows, LOG_PAGE_SIZE)
    return render(
        request,
        "actions/mine.html",
        {"programme": programme, "page": page, "today": today_for(programme)},
    )


@require_http_methods(READS)
@per_viewer
@programme_page
def action_detail(request: HttpRequest, programme: Programme, ref: str) -> HttpResponse:
    action = selectors.action_get(user=request.user, programme=programme, ref=ref)
    can = selectors.action_actions(user=request.user, action=action)
    meetings = (
        selectors.meeting_choices_for_closure(user=request.user, action=action)
        if "confirm_closure" in can
        else []
    )
    return render(
        request,
        "actions/action.html",
        {
            "programme": programme,
            "action": action,
            "journal": selectors.action_journal(user=request.user, action=action),
            "can": can,
            "today": today_for(programme),
            "overdue": selectors.is_overdue(action, today_for(programme)),
            "update_form": UpdateForm(
                initial={"version": action.version, "status": _next_status(action)}
            ),
            "closure_form": ClosureForm(initial={"version": action.version}, meetings=meetings)
            if meetings
            else None,
        },
    )


def _next_status(action: Action) -> str:
    return action.status if action.status != ActionStatus.OPEN else ActionStatus.ONGOING


def _crumbs(action: Action | None = None, group: GovernanceGroup | None = None) -> list[Any]:
    crumbs = [("Actions", reverse("actions:log"))]
    if group is not None:
        crumbs.append((group.acronym, _log_url(group)))
    if action is not None:
        crumbs.append((action.ref, action_url(action)))
    return crumbs


def _meetings_of(request: HttpRequest, group: GovernanceGroup) -> list[Meeting]:
    return list(
        meeting_selectors.visible_meetings(user=request.user)
        .filter(group=group)
        .exclude(status="cancelled")
        .select_related("group")
        .order_by("-start", "-id")[:24]
    )


@require_http_methods(WRITES)
@programme_page
@sign_in_to_write
def raise_action(request: HttpRequest, programme: Programme, acronym: str) -> HttpResponse:
    """Raise an action on a group's log, at one of its meetings (`?meeting=<id>`)."""
    group = governance_selectors.group_get(user=request.user, acronym=acronym, programme=programme)
    access.require(user=request.user, action="create", obj=Action(group=group, programme=programme))
    meetings = _meetings_of(request, group)
    initial_meeting = request.GET.get("meeting", "")
    form = RaiseActionForm(_data(request), meetings=meetings, initial={"meeting": initial_meeting})
    chosen = next((m for m in meetings if str(m.pk) == initial_meeting), None)
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"Raise an action on the {group.acronym} log",
            "intro": "Its ref is given when it is saved: the group's acronym, the meeting's "
            "number and the next number of that meeting (PSG24-03).",
            "crumbs": _crumbs(group=group),
            "submit_label": "Raise the action",
            "cancel_url": reverse("meetings:meeting", args=[chosen.pk]) + "#action-log"
            if chosen
            else _log_url(group),
        },
        call=lambda data: services.raise_action(
            actor=request.user,
            group=group,
            meeting=form.chosen_meeting(),
            description=data["description"],
            owner=data["owner"],
            due_on=data["due_on"],
            due_text=data["due_text"],
        ),
        done=lambda a: (f"Action {a.ref} is raised on the {group.acronym} log.", action_url(a)),
        what="The log",
        fields={"due_on": "due_on", "owner": "owner"},
    )


def _action_for_write(request: HttpRequest, programme: Programme, ref: str, verb: str) -> Action:
    action = selectors.action_get(user=request.user, programme=programme, ref=ref)
    access.require(user=request.user, action=verb, obj=action)
    return action


def _fresh_version(request: HttpRequest, programme: Programme, ref: str) -> Any:
    return lambda: selectors.action_get(user=request.user, programme=programme, ref=ref).version


@require_http_methods(WRITES)
@programme_page
@sign_in_to_write
def edit_action(request: HttpRequest, programme: Programme, ref: str) -> HttpResponse:
    action = _action_for_write(request, programme, ref, "change")
    form = EditActionForm(
        _data(request),
        initial={
            "version": action.version,
            "description": action.description,
            "owner": action.owner_text,
            "due_on": action.due_on,
            "due_text": action.due_text,
            "raised_on": action.raised_on,
        },
    )
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"Correct {action.ref}",
            "intro": "The ref stays as it is; the status moves with updates.",
            "crumbs": _crumbs(action, action.group),
            "submit_label": "Save changes",
            "cancel_url": action_url(action),
        },
        call=lambda data: services.update_action(
            actor=request.user,
            action=action,
            expected_version=data["version"],
            changes={
                "description": data["description"],
                "owner_text": data["owner"],
                "due_on": data["due_on"],
                "due_text": data["due_text"],
                "raised_on": data["raised_on"],
            },
        ),
        done=lambda a: (f"{a.ref} is saved.", action_url(a)),
        what=action.ref,
        current_version=_fresh_version(request, programme, ref),
        fields={"owner_text": "owner"},
    )


@require_http_methods(WRITES)
@programme_page
@sign_in_to_write
def post_update(request: HttpRequest, programme: Programme, ref: str) -> HttpResponse:
    action = _action_for_write(request, programme, ref, "post_update")
    form = UpdateForm(
        _data(request), initial={"version": action.version, "status": _next_status(action)}
    )
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"Update {action.ref}",
            "intro": action.description,
            "crumbs": _crumbs(action, action.group),
            "submit_label": "Post the update",
            "cancel_url": action_url(action),
        },
        call=lambda data: services.post_action_update(
            actor=request.user,
            action=action,
            expected_version=data["version"],
            text=data["text"],
            status=data["status"],
        ),
        done=lambda a: (
            f"{a.ref} is updated: {a.get_status_display()}."
            + (
                " The group confirms the closure at its next meeting."
                if a.status == ActionStatus.RECOMMEND_CLOSED
                else ""
            ),
            action_url(a),
        ),
        what=action.ref,
        current_version=_fresh_version(request, programme, ref),
    )


def _back(request: HttpRequest, action: Action) -> str:
    """Where a closure answered from a meeting's page goes back to: that meeting."""
    meeting = request.POST.get("back_to_meeting") or request.GET.get("back_to_meeting")
    if meeting and meeting.isdigit():
        return reverse("meetings:meeting", args=[int(meeting)]) + "#action-log"
    return action_url(action)


@require_http_methods(WRITES)
@programme_page
@sign_in_to_write
def confirm_closure(request: HttpRequest, programme: Programme, ref: str) -> HttpResponse:
    action = _action_for_write(request, programme, ref, "confirm_closure")
    meetings = selectors.meeting_choices_for_closure(user=request.user, action=action)
    wanted = request.GET.get("meeting", "")
    form = ClosureForm(
        _data(request),
        meetings=meetings,
        initial={
            "version": action.version,
            "meeting": wanted or (meetings[0].pk if meetings else ""),
        },
    )
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"Confirm the closure of {action.ref}",
            "intro": f"{action.description} — recommended closed: “{action.latest_update}”",
            "crumbs": _crumbs(action, action.group),
            "submit_label": "Confirm the closure",
            "cancel_url": _back(request, action),
        },
        call=lambda data: services.confirm_action_closure(
            actor=request.user,
            action=action,
            meeting=form.chosen_meeting(),
            expected_version=data["version"],
            note=data["note"],
        ),
        done=lambda a: (f"{a.ref} is closed.", _back(request, a)),
        what=action.ref,
        current_version=_fresh_version(request, programme, ref),
    )


@require_http_methods(WRITES)
@programme_page
@sign_in_to_write
def keep_open(request: HttpRequest, programme: Programme, ref: str) -> HttpResponse:
    action = _action_for_write(request, programme, ref, "confirm_closure")
    meeting_id = request.GET.get("back_to_meeting") or request.POST.get("back_to_meeting") or ""
    meeting = None
    if meeting_id.isdigit():
        try:
            meeting = meeting_selectors.meeting_get(user=request.user, pk=int(meeting_id))
        except NotFound:
            meeting = None
    form = KeepOpenForm(_data(request), initial={"version": action.version})
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"Keep {action.ref} open",
            "intro": f"{action.description} — recommended closed: “{action.latest_update}”",
            "crumbs": _crumbs(action, action.group),
            "submit_label": "Keep it open",
            "cancel_url": _back(request, action),
        },
        call=lambda data: services.keep_action_open(
            actor=request.user,
            action=action,
            meeting=meeting,
            expected_version=data["version"],
            note=data["note"],
        ),
        done=lambda a: (f"{a.ref} stays open (Ongoing).", _back(request, a)),
        what=action.ref,
        current_version=_fresh_version(request, programme, ref),
    )


@require_http_methods(WRITES)
@programme_page
@sign_in_to_write
def cancel_action(request: HttpRequest, programme: Programme, ref: str) -> HttpResponse:
    action = _action_for_write(request, programme, ref, "cancel")
    form = CancelForm(_data(request), initial={"version": action.version})
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"Cancel {action.ref}",
            "intro": action.description,
            "crumbs": _crumbs(action, action.group),
            "submit_label": "Cancel the action",
            "cancel_url": action_url(action),
            "danger": True,
        },
        call=lambda data: services.cancel_action(
            actor=request.user,
            action=action,
            expected_version=data["version"],
            reason=data["reason"],
        ),
        done=lambda a: (f"{a.ref} is cancelled.", action_url(a)),
        what=action.ref,
        current_version=_fresh_version(request, programme, ref),
    )


# --- export and import ----------------------------------------------------------------------

IMPORT_KEEP_SECONDS = 3600
_IMPORT = "actions-import:{}"
_PROGRESS = "actions-import-progress:{}"


@require_http_methods(READS)
@programme_page
def export_log(request: HttpRequest, programme: Programme) -> HttpResponse:
    """The log as the page filters it, as a workbook (`?format=csv`: CSV)."""
    _, _, group, _, rows = _filtered_log(request, programme)
    kind = "csv" if request.GET.get("format") == "csv" else "xlsx"
    body = imports.export_log(rows, kind)
    response = HttpResponse(
        body,
        content_type="text/csv; charset=utf-8"
        if kind == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"{programme.slug}-actions{'-' + group.acronym if group else ''}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _import_context(programme: Programme, **extra: Any) -> dict[str, Any]:
    return {
        "programme": programme,
        "layout": layout_rows(ACTION_LOG),
        "max_mb": MAX_BYTES // (1024 * 1024),
        **extra,
    }


@require_http_methods(WRITES)
@programme_page
@sign_in_to_write
def import_log(request: HttpRequest, programme: Programme) -> HttpResponse:
    """Upload a log: first a check (every problem by row and column, or a preview of what
    would be saved), then the import itself, all or nothing, with its progress shown."""
    access.require_manager(user=request.user)
    if request.method != "POST":
        return render(request, "actions/import.html", _import_context(programme, form=ImportForm()))
    job = request.POST.get("job", "")
    if job:
        return _run_import(request, programme, job)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request, "actions/import.html", _import_context(programme, form=form), status=400
        )
    upload = form.cleaned_data["file"]
    data = upload.read()
    try:
        report = imports.read_and_import(
            actor=request.user, programme=programme, data=data, filename=upload.name, dry_run=True
        )
    except DomainError as exc:
        add_domain_errors(form, exc)
        return render(
            request, "actions/import.html", _import_context(programme, form=form), status=400
        )
    job = ""
    if report.ok and report.planned:
        job = secrets.token_urlsafe(16)
        cache.set(
            _IMPORT.format(job),
            {"user": request.user.pk, "name": upload.name, "data": data},
            IMPORT_KEEP_SECONDS,
        )
    return render(
        request,
        "actions/import.html",
        _import_context(
            programme,
            form=ImportForm(),
            report=report,
            out=imports.import_out(report),
            filename=upload.name,
            job=job,
        ),
        status=200 if report.ok else 400,
    )


def _run_import(request: HttpRequest, programme: Programme, job: str) -> HttpResponse:
    kept = cache.get(_IMPORT.format(job))
    if kept is None or kept["user"] != request.user.pk:
        problem = (
            "That check has expired (an hour), was imported already or was done by someone "
            "else: choose the file again."
        )
        return render(
            request,
            "actions/import.html",
            _import_context(programme, form=ImportForm(), problem=problem),
            status=400,
        )

    def progress(done: int, total: int) -> None:
        cache.set(_PROGRESS.format(job), {"done": done, "total": total}, IMPORT_KEEP_SECONDS)

    try:
        report = imports.read_and_import(
            actor=request.user,
            programme=programme,
            data=kept["data"],
            filename=kept["name"],
            dry_run=False,
            progress=progress,
        )
    except DomainError as exc:
        return render(
            request,
            "actions/import.html",
            _import_context(programme, form=ImportForm(), problem=exc.message),
            status=400,
        )
    cache.delete(_IMPORT.format(job))
    if not report.ok:
        return render(
            request,
            "actions/import.html",
            _import_context(
                programme,
                form=ImportForm(),
                report=report,
                out=imports.import_out(report),
                filename=kept["name"],
            ),
            status=400,
        )
    messages.success(request, imports.summary(report))
    return redirect(reverse("actions:log") + "?status=all")


@require_http_methods(READS)
@login_required
@per_viewer
def import_progress(request: HttpRequest, job: str) -> HttpResponse:
    """How far an import has got (the import page asks while it runs)."""
    found = cache.get(_PROGRESS.format(job))
    kept = cache.get(_IMPORT.format(job))
    if kept is not None and kept["user"] != request.user.pk:
        raise Http404("No such import.")
    if found is None and kept is None:
        raise Http404("No such import.")
    done, total = (found["done"], found["total"]) if found else (0, 0)
    response = render(request, "actions/_import_progress.html", {"done": done, "total": total})
    response["Cache-Control"] = "no-store"
    return response
