"""Forms of the governance pages' writes; each calls one service."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from progov.accounts.models import Role
from progov.core.forms import DayField, VersionForm
from progov.governance.models import (
    AttendancePolicy,
    Constituency,
    ConstituencyKind,
    GovernanceGroup,
    GroupStatus,
    MarketRole,
    Membership,
    MembershipRole,
    Organisation,
    Person,
    Seat,
    Visibility,
    Workstream,
)
from progov.governance.schedules import ScheduleError, read_schedule, schedule_text


class PersonLoginForm(VersionForm):
    """Link a person to a login (an administrator's act), or unlink them (empty login).

    A login that does not exist yet is made with the role chosen here and no password:
    the administrator sets one (`progov manage changepassword USERNAME`).
    """

    login = forms.CharField(
        label="Login (username)",
        max_length=150,
        required=False,
        help_text="Leave empty to unlink the person from their login.",
    )
    login_role = forms.ChoiceField(
        label="Role of a new login",
        choices=Role.choices,
        initial=Role.MEMBER,
        help_text="Used only when the login does not exist yet; an existing login keeps its role.",
    )

    def __init__(self, *args: Any, roles: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if roles is not None:
            field = self.fields["login_role"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = roles


# --- structure maintenance ------------------------------------------------------------------
#
# Each form collects what one service takes; the service holds the rules (an acronym used
# twice, a parent that would make a loop, an alternate of another constituency) and its
# field errors come back beside these fields through `handle_write`.


def _choices_of(queryset: Any, label: Any, empty: str | None) -> list[tuple[str, str]]:
    out = [("", empty)] if empty is not None else []
    return out + [(str(obj.pk), label(obj)) for obj in queryset]


class PickField(forms.TypedChoiceField):
    """A choice of one row, by pk, among `rows` given by the view (already restricted to
    what the user may see); `cleaned_data` holds the row itself (or None)."""

    def __init__(self, *, label: str, empty: str | None = None, **kwargs: Any) -> None:
        super().__init__(
            label=label, coerce=int, empty_value=None, required=empty is None, **kwargs
        )
        self.rows: dict[int, Any] = {}
        self.empty = empty

    def set_rows(self, rows: Iterable[Any], label: Any = str) -> None:
        listed = list(rows)
        self.rows = {obj.pk: obj for obj in listed}
        self.choices = _choices_of(listed, label, self.empty)

    def clean(self, value: Any) -> Any:
        pk = super().clean(value)
        return None if pk is None else self.rows[pk]


class PickForm(forms.Form):
    """A form with PickFields: `pick(name)` is one of them, typed."""

    def pick(self, name: str) -> PickField:
        field = self.fields[name]
        assert isinstance(field, PickField)
        return field


class ScheduleField(forms.CharField):
    """The schedule in words ("2nd Wednesday of each month, 10:00-13:00", "TBC"), read
    by `read_schedule`; `cleaned_data` holds the Schedule."""

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        try:
            return read_schedule(text)
        except ScheduleError as exc:
            raise forms.ValidationError(str(exc)) from None


LEVEL_CHOICES = [
    ("", "No level (outside the levels)"),
    ("1", "1"),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
]


class GroupForm(PickForm):
    """Every field of a group (create and edit); a status change carries its date and note."""

    fieldsets = (
        ("The group", ("name", "acronym", "level", "parent", "workstream", "is_formal")),
        ("Purpose", ("purpose", "objectives", "timeframe")),
        ("Who attends and who may see it", ("attendance", "attendance_note", "visibility")),
        ("Meetings", ("schedule", "schedule_timezone")),
        ("Status", ("status", "status_date", "status_note")),
    )

    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Give the group its name, e.g. Design Advisory Group."},
    )
    acronym = forms.CharField(
        label="Acronym",
        max_length=30,
        help_text="Unique in the programme, e.g. DAG or BPRWG/TDWG.",
        error_messages={"required": "Give the group an acronym, e.g. DAG."},
    )
    level = forms.TypedChoiceField(
        label="Level", choices=LEVEL_CHOICES, coerce=int, empty_value=None, required=False
    )
    parent = PickField(label="Reports to", empty="Nobody (top of the structure)")
    workstream = PickField(label="Workstream", empty="No workstream")
    is_formal = forms.BooleanField(
        label="Formal group (in the terms of reference)",
        required=False,
        help_text="Untick for an informal working group.",
    )
    purpose = forms.CharField(
        label="Purpose", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    objectives = forms.CharField(
        label="Objectives",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="One objective per line.",
    )
    timeframe = forms.CharField(
        label="Timeframe", max_length=100, required=False, help_text='e.g. "To Q1 23/24".'
    )
    attendance = forms.ChoiceField(label="Attendance", choices=AttendancePolicy.choices)
    attendance_note = forms.CharField(
        label="Who attends", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    visibility = forms.ChoiceField(
        label="Who may see the group",
        choices=Visibility.choices,
        help_text="Its page, meetings and papers follow this classification.",
    )
    schedule = ScheduleField(
        label="Schedule",
        max_length=400,
        required=False,
        help_text="In words, e.g. “2nd Wednesday of each month, 10:00-13:00”, “Every other "
        "Tuesday, 09:00-09:30”, “TBC”; or RRULE:<rule>, 10:00-11:00 for anything else. "
        "Empty: no regular meetings.",
    )
    schedule_timezone = forms.CharField(
        label="Time zone of its meetings", max_length=50, initial="Europe/London"
    )
    status = forms.ChoiceField(label="Status", choices=GroupStatus.choices)
    status_date = DayField(
        label="Status from",
        required=False,
        help_text="The day the status took effect (today if empty). Recorded in its history.",
    )
    status_note = forms.CharField(
        label="Status note",
        max_length=300,
        required=False,
        help_text='Recorded with the status, e.g. "Stood down under CR035".',
    )

    def __init__(
        self,
        *args: Any,
        groups: Iterable[GovernanceGroup],
        workstreams: Iterable[Workstream],
        editing: GovernanceGroup | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # A group cannot report to itself (the service refuses the deeper loops).
        parents = [g for g in groups if editing is None or g.pk != editing.pk]
        self.pick("parent").set_rows(parents, lambda g: f"{g.acronym}: {g.name}")
        self.pick("workstream").set_rows(workstreams, lambda w: w.name)
        for name in ("schedule", "status_note", "acronym", "name", "timeframe"):
            self.fields[name].widget.attrs["autocomplete"] = "off"

    @staticmethod
    def initial_for(group: GovernanceGroup) -> dict[str, Any]:
        return {
            "name": group.name,
            "acronym": group.acronym,
            "level": group.level,
            "parent": group.parent_id,
            "workstream": group.workstream_id,
            "is_formal": group.is_formal,
            "purpose": group.purpose,
            "objectives": group.objectives,
            "timeframe": group.timeframe,
            "attendance": group.attendance,
            "attendance_note": group.attendance_note,
            "visibility": group.visibility,
            "schedule": schedule_text(
                group.schedule_rrule,
                group.schedule_start_time,
                group.schedule_end_time,
                group.schedule_note,
            ),
            "schedule_timezone": group.schedule_timezone,
            "status": group.status,
        }

    def group_fields(self) -> dict[str, Any]:
        """The service's keyword arguments for the group's own fields."""
        data = self.cleaned_data
        schedule = data["schedule"]
        return {
            "name": data["name"],
            "acronym": data["acronym"],
            "level": data["level"],
            "parent": data["parent"],
            "workstream": data["workstream"],
            "is_formal": data["is_formal"],
            "purpose": data["purpose"],
            "objectives": data["objectives"],
            "timeframe": data["timeframe"],
            "attendance": data["attendance"],
            "attendance_note": data["attendance_note"],
            "visibility": data["visibility"],
            "schedule_rrule": schedule.rrule,
            "schedule_start_time": schedule.start_time,
            "schedule_end_time": schedule.end_time,
            "schedule_note": schedule.note,
            "schedule_timezone": data["schedule_timezone"].strip(),
            "status": data["status"],
        }


class GroupEditForm(GroupForm, VersionForm):
    pass


# The services' field names → the form's, so a refusal shows beside the right field.
GROUP_ERROR_FIELDS = {
    "schedule_rrule": "schedule",
    "schedule_start_time": "schedule",
    "schedule_end_time": "schedule",
    "schedule_note": "schedule",
}


class SuccessionForm(forms.Form):
    """A restructure: this group is succeeded by another (TMAG → SITAG, CR035)."""

    successor = PickField(label="Succeeded by")
    date = DayField(label="Date of the restructure", required=False)
    reason = forms.CharField(
        label="Reason",
        max_length=300,
        required=False,
        help_text='e.g. "CR035 (framework v3.2): TMAG restructured into three advisory groups".',
    )
    stand_down = forms.BooleanField(
        label="The group stands down on that date",
        required=False,
        help_text="Records the status “Stood down” with the date and the reason.",
    )


class TermsForm(forms.Form):
    """A new version of a group's terms of reference, in Markdown."""

    version_number = forms.CharField(
        label="Version", max_length=20, help_text="e.g. 3.2; each version keeps its own number."
    )
    date = DayField(label="Dated")
    change_note = forms.CharField(
        label="What changed",
        max_length=300,
        help_text='Shown in the list of versions, e.g. "CR035: TMAG restructured".',
    )
    text = forms.CharField(
        label="Terms of reference",
        widget=forms.Textarea(attrs={"rows": 24, "class": "monospace"}),
        max_length=200_000,
        help_text="Markdown: ## for a heading, - for a list item, a blank line between paragraphs.",
    )


class CompareForm(forms.Form):
    """Two versions of a group's terms of reference to compare side by side."""

    a = forms.ChoiceField(label="Compare version")
    b = forms.ChoiceField(label="with version")

    def __init__(self, *args: Any, versions: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(v, v) for v in versions]
        for name in ("a", "b"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices


class SeatForm(forms.Form):
    """A seat the terms of reference define, e.g. PSG "l) Large Supplier Representative"."""

    label = forms.CharField(
        label="Seat",
        max_length=200,
        error_messages={"required": "Name the seat as the terms of reference do."},
    )
    role = forms.ChoiceField(label="Role of whoever holds it", choices=MembershipRole.choices)
    constituency = PickField(label="Constituency", empty="No constituency")
    position = forms.IntegerField(
        label="Position in the list",
        min_value=0,
        max_value=32_000,
        initial=0,
        help_text="Seats are listed by this number, then by their label.",
    )

    def __init__(self, *args: Any, constituencies: Iterable[Constituency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["constituency"]
        assert isinstance(field, PickField)
        field.set_rows(constituencies, lambda c: c.name)


class SeatEditForm(SeatForm):
    """Editing a seat: its label names it in the group, so it stays."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["label"].disabled = True


class MembershipForm(PickForm):
    """A person in a group: their role, seat, constituency, part and dates."""

    person = PickField(label="Person", error_messages={"required": "Choose who joins the group."})
    role = forms.ChoiceField(label="Role", choices=MembershipRole.choices)
    seat = PickField(label="Seat", empty="No seat")
    constituency = PickField(label="Constituency", empty="No constituency")
    alternate_for = PickField(
        label="Alternate for",
        empty="Nobody (not an alternate)",
        help_text="An alternate stands in for a representative of the same constituency.",
    )
    part = forms.CharField(
        label="Part",
        max_length=50,
        required=False,
        help_text='Where a seat is shared, e.g. "Part 1" or "Design".',
    )
    start_date = DayField(
        label="From", error_messages={"required": "Give the day the membership starts."}
    )
    end_date = DayField(label="Until", required=False, help_text="Empty while it lasts.")

    def __init__(
        self,
        *args: Any,
        people: Iterable[Person],
        seats: Iterable[Seat],
        constituencies: Iterable[Constituency],
        representatives: Iterable[Membership],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.pick("person").set_rows(
            people, lambda p: f"{p.name} ({p.organisation.name})" if p.organisation else p.name
        )
        self.pick("seat").set_rows(seats, lambda s: s.label)
        self.pick("constituency").set_rows(constituencies, lambda c: c.name)
        self.pick("alternate_for").set_rows(
            representatives,
            lambda m: (
                f"{m.person.name} ({m.constituency.name})" if m.constituency else m.person.name
            ),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A seat names its constituency: take it when none is chosen.
        seat = data.get("seat")
        if seat is not None and data.get("constituency") is None and seat.constituency_id:
            data["constituency"] = seat.constituency
        return data


class MembershipEditForm(MembershipForm, VersionForm):
    """Editing a membership: the person stays (a different person is a new membership)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].disabled = True


class EndMembershipForm(VersionForm):
    end_date = DayField(label="Last day in the group")


class RemoveMembershipForm(VersionForm):
    confirmed = forms.BooleanField(
        label="Yes, remove this membership: it was entered in error",
        error_messages={
            "required": "Tick to confirm. To record that someone left, end it instead."
        },
    )


class PersonForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Give the person's name."}
    )
    organisation = PickField(label="Organisation", empty="No organisation")
    job_title = forms.CharField(label="Job title or role", max_length=200, required=False)
    email = forms.EmailField(label="E-mail", max_length=254, required=False)

    def __init__(self, *args: Any, organisations: Iterable[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, PickField)
        field.set_rows(organisations, lambda o: o.name)
        self.fields["email"].widget.attrs["autocomplete"] = "off"


class PersonEditForm(PersonForm, VersionForm):
    pass


class OrganisationForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    short_name = forms.CharField(label="Short name", max_length=50, required=False)
    website = forms.URLField(label="Website", max_length=200, required=False, assume_scheme="https")
    market_roles = forms.TypedMultipleChoiceField(
        label="Market roles",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="What the organisation does in the market, e.g. Supplier, Code body.",
    )

    def __init__(self, *args: Any, market_roles: Iterable[MarketRole], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.roles = {r.pk: r for r in market_roles}
        field = self.fields["market_roles"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(r.pk, r.name) for r in self.roles.values()]

    def chosen_roles(self) -> list[MarketRole]:
        return [self.roles[pk] for pk in self.cleaned_data["market_roles"]]


class OrganisationEditForm(OrganisationForm, VersionForm):
    pass


class ConstituencyForm(forms.Form):
    code = forms.SlugField(
        label="Code", max_length=60, help_text="Letters, digits and hyphens, e.g. large-supplier."
    )
    name = forms.CharField(label="Name", max_length=150)
    kind = forms.ChoiceField(label="Kind", choices=ConstituencyKind.choices)
    description = forms.CharField(
        label="Description", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ConstituencyEditForm(ConstituencyForm, VersionForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].disabled = True
