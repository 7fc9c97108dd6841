"""`manage.py invite_next_meetings`: each group's next meeting invites its current
members (the demo runs it, so its next meetings show who is invited)."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from progov.core.testing.factories import GroupFactory, MeetingFactory, MembershipFactory
from progov.meetings import selectors
from progov.meetings.models import Attendance

pytestmark = pytest.mark.django_db


def test_the_next_meeting_of_each_group_invites_its_members(programme, psg):
    dag = GroupFactory(programme=programme, acronym="DAG", level=3, parent=psg)
    now = timezone.now()
    past = MeetingFactory(group=psg, start=now - timedelta(days=30), number_major=1)
    nxt = MeetingFactory(group=psg, start=now + timedelta(days=7), number_major=2)
    later = MeetingFactory(group=psg, start=now + timedelta(days=37), number_major=3)
    cancelled = MeetingFactory(
        group=dag, start=now + timedelta(days=3), number_major=1, status="cancelled"
    )
    dag_next = MeetingFactory(group=dag, start=now + timedelta(days=10), number_major=2)
    member = MembershipFactory(group=psg, start_date=date(2022, 1, 1))
    MembershipFactory(group=dag, start_date=date(2022, 1, 1))
    ended = MembershipFactory(group=psg, start_date=date(2020, 1, 1), end_date=date(2021, 1, 1))
    assert selectors.next_meeting_of_each_group(user=None, programme=programme, now=now) == [
        dag_next,
        nxt,
    ]
    out = StringIO()
    call_command("invite_next_meetings", stdout=out)
    assert "2 invitations to the next meetings of 2 groups" in out.getvalue()
    assert list(Attendance.objects.filter(meeting=nxt).values_list("person", flat=True)) == [
        member.person_id
    ]
    assert not Attendance.objects.filter(meeting__in=[past, later, cancelled]).exists()
    assert not Attendance.objects.filter(person=ended.person).exists()
    call_command("invite_next_meetings", stdout=StringIO())  # again: nothing new
    assert Attendance.objects.count() == 2


def test_an_unknown_programme_is_named(programme):
    with pytest.raises(CommandError, match="No programme"):
        call_command("invite_next_meetings", "--programme", "nope", stdout=StringIO())
