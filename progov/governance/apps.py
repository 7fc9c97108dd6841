from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "progov.governance"
    label = "governance"
    verbose_name = "Governance structure"

    def ready(self) -> None:
        # Bind this app's kinds to the access model's table (core.access).
        # The app's part of the data-pack format (see progov.core.packs.sections).
        from progov.governance import (
            access,  # noqa: F401
            pack,  # noqa: F401
        )
