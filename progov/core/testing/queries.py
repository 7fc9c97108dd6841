"""Query counts that do not grow with data (NetBox's `utilities/testing/query_counts.py`).

    small = count_queries(lambda: client.get("/groups/"))          # asserts 200 too
    assert_constant_queries(lambda: client.get("/groups/"), grow=lambda: add_groups(50))

`count_queries` also asserts the answer's status code, so a page that fails (404, 500 …)
at both sizes cannot pass a "the count did not grow" test by failing fast twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def _status_of(result: Any) -> int | None:
    status = getattr(result, "status_code", None)
    return status if isinstance(status, int) else None


def count_queries(fn: Callable[[], Any], *, status: int | None = 200) -> int:
    """The number of SQL queries `fn()` runs; `fn` returns a response whose status code
    must be `status` (`status=None`: `fn` is not a request, e.g. a selector's list)."""
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    if status is not None:
        got = _status_of(result)
        if got is None:
            raise AssertionError(
                f"count_queries: {fn!r} returned {type(result).__name__}, not a response; "
                "pass status=None to count something that is not a request"
            )
        assert got == status, f"expected status {status}, got {got}"
    return len(ctx.captured_queries)


def assert_constant_queries(
    measure: Callable[[], Any],
    grow: Callable[[], Any],
    *,
    again: Callable[[], Any] | None = None,
    status: int | None = 200,
) -> int:
    """Count `measure()`, run `grow()` (more data), count `again()` (default: `measure`)
    and assert both counts are equal and both answers have `status`. Returns the count."""
    small = count_queries(measure, status=status)
    grow()
    big = count_queries(again or measure, status=status)
    assert big == small, f"queries grew with the data: {small} → {big}"
    return small
