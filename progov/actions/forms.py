"""The action log's page forms. They validate input; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from progov.actions.models import Action, ActionStatus, ActionUpdate
from progov.core.forms import DayField, VersionForm

_DESCRIPTION = Action._meta.get_field("description")
_OWNER_MAX = Action._meta.get_field("owner_text").max_length
_DUE_TEXT_MAX = Action._meta.get_field("due_text").max_length

OWNER_HELP = (
    'As the log prints it: a person ("Ian Smith"), an organisation ("Ofgem"), "Programme '
    '(Ian Smith)", or a group\'s members ("PSG Constituency Representatives").'
)


def _meeting_choices(meetings: list[Any], blank: str | None) -> list[tuple[str, str]]:
    choices = [("", blank)] if blank is not None else []
    return choices + [
        (str(m.pk), f"{m.group.acronym} #{m.number}, {m.start:%a %-d %b %Y}") for m in meetings
    ]


class ActionFieldsForm(forms.Form):
    description = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what is to be done."},
    )
    owner = forms.CharField(
        label="Owner",
        max_length=_OWNER_MAX,
        help_text=OWNER_HELP,
        error_messages={"required": "Say who owns the action."},
    )
    due_on = DayField(label="Due date", required=False)
    due_text = forms.CharField(
        label="Or due when",
        max_length=_DUE_TEXT_MAX,
        required=False,
        help_text='A condition in words, when there is no date: "To be reviewed at CP2".',
    )


class RaiseActionForm(ActionFieldsForm):
    """A new action on a group's log, at one of its meetings or between meetings."""

    meeting = forms.ChoiceField(label="Raised at", required=False)

    def __init__(self, *args: Any, meetings: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["meeting"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _meeting_choices(meetings, "Between meetings (no meeting)")
        self.meetings = {str(m.pk): m for m in meetings}
        self.order_fields(["meeting", "description", "owner", "due_on", "due_text"])

    def chosen_meeting(self) -> Any:
        return self.meetings.get(self.cleaned_data.get("meeting") or "")


class EditActionForm(VersionForm, ActionFieldsForm):
    raised_on = DayField(label="Raised on", required=False)


class UpdateForm(VersionForm):
    """An update on the action: what has happened, and where it leaves it."""

    text = forms.CharField(
        label="Update",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what has happened."},
        max_length=ActionUpdate._meta.get_field("text").max_length,
    )
    status = forms.ChoiceField(
        label="Status",
        choices=[
            (s.value, s.label)
            for s in (
                ActionStatus.OPEN,
                ActionStatus.ONGOING,
                ActionStatus.IN_PROGRESS,
                ActionStatus.RECOMMEND_CLOSED,
            )
        ],
        help_text="Recommend closed proposes the closure: the group confirms it at its next meeting.",
    )


class ClosureForm(VersionForm):
    meeting = forms.ChoiceField(
        label="Confirmed at", error_messages={"required": "Choose the meeting that confirmed it."}
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text='Default: "Closure confirmed at PSG #24."',
    )

    def __init__(self, *args: Any, meetings: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["meeting"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _meeting_choices(meetings, None)
        self.meetings = {str(m.pk): m for m in meetings}

    def chosen_meeting(self) -> Any:
        return self.meetings.get(self.cleaned_data.get("meeting") or "")


class KeepOpenForm(VersionForm):
    note = forms.CharField(
        label="Why it stays open",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the action stays open."},
    )


class CancelForm(VersionForm):
    reason = forms.CharField(
        label="Why it is cancelled",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the action is cancelled."},
    )


class LogFilterForm(forms.Form):
    """The log's filters (GET): a bad value is ignored with a message, not a 500."""

    # The messages do not repeat the value: a group hidden from the reader is not named.
    group = forms.ChoiceField(
        label="Group",
        required=False,
        error_messages={"invalid_choice": "Choose one of the listed groups."},
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        error_messages={"invalid_choice": "Choose one of the listed statuses."},
        choices=[("", "Any open"), ("all", "Any, closed too")]
        + [(s.value, s.label) for s in ActionStatus],
    )
    owner = forms.CharField(label="Owner", required=False, max_length=100)
    q = forms.CharField(label="Words or ref", required=False, max_length=100)
    overdue = forms.BooleanField(label="Overdue only", required=False)

    def __init__(self, *args: Any, groups: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "All groups")] + [(g.acronym, g.acronym) for g in groups]


class ImportForm(forms.Form):
    file = forms.FileField(
        label="The log (.xlsx or .csv)",
        error_messages={"required": "Choose the file to check."},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


__all__ = [
    "CancelForm",
    "ClosureForm",
    "EditActionForm",
    "ImportForm",
    "KeepOpenForm",
    "LogFilterForm",
    "RaiseActionForm",
    "UpdateForm",
]
