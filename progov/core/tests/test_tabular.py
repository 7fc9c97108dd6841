"""The shared tabular import/export (core/tabular.py): headers found by name and alias,
cells read by kind with a problem per row and column, formulas refused, hostile files
refused before parsing, and an export a spreadsheet shows as text that reads back as
it was written."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import openpyxl
import pytest

from progov.core.tabular import (
    Column,
    FileRefused,
    Layout,
    read_table,
    write_csv,
    write_xlsx,
)

LOG = Layout(
    key="things",
    title="thing log",
    sheet="Things",
    columns=(
        Column("ref", "Ref", required=True),
        Column("when", "Date", kind="date"),
        Column("due", "Due Date", kind="date_or_text", aliases=("Due",)),
        Column("state", "Status", kind="choice", choices={"open": "open", "closed": "closed"}),
        Column("text", "Latest Update", aliases=("Update",)),
    ),
)


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_workbook_reads_by_header_and_alias_with_a_title_above():
    data = workbook(
        [
            ["Minutes and Actions Review"],
            ["Ref", "Date", "Due", "Status", "Update", "Notes"],
            ["A1-01", date(2023, 9, 6), "To be reviewed at CP2", "Open", "ONGOING: x"],
            [None, None, None, None, None],
            ["A1-02", "06/09/2023", date(2023, 10, 1), "closed", ""],
        ]
    )
    table = read_table(data, filename="log.xlsx", layout=LOG)
    assert not table.problems, table.problems
    assert table.format == "xlsx" and table.ignored_headers == ["Notes"]
    first, second = table.rows
    assert first.number == 3 and second.number == 5
    assert first.values == {
        "ref": "A1-01",
        "when": date(2023, 9, 6),
        "due": "To be reviewed at CP2",
        "state": "open",
        "text": "ONGOING: x",
    }
    assert second.values["when"] == date(2023, 9, 6) and second.values["due"] == date(2023, 10, 1)


def test_every_bad_cell_is_named_by_row_and_column():
    data = workbook(
        [
            ["Ref", "Date", "Status", "Update"],
            ["", "31/02/2023", "maybe", "=SUM(A1:A2)"],
        ]
    )
    table = read_table(data, filename="log.xlsx", layout=LOG)
    found = {(p.row, p.column): p.message for p in table.problems}
    assert "is empty; it is required" in found[(2, "Ref")]
    assert "“31/02/2023” is not a date" in found[(2, "Date")]
    assert "is not one of" in found[(2, "Status")]
    assert "a formula (=SUM(A1:A2))" in found[(2, "Latest Update")]
    assert str(table.problems[0]).startswith("row 2, ")


def test_a_missing_required_column_or_no_header_is_a_problem_of_the_file():
    no_header = read_table(b"a,b\n1,2\n", filename="x.csv", layout=LOG)
    assert no_header.problems and no_header.problems[0].row == 0
    assert "No header row" in no_header.problems[0].message


def test_an_export_reads_back_as_written_and_runs_no_formula():
    rows: list[dict[str, Any]] = [
        {
            "ref": "A1-01",
            "when": date(2023, 9, 6),
            "due": '=HYPERLINK("x")',
            "state": "open",
            "text": "+44 20 7946 0000",
        },
        {
            "ref": "A1-02",
            "when": None,
            "due": date(2023, 10, 1),
            "state": "closed",
            "text": "-1 (9 to 8)\n@mention",
        },
    ]
    for data, name in ((write_xlsx(LOG, rows), "log.xlsx"), (write_csv(LOG, rows), "log.csv")):
        if name.endswith(".xlsx"):
            ws = openpyxl.load_workbook(io.BytesIO(data)).active
            assert ws is not None
            cell = ws["C2"]
            assert cell.data_type == "s" and str(cell.value).startswith("'=")
        else:
            assert b"'=HYPERLINK" in data and b"'+44" in data
        table = read_table(data, filename=name, layout=LOG)
        assert not table.problems, table.problems
        assert [r.values for r in table.rows] == [
            {**rows[0], "state": "open"},
            {**rows[1], "when": None},
        ]


def test_a_csv_formula_is_refused_and_odd_bytes_are_read_or_refused():
    table = read_table(b"Ref,Update\nA1-01,=1+1\n", filename="x.csv", layout=LOG)
    assert "a formula" in table.problems[0].message
    latin = read_table("Ref,Update\nA1-01,caf\xe9\n".encode("cp1252"), filename="x.csv", layout=LOG)
    assert latin.rows[0].values["text"] == "café"
    with pytest.raises(FileRefused):
        read_table(b"Ref\x00,Update\n", filename="x.csv", layout=LOG)
    with pytest.raises(FileRefused, match="empty"):
        read_table(b"  ", filename="x.csv", layout=LOG)
    with pytest.raises(FileRefused, match=r"not an \.xlsx"):
        read_table(b"\xd0\xcf\x11\xe0 old xls", filename="x.xls", layout=LOG)


def _zip(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return buffer.getvalue()


def test_hostile_workbooks_are_refused_before_parsing():
    bomb = _zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"0" * 60_000_000})
    with pytest.raises(FileRefused, match="zip bomb"):
        read_table(bomb, filename="bomb.xlsx", layout=LOG)
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><workbook>&lol2;</workbook>'
    )
    with pytest.raises(FileRefused, match="declares a DTD"):
        read_table(_zip({"xl/workbook.xml": laughs}), filename="lol.xlsx", layout=LOG)
    external = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b"<workbook>&xxe;</workbook>"
    )
    with pytest.raises(FileRefused, match="declares a DTD"):
        read_table(_zip({"xl/workbook.xml": external}), filename="xxe.xlsx", layout=LOG)
    many = _zip({f"xl/part{i}.xml": b"<a/>" for i in range(600)} | {"xl/workbook.xml": b"<w/>"})
    with pytest.raises(FileRefused, match="parts"):
        read_table(many, filename="many.xlsx", layout=LOG)
    with pytest.raises(FileRefused, match="damaged"):
        read_table(b"PK\x03\x04 not really a zip", filename="x.xlsx", layout=LOG)
    with pytest.raises(FileRefused, match=r"not an \.xlsx workbook"):
        read_table(_zip({"hello.txt": b"hi"}), filename="x.xlsx", layout=LOG)
    with pytest.raises(FileRefused, match="at most"):
        read_table(b"x" * (11 * 1024 * 1024), filename="big.csv", layout=LOG)
