"""Tiny real files of every accepted type, and hostile ones, built in memory for the tests."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def png() -> bytes:
    """A valid 1×1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


OOXML = "application/vnd.openxmlformats-officedocument"
MAIN = {
    "docx": ("word/document.xml", f"{OOXML}.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", f"{OOXML}.spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", f"{OOXML}.presentationml.presentation.main+xml"),
}


def content_types(main_part: str, main_type: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/>'
        "</Types>"
    )


def zip_bytes(entries: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def office(kind: str, extra: dict[str, bytes | str] | None = None) -> bytes:
    """A minimal DOCX, XLSX or PPTX: content types, package rels and the main part."""
    main_part, main_type = MAIN[kind]
    return zip_bytes(
        {
            "[Content_Types].xml": content_types(main_part, main_type),
            "_rels/.rels": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                f'2006/relationships/officeDocument" Target="{main_part}"/></Relationships>'
            ),
            main_part: '<?xml version="1.0" encoding="UTF-8"?><root/>',
            **(extra or {}),
        }
    )


CSV = b"Ref,Action,Owner\nTMAG08-01,Share a how-to guide,Programme (PMO/PPC)\n"
CSV_WITH_BOM = b"\xef\xbb\xbf" + CSV
TXT = "Minutes of TMAG #9 — 22 September 2022\n".encode()

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def zip_bomb() -> bytes:
    """An Office-looking archive with one 20 MB part of zeros (deflates ~1000×)."""
    return office("docx", {"word/media/zeros.bin": b"\x00" * (20 * 1024 * 1024)})


def with_declared_size(data: bytes, name: str, size: int) -> bytes:
    """`data` with the central directory claiming `name` expands to `size` bytes."""
    raw = bytearray(data)
    at = 0
    while True:
        at = raw.index(b"PK\x01\x02", at)
        name_len = struct.unpack_from("<H", raw, at + 28)[0]
        if raw[at + 46 : at + 46 + name_len] == name.encode():
            struct.pack_into("<I", raw, at + 24, size)
            return bytes(raw)
        at += 4


def with_declared_entries(data: bytes, entries: int) -> bytes:
    """`data` with its end-of-central-directory record claiming `entries` entries."""
    raw = bytearray(data)
    at = raw.rindex(b"PK\x05\x06")
    struct.pack_into("<HH", raw, at + 8, entries, entries)
    return bytes(raw)
