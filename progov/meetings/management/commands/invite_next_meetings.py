"""`manage.py invite_next_meetings [--programme SLUG]`: invite each group's current
members to its next meeting (what the secretariat's "Issue invitations" button does on
one meeting), so the demo's next meetings show who is invited and how each constituency
is covered."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from progov.core.commands import ProgovCommand
from progov.core.errors import NotFound
from progov.governance import selectors as governance_selectors
from progov.meetings import selectors, services


class Command(ProgovCommand):
    help = "Invite each group's current members to its next meeting (idempotent)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--programme", help="the programme's slug (default: the only one)")

    def handle_act(self, *args: Any, **options: Any) -> None:
        try:
            programme = governance_selectors.current_programme(slug=options.get("programme"))
        except NotFound as exc:
            raise CommandError(exc.message) from None
        invited = 0
        meetings = selectors.next_meeting_of_each_group(
            user=None, programme=programme, now=timezone.now()
        )
        for meeting in meetings:
            report = services.issue_invitations(actor=None, meeting=meeting)
            invited += len(report.invited)
        self.stdout.write(
            f"{programme.short_name or programme.name}: {invited} invitations to the next "
            f"meetings of {len(meetings)} groups."
        )
