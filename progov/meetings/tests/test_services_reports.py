"""Headline reports and amendment requests: drafting when held, editing, publishing,
requests from participants and the secretariat's answers; versions and audit."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser

from progov.audit.models import AuditEntry
from progov.audit.services import verify_chain
from progov.core.errors import PermissionDenied, StaleVersion, ValidationError
from progov.core.testing.factories import GroupFactory, PersonFactory
from progov.meetings import services
from progov.meetings.models import AgendaItem, HeadlineReport
from progov.meetings.tests.attendance_world import meeting_of

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2023, 9, 8, 9, 0, tzinfo=LONDON)


@pytest.fixture
def held(programme):
    group = GroupFactory(programme=programme, acronym="PSG", name="Programme Steering Group")
    meeting = meeting_of(group, date(2023, 9, 6), status="held")
    meeting.recording_link = "https://example.org/recording/psg24"
    meeting.save()
    AgendaItem.objects.create(meeting=meeting, position=1, title="Welcome", item_type="information")
    AgendaItem.objects.create(meeting=meeting, position=2, title="Break", item_type="break")
    AgendaItem.objects.create(
        meeting=meeting, position=3, title="M10 re-plan", item_type="decision"
    )
    return meeting


@pytest.fixture
def draft(held, pmo_user):
    return services.start_headline_report(actor=pmo_user, meeting=held)


@pytest.fixture
def published(draft, pmo_user):
    return services.publish_headline_report(
        actor=pmo_user, report=draft, expected_version=draft.version, now=NOW
    )


def entries_for(obj):
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("id")


def test_draft_lists_the_agenda_without_breaks(draft, held):
    assert draft.status == "draft" and draft.published_at is None
    body = draft.body
    assert body.startswith("# Programme Steering Group #24 — headline report\n")
    assert "Meeting held Wednesday 06 September 2023, 10:00." in body
    assert "Recording: <https://example.org/recording/psg24>" in body
    assert "## 1. Welcome (Information)" in body
    assert "## 3. M10 re-plan (Decision)" in body
    assert "Break" not in body
    assert [e.action for e in entries_for(draft)] == ["create"]


def test_starting_twice_returns_the_same_report(draft, held, pmo_user):
    assert services.start_headline_report(actor=pmo_user, meeting=held) == draft
    assert HeadlineReport.objects.count() == 1


def test_only_a_held_meeting_gets_a_report(programme, pmo_user):
    planned = meeting_of(GroupFactory(programme=programme))
    with pytest.raises(ValidationError, match="marked held"):
        services.start_headline_report(actor=pmo_user, meeting=planned)
    assert HeadlineReport.objects.count() == 0


def test_only_the_secretariat_starts_edits_and_publishes(draft, held, member_user):
    with pytest.raises(PermissionDenied):
        services.start_headline_report(actor=member_user, meeting=held)
    with pytest.raises(PermissionDenied):
        services.update_headline_report(
            actor=member_user, report=draft, expected_version=1, body="x"
        )
    with pytest.raises(PermissionDenied):
        services.publish_headline_report(actor=member_user, report=draft, expected_version=1)


def test_update_checks_the_version_and_is_audited(draft, pmo_user):
    updated = services.update_headline_report(
        actor=pmo_user, report=draft, expected_version=1, body="# New\n"
    )
    assert updated.version == 2 and updated.body == "# New\n"
    assert entries_for(draft).last().changes["body"][1] == "# New\n"
    with pytest.raises(StaleVersion):
        services.update_headline_report(
            actor=pmo_user, report=draft, expected_version=1, body="lost"
        )
    assert HeadlineReport.objects.get().body == "# New\n"


def test_form_line_endings_do_not_count_as_a_change(draft, pmo_user):
    same = services.update_headline_report(
        actor=pmo_user, report=draft, expected_version=1, body=draft.body.replace("\n", "\r\n")
    )
    assert same.version == 1
    assert [e.action for e in entries_for(draft)] == ["create"]


def test_publish_sets_the_time_the_deadline_is_judged_on(published):
    assert published.status == "published" and published.published_at == NOW
    assert published.version == 2
    assert entries_for(published).last().changes["status"] == ["draft", "published"]


def test_publish_refuses_twice_empty_and_unheld(published, pmo_user, programme):
    with pytest.raises(ValidationError, match="already published"):
        services.publish_headline_report(actor=pmo_user, report=published, expected_version=2)
    group = GroupFactory(programme=programme)
    other = meeting_of(group, status="held")
    report = services.start_headline_report(actor=pmo_user, meeting=other)
    services.update_headline_report(actor=pmo_user, report=report, expected_version=1, body=" \n")
    with pytest.raises(ValidationError) as empty:
        services.publish_headline_report(actor=pmo_user, report=report, expected_version=2)
    assert "body" in empty.value.field_errors
    other.status = "confirmed"  # e.g. marked held by mistake and corrected
    other.save()
    services.update_headline_report(actor=pmo_user, report=report, expected_version=2, body="x")
    with pytest.raises(ValidationError, match="was held"):
        services.publish_headline_report(actor=pmo_user, report=report, expected_version=3)


def test_a_published_report_can_be_amended_but_not_emptied(published, pmo_user):
    amended = services.update_headline_report(
        actor=pmo_user, report=published, expected_version=2, body="Amended text"
    )
    assert amended.status == "published" and amended.published_at == NOW
    with pytest.raises(ValidationError, match="cannot be emptied"):
        services.update_headline_report(
            actor=pmo_user, report=published, expected_version=3, body="  "
        )


def test_any_signed_in_participant_may_request_an_amendment(published, member_user, programme):
    PersonFactory(programme=programme, name="Dana Network", user=member_user)
    amendment = services.request_amendment(
        actor=member_user, report=published, text="  Record the DNO objection.  ", now=NOW
    )
    assert amendment.requester_name == "Dana Network"  # the directory's name for the login
    assert amendment.text == "Record the DNO objection."
    assert amendment.status == "open" and amendment.submitted_at == NOW
    assert amendment.requested_by == member_user
    assert entries_for(amendment).get().action == "create"


def test_requests_need_a_signed_in_user_a_published_report_and_text(draft, pmo_user, member_user):
    with pytest.raises(PermissionDenied):
        services.request_amendment(actor=AnonymousUser(), report=draft, text="x")
    with pytest.raises(ValidationError, match="once the report is published"):
        services.request_amendment(actor=member_user, report=draft, text="x")
    services.publish_headline_report(actor=pmo_user, report=draft, expected_version=1)
    # The object the caller holds is stale (still a draft): the service reads the row.
    amendment = services.request_amendment(actor=member_user, report=draft, text="Add X")
    assert amendment.requester_name == "member"
    with pytest.raises(ValidationError) as empty:
        services.request_amendment(actor=member_user, report=draft, text="   ")
    assert "text" in empty.value.field_errors


@pytest.fixture
def amendment(published, member_user):
    return services.request_amendment(
        actor=member_user, report=published, text="Record the DNO objection.", now=NOW
    )


def test_answer_closes_by_default(amendment, pmo_user):
    answered = services.answer_amendment(
        actor=pmo_user, amendment=amendment, expected_version=1, response="Added.", now=NOW
    )
    assert answered.status == "closed" and answered.closed_at == NOW
    assert answered.response == "Added." and answered.answered_by == pmo_user
    changes = entries_for(amendment).last().changes
    assert changes["status"] == ["open", "closed"]
    assert changes["answered_by"] == [None, "pmo"]
    with pytest.raises(ValidationError, match="already closed"):
        services.answer_amendment(
            actor=pmo_user, amendment=amendment, expected_version=2, response="again"
        )
    assert verify_chain() > 0


def test_answer_and_keep_open_then_close_keeping_the_answer(amendment, pmo_user):
    answered = services.answer_amendment(
        actor=pmo_user,
        amendment=amendment,
        expected_version=1,
        response="Will be added\r\nnext month.",
        close=False,
    )
    assert answered.status == "answered" and answered.closed_at is None
    assert answered.response == "Will be added\nnext month."
    closed = services.answer_amendment(
        actor=pmo_user, amendment=amendment, expected_version=2, response=""
    )
    assert closed.status == "closed" and closed.response == "Will be added\nnext month."


def test_answer_needs_text_the_secretariat_and_the_current_version(
    amendment, pmo_user, member_user
):
    with pytest.raises(ValidationError) as empty:
        services.answer_amendment(
            actor=pmo_user, amendment=amendment, expected_version=1, response=" "
        )
    assert "response" in empty.value.field_errors
    with pytest.raises(PermissionDenied):
        services.answer_amendment(
            actor=member_user, amendment=amendment, expected_version=1, response="x"
        )
    with pytest.raises(StaleVersion):
        services.answer_amendment(
            actor=pmo_user, amendment=amendment, expected_version=7, response="x"
        )


def test_marking_held_starts_the_draft_once(programme, pmo_user):
    group = GroupFactory(programme=programme)
    meeting = meeting_of(group, date(2023, 9, 6))
    services.mark_meeting_held(actor=pmo_user, meeting=meeting, expected_version=1, now=NOW)
    report = HeadlineReport.objects.get(meeting=meeting)
    assert report.status == "draft"
    meeting.refresh_from_db()
    services.mark_meeting_held(
        actor=pmo_user, meeting=meeting, expected_version=meeting.version, now=NOW
    )
    assert HeadlineReport.objects.filter(meeting=meeting).count() == 1
