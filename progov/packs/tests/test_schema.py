"""docs/pack.schema.json: generated from the sections, drift-checked, and the MHHS pack
validates against it with an off-the-shelf JSON Schema validator (jsonschema)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from progov.core.packs import parse_yaml
from progov.packs import MHHS_PACK as DEFAULT_PACK
from progov.packs.loader import pack_schema
from progov.packs.management.commands.pack_schema import DEFAULT_PATH


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(Path(DEFAULT_PATH).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(text: str) -> list[str]:
    # Read as an editor reads YAML: dates and decimals are text.
    return [e.message for e in validator().iter_errors(parse_yaml(text))]


def test_the_committed_schema_is_what_the_sections_generate():
    assert json.loads(Path(DEFAULT_PATH).read_text(encoding="utf-8")) == pack_schema()
    out = StringIO()
    call_command("pack_schema", "--check", stdout=out)
    assert "matches" in out.getvalue()


def test_drift_is_refused_with_a_diff(tmp_path):
    stale = tmp_path / "pack.schema.json"
    stale.write_text('{"title": "old"}\n', encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("pack_schema", "--check", "--path", str(stale), stdout=out)
    assert "out of date" in str(caught.value) and "-{" in out.getvalue()


def test_the_mhhs_pack_validates_against_the_schema():
    assert errors(DEFAULT_PACK.read_text(encoding="utf-8")) == []


def test_the_schema_knows_the_sections_keys_and_rejects_mistakes():
    schema = pack_schema()
    group = schema["properties"]["groups"]["items"]["properties"]
    assert "meetings" in group and "seats" in group  # the meetings section's group key
    assert "meeting_changes" in schema["properties"]
    found = errors(
        """
        programme: {slug: t, name: Test}
        group: []
        groups:
          - {acronym: A, name: Alpha, visibility: secret, status_history: [{status: mobilised, date: 2022-01-01}]}
        people:
          - {name: Ann, login: ann, login_role: king}
        meeting_changes:
          - {group: A, change: postpone, date: 2022-01-01}
        """.replace("\n        ", "\n")
    )
    joined = "\n".join(found)
    assert "'group' was unexpected" in joined
    assert "'secret' is not one of" in joined
    assert "'king' is not one of" in joined
    assert len(found) == 4, found
