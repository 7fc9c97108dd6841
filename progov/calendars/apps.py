from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "progov.calendars"
    label = "calendars"
    verbose_name = "Working-day calendars"
