from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "progov.governance"
    label = "governance"
    verbose_name = "Governance structure"

    def ready(self) -> None:
        # Bind this app's kinds to the access model's table (core.access).
        # The app's part of the data-pack format (see progov.core.packs.sections).
        # Its sources of search hits (core/search.py).
        # Its part of the read version (core/readcache.py).
        from progov.core.readcache import register_version_part
        from progov.governance import (
            access,  # noqa: F401
            pack,  # noqa: F401
            search,  # noqa: F401
        )
        from progov.governance.readversion import programme_dates

        register_version_part("today", programme_dates)
