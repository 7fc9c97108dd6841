"""Shared pytest fixtures (factories live in progov/core/testing/factories.py)."""

from __future__ import annotations

import pytest

from progov.core.testing.factories import (
    GroupFactory,
    ProgrammeFactory,
    UserFactory,
)

# Browser tests skip without Chromium, but fail instead under CI=true.
pytest_plugins = ["progov.core.testing.ci"]


def pytest_collection_modifyitems(config, items):
    """Tests marked `runs_long` first (in their order), then the rest as collected: with
    pytest-xdist's worksteal, the workers then end on short tests and finish together,
    rather than one running a long test alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("runs_long") is None)


@pytest.fixture(autouse=True)
def _plain_http(settings):
    """Tests talk plain HTTP to the test server; production redirects to HTTPS."""
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def programme(db):
    return ProgrammeFactory(slug="mhhs", name="Market-wide Half-Hourly Settlement", short_name="MHHS")


@pytest.fixture
def pmo_user(db):
    return UserFactory(username="pmo", role="secretariat")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role="administrator", is_superuser=True, is_staff=True)


@pytest.fixture
def member_user(db):
    return UserFactory(username="member", role="member")


@pytest.fixture
def psg(programme):
    return GroupFactory(programme=programme, acronym="PSG", name="Programme Steering Group", level=2)
