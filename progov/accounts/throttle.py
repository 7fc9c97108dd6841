"""The bearer-token throttle: bad tokens counted per client in Django's cache.

After `PROGOV_BEARER_FAILURE_LIMIT` unknown or revoked tokens from one client (its IP by
`core.clients.client_ip`) within a window of `PROGOV_BEARER_FAILURE_WINDOW_SECONDS`, every
bearer call from that client answers 429 with `Retry-After` until the window ends, before
the token is even looked up. Windows are fixed (aligned on multiples of the window), so a
window's counter is one cache key, bumped with the cache's own `incr` (atomic on Redis and
the local-memory cache; the file cache may lose a count under a burst, which only makes
the limit approximate). A cache that fails lets the call through (and says so in the
log): the throttle is a brake, never the reason a valid token is refused.
"""

from __future__ import annotations

import logging
import math
import time

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger("progov.accounts")


def _limit() -> int:
    return int(getattr(settings, "PROGOV_BEARER_FAILURE_LIMIT", 10))


def _window() -> int:
    return max(1, int(getattr(settings, "PROGOV_BEARER_FAILURE_WINDOW_SECONDS", 60)))


def _key(client: str | None, window_index: int) -> str:
    return f"progov:bad-bearer:{client or 'unknown'}:{window_index}"


def bearer_retry_after(client: str | None) -> int | None:
    """Seconds until `client` may send a bearer token again (None: it may now)."""
    window = _window()
    now = time.time()
    index = int(now // window)
    try:
        failures = cache.get(_key(client, index), 0)
    except Exception:  # the cache is down: no throttle rather than no API
        log.exception("bearer throttle: the cache cannot be read")
        return None
    if failures < _limit():
        return None
    return max(1, math.ceil((index + 1) * window - now))


def note_bad_bearer(client: str | None) -> None:
    """Count one unknown or revoked token from `client` in the current window."""
    window = _window()
    key = _key(client, int(time.time() // window))
    try:
        # Two windows' life: the key is dead by then, whatever the backend does to TTLs.
        if not cache.add(key, 1, timeout=2 * window):
            cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=2 * window)
    except Exception:
        log.exception("bearer throttle: the cache cannot be written")
