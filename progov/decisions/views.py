"""The decision log's pages: the log with search, a decision with its route, conditions,
views, escalation chain and appeals; recording a decision (an outcome the rules refuse
says why and offers escalation); the rules page; escalations and appeals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from progov.actions import selectors as action_selectors
from progov.core import access
from progov.core.errors import NotFound, ValidationError
from progov.core.pages import form_page, paginate, sign_in_to_write
from progov.decisions import selectors, services
from progov.decisions.forms import (
    TO_THE_IPA,
    AnswerForm,
    AppealDecisionForm,
    AppealForm,
    ConditionForm,
    DecisionFilterForm,
    DelegationForm,
    EscalateFurtherForm,
    EscalationForm,
    PublishForm,
    RecordDecisionForm,
    RulesForm,
)
from progov.decisions.models import Appeal, Decision, Delegation, Escalation, MadeHow, RuleSet
from progov.decisions.rules import money, route_as_seen
from progov.governance import selectors as governance_selectors
from progov.governance.models import GovernanceGroup, Programme
from progov.governance.views.pages import programme_page
from progov.meetings import selectors as meeting_selectors
from progov.meetings.selectors.agenda import agenda_items_of

READS = ["GET", "HEAD"]
WRITES = ["GET", "HEAD", "POST"]
PAGE = 50


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@require_http_methods(READS)
@programme_page
def decision_log(request: HttpRequest, programme: Programme) -> HttpResponse:
    groups = governance_selectors.group_choices(user=request.user, programme=programme)
    form = DecisionFilterForm(request.GET or None, groups=groups)
    data = form.cleaned_data if form.is_valid() else {}
    group = None
    if data.get("group"):
        try:
            group = governance_selectors.group_get(
                user=request.user, acronym=data["group"], programme=programme
            )
        except NotFound:
            group = None
    rows = selectors.decision_list(
        user=request.user,
        programme=programme,
        group=group,
        outcome=data.get("outcome") or None,
        q=data.get("q") or None,
    )
    may_record = [
        g
        for g in GovernanceGroup.objects.filter(programme=programme).order_by("level", "acronym")
        if access.allowed(
            user=request.user, action="create", obj=Decision(group=g, programme=programme)
        )
    ]
    return render(
        request,
        "decisions/log.html",
        {
            "programme": programme,
            "form": form,
            "page": paginate(request, rows, PAGE),
            "group": group,
            "record_group": group if group in may_record else None,
        },
    )


@require_http_methods(READS)
@programme_page
def decision_detail(request: HttpRequest, programme: Programme, ref: str) -> HttpResponse:
    decision = selectors.decision_get(user=request.user, programme=programme, ref=ref)
    return render(
        request,
        "decisions/decision.html",
        {
            "programme": programme,
            "decision": decision,
            "publication": selectors.publication_of(decision),
            "route": route_as_seen(
                decision.route,
                hidden=governance_selectors.hidden_acronyms(user=request.user, programme=programme),
            ),
            "may_change": access.allowed(user=request.user, action="change", obj=decision),
            "chain": selectors.escalations_of_decision(user=request.user, decision=decision),
            "appeals": list(
                selectors.appeal_list(user=request.user, programme=programme).filter(
                    decision=decision
                )
            ),
            "may_escalate": access.allowed(
                user=request.user,
                action="create",
                obj=Escalation(from_group=decision.group, to_group=decision.group),
            ),
            "may_appeal": access.allowed(
                user=request.user,
                action="create",
                obj=Appeal(decision=decision, programme=programme),
            ),
            "cost": money(decision.cost_impact_gbp) if decision.cost_impact_gbp is not None else "",
        },
    )


def _decision_write(request: HttpRequest, programme: Programme, ref: str) -> Decision:
    decision = selectors.decision_get(user=request.user, programme=programme, ref=ref)
    access.require(user=request.user, action="change", obj=decision)
    return decision


def _decision_crumbs(decision: Decision) -> list[tuple[str, str]]:
    return [
        ("Decisions", reverse("decisions:log")),
        (decision.ref, reverse("decisions:decision", args=[decision.ref])),
    ]


@require_http_methods(WRITES)
@programme_page
@sign_in_to_write
def publish_decision(request: HttpRequest, programme: Programme, ref: str) -> HttpResponse:
    decision = _decision_write(request, programme, ref)
    publication = selectors.publication_of(decision)
    due = (
        f" It is due by {publication.due:%-d %B %Y} ({publication.rule})."
        if publication.due
        else ""
    )
    form = PublishForm(_data(request), initial={"version": decision.version})
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"Record the publication of {decision.ref}",
            "intro": f"{decision.subject}.{due}",
            "crumbs": _decision_crumbs(decision),
            "submit_label": "Record the publication",
            "cancel_url": reverse("decisions:decision", args=[decision.ref]),
        },
        call=lambda data: services.publish_decision(
            actor=request.user,
            decision=decision,
            expected_version=data["version"],
            published_on=data["published_on"],
        ),
        done=lambda d: (
            f"{d.ref} was published on {d.published_on:%-d %B %Y}.",
            reverse("decisions:decision", args=[d.ref]),
        ),
        what=decision.ref,
    )


@require_http_methods(WRITES)
@programme_page
@sign_in_to_write
def condition_status(
    request: HttpRequest, programme: Programme, ref: str, condition_id: int
) -> HttpResponse:
    decision = _decision_write(request, programme, ref)
    condition = selectors.condition_of(decision, condition_id)
    form = ConditionForm(
        _data(request), initial={"version": decision.version, "status": condition.status}
    )
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"A condition of {decision.ref}",
            "intro": condition.text,
            "crumbs": _decision_crumbs(decision),
            "submit_label": "Save the status",
            "cancel_url": reverse("decisions:decision", args=[decision.ref]),
        },
        call=lambda data: services.set_condition_status(
            actor=request.user,
            condition=condition,
            status=data["status"],
            expected_version=data["version"],
        ),
        done=lambda c: (
            f"The condition is {c.get_status_display().lower()}.",
            reverse("decisions:decision", args=[decision.ref]),
        ),
        what=decision.ref,
    )


def _subjects(programme: Programme) -> list[tuple[str, str]]:
    return [
        (d.subject_type, d.label)
        for d in Delegation.objects.filter(rules__programme=programme).order_by("label")
    ]


@require_http_methods(WRITES)
@programme_page
@sign_in_to_write
def record_decision(request: HttpRequest, programme: Programme, acronym: str) -> HttpResponse:
    """Record a decision of a group (`?meeting=<id>` for one of its meetings)."""
    group = governance_selectors.group_get(user=request.user, acronym=acronym, programme=programme)
    access.require(
        user=request.user, action="create", obj=Decision(group=group, programme=programme)
    )
    meetings = list(
        meeting_selectors.visible_meetings(user=request.user)
        .filter(group=group)
        .exclude(status="cancelled")
        .select_related("group")
        .order_by("-start", "-id")[:24]
    )
    later = list(
        meeting_selectors.visible_meetings(user=request.user)
        .filter(group=group, start__gte=timezone.now())
        .exclude(status="cancelled")
        .select_related("group")
        .order_by("start", "id")[:12]
    )
    form = RecordDecisionForm(
        _data(request),
        meetings=meetings,
        subjects=_subjects(programme),
        later=later,
        constituencies=list(
            governance_selectors.constituency_list(user=request.user, programme=programme)
        ),
        agenda_items=agenda_items_of(user=request.user, meetings=meetings),
        initial={"meeting": request.GET.get("meeting", "")},
    )

    def call(data: dict[str, Any]) -> Decision:
        meeting = form.chosen_meeting()
        actions = []
        for ref in form.action_refs():
            try:
                actions.append(
                    action_selectors.action_get(user=request.user, programme=programme, ref=ref)
                )
            except NotFound:
                raise ValidationError.for_field("actions", f"No action {ref}.") from None
        views = []
        if data["majority_view"].strip():
            views.append(services.ViewIn("majority", data["majority_view"]))
        if data["minority_view"].strip():
            views.append(
                services.ViewIn(
                    "minority",
                    data["minority_view"],
                    [form.constituencies[c] for c in data["minority_constituencies"]],
                )
            )
        return services.record_decision(
            actor=request.user,
            group=group,
            meeting=meeting,
            agenda_item=form.chosen_agenda_item(),
            decision=services.DecisionIn(
                subject=data["subject"],
                subject_type=data["subject_type"],
                outcome=data["outcome"],
                recommendation=data["recommendation"],
                basis=data["basis"],
                rationale=data["rationale"],
                recording_time=data["recording_time"],
                review_on=data["review_on"],
                cost_impact_gbp=data["cost_impact_gbp"],
                tom_impact=data["tom_impact"],
                consumer_impact=data["consumer_impact"],
                competition_impact=data["competition_impact"],
                conditions=[c for c in (data["conditions"] or "").splitlines() if c.strip()],
                made_how=MadeHow.MEETING if meeting is not None else MadeHow.CHAIR,
                deferred_to=form.chosen_deferral(),
                views=views,
                actions=actions,
            ),
        )

    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "group": group,
            "heading": f"Record a decision of {group.acronym}",
            "intro": "The route is checked against the framework's rules: an outcome "
            f"{group.acronym} may not record (over a threshold, or reserved for a higher level) "
            "is refused with the reason, and you can escalate it instead.",
            "crumbs": [("Decisions", reverse("decisions:log"))],
            "submit_label": "Record the decision",
            "cancel_url": reverse("decisions:log"),
            "escalate_url": reverse("decisions:raise_escalation", args=[group.acronym]),
            "before_template": "decisions/_escalate_offer.html",
        },
        call=call,
        done=lambda d: (
            f"Decision {d.ref} is recorded.",
            reverse("decisions:decision", args=[d.ref]),
        ),
        what="The decision log",
    )


@require_http_methods(READS)
@programme_page
def rules_page(request: HttpRequest, programme: Programme) -> HttpResponse:
    context = selectors.rules_context(user=request.user, programme=programme)
    cumulative = context["cumulative"]
    probe = context["rules"] or RuleSet(programme=programme)
    may_edit = access.allowed(
        user=request.user, action="change" if context["rules"] else "create", obj=probe
    )
    return render(
        request,
        "decisions/rules.html",
        {
            "programme": programme,
            **context,
            "cumulative_text": money(cumulative) if cumulative is not None else "",
            "threshold_texts": [
                (t, money(t.amount) if t.amount is not None else "") for t in context["thresholds"]
            ],
            "zero": Decimal(0),
            "may_edit": may_edit,
        },
    )


@require_http_methods(WRITES)
@programme_page
@sign_in_to_write
def edit_rules(request: HttpRequest, programme: Programme) -> HttpResponse:
    """The rules' framework version, regulator, route and re-baseline (administrators)."""
    rules = RuleSet.objects.filter(programme=programme).select_related("regulator").first()
    probe = rules or RuleSet(programme=programme)
    access.require(user=request.user, action="change" if rules else "create", obj=probe)
    groups = governance_selectors.group_choices(user=request.user, programme=programme)
    form = RulesForm(
        _data(request),
        groups=groups,
        initial={
            "version": rules.version if rules else 1,
            "framework_version": rules.framework_version if rules else "",
            "regulator": rules.regulator.acronym if rules and rules.regulator else "",
            "via": rules.via if rules else "",
            "cumulative_from": rules.cumulative_from if rules else None,
            "allow_skipping_levels": rules.allow_skipping_levels if rules else False,
        },
    )
    by_acronym = {g.acronym: g for g in groups}
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": "Edit the decision rules",
            "intro": "Who may decide what is set per kind of decision on the rules page.",
            "crumbs": [("Who may decide what", reverse("decisions:rules"))],
            "submit_label": "Save the rules",
            "cancel_url": reverse("decisions:rules"),
        },
        call=lambda data: services.save_rules(
            actor=request.user,
            programme=programme,
            version=data["framework_version"],
            regulator=GovernanceGroup.objects.filter(pk=by_acronym[data["regulator"]].pk).first()
            if data["regulator"]
            else None,
            via=data["via"],
            cumulative_from=data["cumulative_from"],
            allow_skipping_levels=data["allow_skipping_levels"],
            expected_version=data["version"],
        ),
        done=lambda r: ("The decision rules are saved.", reverse("decisions:rules")),
        what="The rules",
        current_version=lambda: RuleSet.objects.get(programme=programme).version,
    )


@require_http_methods(WRITES)
@programme_page
@sign_in_to_write
def edit_delegation(request: HttpRequest, programme: Programme) -> HttpResponse:
    """Set who may decide one kind of decision (`?subject=design` to change one)."""
    rules = selectors.rules_get(programme=programme)
    access.require(user=request.user, action="change", obj=rules)
    groups = governance_selectors.group_choices(user=request.user, programme=programme)
    wanted = request.GET.get("subject") or request.POST.get("subject_type") or ""
    current = (
        Delegation.objects.filter(rules=rules, subject_type=wanted)
        .prefetch_related("groups")
        .first()
    )
    form = DelegationForm(
        _data(request),
        groups=groups,
        initial={
            "subject_type": current.subject_type,
            "label": current.label,
            "level": str(current.level),
            "groups": [g.acronym for g in current.groups.all()],
            "note": current.note,
        }
        if current
        else {},
    )
    by_acronym = {g.acronym: g for g in groups}
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"Who decides {current.label.lower()}"
            if current
            else "A new kind of decision",
            "intro": "Groups of the level (or the groups named at it) decide; groups below recommend.",
            "crumbs": [("Who may decide what", reverse("decisions:rules"))],
            "submit_label": "Save",
            "cancel_url": reverse("decisions:rules"),
        },
        call=lambda data: services.save_delegation(
            actor=request.user,
            rules=rules,
            subject_type=data["subject_type"],
            label=data["label"],
            level=data["level"],
            groups=list(
                GovernanceGroup.objects.filter(pk__in=[by_acronym[a].pk for a in data["groups"]])
            ),
            note=data["note"],
        ),
        done=lambda d: (f"{d.label}: Level {d.level}.", reverse("decisions:rules")),
        what="The delegation",
    )


@require_http_methods(READS)
@programme_page
def escalation_list(request: HttpRequest, programme: Programme) -> HttpResponse:
    status = request.GET.get("status") or None
    rows = selectors.escalation_list(
        user=request.user,
        programme=programme,
        status=status if status in ("open", "passed_up", "answered", "withdrawn") else None,
    )
    return render(
        request,
        "decisions/escalations.html",
        {"programme": programme, "page": paginate(request, rows, PAGE)},
    )


@require_http_methods(READS)
@programme_page
def escalation_detail(request: HttpRequest, programme: Programme, ref: str) -> HttpResponse:
    escalation = selectors.escalation_get(user=request.user, programme=programme, ref=ref)
    can = access.permitted_actions(
        user=request.user, obj=escalation, actions=("answer", "escalate")
    )
    return render(
        request,
        "decisions/escalation.html",
        {
            "programme": programme,
            "escalation": escalation,
            "chain": selectors.escalation_chain(user=request.user, escalation=escalation),
            "can": can if escalation.status == "open" else set(),
        },
    )


@require_http_methods(WRITES)
@programme_page
@sign_in_to_write
def raise_escalation(request: HttpRequest, programme: Programme, acronym: str) -> HttpResponse:
    """Escalate a matter (or `?decision=<ref>`) from a group to the next level."""
    group = governance_selectors.group_get(user=request.user, acronym=acronym, programme=programme)
    access.require(
        user=request.user, action="create", obj=Escalation(from_group=group, to_group=group)
    )
    decision = None
    wanted = request.GET.get("decision") or request.POST.get("decision") or ""
    if wanted:
        decision = selectors.decision_get(user=request.user, programme=programme, ref=wanted)
    visible = governance_selectors.group_choices(user=request.user, programme=programme)
    parent = next((g for g in visible if g.pk == group.parent_id), None)
    targets = ([parent] if parent else []) + [
        g for g in visible if g.pk not in (group.pk, group.parent_id)
    ]
    form = EscalationForm(
        _data(request),
        targets=targets,
        initial={
            "to_group": parent.acronym if parent else "",
            "subject": decision.subject if decision else "",
            "formal": True,
        },
    )

    def call(data: dict[str, Any]) -> Escalation:
        to_ipa = data["to_group"] == TO_THE_IPA
        to_group = None if to_ipa else next(g for g in targets if g.acronym == data["to_group"])
        return services.raise_escalation(
            actor=request.user,
            from_group=group,
            to_group=GovernanceGroup.objects.get(pk=to_group.pk) if to_group else None,
            to_ipa=to_ipa,
            subject=data["subject"],
            context=data["context"],
            rationale=data["rationale"],
            impact=data["impact"],
            formal=data["formal"],
            decision=decision,
        )

    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"Escalate from {group.acronym}" + (f": {decision.ref}" if decision else ""),
            "intro": "Seed 000's process: give the context, why it is escalated and the "
            "impact if no action is taken. A formal escalation goes to the next level "
            f"({parent.acronym if parent else 'none'}) or the IPA, and skips none.",
            "crumbs": [("Escalations", reverse("decisions:escalations"))],
            "submit_label": "Escalate",
            "cancel_url": reverse("decisions:escalations"),
        },
        call=call,
        done=lambda e: (
            f"{e.ref} is raised with {e.to_name}.",
            reverse("decisions:escalation", args=[e.ref]),
        ),
        what="The escalation",
    )


def _escalation_write(
    request: HttpRequest, programme: Programme, ref: str, verb: str
) -> Escalation:
    escalation = selectors.escalation_get(user=request.user, programme=programme, ref=ref)
    access.require(user=request.user, action=verb, obj=escalation)
    return escalation


@require_http_methods(WRITES)
@programme_page
@sign_in_to_write
def escalate_further(request: HttpRequest, programme: Programme, ref: str) -> HttpResponse:
    escalation = _escalation_write(request, programme, ref, "escalate")
    form = EscalateFurtherForm(_data(request), initial={"version": escalation.version})
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"Escalate {escalation.ref} further",
            "intro": f"{escalation.to_name} cannot resolve “{escalation.subject}”: it goes one level higher.",
            "crumbs": [
                ("Escalations", reverse("decisions:escalations")),
                (escalation.ref, reverse("decisions:escalation", args=[escalation.ref])),
            ],
            "submit_label": "Escalate further",
            "cancel_url": reverse("decisions:escalation", args=[escalation.ref]),
        },
        call=lambda data: services.escalate_further(
            actor=request.user,
            escalation=escalation,
            expected_version=data["version"],
            rationale=data["rationale"],
        ),
        done=lambda e: (
            f"{e.ref} is raised with {e.to_name}.",
            reverse("decisions:escalation", args=[e.ref]),
        ),
        what=escalation.ref,
    )


@require_http_methods(WRITES)
@programme_page
@sign_in_to_write
def answer_escalation(request: HttpRequest, programme: Programme, ref: str) -> HttpResponse:
    escalation = _escalation_write(request, programme, ref, "answer")
    form = AnswerForm(_data(request), initial={"version": escalation.version})
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"Answer {escalation.ref}",
            "intro": escalation.subject,
            "crumbs": [("Escalations", reverse("decisions:escalations"))],
            "submit_label": "Record the answer",
            "cancel_url": reverse("decisions:escalation", args=[escalation.ref]),
        },
        call=lambda data: services.answer_escalation(
            actor=request.user,
            escalation=escalation,
            expected_version=data["version"],
            outcome=data["outcome"],
        ),
        done=lambda e: (f"{e.ref} is answered.", reverse("decisions:escalation", args=[e.ref])),
        what=escalation.ref,
    )


@require_http_methods(READS)
@programme_page
def appeal_list(request: HttpRequest, programme: Programme) -> HttpResponse:
    rows = selectors.appeal_list(user=request.user, programme=programme)
    page = paginate(request, rows, PAGE)
    decidable = {
        a.pk for a in page.object_list if access.allowed(user=request.user, action="decide", obj=a)
    }
    return render(
        request,
        "decisions/appeals.html",
        {"programme": programme, "page": page, "decidable": decidable},
    )


@require_http_methods(WRITES)
@programme_page
@sign_in_to_write
def lodge_appeal(request: HttpRequest, programme: Programme, ref: str) -> HttpResponse:
    decision = selectors.decision_get(user=request.user, programme=programme, ref=ref)
    access.require(
        user=request.user, action="create", obj=Appeal(decision=decision, programme=programme)
    )
    form = AppealForm(_data(request))
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"Appeal {decision.ref} to the IPA",
            "intro": f"{decision.subject}: {decision.get_outcome_display()}. The IPA's decision on an appeal is final.",
            "crumbs": [
                ("Decisions", reverse("decisions:log")),
                (decision.ref, reverse("decisions:decision", args=[decision.ref])),
            ],
            "submit_label": "Lodge the appeal",
            "cancel_url": reverse("decisions:decision", args=[decision.ref]),
        },
        call=lambda data: services.lodge_appeal(
            actor=request.user,
            decision=decision,
            grounds=data["grounds"],
            appellant_text=data["appellant"],
        ),
        done=lambda a: (f"{a.ref} is lodged with the IPA.", reverse("decisions:appeals")),
        what="The appeal",
    )


@require_http_methods(WRITES)
@programme_page
@sign_in_to_write
def decide_appeal(request: HttpRequest, programme: Programme, ref: str) -> HttpResponse:
    appeal = selectors.appeal_get(user=request.user, programme=programme, ref=ref)
    access.require(user=request.user, action="decide", obj=appeal)
    form = AppealDecisionForm(_data(request), initial={"version": appeal.version})
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"The IPA's decision on {appeal.ref}",
            "intro": f"Appeal of {appeal.decision.ref} by {appeal.appellant_text}: {appeal.grounds}",
            "crumbs": [("Appeals", reverse("decisions:appeals"))],
            "submit_label": "Record the IPA's decision",
            "cancel_url": reverse("decisions:appeals"),
        },
        call=lambda data: services.record_appeal_decision(
            actor=request.user,
            appeal=appeal,
            expected_version=data["version"],
            result=data["result"],
            ipa_decision=data["ipa_decision"],
            recommendations=[r for r in (data["recommendations"] or "").splitlines() if r.strip()],
            due_on=data["due_on"],
        ),
        done=lambda a: (
            f"The IPA's decision on {a.ref} is recorded (final).",
            reverse("decisions:appeals"),
        ),
        what=appeal.ref,
    )
