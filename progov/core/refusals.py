"""One shape for a refusal made outside an endpoint: by a middleware or the API's
catch-all address.

Under the API the answer is the JSON every endpoint's error has (`ErrorOut`:
`{"detail": …, "errors": {field: [messages]}}`); elsewhere it is the plain page
`request_refused.html`, saying what was wrong. Endpoints themselves answer through
ninja's exception handlers (core.api.install_error_handlers), in the same shape.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

API_PREFIX = "/api/"


def error_response(
    status: int, detail: str, errors: dict[str, list[str]] | None = None
) -> HttpResponse:
    """The API's error body, at `status`."""
    return JsonResponse({"detail": detail, "errors": errors or {}}, status=status)


def refusal(
    request: HttpRequest,
    status: int,
    message: str,
    *,
    errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    """JSON under the API, the refusal page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return error_response(status, message, errors)
    body = render_to_string(
        "request_refused.html", {"status": status, "message": message}, request=request
    )
    return HttpResponse(body, status=status)
