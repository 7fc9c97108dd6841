"""Pages and HTMX fragments: invitations, the register, coverage and quorum, and clashes.

| URL                                     | name                        |                           |
|-----------------------------------------|-----------------------------|---------------------------|
| /meetings/<pk>/attendance/              | meetings:attendance         | register page / fragment  |
| /meetings/<pk>/attendance/invitations/  | meetings:issue_invitations  | POST (secretariat)        |
| /meetings/<pk>/attendance/register/     | meetings:record_register    | POST the whole register   |
| /meetings/<pk>/attendance/add/          | meetings:add_attendee       | find someone, add them    |
| /meetings/clashes/                      | meetings:clashes            | clashes in a period       |

The meeting page includes `meetings/_attendance.html` with `attendance_context(request,
meeting)`. Its forms work without JavaScript (POST, then back to the meeting page);
with HTMX they post in place and the section (`#attendance`) is swapped for the new
one. A refused register comes back with a message beside each wrong line: in place
with HTMX, else on the register page (400; 409 when someone else changed it first).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from progov.core import access
from progov.core.access import is_signed_in
from progov.core.errors import NotFound, ValidationError
from progov.core.pages import Refusal, handle_write, is_htmx, not_found_as_404, section_answer
from progov.governance import selectors as governance_selectors
from progov.governance.models import Person
from progov.meetings import selectors, services
from progov.meetings.models import AttendanceStatus, Meeting
from progov.meetings.selectors.attendance import (
    AttendanceRegister,
    RegisterSummary,
    attendance_for,
    coverage_for,
    quorum_for,
    register_summary_for,
)
from progov.meetings.selectors.clashes import DEFAULT_DAYS, MAX_DAYS, clashes_for

FRAGMENT = "meetings/_attendance.html"
# The meeting page shows a register of up to this many lines; a longer one (an open
# group's ~2,000 invited members) is summarised there, with a link to the register page.
REGISTER_ON_MEETING_PAGE = 60
# The register page shows a long register this many lines at a time; each page's form
# records its own lines (the rest stay as they are).
REGISTER_PAGE_SIZE = 50
SEARCH_RESULTS = 25


def meeting_url(meeting: Meeting, anchor: str = "") -> str:
    """The meeting page (`meetings:meeting`), at `#anchor`."""
    try:
        url = reverse("meetings:meeting", args=[meeting.pk])
    except NoReverseMatch:  # pragma: no cover - the meeting page ships in views/pages.py
        url = f"/meetings/{meeting.pk}/"
    return f"{url}#{anchor}" if anchor else url


def attendance_context(
    request: HttpRequest,
    meeting: Meeting,
    *,
    register: AttendanceRegister | None = None,
    collapse_over: int | None = None,
    page: str | None = None,
) -> dict[str, Any]:
    """What `meetings/_attendance.html` needs: `meeting`, `attendance` (the register),
    `coverage`, `quorum`, `can_write`, and the lines to list (`register_rows`, with
    `register_page` and `register_paged`). Fixed queries whatever the group's size.

    With `collapse_over` (the meeting page), a register longer than that is read as a
    `RegisterSummary` (counts by status, `collapsed`) and the fragment links to the
    register page instead of listing every line. With `page` (the register page), the
    lines come REGISTER_PAGE_SIZE at a time: `register_rows` and `register_page`."""
    attendance: AttendanceRegister | RegisterSummary
    if register is not None:
        attendance = register
    elif collapse_over is not None:
        summary = register_summary_for(user=request.user, meeting=meeting)
        attendance = (
            summary
            if summary.total > collapse_over
            else attendance_for(user=request.user, meeting=meeting)
        )
    else:
        attendance = attendance_for(user=request.user, meeting=meeting)
    coverage = coverage_for(meeting, register=attendance)
    rows = getattr(attendance, "rows", [])
    register_page = None
    if page is not None and len(rows) > REGISTER_PAGE_SIZE:
        register_page = Paginator(rows, REGISTER_PAGE_SIZE).get_page(page)
        rows = list(register_page.object_list)
    return {
        "meeting": meeting,
        "attendance": attendance,
        "register_rows": rows,
        "register_page": register_page,
        "register_paged": page is not None,
        "coverage": coverage,
        "quorum": quorum_for(meeting, coverage),
        "can_write": access.allowed(user=request.user, action="record_attendance", obj=meeting),
    }


def _respond(
    request: HttpRequest,
    meeting: Meeting,
    *,
    message: str = "",
    problem: str = "",
    register: AttendanceRegister | None = None,
    status: int = 200,
) -> HttpResponse:
    """After a write: the fragment for HTMX; otherwise back to the meeting page, or the
    register page when there is a problem to show."""
    return section_answer(
        request,
        url=meeting_url(meeting, "attendance"),
        message=message,
        problem=problem,
        context=lambda: {
            # A save from a page of the register page answers with that page.
            **attendance_context(
                request,
                meeting,
                register=register,
                page=request.POST.get("page") if "page" in request.POST else None,
            ),
            "attendance_message": message,
            "attendance_problem": problem,
        },
        fragment=FRAGMENT,
        page="meetings/attendance.html",
        status=status,
    )


@require_GET
@not_found_as_404
def attendance_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The register on a page of its own (and the fragment for HTMX)."""
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    context = attendance_context(request, meeting, page=request.GET.get("page", "1"))
    template = FRAGMENT if is_htmx(request) else "meetings/attendance.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
@not_found_as_404
def issue_invitations(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    return handle_write(
        request,
        None,
        call=lambda _data: services.issue_invitations(actor=request.user, meeting=meeting),
        success=lambda report: _respond(request, meeting, message=report.render()),
        refused=lambda refusal: _respond(
            request, meeting, problem=refusal.message, status=refusal.status
        ),
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _entries(data: Any, register: AttendanceRegister) -> list[services.RegisterEntry]:
    """One entry per register line the form carried (`status-<person id>` etc.)."""
    entries = []
    for row in register.rows:
        pid = row.attendance.person_id
        status = data.get(f"status-{pid}")
        if status is None:
            continue
        entries.append(
            services.RegisterEntry(
                person_id=pid,
                status=status,
                represented_by_id=_int(data.get(f"represented_by-{pid}")),
                expected_version=_int(data.get(f"version-{pid}")),
            )
        )
    return entries


def _with_submission(
    register: AttendanceRegister, data: Any, errors: dict[str, list[str]]
) -> AttendanceRegister:
    """Show the submitted choices again, each line with its own messages."""
    for row in register.rows:
        pid = row.attendance.person_id
        if f"status-{pid}" in data:
            row.form_status = data.get(f"status-{pid}") or row.form_status
            row.form_represented_by = _int(data.get(f"represented_by-{pid}"))
        row.errors = [*errors.get(f"status-{pid}", []), *errors.get(f"represented_by-{pid}", [])]
    return register


@require_POST
@not_found_as_404
def record_register(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the whole register from the table's form (all lines or none)."""
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    access.require(user=request.user, action="record_attendance", obj=meeting)
    register = attendance_for(user=request.user, meeting=meeting)

    def saved(report: services.RegisterReport) -> HttpResponse:
        count = len(report.changed)
        message = (
            f"Register saved: {count} line{'s' if count != 1 else ''} changed."
            if count
            else "Register saved: nothing had changed."
        )
        return _respond(request, meeting, message=message)

    def refused(refusal: Refusal) -> HttpResponse:
        if refusal.stale:
            return _respond(request, meeting, problem=refusal.message, status=409)
        return _respond(
            request,
            meeting,
            problem=refusal.message,
            register=_with_submission(register, request.POST, refusal.field_errors),
            status=400,
        )

    return handle_write(
        request,
        None,
        call=lambda _data: services.record_register(
            actor=request.user, meeting=meeting, entries=_entries(request.POST, register)
        ),
        success=saved,
        refused=refused,
        stale=(
            "Someone else recorded attendance since you loaded the page, so nothing was "
            "saved. The register now shows what they recorded: check it and save again."
        ),
    )


# --- adding someone who is not on the register ------------------------------------------

ADD_STATUSES = [
    (AttendanceStatus.GUEST.value, "Invited guest (not a member)"),
    (AttendanceStatus.OBSERVER.value, "Observer"),
    (AttendanceStatus.PRESENT.value, "Present (a member of the group)"),
    (AttendanceStatus.APOLOGIES.value, "Apologies (a member of the group)"),
]


class AddAttendeeForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput, required=False)
    status = forms.ChoiceField(label="Record them as", choices=ADD_STATUSES)

    def __init__(self, *args: Any, programme_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme_id = programme_id

    def clean_person(self) -> Person:
        pk = self.cleaned_data.get("person")
        person = (
            Person.objects.filter(programme_id=self.programme_id, pk=pk).first() if pk else None
        )
        if person is None:
            raise forms.ValidationError("Choose the person to add.")
        return person


@require_http_methods(["GET", "POST"])
@not_found_as_404
def add_attendee(request: HttpRequest, pk: int) -> HttpResponse:
    """Find a person by name and record them: a guest, an observer, or a member who
    joined after the invitations went out."""
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    access.require(user=request.user, action="record_attendance", obj=meeting)
    programme = meeting.group.programme
    q = (request.GET.get("q") or request.POST.get("q") or "").strip()[:100]
    form = AddAttendeeForm(
        request.POST if request.method == "POST" else None, programme_id=programme.pk
    )

    def page(status: int) -> HttpResponse:
        results = (
            list(
                governance_selectors.person_list(user=request.user, programme=programme, q=q)[
                    :SEARCH_RESULTS
                ]
            )
            if q
            else []
        )
        chosen = _int(request.POST.get("person")) if request.method == "POST" else None
        context = {
            "meeting": meeting,
            "form": form,
            "q": q,
            "results": results,
            "chosen": chosen,
            "more": len(results) == SEARCH_RESULTS,
            "meeting_url": meeting_url(meeting, "attendance"),
        }
        return render(request, "meetings/add_attendee.html", context, status=status)

    def recorded(row: Any) -> HttpResponse:
        label = dict(ADD_STATUSES)[form.cleaned_data["status"]].split(" (")[0]
        messages.success(request, f"{row.person.name} recorded: {label.lower()}.")
        return redirect(meeting_url(meeting, "attendance"))

    if request.method != "POST":
        return page(200)
    return handle_write(
        request,
        form,
        call=lambda data: services.record_attendance(
            actor=request.user,
            meeting=meeting,
            person=data["person"],
            status=data["status"],
            expected_version=None,
        ),
        success=recorded,
        refused=lambda _refusal: page(400),
        fields={"person": "", "represented_by": ""},
    )


# --- clashes -----------------------------------------------------------------------------


class ClashPeriodForm(forms.Form):
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


@require_GET
@not_found_as_404
def clashes(request: HttpRequest) -> HttpResponse:
    """Meetings that overlap for people on both groups, and schedules that collide."""
    try:
        programme = governance_selectors.current_programme()
    except NotFound:
        return render(request, "governance/no_programme.html", {})
    form = ClashPeriodForm(request.GET or None)
    start: date | None = None
    end: date | None = None
    status = 200
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    try:
        found = clashes_for(user=request.user, programme=programme, start=start, end=end)
    except ValidationError as exc:
        form.add_error("end" if "end" in exc.field_errors else None, exc.message)
        found = clashes_for(user=request.user, programme=programme)
        status = 400
    if form.is_bound and form.errors:
        status = 400
    return render(
        request,
        "meetings/clashes.html",
        {
            "programme": programme,
            "form": form,
            "clashes": found,
            "default_days": DEFAULT_DAYS,
            "max_days": MAX_DAYS,
            "signed_in": is_signed_in(request.user),
        },
        status=status,
    )


urlpatterns: list[URLPattern] = [
    path("clashes/", clashes, name="clashes"),
    path("<int:pk>/attendance/", attendance_page, name="attendance"),
    path("<int:pk>/attendance/invitations/", issue_invitations, name="issue_invitations"),
    path("<int:pk>/attendance/register/", record_register, name="record_register"),
    path("<int:pk>/attendance/add/", add_attendee, name="add_attendee"),
]
