"""Reads of meetings, restricted to what the user may see, with their deadlines.

Meetings of a group the user may not see are missing (404), like the group itself.
Deadline inputs (next meeting, publication times) are gathered by annotations, so a
list of meetings with every deadline costs a fixed number of queries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery

from progov.calendars.selectors import calendar_for_programme
from progov.core import access
from progov.core.errors import NotFound, ValidationError
from progov.core.fulltext import ranked
from progov.core.workdays import WorkingCalendar
from progov.governance.models import DeadlineRule, GovernanceGroup, Programme
from progov.governance.timezones import group_tz, today_for
from progov.meetings.deadlines import (
    Deadline,
    MeetingFacts,
    meeting_deadlines,
    rules_for_group,
    rules_in_force,
)
from progov.meetings.models import Meeting, MeetingStatus, PaperKind
from progov.meetings.times import day_range, meeting_date, meeting_tz, zone_of


def visible_meetings(*, user: Any) -> QuerySet[Meeting]:
    return access.restrict(Meeting.objects.select_related("group", "group__programme"), user=user)


def with_deadline_facts(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Annotate what the deadlines need: the next meeting and the publication times."""
    next_start = (
        Meeting.objects.filter(group=OuterRef("group"), start__gt=OuterRef("start"))
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("start")
        .values("start")[:1]
    )
    paper_kinds = [PaperKind.PAPER, PaperKind.PACK]
    return qs.annotate(
        next_meeting_start=Subquery(next_start),
        papers_last_published=Max("papers__published_at", filter=Q(papers__kind__in=paper_kinds)),
        papers_unpublished=Count(
            "papers", filter=Q(papers__kind__in=paper_kinds, papers__published_at__isnull=True)
        ),
        minutes_published=Max("papers__published_at", filter=Q(papers__kind=PaperKind.MINUTES)),
        report_published=Max("headline_report__published_at"),
    )


def meeting_list(
    *,
    user: Any,
    programme: Programme | None = None,
    group: GovernanceGroup | None = None,
    groups: Iterable[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    status: str | None = None,
) -> QuerySet[Meeting]:
    """Meetings whose start falls on or between `start` and `end` (local dates)."""
    if start and end and end < start:
        raise ValidationError.for_field("end", "The end date is before the start date.")
    qs = visible_meetings(user=user)
    if programme is not None:
        qs = qs.filter(group__programme=programme)
    if group is not None:
        qs = qs.filter(group=group)
    if groups:
        qs = qs.filter(group__acronym__in=list(groups))
    tz = zone_of(programme=programme, group=group)
    if start is not None:
        qs = qs.filter(start__gte=day_range(start, start, tz)[0])
    if end is not None:
        qs = qs.filter(start__lt=day_range(end, end, tz)[1])
    if status:
        qs = qs.filter(status=status)
    return with_deadline_facts(qs).order_by("start", "group__acronym", "id")


def meeting_get(*, user: Any, pk: int) -> Meeting:
    meeting = with_deadline_facts(visible_meetings(user=user).filter(pk=pk)).first()
    if meeting is None:
        raise NotFound(f"No meeting #{pk}.")
    return meeting


def meeting_by_number(*, user: Any, group: GovernanceGroup, number: str) -> Meeting:
    """Find "PSG #24" or "DAG #10.1" by its number."""
    major, _, minor = number.partition(".")
    if not major.isdigit() or (minor and not minor.isdigit()):
        raise NotFound(f"No meeting {group.acronym} #{number}.")
    meeting = with_deadline_facts(
        visible_meetings(user=user).filter(
            group=group, number_major=int(major), number_minor=int(minor or 0)
        )
    ).first()
    if meeting is None:
        raise NotFound(f"No meeting {group.acronym} #{number}.")
    return meeting


def meetings_not_marked_held(
    *, user: Any, programme: Programme, now: datetime, limit: int = 500
) -> list[Meeting]:
    return list(not_marked_held(user=user, programme=programme, now=now)[:limit])


def not_marked_held(*, user: Any, programme: Programme, now: datetime) -> QuerySet[Meeting]:
    """Meetings that have started but are still planned, confirmed or moved, of the
    groups whose meetings the user manages, oldest first (the secretariat marks them held
    in bulk). At most `limit`, so the page stays one screen of work at a time.
    `user=None` is the system (`manage.py mark_meetings_held`): every group's."""
    qs = Meeting.objects.select_related("group", "group__programme")
    if user is not None:
        qs = access.restrict(qs, user=user, action="mark_held")
    qs = qs.filter(
        group__programme=programme,
        start__lte=now,
        status__in=[MeetingStatus.PLANNED, MeetingStatus.CONFIRMED, MeetingStatus.MOVED],
    )
    return qs.order_by("start", "group__acronym", "id")


def next_meeting_of_each_group(*, user: Any, programme: Programme, now: datetime) -> list[Meeting]:
    """Each group's next meeting still to take place (planned, confirmed or moved), by
    group: PSG #64 on 6 Jan 2027, DAG #… . `user=None` is the system (the demo's
    invitations); a user gets the meetings they may see."""
    qs = Meeting.objects.select_related("group", "group__programme")
    if user is not None:
        qs = access.restrict(qs, user=user)
    upcoming = qs.filter(
        group__programme=programme,
        start__gt=now,
        status__in=[MeetingStatus.PLANNED, MeetingStatus.CONFIRMED, MeetingStatus.MOVED],
    )
    first = upcoming.filter(group=OuterRef("group")).order_by("start", "id").values("id")[:1]
    return list(upcoming.filter(id=Subquery(first)).order_by("group__acronym"))


# "PSG 24", "PSG #24", "psg#24", "DAG 10.1", "BPRWG/TDWG 3": a group's acronym and a number.
_MEETING_NUMBER = re.compile(
    r"^\s*(?P<acronym>[^\s#]+?)\s*#?\s*(?P<major>\d{1,6})(?:\.(?P<minor>\d{1,4}))?\s*$"
)


def meeting_search(*, user: Any, programme: Programme, q: str, limit: int) -> list[Meeting]:
    """Meetings for the search box: the one named by group and number first ("PSG 24" is
    PSG #24), then those whose title has the words ("M9" finds PSG #25.1, "M9
    approval"), ranked, latest first among equals; only meetings the user may see."""
    qs = visible_meetings(user=user).filter(group__programme=programme)
    found: list[Meeting] = []
    named = _MEETING_NUMBER.match(q)
    if named:
        found = list(
            qs.filter(
                group__acronym__iexact=named["acronym"],
                number_major=int(named["major"]),
                number_minor=int(named["minor"] or 0),
            )[:1]
        )
    titled = ranked(
        qs.exclude(pk__in=[m.pk for m in found]).exclude(title="").order_by("-start", "id"),
        fields=("title",),
        q=q,
        limit=max(0, limit - len(found)),
    )
    return found + titled


def meeting_neighbours(*, user: Any, meeting: Meeting) -> tuple[Meeting | None, Meeting | None]:
    """The group's meetings just before and just after this one (for Previous/Next links)."""
    same_group = (
        visible_meetings(user=user)
        .filter(group_id=meeting.group_id)
        .only("id", "number_major", "number_minor", "start", "status", "group_id")
    )
    previous = same_group.filter(start__lt=meeting.start).order_by("-start", "-id").first()
    following = same_group.filter(start__gt=meeting.start).order_by("start", "id").first()
    return previous, following


# The page's meeting actions (one form each) and the access model's verb for each.
MEETING_ACTION_VERBS = {
    "confirm": "confirm",
    "move": "move",
    "cancel": "cancel",
    "reinstate": "reinstate",
    "held": "mark_held",
    "recording": "change",
}


def meeting_actions(*, user: Any, meeting: Meeting, now: datetime) -> list[str]:
    """The actions on a meeting that its state admits now and the user may take, in page
    order: a cancelled meeting may only be reinstated, a held one offers only its
    recording link; a meeting to come may be confirmed; one that has started may be
    marked held."""
    if meeting.status == MeetingStatus.CANCELLED:
        possible: list[str] = ["reinstate"]
    elif meeting.status == MeetingStatus.HELD:
        possible = ["recording"]
    else:
        possible = []
        if meeting.status in (MeetingStatus.PLANNED, MeetingStatus.MOVED) and meeting.start > now:
            possible.append("confirm")
        possible += ["move", "cancel"]
        if meeting.start <= now:
            possible.append("held")
    permitted = access.permitted_actions(
        user=user, obj=meeting, actions={MEETING_ACTION_VERBS[a] for a in possible}
    )
    return [a for a in possible if MEETING_ACTION_VERBS[a] in permitted]


def facts_of(meeting: Meeting) -> MeetingFacts:
    """Deadline inputs of a meeting fetched through `with_deadline_facts`."""
    return facts_from(
        tz=meeting_tz(meeting),
        start=meeting.start,
        status=meeting.status,
        next_meeting_start=getattr(meeting, "next_meeting_start", None),
        papers_last_published=getattr(meeting, "papers_last_published", None),
        papers_unpublished=getattr(meeting, "papers_unpublished", 0),
        minutes_published=getattr(meeting, "minutes_published", None),
        report_published=getattr(meeting, "report_published", None),
    )


# The columns `facts_from` reads, for a `with_deadline_facts(...).values(*FACT_COLUMNS)`.
FACT_COLUMNS = (
    "start",
    "status",
    "next_meeting_start",
    "papers_last_published",
    "papers_unpublished",
    "minutes_published",
    "report_published",
)


def facts_from(
    *,
    tz: ZoneInfo,
    start: datetime,
    status: str,
    next_meeting_start: datetime | None,
    papers_last_published: datetime | None,
    papers_unpublished: int,
    minutes_published: datetime | None,
    report_published: datetime | None,
) -> MeetingFacts:
    """Deadline inputs from the annotated columns, with local dates in the group's zone."""
    return MeetingFacts(
        meeting_date=start.astimezone(tz).date(),
        cancelled=status == MeetingStatus.CANCELLED,
        next_meeting_date=next_meeting_start.astimezone(tz).date() if next_meeting_start else None,
        # Papers count as published only once every paper is out.
        papers_published_at=None if papers_unpublished else papers_last_published,
        minutes_published_at=minutes_published,
        report_published_at=report_published,
    )


@dataclass
class DeadlineContext:
    """Rules and calendars loaded once per request, reused for every meeting."""

    rules: dict[int, list[DeadlineRule]]
    calendars: dict[int, WorkingCalendar]
    _by_group: dict[int, list[DeadlineRule]]

    @classmethod
    def for_meetings(cls, meetings: Iterable[Meeting]) -> DeadlineContext:
        return cls.for_groups({m.group for m in meetings})

    @classmethod
    def for_groups(cls, groups: Iterable[GovernanceGroup]) -> DeadlineContext:
        """The rules and calendars of these groups' programmes (one query for the rules)."""
        programmes = {g.programme_id: g.programme for g in groups}
        rules: dict[int, list[DeadlineRule]] = {pid: [] for pid in programmes}
        for rule in DeadlineRule.objects.filter(programme_id__in=list(programmes)):
            rules[rule.programme_id].append(rule)
        calendars = {pid: calendar_for_programme(p) for pid, p in programmes.items()}
        return cls(rules=rules, calendars=calendars, _by_group={})

    def deadlines(self, meeting: Meeting, today: date | None = None) -> list[Deadline]:
        return self.deadlines_of(meeting.group, facts_of(meeting), today)

    def deadlines_of(
        self, group: GovernanceGroup, facts: MeetingFacts, today: date | None = None
    ) -> list[Deadline]:
        """The deadlines of one meeting of `group` from its facts alone, so a page over
        a year of meetings can read the facts as plain rows (`deadline_overview`)."""
        if group.pk not in self._by_group:
            self._by_group[group.pk] = rules_for_group(
                self.rules.get(group.programme_id, []), group
            )
        return meeting_deadlines(
            rules=self._by_group[group.pk],
            facts=facts,
            calendar=self.calendars[group.programme_id],
            today=today or today_for(group.programme),
            tz=group_tz(group),
            tracked_from=group.programme.deadlines_tracked_from,
        )

    def is_working_day(self, meeting: Meeting) -> bool:
        return self.calendars[meeting.group.programme_id].is_working_day(meeting_date(meeting))


def deadline_rules_for(meeting: Meeting) -> dict[str, DeadlineRule]:
    """The rules that set this meeting's deadlines, by DeadlineKey (one query).

    Pages word a deadline from its rule ("due two working days after"), never from a
    number of their own.
    """
    group = meeting.group
    rules = rules_for_group(DeadlineRule.objects.filter(programme_id=group.programme_id), group)
    return rules_in_force(rules, meeting_date(meeting))


def deadlines_by_meeting(
    meetings: list[Meeting], today: date | None = None
) -> dict[int, list[Deadline]]:
    context = DeadlineContext.for_meetings(meetings)
    return {m.pk: context.deadlines(m, today) for m in meetings}
