"""Writes for the meetings app, one module per part of the meeting's life.

Callers use `from progov.meetings import services` and `services.move_meeting(...)`:
the package re-exports every service so the app keeps the same shape as the others.
"""

from progov.meetings.services.agenda import (
    RemovedItem,
    add_agenda_item,
    add_forward_look_item,
    add_template_item,
    carry_agenda_item,
    move_agenda_item,
    remove_agenda_item,
    remove_forward_look_item,
    remove_template_item,
    reorder_agenda,
    restore_agenda_item,
    schedule_forward_look_item,
    update_agenda_item,
    update_forward_look_item,
    update_template_item,
)
from progov.meetings.services.attendance import (
    InvitationReport,
    RegisterEntry,
    RegisterReport,
    issue_invitations,
    record_attendance,
    record_register,
)
from progov.meetings.services.changes import apply_meeting_change
from progov.meetings.services.feeds import create_feed_token, revoke_feed_token
from progov.meetings.services.papers import (
    publish_paper,
    remove_paper,
    update_paper,
    upload_paper,
)
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
    mark_meetings_held,
    move_meeting,
    reinstate_meeting,
    update_meeting,
)

__all__ = [
    "GenerationReport",
    "InvitationReport",
    "RegisterEntry",
    "RegisterReport",
    "RemovedItem",
    "add_agenda_item",
    "add_forward_look_item",
    "add_template_item",
    "answer_amendment",
    "apply_meeting_change",
    "cancel_meeting",
    "carry_agenda_item",
    "configure_meeting_series",
    "confirm_meeting",
    "create_extraordinary_meeting",
    "create_feed_token",
    "generate_meetings",
    "issue_invitations",
    "mark_meeting_held",
    "mark_meetings_held",
    "move_agenda_item",
    "move_meeting",
    "publish_headline_report",
    "publish_paper",
    "record_attendance",
    "record_register",
    "reinstate_meeting",
    "remove_agenda_item",
    "remove_forward_look_item",
    "remove_paper",
    "remove_template_item",
    "reorder_agenda",
    "request_amendment",
    "restore_agenda_item",
    "revoke_feed_token",
    "schedule_forward_look_item",
    "start_headline_report",
    "update_agenda_item",
    "update_forward_look_item",
    "update_headline_report",
    "update_meeting",
    "update_paper",
    "update_template_item",
    "upload_paper",
]
