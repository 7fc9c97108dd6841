"""`/api/v1/calendars`: shapes, the documented rules, 404/422 answers, closure-day writes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from progov.accounts.services import create_api_token
from progov.audit.models import AuditEntry
from progov.calendars import services
from progov.calendars.models import ClosureDay

pytestmark = pytest.mark.django_db

BASE = "/api/v1/calendars"


def bearer(user) -> dict[str, str]:
    _, raw = create_api_token(actor=None, username=user.username)
    return {"Authorization": f"Bearer {raw}"}


def get(client: Client, path: str, params: dict[str, Any] | None = None) -> Any:
    return client.get(BASE + path, params or {})


def test_list_calendars(client: Client):
    response = client.get(BASE)
    assert response.status_code == 200
    body = response.json()
    assert [c["name"] for c in body] == [
        "england-and-wales",
        "scotland",
        "northern-ireland",
        "mon-fri",
    ]
    assert all(c["title"] and c["description"] for c in body)


def test_holidays_of_a_year_sorted_with_names(client: Client):
    response = get(client, "/england-and-wales/holidays", {"year": 2023})
    assert response.status_code == 200
    body = response.json()
    assert body["calendar"] == "england-and-wales"
    assert body["year"] == 2023
    assert body["programme"] is None
    days = [h["date"] for h in body["holidays"]]
    assert days == sorted(days)
    assert days[:2] == ["2023-01-02", "2023-04-07"]
    assert {
        "date": "2023-05-08",
        "name": "Bank holiday for the coronation of King Charles III",
        "kind": "bank_holiday",
    } in body["holidays"]


def test_add_two_working_days_after_the_coronation_weekend(client: Client):
    response = get(client, "/england-and-wales/add", {"date": "2023-05-05", "days": 2})
    assert response.status_code == 200
    assert response.json() == {"date": "2023-05-10"}


def test_add_negative_days_goes_back_and_a_saturday_is_day_zero(client: Client):
    back = get(client, "/england-and-wales/add", {"date": "2023-05-10", "days": -5})
    assert back.json() == {"date": "2023-05-02"}
    saturday = get(client, "/mon-fri/add", {"date": "2024-01-06", "days": 5})
    assert saturday.json() == {"date": "2024-01-12"}


def test_count_working_days_both_ends_counted(client: Client):
    response = get(client, "/mon-fri/count", {"start": "2024-02-07", "end": "2024-04-10"})
    assert response.status_code == 200
    assert response.json() == {"working_days": 46}


def test_count_start_after_end_is_422_on_end(client: Client):
    response = get(client, "/mon-fri/count", {"start": "2024-04-10", "end": "2024-02-07"})
    assert response.status_code == 422
    body = response.json()
    assert "after the end" in body["detail"]
    assert "end" in body["errors"]


def test_working_day_says_why_not(client: Client):
    response = get(client, "/northern-ireland/working-day", {"date": "2023-07-12"})
    assert response.json() == {
        "date": "2023-07-12",
        "working": False,
        "reason": "Battle of the Boyne (Orangemen's Day)",
    }
    response = get(client, "/england-and-wales/working-day", {"date": "2023-07-12"})
    assert response.json() == {"date": "2023-07-12", "working": True, "reason": ""}


@pytest.mark.parametrize(
    "path",
    [
        "/narnia/holidays?year=2024",
        "/narnia/add?date=2024-01-01&days=1",
        "/narnia/count?start=2024-01-01&end=2024-01-31",
    ],
)
def test_unknown_calendar_is_404(client: Client, path):
    response = client.get(BASE + path)
    assert response.status_code == 404
    assert "No calendar 'narnia'" in response.json()["detail"]
    assert "england-and-wales" in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"date": "2023-02-30", "days": 1}, "date", "2023-02-30 is not a real date"),
        ({"date": "yesterday", "days": 1}, "date", "'yesterday' is not a date: write YYYY-MM-DD"),
        ({"date": "20230105", "days": 1}, "date", "write YYYY-MM-DD"),
        ({"date": "", "days": 1}, "date", "write YYYY-MM-DD"),
        ({"date": "2023-05-05", "days": "two"}, "days", "valid integer"),
        ({"date": "2023-05-05", "days": 10001}, "days", "less than or equal to 10000"),
        ({"date": "2023-05-05", "days": -10001}, "days", "greater than or equal to -10000"),
        ({"date": "2023-05-05"}, "days", "required"),
        ({"date": "1899-12-29", "days": 1}, "date", "1900–2100"),
    ],
)
def test_bad_add_input_is_422_naming_the_field(client: Client, params, field, words):
    response = get(client, "/england-and-wales/add", params)
    assert response.status_code == 422
    body = response.json()
    assert words in " ".join(body["errors"][field])
    assert words in body["detail"]


def test_bad_count_dates_are_422(client: Client):
    response = get(client, "/mon-fri/count", {"start": "2024-02-07", "end": "2024-13-01"})
    assert response.status_code == 422
    assert "month must be in 1..12" in response.json()["errors"]["end"][0]


@pytest.mark.parametrize("year", ["1899", "2101", "twenty"])
def test_year_out_of_bounds_is_422(client: Client, year):
    response = get(client, "/scotland/holidays", {"year": year})
    assert response.status_code == 422
    assert "year" in response.json()["errors"]


def test_a_result_beyond_2100_is_422_not_a_guess(client: Client):
    response = get(client, "/england-and-wales/add", {"date": "2100-12-30", "days": 5})
    assert response.status_code == 422
    assert "1900–2100" in response.json()["detail"]


# --- programme closure days ----------------------------------------------------------


def test_programme_param_layers_closure_days(client: Client, programme, pmo_user):
    services.add_closure_day(
        actor=pmo_user, programme=programme, date=date(2023, 5, 9), name="Away day"
    )
    plain = get(client, "/england-and-wales/add", {"date": "2023-05-05", "days": 2})
    layered = get(
        client, "/england-and-wales/add", {"date": "2023-05-05", "days": 2, "programme": "mhhs"}
    )
    assert plain.json() == {"date": "2023-05-10"}
    assert layered.json() == {"date": "2023-05-11"}
    count = get(
        client,
        "/england-and-wales/count",
        {"start": "2023-05-01", "end": "2023-05-31", "programme": "mhhs"},
    )
    assert count.json() == {"working_days": 19}  # 23 weekdays, 3 bank holidays, 1 away day
    listed = get(client, "/mon-fri/holidays", {"year": 2023, "programme": "mhhs"}).json()
    assert listed["programme"] == "mhhs"
    assert listed["holidays"] == [{"date": "2023-05-09", "name": "Away day", "kind": "closure"}]


def test_unknown_programme_is_404(client: Client):
    response = get(client, "/mon-fri/add", {"date": "2023-05-05", "days": 2, "programme": "nope"})
    assert response.status_code == 404
    assert response.json()["detail"] == "No programme 'nope'."


def test_secretariat_adds_lists_and_removes_closure_days(client: Client, programme, pmo_user):
    url = f"{BASE}/programmes/mhhs/closure-days"
    created = client.post(
        url,
        {"date": "2024-12-27", "name": "Christmas shutdown"},
        content_type="application/json",
        headers=bearer(pmo_user),
    )
    assert created.status_code == 201
    assert created.json() == {"date": "2024-12-27", "name": "Christmas shutdown"}
    again = client.post(
        url,
        {"date": "2024-12-27", "name": "Twice"},
        content_type="application/json",
        headers=bearer(pmo_user),
    )
    assert again.status_code == 422
    assert "date" in again.json()["errors"]

    listed = client.get(url)
    assert listed.json() == [{"date": "2024-12-27", "name": "Christmas shutdown"}]
    assert client.get(url, {"year": "2025"}).json() == []

    removed = client.delete(f"{url}/2024-12-27", headers=bearer(pmo_user))
    assert removed.status_code == 204
    assert not ClosureDay.objects.exists()
    entries = AuditEntry.objects.filter(object_type="calendars.closureday").order_by("id")
    assert [e.action for e in entries] == ["create", "delete"]
    gone = client.delete(f"{url}/2024-12-27", headers=bearer(pmo_user))
    assert gone.status_code == 404


def test_session_writes_work_for_the_secretariat(client: Client, programme, pmo_user):
    client.force_login(pmo_user)
    response = client.post(
        f"{BASE}/programmes/mhhs/closure-days",
        {"date": "2024-12-27", "name": "Christmas shutdown"},
        content_type="application/json",
    )
    assert response.status_code == 201


def test_closure_day_writes_need_a_writer(client: Client, programme, member_user):
    url = f"{BASE}/programmes/mhhs/closure-days"
    payload = {"date": "2024-12-27", "name": "Christmas shutdown"}
    anonymous = client.post(url, payload, content_type="application/json")
    assert anonymous.status_code == 401
    member = client.post(url, payload, content_type="application/json", headers=bearer(member_user))
    assert member.status_code == 403
    assert client.delete(f"{url}/2024-12-27").status_code == 401
    assert not ClosureDay.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"date": "2024-02-30", "name": "Leap"}, "date"),
        ({"date": "soon", "name": "Leap"}, "date"),
        ({"date": "2024-12-27", "name": ""}, "name"),
        ({"date": "2024-12-27"}, "name"),
    ],
)
def test_bad_closure_day_payloads_are_422(client: Client, programme, pmo_user, payload, field):
    response = client.post(
        f"{BASE}/programmes/mhhs/closure-days",
        payload,
        content_type="application/json",
        headers=bearer(pmo_user),
    )
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_bad_date_in_delete_path_is_422(client: Client, programme, pmo_user):
    response = client.delete(
        f"{BASE}/programmes/mhhs/closure-days/2024-02-30", headers=bearer(pmo_user)
    )
    assert response.status_code == 422
    assert "day" in response.json()["errors"]
