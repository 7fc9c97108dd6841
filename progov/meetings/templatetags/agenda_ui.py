"""Template helpers of the agenda, papers and forward-look fragments (`{% load agenda_ui %}`).

{% agenda_item_form meeting agenda_form as add_form %}   → the bound form, or a fresh one
{% paper_upload_form meeting paper_form as upload_form %} → likewise
{{ 40|mins }}                                           → "40 mins" (as the packs write it)
{{ paper.size_bytes|file_size }}                        → "1.5 MB"
"""

from __future__ import annotations

from typing import Any

from django import template

from progov.meetings.models import Meeting
from progov.meetings.uploads import size_text
from progov.meetings.views.agenda_forms import AgendaItemForm, PaperUploadForm

register = template.Library()


@register.simple_tag
def agenda_item_form(meeting: Meeting, form: Any = None) -> AgendaItemForm:
    if isinstance(form, AgendaItemForm):
        return form
    return AgendaItemForm(meeting=meeting, prefix="agenda")


@register.simple_tag
def paper_upload_form(meeting: Meeting, form: Any = None) -> PaperUploadForm:
    if isinstance(form, PaperUploadForm):
        return form
    return PaperUploadForm(meeting=meeting, prefix="paper")


@register.filter
def mins(minutes: int) -> str:
    return "1 min" if minutes == 1 else f"{minutes} mins"


@register.filter
def file_size(size: int) -> str:
    return size_text(size)
