from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "progov.governance"
    label = "governance"
    verbose_name = "Governance structure"
