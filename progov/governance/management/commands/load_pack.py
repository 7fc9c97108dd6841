"""`progov load-pack PATH` / `manage.py load_pack PATH`: load a programme data pack."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from progov.core.commands import ProgovCommand
from progov.governance.packs import PackError, load_pack, read_pack


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
            help="only validate the pack; write nothing",
        )

    def handle_act(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            if options["check"]:
                self._check(path)
                return
            report = load_pack(path)
        except PackError as exc:
            # The CLI prints this message and exits 1; every line-numbered problem is in it.
            raise CommandError(exc.render()) from None
        self.stdout.write(report.render())

    def _check(self, path: Path) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PackError([f"line 1: cannot read {path}: {exc}"], pack=path.name) from None
        spec = read_pack(text, name=path.name)
        self.stdout.write(
            f"Pack {path.name} is valid: programme {spec.programme.short_name or spec.programme.name}"
            f", {len(spec.groups)} groups, {len(spec.constituencies)} constituencies, "
            f"{sum(len(g.seats) for g in spec.groups)} seats, "
            f"{len(spec.framework_versions)} framework versions, "
            f"{len(spec.deadline_rules)} deadline rules. Nothing was written (--check)."
        )
