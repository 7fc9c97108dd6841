"""Checks on an uploaded paper, made before anything is stored.

A paper is accepted only when its content is what its name says:

- PDF starts `%PDF-`; PNG starts with the PNG signature;
- DOCX, XLSX and PPTX are ZIP files (`PK\\x03\\x04`) holding `[Content_Types].xml`
  that declares the main part of that kind (`word/`, `xl/`, `ppt/`), without macros;
- CSV and TXT decode as UTF-8 (a BOM is allowed) and hold no NUL bytes.

ZIP-based files are first judged by their central directory alone, read with
`zipfile` (no document library ever opens them here): at most `ZIP_MAX_ENTRIES`
entries, at most `ZIP_MAX_TOTAL_BYTES` uncompressed in all, no entry expanding more
than `ZIP_MAX_RATIO` times, no absolute or `..` names, no duplicates, no encryption.
Only then is the small `[Content_Types].xml` read (bounded).

The size limit is `settings.PROGOV_MAX_UPLOAD_BYTES`. A refused file raises
`UploadRejected` (422; `UploadTooLarge`, 413, when it is too big) with a message that
names the file and the problem.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings

from progov.core.errors import ValidationError

ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_TOTAL_BYTES = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100
# Entries smaller than this may compress as well as they like (tiny XML parts do).
ZIP_RATIO_FLOOR_BYTES = 1024 * 1024
CONTENT_TYPES_MAX_BYTES = 1024 * 1024
HEAD_BYTES = 8192
CHUNK_BYTES = 64 * 1024

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ZIP_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True)
class FileKind:
    extension: str
    label: str
    content_type: str
    ooxml_prefix: str = ""
    ooxml_main: str = ""


OOXML = "application/vnd.openxmlformats-officedocument"
KINDS: dict[str, FileKind] = {
    "pdf": FileKind("pdf", "PDF", "application/pdf"),
    "docx": FileKind(
        "docx",
        "Word document (DOCX)",
        f"{OOXML}.wordprocessingml.document",
        "word/",
        f"{OOXML}.wordprocessingml.document.main+xml",
    ),
    "xlsx": FileKind(
        "xlsx",
        "Excel workbook (XLSX)",
        f"{OOXML}.spreadsheetml.sheet",
        "xl/",
        f"{OOXML}.spreadsheetml.sheet.main+xml",
    ),
    "pptx": FileKind(
        "pptx",
        "PowerPoint presentation (PPTX)",
        f"{OOXML}.presentationml.presentation",
        "ppt/",
        f"{OOXML}.presentationml.presentation.main+xml",
    ),
    "csv": FileKind("csv", "CSV", "text/csv; charset=utf-8"),
    "txt": FileKind("txt", "text", "text/plain; charset=utf-8"),
    "png": FileKind("png", "PNG image", "image/png"),
}
TEXT_KINDS = {"csv", "txt"}
ALLOWED_TEXT = "PDF, DOCX, XLSX, PPTX, CSV, TXT and PNG"


class UploadRejected(ValidationError):
    """The file is refused; nothing was stored. The message names the file and why."""

    def __init__(self, message: str):
        super().__init__(message, field_errors={"file": [message]})


class UploadTooLarge(UploadRejected):
    status_code = 413


@dataclass(frozen=True)
class CheckedUpload:
    """What the checks found: the name to show, the real type, size and digest."""

    original_name: str
    extension: str
    label: str
    content_type: str
    size_bytes: int
    sha256: str


def max_upload_bytes() -> int:
    return int(getattr(settings, "PROGOV_MAX_UPLOAD_BYTES", 25 * 1024 * 1024))


def size_text(size: int) -> str:
    """ "25 MB", "1.5 MB", "312 KB", "17 bytes" (1 MB = 1024 × 1024 bytes)."""
    if size >= 1024 * 1024:
        value = size / (1024 * 1024)
        return f"{value:.1f}".rstrip("0").rstrip(".") + " MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return "1 byte" if size == 1 else f"{size} bytes"


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_name(raw: str | None) -> str:
    """The name to keep and offer on download: no folders, no control characters."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _CONTROL.sub("", name).strip().strip(".").strip()
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 254 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else name[:255]
    return name


def _describe(head: bytes) -> str:
    """What the content looks like, for the refusal message."""
    lowered = head[:512].lstrip().lower()
    if head.startswith(b"%PDF-"):
        return "a PDF"
    if head.startswith(PNG_SIGNATURE):
        return "a PNG image"
    if head.startswith(ZIP_SIGNATURE):
        return "a ZIP archive"
    if head.startswith(b"MZ"):
        return "a Windows program (EXE)"
    if head.startswith(b"\x7fELF"):
        return "a program (ELF)"
    if head.startswith((b"\xff\xd8\xff",)):
        return "a JPEG image"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "a GIF image"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old-style or password-protected Office file"
    if lowered.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script")):
        return "HTML"
    if lowered.startswith(b"<?xml") or lowered.startswith(b"<svg"):
        return "XML or SVG"
    if lowered.startswith(b"#!"):
        return "a script"
    return "not recognised"


def _read(file: IO[bytes] | Any, limit: int, name: str) -> tuple[bytes, str, int, bool]:
    """Stream the file once: its head, SHA-256, real size, and whether it is UTF-8 text
    without NUL bytes. Stops past `limit` (the declared size may be wrong)."""
    file.seek(0)
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    head = b""
    size = 0
    is_text = True
    chunks = (
        file.chunks(CHUNK_BYTES)
        if hasattr(file, "chunks")
        else iter(lambda: file.read(CHUNK_BYTES), b"")
    )
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise UploadTooLarge(
                f"“{name}” is larger than {size_text(limit)}, the largest file accepted."
            )
        digest.update(chunk)
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
        if is_text:
            if b"\x00" in chunk:
                is_text = False
            else:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    is_text = False
    if is_text:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            is_text = False
    file.seek(0)
    return head, digest.hexdigest(), size, is_text


# --- ZIP (DOCX, XLSX, PPTX) ----------------------------------------------------------

_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")


def _declared_entries(file: IO[bytes] | Any, size: int) -> int | None:
    """The entry count the end-of-central-directory record declares (ZIP64 aware), read
    from the file's tail without parsing the directory; None when there is no record."""
    tail_len = min(size, _EOCD.size + 65535)
    file.seek(size - tail_len)
    tail = file.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + _EOCD.size > len(tail):
        return None
    fields = _EOCD.unpack(tail[at : at + _EOCD.size])
    entries = int(fields[4])
    if entries == 0xFFFF and at >= _ZIP64_LOCATOR.size:
        locator = _ZIP64_LOCATOR.unpack(tail[at - _ZIP64_LOCATOR.size : at])
        if locator[0] == b"PK\x06\x07" and locator[2] + _ZIP64_EOCD.size <= size:
            file.seek(locator[2])
            record = file.read(_ZIP64_EOCD.size)
            if len(record) == _ZIP64_EOCD.size and record[:4] == b"PK\x06\x06":
                entries = int(_ZIP64_EOCD.unpack(record)[7])
    return entries


def _bad_member_name(name: str) -> bool:
    if not name or "\x00" in name or "\\" in name or _CONTROL.search(name):
        return True
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return True
    return any(part == ".." for part in name.split("/"))


def _check_zip(file: IO[bytes] | Any, size: int, name: str, expected: FileKind) -> FileKind:
    """Judge a ZIP by its central directory, then find which Office kind it is."""
    declared = _declared_entries(file, size)
    if declared is None:
        raise UploadRejected(f"“{name}” is a damaged ZIP file (its directory is missing).")
    if declared > ZIP_MAX_ENTRIES:
        raise UploadRejected(
            f"“{name}” holds {declared:,} files; at most {ZIP_MAX_ENTRIES:,} are accepted."
        )
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)  # reads the central directory only
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UploadRejected(f"“{name}” is a damaged ZIP file ({exc}).") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > ZIP_MAX_ENTRIES:
            raise UploadRejected(
                f"“{name}” holds {len(infos):,} files; at most {ZIP_MAX_ENTRIES:,} are accepted."
            )
        seen: set[str] = set()
        total = compressed = 0
        for info in infos:
            if _bad_member_name(info.filename):
                raise UploadRejected(
                    f"“{name}” contains a file with an unsafe name ({info.filename[:80]!r}): "
                    "absolute paths and “..” are refused."
                )
            if info.filename in seen:
                raise UploadRejected(
                    f"“{name}” contains “{info.filename[:80]}” twice, which Office files never do."
                )
            seen.add(info.filename)
            if info.flag_bits & 0x1:
                raise UploadRejected(f"“{name}” is encrypted or password-protected.")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise UploadRejected(f"“{name}” uses a compression method Office files do not use.")
            if info.file_size > ZIP_RATIO_FLOOR_BYTES and info.file_size > ZIP_MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise UploadRejected(
                    f"“{name}” looks like a ZIP bomb: “{info.filename[:80]}” would expand "
                    f"{info.file_size // max(info.compress_size, 1):,} times "
                    f"(at most {ZIP_MAX_RATIO} is accepted)."
                )
            total += info.file_size
            compressed += info.compress_size
            if total > ZIP_MAX_TOTAL_BYTES:
                raise UploadRejected(
                    f"“{name}” would expand to more than {size_text(ZIP_MAX_TOTAL_BYTES)}; "
                    "it looks like a ZIP bomb."
                )
        if total > ZIP_RATIO_FLOOR_BYTES and total > ZIP_MAX_RATIO * max(compressed, 1):
            raise UploadRejected(
                f"“{name}” looks like a ZIP bomb: it would expand "
                f"{total // max(compressed, 1):,} times (at most {ZIP_MAX_RATIO} is accepted)."
            )
        if "[Content_Types].xml" not in seen:
            raise UploadRejected(
                f"“{name}” is a ZIP archive, not a {expected.label}: it has no [Content_Types].xml."
            )
        if any(n.lower().endswith("vbaproject.bin") for n in seen):
            raise UploadRejected(f"“{name}” contains macros (VBA), which are not accepted.")
        info = archive.getinfo("[Content_Types].xml")
        if info.file_size > CONTENT_TYPES_MAX_BYTES:
            raise UploadRejected(f"“{name}” has an oversized [Content_Types].xml.")
        try:
            with archive.open(info) as part:
                content_types = part.read(CONTENT_TYPES_MAX_BYTES + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
            raise UploadRejected(f"“{name}” is a damaged ZIP file ({exc}).") from None
        if len(content_types) > CONTENT_TYPES_MAX_BYTES:
            raise UploadRejected(f"“{name}” has an oversized [Content_Types].xml.")
        if b"macroEnabled" in content_types:
            raise UploadRejected(f"“{name}” is macro-enabled, which is not accepted.")
        main = next(
            (k for k in KINDS.values() if k.ooxml_main and k.ooxml_main.encode() in content_types),
            None,
        )
        if main is None:
            raise UploadRejected(
                f"“{name}” is not a {expected.label}: its [Content_Types].xml declares no "
                "Word document, Excel workbook or PowerPoint presentation."
            )
        if not any(n.startswith(main.ooxml_prefix) for n in seen):
            raise UploadRejected(
                f"“{name}” is a damaged {main.label}: it has no {main.ooxml_prefix} part."
            )
        return main


def check_upload(file: IO[bytes] | Any, *, name: str | None = None) -> CheckedUpload:
    """Check an uploaded file (a Django `UploadedFile` or any seekable binary file).

    Raises `UploadRejected` naming the problem; returns what was found otherwise.
    Nothing is written anywhere.
    """
    original = clean_name(name if name is not None else getattr(file, "name", ""))
    if not original:
        raise UploadRejected("The file has no name. Choose a file to upload.")
    stem, dot, ext = original.rpartition(".")
    ext = ext.lower()
    if not dot or not stem:
        raise UploadRejected(
            f"“{original}” has no file extension; papers can be {ALLOWED_TEXT} files."
        )
    expected = KINDS.get(ext)
    if expected is None:
        raise UploadRejected(f"“{original}” is a .{ext} file; papers can be {ALLOWED_TEXT} files.")
    limit = max_upload_bytes()
    declared_size = getattr(file, "size", None)
    if declared_size is not None and declared_size > limit:
        raise UploadTooLarge(
            f"“{original}” is {size_text(declared_size)}; the largest file accepted is "
            f"{size_text(limit)}."
        )
    head, sha256, size, is_text = _read(file, limit, original)
    if size == 0:
        raise UploadRejected(f"“{original}” is empty.")

    looks_like = _describe(head)
    if ext == "pdf":
        if not head.startswith(b"%PDF-"):
            raise UploadRejected(
                f"“{original}” is named .pdf but its content is {looks_like}, not a PDF."
            )
        found = expected
    elif ext == "png":
        if not head.startswith(PNG_SIGNATURE):
            raise UploadRejected(
                f"“{original}” is named .png but its content is {looks_like}, not a PNG image."
            )
        found = expected
    elif expected.ooxml_prefix:
        if not head.startswith(ZIP_SIGNATURE):
            raise UploadRejected(
                f"“{original}” is named .{ext} but its content is {looks_like}, "
                f"not a {expected.label}."
            )
        found = _check_zip(file, size, original, expected)
        file.seek(0)
        if found.extension != ext:
            raise UploadRejected(
                f"“{original}” is named .{ext} but it is a {found.label}; "
                f"rename it .{found.extension} or upload the right file."
            )
    else:  # csv, txt
        binary = looks_like in {
            "a PDF",
            "a PNG image",
            "a ZIP archive",
            "a Windows program (EXE)",
            "a program (ELF)",
            "a JPEG image",
            "a GIF image",
            "an old-style or password-protected Office file",
        }
        if binary or not is_text:
            what = looks_like if binary else "not UTF-8 text"
            raise UploadRejected(
                f"“{original}” is named .{ext} but its content is {what}; "
                f"{expected.label} files must be UTF-8 text."
            )
        found = expected
    return CheckedUpload(
        original_name=original,
        extension=found.extension,
        label=found.label,
        content_type=found.content_type,
        size_bytes=size,
        sha256=sha256,
    )
