"""Pages and HTMX fragments: reports."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
