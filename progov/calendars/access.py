"""The calendars kinds of the access model (`core.access` holds the table)."""

from __future__ import annotations

from progov.calendars.models import ClosureDay
from progov.core import access
from progov.core.access import Kind

access.register_kind(Kind("calendars.closureday", ClosureDay))
