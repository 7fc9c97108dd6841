from django.apps import AppConfig


class ProjectConfig(AppConfig):
    name = "progov.project"
    label = "project"
    verbose_name = "Project commands"
