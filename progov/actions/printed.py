"""Statuses as the packs print them, read back.

TMAG's log has a Status column ("Open - ongoing", "Recommend closed"); DAG's and PSG's
put the status as the first upper-case words of the update ("ONGOING: Activity to be
monitored…", "RECOMMEND CLOSED: Tracker updated", "[IN PROG – Gov Framework…]").
"""

from __future__ import annotations

import re

from progov.actions.models import ActionStatus

_WORDS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"^recommend(?:ed)?[\s_-]*(?:for[\s_-]*)?clos(?:ed|ure|e)\b", re.I),
        ActionStatus.RECOMMEND_CLOSED,
    ),
    (re.compile(r"^in[\s_-]*prog(?:ress)?\b", re.I), ActionStatus.IN_PROGRESS),
    (re.compile(r"^open[\s_-]*[-–][\s_-]*ongoing\b", re.I), ActionStatus.ONGOING),
    (re.compile(r"^ongoing\b", re.I), ActionStatus.ONGOING),
    (re.compile(r"^open\b", re.I), ActionStatus.OPEN),
    (re.compile(r"^closed\b", re.I), ActionStatus.CLOSED),
    (re.compile(r"^cancel(?:l)?ed\b", re.I), ActionStatus.CANCELLED),
]


def status_of(text: str) -> str | None:
    """The status a Status cell names ("Open - ongoing" → ongoing), or None."""
    cleaned = text.strip().lstrip("[(").strip()
    for pattern, status in _WORDS:
        if pattern.match(cleaned):
            return status
    for status in ActionStatus:
        if cleaned.casefold() in (status.value, status.label.casefold()):
            return status.value
    return None


def status_from_update(update: str) -> str | None:
    """The status the update starts with in upper case ("ONGOING: …" → ongoing), or None
    when it starts with no status word."""
    head = update.strip().lstrip("[(").strip()
    match = re.match(r"^([A-Z][A-Z\s–-]*?)(?:[:\-–]|\s*$|\s+[–-]\s)", head)
    if match is None or not match.group(1).strip().isupper():
        return None
    return status_of(match.group(1).strip())
