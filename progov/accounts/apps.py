from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "progov.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Bind this app's kinds to the access model's table (core.access).
        from progov.accounts import access  # noqa: F401

        # The read cache answers API readers by their token's scope.
        from progov.accounts.api_auth import bearer_reader
        from progov.core.readcache import register_bearer_reader

        register_bearer_reader(bearer_reader)
