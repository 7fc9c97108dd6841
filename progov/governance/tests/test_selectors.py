"""Reads: visibility (hidden is missing), the tree, and constant query counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from progov.core.errors import NotFound
from progov.core.testing.factories import (
    ConstituencyFactory,
    GroupFactory,
    MembershipFactory,
    PersonFactory,
)
from progov.governance import selectors

pytestmark = pytest.mark.django_db


def test_group_tree_nests_by_parent_and_orders_by_level(programme, psg):
    dag = GroupFactory(programme=programme, acronym="DAG", level=3, parent=psg)
    GroupFactory(programme=programme, acronym="SDWG", level=4, parent=dag)
    GroupFactory(programme=programme, acronym="FTIG", level=None, parent=None)
    tree = selectors.group_tree(user=AnonymousUser(), programme=programme)
    assert [n["group"].acronym for n in tree] == ["PSG", "FTIG"]
    assert tree[0]["children"][0]["group"].acronym == "DAG"
    assert tree[0]["children"][0]["children"][0]["group"].acronym == "SDWG"


def test_tree_is_one_query_whatever_the_size(programme, psg):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            selectors.group_tree(user=AnonymousUser(), programme=programme)
        return len(ctx.captured_queries)

    small = count()
    for n in range(40):
        GroupFactory(programme=programme, acronym=f"WG{n}", level=4, parent=psg)
    assert count() == small == 1


def test_hidden_group_raises_not_found_like_missing(programme, member_user):
    GroupFactory(programme=programme, acronym="ECG", visibility="participants")
    with pytest.raises(NotFound):
        selectors.group_get(user=AnonymousUser(), acronym="ECG", programme=programme)
    with pytest.raises(NotFound):
        selectors.group_get(user=AnonymousUser(), acronym="MISSING", programme=programme)
    assert (
        selectors.group_get(user=member_user, acronym="ECG", programme=programme).acronym == "ECG"
    )


def test_membership_list_on_a_date(programme, psg):
    c = ConstituencyFactory(programme=programme)
    MembershipFactory(
        group=psg,
        person=PersonFactory(programme=programme),
        constituency=c,
        start_date=date(2022, 1, 1),
        end_date=date(2022, 12, 31),
    )
    MembershipFactory(
        group=psg,
        person=PersonFactory(programme=programme),
        constituency=c,
        start_date=date(2023, 1, 1),
    )
    assert (
        selectors.membership_list(
            user=AnonymousUser(), group=psg, current_on=date(2022, 6, 1)
        ).count()
        == 1
    )
    assert (
        selectors.membership_list(
            user=AnonymousUser(), group=psg, current_on=date(2023, 6, 1)
        ).count()
        == 1
    )
    assert selectors.membership_list(user=AnonymousUser(), group=psg).count() == 2


def test_group_detail_groups_members_by_constituency_with_alternates(programme, psg):
    large = ConstituencyFactory(programme=programme, code="large", name="Large Supplier")
    rep = MembershipFactory(
        group=psg, person=PersonFactory(programme=programme, name="Ann"), constituency=large
    )
    MembershipFactory(
        group=psg,
        person=PersonFactory(programme=programme, name="Bob"),
        constituency=large,
        role="alternate",
        alternate_for=rep,
    )
    ctx = selectors.group_detail_context(user=AnonymousUser(), group=psg, on=date(2024, 1, 1))
    [entry] = ctx["constituency_groups"]
    assert entry["name"] == "Large Supplier"
    [member] = entry["members"]
    assert member["membership"].person.name == "Ann"
    assert [a.person.name for a in member["alternates"]] == ["Bob"]


def test_current_programme_without_any_is_not_found(db):
    with pytest.raises(NotFound):
        selectors.current_programme()
