"""Writes to programme closure days. Each function is one atomic act with its audit entry."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from progov.audit.services import record_create, record_delete
from progov.audit.writes import insert
from progov.calendars.models import ClosureDay
from progov.core import access
from progov.core.errors import NotFound, ValidationError
from progov.core.workdays import MAX_YEAR, MIN_YEAR
from progov.governance.models import Programme

NAME_MAX = ClosureDay._meta.get_field("name").max_length or 100


def _validate(*, programme: Programme, day: date, name: str) -> str:
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if not name:
        errors["name"] = ['Say why the programme is closed, e.g. "Christmas shutdown".']
    elif len(name) > NAME_MAX:
        errors["name"] = [f"Keep the name to {NAME_MAX} characters."]
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        errors["date"] = [f"Closure days must fall in {MIN_YEAR}–{MAX_YEAR}."]
    elif ClosureDay.objects.filter(programme=programme, date=day).exists():
        errors["date"] = [f"{programme} already has a closure day on {day:%d %b %Y}."]
    if errors:
        raise ValidationError.from_field_errors(errors)
    return name


@transaction.atomic
def add_closure_day(*, actor: Any, programme: Programme, date: date, name: str) -> ClosureDay:
    """Close the programme on `date` (on top of its calendar), e.g. 27 Dec "Christmas shutdown"."""
    access.require(user=actor, action="create", obj=ClosureDay(programme=programme))
    name = _validate(programme=programme, day=date, name=name)
    try:
        # A savepoint, so losing a race with a concurrent add becomes a clean 422
        # instead of a broken transaction.
        with transaction.atomic():
            closure = insert(ClosureDay, programme=programme, date=date, name=name)
    except IntegrityError:
        raise ValidationError.for_field(
            "date", f"{programme} already has a closure day on {date:%d %b %Y}."
        ) from None
    record_create(
        actor=actor,
        obj=closure,
        fields={"programme": programme.slug, "date": closure.date, "name": closure.name},
    )
    return closure


@transaction.atomic
def remove_closure_day(*, actor: Any, programme: Programme, date: date) -> None:
    """Reopen the programme on `date`; NotFound when it was not closed that day."""
    access.require(user=actor, action="delete", obj=ClosureDay(programme=programme))
    closure = ClosureDay.objects.select_for_update().filter(programme=programme, date=date).first()
    if closure is None:
        raise NotFound(f"{programme} has no closure day on {date:%d %b %Y}.")
    record_delete(
        actor=actor,
        obj=closure,
        fields={"programme": programme.slug, "date": closure.date, "name": closure.name},
    )
    closure.delete()
