"""`/api/v1/calendars`: working-day arithmetic (filled in by the calendars work)."""

from ninja import Router

router = Router(tags=["calendars"])
