"""The accounts kinds of the access model (`core.access` holds the table)."""

from __future__ import annotations

from progov.accounts.models import ApiToken, User
from progov.core import access
from progov.core.access import Kind

access.register_kind(Kind("accounts.user", User))
access.register_kind(Kind("accounts.apitoken", ApiToken))
