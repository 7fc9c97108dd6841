"""The bounds of `core.bounds`: one rule, one message, whoever asks."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticError

from progov.core.bounds import (
    LIMIT_MAX,
    Day,
    Id,
    LocalTime,
    Moment,
    Pagination,
    bounds_errors,
    control_character_error,
    text_error,
    text_of,
)
from progov.governance.models import Organisation, Person


def test_nul_is_refused_everywhere_with_its_position():
    assert control_character_error("ab\0c", multiline=True) == (
        "Remove the NUL character (U+0000) at position 3."
    )
    assert control_character_error("ab\0c", multiline=False) is not None


@pytest.mark.parametrize("char", ["\t", "\n", "\r"])
def test_line_breaks_and_tabs_are_prose_only(char):
    assert control_character_error(f"a{char}b", multiline=True) is None
    assert "cannot hold it" in str(control_character_error(f"a{char}b", multiline=False))


@given(st.text(alphabet=st.characters(min_codepoint=0x20), max_size=50))
def test_text_without_control_characters_passes(value):
    assert control_character_error(value, multiline=False) is None


@given(st.integers(min_value=0, max_value=0x1F).filter(lambda c: chr(c) not in "\t\n\r"))
def test_every_other_c0_character_is_refused_in_prose(code):
    assert f"U+{code:04X}" in str(control_character_error(f"x{chr(code)}", multiline=True))


def test_length_messages_count_characters():
    assert text_error("é" * 201, max_length=200, multiline=False) == (
        "At most 200 characters (this has 201)."
    )
    assert text_error("é" * 200, max_length=200, multiline=False) is None


@pytest.mark.parametrize("link", ["https://example.org", "http://intranet.example.org/x?y=1"])
def test_web_links_are_http_or_https(link):
    assert text_error(link, max_length=200, multiline=False, link=True) is None


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "ftp://example.org", "//example.org"]
)
def test_other_links_are_refused(link):
    assert "https://" in str(text_error(link, max_length=200, multiline=False, link=True))


def test_a_models_columns_give_the_bounds():
    org = Organisation(name="n" * 201, website="javascript:x", short_name="ok")
    errors = bounds_errors(org)
    assert errors["name"] == ["At most 200 characters (this has 201)."]
    assert errors["website"][0].startswith("Enter a web address")
    assert "short_name" not in errors


def test_the_api_type_of_a_column_uses_the_same_message():
    adapter = TypeAdapter(text_of(Person, "job_title"))
    with pytest.raises(PydanticError) as caught:
        adapter.validate_python("x" * 201)
    assert "At most 200 characters (this has 201)." in str(caught.value)
    schema = adapter.json_schema()
    assert schema["maxLength"] == 200 and "pattern" in schema


def test_ids_refuse_booleans_text_and_overflow():
    adapter = TypeAdapter(Id)
    assert adapter.validate_python(5) == 5
    for bad in (False, True, "5", 0, 2**63):
        with pytest.raises(PydanticError):
            adapter.validate_python(bad)


def test_days_are_iso_text_in_range():
    adapter = TypeAdapter(Day)
    assert adapter.validate_python("2023-09-06") == date(2023, 9, 6)
    for bad in (0, "20230906", "1899-12-31", "2101-01-01", "2023-02-30"):
        with pytest.raises(PydanticError):
            adapter.validate_python(bad)


def test_moments_need_an_offset_and_local_times_refuse_one():
    moment = TypeAdapter(Moment)
    assert moment.validate_python("2023-09-06T10:00:00+01:00").utcoffset() is not None
    with pytest.raises(PydanticError, match="UTC offset"):
        moment.validate_python("2023-09-06T10:00:00")
    local = TypeAdapter(LocalTime)
    assert local.validate_python("10:00") == time(10)
    with pytest.raises(PydanticError, match="without an offset"):
        local.validate_python("10:00:00+01:00")
    with pytest.raises(PydanticError, match="without an offset"):
        local.validate_python("10:00:00Z")


def test_pagination_bounds_are_declared():
    fields = Pagination.Input.model_fields
    limit = fields["limit"]
    assert limit.default == 100
    schema = Pagination.Input.model_json_schema()["properties"]
    assert schema["limit"]["maximum"] == LIMIT_MAX and schema["offset"]["minimum"] == 0
