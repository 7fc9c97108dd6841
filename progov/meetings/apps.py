from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "progov.meetings"
    label = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        # The app's part of the data-pack format (see progov.core.packs.sections).
        from progov.meetings import pack  # noqa: F401
