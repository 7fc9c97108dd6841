"""Small builders for the JSON Schema (draft 2020-12) each pack section declares.

The schema describes what the loader accepts, no more strictly: text may be written as
a number (`version: 3.10` is the text "3.10"), an optional value may be null, and dates
and times are strings (YAML 1.2, as editors read it, has no date type).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


def text(description: str = "", *, max_length: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": ["string", "number", "null"]}
    if max_length is not None:
        out["maxLength"] = max_length
    if description:
        out["description"] = description
    return out


def day(description: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"type": ["string", "null"], "pattern": DATE_PATTERN}
    if description:
        out["description"] = description
    return out


def clock(description: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"type": ["string", "null"], "pattern": r"^\d{1,2}:\d{2}$"}
    if description:
        out["description"] = description
    return out


def integer(
    description: str = "", *, minimum: int | None = None, maximum: int | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {"type": ["integer", "null"]}
    if minimum is not None:
        out["minimum"] = minimum
    if maximum is not None:
        out["maximum"] = maximum
    if description:
        out["description"] = description
    return out


def boolean(description: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"type": ["boolean", "null"]}
    if description:
        out["description"] = description
    return out


def choice(values: Iterable[str], description: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"enum": [*values, None]}
    if description:
        out["description"] = description
    return out


def obj(
    properties: dict[str, Any], *, required: Iterable[str] = (), description: str = ""
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    wanted = list(required)
    if wanted:
        out["required"] = wanted
    if description:
        out["description"] = description
    return out


def list_of(item: dict[str, Any], description: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"type": ["array", "null"], "items": item}
    if description:
        out["description"] = description
    return out
