from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "progov.audit"
    label = "audit"
    verbose_name = "Audit trail"
