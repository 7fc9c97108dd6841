"""Fixtures shared by the agenda, papers and forward-look tests: TMAG with the standing
items of its #9 pack (seed 002) and its 2022 meetings, and TMAG #9 itself.

Import the fixtures into a test module: `from progov.meetings.tests.agenda_support import
tmag9, tmag_standing`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from progov.meetings import services
from progov.meetings.models import Meeting

LONDON = ZoneInfo("Europe/London")
PAST = datetime(2022, 1, 1, tzinfo=LONDON)


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


@pytest.fixture
def tmag_standing(tmag, pmo_user):
    """TMAG's standing items as in the TMAG #9 pack (seed 002)."""
    for title, kind, lead in [
        ("Welcome", "information", "Chair"),
        ("Minutes and actions", "decision", "Chair and Secretariat"),
        ("Programme updates", "information", "Programme (PMO)"),
    ]:
        services.add_template_item(
            actor=pmo_user, group=tmag, title=title, item_type=kind, lead_text=lead
        )
    services.add_template_item(
        actor=pmo_user,
        group=tmag,
        title="Summary and next steps",
        objective="Summarise actions and look ahead to October TMAG",
        lead_text="Chair and Secretariat",
        at_end=True,
    )
    services.generate_meetings(actor=pmo_user, group=tmag, until=date(2022, 12, 31), now=PAST)
    return tmag


@pytest.fixture
def tmag9(tmag_standing, pmo_user):
    """TMAG #9, moved from Wednesday 21 to Thursday 22 Sep 2022, with its own items."""
    meeting = Meeting.objects.get(group=tmag_standing, number_major=9)
    meeting = services.move_meeting(
        actor=pmo_user,
        meeting=meeting,
        expected_version=meeting.version,
        start=at(2022, 9, 22),
        end=at(2022, 9, 22, 12),
    )
    services.add_agenda_item(
        actor=pmo_user,
        meeting=meeting,
        title="Programme re-plan",
        objective="Review testing and migration components of the Programme re-plan Round 2 consultation",
        item_type="discussion",
        lead_text="Programme (Kate Goodman)",
        duration_minutes=40,
    )
    services.add_agenda_item(
        actor=pmo_user,
        meeting=meeting,
        title="Working group updates",
        objective="Provide updates from the DWG, MWG, QWG and EWG",
        item_type="information",
        lead_text="Programme (working group leads as required)",
        duration_minutes=20,
    )
    return meeting


def papers_rule(programme: Any) -> Any:
    """The framework's papers deadline: five working days before the meeting."""
    from progov.governance.models import DeadlineRule

    return DeadlineRule.objects.create(
        programme=programme,
        key="papers_due",
        label="Agenda and meeting papers issued",
        working_days=5,
        direction="before",
    )
