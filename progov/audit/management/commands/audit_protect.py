from typing import Any

from django.core.management.base import CommandError
from django.db import connection, transaction

from progov.audit import protection
from progov.core.commands import ProgovCommand


class Command(ProgovCommand):
    help = (
        "Install (again) the triggers that refuse UPDATE, DELETE and, on PostgreSQL, "
        "TRUNCATE of audit entries, e.g. after someone dropped them. Changes nothing else."
    )

    def handle_act(self, *args: Any, **options: Any) -> None:
        before = protection.problems(connection)
        with transaction.atomic():
            protection.install(connection)
        after = protection.problems(connection)
        if after:
            raise CommandError("The protection is still not in place: " + "; ".join(after))
        for problem in before:
            self.stdout.write(f"Repaired: {problem}.")
        self.stdout.write(
            f"Protection in place: {connection.display_name} triggers refuse "
            f"{protection.REFUSED.get(connection.vendor, 'nothing')} on the audit table."
        )
