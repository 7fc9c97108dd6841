"""The checker every pack section validates with: typed values read out of `Map`s,
each problem collected with its line (nothing stops at the first error)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from datetime import date, time
from typing import Any

from progov.core.bounds import EMAIL_MAX, LINK_MAX, text_error
from progov.core.packs.lines import Map, Seq

MISSING = object()
INVALID = object()  # a value of the wrong shape, already reported
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


def describe(value: Any) -> str:
    if isinstance(value, Map):
        return "a mapping"
    if isinstance(value, Seq):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value)


class Checker:
    """Reads typed values out of `Map`s, collecting line-numbered errors as it goes.

    Example: `c.text(group, "name", "group PSG", required=True, max_length=200)` returns
    the text, or "" after recording "line 12: group PSG: 'name' is required.".
    """

    def __init__(self) -> None:
        self.errors: list[tuple[int, str]] = []

    def error(self, line: int, message: str) -> None:
        self.errors.append((line, message))

    @staticmethod
    def line(m: Map, key: str) -> int:
        return m.key_lines.get(key, m.line)

    def mapping(self, value: Any, line: int, what: str) -> Map | None:
        if isinstance(value, Map):
            return value
        self.error(line, f"{what} must be a mapping of 'key: value' lines, not {describe(value)}.")
        return None

    def keys(self, m: Map, what: str, allowed: Iterable[str]) -> None:
        allowed = tuple(allowed)
        for key, line in m.duplicates:
            self.error(line, f"{what}: {key!r} is given twice.")
        for key in m:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.error(
                    m.key_lines[key],
                    f"{what}: unknown key {key!r}{hint}; allowed: {', '.join(allowed)}.",
                )

    def _scalar(self, m: Map, key: str, what: str) -> Any:
        value = m.get(key, MISSING)
        if isinstance(value, Map | Seq):
            self.error(
                self.line(m, key),
                f"{what}: {key!r} must be a single value, not {describe(value)}.",
            )
            return INVALID
        return value

    def text(
        self,
        m: Map,
        key: str,
        what: str,
        *,
        required: bool = False,
        max_length: int | None = None,
    ) -> str:
        value = self._scalar(m, key, what)
        if value is INVALID:
            return ""
        if value is MISSING or value is None:
            if required:
                self.error(self.line(m, key), f"{what}: {key!r} is required.")
            return ""
        # A plain scalar YAML would read as a boolean or a number is taken as written.
        text = value if isinstance(value, str) else m.raw.get(key, str(value))
        text = text.strip()
        if required and not text:
            self.error(self.line(m, key), f"{what}: {key!r} is required.")
        if max_length is not None and len(text) > max_length:
            self.error(
                self.line(m, key),
                f"{what}: {key!r} is {len(text)} characters long; at most {max_length} fit.",
            )
        return text

    def integer(
        self,
        m: Map,
        key: str,
        what: str,
        *,
        required: bool = False,
        minimum: int | None = None,
        maximum: int | None = None,
        hint: str = "",
    ) -> int | None:
        value = self._scalar(m, key, what)
        if value is INVALID:
            return None
        if value is MISSING or value is None:
            if required:
                self.error(self.line(m, key), f"{what}: {key!r} is required.")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(
                self.line(m, key), f"{what}: {key!r} must be a whole number, not {value!r}.{hint}"
            )
            return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.error(
                self.line(m, key),
                f"{what}: {key!r} must be between {minimum} and {maximum}, not {value}.{hint}",
            )
            return None
        return value

    def boolean(self, m: Map, key: str, what: str, *, default: bool) -> bool:
        value = self._scalar(m, key, what)
        if value is MISSING or value is INVALID or value is None:
            return default
        if not isinstance(value, bool):
            self.error(self.line(m, key), f"{what}: {key!r} must be true or false, not {value!r}.")
            return default
        return value

    def day(self, m: Map, key: str, what: str, *, required: bool = False) -> date | None:
        value = self._scalar(m, key, what)
        if value is INVALID:
            return None
        if value is MISSING or value is None or value == "":
            if required:
                self.error(
                    self.line(m, key), f"{what}: {key!r} is required (a date like 2023-11-27)."
                )
            return None
        text = m.raw.get(key, str(value)) if not isinstance(value, str) else value
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
                raise ValueError
            return date.fromisoformat(text.strip())
        except ValueError:
            self.error(
                self.line(m, key),
                f"{what}: {key!r} {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2023-11-27.",
            )
            return None

    def clock(self, m: Map, key: str, what: str, *, required: bool = False) -> time | None:
        """A local time written HH:MM ("10:00", "09:30")."""
        text = self.text(m, key, what, required=required)
        if not text:
            return None
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
        if match is None or int(match[1]) > 23 or int(match[2]) > 59:
            self.error(
                self.line(m, key),
                f"{what}: {key!r} {text!r} is not a time; write it as HH:MM, e.g. 10:00.",
            )
            return None
        return time(int(match[1]), int(match[2]))

    def choice(
        self,
        m: Map,
        key: str,
        what: str,
        choices: Iterable[str],
        *,
        default: str | None = None,
    ) -> str:
        options = list(choices)
        value = self.text(m, key, what, required=default is None)
        if not value:
            return default or ""
        if value not in options:
            self.error(
                self.line(m, key),
                f"{what}: {key!r} is {value!r}; it must be one of {', '.join(options)}.",
            )
            return default or options[0]
        return value

    def seq(self, m: Map, key: str, what: str) -> Seq:
        value = m.get(key)
        if value is None:
            return Seq(self.line(m, key))
        if not isinstance(value, Seq):
            self.error(self.line(m, key), f"{what}: {key!r} must be a list, not {describe(value)}.")
            return Seq(self.line(m, key))
        return value

    def text_list(self, m: Map, key: str, what: str) -> list[str]:
        out: list[str] = []
        items = self.seq(m, key, what)
        for item, line in zip(items, items.item_lines, strict=True):
            if isinstance(item, Map | Seq) or item is None:
                self.error(
                    line, f"{what}: each item of {key!r} must be text, not {describe(item)}."
                )
            else:
                out.append(str(item).strip())
        return out

    def email(self, line: int, value: str, what: str) -> None:
        # The same rule and message as the services and the API (core.bounds).
        problem = text_error(value, max_length=EMAIL_MAX, multiline=False, email=True)
        if problem:
            self.error(line, f"{what}: {value!r}: {problem}")

    def url(self, line: int, value: str, what: str) -> None:
        problem = text_error(value, max_length=LINK_MAX, multiline=False, link=True)
        if problem:
            self.error(line, f"{what}: {value!r}: {problem}")


def items(c: Checker, doc: Map, key: str) -> Iterator[tuple[Map, int]]:
    """The mappings of a top-level list, each with its line; non-mappings are errors."""
    entries = c.seq(doc, key, "the pack")
    for item, line in zip(entries, entries.item_lines, strict=True):
        m = c.mapping(item, line, f"each item of {key!r}")
        if m is not None:
            yield m, line


def unique(c: Checker, seen: dict[Any, int], key: Any, line: int, message: str) -> None:
    """Report a second use of a natural key, e.g. "… is already declared at line 12."."""
    if key in seen:
        c.error(line, f"{message} at line {seen[key]}.")
    else:
        seen[key] = line
