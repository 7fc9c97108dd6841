"""The secretariat's agenda and paper forms (plain POST; HTMX only makes them quicker).

Django links each input to its hint (`<id>_helptext`) and error (`<id>_error`) with
aria-describedby; templates render fields with `calendars/_field.html`, which gives the
hint and the error those ids.
"""

from __future__ import annotations

from typing import Any

from django import forms

from progov.core.forms import VersionForm, add_domain_errors
from progov.governance.models import Person
from progov.meetings.models import (
    AgendaItem,
    AgendaItemType,
    Classification,
    Meeting,
    PaperKind,
)
from progov.meetings.selectors.agenda import lead_people
from progov.meetings.services.agenda import MAX_DURATION
from progov.meetings.uploads import ALLOWED_TEXT, max_upload_bytes, size_text


class MoveForm(VersionForm):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class AgendaItemForm(forms.Form):
    """Add or edit an agenda item. The lead is a member of the group or free text."""

    title = forms.CharField(
        label="Item",
        max_length=200,
        error_messages={"required": "Give the item a title."},
    )
    objective = forms.CharField(
        label="Objective",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What the meeting should do with it, e.g. “Approve August TMAG minutes”.",
    )
    item_type = forms.ChoiceField(label="Type", choices=AgendaItemType.choices)
    duration_minutes = forms.IntegerField(
        label="Minutes",
        min_value=0,
        max_value=MAX_DURATION,
        initial=5,
        help_text=f"0 to {MAX_DURATION}.",
        error_messages={"invalid": "Give the duration as a whole number of minutes."},
    )
    lead_text = forms.CharField(
        label="Lead",
        required=False,
        max_length=200,
        help_text="For example “Chair and Secretariat” or “Programme (Kate Goodman)”.",
    )
    lead_person = forms.ModelChoiceField(
        label="Or a member of the group",
        queryset=Person.objects.none(),
        required=False,
        empty_label="None",
    )

    def __init__(self, *args: Any, meeting: Meeting, item: AgendaItem | None = None, **kwargs: Any):
        if item is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": item.title,
                "objective": item.objective,
                "item_type": item.item_type,
                "duration_minutes": item.duration_minutes,
                "lead_text": item.lead_text,
                "lead_person": item.lead_person_id,
            }
        super().__init__(*args, **kwargs)
        people = lead_people(meeting)
        if item is not None and item.lead_person_id:
            people = people | Person.objects.filter(pk=item.lead_person_id)
        field = self.fields["lead_person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people.distinct().order_by("name")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("lead_text") and cleaned.get("lead_person"):
            self.add_error(
                "lead_person", "Give one lead: a member of the group, or the lead as text."
            )
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "objective": data["objective"],
            "item_type": data["item_type"],
            "duration_minutes": data["duration_minutes"],
            "lead_text": data["lead_text"],
            "lead_person": data["lead_person"],
            "lead_organisation": None,
        }


def _numbered(item: AgendaItem) -> str:
    return f"{item.position}. {item.title}"


class PaperUploadForm(forms.Form):
    file = forms.FileField(
        label="File",
        error_messages={
            "required": "Choose a file to upload.",
            "empty": "The file is empty.",
        },
    )
    title = forms.CharField(label="Title", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=PaperKind.choices, initial=PaperKind.PAPER)
    classification = forms.ChoiceField(
        label="Classification",
        choices=Classification.choices,
        initial=Classification.PUBLIC,
        help_text="Who may download it once published.",
    )
    paper_version = forms.CharField(label="Version", max_length=20, initial="1.0")
    agenda_item = forms.ModelChoiceField(
        label="Agenda item",
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label="The meeting as a whole",
    )
    named_readers = forms.ModelMultipleChoiceField(
        label="Named readers",
        queryset=Person.objects.none(),
        required=False,
        help_text=(
            "For a restricted paper only: the group's members who may read it (the "
            "programme secretariat always may)."
        ),
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["agenda_item"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = AgendaItem.objects.filter(meeting=meeting).order_by("position", "id")
        field.label_from_instance = _numbered  # type: ignore[method-assign,assignment]
        readers = self.fields["named_readers"]
        assert isinstance(readers, forms.ModelMultipleChoiceField)
        readers.queryset = lead_people(meeting)
        self.fields[
            "file"
        ].help_text = (
            f"{ALLOWED_TEXT}; up to {size_text(max_upload_bytes())}. It starts unpublished."
        )
        self.fields["file"].widget.attrs["accept"] = ".pdf,.docx,.xlsx,.pptx,.csv,.txt,.png"


__all__ = ["AgendaItemForm", "MoveForm", "PaperUploadForm", "VersionForm", "add_domain_errors"]
