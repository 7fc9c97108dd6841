"""Read-only admin view of closure days (writes go through the services, with audit)."""

from __future__ import annotations

from django.contrib import admin

from progov.calendars.models import ClosureDay
from progov.governance.admin import ReadOnlyAdmin


@admin.register(ClosureDay)
class ClosureDayAdmin(ReadOnlyAdmin):
    list_display = ("date", "name", "programme")
    list_filter = ("programme",)
    date_hierarchy = "date"
