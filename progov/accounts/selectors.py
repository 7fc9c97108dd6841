"""Reads for accounts: who is locked out of signing in.

Failed sign-ins are django-axes' records (`axes.models.AccessAttempt`, one row per
username, client IP and browser, counting its failures). Settings (progov/settings.py):
`AXES_FAILURE_LIMIT` failures within `AXES_COOLOFF_TIME` lock the *login* (counted over
every client) and, separately, `PROGOV_SIGNIN_CLIENT_FAILURE_LIMIT` lock the *client IP*
(counted over every login; `accounts.lockout`), until the cool-off has passed since the
last of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, QuerySet, Sum
from django.utils import timezone

from progov.accounts.lockout import client_failure_limit
from progov.accounts.models import User
from progov.core import access


@dataclass(frozen=True)
class Lockout:
    """Sign-in paused for an account (`what="account"`, `key` its username) or a client
    (`what="client"`, `key` its IP address), until `until` at the latest."""

    what: str
    key: str
    failures: int
    until: datetime
    limit: int


def failure_limit() -> int:
    """Failed sign-ins that lock a login."""
    return int(settings.AXES_FAILURE_LIMIT)


def limit_for(what: str) -> int:
    return client_failure_limit() if what == "client" else failure_limit()


def cool_off() -> timedelta:
    value: Any = settings.AXES_COOLOFF_TIME
    return value if isinstance(value, timedelta) else timedelta(hours=float(value))


def _recent() -> QuerySet[AccessAttempt]:
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off())


def lockouts_fingerprint(request: Any = None) -> str:
    """What the failed sign-ins still counted look like now: it changes when one is
    counted and when one leaves the cool-off, so pages that show lockouts are cached by it
    (core/readcache.py `depends_on`)."""
    found = _recent().aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
    last = found["last"].isoformat() if found["last"] else "-"
    return f"lockouts:{found['n'] or 0}:{last}"


def failed_sign_ins(*, username: str) -> int:
    """Failed sign-ins as `username` still counted (within the cool-off)."""
    total = _recent().filter(username=username).aggregate(n=Sum("failures_since_start"))["n"]
    return int(total or 0)


def _lockout(what: str, field: str, value: str | None) -> Lockout | None:
    if not value:
        return None
    found = (
        _recent()
        .filter(**{field: value})
        .aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
    )
    failures = int(found["n"] or 0)
    if failures < limit_for(what) or found["last"] is None:
        return None
    return Lockout(what, value, failures, found["last"] + cool_off(), limit_for(what))


def lockout_of(*, username: str | None, ip: str | None) -> Lockout | None:
    """What holds sign-in as `username` from `ip` (the later-ending if both), or None."""
    held = [
        lock
        for lock in (
            _lockout("account", "username", username),
            _lockout("client", "ip_address", ip),
        )
        if lock is not None
    ]
    return max(held, key=lambda lock: lock.until) if held else None


def may_unlock(*, user: Any) -> bool:
    """Whether `user` may unlock logins (the access table: administrators)."""
    return access.allowed(user=user, action="unlock", obj=User())


def current_lockouts(*, user: Any) -> list[Lockout]:
    """Every login and client whose sign-in is paused now, for those who may unlock logins
    (nobody else learns who failed to sign in); logins first, newest first. Names that are
    no login (an attacker guessing `root`) are left out: they lock nobody."""
    if not may_unlock(user=user):
        return []
    locks: list[Lockout] = []
    for what, field in (("account", "username"), ("client", "ip_address")):
        limit = limit_for(what)
        attempts = _recent().exclude(**{f"{field}__isnull": True})
        if field == "username":
            attempts = attempts.filter(username__in=User.objects.values("username"))
        rows = (
            attempts.values(field)
            .annotate(n=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(n__gte=limit)
            .order_by("-last")
        )
        locks += [
            Lockout(what, row[field], row["n"], row["last"] + cool_off(), limit) for row in rows
        ]
    return locks
