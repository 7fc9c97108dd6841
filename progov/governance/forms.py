"""Forms of the governance pages' writes; each calls one service."""

from __future__ import annotations

from django import forms

from progov.accounts.models import Role
from progov.core.forms import VersionForm


class PersonLoginForm(VersionForm):
    """Link a person to a login (an administrator's act), or unlink them (empty login).

    A login that does not exist yet is made with the role chosen here and no password:
    the administrator sets one (`progov manage changepassword USERNAME`).
    """

    login = forms.CharField(
        label="Login (username)",
        max_length=150,
        required=False,
        help_text="Leave empty to unlink the person from their login.",
    )
    login_role = forms.ChoiceField(
        label="Role of a new login",
        choices=Role.choices,
        initial=Role.MEMBER,
        help_text="Used only when the login does not exist yet; an existing login keeps its role.",
    )
