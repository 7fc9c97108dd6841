"""`/api/v1/meetings/feed-tokens`: personal calendar feed links.

A feed token is the secret in a personal iCal feed URL. Create one for yourself (the
person your login is linked to); the secretariat may create one for any person. The
raw token and its URL are in the 201 answer only: they are stored hashed.
"""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status

from progov.core.access import is_signed_in
from progov.core.api import SIGNED_IN_READ, ErrorOut, actor
from progov.core.bounds import Body, FormId, Id, PathId
from progov.core.errors import NotFound, PermissionDenied, ValidationError
from progov.governance.models import Person
from progov.meetings import services
from progov.meetings.models import CalendarFeedToken
from progov.meetings.services.feeds import may_manage_feed_tokens

router = Router(tags=["meetings"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class FeedTokenIn(Body):
    """Leave `person` out to create a link for yourself."""

    person: Id | None = None


class FeedTokenOut(Schema):
    id: int
    person: int
    person_name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class FeedTokenCreatedOut(FeedTokenOut):
    token: str
    url: str
    webcal_url: str


def _signed_in(request: HttpRequest) -> Any:
    user = actor(request)
    if not is_signed_in(user):
        raise PermissionDenied("Sign in to manage calendar feed links.")
    return user


def _own_person(user: Any) -> Person:
    person = Person.objects.filter(user_id=user.pk).first()
    if person is None:
        raise ValidationError(
            "Your login is not linked to a person, so it has no personal feed. "
            "Ask the secretariat to link it."
        )
    return person


def _token_out(token: CalendarFeedToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "person": token.person_id,
        "person_name": token.person.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "revoked_at": token.revoked_at,
    }


@router.get(
    "/feed-tokens", response={200: list[FeedTokenOut], **ERRORS}, openapi_extra=SIGNED_IN_READ
)
def list_feed_tokens(request: HttpRequest, person: FormId | None = None) -> Any:
    """Your active feed links (the secretariat may ask for any `person`)."""
    user = _signed_in(request)
    if person is None:
        owner = _own_person(user)
    else:
        owner = _person(person)
        if not may_manage_feed_tokens(user, owner):
            raise PermissionDenied("You can only see your own calendar feed links.")
    tokens = CalendarFeedToken.objects.select_related("person").filter(
        person=owner, revoked_at__isnull=True
    )
    return [_token_out(t) for t in tokens.order_by("-created_at", "-id")]


def _person(person_id: PathId) -> Person:
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound(f"No person #{person_id}.")
    return person


@router.post("/feed-tokens", response={201: FeedTokenCreatedOut, **ERRORS})
def create_feed_token(request: HttpRequest, payload: FeedTokenIn) -> Any:
    """Create a personal feed link; its `url` is shown in this answer only.

    Subscribe to `url` (or open `webcal_url`) in a calendar app: it needs no sign-in and
    holds the meetings of the groups the person currently belongs to.
    """
    user = _signed_in(request)
    person = _own_person(user) if payload.person is None else _person(payload.person)
    token, raw = services.create_feed_token(actor=user, person=person)
    url = request.build_absolute_uri(reverse("meetings:feed_person", args=[raw]))
    return Status(
        201,
        {
            **_token_out(token),
            "token": raw,
            "url": url,
            "webcal_url": "webcal://" + url.partition("://")[2],
        },
    )


@router.delete("/feed-tokens/{int:token_id}", response={204: None, **ERRORS})
def revoke_feed_token(request: HttpRequest, token_id: PathId) -> Any:
    """Revoke a feed link: its URL answers 404 from now on. Someone else's is 404."""
    user = _signed_in(request)
    token = CalendarFeedToken.objects.select_related("person").filter(pk=token_id).first()
    if token is None:
        raise NotFound(f"No feed link #{token_id}.")
    services.revoke_feed_token(actor=user, token=token)
    return Status(204, None)
