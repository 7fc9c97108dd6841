"""Forms of the accounts pages."""

from __future__ import annotations

from django import forms


class UnlockForm(forms.Form):
    """Unlock a login paused after failed sign-ins (administrators)."""

    username = forms.CharField(max_length=150, label="Login")
    next = forms.CharField(required=False, widget=forms.HiddenInput)
