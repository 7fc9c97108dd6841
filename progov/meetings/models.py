"""Meetings of governance groups: series, agendas, papers, attendance and headline reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from progov.core.access import Classification
from progov.core.models import VersionedModel
from progov.governance.models import Constituency, GovernanceGroup, Membership, Organisation, Person


class MeetingSeries(VersionedModel):
    """How a group's recurring meetings are generated and numbered.

    Example: TMAG's series starts on 1 Mar 2022 with meeting number 3 (TAG's January and
    February meetings were #1 and #2), so the occurrence of 21 Sep 2022 is TMAG #9. A
    quorum rule, where a programme sets one, reads "the chair plus representatives of at
    least N constituencies".
    The recurrence itself is the group's schedule (`GovernanceGroup.schedule_rrule`).
    """

    group = models.OneToOneField(
        GovernanceGroup, on_delete=models.CASCADE, related_name="meeting_series"
    )
    starts_on = models.DateField(help_text="The first scheduled meeting is on or after this date.")
    first_number = models.PositiveIntegerField(default=1)
    ends_on = models.DateField(
        null=True, blank=True, help_text="No meetings are generated after this date."
    )
    location = models.CharField(max_length=200, blank=True)
    online_link = models.URLField(blank=True)
    quorum_chair_required = models.BooleanField(default=False)
    quorum_min_constituencies = models.PositiveSmallIntegerField(
        default=0,
        help_text="Constituencies that must be represented (representative or alternate).",
    )

    class Meta:
        verbose_name_plural = "meeting series"

    def __str__(self) -> str:
        return f"{self.group.acronym} meetings from {self.starts_on:%d %b %Y}"


class MeetingKind(models.TextChoices):
    REGULAR = "regular", "Regular"
    EXTRAORDINARY = "extraordinary", "Extraordinary"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    CONFIRMED = "confirmed", "Confirmed"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"
    MOVED = "moved", "Moved"


class Meeting(VersionedModel):
    """One meeting of a group.

    Example: TMAG #9, a regular meeting scheduled for Wednesday 21 Sep 2022 10:00–12:00
    and held on Thursday 22 Sep 2022 (status `moved`, `original_start` 21 Sep). An
    extraordinary meeting is numbered after the last regular one: DAG 10.1, PSG 25.1.

    `scheduled_start` is the occurrence of the group's schedule the meeting came from
    (None for extraordinary meetings); regeneration matches on it, so a moved or
    cancelled occurrence is never created again.
    """

    group = models.ForeignKey(GovernanceGroup, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(max_length=20, choices=MeetingKind.choices, default=MeetingKind.REGULAR)
    number_major = models.PositiveIntegerField()
    number_minor = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200, blank=True, help_text='e.g. "M9 decision"')
    scheduled_start = models.DateTimeField(null=True, blank=True)
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField()
    original_start = models.DateTimeField(null=True, blank=True)
    original_end = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    location = models.CharField(max_length=200, blank=True)
    online_link = models.URLField(blank=True)
    recording_link = models.URLField(blank=True)
    status_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "number_major", "number_minor"], name="uniq_meeting_number"
            ),
            models.UniqueConstraint(
                fields=["group", "scheduled_start"],
                condition=Q(scheduled_start__isnull=False),
                name="uniq_meeting_occurrence",
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="meeting_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["group", "start"])]

    def __str__(self) -> str:
        return f"{self.group.acronym} #{self.number} ({self.start:%d %b %Y})"

    @property
    def number(self) -> str:
        """ "24" for a regular meeting, "10.1" for an extraordinary one."""
        return (
            f"{self.number_major}.{self.number_minor}"
            if self.number_minor
            else str(self.number_major)
        )

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def duration_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


class AgendaItemType(models.TextChoices):
    DECISION = "decision", "Decision"
    DISCUSSION = "discussion", "Discussion"
    INFORMATION = "information", "Information"
    BREAK = "break", "Break"


class AgendaLeadFields(models.Model):
    """Who leads an item: a person, an organisation, or text such as "Programme (Kate Goodman)"."""

    lead_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead_text = models.CharField(max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def lead(self) -> str:
        if self.lead_text:
            return self.lead_text
        if self.lead_person_id:
            return str(self.lead_person)
        if self.lead_organisation_id:
            return str(self.lead_organisation)
        return ""


class AgendaTemplateItem(AgendaLeadFields):
    """A standing item every new meeting of the group starts with.

    Example: TMAG's "Minutes and actions" (Decision, Chair and Secretariat, 5 minutes).
    """

    group = models.ForeignKey(
        GovernanceGroup, on_delete=models.CASCADE, related_name="agenda_template"
    )
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    objective = models.TextField(blank=True, max_length=2000)
    item_type = models.CharField(
        max_length=20, choices=AgendaItemType.choices, default=AgendaItemType.INFORMATION
    )
    duration_minutes = models.PositiveSmallIntegerField(default=5)
    at_end = models.BooleanField(
        default=False, help_text="Goes after the meeting's own items (e.g. Summary)."
    )

    class Meta:
        ordering = ["group", "at_end", "position", "id"]

    def __str__(self) -> str:
        return f"{self.group.acronym}: {self.title}"


class AgendaItem(VersionedModel, AgendaLeadFields):
    """A numbered item on a meeting's agenda; its time slot is computed from the order.

    Example: TMAG #9 item 4 "Programme re-plan", Discussion, lead "Programme (Kate
    Goodman)", 40 minutes → 10:15–10:55. A break is an item of type Break.
    `carried_from` links an item not reached at the previous meeting.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    objective = models.TextField(blank=True, max_length=2000)
    item_type = models.CharField(
        max_length=20, choices=AgendaItemType.choices, default=AgendaItemType.INFORMATION
    )
    duration_minutes = models.PositiveSmallIntegerField(default=5)
    is_standing = models.BooleanField(default=False)
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    not_reached = models.BooleanField(default=False)
    forward_look_item = models.ForeignKey(
        "ForwardLookItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
    )

    class Meta:
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.position}. {self.title}"


class ForwardLookStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    SCHEDULED = "scheduled", "On an agenda"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class ForwardLookItem(VersionedModel, AgendaLeadFields):
    """An item planned for a future meeting of the group (the "agenda roadmap").

    Example: DAG's forward look puts "Tranche 4 design artefacts approval" on the
    September meeting; when the September agenda is drawn up the item moves onto it.
    """

    group = models.ForeignKey(
        GovernanceGroup, on_delete=models.CASCADE, related_name="forward_look"
    )
    target_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="forward_look_items"
    )
    title = models.CharField(max_length=200)
    objective = models.TextField(blank=True, max_length=2000)
    item_type = models.CharField(
        max_length=20, choices=AgendaItemType.choices, default=AgendaItemType.DISCUSSION
    )
    duration_minutes = models.PositiveSmallIntegerField(default=15)
    status = models.CharField(
        max_length=20, choices=ForwardLookStatus.choices, default=ForwardLookStatus.PLANNED
    )

    class Meta:
        ordering = ["group", "target_meeting__start", "id"]

    def __str__(self) -> str:
        return f"{self.group.acronym} forward look: {self.title}"


class PaperKind(models.TextChoices):
    PAPER = "paper", "Paper"
    PACK = "pack", "Meeting pack"
    MINUTES = "minutes", "Minutes"
    OTHER = "other", "Other"


class Paper(VersionedModel):
    """A file attached to a meeting or one of its agenda items.

    Example: "TMAG #9 meeting pack" (MHHS-DEL621), version 1.0, classification Public,
    published 14 Sep 2022 — five working days before the meeting (19 Sep 2022 was a bank
    holiday).
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="papers")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="papers"
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=PaperKind.choices, default=PaperKind.PAPER)
    classification = models.CharField(
        max_length=20, choices=Classification.choices, default=Classification.PUBLIC
    )
    paper_version = models.CharField(max_length=20, default="1.0")
    file = models.FileField(upload_to="papers/%Y/%m/", max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    published_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "agenda_item__position", "title", "id"]

    def __str__(self) -> str:
        return f"{self.title} v{self.paper_version}"


class AttendanceStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    REPRESENTED = "represented", "Represented by alternate"
    OBSERVER = "observer", "Observer"
    GUEST = "guest", "Invited guest"


class Attendance(VersionedModel):
    """A person's invitation to and attendance at one meeting.

    Example: the Large Supplier representative sends apologies to PSG #24 and is
    `represented` by their alternate, who is `present`.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendance")
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="attendance"
    )
    constituency = models.ForeignKey(
        Constituency, null=True, blank=True, on_delete=models.SET_NULL, related_name="attendance"
    )
    role = models.CharField(max_length=20, blank=True, help_text="The membership role at the time.")
    status = models.CharField(
        max_length=20, choices=AttendanceStatus.choices, default=AttendanceStatus.INVITED
    )
    represented_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "constituency__name", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="uniq_attendance_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.meeting}: {self.get_status_display()}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class HeadlineReport(VersionedModel):
    """The headline report of a meeting: decisions (timestamped against the recording),
    context and pertinent industry views, issued within two working days.

    Example: "PSG Headline Report 6 Sep 2023", drafted when the meeting is marked held
    and published by the secretariat on 8 Sep 2023.
    """

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="headline_report"
    )
    body = models.TextField(blank=True, help_text="Markdown: headings, lists, links, emphasis.")
    status = models.CharField(
        max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Headline report of {self.meeting}"


class AmendmentStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"


class AmendmentRequest(VersionedModel):
    """A participant's request to amend a published headline report.

    Example: a DNO representative asks on 12 Sep 2023 that PSG #24's report record their
    constituency's objection; the secretariat answers and closes it.
    """

    report = models.ForeignKey(
        HeadlineReport, on_delete=models.CASCADE, related_name="amendment_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requester_name = models.CharField(max_length=200)
    text = models.TextField(max_length=10_000)
    submitted_at = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=AmendmentStatus.choices, default=AmendmentStatus.OPEN
    )
    response = models.TextField(blank=True, max_length=10_000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["report", "submitted_at", "id"]

    def __str__(self) -> str:
        return f"Amendment request by {self.requester_name} on {self.report.meeting}"


class CalendarFeedToken(models.Model):
    """An unguessable token in a personal iCal feed URL, so calendar clients can
    subscribe without a session. Stored as a hash; revoking it stops the feed.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="feed_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Feed token {self.prefix}… for {self.person}"
