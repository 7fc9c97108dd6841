"""The checkpoint file: whole lines from concurrent workers, never interleaved; a file
that is missing is created only when asked to."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest

from progov.audit import checkpoints
from progov.audit.checkpoints import BadLine, Checkpoint, CheckpointFileMissing
from progov.audit.keys import derive

KEY = derive("a test key for the checkpoint file, 0123456789", "test")
WORKERS, LINES = 4, 300

# Each worker waits for the go file, then appends its lines one call at a time.
WORKER = """
import sys, time
from pathlib import Path
from progov.audit.checkpoints import append_line
target, lines, go = Path(sys.argv[1]), Path(sys.argv[2]).read_text().splitlines(True), Path(sys.argv[3])
while not go.exists():
    time.sleep(0.001)
for line in lines:
    append_line(target, line, create=False)
"""


def _line(worker: int, n: int) -> str:
    at = datetime(2026, 12, 2, 10, 14, tzinfo=UTC)
    # head = worker, count = n: each line says who wrote it and in which order.
    return checkpoints.format_line(
        Checkpoint(count=n, head_id=worker, head_hash=f"{worker:x}" * 64, at=at), KEY
    )


def test_concurrent_workers_append_whole_lines(tmp_path):
    target = tmp_path / "checkpoints.log"
    target.touch(mode=0o600)
    go = tmp_path / "go"
    procs = []
    for worker in range(1, WORKERS + 1):
        lines = tmp_path / f"lines-{worker}"
        lines.write_text("".join(_line(worker, n) for n in range(1, LINES + 1)))
        procs.append(
            subprocess.Popen([sys.executable, "-c", WORKER, str(target), str(lines), str(go)])
        )
    time.sleep(0.5)  # let every worker start and wait
    go.touch()
    assert [p.wait(timeout=120) for p in procs] == [0] * WORKERS
    read = list(checkpoints.read(target, KEY))
    assert not [line for line in read if isinstance(line, BadLine)]
    assert len(read) == WORKERS * LINES
    for worker in range(1, WORKERS + 1):
        mine = [cp.count for cp in read if isinstance(cp, Checkpoint) and cp.head_id == worker]
        assert mine == list(range(1, LINES + 1)), f"worker {worker}'s lines out of order"


def test_a_missing_file_is_created_only_when_asked(tmp_path):
    target = tmp_path / "sub" / "checkpoints.log"
    with pytest.raises(CheckpointFileMissing):
        checkpoints.append_line(target, _line(1, 1), create=False)
    assert not target.exists()
    checkpoints.append_line(target, _line(1, 1), create=True)
    checkpoints.append_line(target, _line(1, 2), create=False)
    assert target.stat().st_mode & 0o777 == 0o600
    assert [cp.count for cp in checkpoints.read(target, KEY) if isinstance(cp, Checkpoint)] == [
        1,
        2,
    ]


def test_a_line_is_sealed_whole():
    line = _line(3, 7)
    assert isinstance(checkpoints.parse_line(line, 1, KEY), Checkpoint)
    for field, edit in (("count=7", "count=8"), ("head=3", "head=4"), ("key=", "key=0")):
        edited = line.replace(field, edit, 1)
        assert isinstance(checkpoints.parse_line(edited, 1, KEY), BadLine), field
    other = derive("another key for the checkpoint file, 0123456789", "test")
    assert isinstance(checkpoints.parse_line(line, 1, other), BadLine)
