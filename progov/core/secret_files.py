"""A secret kept in a file of the data dir, generated on first use.

The Django secret key (`settings._secret_key`) and the audit key (`audit.keys`) are both
kept this way when they are not configured: sessions and audit seals survive restarts
of the demo, and no key is ever committed (the data dir is ignored by git). Plain
Python, no Django: settings imports it before Django is set up.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path


def read_or_create_secret(path: Path, *, nbytes: int) -> str:
    """The secret in `path`, first written there (mode 0600) with `nbytes` random bytes
    as URL-safe text if the file does not exist yet."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and linked into place: two processes starting at once (the test
        # suite's workers, say) both read one whole secret, never a half-written one,
        # and the first link wins.
        fd, scratch = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "w") as scratch_file:  # mkstemp makes it 0600
                scratch_file.write(secrets.token_urlsafe(nbytes))
            with contextlib.suppress(FileExistsError):
                os.link(scratch, path)
        finally:
            os.unlink(scratch)
    return path.read_text().strip()
