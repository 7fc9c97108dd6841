"""Times for tests that depend on the clock."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone


def under_way_today() -> tuple[datetime, datetime]:
    """A start and end around now, both on today's local date where it can be: the start
    an hour ago, or at midnight when an hour ago was yesterday (a run just after midnight,
    where a meeting "an hour ago" would fall before something done today)."""
    now = timezone.now()
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    return max(now - timedelta(hours=1), midnight), now + timedelta(hours=1)
