"""core/fulltext.py on the database in use, over groups (SQLite FTS5 or PostgreSQL's text
search): words in any order, each a word prefix, ranked; substring-only matches after; no
candidate outside the queryset (the access policy's restriction is kept)."""

from __future__ import annotations

import pytest

from progov.core.fulltext import ranked, words_of
from progov.core.testing.factories import GroupFactory
from progov.governance.models import GovernanceGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups(programme):
    return {
        "dag": GroupFactory(
            programme=programme,
            acronym="DAG",
            name="Design Advisory Group",
            purpose="Oversee, review and approve the design.",
        ),
        "sdwg": GroupFactory(
            programme=programme,
            acronym="SDWG",
            name="Security Design Working Group",
            purpose="Security of the design.",
        ),
        "sitag": GroupFactory(
            programme=programme,
            acronym="SITAG",
            name="SIT Advisory Group",
            purpose="Advise on system integration testing.",
        ),
        "hidg": GroupFactory(programme=programme, acronym="HIDG", name="Hidden Group"),
        "exg": GroupFactory(
            programme=programme,
            acronym="EXG",
            name="Example Group",
            purpose="Meets now and then about many things, among them once the design.",
        ),
    }


def search(q: str, qs=None, limit: int = 10) -> list[str]:
    qs = qs if qs is not None else GovernanceGroup.objects.order_by("acronym")
    return [g.acronym for g in ranked(qs, fields=("acronym", "name", "purpose"), q=q, limit=limit)]


def test_words_in_any_order_as_prefixes_ranked(groups):
    assert search("advisory design") == ["DAG"]
    assert search("advis desig") == ["DAG"]
    # Ranked: "design" is twice in DAG's and SDWG's short texts, once in EXG's long one.
    found = search("design")
    assert set(found[:2]) == {"DAG", "SDWG"} and found[2:] == ["EXG"]
    assert search("security") == ["SDWG"]
    assert set(search("advisory")) == {"DAG", "SITAG"}


def test_a_word_inside_another_still_comes_after_the_ranked(groups):
    # "IDG" is no word of "HIDG": the substring match still finds it, after any ranked.
    assert search("IDG") == ["HIDG"]


def test_only_the_querysets_rows_are_candidates(groups):
    visible = GovernanceGroup.objects.exclude(acronym="HIDG").order_by("acronym")
    assert "HIDG" not in search("hidden", qs=visible)
    assert search("hidden", qs=visible) == []


def test_no_search_syntax_gets_through(groups):
    assert words_of('design" OR "x* NEAR(a b)') == ["design", "or", "x", "near", "a", "b"]
    assert set(search('"design*')) == {"DAG", "SDWG", "EXG"}
    assert search("#/") == []  # punctuation only: the substring search, finding nothing
    assert search("") == []


def test_the_limit_counts_ranked_and_substring_hits_together(groups):
    assert len(search("group", limit=2)) == 2
    assert len(search("group", limit=1)) == 1
