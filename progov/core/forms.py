"""Form plumbing shared by every page that writes: the version a page showed, and a
service's refusal shown on the form."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from progov.core.errors import DomainError


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
