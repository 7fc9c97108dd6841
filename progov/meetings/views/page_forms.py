"""Forms of the calendar and meeting pages: filters (GET) and the secretariat's actions (POST).

Each action form carries the `version` of the meeting the page showed, passed to the
service as `expected_version`, so a change made meanwhile by someone else is refused
("changed since you loaded it") instead of silently overwritten. Times are the
meeting's local time (its group's zone: Europe/London for MHHS).
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms

from progov.core.forms import DayField, VersionForm

# Generating more than a few years ahead is almost certainly a typo (2207 for 2027).
MAX_GENERATE_YEARS = 6


class TimeField(forms.TimeField):
    widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    input_formats = ["%H:%M", "%H.%M", "%H:%M:%S"]
    default_error_messages = {"invalid": "Enter a time as HH:MM, for example 10:00."}


class GenerateForm(forms.Form):
    until = DayField(
        label="Generate meetings until",
        help_text="Scheduled meetings up to this date are created; moved and cancelled "
        "meetings stay as they are.",
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["until"].widget.attrs["autocomplete"] = "off"

    def clean_until(self) -> date:
        until: date = self.cleaned_data["until"]
        latest = self.today.replace(year=self.today.year + MAX_GENERATE_YEARS, day=1)
        if until > latest:
            raise forms.ValidationError(
                "Generate at most %(years)s years ahead (until %(latest)s at the latest).",
                params={"years": MAX_GENERATE_YEARS, "latest": f"{latest:%-d %B %Y}"},
            )
        return until


class ConfirmForm(VersionForm):
    pass


class MoveForm(VersionForm):
    date = DayField(label="New date")
    start_time = TimeField(label="Starts at")
    end_time = TimeField(label="Ends at")
    note = forms.CharField(
        label="Reason (optional)",
        max_length=300,
        required=False,
        help_text='Shown with the meeting, e.g. "Moved for the state funeral".',
    )
    non_working_day_reason = forms.CharField(
        label="Reason to meet on a non-working day",
        max_length=300,
        required=False,
        help_text="Only if the new date is a weekend, a bank holiday or a closure day: "
        "without it, such a move is refused.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_time"), data.get("end_time")
        if start is not None and end is not None and end <= start:
            self.add_error("end_time", "The meeting must end after it starts.")
        return data

    def start(self, tz: ZoneInfo) -> datetime:
        """The new start, the form's local date and time in `tz` (the meeting's zone)."""
        return datetime.combine(self.cleaned_data["date"], self.cleaned_data["start_time"], tz)

    def end(self, tz: ZoneInfo) -> datetime:
        return datetime.combine(self.cleaned_data["date"], self.cleaned_data["end_time"], tz)

    @classmethod
    def initial_for(cls, start: datetime, end: datetime, tz: ZoneInfo) -> dict[str, Any]:
        local_start, local_end = start.astimezone(tz), end.astimezone(tz)
        return {
            "date": local_start.date(),
            "start_time": local_start.time().replace(second=0, microsecond=0),
            "end_time": local_end.time().replace(second=0, microsecond=0),
        }


class CancelForm(VersionForm):
    note = forms.CharField(
        label="Reason",
        max_length=300,
        # The service requires it too; asked here as well so both errors show at once.
        error_messages={
            "required": "Say why the meeting is cancelled: it is shown with the meeting."
        },
        help_text='Shown with the meeting, e.g. "Stood down: no agenda items".',
    )
    confirmed = forms.BooleanField(
        label="Yes, cancel this meeting",
        required=True,
        error_messages={"required": "Tick to confirm: cancelling tells every invitee."},
    )


class ReinstateForm(VersionForm):
    note = forms.CharField(
        label="Note (optional)",
        max_length=300,
        required=False,
        help_text='Shown with the meeting, e.g. "Reinstated: the agenda is back".',
    )


class HeldForm(VersionForm):
    recording_link = forms.URLField(
        label="Recording link (optional)",
        max_length=200,
        required=False,
        assume_scheme="https",
        help_text="Where participants can watch the recording.",
    )


class RecordingForm(HeldForm):
    """The recording link alone, on a meeting already held."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recording_link"]
        field.label = "Recording link"
        field.help_text = "Leave empty to remove the link."


class MarkHeldForm(forms.Form):
    """The past meetings to mark held, ticked on the page (all of them by default)."""

    meetings = forms.TypedMultipleChoiceField(
        coerce=int,
        label="Meetings to mark held",
        error_messages={
            "required": "Tick the meetings that took place.",
            "invalid_choice": "A meeting ticked is no longer waiting to be marked held: "
            "the list now shows those that are.",
        },
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["meetings"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = choices


ACTION_FORMS: dict[str, type[VersionForm]] = {
    "confirm": ConfirmForm,
    "move": MoveForm,
    "cancel": CancelForm,
    "reinstate": ReinstateForm,
    "held": HeldForm,
    "recording": RecordingForm,
}


# --- filters (GET) -----------------------------------------------------------------------

WINDOW_CHOICES = [
    ("7", "7 days"),
    ("14", "14 days"),
    ("30", "30 days"),
    ("60", "60 days"),
    ("90", "90 days"),
]
RECORD_CHOICES = [
    ("3", "the last 3 months"),
    ("6", "the last 6 months"),
    ("12", "the last 12 months"),
    ("24", "the last 24 months"),
]


class DeadlineFilterForm(forms.Form):
    group = forms.ChoiceField(label="Group", required=False, choices=[("", "All groups")])
    window = forms.TypedChoiceField(
        label="Overdue and due within",
        choices=WINDOW_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
    )
    record = forms.TypedChoiceField(
        label="On-time record over",
        choices=RECORD_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args: Any, group_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        group = self.fields["group"]
        assert isinstance(group, forms.ChoiceField)
        group.choices = [("", "All groups"), *group_choices]

    def values(self) -> tuple[int, int, str]:
        """(window days, record months, group acronym or ''), defaults for anything invalid."""
        if self.is_valid():
            data = self.cleaned_data
            return data["window"] or 30, data["record"] or 12, data["group"] or ""
        return 30, 12, ""


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (31 March less one month is 28 or 29 February)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))
