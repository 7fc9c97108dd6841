"""`progov export-pack [--programme SLUG] PATH` / `manage.py export_pack`: write a
programme's current data as a data pack (papers and other uploads are not part of it)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from progov.core.commands import ProgovCommand
from progov.core.errors import NotFound
from progov.governance.selectors import current_programme, programme_list
from progov.packs.loader import PackError, export_pack, read_pack


class Command(ProgovCommand):
    help = (
        "Write the programme's current data (groups, people, memberships, meeting series "
        "and changes, rules…) as a data pack. Loading it into an empty data dir gives the "
        "same programme; the same data always gives the same file. Use - for stdout."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", help="the file to write, or - for standard output")
        parser.add_argument(
            "--programme",
            metavar="SLUG",
            help="the programme (default: the current one, e.g. mhhs)",
        )

    def handle_act(self, *args: Any, **options: Any) -> None:
        slug = options["programme"]
        if slug and not programme_list(user=None).filter(slug=slug).exists():
            known = ", ".join(programme_list(user=None).values_list("slug", flat=True))
            raise CommandError(f"No programme {slug!r}; loaded: {known or 'none'}.")
        try:
            programme = current_programme(slug=slug)
        except NotFound as exc:
            raise CommandError(exc.message) from None
        text = export_pack(programme)
        if options["path"] == "-":
            self.stdout.write(text, ending="")
        else:
            path = Path(options["path"])
            try:
                path.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"Cannot write {path}: {exc}") from None
            self.stdout.write(f"Wrote the {programme} pack to {path}.")
        # Data the format cannot express (a custom RRULE, two people of one name) would
        # make a pack that does not load back: say so, with the lines, rather than hide it.
        try:
            read_pack(text, name=Path(options["path"]).name)
        except PackError as exc:
            raise CommandError(
                "The export was written but would not load back as it is; fix these lines "
                "(or the data behind them):\n" + "\n".join(f"  {e}" for e in exc.errors)
            ) from None
