"""The audit trail proves its length: HMAC seals, checkpoints after each act, and
`verify_trail` naming what an attacker did (docs/audit.md).

Each attack is played past the triggers (`tamper`), as by someone who dropped them: the
seals and the checkpoints must still catch it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from progov.audit import checkpoints
from progov.audit.apps import check_audit_key
from progov.audit.checkpoints import BadLine, Checkpoint
from progov.audit.hashing import GENESIS_HASH, canonical, seal
from progov.audit.keys import audit_key
from progov.audit.models import AuditEntry
from progov.audit.services import record_create
from progov.audit.verification import Expected, verify_chain, verify_trail
from progov.core.testing.audit import tamper

pytestmark = pytest.mark.django_db


@pytest.fixture
def act(django_capture_on_commit_callbacks):
    """`act(n)`: one committed act writing n entries (its on-commit hooks run)."""

    def run(n: int = 1) -> list[AuditEntry]:
        obj = ContentType.objects.get_for_model(AuditEntry)
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            return [record_create(actor=None, obj=obj, fields={"n": i}) for i in range(n)]

    return run


def _lines(settings) -> list[Checkpoint]:
    """The checkpoint file's lines, every one a valid checkpoint."""
    lines = list(checkpoints.read(Path(settings.PROGOV_AUDIT_CHECKPOINT_PATH), audit_key()))
    bad = [line for line in lines if isinstance(line, BadLine)]
    assert not bad, bad
    return [line for line in lines if isinstance(line, Checkpoint)]


def _problems(**kwargs) -> str:
    report = verify_trail(**kwargs)
    assert not report.intact, "verify_trail found nothing wrong"
    return "\n".join(p.text for p in report.problems)


def _entry_fields(entry: AuditEntry) -> dict:
    return {
        "prev_hash": entry.prev_hash,
        "timestamp": entry.timestamp,
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "correlation_id": entry.correlation_id,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "action": entry.action,
        "changes": entry.changes,
    }


# --- what is written ------------------------------------------------------------------


def test_entries_are_numbered_and_sealed_with_hmac_under_the_key(act):
    first, second = act(2)
    assert (first.position, second.position) == (1, 2)
    assert first.prev_hash == GENESIS_HASH and second.prev_hash == first.entry_hash
    assert second.entry_hash == seal(audit_key().entry, position=2, **_entry_fields(second)), (
        "the seal is HMAC-SHA256 under the entry key"
    )
    plain = hashlib.sha256(canonical(**_entry_fields(second))).hexdigest()
    assert second.entry_hash != plain
    assert verify_chain() == 2


def test_one_checkpoint_line_per_act_written_on_commit(
    settings, act, django_capture_on_commit_callbacks
):
    path = Path(settings.PROGOV_AUDIT_CHECKPOINT_PATH)
    obj = ContentType.objects.get_for_model(AuditEntry)
    with django_capture_on_commit_callbacks() as hooks, transaction.atomic():
        for n in range(4):
            record_create(actor=None, obj=obj, fields={"n": n})
    assert len(hooks) == 1, "four entries of one act register one checkpoint"
    assert not path.exists(), "nothing is written before the act commits"
    for hook in hooks:
        hook()
    act(3)
    act(1)
    lines = _lines(settings)
    assert [line.count for line in lines] == [4, 7, 8]
    last = AuditEntry.objects.latest("id")
    assert (lines[-1].head_id, lines[-1].head_hash) == (last.pk, last.entry_hash)
    assert lines[-1].key_id == audit_key().key_id
    assert path.stat().st_mode & 0o777 == 0o600


def test_an_act_rolled_back_writes_no_checkpoint_and_a_savepoint_rollback_keeps_one(
    settings, act, django_capture_on_commit_callbacks
):
    act(1)
    obj = ContentType.objects.get_for_model(AuditEntry)
    with (
        pytest.raises(RuntimeError),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        record_create(actor=None, obj=obj, fields={"n": "lost"})
        raise RuntimeError("the act fails")
    assert [line.count for line in _lines(settings)] == [1]
    with django_capture_on_commit_callbacks(execute=True) as hooks, transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            record_create(actor=None, obj=obj, fields={"n": "in a savepoint"})
            raise RuntimeError("the savepoint is rolled back")
        record_create(actor=None, obj=obj, fields={"n": "kept"})
    assert len(hooks) == 1
    assert [line.count for line in _lines(settings)] == [1, 2]
    assert verify_trail().intact


def test_a_missing_checkpoint_file_is_not_recreated_by_the_next_act(settings, act, caplog):
    act(2)
    Path(settings.PROGOV_AUDIT_CHECKPOINT_PATH).unlink()
    act(1)
    assert not Path(settings.PROGOV_AUDIT_CHECKPOINT_PATH).exists()
    assert "Audit checkpoint not written" in caplog.text
    assert "there is no checkpoint file at" in _problems()
    assert "holds 3 entries" in _problems()


def test_an_empty_trail_without_a_checkpoint_file_is_intact():
    report = verify_trail()
    assert report.intact, report.lines()
    assert report.count == 0
    assert "nothing to verify" in "\n".join(report.lines())


def test_intact_trail_report(act):
    act(3)
    act(2)
    report = verify_trail()
    assert report.intact, report.lines()
    text = "\n".join(report.lines())
    assert "Audit trail intact: 5 entries verified" in text
    assert "Checkpoints: 2 in" in text and "(5 entries)" in text
    assert "triggers refuse" in text


# --- what an attacker did is named --------------------------------------------------------


def test_deleting_the_last_entry_is_named(act):
    entries = act(6)
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].pk])
    assert verify_chain() == 5, "the chain alone cannot see it"
    found = _problems()
    assert f"the chain ends at #{entries[-2].pk} (5 entries)" in found
    assert f"records #{entries[-1].pk} (6 entries): 1 entry missing from its end" in found


def test_deleting_the_last_25_entries_is_named(act):
    entries = act(10) + act(30)
    tamper("DELETE FROM audit_auditentry WHERE id > %s", [entries[14].pk])
    found = _problems()
    assert f"the chain ends at #{entries[14].pk} (15 entries)" in found
    assert "(40 entries): 25 entries missing from its end" in found


def test_deleting_every_entry_is_named(act):
    act(3)
    act(4)
    tamper("DELETE FROM audit_auditentry")
    found = _problems()
    assert "the chain is empty, but the checkpoint of" in found
    assert "(7 entries): every entry was removed (the table was emptied)" in found
    assert "1 other checkpoints also record entries past the end" in found


def test_editing_an_entry_and_recomputing_the_chain_with_plain_sha256_is_named(act):
    entries = act(5)
    target = entries[2]
    # The attacker edits entry 3 and re-hashes it and every later entry with plain
    # SHA-256, the chain's old hash, relinking them: they have no key.
    prev = entries[1].entry_hash
    for entry in AuditEntry.objects.filter(id__gte=target.pk).order_by("id"):
        fields = _entry_fields(entry) | {"prev_hash": prev}
        if entry.pk == target.pk:
            fields["object_repr"] = "Nothing to see here"
        digest = hashlib.sha256(canonical(**fields)).hexdigest()
        tamper(
            "UPDATE audit_auditentry SET object_repr = %s, prev_hash = %s, entry_hash = %s "
            "WHERE id = %s",
            [fields["object_repr"], prev, digest, entry.pk],
        )
        prev = digest
    found = _problems()
    assert f"entry #{target.pk}: its seal does not match" in found
    assert "re-hashed without the audit key" in found


def test_recomputing_the_whole_chain_with_plain_sha256_fails_at_its_first_entry(act):
    entries = act(3)
    prev = GENESIS_HASH
    for entry in entries:
        digest = hashlib.sha256(canonical(**_entry_fields(entry) | {"prev_hash": prev})).hexdigest()
        tamper(
            "UPDATE audit_auditentry SET prev_hash = %s, entry_hash = %s WHERE id = %s",
            [prev, digest, entry.pk],
        )
        prev = digest
    assert f"entry #{entries[0].pk}: its seal does not match" in _problems()


def test_history_rewritten_with_the_key_is_named_by_the_checkpoints(act):
    """An attacker with the database and the key (not the checkpoint file) removes an
    entry and re-seals the rest: the chain verifies, the checkpoints do not agree."""
    entries = act(2) + act(2) + act(2)
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
    key = audit_key().entry
    prev = entries[0].entry_hash
    for position, entry in enumerate(AuditEntry.objects.filter(id__gt=entries[1].pk), start=2):
        digest = seal(key, position=position, **_entry_fields(entry) | {"prev_hash": prev})
        tamper(
            "UPDATE audit_auditentry SET position = %s, prev_hash = %s, entry_hash = %s "
            "WHERE id = %s",
            [position, prev, digest, entry.pk],
        )
        prev = digest
    assert verify_chain() == 5
    found = _problems()
    assert (
        f"records #{entries[1].pk} as entry 2 of the chain, but entry 2 is now #{entries[2].pk}"
        in found
    )
    assert (
        f"records #{entries[3].pk} as entry 4 of the chain, but entry 4 is now #{entries[4].pk}"
        in found
    )
    assert "(6 entries): 1 entry missing from its end" in found


def test_an_entry_edited_and_the_chain_resealed_with_the_key_is_named_by_the_checkpoints(act):
    entries = act(2) + act(2)
    key = audit_key().entry
    prev = entries[0].entry_hash
    for entry in AuditEntry.objects.filter(id__gt=entries[0].pk).order_by("id"):
        fields = _entry_fields(entry) | {"prev_hash": prev}
        if entry.pk == entries[1].pk:
            fields["object_repr"] = "Nothing to see here"
        digest = seal(key, position=entry.position, **fields)
        tamper(
            "UPDATE audit_auditentry SET object_repr = %s, prev_hash = %s, entry_hash = %s "
            "WHERE id = %s",
            [fields["object_repr"], prev, digest, entry.pk],
        )
        prev = digest
    assert verify_chain() == 4
    found = _problems()
    assert f"entry #{entries[1].pk} has hash" in found
    assert f"entry #{entries[3].pk} has hash" in found
    assert "history up to it was rewritten and re-sealed with the audit key" in found


def test_a_checkpoint_line_with_a_wrong_hmac_or_no_form_is_named(settings, act):
    act(2)
    act(3)
    path = Path(settings.PROGOV_AUDIT_CHECKPOINT_PATH)
    first, second = path.read_text().splitlines()
    path.write_text(f"{first}\n{second.replace('count=5', 'count=4')}\nnot a checkpoint\n")
    found = _problems()
    assert f"line 2 of {path} has a wrong HMAC" in found
    assert f"line 3 of {path} is not a checkpoint line" in found


def test_another_key_is_named(settings, act):
    act(2)
    before = audit_key().key_id
    settings.PROGOV_AUDIT_KEY = "another key, long enough to be one: 0123456789abcdef"
    found = _problems()
    assert "its seal does not match" in found
    assert f"the checkpoint lines name audit key {before}, but the key in use is" in found


# --- a head kept by a person --------------------------------------------------------------


def test_verify_against_a_kept_head(act):
    act(4)
    head = verify_trail().head
    assert head is not None and head.paper() == f"4:{head.entry_hash}"
    assert verify_trail(expected=Expected.parse(head.paper())).intact
    assert verify_trail(expected=Expected.parse(f"4:{head.entry_hash[:16]}")).intact
    assert "not the 0000000000000000… of the head you kept" in _problems(
        expected=Expected.parse("4:" + "0" * 64)
    )
    assert "the head you kept records 9 entries: 5 entries missing" in _problems(
        expected=Expected.parse(f"9:{head.entry_hash}")
    )


@pytest.mark.parametrize("text", ["4", "four:abc", f"0:{'a' * 64}", "4:abc", f"4:{'g' * 64}"])
def test_a_kept_head_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError):
        Expected.parse(text)


def test_verify_command_exit_and_messages(act):
    entries = act(3)
    call_command("audit_verify")
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].pk])
    with pytest.raises(CommandError) as caught:
        call_command("audit_verify")
    assert "Audit trail BROKEN (1 problem(s) found)" in str(caught.value)
    with pytest.raises(CommandError, match="--expect: 'x' is not COUNT:HASH"):
        call_command("audit_verify", "--expect", "x")


# --- the key ------------------------------------------------------------------------------


def test_the_key_is_generated_once_into_the_data_dir_mode_0600(settings, tmp_path):
    settings.PROGOV_AUDIT_KEY = ""
    settings.DATA_DIR = tmp_path
    key = audit_key()
    key_file = tmp_path / "audit_key"
    assert key.source == str(key_file)
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(key_file.read_text().strip()) >= 32
    assert audit_key() == key
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".audit_key")]


def test_a_configured_key_wins_and_a_short_one_is_refused(settings):
    settings.PROGOV_AUDIT_KEY = "k" * 40
    assert audit_key().source == "PROGOV_AUDIT_KEY"
    assert check_audit_key() == []
    settings.PROGOV_AUDIT_KEY = "too short"
    with pytest.raises(ImproperlyConfigured, match="at least 32"):
        audit_key()
    assert [error.id for error in check_audit_key()] == ["progov.audit.E001"]
    with pytest.raises(CommandError, match="PROGOV_AUDIT_KEY is 9 characters long"):
        call_command("audit_verify")


def test_an_emptied_table_without_its_checkpoint_file_shows_only_against_a_kept_head(settings, act):
    act(3)
    kept = verify_trail().head
    assert kept is not None
    tamper("DELETE FROM audit_auditentry")
    Path(settings.PROGOV_AUDIT_CHECKPOINT_PATH).unlink()
    assert verify_trail().intact, "it looks like a fresh installation (docs/audit.md)"
    found = _problems(expected=Expected.parse(kept.paper()))
    assert "the chain is empty, but the head you kept records 3 entries" in found
