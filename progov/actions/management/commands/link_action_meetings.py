"""`manage.py link_action_meetings [--programme SLUG]`: link the actions of a log loaded
before its meetings were generated to the meetings they were raised at (by group and the
date raised, or the number in the ref). The demo runs it after generating meetings."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from progov.actions import services
from progov.core.commands import ProgovCommand
from progov.core.errors import NotFound
from progov.governance import selectors as governance_selectors


class Command(ProgovCommand):
    help = "Link loaded actions to the meetings they were raised at, once those exist."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--programme", help="the programme's slug (default: the current one)")

    def handle_act(self, *args: Any, **options: Any) -> None:
        try:
            programme = governance_selectors.current_programme(slug=options["programme"])
        except NotFound as exc:
            raise CommandError(exc.message) from None
        linked = services.link_actions_to_meetings(actor=None, programme=programme)
        self.stdout.write(
            f"{programme}: {linked} actions linked to the meetings they were raised at."
        )
