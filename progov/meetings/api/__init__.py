"""The meetings API, one module per part of a meeting (like the services package).

Each part's router is mounted at `/api/v1/meetings` by progov/api.py.
"""

from ninja import Router

from progov.meetings.api import agenda, attendance, feeds, meetings, papers, reports

routers: list[Router] = [
    meetings.router,
    agenda.router,
    papers.router,
    attendance.router,
    reports.router,
    feeds.router,
]
