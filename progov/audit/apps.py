from typing import Any

from django.apps import AppConfig
from django.core import checks


class AuditConfig(AppConfig):
    name = "progov.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        checks.register(check_audit_key, checks.Tags.security)


def check_audit_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A configured PROGOV_AUDIT_KEY too short to be a key is an error at startup, not at
    the first audited write."""
    from progov.audit.keys import configured_key_problem

    problem = configured_key_problem()
    return [checks.Error(problem, id="progov.audit.E001")] if problem else []
