"""The decision log's section of a data pack: `decision_rules` and `decisions`.

    decision_rules:
      version: "3.2"            # the framework version the rules follow
      regulator: OFGEM          # the group that stands for the regulator
      via: the IPA              # through whom escalations reach it
      cumulative_from: null     # the last re-baseline (default: every recorded decision)
      delegations:
        - {subject: design, label: Design decisions, level: 3, groups: [DAG]}
    decisions:
      - {group: DAG, date: 2023-08-09, subject: "CR024 Data Item Names…", type: change_request,
         outcome: accepted, basis: chair}

A decision's meeting is the group's meeting on its date, linked once meetings are
generated (`manage.py link_decision_meetings`; the demo runs it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from progov.core.packs import (
    ApplyContext,
    Checker,
    ExportContext,
    Map,
    PackSection,
    SchemaContext,
    ValidationContext,
    guard,
    items,
    register_pack_section,
    unique,
)
from progov.core.packs import schema as js
from progov.decisions import services
from progov.decisions.models import Basis, Decision, Delegation, MadeHow, Outcome, RuleSet
from progov.governance.pack import GovernanceApplier, GovernanceSpec

DECISION_KEYS = (
    "group",
    "date",
    "subject",
    "type",
    "recommendation",
    "outcome",
    "basis",
    "made",
    "rationale",
    "conditions",
    "cost_impact_gbp",
    "tom_impact",
    "note",
)


@dataclass
class DelegationSpec:
    line: int
    subject: str
    label: str
    level: int
    groups: list[str]
    note: str


@dataclass
class RulesSpec:
    line: int
    version: str
    regulator: str
    via: str
    cumulative_from: date | None
    allow_skipping_levels: bool
    delegations: list[DelegationSpec] = field(default_factory=list)


@dataclass
class DecisionSpec:
    line: int
    group: str
    day: date | None
    subject: str
    subject_type: str
    recommendation: str
    outcome: str
    basis: str
    made: str
    rationale: str
    conditions: list[str]
    cost: Decimal | None
    tom: bool


@dataclass
class DecisionsSpec:
    rules: RulesSpec | None = None
    decisions: list[DecisionSpec] = field(default_factory=list)


def validate_decisions(c: Checker, doc: Map, context: ValidationContext) -> DecisionsSpec:
    governance: GovernanceSpec = context.specs["governance"]
    groups = governance.groups_by_acronym
    spec = DecisionsSpec()
    raw = doc.get("decision_rules")
    subjects: set[str] = set()
    if raw is not None:
        line = c.line(doc, "decision_rules")
        m = c.mapping(raw, line, "'decision_rules'")
        if m is not None:
            what = "decision rules"
            c.keys(
                m,
                what,
                (
                    "version",
                    "regulator",
                    "via",
                    "cumulative_from",
                    "allow_skipping_levels",
                    "delegations",
                ),
            )
            regulator = c.text(m, "regulator", what, max_length=30)
            if regulator and regulator.upper() not in groups:
                c.error(c.line(m, "regulator"), f"{what}: no group {regulator!r} in the pack.")
            rules = RulesSpec(
                line=line,
                version=c.text(m, "version", what, required=True, max_length=20),
                regulator=regulator,
                via=c.text(m, "via", what, max_length=200),
                cumulative_from=c.day(m, "cumulative_from", what),
                allow_skipping_levels=c.boolean(m, "allow_skipping_levels", what, default=False),
            )
            seen: dict[Any, int] = {}
            entries = c.seq(m, "delegations", what)
            for item, item_line in zip(entries, entries.item_lines, strict=True):
                d = c.mapping(item, item_line, "each delegation")
                if d is None:
                    continue
                subject = c.text(d, "subject", "delegation", required=True, max_length=40)
                dwhat = f"delegation {subject or '?'}"
                c.keys(d, dwhat, ("subject", "label", "level", "groups", "note"))
                level = c.integer(d, "level", dwhat, required=True, minimum=1, maximum=4)
                named = c.text_list(d, "groups", dwhat)
                for g in named:
                    if g.upper() not in groups:
                        c.error(c.line(d, "groups"), f"{dwhat}: no group {g!r} in the pack.")
                if subject:
                    unique(c, seen, subject, item_line, f"{dwhat} is already listed")
                    subjects.add(subject)
                rules.delegations.append(
                    DelegationSpec(
                        line=item_line,
                        subject=subject,
                        label=c.text(d, "label", dwhat, max_length=100) or subject,
                        level=level or 1,
                        groups=named,
                        note=c.text(d, "note", dwhat, max_length=300),
                    )
                )
            spec.rules = rules
    for m, line in items(c, doc, "decisions"):
        group = c.text(m, "group", "decision", required=True, max_length=30)
        subject = c.text(m, "subject", f"decision of {group or '?'}", required=True, max_length=300)
        what = f"decision {subject[:40] or '?'}"
        c.keys(m, what, DECISION_KEYS)
        if group and group.upper() not in groups:
            c.error(c.line(m, "group"), f"{what}: no group {group!r} in the pack.")
        kind = c.text(m, "type", what, required=True, max_length=40)
        if kind and subjects and kind not in subjects:
            c.error(c.line(m, "type"), f"{what}: 'type' {kind!r} is not a delegation's subject.")
        cost: Decimal | None = None
        cost_text = c.text(m, "cost_impact_gbp", what)
        if cost_text:
            try:
                cost = Decimal(cost_text)
            except InvalidOperation:
                c.error(c.line(m, "cost_impact_gbp"), f"{what}: {cost_text!r} is not an amount.")
        spec.decisions.append(
            DecisionSpec(
                line=line,
                group=groups[group.upper()].acronym if group.upper() in groups else group,
                day=c.day(m, "date", what, required=True),
                subject=subject,
                subject_type=kind,
                recommendation=c.text(m, "recommendation", what),
                outcome=c.choice(m, "outcome", what, Outcome.values),
                basis=c.choice(m, "basis", what, Basis.values, default=Basis.CONSENSUS),
                made=c.choice(m, "made", what, MadeHow.values, default=MadeHow.MEETING),
                rationale=c.text(m, "rationale", what),
                conditions=c.text_list(m, "conditions", what),
                cost=cost,
                tom=c.boolean(m, "tom_impact", what, default=False),
            )
        )
    return spec


class DecisionsApplier:
    def __init__(self, spec: DecisionsSpec, context: ApplyContext) -> None:
        self.spec = spec
        self.actor = context.actor
        self.report = context.report
        self.governance: GovernanceApplier = context.results["governance"]
        self.programme = self.governance.programme

    def run(self) -> None:
        if self.spec.rules is not None:
            guard(self.spec.rules.line, "decision rules", self._rules, self.spec.rules)
        existing = {
            (d.group.acronym.upper(), d.decided_on, d.subject)
            for d in Decision.objects.filter(programme=self.programme).select_related("group")
        }
        for d in self.spec.decisions:
            if (d.group.upper(), d.day, d.subject) in existing:
                self.report.add("decisions", "unchanged")
                continue
            guard(d.line, f"decision {d.subject[:40]}", self._decision, d)

    def _rules(self, r: RulesSpec) -> None:
        groups = self.governance.groups
        regulator = groups.get(r.regulator.upper()) if r.regulator else None
        current = RuleSet.objects.filter(programme=self.programme).first()
        same = current is not None and (
            current.framework_version,
            current.regulator_id,
            current.via,
            current.cumulative_from,
            current.allow_skipping_levels,
        ) == (
            r.version,
            regulator.pk if regulator else None,
            r.via,
            r.cumulative_from,
            r.allow_skipping_levels,
        )
        if same:
            rules = current
            self.report.add("decision_rules", "unchanged")
        else:
            rules = services.save_rules(
                actor=self.actor,
                programme=self.programme,
                version=r.version,
                regulator=regulator,
                via=r.via,
                cumulative_from=r.cumulative_from,
                allow_skipping_levels=r.allow_skipping_levels,
            )
            self.report.add("decision_rules", "created" if current is None else "updated")
        assert rules is not None
        stored = {
            d.subject_type: d
            for d in Delegation.objects.filter(rules=rules).prefetch_related("groups")
        }
        for d in r.delegations:
            named = [groups[g.upper()] for g in d.groups if g.upper() in groups]
            row = stored.get(d.subject)
            if row is not None and (
                row.label,
                row.level,
                row.note,
                sorted(g.pk for g in row.groups.all()),
            ) == (
                d.label,
                d.level,
                d.note,
                sorted(g.pk for g in named),
            ):
                self.report.add("delegations", "unchanged")
                continue
            guard(
                d.line,
                f"delegation {d.subject}",
                lambda d=d, named=named: services.save_delegation(
                    actor=self.actor,
                    rules=rules,
                    subject_type=d.subject,
                    label=d.label,
                    level=d.level,
                    groups=named,
                    note=d.note,
                ),
            )
            self.report.add("delegations", "created" if row is None else "updated")

    def _decision(self, d: DecisionSpec) -> None:
        services.record_decision(
            actor=self.actor,
            group=self.governance.groups[d.group.upper()],
            decision=services.DecisionIn(
                subject=d.subject,
                subject_type=d.subject_type,
                outcome=d.outcome,
                recommendation=d.recommendation,
                basis=d.basis,
                rationale=d.rationale,
                decided_on=d.day,
                cost_impact_gbp=d.cost,
                tom_impact=d.tom,
                conditions=d.conditions,
                made_how=d.made,
            ),
        )
        self.report.add("decisions", "created")


def export_decisions(context: ExportContext) -> dict[str, Any]:
    out: dict[str, Any] = {}
    rules = RuleSet.objects.filter(programme=context.programme).select_related("regulator").first()
    if rules is not None:
        out["decision_rules"] = {
            "version": rules.framework_version,
            "regulator": rules.regulator.acronym if rules.regulator else None,
            "via": rules.via or None,
            "cumulative_from": rules.cumulative_from.isoformat() if rules.cumulative_from else None,
            "allow_skipping_levels": rules.allow_skipping_levels or None,
            "delegations": [
                {
                    k: v
                    for k, v in {
                        "subject": d.subject_type,
                        "label": d.label,
                        "level": d.level,
                        "groups": sorted(g.acronym for g in d.groups.all()) or None,
                        "note": d.note or None,
                    }.items()
                    if v is not None
                }
                for d in Delegation.objects.filter(rules=rules).prefetch_related("groups")
            ],
        }
        out["decision_rules"] = {k: v for k, v in out["decision_rules"].items() if v is not None}
    rows = []
    for d in (
        Decision.objects.filter(programme=context.programme)
        .select_related("group")
        .prefetch_related("conditions")
        .order_by("decided_on", "id")
    ):
        entry = {
            "group": d.group.acronym,
            "date": d.decided_on.isoformat(),
            "subject": d.subject,
            "type": d.subject_type,
            "recommendation": d.recommendation or None,
            "outcome": d.outcome,
            "basis": d.basis if d.basis != Basis.CONSENSUS else None,
            "made": d.made_how if d.made_how != MadeHow.MEETING else None,
            "rationale": d.rationale or None,
            "conditions": [c.text for c in d.conditions.all()] or None,
            "cost_impact_gbp": str(d.cost_impact_gbp) if d.cost_impact_gbp is not None else None,
            "tom_impact": True if d.tom_impact else None,
        }
        rows.append({k: v for k, v in entry.items() if v is not None})
    if rows:
        out["decisions"] = rows
    return out


@register_pack_section
class DecisionsSection(PackSection):
    """The framework's decision rules and the decision log (see the module docstring)."""

    name = "decisions"
    keys = ("decision_rules", "decisions")
    requires = ("governance", "meetings", "actions")
    kinds = (
        ("decision_rules", "decision rules"),
        ("delegations", "delegations"),
        ("decisions", "decisions"),
    )
    report_after = "actions"

    def validate(self, c: Checker, doc: Map, context: ValidationContext) -> DecisionsSpec:
        return validate_decisions(c, doc, context)

    def apply(self, spec: DecisionsSpec, context: ApplyContext) -> None:
        DecisionsApplier(spec, context).run()

    def export(self, context: ExportContext) -> dict[str, Any]:
        return export_decisions(context)

    def json_schema(self, context: SchemaContext) -> dict[str, Any]:
        return {
            "decision_rules": js.obj(
                {
                    "version": js.text("the framework version", max_length=20),
                    "regulator": js.text("the group standing for the regulator"),
                    "via": js.text("through whom escalations reach it", max_length=200),
                    "cumulative_from": js.day("the last re-baseline"),
                    "allow_skipping_levels": js.boolean("may a formal escalation skip a level"),
                    "delegations": js.list_of(
                        js.obj(
                            {
                                "subject": js.text("a kind of decision", max_length=40),
                                "label": js.text(max_length=100),
                                "level": js.integer(
                                    "the level that decides it", minimum=1, maximum=4
                                ),
                                "groups": js.list_of(js.text("a group's acronym")),
                                "note": js.text(max_length=300),
                            },
                            required=("subject", "level"),
                        )
                    ),
                },
                required=("version",),
                description="who may decide what, the regulator and the escalation route",
            ),
            "decisions": js.list_of(
                js.obj(
                    {
                        "group": js.text("a group's acronym"),
                        "date": js.day(),
                        "subject": js.text(max_length=300),
                        "type": js.text("a delegation's subject", max_length=40),
                        "recommendation": js.text(),
                        "outcome": js.choice(Outcome.values),
                        "basis": js.choice(Basis.values),
                        "made": js.choice(MadeHow.values),
                        "rationale": js.text(),
                        "conditions": js.list_of(js.text()),
                        "cost_impact_gbp": js.text("pounds"),
                        "tom_impact": js.boolean(),
                        "note": js.text(),
                    },
                    required=("group", "date", "subject", "type", "outcome"),
                ),
                "the decision log",
            ),
        }

    def summary(self, spec: DecisionsSpec) -> list[str]:
        return [f"{len(spec.decisions)} decisions"] if spec.decisions else []
