"""The read version's meeting clock (core/readcache.py): the last meeting start or end
that has passed.

A meeting page asks "past and not held?" and "too early to mark held?" against the time
of day, so its answer turns over when a meeting starts or ends, not only at a write or at
midnight. The clock is the latest start or end at or before now; the next boundary after
now is kept, so the clock is recomputed only when the audit head moves or now reaches it.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max, Min, Q
from django.utils import timezone

from progov.audit.readversion import head
from progov.meetings.models import Meeting

_memo: dict[str, object] = {}


def _compute(now: datetime) -> tuple[str, datetime | None]:
    passed = Meeting.objects.aggregate(
        start=Max("start", filter=Q(start__lte=now)), end=Max("end", filter=Q(end__lte=now))
    )
    coming = Meeting.objects.aggregate(
        start=Min("start", filter=Q(start__gt=now)), end=Min("end", filter=Q(end__gt=now))
    )
    last = max((v for v in passed.values() if v is not None), default=None)
    upcoming = min((v for v in coming.values() if v is not None), default=None)
    return (last.isoformat() if last else "none"), upcoming


def meeting_clock() -> str:
    # Every meeting, not a reader's selection: the clock is a version, not content shown.
    now = timezone.now()
    current = head()
    upcoming = _memo.get("upcoming")
    if (
        _memo.get("head") != current
        or "clock" not in _memo
        or (isinstance(upcoming, datetime) and now >= upcoming)
    ):
        clock, upcoming = _compute(now)
        _memo.update(head=current, clock=clock, upcoming=upcoming)
    return str(_memo["clock"])
