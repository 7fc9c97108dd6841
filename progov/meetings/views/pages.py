"""The meeting pages: calendars, the meeting page, lookup by number, and deadlines.

| URL                                   | name                          |                          |
|---------------------------------------|-------------------------------|--------------------------|
| /meetings/                            | meetings:programme_calendar   | every group, month/list  |
| /meetings/deadlines/                  | meetings:deadlines            | overdue, due, on time    |
| /meetings/groups/<acronym>/           | meetings:group_calendar       | month/list; generate     |
| /meetings/groups/<acronym>/<number>/  | meetings:meeting_by_number    | PSG/24, DAG/10.1 → page  |
| /meetings/<pk>/                       | meetings:meeting              | header, deadlines, parts |
| /meetings/<pk>/move/ (cancel, …)      | meetings:meeting_move, …      | secretariat actions      |

Views are thin: selectors and services in, templates out. A hidden group's meetings
answer 404 like the group. Calendars answer `?month=YYYY-MM`, `?view=list` (and
`&when=past`); HTMX asks for just the calendar region. The secretariat's actions are
plain POST forms (no JavaScript needed) carrying the version the page showed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, ParamSpec

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, re_path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST

from progov.calendars.selectors import calendar_for_programme
from progov.core import access
from progov.core.errors import DomainError
from progov.core.forms import VersionForm
from progov.core.pages import (
    Refusal,
    handle_write,
    is_htmx,
    paginate,
    render_page,
)
from progov.core.workdays import WorkingCalendar
from progov.governance import selectors as governance_selectors
from progov.governance.models import GovernanceGroup, Programme
from progov.governance.timezones import today_for
from progov.governance.views import programme_page
from progov.meetings import selectors, services
from progov.meetings.models import Meeting, MeetingStatus
from progov.meetings.panels import meeting_panels
from progov.meetings.selectors.agenda import agenda_for, forward_look_for
from progov.meetings.selectors.overview import (
    WEEKDAYS,
    Month,
    day_off_of,
    deadline_overview,
    list_entries,
    local_date,
    month_grid,
)
from progov.meetings.selectors.papers import papers_for
from progov.meetings.times import meeting_tz
from progov.meetings.views.agenda import agenda_undo_context
from progov.meetings.views.attendance import REGISTER_ON_MEETING_PAGE, attendance_context
from progov.meetings.views.page_forms import (
    ACTION_FORMS,
    DeadlineFilterForm,
    GenerateForm,
    MarkHeldForm,
    MoveForm,
    months_before,
)
from progov.meetings.views.reports import headline_report_context

P = ParamSpec("P")

LIST_PAGE_SIZE = 25
CALENDAR_REGION = "meetings/_calendar_region.html"
# Where a service's field error shows on the move form.
MOVE_FIELDS = {"start": "date", "end": "end_time"}
ACTION_DONE = {
    "confirm": "{m} is confirmed.",
    "move": "{m} moved to {when}. Its deadlines follow the new date.",
    "cancel": "{m} is cancelled. Reinstate it from its page if that was a mistake.",
    "reinstate": "{m} is reinstated on {when}; its deadlines count again.",
    "held": "{m} is marked held; its headline report draft has started.",
    "recording": "{m}: recording link saved.",
}


def _meeting_name(meeting: Meeting) -> str:
    return f"{meeting.group.acronym} #{meeting.number}"


# --- calendars ---------------------------------------------------------------------------


def _calendar_context(
    request: HttpRequest,
    programme: Programme,
    *,
    group: GovernanceGroup | None = None,
    group_ids: list[int] | None = None,
    calendar: WorkingCalendar,
    today: date,
) -> dict[str, Any]:
    """The calendar region: a month grid, or a page of the list (upcoming or past)."""

    def meetings(start: date | None = None, end: date | None = None) -> Any:
        qs = selectors.meeting_list(
            user=request.user, programme=programme, group=group, start=start, end=end
        )
        return qs if group_ids is None else qs.filter(group_id__in=group_ids)

    if request.GET.get("view") != "list":
        month = Month.parse(request.GET.get("month"), today=today)
        found = list(meetings(month.grid_start, month.grid_end))
        in_month = sum(1 for m in found if month.first <= local_date(m) <= month.last)
        return {
            "view": "month",
            "month": month,
            "is_current_month": month.first == today.replace(day=1),
            "weeks": month_grid(month, found, calendar, today=today),
            "weekdays": WEEKDAYS,
            "meetings_in_month": in_month,
        }
    past = request.GET.get("when") == "past"
    if past:
        qs = meetings(end=today - timedelta(days=1)).order_by("-start", "group__acronym", "id")
    else:
        qs = meetings(start=today)
    page = paginate(request, qs, LIST_PAGE_SIZE)
    shown = list(page.object_list)
    context = selectors.DeadlineContext.for_meetings(shown)
    return {
        "view": "list",
        "when": "past" if past else "upcoming",
        "page": page,
        "entries": list_entries(shown, context, calendar),
    }


def _calendar_response(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    # A fragment also refreshes the screen-reader status outside the region (hx-swap-oob).
    context["partial"] = is_htmx(request)
    return render_page(request, template, CALENDAR_REGION, context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@programme_page
def group_calendar(request: HttpRequest, programme: Programme, acronym: str) -> HttpResponse:
    group = governance_selectors.group_get(user=request.user, acronym=acronym, programme=programme)
    today = today_for(programme)
    writer = access.allowed(user=request.user, action="generate_meetings", obj=group)
    status = 200
    generate_form: GenerateForm | None = None
    if request.method == "POST":
        access.require(user=request.user, action="generate_meetings", obj=group)
        generate_form = GenerateForm(request.POST, today=today, prefix="generate")
        if generate_form.is_valid():
            try:
                report = services.generate_meetings(
                    actor=request.user, group=group, until=generate_form.cleaned_data["until"]
                )
            except DomainError as exc:
                generate_form.add_error("until", exc.message)
            else:
                messages.success(request, report.render())
                return redirect(request.get_full_path())
        status = 400
    elif writer:
        generate_form = GenerateForm(
            initial={"until": date(today.year + 1, 12, 31)}, today=today, prefix="generate"
        )
    calendar = calendar_for_programme(programme)
    context = {
        "programme": programme,
        "group": group,
        "parent": governance_selectors.visible_parent(user=request.user, group=group),
        "can_write": writer,
        "generate_form": generate_form,
        "calendar_url": reverse("meetings:group_calendar", args=[group.acronym]),
        "calendar_title": f"{group.acronym} meetings",
        "show_group": False,
        **_calendar_context(request, programme, group=group, calendar=calendar, today=today),
    }
    return _calendar_response(request, "meetings/group_calendar.html", context, status)


@programme_page
def programme_calendar(request: HttpRequest, programme: Programme) -> HttpResponse:
    today = today_for(programme)
    groups = list(governance_selectors.group_list(user=request.user, programme=programme))
    chosen = {a.upper() for a in request.GET.getlist("group") if a}
    workstream = request.GET.get("workstream", "").strip()
    level_raw = request.GET.get("level", "").strip()
    level = int(level_raw) if level_raw in {"1", "2", "3", "4"} else None
    filtered = bool(chosen or workstream or level)
    group_ids = (
        [
            g.pk
            for g in groups
            if (not chosen or g.acronym.upper() in chosen)
            and (not workstream or (g.workstream and g.workstream.name == workstream))
            and (level is None or g.level == level)
        ]
        if filtered
        else None
    )
    workstreams = sorted({g.workstream.name for g in groups if g.workstream})
    calendar = calendar_for_programme(programme)
    context = {
        "programme": programme,
        "groups": groups,
        "chosen_groups": chosen,
        "workstreams": workstreams,
        "selected_workstream": workstream,
        "selected_level": level_raw if level else "",
        "levels": ["1", "2", "3", "4"],
        "filtered": filtered,
        # Bank-holiday flags ("to move") for whoever moves meetings of some group.
        "can_write": access.manages_anything(user=request.user),
        "calendar_url": reverse("meetings:programme_calendar"),
        "calendar_title": "Meetings of every group" if not filtered else "Meetings",
        "show_group": True,
        **_calendar_context(
            request, programme, group_ids=group_ids, calendar=calendar, today=today
        ),
    }
    return _calendar_response(request, "meetings/programme_calendar.html", context)


# --- one meeting ---------------------------------------------------------------------------


def _action_forms(
    meeting: Meeting, actions: list[str], bound: dict[str, VersionForm]
) -> dict[str, VersionForm]:
    forms: dict[str, VersionForm] = {}
    for action in actions:
        if action in bound:
            forms[action] = bound[action]
            continue
        initial: dict[str, Any] = {"version": meeting.version}
        if action == "move":
            initial.update(MoveForm.initial_for(meeting.start, meeting.end, meeting_tz(meeting)))
        if action == "recording":
            initial["recording_link"] = meeting.recording_link
        forms[action] = ACTION_FORMS[action](initial=initial, prefix=action)
    return forms


def _meeting_page(
    request: HttpRequest,
    programme: Programme,
    meeting: Meeting,
    *,
    bound: dict[str, VersionForm] | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    context = selectors.DeadlineContext.for_meetings([meeting])
    calendar = context.calendars[meeting.group.programme_id]
    writer = access.allowed(user=request.user, action="change", obj=meeting)
    now = timezone.now()
    actions = selectors.meeting_actions(user=request.user, meeting=meeting, now=now)
    previous, following = selectors.meeting_neighbours(user=request.user, meeting=meeting)
    page = {
        "programme": meeting.group.programme,
        "meeting": meeting,
        "group": meeting.group,
        "deadlines": context.deadlines(meeting),
        "day_off": day_off_of(meeting, calendar),
        "previous_meeting": previous,
        "next_meeting": following,
        "can_write": writer,
        "user": request.user,
        "actions": actions,
        "action_forms": _action_forms(meeting, actions, bound or {}),
        "open_action": next(iter(bound), "") if bound else "",
        "open_form": next(iter(bound.values()), None) if bound else None,
        "problem": problem,
        "past_not_held": "held" in actions and meeting.end < now,
        "held_too_early": writer
        and meeting.status not in (MeetingStatus.CANCELLED, MeetingStatus.HELD)
        and meeting.start > now,
        # The parts other modules render (their partial templates, their selectors).
        "agenda": agenda_for(meeting),
        "papers": papers_for(user=request.user, meeting=meeting),
        "forward_look": forward_look_for(user=request.user, group=meeting.group),
    }
    page.update(agenda_undo_context(request, meeting))
    page.update(attendance_context(request, meeting, collapse_over=REGISTER_ON_MEETING_PAGE))
    page.update(headline_report_context(request, meeting))
    page["panels"] = meeting_panels(request, meeting)
    return render(request, "meetings/meeting.html", page, status=status)


@programme_page
def meeting(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    return _meeting_page(request, programme, selectors.meeting_get(user=request.user, pk=pk))


@require_http_methods(["GET", "HEAD"])
@programme_page
def meeting_deadlines(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    """The meeting's deadlines region alone: the page fetches it anew when a write
    elsewhere on it (publishing a paper or the report) announces `deadlines-changed`."""
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    if not is_htmx(request):
        # Opened as a page (a bookmark, no JavaScript): the meeting page, at its deadlines.
        return redirect(reverse("meetings:meeting", args=[meeting.pk]) + "#deadlines")
    context = {
        "meeting": meeting,
        "group": meeting.group,
        "deadlines": selectors.DeadlineContext.for_meetings([meeting]).deadlines(meeting),
    }
    response = render(request, "meetings/_meeting_deadlines.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _apply(action: str, form: VersionForm, meeting: Meeting, actor: Any) -> Meeting:
    data = form.cleaned_data
    common = {"actor": actor, "meeting": meeting, "expected_version": data["version"]}
    if action == "confirm":
        return services.confirm_meeting(**common)
    if action == "move":
        assert isinstance(form, MoveForm)
        return services.move_meeting(
            **common,
            start=form.start(meeting_tz(meeting)),
            end=form.end(meeting_tz(meeting)),
            note=data["note"],
            non_working_day_reason=data["non_working_day_reason"],
        )
    if action == "cancel":
        return services.cancel_meeting(**common, note=data["note"])
    if action == "reinstate":
        return services.reinstate_meeting(**common, note=data["note"])
    if action == "held":
        return services.mark_meeting_held(**common, recording_link=data["recording_link"] or None)
    return services.update_meeting(**common, recording_link=data["recording_link"])


def _done_message(action: str, meeting: Meeting) -> str:
    start = timezone.localtime(meeting.start)
    end = timezone.localtime(meeting.end)
    when = f"{start:%a %-d %b %Y, %H:%M}–{end:%H:%M}"
    return ACTION_DONE[action].format(m=_meeting_name(meeting), when=when)


@require_POST
@programme_page
def meeting_action(
    request: HttpRequest, programme: Programme, pk: int, action: str
) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    access.require(user=request.user, action=selectors.MEETING_ACTION_VERBS[action], obj=meeting)
    form_class = ACTION_FORMS[action]
    form = form_class(request.POST, prefix=action)

    def refused(refusal: Refusal) -> HttpResponse:
        if not refusal.stale:
            return _meeting_page(request, programme, meeting, bound={action: form}, status=400)
        fresh = selectors.meeting_get(user=request.user, pk=pk)
        data = request.POST.copy()
        data[f"{action}-version"] = str(fresh.version)
        problem = (
            f"{_meeting_name(fresh)} changed since you loaded the page, so nothing was "
            "changed. The page now shows it as it is: check it, then try again."
        )
        return _meeting_page(
            request,
            programme,
            fresh,
            bound={action: form_class(data, prefix=action)},
            problem=problem,
            status=409,
        )

    def done(changed: Meeting) -> HttpResponse:
        messages.success(request, _done_message(action, changed))
        return redirect("meetings:meeting", pk=pk)

    return handle_write(
        request,
        form,
        call=lambda _data: _apply(action, form, meeting, request.user),
        success=done,
        refused=refused,
        fields=MOVE_FIELDS if action == "move" else {},
    )


@programme_page
def meeting_by_number(
    request: HttpRequest, programme: Programme, acronym: str, number: str
) -> HttpResponse:
    """`/meetings/groups/PSG/24/` → the meeting page of PSG #24."""
    group = governance_selectors.group_get(user=request.user, acronym=acronym, programme=programme)
    found = selectors.meeting_by_number(user=request.user, group=group, number=number)
    return redirect("meetings:meeting", pk=found.pk)


# --- deadlines across groups --------------------------------------------------------------


@programme_page
def deadlines(request: HttpRequest, programme: Programme) -> HttpResponse:
    today = today_for(programme)
    groups = list(governance_selectors.group_list(user=request.user, programme=programme))
    form = DeadlineFilterForm(
        request.GET or None,
        group_choices=[(g.acronym, f"{g.acronym} — {g.name}") for g in groups],
        initial={"window": "30", "record": "12"},
    )
    window, record_months, acronym = form.values()
    overview = deadline_overview(
        user=request.user,
        programme=programme,
        today=today,
        window_days=window,
        record_since=months_before(today, record_months),
        groups=[acronym] if acronym else None,
    )
    context = {
        "programme": programme,
        "form": form,
        "overview": overview,
        "window": window,
        "record_months": record_months,
        "selected_group": acronym,
    }
    return render(request, "meetings/deadlines.html", context)


# --- past meetings not marked held ------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@programme_page
def not_held(request: HttpRequest, programme: Programme) -> HttpResponse:
    """The meetings that have started but are not marked held, of the groups the reader
    manages, with one button to mark the ticked ones held (the weeks before progov)."""
    now = timezone.now()
    waiting = selectors.meetings_not_marked_held(user=request.user, programme=programme, now=now)
    by_pk = {m.pk: m for m in waiting}
    choices = [(m.pk, f"{_meeting_name(m)}, {m.start:%a %-d %b %Y}") for m in waiting]
    form = MarkHeldForm(
        request.POST if request.method == "POST" else None,
        choices=choices,
        initial={"meetings": list(by_pk)},
    )

    def page(status: int = 200, problem: str = "") -> HttpResponse:
        ticked = (
            set(request.POST.getlist("meetings")) if form.is_bound else {str(pk) for pk in by_pk}
        )
        context = {
            "programme": programme,
            "meetings": waiting,
            "form": form,
            "ticked": ticked,
            "problem": problem,
        }
        return render(request, "meetings/not_held.html", context, status=status)

    if request.method != "POST":
        return page()

    def done(marked: list[Meeting]) -> HttpResponse:
        messages.success(
            request,
            f"{len(marked)} meeting{'s' if len(marked) != 1 else ''} marked held; "
            "their headline report drafts have started.",
        )
        return redirect(reverse("meetings:not_held"))

    return handle_write(
        request,
        form,
        call=lambda data: services.mark_meetings_held(
            actor=request.user, meetings=[by_pk[pk] for pk in data["meetings"]], now=now
        ),
        success=done,
        refused=lambda refusal: page(refusal.status, refusal.message),
        invalid="Nothing was marked: see the list below.",
    )


# Acronyms may contain a slash ("BPRWG/TDWG"), so the number route is a regex tried first.
urlpatterns: list[URLPattern] = [
    path("", programme_calendar, name="programme_calendar"),
    path("deadlines/", deadlines, name="deadlines"),
    path("not-held/", not_held, name="not_held"),
    path("<int:pk>/", meeting, name="meeting"),
    path("<int:pk>/deadlines/", meeting_deadlines, name="meeting_deadlines"),
    *[
        path(f"<int:pk>/{action}/", meeting_action, {"action": action}, name=f"meeting_{action}")
        for action in ACTION_FORMS
    ],
    re_path(
        r"^groups/(?P<acronym>.+)/(?P<number>[0-9]+(?:\.[0-9]+)?)/$",
        meeting_by_number,
        name="meeting_by_number",
    ),
    path("groups/<path:acronym>/", group_calendar, name="group_calendar"),
]
