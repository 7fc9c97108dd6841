"""Form plumbing shared by every page that writes: the version a page showed, and a
service's refusal shown on the form."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms

from progov.core.errors import DomainError
from progov.core.workdays import MAX_YEAR, MIN_YEAR


class DayField(forms.DateField):
    """A date typed as YYYY-MM-DD (what `<input type="date">` sends) or DD/MM/YYYY.

    Its error says what was wrong with *this* input, e.g. "2023-02-30" is not a date.
    """

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    input_formats = ["%Y-%m-%d", "%d/%m/%Y"]

    def to_python(self, value: Any) -> date | None:
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(
                "“%(value)s” is not a date. Enter it as YYYY-MM-DD, for example 2024-02-07.",
                code="invalid",
                params={"value": value},
            ) from None

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
            raise forms.ValidationError(
                "Enter a date from %(min)s to %(max)s.",
                code="out_of_range",
                params={"min": MIN_YEAR, "max": MAX_YEAR},
            )


class VersionForm(forms.Form):
    """The version of the object the page showed, sent back as `expected_version`, so a
    change made meanwhile by someone else is refused ("changed since you loaded the
    page"), not silently overwritten. Every versioned form is one (or includes one)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def add_domain_errors(
    form: forms.Form, exc: DomainError, *, fields: Mapping[str, str] | None = None
) -> None:
    """Show a service's refusal on the form: each field error at its field (renamed by
    `fields` when the form calls it something else), the rest at the top."""
    fields = fields or {}
    if not exc.field_errors:
        form.add_error(None, exc.message)
        return
    for name, messages in exc.field_errors.items():
        target = fields.get(name, name)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)
