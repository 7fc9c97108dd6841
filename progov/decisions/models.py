"""The decision log, the governance rules that route decisions, escalations and appeals
(domain.md §3; the framework's "Decision making", "Escalations" and "Appeals")."""

from __future__ import annotations

from django.db import models

from progov.core.models import VersionedModel
from progov.governance.models import (
    Constituency,
    GovernanceGroup,
    Organisation,
    Person,
    Programme,
)


class RuleSet(VersionedModel):
    """The framework's decision rules as data, versioned with the framework.

    Example (MHHS, framework v3.2): the regulator is OFGEM, reached through the IPA;
    design decisions are delegated to DAG (Level 3), change requests are PSG's (Level 2);
    the cumulative cost impact counts the programme's decisions since its last re-baseline.
    The thresholds themselves are the programme's `RegulatorThreshold`s (£5m single,
    £20m cumulative, TOM, consumers or competition).
    """

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="rules")
    framework_version = models.CharField(max_length=20, help_text="The framework version: 3.2")
    regulator = models.ForeignKey(
        GovernanceGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The group that stands for the regulator (the sponsor): OFGEM.",
    )
    via = models.CharField(
        max_length=200,
        blank=True,
        help_text="Through whom escalations reach the regulator: the IPA.",
    )
    cumulative_from = models.DateField(
        null=True, blank=True, help_text="The last re-baseline: decisions from it count."
    )
    allow_skipping_levels = models.BooleanField(
        default=False, help_text="Whether a formal escalation may skip a level."
    )

    def __str__(self) -> str:
        return f"{self.programme} decision rules (framework {self.framework_version})"

    @property
    def audit_label(self) -> str:
        return f"rules {self.framework_version}"


class Delegation(models.Model):
    """Who may decide one kind of subject: groups of `level` or above (and, when `groups`
    are named, only those at that level: the delegation). A group below recommends.

    Example: `design`, level 3, groups [DAG] — "PSG delegates design decisions to DAG";
    SDWG (Level 4, under DAG) recommends to DAG; TMAG (Level 3) has no design authority,
    so its design questions go to PSG.
    """

    rules = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="delegations")
    subject_type = models.SlugField(max_length=40)
    label = models.CharField(max_length=100)
    level = models.PositiveSmallIntegerField()
    groups = models.ManyToManyField(GovernanceGroup, blank=True, related_name="delegations")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["subject_type"]
        constraints = [
            models.UniqueConstraint(fields=["rules", "subject_type"], name="uniq_delegation")
        ]

    def __str__(self) -> str:
        return f"{self.label}: Level {self.level}"


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    REFERRED = "referred", "Referred for additional work or analysis"
    CONDITIONAL = "conditional", "Accepted subject to conditions"
    ESCALATED = "escalated", "Escalated (referred upward)"
    DEFERRED = "deferred", "Deferred"


# Outcomes that decide the matter: a group may record them only within its authority.
DECISIVE = (Outcome.ACCEPTED, Outcome.REJECTED, Outcome.CONDITIONAL)


class Basis(models.TextChoices):
    CONSENSUS = "consensus", "Consensus"
    CHAIR = "chair", "Chair's decision without consensus, after hearing views"
    SRO = "sro", "SRO decision, taking IPA advice"
    REGULATOR = "regulator", "Regulator decision"


class MadeHow(models.TextChoices):
    MEETING = "meeting", "At a meeting"
    CHAIR = "chair", "By the chair outside a meeting"
    REGULATOR = "regulator", "By the regulator"


class Decision(VersionedModel):
    """One row of the decision log.

    Example (seed 003): PSG #24, "CR022 (M10 re-plan)": the recommendation to approve
    was accepted by consensus; its cost impact was counted against the £20m cumulative
    threshold; the route checked against framework v3.2 said PSG may take it.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="decisions")
    group = models.ForeignKey(GovernanceGroup, on_delete=models.PROTECT, related_name="decisions")
    ref = models.CharField(max_length=40)
    ref_prefix = models.CharField(max_length=36)
    sequence = models.PositiveIntegerField()
    made_how = models.CharField(max_length=20, choices=MadeHow.choices, default=MadeHow.MEETING)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(max_length=300)
    subject_type = models.SlugField(max_length=40)
    recommendation = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    deferred_to = models.ForeignKey(
        "meetings.Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    basis = models.CharField(max_length=20, choices=Basis.choices, default=Basis.CONSENSUS)
    rationale = models.TextField(blank=True)
    recording_time = models.CharField(
        max_length=12, blank=True, help_text="Where in the recording: 00:42:10"
    )
    decided_on = models.DateField()
    published_on = models.DateField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True)
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    cost_impact_gbp = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    tom_impact = models.BooleanField(default=False)
    consumer_impact = models.BooleanField(default=False)
    competition_impact = models.BooleanField(default=False)
    route = models.JSONField(default=dict, blank=True)
    rules_version = models.CharField(max_length=20, blank=True)
    actions = models.ManyToManyField("actions.Action", blank=True, related_name="decisions")

    class Meta:
        ordering = ["-decided_on", "ref_prefix", "sequence", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "ref"], name="uniq_decision_ref"),
        ]
        indexes = [models.Index(fields=["programme", "decided_on"])]

    def __str__(self) -> str:
        return f"{self.ref}: {self.subject}"

    @property
    def audit_label(self) -> str:
        return self.ref


class DecisionView(models.Model):
    """A view recorded with the decision: the consensus, a majority or a minority view,
    and the constituencies that held it."""

    class Kind(models.TextChoices):
        CONSENSUS = "consensus", "Consensus"
        MAJORITY = "majority", "Majority view"
        MINORITY = "minority", "Minority view"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="views")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField()
    constituencies = models.ManyToManyField(Constituency, blank=True, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


class Condition(models.Model):
    """A condition a decision was accepted subject to, tracked to its end."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MET = "met", "Met"
        NOT_MET = "not_met", "Not met"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="conditions")
    text = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    due_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.text[:60]} ({self.get_status_display()})"


class EscalationStatus(models.TextChoices):
    OPEN = "open", "Awaiting an answer"
    PASSED_UP = "passed_up", "Escalated further"
    ANSWERED = "answered", "Answered"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Escalation(VersionedModel):
    """A matter taken to the next level (seed 000's process: raise it with context, the
    rationale, and the impact if no action is taken).

    Example: DWG cannot agree a data cleansing approach; DWG's chair escalates formally to
    TMAG; TMAG passes it to PSG; PSG, as it meets the regulator's thresholds, to OFGEM via
    the IPA — four links of one chain (`previous`). A formal escalation of a decision may
    also go to the IPA itself (`to_ipa`, no group: seed 000, "to the next level of
    Programme governance or to the IPA"); the IPA answers it or takes it to the regulator.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="escalations")
    ref = models.CharField(max_length=20)
    formal = models.BooleanField(default=True)
    from_group = models.ForeignKey(GovernanceGroup, on_delete=models.PROTECT, related_name="+")
    to_group = models.ForeignKey(
        GovernanceGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_ipa = models.BooleanField(default=False, help_text="Addressed to the IPA itself")
    via = models.CharField(max_length=200, blank=True, help_text="Through the IPA")
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="escalations"
    )
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_step"
    )
    raised_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    raised_by_text = models.CharField(max_length=200, help_text="A participant, a rep, a group")
    raised_on = models.DateField()
    subject = models.CharField(max_length=300)
    context = models.TextField()
    rationale = models.TextField()
    impact = models.TextField(help_text="The impact if no action is taken")
    status = models.CharField(
        max_length=20, choices=EscalationStatus.choices, default=EscalationStatus.OPEN
    )
    outcome = models.TextField(blank=True)
    answered_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "ref"], name="uniq_escalation_ref"),
            # To a group, or to the IPA: one of the two.
            models.CheckConstraint(
                condition=models.Q(to_ipa=True, to_group__isnull=True)
                | models.Q(to_ipa=False, to_group__isnull=False),
                name="escalation_to_a_group_or_the_ipa",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref}: {self.from_group.acronym} → {self.to_name}"

    @property
    def to_name(self) -> str:
        """Where it went, as the pages say it: TMAG, OFGEM, the IPA."""
        return "the IPA" if self.to_ipa or self.to_group is None else self.to_group.acronym

    @property
    def audit_label(self) -> str:
        return self.ref


class AppealStatus(models.TextChoices):
    LODGED = "lodged", "Lodged with the IPA"
    DECIDED = "decided", "Decided by the IPA (final)"


class Appeal(VersionedModel):
    """An appeal of a governance decision to the IPA, whose decision is final; the SRO's
    enactment of the IPA's recommendations is tracked as actions."""

    class Result(models.TextChoices):
        UPHELD = "upheld", "Upheld"
        PARTLY = "partly", "Partly upheld"
        DISMISSED = "dismissed", "Dismissed"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="appeals")
    ref = models.CharField(max_length=20)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="appeals")
    appellant = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    appellant_organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    appellant_text = models.CharField(max_length=200)
    lodged_on = models.DateField()
    grounds = models.TextField()
    status = models.CharField(
        max_length=20, choices=AppealStatus.choices, default=AppealStatus.LODGED
    )
    result = models.CharField(max_length=20, choices=Result.choices, blank=True)
    ipa_decision = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    actions = models.ManyToManyField("actions.Action", blank=True, related_name="appeals")

    class Meta:
        ordering = ["-lodged_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["programme", "ref"], name="uniq_appeal_ref")]

    def __str__(self) -> str:
        return f"{self.ref}: appeal of {self.decision.ref}"

    @property
    def audit_label(self) -> str:
        return self.ref
