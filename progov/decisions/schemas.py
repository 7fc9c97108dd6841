"""API shapes of the decision log, the rules' router, escalations and appeals."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import Strict

from progov.core.bounds import Body, Day, Id, text_of
from progov.decisions.models import Appeal, Decision, Escalation, RuleSet
from progov.decisions.selectors import publication_of

OutcomeName = Literal["accepted", "rejected", "referred", "conditional", "escalated", "deferred"]
BasisName = Literal["consensus", "chair", "sro", "regulator"]
Money = Annotated[
    Decimal, Field(ge=Decimal("-1e12"), le=Decimal("1e12"), max_digits=14, decimal_places=2)
]
Flag = Annotated[bool, Strict()]


class RouteIn(Body):
    group: text_of(Decision, "ref_prefix", min_length=1) = Field(  # type: ignore[valid-type]
        description="The acronym of the group proposing to decide"
    )
    subject_type: text_of(Decision, "subject_type", min_length=1) = Field(  # type: ignore[valid-type]
        description="A kind of decision the rules know (GET /decisions/rules)"
    )
    cost_impact_gbp: Money | None = Field(None, description="Cost or benefit impact, in pounds")
    tom_impact: Flag = Field(False, description="A material impact on the Target Operating Model")
    consumer_impact: Flag = False
    competition_impact: Flag = False
    cumulative_before_gbp: Money | None = Field(
        None, description="Already counted; default: the recorded decisions since re-baseline"
    )


class RouteOut(Schema):
    decided_by: str = Field(
        description="The acronym of the group (or the regulator) that may take it"
    )
    must_escalate: bool
    escalate_to: str | None = Field(description="The proposing group's next step")
    via: str = Field(description="Through whom the regulator is reached (the IPA)")
    path: list[str] = Field(description="The groups from the proposing one to the decider")
    reasons: list[str]
    rules_version: str
    cumulative_before_gbp: Decimal


class ConditionOut(Schema):
    id: int = Field(description="POST /decisions/{ref}/conditions/{id} sets its status")
    text: str
    status: str


class ConditionIn(Body):
    status: Literal["open", "met", "not_met"]


class PublishIn(Body):
    published_on: Day | None = Field(
        None, description="The day it was published to participants; default: today"
    )


class ViewOut(Schema):
    kind: str
    text: str
    constituencies: list[str]

    @staticmethod
    def resolve_constituencies(obj: Any) -> list[str]:
        return [c.name for c in obj.constituencies.all()]


class DecisionOut(Schema):
    ref: str
    group: str
    made_how: str
    meeting: dict[str, Any] | None
    subject: str
    subject_type: str
    recommendation: str
    outcome: OutcomeName
    outcome_label: str
    deferred_to: dict[str, Any] | None
    basis: BasisName
    rationale: str
    recording_time: str
    decided_on: date
    published_on: date | None = Field(
        description="The day recorded, else the day the meeting's headline report "
        "(which carries its decisions) was published"
    )
    publish_by: date | None = Field(
        description="The framework's deadline (decisions_published_due), in working days"
    )
    publication: Literal["on_time", "late", "overdue", "due", ""]
    review_on: date | None
    supersedes: str | None
    superseded_by: list[str]
    cost_impact_gbp: Decimal | None
    tom_impact: bool
    consumer_impact: bool
    competition_impact: bool
    conditions: list[ConditionOut]
    views: list[ViewOut]
    actions: list[str] = Field(description="Refs of the actions it decides")
    route: dict[str, Any] = Field(description="The route checked when it was recorded")
    rules_version: str
    version: int

    @staticmethod
    def resolve_group(obj: Any) -> str:
        return str(obj.group.acronym)

    @staticmethod
    def resolve_meeting(obj: Any) -> dict[str, Any] | None:
        return _meeting(obj.meeting)

    @staticmethod
    def resolve_published_on(obj: Any) -> date | None:
        return publication_of(obj).published_on

    @staticmethod
    def resolve_publish_by(obj: Any) -> date | None:
        return publication_of(obj).due

    @staticmethod
    def resolve_publication(obj: Any) -> str:
        return publication_of(obj).status

    @staticmethod
    def resolve_deferred_to(obj: Any) -> dict[str, Any] | None:
        return _meeting(obj.deferred_to)

    @staticmethod
    def resolve_outcome_label(obj: Any) -> str:
        return str(obj.get_outcome_display())

    @staticmethod
    def resolve_supersedes(obj: Any) -> str | None:
        return obj.supersedes.ref if obj.supersedes_id else None

    @staticmethod
    def resolve_superseded_by(obj: Any) -> list[str]:
        return [d.ref for d in obj.superseded_by.all()]

    @staticmethod
    def resolve_conditions(obj: Any) -> list[Any]:
        return list(obj.conditions.all())

    @staticmethod
    def resolve_views(obj: Any) -> list[Any]:
        return list(obj.views.all())

    @staticmethod
    def resolve_actions(obj: Any) -> list[str]:
        return [a.ref for a in obj.actions.all()]


def _meeting(meeting: Any) -> dict[str, Any] | None:
    if meeting is None:
        return None
    return {"id": meeting.pk, "group": meeting.group.acronym, "number": meeting.number}


class ViewIn(Body):
    kind: Literal["consensus", "majority", "minority"]
    text: text_of(Decision, "rationale", min_length=1)  # type: ignore[valid-type]
    constituencies: list[text_of(Decision, "subject_type")] = Field(  # type: ignore[valid-type]
        [], description="Constituency codes"
    )


class DecisionIn(Body):
    group: text_of(Decision, "ref_prefix", min_length=1)  # type: ignore[valid-type]
    meeting_id: Id | None = None
    made_how: Literal["meeting", "chair", "regulator"] = "meeting"
    subject: text_of(Decision, "subject", min_length=1)  # type: ignore[valid-type]
    subject_type: text_of(Decision, "subject_type", min_length=1)  # type: ignore[valid-type]
    recommendation: text_of(Decision, "recommendation") = ""  # type: ignore[valid-type]
    outcome: OutcomeName
    basis: BasisName = "consensus"
    rationale: text_of(Decision, "rationale") = ""  # type: ignore[valid-type]
    recording_time: text_of(Decision, "recording_time") = ""  # type: ignore[valid-type]
    decided_on: Day | None = None
    review_on: Day | None = None
    cost_impact_gbp: Money | None = None
    tom_impact: Flag = False
    consumer_impact: Flag = False
    competition_impact: Flag = False
    conditions: list[text_of(Decision, "rationale", min_length=1)] = []  # type: ignore[valid-type]
    views: list[ViewIn] = []
    deferred_to_meeting_id: Id | None = None
    supersedes: text_of(Decision, "ref") | None = None  # type: ignore[valid-type]
    actions: list[text_of(Decision, "ref")] = Field([], description="Refs of actions it decides")  # type: ignore[valid-type]


class EscalationOut(Schema):
    ref: str
    formal: bool
    from_group: str
    to_group: str | None = Field(description="The acronym of the group it went to")
    to_ipa: bool = Field(description="It went to the IPA itself (no group)")
    via: str
    decision: str | None
    previous: str | None
    raised_by: str
    raised_on: date
    subject: str
    context: str
    rationale: str
    impact: str
    status: str
    outcome: str
    answered_on: date | None
    version: int

    @staticmethod
    def resolve_from_group(obj: Any) -> str:
        return str(obj.from_group.acronym)

    @staticmethod
    def resolve_to_group(obj: Any) -> str | None:
        return obj.to_group.acronym if obj.to_group_id else None

    @staticmethod
    def resolve_decision(obj: Any) -> str | None:
        return obj.decision.ref if obj.decision_id else None

    @staticmethod
    def resolve_previous(obj: Any) -> str | None:
        return obj.previous.ref if obj.previous_id else None

    @staticmethod
    def resolve_raised_by(obj: Any) -> str:
        return str(obj.raised_by_text)


class EscalationChainOut(EscalationOut):
    chain: list[EscalationOut] = Field(description="The whole chain, first link first")


class EscalationIn(Body):
    from_group: text_of(Decision, "ref_prefix", min_length=1)  # type: ignore[valid-type]
    to_group: text_of(Decision, "ref_prefix", min_length=1) | None = Field(  # type: ignore[valid-type]
        None, description="The next level's acronym; leave it out with `to_ipa`"
    )
    to_ipa: Flag = Field(False, description="A formal escalation to the IPA itself")
    formal: Flag = True
    decision: text_of(Decision, "ref") | None = None  # type: ignore[valid-type]
    subject: text_of(Escalation, "subject", min_length=1)  # type: ignore[valid-type]
    context: text_of(Escalation, "context", min_length=1)  # type: ignore[valid-type]
    rationale: text_of(Escalation, "rationale", min_length=1)  # type: ignore[valid-type]
    impact: text_of(Escalation, "impact", min_length=1)  # type: ignore[valid-type]
    raised_by: text_of(Escalation, "raised_by_text") = ""  # type: ignore[valid-type]


class EscalateIn(Body):
    rationale: text_of(Escalation, "rationale", min_length=1)  # type: ignore[valid-type]


class EscalationAnswerIn(Body):
    outcome: text_of(Escalation, "outcome", min_length=1)  # type: ignore[valid-type]


class AppealOut(Schema):
    ref: str
    decision: str
    appellant: str
    lodged_on: date
    grounds: str
    status: str
    result: str
    ipa_decision: str
    decided_on: date | None
    actions: list[str]
    version: int

    @staticmethod
    def resolve_decision(obj: Any) -> str:
        return str(obj.decision.ref)

    @staticmethod
    def resolve_appellant(obj: Any) -> str:
        return str(obj.appellant_text)

    @staticmethod
    def resolve_actions(obj: Any) -> list[str]:
        return [a.ref for a in obj.actions.all()]


class AppealIn(Body):
    decision: text_of(Decision, "ref", min_length=1)  # type: ignore[valid-type]
    grounds: text_of(Appeal, "grounds", min_length=1)  # type: ignore[valid-type]
    appellant: text_of(Appeal, "appellant_text") = ""  # type: ignore[valid-type]


class AppealDecisionIn(Body):
    result: Literal["upheld", "partly", "dismissed"]
    ipa_decision: text_of(Appeal, "ipa_decision", min_length=1)  # type: ignore[valid-type]
    recommendations: list[text_of(Appeal, "ipa_decision", min_length=1)] = []  # type: ignore[valid-type]
    owner: text_of(Appeal, "appellant_text") = "SRO"  # type: ignore[valid-type]
    due: Day | None = None


class DelegationOut(Schema):
    subject_type: str = Field(description="The kind of decision (route-decision's subject_type)")
    label: str
    level: int = Field(description="The level that decides it (and any higher level)")
    groups: list[str] = Field(description="At that level, only these groups (visible ones)")
    note: str


class ThresholdOut(Schema):
    key: str
    description: str
    amount_gbp: Decimal | None
    cumulative: bool


class RulesOut(Schema):
    """The framework's rules as data: who may decide what, the regulator's thresholds and
    the running total that counts toward the cumulative one."""

    framework_version: str
    regulator: str | None = Field(description="The acronym of the regulator's group")
    via: str = Field(description="Through whom the regulator is reached (the IPA)")
    cumulative_from: date | None = Field(description="Counting from (the last re-baseline)")
    allow_skipping_levels: bool
    cumulative_total_gbp: Decimal = Field(description="Counted so far")
    delegations: list[DelegationOut]
    thresholds: list[ThresholdOut]
    version: int


class RulesIn(Body):
    """A change to the rules (administrators): what is left out stays as it is; `null`
    clears the regulator or the counting date."""

    framework_version: text_of(RuleSet, "framework_version", min_length=1) | None = None  # type: ignore[valid-type]
    regulator: text_of(Decision, "ref_prefix", min_length=1) | None = Field(  # type: ignore[valid-type]
        None, description="The acronym of the regulator's group"
    )
    via: text_of(RuleSet, "via") | None = None  # type: ignore[valid-type]
    cumulative_from: Day | None = None
    allow_skipping_levels: Flag | None = None
