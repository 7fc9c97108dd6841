"""The agenda, papers and forward-look fragments and the secretariat's forms: plain POST
with redirect, HTMX fragments, field errors linked to their inputs, stale versions,
and paper downloads by classification (hidden is 404, like missing)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client

from progov.core.testing.factories import MembershipFactory, PersonFactory, UserFactory
from progov.core.testing.html_checks import page_problems
from progov.meetings import services
from progov.meetings.models import AgendaItem, Meeting, Paper
from progov.meetings.selectors.agenda import agenda_for, forward_look_for
from progov.meetings.selectors.papers import papers_for
from progov.meetings.tests import upload_samples as samples
from progov.meetings.tests.agenda_support import papers_rule, tmag9, tmag_standing

pytestmark = pytest.mark.django_db
__all__ = ["tmag9", "tmag_standing"]  # fixtures
HTMX = {"HX-Request": "true"}


def text_of(response_or_html) -> str:
    html = (
        response_or_html if isinstance(response_or_html, str) else response_or_html.content.decode()
    )
    return re.sub(r"\s+", " ", html)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def pmo_client(client: Client, pmo_user) -> Client:
    client.force_login(pmo_user)
    return client


def files_in(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def meeting_url(meeting: Meeting, anchor: str) -> str:
    return f"/meetings/{meeting.pk}/#{anchor}"


# --- the fragments ---------------------------------------------------------------------


def test_agenda_fragment_shows_times_and_is_accessible(rf, tmag9, pmo_user):
    request = rf.get("/")
    request.user = pmo_user
    html = render_to_string(
        "meetings/_agenda.html",
        {"meeting": tmag9, "agenda": agenda_for(tmag9), "can_write": True},
        request=request,
    )
    text = text_of(html)
    assert page_problems(html, fragment=True) == []
    assert "Agenda of TMAG #9, Thursday 22 September 2022, 10:00–12:00 (UK time)" in text
    assert "6 items, 80 minutes: ends 11:20, 40 minutes before the meeting ends." in text
    assert "10:15</time>–<time" in html and "11:15</time>–<time" in html
    assert "Programme (Kate Goodman)" in text and "40 mins" in text
    assert "runs" not in text  # no overrun
    assert f'action="/meetings/{tmag9.pk}/agenda/add/"' in html
    assert "Standing item" in text


def test_agenda_fragment_flags_an_overrun_and_hides_forms_from_readers(rf, tmag9, pmo_user):
    services.add_agenda_item(actor=pmo_user, meeting=tmag9, title="Long item", duration_minutes=65)
    request = rf.get("/")
    request.user = pmo_user
    html = render_to_string(
        "meetings/_agenda.html",
        {"meeting": tmag9, "agenda": agenda_for(tmag9), "can_write": False},
        request=request,
    )
    text = text_of(html)
    assert "The agenda runs 25 minutes over:" in text
    assert "its items end at 12:25 but the meeting ends at 12:00" in text
    assert 'aria-describedby="agenda-overrun"' in html
    assert "<form" not in html
    assert page_problems(html, fragment=True) == []


def test_forward_look_fragment(rf, tmag_standing, pmo_user):
    nov = Meeting.objects.get(group=tmag_standing, number_major=11)
    services.add_forward_look_item(
        actor=pmo_user, group=tmag_standing, title="Migration approach", target_meeting=nov
    )
    request = rf.get("/")
    request.user = pmo_user
    html = render_to_string(
        "meetings/_forward_look.html",
        {
            "group": tmag_standing,
            "forward_look": forward_look_for(
                user=pmo_user, group=tmag_standing, today=date(2022, 10, 1)
            ),
            "can_write": True,
        },
        request=request,
    )
    text = text_of(html)
    assert page_problems(html, fragment=True) == []
    assert "TMAG agenda roadmap" in text
    assert "TMAG #11, Wed 16 Nov 2022" in text and "Migration approach" in text
    assert "Put on the agenda" in text
    assert "Standing items at every meeting:</strong> Welcome; Minutes and actions;" in text


# --- agenda forms ------------------------------------------------------------------------


def add_data(**overrides: str) -> dict[str, str]:
    data = {
        "agenda-title": "Migration approach",
        "agenda-objective": "Agree the approach",
        "agenda-item_type": "decision",
        "agenda-duration_minutes": "20",
        "agenda-lead_text": "Programme (Kate Goodman)",
        "agenda-lead_person": "",
    }
    data.update(overrides)
    return data


def test_add_without_javascript_redirects_to_the_meeting(pmo_client, tmag9):
    response = pmo_client.post(f"/meetings/{tmag9.pk}/agenda/add/", add_data())
    assert response.status_code == 302
    assert response["Location"] == meeting_url(tmag9, "agenda")
    titles = [r.item.title for r in agenda_for(tmag9).rows]
    assert titles[-2:] == ["Migration approach", "Summary and next steps"]


def test_add_with_htmx_answers_the_fragment(pmo_client, tmag9):
    response = pmo_client.post(f"/meetings/{tmag9.pk}/agenda/add/", add_data(), headers=HTMX)
    assert response.status_code == 200
    text = text_of(response)
    assert "“Migration approach” is item 6 of TMAG #9." in text
    assert 'id="agenda"' in text and "<html" not in text


def test_add_errors_are_linked_to_their_fields(pmo_client, tmag9):
    bad = add_data(**{"agenda-title": "", "agenda-duration_minutes": "lots"})
    page = pmo_client.post(f"/meetings/{tmag9.pk}/agenda/add/", bad)
    assert page.status_code == 400
    html = page.content.decode()
    assert page_problems(html) == []
    assert 'aria-describedby="id_agenda-title_error"' in html
    assert 'id="id_agenda-title_error"' in html and 'aria-invalid="true"' in html
    assert "Give the item a title." in html
    assert "Give the duration as a whole number of minutes." in html
    fragment = pmo_client.post(f"/meetings/{tmag9.pk}/agenda/add/", bad, headers=HTMX)
    assert fragment.status_code == 200  # htmx swaps only 2xx answers
    assert "Give the item a title." in fragment.content.decode()
    assert '<details class="action-panel" id="agenda-add" open>' in fragment.content.decode()
    assert AgendaItem.objects.filter(meeting=tmag9).count() == 6


def test_two_leads_are_refused_at_the_field(pmo_client, tmag9, programme, tmag_standing):
    kate = PersonFactory(programme=programme, name="Kate Goodman")
    MembershipFactory(group=tmag_standing, person=kate, start_date=date(2022, 1, 1))
    response = pmo_client.post(
        f"/meetings/{tmag9.pk}/agenda/add/", add_data(**{"agenda-lead_person": str(kate.pk)})
    )
    assert response.status_code == 400
    assert "Give one lead" in response.content.decode()


def test_move_remove_and_carry_buttons(pmo_client, tmag9, tmag_standing):
    rows = agenda_for(tmag9).rows
    replan, summary = rows[3].item, rows[5].item
    moved = pmo_client.post(
        f"/meetings/agenda/{summary.pk}/move/", {"version": summary.version, "direction": "up"}
    )
    assert moved.status_code == 302 and moved["Location"] == meeting_url(tmag9, "agenda")
    assert [r.item.title for r in agenda_for(tmag9).rows][4:] == [
        "Summary and next steps",
        "Working group updates",
    ]
    carried = pmo_client.post(
        f"/meetings/agenda/{replan.pk}/carry/", {"version": replan.version}, headers=HTMX
    )
    assert carried.status_code == 200
    assert "is marked not reached and carried to TMAG #10" in text_of(carried)
    assert "Carried to TMAG #10" in text_of(carried)
    tenth = Meeting.objects.get(group=tmag_standing, number_major=10)
    page = pmo_client.get(f"/meetings/{tenth.pk}/")
    replan.refresh_from_db()
    removed = pmo_client.post(f"/meetings/agenda/{replan.pk}/remove/", {"version": replan.version})
    assert removed.status_code == 302
    assert not AgendaItem.objects.filter(pk=replan.pk).exists()
    assert page.status_code == 200


def test_a_stale_button_changes_nothing_and_says_why(pmo_client, tmag9):
    item = agenda_for(tmag9).rows[3].item
    response = pmo_client.post(
        f"/meetings/agenda/{item.pk}/remove/", {"version": item.version + 5}, follow=False
    )
    assert response.status_code == 302
    assert AgendaItem.objects.filter(pk=item.pk).exists()
    fragment = pmo_client.post(
        f"/meetings/agenda/{item.pk}/remove/", {"version": item.version + 5}, headers=HTMX
    )
    assert "changed since you loaded the page, so nothing was changed" in text_of(fragment)
    assert 'role="alert"' in fragment.content.decode()


def test_edit_page_saves_and_refuses_stale_versions(pmo_client, tmag9):
    item = agenda_for(tmag9).rows[3].item
    page = pmo_client.get(f"/meetings/agenda/{item.pk}/edit/")
    assert page.status_code == 200
    assert page_problems(page.content.decode()) == []
    assert 'value="Programme re-plan"' in page.content.decode()
    saved = pmo_client.post(
        f"/meetings/agenda/{item.pk}/edit/",
        {"version": item.version, **add_data(**{"agenda-title": "Programme re-plan (round 2)"})},
    )
    assert saved.status_code == 302
    item.refresh_from_db()
    assert item.title == "Programme re-plan (round 2)" and item.duration_minutes == 20
    stale = pmo_client.post(
        f"/meetings/agenda/{item.pk}/edit/", {"version": 1, **add_data(**{"agenda-title": "Lost"})}
    )
    assert stale.status_code == 409
    assert "changed since you loaded the page" in text_of(stale)
    item.refresh_from_db()
    assert item.title == "Programme re-plan (round 2)"


def test_readers_cannot_post_and_hidden_meetings_are_404(client, tmag9, member_user, programme):
    item = agenda_for(tmag9).rows[0].item
    assert client.post(f"/meetings/{tmag9.pk}/agenda/add/", add_data()).status_code == 403
    client.force_login(member_user)
    assert client.post(f"/meetings/agenda/{item.pk}/remove/", {"version": 1}).status_code == 403
    assert client.get("/meetings/agenda/999999/edit/").status_code in (403, 404)
    assert AgendaItem.objects.filter(pk=item.pk).exists()


# --- papers ----------------------------------------------------------------------------


def upload_data(name: str, data: bytes, **overrides: str) -> dict[str, object]:
    values: dict[str, object] = {
        "paper-file": SimpleUploadedFile(name, data),
        "paper-title": "TMAG #9 meeting pack",
        "paper-kind": "pack",
        "paper-classification": "public",
        "paper-paper_version": "1.0",
        "paper-agenda_item": "",
    }
    values.update(overrides)
    return values


def test_upload_publish_and_download(pmo_client, client, media, tmag9):
    response = pmo_client.post(
        f"/meetings/{tmag9.pk}/papers/upload/", upload_data("TMAG #9 pack.pdf", samples.PDF)
    )
    assert response.status_code == 302 and response["Location"] == meeting_url(tmag9, "papers")
    paper = Paper.objects.get()
    assert paper.original_name == "TMAG #9 pack.pdf" and paper.published_at is None
    published = pmo_client.post(f"/meetings/papers/{paper.pk}/publish/", {"version": 1})
    assert published.status_code == 302
    paper.refresh_from_db()
    assert paper.published_at is not None

    anonymous = Client()
    download = anonymous.get(f"/meetings/papers/{paper.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == samples.PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert 'filename="TMAG #9 pack.pdf"' in download["Content-Disposition"]
    assert "private" in download["Cache-Control"]


def test_papers_fragment_lists_and_offers_upload(rf, media, tmag9, pmo_user):
    services.upload_paper(
        actor=pmo_user,
        meeting=tmag9,
        file=SimpleUploadedFile("slides.pptx", samples.office("pptx")),
        title="Re-plan slides",
        agenda_item=tmag9.agenda_items.get(title="Programme re-plan"),
        classification="group",
    )
    request = rf.get("/")
    request.user = pmo_user
    html = render_to_string(
        "meetings/_papers.html",
        {"meeting": tmag9, "papers": papers_for(user=pmo_user, meeting=tmag9), "can_write": True},
        request=request,
    )
    text = text_of(html)
    assert page_problems(html, fragment=True) == []
    assert "Papers of TMAG #9" in text and "Re-plan slides" in text
    assert "4. Programme re-plan" in text and "Group members" in text
    assert "Not published" in text and "Publish" in text
    assert 'enctype="multipart/form-data"' in html


def test_a_refused_upload_is_named_at_the_field_and_stores_nothing(pmo_client, media, tmag9):
    data = upload_data("pack.pdf", samples.EXE)
    page = pmo_client.post(f"/meetings/{tmag9.pk}/papers/upload/", data)
    assert page.status_code == 400
    html = page.content.decode()
    assert "“pack.pdf” is named .pdf but its content is a Windows program (EXE), not a PDF." in html
    assert 'aria-describedby="id_paper-file_helptext id_paper-file_error"' in html
    assert page_problems(html) == []
    fragment = pmo_client.post(
        f"/meetings/{tmag9.pk}/papers/upload/",
        upload_data("bomb.docx", samples.zip_bomb()),
        headers=HTMX,
    )
    assert fragment.status_code == 200 and "looks like a ZIP bomb" in fragment.content.decode()
    assert files_in(media) == [] and Paper.objects.count() == 0


@pytest.fixture
def papers(media, tmag9, pmo_user) -> dict[str, Paper]:
    """One published paper of each classification, and an unpublished public one."""
    out = {}
    for classification in ("public", "participants", "group", "restricted"):
        paper = services.upload_paper(
            actor=pmo_user,
            meeting=tmag9,
            file=SimpleUploadedFile(f"{classification}.pdf", samples.PDF),
            title=classification,
            classification=classification,
        )
        out[classification] = services.publish_paper(
            actor=pmo_user, paper=paper, expected_version=1
        )
    out["unpublished"] = services.upload_paper(
        actor=pmo_user,
        meeting=tmag9,
        file=SimpleUploadedFile("draft.pdf", samples.PDF),
        title="draft",
    )
    return out


def downloadable(client: Client, papers: dict[str, Paper]) -> set[str]:
    allowed = set()
    for name, paper in papers.items():
        status = client.get(f"/meetings/papers/{paper.pk}/download/").status_code
        assert status in (200, 404)
        if status == 200:
            allowed.add(name)
    return allowed


def test_downloads_follow_the_classification(client, papers, tmag_standing, programme):
    assert downloadable(client, papers) == {"public"}
    participant = UserFactory(username="participant", role="member")
    client.force_login(participant)
    assert downloadable(client, papers) == {"public", "participants"}
    # A current member of TMAG (their Person is linked to the login) also gets group papers.
    person = PersonFactory(programme=programme, user=participant)
    membership = MembershipFactory(group=tmag_standing, person=person, start_date=date(2022, 1, 1))
    assert downloadable(client, papers) == {"public", "participants", "group"}
    membership.end_date = date(2022, 6, 30)
    membership.save()
    assert downloadable(client, papers) == {"public", "participants"}
    secretariat = UserFactory(username="secretary", role="secretariat")
    client.force_login(secretariat)
    assert downloadable(client, papers) == set(papers)


def test_hidden_download_looks_missing(client, papers):
    hidden = client.get(f"/meetings/papers/{papers['restricted'].pk}/download/")
    missing = client.get("/meetings/papers/999999/download/")
    assert hidden.status_code == missing.status_code == 404


def test_a_lost_file_is_404_not_500(pmo_client, papers, media):
    for path in files_in(media):
        path.unlink()
    response = pmo_client.get(f"/meetings/papers/{papers['public'].pk}/download/")
    assert response.status_code == 404


def test_schedule_from_the_forward_look(pmo_client, tmag_standing, pmo_user):
    nov = Meeting.objects.get(group=tmag_standing, number_major=11)
    item = services.add_forward_look_item(
        actor=pmo_user, group=tmag_standing, title="Migration approach", target_meeting=nov
    )
    response = pmo_client.post(f"/meetings/forward-look/{item.pk}/schedule/", {"version": 1})
    assert response.status_code == 302 and response["Location"] == meeting_url(nov, "agenda")
    assert AgendaItem.objects.filter(meeting=nov, forward_look_item=item).exists()
    again = pmo_client.post(
        f"/meetings/forward-look/{item.pk}/schedule/", {"version": 2}, headers=HTMX
    )
    assert again.status_code == 200
    assert "only a planned item can be put on an agenda" in text_of(again)


def test_a_held_meetings_agenda_only_offers_carry_forward(rf, tmag9, pmo_user):
    from progov.meetings.tests.agenda_support import at

    tmag9.refresh_from_db()
    services.mark_meeting_held(
        actor=pmo_user, meeting=tmag9, expected_version=tmag9.version, now=at(2022, 9, 23)
    )
    tmag9.refresh_from_db()
    request = rf.get("/")
    request.user = pmo_user
    agenda = agenda_for(tmag9)
    assert not agenda.is_editable
    html = render_to_string(
        "meetings/_agenda.html",
        {"meeting": tmag9, "agenda": agenda, "can_write": True},
        request=request,
    )
    assert "Carry forward" in html
    assert "Remove" not in html and "Add an item" not in html and "/edit/" not in html
    assert page_problems(html, fragment=True) == []


def test_publishing_a_paper_refreshes_the_deadlines_region(pmo_client, media, tmag9):
    papers_rule(tmag9.group.programme)
    pmo_client.post(
        f"/meetings/{tmag9.pk}/papers/upload/", upload_data("TMAG #9 pack.pdf", samples.PDF)
    )
    paper = Paper.objects.get()
    region = f"/meetings/{tmag9.pk}/deadlines/"
    before = pmo_client.get(region, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="deadlines"' in before and 'hx-trigger="deadlines-changed from:body"' in before
    assert "Met late" not in before and "Met on time" not in before
    published = pmo_client.post(
        f"/meetings/papers/{paper.pk}/publish/", {"version": 1}, HTTP_HX_REQUEST="true"
    )
    # The papers region is swapped by the answer; the deadlines region is told to refresh.
    assert published.status_code == 200 and published["HX-Trigger"] == "deadlines-changed"
    after = text_of(pmo_client.get(region, HTTP_HX_REQUEST="true"))
    assert "Met late" in after  # TMAG #9 was in 2022: published now, long after
    fragment = pmo_client.get(region, HTTP_HX_REQUEST="true").content.decode()
    assert page_problems(fragment, fragment=True) == []
    # Opened as a page, it is the meeting page at its deadlines.
    assert pmo_client.get(region)["Location"] == f"/meetings/{tmag9.pk}/#deadlines"


def test_a_removal_can_be_undone_with_htmx_and_without(pmo_client, tmag9, tmag_standing):
    from progov.audit.models import AuditEntry

    rows = agenda_for(tmag9).rows
    replan = rows[3].item
    titles = [r.item.title for r in rows]
    removed = pmo_client.post(
        f"/meetings/agenda/{replan.pk}/remove/", {"version": replan.version}, headers=HTMX
    )
    page = removed.content.decode()
    assert "was taken off the agenda" in text_of(page)
    assert f"Undo: put “{replan.title}” back" in page
    token = re.search(r'name="undo" value="([^"]+)"', page)
    assert token is not None
    back = pmo_client.post(
        f"/meetings/{tmag9.pk}/agenda/restore/", {"undo": token.group(1)}, headers=HTMX
    )
    assert f"“{replan.title}” is back on the agenda as item 4." in text_of(back)
    # Once only: the same Undo again restores nothing.
    twice = pmo_client.post(
        f"/meetings/{tmag9.pk}/agenda/restore/", {"undo": token.group(1)}, headers=HTMX
    )
    assert "can no longer be undone" in text_of(twice)
    assert AgendaItem.objects.filter(meeting=tmag9, title=replan.title).count() == 1
    assert [r.item.title for r in agenda_for(tmag9).rows] == titles
    restored = AgendaItem.objects.get(meeting=tmag9, title=replan.title)
    assert restored.pk != replan.pk  # a new row: the trail shows the removal and the undo
    kinds = AuditEntry.objects.filter(
        object_type="meetings.agendaitem", object_id__in=[str(replan.pk), str(restored.pk)]
    ).values_list("action", flat=True)
    assert {"delete", "create"} <= set(kinds)

    # Without JavaScript the meeting page offers the Undo (the token rides in the URL).
    plain = pmo_client.post(
        f"/meetings/agenda/{restored.pk}/remove/", {"version": restored.version}
    )
    assert plain.status_code == 302 and "?undo=" in plain["Location"]
    shown = pmo_client.get(plain["Location"]).content.decode()
    assert f"Undo: put “{replan.title}” back" in shown
    token2 = re.search(r'name="undo" value="([^"]+)"', shown)
    assert token2 is not None
    again = pmo_client.post(f"/meetings/{tmag9.pk}/agenda/restore/", {"undo": token2.group(1)})
    assert again.status_code == 302
    assert [r.item.title for r in agenda_for(tmag9).rows] == titles


def test_an_undo_that_is_forged_stale_or_of_another_meeting_is_refused(
    pmo_client, tmag9, tmag_standing, settings
):
    from progov.meetings.views.agenda import undo_token

    replan = agenda_for(tmag9).rows[3].item
    count = AgendaItem.objects.filter(meeting=tmag9).count()
    forged = pmo_client.post(
        f"/meetings/{tmag9.pk}/agenda/restore/", {"undo": "x" * 40}, headers=HTMX
    )
    assert "can no longer be undone" in text_of(forged)
    removed = services.remove_agenda_item(actor=None, item=replan, expected_version=replan.version)
    other = Meeting.objects.get(group=tmag_standing, number_major=10)
    elsewhere = pmo_client.post(
        f"/meetings/{other.pk}/agenda/restore/", {"undo": undo_token(removed)}, headers=HTMX
    )
    assert "can no longer be undone" in text_of(elsewhere)
    assert AgendaItem.objects.filter(meeting=tmag9).count() == count - 1
    assert not AgendaItem.objects.filter(meeting=other, title=replan.title).exists()
