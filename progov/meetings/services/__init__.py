"""Writes for the meetings app, one module per part of the meeting's life.

Callers use `from progov.meetings import services` and `services.move_meeting(...)`:
the package re-exports every service so the app keeps the same shape as the others.
"""

from progov.meetings.services.feeds import create_feed_token, revoke_feed_token
from progov.meetings.services.reports import (
    answer_amendment,
    publish_headline_report,
    request_amendment,
    start_headline_report,
    update_headline_report,
)
from progov.meetings.services.series import (
    GenerationReport,
    cancel_meeting,
    configure_meeting_series,
    confirm_meeting,
    create_extraordinary_meeting,
    generate_meetings,
    mark_meeting_held,
    move_meeting,
    update_meeting,
)

__all__ = [
    "GenerationReport",
    "answer_amendment",
    "cancel_meeting",
    "configure_meeting_series",
    "confirm_meeting",
    "create_extraordinary_meeting",
    "create_feed_token",
    "generate_meetings",
    "mark_meeting_held",
    "move_meeting",
    "publish_headline_report",
    "request_amendment",
    "revoke_feed_token",
    "start_headline_report",
    "update_headline_report",
    "update_meeting",
]
