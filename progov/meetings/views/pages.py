"""Pages and HTMX fragments: pages."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
