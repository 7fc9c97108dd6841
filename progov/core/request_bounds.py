"""Requests whose address holds a NUL character are refused at the door.

No name, code, acronym or search can hold NUL (core.bounds refuses it in every stored
text), and PostgreSQL cannot even compare with it: `?q=a%00b` or `/api/v1/groups/PS%00G`
was a 500 there. So the answer is the same on every page and endpoint, before a view
runs: a JSON 422 (query) or 404 (path) under the API, a 400 page elsewhere, saying what
was wrong. Bodies are checked field by field (core.bounds, Django's form fields).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from progov.core.refusals import API_PREFIX, error_response, refusal


def _nul_in_query(request: HttpRequest) -> str | None:
    for key, values in request.GET.lists():
        if "\0" in key or any("\0" in value for value in values):
            return key.replace("\0", "") or "query"
    return None


_PAGE_MESSAGE = "The address holds a NUL character (%00), which no page or search can use."


class RefuseNulMiddleware:
    """A NUL in the path or the query string answers 4xx with a message, not a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        in_path = "\0" in request.path
        parameter = None if in_path else _nul_in_query(request)
        if not in_path and parameter is None:
            return self.get_response(request)
        if not request.path.startswith(API_PREFIX):
            return refusal(request, 400, _PAGE_MESSAGE)
        if in_path:
            return error_response(404, "No such address: it holds a NUL character (%00).")
        message = "Remove the NUL character (%00): no value can hold it."
        name = str(parameter)
        return error_response(422, f"Invalid input — {name}: {message}", {name: [message]})
