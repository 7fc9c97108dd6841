"""The action log's import and export, between the adapters (API, pages) and the
services: read the upload with the shared tabular reader, call the import service, and
shape what both the page and the API show (`import_out`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from progov.actions import services
from progov.actions.models import Action
from progov.actions.schemas import meeting_ref
from progov.actions.tables import ACTION_LOG, export_row
from progov.core.errors import ValidationError
from progov.core.tabular import FileRefused, read_table, write_csv, write_xlsx

PREVIEW_ROWS = 50


def read_and_import(
    *,
    actor: Any,
    programme: Any,
    data: bytes,
    filename: str,
    dry_run: bool,
    progress: Callable[[int, int], None] | None = None,
) -> services.ImportReport:
    """The report of importing `data` (a refused file is a ValidationError on `file`)."""
    try:
        table = read_table(data, filename=filename, layout=ACTION_LOG)
    except FileRefused as exc:
        raise ValidationError.for_field("file", exc.message) from None
    return services.import_actions(
        actor=actor, programme=programme, table=table, dry_run=dry_run, progress=progress
    )


def summary(report: services.ImportReport) -> str:
    n = len(report.problems)
    if n:
        return f"{n} problem{'s' if n != 1 else ''} in the file: nothing was imported."
    if not report.dry_run:
        k = len(report.created)
        return f"{k} action{'s' if k != 1 else ''} imported."
    k = len(report.planned)
    return f"{k} action{'s' if k != 1 else ''} checked: no problem. Nothing is written yet."


def import_out(report: services.ImportReport) -> dict[str, Any]:
    return {
        "detail": summary(report),
        "dry_run": report.dry_run,
        "format": report.format,
        "rows": report.rows,
        "created": report.created,
        "problems": [
            {"row": p.row, "column": p.column, "message": p.message} for p in report.problems
        ],
        "ignored_columns": report.ignored_headers,
        "preview": [
            {
                "row": p.row,
                "ref": p.ref,
                "group": p.group.acronym,
                "raised_on": p.raised_on,
                "description": p.description,
                "owner": p.owner,
                "due": p.due_on,
                "due_text": p.due_text,
                "status": p.status,
                "latest_update": p.latest_update,
                "meeting": meeting_ref(p.meeting),
            }
            for p in report.planned[:PREVIEW_ROWS]
        ],
    }


def export_log(rows: Iterable[Action], format: str) -> bytes:
    lines = (export_row(a) for a in rows)
    return write_csv(ACTION_LOG, lines) if format == "csv" else write_xlsx(ACTION_LOG, lines)
