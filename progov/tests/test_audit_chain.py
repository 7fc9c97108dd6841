from __future__ import annotations

import pytest
from django.db import transaction

from progov.audit.models import AuditEntry
from progov.audit.services import ChainBroken, verify_chain
from progov.core.context import correlation
from progov.core.testing.audit import tamper
from progov.governance import services


def _tamper(entry_id: int, new_repr: str) -> None:
    """Edit one audit row by hand, as a malicious DBA who dropped the triggers would."""
    tamper("UPDATE audit_auditentry SET object_repr = %s WHERE id = %s", [new_repr, entry_id])


@pytest.mark.django_db
def test_each_service_write_appends_one_chained_entry(programme, pmo_user):
    with correlation("req-1"):
        group = services.create_group(
            actor=pmo_user,
            programme=programme,
            name="Design Advisory Group",
            acronym="DAG",
            level=3,
        )
        services.update_group(
            actor=pmo_user, group=group, expected_version=1, purpose="Oversee design"
        )
    entries = list(AuditEntry.objects.order_by("id"))
    assert [e.action for e in entries] == ["create", "update"]
    assert {e.correlation_id for e in entries} == {"req-1"}
    assert entries[1].changes == {"purpose": ["", "Oversee design"]}
    assert entries[1].prev_hash == entries[0].entry_hash
    assert entries[0].actor_label == "pmo"
    assert verify_chain() == 2


@pytest.mark.django_db
def test_editing_one_row_by_hand_is_named_by_verify(programme, pmo_user):
    for n in range(3):
        services.create_group(actor=pmo_user, programme=programme, name=f"G{n}", acronym=f"G{n}")
    middle = AuditEntry.objects.order_by("id")[1]
    _tamper(middle.pk, "Something else")
    with pytest.raises(ChainBroken) as excinfo:
        verify_chain()
    assert excinfo.value.entry_id == middle.pk


@pytest.mark.django_db
def test_failed_service_writes_no_entry(programme, pmo_user):
    services.create_group(actor=pmo_user, programme=programme, name="PSG", acronym="PSG", level=2)
    before = AuditEntry.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - any refusal; the point is no entry
        services.create_group(actor=pmo_user, programme=programme, name="Dup", acronym="psg")
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_record_many_chains_like_single_records(programme, pmo_user):
    from progov.audit.services import record_many

    services.create_group(actor=pmo_user, programme=programme, name="PSG", acronym="PSG", level=2)
    groups = [
        services.create_group(actor=pmo_user, programme=programme, name=f"W{n}", acronym=f"W{n}")
        for n in range(2)
    ]
    with transaction.atomic():
        record_many(actor=pmo_user, items=[(g, "update", {"purpose": ["", "x"]}) for g in groups])
    entries = list(AuditEntry.objects.order_by("id"))
    assert [e.action for e in entries[-2:]] == ["update", "update"]
    assert entries[-1].prev_hash == entries[-2].entry_hash
    assert verify_chain() == len(entries)
