"""Top-level URLs: pages per app, the API under /api/v1/, the admin for superusers."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic.base import RedirectView

from progov.api import api

urlpatterns = [
    # One sign-in page for everyone, with its lockout and its audit: the admin's too.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("progov.accounts.urls")),
    path("calendars/", include("progov.calendars.urls")),
    path("meetings/", include("progov.meetings.urls")),
    path("", include("progov.governance.urls")),
]
