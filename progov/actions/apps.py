from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "progov.actions"
    label = "actions"
    verbose_name = "Action log"

    def ready(self) -> None:
        # Its kinds in the access model, its part of the data pack, its sources of search
        # hits and attention items, its section of the headline report and its panel on
        # the meeting page (the registries of the lower apps).
        from progov.actions import (  # noqa: F401
            access,
            attention,
            pack,
            panels,
            search,
        )
