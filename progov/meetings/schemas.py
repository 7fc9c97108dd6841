"""API shapes for meetings (the parts' own shapes live beside their endpoints)."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema


class DeadlineOut(Schema):
    key: str = Field(description="e.g. papers_due, headline_report_due, amendments_due")
    label: str
    due: date
    working_days: int
    direction: Literal["before", "after"]
    status: Literal["met", "late", "overdue", "due", "open", "closed"]
    met_at: datetime | None


class MeetingOut(Schema):
    id: int
    group: str
    number: str = Field(description='"24" or, for an extraordinary meeting, "10.1"')
    kind: Literal["regular", "extraordinary"]
    status: Literal["planned", "confirmed", "held", "cancelled", "moved"]
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


class MeetingPatch(Schema):
    title: str | None = Field(None, max_length=200)
    location: str | None = Field(None, max_length=200)
    online_link: str | None = None
    recording_link: str | None = None


class MeetingMoveIn(Schema):
    """A meeting's new time (`POST /meetings/{id}/move`); it keeps its original one."""

    start: datetime = Field(description="The new start, with its UTC offset")
    end: datetime = Field(description="The new end, after the start")
    note: str = Field("", description='Why it moved, e.g. "Moved for the bank holiday"')


class NoteIn(Schema):
    note: str = ""


class HeldIn(Schema):
    recording_link: str | None = None


class ExtraordinaryIn(Schema):
    group: str
    start: datetime
    end: datetime
    title: str = ""
    location: str = ""
    online_link: str = ""


class GenerateIn(Schema):
    until: date


class GenerateOut(Schema):
    group: str
    created: int
    kept: int
    removed: int
    renumbered: int
    on_non_working_days: list[date]
    summary: str
