"""Reads behind the iCal feeds: which meetings a feed holds, its ETag, its rows.

A feed is a queryset of meetings (already restricted to what the reader may see and
to the window) plus what names it. Two things are read from it:

- `feed_etag`: two aggregate queries (meetings; their agenda items) whose results,
  with the feed's identity and window, are hashed. Every input of the rendered text
  is covered: a meeting saved (`updated_at`), renumbered with `update()` (`version`),
  added or removed (count, sum of ids), its group renamed; an agenda item changed or
  its lead person or organisation renamed. So a 304 costs no rendering.
- `feed_rows`: two queries (meetings with their group; agenda items with their lead's
  name), as tuples, whatever the number of meetings.

Personal feeds are found by an unguessable token, stored hashed like API tokens; a
revoked or unknown token is NotFound. The person's feed holds the meetings of the
groups they are a current member of, as far as their login may see them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser
from django.db import connections
from django.db.models import Count, Max, OuterRef, QuerySet, Subquery, Sum
from django.utils.text import slugify

from progov.accounts.services import hash_token
from progov.core.errors import NotFound, ValidationError
from progov.governance import selectors as governance_selectors
from progov.governance.models import GovernanceGroup, Membership, Organisation, Person, Programme
from progov.governance.selectors import current_on
from progov.governance.timezones import programme_tz
from progov.meetings.feeds import (
    FEED_AGENDA_FIELDS,
    FEED_FORMAT,
    FEED_MEETING_FIELDS,
    FeedAgendaItem,
    FeedMeeting,
)
from progov.meetings.models import AgendaItem, CalendarFeedToken, Meeting
from progov.meetings.selectors import visible_meetings
from progov.meetings.times import day_range

DEFAULT_PAST_DAYS = 365
DEFAULT_FUTURE_DAYS = 730
MAX_WINDOW_DAYS = 10 * 366


@dataclass(frozen=True)
class FeedWindow:
    """The local dates a feed covers, both included (meetings *starting* in them)."""

    first_day: date
    last_day: date

    @classmethod
    def default(cls, today: date) -> FeedWindow:
        """From a year ago to two years ahead."""
        return cls(
            today - timedelta(days=DEFAULT_PAST_DAYS), today + timedelta(days=DEFAULT_FUTURE_DAYS)
        )

    @classmethod
    def from_query(cls, first: str | None, last: str | None, *, today: date) -> FeedWindow:
        """`?from=2022-01-01&to=2024-12-31`; either may be left out (the default is used)."""
        default = cls.default(today)
        try:
            first_day = date.fromisoformat(first) if first else default.first_day
        except ValueError:
            raise ValidationError.for_field("from", "Give `from` as a date: 2022-01-31.") from None
        try:
            last_day = date.fromisoformat(last) if last else default.last_day
        except ValueError:
            raise ValidationError.for_field("to", "Give `to` as a date: 2024-12-31.") from None
        if last_day < first_day:
            raise ValidationError.for_field("to", "`to` is before `from`.")
        if (last_day - first_day).days > MAX_WINDOW_DAYS:
            raise ValidationError.for_field("to", "A feed covers at most ten years.")
        if first_day.year < 1970 or last_day.year > 2200:
            raise ValidationError.for_field("from", "Give dates between 1970 and 2200.")
        return cls(first_day, last_day)

    def apply(self, qs: QuerySet[Meeting], tz: ZoneInfo) -> QuerySet[Meeting]:
        """Meetings starting on the window's days, local to `tz` (the programme's)."""
        start, end = day_range(self.first_day, self.last_day, tz)
        return qs.filter(start__gte=start, start__lt=end)


@dataclass(frozen=True)
class Feed:
    """What one feed URL serves. `identity` names it in the ETag (and includes the
    `updated_at` of the objects its name comes from)."""

    name: str
    filename: str
    identity: str
    programme: Programme
    meetings: QuerySet[Meeting]
    window: FeedWindow


def _window_meetings(user: Any, programme: Programme, window: FeedWindow) -> QuerySet[Meeting]:
    return window.apply(
        visible_meetings(user=user).filter(group__programme=programme), programme_tz(programme)
    )


def _programme_label(programme: Programme) -> str:
    return programme.short_name or programme.name


def programme_feed(*, user: Any, programme: Programme, window: FeedWindow) -> Feed:
    """Every meeting of the programme the user may see."""
    return Feed(
        name=f"{_programme_label(programme)} meetings",
        filename=f"{programme.slug}-meetings.ics",
        identity=f"programme:{programme.pk}:{programme.updated_at.isoformat()}",
        programme=programme,
        meetings=_window_meetings(user, programme, window),
        window=window,
    )


def group_feed(*, user: Any, programme: Programme, acronym: str, window: FeedWindow) -> Feed:
    """One group's meetings; a group the user may not see is NotFound."""
    group: GovernanceGroup | None = (
        governance_selectors.group_list(user=user, programme=programme)
        .filter(acronym__iexact=acronym)
        .first()
    )
    if group is None:
        raise NotFound(f"No group {acronym!r}.")
    return Feed(
        name=f"{group.acronym} — {group.name} ({_programme_label(programme)})",
        filename=f"{slugify(group.acronym) or 'group'}-meetings.ics",
        identity=(
            f"group:{group.pk}:{group.updated_at.isoformat()}:{programme.updated_at.isoformat()}"
        ),
        programme=programme,
        meetings=_window_meetings(user, programme, window).filter(group=group),
        window=window,
    )


def person_for_feed_token(raw: str) -> Person:
    """The person an active feed token belongs to; unknown or revoked → NotFound."""
    token = (
        CalendarFeedToken.objects.select_related("person__programme", "person__user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        raise NotFound("No such calendar feed.")
    return token.person


def current_group_ids(person: Person, on: date) -> QuerySet[Membership, Any]:
    """Groups the person is a member of on that day (a subquery, never evaluated here)."""
    return Membership.objects.filter(current_on(on), person=person).values("group_id")


def person_feed(*, token: str, window: FeedWindow, today: date) -> Feed:
    """The meetings of the groups the token's person currently belongs to, as the
    person's own login would see them (anonymous when they have none, or it is inactive)."""
    person = person_for_feed_token(token)
    user: Any = person.user if person.user is not None and person.user.is_active else None
    user = user or AnonymousUser()
    programme = person.programme
    meetings = _window_meetings(user, programme, window).filter(
        group_id__in=current_group_ids(person, today)
    )
    return Feed(
        name=f"{_programme_label(programme)} meetings of {person.name}",
        filename="my-meetings.ics",
        identity=(
            f"person:{person.pk}:{person.updated_at.isoformat()}:{today.isoformat()}:"
            f"{getattr(user, 'pk', None)}:{programme.updated_at.isoformat()}"
        ),
        programme=programme,
        meetings=meetings,
        window=window,
    )


def _agenda_of(feed: Feed) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(meeting_id__in=feed.meetings.order_by().values("id"))


def _latest(qs: QuerySet[Any]) -> QuerySet[Any]:
    """The newest `updated_at` of a queryset, as a one-value subquery."""
    return qs.order_by().values("programme").annotate(latest=Max("updated_at")).values("latest")


def feed_etag(feed: Feed, *, base_url: str) -> str:
    """A strong ETag (`"…"`) from the feed's inputs, in three aggregate queries.

    Agenda leads are names of people and organisations: rather than join them to
    25,000 agenda items, any change to the programme's people or organisations
    changes every feed's ETag (they change rarely; a refetch is harmless).
    """
    meetings = feed.meetings.order_by().aggregate(
        n=Count("id"),
        ids=Sum("id"),
        versions=Sum("version"),
        updated=Max("updated_at"),
        groups=Max("group__updated_at"),
    )
    items = (
        _agenda_of(feed)
        .order_by()
        .aggregate(
            n=Count("id"),
            ids=Sum("id"),
            positions=Sum("position"),
            versions=Sum("version"),
            updated=Max("updated_at"),
        )
    )
    names = (
        Programme.objects.filter(pk=feed.programme.pk)
        .annotate(
            people_changed=Subquery(_latest(Person.objects.filter(programme=OuterRef("pk")))),
            organisations_changed=Subquery(
                _latest(Organisation.objects.filter(programme=OuterRef("pk")))
            ),
        )
        .values_list("people_changed", "organisations_changed")
        .first()
    )
    inputs = [
        FEED_FORMAT,
        feed.identity,
        feed.window.first_day.isoformat(),
        feed.window.last_day.isoformat(),
        base_url,
        *(str(meetings[k]) for k in sorted(meetings)),
        *(str(items[k]) for k in sorted(items)),
        str(names),
    ]
    digest = hashlib.sha256("\x1f".join(inputs).encode()).hexdigest()[:32]
    return f'"{digest}"'


def _utc(value: Any) -> Any:
    """A DATETIME column as an aware UTC datetime: SQLite returns text, PostgreSQL
    aware datetimes."""
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _raw_rows(qs: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a `values_list` queryset without Django's per-value converters.

    At 5,000 meetings the converters (a regex parse of every SQLite datetime) cost more
    than the query; the feed converts its few datetime columns itself with `_utc`.
    """
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def feed_rows(feed: Feed) -> tuple[list[FeedMeeting], dict[int, list[FeedAgendaItem]]]:
    """The meetings by start time, and each one's agenda items in order: two queries."""
    utc = _utc
    rows = feed.meetings.order_by("start", "id").values_list(*FEED_MEETING_FIELDS)
    meetings = [
        FeedMeeting(
            pk,
            acronym,
            group_name,
            major,
            minor,
            kind,
            title,
            utc(start),
            utc(end),
            status,
            utc(original_start) if original_start else None,
            location,
            online_link,
            status_note,
            version,
            utc(updated_at),
        )
        for (
            pk,
            acronym,
            group_name,
            major,
            minor,
            kind,
            title,
            start,
            end,
            status,
            original_start,
            location,
            online_link,
            status_note,
            version,
            updated_at,
        ) in _raw_rows(rows)
    ]
    agenda: dict[int, list[FeedAgendaItem]] = {}
    items = (
        _agenda_of(feed).order_by("meeting_id", "position", "id").values_list(*FEED_AGENDA_FIELDS)
    )
    for item in _raw_rows(items):
        agenda.setdefault(item[0], []).append(cast(FeedAgendaItem, item))
    return meetings, agenda


def feed_tokens_of(person: Person) -> QuerySet[CalendarFeedToken]:
    """A person's active feed tokens, newest first."""
    return CalendarFeedToken.objects.filter(person=person, revoked_at__isnull=True).order_by(
        "-created_at", "-id"
    )
