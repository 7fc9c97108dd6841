"""Writes for accounts: users, API tokens, and the record of signing in.

Sign-ins, failed sign-ins and lockouts are audit entries (`update`) of the login
(`accounts.user`), which only administrators may read (core.access.POLICY); the client's IP
address is part of each. A failure that locks sign-in says so in the same entry:

    {"sign_in": [null, "failed"], "client": [null, "203.0.113.7"],
     "failed_sign_ins": [4, 5], "locked_out": [false, true],
     "lockout": [null, "account"], "locked_until": [null, "2025-03-04T14:37:00Z"]}

An attempt refused during a lockout is neither counted nor audited (django-axes logs it),
so guessing cannot flood the trail; names that are no login are counted (they lock the
client) but have no login to be audited on.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from typing import Any

from axes.utils import reset as reset_failed_attempts
from django.db import transaction
from django.utils import timezone

from progov.accounts import selectors
from progov.accounts.models import ApiToken, Role, User
from progov.audit.services import record_create, record_update
from progov.audit.writes import insert
from progov.core import access
from progov.core.context import acting_as_system
from progov.core.errors import NotFound, ValidationError

log = logging.getLogger("progov.accounts")

TOKEN_PREFIX = "pgv_"  # noqa: S105 - a public prefix, not a secret


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    username: str,
    role: str,
    password: str | None = None,
    email: str = "",
    is_superuser: bool = False,
    unusable_password: bool = False,
) -> tuple[User, str]:
    """Create a login and return it with its password (generated when not given).

    `unusable_password=True` makes a login nobody can sign in to with a password yet
    (a pack links a person to it; an administrator sets the password later); the
    returned password is then "".
    """
    if role not in Role.values:
        raise ValidationError.for_field("role", f"Unknown role {role!r}; use one of {Role.values}.")
    if User.objects.filter(username=username).exists():
        raise ValidationError.for_field("username", f"A user named {username!r} already exists.")
    password = password or secrets.token_urlsafe(12)
    user = User(
        username=username, email=email, role=role, is_superuser=is_superuser, is_staff=is_superuser
    )
    if unusable_password:
        user.set_unusable_password()
        password = ""
    else:
        user.set_password(password)
    user.save()
    record_create(
        actor=actor,
        obj=user,
        fields={"username": username, "role": role, "is_superuser": is_superuser},
    )
    return user, password


@transaction.atomic
def set_user_password(*, actor: User | None, user: User, password: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    record_update(actor=actor, obj=user, changes={"password": ["(hidden)", "(changed)"]})


@transaction.atomic
def create_api_token(*, actor: User | None, username: str, name: str = "") -> tuple[ApiToken, str]:
    """Issue a token for `username`; the raw token is returned once and never stored."""
    try:
        user = User.objects.get(username=username)
    except User.DoesNotExist:
        raise NotFound(f"No user named {username!r}.") from None
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = insert(ApiToken, user=user, name=name, prefix=raw[:12], key_hash=hash_token(raw))
    record_create(
        actor=actor, obj=token, fields={"user": username, "name": name, "prefix": token.prefix}
    )
    return token, raw


@transaction.atomic
def revoke_api_token(*, actor: User | None, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_update(actor=actor, obj=token, changes={"revoked_at": [None, token.revoked_at]})


def user_for_token(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None. Touches last_used_at cheaply."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    return token.user


def describe_user(user: Any) -> str:
    return getattr(user, "username", "") or "anonymous"


# --- signing in ------------------------------------------------------------------------


@transaction.atomic
def record_sign_in(*, user: User, client: str | None) -> None:
    """`user` signed in with their password from `client` (an IP address)."""
    record_update(
        actor=user, obj=user, changes={"sign_in": [None, "succeeded"], "client": [None, client]}
    )


@transaction.atomic
def record_failed_sign_in(*, username: str, client: str | None, locked_out: bool) -> None:
    """A failed sign-in as `username` from `client`, counted by django-axes;
    `locked_out`: this failure paused sign-in (the account's or the client's)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        log.warning("failed sign-in as %r (no such login) from %s", username[:150], client)
        return
    failures = selectors.failed_sign_ins(username=username)
    changes: dict[str, Any] = {
        "sign_in": [None, "failed"],
        "client": [None, client],
        "failed_sign_ins": [max(failures - 1, 0), failures],
    }
    if locked_out:
        lock = selectors.lockout_of(username=username, ip=client)
        changes["locked_out"] = [False, True]
        changes["lockout"] = [None, lock.what if lock is not None else "account"]
        changes["locked_until"] = [None, lock.until if lock is not None else None]
    with acting_as_system("anonymous"):
        record_update(actor=None, obj=user, changes=changes)


@transaction.atomic
def unlock_login(*, actor: Any, username: str) -> int:
    """Clear the failed sign-ins of `username` (administrators), so that it may sign in
    again at once; returns how many failures were cleared (0: nothing to unlock, and
    nothing is written)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound(f"No login named {username!r}.")
    access.require(user=actor, action="unlock", obj=user)
    failures = selectors.failed_sign_ins(username=username)
    locked = selectors.lockout_of(username=username, ip=None) is not None
    reset_failed_attempts(username=username)  # axes' records of this name, stale ones too
    if failures == 0:
        return 0
    record_update(
        actor=actor,
        obj=user,
        changes={"locked_out": [locked, False], "failed_sign_ins": [failures, 0]},
    )
    return failures
