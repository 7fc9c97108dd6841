"""The working-day calculator's GET forms. Each has its own prefix so the three share one URL."""

from __future__ import annotations

from typing import Any

from django import forms

from progov.core.forms import DayField
from progov.core.workdays import (
    DEFAULT_CALENDAR,
    MAX_YEAR,
    MIN_YEAR,
    calendar_choices,
)
from progov.governance.models import Programme

MAX_DAYS = 10_000


class CalculatorForm(forms.Form):
    """The fields the three calculator forms share: which calendar, and whose closure days."""

    calendar = forms.ChoiceField(
        choices=calendar_choices, initial=DEFAULT_CALENDAR, label="Calendar", required=False
    )
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="None: bank holidays only",
        label="Also skip the closure days of",
    )

    # Django links each input to its hint (`<id>_helptext`) and its error (`<id>_error`)
    # with aria-describedby, and marks invalid inputs aria-invalid; the template gives
    # the hint and the error those ids.

    def clean_calendar(self) -> str:
        # A hand-written link may leave it out; the select itself always sends one.
        return self.cleaned_data.get("calendar") or DEFAULT_CALENDAR

    @classmethod
    def submitted_in(cls, data: Any) -> bool:
        """True when the query string carries any of this form's (prefixed) fields."""
        return any(f"{cls.prefix}-{name}" in data for name in cls.base_fields)


class AddDaysForm(CalculatorForm):
    """What date is N working days after (or before) a date?"""

    prefix = "add"
    field_order = ["date", "days", "direction", "calendar", "programme"]

    date = DayField(label="Date", help_text="For example 2023-05-05.")
    days = forms.IntegerField(
        label="Number of working days",
        min_value=0,
        max_value=MAX_DAYS,
        help_text=f"A whole number from 0 to {MAX_DAYS:,}.",
        error_messages={
            "invalid": "Enter a whole number of working days, for example 5.",
            "required": "Enter a number of working days.",
        },
    )
    direction = forms.ChoiceField(
        label="Direction",
        choices=[("after", "After the date"), ("before", "Before the date")],
        initial="after",
        widget=forms.RadioSelect,
    )

    def signed_days(self) -> int:
        days: int = self.cleaned_data["days"]
        return -days if self.cleaned_data["direction"] == "before" else days


class CountDaysForm(CalculatorForm):
    """How many working days are there from one date to another, both counted?"""

    prefix = "count"
    field_order = ["start", "end", "calendar", "programme"]

    start = DayField(label="From", help_text="The first day, counted if it is a working day.")
    end = DayField(label="To", help_text="The last day, counted if it is a working day.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The “To” date must be on or after the “From” date.")
        return cleaned


class HolidaysForm(CalculatorForm):
    """The non-working days of one calendar and year."""

    prefix = "holidays"
    field_order = ["year", "calendar", "programme"]

    year = forms.IntegerField(
        label="Year",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        help_text=f"{MIN_YEAR} to {MAX_YEAR}.",
        error_messages={"invalid": "Enter a year, for example 2024."},
    )
