from typing import Any

from django.core.management.base import CommandError, CommandParser

from progov.accounts.services import create_api_token
from progov.core.commands import ProgovCommand
from progov.core.errors import DomainError


class Command(ProgovCommand):
    help = "Create an API token for USERNAME; the token is the last line printed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--name", default="", help="A label for the token, e.g. 'reporting script'."
        )

    def handle_act(self, *args: Any, **options: Any) -> None:
        try:
            token, raw = create_api_token(
                actor=None, username=options["username"], name=options["name"]
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"Token {token.prefix}… created for {token.user.username}. It is shown once:"
        )
        self.stdout.write(raw)
