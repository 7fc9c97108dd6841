"""iCal feeds of meetings, and the page where a person manages their own feed links.

    /meetings/feeds/programme.ics            every meeting of the programme
    /meetings/feeds/groups/<acronym>.ics     one group's meetings
    /meetings/feeds/people/<token>.ics       the groups a person currently belongs to
    /meetings/feeds/mine/                    create and revoke your personal feed links

Feeds cover a year back and two years ahead unless `?from=YYYY-MM-DD&to=YYYY-MM-DD`
says otherwise (at most ten years). The group and programme feeds show what the
requesting session may see (a hidden group's feed is 404 to calendar clients, which
never sign in); a personal feed shows what the person's own login may see, found by
its unguessable token alone.

Every answer carries a strong ETag computed from the feed's inputs in two aggregate
queries, so `If-None-Match` is answered 304 without rendering anything.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotModified,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django.views.decorators.http import require_http_methods, require_safe

from progov.core import access
from progov.core.errors import ValidationError
from progov.core.pages import not_found_as_404
from progov.core.readcache import per_viewer, version_prefix
from progov.governance import selectors as governance_selectors
from progov.governance.models import Person
from progov.meetings import services
from progov.meetings.feeds import DEFAULT_PAGE_URL, EVENTS, render_calendar
from progov.meetings.models import CalendarFeedToken
from progov.meetings.selectors import feeds as selectors

CONTENT_TYPE = "text/calendar; charset=utf-8"
CACHE_CONTROL = "private, max-age=300"


def _window(request: HttpRequest) -> selectors.FeedWindow:
    return selectors.FeedWindow.from_query(
        request.GET.get("from"), request.GET.get("to"), today=timezone.localdate()
    )


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def meeting_page_url(base_url: str) -> str:
    """The absolute URL of a meeting page with `{id}` for its primary key (one reverse)."""
    sentinel = 987654321
    try:
        path_ = reverse("meetings:meeting", args=[sentinel]).replace(str(sentinel), "{id}")
    except NoReverseMatch:  # the meeting pages are not mounted
        path_ = DEFAULT_PAGE_URL
    return base_url + path_


def _matches(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    # If-None-Match uses the weak comparison (RFC 9110 §13.1.2): W/ prefixes are ignored.
    # The read cache adds its tag after the feed's own (`"feed.read"`): the feed's part
    # alone decides here, so a write elsewhere in the programme still gets 304.
    given = parse_etags(header)
    return "*" in given or etag in {f'"{version_prefix(t)}"' for t in given}


@contextlib.contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a feed is built.

    A 5,000-event feed allocates ~30,000 row tuples and as many strings, none of them
    in reference cycles; left on, the collector runs full (generation 2) passes over
    the whole heap in the middle of it, which added ~60 ms to the p95 in the bench.
    Reference counting still frees everything; collection resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def serve_feed(
    request: HttpRequest, feed: selectors.Feed, *, personal: bool = False
) -> HttpResponse:
    """The feed, or 304 when the client's copy is current (without rendering it)."""
    base_url = _base_url(request)
    etag = selectors.feed_etag(feed, base_url=base_url)
    response: HttpResponse
    if _matches(request, etag):
        response = HttpResponseNotModified()
    else:
        with _without_cyclic_gc():
            meetings, agenda = selectors.feed_rows(feed)
            body = render_calendar(
                name=feed.name,
                meetings=meetings,
                agenda=agenda,
                page_url=meeting_page_url(base_url),
                programme_slug=feed.programme.slug,
                first_day=feed.window.first_day,
                last_day=feed.window.last_day,
                events_cache=EVENTS,
                tzid=feed.programme.timezone,
            ).encode()
        response = HttpResponse(body, content_type=CONTENT_TYPE)
        response["Content-Disposition"] = f'inline; filename="{feed.filename}"'
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    if personal:
        # The URL is the secret: keep it out of referrers and search indexes.
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
    else:
        # What a group or programme feed holds depends on the session.
        patch_vary_headers(response, ["Cookie"])
    return response


def _feed_view(build: Any) -> Any:
    """GET/HEAD only; hidden or missing → 404; a bad `from`/`to` → 400 with the reason."""

    @require_safe
    @not_found_as_404
    @functools.wraps(build)
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            window = _window(request)
        except ValidationError as exc:
            return HttpResponseBadRequest(exc.message, content_type="text/plain; charset=utf-8")
        return build(request, window, *args, **kwargs)

    return view


@_feed_view
def programme_feed(request: HttpRequest, window: selectors.FeedWindow) -> HttpResponse:
    """Every meeting of the programme the session may see."""
    programme = governance_selectors.current_programme()
    return serve_feed(
        request, selectors.programme_feed(user=request.user, programme=programme, window=window)
    )


@_feed_view
def group_feed(request: HttpRequest, window: selectors.FeedWindow, acronym: str) -> HttpResponse:
    """One group's meetings (404 when the session may not see the group)."""
    programme = governance_selectors.current_programme()
    feed = selectors.group_feed(
        user=request.user, programme=programme, acronym=acronym, window=window
    )
    return serve_feed(request, feed)


@_feed_view
def person_feed(request: HttpRequest, window: selectors.FeedWindow, token: str) -> HttpResponse:
    """A person's feed, found by its token alone (no session needed); revoked → 404."""
    feed = selectors.person_feed(token=token, window=window, today=timezone.localdate())
    return serve_feed(request, feed, personal=True)


# --- your own feed links ---------------------------------------------------------------


def _own_person(request: HttpRequest) -> Person | None:
    if request.user.pk is None:
        return None
    return Person.objects.select_related("programme").filter(user_id=request.user.pk).first()


def personal_feed_url(request: HttpRequest, raw_token: str) -> str:
    return request.build_absolute_uri(reverse("meetings:feed_person", args=[raw_token]))


@per_viewer
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_feeds(request: HttpRequest) -> HttpResponse:
    """Create (shown once) and revoke the signed-in person's feed links."""
    person = _own_person(request)
    context: dict[str, Any] = {
        "person": person,
        "new_url": None,
        "error": None,
        # Whoever may link logins to people is told to do it, not to ask for it.
        "may_link_login": person is None
        and access.allowed(user=request.user, action="link_login", obj=Person()),
    }
    status = 200
    if request.method == "POST":
        if person is None:
            return HttpResponseBadRequest("Your login is not linked to a person.")
        action = request.POST.get("action")
        if action == "create":
            _token, raw = services.create_feed_token(actor=request.user, person=person)
            context["new_url"] = personal_feed_url(request, raw)
            context["new_webcal_url"] = "webcal://" + context["new_url"].partition("://")[2]
            status = 201
        elif action == "revoke":
            raw_id = request.POST.get("token", "")
            token = (
                CalendarFeedToken.objects.filter(
                    pk=int(raw_id), person=person, revoked_at__isnull=True
                ).first()
                if raw_id.isdigit()
                else None
            )
            if token is None:
                context["error"] = "That feed link does not exist or is already revoked."
                status = 404
            else:
                services.revoke_feed_token(actor=request.user, token=token)
                messages.success(
                    request, f"Feed link {token.prefix}… revoked: calendars using it stop updating."
                )
                return HttpResponseRedirect(reverse("meetings:feeds_mine"))
        else:
            return HttpResponseBadRequest("Unknown action.")
    context["tokens"] = list(selectors.feed_tokens_of(person)) if person is not None else []
    response = render(request, "meetings/my_feeds.html", context, status=status)
    # The page may hold a secret URL: never store it.
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("feeds/programme.ics", programme_feed, name="feed_programme"),
    path("feeds/groups/<path:acronym>.ics", group_feed, name="feed_group"),
    path("feeds/people/<str:token>.ics", person_feed, name="feed_person"),
    path("feeds/mine/", my_feeds, name="feeds_mine"),
]
