"""The read cache (core/readcache.py): 304 before the view, a shared cache per scope with
the reader's own parts filled in, and answers that follow every write at once."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpRequest
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from progov.core import readcache
from progov.core.concurrency import parse_if_match
from progov.core.errors import PreconditionRequired
from progov.core.readcache import SERVED_HEADER, read_version, tag_of, version_prefix
from progov.core.testing.readcache import (
    assert_etag_changed,
    assert_same_as_fresh,
    current_etag,
)
from progov.core.testing.views import page_call
from progov.core.testing.world import World, build_world
from progov.governance import services as governance_services

pytestmark = pytest.mark.read_cache


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


def _get(client: Client, url: str, user: Any = None, **extra: Any) -> Any:
    return page_call(client, "GET", url, user=user, **extra)


def test_a_current_copy_gets_304_without_running_the_view(world: World) -> None:
    client = Client()
    url = f"/meetings/{world.meetings['psg'].pk}/"
    first = _get(client, url)
    assert first.status_code == 200 and first[SERVED_HEADER] == "miss"
    with override_settings(PROGOV_READ_CACHE=False), CaptureQueriesContext(connection) as rendered:
        _get(client, url)
    with CaptureQueriesContext(connection) as revalidated:
        again = _get(client, url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    # The read version's one query (the audit head); the view would need many more.
    assert len(revalidated) == 1, [q["sql"] for q in revalidated]
    assert len(rendered) > 5


def test_the_second_reader_in_a_scope_is_served_from_the_cache(world: World) -> None:
    client = Client()
    url = "/groups/PSG/"
    assert _get(client, url)[SERVED_HEADER] == "miss"
    with CaptureQueriesContext(connection) as served:
        second = _get(Client(), url)
    assert second.status_code == 200 and second[SERVED_HEADER] == "hit"
    assert len(served) == 1
    assert_same_as_fresh(client, url)


def test_cache_control_says_who_may_keep_an_answer(world: World) -> None:
    client = Client()
    anonymous = _get(client, "/groups/PSG/")
    assert anonymous["Cache-Control"] == "public, no-cache"
    signed_in = _get(client, "/groups/PSG/", world.users["rep"])
    assert signed_in["Cache-Control"] == "private, no-cache"
    for response in (anonymous, signed_in):
        vary = {v.strip() for v in response["Vary"].split(",")}
        assert {"Cookie", "Authorization", "HX-Request"} <= vary
    # A personal feed is private: its URL is the secret.
    feed = _get(client, f"/meetings/feeds/people/{world.raw_tokens['rep']}.ics")
    assert feed.status_code == 200 and "private" in feed["Cache-Control"]


def test_a_representative_and_an_anonymous_reader_never_share_an_answer(world: World) -> None:
    url = f"/meetings/{world.meetings['psg'].pk}/"
    group_paper = "ZQ paper psg-group"
    rep, chair = world.users["rep"], world.users["chair"]
    for order in (("anonymous", "rep"), ("rep", "anonymous")):
        readcache.release.cache_clear()  # a new release: every key new, nothing warm
        client = Client()
        answers = {}
        for who in order + order:  # each reader twice: the second is a cache hit
            user = rep if who == "rep" else None
            answers[who] = _get(client, url, user)
        assert answers["rep"][SERVED_HEADER] == answers["anonymous"][SERVED_HEADER] == "hit"
        rep_body = answers["rep"].content.decode()
        anonymous_body = answers["anonymous"].content.decode()
        assert group_paper in rep_body and "Signed in as <strong>rep</strong>" in rep_body
        assert group_paper not in anonymous_body and "Signed in as" not in anonymous_body
        assert "csrf" not in anonymous_body.lower()
    # The chair shares nothing of the rep's answer that is the rep's own.
    chair_body = _get(Client(), url, chair).content.decode()
    assert "Signed in as <strong>chair</strong>" in chair_body and ">rep<" not in chair_body


def test_a_cached_page_carries_a_working_csrf_token_of_its_reader(world: World) -> None:
    rep = world.users["rep"]
    url = "/groups/PSG/"
    _get(Client(), url, rep)  # rendered and stored, with the token as a hole
    client = Client(enforce_csrf_checks=True)
    served = _get(client, url, rep)
    assert served[SERVED_HEADER] == "hit"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', served.content.decode())
    assert token is not None and readcache.HOLE_CSRF not in served.content.decode()
    signed_out = client.post("/accounts/logout/", {"csrfmiddlewaretoken": token.group(1)})
    assert signed_out.status_code == 302


def test_a_membership_ended_changes_what_its_holder_sees_at_once(world: World) -> None:
    rep, pmo = world.users["rep"], world.users["pmo"]
    client = Client()
    url = f"/meetings/{world.meetings['psg'].pk}/"
    etag = current_etag(client, url, user=rep)
    assert "ZQ paper psg-group" in _get(client, url, rep).content.decode()
    membership = world.memberships["psg-rep"]
    governance_services.update_membership(
        actor=pmo,
        membership=membership,
        expected_version=membership.version,
        end_date=date.today() - timedelta(days=1),
    )
    assert_etag_changed(client, url, etag, user=rep)
    assert "ZQ paper psg-group" not in _get(client, url, rep).content.decode()


def test_pending_messages_are_shown_not_cached(world: World) -> None:
    client = Client()
    url = "/groups/PSG/"
    _get(client, url)
    # A flash message waiting in its cookie, as a write's redirect leaves it.
    storage = CookieStorage(HttpRequest())
    client.cookies["messages"] = storage._encode([Message(20, "Meeting moved.")])  # type: ignore[attr-defined]
    shown = _get(client, url)
    assert "Meeting moved." in shown.content.decode()
    assert SERVED_HEADER not in shown
    # Shown once, then the shared answer again.
    again = _get(client, url)
    assert "Meeting moved." not in again.content.decode() and again[SERVED_HEADER] == "hit"


def test_the_read_version_turns_over_at_midnight_and_when_a_meeting_ends(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.utils import timezone

    real_now = timezone.now
    at = {"now": datetime(2024, 3, 13, 11, 0, tzinfo=UTC)}  # DAG's meeting is on (10–12)
    monkeypatch.setattr(timezone, "now", lambda: at["now"])
    during = read_version()
    at["now"] = datetime(2024, 3, 13, 11, 59, tzinfo=UTC)
    assert read_version() == during
    at["now"] = datetime(2024, 3, 13, 12, 0, tzinfo=UTC)  # it ends
    ended = read_version()
    assert ended != during and "meetings=2024-03-13T12:00:00+00:00" in ended
    at["now"] = datetime(2024, 3, 14, 0, 30, tzinfo=UTC)  # past midnight in London
    assert "today=Europe/London:2024-03-14" in read_version()
    monkeypatch.setattr(timezone, "now", real_now)


def test_an_etag_of_a_read_is_an_if_match_of_its_version() -> None:
    assert parse_if_match('"7.0a1b2c3d4e5f60718293a4b5"') == 7
    assert parse_if_match('W/"7.0a1b2c3d4e5f60718293a4b5"') == 7
    # Not a read's ETag: a fraction, a short tag (the documented pattern refuses them too).
    for bad in ('"0.5"', '"7.0a1b"', '"7."'):
        with pytest.raises(PreconditionRequired):
            parse_if_match(bad)
    assert version_prefix('"7.0a1b"') == "7" and tag_of('"7.0a1b"') == "0a1b"
    assert tag_of('W/"0a1b"') == "0a1b"


def test_api_reads_answer_304_and_follow_writes(world: World) -> None:
    client = Client()
    pmo = world.users["pmo"]
    psg = world.groups["psg"]
    url = "/api/v1/groups/PSG"
    etag = current_etag(client, url)
    # The detail's ETag still leads with the group's version, for If-Match.
    assert version_prefix(etag) == str(psg.version)
    governance_services.update_group(
        actor=pmo, group=psg, expected_version=psg.version, purpose="A new purpose"
    )
    assert_etag_changed(client, url, etag)


# --- the front: plainly anonymous readers answered before the rest of the stack ----------


def _inner_must_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the inner read cache ran for a front hit")

    monkeypatch.setattr(readcache.ReadCacheMiddleware, "process_view", boom)


def test_an_anonymous_reader_is_answered_at_the_front_as_the_stack_answered(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"/meetings/{world.meetings['psg'].pk}/"
    first = _get(Client(), url)
    assert first[SERVED_HEADER] == "miss"
    _inner_must_not_run(monkeypatch)
    with CaptureQueriesContext(connection) as served:
        second = _get(Client(), url)
    assert second.status_code == 200 and second[SERVED_HEADER] == "hit"
    assert len(served) == 1  # the audit head
    assert second.content == first.content
    # Every header the stack set (CSP, frame options, cache headers) but the per-request ones.
    per_request = {"X-Request-ID", SERVED_HEADER}
    assert {k: v for k, v in second.items() if k not in per_request} == {
        k: v for k, v in first.items() if k not in per_request
    }
    assert "Content-Security-Policy" in second and second["X-Request-ID"] != first["X-Request-ID"]
    revalidated = _get(Client(), url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert revalidated.status_code == 304 and revalidated["ETag"] == first["ETag"]


def test_the_front_follows_writes_at_once(world: World) -> None:
    client = Client()
    url = "/groups/PSG/"
    etag = current_etag(client, url)
    assert _get(client, url)[SERVED_HEADER] == "hit"
    psg = world.groups["psg"]
    governance_services.update_group(
        actor=world.users["pmo"], group=psg, expected_version=psg.version, purpose="ZQ front"
    )
    assert_etag_changed(client, url, etag)
    assert "ZQ front" in _get(client, url).content.decode()


def test_the_front_answers_no_one_with_a_session_a_token_or_a_message(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "/groups/PSG/"
    _get(Client(), url)
    _get(Client(), url)  # stored at the front
    _inner_must_not_run(monkeypatch)
    rep = world.users["rep"]
    with pytest.raises(AssertionError, match="inner read cache ran"):
        _get(Client(), url, rep)
    with pytest.raises(AssertionError, match="inner read cache ran"):
        Client().get(url, HTTP_AUTHORIZATION="Bearer nonsense")
    client = Client()
    storage = CookieStorage(HttpRequest())
    client.cookies["messages"] = storage._encode([Message(20, "Saved.")])  # type: ignore[attr-defined]
    with pytest.raises(AssertionError, match="inner read cache ran"):
        client.get(url)


def test_the_front_keeps_no_answer_with_a_view_extra_or_a_csrf_token(world: World) -> None:
    # The sign-in page carries a CSRF token (and sets its cookie): never kept at the front.
    login = [Client().get("/accounts/login/") for _ in range(2)]
    assert [page.status_code for page in login] == [200, 200]
    assert _front_keys_after(lambda: Client().get("/accounts/login/")) == []
    # A page whose key has a `depends_on` part is answered by the inner cache only.
    person = f"/people/{world.people['rep'].pk}/"
    answers: list[Any] = []
    keys = _front_keys_after(lambda: answers.extend(Client().get(person) for _ in range(2)))
    assert [a.status_code for a in answers] == [200, 200] and answers[1][SERVED_HEADER] == "hit"
    assert keys == []
    # While a plain page is kept there.
    assert len(_front_keys_after(lambda: Client().get("/groups/PSG/"))) == 1


def _front_keys_after(act: Any) -> list[str]:
    seen: list[str] = []
    original = readcache._store

    def spy(key: str, value: Any) -> None:
        seen.append(key)
        original(key, value)

    readcache._store = spy
    try:
        act()
    finally:
        readcache._store = original
    return [key for key in seen if key.startswith("front:")]


def test_the_memo_is_bounded_in_entries_and_bytes() -> None:
    memo = readcache._Memo(entries=3, max_bytes=8000)
    for n in range(5):
        memo.set(f"k{n}", n, 100)
    assert [memo.get(f"k{n}") for n in range(5)] == [None, None, 2, 3, 4]
    memo.set("big", "x", 5000)  # over an eighth of the bytes: not kept
    assert memo.get("big") is None
    memo.set("a", "a", 900)
    memo.set("b", "b", 900)  # both fit in bytes; the oldest entries go by count
    assert memo.get("b") == "b" and memo.get("k2") is None


# --- on Redis, as several servers share it -------------------------------------------------


def _redis_url() -> str:
    import os

    return os.environ.get("PROGOV_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_or_skip() -> None:
    try:
        import redis
    except ImportError:
        pytest.skip("the redis package is not installed")
    try:
        redis.Redis.from_url(_redis_url(), socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {_redis_url()} (CI starts one)")


def test_the_read_cache_on_redis_is_shared_and_follows_writes(world: World) -> None:
    _redis_or_skip()
    import uuid

    from django.core.cache import caches

    pages = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _redis_url(),
        "KEY_PREFIX": f"progov-test-{uuid.uuid4().hex}",
        # Left to expire, not cleared: another run may be using the same Redis.
        "TIMEOUT": 60,
    }
    with override_settings(
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "pages": pages,
        }
    ):
        assert type(caches["pages"]).__name__ == "RedisCache"
        url = "/groups/PSG/"
        rep = world.users["rep"]
        assert _get(Client(), url, rep)[SERVED_HEADER] == "miss"
        readcache.forget_memo()  # as another server would: only Redis has the answer
        assert _get(Client(), url, rep)[SERVED_HEADER] == "hit"
        etag = current_etag(Client(), url, user=rep)
        psg = world.groups["psg"]
        governance_services.update_group(
            actor=world.users["pmo"], group=psg, expected_version=psg.version, purpose="ZQ redis"
        )
        readcache.forget_memo()
        client = Client()
        assert_etag_changed(client, url, etag, user=rep)
        assert "ZQ redis" in _get(client, url, rep).content.decode()
