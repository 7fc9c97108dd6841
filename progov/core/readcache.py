"""Reads at the speed of a static file: conditional requests and a shared cache of rendered
answers, both keyed on the read version (docs/architecture.md, "The read version").

Governance data is read far more often than it changes, and every change passes through a
service that appends one audit entry in the same transaction. So the **read version** — the
audit chain's head, the date in each programme's time zone and the other clocks that
registered apps contribute (the last meeting start or end that has passed), and the release
of the code — changes whenever anything a reader could see changes. Layers above register
their parts (`register_version_part`); this module never imports them.

For every GET/HEAD of a page, an API read or a feed, `ReadCacheMiddleware`:

1. computes the answer's **tag** from the read version, the reader's access scope (the
   access model's `Scope.key()`, and their session, whose CSRF token the page embeds) and the
   request (host, path and query, HTMX or not); `If-None-Match` carrying it gets 304
   before the view runs;
2. looks the answer up in the shared cache (the `pages` cache: a file cache in the data
   dir, or Redis via `PROGOV_CACHE_URL`) under a key of the read version, the scope that
   readers share (`Scope.shared_key()`: role, organisation, groups; per reader for
   `per_viewer` views and signed-in API callers) and the request. A hit is served without
   running the view; a miss runs it and stores a 200 answer.

Per-reader parts are **holes**: while an answer that may be stored is rendered, the
context gives the CSRF token and the reader's name as placeholders
(`context_processor`), and they are filled in for each reader on the way out. So a
representative and the chair of the same group share the rendered agenda, each with
their own name and token, while an anonymous reader never shares a signed-in one's
answer (their scopes differ).

Two shortcuts keep a hit close to the cost of a static file. Each process keeps its
newest answers in memory (`_Memo`, bounded in entries and bytes) before the shared cache,
so a hit reads no file and unpickles nothing. And a reader who is plainly anonymous (no
session cookie, no Authorization header, no pending messages) is answered by
`ReadCacheFrontMiddleware` near the top of the stack, from the whole answer as it last
left the stack (CSP and frame headers included), before sessions, CSRF, authentication
and URL resolution run: only answers the inner middleware stored for the anonymous scope,
without per-view extras or a CSRF token, are kept there.

Nothing is invalidated by hand: a write changes the audit head, so every key built before
it is unreachable at once (old entries age out of the cache). A page that also shows what
the audit trail does not cover names it with `depends_on` (sign-in lockouts, which lift
when their cool-off ends); `uncached` views are left alone; pending flash messages and
answers that set cookies or say `no-store` are never stored.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin
from django.utils.html import escape
from django.utils.http import parse_etags

from progov.core import access
from progov.core.auth import is_signed_in
from progov.core.refusals import API_PREFIX

CACHE_ALIAS = "pages"
# Says an answer came from the shared cache (`hit`) or was rendered (`miss`): for the
# benchmark, the tests and an operator's curl.
SERVED_HEADER = "X-Read-Cache"


class _Memo:
    """The answers this process stored or served last, by key, in front of the shared
    cache: a hit then costs a dictionary lookup, not a file read and an unpickle.

    A key carries the read version, so an entry here is never stale, only unreachable
    once anything changes; the oldest go first past `entries` or `max_bytes`."""

    def __init__(self, entries: int = 512, max_bytes: int = 64 * 1024 * 1024):
        self.entries = entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, tuple[int, Any]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[1]

    def set(self, key: str, value: Any, size: int) -> None:
        if size > self.max_bytes // 8:
            return  # one huge answer (a programme feed) must not flush all the others
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[0]
            self._items[key] = (size, value)
            self._bytes += size
            while len(self._items) > self.entries or self._bytes > self.max_bytes:
                _, (dropped, _) = self._items.popitem(last=False)
                self._bytes -= dropped

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


_MEMO = _Memo()


def forget_memo() -> None:
    """Empty this process's memo (tests do, with the caches, between tests)."""
    _MEMO.clear()


def _stored(key: str) -> Any:
    found = _MEMO.get(key)
    if found is None:
        found = caches[CACHE_ALIAS].get(key)
        if found is not None:
            _MEMO.set(key, found, _size_of(found))
    return found


def _store(key: str, value: tuple[Any, ...]) -> None:
    caches[CACHE_ALIAS].set(key, value)
    _MEMO.set(key, value, _size_of(value))


def _size_of(value: tuple[Any, ...]) -> int:
    return len(value[2]) + 512  # the body, and a little for the headers


# --- the read version ------------------------------------------------------------------

_VERSION_PARTS: dict[str, Callable[[], object]] = {}


def register_version_part(name: str, part: Callable[[], object]) -> None:
    """Add a part to the read version: a cheap function whose value changes whenever
    something readers see changes without a write (a date, a clock)."""
    _VERSION_PARTS[name] = part


@cache
def release() -> str:
    """The code's release: the package version and the size and time of every module and
    template, so an upgrade makes every cached answer unreachable. Computed once per
    process."""
    root = Path(__file__).resolve().parent.parent
    try:
        version = importlib.metadata.version("progov")
    except importlib.metadata.PackageNotFoundError:
        version = ""
    digest = hashlib.sha256(version.encode())
    for path in sorted(root.rglob("*")):
        if path.suffix in {".py", ".html", ".txt", ".ics"} and "tests" not in path.parts:
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


def read_version() -> str:
    """The read version now: `release;audit=…;today=…;meetings=…` (the parts registered)."""
    parts = [release()]
    parts.extend(f"{name}={part()}" for name, part in _VERSION_PARTS.items())
    return ";".join(parts)


# --- which views may be cached, and how ----------------------------------------------

V = TypeVar("V", bound=Callable[..., Any])

SHARED = "shared"  # by the readers' shared scope (the default for progov's pages)
VIEWER = "viewer"  # per reader: the answer shows who the reader is themself
UNCACHED = "uncached"  # never: the answer depends on what the audit trail does not cover


def per_viewer(view: V) -> V:
    """Cache this page per reader (it shows the reader's own feeds, their own person)."""
    view.progov_read_cache = VIEWER  # type: ignore[attr-defined]
    return view


def uncached(view: V) -> V:
    """Never cache this page nor answer 304 for it (sign-in, lockouts)."""
    view.progov_read_cache = UNCACHED  # type: ignore[attr-defined]
    return view


def depends_on(extra: Callable[[HttpRequest], object]) -> Callable[[V], V]:
    """This page also shows what the audit trail does not version (sign-in lockouts lift
    when their cool-off ends): `extra(request)` joins its tag and its key."""

    def mark(view: V) -> V:
        view.progov_read_extra = extra  # type: ignore[attr-defined]
        return view

    return mark


def _declared(view: Callable[..., Any], name: str) -> Any:
    found = getattr(view, name, None)
    if found is None and hasattr(view, "view_class"):
        found = getattr(view.view_class, name, None)
    return found


def _policy_of(view: Callable[..., Any], request: HttpRequest) -> str:
    declared = _declared(view, "progov_read_cache")
    if declared is not None:
        return str(declared)
    if request.path.startswith(API_PREFIX):
        # An API caller signed in is answered for themself (tokens, their own person).
        return VIEWER
    module = getattr(view, "__module__", "") or ""
    # The admin and other third-party views: not ours to cache.
    return SHARED if module.startswith("progov.") else UNCACHED


# --- who reads ---------------------------------------------------------------------------

# Bearer tokens are resolved in the API's auth, above this layer: accounts registers how
# to find the token's user (None when the token is unknown or its client is throttled, so
# the API itself answers 401 or 429 and counts the failure).
_bearer_reader: Callable[[HttpRequest, str], Any] | None = None


def register_bearer_reader(reader: Callable[[HttpRequest, str], Any]) -> None:
    global _bearer_reader
    _bearer_reader = reader


_UNKNOWN = object()


def _reader(request: HttpRequest) -> Any:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or _bearer_reader is None:
            return _UNKNOWN
        user = _bearer_reader(request, token.strip())
        return _UNKNOWN if user is None else user
    return getattr(request, "user", None)


def _has_pending_messages(request: HttpRequest) -> bool:
    if request.COOKIES.get(getattr(settings, "MESSAGE_COOKIE_NAME", "messages")):
        return True
    session = getattr(request, "session", None)
    if session is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return "_messages" in session


# --- holes: the per-reader parts of a shared answer -------------------------------------

HOLE_CSRF = "progov-hole-csrf-5f0c2b"
HOLE_VIEWER = "progov-hole-viewer-5f0c2b"
_HOLE_CSRF_BYTES = HOLE_CSRF.encode()
_HOLE_VIEWER_BYTES = HOLE_VIEWER.encode()


def context_processor(request: HttpRequest) -> dict[str, Any]:
    """`viewer_name` for the masthead; while a storable answer renders, the placeholders."""
    if getattr(request, "_progov_holes", False):
        return {"csrf_token": HOLE_CSRF, "viewer_name": HOLE_VIEWER}
    user: Any = getattr(request, "user", None)
    return {"viewer_name": user.get_username() if is_signed_in(user) else ""}


def _fill_holes(request: HttpRequest, body: bytes, user: Any) -> tuple[bytes, bool]:
    """The body with the reader's CSRF token and name; whether a CSRF token went in."""
    used_csrf = _HOLE_CSRF_BYTES in body
    if used_csrf:
        body = body.replace(_HOLE_CSRF_BYTES, get_token(request).encode())
    if _HOLE_VIEWER_BYTES in body:
        name = user.get_username() if is_signed_in(user) else ""
        body = body.replace(_HOLE_VIEWER_BYTES, escape(name).encode())
    return body, used_csrf


# --- tags and keys -----------------------------------------------------------------------


def _digest(*parts: object) -> str:
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=12).hexdigest()


def _request_variant(request: HttpRequest) -> str:
    # What the answer depends on besides the reader: the URL as asked (absolute URLs in
    # feeds depend on scheme and host) and whether HTMX asked for a fragment.
    return "|".join(
        (
            request.scheme or "",
            request.get_host(),
            request.get_full_path(),
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-History-Restore-Request", ""),
        )
    )


def tag_of(etag: str) -> str:
    """The read tag in an ETag: `W/"tag"`, `"tag"` or `"5.tag"` (an object version first)."""
    inner = etag.strip().removeprefix("W/").strip('"')
    return inner.rpartition(".")[2]


def version_prefix(etag: str) -> str:
    """What a view's own ETag put before the read tag (`"5.tag"` → `5`), else all of it."""
    inner = etag.strip().removeprefix("W/").strip('"')
    head, dot, _ = inner.rpartition(".")
    return head if dot else inner


@dataclass
class _Read:
    tag: str
    key: str
    public: bool
    user: Any
    served: bool = False
    stored: bool = False  # the answer was stored, for this scope and request alone
    extra: bool = False  # the view's `depends_on` part is in the key
    used_csrf: bool = False


_SKIPPED_HEADERS = {
    "etag",
    "cache-control",
    "vary",
    "set-cookie",
    "x-request-id",
    "content-length",
    SERVED_HEADER.lower(),
}


class ReadCacheMiddleware(MiddlewareMixin):
    """304 for a current copy and the shared cache for everyone else (see the module)."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponseBase | None:
        if request.method not in ("GET", "HEAD") or not settings.PROGOV_READ_CACHE:
            return None
        policy = _policy_of(view_func, request)
        if policy == UNCACHED or _has_pending_messages(request):
            return None
        user = _reader(request)
        if user is _UNKNOWN:
            return None
        version = read_version()
        scope = access.scope_of(user, version=version)
        staff = bool(getattr(user, "is_staff", False))
        variant = _request_variant(request)
        extra = _declared(view_func, "progov_read_extra")
        if extra is not None:
            variant += f"|{extra(request)}"
        shared = scope.key() if policy == VIEWER else scope.shared_key()
        # The session too: a page kept by the browser embeds a CSRF token of its session,
        # which signing in again replaces.
        session = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
        read = _Read(
            tag=_digest(version, scope.key(), staff, session, variant),
            key="read:" + _digest(version, shared, staff, variant),
            public=scope.user_id is None,
            user=user,
            extra=extra is not None,
        )
        request._progov_read = read  # type: ignore[attr-defined]
        matched = self._matching(request, read.tag)
        if matched is not None:
            read.served = True
            response = HttpResponseNotModified()
            response["ETag"] = matched
            self._cache_headers(response, read, private=not read.public)
            return response
        stored = _stored(read.key)
        if stored is not None:
            read.served = True
            return self._from_store(request, read, stored)
        # Render the per-reader parts as holes, so the answer can be shared.
        request._progov_holes = True  # type: ignore[attr-defined]
        return None

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        read: _Read | None = getattr(request, "_progov_read", None)
        if read is None or read.served:
            return response
        if response.streaming:
            # A file (a paper): not stored, but a client that keeps it revalidates it.
            if response.status_code == 200 and not response.has_header("ETag"):
                self._tag(response, read, "", weak=False)
                self._cache_headers(
                    response, read, private="private" in response.get("Cache-Control", "")
                )
            return response
        if not getattr(request, "_progov_holes", False) or not isinstance(response, HttpResponse):
            return response
        if response.status_code != 200:
            # Refusals and errors are rendered for this request only: fill their holes.
            response.content, _ = _fill_holes(request, response.content, read.user)
            return response
        own_etag = response.get("ETag", "")
        if not response.cookies and "no-store" not in response.get("Cache-Control", ""):
            headers = [(k, v) for k, v in response.items() if k.lower() not in _SKIPPED_HEADERS]
            stored = (
                response.status_code,
                headers,
                response.content,
                version_prefix(own_etag) if own_etag else "",
                response.get("Cache-Control", ""),
            )
            _store(read.key, stored)
            read.stored = True
        body, used_csrf = _fill_holes(request, response.content, read.user)
        read.used_csrf = used_csrf
        response.content = body
        response[SERVED_HEADER] = "miss"
        self._tag(response, read, version_prefix(own_etag) if own_etag else "", used_csrf)
        self._cache_headers(
            response, read, private=used_csrf or "private" in response.get("Cache-Control", "")
        )
        return response

    # --- helpers ---

    @staticmethod
    def _matching(request: HttpRequest, tag: str) -> str | None:
        header = request.headers.get("If-None-Match")
        if not header:
            return None
        for etag in parse_etags(header):
            if etag != "*" and tag_of(etag) == tag:
                return etag
        return None

    def _from_store(
        self, request: HttpRequest, read: _Read, stored: tuple[Any, ...]
    ) -> HttpResponse:
        status, headers, body, own, cache_control = stored
        body, used_csrf = _fill_holes(request, body, read.user)
        response = HttpResponse(body, status=status)
        for name, value in headers:
            response[name] = value
        if cache_control:
            response["Cache-Control"] = cache_control
        self._tag(response, read, own, used_csrf)
        self._cache_headers(response, read, private=used_csrf or "private" in cache_control)
        response[SERVED_HEADER] = "hit"
        return response

    @staticmethod
    def _tag(response: HttpResponseBase, read: _Read, own: str, weak: bool) -> None:
        inner = f"{own}.{read.tag}" if own else read.tag
        # A page carrying a CSRF token differs byte for byte between answers: a weak tag.
        response["ETag"] = f'W/"{inner}"' if weak else f'"{inner}"'

    @staticmethod
    def _cache_headers(response: HttpResponseBase, read: _Read, *, private: bool) -> None:
        declared = response.get("Cache-Control", "")
        if "max-age" in declared and "private" in declared:
            pass  # the view's own (a feed's polling interval)
        elif read.public and not private:
            # Anonymous answers are the same for every anonymous reader: a proxy may keep
            # them, but must ask again (and gets 304 while nothing changed).
            response["Cache-Control"] = "public, no-cache"
        else:
            response["Cache-Control"] = "private, no-cache"
        patch_vary_headers(response, ["Cookie", "Authorization", "HX-Request"])


# Headers of a whole answer that belong to one response only, never replayed.
_FRONT_SKIPPED = {"set-cookie", "x-request-id", "x-client-request-id", "content-length", "date"}


class ReadCacheFrontMiddleware:
    """Answers a plainly anonymous GET near the top of the stack (after the static files
    and the correlation id), from the whole answer as it last left the stack.

    "Plainly anonymous": no session cookie, no Authorization header, no pending messages
    cookie. Everything below this middleware would only have established that the reader
    is anonymous and then found the same stored answer; so an answer is kept here only
    when the inner `ReadCacheMiddleware` stored it for the anonymous scope, with no
    `depends_on` part and no CSRF token, and no middleware set a cookie on it. The key is
    the read version and the request, as the inner one's is for the anonymous scope.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    @staticmethod
    def _eligible(request: HttpRequest) -> bool:
        return (
            request.method == "GET"
            and bool(settings.PROGOV_READ_CACHE)
            and "HTTP_AUTHORIZATION" not in request.META
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in request.COOKIES
        )

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not self._eligible(request):
            return self.get_response(request)
        key = "front:" + _digest(read_version(), _request_variant(request))
        stored = _stored(key)
        if stored is not None:
            return self._replay(request, stored)
        response = self.get_response(request)
        read: _Read | None = getattr(request, "_progov_read", None)
        if (
            read is not None
            and read.stored
            and read.public
            and not read.extra
            and not read.used_csrf
            and isinstance(response, HttpResponse)
            and response.status_code == 200
            and not response.cookies
        ):
            headers = [(k, v) for k, v in response.items() if k.lower() not in _FRONT_SKIPPED]
            _store(key, (response.status_code, headers, response.content))
        return response

    @staticmethod
    def _replay(request: HttpRequest, stored: tuple[Any, ...]) -> HttpResponseBase:
        status, headers, body = stored
        etag = next((v for k, v in headers if k.lower() == "etag"), "")
        response: HttpResponseBase
        if etag and ReadCacheMiddleware._matching(request, tag_of(etag)) is not None:
            response = HttpResponseNotModified()
            headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
        else:
            response = HttpResponse(body, status=status)
            response["Content-Length"] = str(len(body))
        for name, value in headers:
            response[name] = value
        response[SERVED_HEADER] = "hit"
        return response
