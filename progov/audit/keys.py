"""The audit key: a secret kept outside the database that seals entries and checkpoints.

`PROGOV_AUDIT_KEY` (at least 32 characters) when set; otherwise a key generated once
into the data dir as `audit_key` (mode 0600, never committed: the data dir is ignored by
git), as `settings._secret_key` keeps the secret key (core/secret_files.py). Two keys are derived from it,
one for entries and one for checkpoint lines, and a short key id that names it without
revealing anything (printed by `progov audit verify`, written on every checkpoint line):
when verification fails everywhere, a different key id says the wrong key is configured.

Rotation is not supported yet: the trail verifies under one key. To change keys, the
trail would need re-sealing under the new one (docs/audit.md, "Key rotation").
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from progov.core.secret_files import read_or_create_secret

MIN_KEY_LENGTH = 32
KEY_FILE_NAME = "audit_key"


@dataclass(frozen=True)
class AuditKey:
    entry: bytes  # seals audit entries (hashing.seal)
    checkpoint: bytes  # seals checkpoint lines (checkpoints.py)
    key_id: str  # names the key; reveals nothing about it
    source: str  # "PROGOV_AUDIT_KEY" or the key file's path


def _derive(secret: bytes, purpose: str) -> bytes:
    return hmac.new(secret, f"progov audit {purpose}".encode(), hashlib.sha256).digest()


def derive(secret: str, source: str) -> AuditKey:
    raw = secret.encode("utf-8")
    return AuditKey(
        entry=_derive(raw, "entry v1"),
        checkpoint=_derive(raw, "checkpoint v1"),
        key_id=_derive(raw, "key id").hex()[:8],
        source=source,
    )


def configured_key_problem() -> str | None:
    """Why the configured `PROGOV_AUDIT_KEY` cannot be used (None: it can, or is unset)."""
    configured = getattr(settings, "PROGOV_AUDIT_KEY", "") or ""
    if configured and len(configured.strip()) < MIN_KEY_LENGTH:
        return (
            f"PROGOV_AUDIT_KEY is {len(configured.strip())} characters long; it must be at "
            f"least {MIN_KEY_LENGTH}. Generate one with: "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
    return None


def _read_or_generate(key_file: Path) -> str:
    text = read_or_create_secret(key_file, nbytes=48)
    if len(text) < MIN_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"The audit key file {key_file} holds {len(text)} characters; at least "
            f"{MIN_KEY_LENGTH} are needed. Restore it from your backup (a new key cannot "
            "verify the entries sealed under the old one)."
        )
    return text


_cache: dict[tuple[str, str], AuditKey] = {}
_lock = threading.Lock()


def audit_key() -> AuditKey:
    """The key in use (read once per source, generated into the data dir if need be)."""
    problem = configured_key_problem()
    if problem:
        raise ImproperlyConfigured(problem)
    configured = (getattr(settings, "PROGOV_AUDIT_KEY", "") or "").strip()
    where = ("env", configured) if configured else ("file", str(key_file_path()))
    with _lock:
        key = _cache.get(where)
        if key is None:
            if configured:
                key = derive(configured, "PROGOV_AUDIT_KEY")
            else:
                path = key_file_path()
                key = derive(_read_or_generate(path), str(path))
            _cache[where] = key
    return key


def key_file_path() -> Path:
    return Path(settings.DATA_DIR) / KEY_FILE_NAME
