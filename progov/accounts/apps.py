from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "progov.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # The access model's own kinds (logins, tokens).
        from progov.accounts import access

        access._register_accounts_kinds()
