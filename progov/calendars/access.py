"""The calendars kinds of the access model (`accounts.access` holds the table)."""

from __future__ import annotations

from progov.accounts import access
from progov.accounts.access import Kind
from progov.calendars.models import ClosureDay

access.register_kind(Kind("calendars.closureday", ClosureDay))
