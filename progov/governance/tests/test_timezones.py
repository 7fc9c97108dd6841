"""A programme's time zone and its groups': known IANA names only, clear field errors."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from progov.core.errors import ValidationError
from progov.governance import services
from progov.governance.models import Programme
from progov.governance.timezones import (
    group_tz,
    is_known_zone,
    programme_tz,
    today_for,
)

pytestmark = pytest.mark.django_db


def test_a_programme_is_in_europe_london_unless_told_otherwise(pmo_user):
    mhhs = services.create_programme(actor=pmo_user, slug="mhhs2", name="MHHS")
    assert mhhs.timezone == "Europe/London"
    assert programme_tz(mhhs) == ZoneInfo("Europe/London")


def test_an_unknown_programme_zone_is_a_field_error_and_nothing_is_saved(pmo_user):
    with pytest.raises(ValidationError) as exc:
        services.create_programme(
            actor=pmo_user, slug="mars", name="Mars programme", timezone="Mars/Olympus_Mons"
        )
    assert "timezone" in exc.value.field_errors
    assert "Mars/Olympus_Mons" in exc.value.field_errors["timezone"][0]
    assert not Programme.objects.filter(slug="mars").exists()


def test_an_update_to_an_unknown_zone_is_refused(programme, pmo_user):
    with pytest.raises(ValidationError) as exc:
        services.update_programme(
            actor=pmo_user, programme=programme, expected_version=1, timezone="europe/london "
        )
    assert "timezone" in exc.value.field_errors
    programme.refresh_from_db()
    assert programme.timezone == "Europe/London"


def test_a_programme_may_be_elsewhere(programme, pmo_user):
    services.update_programme(
        actor=pmo_user, programme=programme, expected_version=1, timezone="Europe/Dublin"
    )
    programme.refresh_from_db()
    assert programme_tz(programme) == ZoneInfo("Europe/Dublin")


def test_a_groups_unknown_schedule_zone_is_a_field_error(programme, pmo_user):
    with pytest.raises(ValidationError) as exc:
        services.create_group(
            actor=pmo_user,
            programme=programme,
            name="Design Advisory Group",
            acronym="DAG",
            schedule_timezone="Nowhere/Special",
        )
    assert "schedule_timezone" in exc.value.field_errors


def test_a_group_schedules_in_its_own_zone(programme, pmo_user):
    group = services.create_group(
        actor=pmo_user,
        programme=programme,
        name="Paris working group",
        acronym="PWG",
        schedule_timezone="Europe/Paris",
    )
    assert group_tz(group) == ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("name", "known"),
    [("Europe/London", True), ("UTC", True), ("Mars/Base", False), ("", False), (None, False)],
)
def test_known_zones(name, known):
    assert is_known_zone(name) is known


def test_today_is_the_programmes_date(programme, monkeypatch):
    # 23:30 UTC on 31 Dec 2023 is already 1 Jan 2024 in Auckland, still 31 Dec in London.
    late = datetime(2023, 12, 31, 23, 30, tzinfo=UTC)
    monkeypatch.setattr("progov.governance.timezones.django_timezone.now", lambda: late)
    assert today_for(programme) == date(2023, 12, 31)
    programme.timezone = "Pacific/Auckland"
    assert today_for(programme) == date(2024, 1, 1)
