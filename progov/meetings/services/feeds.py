"""Writes for personal calendar feeds: issuing and revoking feed tokens.

A feed token is the secret part of a personal feed URL
(`/meetings/feeds/people/pgf_….ics`), so a calendar client can subscribe without a
session. Like API tokens, only its SHA-256 is stored: the raw token is returned once,
when it is made, and cannot be shown again. Anyone may manage the tokens of the person
their login is linked to; the secretariat and administrators may manage anyone's.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from progov.accounts.services import hash_token
from progov.audit.services import record_create, record_update
from progov.audit.writes import insert
from progov.core import access
from progov.core.access import is_signed_in
from progov.core.errors import NotFound, PermissionDenied
from progov.governance.models import Person
from progov.meetings.models import CalendarFeedToken

FEED_TOKEN_PREFIX = "pgf_"  # noqa: S105 - a public prefix, not a secret


def may_manage_feed_tokens(actor: Any, person: Person) -> bool:
    """The person's own login, the secretariat, an administrator, or the system (None):
    the access model's `manage_feed_tokens` on the person."""
    return access.allowed(user=actor, action="manage_feed_tokens", obj=person)


def _require_manager(actor: Any, person: Person) -> None:
    if not may_manage_feed_tokens(actor, person):
        if not is_signed_in(actor):
            raise PermissionDenied("Sign in to manage calendar feed links.")
        raise PermissionDenied("You can only manage your own calendar feed links.")


@transaction.atomic
def create_feed_token(*, actor: Any, person: Person) -> tuple[CalendarFeedToken, str]:
    """Issue a personal feed token; the raw token is returned once and never stored."""
    _require_manager(actor, person)
    raw = FEED_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = insert(CalendarFeedToken, person=person, token_hash=hash_token(raw), prefix=raw[:12])
    record_create(actor=actor, obj=token, fields={"person": person.name, "prefix": token.prefix})
    return token, raw


@transaction.atomic
def revoke_feed_token(*, actor: Any, token: CalendarFeedToken) -> CalendarFeedToken:
    """Stop a feed: its URL answers 404 from now on. Revoking twice changes nothing.
    Someone else's link (unless the actor is the secretariat) is NotFound."""
    token = CalendarFeedToken.objects.select_for_update().select_related("person").get(pk=token.pk)
    if is_signed_in(actor) and not may_manage_feed_tokens(actor, token.person):
        # Someone else's feed link is hidden: it answers like one that does not exist.
        raise NotFound(f"No feed link #{token.pk}.")
    _require_manager(actor, token.person)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_update(actor=actor, obj=token, changes={"revoked_at": [None, token.revoked_at]})
    return token
