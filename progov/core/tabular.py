"""One tabular import and export for every log (actions now; RAID and change requests
next): a column layout declared once per log, XLSX and CSV read into rows with a report
per row and column, and export that a spreadsheet will not run.

Reading (`read_table`) takes the uploaded bytes and the layout:

1. the file is refused before it is parsed when it is too large, or, for a workbook (a
   zip), when it holds too many entries, would unpack too large, is compressed beyond any
   plausible ratio (a zip bomb), or declares a DTD (billion laughs, external entities:
   openpyxl parses with defusedxml, which refuses them too) — `FileRefused`, a message;
2. the header row is found by the layout's headers (and their aliases: "Update" is
   "Latest Update"); a required column missing is one problem for the file;
3. each row's cells are read by their column's kind: text (a formula is refused: "type
   the value, not =SUM(…)"), dates (a date cell, 06/09/2023 or 2023-09-06), choices;
   every bad cell is a `Problem(row, column, message)`; blank rows are skipped.

The caller (a log's import service) adds its own problems (an unknown group, a duplicate
ref) and writes nothing unless there are none, in one transaction: all or nothing.

Writing (`write_xlsx`, `write_csv`) puts the layout's headers and the rows; a text that
starts with = + - @ (or a tab or carriage return) is written with a leading apostrophe,
so a spreadsheet shows it as text instead of running it, and reading takes the apostrophe
off again: an export read back is the log it came from.

Why not django-import-export or tablib: the import must go through each log's services
(refs, owners, the access policy, the audit trail) and report each problem by row and
column before anything is written; those libraries write models directly and report
per row. openpyxl (read-only, with defusedxml) and the csv module do the reading.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from progov.core.errors import DomainError

MAX_BYTES = 10 * 1024 * 1024
"""An upload larger than this is refused unread (10 MB: a 50,000-row log is ~8 MB)."""
MAX_ENTRIES = 500
MAX_UNPACKED = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_ROWS = 50_000
HEADER_SEARCH_ROWS = 20  # the header row is among the first rows (a title may sit above)

Kind = Literal["text", "date", "date_or_text", "choice"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class FileRefused(DomainError):
    """The upload cannot be read at all (too big, not a spreadsheet, hostile)."""


@dataclass(frozen=True)
class Column:
    """One column of a layout, e.g. `Column("due", "Due Date", kind="date")`."""

    key: str
    header: str
    kind: Kind = "text"
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: Mapping[str, str] = field(default_factory=dict)  # cell text → value
    description: str = ""
    max_length: int | None = None

    def names(self) -> set[str]:
        return {_norm(self.header), *(_norm(a) for a in self.aliases)}


@dataclass(frozen=True)
class Layout:
    """A log's columns, declared once (the import, the export and the docs read it)."""

    key: str
    title: str
    sheet: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


@dataclass(frozen=True)
class Problem:
    """What is wrong in one place: `row` 0 is the file itself, `column` "" the whole row."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "the file"
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


@dataclass
class Row:
    number: int  # the spreadsheet's row number, as the user sees it
    values: dict[str, Any]


@dataclass
class Table:
    layout: Layout
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    format: str = ""

    def problem(self, row: int, column: str, message: str) -> None:
        self.problems.append(Problem(row, column, message))


def _norm(text: Any) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text or "").casefold()).strip()


# --- the file's checks, before anything parses it ------------------------------------


def is_workbook(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def check_workbook(data: bytes) -> None:
    """Refuse a workbook that would cost too much to open, or that declares a DTD."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileRefused(
            "The file is not a readable .xlsx workbook (its zip is damaged)."
        ) from None
    if len(entries) > MAX_ENTRIES:
        raise FileRefused(
            f"The workbook holds {len(entries):,} parts; a log's workbook holds far fewer "
            f"(at most {MAX_ENTRIES}). It was not opened."
        )
    unpacked = sum(e.file_size for e in entries)
    packed = max(1, sum(e.compress_size for e in entries))
    if unpacked > MAX_UNPACKED or unpacked / packed > MAX_RATIO:
        raise FileRefused(
            f"The workbook would unpack to {unpacked / 1e6:,.0f} MB from {len(data) / 1e6:,.1f} MB "
            "(a zip bomb, or far larger than a log): it was not opened."
        )
    names = {e.filename for e in entries}
    if "xl/workbook.xml" not in names:
        raise FileRefused("The file is a zip but not an .xlsx workbook (no xl/workbook.xml).")
    for entry in entries:
        if not entry.filename.endswith((".xml", ".rels", ".vml")):
            continue
        with archive.open(entry) as part:
            head = part.read(4096)
        if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
            raise FileRefused(
                f"The workbook's part {entry.filename} declares a DTD (entities): a "
                "spreadsheet saved by Excel or LibreOffice never does. It was not opened."
            )


# --- reading ------------------------------------------------------------------------------


def _cells_xlsx(data: bytes, sheet: str) -> Iterator[tuple[int, list[Any]]]:
    import openpyxl  # defusedxml, when installed, guards its XML parsing

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise FileRefused(f"The workbook could not be read: {exc}.") from None
    try:
        ws = book[sheet] if sheet in book.sheetnames else book.worksheets[0]
        for number, row in enumerate(ws.iter_rows(values_only=False), start=1):
            values: list[Any] = []
            for cell in row:
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", "") == "f":
                    values.append(_Formula(str(value)))
                else:
                    values.append(value)
            yield number, values
    finally:
        book.close()


@dataclass(frozen=True)
class _Formula:
    text: str


def _cells_csv(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise FileRefused("The file holds NUL characters: it is not a CSV file.")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, row in enumerate(reader, start=1):
            yield number, [_Formula(v) if v.startswith("=") and len(v) > 1 else v for v in row]
    except csv.Error as exc:
        raise FileRefused(f"The CSV file could not be read: {exc}.") from None


def _unescape(text: str) -> str:
    """An exported text's leading apostrophe (see `escape`) comes off again."""
    if text.startswith("'") and text[1:2] in _FORMULA_START and text[1:2]:
        return text[1:]
    return text


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _cell(table: Table, number: int, column: Column, value: Any) -> Any:
    if isinstance(value, _Formula):
        table.problem(
            number,
            column.header,
            f"a formula ({value.text[:40]}): type the value itself, not a formula.",
        )
        return None
    if value is None or (isinstance(value, str) and not value.strip()):
        if column.required:
            table.problem(number, column.header, "is empty; it is required.")
        return "" if column.kind == "text" else None
    if column.kind == "date_or_text":
        found = _parse_date(value)
        if found is not None and 1900 <= found.year <= 2100:
            return found
        if isinstance(value, date | datetime):
            table.problem(number, column.header, f"{value:%d/%m/%Y} is outside 1900–2100.")
            return None
        text = _unescape(str(value).strip())
        if column.max_length is not None and len(text) > column.max_length:
            table.problem(
                number,
                column.header,
                f"is {len(text)} characters long; at most {column.max_length} fit.",
            )
        return text
    if column.kind == "date":
        found = _parse_date(value)
        if found is None:
            table.problem(
                number, column.header, f"“{str(value)[:40]}” is not a date: write it as 06/09/2023."
            )
        elif not 1900 <= found.year <= 2100:
            table.problem(number, column.header, f"{found:%d/%m/%Y} is outside 1900–2100.")
            return None
        return found
    text = _unescape(str(value).strip() if not isinstance(value, float) else f"{value:g}")
    if "\x00" in text:
        table.problem(number, column.header, "holds a NUL character.")
        return None
    if column.max_length is not None and len(text) > column.max_length:
        table.problem(
            number,
            column.header,
            f"is {len(text)} characters long; at most {column.max_length} fit.",
        )
    if column.kind == "choice":
        chosen = column.choices.get(_norm(text))
        if chosen is None:
            table.problem(
                number,
                column.header,
                f"“{text[:40]}” is not one of: {', '.join(sorted(set(column.choices.values())))}.",
            )
        return chosen
    return text


def read_table(data: bytes, *, filename: str, layout: Layout, max_rows: int = MAX_ROWS) -> Table:
    """The rows of an uploaded log (see the module docstring); `FileRefused` when the
    file cannot be read at all, else every problem in `Table.problems`."""
    if len(data) > MAX_BYTES:
        raise FileRefused(
            f"The file is {len(data) / 1e6:,.1f} MB; at most {MAX_BYTES // (1024 * 1024)} MB "
            "can be imported."
        )
    if not data.strip():
        raise FileRefused("The file is empty.")
    table = Table(layout=layout)
    if is_workbook(data):
        check_workbook(data)
        table.format = "xlsx"
        cells: Iterable[tuple[int, list[Any]]] = _cells_xlsx(data, layout.sheet)
    elif filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise FileRefused(
            "The file is named as a workbook but is not an .xlsx workbook (an old .xls? "
            "save it as .xlsx or CSV)."
        )
    else:
        table.format = "csv"
        cells = _cells_csv(data)
    positions: dict[int, Column] | None = None
    for number, values in cells:
        if positions is None:
            if number > HEADER_SEARCH_ROWS:
                break
            positions = _header(table, values)
            continue
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if len(table.rows) >= max_rows:
            table.problem(0, "", f"The file holds more than {max_rows:,} rows; split it.")
            break
        row = Row(number=number, values={})
        for index, column in positions.items():
            value = values[index] if index < len(values) else None
            row.values[column.key] = _cell(table, number, column, value)
        table.rows.append(row)
    if positions is None:
        headers = ", ".join(c.header for c in layout.columns if c.required)
        table.problem(
            0,
            "",
            f"No header row: the first rows name none of the {layout.title}'s columns "
            f"({headers} are required).",
        )
    return table


def _header(table: Table, values: Sequence[Any]) -> dict[int, Column] | None:
    by_name = {name: c for c in table.layout.columns for name in c.names()}
    found: dict[int, Column] = {}
    for index, value in enumerate(values):
        column = by_name.get(_norm(value))
        if column is not None and column not in found.values():
            found[index] = column
    required = [c for c in table.layout.columns if c.required]
    if not found or (required and not any(c in found.values() for c in required)):
        return None
    table.ignored_headers = [
        str(v) for i, v in enumerate(values) if i not in found and v not in (None, "")
    ]
    for column in required:
        if column not in found.values():
            table.problem(0, column.header, "the column is missing; it is required.")
    return found


# --- writing ------------------------------------------------------------------------------


def escape(value: Any) -> Any:
    """A text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _out(value: Any, kind: Kind) -> Any:
    if value is None:
        return ""
    if kind in ("date", "date_or_text") and isinstance(value, date):
        return value
    return escape(str(value))


def write_xlsx(layout: Layout, rows: Iterable[Mapping[str, Any]]) -> bytes:
    """A workbook of one sheet: the headers in bold, one row per mapping."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet(layout.sheet)
    bold = Font(bold=True)
    header = []
    for c in layout.columns:
        cell = WriteOnlyCell(ws, value=c.header)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in rows:
        out: list[Any] = []
        for c in layout.columns:
            value = _out(row.get(c.key), c.kind)
            if isinstance(value, date):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "DD/MM/YYYY"
                out.append(cell)
            else:
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"  # never a formula, whatever it starts with
                out.append(cell)
        ws.append(out)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_csv(layout: Layout, rows: Iterable[Mapping[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads it as UTF-8); dates as 06/09/2023."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header for c in layout.columns])
    for row in rows:
        out = []
        for c in layout.columns:
            value = row.get(c.key)
            if isinstance(value, date):
                out.append(value.strftime("%d/%m/%Y"))
            else:
                out.append(_out(value, c.kind))
        writer.writerow(out)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def layout_rows(layout: Layout) -> list[dict[str, str]]:
    """The layout as documentation: header, kind, required, aliases, description."""
    return [
        {
            "header": c.header,
            "kind": {
                "text": "Text",
                "date": "Date (06/09/2023)",
                "date_or_text": "Date (06/09/2023), or a condition in words",
                "choice": "One of a list",
            }[c.kind],
            "required": "Yes" if c.required else "No",
            "aliases": ", ".join(c.aliases),
            "description": c.description,
        }
        for c in layout.columns
    ]
