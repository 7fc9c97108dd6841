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
    SeatFactory,
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


def test_group_members_page_groups_by_constituency_with_alternates(programme, psg):
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
    ctx = selectors.group_members_page(user=AnonymousUser(), group=psg, on=date(2024, 1, 1))
    [block] = ctx["blocks"]
    assert block.constituency.name == "Large Supplier"
    assert (block.constituency.members, block.constituency.alternates) == (1, 1)
    [row] = block.rows
    assert row.membership.person_name == "Ann"
    assert [a.person_name for a in row.alternates] == ["Bob"]
    assert ctx["summary"].member_count == 1 and ctx["summary"].alternate_count == 1


def _member(group, constituency, name, **kwargs):
    return MembershipFactory(
        group=group,
        person=PersonFactory(programme=group.programme, name=name),
        constituency=constituency,
        **kwargs,
    )


def test_members_pages_keep_constituency_order_and_list_each_vacancy_once(programme, psg):
    """Pages of two rows over A (3 members), B (no members, a vacant seat), C (1 member)
    and members without a constituency (1, listed last): each constituency's vacant
    seats come on the page where its members end, in constituency order."""
    a = ConstituencyFactory(programme=programme, code="a", name="A")
    b = ConstituencyFactory(programme=programme, code="b", name="B")
    c = ConstituencyFactory(programme=programme, code="c", name="C")
    SeatFactory(group=psg, label="A seat", constituency=a)
    SeatFactory(group=psg, label="B seat", constituency=b)
    filled = SeatFactory(group=psg, label="C seat", constituency=c)
    for name in ("A1", "A2", "A3"):
        _member(psg, a, name)
    _member(psg, c, "C1", seat=filled)
    _member(psg, None, "Chair", role="chair")
    _member(psg, a, "Gone", end_date=date(2023, 1, 1))  # past: not listed or counted

    def page(n: int, **kwargs):
        ctx = selectors.group_members_page(
            user=AnonymousUser(), group=psg, page=n, per_page=2, on=date(2024, 1, 1), **kwargs
        )
        return [
            (
                block.constituency.name,
                [r.membership.person_name for r in block.rows],
                [s.label for s in block.vacant],
                block.continued,
                block.continues,
            )
            for block in ctx["blocks"]
        ]

    assert page(1) == [("A", ["A1", "A2"], [], False, True)]
    assert page(2) == [
        ("A", ["A3"], ["A seat"], True, False),
        ("B", [], ["B seat"], False, False),
        ("C", ["C1"], [], False, False),
    ]
    assert page(3) == [("Programme and attendees", ["Chair"], [], False, False)]
    assert page(99) == page(3)  # out of range: the last page
    assert page(1, constituency="b") == [("B", [], ["B seat"], False, False)]
    assert page(2, constituency="a") == [("A", ["A3"], ["A seat"], True, False)]
    assert page(1, constituency="none") == page(3)
    assert page(1, constituency="nonesuch") == []

    summary = selectors.group_membership_summary(
        user=AnonymousUser(), group=psg, on=date(2024, 1, 1), leaders=True
    )
    assert [(s.name, s.members, s.seats, s.filled, s.vacant) for s in summary.constituencies] == [
        ("A", 3, 1, 0, 1),
        ("B", 0, 1, 0, 1),
        ("C", 1, 1, 1, 0),
        ("Programme and attendees", 1, 0, 0, 0),
    ]
    assert (summary.member_count, summary.seat_count, summary.vacant_count) == (5, 3, 2)
    chair, secretariat = summary.leaders
    assert [m.person_name for m in chair.members] == ["Chair"] and chair.more == 0
    assert secretariat.members == [] and secretariat.total == 0


def test_alternate_whose_representative_left_is_listed_in_their_own_right(programme, psg):
    large = ConstituencyFactory(programme=programme, name="Large Supplier")
    left = _member(psg, large, "Left", end_date=date(2023, 1, 1))
    _member(psg, large, "Stays", role="alternate", alternate_for=left)
    ctx = selectors.group_members_page(user=AnonymousUser(), group=psg, on=date(2024, 1, 1))
    [block] = ctx["blocks"]
    assert [(r.membership.person_name, r.alternates) for r in block.rows] == [("Stays", [])]
    assert ctx["summary"].member_count == 1 and ctx["summary"].alternate_count == 0


def test_members_of_a_hidden_group_are_not_found_for_anonymous(programme, member_user):
    ecg = GroupFactory(programme=programme, acronym="ECG", visibility="participants")
    with pytest.raises(NotFound):
        selectors.group_members_page(user=AnonymousUser(), group=ecg)
    with pytest.raises(NotFound):
        selectors.group_membership_summary(user=AnonymousUser(), group=ecg)
    assert selectors.group_members_page(user=member_user, group=ecg)["blocks"] == []


def test_current_programme_without_any_is_not_found(db):
    with pytest.raises(NotFound):
        selectors.current_programme()
