"""`manage.py mark_meetings_held [--programme SLUG]`: mark every meeting that has started
but is still planned, confirmed or moved as held (cancelled ones stay cancelled) — the
demo's programme in flight, or a programme moving onto progov with its past meetings."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from progov.core.commands import ProgovCommand
from progov.core.errors import NotFound
from progov.governance import selectors as governance_selectors
from progov.meetings import selectors, services


class Command(ProgovCommand):
    help = (
        "Mark held every meeting that has started and is not marked held or cancelled "
        "(each gets its headline report draft)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--programme", help="the programme's slug (default: the current one)")

    def handle_act(self, *args: Any, **options: Any) -> None:
        try:
            programme = governance_selectors.current_programme(slug=options["programme"])
        except NotFound as exc:
            raise CommandError(exc.message) from None
        now = timezone.now()
        total = 0
        while waiting := selectors.meetings_not_marked_held(
            user=None, programme=programme, now=now
        ):
            total += len(services.mark_meetings_held(actor=None, meetings=waiting, now=now))
        self.stdout.write(f"{programme}: {total} past meetings marked held.")
