"""API shapes of the action log (`/api/v1/actions`)."""

from datetime import date
from typing import Any, Literal

from ninja import Field, Schema

from progov.actions.models import Action, ActionStatus, ActionUpdate
from progov.actions.selectors import is_overdue
from progov.core.bounds import Body, Day, Id, text_of
from progov.governance.timezones import today_for

StatusName = Literal["open", "ongoing", "in_progress", "recommend_closed", "closed", "cancelled"]
ReportedStatus = Literal["open", "ongoing", "in_progress", "recommend_closed"]


class OwnerOut(Schema):
    text: str = Field(description='The owner as the log prints it: "Programme (Ian Smith)"')
    people: list[str] = Field(description="The people it resolves to, by name")
    person_ids: list[int]
    organisations: list[str] = Field(description="The organisations it resolves to")
    organisation_ids: list[int]
    groups: list[str] = Field(description='Groups whose members own it ("PSG members"): acronyms')


class MeetingRefOut(Schema):
    id: int
    group: str
    number: str = Field(description='"24", or "10.1" for an extraordinary meeting')


class ActionOut(Schema):
    ref: str = Field(description="e.g. PSG24-03: generated, unique, never changes")
    group: str = Field(description="The acronym of the group whose log it is on")
    meeting: MeetingRefOut | None = Field(description="The meeting it was raised at")
    raised_on: date | None
    description: str
    owner: OwnerOut
    due: date | None = Field(description="The due date")
    due_text: str = Field(description='A due condition in words: "To be reviewed at CP2"')
    status: StatusName
    status_label: str = Field(description='"Recommend closed"')
    latest_update: str
    overdue: bool = Field(description="Due date passed and not closed or cancelled")
    closed_at: MeetingRefOut | None = Field(description="The meeting that confirmed the closure")
    closed_on: date | None
    version: int

    @staticmethod
    def resolve_group(obj: Any) -> str:
        return str(obj.group.acronym)

    @staticmethod
    def resolve_meeting(obj: Any) -> dict[str, Any] | None:
        return meeting_ref(obj.meeting)

    @staticmethod
    def resolve_closed_at(obj: Any) -> dict[str, Any] | None:
        return meeting_ref(obj.closed_at)

    @staticmethod
    def resolve_owner(obj: Any) -> dict[str, Any]:
        owners = list(obj.owners.all())
        people = [o.person for o in owners if o.person_id]
        orgs = [o.organisation for o in owners if o.organisation_id]
        return {
            "text": obj.owner_text,
            "people": [p.name for p in people],
            "person_ids": [p.pk for p in people],
            "organisations": [o.name for o in orgs],
            "organisation_ids": [o.pk for o in orgs],
            "groups": [o.group.acronym for o in owners if o.group_id],
        }

    @staticmethod
    def resolve_due(obj: Any) -> date | None:
        return obj.due_on

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return is_overdue(obj, today_for(obj.programme))


def meeting_ref(meeting: Any) -> dict[str, Any] | None:
    if meeting is None:
        return None
    return {"id": meeting.pk, "group": meeting.group.acronym, "number": meeting.number}


class ActionIn(Body):
    group: text_of(Action, "ref", min_length=1) = Field(  # type: ignore[valid-type]
        description="The group's acronym, e.g. PSG"
    )
    meeting_id: Id | None = Field(None, description="The meeting it is raised at (or none)")
    description: text_of(Action, "description", min_length=1)  # type: ignore[valid-type]
    owner: text_of(Action, "owner_text", min_length=1) = Field(  # type: ignore[valid-type]
        description='As the log prints it: "Programme (Ian Smith)", "Ofgem", "PSG members"'
    )
    due: Day | None = None
    due_text: text_of(Action, "due_text") = ""  # type: ignore[valid-type]
    raised_on: Day | None = Field(None, description="Default: the meeting's date, or today")


class ActionPatch(Body):
    description: text_of(Action, "description", min_length=1) | None = None  # type: ignore[valid-type]
    owner: text_of(Action, "owner_text", min_length=1) | None = None  # type: ignore[valid-type]
    due: Day | None = None
    due_text: text_of(Action, "due_text") | None = None  # type: ignore[valid-type]
    raised_on: Day | None = None


class ActionUpdateIn(Body):
    text: text_of(ActionUpdate, "text", min_length=1) = Field(  # type: ignore[valid-type]
        description="What has happened"
    )
    status: ReportedStatus | None = Field(
        None, description="Move the status; recommend_closed proposes closure to the group"
    )


class ClosureIn(Body):
    meeting_id: Id = Field(description="The meeting of the group that confirmed the closure")
    note: text_of(ActionUpdate, "text") = ""  # type: ignore[valid-type]


class KeepOpenIn(Body):
    meeting_id: Id | None = None
    note: text_of(ActionUpdate, "text", min_length=1)  # type: ignore[valid-type]


class CancelIn(Body):
    reason: text_of(ActionUpdate, "text", min_length=1)  # type: ignore[valid-type]


class ActionUpdateOut(Schema):
    posted_on: date
    author: str
    text: str
    status: StatusName
    meeting: MeetingRefOut | None

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return str(obj.author_name)

    @staticmethod
    def resolve_meeting(obj: Any) -> dict[str, Any] | None:
        return meeting_ref(obj.meeting)


class ProblemOut(Schema):
    row: int = Field(description="The spreadsheet's row (0: the file itself)")
    column: str = Field(description='The column\'s header ("Due Date"); empty: the whole row')
    message: str


class PreviewRowOut(Schema):
    row: int
    ref: str
    group: str
    raised_on: date | None
    description: str
    owner: str
    due: date | None
    due_text: str
    status: StatusName
    latest_update: str
    meeting: MeetingRefOut | None


class ImportOut(Schema):
    """The import's report. A file that cannot be read at all answers 422 with only
    `detail` and `errors.file`, like every other refusal."""

    detail: str = Field(description='"2 problems: nothing was imported.", "12 actions imported."')
    errors: dict[str, list[str]] = Field({}, description="`file`: why the file was refused")
    dry_run: bool = Field(True, description="true: nothing was written")
    format: str = Field("", description="xlsx or csv")
    rows: int = Field(0, description="Rows read (blank rows are skipped)")
    created: list[str] = Field([], description="The refs imported (none unless every row was fine)")
    problems: list[ProblemOut] = Field([], description="Every problem, by row and column")
    ignored_columns: list[str] = Field([], description="Headers not in the layout (not read)")
    preview: list[PreviewRowOut] = Field([], description="The first 50 rows as they would be saved")


__all__ = [
    "ActionIn",
    "ActionOut",
    "ActionPatch",
    "ActionStatus",
    "ActionUpdateIn",
    "ActionUpdateOut",
    "CancelIn",
    "ClosureIn",
    "KeepOpenIn",
]
