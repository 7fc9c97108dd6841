"""YAML with line numbers: a pack's text read into mappings and lists that remember
where each key and item sits, so every problem can name its line.

Dates and decimals stay text, so that a bad date ("2023-02-30") is a line-numbered
validation error rather than a parser crash, and "3.10" stays the version "3.10".
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Any

import yaml

from progov.core.packs.errors import PackError

_TEXT_TAGS = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:float"}


class Map(dict[Any, Any]):
    """A YAML mapping that remembers where it and each of its keys sit in the file."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}
        # The source text of scalar values, so `acronym: NO` or `version: 1` can be read
        # as the text written rather than YAML 1.1's boolean/integer.
        self.raw: dict[Any, str] = {}
        self.duplicates: list[tuple[Any, int]] = []


class Seq(list[Any]):
    """A YAML sequence that remembers the line of each item."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


class PackLoader(yaml.SafeLoader):
    """SafeLoader keeping line numbers (see `Map`, `Seq`) and reading dates as text."""


PackLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _TEXT_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_map(loader: PackLoader, node: yaml.MappingNode) -> Iterator[Map]:
    data = Map(node.start_mark.line + 1)
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be plain text", key_node.start_mark
            )
        # Keys merged in with `<<:` sit before this mapping; overriding them is allowed.
        if key in data and data.key_lines.get(key, 0) >= data.line:
            data.duplicates.append((key, line))
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = line
        if isinstance(value_node, yaml.ScalarNode):
            data.raw[key] = value_node.value


def _construct_seq(loader: PackLoader, node: yaml.SequenceNode) -> Iterator[Seq]:
    data = Seq(node.start_mark.line + 1)
    yield data
    for child in node.value:
        data.append(loader.construct_object(child, deep=True))
        data.item_lines.append(child.start_mark.line + 1)


PackLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
PackLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def parse_yaml(text: str) -> Any:
    """Read pack text into `Map`/`Seq` trees; a syntax error is a line-numbered PackError."""
    try:
        return yaml.load(text, Loader=PackLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "syntax error"
        raise PackError([f"line {line}: not valid YAML: {problem}"]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error we know is marked
        raise PackError([f"line 1: not valid YAML: {exc}"]) from None
