"""Sign-in protection: per-account and per-client lockout (django-axes), its message, its
audit trail, who may read that trail, and unlocking (page, command, Django admin).

Found from outside: 200 wrong passwords for `pmo` in 55 s were all answered, with no
lockout, and the right password worked straight after.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from progov.accounts.services import unlock_login
from progov.core.errors import NotFound
from progov.core.testing.api import api_call
from progov.core.testing.audit import assert_audited, audit_head, entries_since
from progov.core.testing.factories import UserFactory

PASSWORD = "correct horse battery"
LOCKED = "Sign-in is paused"


def sign_in(client: Client, username: str, password: str, ip: str = "203.0.113.7", **extra):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password, "next": "/people/"},
        REMOTE_ADDR=ip,
        **extra,
    )


def fail(client: Client, username: str, times: int, ip: str = "203.0.113.7") -> None:
    for _ in range(times):
        response = sign_in(client, username, "wrong password", ip)
        assert response.status_code in (200, 429)


@pytest.fixture
def pmo(db):
    return UserFactory(username="pmo", role="secretariat")


@pytest.fixture
def admin(db):
    return UserFactory(username="admin", role="administrator", is_superuser=True, is_staff=True)


def test_the_sixth_wrong_password_is_refused_and_so_is_the_right_one(client, pmo):
    for attempt in range(1, 5):
        response = sign_in(client, "pmo", "wrong password")
        assert response.status_code == 200, attempt
        assert "There is a problem" in response.content.decode()
        assert LOCKED not in response.content.decode()
    # The fifth failure locks: it is answered with the lockout already.
    fifth = sign_in(client, "pmo", "wrong password")
    assert fifth.status_code == 429 and LOCKED in fifth.content.decode()
    sixth = sign_in(client, "pmo", "wrong password")
    assert sixth.status_code == 429
    right = sign_in(client, "pmo", PASSWORD)
    body = right.content.decode()
    assert right.status_code == 429, "the right password must not sign in during a lockout"
    assert LOCKED in body and "even with the right password" in body
    assert "ask an administrator to unlock" in body
    assert 0 < int(right["Retry-After"]) <= 15 * 60
    assert "_auth_user_id" not in client.session
    # The page is the sign-in page, with its form and the username kept.
    assert '<input type="password"' in body and 'value="pmo"' in body


def test_two_hundred_wrong_passwords_count_five_and_audit_five(client, pmo):
    head = audit_head()
    for _ in range(200):
        sign_in(client, "pmo", "wrong password")
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 5
    mine = [e for e in entries_since(head) if e.object_type == "accounts.user"]
    assert len(mine) == 5, "attempts during the lockout are neither counted nor audited"
    assert sign_in(client, "pmo", PASSWORD).status_code == 429


def test_a_lockout_is_in_the_audit_trail(client, pmo):
    fail(client, "pmo", 4)
    head = audit_head()
    sign_in(client, "pmo", "wrong password")
    entry = assert_audited(pmo, "update", since=head)
    assert entry.actor_id is None and entry.actor_label == "anonymous"
    assert entry.changes["sign_in"] == [None, "failed"]
    assert entry.changes["client"] == [None, "203.0.113.7"]
    assert entry.changes["failed_sign_ins"] == [4, 5]
    assert entry.changes["locked_out"] == [False, True]
    assert entry.changes["lockout"] == [None, "account"]
    assert entry.changes["locked_until"][1] is not None


def test_failed_and_successful_sign_ins_are_audited(client, pmo):
    head = audit_head()
    sign_in(client, "pmo", "wrong password")
    failed = assert_audited(pmo, "update", since=head)
    assert failed.changes == {
        "sign_in": [None, "failed"],
        "client": [None, "203.0.113.7"],
        "failed_sign_ins": [0, 1],
    }
    head = audit_head()
    response = sign_in(client, "pmo", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/people/"
    entry = assert_audited(pmo, "update", since=head, actor=pmo)
    assert entry.changes == {"sign_in": [None, "succeeded"], "client": [None, "203.0.113.7"]}


def test_a_blank_form_and_force_login_write_nothing(client, pmo):
    head = audit_head()
    client.post("/accounts/login/", {"username": "pmo", "password": ""})
    client.force_login(pmo)
    assert entries_since(head) == []
    assert not AccessAttempt.objects.exists()


def test_the_administrator_unlocks_and_the_right_password_works(client, pmo, admin):
    fail(client, "pmo", 5)
    assert sign_in(client, "pmo", PASSWORD).status_code == 429
    head = audit_head()
    assert unlock_login(actor=admin, username="pmo") == 5
    entry = assert_audited(pmo, "update", since=head, actor=admin)
    assert entry.changes == {"locked_out": [True, False], "failed_sign_ins": [5, 0]}
    response = sign_in(client, "pmo", PASSWORD)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == pmo.pk
    # Nothing left to unlock: nothing is written.
    head = audit_head()
    assert unlock_login(actor=admin, username="pmo") == 0
    assert entries_since(head) == []


def test_only_an_administrator_unlocks(client, pmo, admin):
    fail(client, "pmo", 5)
    other_pmo = UserFactory(username="pmo2", role="secretariat")
    member = UserFactory(username="rep", role="member")
    head = audit_head()
    for actor in (other_pmo, member):
        with pytest.raises(NotFound):  # a login's record is hidden from them
            unlock_login(actor=actor, username="pmo")
    with pytest.raises(NotFound):
        unlock_login(actor=admin, username="nobody")
    assert entries_since(head) == []
    assert sign_in(client, "pmo", PASSWORD).status_code == 429


def test_the_unlock_page_for_administrators(client, pmo, admin):
    fail(client, "pmo", 5)
    other = Client()
    other.force_login(admin)
    page = other.get("/accounts/lockouts/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "the login <strong>pmo</strong>" in body and "Unlock pmo" in body
    assert "the address" not in body  # five failures do not lock an address
    for n in range(15):
        sign_in(client, f"someone{n}", "wrong password")
    assert "the address 203.0.113.7" in other.get("/accounts/lockouts/").content.decode()
    assert 'href="/accounts/lockouts/"' in body  # in the menu
    head = audit_head()
    done = other.post("/accounts/lockouts/unlock/", {"username": "pmo"})
    assert done.status_code == 302 and done["Location"] == "/accounts/lockouts/"
    assert_audited(pmo, "update", since=head, actor=admin)
    assert "No sign-in is paused now." in other.get("/accounts/lockouts/").content.decode()
    assert sign_in(client, "pmo", PASSWORD).status_code == 302
    mistyped = other.post("/accounts/lockouts/unlock/", {"username": "nobody"})
    assert mistyped.status_code == 400 and "No login named" in mistyped.content.decode()


def test_the_unlock_page_is_for_administrators_only(client, pmo):
    fail(client, "pmo", 5)
    assert client.get("/accounts/lockouts/")["Location"].startswith("/accounts/login/")
    for role in ("secretariat", "member"):
        user = UserFactory(username=f"u-{role}", role=role)
        other = Client()
        other.force_login(user)
        assert other.get("/accounts/lockouts/").status_code == 403
        assert other.post("/accounts/lockouts/unlock/", {"username": "pmo"}).status_code == 403
        assert 'href="/accounts/lockouts/"' not in other.get("/people/").content.decode()
    assert sign_in(client, "pmo", PASSWORD).status_code == 429


def test_unlock_from_the_command_line(client, pmo, capsys):
    fail(client, "pmo", 5)
    head = audit_head()
    call_command("unlock_login", "pmo")
    assert "pmo is unlocked: 5 failed sign-ins cleared." in capsys.readouterr().out
    entry = assert_audited(pmo, "update", since=head)
    assert entry.actor_label.startswith("cli:")
    assert sign_in(client, "pmo", PASSWORD).status_code == 302
    with pytest.raises(CommandError, match="No login named 'nobody'"):
        call_command("unlock_login", "nobody")


def test_unlock_from_the_django_admin(client, pmo, admin):
    fail(client, "pmo", 5)
    other = Client()
    other.force_login(admin)
    head = audit_head()
    response = other.post(
        "/admin/accounts/user/",
        {"action": "unlock_sign_in", "_selected_action": [pmo.pk]},
    )
    assert response.status_code == 302
    assert_audited(pmo, "update", since=head, actor=admin)
    assert sign_in(client, "pmo", PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, pmo):
    fail(client, "pmo", 5)
    assert sign_in(client, "pmo", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in(client, "pmo", PASSWORD).status_code == 302


def test_attempts_during_a_lockout_do_not_prolong_it(client, pmo):
    fail(client, "pmo", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    fail(client, "pmo", 20)  # refused, not counted: the lockout still ends at 15 minutes
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in(client, "pmo", PASSWORD).status_code == 302


def test_the_account_is_locked_from_every_client(client, pmo):
    for n in range(5):
        sign_in(client, "pmo", "wrong password", ip=f"198.51.100.{n + 1}")
    response = sign_in(client, "pmo", PASSWORD, ip="192.0.2.200")
    assert response.status_code == 429 and "for this login" in response.content.decode()


def test_one_persons_typos_do_not_lock_their_office_out(client, pmo, admin):
    fail(client, "pmo", 5, ip="192.0.2.50")
    assert sign_in(client, "pmo", PASSWORD, ip="192.0.2.50").status_code == 429
    # The administrator in the same office signs in, and unlocks pmo.
    other = Client()
    assert sign_in(other, "admin", PASSWORD, ip="192.0.2.50").status_code == 302
    assert other.post("/accounts/lockouts/unlock/", {"username": "pmo"}).status_code == 302
    assert sign_in(client, "pmo", PASSWORD, ip="192.0.2.50").status_code == 302


def test_one_client_guessing_many_accounts_is_locked_for_all(client, pmo, db):
    for n in range(19):
        assert sign_in(client, f"guess{n}", "wrong", ip="198.51.100.66").status_code == 200
    assert sign_in(client, "guess19", "wrong", ip="198.51.100.66").status_code == 429
    from_there = sign_in(client, "pmo", PASSWORD, ip="198.51.100.66")
    assert from_there.status_code == 429
    assert "came from your network" in from_there.content.decode()
    # pmo itself had no failure: from anywhere else it signs in.
    assert sign_in(client, "pmo", PASSWORD, ip="192.0.2.200").status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(client, pmo, settings):
    settings.PROGOV_TRUSTED_PROXIES = ["10.0.0.5"]
    for n in range(20):
        sign_in(
            client,
            f"guess{n}",
            "wrong",
            ip="10.0.0.5",
            HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 198.51.100.66",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.66"}
    # Another client through the same proxy is not locked.
    other = sign_in(client, "pmo", PASSWORD, ip="10.0.0.5", HTTP_X_FORWARDED_FOR="192.0.2.9")
    assert other.status_code == 302


def test_the_admin_sign_in_is_the_same_protected_page(client, pmo, admin):
    assert client.get("/admin/login/?next=/admin/")["Location"] == ("/accounts/login/?next=/admin/")
    fail(client, "admin", 5)
    assert sign_in(client, "admin", PASSWORD).status_code == 429


@pytest.mark.parametrize("reader", ["anonymous", "rep", "pmo"])
def test_only_administrators_read_sign_in_history(client, pmo, admin, reader):
    fail(client, "pmo", 5)
    sign_in(client, "admin", PASSWORD, ip="192.0.2.1")
    readers = {
        "anonymous": None,
        "rep": UserFactory(username="rep", role="member"),
        "pmo": pmo,
    }
    url = "/api/v1/audit"
    query = {"object_type": "accounts.user", "limit": 100}
    client = Client()  # not the one that signed in as admin
    seen = api_call(client, "GET", url, query, user=readers[reader])
    assert seen.status_code == 200
    assert json.loads(seen.content)["items"] == [], f"{reader} reads sign-in history"
    everything = json.loads(
        api_call(client, "GET", url, {"limit": 1000}, user=readers[reader]).content
    )
    assert not [e for e in everything["items"] if e["object_type"] == "accounts.user"]
    by_admin = json.loads(api_call(client, "GET", url, query, user=admin).content)["items"]
    assert {e["object_id"] for e in by_admin} >= {str(pmo.pk), str(admin.pk)}


def test_the_persons_page_offers_the_administrator_an_unlock(client, pmo, admin, programme):
    from progov.core.testing.factories import PersonFactory

    person = PersonFactory(programme=programme, name="Pat Officer", user=pmo)
    fail(client, "pmo", 5)
    other = Client()
    other.force_login(admin)
    page = other.get(f"/people/{person.pk}/").content.decode()
    assert "Sign-in as <strong>pmo</strong> is paused after 5 failed sign-ins" in page
    assert "Unlock pmo" in page
    done = other.post(
        "/accounts/lockouts/unlock/", {"username": "pmo", "next": f"/people/{person.pk}/#login"}
    )
    assert done.status_code == 302 and done["Location"] == f"/people/{person.pk}/#login"
    assert "is paused" not in other.get(f"/people/{person.pk}/").content.decode()
    assert sign_in(client, "pmo", PASSWORD).status_code == 302
    # Nobody else is told.
    fail(client, "pmo", 5)
    member = UserFactory(username="rep", role="member")
    other.force_login(member)
    assert "is paused" not in other.get(f"/people/{person.pk}/").content.decode()
