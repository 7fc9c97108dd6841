"""Generated documents committed beside the code, and the drift check CI runs on them.

The OpenAPI document and the access matrix are written from the code by a management
command; `--check` writes nothing and fails with a diff when the committed file and the
code disagree, so a change of contract or policy is reviewed as such.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from progov.core.commands import ProgovCommand

MAX_DIFF_LINES = 400
DOCS = Path(__file__).resolve().parents[2] / "docs"


def write_or_check(
    path: Path, fresh: str, *, check: bool, command: str, what: str, out: Any
) -> None:
    """Write `fresh` to `path`, or (`check`) compare and raise CommandError with a diff."""
    if not check:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(fresh, encoding="utf-8")
        out.write(f"Wrote {path}.\n")
        return
    if not path.exists():
        raise CommandError(f"{path} is missing. Run `python manage.py {command}` and commit it.")
    committed = path.read_text(encoding="utf-8")
    if committed == fresh:
        out.write(f"{path} matches the code.\n")
        return
    diff = list(
        difflib.unified_diff(
            committed.splitlines(keepends=True),
            fresh.splitlines(keepends=True),
            fromfile=f"{path} (committed)",
            tofile=f"{path} (from the code)",
        )
    )
    out.write("".join(diff[:MAX_DIFF_LINES]))
    if len(diff) > MAX_DIFF_LINES:
        out.write(f"… {len(diff) - MAX_DIFF_LINES} more diff lines not shown.\n")
    raise CommandError(
        f"{path} is out of date with the {what}. Run `python manage.py {command}` and "
        f"commit the result (review the diff above: it is a change of the {what})."
    )


class DriftCommand(ProgovCommand):
    """A command that writes one generated document, or `--check`s it for drift.

    Subclasses name the file, the command and what the document is, and `render()` it.
    """

    filename = ""
    command = ""
    what = ""

    def render(self) -> str:  # pragma: no cover - every subclass renders
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="change nothing; exit 1 with a diff if the committed file is out of date",
        )
        parser.add_argument(
            "--path",
            default=str(DOCS / self.filename),
            help=f"the file (default docs/{self.filename})",
        )

    def handle_act(self, *args: Any, **options: Any) -> None:
        write_or_check(
            Path(options["path"]),
            self.render(),
            check=options["check"],
            command=self.command,
            what=self.what,
            out=self.stdout,
        )
