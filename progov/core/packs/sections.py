"""Pack sections: how a domain app contributes its part of the data-pack format.

Each app that the pack format describes has a `<app>/pack.py` with one `PackSection`
subclass, registered with `@register_pack_section` when the app is ready (its
`AppConfig.ready()` imports the module), the way NetBox's apps call `register_search`.
`progov.governance.pack` declares the programme, groups, people and memberships;
`progov.meetings.pack` the per-group `meetings:` block and `meeting_changes:`.

A section declares

- `keys`: the top-level keys it owns, in the pack's order (`groups`, `meeting_changes`);
- `group_keys`: keys it reads inside each group entry (`meetings`), so the section owning
  `groups` accepts them without knowing who reads them;
- `requires`: the sections it reads the specs or the applied rows of (meetings requires
  governance: a meeting change names a group);
- `kinds`: the kinds of object it counts in the load report, e.g. ("meeting_series",
  "meeting series"), placed after the kind `report_after` names.

and implements `validate` (collect every problem in the `Checker`, return a spec),
`apply` (write the spec through its services), `export` (the programme's current data as
pack keys), and `json_schema` (its keys' JSON Schema, for docs/pack.schema.json).

This module is the kit a section imports; it imports no domain app. Reading a pack
(`read_pack`) is generic too, so `meetings generate --pack` can read one. Applying,
exporting and the schema document are the `progov.packs` app's, at the top of the house.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar

from django.db import IntegrityError

from progov.core.errors import DomainError
from progov.core.packs.checker import Checker
from progov.core.packs.errors import PackError
from progov.core.packs.lines import Map, parse_yaml

FORMAT = 1
Outcome = Literal["created", "updated", "unchanged"]


# --- the report -----------------------------------------------------------------------


@dataclass
class KindCount:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def report_kinds() -> tuple[tuple[str, str], ...]:
    """Every registered section's kinds, in report order (see `PackSection.report_after`)."""
    kinds: list[tuple[str, str]] = []
    for section in pack_sections():
        names = [k for k, _ in kinds]
        at = names.index(section.report_after) + 1 if section.report_after in names else len(kinds)
        kinds[at:at] = list(section.kinds)
    return tuple(kinds)


@dataclass
class LoadReport:
    """What one load did, per kind of object.

    Example (first load of mhhs.yaml): groups 25 created, 0 updated, 0 unchanged; a
    second load reports every object unchanged and `changed` is False.
    """

    pack: str
    programme: str = ""
    kinds: tuple[tuple[str, str], ...] = field(default_factory=report_kinds)
    counts: dict[str, KindCount] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for kind, _ in self.kinds:
            self.counts.setdefault(kind, KindCount())

    def add(self, kind: str, outcome: Outcome, n: int = 1) -> None:
        count = self.counts[kind]
        setattr(count, outcome, getattr(count, outcome) + n)

    def total(self, outcome: Outcome) -> int:
        return sum(getattr(c, outcome) for c in self.counts.values())

    @property
    def changed(self) -> bool:
        return bool(self.total("created") or self.total("updated"))

    def render(self) -> str:
        """The report the command prints, e.g. "Loaded pack mhhs.yaml for MHHS: …"."""
        objects = sum(c.total for c in self.counts.values())
        if not self.changed:
            return (
                f"Loaded pack {self.pack} for {self.programme}: nothing changed "
                f"({objects} objects already up to date)."
            )
        lines = [
            f"Loaded pack {self.pack} for {self.programme}: {self.total('created')} created, "
            f"{self.total('updated')} updated, {self.total('unchanged')} unchanged."
        ]
        for kind, label in self.kinds:
            c = self.counts[kind]
            if c.total:
                lines.append(
                    f"  {label:<22}{c.created:>5} created {c.updated:>5} updated "
                    f"{c.unchanged:>5} unchanged"
                )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


# --- what a section is given ------------------------------------------------------------


@dataclass
class ValidationContext:
    """What a section's `validate` may read: the specs of the sections it requires, and
    the group-entry keys other sections read (`group_keys`)."""

    specs: dict[str, Any] = field(default_factory=dict)
    group_keys: tuple[str, ...] = ()


@dataclass
class ApplyContext:
    """What a section's `apply` writes with: the actor (None: the system), the report,
    and what the sections before it returned from their own `apply` (`results`)."""

    actor: Any
    report: LoadReport
    results: dict[str, Any] = field(default_factory=dict)


@dataclass
class ExportContext:
    """What a section's `export` reads: the programme, and the other sections' additions
    to a group entry (`group_extras(group)`, e.g. its `meetings:` block)."""

    programme: Any
    sections: list[PackSection] = field(default_factory=list)
    # Reads a section keeps between its `export` and `export_group` calls.
    cache: dict[str, Any] = field(default_factory=dict)

    def group_extras(self, group: Any) -> dict[str, Any]:
        extras: dict[str, Any] = {}
        for section in self.sections:
            extras.update(section.export_group(group, self))
        return extras


@dataclass
class SchemaContext:
    """What a section's `json_schema` may include: other sections' group-entry keys."""

    group_properties: dict[str, Any] = field(default_factory=dict)


class PackSection:
    """One app's part of the pack format (see the module docstring)."""

    name: ClassVar[str] = ""
    keys: ClassVar[tuple[str, ...]] = ()
    required_keys: ClassVar[tuple[str, ...]] = ()
    group_keys: ClassVar[tuple[str, ...]] = ()
    requires: ClassVar[tuple[str, ...]] = ()
    kinds: ClassVar[tuple[tuple[str, str], ...]] = ()
    report_after: ClassVar[str] = ""

    def validate(self, c: Checker, doc: Map, context: ValidationContext) -> Any:
        """Read this section's keys out of `doc`, recording every problem in `c`."""
        raise NotImplementedError

    def apply(self, spec: Any, context: ApplyContext) -> Any:
        """Write a validated spec through the services; what it returns is
        `context.results[self.name]` for the sections after it."""
        return None

    def export(self, context: ExportContext) -> dict[str, Any]:
        """The programme's current data as this section's top-level keys."""
        return {}

    def export_group(self, group: Any, context: ExportContext) -> dict[str, Any]:
        """This section's `group_keys` for one group entry."""
        return {}

    def json_schema(self, context: SchemaContext) -> dict[str, Any]:
        """JSON Schema of each of this section's top-level keys."""
        return {}

    def group_json_schema(self) -> dict[str, Any]:
        """JSON Schema of each of this section's `group_keys`."""
        return {}

    def summary(self, spec: Any) -> list[str]:
        """Phrases for `load-pack --check`, e.g. ["programme MHHS", "25 groups"]."""
        return []


# --- the registry -----------------------------------------------------------------------

_REGISTRY: dict[str, PackSection] = {}
S = TypeVar("S", bound=type[PackSection])


def register_pack_section(cls: S) -> S:
    """Class decorator: add an app's section to the pack format (once per name)."""
    if not cls.name:
        raise TypeError(f"{cls.__name__} needs a name.")
    current = _REGISTRY.get(cls.name)
    if current is not None and type(current).__qualname__ != cls.__qualname__:
        raise TypeError(f"A pack section called {cls.name!r} is already registered.")
    _REGISTRY[cls.name] = cls()
    return cls


def pack_sections() -> list[PackSection]:
    """The registered sections, each after the sections it requires."""
    ordered: list[PackSection] = []
    placed: set[str] = set()

    def place(section: PackSection, path: tuple[str, ...]) -> None:
        if section.name in placed:
            return
        if section.name in path:
            raise TypeError(f"Pack sections require each other: {' → '.join(path)}.")
        for needed in section.requires:
            if needed not in _REGISTRY:
                raise TypeError(f"Pack section {section.name!r} requires {needed!r}, not found.")
            place(_REGISTRY[needed], (*path, section.name))
        placed.add(section.name)
        ordered.append(section)

    for section in _REGISTRY.values():
        place(section, ())
    return ordered


def pack_keys() -> tuple[str, ...]:
    """Every top-level key a pack may have, in the pack's order."""
    return ("format", *(k for s in pack_sections() for k in s.keys))


def guard(line: int, what: str, fn: Callable[..., Any], *args: Any) -> Any:
    """Run one apply step; a refusal becomes a line-numbered PackError (rolling back all)."""
    try:
        return fn(*args)
    except DomainError as exc:
        raise PackError([f"line {line}: {what}: {exc.message}"]) from None
    except IntegrityError as exc:
        raise PackError([f"line {line}: {what}: the database refused it ({exc})."]) from None


# --- reading ------------------------------------------------------------------------------


class ReadPack:
    """A validated pack: each section's spec by section name.

    Attributes of the specs read through, so `pack.groups` is the governance section's
    groups and `pack.meeting_changes` the meetings section's changes.
    """

    def __init__(self, name: str, specs: dict[str, Any]) -> None:
        self.name = name
        self.specs = specs

    def __getattr__(self, attr: str) -> Any:
        for spec in self.__dict__.get("specs", {}).values():
            if hasattr(spec, attr):
                return getattr(spec, attr)
        raise AttributeError(attr)

    def summary(self) -> str:
        return ", ".join(p for s in pack_sections() for p in s.summary(self.specs[s.name]))


def validate_pack(doc: Any, *, name: str = "pack") -> ReadPack:
    """Check a parsed pack whole; return it or raise PackError listing every problem."""
    c = Checker()
    if not isinstance(doc, Map):
        raise PackError(["line 1: a pack is a mapping with at least a 'programme:' section."])
    sections = pack_sections()
    c.keys(doc, "the pack", pack_keys())
    if "format" in doc and doc["format"] != FORMAT:
        c.error(
            c.line(doc, "format"),
            f"format {doc['format']!r} is not known; this loader reads format {FORMAT}.",
        )
    context = ValidationContext(group_keys=tuple(k for s in sections for k in s.group_keys))
    for section in sections:
        context.specs[section.name] = section.validate(c, doc, context)
    if c.errors:
        raise PackError(
            [f"line {line}: {msg}" for line, msg in sorted(c.errors, key=lambda e: e[0])]
        )
    return ReadPack(name, context.specs)


def read_pack(text: str, *, name: str = "pack") -> ReadPack:
    """Parse and validate pack text; reads nothing from and writes nothing to the database."""
    try:
        return validate_pack(parse_yaml(text), name=name)
    except PackError as exc:
        raise PackError(exc.errors, pack=name) from None


def read_pack_text_of(path: str | Path) -> str:
    """A pack file's text; an unreadable file is a PackError on line 1."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError([f"line 1: cannot read {path}: {exc}"], pack=path.name) from None


def read_pack_file(path: str | Path) -> ReadPack:
    """Read and validate a pack file without writing anything."""
    return read_pack(read_pack_text_of(path), name=Path(path).name)


# --- applying -------------------------------------------------------------------------------


def _same(current: Any, wanted: Any) -> bool:
    """Equal as stored: related objects by primary key, everything else by value."""
    if hasattr(current, "pk") or hasattr(wanted, "pk"):
        return getattr(current, "pk", None) == getattr(wanted, "pk", None)
    return bool(current == wanted)


def differences(obj: Any, wanted: dict[str, Any]) -> dict[str, Any]:
    """The fields of `wanted` whose value `obj` does not have yet."""
    return {k: v for k, v in wanted.items() if not _same(getattr(obj, k), v)}
