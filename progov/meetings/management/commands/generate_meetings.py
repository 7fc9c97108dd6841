"""`progov meetings generate` / `manage.py generate_meetings`: create scheduled meetings.

    progov meetings generate --until 2027-12-31
    progov meetings generate --until 2027-12-31 --group PSG --group TMAG
    progov meetings generate --until 2027-12-31 --pack progov/packs/mhhs.yaml

Every group with a schedule gets its meetings up to `--until` (stood-down groups stop at
their stand-down date), through `progov.meetings.services.generate_meetings`; running it
again creates nothing. With `--pack`, the pack's `meeting_changes` (moves, cancellations,
extraordinary meetings) are applied afterwards.
"""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.db.models import F

from progov.core.commands import ProgovCommand
from progov.core.errors import DomainError
from progov.core.packs import PackError, read_pack_file
from progov.governance.models import GovernanceGroup
from progov.meetings.pack import apply_meeting_changes


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--until {text!r} is not a date; write it as YYYY-MM-DD.") from None


class Command(ProgovCommand):
    help = (
        "Create the meetings of every group with a schedule up to --until (default: the "
        "end of next year), numbered from each group's series. Moved, cancelled and held "
        "meetings are kept; running it again creates nothing. Meetings that fall on a bank "
        "holiday are listed, to be moved."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--until",
            type=_day,
            default=None,
            help="last day to generate meetings for, YYYY-MM-DD (default: 31 December next year)",
        )
        parser.add_argument(
            "--group",
            action="append",
            default=[],
            metavar="ACRONYM",
            help="only this group (repeat for more), e.g. --group PSG --group TMAG",
        )
        parser.add_argument(
            "--programme", metavar="SLUG", help="only this programme's groups, e.g. mhhs"
        )
        parser.add_argument(
            "--pack",
            metavar="PATH",
            help="then apply this pack's meeting_changes (moves, cancellations, "
            "extraordinary meetings), e.g. progov/packs/mhhs.yaml",
        )

    def handle_act(self, *args: Any, **options: Any) -> None:
        from progov.meetings import services

        until: date = options["until"] or date(date.today().year + 1, 12, 31)
        # Read the pack before writing anything, so a broken pack changes nothing.
        spec = None
        if options["pack"]:
            try:
                spec = read_pack_file(options["pack"])
            except PackError as exc:
                raise CommandError(exc.render()) from None
        groups = self._groups(options["group"], options["programme"])
        if not groups:
            self.stdout.write("No group has a schedule; nothing to generate.")
        else:
            self.stdout.write(f"Generating meetings until {until:%d %b %Y}:")
        created = kept = removed = renumbered = on_holidays = 0
        for group in groups:
            try:
                report = services.generate_meetings(actor=None, group=group, until=until)
            except DomainError as exc:
                raise CommandError(f"{group.acronym}: {exc.message}") from None
            self.stdout.write(f"  {report.render()}")
            created += len(report.created)
            kept += report.kept
            removed += len(report.removed)
            renumbered += report.renumbered
            on_holidays += len(report.on_non_working_days)
        if groups:
            scope = f"{len(groups)} group{'s' if len(groups) != 1 else ''}, until {until:%d %b %Y}"
            if created or removed or renumbered:
                total = (
                    f"Meetings: {created} created, {kept} already there, {removed} removed, "
                    f"{renumbered} renumbered ({scope})"
                )
                if on_holidays:
                    total += f"; {on_holidays} on a bank holiday, to move"
                self.stdout.write(total + ".")
            else:
                self.stdout.write(f"Meetings: nothing changed ({kept} already there; {scope}).")
        if spec is not None:
            only = [g.acronym for g in groups] if options["group"] else None
            try:
                changes = apply_meeting_changes(
                    spec, name=Path(options["pack"]).name, actor=None, groups=only
                )
            except PackError as exc:
                raise CommandError(exc.render()) from None
            self.stdout.write(changes.render())

    @staticmethod
    def _groups(acronyms: list[str], programme: str | None) -> list[GovernanceGroup]:
        qs = (
            GovernanceGroup.objects.exclude(schedule_rrule="")
            .filter(schedule_start_time__isnull=False, schedule_end_time__isnull=False)
            .select_related("programme")
        )
        if programme:
            qs = qs.filter(programme__slug=programme)
            if not GovernanceGroup.objects.filter(programme__slug=programme).exists():
                raise CommandError(f"No programme {programme!r} with groups.")
        groups = list(qs.order_by("programme__slug", F("level").asc(nulls_last=True), "acronym"))
        if acronyms:
            wanted = {a.upper() for a in acronyms}
            found = {g.acronym.upper() for g in groups}
            missing = sorted(wanted - found)
            if missing:
                known = ", ".join(g.acronym for g in groups)
                raise CommandError(
                    f"No group with a schedule called {', '.join(missing)}. "
                    f"Groups with a schedule: {known or 'none'}."
                )
            groups = [g for g in groups if g.acronym.upper() in wanted]
        return groups
