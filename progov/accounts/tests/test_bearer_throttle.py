"""The bearer-token throttle. Found from outside: 200 bad bearer tokens in 1 s from one
client, all answered (each one looked up)."""

from __future__ import annotations

import pytest

from progov.accounts import api_auth
from progov.core.testing.api import bearer
from progov.core.testing.factories import UserFactory

URL = "/api/v1/audit"


def call(client, token: str, ip: str = "203.0.113.7", **extra):
    return client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR=ip, **extra)


@pytest.fixture
def lookups(monkeypatch):
    """How many tokens were looked up."""
    seen: list[str] = []
    real = api_auth.user_for_token

    def counting(raw: str):
        seen.append(raw)
        return real(raw)

    monkeypatch.setattr(api_auth, "user_for_token", counting)
    return seen


def test_after_ten_bad_tokens_the_client_gets_429_before_any_lookup(client, db, lookups):
    pmo = UserFactory(username="pmo", role="secretariat")
    good = bearer(pmo)["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
    for n in range(10):
        response = call(client, f"pgv_bad{n}")
        assert response.status_code == 401, n
    assert len(lookups) == 10
    for n in range(190):
        response = call(client, f"pgv_more{n}")
        assert response.status_code == 429
    assert len(lookups) == 10, "a throttled client's tokens are not looked up"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Too many unknown or revoked bearer tokens" in response.json()["detail"]
    # Even a good token from that client waits (it is not even looked up)...
    assert call(client, good).status_code == 429
    # ...while other clients, and the same client without a token, are served.
    assert call(client, good, ip="198.51.100.1").status_code == 200
    assert call(client, "pgv_bad", ip="198.51.100.1").status_code == 401
    assert client.get(URL, REMOTE_ADDR="203.0.113.7").status_code == 200


def test_the_throttle_ends_with_its_window(client, db, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr("progov.accounts.throttle.time.time", lambda: now[0])
    for n in range(10):
        assert call(client, f"pgv_bad{n}").status_code == 401
    throttled = call(client, "pgv_bad")
    assert throttled.status_code == 429
    now[0] += int(throttled["Retry-After"])
    assert call(client, "pgv_bad").status_code == 401


def test_behind_a_trusted_proxy_the_forwarded_client_is_throttled(client, db, settings):
    settings.PROGOV_TRUSTED_PROXIES = ["10.0.0.0/8"]
    for n in range(10):
        call(client, f"pgv_bad{n}", ip="10.1.2.3", HTTP_X_FORWARDED_FOR="198.51.100.66")
    assert (
        call(client, "pgv_x", ip="10.1.2.3", HTTP_X_FORWARDED_FOR="198.51.100.66").status_code
        == 429
    )
    # Another client behind the same proxy is not.
    assert call(client, "pgv_x", ip="10.1.2.3", HTTP_X_FORWARDED_FOR="192.0.2.5").status_code == 401


def test_a_failing_cache_does_not_refuse_good_tokens(client, db, monkeypatch):
    pmo = UserFactory(username="pmo", role="secretariat")

    class Down:
        def __getattr__(self, name):
            raise ConnectionError("cache down")

    monkeypatch.setattr("progov.accounts.throttle.cache", Down())
    assert call(client, "pgv_bad").status_code == 401
    assert client.get(URL, **bearer(pmo)).status_code == 200
