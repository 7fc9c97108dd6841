from __future__ import annotations

from datetime import date, time

import pytest

from progov.core.testing.factories import GroupFactory
from progov.meetings import services


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
