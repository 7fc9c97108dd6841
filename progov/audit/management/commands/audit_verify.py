from typing import Any

from django.core.management.base import CommandError, CommandParser

from progov.audit.verification import Expected, verify_for_command
from progov.core.commands import ProgovCommand


class Command(ProgovCommand):
    help = (
        "Verify the audit trail: walk its chain (every entry's link and HMAC seal), compare "
        "it with the checkpoint file (a removed tail, an emptied table, a rewritten history) "
        "and check the triggers that keep the table append-only. Exit 1 naming what it found."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect",
            metavar="COUNT:HASH",
            help="also compare with a head you kept (as `audit_checkpoint` prints it)",
        )

    def handle_act(self, *args: Any, **options: Any) -> None:
        expected = None
        if options.get("expect"):
            try:
                expected = Expected.parse(options["expect"])
            except ValueError as exc:
                raise CommandError(f"--expect: {exc}.") from None
        report = verify_for_command(expected=expected)
        if not report.intact:
            raise CommandError("\n".join(report.lines()))
        self.stdout.write("\n".join(report.lines()))
