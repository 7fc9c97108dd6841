"""Pages and HTMX fragments: attendance."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
