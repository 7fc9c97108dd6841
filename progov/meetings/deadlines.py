"""Meeting deadlines, computed from the framework's rules and the governance calendar.

A deadline is never typed: it is the rule (e.g. `papers_due`, 5 working days before
the meeting) applied to the meeting's date in the programme's working-day calendar,
so a moved meeting's deadlines move with it and bank holidays are skipped. Whether
it was met comes from facts: when the papers or the headline report were published.
The keys are one enum, `governance.models.DeadlineKey`:

| key                      | anchor        | met when                                            |
|--------------------------|---------------|-----------------------------------------------------|
| papers_due               | meeting       | every paper/pack published (the last publish time)  |
| headline_report_due      | meeting       | the headline report is published                    |
| minutes_due              | meeting       | a paper of kind "minutes" is published              |
| decisions_published_due  | meeting       | the headline report (which carries them) published  |
| amendments_due           | next meeting  | — a participants' deadline: open until it passes    |

Rules anchored on a decision (change requests) are not meeting deadlines.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from django.utils import timezone

from progov.core.workdays import WorkingCalendar
from progov.governance.models import DeadlineKey, DeadlineRule, GovernanceGroup

MEETING_ANCHORS = (DeadlineRule.Anchor.MEETING, DeadlineRule.Anchor.NEXT_MEETING)
PARTICIPANT_DEADLINES = {DeadlineKey.AMENDMENTS_DUE}


@dataclass(frozen=True)
class Deadline:
    key: str  # a DeadlineKey
    label: str
    due: date
    working_days: int
    direction: str
    met_at: datetime | None
    status: str  # met | late | overdue | due | open | closed
    source: str = ""
    anchor: str = DeadlineRule.Anchor.MEETING

    @property
    def is_met(self) -> bool:
        return self.status in ("met", "late")

    @property
    def on_time(self) -> bool:
        return self.status == "met"


@dataclass(frozen=True)
class MeetingFacts:
    """What happened around one meeting, gathered by the selectors in bulk."""

    meeting_date: date
    cancelled: bool
    next_meeting_date: date | None
    papers_published_at: datetime | None
    minutes_published_at: datetime | None
    report_published_at: datetime | None


def rules_for_group(rules: Iterable[DeadlineRule], group: GovernanceGroup) -> list[DeadlineRule]:
    """The programme's meeting rules that apply to this group (a group's own rule wins)."""
    applicable = [
        r
        for r in rules
        if r.anchor in MEETING_ANCHORS
        and (
            r.group_id == group.pk
            or (r.group_id is None and (not r.levels or group.level in r.levels))
        )
    ]
    own_keys = {r.key for r in applicable if r.group_id == group.pk}
    return [r for r in applicable if r.group_id == group.pk or r.key not in own_keys]


def _in_force(rule: DeadlineRule, day: date) -> bool:
    return (rule.effective_from is None or rule.effective_from <= day) and (
        rule.effective_to is None or day <= rule.effective_to
    )


def rules_in_force(rules: Iterable[DeadlineRule], day: date) -> dict[str, DeadlineRule]:
    """The group's rules that govern a meeting on `day`, by key (what the pages word)."""
    return {rule.key: rule for rule in rules if _in_force(rule, day)}


def _met_at(key: str, facts: MeetingFacts) -> datetime | None:
    if key == DeadlineKey.PAPERS_DUE:
        return facts.papers_published_at
    if key in (DeadlineKey.HEADLINE_REPORT_DUE, DeadlineKey.DECISIONS_PUBLISHED_DUE):
        return facts.report_published_at
    if key == DeadlineKey.MINUTES_DUE:
        return facts.minutes_published_at
    return None


def _status(
    key: str,
    due: date,
    met_at: datetime | None,
    today: date,
    tz: tzinfo | None,
    tracked_from: date | None = None,
) -> str:
    if key in PARTICIPANT_DEADLINES:
        return "open" if today <= due else "closed"
    if met_at is not None:
        return "met" if timezone.localtime(met_at, tz).date() <= due else "late"
    if tracked_from is not None and due < tracked_from:
        # Before the programme kept its papers in progov: no record is no evidence.
        return "not_tracked"
    return "overdue" if today > due else "due"


def meeting_deadlines(
    *,
    rules: Sequence[DeadlineRule],
    facts: MeetingFacts,
    calendar: WorkingCalendar,
    today: date | None = None,
    tz: tzinfo | None = None,
    tracked_from: date | None = None,
) -> list[Deadline]:
    """Every deadline of one meeting, in due-date order; none for a cancelled meeting.

    `today` and `tz` are the programme's (`governance.timezones`): a deadline is met on
    time when its fact happened by the end of the due day there. `tracked_from` is the
    programme's `deadlines_tracked_from`: an unmet deadline due before it is
    "not_tracked", not "overdue".
    """
    if facts.cancelled:
        return []
    today = today or timezone.localdate()
    found = []
    for rule in rules:
        if not _in_force(rule, facts.meeting_date):
            continue
        if rule.anchor == DeadlineRule.Anchor.NEXT_MEETING:
            if facts.next_meeting_date is None:
                continue
            anchor = facts.next_meeting_date
        else:
            anchor = facts.meeting_date
        days = (
            rule.working_days
            if rule.direction == DeadlineRule.Direction.AFTER
            else -rule.working_days
        )
        due = calendar.add_working_days(anchor, days)
        met_at = _met_at(rule.key, facts)
        found.append(
            Deadline(
                key=rule.key,
                label=rule.label,
                due=due,
                working_days=rule.working_days,
                direction=rule.direction,
                met_at=met_at,
                status=_status(rule.key, due, met_at, today, tz, tracked_from),
                source=rule.source,
                anchor=rule.anchor,
            )
        )
    return sorted(found, key=lambda d: (d.due, d.key))
