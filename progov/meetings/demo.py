"""Papers the demo makes for itself, so the access model can be seen at work.

The seeds' own packs are not shipped (they are PDFs of another organisation), so the demo
renders two papers from each demo meeting's data: its agenda (`public`, as a meeting pack
is) and the group's seats and members (`group`, for the group's members only). They are
uploaded and published through the services, like any paper.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone

from progov.governance.models import Membership
from progov.governance.selectors import current_on
from progov.meetings import services
from progov.meetings.models import Meeting, Paper, PaperKind
from progov.meetings.selectors.agenda import agenda_for


@dataclass(frozen=True)
class DemoPaper:
    title: str
    filename: str
    classification: str
    text: str


def agenda_text(meeting: Meeting) -> str:
    """The meeting's agenda as plain text: number, time, title, type and lead of each item."""
    agenda = agenda_for(meeting)
    start = timezone.localtime(meeting.start)
    lines = [
        f"{meeting.group.name} ({meeting.group.acronym}) #{meeting.number}",
        f"{start:%A %-d %B %Y}, {agenda.starts_at:%H:%M}–{agenda.meeting_ends_at:%H:%M}",
        "",
        "Agenda",
        "",
    ]
    for row in agenda.rows:
        lead = f" — {row.item.lead}" if row.item.lead else ""
        lines.append(
            f"{row.number}. {row.time_text}  {row.item.title} "
            f"({row.item.get_item_type_display()}){lead}"
        )
        if row.item.objective:
            lines.append(f"   {row.item.objective}")
    lines += ["", agenda.summary, "", "Rendered by progov from the meeting's agenda."]
    return "\n".join(lines) + "\n"


def members_text(meeting: Meeting) -> str:
    """The group's seats on the meeting's day and who holds each (vacant when no one)."""
    on = timezone.localtime(meeting.start).date()
    held: dict[int | None, list[str]] = {}
    for m in (
        Membership.objects.filter(current_on(on), group=meeting.group)
        .select_related("person")
        .order_by("person__name")
    ):
        held.setdefault(m.seat_id, []).append(f"{m.person.name} ({m.get_role_display()})")
    lines = [
        f"{meeting.group.acronym} #{meeting.number}: seats and members on {on:%-d %B %Y}",
        "For the group's members: not for circulation beyond the group.",
        "",
    ]
    for seat in meeting.group.seats.order_by("position", "id"):
        holders = ", ".join(held.get(seat.pk, [])) or "vacant"
        lines.append(f"{seat.label}: {holders}")
    others = held.get(None, [])
    if others:
        lines += ["", "Members without a seat of the terms of reference:", *others]
    return "\n".join(lines) + "\n"


def demo_papers(meeting: Meeting) -> list[DemoPaper]:
    label = f"{meeting.group.acronym} #{meeting.number}"
    return [
        DemoPaper(f"{label} agenda", f"{label} agenda.txt", "public", agenda_text(meeting)),
        DemoPaper(
            f"{label} seats and members",
            f"{label} seats and members.txt",
            "group",
            members_text(meeting),
        ),
    ]


def add_demo_papers(meeting: Meeting) -> list[Paper]:
    """Upload and publish the meeting's demo papers (once: a paper of the same title stays)."""
    made = []
    for paper in demo_papers(meeting):
        if Paper.objects.filter(meeting=meeting, title=paper.title).exists():
            continue
        uploaded = services.upload_paper(
            actor=None,
            meeting=meeting,
            file=ContentFile(paper.text.encode("utf-8"), name=paper.filename),
            title=paper.title,
            kind=PaperKind.PAPER,
            classification=paper.classification,
        )
        made.append(
            services.publish_paper(actor=None, paper=uploaded, expected_version=uploaded.version)
        )
    return made
