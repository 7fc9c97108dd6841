"""Bounded input, declared once: what any text, link, e-mail, id, date, time or page
request may hold, for the API, the pages, the packs and the services alike.

The source of a text field's bounds is its model field: the column's `max_length`, and
its kind (a `CharField` holds one line; a `TextField` may hold line breaks and tabs; a
`URLField` is a web link; an `EmailField` an e-mail address). Two entry points read it:

- services call `check_bounds(obj)` (or `check_values(Model, {...})`) before they save,
  so a pack, a form, an import and the API refuse the same value with the same message,
  and PostgreSQL never sees a NUL character or an over-long value (both were 500s);
- API schemas declare fields with `text_of(Model, "field")`, so the bounds appear in the
  OpenAPI document and a bad value answers 422 naming the field, before any service runs.

The other bounds are constants here, used by every schema: ids (`Id`, `PathId`) are
positive 64-bit integers and refuse booleans and text; `limit` is 1–1000 and `offset`
0 or more (`Pagination`); dates lie in 1900–2100 (`Day`); date-times carry their UTC
offset (`Moment`); schedule times never do (`LocalTime`: a group's schedule is in the
group's time zone).

Messages say what to change, e.g. "Remove the NUL character (U+0000) at position 4."
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import Annotated, Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator, MaxLengthValidator, URLValidator
from django.db import models
from ninja import Path, Schema
from ninja.pagination import LimitOffsetPagination
from ninja.schema import DjangoGetter
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    Strict,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from progov.core.errors import ValidationError

#: The largest id a 64-bit integer column holds (SQLite and PostgreSQL `bigint`).
MAX_ID = 2**63 - 1
#: A page of an API list holds 1–1000 items.
LIMIT_MAX = 1000
#: An offset beyond any real list, but within a 64-bit integer.
OFFSET_MAX = 2**53
#: Dates a programme plans with; outside these the calendars and deadlines do not reach.
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2100, 12, 31)
#: The columns of e-mail addresses and web links (Django's EmailField and URLField defaults).
EMAIL_MAX = 254
LINK_MAX = 200
#: The longest free text a form or the API accepts where the column sets no limit.
TEXT_MAX = 100_000

WEB_SCHEMES = ("https", "http")
WEB_LINK_MESSAGE = (
    "Enter a web address starting with https:// or http://, e.g. https://example.org."
)
LOCAL_TIME_MESSAGE = (
    "Give a local time without an offset, e.g. 10:00: the schedule's time zone is the group's."
)
EMAIL_MESSAGE = "Enter a valid e-mail address, e.g. jo.bloggs@example.org."

_web_link = URLValidator(schemes=list(WEB_SCHEMES), message=WEB_LINK_MESSAGE)
_email = EmailValidator(message=EMAIL_MESSAGE)

# Line breaks and tabs are the only control characters multi-line text may hold.
_MULTILINE_ALLOWED = frozenset("\t\n\r")
_CONTROL_NAMES = {"\t": "tab", "\n": "line break", "\r": "line break"}

#: JSON Schema patterns of the same rule (documentation and fuzzers; the validators decide).
SINGLE_LINE_PATTERN = r"^[^\u0000-\u001f]*$"
MULTILINE_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f]*$"


# --- the checks ----------------------------------------------------------------------


def control_character_error(value: str, *, multiline: bool) -> str | None:
    """The message for the first control character `value` may not hold, or None.

    NUL is refused everywhere (PostgreSQL cannot store it); the other C0 characters are
    refused in one-line text, and all but tab and the line breaks in multi-line text."""
    for position, char in enumerate(value, start=1):
        if char >= " " or (multiline and char in _MULTILINE_ALLOWED):
            continue
        code = f"U+{ord(char):04X}"
        if char == "\0":
            return f"Remove the NUL character ({code}) at position {position}."
        what = _CONTROL_NAMES.get(char, "control character")
        where = "multi-line text" if multiline else "this one-line field"
        return f"Remove the {what} ({code}) at position {position}: {where} cannot hold it."
    return None


def text_error(
    value: str,
    *,
    max_length: int | None,
    multiline: bool,
    link: bool = False,
    email: bool = False,
) -> str | None:
    """The first reason `value` is refused, or None. Empty text is always within bounds
    (whether a field may be empty is the service's rule)."""
    if value == "":
        return None
    problem = control_character_error(value, multiline=multiline)
    if problem:
        return problem
    if max_length is not None and len(value) > max_length:
        return f"At most {max_length:,} characters (this has {len(value):,})."
    try:
        if link:
            _web_link(value)
        if email:
            _email(value)
    except DjangoValidationError as exc:
        return str(exc.messages[0])
    return None


def _field_kind(field: models.Field[Any, Any]) -> dict[str, Any]:
    return {
        # A TextField has no column limit; TEXT_MAX keeps a page of text a page of text.
        "max_length": getattr(field, "max_length", None)
        or (TEXT_MAX if isinstance(field, models.TextField) else None),
        "multiline": isinstance(field, models.TextField),
        "link": isinstance(field, models.URLField),
        "email": isinstance(field, models.EmailField),
    }


def _other_validators(field: models.Field[Any, Any]) -> list[Any]:
    # The kind's own validators are replaced by the checks above (one message each);
    # any other validator a model declares still runs.
    own = (MaxLengthValidator, URLValidator, EmailValidator)
    return [v for v in field.validators if not isinstance(v, own)]


def _json_text_error(value: Any) -> str | None:
    """NUL anywhere in a JSON value (PostgreSQL's jsonb refuses it), e.g. a list of objectives."""
    if isinstance(value, str):
        return control_character_error(value, multiline=True)
    if isinstance(value, Mapping):
        for key, item in value.items():
            problem = _json_text_error(key) or _json_text_error(item)
            if problem:
                return problem
    elif isinstance(value, list | tuple):
        for item in value:
            problem = _json_text_error(item)
            if problem:
                return problem
    return None


def value_error(field: models.Field[Any, Any], value: Any) -> str | None:
    """Why `value` cannot be stored in `field`, or None."""
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return _json_text_error(value)
    if isinstance(field, models.CharField | models.TextField) and isinstance(value, str):
        problem = text_error(value, **_field_kind(field))
        if problem:
            return problem
        if value:
            for validator in _other_validators(field):
                try:
                    validator(value)
                except DjangoValidationError as exc:
                    return str(exc.messages[0])
    return None


def errors_of(model: type[models.Model], values: Mapping[str, Any]) -> dict[str, list[str]]:
    """`{field: [message]}` for the values a model's columns cannot hold."""
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # not a column (a computed value): nothing to bound
            continue
        problem = value_error(field, value)  # type: ignore[arg-type]
        if problem:
            errors[name] = [problem]
    return errors


def check_values(model: type[models.Model], values: Mapping[str, Any]) -> None:
    """Refuse (ValidationError, 422) values the model's columns cannot hold."""
    errors = errors_of(model, values)
    if errors:
        raise ValidationError.from_field_errors(errors)


def bounds_errors(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, list[str]]:
    """`{field: [message]}` for the text columns of `obj` (all, or `fields`) holding what
    they cannot: a control character, more than the column holds, a link that is not
    http(s), an e-mail that is not one. For a service's own `errors` dict."""
    names = (
        list(fields)
        if fields is not None
        else [
            f.name
            for f in obj._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
    )
    values = {}
    for name in names:
        field = obj._meta.get_field(name)
        if isinstance(field, models.CharField | models.TextField | models.JSONField):
            values[name] = getattr(obj, field.attname)
    return errors_of(type(obj), values)


def check_bounds(obj: models.Model, fields: Iterable[str] | None = None) -> None:
    """Refuse (ValidationError, 422) an object whose text columns hold what they cannot
    (`bounds_errors`). Services call it before they save; `audit.writes` does for every
    update and `insert`."""
    errors = bounds_errors(obj, fields)
    if errors:
        raise ValidationError.from_field_errors(errors)


# --- the API's declared types ----------------------------------------------------------


def _raise_for(problem: str | None) -> None:
    if problem:
        raise ValueError(problem)


def _text_type(check: Any, *, min_length: int, max_length: int, schema: dict[str, Any]) -> Any:
    # The whole JSON Schema is given (WithJsonSchema) rather than a pydantic Field, so the
    # type also works where the default lives in the signature (ninja's Form[...]), and
    # maxLength is checked by `check`: the API's message is then the services' ("At
    # most 200 characters (this has 312).") rather than pydantic's.
    json_schema = {"type": "string", "maxLength": max_length, **schema}
    if min_length:
        json_schema["minLength"] = min_length
    return Annotated[
        str,
        StringConstraints(min_length=min_length or None),
        AfterValidator(check),
        WithJsonSchema(json_schema),
    ]


def text_of(model: type[models.Model], name: str, *, min_length: int = 0) -> Any:
    """The API type of a model's text column: a `str` with the column's bounds in the
    OpenAPI document (maxLength, a pattern for control characters, `uri` or `email`),
    checked by the same `value_error` services use."""
    field = model._meta.get_field(name)
    kind = _field_kind(field)  # type: ignore[arg-type]
    schema: dict[str, Any] = {
        "pattern": MULTILINE_PATTERN if kind["multiline"] else SINGLE_LINE_PATTERN
    }
    # A link or an e-mail may be left empty ("" clears it).
    if kind["link"]:
        schema = {"anyOf": [{"maxLength": 0}, {"format": "uri", "pattern": r"^https?://\S+$"}]}
    elif kind["email"]:
        schema = {"anyOf": [{"maxLength": 0}, {"format": "email"}]}

    def check(value: str) -> str:
        _raise_for(value_error(field, value))  # type: ignore[arg-type]
        return value

    return _text_type(
        check, min_length=min_length, max_length=kind["max_length"] or TEXT_MAX, schema=schema
    )


def line(max_length: int, *, min_length: int = 0) -> Any:
    """One line of text not kept in a column of its own (a note, a filter)."""

    def check(value: str) -> str:
        _raise_for(text_error(value, max_length=max_length, multiline=False))
        return value

    return _text_type(
        check, min_length=min_length, max_length=max_length, schema={"pattern": SINGLE_LINE_PATTERN}
    )


def prose(max_length: int = TEXT_MAX) -> Any:
    """Multi-line text not kept in a column of its own (a note on a change)."""

    def check(value: str) -> str:
        _raise_for(text_error(value, max_length=max_length, multiline=True))
        return value

    return _text_type(
        check, min_length=0, max_length=max_length, schema={"pattern": MULTILINE_PATTERN}
    )


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_iso_date(value: Any) -> Any:
    """Accept exactly YYYY-MM-DD, with a message a person can act on when it is not.

    Pydantic's own messages ("input is too short") do not say what to write; and
    Python's parser would accept other shapes (`20230101`) we do not document.
    """
    if isinstance(value, date):
        return value
    text = str(value).strip()
    match = _ISO_DATE.match(text)
    if match is None:
        raise PydanticCustomError(
            "date_format",
            "'{value}' is not a date: write YYYY-MM-DD, e.g. 2024-02-07.",
            {"value": text},
        )
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError as exc:
        raise PydanticCustomError(
            "date_invalid",
            "{value} is not a real date ({reason}).",
            {"value": text, "reason": str(exc)},
        ) from None


def _not_a_number(value: Any) -> Any:
    # pydantic's lax mode reads 0 as 1970-01-01 and true as 1; a date or a time is text.
    if isinstance(value, bool | int | float):
        raise ValueError("Give it as text, e.g. 2023-09-06 or 10:00.")
    return value


def _in_range(value: date) -> date:
    day = value.date() if isinstance(value, datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValueError(
            f"Give a date in {DATE_MIN.year}–{DATE_MAX.year} "
            f"({DATE_MIN.isoformat()} to {DATE_MAX.isoformat()})."
        )
    return value


def _with_offset(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            "Give the time with its UTC offset, e.g. 2023-09-06T10:00:00+01:00 or …T09:00:00Z."
        )
    return value


def _without_offset(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError(LOCAL_TIME_MESSAGE)
    return value


_DATE_TEXT = f"A date (YYYY-MM-DD) from {DATE_MIN.isoformat()} to {DATE_MAX.isoformat()}"

#: A date in 1900–2100, as ISO text (never a number).
Day = Annotated[
    date,
    BeforeValidator(parse_iso_date),
    AfterValidator(_in_range),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "description": _DATE_TEXT,
            "formatMinimum": DATE_MIN.isoformat(),
            "formatMaximum": DATE_MAX.isoformat(),
        }
    ),
]

#: A date-time with its UTC offset, in 1900–2100.
Moment = Annotated[
    datetime,
    BeforeValidator(_not_a_number),
    AfterValidator(_with_offset),
    AfterValidator(_in_range),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "description": "An RFC 3339 date-time with its UTC offset, in "
            f"{DATE_MIN.year}–{DATE_MAX.year}, e.g. 2023-09-06T10:00:00+01:00",
        }
    ),
]

_LOCAL_TIME_SCHEMA = {
    "type": "string",
    "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
    "description": "A local time, HH:MM or HH:MM:SS, without an offset (the group's time zone)",
    "examples": ["10:00"],
}

#: A wall-clock time in the group's or programme's time zone: never with an offset.
LocalTime = Annotated[
    time,
    BeforeValidator(_not_a_number),
    AfterValidator(_without_offset),
    WithJsonSchema(_LOCAL_TIME_SCHEMA),
]

#: How a local time is documented in an answer (RFC 3339's `time` format needs an offset).
LocalTimeOut = Annotated[time, WithJsonSchema(_LOCAL_TIME_SCHEMA)]

#: An object's id in a body: a positive whole number, never `false` or `"3"`.
Id = Annotated[int, Strict(), Field(ge=1, le=MAX_ID, description="An id (a positive integer)")]

#: An object's id in a path: `/meetings/abc` or `/meetings/0` answers a JSON 422.
PathId = Annotated[int, Path(ge=1, le=MAX_ID, description="An id (a positive integer)")]

#: An id in a form field or a query (text on the wire, so not strict): a positive integer.
FormId = Annotated[int, Field(ge=1, le=MAX_ID, description="An id (a positive integer)")]

#: A true/false in a body: never 0, 1 or "yes".
Flag = Annotated[bool, Strict()]

#: A whole number in a body: never `true` or `"3"`.
Whole = Annotated[int, Strict()]


class Body(Schema):
    """The base of every request body: a JSON object, nothing else.

    ninja's `Schema` also reads attributes off any object it is given (for answers built
    from models), so a body of `"AAA"` became an agenda item titled "Aaa" (`"AAA".title()`).
    A body is refused unless it is a JSON object."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        # ninja has wrapped the input in its attribute reader by now: look inside.
        given = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(given, Mapping | BaseModel):
            kind = {str: "text", list: "a list", int: "a number", float: "a number"}.get(
                type(given), type(given).__name__
            )
            raise ValueError(f"The body must be a JSON object, not {kind}.")
        return data


class Pagination(LimitOffsetPagination):
    """ninja's limit/offset pagination with the bounds declared: `limit` 1–1000 (default
    100), `offset` 0 or more. (`limit=9223372036854775808` was a 500 on both databases.)"""

    class Input(Schema):
        limit: int = Field(
            100, ge=1, le=LIMIT_MAX, description=f"1–{LIMIT_MAX} items (default 100)"
        )
        offset: int = Field(0, ge=0, le=OFFSET_MAX, description="Items to skip (0 or more)")
