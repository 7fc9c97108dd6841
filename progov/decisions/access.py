"""The decision log's kinds in the access model (`core.access` holds the table).

A decision is seen by whoever sees its group; its views and conditions through it. An
escalation is for participants, seen through the group it came from, and answered by
the group it went to; an appeal is seen through its decision.
"""

from __future__ import annotations

from progov.core import access
from progov.core.access import Kind
from progov.decisions.models import (
    Appeal,
    Condition,
    Decision,
    DecisionView,
    Delegation,
    Escalation,
    RuleSet,
)

GROUP = "governance.group"
DECISION = "decisions.decision"

for kind in (
    Kind("decisions.ruleset", RuleSet),
    Kind("decisions.delegation", Delegation),
    Kind(DECISION, Decision, group="group_id", parent=(GROUP, "group")),
    Kind(
        "decisions.decisionview",
        DecisionView,
        group="decision__group_id",
        parent=(DECISION, "decision"),
    ),
    Kind(
        "decisions.condition", Condition, group="decision__group_id", parent=(DECISION, "decision")
    ),
    Kind("decisions.escalation", Escalation, group="to_group_id", parent=(GROUP, "from_group")),
    Kind("decisions.appeal", Appeal, group="decision__group_id", parent=(DECISION, "decision")),
):
    access.register_kind(kind)
