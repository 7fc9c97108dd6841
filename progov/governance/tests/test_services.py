"""The structural rules, each with a clear error, and their audit entries."""

from __future__ import annotations

from datetime import date, time

import pytest

from progov.audit.models import AuditEntry
from progov.core.errors import PermissionDenied, StaleVersion, ValidationError
from progov.core.testing.factories import (
    ConstituencyFactory,
    GroupFactory,
    PersonFactory,
    UserFactory,
)
from progov.governance import services
from progov.governance.models import GroupStatusChange, Membership

pytestmark = pytest.mark.django_db


def test_create_group_records_status_history_and_audit(programme, pmo_user):
    group = services.create_group(
        actor=pmo_user,
        programme=programme,
        name="Programme Steering Group",
        acronym="PSG",
        level=2,
        effective_date=date(2021, 12, 2),
    )
    history = list(GroupStatusChange.objects.filter(group=group))
    assert [(h.status, h.effective_date) for h in history] == [("mobilised", date(2021, 12, 2))]
    entry = AuditEntry.objects.get(
        object_type="governance.governancegroup", object_id=str(group.pk)
    )
    assert entry.action == "create"
    assert entry.changes["acronym"] == [None, "PSG"]


def test_acronyms_are_unique_per_programme_case_insensitively(programme, pmo_user, psg):
    with pytest.raises(ValidationError) as exc:
        services.create_group(actor=pmo_user, programme=programme, name="Other", acronym="psg")
    assert "already uses the acronym" in exc.value.message
    assert "acronym" in exc.value.field_errors


def test_same_acronym_in_another_programme_is_fine(pmo_user, psg):
    other = services.create_programme(actor=pmo_user, slug="other", name="Other programme")
    group = services.create_group(actor=pmo_user, programme=other, name="Steering", acronym="PSG")
    assert group.acronym == "PSG"


def test_child_level_must_exceed_parent_level(programme, pmo_user, psg):
    with pytest.raises(ValidationError) as exc:
        services.create_group(
            actor=pmo_user, programme=programme, name="Bad", acronym="BAD", level=2, parent=psg
        )
    assert "must be greater than its parent's" in exc.value.message


def test_level_rule_ignored_when_either_has_none(programme, pmo_user, psg):
    ftig = services.create_group(
        actor=pmo_user,
        programme=programme,
        name="Fast Track Implementation Group",
        acronym="FTIG",
        level=None,
        parent=psg,
    )
    assert ftig.parent == psg


def test_parent_cycles_are_refused(programme, pmo_user, psg):
    dag = services.create_group(
        actor=pmo_user, programme=programme, name="DAG", acronym="DAG", level=3, parent=psg
    )
    wg = services.create_group(
        actor=pmo_user, programme=programme, name="WG", acronym="WG", level=None, parent=dag
    )
    psg.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.update_group(
            actor=pmo_user, group=psg, expected_version=psg.version, level=None, parent=wg
        )
    assert "already reports" in exc.value.message
    psg.refresh_from_db()
    assert psg.parent is None


def test_raising_a_parent_level_above_its_children_is_refused(programme, pmo_user, psg):
    services.create_group(
        actor=pmo_user, programme=programme, name="DAG", acronym="DAG", level=3, parent=psg
    )
    with pytest.raises(ValidationError) as exc:
        services.update_group(actor=pmo_user, group=psg, expected_version=psg.version, level=3)
    assert "must stay above it" in exc.value.message


def test_update_with_stale_version_changes_nothing(programme, pmo_user, psg):
    services.update_group(actor=pmo_user, group=psg, expected_version=1, purpose="v2")
    before = AuditEntry.objects.count()
    with pytest.raises(StaleVersion):
        services.update_group(actor=pmo_user, group=psg, expected_version=1, purpose="lost update")
    psg.refresh_from_db()
    assert (psg.purpose, psg.version) == ("v2", 2)
    assert AuditEntry.objects.count() == before


def test_update_without_change_writes_nothing(programme, pmo_user, psg):
    before = AuditEntry.objects.count()
    group = services.update_group(actor=pmo_user, group=psg, expected_version=1, name=psg.name)
    assert group.version == 1
    assert AuditEntry.objects.count() == before


def test_status_change_is_dated(programme, pmo_user, psg):
    services.update_group(
        actor=pmo_user,
        group=psg,
        expected_version=1,
        status="stood_down",
        status_date=date(2023, 11, 27),
        status_note="CR035",
    )
    last = GroupStatusChange.objects.filter(group=psg).order_by("-id").first()
    assert last is not None
    assert (last.status, last.effective_date, last.note) == (
        "stood_down",
        date(2023, 11, 27),
        "CR035",
    )


def test_bad_rrule_and_times_are_refused(programme, pmo_user, psg):
    with pytest.raises(ValidationError) as exc:
        services.update_group(
            actor=pmo_user, group=psg, expected_version=1, schedule_rrule="FREQ=SOMETIMES"
        )
    assert "schedule_rrule" in exc.value.field_errors
    with pytest.raises(ValidationError) as exc:
        services.update_group(
            actor=pmo_user,
            group=psg,
            expected_version=1,
            schedule_start_time=time(12),
            schedule_end_time=time(10),
        )
    assert "end after it starts" in exc.value.message


def test_members_and_public_cannot_write(programme, member_user):
    with pytest.raises(PermissionDenied):
        services.create_group(actor=member_user, programme=programme, name="X", acronym="X")


def test_restructure_keeps_both_groups(programme, pmo_user, psg):
    tmag = services.create_group(
        actor=pmo_user, programme=programme, name="TMAG", acronym="TMAG", level=3, parent=psg
    )
    sitag = services.create_group(
        actor=pmo_user, programme=programme, name="SITAG", acronym="SITAG", level=3, parent=psg
    )
    succession = services.record_group_succession(
        actor=pmo_user, predecessor=tmag, successor=sitag, date=date(2023, 11, 27), reason="CR035"
    )
    assert str(succession) == "TMAG → SITAG"
    with pytest.raises(ValidationError):
        services.record_group_succession(
            actor=pmo_user, predecessor=sitag, successor=tmag, date=None
        )
    with pytest.raises(ValidationError):
        services.record_group_succession(
            actor=pmo_user, predecessor=tmag, successor=tmag, date=None
        )


def test_terms_of_reference_versions(programme, pmo_user, psg):
    services.add_terms_of_reference(
        actor=pmo_user,
        group=psg,
        version_number="3.1",
        date=date(2023, 3, 8),
        text="ToR",
        change_note="CR020",
    )
    with pytest.raises(ValidationError):
        services.add_terms_of_reference(
            actor=pmo_user, group=psg, version_number="3.1", date=date(2023, 3, 9), text="again"
        )
    with pytest.raises(ValidationError):
        services.add_terms_of_reference(
            actor=pmo_user, group=psg, version_number="3.2", date=date(2023, 11, 27), text="   "
        )


class TestMembership:
    def test_dates_must_be_ordered(self, programme, pmo_user, psg):
        person = PersonFactory(programme=programme)
        constituency = ConstituencyFactory(programme=programme)
        with pytest.raises(ValidationError) as exc:
            services.create_membership(
                actor=pmo_user,
                group=psg,
                person=person,
                role="representative",
                constituency=constituency,
                start_date=date(2023, 5, 1),
                end_date=date(2023, 4, 1),
            )
        assert "ends" in exc.value.message and "before it starts" in exc.value.message
        assert Membership.objects.count() == 0

    def test_alternate_must_match_group_and_constituency(self, programme, pmo_user, psg):
        large = ConstituencyFactory(
            programme=programme, code="large-supplier", name="Large Supplier"
        )
        small = ConstituencyFactory(
            programme=programme, code="small-supplier", name="Small Supplier"
        )
        rep = services.create_membership(
            actor=pmo_user,
            group=psg,
            person=PersonFactory(programme=programme),
            role="representative",
            constituency=large,
            start_date=date(2022, 1, 1),
        )
        alternate_person = PersonFactory(programme=programme)
        with pytest.raises(ValidationError) as exc:
            services.create_membership(
                actor=pmo_user,
                group=psg,
                person=alternate_person,
                role="alternate",
                constituency=small,
                alternate_for=rep,
                start_date=date(2022, 1, 1),
            )
        assert "same constituency" in exc.value.message
        dag = GroupFactory(programme=programme, acronym="DAG", level=3, parent=psg)
        with pytest.raises(ValidationError) as exc:
            services.create_membership(
                actor=pmo_user,
                group=dag,
                person=alternate_person,
                role="alternate",
                constituency=large,
                alternate_for=rep,
                start_date=date(2022, 1, 1),
            )
        assert "same group" in exc.value.message
        with pytest.raises(ValidationError) as exc:
            services.create_membership(
                actor=pmo_user,
                group=psg,
                person=alternate_person,
                role="alternate",
                constituency=large,
                start_date=date(2022, 1, 1),
            )
        assert "must name the representative" in exc.value.message
        ok = services.create_membership(
            actor=pmo_user,
            group=psg,
            person=alternate_person,
            role="alternate",
            constituency=large,
            alternate_for=rep,
            start_date=date(2022, 1, 1),
        )
        assert ok.alternate_for == rep

    def test_alternate_for_an_observer_is_refused(self, programme, pmo_user, psg):
        ofgem = ConstituencyFactory(programme=programme, code="ofgem", name="Ofgem")
        observer = services.create_membership(
            actor=pmo_user,
            group=psg,
            person=PersonFactory(programme=programme),
            role="observer",
            constituency=ofgem,
            start_date=date(2022, 1, 1),
        )
        with pytest.raises(ValidationError) as exc:
            services.create_membership(
                actor=pmo_user,
                group=psg,
                person=PersonFactory(programme=programme),
                role="alternate",
                constituency=ofgem,
                alternate_for=observer,
                start_date=date(2022, 1, 1),
            )
        assert "not a representative" in exc.value.message

    def test_update_and_delete_are_audited(self, programme, pmo_user, psg):
        constituency = ConstituencyFactory(programme=programme)
        m = services.create_membership(
            actor=pmo_user,
            group=psg,
            person=PersonFactory(programme=programme),
            role="representative",
            constituency=constituency,
            start_date=date(2022, 1, 1),
        )
        m = services.update_membership(
            actor=pmo_user, membership=m, expected_version=1, end_date=date(2023, 12, 31)
        )
        assert m.version == 2
        services.delete_membership(actor=pmo_user, membership=m, expected_version=2)
        actions = list(
            AuditEntry.objects.filter(object_type="governance.membership", object_id=str(m.pk))
            .order_by("id")
            .values_list("action", flat=True)
        )
        assert actions == ["create", "update", "delete"]


def test_organisation_roles_update_is_one_version(programme, pmo_user):
    from progov.governance.models import MarketRole

    supplier = MarketRole.objects.create(code="supplier", name="Supplier")
    dno = MarketRole.objects.create(code="dno", name="DNO")
    org = services.create_organisation(
        actor=pmo_user, programme=programme, name="Energy Co", market_roles=[supplier]
    )
    org = services.update_organisation(
        actor=pmo_user,
        organisation=org,
        expected_version=1,
        market_roles=[supplier, dno],
        short_name="ECo",
    )
    assert org.version == 2
    assert sorted(r.code for r in org.market_roles.all()) == ["dno", "supplier"]


def test_person_update_checks_version(programme):
    pmo = UserFactory(username="pmo2", role="secretariat")
    person = services.create_person(actor=pmo, programme=programme, name="Kate Goodman")
    services.update_person(actor=pmo, person=person, expected_version=1, job_title="Programme")
    with pytest.raises(StaleVersion):
        services.update_person(actor=pmo, person=person, expected_version=1, job_title="Other")


def test_programme_calendar_must_be_known(pmo_user):
    with pytest.raises(ValidationError) as exc:
        services.create_programme(
            actor=pmo_user, slug="p2", name="P2", governance_calendar="narnia"
        )
    assert "governance_calendar" in exc.value.field_errors
    programme = services.create_programme(
        actor=pmo_user, slug="p3", name="P3", governance_calendar="scotland"
    )
    with pytest.raises(ValidationError):
        services.update_programme(
            actor=pmo_user, programme=programme, expected_version=1, governance_calendar="mars"
        )
