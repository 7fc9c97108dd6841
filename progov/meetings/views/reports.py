"""Pages and HTMX fragments: the headline report and amendment requests.

| URL                                                      | name                              |
|----------------------------------------------------------|-----------------------------------|
| /meetings/<pk>/headline-report/                          | meetings:headline_report          |
| /meetings/<pk>/headline-report/publish/                  | meetings:publish_headline_report  |
| /meetings/<pk>/headline-report/amendments/               | meetings:request_amendment        |
| /meetings/<pk>/headline-report/amendments/<aid>/answer/  | meetings:answer_amendment         |

The meeting page includes `meetings/_headline_report.html` with
`headline_report_context(request, meeting)`. GET on the first URL shows the report on
a page of its own (the fragment for HTMX); POST saves the secretariat's edit. Every
form works without JavaScript (POST, then back to the meeting page); with HTMX the
section (`#headline-report`) is swapped in place. Refused forms come back with their
messages linked to the fields: in place with HTMX, else on the report page (400; 409
when someone else changed it first).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST

from progov.core import access
from progov.core.access import is_signed_in
from progov.core.errors import NotFound
from progov.core.pages import (
    Refusal,
    changed,
    handle_write,
    is_htmx,
    not_found_as_404,
    section_answer,
)
from progov.meetings import selectors, services
from progov.meetings.models import HeadlineReport, Meeting
from progov.meetings.selectors.reports import (
    amendment_get,
    amendments_for,
    headline_report_for,
    report_sections,
)
from progov.meetings.views.attendance import meeting_url

FRAGMENT = "meetings/_headline_report.html"
STALE = (
    "{what} changed since you loaded the page, so nothing was saved. The page now shows "
    "it as it is: check it and try again."
)


def headline_report_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    """What `meetings/_headline_report.html` needs: `meeting`, `report` (None when there
    is none the user may see), `amendments`, `can_write`, `user`, `report_sections`
    (decisions, actions… from the apps that register them) and `deadline_rules` (the
    rules its deadlines are worded from, by DeadlineKey)."""
    report = headline_report_for(user=request.user, meeting=meeting)
    return {
        "meeting": meeting,
        "deadline_rules": selectors.deadline_rules_for(meeting),
        "report": report,
        "amendments": amendments_for(user=request.user, report=report),
        "can_write": access.allowed(user=request.user, action="edit_report", obj=meeting),
        "user": request.user,
        "report_sections": report_sections(user=request.user, meeting=meeting)
        if report is not None
        else [],
    }


def _respond(
    request: HttpRequest,
    meeting: Meeting,
    *,
    message: str = "",
    problem: str = "",
    errors: dict[str, list[str]] | None = None,
    data: dict[str, str] | None = None,
    answer_error_id: int | None = None,
    status: int = 200,
) -> HttpResponse:
    return section_answer(
        request,
        url=meeting_url(meeting, "headline-report"),
        message=message,
        problem=problem,
        context=lambda: {
            **headline_report_context(request, meeting),
            "report_message": message,
            "report_problem": problem,
            "report_errors": errors or {},
            "report_data": data or {},
            "answer_error_id": answer_error_id,
        },
        fragment=FRAGMENT,
        page="meetings/headline_report.html",
        status=status,
    )


def _meeting_and_report(request: HttpRequest, pk: int) -> tuple[Meeting, HeadlineReport]:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    report = headline_report_for(user=request.user, meeting=meeting)
    if report is None:
        raise NotFound(f"{meeting} has no headline report yet.")
    return meeting, report


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


@require_http_methods(["GET", "POST"])
@not_found_as_404
def headline_report(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the report on its own page (or the fragment). POST: save the edited body."""
    if request.method == "GET":
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        context = headline_report_context(request, meeting)
        template = FRAGMENT if is_htmx(request) else "meetings/headline_report.html"
        response = render(request, template, context)
        patch_vary_headers(response, ["HX-Request"])
        return response
    meeting, report = _meeting_and_report(request, pk)
    access.require(user=request.user, action="change", obj=report)
    body = request.POST.get("body", "")

    def refused(refusal: Refusal) -> HttpResponse:
        if refusal.stale:
            errors = {"body": ["Your text is below; copy it before reloading."]}
        else:
            errors = refusal.field_errors or {"body": [refusal.message]}
        return _refused(request, meeting, refusal, errors=errors, data={"body": body})

    return _report_write(
        request,
        meeting,
        lambda: services.update_headline_report(
            actor=request.user, report=report, expected_version=_version(request), body=body
        ),
        done="Headline report saved.",
        refused=refused,
    )


def _refused(
    request: HttpRequest,
    meeting: Meeting,
    refusal: Refusal,
    **extra: Any,
) -> HttpResponse:
    return _respond(request, meeting, problem=refusal.message, status=refusal.status, **extra)


def _report_write(
    request: HttpRequest,
    meeting: Meeting,
    call: Callable[[], Any],
    *,
    done: str | Callable[[Any], str],
    refused: Callable[[Refusal], HttpResponse] | None = None,
    what: str = "The headline report",
    regions: tuple[str, ...] = (),
) -> HttpResponse:
    """A headline-report form through `handle_write`: saved → back to the meeting (or the
    fragment, announcing the other `regions` it changed); refused → the report with the
    problem (400, or 409 when stale)."""
    return handle_write(
        request,
        None,
        call=lambda _data: call(),
        success=lambda result: changed(
            _respond(request, meeting, message=done if isinstance(done, str) else done(result)),
            *(regions if is_htmx(request) else ()),
        ),
        refused=refused or (lambda refusal: _refused(request, meeting, refusal)),
        stale=STALE.format(what=what),
    )


@require_POST
@not_found_as_404
def publish_headline_report(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, report = _meeting_and_report(request, pk)
    return _report_write(
        request,
        meeting,
        lambda: services.publish_headline_report(
            actor=request.user, report=report, expected_version=_version(request)
        ),
        done="Headline report published.",
        # Its publication meets the headline report's deadline.
        regions=("deadlines",),
    )


@require_POST
@not_found_as_404
def request_amendment(request: HttpRequest, pk: int) -> HttpResponse:
    """Any signed-in participant asks for an addition or correction."""
    # A meeting the caller may not see answers 404 before anything else (hidden is missing).
    selectors.meeting_get(user=request.user, pk=pk)
    if not is_signed_in(request.user):
        raise DjangoPermissionDenied("Sign in to request an amendment.")
    meeting, report = _meeting_and_report(request, pk)
    text = request.POST.get("text", "")
    return _report_write(
        request,
        meeting,
        lambda: services.request_amendment(actor=request.user, report=report, text=text),
        done="Amendment request sent to the secretariat. Its answer will show here.",
        refused=lambda refusal: _refused(
            request,
            meeting,
            refusal,
            errors={"text": refusal.field_errors.get("text", [refusal.message])},
            data={"text": text},
        ),
    )


@require_POST
@not_found_as_404
def answer_amendment(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    """The secretariat answers a request ("Answer and close" or "Answer, keep open")."""
    meeting, report = _meeting_and_report(request, pk)
    amendment = amendment_get(user=request.user, report=report, pk=aid)
    access.require(user=request.user, action="answer", obj=amendment)
    response_text = request.POST.get("response", "")
    close = request.POST.get("close", "1") != "0"

    def refused(refusal: Refusal) -> HttpResponse:
        if refusal.stale:
            return _refused(request, meeting, refusal)
        return _refused(
            request,
            meeting,
            refusal,
            errors={"response": refusal.field_errors.get("response", [refusal.message])},
            data={"response": response_text},
            answer_error_id=amendment.pk,
        )

    done = "answered and closed" if close else "answered"
    return _report_write(
        request,
        meeting,
        lambda: services.answer_amendment(
            actor=request.user,
            amendment=amendment,
            expected_version=_version(request),
            response=response_text,
            close=close,
        ),
        done=f"Amendment request from {amendment.requester_name} {done}.",
        refused=refused,
        what=f"The amendment request from {amendment.requester_name}",
    )


urlpatterns: list[URLPattern] = [
    path("<int:pk>/headline-report/", headline_report, name="headline_report"),
    path(
        "<int:pk>/headline-report/publish/",
        publish_headline_report,
        name="publish_headline_report",
    ),
    path("<int:pk>/headline-report/amendments/", request_amendment, name="request_amendment"),
    path(
        "<int:pk>/headline-report/amendments/<int:aid>/answer/",
        answer_amendment,
        name="answer_amendment",
    ),
]
