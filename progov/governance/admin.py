"""Read-only admin views of the governance structure.

Writes go through services (rules + audit), so the admin only lets superusers look.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from progov.governance import models


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.GovernanceGroup)
class GovernanceGroupAdmin(ReadOnlyAdmin):
    list_display = ("acronym", "name", "level", "parent", "status", "programme", "version")
    list_filter = ("programme", "level", "status")
    search_fields = ("acronym", "name")


@admin.register(models.Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("person", "group", "role", "constituency", "start_date", "end_date")
    list_filter = ("role", "group")


for model in (
    models.Programme,
    models.Workstream,
    models.Constituency,
    models.Organisation,
    models.Person,
    models.Seat,
    models.TermsOfReference,
    models.GroupSuccession,
    models.FrameworkVersion,
    models.DeadlineRule,
    models.RegulatorThreshold,
    models.MarketRole,
):
    admin.site.register(model, ReadOnlyAdmin)
