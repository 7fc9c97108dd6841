"""Correlation ids (core.middleware.CorrelationIdMiddleware). Found from outside: any
client's `X-Request-ID` was adopted, so one act's audit entries could be mixed with
another's."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction

from progov.audit.models import AuditEntry
from progov.audit.services import record_update
from progov.core.context import correlation
from progov.core.testing.api import bearer
from progov.core.testing.audit import audit_head, entries_since

CLIENT_ID = "client-chosen-id-0001"


@pytest.fixture
def write(client, db, pmo_user, psg):
    """PATCH the PSG group as the PMO, with extra headers; the response and its entries."""

    token = bearer(pmo_user)  # issued before the head: its entry is not the request's

    def patch(**extra):
        head = audit_head()
        psg.refresh_from_db()
        response = client.patch(
            "/api/v1/groups/PSG",
            {"purpose": f"Purpose {head}"},
            content_type="application/json",
            HTTP_IF_MATCH=f'"{psg.version}"',
            **token,
            **extra,
        )
        assert response.status_code == 200, response.content
        return response, entries_since(head)

    return patch


def test_an_untrusted_clients_id_is_not_adopted(write, settings, caplog, psg):
    settings.PROGOV_TRUSTED_PROXIES = []
    # An earlier act that happened to use the id the client now sends.
    with correlation(CLIENT_ID), transaction.atomic():
        earlier = record_update(actor=None, obj=psg, changes={"purpose": ["a", "b"]})
    with caplog.at_level(logging.INFO, logger="progov.request"):
        response, entries = write(HTTP_X_REQUEST_ID=CLIENT_ID, REMOTE_ADDR="203.0.113.7")
    used = response["X-Request-ID"]
    assert used != CLIENT_ID and len(used) == 32
    assert response["X-Client-Request-ID"] == CLIENT_ID
    assert response.wsgi_request.client_request_id == CLIENT_ID
    assert entries and {e.correlation_id for e in entries} == {used}
    assert AuditEntry.objects.filter(correlation_id=CLIENT_ID).get() == earlier
    logged = [r for r in caplog.records if getattr(r, "client_request_id", "") == CLIENT_ID]
    assert logged and logged[0].correlation_id == used


def test_a_trusted_proxys_id_is_adopted(write, settings):
    settings.PROGOV_TRUSTED_PROXIES = ["10.0.0.0/8"]
    response, entries = write(HTTP_X_REQUEST_ID=CLIENT_ID, REMOTE_ADDR="10.0.0.5")
    assert response["X-Request-ID"] == CLIENT_ID
    assert "X-Client-Request-ID" not in response
    assert response.wsgi_request.client_request_id == ""
    assert {e.correlation_id for e in entries} == {CLIENT_ID}


def test_a_malformed_id_is_neither_adopted_nor_echoed(client, db, settings):
    settings.PROGOV_TRUSTED_PROXIES = ["10.0.0.0/8"]
    for bad in ("short", "x" * 65, "has space in it", "new\\nline-000000"):
        response = client.get("/api/v1/audit", HTTP_X_REQUEST_ID=bad, REMOTE_ADDR="10.0.0.5")
        assert response["X-Request-ID"] != bad and len(response["X-Request-ID"]) == 32
        assert "X-Client-Request-ID" not in response


def test_without_a_header_every_request_gets_its_own_id(client, db):
    first = client.get("/api/v1/audit")["X-Request-ID"]
    second = client.get("/api/v1/audit")["X-Request-ID"]
    assert first != second
