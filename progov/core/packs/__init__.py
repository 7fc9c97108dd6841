"""The data-pack kit: what an app's `pack.py` section imports (see `sections`).

`lines` reads YAML keeping line numbers, `checker` collects line-numbered problems,
`errors` holds `PackError`, `sections` the `PackSection` base, its registry, the load
report and the generic reader. Nothing here imports a domain app.
"""

from progov.core.packs.checker import SLUG, Checker, describe, items, unique
from progov.core.packs.errors import PackError
from progov.core.packs.lines import Map, Seq, parse_yaml
from progov.core.packs.sections import (
    FORMAT,
    ApplyContext,
    ExportContext,
    KindCount,
    LoadReport,
    Outcome,
    PackSection,
    ReadPack,
    SchemaContext,
    ValidationContext,
    differences,
    guard,
    pack_keys,
    pack_sections,
    read_pack,
    read_pack_file,
    read_pack_text_of,
    register_pack_section,
    report_kinds,
    validate_pack,
)

__all__ = [
    "FORMAT",
    "SLUG",
    "ApplyContext",
    "Checker",
    "ExportContext",
    "KindCount",
    "LoadReport",
    "Map",
    "Outcome",
    "PackError",
    "PackSection",
    "ReadPack",
    "SchemaContext",
    "Seq",
    "ValidationContext",
    "describe",
    "differences",
    "guard",
    "items",
    "pack_keys",
    "pack_sections",
    "parse_yaml",
    "read_pack",
    "read_pack_file",
    "read_pack_text_of",
    "register_pack_section",
    "report_kinds",
    "unique",
    "validate_pack",
]
