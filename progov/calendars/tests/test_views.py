"""The calculator page `/calendars/`: answers, field errors, accessibility, no JavaScript needed."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse

from progov.calendars import services

pytestmark = pytest.mark.django_db

# Only the two blocks the page fills; the real base.html is exercised separately.
STAND_IN_BASE = (
    "<!DOCTYPE html><html lang='en-GB'><head><title>{% block title %}{% endblock %}</title>"
    "</head><body><main>{% block content %}{% endblock %}</main></body></html>"
)


@pytest.fixture(autouse=True)
def stand_in_base(request, settings, tmp_path):
    """Render against a minimal base.html so these tests do not depend on the site shell."""
    if "real_base" in request.fixturenames:
        return
    (tmp_path / "base.html").write_text(STAND_IN_BASE)
    templates = [dict(settings.TEMPLATES[0])]
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))


def elements(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def by_id(html: str, element_id: str) -> dict[str, str]:
    for _, attrs in elements(html):
        if attrs.get("id") == element_id:
            return attrs
    raise AssertionError(f"no element #{element_id}")


def page(client: Client, **params: Any) -> str:
    response = client.get(reverse("calendars:calculator"), params)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_empty_page_shows_the_forms_and_this_years_holidays(client: Client):
    html = page(client)
    # No programme loaded: no closure-day choice to offer.
    assert "id_add-programme" not in html
    assert "<title>Working days</title>" in html
    year = date.today().year
    assert f"England and Wales: non-working weekdays in {year}" in html
    assert "Good Friday" in html
    assert "There is a problem" not in html
    assert by_id(html, "id_holidays-year")["value"] == str(year)


def test_every_input_has_a_label_and_results_are_live_regions(client: Client, programme):
    html = page(client)
    found = elements(html)
    labelled = {attrs["for"] for tag, attrs in found if tag == "label" and "for" in attrs}
    inputs = [
        attrs["id"]
        for tag, attrs in found
        if tag in {"input", "select", "textarea"} and attrs.get("type") != "hidden"
    ]
    assert len(inputs) == 13
    assert set(inputs) <= labelled
    for region in ("add-result", "count-result", "holidays-result"):
        assert by_id(html, region)["aria-live"] == "polite"
    # Plain GET forms: they work without JavaScript.
    forms = [attrs for tag, attrs in found if tag == "form"]
    assert len(forms) == 3
    assert all(f["method"] == "get" and f["action"] == "/calendars/" for f in forms)


def test_two_working_days_after_the_coronation_friday(client: Client):
    html = page(
        client,
        **{
            "add-date": "2023-05-05",
            "add-days": "2",
            "add-direction": "after",
            "add-calendar": "england-and-wales",
        },
    )
    assert (
        "2 working days after Friday 5 May 2023 is <strong>Wednesday 10 May 2023</strong>" in html
    )
    assert "Mon 8 May 2023: Bank holiday for the coronation of King Charles III" in html
    # The form keeps what was asked.
    assert by_id(html, "id_add-date")["value"] == "2023-05-05"
    assert "checked" in by_id(html, "id_add-direction_0")


def test_five_working_days_before(client: Client):
    html = page(
        client,
        **{"add-date": "2023-05-10", "add-days": "5", "add-direction": "before"},
        **{"add-calendar": "england-and-wales"},
    )
    assert (
        "5 working days before Wednesday 10 May 2023 is <strong>Tuesday 2 May 2023</strong>" in html
    )


def test_a_saturday_start_is_explained_as_day_zero(client: Client):
    html = page(
        client,
        **{"add-date": "2024-01-06", "add-days": "5", "add-direction": "after"},
        **{"add-calendar": "mon-fri"},
    )
    assert "is <strong>Friday 12 January 2024</strong>" in html
    assert "Saturday 6 January is not a working day (Saturday); it counts as day 0." in html


def test_count_between_two_dates(client: Client):
    html = page(
        client,
        **{"count-start": "2024-02-07", "count-end": "2024-04-10", "count-calendar": "mon-fri"},
    )
    assert "There are <strong>46 working days</strong>" in html
    assert "from Wednesday 7 February 2024 to Wednesday 10 April 2024, both days counted" in html


def test_count_on_england_and_wales_lists_the_weekdays_not_counted(client: Client):
    html = page(
        client,
        **{"count-start": "2024-02-07", "count-end": "2024-04-10"},
        **{"count-calendar": "england-and-wales"},
    )
    assert "<strong>44 working days</strong>" in html
    assert "Fri 29 Mar 2024: Good Friday" in html
    assert "Mon 1 Apr 2024: Easter Monday" in html


def test_a_bad_date_is_a_field_error_linked_to_its_input(client: Client):
    html = page(
        client,
        **{"add-date": "2023-02-30", "add-days": "2", "add-direction": "after"},
        **{"add-calendar": "england-and-wales"},
    )
    assert "There is a problem" in html
    field = by_id(html, "id_add-date")
    assert field["aria-invalid"] == "true"
    assert field["aria-describedby"] == "id_add-date_helptext id_add-date_error"
    by_id(html, "id_add-date_helptext")
    error = by_id(html, "id_add-date_error")
    assert error is not None
    assert "“2023-02-30” is not a date. Enter it as YYYY-MM-DD" in html
    assert '<a href="#id_add-date">Date:' in html
    # The other inputs are not marked.
    assert "aria-invalid" not in by_id(html, "id_add-days")


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("-1", "greater than or equal to 0"),
        ("10001", "less than or equal to 10000"),
        ("five", "Enter a whole number of working days"),
        ("", "Enter a number of working days"),
    ],
)
def test_bad_numbers_of_days_are_field_errors(client: Client, days, message):
    html = page(
        client,
        **{"add-date": "2023-05-05", "add-days": days, "add-direction": "after"},
        **{"add-calendar": "england-and-wales"},
    )
    assert message in html
    assert by_id(html, "id_add-days")["aria-invalid"] == "true"
    by_id(html, "id_add-days_error")


def test_words_for_a_date_and_an_unknown_calendar(client: Client):
    html = page(
        client,
        **{"add-date": "yesterday", "add-days": "1", "add-direction": "after"},
        **{"add-calendar": "narnia"},
    )
    assert "“yesterday” is not a date" in html
    assert "Select a valid choice. narnia is not one of the available choices." in html
    assert by_id(html, "id_add-calendar")["aria-invalid"] == "true"


def test_count_with_the_end_before_the_start_is_an_error_on_the_end(client: Client):
    html = page(
        client,
        **{"count-start": "2024-04-10", "count-end": "2024-02-07", "count-calendar": "mon-fri"},
    )
    assert "The “To” date must be on or after the “From” date." in html
    assert by_id(html, "id_count-end")["aria-describedby"] == (
        "id_count-end_helptext id_count-end_error"
    )
    assert "working days</strong>" not in html


def test_dates_outside_the_known_years(client: Client):
    html = page(
        client,
        **{"count-start": "1850-01-01", "count-end": "2024-02-07", "count-calendar": "mon-fri"},
    )
    assert "Enter a date from 1900 to 2100." in html
    html = page(
        client,
        **{"add-date": "2100-12-30", "add-days": "5", "add-direction": "after"},
        **{"add-calendar": "england-and-wales"},
    )
    assert "progov knows working days for 1900–2100 only" in html
    html = page(client, **{"holidays-year": "2101", "holidays-calendar": "scotland"})
    assert "Ensure this value is less than or equal to 2100." in html


def test_holidays_of_a_chosen_year_and_calendar(client: Client):
    html = page(client, **{"holidays-year": "2026", "holidays-calendar": "scotland"})
    assert "Scotland: non-working weekdays in 2026" in html
    assert '<time datetime="2026-06-15">Mon 15 Jun 2026</time>' in html
    assert "World Cup bank holiday" in html
    html = page(client, **{"holidays-year": "2024", "holidays-calendar": "mon-fri"})
    assert "No holidays: every Monday to Friday is a working day." in html


def test_a_programmes_closure_days_can_be_layered(client: Client, programme, pmo_user):
    services.add_closure_day(
        actor=pmo_user, programme=programme, date=date(2023, 5, 9), name="Away day"
    )
    html = page(
        client,
        **{"add-date": "2023-05-05", "add-days": "2", "add-direction": "after"},
        **{"add-calendar": "england-and-wales", "add-programme": "mhhs"},
    )
    assert "is <strong>Thursday 11 May 2023</strong>" in html
    assert "Tue 9 May 2023: Away day" in html
    assert "with the closure days of MHHS" in html
    html = page(client, **{"holidays-year": "2023", "holidays-programme": "mhhs"})
    assert "Programme closure" in html


def test_htmx_attributes_enhance_without_replacing_the_live_region(client: Client):
    html = page(client)
    form = next(attrs for tag, attrs in elements(html) if tag == "form")
    assert form["hx-get"] == "/calendars/"
    assert form["hx-target"] == "#add-result"
    assert form["hx-select"] == "#add-result-content"
    assert form["hx-select-oob"] == "#add-fields"
    assert "http://" not in html and "https://" not in html


@pytest.fixture
def real_base() -> None:
    """Asked for by a test that renders with the project's own base.html."""
    try:
        get_template("base.html")
    except TemplateDoesNotExist:
        pytest.skip("progov/templates/base.html is not there yet")


def test_the_page_renders_inside_the_real_site_shell(client: Client, real_base):
    response = client.get("/calendars/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Working days" in html
    assert 'id="add-result"' in html
