"""Pages and HTMX fragments: agenda."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
