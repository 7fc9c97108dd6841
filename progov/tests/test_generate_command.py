"""`progov meetings generate` (the generate_meetings command) and its place in the CLI."""

from __future__ import annotations

import argparse
import re
from datetime import date, time
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from progov import cli
from progov.audit.models import AuditEntry
from progov.cli import DEFAULT_PACK
from progov.core.testing.factories import GroupFactory
from progov.meetings import services
from progov.meetings.models import AgendaItem, Meeting
from progov.packs.loader import load_pack


def run(*args: str) -> str:
    out = StringIO()
    call_command("generate_meetings", *args, stdout=out)
    return out.getvalue()


def last_audit_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.mark.django_db
def test_running_twice_creates_nothing_the_second_time():
    load_pack(DEFAULT_PACK)
    first = run("--until", "2027-12-31", "--pack", str(DEFAULT_PACK))
    assert first.startswith("Generating meetings until 31 Dec 2027:\n")
    assert re.search(r"^  PSG: 72 created, 0 already there, 0 removed, 0 renumbered", first, re.M)
    # Meetings on bank holidays are listed, to be moved.
    assert "PSG: 72 created, 0 already there, 0 removed, 0 renumbered; on a bank holiday " in first
    assert "Wed 01 Jan 2025" in first
    total = Meeting.objects.filter(kind="regular").count()
    assert f"Meetings: {total} created, 0 already there" in first
    assert "(13 groups, until 31 Dec 2027); 9 on a bank holiday, to move." in first
    assert "Meeting changes from mhhs.yaml: 2 moved, 1 cancelled, 5 extraordinary added" in first
    # Creation entries carry the meeting's number; nothing was renumbered.
    entries = AuditEntry.objects.filter(object_type="meetings.meeting")
    created = entries.filter(action="create")
    assert created.count() == Meeting.objects.count()
    tmag9 = Meeting.objects.get(group__acronym="TMAG", number_major=9)
    assert created.get(object_id=str(tmag9.pk)).changes["number"] == [None, "9"]
    assert not [e for e in entries.filter(action="update") if "number" in e.changes]

    meetings, items, last = Meeting.objects.count(), AgendaItem.objects.count(), last_audit_id()
    second = run("--until", "2027-12-31", "--pack", str(DEFAULT_PACK))
    assert f"Meetings: nothing changed ({total} already there; 13 groups" in second
    assert "Meeting changes from mhhs.yaml: nothing changed (8 already applied)." in second
    assert " created, 0 already there" not in second
    assert (Meeting.objects.count(), AgendaItem.objects.count()) == (meetings, items)
    assert last_audit_id() == last


@pytest.mark.django_db
def test_group_option_generates_only_those_groups(programme, psg):
    other = GroupFactory(
        programme=programme,
        acronym="TMAG",
        level=3,
        parent=psg,
        schedule_rrule="FREQ=MONTHLY;BYDAY=3WE",
        schedule_start_time=time(10),
        schedule_end_time=time(12),
    )
    services.configure_meeting_series(actor=None, group=other, starts_on=date(2022, 1, 1))
    out = run("--until", "2022-12-31", "--group", "tmag")
    assert out.splitlines()[1] == "  TMAG: 12 created, 0 already there, 0 removed, 0 renumbered"
    assert "(1 group, until 31 Dec 2022)" in out
    assert set(Meeting.objects.values_list("group__acronym", flat=True)) == {"TMAG"}


@pytest.mark.django_db
def test_unknown_group_bad_date_and_broken_pack_are_errors(tmp_path):
    with pytest.raises(CommandError, match="No group with a schedule called NOPE"):
        run("--until", "2027-12-31", "--group", "NOPE")
    with pytest.raises(CommandError, match="is not a date"):
        run("--until", "31/12/2027")
    broken = tmp_path / "broken.yaml"
    broken.write_text("programme: {slug: t, name: T}\nmeeting_changes: [{group: X}]\n")
    with pytest.raises(CommandError, match="line 2: "):
        run("--until", "2027-12-31", "--pack", str(broken))


def test_progov_help_lists_meetings_and_generate_has_help(capsys):
    parser = cli.build_parser()
    assert re.search(
        r"^    meetings +meetings of the governance groups", parser.format_help(), re.M
    )
    with pytest.raises(SystemExit) as exited:
        cli.main(["meetings", "generate", "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    for option in ("--until", "--group", "--programme", "--pack", "--data-dir"):
        assert option in text
    with pytest.raises(SystemExit):
        cli.main(["meetings", "--help"])
    assert "generate" in capsys.readouterr().out


def test_meetings_generate_passes_its_options_to_the_command(monkeypatch):
    calls: list[tuple[str, ...]] = []
    monkeypatch.setattr(cli, "_setup", lambda data_dir=None: None)
    monkeypatch.setattr(cli, "_call", lambda *args: calls.append(args))
    argv = ["meetings", "generate", "--until", "2027-12-31", "--group", "PSG", "--group", "DAG"]
    assert cli.main([*argv, "--pack", "p.yaml"]) == 0
    assert calls == [
        (
            "generate_meetings",
            "--until",
            "2027-12-31",
            "--group",
            "PSG",
            "--group",
            "DAG",
            "--pack",
            "p.yaml",
        )
    ]


def test_demo_generates_meetings_after_loading_the_pack(monkeypatch, capsys):
    calls: list[tuple[str, ...]] = []
    monkeypatch.setattr(cli, "_setup", lambda data_dir=None: None)
    monkeypatch.setattr(cli, "_call", lambda *args: calls.append(args))
    args: Any = argparse.Namespace(data_dir="x", no_serve=True, port=8000)
    assert cli.cmd_demo(args) == 0
    names = [c[0] for c in calls]
    # The demo's own papers need the meetings, so they come after generation.
    assert names == [
        "migrate",
        "load_pack",
        "track_deadlines_from",
        "generate_meetings",
        "link_action_meetings",
        "link_decision_meetings",
        "mark_meetings_held",
        "demo_papers",
        "invite_next_meetings",
        "create_demo_users",
    ]
    assert calls[7][1:] == ("PSG#24", "DAG#14")
    assert calls[3] == ("generate_meetings", "--until", "2027-12-31", "--pack", str(DEFAULT_PACK))
