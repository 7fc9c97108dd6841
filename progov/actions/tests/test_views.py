"""The action log's pages: the log in the packs' columns with its filters, an action
with its journal and the forms its reader may use, raising at a meeting, the owner's
update, the group's confirmation from the meeting page, and bad input kept and named."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from progov.actions import services
from progov.actions.models import Action, ActionStatus
from progov.core.testing.html_checks import page_problems
from progov.core.testing.queries import assert_constant_queries
from progov.core.testing.views import sign_in
from progov.meetings.models import Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(log_world, pmo_user):
    w = log_world
    late = services.record_action(
        actor=pmo_user,
        group=w["psg"],
        ref="PSG23-01",
        meeting=w["psg23"],
        raised_on=date(2023, 8, 2),
        description="Diarise the extraordinary PSG",
        owner="Example Energy",
        due_on=date(2023, 9, 6),
        status=ActionStatus.RECOMMEND_CLOSED,
        latest_update="RECOMMEND CLOSED: Extraordinary meeting booked.",
    )
    open_one = services.record_action(
        actor=pmo_user,
        group=w["psg"],
        ref="PSG17-05",
        description="Review benefits realisation",
        owner="Programme (Fraser Mathieson)",
        due_text="To be reviewed at CP2",
        status="ongoing",
        latest_update="ONGOING: Status under review",
    )
    return {**w, "late": late, "open": open_one}


def test_the_log_shows_the_packs_columns_and_flags_overdue(client, log):
    page = client.get("/actions/")
    assert page.status_code == 200
    html = page.content.decode()
    for column in ("Ref", "Date", "Action", "Owner", "Due Date", "Status", "Latest Update"):
        assert f'<th scope="col">{column}</th>' in html
    assert "PSG23-01" in html and "PSG17-05" in html
    assert "Overdue" in html and "To be reviewed at CP2" in html
    assert not page_problems(html)
    only = client.get("/actions/", {"q": "benefits"}).content.decode()
    assert "PSG17-05" in only and "PSG23-01" not in only
    odd = client.get("/actions/", {"status": "nonsense", "group": "ZZZ"})
    assert odd.status_code == 200  # a bad filter is named on the form, not a 500
    assert "Choose one of the listed groups." in odd.content.decode()


def test_the_log_page_costs_the_same_queries_however_long(client, log, pmo_user):
    w = log

    def more() -> None:
        for i in range(15):
            services.raise_action(
                actor=pmo_user,
                group=w["psg"],
                meeting=w["psg24"],
                description=f"a{i}",
                owner="Programme and EE",
                due_text="soon",
            )

    assert_constant_queries(lambda: client.get("/actions/"), grow=more)


def test_an_action_page_offers_what_its_reader_may_do(client, log):
    w = log
    anonymous = client.get("/actions/PSG23-01/").content.decode()
    assert "Post an update" not in anonymous and "Confirm the closure" not in anonymous
    sign_in(client, w["rep_login"])
    owner = client.get("/actions/PSG23-01/").content.decode()
    assert "Post an update" in owner and "Confirm the closure" not in owner
    sign_in(client, w["stranger_login"])
    stranger = client.get("/actions/PSG23-01/").content.decode()
    assert "Post an update" not in stranger
    refused = client.post(
        "/actions/PSG23-01/update/", {"version": "2", "text": "x", "status": "ongoing"}
    )
    assert refused.status_code == 403
    sign_in(client, w["chair_login"])
    chair = client.get("/actions/PSG23-01/").content.decode()
    assert "Confirm the closure" in chair and "Keep it open" in chair
    assert not page_problems(chair)


def test_the_owner_posts_an_update_and_bad_input_is_kept(client, log):
    w = log
    sign_in(client, w["fraser_login"])
    action = w["open"]
    empty = client.post(
        "/actions/PSG17-05/update/", {"version": action.version, "text": " ", "status": "ongoing"}
    )
    assert empty.status_code == 400
    assert "Say what has happened." in empty.content.decode()
    stale = client.post(
        "/actions/PSG17-05/update/",
        {"version": action.version + 5, "text": "Kept text", "status": "ongoing"},
    )
    assert stale.status_code == 409 and "Kept text" in stale.content.decode()
    done = client.post(
        "/actions/PSG17-05/update/",
        {"version": action.version, "text": "Reviewed at CP2", "status": "recommend_closed"},
    )
    assert done.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.RECOMMEND_CLOSED
    assert action.latest_update == "Reviewed at CP2"
    page = client.get("/actions/PSG17-05/").content.decode()
    assert "Fraser Mathieson" in page and "Reviewed at CP2" in page


def test_raising_an_action_at_a_meeting(client, log):
    w = log
    sign_in(client, w["chair_login"])
    url = f"/actions/raise/PSG/?meeting={w['psg24'].pk}"
    form = client.get(url)
    assert form.status_code == 200 and "Raise the action" in form.content.decode()
    bad = client.post(
        url, {"meeting": w["psg24"].pk, "description": "", "owner": "Ofgem", "due_on": "2023-02-30"}
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Say what is to be done." in text and "is not a date" in text
    assert not Action.objects.filter(ref__startswith="PSG24").exists()
    made = client.post(
        url,
        {
            "meeting": w["psg24"].pk,
            "description": "Share the M9 pack",
            "owner": "Ofgem",
            "due_on": "2099-10-01",
        },
    )
    assert made.status_code == 302 and made["Location"] == "/actions/PSG24-01/"
    sign_in(client, w["rep_login"])
    assert client.get(url).status_code == 403


def test_the_meeting_page_lists_the_actions_and_confirms_a_closure(client, log):
    w = log
    page = client.get(f"/meetings/{w['psg24'].pk}/").content.decode()
    assert 'id="action-log"' in page and "Recommended for closure (1)" in page
    assert "Confirm closure" not in page  # only for the group's managers
    sign_in(client, w["chair_login"])
    page = client.get(f"/meetings/{w['psg24'].pk}/").content.decode()
    assert "Confirm closure" in page
    late = w["late"]
    done = client.post(
        "/actions/PSG23-01/closure/",
        {
            "version": late.version,
            "meeting": w["psg24"].pk,
            "back_to_meeting": w["psg24"].pk,
        },
    )
    assert done.status_code == 302 and done["Location"].endswith(
        f"/meetings/{w['psg24'].pk}/#action-log"
    )
    late.refresh_from_db()
    assert late.status == ActionStatus.CLOSED and late.closed_at == w["psg24"]
    page = client.get(f"/meetings/{w['psg24'].pk}/").content.decode()
    assert "Closed at this meeting (1)" in page


def test_keep_open_needs_a_reason(client, log):
    w = log
    sign_in(client, w["chair_login"])
    late = w["late"]
    bad = client.post("/actions/PSG23-01/keep-open/", {"version": late.version, "note": ""})
    assert bad.status_code == 400 and "Say why the action stays open." in bad.content.decode()
    ok = client.post(
        "/actions/PSG23-01/keep-open/", {"version": late.version, "note": "Not booked yet"}
    )
    assert ok.status_code == 302
    late.refresh_from_db()
    assert late.status == ActionStatus.ONGOING


def test_my_actions_lists_what_the_reader_owns(client, log):
    w = log
    assert client.get("/actions/mine/").status_code == 302  # sign in first
    sign_in(client, w["rep_login"])
    mine = client.get("/actions/mine/").content.decode()
    assert "PSG23-01" in mine and "PSG17-05" not in mine
    sign_in(client, w["fraser_login"])
    mine = client.get("/actions/mine/").content.decode()
    assert "PSG17-05" in mine and "PSG23-01" not in mine


def test_home_lists_my_actions_due_and_closures_to_confirm(client, log, pmo_user):
    w = log
    now = timezone.now()
    Meeting.objects.create(
        group=w["psg"],
        number_major=30,
        start=now + timedelta(days=3),
        end=now + timedelta(days=3, hours=2),
    )
    sign_in(client, w["rep_login"])
    home = client.get("/home/").content.decode()
    assert "PSG23-01" in home and "Your actions due" in home
    sign_in(client, w["chair_login"])
    home = client.get("/home/").content.decode()
    assert "Action closures to confirm" in home


def test_search_finds_actions_by_ref_and_words(client, log):
    found = client.get("/search/", {"q": "PSG23-01"}).content.decode()
    assert "Diarise the extraordinary PSG" in found
    words = client.get("/search/", {"q": "benefits"}).content.decode()
    assert "PSG17-05" in words


def _workbook(rows: list[list[object]]) -> bytes:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_import_page_checks_then_imports_all_or_nothing(client, log_world, pmo_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    sign_in(client, pmo_user)
    page = client.get("/actions/import/")
    assert page.status_code == 200 and "Due Date" in page.content.decode()
    bad = _workbook(
        [
            ["Ref", "Date", "Action", "Owner", "Due Date"],
            ["PSG24-01", "31/02/2023", "x", "Ofgem", "06/09/2023"],
            ["PSG24-01", "06/09/2023", "y", "Ofgem", "06/09/2023"],
        ]
    )
    checked = client.post("/actions/import/", {"file": SimpleUploadedFile("bad.xlsx", bad)})
    assert checked.status_code == 400
    html = checked.content.decode()
    assert "2 problems in the file: nothing was imported." in html
    assert "is not a date" in html and "is on row 2 and on row 3" in html
    assert not page_problems(html)
    assert not Action.objects.exists()
    good = _workbook(
        [["Ref", "Action", "Owner", "Due"], ["PSG24-01", "Share the pack", "Ofgem", "To be set"]]
    )
    checked = client.post("/actions/import/", {"file": SimpleUploadedFile("good.xlsx", good)})
    assert checked.status_code == 200
    html = checked.content.decode()
    assert "1 action checked: no problem." in html and "Import 1 action" in html
    job = html.split('name="job" value="')[1].split('"')[0]
    assert client.get(f"/actions/import/{job}/progress/").status_code == 200
    done = client.post("/actions/import/", {"job": job})
    assert done.status_code == 302
    assert Action.objects.get(ref="PSG24-01").due_text == "To be set"
    # The check is spent: posting it again is refused, nothing doubles.
    again = client.post("/actions/import/", {"job": job})
    assert again.status_code == 400 and Action.objects.count() == 1
    hostile = client.post(
        "/actions/import/", {"file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04 broken")}
    )
    assert hostile.status_code == 400 and "damaged" in hostile.content.decode()


def test_the_log_downloads_as_excel_and_csv(client, log):
    xlsx = client.get("/actions/export/", {"group": "PSG"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    csv = client.get("/actions/export/", {"format": "csv", "status": "all"})
    text = csv.content.decode("utf-8-sig")
    assert text.startswith("Ref,Date,Action,Owner,Due Date,Status,Latest Update,Group")
    assert "PSG17-05" in text and "To be reviewed at CP2" in text


def test_a_participant_who_keeps_no_log_cannot_import(client, log):
    sign_in(client, log["rep_login"])
    assert client.get("/actions/import/").status_code == 403
    client.logout()
    assert client.get("/actions/import/").status_code == 302
