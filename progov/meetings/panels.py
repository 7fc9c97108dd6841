"""Panels other apps add to a meeting's page, as the headline report takes sections.

The action log shows, on each meeting, the group's open actions and the closures to
confirm (the "Minutes and Actions" item of the packs); later the decision log and RAID
reviews add theirs. A panel is registered from the app's `ready()`:

    register_meeting_panel(MeetingPanel(
        key="actions", title="Actions", order=10, template="actions/_meeting_panel.html",
        context=review_context, agenda_item=lambda title: "action" in title.casefold(),
    ))

`context(request, meeting)` returns the template's context (None leaves the panel out)
at a fixed number of queries; `agenda_item(title)` names the agenda items that link to
the panel ("Minutes and Actions" → "Actions to review").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from progov.meetings.models import Meeting


@dataclass(frozen=True)
class MeetingPanel:
    key: str  # the panel's id on the page: "actions" → #actions
    title: str  # its heading and its link in the page's bar: "Actions"
    template: str
    context: Callable[[HttpRequest, Meeting], dict[str, Any] | None]
    order: int = 100
    agenda_item: Callable[[str], bool] | None = None
    agenda_link: str = ""  # "Actions to review"


@dataclass(frozen=True)
class ShownPanel:
    panel: MeetingPanel
    context: dict[str, Any]


_PANELS: dict[str, MeetingPanel] = {}


def register_meeting_panel(panel: MeetingPanel) -> MeetingPanel:
    """Add (or, under the same key, replace) a panel of the meeting page."""
    _PANELS[panel.key] = panel
    return panel


def unregister_meeting_panel(key: str) -> None:
    _PANELS.pop(key, None)


def meeting_panels(request: HttpRequest, meeting: Meeting) -> list[ShownPanel]:
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(request, meeting)
        if context is not None:
            shown.append(ShownPanel(panel=panel, context=context))
    return shown


def agenda_links(title: str) -> list[MeetingPanel]:
    """The panels an agenda item of this title links to."""
    return [
        p
        for p in sorted(_PANELS.values(), key=lambda p: (p.order, p.key))
        if p.agenda_item is not None and p.agenda_item(title)
    ]
