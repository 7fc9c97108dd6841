from typing import Any

from django.core.management.base import CommandError

from progov.audit.services import ChainBroken, verify_chain
from progov.core.commands import ProgovCommand


class Command(ProgovCommand):
    help = "Walk the audit trail's hash chain and report the first altered entry, if any."

    def handle_act(self, *args: Any, **options: Any) -> None:
        try:
            count = verify_chain()
        except ChainBroken as exc:
            raise CommandError(
                f"Audit chain BROKEN at entry #{exc.entry_id}: {exc.reason}."
            ) from None
        self.stdout.write(f"Audit chain intact: {count} entries verified.")
