"""Verifying the audit trail: its chain, its checkpoints, a head kept by a person, and the
database's protection (docs/audit.md). `progov audit verify` prints `verify_trail`.

- The chain: every entry's link to the one before, its position, and its seal under the
  audit key (HMAC: an entry re-hashed without the key, with plain SHA-256 say, fails).
- The checkpoints (checkpoints.py): every line's HMAC, and every line against the chain:
  the entry it names must be there, at its position, with its seal. A line recording more
  entries than the chain holds names a removed tail or an emptied table.
- A kept head (`--expect COUNT:HASH`, as printed by `progov audit checkpoint`).
- The triggers that keep the table append-only (protection.py).

The checkpoint file is read before the chain, so a line written while the chain is
walked never records more than the walk sees.
"""

from __future__ import annotations

import hmac
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError
from django.db import connection

from progov.audit import checkpoints, protection
from progov.audit.checkpoints import BadLine, Checkpoint
from progov.audit.hashing import GENESIS_HASH, seal
from progov.audit.keys import AuditKey, audit_key
from progov.audit.models import AuditEntry

MIN_EXPECTED_HASH = 16  # hex digits of a kept head's hash (64 bits)
SHOWN = 3  # problems of one kind named one by one; the rest are counted


class ChainBroken(Exception):
    def __init__(self, entry_id: int, reason: str):
        super().__init__(f"audit entry #{entry_id}: {reason}")
        self.entry_id = entry_id
        self.reason = reason


def walk(key: AuditKey) -> Iterator[tuple[int, AuditEntry]]:
    """Every entry in chain order with its position; raises ChainBroken at the first
    whose link, position or seal is wrong."""
    prev_hash = GENESIS_HASH
    entries = AuditEntry.objects.order_by("id").iterator(chunk_size=2000)
    try:
        for n, entry in enumerate(entries, start=1):
            if entry.prev_hash != prev_hash:
                raise ChainBroken(
                    entry.pk,
                    "its link to the previous entry is wrong (an entry before it was removed, "
                    "inserted or altered)",
                )
            if entry.position != n:
                raise ChainBroken(
                    entry.pk,
                    f"it is entry {n:,} of the chain but records position {entry.position:,} "
                    "(entries before it were removed or inserted)",
                )
            expected = seal(
                key.entry,
                position=entry.position,
                prev_hash=entry.prev_hash,
                timestamp=entry.timestamp,
                actor_id=entry.actor_id,
                actor_label=entry.actor_label,
                correlation_id=entry.correlation_id,
                object_type=entry.object_type,
                object_id=entry.object_id,
                object_repr=entry.object_repr,
                action=entry.action,
                changes=entry.changes,
            )
            if not hmac.compare_digest(expected, entry.entry_hash):
                raise ChainBroken(
                    entry.pk,
                    "its seal does not match: its content was altered after it was written, "
                    "or it was re-hashed without the audit key",
                )
            prev_hash = entry.entry_hash
            yield n, entry
    finally:
        # Close the (server-side, on PostgreSQL) cursor now, not whenever the garbage
        # collector finalises an abandoned iterator: that may happen in the middle of
        # another query on the same connection, and psycopg's lock deadlocks.
        close = getattr(entries, "close", None)  # a generator: closing runs its `finally`
        if close is not None:
            close()


def verify_chain() -> int:
    """Walk the whole chain; return how many entries it holds or raise ChainBroken.

    The chain alone: it cannot see entries removed from its end (`verify_trail` can)."""
    return sum(1 for _ in walk(audit_key()))


@dataclass(frozen=True)
class Head:
    count: int
    entry_id: int
    entry_hash: str
    timestamp: datetime

    def paper(self) -> str:
        """The head in the form a person keeps and `verify --expect` takes."""
        return f"{self.count}:{self.entry_hash}"


@dataclass(frozen=True)
class Expected:
    count: int
    hash_prefix: str

    @classmethod
    def parse(cls, text: str) -> Expected:
        match = re.fullmatch(r"\s*([\d,]+)\s*:\s*([0-9a-fA-F]+)\s*", text)
        if not match:
            raise ValueError(
                f"{text!r} is not COUNT:HASH, e.g. 1335:9f3a… as `progov audit checkpoint` prints"
            )
        count, digest = int(match[1].replace(",", "")), match[2].lower()
        if count < 1:
            raise ValueError("COUNT is the number of entries of the kept head: 1 or more")
        if len(digest) < MIN_EXPECTED_HASH or len(digest) > 64:
            raise ValueError(
                f"HASH must be the head's hash or its first {MIN_EXPECTED_HASH} or more "
                f"hex digits (got {len(digest)})"
            )
        return cls(count=count, hash_prefix=digest)


@dataclass(frozen=True)
class Problem:
    # chain, checkpoint-missing, checkpoint-line, checkpoint, expected, protection
    kind: str
    text: str


@dataclass
class TrailReport:
    key_id: str
    key_source: str
    checkpoint_file: Path
    count: int = 0
    head: Head | None = None
    chain_broken: bool = False
    checkpoint_lines: int = 0
    latest: Checkpoint | None = None
    expected: Expected | None = None
    protection_in_place: str = ""
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems

    def add(self, kind: str, text: str) -> None:
        self.problems.append(Problem(kind, text))

    def lines(self) -> list[str]:
        """The report as `progov audit verify` prints it (problems first)."""
        out = []
        if self.problems:
            out.append(f"Audit trail BROKEN ({len(self.problems)} problem(s) found):")
            out.extend(f"  - {p.text}" for p in self.problems)
        else:
            out.append(
                f"Audit trail intact: {_entries(self.count)} verified, each sealed with "
                f"HMAC-SHA256 under audit key {self.key_id}."
            )
        if self.head:
            out.append(
                f"Head: #{self.head.entry_id} (entry {self.head.count:,} of the chain), "
                f"written {_when(self.head.timestamp)}, hash {self.head.entry_hash}."
            )
        if self.latest:
            out.append(
                f"Checkpoints: {self.checkpoint_lines:,} in {self.checkpoint_file}; the latest, "
                f"of {self.latest.when()}, records #{self.latest.head_id} "
                f"({_entries(self.latest.count)})."
            )
        if (
            self.expected
            and not any(p.kind == "expected" for p in self.problems)
            and self.count >= self.expected.count
            and not self.chain_broken
        ):
            out.append(f"Kept head {self.expected.count:,}:{self.expected.hash_prefix} matches.")
        if self.protection_in_place:
            out.append(f"Protection: {self.protection_in_place}.")
        out.extend(self.notes)
        if self.problems:
            out.append(f"Audit key in use: {self.key_id} (from {self.key_source}).")
        return out


def _entries(n: int) -> str:
    return f"{n:,} entry" if n == 1 else f"{n:,} entries"


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _names(checkpoint: Checkpoint) -> str:
    return f"the checkpoint of {checkpoint.when()} (line {checkpoint.line_no:,})"


def _summarise(report: TrailReport, kind: str, texts: list[str], rest: str) -> None:
    for text in texts[:SHOWN]:
        report.add(kind, text)
    if len(texts) > SHOWN:
        report.add(kind, f"{len(texts) - SHOWN:,} more {rest}")


def _read_checkpoints(
    report: TrailReport, key: AuditKey
) -> tuple[bool, dict[int, list[Checkpoint]], list[BadLine]]:
    by_count: dict[int, list[Checkpoint]] = defaultdict(list)
    bad: list[BadLine] = []
    try:
        for item in checkpoints.read(report.checkpoint_file, key):
            if isinstance(item, BadLine):
                bad.append(item)
                continue
            by_count[item.count].append(item)
            report.checkpoint_lines += 1
            if report.latest is None or (item.count, item.at) > (
                report.latest.count,
                report.latest.at,
            ):
                report.latest = item
    except FileNotFoundError:
        return False, by_count, bad
    except OSError as exc:
        report.add("checkpoint-missing", f"the checkpoint file cannot be read: {exc}")
    return True, by_count, bad


def verify_trail(*, expected: Expected | None = None) -> TrailReport:
    key = audit_key()
    report = TrailReport(
        key_id=key.key_id,
        key_source=key.source,
        checkpoint_file=checkpoints.path(),
        expected=expected,
    )
    file_exists, by_count, bad_lines = _read_checkpoints(report, key)

    # The chain, comparing each checkpoint and the kept head as the walk passes them.
    rewritten: list[str] = []
    last: AuditEntry | None = None
    try:
        for n, entry in walk(key):
            last = entry
            for cp in by_count.get(n, ()):
                if cp.head_id != entry.pk:
                    rewritten.append(
                        f"{_names(cp)} records #{cp.head_id} as entry {n:,} of the chain, "
                        f"but entry {n:,} is now #{entry.pk}: history was rewritten "
                        "(entries removed or inserted, and the chain re-sealed with the key)"
                    )
                elif cp.head_hash != entry.entry_hash:
                    rewritten.append(
                        f"entry #{entry.pk} has hash {entry.entry_hash[:16]}…, but "
                        f"{_names(cp)} recorded {cp.head_hash[:16]}… for it: history up to it "
                        "was rewritten and re-sealed with the audit key"
                    )
            if (
                expected
                and n == expected.count
                and not entry.entry_hash.startswith(expected.hash_prefix)
            ):
                report.add(
                    "expected",
                    f"entry {n:,} of the chain (#{entry.pk}) has hash "
                    f"{entry.entry_hash[:16]}…, not the {expected.hash_prefix[:16]}… of the "
                    "head you kept: history up to it was rewritten (or the kept head is from "
                    "another installation)",
                )
            report.count = n
    except ChainBroken as exc:
        report.chain_broken = True
        report.add("chain", f"entry #{exc.entry_id}: {exc.reason}.")
    if last is not None:
        report.head = Head(report.count, last.pk, last.entry_hash, last.timestamp)

    _check_lines(report, key, bad_lines)
    _summarise(report, "checkpoint", rewritten, "checkpoints disagree with the chain the same way")
    if not report.chain_broken:
        _check_length(report, file_exists, by_count, expected)
    _check_protection(report)
    return report


def _check_lines(report: TrailReport, key: AuditKey, bad_lines: list[BadLine]) -> None:
    texts = [f"line {b.line_no:,} of {report.checkpoint_file} {b.reason}" for b in bad_lines]
    _summarise(report, "checkpoint-line", texts, "checkpoint lines are wrong the same way")
    other_keys = {b.key_id for b in bad_lines if b.key_id and b.key_id != key.key_id}
    if bad_lines and not report.checkpoint_lines and other_keys:
        report.add(
            "checkpoint-line",
            f"the checkpoint lines name audit key {', '.join(sorted(other_keys))}, but the key "
            f"in use is {key.key_id} (from {key.source}): progov may not be configured with "
            "the key that sealed this trail (PROGOV_AUDIT_KEY, or the data dir's audit_key)",
        )


def _check_length(
    report: TrailReport,
    file_exists: bool,
    by_count: dict[int, list[Checkpoint]],
    expected: Expected | None,
) -> None:
    total, head = report.count, report.head
    beyond = sorted(
        (cp for count, cps in by_count.items() if count > total for cp in cps),
        key=lambda cp: (cp.count, cp.at),
    )
    if beyond:
        cp = beyond[-1]
        if head is None:
            text = (
                f"the chain is empty, but {_names(cp)} records #{cp.head_id} "
                f"({_entries(cp.count)}): every entry was removed (the table was emptied)"
            )
        else:
            text = (
                f"the chain ends at #{head.entry_id} ({_entries(total)}), but {_names(cp)} "
                f"records #{cp.head_id} ({_entries(cp.count)}): "
                f"{_entries(cp.count - total)} missing from its end (deleted)"
            )
        if len(beyond) > 1:
            text += f"; {len(beyond) - 1:,} other checkpoints also record entries past the end"
        report.add("checkpoint", text)
    if expected and total < expected.count:
        where = f"ends at #{head.entry_id} ({_entries(total)})" if head else "is empty"
        report.add(
            "expected",
            f"the chain {where}, but the head you kept records {_entries(expected.count)}: "
            f"{_entries(expected.count - total)} missing from its end",
        )
    if total and not file_exists:
        report.add(
            "checkpoint-missing",
            f"there is no checkpoint file at {report.checkpoint_file}, but the chain holds "
            f"{_entries(total)}, so nothing proves its length. If the file was moved, point "
            "PROGOV_AUDIT_CHECKPOINT_PATH at it; if it is lost, check the chain against a head "
            "you kept (`progov audit verify --expect COUNT:HASH`), then start a new file with "
            "`progov audit checkpoint --append`",
        )
    elif total and file_exists and report.latest is None and not beyond:
        report.add(
            "checkpoint-missing",
            f"the checkpoint file {report.checkpoint_file} holds no valid checkpoint, but the "
            f"chain holds {_entries(total)}, so nothing proves its length",
        )
    elif not total and not file_exists:
        report.notes.append("No entries yet, and no checkpoint file yet: nothing to verify.")
    if report.latest and head and report.latest.count < total:
        report.notes.append(
            f"{_entries(total - report.latest.count)} written after the latest checkpoint "
            "(being written now, or their checkpoint failed: see the server log)."
        )


def _check_protection(report: TrailReport) -> None:
    found = protection.problems(connection)
    for text in found:
        report.add(
            "protection",
            f"{text}; re-install the protection with `progov audit protect` (and find out "
            "who removed it)",
        )
    if not found:
        report.protection_in_place = (
            f"{connection.display_name} triggers refuse "
            f"{protection.REFUSED[connection.vendor]} on the audit table"
        )


def verify_for_command(*, expected: Expected | None = None) -> TrailReport:
    """`verify_trail` for the audit commands: an unusable audit key (docs/audit.md) is
    the command's error, with its message, not a traceback."""
    try:
        return verify_trail(expected=expected)
    except ImproperlyConfigured as exc:
        raise CommandError(str(exc)) from None
