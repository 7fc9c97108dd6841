"""Helpers for server-rendered pages: 404 for hidden objects, HTMX partials, tabs, paging.

Views stay thin: they call selectors and hand the result to one of these.

    @not_found_as_404
    def person(request, pk):
        person = selectors.person_get(user=request.user, pk=pk)
        tab = current_tab(request, PERSON_TABS)
        ...
        return render_page(request, "governance/person.html", "governance/person_tabs.html", ctx)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers

from progov.core.errors import DomainError, NotFound, PermissionDenied, StaleVersion
from progov.core.forms import add_domain_errors

P = ParamSpec("P")
R = TypeVar("R")

STALE = "{what} changed since you loaded the page, so nothing was changed."
MISSING_VERSION = "The form is missing its version: reload the page."

PAGE_SIZE = 50


def not_found_as_404(view: Callable[P, HttpResponse]) -> Callable[P, HttpResponse]:
    """Turn the selectors' NotFound (missing *or hidden*) into Django's 404 page, and the
    access model's PermissionDenied (visible, but not yours to change) into its 403."""

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            return view(*args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc

    return wrapper


def is_htmx(request: HttpRequest) -> bool:
    """An HTMX request that wants a fragment (a history restore wants the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_page(
    request: HttpRequest,
    template: str,
    partial_template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    """The full page, or only `partial_template` when HTMX asks for the fragment.

    The full page includes the same partial, so both always agree.
    """
    chosen = partial_template if is_htmx(request) else template
    response = render(request, chosen, context, status=status)
    # The same URL answers two shapes: caches must key on the header.
    patch_vary_headers(response, ["HX-Request"])
    return response


@dataclass(frozen=True)
class Refusal:
    """Why a page write was refused: 400 (bad input, a rule) or 409 (stale version),
    the message, and the service's field errors."""

    status: int
    message: str
    field_errors: dict[str, list[str]]

    @property
    def stale(self) -> bool:
        return self.status == 409


def handle_write(
    request: HttpRequest,
    form: forms.Form | Sequence[forms.Form] | None,
    *,
    call: Callable[[dict[str, Any]], R],
    success: Callable[[R], HttpResponse],
    refused: Callable[[Refusal], HttpResponse],
    stale: str = STALE.format(what="It"),
    invalid: str = MISSING_VERSION,
    fields: Mapping[str, str] | None = None,
) -> HttpResponse:
    """The one path of a page write (NetBox's `ObjectEditView.post`, as a function).

    `form` is the form (or forms: their cleaned data are merged; the first one shows the
    service's field errors) the page posted.

    - a form is invalid → `refused(Refusal(400, invalid))` (the form holds its errors);
    - else `call(form.cleaned_data)` calls the service, and `success(result)` answers
      (`write_done`: the fragment for HTMX, else a message and a redirect);
    - `StaleVersion` (someone changed it meanwhile) → `refused(Refusal(409, stale))`;
    - any other refusal (`ValidationError`…) → its field errors go onto the form (renamed
      by `fields`) and `refused(Refusal(400, message, field_errors))`;
    - `PermissionDenied` → 403, `NotFound` → 404 (Django's pages).

    `refused` renders the form again (or the fragment, or a message and a redirect for a
    button), with the `Refusal`'s status; HTMX fragments answer 200 so htmx swaps them.
    """
    bound = [] if form is None else [form] if isinstance(form, forms.Form) else list(form)
    # Every form is validated (a list, not a generator), so each one shows its errors.
    if not all([f.is_valid() for f in bound]):  # noqa: C419
        return refused(Refusal(400, invalid, {}))
    try:
        result = call({k: v for f in bound for k, v in f.cleaned_data.items()})
    except StaleVersion:
        return refused(Refusal(409, stale, {}))
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        if bound:
            add_domain_errors(bound[0], exc, fields=fields)
        return refused(Refusal(400, exc.message, exc.field_errors))
    return success(result)


def changed(response: HttpResponse, *regions: str) -> HttpResponse:
    """Tell the page which other regions a write changed, so none shows stale state.

    The answer carries `HX-Trigger: <region>-changed` (htmx fires the event on the body);
    a region that depends on the change listens for it and fetches itself anew:

        <section id="deadlines" hx-get="{% url 'meetings:meeting_deadlines' meeting.pk %}"
                 hx-trigger="deadlines-changed from:body" hx-swap="outerHTML"
                 data-refresh-region>

    (`data-refresh-region`: such a refresh never takes the focus, progov.js.)

    e.g. publishing a paper (the papers region is swapped by the write itself) changes
    the meeting's deadlines region ("Agenda and meeting papers issued: met")."""
    events = [e.strip() for e in response.get("HX-Trigger", "").split(",") if e.strip()]
    events += [f"{region}-changed" for region in regions if f"{region}-changed" not in events]
    response["HX-Trigger"] = ", ".join(events)
    return response


def write_done(
    request: HttpRequest,
    message: str,
    *,
    url: str,
    fragment: Callable[[], HttpResponse],
    regions: Sequence[str] = (),
) -> HttpResponse:
    """After a successful write: the refreshed fragment for HTMX (announcing the other
    `regions` it changed, see `changed`), else the message (shown on the next page) and
    a redirect to `url`, whose page shows everything afresh."""
    if is_htmx(request):
        return changed(fragment(), *regions)
    messages.success(request, message)
    return redirect(url)


def write_refused(
    request: HttpRequest, problem: str, *, url: str, fragment: Callable[[], HttpResponse]
) -> HttpResponse:
    """A button's change was refused: the fragment saying why for HTMX, else the message
    and a redirect back to where the button was."""
    if is_htmx(request):
        return fragment()
    messages.error(request, problem)
    return redirect(url)


def section_answer(
    request: HttpRequest,
    *,
    url: str,
    message: str,
    problem: str,
    context: Callable[[], dict[str, Any]],
    fragment: str,
    page: str,
    status: int,
) -> HttpResponse:
    """After a write to one section of a page (the register, the headline report): with
    nothing to show, back to `url` with the `message`; otherwise the section rendered
    with `context()`, as the `fragment` for HTMX (200, so htmx swaps it in) or on the
    section's own `page` with `status` (400, 409)."""
    if not is_htmx(request) and not problem:
        if message:
            messages.success(request, message)
        return redirect(url)
    if is_htmx(request):
        response = render(request, fragment, context())
    else:
        response = render(request, page, context(), status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    url: str
    current: bool


def current_tab(request: HttpRequest, keys: Sequence[str], default: str | None = None) -> str:
    """The `?tab=` asked for, if it is one of `keys`; else the first (or `default`)."""
    wanted = request.GET.get("tab", "")
    if wanted in keys:
        return wanted
    return default or keys[0]


def tab_links(base_url: str, tabs: Iterable[tuple[str, str]], current: str) -> list[Tab]:
    """Links for a tab bar: the first tab is the bare URL, the others `?tab=key`."""
    out: list[Tab] = []
    for index, (key, label) in enumerate(tabs):
        url = base_url if index == 0 else f"{base_url}?tab={key}"
        out.append(Tab(key=key, label=label, url=url, current=key == current))
    return out


def paginate(request: HttpRequest, items: Any, per_page: int = PAGE_SIZE) -> Page[Any]:
    """One page of `items` for `?page=N` (out-of-range numbers give the nearest page)."""
    paginator = Paginator(items, per_page)
    return paginator.get_page(request.GET.get("page"))


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: Any
    after: Any


@dataclass(frozen=True)
class HistoryRow:
    """One audit entry as the History tab shows it."""

    id: int
    timestamp: Any
    actor: str
    action: str
    action_label: str
    changes: list[FieldChange]
    correlation_id: str


def _field_label(object_type: str, field: str) -> str:
    try:
        model = apps.get_model(object_type)
        label = str(model._meta.get_field(field).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        label = field.replace("_", " ")
    return label[:1].upper() + label[1:]


def history_rows(entries: Iterable[Any]) -> list[HistoryRow]:
    """Audit entries (from `progov.audit.selectors.history_for`) ready for a template."""
    rows: list[HistoryRow] = []
    for entry in entries:
        changes = []
        for field, pair in (entry.changes or {}).items():
            before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
            changes.append(
                FieldChange(
                    field=field,
                    label=_field_label(entry.object_type, field),
                    before=before,
                    after=after,
                )
            )
        rows.append(
            HistoryRow(
                id=entry.pk,
                timestamp=entry.timestamp,
                actor=entry.actor_label,
                action=entry.action,
                action_label=entry.get_action_display(),
                changes=changes,
                correlation_id=entry.correlation_id,
            )
        )
    return rows


def form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    template: str,
    context: dict[str, Any],
    call: Callable[[dict[str, Any]], R],
    done: Callable[[R], tuple[str, str]],
    what: str,
    current_version: Callable[[], int | None] | None = None,
    fields: Mapping[str, str] | None = None,
) -> HttpResponse:
    """A page that is one form calling one service (create or edit an object).

    GET shows the form. POST goes through `handle_write`; on success `done(result)`
    gives (message, url) and the browser goes there with the message. A refusal shows
    the form again with every error beside its field and in the summary (400), nothing
    written. A stale version (409: someone changed `what` meanwhile) keeps what the user
    typed, says so, and takes `current_version()` so that saving again is a deliberate
    overwrite of the newer version, never a silent one.
    """
    if request.method != "POST":
        return render(request, template, {**context, "form": form})

    def success(result: R) -> HttpResponse:
        message, url = done(result)
        messages.success(request, message)
        return redirect(url)

    def refused(refusal: Refusal) -> HttpResponse:
        if refusal.stale:
            form.add_error(
                None,
                f"{what} was changed by someone else since you loaded the page, so nothing "
                "was saved. What you entered is kept below: check it against the current "
                f"{what} and save again to apply it.",
            )
            fresh = current_version() if current_version is not None else None
            if fresh is not None:
                data = QueryDict(mutable=True)
                if isinstance(form.data, QueryDict):
                    data = form.data.copy()  # every value of every field, as posted
                data[form.add_prefix("version")] = str(fresh)
                form.data = data
        response = render(request, template, {**context, "form": form}, status=refusal.status)
        return response

    return handle_write(request, form, call=call, success=success, refused=refused, fields=fields)


def sign_in_to_write(view: Callable[P, HttpResponse]) -> Callable[P, HttpResponse]:
    """A page that changes something: a visitor who is not signed in and is refused by
    the access model is sent to sign in (and back here after), not shown 403. A hidden or
    missing object still answers 404 first, as it does to everyone."""

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        request = args[0]
        assert isinstance(request, HttpRequest)
        try:
            return view(*args, **kwargs)
        except PermissionDenied:
            if request.user.is_authenticated:
                raise
            return redirect_to_login(request.get_full_path())

    return wrapper
