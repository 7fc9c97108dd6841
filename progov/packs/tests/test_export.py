"""`export-pack`: a programme written out as a pack, loaded into an empty data dir, gives
the same programme (through the API) and, exported again, the same file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from progov.accounts.models import Role, User
from progov.audit.models import AuditEntry
from progov.governance import services
from progov.governance.models import Person, Programme
from progov.packs import MHHS_PACK as DEFAULT_PACK
from progov.packs.loader import PackError, export_pack, load_pack, load_pack_text, read_pack

pytestmark = pytest.mark.django_db

# Shorter than the demo's 2027-12-31, and past TMAG's move (Sep 2022), its cancellation
# and PSG's extraordinary meetings (Jul 2022, Oct 2023).
UNTIL = "2023-12-31"


def snapshot() -> dict[str, Any]:
    """The programme's groups, every membership and every meeting as the API answers
    them to a signed-in reader, without the ids a new database numbers differently."""
    reader = User.objects.filter(username="snapshot-reader").first()
    if reader is None:
        reader = User.objects.create(username="snapshot-reader", role=Role.OBSERVER)
    client = Client(HTTP_HOST="localhost")
    client.force_login(reader)

    def get(url: str) -> Any:
        response = client.get(url, secure=True)
        assert response.status_code == 200, (url, response.content[:300])
        return response.json()

    # Sorted here: the API's order may put nulls and accents differently per database.
    groups = sorted(get("/api/v1/groups?limit=1000")["items"], key=lambda g: g["acronym"])
    members = {
        g["acronym"]: sorted(
            (
                {k: v for k, v in m.items() if k not in ("id", "person_id", "alternate_for")}
                for m in get(f"/api/v1/groups/{g['acronym']}/members?include_past=true&limit=1000")[
                    "items"
                ]
            ),
            key=lambda m: json.dumps(m, sort_keys=True),
        )
        for g in groups
    }
    meetings: list[dict[str, Any]] = []
    while True:
        page = get(
            f"/api/v1/meetings?start=2020-01-01&end={UNTIL}&limit=1000&offset={len(meetings)}"
        )
        meetings += [{k: v for k, v in m.items() if k != "id"} for m in page["items"]]
        if len(meetings) >= page["count"]:
            break
    meetings.sort(key=lambda m: (m["start"], m["group"], m["number"]))
    return {"groups": groups, "members": members, "meetings": meetings}


RELOAD = textwrap.dedent(
    """
    import json, sys
    import django
    django.setup()
    from django.core.management import call_command
    from progov.packs.tests.test_export import UNTIL, snapshot
    pack, again, out = sys.argv[1:4]
    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_pack", pack)
    call_command("generate_meetings", "--until", UNTIL, "--pack", pack)
    call_command("export_pack", again)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(snapshot(), f)
    """
)


@pytest.mark.runs_long
def test_export_then_load_into_an_empty_data_dir_gives_the_same_programme(tmp_path):
    load_pack(DEFAULT_PACK)
    call_command(
        "generate_meetings", "--until", UNTIL, "--pack", str(DEFAULT_PACK), stdout=StringIO()
    )
    exported = tmp_path / "mhhs-export.yaml"
    call_command("export_pack", str(exported), stdout=StringIO())
    original = snapshot()
    assert len(original["groups"]) > 20 and len(original["meetings"]) > 100

    # A new process with its own, empty SQLite data dir: a second installation.
    env = {k: v for k, v in os.environ.items() if k != "PROGOV_DATABASE_URL"}
    env.update(PROGOV_DATA_DIR=str(tmp_path / "data"), DJANGO_SETTINGS_MODULE="progov.settings")
    again, out = tmp_path / "again.yaml", tmp_path / "snapshot.json"
    done = subprocess.run(
        [sys.executable, "-c", RELOAD, str(exported), str(again), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert again.read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")
    reloaded = json.loads(out.read_text(encoding="utf-8"))
    assert reloaded["groups"] == original["groups"]
    assert reloaded["members"] == original["members"]
    assert reloaded["meetings"] == original["meetings"]


def test_the_export_is_a_valid_pack_and_loading_it_back_changes_nothing():
    load_pack(DEFAULT_PACK)
    programme = Programme.objects.get(slug="mhhs")
    text = export_pack(programme)
    pack = read_pack(text, name="export.yaml")
    assert len(pack.groups) == len(read_pack(DEFAULT_PACK.read_text(encoding="utf-8")).groups)
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    report = load_pack_text(text, name="export.yaml")
    assert not report.changed, report.render()
    assert AuditEntry.objects.filter(id__gt=last).count() == 0
    assert export_pack(programme) == text


def test_export_is_deterministic_and_sorted_where_the_pack_has_no_order():
    load_pack(DEFAULT_PACK)
    programme = Programme.objects.get(slug="mhhs")
    first = export_pack(programme)
    assert export_pack(programme) == first
    pack = read_pack(first)
    names = [p.name for p in pack.people]
    assert names == sorted(names)
    codes = [k.code for k in pack.constituencies]
    assert codes == sorted(codes)


def test_people_with_logins_export_login_and_role_and_load_them_back(tmp_path):
    load_pack(DEFAULT_PACK)
    programme = Programme.objects.get(slug="mhhs")
    person = Person.objects.filter(programme=programme).order_by("name").first()
    assert person is not None
    services.set_person_login(actor=None, person=person, username="kate", role="secretariat")
    text = export_pack(programme)
    assert "login: kate\n" in text and "login_role: secretariat\n" in text
    pack = read_pack(text)
    spec = next(p for p in pack.people if p.name == person.name)
    assert (spec.login, spec.login_role) == ("kate", "secretariat")


def test_exported_meeting_changes_cover_moves_cancellations_and_extraordinary():
    load_pack(DEFAULT_PACK)
    call_command(
        "generate_meetings", "--until", UNTIL, "--pack", str(DEFAULT_PACK), stdout=StringIO()
    )
    pack = read_pack(export_pack(Programme.objects.get(slug="mhhs")))
    kinds = {ch.change for ch in pack.meeting_changes}
    assert kinds == {"move", "cancel", "extraordinary"}
    original = read_pack(Path(DEFAULT_PACK).read_text(encoding="utf-8"))
    in_range = [ch for ch in original.meeting_changes if ch.day.isoformat() <= UNTIL]
    assert len(pack.meeting_changes) == len(in_range)


def test_deadlines_tracked_from_loads_exports_and_is_kept_when_a_pack_omits_it():
    from datetime import date

    load_pack(DEFAULT_PACK)
    programme = Programme.objects.get(slug="mhhs")
    assert programme.deadlines_tracked_from is None
    assert "deadlines_tracked_from" not in export_pack(programme)
    text = DEFAULT_PACK.read_text(encoding="utf-8").replace(
        "  governance_calendar:", "  deadlines_tracked_from: 2026-12-01\n  governance_calendar:", 1
    )
    load_pack_text(text, name="tracked.yaml")
    programme.refresh_from_db()
    assert programme.deadlines_tracked_from == date(2026, 12, 1)
    assert "deadlines_tracked_from: '2026-12-01'" in export_pack(programme) or (
        "deadlines_tracked_from: 2026-12-01" in export_pack(programme)
    )
    # The MHHS pack names none: loading it again keeps what was set (the demo's).
    load_pack(DEFAULT_PACK)
    programme.refresh_from_db()
    assert programme.deadlines_tracked_from == date(2026, 12, 1)
    bad = text.replace("deadlines_tracked_from: 2026-12-01", "deadlines_tracked_from: 1 Dec")
    with pytest.raises(PackError, match="deadlines_tracked_from"):
        load_pack_text(bad, name="bad.yaml")
