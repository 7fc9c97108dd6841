"""`manage.py link_decision_meetings [--programme SLUG]`: link loaded decisions to the
meetings they were taken at, once those are generated (the demo runs it)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from progov.core.commands import ProgovCommand
from progov.core.errors import NotFound
from progov.decisions import services
from progov.governance import selectors as governance_selectors


class Command(ProgovCommand):
    help = "Link loaded decisions to the meetings they were taken at, once those exist."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--programme", help="the programme's slug (default: the current one)")

    def handle_act(self, *args: Any, **options: Any) -> None:
        try:
            programme = governance_selectors.current_programme(slug=options["programme"])
        except NotFound as exc:
            raise CommandError(exc.message) from None
        linked = services.link_decisions_to_meetings(actor=None, programme=programme)
        self.stdout.write(
            f"{programme}: {linked} decisions linked to the meetings they were taken at."
        )
