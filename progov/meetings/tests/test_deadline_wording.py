"""Deadline texts on the meeting pages come from the rules, never from the templates.

MHHS's headline report is due "within two working days" because its rule says 2; a
programme whose rule says 3 reads "three working days", and one without the rule reads
no number at all. The keys the code knows are one enum, `DeadlineKey`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from progov.core.testing.factories import GroupFactory
from progov.governance.models import DeadlineKey, DeadlineRule
from progov.meetings import services
from progov.meetings.deadlines import Deadline
from progov.meetings.models import Meeting
from progov.meetings.schemas import MeetingOut
from progov.meetings.templatetags.meeting_pages import deadline_rule, working_days_words
from progov.meetings.tests.attendance_world import meeting_of

pytestmark = pytest.mark.django_db
PACK = Path(__file__).resolve().parents[2] / "packs" / "mhhs.yaml"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def rule(programme, key: DeadlineKey, days: int, direction: str, **extra) -> DeadlineRule:
    return DeadlineRule.objects.create(
        programme=programme,
        key=key,
        label=key.label,
        working_days=days,
        direction=direction,
        **extra,
    )


@pytest.fixture
def held(programme) -> Meeting:
    return meeting_of(GroupFactory(programme=programme, acronym="PSG"), status="held")


def test_the_held_meeting_words_the_headline_rule_it_has(client, programme, held, pmo_user):
    rule(programme, DeadlineKey.HEADLINE_REPORT_DUE, 3, "after")
    page = text(client.get(f"/meetings/{held.pk}/"))
    assert "it is due within three working days of the meeting" in page
    assert "two working days" not in page


def test_the_words_follow_an_mhhs_like_rule(client, programme, held):
    rule(programme, DeadlineKey.HEADLINE_REPORT_DUE, 2, "after")
    page = text(client.get(f"/meetings/{held.pk}/headline-report/"))
    assert "it is due within two working days of the meeting" in page


def test_without_a_rule_no_number_is_made_up(client, programme, held):
    page = text(client.get(f"/meetings/{held.pk}/headline-report/"))
    assert "The headline report has not been published yet." in page
    assert "working day" not in page


def test_planned_meeting_and_the_mark_held_hint_word_the_rule(client, programme, pmo_user):
    rule(programme, DeadlineKey.HEADLINE_REPORT_DUE, 1, "after")
    planned = meeting_of(GroupFactory(programme=programme, acronym="DAG"))
    client.force_login(pmo_user)
    page = text(client.get(f"/meetings/{planned.pk}/"))
    assert "published within one working day." in page
    # The meeting is in the past (DAY), so the secretariat may mark it held.
    assert "its headline report draft starts, due one working day after." in page


def test_amendment_requests_word_the_participants_deadline(client, programme, held, member_user):
    rule(programme, DeadlineKey.AMENDMENTS_DUE, 4, "before", anchor="next_meeting")
    report = services.start_headline_report(actor=None, meeting=held)
    services.publish_headline_report(actor=None, report=report, expected_version=1)
    client.force_login(member_user)
    page = text(client.get(f"/meetings/{held.pk}/headline-report/"))
    assert "Send requests at least four working days before the next meeting;" in page
    assert "five working days" not in page


def test_a_rule_for_another_group_does_not_word_this_one(client, programme, held):
    other = GroupFactory(programme=programme, acronym="CCAG")
    rule(programme, DeadlineKey.HEADLINE_REPORT_DUE, 7, "after", group=other)
    page = text(client.get(f"/meetings/{held.pk}/headline-report/"))
    assert "seven working days" not in page


def test_working_days_words():
    def of(days: int) -> str:
        return working_days_words(DeadlineRule(working_days=days))

    assert [of(n) for n in (0, 1, 2, 5, 10, 12)] == [
        "no working days",
        "one working day",
        "two working days",
        "five working days",
        "ten working days",
        "12 working days",
    ]
    assert working_days_words(None) == ""


def test_the_rule_filter_names_the_anchor_from_the_rule_not_the_key():
    def deadline(key: str, anchor: str) -> Deadline:
        return Deadline(
            key=key,
            label="x",
            due=None,  # type: ignore[arg-type]
            working_days=5,
            direction="before",
            met_at=None,
            status="open",
            anchor=anchor,
        )

    assert deadline_rule(deadline("amendments_due", "next_meeting")) == (
        "5 working days before the next meeting"
    )
    assert deadline_rule(deadline("custom_due", "next_meeting")) == (
        "5 working days before the next meeting"
    )
    assert deadline_rule(deadline("papers_due", "meeting")) == "5 working days before the meeting"


def test_every_key_of_the_mhhs_pack_is_a_deadline_key():
    doc = yaml.safe_load(PACK.read_text(encoding="utf-8"))
    keys = {r["key"] for r in doc["deadline_rules"]}
    assert keys <= set(DeadlineKey.values)
    assert DeadlineKey.PAPERS_DUE in keys


def test_the_api_names_a_field_for_every_meeting_deadline_key():
    meeting_keys = set(DeadlineKey.values) - {DeadlineKey.CHANGE_REQUEST_DECISION_COMMUNICATED_DUE}
    assert meeting_keys <= set(MeetingOut.model_fields)
