"""Pages and HTMX fragments: feeds."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
