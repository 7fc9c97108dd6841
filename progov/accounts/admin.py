from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from progov.accounts.models import ApiToken, User
from progov.accounts.services import unlock_login
from progov.core.errors import DomainError


@admin.register(User)
class ProgovUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("progov", {"fields": ("role",)}))  # type: ignore[misc]
    list_display = ("username", "email", "role", "is_superuser", "is_active")
    actions = ["unlock_sign_in"]

    @admin.action(description="Unlock sign-in (clear failed sign-ins; audited)")
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """The same unlock as /accounts/lockouts/ (axes' own "access attempts" pages
        delete its records too, but write no audit entry)."""
        for user in queryset:
            try:
                cleared = unlock_login(actor=request.user, username=user.username)
            except DomainError as exc:
                self.message_user(request, f"{user.username}: {exc.message}", messages.ERROR)
                continue
            self.message_user(
                request,
                f"{user.username}: {cleared} failed sign-ins cleared."
                if cleared
                else f"{user.username}: no failed sign-ins to clear.",
            )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
