"""`manage.py demo_papers GROUP#NUMBER…`: the demo's own papers for some meetings."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from progov.core.commands import ProgovCommand
from progov.core.errors import NotFound
from progov.governance import selectors as governance_selectors
from progov.meetings import selectors
from progov.meetings.demo import add_demo_papers


class Command(ProgovCommand):
    help = (
        "Render and publish the demo's papers (the agenda, public; the seats and members, "
        "for the group) for meetings named like PSG#24. Papers already there are kept."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("meetings", nargs="+", help="meetings as GROUP#NUMBER, e.g. PSG#24")

    def handle_act(self, *args: Any, **options: Any) -> None:
        for name in options["meetings"]:
            acronym, _, number = name.partition("#")
            try:
                group = governance_selectors.group_get(user=None, acronym=acronym)
                meeting = selectors.meeting_by_number(user=None, group=group, number=number)
            except NotFound as exc:
                raise CommandError(f"{name}: {exc.message}") from None
            made = add_demo_papers(meeting)
            self.stdout.write(f"  {name}: {len(made)} demo papers published")
