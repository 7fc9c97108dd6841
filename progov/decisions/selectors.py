"""Reads of the decision log, escalations, appeals and the rules, restricted in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from progov.calendars.selectors import calendar_for_programme
from progov.core import access
from progov.core.context import act_cache
from progov.core.errors import NotFound
from progov.core.fulltext import ranked
from progov.decisions.models import (
    Appeal,
    Decision,
    DecisionView,
    Delegation,
    Escalation,
    EscalationStatus,
    RuleSet,
)
from progov.decisions.rules import cumulative_total
from progov.governance.models import DeadlineKey, DeadlineRule, GovernanceGroup, Programme
from progov.governance.timezones import local_date, programme_tz, today_for
from progov.meetings.deadlines import rules_for_group, rules_in_force
from progov.meetings.times import meeting_date


def _decisions(qs: QuerySet[Decision]) -> QuerySet[Decision]:
    return qs.select_related(
        "group",
        "meeting",
        "meeting__group",
        "meeting__headline_report",
        "agenda_item",
        "deferred_to",
        "deferred_to__group",
        "supersedes",
    ).prefetch_related(
        "conditions",
        Prefetch("views", queryset=DecisionView.objects.prefetch_related("constituencies")),
        "actions",
        "superseded_by",
    )


def decision_list(
    *,
    user: Any,
    programme: Programme,
    group: GovernanceGroup | None = None,
    meeting: Any = None,
    outcome: str | None = None,
    q: str | None = None,
) -> QuerySet[Decision]:
    qs = access.restrict(Decision.objects.filter(programme=programme), user=user)
    if group is not None:
        qs = qs.filter(group=group)
    if meeting is not None:
        qs = qs.filter(meeting=meeting)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if q and q.strip():
        words = q.strip()
        qs = qs.filter(
            Q(ref__icontains=words)
            | Q(subject__icontains=words)
            | Q(rationale__icontains=words)
            | Q(recommendation__icontains=words)
        )
    return _decisions(qs).order_by("-decided_on", "ref_prefix", "sequence", "id")


def decision_get(*, user: Any, programme: Programme, ref: str) -> Decision:
    found = (
        _decisions(access.restrict(Decision.objects.filter(programme=programme), user=user))
        .filter(ref__iexact=ref.strip())
        .first()
    )
    if found is None:
        raise NotFound(f"No decision {ref}.")
    return found


@dataclass(frozen=True)
class Publication:
    """When a decision was, or is to be, published to participants.

    `due` follows the group's `decisions_published_due` rule (MHHS: 5 working days after
    the meeting, in the programme's working-day calendar); None when no rule applies.
    `published_on` is the day recorded, else the day the meeting's headline report (which
    carries its decisions) was published (`with_report`). `status`: on_time, late,
    overdue, due, or "" (no rule and not published)."""

    due: date | None
    published_on: date | None
    with_report: bool
    status: str
    rule: str = ""

    @property
    def words(self) -> str:
        return {
            "on_time": "published on time",
            "late": "published late",
            "overdue": "overdue",
            "due": "to be published",
        }.get(self.status, "")


def _publication_rules(programme_id: int) -> tuple[list[DeadlineRule], Any, Any, date]:
    """The programme's `decisions_published_due` rules, calendar, zone and today: read
    once per act (a page, an API call), however many decisions it shows."""
    cache = act_cache("decision_publication")
    if cache is not None and programme_id in cache:
        return cache[programme_id]
    programme = Programme.objects.get(pk=programme_id)
    found = (
        list(
            DeadlineRule.objects.filter(
                programme=programme, key=DeadlineKey.DECISIONS_PUBLISHED_DUE
            ).select_related("group")
        ),
        calendar_for_programme(programme),
        programme_tz(programme),
        today_for(programme),
    )
    if cache is not None:
        cache[programme_id] = found
    return found


def publication_of(d: Decision) -> Publication:
    """When `d` was or is to be published (see `Publication`); its meeting's headline
    report comes with it from `_decisions` (select_related)."""
    rules, calendar, tz, today = _publication_rules(d.programme_id)
    anchor = meeting_date(d.meeting) if d.meeting is not None else d.decided_on
    rule = rules_in_force(rules_for_group(rules, d.group), anchor).get(
        DeadlineKey.DECISIONS_PUBLISHED_DUE
    )
    due = calendar.add_working_days(anchor, rule.working_days) if rule else None
    published = d.published_on
    report = getattr(d.meeting, "headline_report", None) if d.meeting is not None else None
    report_at = report.published_at if report is not None else None
    with_report = published is None and report_at is not None
    if report_at is not None and with_report:
        published = local_date(report_at, tz)
    if due is None:
        status = ""
    elif published is not None:
        status = "on_time" if published <= due else "late"
    else:
        status = "overdue" if today > due else "due"
    return Publication(
        due=due,
        published_on=published,
        with_report=with_report,
        status=status,
        rule=(
            f"{rule.working_days} working days after the "
            + ("meeting" if d.meeting_id else "decision")
            if rule
            else ""
        ),
    )


def condition_of(decision: Decision, condition_id: int) -> Any:
    """One condition of a decision the reader may see (from `decision_get`'s prefetch);
    NotFound for another decision's or a missing one."""
    found = next((c for c in decision.conditions.all() if c.pk == condition_id), None)
    if found is None:
        raise NotFound(f"{decision.ref} has no condition #{condition_id}.")
    return found


def decisions_at(*, user: Any, meeting: Any) -> list[Decision]:
    return list(
        _decisions(access.restrict(Decision.objects.filter(meeting=meeting), user=user)).order_by(
            "sequence", "id"
        )
    )


def decision_search(*, user: Any, programme: Programme, q: str, limit: int) -> list[Decision]:
    qs = access.restrict(Decision.objects.filter(programme=programme), user=user).select_related(
        "group"
    )
    exact = list(qs.filter(ref__iexact=q.strip())[:1])
    return exact + ranked(
        qs.exclude(pk__in=[d.pk for d in exact]).order_by("-decided_on", "id"),
        fields=("ref", "subject", "rationale"),
        q=q,
        limit=max(0, limit - len(exact)),
    )


def rules_context(*, user: Any, programme: Programme) -> dict[str, Any]:
    """The rules page: levels, delegations, thresholds and the running cumulative total
    (the groups the reader may see)."""
    rules = RuleSet.objects.filter(programme=programme).select_related("regulator").first()
    visible = access.restrict(GovernanceGroup.objects.all(), user=user)
    delegations = (
        list(
            Delegation.objects.filter(rules=rules).prefetch_related(
                Prefetch("groups", queryset=visible)
            )
        )
        if rules
        else []
    )
    from progov.governance.models import RegulatorThreshold

    return {
        "rules": rules,
        "delegations": delegations,
        "thresholds": list(RegulatorThreshold.objects.filter(programme=programme)),
        "cumulative": cumulative_total(rules) if rules else None,
        "levels": _levels(user, programme),
    }


def rules_get(*, programme: Programme) -> RuleSet:
    rules = RuleSet.objects.filter(programme=programme).first()
    if rules is None:
        raise NotFound(f"{programme} has no decision rules yet.")
    return rules


def _levels(user: Any, programme: Programme) -> list[dict[str, Any]]:
    """The groups by level with what each reports to (a parent the reader may not see is
    not named)."""
    rows = list(
        access.restrict(GovernanceGroup.objects.filter(programme=programme), user=user)
        .order_by("level", "acronym")
        .values("id", "level", "acronym", "name", "parent_id")
    )
    names = {r["id"]: r["acronym"] for r in rows}
    return [
        {**r, "parent__acronym": names.get(r["parent_id"])} for r in rows if r["level"] is not None
    ]


def _escalations(qs: QuerySet[Escalation]) -> QuerySet[Escalation]:
    return qs.select_related("from_group", "to_group", "decision", "previous", "raised_by")


def escalation_list(
    *, user: Any, programme: Programme, status: str | None = None, group: Any = None
) -> QuerySet[Escalation]:
    qs = access.restrict(Escalation.objects.filter(programme=programme), user=user)
    if status:
        qs = qs.filter(status=status)
    if group is not None:
        qs = qs.filter(Q(from_group=group) | Q(to_group=group))
    return _escalations(qs).order_by("-raised_on", "-id")


def escalation_get(*, user: Any, programme: Programme, ref: str) -> Escalation:
    found = (
        _escalations(access.restrict(Escalation.objects.filter(programme=programme), user=user))
        .filter(ref__iexact=ref.strip())
        .first()
    )
    if found is None:
        raise NotFound(f"No escalation {ref}.")
    return found


def escalation_chain(*, user: Any, escalation: Escalation) -> list[Escalation]:
    """The whole chain the escalation belongs to, first link first (DWG → TMAG → PSG →
    the regulator via the IPA); links the reader may not see are left out."""
    first = escalation
    seen = {first.pk}
    while first.previous_id is not None and first.previous_id not in seen:
        earlier = Escalation.objects.select_related("previous").filter(pk=first.previous_id).first()
        if earlier is None:
            break
        first = earlier
        seen.add(first.pk)
    chain = [first]
    while True:
        later = Escalation.objects.filter(previous=chain[-1]).first()
        if later is None or later.pk in {c.pk for c in chain}:
            break
        chain.append(later)
    visible = set(
        access.restrict(
            Escalation.objects.filter(pk__in=[c.pk for c in chain]), user=user
        ).values_list("pk", flat=True)
    )
    return list(
        _escalations(
            Escalation.objects.filter(pk__in=[c.pk for c in chain if c.pk in visible])
        ).order_by("raised_on", "id")
    )


def escalations_of_decision(*, user: Any, decision: Decision) -> list[Escalation]:
    firsts = list(
        access.restrict(
            Escalation.objects.filter(decision=decision, previous__isnull=True), user=user
        )
    )
    out: list[Escalation] = []
    for e in firsts:
        out += escalation_chain(user=user, escalation=e)
    return out


def escalations_awaiting(*, user: Any, programme: Programme) -> QuerySet[Escalation]:
    return _escalations(
        access.restrict(
            Escalation.objects.filter(programme=programme, status=EscalationStatus.OPEN),
            user=user,
            action="answer",
        )
    ).order_by("raised_on", "id")


def appeal_list(*, user: Any, programme: Programme) -> QuerySet[Appeal]:
    return (
        access.restrict(Appeal.objects.filter(programme=programme), user=user)
        .select_related("decision", "decision__group")
        .prefetch_related("actions")
        .order_by("-lodged_on", "-id")
    )


def appeal_get(*, user: Any, programme: Programme, ref: str) -> Appeal:
    found = appeal_list(user=user, programme=programme).filter(ref__iexact=ref.strip()).first()
    if found is None:
        raise NotFound(f"No appeal {ref}.")
    return found
