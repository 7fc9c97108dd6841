from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "progov.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Bind this app's kinds to the access model's table (core.access).
        from progov.accounts import access  # noqa: F401
