"""The audit trail on its own layer: entries chain by hash and `verify_chain` names an
altered one. (The same, driven by governance writes, is progov/tests/test_audit_chain.py.)"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from progov.audit.models import AuditEntry
from progov.audit.services import ChainBroken, record_create, record_update, verify_chain
from progov.core.context import correlation
from progov.core.testing.audit import tamper

pytestmark = pytest.mark.django_db


def test_entries_chain_share_the_correlation_id_and_verify():
    obj = ContentType.objects.get_for_model(AuditEntry)
    assert verify_chain() == 0
    with correlation("req-7"), transaction.atomic():
        first = record_create(actor=None, obj=obj, fields={"model": "auditentry"})
        second = record_update(actor=None, obj=obj, changes={"model": ["a", "b"]})
    assert second.prev_hash == first.entry_hash
    assert {first.correlation_id, second.correlation_id} == {"req-7"}
    assert verify_chain() == 2


def test_an_altered_entry_is_named():
    obj = ContentType.objects.get_for_model(AuditEntry)
    with transaction.atomic():
        entries = [record_create(actor=None, obj=obj, fields={"n": n}) for n in range(3)]
    tamper("UPDATE audit_auditentry SET object_repr = %s WHERE id = %s", ["X", entries[1].pk])
    with pytest.raises(ChainBroken) as caught:
        verify_chain()
    assert caught.value.entry_id == entries[1].pk
