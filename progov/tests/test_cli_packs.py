"""`progov load-pack [--check] PATH` and `progov export-pack`: the data-pack commands."""

from __future__ import annotations

import textwrap

import pytest

from progov import cli
from progov.audit.models import AuditEntry
from progov.cli import DEFAULT_PACK
from progov.governance import services
from progov.governance.models import GovernanceGroup, Programme
from progov.packs.loader import load_pack

pytestmark = pytest.mark.django_db

THREE_ERRORS = textwrap.dedent(
    """\
    programme: {slug: t, name: Test}
    groups:
      - acronym: A
        name: Alpha
        level: 7
        status_history: [{status: mobilised, date: 2022-01-01}]
      - acronym: B
        name: Beta
        parent: NOPE
        status_history: [{status: mobilised, date: 2022-02-30}]
    """
)


def test_check_lists_all_three_errors_with_their_lines_and_writes_nothing(tmp_path, capsys):
    broken = tmp_path / "broken.yaml"
    broken.write_text(THREE_ERRORS, encoding="utf-8")
    assert cli.main(["load-pack", "--check", str(broken)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Pack broken.yaml has 3 errors; nothing was loaded:")
    assert "line 5: group A: 'level' must be between 1 and 4, not 7." in err
    assert "line 9: group B: parent 'NOPE' is not a group in this pack." in err
    assert "line 10: group B status_history: 'date' '2022-02-30' is not a date" in err
    assert Programme.objects.count() == 0 and AuditEntry.objects.count() == 0


def test_check_of_a_good_pack_says_so_and_writes_nothing(capsys):
    assert cli.main(["load-pack", "--check", str(DEFAULT_PACK)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Pack mhhs.yaml is valid: programme MHHS, ")
    assert "Nothing was written (--check)." in out
    assert Programme.objects.count() == 0 and AuditEntry.objects.count() == 0


def test_without_check_the_cli_loads_the_pack(capsys):
    assert cli.main(["load-pack", str(DEFAULT_PACK)]) == 0
    assert "Loaded pack mhhs.yaml for MHHS" in capsys.readouterr().out
    assert Programme.objects.filter(slug="mhhs").exists()


def test_the_cli_exports_to_a_file_and_to_stdout(tmp_path, capsys):
    load_pack(DEFAULT_PACK)
    target = tmp_path / "out.yaml"
    assert cli.main(["export-pack", str(target)]) == 0
    assert "Wrote the" in capsys.readouterr().out
    assert target.read_text(encoding="utf-8").startswith("# progov data pack of ")
    assert cli.main(["export-pack", "--programme", "mhhs", "-"]) == 0
    assert capsys.readouterr().out == target.read_text(encoding="utf-8")
    assert cli.main(["export-pack", "--programme", "nope", str(target)]) == 1
    assert "nope" in capsys.readouterr().err


def test_export_pack_help_is_listed(capsys):
    with pytest.raises(SystemExit):
        cli.main(["export-pack", "--help"])
    out = capsys.readouterr().out
    assert "--programme" in out and "path" in out


def test_an_export_that_would_not_load_back_is_written_and_reported(tmp_path, capsys):
    load_pack(DEFAULT_PACK)
    psg = GovernanceGroup.objects.get(acronym="PSG")
    services.update_group(
        actor=None, group=psg, expected_version=None, schedule_rrule="FREQ=DAILY;INTERVAL=3"
    )
    target = tmp_path / "out.yaml"
    assert cli.main(["export-pack", str(target)]) == 1
    err = capsys.readouterr().err
    assert "would not load back" in err and "Custom recurrence" in err
    assert "schedule: Custom recurrence (FREQ=DAILY;INTERVAL=3)" in target.read_text(
        encoding="utf-8"
    )
