"""Upload checks: every accepted type by its content, hostile files refused with a clear
message, and a refused file leaves nothing behind (no file, no row, no audit entry)."""

from __future__ import annotations

import hashlib
import io
import os
import warnings
import zipfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from progov.audit.models import AuditEntry
from progov.core.errors import PermissionDenied, ValidationError
from progov.meetings import services, uploads
from progov.meetings.models import Meeting, Paper
from progov.meetings.tests import upload_samples as samples
from progov.meetings.uploads import UploadRejected, UploadTooLarge, check_upload, clean_name

LONDON = ZoneInfo("Europe/London")
OOXML = "application/vnd.openxmlformats-officedocument"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def meeting(tmag, pmo_user):
    services.generate_meetings(
        actor=pmo_user,
        group=tmag,
        until=date(2022, 12, 31),
        now=datetime(2022, 1, 1, tzinfo=LONDON),
    )
    return Meeting.objects.get(group=tmag, number_major=9)


# --- accepted ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("TMAG #9 pack.pdf", samples.PDF, "application/pdf"),
        ("plan-on-a-page.PNG", samples.png(), "image/png"),
        ("minutes.docx", samples.office("docx"), f"{OOXML}.wordprocessingml.document"),
        ("RAID log.xlsx", samples.office("xlsx"), f"{OOXML}.spreadsheetml.sheet"),
        ("slides.pptx", samples.office("pptx"), f"{OOXML}.presentationml.presentation"),
        ("actions.csv", samples.CSV, "text/csv; charset=utf-8"),
        ("actions-excel.csv", samples.CSV_WITH_BOM, "text/csv; charset=utf-8"),
        ("notes.txt", samples.TXT, "text/plain; charset=utf-8"),
    ],
)
def test_accepts_each_type_by_its_content(settings, name, data, content_type):
    checked = check_upload(upload(name, data))
    assert checked.original_name == name
    assert checked.content_type == content_type
    assert checked.size_bytes == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


def test_keeps_only_the_base_name():
    assert clean_name("C:\\fakepath\\TMAG pack.pdf") == "TMAG pack.pdf"
    assert clean_name("../../etc/passwd.txt") == "passwd.txt"
    assert clean_name("bad\x00name\n.pdf") == "badname.pdf"
    assert check_upload(upload("x.pdf", samples.PDF), name="a/b/../c.pdf").original_name == "c.pdf"


# --- refused -------------------------------------------------------------------------


HOSTILE = [
    pytest.param(
        "pack.pdf",
        samples.EXE,
        "its content is a Windows program (EXE), not a PDF",
        id="exe-as-pdf",
    ),
    pytest.param("pack.pdf", samples.HTML, "its content is HTML, not a PDF", id="html-as-pdf"),
    pytest.param(
        "minutes.docx",
        samples.png(),
        "named .docx but its content is a PNG image",
        id="png-as-docx",
    ),
    pytest.param(
        "minutes.docx",
        samples.office("xlsx"),
        "named .docx but it is a Excel workbook (XLSX); rename it .xlsx",
        id="xlsx-as-docx",
    ),
    pytest.param(
        "minutes.docx",
        samples.zip_bytes({"a.txt": "hello"}),
        "is a ZIP archive, not a Word document (DOCX): it has no [Content_Types].xml",
        id="plain-zip-as-docx",
    ),
    pytest.param("image.png", samples.PDF, "named .png but its content is a PDF", id="pdf-as-png"),
    pytest.param("tool.exe", samples.EXE, "is a .exe file; papers can be PDF", id="exe"),
    pytest.param("README", samples.TXT, "has no file extension", id="no-extension"),
    pytest.param("empty.pdf", b"", "“empty.pdf” is empty", id="empty"),
    pytest.param("actions.csv", "café,thé\n".encode("latin-1"), "not UTF-8 text", id="latin1-csv"),
    pytest.param("notes.txt", b"abc\x00def", "not UTF-8 text", id="nul-in-text"),
    pytest.param("notes.txt", samples.EXE, "a Windows program (EXE)", id="exe-as-txt"),
    pytest.param("bomb.docx", samples.zip_bomb(), "looks like a ZIP bomb", id="zip-bomb-ratio"),
    pytest.param(
        "huge.docx",
        samples.with_declared_size(samples.office("docx"), "word/document.xml", 0xF000_0000),
        "looks like a ZIP bomb: “word/document.xml” would expand 85,670,890 times",
        id="zip-declared-huge",
    ),
    pytest.param(
        "many.xlsx",
        samples.with_declared_entries(samples.office("xlsx"), 60_000),
        "holds 60,000 files; at most 10,000",
        id="zip-declared-many-entries",
    ),
    pytest.param(
        "evil.docx",
        samples.office("docx", {"../../evil.sh": "#!/bin/sh"}),
        "unsafe name ('../../evil.sh')",
        id="zip-traversal",
    ),
    pytest.param(
        "evil.docx",
        samples.office("docx", {"/etc/cron.d/x": "x"}),
        "unsafe name ('/etc/cron.d/x')",
        id="zip-absolute",
    ),
    pytest.param(
        "evil.docx",
        samples.office("docx", {"word\\..\\..\\x.xml": "x"}),
        "unsafe name",
        id="zip-backslash",
    ),
    pytest.param(
        "macro.docx",
        samples.office("docx", {"word/vbaProject.bin": b"\x00" * 10}),
        "contains macros (VBA)",
        id="docx-with-macros",
    ),
    pytest.param(
        "broken.xlsx",
        b"PK\x03\x04" + b"\x00" * 100,
        "is a damaged ZIP file",
        id="truncated-zip",
    ),
]


@pytest.mark.parametrize(("name", "data", "message"), HOSTILE)
def test_refuses_hostile_files_with_a_clear_message(name, data, message):
    with pytest.raises(UploadRejected) as err:
        check_upload(upload(name, data))
    assert message in err.value.message
    assert err.value.field_errors == {"file": [err.value.message]}
    assert err.value.status_code == 422


def test_too_many_entries_counted_in_the_directory(monkeypatch):
    monkeypatch.setattr(uploads, "ZIP_MAX_ENTRIES", 5)
    data = samples.office("pptx", {f"ppt/slides/slide{n}.xml": "<s/>" for n in range(5)})
    with pytest.raises(UploadRejected, match="holds 8 files; at most 5 are accepted"):
        check_upload(upload("deck.pptx", data))


def test_total_uncompressed_size_is_limited(monkeypatch):
    monkeypatch.setattr(uploads, "ZIP_MAX_TOTAL_BYTES", 4000)
    data = samples.office("xlsx", {"xl/media/image1.bin": os.urandom(5000)})
    with pytest.raises(
        UploadRejected, match="would expand to more than 4 KB; it looks like a ZIP bomb"
    ):
        check_upload(upload("big.xlsx", data))


def test_duplicate_zip_names_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate it writes
        archive.writestr("[Content_Types].xml", samples.content_types(*samples.MAIN["docx"]))
        archive.writestr("word/document.xml", "<a/>")
        archive.writestr("word/document.xml", "<b/>")
    with pytest.raises(UploadRejected, match=r"contains “word/document\.xml” twice"):
        check_upload(upload("twice.docx", buffer.getvalue()))


def test_oversized_file_is_refused_with_413(settings):
    settings.PROGOV_MAX_UPLOAD_BYTES = 100
    with pytest.raises(UploadTooLarge) as err:
        check_upload(upload("pack.pdf", samples.PDF + b"\n" * 100))
    assert err.value.status_code == 413
    size = len(samples.PDF) + 100
    assert (
        err.value.message == f"“pack.pdf” is {size} bytes; the largest file accepted is 100 bytes."
    )


def test_a_lying_declared_size_is_caught_while_reading(settings):
    settings.PROGOV_MAX_UPLOAD_BYTES = 100
    file = upload("pack.pdf", samples.PDF + b"\n" * 100)
    file.size = 10
    with pytest.raises(UploadTooLarge, match="larger than 100 bytes"):
        check_upload(file)


def test_default_limit_is_25_mb():
    assert uploads.max_upload_bytes() == 25 * 1024 * 1024


# --- the service: checked before anything is stored -----------------------------------


@pytest.mark.django_db
def test_an_accepted_upload_is_stored_under_a_generated_name(media, meeting, pmo_user):
    paper = services.upload_paper(
        actor=pmo_user,
        meeting=meeting,
        file=upload("../TMAG #9 meeting pack.pdf", samples.PDF),
        title="TMAG #9 meeting pack",
        kind="pack",
    )
    files = stored_files(media)
    assert len(files) == 1
    assert files[0].read_bytes() == samples.PDF
    assert files[0].parent.relative_to(media).parts[0] == "papers"
    assert "TMAG" not in files[0].name and files[0].suffix == ".pdf"
    assert paper.original_name == "TMAG #9 meeting pack.pdf"
    assert paper.content_type == "application/pdf"
    assert paper.size_bytes == len(samples.PDF)
    assert paper.sha256 == hashlib.sha256(samples.PDF).hexdigest()
    assert paper.published_at is None and paper.uploaded_by == pmo_user
    entry = AuditEntry.objects.filter(object_type="meetings.paper").get()
    assert entry.changes["sha256"] == [None, paper.sha256]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "data", "message"), HOSTILE[:4] + HOSTILE[12:16])
def test_a_refused_upload_stores_nothing(media, meeting, pmo_user, name, data, message):
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as err:
        services.upload_paper(
            actor=pmo_user, meeting=meeting, file=upload(name, data), title="A paper"
        )
    assert message in err.value.field_errors["file"][0]
    assert stored_files(media) == []
    assert Paper.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.django_db
def test_field_and_file_problems_are_reported_together(media, meeting, pmo_user, settings):
    settings.PROGOV_MAX_UPLOAD_BYTES = 10
    with pytest.raises(UploadTooLarge) as err:
        services.upload_paper(
            actor=pmo_user,
            meeting=meeting,
            file=upload("pack.pdf", samples.PDF),
            title="  ",
            classification="secret",
        )
    assert set(err.value.field_errors) == {"title", "classification", "file"}
    assert stored_files(media) == []


@pytest.mark.django_db
def test_a_failed_save_removes_the_stored_file(media, meeting, pmo_user, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr("progov.meetings.services.papers.record_create", boom)
    with pytest.raises(RuntimeError):
        services.upload_paper(
            actor=pmo_user, meeting=meeting, file=upload("p.pdf", samples.PDF), title="P"
        )
    assert stored_files(media) == []
    assert Paper.objects.count() == 0


@pytest.mark.django_db
def test_members_cannot_upload(media, meeting, member_user):
    with pytest.raises(PermissionDenied):
        services.upload_paper(
            actor=member_user, meeting=meeting, file=upload("p.pdf", samples.PDF), title="P"
        )
    assert stored_files(media) == []
