"""A known departure from a group's schedule, applied to the meetings generated from it.

A data pack lists them under `meeting_changes` (TMAG's meeting of Wed 21 Sep 2022
held on Thu 22 Sep; PSG's extraordinary meeting of 30 Oct 2023 for the M9 decision);
`progov meetings generate --pack` applies them after each generation, through
`apply_meeting_change`, which writes only what is not already so.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from django.db import transaction
from django.db.models import Q

from progov.core import access
from progov.core.errors import ValidationError
from progov.governance.models import GovernanceGroup
from progov.governance.timezones import group_tz
from progov.meetings.models import Meeting, MeetingKind, MeetingStatus
from progov.meetings.services.series import (
    cancel_meeting,
    create_extraordinary_meeting,
    move_meeting,
    update_meeting,
)

ChangeKind = Literal["move", "cancel", "extraordinary"]
# The reason a pack's cancellation or move onto a non-working day gives when it names none:
# the pack is the programme's record of what happened.
PACK_NOTE = "As recorded in the programme's data pack"
ChangeOutcome = Literal["moved", "cancelled", "added", "updated", "unchanged", "pending"]


@transaction.atomic
def apply_meeting_change(
    *,
    actor: Any,
    group: GovernanceGroup,
    change: ChangeKind,
    day: date,
    to: date | None = None,
    start: time | None = None,
    end: time | None = None,
    title: str = "",
    location: str = "",
    online_link: str = "",
    note: str = "",
) -> ChangeOutcome:
    """Apply one change to the group's meetings; a change already in place writes nothing.

    - `move`: the regular meeting scheduled on `day` is moved to `to` (default the same
      day) from `start` to `end` (local times of the group's time zone).
    - `cancel`: the regular meeting scheduled on `day` is cancelled with `note`.
    - `extraordinary`: an extraordinary meeting on `day` from `start` to `end`, found by
      its day and start time, added if missing, else brought up to date.

    "pending" means the meeting it applies to is not generated yet (nothing written).
    """
    if change == "extraordinary":
        access.require(user=actor, action="create", obj=Meeting(group=group))
    else:
        access.require(user=actor, action="generate_meetings", obj=group)
    tz = group_tz(group)
    day_start = datetime.combine(day, time.min, tzinfo=tz)
    day_end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    on_day = Meeting.objects.filter(group=group)

    if change == "extraordinary":
        if start is None or end is None:
            raise ValidationError.for_field("start", "An extraordinary meeting needs its times.")
        begins = datetime.combine(day, start, tzinfo=tz)
        ends = datetime.combine(day, end, tzinfo=tz)
        found = (
            on_day.filter(kind=MeetingKind.EXTRAORDINARY)
            .filter(
                Q(start__gte=day_start, start__lt=day_end)
                | Q(original_start__gte=day_start, original_start__lt=day_end)
            )
            .order_by("start", "id")
        )
        meeting = next((m for m in found if (m.original_start or m.start) == begins), found.first())
        if meeting is None:
            if not on_day.filter(kind=MeetingKind.REGULAR, scheduled_start__lt=begins).exists():
                # Numbered after the regular meeting before it, which is not generated yet.
                return "pending"
            create_extraordinary_meeting(
                actor=actor,
                group=group,
                start=begins,
                end=ends,
                title=title,
                location=location,
                online_link=online_link,
            )
            return "added"
        wanted = {"title": title, "location": location, "online_link": online_link}
        details: dict[str, Any] = {k: v for k, v in wanted.items() if getattr(meeting, k) != v}
        if details:
            meeting = update_meeting(actor=actor, meeting=meeting, expected_version=None, **details)
        if (meeting.start, meeting.end) != (begins, ends) and meeting.original_start is None:
            move_meeting(
                actor=actor,
                meeting=meeting,
                expected_version=None,
                start=begins,
                end=ends,
                non_working_day_reason=PACK_NOTE,
            )
            details["start"] = begins
        return "updated" if details else "unchanged"

    meeting = (
        on_day.filter(
            kind=MeetingKind.REGULAR,
            scheduled_start__gte=day_start,
            scheduled_start__lt=day_end,
        )
        .order_by("scheduled_start")
        .first()
    )
    if meeting is None:
        return "pending"
    if change == "cancel":
        if meeting.status == MeetingStatus.CANCELLED:
            return "unchanged"
        # The pack records what happened: its reason, or that it is the pack's record.
        cancel_meeting(actor=actor, meeting=meeting, expected_version=None, note=note or PACK_NOTE)
        return "cancelled"
    if start is None or end is None:
        raise ValidationError.for_field("start", "A move needs the new times.")
    moved_to = to or day
    begins = datetime.combine(moved_to, start, tzinfo=tz)
    ends = datetime.combine(moved_to, end, tzinfo=tz)
    if (meeting.start, meeting.end) == (begins, ends) and meeting.original_start is not None:
        return "unchanged"
    move_meeting(
        actor=actor,
        meeting=meeting,
        expected_version=None,
        start=begins,
        end=ends,
        note=note,
        non_working_day_reason=note or PACK_NOTE,
    )
    return "moved"
