"""`manage.py pack_schema [--check]`: the committed JSON Schema of the pack format,
docs/pack.schema.json, built from the sections the apps register.

Without `--check` it rewrites the file; with `--check` it changes nothing and exits 1
with a unified diff when the file and the sections disagree (a gate in scripts/check,
like the OpenAPI one), so an editor validating packs against it is never out of date.
"""

from __future__ import annotations

import json

from progov.core.drift import DOCS, DriftCommand
from progov.packs.loader import pack_schema

DEFAULT_PATH = DOCS / "pack.schema.json"


def render_schema() -> str:
    return json.dumps(pack_schema(), indent=2, ensure_ascii=False) + "\n"


class Command(DriftCommand):
    help = "Write the pack format's JSON Schema to docs/pack.schema.json, or --check it."
    filename = "pack.schema.json"
    command = "pack_schema"
    what = "pack sections"

    def render(self) -> str:
        return render_schema()
