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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ParamSpec

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from progov.core.errors import NotFound, PermissionDenied

P = ParamSpec("P")

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
