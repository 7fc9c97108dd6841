"""The action log's column layout for import and export (core/tabular.py): the packs'
columns — Ref, Date, Action, Owner, Due Date, Status, Latest Update — as TMAG's log
prints them, with the other packs' names for them (PSG's "Due", DAG's "Update").

- **Ref** (required): PSG23-02; its group is the one the ref starts with, unless the
  optional **Group** column names it.
- **Date**: the date raised (06/09/2023). Without it, an action takes the date of the
  meeting its ref names, when that meeting is in progov.
- **Action** and **Owner** (required): what is to be done; the owner as the log prints it.
- **Due Date**: a date, or a condition in words ("To be reviewed at CP2").
- **Status**: Open, Ongoing ("Open - ongoing"), In progress, Recommend closed, Closed,
  Cancelled. Without it, the word the update starts with ("ONGOING: …"), else Open.
- **Latest Update**: the update, as printed.
"""

from __future__ import annotations

from typing import Any

from progov.actions.models import Action, ActionStatus
from progov.core.tabular import Column, Layout

STATUS_CHOICES: dict[str, str] = {}
for status in ActionStatus:
    for name in (status.value, status.label):
        STATUS_CHOICES[" ".join(name.replace("_", " ").casefold().split())] = status.value
STATUS_CHOICES["open ongoing"] = ActionStatus.ONGOING
STATUS_CHOICES["in prog"] = ActionStatus.IN_PROGRESS
STATUS_CHOICES["recommend close"] = ActionStatus.RECOMMEND_CLOSED

ACTION_LOG = Layout(
    key="actions",
    title="action log",
    sheet="Actions",
    columns=(
        Column("ref", "Ref", required=True, max_length=40, description="PSG23-02"),
        Column(
            "raised_on",
            "Date",
            kind="date",
            aliases=("Date raised", "Raised"),
            description="The date raised",
        ),
        Column("description", "Action", required=True, description="What is to be done"),
        Column(
            "owner",
            "Owner",
            required=True,
            max_length=200,
            description='As the log prints it: "Programme (Ian Smith)"',
        ),
        Column(
            "due",
            "Due Date",
            kind="date_or_text",
            aliases=("Due",),
            max_length=200,
            description='A date, or a condition in words: "To be reviewed at CP2"',
        ),
        Column(
            "status",
            "Status",
            kind="choice",
            choices=STATUS_CHOICES,
            description="Default: the word the update starts with, else Open",
        ),
        Column(
            "latest_update",
            "Latest Update",
            aliases=("Update", "Latest update"),
            description="As printed",
        ),
        Column(
            "group",
            "Group",
            max_length=30,
            description="The group's acronym (default: the one the ref starts with)",
        ),
    ),
)


def export_row(action: Action) -> dict[str, Any]:
    return {
        "ref": action.ref,
        "raised_on": action.raised_on,
        "description": action.description,
        "owner": action.owner_text,
        "due": action.due_on or action.due_text,
        "status": action.get_status_display(),
        "latest_update": action.latest_update,
        "group": action.group.acronym,
    }
