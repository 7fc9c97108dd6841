"""A person entry's `login:` and `login_role:`: the person is linked to that login,
created (unusable password, that role) when missing."""

from __future__ import annotations

import textwrap

import pytest

from progov.accounts.models import User
from progov.core.testing.factories import UserFactory
from progov.governance.models import Person
from progov.packs.loader import PackError, load_pack_text

pytestmark = pytest.mark.django_db


def pack(people: str) -> str:
    return textwrap.dedent(
        """\
        programme: {slug: t, name: Test}
        people:
        """
    ) + textwrap.indent(textwrap.dedent(people), "  ")


def test_a_login_is_created_with_its_role_and_linked_then_left_alone():
    text = pack(
        """\
        - {name: Kate Goodman, login: kgoodman, login_role: secretariat}
        - {name: Ann Other, login: ann}
        - {name: No Login}
        """
    )
    report = load_pack_text(text, name="t.yaml")
    kate = Person.objects.get(name="Kate Goodman")
    assert kate.user is not None and kate.user.username == "kgoodman"
    assert kate.user.role == "secretariat" and not kate.user.has_usable_password()
    assert Person.objects.get(name="Ann Other").user.role == "member"  # type: ignore[union-attr]
    assert Person.objects.get(name="No Login").user is None
    assert report.counts["people"].created == 3
    again = load_pack_text(text, name="t.yaml")
    assert not again.changed


def test_an_existing_login_is_linked_and_a_taken_one_refused_whole():
    UserFactory(username="ann", role="observer")
    load_pack_text(pack("- {name: Ann Other, login: ann}\n"), name="t.yaml")
    ann = Person.objects.get(name="Ann Other")
    assert ann.user is not None and ann.user.role == "observer"
    with pytest.raises(PackError) as caught:
        load_pack_text(pack("- {name: Ann Other}\n- {name: Bob, login: ann}\n"), name="t.yaml")
    assert caught.value.errors == [
        "line 4: person 'Bob' login: The login 'ann' is already linked to Ann Other; "
        "unlink it there first."
    ]
    assert not Person.objects.filter(name="Bob").exists()  # the whole load rolled back


def test_bad_login_keys_are_line_numbered_errors():
    with pytest.raises(PackError) as caught:
        load_pack_text(
            pack(
                """\
                - {name: A, login: "a b"}
                - {name: B, login_role: member}
                - {name: C, login: c, login_role: king}
                - {name: D, login: c}
                """
            ),
            name="t.yaml",
        )
    assert caught.value.errors == [
        "line 3: person 'A': login 'a b' may hold only letters, digits and @ . + - _.",
        "line 4: person 'B': 'login_role' needs a 'login'.",
        "line 5: person 'C': 'login_role' is 'king'; it must be one of administrator, "
        "secretariat, member, observer, public.",
        "line 6: person 'D': login 'c' is already given to another person at line 5.",
    ]
    assert not User.objects.exists()
