"""Template tags of the UI shell (`{% load progov_ui %}`).

<a href="{% url 'governance:people' %}" {% nav_current 'governance:people' %}>People</a>
{{ change.before|audit_value }}
"""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString

register = template.Library()

EMPTY_VALUE = SafeString(
    '<span class="empty">—<span class="visually-hidden"> (empty)</span></span>'
)


@register.simple_tag(takes_context=True)
def nav_current(context: template.Context, url_name: str, *prefixes: str) -> SafeString:
    """`aria-current="page"` on the link to this page; `aria-current="true"` for its section.

    `prefixes` are further URL paths that belong to the section, e.g. the
    People link also stands for `/people/12/`.
    """
    request: HttpRequest | None = context.get("request")
    if request is None:
        return SafeString("")
    try:
        url = reverse(url_name)
    except NoReverseMatch:
        return SafeString("")
    if request.path == url:
        return SafeString('aria-current="page"')
    for prefix in (url, *prefixes) if url != "/" else prefixes:
        if prefix and request.path.startswith(prefix):
            return SafeString('aria-current="true"')
    return SafeString("")


@register.filter
def audit_value(value: Any) -> Any:
    """A value from an audit entry's changes, readable: empty → an em dash, bools as Yes/No."""
    if value is None or value == "" or value == []:
        return EMPTY_VALUE
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            return datetime.date.fromisoformat(value).strftime("%-d %b %Y")
        except ValueError:
            return value
    return value
