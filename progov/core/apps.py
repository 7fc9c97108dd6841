from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "progov.core"
    label = "core"
    verbose_name = "progov core"
