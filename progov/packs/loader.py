"""Load, check and export programme data packs through the sections the apps register.

    load_pack("progov/packs/mhhs.yaml")          # validate whole, then apply, audited
    read_pack_file("mhhs.yaml")                   # validate only (load-pack --check)
    export_pack(programme)                        # the programme's data as pack text
    pack_schema()                                 # the JSON Schema of the format

Loading happens in two steps. **Validate** the whole file, every section in turn, and
collect every problem as "line N: message"; any problem raises `PackError` carrying all
of them, and nothing is written. **Apply** it in one transaction, each section through
its app's services (each writes its own audit entry), matching existing rows by natural
key and changing only what differs: loading the same pack twice writes no row and no
audit entry, and if a service refuses anything the whole load rolls back. The loader
never deletes: a row the pack no longer mentions is left as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from progov.core.packs import (
    FORMAT,
    ApplyContext,
    ExportContext,
    LoadReport,
    PackError,
    ReadPack,
    SchemaContext,
    pack_sections,
    read_pack,
    read_pack_file,
    read_pack_text_of,
)

__all__ = [
    "LoadReport",
    "PackError",
    "ReadPack",
    "apply_pack",
    "export_pack",
    "load_pack",
    "load_pack_text",
    "pack_schema",
    "read_pack",
    "read_pack_file",
]

SCHEMA_ID = "https://progov.example.org/schemas/pack.schema.json"


def apply_pack(pack: ReadPack, *, name: str = "pack", actor: Any = None) -> LoadReport:
    """Write a validated pack in one transaction; any refusal rolls the whole load back.

    `actor=None` is the CLI/system identity (see `progov.core.commands.ProgovCommand`).
    """
    report = LoadReport(pack=name)
    context = ApplyContext(actor=actor, report=report)
    try:
        with transaction.atomic():
            for section in pack_sections():
                context.results[section.name] = section.apply(pack.specs[section.name], context)
    except PackError as exc:
        raise PackError(exc.errors, pack=name) from None
    return report


def load_pack_text(text: str, *, name: str = "pack", actor: Any = None) -> LoadReport:
    """Validate then apply pack text, e.g. `load_pack_text(path.read_text(), name="mhhs.yaml")`."""
    return apply_pack(read_pack(text, name=name), name=name, actor=actor)


def load_pack(path: str | Path, *, actor: Any = None) -> LoadReport:
    """Load a pack file; unreadable files and invalid packs raise PackError."""
    path = Path(path)
    return load_pack_text(read_pack_text_of(path), name=path.name, actor=actor)


def check_pack(path: str | Path) -> str:
    """Validate a pack file, writing nothing; the line `load-pack --check` prints."""
    path = Path(path)
    pack = read_pack_file(path)
    return f"Pack {path.name} is valid: {pack.summary()}. Nothing was written (--check)."


# --- export ---------------------------------------------------------------------------------


class _PackDumper(yaml.SafeDumper):
    """Block style, multi-line text as literal blocks (`|`), keys in the given order."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_PackDumper.add_representer(str, _text)


def export_pack(programme: Any) -> str:
    """The programme's current data as pack text (format 1): what every section
    describes, in the pack's order, lists sorted by natural key, so the same data
    always gives the same file. Uploaded files (papers) are not part of a pack."""
    context = ExportContext(programme=programme, sections=pack_sections())
    doc: dict[str, Any] = {"format": FORMAT}
    for section in context.sections:
        doc.update(section.export(context))
    text: str = yaml.dump(
        doc,
        Dumper=_PackDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    return f"# progov data pack of {programme}, written by `progov export-pack`.\n" + text


def export_pack_file(programme: Any, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(export_pack(programme), encoding="utf-8")
    return path


# --- the JSON Schema ----------------------------------------------------------------------------


def pack_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the pack format, built from the sections, so an
    editor validates a pack as it is typed (docs/pack.schema.json)."""
    sections = pack_sections()
    context = SchemaContext()
    for section in sections:
        context.group_properties.update(section.group_json_schema())
    properties: dict[str, Any] = {"format": {"const": FORMAT, "description": "pack format"}}
    required: list[str] = []
    for section in sections:
        properties.update(section.json_schema(context))
        required += section.required_keys
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "progov data pack",
        "description": "A programme's governance set-up (docs/packs.md). Generated by "
        "`manage.py pack_schema` from the sections the apps register; do not edit.",
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
