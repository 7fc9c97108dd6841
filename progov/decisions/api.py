"""`/api/v1/governance/route-decision`, `/api/v1/decisions`, `/api/v1/escalations`,
`/api/v1/appeals`. Thin: parse, call one selector or service, shape."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from progov.actions import selectors as action_selectors
from progov.core.api import (
    IF_MATCH,
    OPEN_TO_ALL,
    WRITE_ERRORS,
    actor,
    etag_for,
    participant,
    versioned_write,
    writer,
)
from progov.core.bounds import FormId, Pagination
from progov.core.errors import NotFound, ValidationError
from progov.decisions import selectors, services
from progov.decisions.rules import route_as_seen, route_decision
from progov.decisions.schemas import (
    AppealDecisionIn,
    AppealIn,
    AppealOut,
    ConditionIn,
    DecisionIn,
    DecisionOut,
    EscalateIn,
    EscalationAnswerIn,
    EscalationChainOut,
    EscalationIn,
    EscalationOut,
    OutcomeName,
    PublishIn,
    RouteIn,
    RouteOut,
    RulesIn,
    RulesOut,
)
from progov.governance import selectors as governance_selectors
from progov.governance.models import Constituency, GovernanceGroup, Programme
from progov.meetings import selectors as meeting_selectors

router = Router(tags=["decisions"])
ERRORS = WRITE_ERRORS
OUTCOME_QUERY = Query(None, description="One outcome")
MEETING_QUERY = Query(None, description="The meeting the decisions were taken at")


def _programme(slug: str | None) -> Programme:
    return governance_selectors.current_programme(slug=slug)


def _group(user: Any, programme: Programme, acronym: str, field: str = "group") -> GovernanceGroup:
    try:
        return governance_selectors.group_get(user=user, acronym=acronym, programme=programme)
    except NotFound:
        raise ValidationError.for_field(field, f"No group {acronym!r}.") from None


@router.post(
    "/governance/route-decision", response={200: RouteOut, **ERRORS}, openapi_extra=OPEN_TO_ALL
)
def route(request: HttpRequest, payload: RouteIn, programme: str | None = None) -> Any:
    """Who may take a proposed decision and whether it must go higher, with the reasons
    and the version of the rules it was checked against. Writes nothing. Without
    `cumulative_before_gbp`, the running total counts the programme's recorded decisions."""
    user = actor(request)
    prog = _programme(programme)
    group = governance_selectors.group_get(user=user, acronym=payload.group, programme=prog)
    found = route_decision(
        group=group,
        subject_type=payload.subject_type,
        cost_impact_gbp=payload.cost_impact_gbp,
        tom_impact=payload.tom_impact,
        consumer_impact=payload.consumer_impact,
        competition_impact=payload.competition_impact,
        cumulative_before_gbp=payload.cumulative_before_gbp,
    ).as_dict()
    return route_as_seen(
        found, hidden=governance_selectors.hidden_acronyms(user=user, programme=prog)
    )


def _rules_out(user: Any, programme: Programme) -> dict[str, Any]:
    found = selectors.rules_context(user=user, programme=programme)
    rules = found["rules"]
    if rules is None:
        raise NotFound(f"{programme} has no decision rules yet.")
    return {
        "framework_version": rules.framework_version,
        "regulator": rules.regulator.acronym if rules.regulator else None,
        "via": rules.via,
        "cumulative_from": rules.cumulative_from,
        "allow_skipping_levels": rules.allow_skipping_levels,
        "cumulative_total_gbp": found["cumulative"],
        "delegations": [
            {
                "subject_type": d.subject_type,
                "label": d.label,
                "level": d.level,
                "groups": sorted(g.acronym for g in d.groups.all()),
                "note": d.note,
            }
            for d in found["delegations"]
        ],
        "thresholds": [
            {
                "key": t.key,
                "description": t.description,
                "amount_gbp": t.amount,
                "cumulative": t.cumulative,
            }
            for t in found["thresholds"]
        ],
        "version": rules.version,
    }


@router.get("/governance/rules", response={200: RulesOut, **ERRORS})
def get_rules(request: HttpRequest, response: HttpResponse, programme: str | None = None) -> Any:
    """The decision rules: delegated authority by kind of decision, the regulator and the
    IPA, the thresholds and the running cumulative total (groups the caller may see)."""
    out = _rules_out(actor(request), _programme(programme))
    response["ETag"] = etag_for(out["version"])
    return out


@router.patch("/governance/rules", response={200: RulesOut, **ERRORS}, openapi_extra=IF_MATCH)
def change_rules(
    request: HttpRequest, payload: RulesIn, response: HttpResponse, programme: str | None = None
) -> Any:
    """Change the decision rules (administrators, with If-Match)."""
    prog = _programme(programme)
    given = payload.model_fields_set

    def write(user: Any, expected: int) -> Any:
        current = selectors.rules_get(programme=prog)
        regulator = current.regulator
        if "regulator" in given:
            regulator = (
                _group(user, prog, payload.regulator, "regulator") if payload.regulator else None
            )
        return services.save_rules(
            actor=user,
            programme=prog,
            version=payload.framework_version
            if payload.framework_version is not None
            else current.framework_version,
            regulator=regulator,
            via=payload.via if payload.via is not None else current.via,
            cumulative_from=payload.cumulative_from
            if "cumulative_from" in given
            else current.cumulative_from,
            allow_skipping_levels=payload.allow_skipping_levels
            if payload.allow_skipping_levels is not None
            else current.allow_skipping_levels,
            expected_version=expected,
        )

    return versioned_write(request, response, write, lambda r: _rules_out(actor(request), prog))


@router.get("/decisions", response={200: list[DecisionOut], **ERRORS})
@paginate(Pagination)
def list_decisions(
    request: HttpRequest,
    programme: str | None = None,
    group: str | None = Query(None, description="A group's acronym"),
    meeting: FormId | None = MEETING_QUERY,
    outcome: OutcomeName | None = OUTCOME_QUERY,
    q: str | None = Query(None, description="Words of the ref, subject or rationale"),
) -> Any:
    """The decision log, latest first."""
    user = actor(request)
    prog = _programme(programme)
    wanted = (
        governance_selectors.group_get(user=user, acronym=group, programme=prog) if group else None
    )
    at = meeting_selectors.meeting_get(user=user, pk=meeting) if meeting else None
    return selectors.decision_list(
        user=user, programme=prog, group=wanted, meeting=at, outcome=outcome, q=q
    )


@router.post("/decisions", response={201: DecisionOut, **ERRORS})
def record_decision(
    request: HttpRequest, payload: DecisionIn, response: HttpResponse, programme: str | None = None
) -> Any:
    """Record a decision. Its route is checked against the rules: an outcome the group
    may not record (over a threshold, reserved for a higher level) is refused (422, on
    `outcome`) with the reasons; record it as `escalated` instead."""
    user = writer(request)
    prog = _programme(programme)
    group = _group(user, prog, payload.group)
    meeting = None
    if payload.meeting_id is not None:
        try:
            meeting = meeting_selectors.meeting_get(user=user, pk=payload.meeting_id)
        except NotFound:
            raise ValidationError.for_field(
                "meeting_id", f"No meeting #{payload.meeting_id}."
            ) from None
    deferred = None
    if payload.deferred_to_meeting_id is not None:
        try:
            deferred = meeting_selectors.meeting_get(user=user, pk=payload.deferred_to_meeting_id)
        except NotFound:
            raise ValidationError.for_field("deferred_to_meeting_id", "No such meeting.") from None
    supersedes = None
    if payload.supersedes:
        try:
            supersedes = selectors.decision_get(user=user, programme=prog, ref=payload.supersedes)
        except NotFound:
            raise ValidationError.for_field(
                "supersedes", f"No decision {payload.supersedes}."
            ) from None
    actions = []
    for ref in payload.actions:
        try:
            actions.append(action_selectors.action_get(user=user, programme=prog, ref=ref))
        except NotFound:
            raise ValidationError.for_field("actions", f"No action {ref}.") from None
    codes = {c for v in payload.views for c in v.constituencies}
    found = {c.code: c for c in Constituency.objects.filter(programme=prog, code__in=codes)}
    if codes - set(found):
        raise ValidationError.for_field(
            "views", f"No constituency {', '.join(sorted(codes - set(found)))}."
        )
    made = services.record_decision(
        actor=user,
        group=group,
        meeting=meeting,
        decision=services.DecisionIn(
            subject=payload.subject,
            subject_type=payload.subject_type,
            outcome=payload.outcome,
            recommendation=payload.recommendation,
            basis=payload.basis,
            rationale=payload.rationale,
            recording_time=payload.recording_time,
            decided_on=payload.decided_on,
            review_on=payload.review_on,
            cost_impact_gbp=payload.cost_impact_gbp,
            tom_impact=payload.tom_impact,
            consumer_impact=payload.consumer_impact,
            competition_impact=payload.competition_impact,
            conditions=list(payload.conditions),
            views=[
                services.ViewIn(v.kind, v.text, [found[c] for c in v.constituencies])
                for v in payload.views
            ],
            deferred_to=deferred,
            supersedes=supersedes,
            actions=actions,
            made_how=payload.made_how,
        ),
    )
    response["ETag"] = etag_for(made.version)
    return Status(201, selectors.decision_get(user=user, programme=prog, ref=made.ref))


@router.get("/decisions/{ref}", response={200: DecisionOut, **ERRORS})
def get_decision(
    request: HttpRequest, ref: str, response: HttpResponse, programme: str | None = None
) -> Any:
    found = selectors.decision_get(user=actor(request), programme=_programme(programme), ref=ref)
    response["ETag"] = etag_for(found.version)
    return found


@router.post(
    "/decisions/{ref}/publish", response={200: DecisionOut, **ERRORS}, openapi_extra=IF_MATCH
)
def publish_decision(
    request: HttpRequest,
    ref: str,
    payload: PublishIn,
    response: HttpResponse,
    programme: str | None = None,
) -> Any:
    """Record the day the decision was published to participants (its deadline is
    `publish_by`)."""
    prog = _programme(programme)

    def write(user: Any, expected: int) -> Any:
        found = selectors.decision_get(user=user, programme=prog, ref=ref)
        return services.publish_decision(
            actor=user, decision=found, expected_version=expected, published_on=payload.published_on
        )

    return versioned_write(
        request,
        response,
        write,
        lambda d: selectors.decision_get(user=actor(request), programme=prog, ref=d.ref),
    )


@router.post(
    "/decisions/{ref}/conditions/{condition_id}",
    response={200: DecisionOut, **ERRORS},
    openapi_extra=IF_MATCH,
)
def set_condition_status(
    request: HttpRequest,
    ref: str,
    condition_id: int,
    payload: ConditionIn,
    response: HttpResponse,
    programme: str | None = None,
) -> Any:
    """Track a condition of the decision (If-Match: the decision's version)."""
    prog = _programme(programme)

    def write(user: Any, expected: int) -> Any:
        found = selectors.decision_get(user=user, programme=prog, ref=ref)
        condition = selectors.condition_of(found, condition_id)
        services.set_condition_status(
            actor=user, condition=condition, status=payload.status, expected_version=expected
        )
        return selectors.decision_get(user=user, programme=prog, ref=ref)

    return versioned_write(request, response, write, lambda d: d)


@router.get("/escalations", response={200: list[EscalationOut], **ERRORS})
@paginate(Pagination)
def list_escalations(
    request: HttpRequest,
    programme: str | None = None,
    status: str | None = Query(None, description="open, passed_up, answered, withdrawn"),
) -> Any:
    """Escalations (participants only), latest first."""
    return selectors.escalation_list(
        user=actor(request), programme=_programme(programme), status=status
    )


@router.post("/escalations", response={201: EscalationOut, **ERRORS})
def raise_escalation(
    request: HttpRequest,
    payload: EscalationIn,
    response: HttpResponse,
    programme: str | None = None,
) -> Any:
    """Escalate a matter (or a decision) to the next level: context, rationale and the
    impact if no action is taken. A formal escalation skips no level; it may go to the IPA
    instead (`to_ipa`, without `to_group`)."""
    user = participant(request)
    prog = _programme(programme)
    decision = None
    if payload.decision:
        try:
            decision = selectors.decision_get(user=user, programme=prog, ref=payload.decision)
        except NotFound:
            raise ValidationError.for_field(
                "decision", f"No decision {payload.decision}."
            ) from None
    made = services.raise_escalation(
        actor=user,
        from_group=_group(user, prog, payload.from_group, "from_group"),
        to_group=_group(user, prog, payload.to_group, "to_group") if payload.to_group else None,
        to_ipa=payload.to_ipa,
        subject=payload.subject,
        context=payload.context,
        rationale=payload.rationale,
        impact=payload.impact,
        formal=payload.formal,
        raised_by_text=payload.raised_by,
        decision=decision,
    )
    response["ETag"] = etag_for(made.version)
    return Status(201, made)


def _escalation_out(user: Any, escalation: Any) -> Any:
    escalation.chain = selectors.escalation_chain(user=user, escalation=escalation)
    return escalation


@router.get("/escalations/{ref}", response={200: EscalationChainOut, **ERRORS})
def get_escalation(
    request: HttpRequest, ref: str, response: HttpResponse, programme: str | None = None
) -> Any:
    user = actor(request)
    found = selectors.escalation_get(user=user, programme=_programme(programme), ref=ref)
    response["ETag"] = etag_for(found.version)
    return _escalation_out(user, found)


@router.post(
    "/escalations/{ref}/escalate",
    response={200: EscalationChainOut, **ERRORS},
    openapi_extra=IF_MATCH,
)
def escalate_further(
    request: HttpRequest,
    ref: str,
    payload: EscalateIn,
    response: HttpResponse,
    programme: str | None = None,
) -> Any:
    """The receiving group takes it one level higher: the answer is this escalation (now
    escalated further) with its chain, whose last link is the new one."""

    def write(user: Any, expected: int) -> Any:
        found = selectors.escalation_get(user=user, programme=_programme(programme), ref=ref)
        services.escalate_further(
            actor=user, escalation=found, expected_version=expected, rationale=payload.rationale
        )
        return selectors.escalation_get(user=user, programme=_programme(programme), ref=ref)

    return versioned_write(request, response, write, lambda e: _escalation_out(actor(request), e))


@router.post(
    "/escalations/{ref}/answer",
    response={200: EscalationChainOut, **ERRORS},
    openapi_extra=IF_MATCH,
)
def answer_escalation(
    request: HttpRequest,
    ref: str,
    payload: EscalationAnswerIn,
    response: HttpResponse,
    programme: str | None = None,
) -> Any:
    def write(user: Any, expected: int) -> Any:
        found = selectors.escalation_get(user=user, programme=_programme(programme), ref=ref)
        return services.answer_escalation(
            actor=user, escalation=found, expected_version=expected, outcome=payload.outcome
        )

    return versioned_write(request, response, write, lambda e: _escalation_out(actor(request), e))


@router.get("/appeals", response={200: list[AppealOut], **ERRORS})
@paginate(Pagination)
def list_appeals(request: HttpRequest, programme: str | None = None) -> Any:
    return selectors.appeal_list(user=actor(request), programme=_programme(programme))


@router.post("/appeals", response={201: AppealOut, **ERRORS})
def lodge_appeal(
    request: HttpRequest, payload: AppealIn, response: HttpResponse, programme: str | None = None
) -> Any:
    """Appeal a governance decision to the IPA, with grounds."""
    user = participant(request)
    prog = _programme(programme)
    try:
        decision = selectors.decision_get(user=user, programme=prog, ref=payload.decision)
    except NotFound:
        raise ValidationError.for_field("decision", f"No decision {payload.decision}.") from None
    made = services.lodge_appeal(
        actor=user, decision=decision, grounds=payload.grounds, appellant_text=payload.appellant
    )
    response["ETag"] = etag_for(made.version)
    return Status(201, made)


@router.post("/appeals/{ref}/decision", response={200: AppealOut, **ERRORS}, openapi_extra=IF_MATCH)
def record_appeal_decision(
    request: HttpRequest,
    ref: str,
    payload: AppealDecisionIn,
    response: HttpResponse,
    programme: str | None = None,
) -> Any:
    """The IPA's final decision; each recommendation becomes an action for the SRO."""

    def write(user: Any, expected: int) -> Any:
        found = selectors.appeal_get(user=user, programme=_programme(programme), ref=ref)
        return services.record_appeal_decision(
            actor=user,
            appeal=found,
            expected_version=expected,
            result=payload.result,
            ipa_decision=payload.ipa_decision,
            recommendations=payload.recommendations,
            owner=payload.owner,
            due_on=payload.due,
        )

    return versioned_write(
        request,
        response,
        write,
        lambda a: selectors.appeal_get(
            user=actor(request), programme=_programme(programme), ref=a.ref
        ),
    )
