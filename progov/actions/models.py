"""The action log (domain.md §3): what a group asked someone to do, and what became of it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from progov.core.models import VersionedModel
from progov.governance.models import GovernanceGroup, Organisation, Person, Programme


class ActionStatus(models.TextChoices):
    """The statuses the packs print: "Open - ongoing" (TMAG), "ONGOING:", "IN PROG",
    "RECOMMEND CLOSED:" (PSG, DAG). Closed and Cancelled end an action."""

    OPEN = "open", "Open"
    ONGOING = "ongoing", "Ongoing"
    IN_PROGRESS = "in_progress", "In progress"
    RECOMMEND_CLOSED = "recommend_closed", "Recommend closed"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


ENDED = (ActionStatus.CLOSED, ActionStatus.CANCELLED)
# What an owner may report with an update; closing is the group's, at a meeting.
REPORTED = (
    ActionStatus.OPEN,
    ActionStatus.ONGOING,
    ActionStatus.IN_PROGRESS,
    ActionStatus.RECOMMEND_CLOSED,
)


class Action(VersionedModel):
    """One row of a group's action log.

    Example (seed 003, PSG #24's pack): PSG23-01 "Diarise the extraordinary PSG meeting
    needed for M9 approval on 30th October", owner "Programme (Fraser Mathieson)", due
    06/09/2023, RECOMMEND CLOSED: "Extraordinary meeting booked." — raised at PSG #23.

    The ref is the group's acronym, the number of the meeting it was raised at and a
    two-digit sequence (`ref_prefix` "PSG23", `sequence` 1). It is generated when an
    action is raised in progov and kept as given when a log is imported; it never changes.
    `owner_text` is the owner as the log prints it; `owners` what it resolves to.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="actions")
    group = models.ForeignKey(GovernanceGroup, on_delete=models.PROTECT, related_name="actions")
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions_raised",
    )
    ref = models.CharField(max_length=40)
    ref_prefix = models.CharField(max_length=36)
    sequence = models.PositiveIntegerField()
    raised_on = models.DateField(null=True, blank=True)
    description = models.TextField()
    owner_text = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)
    due_text = models.CharField(
        max_length=200, blank=True, help_text='A due condition in words: "To be reviewed at CP2".'
    )
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    latest_update = models.TextField(blank=True)
    closure_recommended_on = models.DateField(null=True, blank=True)
    closed_at = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions_closed",
        help_text="The meeting at which the group confirmed the closure.",
    )
    closed_on = models.DateField(null=True, blank=True)
    note = models.CharField(
        max_length=300, blank=True, help_text="Why a ref was corrected, where it came from."
    )

    class Meta:
        ordering = ["ref_prefix", "sequence", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "ref"], name="uniq_action_ref"),
        ]
        indexes = [
            models.Index(fields=["programme", "ref_prefix", "sequence", "id"]),
            models.Index(fields=["programme", "status"]),
            models.Index(fields=["group", "status"]),
            models.Index(fields=["due_on"]),
        ]

    def __str__(self) -> str:
        return self.ref

    @property
    def audit_label(self) -> str:
        return self.ref

    @property
    def is_ended(self) -> bool:
        return self.status in ENDED


class ActionOwner(models.Model):
    """What an action's owner resolves to: a person, an organisation or a group's members.

    Example: "Programme (Lewis Hall & Fraser Mathieson)" resolves to the organisation MHHS
    Programme and the people Lewis Hall and Fraser Mathieson (three rows); "PSG
    Constituency Representatives" to the members of PSG.
    """

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="owners")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="actions_owned"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="actions_owned"
    )
    group = models.ForeignKey(
        GovernanceGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions_owned",
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(person__isnull=False, organisation__isnull=True, group__isnull=True)
                    | Q(person__isnull=True, organisation__isnull=False, group__isnull=True)
                    | Q(person__isnull=True, organisation__isnull=True, group__isnull=False)
                ),
                name="action_owner_is_one_thing",
            )
        ]
        indexes = [
            models.Index(fields=["person"]),
            models.Index(fields=["organisation"]),
            models.Index(fields=["group"]),
        ]

    def __str__(self) -> str:
        return str(self.person or self.organisation or self.group)


class ActionUpdate(models.Model):
    """One dated entry of an action's journal, with its author and the status it left.

    Example: DAG13-04, 10 Aug 2022, "RECOMMEND CLOSED: Tracker updated" (status Recommend
    closed); at DAG #15 the chair records "Closure confirmed" (status Closed) against
    that meeting.
    """

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    posted_at = models.DateTimeField()
    posted_on = models.DateField()
    author = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_updates"
    )
    author_name = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_updates",
        help_text="The meeting it was recorded at (a confirmed closure).",
    )

    class Meta:
        ordering = ["posted_at", "id"]
        indexes = [models.Index(fields=["action", "posted_at"])]

    def __str__(self) -> str:
        return f"{self.action.ref} {self.posted_on:%d %b %Y}: {self.get_status_display()}"


class OwnerAlias(models.Model):
    """A name the logs use for an owner, and what it stands for.

    Example: the MHHS packs write "Programme", "PMO" and "Programme (PMO/PPC)" for the
    programme's own staff: the alias "Programme" stands for the organisation MHHS
    Programme; "IPA" for the independent assurer.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="owner_aliases")
    alias = models.CharField(max_length=100)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="aliases"
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="aliases"
    )

    class Meta:
        ordering = ["alias"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "alias"], name="uniq_owner_alias"),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(person__isnull=False),
                name="owner_alias_names_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alias} → {self.organisation or self.person}"
