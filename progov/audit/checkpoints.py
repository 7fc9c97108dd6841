"""Signed checkpoints: one line per act that wrote audit entries, in an append-only file.

A hash chain proves that no entry inside it was altered; it cannot prove that none was
removed from its end, nor that the table was not emptied. So after each act commits
(`transaction.on_commit`), one line recording the chain's length and head is appended to
`PROGOV_AUDIT_CHECKPOINT_PATH` (default: `audit-checkpoints.log` in the data dir; better
on another volume or host, see docs/audit.md):

    progov-audit-checkpoint/1 2026-12-02T10:14:03.123456Z count=1335 head=1335 hash=9f3a… key=3be1c2a0 hmac=…

`count` is the number of entries, `head` the id of the last one and `hash` its seal; `key`
the audit key's id; `hmac` seals the rest of the line under the checkpoint key, so a line
edited or made up without the key is named by `progov audit verify`.

The file is opened O_APPEND and each line written by one `write()` under an exclusive
`flock`, so concurrent workers never interleave lines; readers take a shared lock. The
file is created only when the chain starts (its first entry), by the migration that sealed
an existing chain, or deliberately by `progov audit checkpoint --append`: a checkpoint
file that disappears is never silently re-created, and `progov audit verify` says so.
A line that cannot be written (a full disk, say) is logged; the act has committed.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from progov.audit.keys import AuditKey, audit_key

logger = logging.getLogger(__name__)

MAGIC = "progov-audit-checkpoint/1"
_LINE = re.compile(
    r"^(?P<body>" + re.escape(MAGIC) + r" (?P<at>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)"
    r" count=(?P<count>\d+) head=(?P<head>\d+) hash=(?P<hash>[0-9a-f]{64})"
    r" key=(?P<key>[0-9a-f]{8})) hmac=(?P<hmac>[0-9a-f]{64})$"
)


class CheckpointFileMissing(Exception):
    def __init__(self, path: Path):
        super().__init__(f"the audit checkpoint file {path} does not exist")
        self.path = path


@dataclass(frozen=True)
class Checkpoint:
    count: int  # entries in the chain
    head_id: int  # the last entry's id
    head_hash: str  # the last entry's seal
    at: datetime  # when the line was written (UTC)
    key_id: str = ""
    line_no: int = 0  # its line in the file (1-based), when read from it

    def when(self) -> str:
        return self.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True)
class BadLine:
    line_no: int
    reason: str
    key_id: str = ""  # the key id the line names, when it has one


def path() -> Path:
    return Path(settings.PROGOV_AUDIT_CHECKPOINT_PATH)


def _mac(key: AuditKey, body: str) -> str:
    return hmac.new(key.checkpoint, body.encode("ascii"), hashlib.sha256).hexdigest()


def format_line(checkpoint: Checkpoint, key: AuditKey) -> str:
    at = checkpoint.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = (
        f"{MAGIC} {at} count={checkpoint.count} head={checkpoint.head_id} "
        f"hash={checkpoint.head_hash} key={key.key_id}"
    )
    return f"{body} hmac={_mac(key, body)}\n"


def parse_line(text: str, line_no: int, key: AuditKey) -> Checkpoint | BadLine:
    match = _LINE.match(text.rstrip("\n"))
    if not match:
        return BadLine(line_no, "is not a checkpoint line (damaged, or edited by hand)")
    if not hmac.compare_digest(_mac(key, match["body"]), match["hmac"]):
        return BadLine(
            line_no,
            "has a wrong HMAC: it was edited or made up, or written under another audit key",
            key_id=match["key"],
        )
    return Checkpoint(
        count=int(match["count"]),
        head_id=int(match["head"]),
        head_hash=match["hash"],
        at=datetime.strptime(match["at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC),
        key_id=match["key"],
        line_no=line_no,
    )


def append_line(file: Path, line: str, *, create: bool) -> None:
    """Append one whole line: O_APPEND, one write() under an exclusive flock."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC
    if create:
        file.parent.mkdir(parents=True, exist_ok=True)
        flags |= os.O_CREAT
    try:
        fd = os.open(file, flags, 0o600)
    except FileNotFoundError:
        raise CheckpointFileMissing(file) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        data = line.encode("ascii")
        while data:  # a regular file takes it in one write(); loop only to be exact
            written = os.write(fd, data)
            data = data[written:]
    finally:
        os.close(fd)  # closing releases the lock


def append(checkpoint: Checkpoint, *, create: bool = False) -> None:
    key = audit_key()
    append_line(path(), format_line(checkpoint, key), create=create)


def read(file: Path, key: AuditKey) -> Iterator[Checkpoint | BadLine]:
    """Every line of the file, parsed (raises FileNotFoundError when there is none)."""
    with open(file, encoding="ascii", errors="replace") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH)  # never half a line being written
        for n, text in enumerate(handle, start=1):
            if text.strip():
                yield parse_line(text, n, key)


# --- after each act ----------------------------------------------------------------------


class _AfterCommit:
    """Appends the committed chain head once the act's transaction has committed."""

    def __init__(self, *, create: bool):
        self.create = create
        self.done = False

    def __call__(self) -> None:
        from progov.audit.models import AuditEntry

        self.done = True
        try:
            # Raw SQL: an indexed LIMIT 1 costs ~0.05 ms so; the ORM would add ten times that.
            table = connection.ops.quote_name(AuditEntry._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT position, id, entry_hash FROM {table} ORDER BY id DESC LIMIT 1"  # noqa: S608
                )
                head = cursor.fetchone()
            if head is None:
                return
            count, head_id, head_hash = head
            append(
                Checkpoint(count=count, head_id=head_id, head_hash=head_hash, at=utc_now()),
                create=self.create,
            )
        except CheckpointFileMissing as exc:
            logger.error(
                "Audit checkpoint not written: %s. It is not re-created on its own; run "
                "`progov audit verify`, then `progov audit checkpoint --append` to start "
                "a new one (docs/audit.md).",
                exc,
            )
        except Exception:
            # The act has committed; a checkpoint that cannot be written must not turn
            # it into an error page. `progov audit verify` shows the gap.
            logger.exception("Audit checkpoint not written to %s", path())


def utc_now() -> datetime:
    return datetime.now(UTC)


def after_commit(*, starts_chain: bool) -> None:
    """Have one checkpoint line written when the current transaction commits.

    Called by every audit write; only the first in a transaction registers the hook (a
    hook registered in a savepoint that is rolled back is dropped by Django, and the next
    write registers it again). `starts_chain`: this act wrote the chain's first entry,
    so the checkpoint file may be created.
    """
    connection = transaction.get_connection()
    for _savepoints, func, _robust in connection.run_on_commit:
        # (`done`: already run, yet still listed, as under the test suite's capture.)
        if isinstance(func, _AfterCommit) and not func.done and (func.create or not starts_chain):
            return
    transaction.on_commit(_AfterCommit(create=starts_chain))
