"""`manage.py track_deadlines_from` (the demo runs it after loading its pack)."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from progov.audit.models import AuditEntry
from progov.governance.models import Programme
from progov.governance.timezones import today_for

pytestmark = pytest.mark.django_db


def test_it_sets_the_first_of_this_month_or_the_day_given(programme):
    out = StringIO()
    call_command("track_deadlines_from", stdout=out)
    programme.refresh_from_db()
    first = today_for(programme).replace(day=1)
    assert programme.deadlines_tracked_from == first
    assert f"deadlines tracked from {first:%a %-d %b %Y}" in out.getvalue()
    entry = AuditEntry.objects.filter(object_type="governance.programme").latest("id")
    assert "deadlines_tracked_from" in entry.changes
    call_command("track_deadlines_from", "2024-04-01", stdout=StringIO())
    assert Programme.objects.get(pk=programme.pk).deadlines_tracked_from == date(2024, 4, 1)


def test_bad_input_is_refused_with_a_message(programme):
    with pytest.raises(CommandError, match="'1 April' is not a date"):
        call_command("track_deadlines_from", "1 April", stdout=StringIO())
    with pytest.raises(CommandError, match="No programme 'nope' is loaded"):
        call_command("track_deadlines_from", "--programme", "nope", stdout=StringIO())
