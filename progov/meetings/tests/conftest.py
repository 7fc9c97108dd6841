from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from progov.core.testing.factories import GroupFactory, PersonFactory
from progov.meetings import services
from progov.meetings.models import AgendaTemplateItem


@pytest.fixture
def tmag(programme, psg, pmo_user):
    group = GroupFactory(
        programme=programme,
        acronym="TMAG",
        name="Testing and Migration Advisory Group",
        level=3,
        parent=psg,
        schedule_rrule="FREQ=MONTHLY;BYDAY=3WE",
        schedule_start_time=time(10),
        schedule_end_time=time(12),
    )
    services.configure_meeting_series(actor=pmo_user, group=group, starts_on=date(2022, 1, 1))
    return group


@pytest.fixture
def kate(programme):
    return PersonFactory(programme=programme, name="Kate Goodman")


@pytest.fixture
def feed_group(tmag, kate, pmo_user):
    """TMAG with a standing agenda and its twelve 2022 meetings (third Wednesdays, 10:00–12:00)."""
    for position, (title, minutes, lead) in enumerate(
        [
            ("Welcome", 5, {"lead_text": "Chair"}),
            ("Minutes and actions", 10, {"lead_text": "Chair and Secretariat"}),
            ("Programme update", 40, {"lead_person": kate}),
        ],
        start=1,
    ):
        AgendaTemplateItem.objects.create(
            group=tmag, position=position, title=title, duration_minutes=minutes, **lead
        )
    AgendaTemplateItem.objects.create(
        group=tmag,
        position=1,
        title="Summary; next steps, AOB",
        duration_minutes=5,
        at_end=True,
    )
    services.generate_meetings(
        actor=pmo_user,
        group=tmag,
        until=date(2022, 12, 31),
        now=datetime(2022, 1, 1, tzinfo=ZoneInfo("Europe/London")),
    )
    return tmag
