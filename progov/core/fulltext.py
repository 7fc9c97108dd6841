"""Full-text matching for the search box: the database's own engine, ranked.

`ranked(qs, fields=…, q=…, limit=…)` returns the rows of `qs` (already restricted by
the access policy, so nothing hidden is ever a candidate) that match the words of `q`,
best first:

- PostgreSQL: `to_tsvector('simple', …) @@ to_tsquery('simple', 'design:* & advisory:*')`,
  ordered by `ts_rank` (django.contrib.postgres.search);
- SQLite: the visible rows containing every word (SQL `LIKE`, so few) go into an FTS5
  table in the connection's temp schema, and `MATCH '"design"* "advisory"*'` orders them
  by `bm25`. Built per search over those candidates: nothing has to be kept in step with
  the writes, and a search costs the same whatever else the programme holds.

Each word matches at the start of a word ("advis" finds "Advisory"), in any order and
any of the fields; a row matching only inside a word ("IDG" in "HIDG") still comes,
after the ranked ones, so nothing the old substring search found is lost.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import reduce
from operator import or_
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

MAX_WORDS = 8
MAX_CANDIDATES = 2000
"""Rows handed to FTS5 to rank, in the queryset's own order (latest first): a search
for common words costs the same however many rows contain them."""
_WORD = re.compile(r"\w+", re.UNICODE)


def words_of(q: str) -> list[str]:
    """The words searched for: letters and digits only (FTS syntax is never passed through)."""
    return [w.lower() for w in _WORD.findall(q)][:MAX_WORDS]


def _contains(fields: Sequence[str], q: str) -> Q:
    return reduce(or_, (Q(**{f"{field}__icontains": q}) for field in fields))


def ranked(qs: QuerySet[Any], *, fields: Sequence[str], q: str, limit: int) -> list[Any]:
    """The rows of `qs` matching `q` in `fields`, best first, at most `limit`."""
    q = q.strip()
    words = words_of(q)
    if not q or limit <= 0:
        return []
    if not words:  # punctuation only ("#", "/"): the plain substring search
        return list(qs.filter(_contains(fields, q))[:limit])
    if connection.vendor == "postgresql":
        order = _postgres(qs, fields, words)
    else:
        # A row whose words start with each searched word contains each as a substring:
        # only those few are handed to FTS5 to rank, not every visible row.
        # (SQLite's LIKE ignores case for ASCII only: other words are left to FTS5.)
        ascii_words = [w for w in words if w.isascii()]
        candidates = qs.filter(*(_contains(fields, word) for word in ascii_words))
        order = _sqlite(candidates, fields, words)
    found = order[:limit]
    # Asked even when the ranked rows fill the page, so a search costs the same queries
    # however many rows match.
    rest = qs.filter(_contains(fields, q)).exclude(pk__in=found)
    found += list(rest.values_list("pk", flat=True)[: max(1, limit - len(found))])
    found = found[:limit]
    rows = qs.model._default_manager.none() if not found else qs.filter(pk__in=found)
    by_pk = {row.pk: row for row in rows}
    return [by_pk[pk] for pk in found if pk in by_pk]


def _postgres(qs: QuerySet[Any], fields: Sequence[str], words: list[str]) -> list[Any]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    query = SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config="simple")
    vector = SearchVector(*fields, config="simple")
    matches = (
        qs.annotate(search_vector=vector, search_rank=SearchRank(vector, query))
        .filter(search_vector=query)  # vector @@ query: every word matches
        .order_by("-search_rank", *(qs.query.order_by or qs.model._meta.ordering), "pk")
    )
    return list(matches.values_list("pk", flat=True))


def _sqlite(qs: QuerySet[Any], fields: Sequence[str], words: list[str]) -> list[Any]:
    rows = list(qs.values_list("pk", *fields)[:MAX_CANDIDATES])
    if not rows:
        return []
    columns = [f"c{i}" for i in range(len(fields))]
    match = " ".join(f'"{w}"*' for w in words)  # every word, each as a prefix
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS temp.progov_fulltext")
        cursor.execute(
            "CREATE VIRTUAL TABLE temp.progov_fulltext USING fts5(row_pk UNINDEXED, "
            + ", ".join(columns)
            + ", tokenize = 'unicode61')"
        )
        try:
            # Only placeholders are joined in: the values go as parameters.
            cursor.executemany(
                "INSERT INTO temp.progov_fulltext VALUES ("  # noqa: S608
                + ", ".join(["%s"] * len(rows[0]))
                + ")",
                [(pk, *("" if v is None else str(v) for v in values)) for pk, *values in rows],
            )
            # Ties keep the queryset's own order (its row order in the table).
            cursor.execute(
                "SELECT row_pk FROM temp.progov_fulltext WHERE progov_fulltext MATCH %s "
                "ORDER BY bm25(progov_fulltext), rowid",
                [match],
            )
            found = [row[0] for row in cursor.fetchall()]
        finally:
            cursor.execute("DROP TABLE IF EXISTS temp.progov_fulltext")
    return found
