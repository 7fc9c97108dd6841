"""Importing and exporting an action log (core/tabular.py with the action log's layout):
the packs' columns, a round trip into an empty programme, every problem by row and
column with nothing imported, and hostile files refused."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import openpyxl
import pytest

from progov.actions import services
from progov.actions.models import Action, ActionStatus, ActionUpdate
from progov.actions.tables import ACTION_LOG, export_row
from progov.audit.models import AuditEntry
from progov.core.tabular import read_table, write_csv, write_xlsx
from progov.core.testing.audit import audit_head
from progov.core.testing.factories import GroupFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

PSG_LOG = [
    ["Ref", "Action", "Owner", "Due", "Latest Update"],
    [
        "PSG17-05",
        "Review the post-implementation approach to Benefits Realisation",
        "Programme (Jason Brogden)",
        "To be reviewed at CP2",
        "ONGOING: Status under review in CP2.",
    ],
    [
        "PSG23-01",
        "Diarise the extraordinary PSG meeting",
        "Programme (Fraser Mathieson)",
        "06/09/2023",
        "RECOMMEND CLOSED: Extraordinary meeting booked.",
    ],
    [
        "PSG23-02",
        "Circulate supporting slide pack",
        "Programme (Lewis Hall)",
        "04/08/2023",
        "RECOMMEND CLOSED: Slides circulated with August PSG Headline Report",
    ],
    [
        "PSG23-02",
        "Review the existing appeals mechanisms",
        "Programme (Lewis Hall & Fraser Mathieson)",
        "06/09/2023",
        "[IN PROG – Gov Framework]",
    ],
]


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(data: bytes, actor, programme, *, dry_run: bool = False, name: str = "log.xlsx"):
    table = read_table(data, filename=name, layout=ACTION_LOG)
    return services.import_actions(actor=actor, programme=programme, table=table, dry_run=dry_run)


def test_a_log_holding_psg23_02_twice_is_refused_naming_both_rows(log_world, pmo_user, programme):
    head = audit_head()
    report = run(xlsx(PSG_LOG), pmo_user, programme)
    assert not report.ok and not report.created
    messages = [str(p) for p in report.problems]
    assert messages == [
        "row 5, Ref: PSG23-02 is on row 4 and on row 5: each action needs its own ref. "
        "Nothing was imported."
    ]
    assert Action.objects.count() == 0 and audit_head() == head


def test_a_clean_log_imports_in_one_go_with_statuses_read_from_the_updates(
    log_world, pmo_user, programme
):
    rows = PSG_LOG[:4]
    dry = run(xlsx(rows), pmo_user, programme, dry_run=True)
    assert dry.ok and dry.dry_run and len(dry.planned) == 3 and not Action.objects.exists()
    done = run(xlsx(rows), pmo_user, programme)
    assert done.ok and done.created == ["PSG17-05", "PSG23-01", "PSG23-02"]
    cp2 = Action.objects.get(ref="PSG17-05")
    assert cp2.status == ActionStatus.ONGOING and cp2.due_text == "To be reviewed at CP2"
    booked = Action.objects.get(ref="PSG23-01")
    # PSG #23 is in progov: the action takes its meeting and date.
    assert booked.meeting == log_world["psg23"] and booked.raised_on == date(2023, 8, 2)
    assert booked.status == ActionStatus.RECOMMEND_CLOSED and booked.due_on == date(2023, 9, 6)
    assert [o.person.name for o in booked.owners.all() if o.person] == ["Fraser Mathieson"]
    assert ActionUpdate.objects.filter(action=booked).count() == 1
    assert AuditEntry.objects.filter(object_type="actions.action").count() == 3
    # Importing the same log again is refused: every ref is already in the log.
    again = run(xlsx(rows), pmo_user, programme)
    assert len(again.problems) == 3 and "is already in the log" in again.problems[0].message


def test_bad_dates_unknown_groups_and_formulas_are_reported_by_row_and_nothing_imports(
    log_world, pmo_user, programme
):
    rows = [
        ["Ref", "Date", "Action", "Owner", "Due Date", "Status", "Latest Update"],
        ["PSG24-01", "31/02/2023", "A", "Ofgem", "06/09/2023", "Open", ""],
        ["XYZ24-01", "06/09/2023", "B", "Ofgem", "06/09/2023", "Open", ""],
        ["PSG24-02", "06/09/2023", "C", "Ofgem", "=TODAY()", "Open", ""],
        ["PSG24-03", "06/09/2023", "D", "", "06/09/2023", "Perhaps", ""],
        ["PSG24-04", "06/09/2023", "E", "Ofgem", "06/09/2023", "Open", "Fine"],
    ]
    report = run(xlsx(rows), pmo_user, programme)
    found = {(p.row, p.column): p.message for p in report.problems}
    assert "“31/02/2023” is not a date" in found[(2, "Date")]
    assert "starts with no group" in found[(3, "Ref")]
    assert "a formula (=TODAY())" in found[(4, "Due Date")]
    assert "is empty; it is required" in found[(5, "Owner")]
    assert "is not one of" in found[(5, "Status")]
    assert (6, "Ref") not in found
    assert not report.created and not Action.objects.exists()


def test_a_hidden_group_reads_as_missing_and_a_member_may_not_import(
    log_world, pmo_user, member_user, programme
):
    GroupFactory(programme=programme, acronym="HID", visibility="group")
    rows = [["Ref", "Action", "Owner"], ["HID01-01", "x", "Ofgem"], ["PSG01-01", "y", "Ofgem"]]
    report = run(xlsx(rows), member_user, programme)
    found = {(p.row, p.column): p.message for p in report.problems}
    assert "starts with no group" in found[(2, "Ref")]
    assert "Only PSG's chair or secretariat" in found[(3, "Ref")]


def test_an_excel_round_trip_into_an_empty_programme_reproduces_the_log(log_world, pmo_user):
    w = log_world
    services.record_action(
        actor=pmo_user,
        group=w["psg"],
        ref="PSG17-05",
        description="Review =benefits",
        owner="Programme (Fraser Mathieson)",
        due_text="To be reviewed at CP2",
        status="ongoing",
        latest_update="ONGOING: under review\nsecond line",
    )
    services.record_action(
        actor=pmo_user,
        group=w["psg"],
        ref="PSG23-01",
        meeting=w["psg23"],
        raised_on=date(2023, 8, 2),
        description="Diarise",
        owner="Ofgem",
        due_on=date(2023, 9, 6),
        status="recommend_closed",
        latest_update="+ booked",
    )
    services.record_action(
        actor=pmo_user,
        group=w["dag"],
        ref="DAG10.1-03",
        raised_on=date(2022, 6, 21),
        description="Communicate",
        owner="DAG members",
        due_on=date(2022, 8, 10),
        status="closed",
        latest_update="Done",
    )
    exported = list(Action.objects.select_related("group").order_by("ref"))
    fields = (
        "ref",
        "raised_on",
        "description",
        "owner_text",
        "due_on",
        "due_text",
        "status",
        "latest_update",
    )
    expected = [(*(getattr(a, f) for f in fields), a.group.acronym) for a in exported]
    for writer, name in ((write_xlsx, "log.xlsx"), (write_csv, "log.csv")):
        data = writer(ACTION_LOG, [export_row(a) for a in exported])
        other = ProgrammeFactory(slug=f"other-{name}", name="Another programme")
        for acronym in ("PSG", "DAG"):
            GroupFactory(programme=other, acronym=acronym)
        pmo = UserFactory(username="pmo2", role="secretariat")
        report = run(data, pmo, other, name=name)
        assert report.ok, report.problems
        got = [
            (*(getattr(a, f) for f in fields), a.group.acronym)
            for a in Action.objects.filter(programme=other).select_related("group").order_by("ref")
        ]
        assert got == expected, name
