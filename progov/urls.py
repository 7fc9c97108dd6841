"""Top-level URLs: pages per app, the API under /api/v1/, the admin for superusers."""

from django.contrib import admin
from django.urls import include, path

from progov.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("progov.accounts.urls")),
    path("calendars/", include("progov.calendars.urls")),
    path("meetings/", include("progov.meetings.urls")),
    path("", include("progov.governance.urls")),
]
