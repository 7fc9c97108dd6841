"""API shapes for meetings (the parts' own shapes live beside their endpoints)."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from progov.core.bounds import Body, Day, Moment, text_of
from progov.governance.models import GovernanceGroup
from progov.meetings.models import Meeting


class DeadlineOut(Schema):
    key: str = Field(description="e.g. papers_due, headline_report_due, amendments_due")
    label: str
    due: date
    working_days: int
    direction: Literal["before", "after"]
    status: Literal["met", "late", "overdue", "due", "open", "closed", "not_tracked"] = Field(
        description="not_tracked: due before the programme's deadlines_tracked_from, "
        "with no record of being met"
    )
    met_at: datetime | None


class MeetingOut(Schema):
    id: int
    group: str
    number: str = Field(description='"24" or, for an extraordinary meeting, "10.1"')
    kind: Literal["regular", "extraordinary"]
    status: Literal["planned", "confirmed", "held", "cancelled", "moved"]
    status_note: str = Field(
        description='Why it was moved, cancelled or reinstated, e.g. "Stood down: no agenda items"'
    )
    title: str
    start: datetime
    end: datetime
    original_start: datetime | None = Field(description="Set when the meeting was moved")
    scheduled_start: datetime | None = Field(description="The schedule occurrence it came from")
    location: str
    online_link: str
    recording_link: str
    on_non_working_day: bool = Field(
        description="True when it falls on a bank holiday or closure day: the secretariat should move it"
    )
    papers_due: date | None
    headline_report_due: date | None
    amendments_due: date | None
    minutes_due: date | None
    decisions_published_due: date | None
    deadlines: list[DeadlineOut]
    version: int


class MeetingListOut(Schema):
    items: list[MeetingOut]
    count: int


class MeetingPatch(Body):
    title: text_of(Meeting, "title") | None = None  # type: ignore[valid-type]
    location: text_of(Meeting, "location") | None = None  # type: ignore[valid-type]
    online_link: text_of(Meeting, "online_link") | None = None  # type: ignore[valid-type]
    recording_link: text_of(Meeting, "recording_link") | None = None  # type: ignore[valid-type]


class MeetingMoveIn(Body):
    """A meeting's new time (`POST /meetings/{id}/move`); it keeps its original one."""

    start: Moment = Field(description="The new start, with its UTC offset")
    end: Moment = Field(description="The new end, after the start")
    note: text_of(Meeting, "status_note") = Field(  # type: ignore[valid-type]
        "", description='Why it moved, e.g. "Moved for the bank holiday"'
    )
    non_working_day_reason: text_of(Meeting, "status_note") = Field(  # type: ignore[valid-type]
        "",
        description="Why it meets on a weekend, bank holiday or closure day; a move onto "
        "such a day without it is refused (400, naming the day)",
    )


class NoteIn(Body):
    note: text_of(Meeting, "status_note") = ""  # type: ignore[valid-type]


class HeldIn(Body):
    recording_link: text_of(Meeting, "recording_link") | None = None  # type: ignore[valid-type]


class ExtraordinaryIn(Body):
    group: text_of(GovernanceGroup, "acronym", min_length=1)  # type: ignore[valid-type]
    start: Moment
    end: Moment
    title: text_of(Meeting, "title") = ""  # type: ignore[valid-type]
    location: text_of(Meeting, "location") = ""  # type: ignore[valid-type]
    online_link: text_of(Meeting, "online_link") = ""  # type: ignore[valid-type]


class GenerateIn(Body):
    until: Day


class GenerateOut(Schema):
    group: str
    created: int
    kept: int
    removed: int
    renumbered: int
    on_non_working_days: list[date]
    summary: str
