"""Forms of the accounts pages."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm

from progov.accounts import services
from progov.accounts.models import User


class UnlockForm(forms.Form):
    """Unlock a login paused after failed sign-ins (administrators)."""

    username = forms.CharField(max_length=150, label="Login")
    next = forms.CharField(required=False, widget=forms.HiddenInput)


def _same_address(a: str, b: str) -> bool:
    """Django's own comparison for reset addresses (`_unicode_ci_compare`)."""
    return (
        unicodedata.normalize("NFKC", a).casefold() == unicodedata.normalize("NFKC", b).casefold()
    )


class ResetRequestForm(PasswordResetForm):
    """Ask for a password-reset link by e-mail (Django's flow).

    Unlike Django's form it also reaches an active login that has no password yet (one
    the secretariat made when linking a person), so its holder can set their first one.
    Whether the address is known is never shown: the answer is the same either way.
    """

    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email: str) -> Iterator[Any]:
        # Django's own match (case-insensitive, and the same address after Unicode
        # case folding), without its `has_usable_password` condition.
        return (
            user
            for user in User.objects.filter(email__iexact=email, is_active=True).order_by("id")
            if _same_address(email, user.email)
        )


class NewPasswordForm(SetPasswordForm):
    """The new password, set through `accounts.services.set_user_password` (audited)."""

    def save(self, commit: bool = True) -> Any:
        services.set_user_password(
            actor=self.user, user=self.user, password=self.cleaned_data["new_password1"]
        )
        return self.user
