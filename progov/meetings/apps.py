from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "progov.meetings"
    label = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        # Bind this app's kinds to the access model's table (core.access).
        # The app's part of the data-pack format (see progov.core.packs.sections).
        # Its sources of search hits (core/search.py) and attention items (core/attention.py).
        # Its part of the read version (core/readcache.py).
        from progov.core.readcache import register_version_part
        from progov.meetings import (
            access,  # noqa: F401
            attention,  # noqa: F401
            pack,  # noqa: F401
            search,  # noqa: F401
        )
        from progov.meetings.readversion import meeting_clock

        register_version_part("meetings", meeting_clock)
