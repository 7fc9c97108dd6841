"""Who may take a decision, and whether it must go higher: the framework's rules as data.

`route_decision` is pure (it reads, never writes). For a proposed decision of a group on
a kind of subject, with its cost or benefit impact and its impacts on the Target
Operating Model, consumers and competition, it answers:

- `decided_by`: the group that may take it — the first group, from the proposing one up
  its parents, that the delegation of the subject allows (its level, and when the
  delegation names groups at that level, one of them; a higher level always may);
- the regulator instead when a threshold is met: a cost or benefit impact of the single
  threshold (£5m) or more, or one that takes the running total to the cumulative
  threshold (£20m) or more, or a material impact on the TOM, consumers or competition;
- `must_escalate`, `escalate_to` (the proposing group's next step: its parent; the
  regulator is reached through the IPA, `via`), the route of groups, and `reasons` in
  words ("£6.0m meets the £5m single-decision threshold").

The cumulative total, unless given, is the cost impacts of the programme's decisions
accepted since the rules' `cumulative_from` (the last re-baseline), as recorded.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from progov.core.errors import ValidationError
from progov.decisions.models import DECISIVE, Decision, Delegation, RuleSet
from progov.governance.models import GovernanceGroup, Programme, RegulatorThreshold


def money(amount: Decimal | float | int) -> str:
    """£6.0m, £16.5m; under a million in thousands: £250k."""
    value = abs(Decimal(amount))
    if value >= 1_000_000:
        return f"£{value / 1_000_000:.1f}m"
    return f"£{value / 1000:,.0f}k" if value >= 1000 else f"£{value:,.0f}"


def threshold_words(amount: Decimal) -> str:
    """£5m, £20m (a threshold as the framework writes it)."""
    millions = Decimal(amount) / 1_000_000
    return f"£{int(millions)}m" if millions == millions.to_integral_value() else money(amount)


@dataclass(frozen=True)
class Route:
    decided_by: str
    must_escalate: bool
    escalate_to: str | None
    via: str
    reasons: list[str]
    rules_version: str
    path: list[str] = field(default_factory=list)
    cumulative_before_gbp: Decimal = Decimal(0)
    to_regulator: bool = False

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["cumulative_before_gbp"] = str(self.cumulative_before_gbp)
        return out


def rules_of(programme: Programme) -> RuleSet:
    rules = RuleSet.objects.filter(programme=programme).select_related("regulator").first()
    if rules is None:
        raise ValidationError(
            f"{programme} has no decision rules yet: load them with the data pack "
            "(`decision_rules`) or on the rules page."
        )
    return rules


def cumulative_total(rules: RuleSet, *, excluding: Any = None) -> Decimal:
    """The cost impacts of the programme's decisions that count toward the cumulative
    threshold: those decided (accepted, with or without conditions) since the last
    re-baseline."""
    qs = Decision.objects.filter(
        programme_id=rules.programme_id, outcome__in=[o for o in DECISIVE if o != "rejected"]
    ).exclude(cost_impact_gbp__isnull=True)
    if rules.cumulative_from is not None:
        qs = qs.filter(decided_on__gte=rules.cumulative_from)
    if excluding is not None:
        qs = qs.exclude(pk=excluding)
    total = qs.aggregate(total=Sum("cost_impact_gbp"))["total"]
    return Decimal(total or 0)


def _chain(group: GovernanceGroup, groups: dict[int, GovernanceGroup]) -> list[GovernanceGroup]:
    out = [group]
    seen = {group.pk}
    while out[-1].parent_id is not None and out[-1].parent_id not in seen:
        parent = groups.get(out[-1].parent_id)
        if parent is None:
            break
        out.append(parent)
        seen.add(parent.pk)
    return out


def _may_decide(group: GovernanceGroup, delegation: Delegation, named: set[int]) -> bool:
    if group.level is None:
        return False
    if group.level < delegation.level:
        return True
    if group.level == delegation.level:
        return not named or group.pk in named
    return False


def route_decision(
    *,
    group: GovernanceGroup,
    subject_type: str,
    cost_impact_gbp: Decimal | None = None,
    tom_impact: bool = False,
    consumer_impact: bool = False,
    competition_impact: bool = False,
    cumulative_before_gbp: Decimal | None = None,
    excluding: Any = None,
) -> Route:
    """Who may take this decision and whether it must go higher (see the module)."""
    rules = rules_of(group.programme)
    delegation = (
        Delegation.objects.filter(rules=rules, subject_type=subject_type)
        .prefetch_related("groups")
        .first()
    )
    if delegation is None:
        kinds = ", ".join(
            Delegation.objects.filter(rules=rules).values_list("subject_type", flat=True)
        )
        raise ValidationError.for_field(
            "subject_type", f"“{subject_type}” is not a kind of decision the rules know: {kinds}."
        )
    groups = {g.pk: g for g in GovernanceGroup.objects.filter(programme_id=group.programme_id)}
    chain = _chain(groups.get(group.pk, group), groups)
    named = {g.pk for g in delegation.groups.all()}
    named_words = ", ".join(sorted(g.acronym for g in delegation.groups.all()))
    reasons: list[str] = []
    decider = next((g for g in chain if _may_decide(g, delegation, named)), None)
    top = chain[-1]
    if decider is None:
        decider = top
        reasons.append(
            f"No group on {group.acronym}'s route holds the authority for "
            f"{delegation.label.lower()}: it goes to {top.acronym}."
        )
    elif decider.pk == group.pk:
        reasons.append(
            f"{group.acronym} (Level {group.level}) holds the authority for {delegation.label.lower()}"
            + (
                f" (delegated to {named_words})"
                if named and group.level == delegation.level
                else ""
            )
            + "."
        )
    else:
        where = f"delegated to {named_words}" if named else f"Level {delegation.level} or above"
        reasons.append(
            f"{delegation.label} is decided at {where}: {group.acronym}"
            f"{f' (Level {group.level})' if group.level else ''} recommends to {decider.acronym}."
        )
    thresholds = {
        t.key: t for t in RegulatorThreshold.objects.filter(programme_id=group.programme_id)
    }
    to_regulator: list[str] = []
    counted = cumulative_before_gbp
    if counted is None:
        counted = cumulative_total(rules, excluding=excluding)
    if cost_impact_gbp is not None:
        impact = abs(Decimal(cost_impact_gbp))
        single = thresholds.get("cost_single")
        if single is not None and single.amount is not None and impact >= single.amount:
            to_regulator.append(
                f"{money(impact)} meets the {threshold_words(single.amount)} single-decision "
                "threshold."
            )
        running = thresholds.get("cost_cumulative")
        if (
            running is not None
            and running.amount is not None
            and counted + impact >= running.amount
        ):
            to_regulator.append(
                f"{money(counted)} already counted and {money(impact)} more make "
                f"{money(counted + impact)}, which meets the {threshold_words(running.amount)} "
                "cumulative threshold."
            )
        if not to_regulator and (single is not None or running is not None):
            limits = [
                f"under the {threshold_words(t.amount)} {word} threshold"
                for t, word in ((single, "single-decision"), (running, "cumulative"))
                if t is not None and t.amount is not None
            ]
            reasons.append(
                f"{money(impact)} ({money(counted + impact)} counted with it) is "
                + " and ".join(limits)
                + "."
            )
    for flag, key, words in (
        (tom_impact, "tom_impact", "a material impact on the Target Operating Model"),
        (consumer_impact, "consumer_competition_impact", "a material impact on consumers"),
        (competition_impact, "consumer_competition_impact", "a material impact on competition"),
    ):
        if flag and key in thresholds:
            to_regulator.append(f"It has {words}: that is for the regulator.")
    regulator = rules.regulator
    via = rules.via
    if to_regulator and regulator is not None:
        reasons += to_regulator
        decider = regulator
    path = []
    for g in chain:
        path.append(g.acronym)
        if g.pk == decider.pk:
            break
    if decider.acronym not in path:
        path.append(decider.acronym)
    must = decider.pk != group.pk
    next_step = path[1] if must and len(path) > 1 else None
    if must and next_step == (regulator.acronym if regulator else None) and via:
        reasons.append(f"{group.acronym} escalates it to {next_step} through {via}.")
    return Route(
        decided_by=decider.acronym,
        must_escalate=must,
        escalate_to=next_step,
        via=via if regulator is not None and regulator.acronym in path[1:] else "",
        reasons=reasons,
        rules_version=rules.framework_version,
        path=path,
        cumulative_before_gbp=counted,
        to_regulator=bool(to_regulator and regulator is not None),
    )


def next_step(group: GovernanceGroup) -> GovernanceGroup | None:
    """Where a formal escalation from `group` goes: its parent (PSG's: the regulator)."""
    if group.parent_id is None:
        return None
    return GovernanceGroup.objects.filter(pk=group.parent_id).first()


HIDDEN_GROUP = "a group you cannot see"


def route_as_seen(route: dict[str, Any], *, hidden: Collection[str]) -> dict[str, Any]:
    """`route` (Route.as_dict) with the groups a reader may not see (`hidden` acronyms)
    unnamed: "a group you cannot see" in who decides, the next step, the path and the
    reasons (a public group's route may pass through a restricted parent, whose name is
    not for every reader)."""
    names = sorted(set(hidden), key=len, reverse=True)
    if not names or not route:
        return route
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, names)) + r")(?![\w-])")

    def unnamed(text: Any) -> Any:
        return pattern.sub(HIDDEN_GROUP, text) if isinstance(text, str) else text

    out = dict(route)
    for key in ("decided_by", "escalate_to"):
        out[key] = unnamed(out.get(key))
    out["path"] = [unnamed(a) for a in out.get("path", [])]
    out["reasons"] = [unnamed(r) for r in out.get("reasons", [])]
    return out
