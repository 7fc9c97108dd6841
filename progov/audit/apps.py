from typing import Any

from django.apps import AppConfig
from django.core import checks


class AuditConfig(AppConfig):
    name = "progov.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        checks.register(check_audit_key, checks.Tags.security)
        # The audit head is the read version: a write makes every cached answer stale.
        from progov.audit.readversion import head
        from progov.core.readcache import register_version_part

        register_version_part("audit", head)


def check_audit_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A configured PROGOV_AUDIT_KEY too short to be a key is an error at startup, not at
    the first audited write."""
    from progov.audit.keys import configured_key_problem

    problem = configured_key_problem()
    return [checks.Error(problem, id="progov.audit.E001")] if problem else []
