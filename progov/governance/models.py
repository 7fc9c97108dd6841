"""The governance structure: programmes, groups in levels, constituencies and membership."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from progov.core.access import Classification
from progov.core.models import VersionedModel


class Programme(VersionedModel):
    """An industry programme run on progov.

    Example: "Market-wide Half-Hourly Settlement" (slug `mhhs`), sponsored by Ofgem,
    with Elexon as SRO, whose governance deadlines count England & Wales working days
    and whose dates are in Europe/London.
    """

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=50, blank=True)
    description = models.TextField(blank=True)
    sponsor = models.CharField(max_length=200, blank=True)
    governance_calendar = models.CharField(
        max_length=50,
        default="england-and-wales",
        help_text="The working-day calendar governance deadlines are counted in.",
    )
    timezone = models.CharField(
        max_length=50,
        default="Europe/London",
        help_text="The IANA time zone of the programme's dates: today, clashes, feeds.",
    )
    deadlines_tracked_from = models.DateField(
        null=True,
        blank=True,
        help_text="The day the programme began tracking deadlines in progov: a deadline "
        'due before it that progov has no record of meeting reads "not tracked", not '
        '"overdue" (papers published by e-mail before progov are not late).',
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class FrameworkVersion(models.Model):
    """One row of the governance framework's change record.

    Example: version "3.2" of 27 Nov 2023 by Amy Clayton & Fraser Mathieson,
    "Updated with CR035 (TMAG restructure and other housekeeping changes)".
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="framework_versions"
    )
    version = models.CharField(max_length=20)
    date = models.DateField()
    author = models.CharField(max_length=200, blank=True)
    change_detail = models.TextField(blank=True)

    class Meta:
        ordering = ["programme", "date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"], name="uniq_framework_version")
        ]

    def __str__(self) -> str:
        return f"v{self.version} ({self.date:%d %b %Y})"


class DeadlineKey(models.TextChoices):
    """The deadlines progov knows the meaning of: what meets each one (`meetings.deadlines`).

    Example: MHHS's `papers_due` (5 working days before the meeting) is met when every
    paper is published; `amendments_due` is the participants' deadline before the next
    meeting. A pack may add a rule with another key: it is computed, never met by a fact.
    """

    PAPERS_DUE = "papers_due", "Papers"
    HEADLINE_REPORT_DUE = "headline_report_due", "Headline report"
    MINUTES_DUE = "minutes_due", "Minutes"
    DECISIONS_PUBLISHED_DUE = "decisions_published_due", "Decisions published"
    AMENDMENTS_DUE = "amendments_due", "Amendment requests"
    CHANGE_REQUEST_DECISION_COMMUNICATED_DUE = (
        "change_request_decision_communicated_due",
        "Change request decision communicated",
    )


class DeadlineRule(models.Model):
    """A working-day deadline the framework sets, from which meeting deadlines are computed.

    Example: `papers_due`, 5 working days *before* the meeting; `headline_report_due`,
    2 working days *after* (1 day before framework v3.2); for CCAG only,
    `decisions_published_due`, 5 working days after.
    """

    class Direction(models.TextChoices):
        BEFORE = "before", "before"
        AFTER = "after", "after"

    class Anchor(models.TextChoices):
        MEETING = "meeting", "the meeting"
        NEXT_MEETING = "next_meeting", "the group's next meeting"
        DECISION = "decision", "the decision"

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="deadline_rules"
    )
    key = models.SlugField(max_length=60)  # a DeadlineKey, e.g. papers_due
    label = models.CharField(max_length=200)
    working_days = models.PositiveSmallIntegerField()
    direction = models.CharField(max_length=10, choices=Direction.choices)
    anchor = models.CharField(max_length=20, choices=Anchor.choices, default=Anchor.MEETING)
    # A rule for one group only (CCAG's decisions), else for every group of the given levels.
    group = models.ForeignKey(
        "GovernanceGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadline_rules",
    )
    levels = models.JSONField(
        default=list, blank=True, help_text="Levels it applies to; empty = all."
    )
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="Where the framework says so.")

    class Meta:
        ordering = ["programme", "key", "effective_from"]

    def __str__(self) -> str:
        return f"{self.label}: {self.working_days} working days {self.direction} {self.get_anchor_display()}"


class RegulatorThreshold(models.Model):
    """A threshold above which the sponsor (Level 1) decides.

    Example: `cost_single` — a cost or benefit impact of £5m for a single decision;
    `tom_impact` — a material impact on the Target Operating Model (no amount).
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="thresholds")
    key = models.SlugField(max_length=60)
    description = models.CharField(max_length=300)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    cumulative = models.BooleanField(default=False)

    class Meta:
        ordering = ["programme", "key"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="uniq_threshold_key")
        ]

    def __str__(self) -> str:
        return self.description


class Workstream(models.Model):
    """A stream of the programme's work, e.g. "Test and Migration" (mailbox Testing@…)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="workstreams")
    name = models.CharField(max_length=100)
    mailbox = models.EmailField(blank=True)

    class Meta:
        ordering = ["programme", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="uniq_workstream")
        ]

    def __str__(self) -> str:
        return self.name


class GroupStatus(models.TextChoices):
    TO_BE_MOBILISED = "to_be_mobilised", "To be mobilised"
    MOBILISATION_IN_PROGRESS = "mobilisation_in_progress", "Mobilisation in progress"
    MOBILISED = "mobilised", "Mobilised"
    AD_HOC = "ad_hoc", "Available for ad hoc meetings"
    STOOD_DOWN = "stood_down", "Stood down"


class AttendancePolicy(models.TextChoices):
    """Who may attend a group's meetings (not a person's attendance at one: `meetings.Attendance`).

    Example: PSG is `closed`; BPRWG-TDWG is `open` ("Open to all. Primarily Programme Design team…").
    """

    CLOSED = "closed", "Closed"
    OPEN = "open", "Open to all"


# A group's visibility is a classification of the access model (core.access):
# `public` groups are seen by anyone, `participants` by signed-in participants, `group` by
# its own members and the programme secretariat.
Visibility = Classification


class GovernanceGroup(VersionedModel):
    """A governance group: a board, advisory group, working group or sub-group.

    Example: the Design Advisory Group (DAG), level 3, parent PSG, workstream Design,
    closed attendance, mobilised, "To Q1 23/24", meeting the 2nd Wednesday of each
    month 10:00–13:00. `level` is None for groups outside the levels (FTIG: "N/A").

    The schedule is an RFC 5545 RRULE (without DTSTART) plus local start and end
    times in Europe/London; `schedule_note` keeps "N/A" or "TBC" when there is none.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=200)
    acronym = models.CharField(max_length=30)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    workstream = models.ForeignKey(
        Workstream, null=True, blank=True, on_delete=models.SET_NULL, related_name="groups"
    )
    purpose = models.TextField(blank=True)
    objectives = models.TextField(blank=True, help_text="One objective per line.")
    attendance = models.CharField(
        max_length=10, choices=AttendancePolicy.choices, default=AttendancePolicy.OPEN
    )
    attendance_note = models.TextField(
        blank=True, help_text='e.g. "Closed attendance of core Programme leads…"'
    )
    status = models.CharField(
        max_length=30, choices=GroupStatus.choices, default=GroupStatus.MOBILISED
    )
    timeframe = models.CharField(max_length=100, blank=True)
    is_formal = models.BooleanField(
        default=True, help_text="False for informal groups outside the framework."
    )
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    schedule_rrule = models.CharField(max_length=300, blank=True)
    schedule_start_time = models.TimeField(null=True, blank=True)
    schedule_end_time = models.TimeField(null=True, blank=True)
    schedule_timezone = models.CharField(max_length=50, default="Europe/London")
    schedule_note = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["programme", "level", "acronym"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "acronym"], name="uniq_group_acronym"),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=4),
                name="group_level_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})"

    @property
    def audit_label(self) -> str:
        """How the audit trail names the group in another object's fields: "DAG"."""
        return self.acronym

    @property
    def objectives_list(self) -> list[str]:
        return [line.strip() for line in self.objectives.splitlines() if line.strip()]

    @property
    def level_label(self) -> str:
        return f"Level {self.level}" if self.level else "Outside the levels"


class GroupStatusChange(models.Model):
    """A dated change of a group's status, e.g. TMAG → stood down on 27 Nov 2023."""

    group = models.ForeignKey(
        GovernanceGroup, on_delete=models.CASCADE, related_name="status_history"
    )
    status = models.CharField(max_length=30, choices=GroupStatus.choices)
    effective_date = models.DateField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["group", "effective_date", "id"]

    def __str__(self) -> str:
        return f"{self.group.acronym}: {self.get_status_display()} from {self.effective_date}"


class TermsOfReference(models.Model):
    """One version of a group's terms of reference.

    Example: TMAG ToR version "3.1" of 8 Mar 2023, change note "Updated with CR020".
    The highest-dated version is the one in force.
    """

    group = models.ForeignKey(
        GovernanceGroup, on_delete=models.CASCADE, related_name="terms_of_reference"
    )
    version_number = models.CharField(max_length=20)
    date = models.DateField()
    change_note = models.CharField(max_length=300, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["group", "-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "version_number"], name="uniq_tor_version")
        ]

    def __str__(self) -> str:
        return f"{self.group.acronym} ToR v{self.version_number}"


class GroupSuccession(models.Model):
    """A restructure link: `predecessor` was replaced by (or split into) `successor`.

    Example: TAG → TMAG; TMAG → SITAG, TMAG → MCAG and TMAG → QAG on 27 Nov 2023
    (reason "CR035"). The old group stays with its own history.
    """

    predecessor = models.ForeignKey(
        GovernanceGroup, on_delete=models.CASCADE, related_name="successions"
    )
    successor = models.ForeignKey(
        GovernanceGroup, on_delete=models.CASCADE, related_name="predecessions"
    )
    date = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="uniq_succession")
        ]

    def __str__(self) -> str:
        return f"{self.predecessor.acronym} → {self.successor.acronym}"


class ConstituencyKind(models.TextChoices):
    PARTICIPANT = "participant", "Programme participants"
    CENTRAL = "central", "Central system provider"
    CODE_BODY = "code_body", "Code body"
    PROGRAMME = "programme", "Programme"
    ASSURANCE = "assurance", "Independent assurance"
    REGULATOR = "regulator", "Regulator"
    OTHER = "other", "Other"


class Constituency(VersionedModel):
    """A category of participants represented on closed groups.

    Example: "Large Supplier" (participant), "DCC" (central system provider),
    "Ofgem" (regulator, observer).
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="constituencies"
    )
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=150)
    kind = models.CharField(
        max_length=20, choices=ConstituencyKind.choices, default=ConstituencyKind.PARTICIPANT
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["programme", "name"]
        verbose_name_plural = "constituencies"
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="uniq_constituency_code")
        ]

    def __str__(self) -> str:
        return self.name


class MarketRole(models.Model):
    """A role an organisation plays in the market, e.g. Supplier, DNO, Data Services."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(VersionedModel):
    """A company or body taking part, e.g. Elexon (central system provider, BSC code body)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="organisations")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=50, blank=True)
    market_roles = models.ManyToManyField(MarketRole, blank=True, related_name="organisations")
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["programme", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="uniq_organisation_name")
        ]

    def __str__(self) -> str:
        return self.name


class Person(VersionedModel):
    """A named individual, optionally linked to a login.

    Example: Kate Goodman (Programme), who leads agenda items at TMAG.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        ordering = ["programme", "name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name


class MembershipRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    SECRETARIAT = "secretariat", "Secretariat"
    PROGRAMME_LEAD = "programme_lead", "Programme lead"
    REPRESENTATIVE = "representative", "Representative"
    ALTERNATE = "alternate", "Alternate"
    OBSERVER = "observer", "Observer"
    INVITED = "invited", "Invited attendee"


class Seat(models.Model):
    """A place on a group that its terms of reference define, filled or vacant.

    Example: PSG seat "l) Large Supplier Representative" (constituency Large Supplier,
    role representative); DAG seat "a) SRO as Chair" (role chair).
    """

    group = models.ForeignKey(GovernanceGroup, on_delete=models.CASCADE, related_name="seats")
    label = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=MembershipRole.choices)
    constituency = models.ForeignKey(
        Constituency, null=True, blank=True, on_delete=models.PROTECT, related_name="seats"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["group", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["group", "label"], name="uniq_seat_label")]

    def __str__(self) -> str:
        return f"{self.group.acronym}: {self.label}"


class Membership(VersionedModel):
    """A person's place on a group for a period.

    Example: Jane Doe, Large Supplier representative on PSG from 1 Feb 2022; her
    alternate is a second membership with role `alternate` and `alternate_for`
    pointing at hers. On TMAG `part` says which half ("Testing" or "Migration") a
    co-representative covers.
    """

    group = models.ForeignKey(GovernanceGroup, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=MembershipRole.choices)
    constituency = models.ForeignKey(
        Constituency, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    seat = models.ForeignKey(
        Seat, null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships"
    )
    part = models.CharField(max_length=50, blank=True)
    alternate_for = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="alternates"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["group", "constituency__name", "role", "person__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()} of {self.group.acronym}"


class NamedReader(models.Model):
    """A person named on a restricted object, who may therefore read it.

    Example: a `restricted` PSG paper on one supplier's commercial position is named for
    the IPA Manager; besides them only the programme secretariat reads it. `object_type`
    is the access model's kind (`meetings.paper`), `object_id` the object's id.
    """

    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="named_on")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["object_type", "object_id", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["object_type", "object_id", "person"], name="uniq_named_reader"
            )
        ]
        indexes = [models.Index(fields=["object_type", "object_id"], name="named_reader_object")]

    def __str__(self) -> str:
        return f"{self.person} may read {self.object_type} #{self.object_id}"
