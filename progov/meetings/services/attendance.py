"""Writes for who is invited to a meeting and who came.

- `issue_invitations` invites the group's members current on the meeting date: the
  chair, secretariat, programme leads, representatives, observers and invited
  attendees. Alternates are not invited: they attend only when their representative
  cannot ("alternates for exceptional absence", framework v3.2), and are added to the
  register when they are recorded as standing in. Running it again invites members
  who joined since and withdraws invitations (still only `invited`) of people who are
  no longer members on the day; anyone already recorded is left alone.
- `record_attendance` records one person: present, apologies, represented by an
  alternate (who must be a current alternate of that representative, and is then
  recorded present), observer, or invited guest (someone who is not a member; their
  line is created).
- `record_register` records a whole register at once (the page's form): all or nothing,
  with a message per line that is wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from progov.audit.services import diff, record_create, record_many
from progov.audit.writes import Change
from progov.core import access
from progov.core.bounds import check_bounds
from progov.core.concurrency import bump_version, check_version
from progov.core.errors import ValidationError
from progov.governance.models import Membership, MembershipRole, Person
from progov.governance.services import snapshot
from progov.meetings.models import Attendance, AttendanceStatus, Meeting, MeetingStatus
from progov.meetings.selectors.attendance import current_on, meeting_day

ATTENDANCE_FIELDS = ("status", "represented_by", "role", "constituency", "membership")
# When someone holds several places on a group, the invitation is for the first of these.
_ROLE_RANK = {role: rank for rank, role in enumerate(MembershipRole.values)}


@dataclass
class InvitationReport:
    meeting: str
    invited: list[Attendance] = field(default_factory=list)
    updated: list[Attendance] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    kept: int = 0

    def render(self) -> str:
        text = f"{self.meeting}: {len(self.invited)} invited, {self.kept} already on the register"
        if self.updated:
            text += f", {len(self.updated)} updated to their current role"
        if self.withdrawn:
            text += f", {len(self.withdrawn)} withdrawn (no longer members on the day)"
        return text


@dataclass(frozen=True)
class RegisterEntry:
    """One line of a submitted register: the status shown and the version it was read at."""

    person_id: int
    status: str
    represented_by_id: int | None = None
    expected_version: int | None = None


def _day_text(meeting: Meeting) -> str:
    return f"{meeting_day(meeting):%d %b %Y}"


def _open_meeting(meeting: Meeting, *, lock: bool = False) -> Meeting:
    qs = Meeting.objects.select_related("group")
    if lock:
        qs = qs.select_for_update(of=("self",))
    meeting = qs.get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(f"{meeting} was cancelled: there is no attendance to record.")
    return meeting


def _current_memberships(meeting: Meeting, person: Person | None = None) -> list[Membership]:
    qs = Membership.objects.filter(current_on(meeting_day(meeting)), group_id=meeting.group_id)
    if person is not None:
        qs = qs.filter(person=person)
    return list(
        qs.select_related("person", "constituency", "alternate_for", "alternate_for__person")
    )


def _best(memberships: Sequence[Membership]) -> Membership | None:
    """The membership an invitation is for: the chair before a representative, etc."""
    if not memberships:
        return None
    return min(memberships, key=lambda m: (_ROLE_RANK.get(m.role, 99), m.start_date, m.pk))


def _row_fields(a: Attendance) -> dict[str, Any]:
    return {"person": a.person.name, **snapshot(a, ATTENDANCE_FIELDS)}


@transaction.atomic
def issue_invitations(*, actor: Any, meeting: Meeting) -> InvitationReport:
    """Invite the group's current members (not alternates) to the meeting; idempotent."""
    access.require(user=actor, action="record_attendance", obj=meeting)
    meeting = _open_meeting(meeting, lock=True)
    report = InvitationReport(meeting=str(meeting))
    by_person: dict[int, list[Membership]] = {}
    for m in _current_memberships(meeting):
        if m.role != MembershipRole.ALTERNATE:
            by_person.setdefault(m.person_id, []).append(m)
    wanted = {pid: _best(ms) for pid, ms in by_person.items()}
    existing = {
        a.person_id: a
        for a in Attendance.objects.select_for_update(of=("self",))
        .filter(meeting=meeting)
        .select_related("person", "membership", "constituency", "represented_by")
    }
    audit: list[tuple[Any, str, dict[str, Any]]] = []
    withdrawn: list[Attendance] = []

    # Invitations nobody has acted on yet follow the membership; recorded lines stay.
    for pid, row in existing.items():
        if row.status != AttendanceStatus.INVITED:
            report.kept += 1
            continue
        membership = wanted.get(pid)
        if membership is None:
            audit.append((row, "delete", {k: [v, None] for k, v in _row_fields(row).items()}))
            report.withdrawn.append(row.person.name)
            withdrawn.append(row)
            continue
        before = snapshot(row, ATTENDANCE_FIELDS)
        row.membership = membership
        row.role = membership.role
        row.constituency = membership.constituency
        delta = diff(before, snapshot(row, ATTENDANCE_FIELDS))
        if delta:
            bump_version(row)
            row.save()
            audit.append((row, "update", delta))
            report.updated.append(row)
        else:
            report.kept += 1

    new_rows = [
        Attendance(
            meeting=meeting,
            person=m.person,
            membership=m,
            constituency=m.constituency,
            role=m.role,
            status=AttendanceStatus.INVITED,
        )
        for pid, m in sorted(wanted.items(), key=lambda kv: kv[1].person.name if kv[1] else "")
        if pid not in existing and m is not None
    ]
    if new_rows:
        created = Attendance.objects.bulk_create(new_rows, batch_size=500)
        if any(a.pk is None for a in created):  # SQLite before 3.35 returns no ids
            ids = {a.person_id for a in new_rows}
            created = list(
                Attendance.objects.filter(meeting=meeting, person_id__in=ids).select_related(
                    "person", "membership", "constituency"
                )
            )
        report.invited = created
        audit += [(a, "create", {k: [None, v] for k, v in _row_fields(a).items()}) for a in created]
    record_many(actor=actor, items=audit)  # before the deletes: entries name the row ids
    if withdrawn:
        Attendance.objects.filter(pk__in=[a.pk for a in withdrawn]).delete()
    return report


def _represented_by_alternate(
    meeting: Meeting, person: Person, membership: Membership | None, represented_by: Person | None
) -> Membership:
    """The alternate membership that lets `represented_by` stand in for `person`."""
    if represented_by is None:
        raise ValidationError.for_field(
            "represented_by", f"Choose the alternate who represented {person.name}."
        )
    if membership is None or membership.role != MembershipRole.REPRESENTATIVE:
        raise ValidationError.for_field(
            "status",
            f"{person.name} is not a representative on {meeting.group.acronym} on "
            f"{_day_text(meeting)}: only a representative is represented by an alternate.",
        )
    alternates = [
        m
        for m in _current_memberships(meeting)
        if m.role == MembershipRole.ALTERNATE and m.alternate_for_id == membership.pk
    ]
    for alt in alternates:
        if alt.person_id == represented_by.pk:
            return alt
    names = ", ".join(sorted(a.person.name for a in alternates))
    hint = f" Their alternates: {names}." if names else " They have no alternate on that date."
    raise ValidationError.for_field(
        "represented_by",
        f"{represented_by.name} is not an alternate of {person.name} on "
        f"{meeting.group.acronym} on {_day_text(meeting)}.{hint}",
    )


def _save_row(actor: Any, row: Attendance, change: Change[Attendance] | None) -> Attendance:
    """Create the line, or commit the change begun on the locked line."""
    if change is None:
        check_bounds(row)
        row.save()
        record_create(actor=actor, obj=row, fields=_row_fields(row))
        return row
    change.commit(actor=actor)
    return row


def _mark_alternate_present(actor: Any, meeting: Meeting, alternate: Membership) -> Attendance:
    row = (
        Attendance.objects.select_for_update(of=("self",))
        .filter(meeting=meeting, person_id=alternate.person_id)
        .first()
    )
    before = None if row is None else Change.begin(row, ATTENDANCE_FIELDS)
    if row is None:
        row = Attendance(meeting=meeting, person=alternate.person)
    row.membership = alternate
    row.role = MembershipRole.ALTERNATE
    row.constituency = alternate.constituency
    row.status = AttendanceStatus.PRESENT
    row.represented_by = None
    return _save_row(actor, row, before)


@transaction.atomic
def record_attendance(
    *,
    actor: Any,
    meeting: Meeting,
    person: Person,
    status: str,
    represented_by: Person | None = None,
    expected_version: int | None = None,
) -> Attendance:
    """Record one person's attendance at a meeting (their line is created if need be).

    `expected_version` is checked against the person's line when it exists; a new line
    (a guest, a member who joined after the invitations) needs none.
    """
    access.require(user=actor, action="record_attendance", obj=meeting)
    meeting = _open_meeting(meeting)
    if status not in AttendanceStatus.values:
        raise ValidationError.for_field(
            "status", f"Status must be one of: {', '.join(AttendanceStatus.values)}."
        )
    if person.programme_id != meeting.group.programme_id:
        raise ValidationError.for_field("person", f"{person.name} belongs to another programme.")
    row = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("membership", "constituency", "represented_by")
        .filter(meeting=meeting, person=person)
        .first()
    )
    if row is not None:
        check_version(row, expected_version)
    membership = _best(_current_memberships(meeting, person))
    if row is not None and row.membership_id and membership is None:
        membership = row.membership  # recorded as a member; keep the place they came in
    group = meeting.group.acronym
    if membership is None and status not in (AttendanceStatus.GUEST, AttendanceStatus.OBSERVER):
        raise ValidationError.for_field(
            "status",
            f"{person.name} is not a member of {group} on {_day_text(meeting)}: "
            "record them as an invited guest or an observer.",
        )
    if (
        status == AttendanceStatus.GUEST
        and membership is not None
        and membership.role != MembershipRole.INVITED
    ):
        raise ValidationError.for_field(
            "status",
            f"{person.name} is a member of {group} ({membership.get_role_display()}): "
            "record them as present or as an observer, not as a guest.",
        )
    if represented_by is not None and status != AttendanceStatus.REPRESENTED:
        raise ValidationError.for_field(
            "represented_by",
            "Only someone represented by an alternate names who represented them.",
        )
    alternate = None
    if status == AttendanceStatus.REPRESENTED:
        alternate = _represented_by_alternate(meeting, person, membership, represented_by)

    before = None if row is None else Change.begin(row, ATTENDANCE_FIELDS)
    if row is None:
        row = Attendance(meeting=meeting, person=person)
    if membership is not None:
        row.membership = membership
        row.role = membership.role
        row.constituency = membership.constituency
    row.status = status
    row.represented_by = represented_by if alternate is not None else None
    row = _save_row(actor, row, before)
    if alternate is not None:
        _mark_alternate_present(actor, meeting, alternate)
    return row


@dataclass
class RegisterReport:
    changed: list[Attendance] = field(default_factory=list)
    unchanged: int = 0


@transaction.atomic
def record_register(
    *, actor: Any, meeting: Meeting, entries: Sequence[RegisterEntry]
) -> RegisterReport:
    """Record a whole register (the page's form). Lines whose status and alternate are as
    stored are skipped; the rest are recorded with `record_attendance`. Any problem
    rejects the whole register, with field errors keyed `status-<person id>` and
    `represented_by-<person id>` so the form shows each beside its line."""
    access.require(user=actor, action="record_attendance", obj=meeting)
    meeting = _open_meeting(meeting, lock=True)
    rows = {
        a.person_id: a for a in Attendance.objects.filter(meeting=meeting).select_related("person")
    }
    people = {
        p.pk: p
        for p in Person.objects.filter(
            pk__in={e.person_id for e in entries}
            | {e.represented_by_id for e in entries if e.represented_by_id}
        )
    }
    report = RegisterReport()
    errors: dict[str, list[str]] = {}
    changed: list[RegisterEntry] = []
    for e in entries:
        row = rows.get(e.person_id)
        if row is None or e.person_id not in people:
            errors.setdefault(f"status-{e.person_id}", []).append(
                "This person is not on the register any more: reload the page."
            )
            continue
        represented_by_id = (
            e.represented_by_id if e.status == AttendanceStatus.REPRESENTED else None
        )
        if row.status == e.status and row.represented_by_id == represented_by_id:
            report.unchanged += 1
            continue
        changed.append(e)
    # Alternates named as standing in are recorded present after their own lines, and
    # cannot at the same time be recorded as anything else.
    changed.sort(key=lambda e: e.status == AttendanceStatus.REPRESENTED)
    explicit = {e.person_id: e.status for e in changed}
    for e in changed:
        person = people[e.person_id]
        if e.status == AttendanceStatus.REPRESENTED and e.represented_by_id:
            other = explicit.get(e.represented_by_id)
            if other is not None and other != AttendanceStatus.PRESENT:
                stand_in = people[e.represented_by_id]
                label = AttendanceStatus(other).label.lower()
                errors.setdefault(f"represented_by-{e.person_id}", []).append(
                    f"{stand_in.name} is recorded as “{label}”, so cannot represent {person.name}."
                )
                continue
        try:
            with transaction.atomic():
                report.changed.append(
                    record_attendance(
                        actor=actor,
                        meeting=meeting,
                        person=person,
                        status=e.status,
                        represented_by=people.get(e.represented_by_id or 0)
                        if e.status == AttendanceStatus.REPRESENTED
                        else None,
                        expected_version=e.expected_version,
                    )
                )
        except ValidationError as exc:
            if exc.field_errors:
                for name, messages in exc.field_errors.items():
                    key = "represented_by" if name == "represented_by" else "status"
                    errors.setdefault(f"{key}-{e.person_id}", []).extend(messages)
            else:
                errors.setdefault(f"status-{e.person_id}", []).append(exc.message)
    if errors:
        count = sum(len(v) for v in errors.values())
        raise ValidationError(
            f"The register was not saved: {count} line{'s' if count != 1 else ''} to correct.",
            field_errors=errors,
        )
    return report
