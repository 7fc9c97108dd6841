"""`apply_meeting_change`: a known departure from the schedule, applied once."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from progov.audit.models import AuditEntry
from progov.core.errors import PermissionDenied
from progov.core.testing.factories import GroupFactory, UserFactory
from progov.meetings import services
from progov.meetings.models import Meeting, MeetingKind, MeetingStatus

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def tmag(programme):
    """Meets on the 3rd Wednesday, 10:00-12:00, from January 2022 (to June)."""
    group = GroupFactory(
        programme=programme, acronym="TMAG", schedule_rrule="FREQ=MONTHLY;BYDAY=3WE"
    )
    services.configure_meeting_series(actor=None, group=group, starts_on=date(2022, 1, 1))
    services.generate_meetings(actor=None, group=group, until=date(2022, 6, 30))
    return group


def regular(group, day: date) -> Meeting:
    return Meeting.objects.get(
        group=group, scheduled_start=datetime.combine(day, time(10), tzinfo=LONDON)
    )


def test_a_move_is_applied_once(tmag):
    kwargs: dict[str, Any] = {
        "change": "move",
        "day": date(2022, 3, 16),
        "to": date(2022, 3, 17),
        "start": time(10),
        "end": time(12),
    }
    assert services.apply_meeting_change(actor=None, group=tmag, **kwargs) == "moved"
    moved = regular(tmag, date(2022, 3, 16))
    assert moved.start == datetime(2022, 3, 17, 10, tzinfo=LONDON)
    assert moved.status == MeetingStatus.MOVED
    last = AuditEntry.objects.order_by("-id").first()
    assert services.apply_meeting_change(actor=None, group=tmag, **kwargs) == "unchanged"
    assert AuditEntry.objects.order_by("-id").first() == last


def test_a_cancellation_and_an_extraordinary_meeting(tmag):
    day = date(2022, 2, 16)
    assert (
        services.apply_meeting_change(
            actor=None, group=tmag, change="cancel", day=day, note="Hiatus"
        )
        == "cancelled"
    )
    assert regular(tmag, day).status == MeetingStatus.CANCELLED
    assert (
        services.apply_meeting_change(actor=None, group=tmag, change="cancel", day=day)
        == "unchanged"
    )
    extra: dict[str, Any] = {
        "change": "extraordinary",
        "day": date(2022, 4, 1),
        "start": time(14),
        "end": time(15),
        "title": "M5",
    }
    assert services.apply_meeting_change(actor=None, group=tmag, **extra) == "added"
    meeting = Meeting.objects.get(group=tmag, kind=MeetingKind.EXTRAORDINARY)
    assert meeting.title == "M5" and meeting.number == "3.1"
    assert services.apply_meeting_change(actor=None, group=tmag, **extra) == "unchanged"
    extra["title"] = "M5 approval"
    assert services.apply_meeting_change(actor=None, group=tmag, **extra) == "updated"


def test_a_meeting_not_generated_yet_is_pending_and_nothing_is_written(tmag):
    last = AuditEntry.objects.order_by("-id").first()
    outcome = services.apply_meeting_change(
        actor=None, group=tmag, change="cancel", day=date(2022, 9, 21)
    )
    assert outcome == "pending"
    assert AuditEntry.objects.order_by("-id").first() == last


def test_only_writers_apply_changes(tmag):
    reader = UserFactory(username="reader", role="observer")
    with pytest.raises(PermissionDenied):
        services.apply_meeting_change(
            actor=reader, group=tmag, change="cancel", day=date(2022, 2, 16)
        )
