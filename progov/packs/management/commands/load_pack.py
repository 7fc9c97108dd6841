"""`progov load-pack [--check] PATH` / `manage.py load_pack PATH`: load a programme data pack."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from progov.core.commands import ProgovCommand
from progov.packs.loader import PackError, check_pack, load_pack


class Command(ProgovCommand):
    help = (
        "Load a programme data pack (YAML), e.g. progov/packs/mhhs.yaml. The whole pack is "
        "checked first and every problem is reported with its line number; a pack with any "
        "problem writes nothing. Loading the same pack twice changes nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", help="the pack file")
        parser.add_argument(
            "--check",
            action="store_true",
            help="only validate the pack, reporting every error with its line; write nothing",
        )

    def handle_act(self, *args: Any, **options: Any) -> None:
        try:
            if options["check"]:
                self.stdout.write(check_pack(options["path"]))
                return
            report = load_pack(options["path"])
        except PackError as exc:
            # The CLI prints this message and exits 1; every line-numbered problem is in it.
            raise CommandError(exc.render()) from None
        self.stdout.write(report.render())
