"""Meeting pages: group and programme calendars, the meeting page and the secretariat's
actions, lookup by number, the deadlines page; hidden is 404; the CSP and accessibility
basics; query counts that do not grow with the number of meetings."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from progov.calendars.selectors import calendar_for_programme
from progov.core.errors import ValidationError
from progov.core.testing.factories import GroupFactory, WorkstreamFactory
from progov.core.testing.html_checks import page_problems
from progov.core.testing.queries import count_queries
from progov.governance.models import DeadlineRule, GovernanceGroup
from progov.meetings import services
from progov.meetings.models import HeadlineReport, Meeting, Paper, PaperKind
from progov.meetings.selectors.overview import Month, deadline_overview
from progov.meetings.views.page_forms import months_before

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON)


@pytest.fixture
def rules(programme):
    DeadlineRule.objects.create(
        programme=programme,
        key="papers_due",
        label="Agenda and meeting papers issued",
        working_days=5,
        direction="before",
    )
    DeadlineRule.objects.create(
        programme=programme,
        key="headline_report_due",
        label="Headline report issued",
        working_days=2,
        direction="after",
    )
    DeadlineRule.objects.create(
        programme=programme,
        key="amendments_due",
        label="Amendment requests",
        working_days=5,
        direction="before",
        anchor="next_meeting",
    )


@pytest.fixture
def year_2022(tmag, rules, pmo_user):
    """TMAG's twelve 2022 meetings, third Wednesdays 10:00–12:00; #9 is 21 Sep 2022."""
    services.generate_meetings(
        actor=pmo_user, group=tmag, until=date(2022, 12, 31), now=at(date(2022, 1, 1), 0)
    )
    return tmag


@pytest.fixture
def ninth(year_2022) -> Meeting:
    return Meeting.objects.get(group=year_2022, number_major=9)


@pytest.fixture
def hidden(programme, pmo_user):
    ecg = GroupFactory(programme=programme, acronym="ECG", visibility="participants", level=3)
    services.configure_meeting_series(actor=pmo_user, group=ecg, starts_on=date(2022, 1, 1))
    services.generate_meetings(
        actor=pmo_user, group=ecg, until=date(2022, 12, 31), now=at(date(2022, 1, 1), 0)
    )
    return ecg


def make_meeting(group: GovernanceGroup, day: date, number: int, **fields) -> Meeting:
    return Meeting.objects.create(
        group=group,
        number_major=number,
        start=at(day, 10),
        end=at(day, 12),
        **fields,
    )


def publish_papers(meeting: Meeting, when: datetime) -> None:
    Paper.objects.create(
        meeting=meeting,
        title="Meeting pack",
        kind=PaperKind.PACK,
        file="papers/pack.pdf",
        original_name="pack.pdf",
        content_type="application/pdf",
        size_bytes=1,
        sha256="0" * 64,
        published_at=when,
    )


def publish_report(meeting: Meeting, when: datetime) -> None:
    HeadlineReport.objects.create(meeting=meeting, status="published", published_at=when)


# --- every page renders and follows the rules ----------------------------------------------


def page_urls(meeting: Meeting) -> list[str]:
    return [
        "/meetings/",
        "/meetings/?month=2022-09",
        "/meetings/?view=list",
        "/meetings/?view=list&when=past",
        "/meetings/?month=2022-09&level=3&workstream=Nothing&group=TMAG",
        "/meetings/groups/TMAG/",
        "/meetings/groups/TMAG/?month=2022-09",
        "/meetings/groups/TMAG/?view=list",
        "/meetings/groups/TMAG/?view=list&when=past",
        f"/meetings/{meeting.pk}/",
        "/meetings/deadlines/",
        "/meetings/deadlines/?window=7&record=3&group=TMAG",
    ]


@pytest.mark.parametrize("who", ["anonymous", "member", "secretariat"])
def test_every_page_renders_and_follows_the_rules(client, ninth, member_user, pmo_user, who):
    if who != "anonymous":
        client.force_login(member_user if who == "member" else pmo_user)
    for url in page_urls(ninth):
        response = client.get(url)
        assert response.status_code == 200, url
        assert page_problems(response.content.decode()) == [], url


def test_pages_without_a_programme_explain_how_to_load_one(client, db):
    body = text_of(client.get("/meetings/"))
    assert "No programme is loaded yet" in body
    assert client.get("/meetings/deadlines/").status_code == 200


def test_hidden_groups_meetings_are_404_until_signed_in(client, hidden, year_2022, member_user):
    meeting = Meeting.objects.filter(group=hidden).first()
    assert meeting is not None
    urls = [
        "/meetings/groups/ECG/",
        f"/meetings/{meeting.pk}/",
        f"/meetings/groups/ECG/{meeting.number}/",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.get("/meetings/999999/").status_code == 404
    assert client.get("/meetings/groups/NOPE/").status_code == 404
    # Not listed for anonymous users either.
    assert "ECG" not in text_of(client.get("/meetings/?month=2022-09"))
    deadlines = text_of(client.get("/meetings/deadlines/?group=ECG"))
    assert "ECG" not in deadlines.split('id="main"')[1]
    client.force_login(member_user)
    assert client.get(urls[0]).status_code == 200
    assert client.get(urls[1]).status_code == 200
    assert "ECG" in text_of(client.get("/meetings/?month=2022-09"))


# --- the group calendar ------------------------------------------------------------------


def test_month_grid_monday_first_with_navigation(client, ninth):
    response = client.get("/meetings/groups/TMAG/?month=2022-09")
    body = text_of(response)
    assert '<h2 id="calendar-heading">September 2022</h2>' in body
    # A real grid: Monday 29 August to Sunday 2 October, five weeks of seven days.
    cells = re.findall(r'<time datetime="(\d{4}-\d{2}-\d{2})">', body)
    assert cells[0] == "2022-08-29" and cells[-1] == "2022-10-02"
    assert len(cells) == 35
    assert re.search(r"<th scope=\"col\"><abbr title=\"Monday\">Mon</abbr></th>", body)
    assert 'href="?month=2022-08"' in body and 'rel="prev"' in body
    assert 'href="?month=2022-10"' in body and 'rel="next"' in body
    assert "Previous month: </span>August 2022" in body
    # TMAG #9 on Wednesday 21 September, with its time and status.
    day = body.split('datetime="2022-09-21"')[1].split("</td>")[0]
    assert f'href="/meetings/{ninth.pk}/"' in day
    assert "#9" in day and "10:00–12:00" in day and "Planned" in day
    # The state funeral of 19 Sep 2022 is named on its day.
    funeral = body.split('datetime="2022-09-19"')[1].split("</td>")[0]
    assert "State Funeral" in funeral
    # The next month keeps other parameters.
    october = text_of(client.get("/meetings/groups/TMAG/?month=2022-10"))
    assert "October 2022" in october and "#10" in october


def test_today_is_marked_and_bad_months_fall_back_to_this_month(client, year_2022):
    today = timezone.localdate()
    for url in ["/meetings/groups/TMAG/", "/meetings/groups/TMAG/?month=2022-13"]:
        body = text_of(client.get(url))
        assert f'<h2 id="calendar-heading">{today:%B %Y}</h2>' in body
        assert 'aria-current="date"' in body
        found = re.search(
            r'<td class="day[^"]* is-today[^"]*" aria-current="date">(.*?)</td>', body
        )
        assert found is not None
        cell = found.group(1)
        assert f'datetime="{today:%Y-%m-%d}"' in cell
        assert "Today" in cell
    assert Month.parse("1900-01", today=today).first == today.replace(day=1)
    assert Month.parse("2023-09", today=today).grid_start == date(2023, 8, 28)


def test_moved_cancelled_and_bank_holiday_meetings(client, ninth, pmo_user, year_2022):
    # #9 moves from Wednesday 21 to Thursday 22 September (as it did in 2022).
    services.move_meeting(
        actor=pmo_user,
        meeting=ninth,
        expected_version=ninth.version,
        start=at(date(2022, 9, 22)),
        end=at(date(2022, 9, 22), 12),
    )
    eighth = Meeting.objects.get(group=year_2022, number_major=8)
    services.cancel_meeting(
        actor=pmo_user, meeting=eighth, expected_version=eighth.version, note="No quorum"
    )
    tenth = Meeting.objects.get(group=year_2022, number_major=10)
    # Moved onto the funeral bank holiday by mistake: flagged for the secretariat.
    services.move_meeting(
        actor=pmo_user,
        meeting=tenth,
        expected_version=tenth.version,
        start=at(date(2022, 9, 19)),
        end=at(date(2022, 9, 19), 12),
        non_working_day_reason="Only day the chair can attend",
    )
    body = text_of(client.get("/meetings/groups/TMAG/?month=2022-09"))
    moved = body.split('datetime="2022-09-22"')[1].split("</td>")[0]
    assert "#9" in moved and "Moved" in moved and "moved from Wed 21 Sep" in moved
    assert "bank holiday — to move" not in body  # anonymous users are not asked to move it
    client.force_login(pmo_user)
    body = text_of(client.get("/meetings/groups/TMAG/?month=2022-09"))
    funeral = body.split('datetime="2022-09-19"')[1].split("</td>")[0]
    assert "#10" in funeral and "bank holiday — to move" in funeral
    august = text_of(client.get("/meetings/groups/TMAG/?month=2022-08"))
    cancelled = august.split('datetime="2022-08-17"')[1].split("</td>")[0]
    assert "<s>" in cancelled and "#8" in cancelled and "Cancelled" in cancelled
    listing = text_of(client.get("/meetings/groups/TMAG/?view=list&when=past"))
    assert "No quorum" in listing and "None: cancelled" in listing
    assert "bank holiday — to move" in listing


def test_list_pages_upcoming_first_with_a_past_toggle(client, programme, rules, pmo_user):
    weekly = GroupFactory(
        programme=programme, acronym="WKLY", schedule_rrule="FREQ=WEEKLY;BYDAY=TU", level=4
    )
    today = timezone.localdate()
    services.configure_meeting_series(
        actor=pmo_user, group=weekly, starts_on=today - timedelta(days=60)
    )
    services.generate_meetings(
        actor=pmo_user,
        group=weekly,
        until=today + timedelta(days=7 * 40),
        now=at(today - timedelta(days=61), 0),
    )
    upcoming = client.get("/meetings/groups/WKLY/?view=list")
    body = text_of(upcoming)
    assert len(re.findall(r'<th scope="row">', body)) == 25
    dates = [
        datetime.strptime(d, "%a %d %b %Y").date()
        for d in re.findall(
            r'<td class="date" data-label="Date"> (\w{3} \d{1,2} \w{3} \d{4})', body
        )
    ]
    assert dates == sorted(dates) and dates[0] >= today
    assert "Page 1 of 2" in body and 'href="?view=list&amp;page=2"' in body
    second = text_of(client.get("/meetings/groups/WKLY/?view=list&page=2"))
    assert "Page 2 of 2" in second
    past = text_of(client.get("/meetings/groups/WKLY/?view=list&when=past"))
    past_dates = [
        datetime.strptime(d, "%a %d %b %Y").date()
        for d in re.findall(
            r'<td class="date" data-label="Date"> (\w{3} \d{1,2} \w{3} \d{4})', past
        )
    ]
    assert past_dates == sorted(past_dates, reverse=True) and past_dates[0] < today
    assert "Past meetings" in past
    assert "Papers" in body  # each row carries its deadlines


def test_htmx_asks_for_the_calendar_region_only(client, ninth):
    response = client.get("/meetings/groups/TMAG/?month=2022-10", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body and "October 2022" in body
    assert 'hx-swap-oob="true"' in body  # the screen-reader status outside the region
    assert page_problems(body, fragment=True) == []
    assert "HX-Request" in response["Vary"]
    full = client.get("/meetings/groups/TMAG/?month=2022-10").content.decode()
    assert full.count('id="calendar-status"') == 1


# --- generating meetings --------------------------------------------------------------------


def test_secretariat_generates_meetings_with_a_summary(client, tmag, rules, pmo_user):
    client.force_login(pmo_user)
    body = text_of(client.get("/meetings/groups/TMAG/"))
    assert "Generate meetings until" in body
    response = client.post(
        "/meetings/groups/TMAG/?month=2022-09", {"generate-until": "2022-12-31"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/meetings/groups/TMAG/?month=2022-09"
    body = text_of(response)
    assert "TMAG: 12 created, 0 already there" in body
    assert Meeting.objects.filter(group=tmag).count() == 12
    again = text_of(
        client.post("/meetings/groups/TMAG/", {"generate-until": "2022-12-31"}, follow=True)
    )
    assert "TMAG: 0 created, 12 already there" in again


def test_generate_form_errors(client, tmag, pmo_user):
    client.force_login(pmo_user)
    response = client.post("/meetings/groups/TMAG/", {"generate-until": "2022-02-30"})
    assert response.status_code == 400
    body = text_of(response)
    assert "There is a problem" in body and "is not a date" in body
    assert page_problems(response.content.decode()) == []
    far = client.post("/meetings/groups/TMAG/", {"generate-until": "2099-01-01"})
    assert far.status_code == 400 and "Generate at most" in text_of(far)
    assert not Meeting.objects.filter(group=tmag).exists()


def test_only_the_secretariat_generates(client, tmag, member_user):
    assert (
        client.post("/meetings/groups/TMAG/", {"generate-until": "2022-12-31"}).status_code == 403
    )
    client.force_login(member_user)
    assert "Generate meetings until" not in text_of(client.get("/meetings/groups/TMAG/"))
    assert (
        client.post("/meetings/groups/TMAG/", {"generate-until": "2022-12-31"}).status_code == 403
    )
    assert not Meeting.objects.filter(group=tmag).exists()


# --- the meeting page ---------------------------------------------------------------------------


def test_meeting_page_header_and_deadlines(client, ninth):
    Meeting.objects.filter(pk=ninth.pk).update(
        location="Online", online_link="https://teams.example/join", title="Re-plan"
    )
    publish_papers(ninth, at(date(2022, 9, 12), 9))  # on time (due Tue 13 Sep)
    body = text_of(client.get(f"/meetings/{ninth.pk}/"))
    assert "TMAG meeting #9" in body and "Re-plan" in body
    assert "Wednesday 21 September 2022, 10:00–12:00" in body
    assert "Join the meeting online" in body
    assert "Regular meeting" in body and "Planned" in body
    deadlines = body.split('id="deadlines-heading"')[1].split("</table>")[0]
    papers = deadlines.split('id="deadline-papers_due"')[1].split("</tr>")[0]
    assert "Tue 13 Sep 2022" in papers  # 5 working days before, skipping the funeral
    assert "Met on time" in papers and "Mon 12 Sep 2022, 09:00" in papers
    report = deadlines.split('id="deadline-headline_report_due"')[1].split("</tr>")[0]
    assert "Fri 23 Sep 2022" in report and "Overdue" in report
    amendments = deadlines.split('id="deadline-amendments_due"')[1].split("</tr>")[0]
    assert "Wed 12 Oct 2022" in amendments and "Closed" in amendments
    # Neighbours for moving through the series.
    assert "Previous: TMAG #8" in body and "Next: TMAG #10" in body
    # No secretariat actions for the public.
    assert "Secretariat actions" not in body


def test_lookup_by_number_redirects(client, ninth, pmo_user):
    response = client.get("/meetings/groups/TMAG/9/")
    assert response.status_code == 302 and response["Location"] == f"/meetings/{ninth.pk}/"
    assert client.get("/meetings/groups/tmag/9/").status_code == 302
    extra = services.create_extraordinary_meeting(
        actor=pmo_user,
        group=ninth.group,
        start=at(date(2022, 9, 30)),
        end=at(date(2022, 9, 30), 11),
        title="M9 decision",
    )
    assert extra.number == "9.1"
    assert client.get("/meetings/groups/TMAG/9.1/")["Location"] == f"/meetings/{extra.pk}/"
    assert client.get("/meetings/groups/TMAG/99/").status_code == 404
    assert client.get("/meetings/groups/TMAG/9.x/").status_code == 404


def test_acronyms_with_a_slash(client, programme, rules, pmo_user):
    group = GroupFactory(programme=programme, acronym="BPRWG/TDWG", level=4)
    services.configure_meeting_series(actor=pmo_user, group=group, starts_on=date(2022, 1, 1))
    services.generate_meetings(
        actor=pmo_user, group=group, until=date(2022, 3, 31), now=at(date(2022, 1, 1), 0)
    )
    first = Meeting.objects.get(group=group, number_major=1)
    assert client.get("/meetings/groups/BPRWG/TDWG/").status_code == 200
    assert client.get("/meetings/groups/BPRWG/TDWG/1/")["Location"] == f"/meetings/{first.pk}/"


def post_action(client: Client, meeting: Meeting, action: str, **fields: str):
    data = {f"{action}-version": str(meeting.version)}
    data.update({f"{action}-{k}": v for k, v in fields.items()})
    return client.post(f"/meetings/{meeting.pk}/{action}/", data)


def test_secretariat_moves_a_meeting_and_its_deadlines_follow(client, ninth, pmo_user):
    client.force_login(pmo_user)
    body = text_of(client.get(f"/meetings/{ninth.pk}/"))
    assert "Secretariat actions" in body and "Move the meeting" in body
    assert 'name="move-version" value="1"' in body or f'value="{ninth.version}"' in body
    response = post_action(
        client,
        ninth,
        "move",
        date="2022-09-22",
        start_time="10:00",
        end_time="12:00",
        note="Clash with the funeral week",
    )
    assert response.status_code == 302 and response["Location"] == f"/meetings/{ninth.pk}/"
    ninth.refresh_from_db()
    assert ninth.status == "moved"
    assert ninth.original_start == at(date(2022, 9, 21))
    page = text_of(client.get(f"/meetings/{ninth.pk}/"))
    assert "TMAG #9 moved to Thu 22 Sep 2022, 10:00–12:00" in page
    assert "Originally" in page and "Wednesday 21 September 2022, 10:00–12:00" in page
    assert "Clash with the funeral week" in page
    report = page.split('id="deadline-headline_report_due"')[1].split("</tr>")[0]
    assert "Mon 26 Sep 2022" in report  # two working days after Thursday 22
    papers = page.split('id="deadline-papers_due"')[1].split("</tr>")[0]
    assert "Wed 14 Sep 2022" in papers


def test_move_form_field_errors(client, ninth, pmo_user):
    client.force_login(pmo_user)
    response = post_action(
        client, ninth, "move", date="2022-09-31", start_time="12:00", end_time="10:00"
    )
    assert response.status_code == 400
    body = text_of(response)
    assert "There is a problem" in body
    assert "is not a date" in body
    assert "The meeting must end after it starts." in body
    assert '<details class="action-panel" id="action-move" open>' in body
    assert page_problems(response.content.decode()) == []
    bad_time = post_action(
        client, ninth, "move", date="2022-09-22", start_time="25:00", end_time="12:00"
    )
    assert bad_time.status_code == 400 and "Enter a time as HH:MM" in text_of(bad_time)
    ninth.refresh_from_db()
    assert ninth.status == "planned"


def test_a_stale_version_is_a_clear_error_not_a_500(client, ninth, pmo_user):
    client.force_login(pmo_user)
    loaded_version = ninth.version
    # Someone else confirms the meeting after the page was loaded.
    services.confirm_meeting(actor=pmo_user, meeting=ninth, expected_version=ninth.version)
    ninth.version = loaded_version
    response = post_action(
        client, ninth, "move", date="2022-09-22", start_time="10:00", end_time="12:00"
    )
    assert response.status_code == 409
    body = text_of(response)
    assert "TMAG #9 changed since you loaded the page, so nothing was changed" in body
    assert "Confirmed" in body
    assert page_problems(response.content.decode()) == []
    fresh = Meeting.objects.get(pk=ninth.pk)
    assert fresh.status == "confirmed"
    # The form comes back with what was typed and the current version: resubmitting works.
    assert 'value="2022-09-22"' in body
    assert f'name="move-version" value="{fresh.version}"' in body
    again = post_action(
        client, fresh, "move", date="2022-09-22", start_time="10:00", end_time="12:00"
    )
    assert again.status_code == 302


def test_cancel_confirm_and_held(client, ninth, year_2022, pmo_user):
    client.force_login(pmo_user)
    page = text_of(client.get(f"/meetings/{ninth.pk}/"))
    # Past and never marked held: the secretariat is asked to, and not offered "confirm".
    assert "is not marked held" in page and "Mark the meeting held" in page
    assert "Confirm the meeting" not in page
    assert post_action(client, ninth, "confirm").status_code == 302
    ninth.refresh_from_db()
    assert ninth.status == "confirmed"
    assert (
        post_action(client, ninth, "held", recording_link="https://video.example/tmag9").status_code
        == 302
    )
    ninth.refresh_from_db()
    assert ninth.status == "held" and ninth.recording_link == "https://video.example/tmag9"
    held = client.get(f"/meetings/{ninth.pk}/")
    assert page_problems(held.content.decode()) == []
    page = text_of(held)
    assert "Watch the recording" in page and "is marked held" in page
    assert 'id="headline-report"' in page and 'id="attendance"' in page
    assert "Move the meeting" not in page and "Change the recording link" in page
    # A held meeting cannot be cancelled: the service's reason is shown.
    refused = post_action(client, ninth, "cancel", note="Too late", confirmed="on")
    assert refused.status_code == 400
    assert "A meeting that was held cannot be cancelled." in text_of(refused)
    tenth = Meeting.objects.get(group=year_2022, number_major=10)
    assert (
        post_action(client, tenth, "cancel", note="Stood down", confirmed="on").status_code == 302
    )
    page = text_of(client.get(f"/meetings/{tenth.pk}/"))
    assert "<s>TMAG meeting #10</s>" in page and "Cancelled" in page
    assert "Stood down" in page and "A cancelled meeting has no deadlines." in page
    # Only reinstating is offered now.
    assert "Reinstate the meeting" in page
    for gone in ("Move the meeting", "Mark the meeting held", "Cancel the meeting"):
        assert gone not in page


def test_cancel_needs_a_reason_and_a_confirmation_and_can_be_undone(client, year_2022, pmo_user):
    client.force_login(pmo_user)
    tenth = Meeting.objects.get(group=year_2022, number_major=10)
    unconfirmed = post_action(client, tenth, "cancel", note="Stood down")
    assert unconfirmed.status_code == 400
    assert "Tick to confirm: cancelling tells every invitee." in text_of(unconfirmed)
    no_reason = post_action(client, tenth, "cancel", confirmed="on")
    assert no_reason.status_code == 400
    assert "Say why the meeting is cancelled" in text_of(no_reason)
    tenth.refresh_from_db()
    assert tenth.status == "planned"
    before = text_of(client.get(f"/meetings/{tenth.pk}/"))
    assert "Agenda and meeting papers issued" in before
    assert (
        post_action(client, tenth, "cancel", note="Stood down", confirmed="on").status_code == 302
    )
    tenth.refresh_from_db()
    back = post_action(client, tenth, "reinstate", note="The agenda is back")
    assert back.status_code == 302
    tenth.refresh_from_db()
    assert (tenth.status, tenth.status_note) == ("planned", "The agenda is back")
    page = text_of(client.get(f"/meetings/{tenth.pk}/"))
    # Its deadlines count again, as before the cancellation.
    assert "A cancelled meeting has no deadlines." not in page
    assert "Agenda and meeting papers issued" in page
    assert "Cancel the meeting" in page and "Reinstate the meeting" not in page
    # Reinstating what is not cancelled is refused with the reason.
    again = post_action(client, tenth, "reinstate")
    assert again.status_code == 400
    assert "Only a cancelled meeting can be reinstated, not a planned one." in text_of(again)


def test_a_move_onto_a_non_working_day_needs_its_reason(client, year_2022, pmo_user):
    client.force_login(pmo_user)
    tenth = Meeting.objects.get(group=year_2022, number_major=10)
    fields = {"date": "2024-12-25", "start_time": "10:00", "end_time": "12:00"}
    refused = post_action(client, tenth, "move", **fields)
    assert refused.status_code == 400
    assert (
        "Wed 25 Dec 2024 is Christmas Day, not a working day: nothing was moved. "
        "To meet then anyway, give the reason." in text_of(refused)
    )
    tenth.refresh_from_db()
    assert tenth.status == "planned" and tenth.start.date() != date(2024, 12, 25)
    moved = post_action(client, tenth, "move", non_working_day_reason="Year-end sign-off", **fields)
    assert moved.status_code == 302
    tenth.refresh_from_db()
    assert tenth.status == "moved" and tenth.status_note == "Year-end sign-off"
    # A working day needs no reason.
    assert (
        post_action(
            client, tenth, "move", date="2024-12-27", start_time="10:00", end_time="12:00"
        ).status_code
        == 302
    )


def test_held_is_offered_only_once_the_meeting_has_started(client, programme, rules, pmo_user):
    future = make_meeting(
        GroupFactory(programme=programme, acronym="FUT"),
        timezone.localdate() + timedelta(days=30),
        1,
    )
    client.force_login(pmo_user)
    page = text_of(client.get(f"/meetings/{future.pk}/"))
    assert "Mark the meeting held" not in page and "not marked held" not in page
    assert "Confirm the meeting" in page
    assert "once it has started" in page
    refused = post_action(client, future, "held")
    assert refused.status_code == 400
    assert "cannot be marked held before it starts" in text_of(refused)


def test_only_the_secretariat_acts_on_a_meeting(client, ninth, member_user):
    assert post_action(client, ninth, "cancel").status_code == 403
    client.force_login(member_user)
    assert post_action(client, ninth, "cancel").status_code == 403
    assert client.get(f"/meetings/{ninth.pk}/cancel/").status_code == 405
    ninth.refresh_from_db()
    assert ninth.status == "planned"


# --- the deadlines page ----------------------------------------------------------------------


@pytest.fixture
def record(programme, tmag, rules):
    """TMAG meetings around today: a cancelled one, three past ones with mixed records,
    one next week with papers out early, and one in three weeks."""
    today = timezone.localdate()
    cal = calendar_for_programme(programme)

    def working_day(offset: int) -> date:
        return cal.add_working_days(today, offset)

    past = [working_day(-40), working_day(-25), working_day(-4)]
    meetings = [make_meeting(tmag, day, n) for n, day in enumerate(past, start=1)]
    cancelled = make_meeting(tmag, working_day(-30), 10, status="cancelled")
    nxt = make_meeting(tmag, working_day(8), 4)
    later = make_meeting(tmag, working_day(15), 5)
    # Papers: on time, on time, late (the day before the meeting). Reports: on time, late, none.
    publish_papers(meetings[0], at(cal.add_working_days(past[0], -6), 9))
    publish_papers(meetings[1], at(cal.add_working_days(past[1], -5), 9))
    publish_papers(meetings[2], at(cal.add_working_days(past[2], -1), 9))
    publish_report(meetings[0], at(cal.add_working_days(past[0], 1), 16))
    publish_report(meetings[1], at(cal.add_working_days(past[1], 4), 16))
    publish_papers(nxt, at(today - timedelta(days=1), 9))
    return {
        "today": today,
        "cal": cal,
        "meetings": meetings,
        "cancelled": cancelled,
        "next": nxt,
        "later": later,
    }


def test_deadlines_page_overdue_first_then_due(client, record):
    body = text_of(client.get("/meetings/deadlines/"))
    table = body.split('id="due-heading"')[1].split("</table>")[0]
    rows = re.findall(r'<tr class="deadline-row deadline-row-(\w+)">(.*?)</tr>', table)
    statuses = [s for s, _ in rows]
    # The third meeting's headline report (due 2 working days after, 4 days ago) is overdue
    # and comes first; then what is due, by date.
    assert statuses[0] == "overdue"
    assert "overdue" not in statuses[statuses.index("due") :]
    overdue_row = rows[0][1]
    assert "Headline report issued" in overdue_row and "#3" in overdue_row
    assert "Overdue" in overdue_row and "days ago" in overdue_row
    assert "1 overdue" in table
    next_papers = [r for s, r in rows if "#4" in r and "papers" in r]
    assert next_papers and "Met on time" in next_papers[0]
    later_papers = [r for s, r in rows if "#5" in r and "papers" in r]
    assert later_papers and ">Due<" in later_papers[0]
    # Nothing of the cancelled meeting.
    assert "#10" not in table
    assert page_problems(client.get("/meetings/deadlines/").content.decode()) == []


def test_deadlines_window_and_group_filters(client, record, programme, pmo_user):
    narrow = text_of(client.get("/meetings/deadlines/?window=7"))
    table = narrow.split('id="due-heading"')[1].split("</table>")[0]
    assert "#5" not in table  # its papers are due in more than 7 days
    other = GroupFactory(programme=programme, acronym="OTHER", level=3)
    make_meeting(other, record["today"] + timedelta(days=10), 1)
    everyone = text_of(client.get("/meetings/deadlines/"))
    assert "OTHER" in everyone.split('id="due-heading"')[1]
    only_tmag = text_of(client.get("/meetings/deadlines/?group=TMAG"))
    assert "OTHER</span>" not in only_tmag.split('id="due-heading"')[1]
    # Anything unknown falls back to the defaults rather than failing.
    assert client.get("/meetings/deadlines/?window=9999&record=x").status_code == 200


def test_on_time_record_counts_only_passed_deadlines_of_held_meetings(client, record, tmag):
    body = text_of(client.get("/meetings/deadlines/"))
    record_table = body.split('id="record-heading"')[1].split("<table")[1].split("</table>")[0]
    row = record_table.split("TMAG</span>")[1].split("</tr>")[0]
    # Three past meetings (the cancelled one does not count): papers 2 of 3 on time,
    # headline reports 1 of 3 (the third meeting's is overdue, the second's was late).
    assert 'data-label="Meetings">3</td>' in row
    assert '2/3 on time</span> <span class="share-percent">(67%)' in row
    assert '1/3 on time</span> <span class="share-percent">(33%)' in row
    assert "Amendment" not in record_table
    overview = deadline_overview(
        user=None,
        programme=tmag.programme,
        today=record["today"],
        record_since=months_before(record["today"], 12),
    )
    [tmag_record] = overview.records
    assert tmag_record.summary == (
        "TMAG: papers 2/3 on time (67%), headline report 1/3 on time (33%)"
    )
    # A shorter record leaves out the oldest meeting (40 working days ago).
    short = deadline_overview(
        user=None,
        programme=tmag.programme,
        today=record["today"],
        record_since=record["today"] - timedelta(days=45),
    )
    assert short.records[0].meetings == 2


def test_deadlines_before_tracking_began_are_neither_overdue_nor_counted(
    client, record, tmag, programme
):
    # Tracking began after the third meeting's headline report fell due (4 days ago).
    programme.deadlines_tracked_from = record["today"] - timedelta(days=1)
    programme.save(update_fields=["deadlines_tracked_from"])
    body = text_of(client.get("/meetings/deadlines/"))
    table = body.split('id="due-heading"')[1].split("</table>")[0]
    assert "deadline-row-overdue" not in table and "0 overdue" in table
    overview = deadline_overview(
        user=None,
        programme=programme,
        today=record["today"],
        record_since=months_before(record["today"], 12),
    )
    # The unmet report of #3 is no longer counted against TMAG: 1 of 2, not 1 of 3.
    assert overview.records[0].summary == (
        "TMAG: papers 2/3 on time (67%), headline report 1/2 on time (50%)"
    )
    page = text_of(client.get(f"/meetings/{record['meetings'][2].pk}/"))
    assert "Not tracked" in page


def test_months_before():
    assert months_before(date(2024, 3, 31), 1) == date(2024, 2, 29)
    assert months_before(date(2024, 1, 15), 12) == date(2023, 1, 15)
    assert months_before(date(2024, 1, 15), 3) == date(2023, 10, 15)


# --- the programme calendar ---------------------------------------------------------------


def test_programme_calendar_filters(client, programme, ninth, rules, pmo_user):
    design = WorkstreamFactory(programme=programme, name="Design")
    dag = GroupFactory(programme=programme, acronym="DAG", level=3, workstream=design)
    services.configure_meeting_series(actor=pmo_user, group=dag, starts_on=date(2022, 1, 1))
    services.generate_meetings(
        actor=pmo_user, group=dag, until=date(2022, 12, 31), now=at(date(2022, 1, 1), 0)
    )
    everyone = text_of(client.get("/meetings/?month=2022-09"))
    assert "DAG </span>#9" in everyone and "TMAG </span>#9" in everyone
    by_workstream = text_of(client.get("/meetings/?month=2022-09&workstream=Design"))
    assert "DAG </span>#9" in by_workstream and "TMAG </span>#9" not in by_workstream
    by_group = text_of(client.get("/meetings/?month=2022-09&group=TMAG"))
    assert "TMAG </span>#9" in by_group and "DAG </span>#9" not in by_group
    assert "(1 chosen)" in by_group
    by_level = text_of(client.get("/meetings/?month=2022-09&level=2"))
    assert "No meetings in September 2022." in by_level
    listing = text_of(client.get("/meetings/?view=list&when=past&group=DAG&group=TMAG"))
    assert "DAG</span> #12" in listing and "TMAG</span> #12" in listing


# --- query counts do not grow with the meetings -----------------------------------------------


def _grow(programme, pmo_user, n_groups: int, start: int, today: date) -> None:
    for i in range(start, start + n_groups):
        g = GroupFactory(
            programme=programme,
            acronym=f"G{i}",
            level=3,
            schedule_rrule="FREQ=WEEKLY;BYDAY=TU,TH",
        )
        services.configure_meeting_series(
            actor=pmo_user, group=g, starts_on=today - timedelta(days=400)
        )
        services.generate_meetings(
            actor=pmo_user,
            group=g,
            until=today + timedelta(days=200),
            now=at(today - timedelta(days=401), 0),
        )
        for m in Meeting.objects.filter(group=g)[::3]:
            publish_papers(m, m.start - timedelta(days=9))


@pytest.mark.parametrize("who", ["anonymous", "secretariat"])
def test_query_counts_are_constant(client, programme, tmag, rules, pmo_user, who):
    if who == "secretariat":
        client.force_login(pmo_user)
    today = timezone.localdate()
    _grow(programme, pmo_user, 1, 0, today)
    meeting = Meeting.objects.filter(group__acronym="G0").order_by("start")[10]
    month = f"{today:%Y-%m}"
    urls = [
        "/meetings/",
        f"/meetings/?month={month}&level=3",
        "/meetings/?view=list",
        "/meetings/?view=list&when=past",
        "/meetings/groups/G0/",
        "/meetings/groups/G0/?view=list",
        "/meetings/groups/G0/?view=list&when=past",
        f"/meetings/{meeting.pk}/",
        "/meetings/deadlines/",
        "/meetings/deadlines/?record=24&window=90",
    ]
    small = {url: count_queries(partial(client.get, url)) for url in urls}
    before = Meeting.objects.count()
    _grow(programme, pmo_user, 4, 100, today)
    assert Meeting.objects.count() >= 4 * before
    large = {url: count_queries(partial(client.get, url)) for url in urls}
    assert large == small


# --- past meetings not marked held, in bulk ------------------------------------------------


def test_the_secretariat_marks_past_meetings_held_in_bulk(client, year_2022, pmo_user, member_user):
    past = list(Meeting.objects.filter(group=year_2022).order_by("start"))
    assert all(m.status == "planned" for m in past)
    assert client.get("/meetings/not-held/").status_code == 302  # sign in first
    client.force_login(member_user)
    body = text_of(client.get("/meetings/not-held/"))
    assert "Every meeting of your groups that has started is marked held" in body
    client.force_login(pmo_user)
    response = client.get("/meetings/not-held/")
    assert page_problems(response.content.decode()) == []
    body = text_of(response)
    assert "12 meetings to mark held" in body
    assert body.count('name="meetings"') == 12 and body.count(" checked") == 12
    # Nothing ticked: refused, nothing written.
    refused = client.post("/meetings/not-held/", {})
    assert refused.status_code == 400
    assert "Tick the meetings that took place." in text_of(refused)
    # All but the last: those are marked held, with their report drafts; one remains.
    ticked = [m.pk for m in past[:-1]]
    done = client.post("/meetings/not-held/", {"meetings": ticked})
    assert done.status_code == 302
    held = Meeting.objects.filter(pk__in=ticked)
    assert {m.status for m in held} == {"held"}
    assert all(hasattr(m, "headline_report") for m in held)
    page = text_of(client.get("/meetings/not-held/"))
    assert "11 meetings marked held" in page and "1 meeting to mark held" in page
    # A meeting no longer waiting (marked held meanwhile) is refused by name.
    stale = client.post("/meetings/not-held/", {"meetings": [past[0].pk]})
    assert stale.status_code == 400
    assert "no longer waiting to be marked held" in text_of(stale)


def test_bulk_mark_held_is_all_or_nothing(year_2022, pmo_user):
    meetings = list(Meeting.objects.filter(group=year_2022).order_by("start")[:3])
    services.cancel_meeting(
        actor=pmo_user, meeting=meetings[1], expected_version=meetings[1].version, note="Off"
    )
    meetings[1].refresh_from_db()
    with pytest.raises(ValidationError, match="TMAG #2: A cancelled meeting cannot be marked held"):
        services.mark_meetings_held(actor=pmo_user, meetings=meetings)
    assert not Meeting.objects.filter(pk__in=[m.pk for m in meetings], status="held").exists()


def test_the_command_marks_every_past_meeting_held_but_the_cancelled(year_2022, pmo_user):
    from io import StringIO

    from django.core.management import call_command

    tenth = Meeting.objects.get(group=year_2022, number_major=10)
    services.cancel_meeting(
        actor=pmo_user, meeting=tenth, expected_version=tenth.version, note="Stood down"
    )
    out = StringIO()
    call_command("mark_meetings_held", stdout=out)
    assert "11 past meetings marked held." in out.getvalue()
    statuses = dict(Meeting.objects.filter(group=year_2022).values_list("number_major", "status"))
    assert statuses[10] == "cancelled"
    assert {s for n, s in statuses.items() if n != 10} == {"held"}
    call_command("mark_meetings_held", stdout=out)
    assert "0 past meetings marked held." in out.getvalue()
