"""Top-level URLs: pages per app, the API under /api/v1/, the admin for superusers."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic.base import RedirectView

from progov.api import api
from progov.core.api import not_found as api_not_found

urlpatterns = [
    # One sign-in page for everyone, with its lockout and its audit: the admin's too.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # Anything else under the API (`/api/v1/meetings/abc`) answers a JSON 404.
    re_path(r"^api/v1/", csrf_exempt(api_not_found)),
    path("accounts/", include("progov.accounts.urls")),
    path("calendars/", include("progov.calendars.urls")),
    path("meetings/", include("progov.meetings.urls")),
    path("", include("progov.actions.urls")),
    path("", include("progov.decisions.urls")),
    path("", include("progov.governance.urls")),
]
