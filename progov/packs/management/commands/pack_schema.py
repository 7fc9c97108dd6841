"""`manage.py pack_schema [--check]`: the committed JSON Schema of the pack format,
docs/pack.schema.json, built from the sections the apps register.

Without `--check` it rewrites the file; with `--check` it changes nothing and exits 1
with a unified diff when the file and the sections disagree (a gate in scripts/check,
like the OpenAPI one), so an editor validating packs against it is never out of date.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from progov.core.commands import ProgovCommand
from progov.packs.loader import pack_schema

MAX_DIFF_LINES = 400
DEFAULT_PATH = Path(__file__).resolve().parents[4] / "docs" / "pack.schema.json"


def render_schema() -> str:
    return json.dumps(pack_schema(), indent=2, ensure_ascii=False) + "\n"


class Command(ProgovCommand):
    help = "Write the pack format's JSON Schema to docs/pack.schema.json, or --check it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="change nothing; exit 1 with a diff if the committed file is out of date",
        )
        parser.add_argument(
            "--path", default=str(DEFAULT_PATH), help="the file (default docs/pack.schema.json)"
        )

    def handle_act(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        fresh = render_schema()
        if not options["check"]:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(fresh, encoding="utf-8")
            self.stdout.write(f"Wrote {path}.")
            return
        if not path.exists():
            raise CommandError(
                f"{path} is missing. Run `python manage.py pack_schema` and commit it."
            )
        committed = path.read_text(encoding="utf-8")
        if committed == fresh:
            self.stdout.write(f"{path} matches the pack sections.")
            return
        diff = list(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                fresh.splitlines(keepends=True),
                fromfile=f"{path} (committed)",
                tofile=f"{path} (from the sections)",
            )
        )
        self.stdout.write("".join(diff[:MAX_DIFF_LINES]))
        if len(diff) > MAX_DIFF_LINES:
            self.stdout.write(f"… {len(diff) - MAX_DIFF_LINES} more diff lines not shown.\n")
        raise CommandError(
            f"{path} is out of date with the pack sections. Run `python manage.py "
            "pack_schema` and commit the result."
        )
