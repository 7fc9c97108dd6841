from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "progov.governance"
    label = "governance"
    verbose_name = "Governance structure"

    def ready(self) -> None:
        # The app's part of the data-pack format (see progov.core.packs.sections).
        from progov.governance import pack  # noqa: F401
