"""`{% load richtext %}` then `{{ report.body|richtext }}` or `{{ report.body|richtext:2 }}`
(headings moved down two levels): Markdown rendered and sanitised by progov.core.richtext."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from progov.core.richtext import render_markdown

register = template.Library()


@register.filter(name="richtext")
def richtext(value: object, heading_offset: int = 0) -> SafeString:
    return render_markdown(str(value or ""), heading_offset=int(heading_offset))
