"""`set_group_status_history` (a group's whole dated history) and `set_person_login`."""

from __future__ import annotations

from datetime import date

import pytest

from progov.accounts.models import User
from progov.audit.models import AuditEntry
from progov.core.errors import PermissionDenied, StaleVersion, ValidationError
from progov.core.testing.factories import PersonFactory, UserFactory
from progov.governance import services
from progov.governance.models import GovernanceGroup, Person
from progov.governance.services import StatusEntry

pytestmark = pytest.mark.django_db


def new_group(programme, pmo_user) -> GovernanceGroup:
    return services.create_group(
        actor=pmo_user,
        programme=programme,
        name="Testing Advisory Group",
        acronym="TAG",
        status="mobilised",
        effective_date=date(2022, 1, 1),
        status_note="Convened",
    )


def history_of(group: GovernanceGroup) -> list[tuple[str, date, str]]:
    return [(e.status, e.effective_date, e.note) for e in group.status_history.all()]


def test_a_new_group_walks_through_its_history_in_order(programme, pmo_user):
    group = new_group(programme, pmo_user)
    result = services.set_group_status_history(
        actor=pmo_user,
        group=group,
        history=[
            StatusEntry("mobilised", date(2022, 1, 1), "Convened"),
            StatusEntry("stood_down", date(2022, 3, 1), "Became TMAG"),
        ],
    )
    assert result.status_changed and result.outcomes == ["unchanged", "created"]
    assert result.group.status == "stood_down"
    assert history_of(result.group) == [
        ("mobilised", date(2022, 1, 1), "Convened"),
        ("stood_down", date(2022, 3, 1), "Became TMAG"),
    ]
    updates = AuditEntry.objects.filter(object_type="governance.governancegroup", action="update")
    assert updates.count() == 1 and updates.get().changes["status"] == ["mobilised", "stood_down"]


def test_the_same_history_again_writes_nothing(programme, pmo_user):
    group = new_group(programme, pmo_user)
    history = [
        StatusEntry("mobilised", date(2022, 1, 1), "Convened"),
        StatusEntry("stood_down", date(2022, 3, 1), "Became TMAG"),
    ]
    services.set_group_status_history(actor=pmo_user, group=group, history=history)
    last = AuditEntry.objects.order_by("-id").first()
    again = services.set_group_status_history(actor=pmo_user, group=group, history=history)
    assert not again.status_changed and again.outcomes == ["unchanged", "unchanged"]
    assert AuditEntry.objects.order_by("-id").first() == last


def test_an_earlier_entry_is_added_as_history_and_a_note_corrected(programme, pmo_user):
    group = new_group(programme, pmo_user)
    services.update_group(
        actor=pmo_user, group=group, expected_version=None, status="stood_down",
        status_date=date(2022, 6, 1), status_note="Stood down",
    )  # fmt: skip
    result = services.set_group_status_history(
        actor=pmo_user,
        group=group,
        history=[
            StatusEntry("mobilised", date(2022, 1, 1), "Convened in January"),
            StatusEntry("ad_hoc", date(2022, 4, 1), "Ad hoc meetings only"),
            StatusEntry("stood_down", date(2022, 6, 1), "Stood down"),
        ],
    )
    assert not result.status_changed
    assert result.outcomes == ["updated", "created", "unchanged"]
    assert [h[:2] for h in history_of(result.group)] == [
        ("mobilised", date(2022, 1, 1)),
        ("ad_hoc", date(2022, 4, 1)),
        ("stood_down", date(2022, 6, 1)),
    ]


def test_a_changed_last_status_changes_the_group_dated_by_that_entry(programme, pmo_user):
    group = new_group(programme, pmo_user)
    services.update_group(
        actor=pmo_user, group=group, expected_version=None, status="ad_hoc",
        status_date=date(2022, 2, 1),
    )  # fmt: skip
    result = services.set_group_status_history(
        actor=pmo_user,
        group=group,
        history=[
            StatusEntry("mobilised", date(2022, 1, 1), "Convened"),
            StatusEntry("ad_hoc", date(2022, 2, 1)),
            StatusEntry("stood_down", date(2022, 9, 1), "CR035"),
        ],
    )
    assert result.status_changed and result.group.status == "stood_down"
    assert ("stood_down", date(2022, 9, 1), "CR035") in history_of(result.group)


def test_history_needs_an_entry_and_a_writer(programme, pmo_user):
    group = new_group(programme, pmo_user)
    with pytest.raises(ValidationError) as caught:
        services.set_group_status_history(actor=pmo_user, group=group, history=[])
    assert "status_history" in caught.value.field_errors
    reader = UserFactory(username="reader", role="observer")
    with pytest.raises(PermissionDenied):
        services.set_group_status_history(
            actor=reader, group=group, history=[StatusEntry("mobilised", date(2022, 1, 1))]
        )


# --- logins ------------------------------------------------------------------------------


def test_linking_a_new_login_creates_it_unusable_with_the_role_and_audits(programme, admin_user):
    person = services.set_person_login(
        actor=admin_user,
        person=PersonFactory(programme=programme, name="Kate Goodman"),
        username="kgoodman",
        role="secretariat",
    )
    user = User.objects.get(username="kgoodman")
    assert person.user == user and user.role == "secretariat"
    assert not user.has_usable_password()
    entry = AuditEntry.objects.filter(object_type="governance.person").latest("id")
    assert entry.changes == {"login": [None, "kgoodman"]}
    assert AuditEntry.objects.filter(object_type="accounts.user", action="create").exists()


def test_an_existing_login_is_linked_keeping_its_role_and_the_default_role_is_member(
    programme, admin_user
):
    existing = UserFactory(username="ann", role="observer")
    ann = services.set_person_login(
        actor=admin_user, person=PersonFactory(programme=programme), username="ann", role="member"
    )
    assert ann.user == existing and User.objects.get(pk=existing.pk).role == "observer"
    bob = services.set_person_login(
        actor=admin_user, person=PersonFactory(programme=programme), username="bob"
    )
    assert bob.user is not None and bob.user.role == "member"


def test_a_login_linked_to_another_person_is_refused_on_the_login_field(programme, admin_user):
    services.set_person_login(
        actor=admin_user, person=PersonFactory(programme=programme, name="Ann"), username="ann"
    )
    other = PersonFactory(programme=programme, name="Bob")
    with pytest.raises(ValidationError) as caught:
        services.set_person_login(actor=admin_user, person=other, username="ann")
    assert "already linked to Ann" in caught.value.field_errors["login"][0]
    other.refresh_from_db()
    assert other.user is None


def test_none_unlinks_and_the_version_is_checked(programme, admin_user):
    person: Person = services.set_person_login(
        actor=admin_user, person=PersonFactory(programme=programme), username="ann"
    )
    with pytest.raises(StaleVersion):
        services.set_person_login(
            actor=admin_user, person=person, username=None, expected_version=person.version - 1
        )
    person = services.set_person_login(
        actor=admin_user, person=person, username=None, expected_version=person.version
    )
    assert person.user is None
    assert User.objects.filter(username="ann").exists()  # the login itself stays
    entry = AuditEntry.objects.filter(object_type="governance.person").latest("id")
    assert entry.changes == {"login": ["ann", None]}


def test_an_unknown_role_or_blank_username_is_a_field_error(programme, admin_user):
    person = PersonFactory(programme=programme)
    with pytest.raises(ValidationError) as caught:
        services.set_person_login(actor=admin_user, person=person, username="x", role="king")
    assert "login_role" in caught.value.field_errors
    with pytest.raises(ValidationError) as caught:
        services.set_person_login(actor=admin_user, person=person, username="  ")
    assert "login" in caught.value.field_errors
    assert not User.objects.filter(username="x").exists()


def test_a_member_links_no_login(programme, member_user):
    person = PersonFactory(programme=programme)
    with pytest.raises(PermissionDenied, match="can link a login"):
        services.set_person_login(actor=member_user, person=person, username="ann")
    person.refresh_from_db()
    assert person.user is None


def test_the_secretariat_links_logins_but_only_administrators_grant_staff_roles(
    programme, pmo_user, admin_user
):
    person = PersonFactory(programme=programme, email="ann@example.org")
    for role in ("secretariat", "administrator"):
        with pytest.raises(ValidationError, match="Only an administrator makes a login"):
            services.set_person_login(actor=pmo_user, person=person, username="ann", role=role)
    assert not User.objects.filter(username="ann").exists()
    linked = services.set_person_login(actor=pmo_user, person=person, username="ann")
    # The new login has the person's e-mail, for its first password by the reset link.
    assert linked.user is not None
    assert linked.user.role == "member" and linked.user.email == "ann@example.org"
    other = PersonFactory(programme=programme)
    staff = services.set_person_login(
        actor=admin_user, person=other, username="bo", role="secretariat"
    )
    assert staff.user is not None and staff.user.role == "secretariat"


def test_only_an_administrator_moves_a_linked_logins_email(programme, pmo_user, admin_user):
    """Else the secretariat could point someone's password-reset link at itself."""
    login = UserFactory(username="kg", email="kate@example.org")
    made = PersonFactory(programme=programme, email="kate@example.org", user=login)
    person = services.update_person(
        actor=pmo_user, person=made, expected_version=made.version, email="x@evil.example"
    )
    login.refresh_from_db()
    assert person.email == "x@evil.example" and login.email == "kate@example.org"
    # An administrator saving the page for another reason does not carry the planted one.
    person = services.update_person(
        actor=admin_user,
        person=person,
        expected_version=person.version,
        email="x@evil.example",
        job_title="Re-plan lead",
    )
    login.refresh_from_db()
    assert login.email == "kate@example.org"
    services.update_person(
        actor=admin_user, person=person, expected_version=person.version, email="k@example.org"
    )
    login.refresh_from_db()
    assert login.email == "k@example.org"
