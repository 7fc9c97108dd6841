from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "progov.calendars"
    label = "calendars"
    verbose_name = "Working-day calendars"

    def ready(self) -> None:
        # Bind this app's kinds to the access model's table (core.access).
        from progov.calendars import access  # noqa: F401
