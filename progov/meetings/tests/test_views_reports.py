"""Headline report pages and fragments: drafts only for the secretariat, editing and
publishing with and without JavaScript, amendment requests and answers, errors linked
to their fields, stale edits, sanitised Markdown, CSP/accessibility, query counts."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from progov.core.testing.factories import GroupFactory, UserFactory
from progov.core.testing.html_checks import page_problems
from progov.meetings import services
from progov.meetings.models import AmendmentRequest, HeadlineReport
from progov.meetings.selectors.reports import (
    ReportSection,
    ReportSectionItem,
    register_report_section,
    unregister_report_section,
)
from progov.meetings.tests.attendance_world import meeting_of
from progov.meetings.views.reports import headline_report_context

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def meeting(programme):
    return meeting_of(GroupFactory(programme=programme, acronym="PSG"), status="held")


@pytest.fixture
def report(meeting, pmo_user):
    return services.start_headline_report(actor=pmo_user, meeting=meeting)


@pytest.fixture
def published(report, pmo_user):
    return services.publish_headline_report(actor=pmo_user, report=report, expected_version=1)


@pytest.fixture
def pmo(client, pmo_user):
    client.force_login(pmo_user)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def url(meeting, tail="") -> str:
    return f"/meetings/{meeting.pk}/headline-report/{tail}"


def test_a_draft_is_hidden_from_everyone_but_the_secretariat(client, meeting, report, member_user):
    anonymous = client.get(url(meeting))
    assert anonymous.status_code == 200
    assert "has not been published yet" in text(anonymous)
    assert "headline report</h3>" not in anonymous.content.decode()
    client.force_login(member_user)
    assert "has not been published yet" in text(client.get(url(meeting)))


def test_the_secretariat_sees_and_edits_the_draft(pmo, meeting, report):
    response = pmo.get(url(meeting))
    html = response.content.decode()
    assert "only the secretariat can see this draft" in html
    assert "<h3>Programme Steering Group #24 — headline report</h3>" not in html  # factory name
    assert 'name="body"' in html and "Publish the report" in html
    # Publishing asks first, as publishing a paper does.
    assert (
        f'hx-confirm="Publish the headline report of {meeting.group.acronym} #{meeting.number}'
        in html
    )
    assert 'aria-describedby="report-body-hint"' in html
    assert page_problems(html) == []


def test_edit_without_js_redirects_and_crlf_is_no_change(pmo, meeting, report):
    response = pmo.post(url(meeting), {"body": report.body.replace("\n", "\r\n"), "version": 1})
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{meeting.pk}/#headline-report"
    assert HeadlineReport.objects.get().version == 1
    pmo.post(url(meeting), {"body": "## Decisions\n\n* Approved", "version": 1})
    assert HeadlineReport.objects.get().body == "## Decisions\n\n* Approved"


def test_edit_with_htmx_swaps_the_section(pmo, meeting, report):
    response = pmo.post(url(meeting), {"body": "## Decisions", "version": 1}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="headline-report"')
    assert "Headline report saved." in html and "<h3>Decisions</h3>" in html
    assert page_problems(html, fragment=True) == []


def test_a_stale_edit_keeps_the_text_and_explains(pmo, meeting, report, pmo_user):
    services.update_headline_report(
        actor=pmo_user, report=report, expected_version=1, body="Theirs"
    )
    response = pmo.post(url(meeting), {"body": "Mine", "version": 1})
    assert response.status_code == 409
    html = response.content.decode()
    assert "changed since you loaded the page" in html
    assert ">\nMine</textarea>" in html  # one leading newline: HTML drops it
    assert 'aria-describedby="report-body-hint report-body-error"' in html
    assert HeadlineReport.objects.get().body == "Theirs"
    assert page_problems(html) == []


def test_publish_without_and_with_js(pmo, meeting, report):
    response = pmo.post(url(meeting, "publish/"), {"version": 1})
    assert response.status_code == 302
    assert HeadlineReport.objects.get().status == "published"
    again = pmo.post(url(meeting, "publish/"), {"version": 2}, **HX)
    assert again.status_code == 200 and "already published" in text(again)


def test_publishing_an_empty_report_explains(pmo, meeting, report, pmo_user):
    services.update_headline_report(actor=pmo_user, report=report, expected_version=1, body=" ")
    response = pmo.post(url(meeting, "publish/"), {"version": 2})
    assert response.status_code == 400
    assert "An empty headline report cannot be published." in text(response)


def test_published_report_is_public_and_rendered_safely(client, meeting, published, pmo_user):
    services.update_headline_report(
        actor=pmo_user,
        report=published,
        expected_version=2,
        body="# Decisions\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))",
    )
    response = client.get(url(meeting))
    html = response.content.decode()
    assert "<h3>Decisions</h3>" in html  # "#" sits under the section's h2
    assert "<script>alert" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html
    assert "Sign in</a> to see or request amendments" in html
    assert page_problems(html) == []


def test_request_an_amendment_as_a_participant(client, meeting, published, member_user):
    client.force_login(member_user)
    page = client.get(url(meeting)).content.decode()
    assert 'id="amendment-text"' in page and page_problems(page) == []
    response = client.post(url(meeting, "amendments/"), {"text": "Record the DNO view."})
    assert response.status_code == 302
    amendment = AmendmentRequest.objects.get()
    assert amendment.requested_by == member_user
    assert "Record the DNO view." in text(client.get(url(meeting)))
    empty = client.post(url(meeting, "amendments/"), {"text": " "})
    assert empty.status_code == 400
    html = empty.content.decode()
    assert 'href="#amendment-text"' in html
    assert 'aria-describedby="amendment-text-hint amendment-text-error"' in html


def test_anonymous_cannot_request(client, meeting, published):
    assert client.post(url(meeting, "amendments/"), {"text": "x"}).status_code == 403


def test_answer_and_close(pmo, meeting, published, member_user):
    amendment = services.request_amendment(actor=member_user, report=published, text="Add X")
    answer = url(meeting, f"amendments/{amendment.pk}/answer/")
    page = pmo.get(url(meeting)).content.decode()
    assert f'id="answer-{amendment.pk}"' in page and page_problems(page) == []
    empty = pmo.post(answer, {"response": "", "version": 1, "close": "1"})
    assert empty.status_code == 400
    html = empty.content.decode()
    assert f'href="#answer-{amendment.pk}"' in html
    assert f'aria-describedby=" answer-{amendment.pk}-error"' in html or (
        f"answer-{amendment.pk}-error" in html
    )
    kept_open = pmo.post(answer, {"response": "Will add", "version": 1, "close": "0"}, **HX)
    assert kept_open.status_code == 200 and "answered." in text(kept_open)
    closed = pmo.post(answer, {"response": "", "version": 2, "close": "1"})
    assert closed.status_code == 302
    amendment.refresh_from_db()
    assert (amendment.status, amendment.response) == ("closed", "Will add")


def test_members_cannot_answer_or_edit(client, meeting, published, member_user):
    amendment = services.request_amendment(actor=member_user, report=published, text="Add X")
    client.force_login(member_user)
    assert client.post(url(meeting), {"body": "x", "version": 2}).status_code == 403
    assert client.post(url(meeting, "publish/"), {"version": 2}).status_code == 403
    answer = url(meeting, f"amendments/{amendment.pk}/answer/")
    assert client.post(answer, {"response": "x", "version": 1}).status_code == 403


def test_hidden_meeting_is_404(client, programme, pmo_user):
    hidden = meeting_of(GroupFactory(programme=programme, visibility="participants"), status="held")
    assert client.get(url(hidden)).status_code == 404


def test_an_anonymous_amendment_to_a_hidden_meeting_is_404_like_a_missing_one(
    client, programme, pmo_user
):
    """Regression (access matrix): signed out, a hidden meeting answered 403 ("sign in"),
    a missing one 404, so the answer told that the hidden meeting exists."""
    hidden = meeting_of(GroupFactory(programme=programme, visibility="participants"), status="held")
    report = services.start_headline_report(actor=pmo_user, meeting=hidden)
    services.publish_headline_report(actor=pmo_user, report=report, expected_version=1)
    assert client.post(url(hidden, "amendments/"), {"text": "x"}).status_code == 404
    missing = f"/meetings/{hidden.pk + 1000}/headline-report/amendments/"
    assert client.post(missing, {"text": "x"}).status_code == 404
    assert not AmendmentRequest.objects.exists()


def test_no_report_before_the_meeting_is_held(client, programme):
    planned = meeting_of(GroupFactory(programme=programme))
    response = client.get(url(planned))
    assert "drafted when the meeting is marked held" in text(response)
    assert client.post(url(planned, "amendments/"), {"text": "x"}).status_code == 403


def test_registered_sections_show_under_the_report(client, meeting, published):
    @register_report_section(key="actions", order=20)
    def actions(m, user):
        return ReportSection("actions", "Actions", [ReportSectionItem("PSG24-01", "Send the plan")])

    try:
        body = text(client.get(url(meeting)))
        assert '<h3 id="report-actions">Actions</h3>' in body
        assert "<strong>PSG24-01</strong>: Send the plan" in body
    finally:
        unregister_report_section("actions")


def test_fragment_renders_from_the_documented_context(meeting, published, member_user):
    request = RequestFactory().get("/")
    request.user = member_user
    context = headline_report_context(request, meeting)
    assert {"meeting", "report", "amendments", "can_write", "user"} <= set(context)
    html = render_to_string("meetings/_headline_report.html", context, request=request)
    assert page_problems(html, fragment=True) == []


def _queries(client, meeting) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url(meeting)).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_amendments(pmo, meeting, published, programme):
    before = _queries(pmo, meeting)
    for i in range(8):
        user = UserFactory(username=f"participant{i}", role="member")
        services.request_amendment(actor=user, report=published, text=f"Request {i}")
    assert _queries(pmo, meeting) == before


def test_publishing_with_js_announces_the_deadlines_change(pmo, meeting, report):
    response = pmo.post(url(meeting, "publish/"), {"version": 1}, **HX)
    assert response.status_code == 200 and response["HX-Trigger"] == "deadlines-changed"
    # A refusal changes nothing, so it announces nothing.
    again = pmo.post(url(meeting, "publish/"), {"version": 2}, **HX)
    assert "HX-Trigger" not in again
