"""Writes to the decision log, the rules, escalations and appeals: each one atomic act
with its audit entries, checking the access policy and the framework's rules.

- `record_decision`: a group's chair or secretariat records a decision; the route is
  checked against the rules and stored with their version (an auditor can replay it).
  A decisive outcome (accepted, rejected, accepted subject to conditions) the group has
  no authority for, or that meets the regulator's thresholds, is refused with the reason:
  record it as escalated instead.
- `raise_escalation` / `escalate_further` / `answer_escalation`: seed 000's process; a
  formal escalation goes to the next level (or the IPA) and skips none unless the rules
  allow it.
- `lodge_appeal` / `record_appeal_decision`: to the IPA, whose decision is final; its
  recommendations become actions for the SRO to enact.
- `save_rules`, `save_delegation`: administrators keep the rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max

from progov.actions import services as action_services
from progov.actions.models import Action
from progov.audit.services import record_create, record_update
from progov.audit.writes import WritePath, insert, lock
from progov.core import access
from progov.core.concurrency import bump_version, check_version
from progov.core.errors import ValidationError
from progov.decisions.models import (
    DECISIVE,
    Appeal,
    AppealStatus,
    Basis,
    Condition,
    Decision,
    DecisionView,
    Delegation,
    Escalation,
    EscalationStatus,
    MadeHow,
    Outcome,
    RuleSet,
)
from progov.decisions.rules import Route, next_step, route_decision, rules_of
from progov.governance.models import Constituency, GovernanceGroup, Programme
from progov.governance.selectors import person_of_login
from progov.governance.timezones import today_for
from progov.meetings.models import AgendaItem, Meeting
from progov.meetings.times import meeting_date

DECISIONS = WritePath(
    Decision.objects.select_related("group", "programme"),
    ("subject", "recommendation", "rationale", "recording_time", "published_on", "review_on"),
)
ESCALATIONS = WritePath(
    Escalation.objects.select_related("from_group", "to_group", "programme"),
    ("status", "outcome", "answered_on"),
)
APPEALS = WritePath(
    Appeal.objects.select_related("decision__group", "programme"),
    ("status", "result", "ipa_decision", "decided_on"),
)
RULES = WritePath(
    RuleSet.objects.select_related("programme", "regulator"),
    ("framework_version", "regulator", "via", "cumulative_from", "allow_skipping_levels"),
)


@dataclass
class ViewIn:
    kind: str
    text: str
    constituencies: Sequence[Constituency] = ()


@dataclass
class DecisionIn:
    """What a recorded decision says (the form's and the API's input)."""

    subject: str
    subject_type: str
    outcome: str
    recommendation: str = ""
    basis: str = Basis.CONSENSUS
    rationale: str = ""
    recording_time: str = ""
    decided_on: date | None = None
    review_on: date | None = None
    cost_impact_gbp: Decimal | None = None
    tom_impact: bool = False
    consumer_impact: bool = False
    competition_impact: bool = False
    conditions: list[str] = field(default_factory=list)
    views: list[ViewIn] = field(default_factory=list)
    deferred_to: Meeting | None = None
    supersedes: Decision | None = None
    actions: Sequence[Action] = ()
    made_how: str = MadeHow.MEETING


def _prefix(group: GovernanceGroup, meeting: Meeting | None) -> str:
    return action_services.ref_prefix_for(group, meeting)


def refusal_for(route: Route, group: GovernanceGroup, outcome: str) -> str:
    """Why `group` may not record `outcome` on a decision routed so ("" when it may)."""
    if outcome not in DECISIVE or not route.must_escalate:
        return ""
    where = route.decided_by + (f" through {route.via}" if route.to_regulator and route.via else "")
    return (
        f"{group.acronym} cannot record this as {Outcome(outcome).label.lower()}: "
        + " ".join(route.reasons)
        + f" It is for {where}: record it as escalated (to {route.escalate_to}) instead."
    )


@transaction.atomic
def record_decision(
    *,
    actor: Any,
    group: GovernanceGroup,
    decision: DecisionIn,
    meeting: Meeting | None = None,
    agenda_item: AgendaItem | None = None,
    ref: str | None = None,
) -> Decision:
    """Record a decision of `group` (at `meeting`, or by the chair outside one, or by the
    regulator), its route checked against the rules and stored with their version."""
    access.require(
        user=actor, action="create", obj=Decision(group=group, programme=group.programme)
    )
    d = decision
    errors: dict[str, list[str]] = {}
    if not d.subject.strip():
        errors["subject"] = ["Say what was decided on (the subject)."]
    if d.outcome not in Outcome.values:
        errors["outcome"] = [f"Choose an outcome: {', '.join(Outcome.labels)}."]
    if d.basis not in Basis.values:
        errors["basis"] = [f"Choose the basis: {', '.join(Basis.labels)}."]
    if meeting is not None and meeting.group_id != group.pk:
        errors["meeting"] = [
            f"{meeting.group.acronym} #{meeting.number} is not a meeting of {group.acronym}."
        ]
    if d.made_how == MadeHow.MEETING and meeting is None and d.decided_on is None:
        # (A decision of a meeting not in progov, as a loaded log's, gives its date: it
        # links to the meeting once that exists, `link_decisions_to_meetings`.)
        errors["meeting"] = ["Choose the meeting it was taken at, or say it was taken outside one."]
    if agenda_item is not None and (meeting is None or agenda_item.meeting_id != meeting.pk):
        errors["agenda_item"] = ["The agenda item is not of that meeting."]
    if d.outcome == Outcome.CONDITIONAL and not [c for c in d.conditions if c.strip()]:
        errors["conditions"] = ["List the conditions it was accepted subject to."]
    if d.outcome == Outcome.DEFERRED and d.deferred_to is None and not d.rationale.strip():
        errors["deferred_to"] = [
            "Name the later meeting it was deferred to (or say when in the rationale)."
        ]
    if d.deferred_to is not None and meeting is not None and d.deferred_to.start <= meeting.start:
        errors["deferred_to"] = ["It is deferred to a later meeting."]
    if d.cost_impact_gbp is not None and abs(d.cost_impact_gbp) > Decimal("1e12"):
        errors["cost_impact_gbp"] = ["Give the impact in pounds (under £1,000bn)."]
    if errors:
        raise ValidationError.from_field_errors(errors)
    route = route_decision(
        group=group,
        subject_type=d.subject_type,
        cost_impact_gbp=d.cost_impact_gbp,
        tom_impact=d.tom_impact,
        consumer_impact=d.consumer_impact,
        competition_impact=d.competition_impact,
    )
    refused = refusal_for(route, group, d.outcome) if d.made_how != MadeHow.REGULATOR else ""
    if refused:
        raise ValidationError.for_field("outcome", refused)
    GovernanceGroup.objects.select_for_update().filter(pk=group.pk).first()
    if ref is None:
        prefix = _prefix(group, meeting)
        last = Decision.objects.filter(programme=group.programme, ref_prefix=prefix).aggregate(
            n=Max("sequence")
        )["n"]
        sequence = (last or 0) + 1
        ref = f"{prefix}-D{sequence:02d}"
    else:
        prefix, _, number = ref.rpartition("-D")
        sequence = int(number) if number.isdigit() else 1
        if Decision.objects.filter(programme=group.programme, ref=ref).exists():
            raise ValidationError.for_field("ref", f"{ref} is already in the decision log.")
    decided_on = d.decided_on or (meeting_date(meeting) if meeting else today_for(group.programme))
    made = insert(
        Decision,
        programme=group.programme,
        group=group,
        ref=ref,
        ref_prefix=prefix,
        sequence=sequence,
        made_how=d.made_how,
        meeting=meeting,
        agenda_item=agenda_item,
        subject=d.subject.strip(),
        subject_type=d.subject_type,
        recommendation=d.recommendation.strip(),
        outcome=d.outcome,
        deferred_to=d.deferred_to,
        basis=d.basis,
        rationale=d.rationale.strip(),
        recording_time=d.recording_time.strip(),
        decided_on=decided_on,
        review_on=d.review_on,
        supersedes=d.supersedes,
        cost_impact_gbp=d.cost_impact_gbp,
        tom_impact=d.tom_impact,
        consumer_impact=d.consumer_impact,
        competition_impact=d.competition_impact,
        route=route.as_dict(),
        rules_version=route.rules_version,
    )
    for text in (c.strip() for c in d.conditions):
        if text:
            Condition.objects.create(decision=made, text=text)
    for v in d.views:
        if v.text.strip():
            view = DecisionView.objects.create(decision=made, kind=v.kind, text=v.text.strip())
            view.constituencies.set(v.constituencies)
    if d.actions:
        made.actions.set(d.actions)
    record_create(
        actor=actor,
        obj=made,
        fields={
            "ref": made.ref,
            "group": group.acronym,
            "meeting": str(meeting) if meeting else None,
            "subject": made.subject,
            "outcome": made.outcome,
            "basis": made.basis,
            "cost_impact_gbp": str(made.cost_impact_gbp)
            if made.cost_impact_gbp is not None
            else None,
            "route": route.as_dict(),
            "rules_version": route.rules_version,
            "conditions": [c for c in d.conditions if c.strip()],
            "supersedes": d.supersedes.ref if d.supersedes else None,
        },
    )
    return made


@transaction.atomic
def set_condition_status(
    *, actor: Any, condition: Condition, status: str, expected_version: int | None
) -> Condition:
    """Track a condition of a decision accepted subject to conditions (Open, Met, Not met).
    The decision's version guards it (If-Match): a condition is part of its decision."""
    decision = lock(Decision.objects.select_related("group", "programme"), condition.decision_id)
    condition = (
        Condition.objects.select_related("decision__group")
        .select_for_update(of=("self",))
        .get(pk=condition.pk)
    )
    access.require(user=actor, action="change", obj=condition)
    check_version(decision, expected_version)
    if status not in Condition.Status.values:
        raise ValidationError.for_field(
            "status", f"Choose {', '.join(str(label) for label in Condition.Status.labels)}."
        )
    before = condition.status
    if before == status:
        return condition
    condition.status = status
    condition.save(update_fields=["status"])
    bump_version(decision)
    decision.save(update_fields=["version", "updated_at"])
    record_update(actor=actor, obj=condition, changes={"status": [before, status]})
    return condition


@transaction.atomic
def publish_decision(
    *, actor: Any, decision: Decision, expected_version: int | None, published_on: date | None
) -> Decision:
    """Record the day the decision was published to participants (its deadline is the
    framework's `decisions_published_due` rule: so many working days after the meeting).
    A decision taken at a meeting counts as published with the meeting's headline report
    until a day is recorded here."""
    with DECISIONS.change(actor, decision, expected_version, "change") as change:
        d = change.obj
        today = today_for(d.programme)
        day = published_on or today
        if day < d.decided_on:
            raise ValidationError.for_field(
                "published_on",
                f"{d.ref} was taken on {d.decided_on:%d %b %Y}: it is published on that day "
                "or later.",
            )
        if day > today:
            raise ValidationError.for_field(
                "published_on", "The day it was published, not a day still to come."
            )
        d.published_on = day
    return change.obj


@transaction.atomic
def link_decisions_to_meetings(*, actor: Any, programme: Programme) -> int:
    """Link decisions taken at a meeting that was not in progov yet to the group's meeting
    of that day, once it is (after the meetings are generated). The ref such a decision was
    given without its meeting ("DAG00-D03": no meeting number known) takes the meeting's
    number ("DAG26-D01"); the data pack knows decisions by group, day and subject, so a
    reload still finds them."""
    linked = 0
    rows = list(
        Decision.objects.filter(
            programme=programme, made_how=MadeHow.MEETING, meeting__isnull=True
        ).select_related("group")
    )
    index = action_services.MeetingIndex(list({d.group_id: d.group for d in rows}.values()))
    for d in sorted(rows, key=lambda d: (d.decided_on, d.ref_prefix, d.sequence, d.pk)):
        meeting = index.find(d.group, "", d.decided_on)
        if meeting is None:
            continue
        changes: dict[str, Any] = {"meeting": [None, str(meeting)]}
        values: dict[str, Any] = {"meeting": meeting}
        prefix = _prefix(d.group, meeting)
        if prefix != d.ref_prefix:
            last = Decision.objects.filter(programme=programme, ref_prefix=prefix).aggregate(
                n=Max("sequence")
            )["n"]
            sequence = (last or 0) + 1
            ref = f"{prefix}-D{sequence:02d}"
            values.update(ref=ref, ref_prefix=prefix, sequence=sequence)
            changes["ref"] = [d.ref, ref]
        Decision.objects.filter(pk=d.pk).update(**values)
        d.ref = values.get("ref", d.ref)
        record_update(actor=actor, obj=d, changes=changes)
        linked += 1
    return linked


# --- escalations -------------------------------------------------------------------------


def _next_ref(model: Any, programme: Programme, prefix: str) -> str:
    count = model.objects.filter(programme=programme).count()
    ref = f"{prefix}{count + 1:03d}"
    while model.objects.filter(programme=programme, ref=ref).exists():
        count += 1
        ref = f"{prefix}{count + 1:03d}"
    return ref


def check_escalation_target(
    *,
    from_group: GovernanceGroup,
    to_group: GovernanceGroup | None,
    formal: bool,
    to_ipa: bool = False,
) -> str:
    """Why an escalation from `from_group` may not go to `to_group` (or the IPA): "" if
    it may. A formal one goes to the next level or to the IPA, and skips no level unless
    the rules allow it; an informal one goes to any other group of the workstream."""
    if to_ipa:
        if to_group is not None:
            return "An escalation goes to a group or to the IPA, not both."
        if not formal:
            return (
                "An informal escalation goes to the lowest relevant level of the workstream; "
                "a formal one may go to the IPA."
            )
        return ""
    if to_group is None:
        return "Say where it goes: the next level, or the IPA."
    if to_group.pk == from_group.pk:
        return "An escalation goes to another group."
    if not formal:
        return ""
    rules = rules_of(from_group.programme)
    step = next_step(from_group)
    if step is not None and to_group.pk == step.pk:
        return ""
    if rules.allow_skipping_levels:
        return ""
    if step is None:
        return f"{from_group.acronym} reports to no group: there is no level to escalate to."
    return (
        f"A formal escalation skips no level: from {from_group.acronym} it goes to "
        f"{step.acronym}, which may take it higher, or to the IPA."
    )


@transaction.atomic
def raise_escalation(
    *,
    actor: Any,
    from_group: GovernanceGroup,
    to_group: GovernanceGroup | None,
    subject: str,
    context: str,
    rationale: str,
    impact: str,
    formal: bool = True,
    raised_by_text: str = "",
    decision: Decision | None = None,
    on: date | None = None,
    to_ipa: bool = False,
) -> Escalation:
    """Raise an escalation from a group (or one of its decisions) to the next level, or
    (formal) to the IPA."""
    probe = Escalation(
        from_group=from_group, to_group=to_group, to_ipa=to_ipa, programme=from_group.programme
    )
    access.require(user=actor, action="create", obj=probe)
    errors: dict[str, list[str]] = {}
    for name, value, words in (
        ("subject", subject, "Say what is escalated."),
        ("context", context, "Give the context."),
        ("rationale", rationale, "Say why it is escalated."),
        ("impact", impact, "Say what the impact is if no action is taken."),
    ):
        if not value.strip():
            errors[name] = [words]
    problem = check_escalation_target(
        from_group=from_group, to_group=to_group, formal=formal, to_ipa=to_ipa
    )
    if problem:
        errors["to_group"] = [problem]
    if decision is not None and decision.group_id != from_group.pk:
        errors["decision"] = [f"{decision.ref} is not a decision of {from_group.acronym}."]
    if errors:
        raise ValidationError.from_field_errors(errors)
    person = person_of_login(actor)
    return _escalation(
        actor=actor,
        from_group=from_group,
        to_group=to_group,
        to_ipa=to_ipa,
        subject=subject,
        context=context,
        rationale=rationale,
        impact=impact,
        formal=formal,
        raised_by=person,
        raised_by_text=raised_by_text.strip() or (person.name if person else from_group.acronym),
        decision=decision,
        previous=None,
        on=on or today_for(from_group.programme),
    )


def _escalation(*, actor: Any, previous: Escalation | None, on: date, **values: Any) -> Escalation:
    programme = values["from_group"].programme
    rules = rules_of(programme)
    to_group = values["to_group"]
    via = rules.via if to_group is not None and rules.regulator_id == to_group.pk else ""
    made = insert(
        Escalation,
        programme=programme,
        ref=_next_ref(Escalation, programme, "ESC"),
        via=via,
        previous=previous,
        raised_on=on,
        **{k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()},
    )
    record_create(
        actor=actor,
        obj=made,
        fields={
            "ref": made.ref,
            "from": made.from_group.acronym,
            "to": made.to_name,
            "via": via,
            "formal": made.formal,
            "subject": made.subject,
            "previous": previous.ref if previous else None,
        },
    )
    return made


def _next_level(e: Escalation) -> GovernanceGroup:
    """Where an open escalation goes when its receiver cannot resolve it: the receiving
    group's parent (PSG's: the regulator, through the IPA); from the IPA, the regulator."""
    if e.to_group is None:
        regulator = rules_of(e.programme).regulator
        if regulator is None:
            raise ValidationError("The rules name no regulator for the IPA to take it to.")
        return regulator
    step = next_step(e.to_group)
    if step is None:
        raise ValidationError(f"{e.to_group.acronym} reports to no group: it is the top.")
    return step


@transaction.atomic
def escalate_further(
    *, actor: Any, escalation: Escalation, expected_version: int | None, rationale: str
) -> Escalation:
    """The receiver cannot resolve it: it goes one level higher (PSG's next level, and the
    IPA's, is the regulator, through the IPA). Returns the new link of the chain."""
    with ESCALATIONS.change(actor, escalation, expected_version, "escalate") as change:
        e = change.obj
        if e.status != EscalationStatus.OPEN:
            raise ValidationError(f"{e.ref} is {e.get_status_display().lower()}.")
        if not rationale.strip():
            raise ValidationError.for_field("rationale", "Say why it goes higher.")
        step = _next_level(e)
        e.status = EscalationStatus.PASSED_UP
        e.answered_on = today_for(e.programme)
        e.outcome = f"Escalated to {step.acronym}: {rationale.strip()}"
    return _escalation(
        actor=actor,
        # From the IPA the chain stays with the group it came from (the IPA is no group).
        from_group=e.to_group or e.from_group,
        to_group=step,
        subject=e.subject,
        context=e.context,
        rationale=rationale,
        impact=e.impact,
        formal=True,
        raised_by=person_of_login(actor),
        raised_by_text="The IPA" if e.to_group is None else e.to_group.acronym,
        decision=e.decision,
        previous=e,
        on=today_for(e.programme),
    )


@transaction.atomic
def answer_escalation(
    *, actor: Any, escalation: Escalation, expected_version: int | None, outcome: str
) -> Escalation:
    with ESCALATIONS.change(actor, escalation, expected_version, "answer") as change:
        e = change.obj
        if e.status != EscalationStatus.OPEN:
            raise ValidationError(f"{e.ref} is {e.get_status_display().lower()}.")
        if not outcome.strip():
            raise ValidationError.for_field("outcome", "Say what the answer is.")
        e.status = EscalationStatus.ANSWERED
        e.outcome = outcome.strip()
        e.answered_on = today_for(e.programme)
    return change.obj


# --- appeals -----------------------------------------------------------------------------


@transaction.atomic
def lodge_appeal(
    *,
    actor: Any,
    decision: Decision,
    grounds: str,
    appellant_text: str = "",
    on: date | None = None,
) -> Appeal:
    """Any party appeals a governance decision to the IPA, with grounds."""
    probe = Appeal(decision=decision, programme=decision.programme)
    access.require(user=actor, action="create", obj=probe)
    if not grounds.strip():
        raise ValidationError.for_field("grounds", "Give the grounds of the appeal.")
    person = person_of_login(actor)
    text = appellant_text.strip() or (
        f"{person.name}{f' ({person.organisation})' if person and person.organisation else ''}"
        if person
        else ""
    )
    if not text:
        raise ValidationError.for_field("appellant_text", "Say who appeals.")
    made = insert(
        Appeal,
        programme=decision.programme,
        ref=_next_ref(Appeal, decision.programme, "APP"),
        decision=decision,
        appellant=person,
        appellant_organisation=person.organisation if person else None,
        appellant_text=text,
        lodged_on=on or today_for(decision.programme),
        grounds=grounds.strip(),
    )
    record_create(
        actor=actor,
        obj=made,
        fields={
            "ref": made.ref,
            "decision": decision.ref,
            "appellant": text,
            "grounds": made.grounds,
        },
    )
    return made


@transaction.atomic
def record_appeal_decision(
    *,
    actor: Any,
    appeal: Appeal,
    expected_version: int | None,
    result: str,
    ipa_decision: str,
    recommendations: Sequence[str] = (),
    owner: str = "SRO",
    due_on: date | None = None,
) -> Appeal:
    """The IPA's decision, final; each recommendation becomes an action on the decision's
    group's log for the SRO to enact."""
    with APPEALS.change(actor, appeal, expected_version, "decide") as change:
        a = change.obj
        if a.status == AppealStatus.DECIDED:
            raise ValidationError(
                f"{a.ref} was decided on {a.decided_on:%d %b %Y}: the IPA's decision is final."
            )
        if result not in Appeal.Result.values:
            raise ValidationError.for_field("result", "Choose Upheld, Partly upheld or Dismissed.")
        if not ipa_decision.strip():
            raise ValidationError.for_field("ipa_decision", "Record the IPA's decision.")
        a.status = AppealStatus.DECIDED
        a.result = result
        a.ipa_decision = ipa_decision.strip()
        a.decided_on = today_for(a.programme)
    made = []
    group = a.decision.group
    for text in (r.strip() for r in recommendations):
        if not text:
            continue
        made.append(
            action_services.raise_action(
                actor=None,
                group=group,
                description=f"Enact the IPA's decision on {a.ref}: {text}",
                owner=owner,
                due_on=due_on,
                due_text="" if due_on else "As the IPA recommends",
            )
        )
    if made:
        a.actions.add(*made)
    return a


# --- the rules ---------------------------------------------------------------------------


@transaction.atomic
def save_rules(
    *,
    actor: Any,
    programme: Programme,
    version: str,
    regulator: GovernanceGroup | None,
    via: str,
    cumulative_from: date | None,
    allow_skipping_levels: bool = False,
    expected_version: int | None = None,
) -> RuleSet:
    """Create or change the programme's decision rules (administrators)."""
    if not version.strip():
        raise ValidationError.for_field(
            "framework_version", "Give the framework version they follow."
        )
    current = RuleSet.objects.filter(programme=programme).first()
    if current is None:
        access.require(user=actor, action="create", obj=RuleSet(programme=programme))
        made = insert(
            RuleSet,
            programme=programme,
            framework_version=version.strip(),
            regulator=regulator,
            via=via.strip(),
            cumulative_from=cumulative_from,
            allow_skipping_levels=allow_skipping_levels,
        )
        record_create(
            actor=actor,
            obj=made,
            fields={
                "version": made.version,
                "regulator": regulator.acronym if regulator else None,
                "via": made.via,
            },
        )
        return made
    with RULES.change(
        actor, current, expected_version if expected_version is not None else current.version
    ) as change:
        r = change.obj
        r.framework_version = version.strip()
        r.regulator = regulator
        r.via = via.strip()
        r.cumulative_from = cumulative_from
        r.allow_skipping_levels = allow_skipping_levels
    return change.obj


@transaction.atomic
def save_delegation(
    *,
    actor: Any,
    rules: RuleSet,
    subject_type: str,
    label: str,
    level: int,
    groups: Sequence[GovernanceGroup] = (),
    note: str = "",
) -> Delegation:
    """Set who may decide one kind of subject (administrators)."""
    access.require(user=actor, action="change", obj=rules)
    if not 1 <= level <= 4:
        raise ValidationError.for_field("level", "A level is 1 to 4.")
    row, created = Delegation.objects.update_or_create(
        rules=rules,
        subject_type=subject_type,
        defaults={"label": label.strip() or subject_type, "level": level, "note": note.strip()},
    )
    row.groups.set(groups)
    record_create(
        actor=actor,
        obj=row,
        fields={
            "subject_type": subject_type,
            "label": row.label,
            "level": level,
            "groups": sorted(g.acronym for g in groups),
            "replaced": not created,
        },
    )
    return row
