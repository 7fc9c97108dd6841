"""`manage.py openapi [--check]`: the committed API contract, docs/openapi.json.

Without `--check` it rewrites the file from the code. With `--check` it changes
nothing and exits 1 with a unified diff when the file and the code disagree (CI
runs this, as NetBox's `scripts/verify-openapi.sh` does), so every API change is
reviewed as a change of the contract.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from progov.core.commands import ProgovCommand

MAX_DIFF_LINES = 400
DEFAULT_PATH = Path(__file__).resolve().parents[4] / "docs" / "openapi.json"


def render_schema() -> str:
    """The OpenAPI document of `/api/v1/`, pretty-printed with sorted keys."""
    from progov.api import api

    schema = api.get_openapi_schema()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(ProgovCommand):
    help = "Write the OpenAPI document to docs/openapi.json, or --check it for drift."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="change nothing; exit 1 with a diff if the committed file is out of date",
        )
        parser.add_argument(
            "--path", default=str(DEFAULT_PATH), help="the file (default docs/openapi.json)"
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
            raise CommandError(f"{path} is missing. Run `python manage.py openapi` and commit it.")
        committed = path.read_text(encoding="utf-8")
        if committed == fresh:
            self.stdout.write(f"{path} matches the code.")
            return
        diff = list(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                fresh.splitlines(keepends=True),
                fromfile=f"{path} (committed)",
                tofile=f"{path} (from the code)",
            )
        )
        self.stdout.write("".join(diff[:MAX_DIFF_LINES]))
        if len(diff) > MAX_DIFF_LINES:
            self.stdout.write(f"… {len(diff) - MAX_DIFF_LINES} more diff lines not shown.\n")
        raise CommandError(
            f"{path} is out of date with the API. Run `python manage.py openapi` and "
            "commit the result (review the diff above: it is a change of the API contract)."
        )
