from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "progov.decisions"
    label = "decisions"
    verbose_name = "Decision log and governance rules"

    def ready(self) -> None:
        # Its kinds in the access model, its part of the data pack, its search hits,
        # attention items and headline-report section (the lower apps' registries).
        from progov.decisions import (  # noqa: F401
            access,
            attention,
            pack,
            panels,
            search,
        )
