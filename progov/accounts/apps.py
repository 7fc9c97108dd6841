from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "progov.accounts"
    label = "accounts"
    verbose_name = "Accounts"
