from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "progov.meetings"
    label = "meetings"
    verbose_name = "Meetings"
