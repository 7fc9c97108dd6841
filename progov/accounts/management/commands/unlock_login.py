"""`manage.py unlock_login USERNAME` (`progov accounts unlock USERNAME`)."""

from typing import Any

from django.core.management.base import CommandError, CommandParser

from progov.accounts.services import unlock_login
from progov.core.commands import ProgovCommand
from progov.core.errors import DomainError


class Command(ProgovCommand):
    help = (
        "Unlock USERNAME after failed sign-ins: clear them so that it may sign in at once "
        "(recorded in the audit trail)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle_act(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        try:
            cleared = unlock_login(actor=None, username=username)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        if cleared:
            self.stdout.write(f"{username} is unlocked: {cleared} failed sign-ins cleared.")
        else:
            self.stdout.write(f"{username} had no failed sign-ins to clear.")
