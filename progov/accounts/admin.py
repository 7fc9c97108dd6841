from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from progov.accounts.models import ApiToken, User


@admin.register(User)
class ProgovUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("progov", {"fields": ("role",)}))  # type: ignore[misc]
    list_display = ("username", "email", "role", "is_superuser", "is_active")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
