"""Closure-day services (permissions, rules, audit) and the programme's working calendar."""

from __future__ import annotations

from datetime import date

import pytest

from progov.audit.models import AuditEntry
from progov.calendars import selectors, services
from progov.calendars.models import ClosureDay
from progov.core.errors import NotFound, PermissionDenied, ValidationError
from progov.governance.models import Programme

pytestmark = pytest.mark.django_db

XMAS = date(2024, 12, 27)


def test_add_closure_day_writes_it_and_its_audit_entry(programme, pmo_user):
    closure = services.add_closure_day(
        actor=pmo_user, programme=programme, date=XMAS, name="  Christmas shutdown "
    )
    assert closure.name == "Christmas shutdown"
    entry = AuditEntry.objects.get()
    assert entry.action == "create"
    assert entry.object_type == "calendars.closureday"
    assert entry.object_id == str(closure.pk)
    assert entry.actor_label == "pmo"
    assert entry.changes == {
        "programme": [None, "mhhs"],
        "date": [None, "2024-12-27"],
        "name": [None, "Christmas shutdown"],
    }


def test_one_closure_day_per_programme_and_date(programme, pmo_user):
    services.add_closure_day(actor=pmo_user, programme=programme, date=XMAS, name="Shutdown")
    with pytest.raises(ValidationError) as excinfo:
        services.add_closure_day(actor=pmo_user, programme=programme, date=XMAS, name="Again")
    assert "already has a closure day on 27 Dec 2024" in excinfo.value.field_errors["date"][0]
    # Another programme may close the same day.
    other = Programme.objects.create(slug="other", name="Other programme")
    services.add_closure_day(actor=pmo_user, programme=other, date=XMAS, name="Shutdown")
    assert ClosureDay.objects.count() == 2
    assert AuditEntry.objects.count() == 2


@pytest.mark.parametrize(
    ("day", "name", "field"),
    [
        (XMAS, "   ", "name"),
        (XMAS, "x" * 101, "name"),
        (date(2101, 1, 3), "Too late", "date"),
    ],
)
def test_bad_closure_days_are_refused_without_an_entry(programme, pmo_user, day, name, field):
    with pytest.raises(ValidationError) as excinfo:
        services.add_closure_day(actor=pmo_user, programme=programme, date=day, name=name)
    assert field in excinfo.value.field_errors
    assert not ClosureDay.objects.exists()
    assert not AuditEntry.objects.exists()


def test_only_writers_change_closure_days(programme, member_user, pmo_user):
    with pytest.raises(PermissionDenied):
        services.add_closure_day(actor=member_user, programme=programme, date=XMAS, name="No")
    services.add_closure_day(actor=pmo_user, programme=programme, date=XMAS, name="Yes")
    with pytest.raises(PermissionDenied):
        services.remove_closure_day(actor=member_user, programme=programme, date=XMAS)
    assert ClosureDay.objects.count() == 1


def test_remove_closure_day_records_what_was_removed(programme, pmo_user):
    closure = services.add_closure_day(
        actor=pmo_user, programme=programme, date=XMAS, name="Shutdown"
    )
    services.remove_closure_day(actor=pmo_user, programme=programme, date=XMAS)
    assert not ClosureDay.objects.exists()
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry is not None
    assert entry.action == "delete"
    assert entry.object_id == str(closure.pk)
    assert entry.changes["name"] == ["Shutdown", None]
    with pytest.raises(NotFound, match="no closure day on 27 Dec 2024"):
        services.remove_closure_day(actor=pmo_user, programme=programme, date=XMAS)


def test_the_system_actor_may_add_closure_days(programme):
    # The pack loader and the CLI act as `None`.
    services.add_closure_day(actor=None, programme=programme, date=XMAS, name="Shutdown")
    assert AuditEntry.objects.get().actor_label == "system"


def test_calendar_for_programme_layers_its_closure_days(programme, pmo_user):
    services.add_closure_day(actor=pmo_user, programme=programme, date=XMAS, name="Shutdown")
    other = Programme.objects.create(slug="other", name="Other programme")
    services.add_closure_day(
        actor=pmo_user, programme=other, date=date(2024, 12, 30), name="Other's shutdown"
    )
    calendar = selectors.calendar_for_programme(programme)
    assert calendar.name == "england-and-wales"
    assert dict(calendar.closures) == {XMAS: "Shutdown"}
    # Papers for a meeting on Friday 3 Jan 2025: counting back skips New Year's Day,
    # the weekend, the shutdown on 27 Dec, Boxing Day and Christmas Day.
    assert calendar.add_working_days(date(2025, 1, 3), -5) == date(2024, 12, 23)


def test_calendar_for_programme_uses_its_governance_calendar(programme, django_assert_num_queries):
    programme.governance_calendar = "scotland"
    with django_assert_num_queries(1):
        calendar = selectors.calendar_for_programme(programme)
    assert calendar.name == "scotland"
    assert calendar.is_working_day(date(2024, 4, 1))  # Easter Monday is worked in Scotland
    programme.governance_calendar = "atlantis"
    with pytest.raises(NotFound):
        selectors.calendar_for_programme(programme)
