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

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST

from progov.core import access
from progov.core.access import is_signed_in
from progov.core.errors import NotFound, PermissionDenied, StaleVersion, ValidationError
from progov.core.pages import is_htmx, not_found_as_404
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
    if not is_htmx(request) and not problem:
        if message:
            messages.success(request, message)
        return redirect(meeting_url(meeting, "headline-report"))
    context = {
        **headline_report_context(request, meeting),
        "report_message": message,
        "report_problem": problem,
        "report_errors": errors or {},
        "report_data": data or {},
        "answer_error_id": answer_error_id,
    }
    if is_htmx(request):
        response = render(request, FRAGMENT, context)  # htmx swaps 200s only
    else:
        response = render(request, "meetings/headline_report.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


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
    try:
        services.update_headline_report(
            actor=request.user, report=report, expected_version=_version(request), body=body
        )
    except StaleVersion:
        return _respond(
            request,
            meeting,
            problem=STALE.format(what="The headline report"),
            errors={"body": ["Your text is below; copy it before reloading."]},
            data={"body": body},
            status=409,
        )
    except ValidationError as exc:
        return _respond(
            request,
            meeting,
            problem=exc.message,
            errors=exc.field_errors or {"body": [exc.message]},
            data={"body": body},
            status=400,
        )
    return _respond(request, meeting, message="Headline report saved.")


@require_POST
@not_found_as_404
def publish_headline_report(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, report = _meeting_and_report(request, pk)
    access.require(user=request.user, action="publish", obj=report)
    try:
        services.publish_headline_report(
            actor=request.user, report=report, expected_version=_version(request)
        )
    except StaleVersion:
        return _respond(
            request, meeting, problem=STALE.format(what="The headline report"), status=409
        )
    except ValidationError as exc:
        return _respond(request, meeting, problem=exc.message, status=400)
    return _respond(request, meeting, message="Headline report published.")


@require_POST
@not_found_as_404
def request_amendment(request: HttpRequest, pk: int) -> HttpResponse:
    """Any signed-in participant asks for an addition or correction."""
    if not is_signed_in(request.user):
        raise DjangoPermissionDenied("Sign in to request an amendment.")
    meeting, report = _meeting_and_report(request, pk)
    text = request.POST.get("text", "")
    try:
        services.request_amendment(actor=request.user, report=report, text=text)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except ValidationError as exc:
        return _respond(
            request,
            meeting,
            problem=exc.message,
            errors={"text": exc.field_errors.get("text", [exc.message])},
            data={"text": text},
            status=400,
        )
    return _respond(
        request,
        meeting,
        message="Amendment request sent to the secretariat. Its answer will show here.",
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
    try:
        services.answer_amendment(
            actor=request.user,
            amendment=amendment,
            expected_version=_version(request),
            response=response_text,
            close=close,
        )
    except StaleVersion:
        return _respond(
            request,
            meeting,
            problem=STALE.format(what=f"The amendment request from {amendment.requester_name}"),
            status=409,
        )
    except ValidationError as exc:
        return _respond(
            request,
            meeting,
            problem=exc.message,
            errors={"response": exc.field_errors.get("response", [exc.message])},
            data={"response": response_text},
            answer_error_id=amendment.pk,
            status=400,
        )
    done = "answered and closed" if close else "answered"
    return _respond(
        request, meeting, message=f"Amendment request from {amendment.requester_name} {done}."
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
