"""Attendance pages and fragments: the register page and its HTMX fragment, the forms
with and without JavaScript (POST → meeting page), errors beside each line, stale
registers, permissions, hidden is 404, CSP/accessibility, constant query counts."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from progov.core.testing.factories import PersonFactory
from progov.core.testing.html_checks import page_problems
from progov.meetings import services
from progov.meetings.models import Attendance
from progov.meetings.tests.attendance_world import meeting_of, psg_world, tmag_world
from progov.meetings.views.attendance import attendance_context

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world(programme, psg):
    return psg_world(programme, psg)


@pytest.fixture
def meeting(world, pmo_user):
    m = meeting_of(world.group)
    services.issue_invitations(actor=pmo_user, meeting=m)
    return m


@pytest.fixture
def pmo(client, pmo_user):
    client.force_login(pmo_user)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def page(meeting) -> str:
    return f"/meetings/{meeting.pk}/attendance/"


def status_of(meeting, person) -> str:
    return Attendance.objects.get(meeting=meeting, person=person).status


def register_post(meeting, changes: dict, world) -> dict[str, str]:
    """The whole form as the page posts it, with `changes` (key → status or (status, alt))."""
    data: dict[str, str] = {}
    for a in Attendance.objects.filter(meeting=meeting):
        data[f"status-{a.person_id}"] = a.status
        data[f"version-{a.person_id}"] = str(a.version)
    for key, change in changes.items():
        pid = world.people[key].pk
        status, alt = change if isinstance(change, tuple) else (change, None)
        data[f"status-{pid}"] = status
        if alt:
            data[f"represented_by-{pid}"] = str(world.people[alt].pk)
    return data


def test_register_page_for_anonymous_has_no_forms(client, meeting):
    response = client.get(page(meeting))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<select" not in html and "Issue invitations" not in html
    assert "Chris Welby" in html and "Invited" in text(response)
    assert "Quorum" in html
    assert page_problems(html) == []


def test_register_page_for_the_secretariat(pmo, meeting):
    response = pmo.get(page(meeting))
    html = response.content.decode()
    assert 'name="status-' in html and "Save the register" in html
    assert "Invite members who joined since" in html
    assert page_problems(html) == []


def test_htmx_gets_just_the_fragment(pmo, meeting):
    response = pmo.get(page(meeting), **HX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="attendance"')
    assert "<html" not in html
    assert response["Vary"] and "HX-Request" in response["Vary"]
    assert page_problems(html, fragment=True) == []


def test_hidden_meeting_is_404(client, world, meeting):
    world.group.visibility = "participants"
    world.group.save()
    assert client.get(page(meeting)).status_code == 404


def test_invitations_without_js_redirect_to_the_meeting(pmo, world, pmo_user):
    fresh = meeting_of(world.group, number=30)
    response = pmo.post(f"/meetings/{fresh.pk}/attendance/invitations/")
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{fresh.pk}/#attendance"
    assert Attendance.objects.filter(meeting=fresh).count() == 11
    follow = pmo.get(page(fresh))
    assert "11 invited" in text(follow)  # the message shows on the next page


def test_invitations_with_htmx_swap_the_section(pmo, world):
    fresh = meeting_of(world.group, number=31)
    response = pmo.post(f"/meetings/{fresh.pk}/attendance/invitations/", **HX)
    assert response.status_code == 200
    body = text(response)
    assert 'role="status"' in body and "11 invited" in body
    assert page_problems(response.content.decode(), fragment=True) == []


def test_invitations_to_a_cancelled_meeting_explain(pmo, world):
    cancelled = meeting_of(world.group, number=32, status="cancelled")
    response = pmo.post(f"/meetings/{cancelled.pk}/attendance/invitations/")
    assert response.status_code == 400
    assert "was cancelled" in text(response)
    assert page_problems(response.content.decode()) == []


def test_recording_the_register_without_js(pmo, world, meeting):
    data = register_post(
        meeting,
        {"chair": "present", "large-supplier-rep": ("represented", "large-supplier-alt")},
        world,
    )
    response = pmo.post(f"/meetings/{meeting.pk}/attendance/register/", data)
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{meeting.pk}/#attendance"
    assert status_of(meeting, world.people["chair"]) == "present"
    assert status_of(meeting, world.people["large-supplier-alt"]) == "present"
    assert "2 lines changed" in text(pmo.get(page(meeting)))


def test_recording_the_register_with_htmx(pmo, world, meeting):
    data = register_post(meeting, {"chair": "present", "dno-rep": "apologies"}, world)
    response = pmo.post(f"/meetings/{meeting.pk}/attendance/register/", data, **HX)
    assert response.status_code == 200
    body = text(response)
    assert "Register saved: 2 lines changed." in body
    assert "Quorum not met:" in body and "chair present" in body


def test_register_errors_are_shown_beside_each_line(pmo, world, meeting):
    rep = world.people["dno-rep"]
    data = register_post(
        meeting, {"chair": "present", "dno-rep": ("represented", "large-supplier-alt")}, world
    )
    response = pmo.post(f"/meetings/{meeting.pk}/attendance/register/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'href="#status-{rep.pk}"' in html  # the summary links to the line
    assert f'aria-describedby="attendance-{rep.pk}-error"' in html
    assert f'id="attendance-{rep.pk}-error"' in html
    assert "is not an alternate of" in html
    # The submitted choices are kept, and nothing was saved.
    assert re.search(r'<option value="present" selected>Present</option>', html)
    assert status_of(meeting, world.people["chair"]) == "invited"
    assert page_problems(html) == []


def test_register_errors_with_htmx_come_back_in_place(pmo, world, meeting):
    data = register_post(meeting, {"idno-rep": "represented"}, world)
    response = pmo.post(f"/meetings/{meeting.pk}/attendance/register/", data, **HX)
    assert response.status_code == 200  # htmx only swaps 2xx answers
    html = response.content.decode()
    assert 'role="alert"' in html and "Represented by alternate" in html
    assert page_problems(html, fragment=True) == []


def test_a_stale_register_is_refused_with_the_current_state(pmo, world, meeting, pmo_user):
    data = register_post(meeting, {"chair": "apologies"}, world)
    services.record_attendance(
        actor=pmo_user, meeting=meeting, person=world.people["chair"], status="present"
    )
    response = pmo.post(f"/meetings/{meeting.pk}/attendance/register/", data)
    assert response.status_code == 409
    assert "Someone else recorded attendance" in text(response)
    assert status_of(meeting, world.people["chair"]) == "present"


@pytest.mark.parametrize(
    "path",
    ["attendance/invitations/", "attendance/register/", "attendance/add/"],
)
def test_writes_need_the_secretariat(client, member_user, meeting, path):
    url = f"/meetings/{meeting.pk}/{path}"
    assert client.post(url).status_code == 403
    client.force_login(member_user)
    assert client.post(url).status_code == 403


def test_gets_are_refused_on_post_only_urls(pmo, meeting):
    assert pmo.get(f"/meetings/{meeting.pk}/attendance/register/").status_code == 405


def test_add_a_guest_by_searching_for_them(pmo, meeting, programme):
    gina = PersonFactory(programme=programme, name="Gina Guest")
    url = f"/meetings/{meeting.pk}/attendance/add/"
    found = pmo.get(url, {"q": "gina"})
    assert found.status_code == 200
    assert f'value="{gina.pk}"' in found.content.decode()
    assert page_problems(found.content.decode()) == []
    response = pmo.post(url, {"q": "gina", "person": gina.pk, "status": "guest"})
    assert response.status_code == 302
    assert status_of(meeting, gina) == "guest"


def test_add_attendee_errors(pmo, meeting, programme):
    url = f"/meetings/{meeting.pk}/attendance/add/"
    stranger = PersonFactory(programme=programme, name="Sam Stranger")
    nobody = pmo.post(url, {"q": "sam", "status": "guest"})
    assert nobody.status_code == 400 and "Choose the person to add." in text(nobody)
    not_member = pmo.post(url, {"q": "sam", "person": stranger.pk, "status": "present"})
    assert not_member.status_code == 400
    html = not_member.content.decode()
    assert "not a member of PSG" in html
    assert f'value="{stranger.pk}" checked' in html
    assert page_problems(html) == []


def test_co_representation_shows_each_part(pmo, programme, pmo_user):
    tmag = tmag_world(programme)
    m = meeting_of(tmag.group)
    services.issue_invitations(actor=pmo_user, meeting=m)
    services.record_attendance(
        actor=pmo_user, meeting=m, person=tmag.people["ls-testing"], status="present"
    )
    body = text(pmo.get(page(m)))
    assert "Migration: <strong>Not covered</strong>" in body
    assert "Testing: <strong>Covered</strong>" in body
    assert "Large Supplier (Testing)" in body  # the register names the part


def test_cancelled_meeting_shows_no_forms(pmo, world, pmo_user):
    m = meeting_of(world.group, number=40)
    services.issue_invitations(actor=pmo_user, meeting=m)
    m.status = "cancelled"
    m.save()
    html = pmo.get(page(m)).content.decode()
    assert "<select" not in html and "Save the register" not in html


def test_fragment_renders_from_the_documented_context(world, meeting, pmo_user):
    request = RequestFactory().get("/")
    request.user = pmo_user
    context = attendance_context(request, meeting)
    assert set(context) == {
        "meeting",
        "attendance",
        "coverage",
        "quorum",
        "can_write",
        "register_rows",
        "register_page",
        "register_paged",
    }
    html = render_to_string("meetings/_attendance.html", context, request=request)
    assert page_problems(html, fragment=True) == []


def _page_queries(client, meeting) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(page(meeting)).status_code == 200
    return len(ctx.captured_queries)


def test_page_query_count_does_not_grow_with_members(pmo, world, meeting, pmo_user, programme):
    before = _page_queries(pmo, meeting)
    for i in range(15):
        world.member(f"more-{i}", "representative", "consumer")
        world.member(f"more-alt-{i}", "alternate", "consumer", alternate_for=f"more-{i}")
    services.issue_invitations(actor=pmo_user, meeting=meeting)
    services.record_attendance(
        actor=pmo_user,
        meeting=meeting,
        person=world.people["more-3"],
        status="represented",
        represented_by=world.people["more-alt-3"],
    )
    services.record_attendance(
        actor=pmo_user, meeting=meeting, person=PersonFactory(programme=programme), status="guest"
    )
    assert _page_queries(pmo, meeting) == before


def test_an_unchanged_register_keeps_a_stand_in_who_is_no_longer_an_alternate(
    pmo, world, meeting, pmo_user
):
    rep, alt = world.people["dno-rep"], world.people["dno-alt"]
    services.record_attendance(
        actor=pmo_user, meeting=meeting, person=rep, status="represented", represented_by=alt
    )
    membership = world.memberships["dno-alt"]
    membership.end_date = date(2023, 9, 1)  # ended later, backdated
    membership.save()
    html = pmo.get(page(meeting)).content.decode()
    assert f'<option value="{alt.pk}" selected>' in html
    data = register_post(meeting, {}, world)
    data[f"represented_by-{rep.pk}"] = str(alt.pk)
    response = pmo.post(f"/meetings/{meeting.pk}/attendance/register/", data)
    assert response.status_code == 302  # nothing changed, nothing refused
    assert Attendance.objects.get(meeting=meeting, person=rep).represented_by == alt


def _section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end)]


def test_a_long_register_is_summarised_on_the_meeting_page(
    pmo, world, meeting, pmo_user, monkeypatch
):
    """Over the limit the meeting page shows the counts and links to the register page;
    its quorum and coverage (read without the lines) match the register page's."""
    rep, alt = world.people["dno-rep"], world.people["dno-alt"]
    services.record_attendance(
        actor=pmo_user, meeting=meeting, person=rep, status="represented", represented_by=alt
    )
    services.record_attendance(actor=pmo_user, meeting=meeting, person=alt, status="present")
    full = text(pmo.get(f"/meetings/{meeting.pk}/"))
    assert "register-table" in full and "register-link" not in full
    monkeypatch.setattr("progov.meetings.views.pages.REGISTER_ON_MEETING_PAGE", 1)
    short = text(pmo.get(f"/meetings/{meeting.pk}/"))
    assert "register-table" not in short and "Save the register" not in short
    total = Attendance.objects.filter(meeting=meeting).count()
    assert f"See the full register ({total} people) and record attendance" in short
    assert f'href="{page(meeting)}"' in short
    for start, end in (("quorum-heading", "register-heading"),):
        assert _section(short, start, end) == _section(full, start, end)
    assert page_problems(pmo.get(f"/meetings/{meeting.pk}/").content.decode()) == []


def test_meeting_page_query_count_does_not_grow_with_a_long_register(
    pmo, world, meeting, pmo_user, monkeypatch
):
    monkeypatch.setattr("progov.meetings.views.pages.REGISTER_ON_MEETING_PAGE", 1)
    url = f"/meetings/{meeting.pk}/"
    with CaptureQueriesContext(connection) as ctx:
        pmo.get(url)
    before = len(ctx.captured_queries)
    for i in range(15):
        world.member(f"more-{i}", "representative", "consumer")
    services.issue_invitations(actor=pmo_user, meeting=meeting)
    with CaptureQueriesContext(connection) as ctx:
        pmo.get(url)
    assert len(ctx.captured_queries) == before


def test_a_long_register_pages_and_each_page_saves_its_own_lines(client, psg, pmo_user):
    from datetime import UTC, datetime

    from progov.core.testing.factories import MeetingFactory, MembershipFactory

    for n in range(120):
        MembershipFactory(
            group=psg,
            person=PersonFactory(programme=psg.programme, name=f"Member {n:03d}"),
            start_date=date(2022, 1, 1),
        )
    meeting = MeetingFactory(
        group=psg,
        start=datetime(2024, 3, 6, 10, 0, tzinfo=UTC),
        end=datetime(2024, 3, 6, 12, 0, tzinfo=UTC),
        status="held",
    )
    services.issue_invitations(actor=None, meeting=meeting)
    client.force_login(pmo_user)
    first = client.get(f"/meetings/{meeting.pk}/attendance/").content.decode()
    assert page_problems(first) == []
    assert "(120 people), page 1 of 3: lines 1–50" in first
    assert len(re.findall(r'<select id="status-', first)) == 50
    assert 'aria-label="Pages of the register"' in first and "page=2" in first
    second = client.get(f"/meetings/{meeting.pk}/attendance/?page=2").content.decode()
    lines = re.findall(r'<select id="status-(\d+)" name="status-\1"', second)
    assert len(lines) == 50 and not set(lines) & set(re.findall(r'id="status-(\d+)"', first))
    versions = dict(re.findall(r'name="version-(\d+)" value="(\d+)"', second))
    body = {f"status-{pid}": "present" for pid in lines}
    body |= {f"version-{pid}": versions[pid] for pid in lines}
    body["page"] = "2"
    saved = client.post(
        f"/meetings/{meeting.pk}/attendance/register/", body, headers={"HX-Request": "true"}
    )
    page = saved.content.decode()
    assert "Register saved: 50 lines changed." in page
    assert "page 2 of 3: lines 51–100" in page  # the answer is the page that was saved
    present = Attendance.objects.filter(meeting=meeting, status="present")
    assert sorted(str(p) for p in present.values_list("person_id", flat=True)) == sorted(lines)
    # The meeting page does not page: over 60 lines it sums up and links here.
    meeting_page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "See the full register (120 people)" in meeting_page
