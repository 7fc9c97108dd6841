"""Writes for accounts: users and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from progov.accounts.models import ApiToken, Role, User
from progov.audit.services import record_create, record_update
from progov.audit.writes import insert
from progov.core.errors import NotFound, ValidationError

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
