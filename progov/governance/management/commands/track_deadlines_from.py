"""`manage.py track_deadlines_from [DATE] [--programme SLUG]`: the day a programme began
tracking deadlines in progov (`Programme.deadlines_tracked_from`). Earlier deadlines with
no record of being met read "not tracked" instead of "overdue". The demo sets it to the
first day of the current month."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import CommandError

from progov.core.commands import ProgovCommand
from progov.core.errors import NotFound
from progov.governance import selectors, services
from progov.governance.timezones import today_for


class Command(ProgovCommand):
    help = (
        "Set the day the programme began tracking deadlines in progov (default: the first "
        "day of this month): earlier unmet deadlines read 'not tracked', not 'overdue'."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("date", nargs="?", help="YYYY-MM-DD (default: this month's 1st)")
        parser.add_argument("--programme", help="the programme's slug (default: the current one)")

    def handle_act(self, *args: Any, **options: Any) -> None:
        try:
            programme = selectors.current_programme(slug=options["programme"])
        except NotFound as exc:
            if options["programme"]:
                raise CommandError(f"No programme {options['programme']!r} is loaded.") from None
            raise CommandError(exc.message) from None
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"{options['date']!r} is not a date (YYYY-MM-DD).") from None
        else:
            day = today_for(programme).replace(day=1)
        services.update_programme(
            actor=None,
            programme=programme,
            expected_version=None,
            deadlines_tracked_from=day,
        )
        self.stdout.write(
            f"{programme}: deadlines tracked from {day:%a %-d %b %Y}; earlier ones with no "
            "record of being met read 'not tracked'."
        )
