from django.apps import AppConfig


class PacksConfig(AppConfig):
    name = "progov.packs"
    label = "packs"
    verbose_name = "Data packs"
