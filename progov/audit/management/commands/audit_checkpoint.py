from typing import Any

from django.core.management.base import CommandError, CommandParser

from progov.audit import checkpoints
from progov.audit.verification import verify_for_command
from progov.core.commands import ProgovCommand


class Command(ProgovCommand):
    help = (
        "Verify the audit trail, then print its head (entries, last id, hash, time) in a "
        "form to keep on paper or another system and check later with "
        "`audit_verify --expect COUNT:HASH`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--append",
            action="store_true",
            help="also append the head to the checkpoint file, creating it if it is missing "
            "(to start a new file deliberately, after checking the chain against a kept head)",
        )

    def handle_act(self, *args: Any, **options: Any) -> None:
        report = verify_for_command()
        allowed = {"checkpoint-missing"} if options["append"] else set()
        blocking = [p for p in report.problems if p.kind not in allowed]
        if blocking:
            raise CommandError(
                "\n".join([*report.lines(), "No head printed: the trail does not verify."])
            )
        head = report.head
        if head is None:
            self.stdout.write("The audit trail is empty: no head to keep yet.")
            return
        self.stdout.write(
            "\n".join(
                [
                    "Audit trail head:",
                    f"  entries: {head.count:,}",
                    f"  last:    #{head.entry_id} of {head.timestamp:%Y-%m-%d %H:%M:%S %Z}",
                    f"  hash:    {head.entry_hash}",
                    f"  key id:  {report.key_id}",
                    "Keep this line (on paper, or on another system); "
                    "`progov audit verify --expect` checks the trail against it later:",
                    f"  {head.paper()}",
                ]
            )
        )
        if options["append"]:
            checkpoints.append(
                checkpoints.Checkpoint(
                    count=head.count,
                    head_id=head.entry_id,
                    head_hash=head.entry_hash,
                    at=checkpoints.utc_now(),
                ),
                create=True,
            )
            self.stdout.write(f"Appended to {checkpoints.path()}.")
