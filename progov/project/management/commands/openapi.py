"""`manage.py openapi [--check]`: the committed API contract, docs/openapi.json.

Without `--check` it rewrites the file from the code. With `--check` it changes
nothing and exits 1 with a unified diff when the file and the code disagree (CI
runs this, as NetBox's `scripts/verify-openapi.sh` does), so every API change is
reviewed as a change of the contract. Either way it refuses a document in which two
schema classes share a component name (`progov.core.openapi`): one would silently
document the other's endpoint.
"""

from __future__ import annotations

import json

from django.core.management.base import CommandError

from progov.core.drift import DOCS, DriftCommand

DEFAULT_PATH = DOCS / "openapi.json"


def render_schema() -> str:
    """The OpenAPI document of `/api/v1/`, pretty-printed with sorted keys.

    Raises CommandError when two schema classes share a component name.
    """
    from progov.api import api
    from progov.core.openapi import name_collisions

    collisions = name_collisions(api)
    if collisions:
        lines = [f"  {name}: {', '.join(paths)}" for name, paths in collisions.items()]
        raise CommandError(
            "Schema classes share a component name, so the OpenAPI document would "
            "collapse them into one; give each a unique, domain-worded name:\n" + "\n".join(lines)
        )
    schema = api.get_openapi_schema()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(DriftCommand):
    help = "Write the OpenAPI document to docs/openapi.json, or --check it for drift."
    filename = "openapi.json"
    command = "openapi"
    what = "API contract"

    def render(self) -> str:
        return render_schema()
