"""A decision's publication and its working-day deadline; its conditions tracked; the
agenda item it was decided under."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from progov.core.errors import PermissionDenied, ValidationError
from progov.core.testing.api import api_call, check_versioned_write
from progov.core.testing.audit import assert_audited, audit_head
from progov.core.testing.html_checks import page_problems
from progov.core.testing.views import sign_in
from progov.decisions import services
from progov.decisions.models import Condition, Decision
from progov.decisions.selectors import publication_of
from progov.governance.models import DeadlineKey, DeadlineRule
from progov.meetings.models import AgendaItem, HeadlineReport, ReportStatus

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def published_world(rules_world: dict[str, Any]) -> dict[str, Any]:
    """The framework's rule: decisions published 5 working days after the meeting."""
    DeadlineRule.objects.create(
        programme=rules_world["psg"].programme,
        key=DeadlineKey.DECISIONS_PUBLISHED_DUE,
        label="Decisions published",
        working_days=5,
        direction=DeadlineRule.Direction.AFTER,
        anchor=DeadlineRule.Anchor.MEETING,
    )
    return rules_world


def _decide(w: dict[str, Any], actor: Any, **values: Any) -> Decision:
    return services.record_decision(
        actor=actor,
        group=w["psg"],
        meeting=w["psg24"],
        agenda_item=values.pop("agenda_item", None),
        decision=services.DecisionIn(
            subject=values.pop("subject", "Approve the plan"),
            subject_type="programme",
            outcome=values.pop("outcome", "accepted"),
            **values,
        ),
    )


def _fresh(decision: Decision) -> Decision:
    return Decision.objects.select_related(
        "group", "meeting", "meeting__group", "meeting__headline_report"
    ).get(pk=decision.pk)


def test_the_deadline_is_five_working_days_after_the_meeting_and_the_status_follows(
    published_world, pmo_user
):
    w = published_world
    made = _decide(w, pmo_user)
    # PSG #24 met on Wednesday 6 September 2023: five working days on is Wednesday 13th.
    before = publication_of(_fresh(made))
    assert before.due == date(2023, 9, 13) and before.published_on is None
    assert before.status == "overdue" and before.rule == "5 working days after the meeting"

    head = audit_head()
    services.publish_decision(
        actor=pmo_user, decision=made, expected_version=made.version, published_on=date(2023, 9, 12)
    )
    entry = assert_audited(made, "update", since=head)
    assert entry.changes["published_on"] == [None, "2023-09-12"]
    assert publication_of(_fresh(made)).status == "on_time"
    made.refresh_from_db()
    services.publish_decision(
        actor=pmo_user, decision=made, expected_version=made.version, published_on=date(2023, 9, 14)
    )
    assert publication_of(_fresh(made)).status == "late"


def test_a_decision_counts_as_published_with_its_meetings_headline_report(
    published_world, pmo_user
):
    w = published_world
    made = _decide(w, pmo_user)
    report = HeadlineReport.objects.create(meeting=w["psg24"], body="Decisions: …")
    assert publication_of(_fresh(made)).status == "overdue"  # a draft publishes nothing
    report.status = ReportStatus.PUBLISHED
    report.published_at = datetime(2023, 9, 11, 17, 30, tzinfo=LONDON)
    report.save()
    found = publication_of(_fresh(made))
    assert found.published_on == date(2023, 9, 11) and found.with_report
    assert found.status == "on_time"


def test_a_publication_day_before_the_decision_or_still_to_come_is_refused(
    published_world, pmo_user, member_user
):
    w = published_world
    made = _decide(w, pmo_user)
    for day, words in (
        (date(2023, 9, 5), "published on that day or later"),
        (date(2099, 1, 1), "not a day still to come"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.publish_decision(
                actor=pmo_user, decision=made, expected_version=made.version, published_on=day
            )
        assert words in refused.value.field_errors["published_on"][0]
    with pytest.raises(PermissionDenied):
        services.publish_decision(
            actor=member_user, decision=made, expected_version=made.version, published_on=None
        )
    made.refresh_from_db()
    assert made.published_on is None and made.version == 1


def test_publishing_and_tracking_a_condition_through_the_api(client, published_world, pmo_user):
    w = published_world
    made = _decide(
        w, pmo_user, outcome="conditional", conditions=["Minor amendments first", "A plan"]
    )
    url = f"/api/v1/decisions/{made.ref}"
    got = api_call(client, "GET", url).json()  # type: ignore[attr-defined]
    assert got["publish_by"] == "2023-09-13" and got["publication"] == "overdue"
    assert got["published_on"] is None
    done: Any = check_versioned_write(
        client,
        "POST",
        f"{url}/publish",
        {"published_on": "2023-09-12"},
        obj=made,
        user=pmo_user,
        fields=["published_on"],
    )
    assert done.json()["publication"] == "on_time"
    assert done.json()["published_on"] == "2023-09-12"
    made.refresh_from_db()
    bad = api_call(
        client,
        "POST",
        f"{url}/publish",
        {"published_on": "2023-02-30"},
        user=pmo_user,
        if_match=made.version,
    )
    assert bad.status_code == 422

    first, second = got["conditions"]
    assert first["status"] == "open" and second["text"] == "A plan"
    condition = Condition.objects.get(pk=first["id"])
    met: Any = check_versioned_write(
        client,
        "POST",
        f"{url}/conditions/{first['id']}",
        {"status": "met"},
        obj=made,
        user=pmo_user,
        audited=condition,
    )
    assert [c["status"] for c in met.json()["conditions"]] == ["met", "open"]
    made.refresh_from_db()
    wrong = api_call(
        client,
        "POST",
        f"{url}/conditions/{first['id']}",
        {"status": "done"},
        user=pmo_user,
        if_match=made.version,
    )
    assert wrong.status_code == 422
    other = _decide(w, pmo_user, subject="Another", outcome="conditional", conditions=["Theirs"])
    elsewhere = api_call(
        client,
        "POST",
        f"{url}/conditions/{other.conditions.get().pk}",
        {"status": "met"},
        user=pmo_user,
        if_match=made.version,
    )
    assert elsewhere.status_code == 404


def test_the_decision_page_shows_the_deadline_and_records_publication_and_conditions(
    client, published_world, pmo_user
):
    w = published_world
    item = AgendaItem.objects.create(meeting=w["psg24"], position=3, title="Re-plan")
    sign_in(client, pmo_user)
    record = f"/decisions/record/PSG/?meeting={w['psg24'].pk}"
    form = client.get(record).content.decode()
    assert "3. Re-plan" in form
    made = client.post(
        record,
        {
            "meeting": w["psg24"].pk,
            "agenda_item": item.pk,
            "subject": "Approve the plan",
            "subject_type": "programme",
            "outcome": "conditional",
            "conditions": "Minor amendments first",
            "basis": "consensus",
        },
    )
    assert made.status_code == 302, made.content.decode()[:2000]
    decision = Decision.objects.get()
    assert decision.agenda_item == item
    page = client.get(f"/decisions/{decision.ref}/").content.decode()
    assert "3. Re-plan" in page and f"#agenda-item-{item.pk}" in page
    assert "due by 13 September 2023: 5 working days after the meeting" in page
    assert "overdue" in page and not page_problems(page)

    publish = f"/decisions/{decision.ref}/publish/"
    assert "due by 13 September 2023" in client.get(publish).content.decode()
    refused = client.post(publish, {"version": decision.version, "published_on": "2023-09-01"})
    assert (
        refused.status_code == 400 and "published on that day or later" in refused.content.decode()
    )
    done = client.post(publish, {"version": decision.version, "published_on": "2023-09-12"})
    assert done.status_code == 302
    page = client.get(f"/decisions/{decision.ref}/").content.decode()
    assert "12 September 2023 — on time" in page

    decision.refresh_from_db()
    condition = decision.conditions.get()
    status = f"/decisions/{decision.ref}/conditions/{condition.pk}/"
    assert client.post(status, {"version": decision.version, "status": "met"}).status_code == 302
    condition.refresh_from_db()
    assert condition.status == "met"
    stale = client.post(status, {"version": decision.version, "status": "not_met"})
    assert stale.status_code == 409, stale.status_code
    assert "was changed by someone else since you loaded the page" in stale.content.decode()
    condition.refresh_from_db()
    assert condition.status == "met"
