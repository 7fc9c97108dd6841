"""The meetings API, one module per part of a meeting (like the services package)."""

from ninja import Router

from progov.meetings.api import agenda, attendance, feeds, meetings, papers, reports

router = Router()
for part in (meetings, agenda, papers, attendance, reports, feeds):
    router.add_router("", part.router)
