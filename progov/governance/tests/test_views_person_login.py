"""The person page: the secretariat or an administrator links a login to a person (and
unlinks it); only an administrator makes a login with the secretariat or administrator role."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from progov.accounts.models import User
from progov.audit.models import AuditEntry
from progov.core.testing.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(programme):
    return PersonFactory(programme=programme, name="Kate Goodman")


def post(client: Client, person, **data):
    body = {"login-version": person.version, "login-login_role": "member", **data}
    return client.post(f"/people/{person.pk}/login/", body)


def test_the_secretariat_and_administrators_are_offered_the_form(
    client: Client, person, admin_user, pmo_user, member_user
):
    assert 'id="login-heading"' not in client.get(f"/people/{person.pk}/").content.decode()
    client.force_login(member_user)
    assert 'id="login-heading"' not in client.get(f"/people/{person.pk}/").content.decode()
    for user in (pmo_user, admin_user):
        client.force_login(user)
        page = client.get(f"/people/{person.pk}/").content.decode()
        assert 'id="login-heading"' in page and "Not linked to a login." in page


def test_the_secretariat_links_a_member_login_but_grants_no_staff_role(
    client: Client, person, pmo_user
):
    client.force_login(pmo_user)
    page = client.get(f"/people/{person.pk}/").content.decode()
    offered = re.findall(r'<option value="(\w+)"', page.split('id="id_login-login_role"')[1])
    assert "secretariat" not in offered and "administrator" not in offered
    assert "member" in offered and "observer" in offered
    # Posted anyway, the form refuses it (and the service would: its own test).
    refused = post(client, person, **{"login-login": "kg", "login-login_role": "secretariat"})
    assert refused.status_code == 400
    assert "Select a valid choice" in refused.content.decode()
    assert not User.objects.filter(username="kg").exists()
    assert post(client, person, **{"login-login": "kg"}).status_code == 302
    person.refresh_from_db()
    assert person.user is not None and person.user.role == "member"


def test_administrator_links_a_new_login_and_unlinks_it(client: Client, person, admin_user):
    client.force_login(admin_user)
    linked = post(client, person, **{"login-login": "kgoodman", "login-login_role": "secretariat"})
    assert linked.status_code == 302
    person.refresh_from_db()
    assert person.user is not None and person.user.username == "kgoodman"
    assert person.user.role == "secretariat" and not person.user.has_usable_password()
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "is linked to the login “kgoodman”" in page and "<strong>kgoodman</strong>" in page
    entry = AuditEntry.objects.filter(object_type="governance.person").latest("id")
    assert entry.changes == {"login": [None, "kgoodman"]}
    assert post(client, person, **{"login-login": ""}).status_code == 302
    person.refresh_from_db()
    assert person.user is None
    assert User.objects.filter(username="kgoodman").exists()  # the login itself stays


def test_others_are_refused_and_nothing_changes(client: Client, person, member_user):
    for user in (None, member_user):
        if user is not None:
            client.force_login(user)
        assert post(client, person, **{"login-login": "x"}).status_code == 403
    person.refresh_from_db()
    assert person.user is None and not User.objects.filter(username="x").exists()


def test_a_login_held_by_someone_else_is_a_field_error(client: Client, programme, admin_user):
    taken = UserFactory(username="ann")
    PersonFactory(programme=programme, name="Ann Other", user=taken)
    person = PersonFactory(programme=programme)
    client.force_login(admin_user)
    refused = post(client, person, **{"login-login": "ann"})
    assert refused.status_code == 400
    assert "already linked to Ann Other" in refused.content.decode()
    person.refresh_from_db()
    assert person.user is None


def test_a_stale_version_is_409_and_changes_nothing(client: Client, person, admin_user):
    client.force_login(admin_user)
    body = {"login-version": person.version + 5, "login-login_role": "member", "login-login": "k"}
    refused = client.post(f"/people/{person.pk}/login/", body)
    assert refused.status_code == 409
    assert "changed since you loaded the page" in refused.content.decode()
    person.refresh_from_db()
    assert person.user is None


def test_a_case_variant_is_the_same_login(client: Client, programme, admin_user):
    taken = UserFactory(username="chair")
    PersonFactory(programme=programme, name="PSG Chair", user=taken)
    person = PersonFactory(programme=programme)
    client.force_login(admin_user)
    refused = post(client, person, **{"login-login": "CHAIR"})
    assert refused.status_code == 400
    assert "already linked to PSG Chair" in refused.content.decode()
    assert not User.objects.filter(username="CHAIR").exists()
    # Reloading the form's address after a refusal goes back to the person's page.
    back = client.get(f"/people/{person.pk}/login/")
    assert back.status_code == 302 and back["Location"] == f"/people/{person.pk}/#login"
