"""The papers API: multipart upload (201, 422 naming the problem, 413 too large, nothing
stored when refused), visibility by classification and publication, If-Match writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from progov.accounts.services import create_api_token
from progov.audit.models import AuditEntry
from progov.meetings.models import Paper
from progov.meetings.tests import upload_samples as samples
from progov.meetings.tests.agenda_support import tmag9, tmag_standing

pytestmark = pytest.mark.django_db
__all__ = ["tmag9", "tmag_standing"]  # fixtures


def bearer(user) -> dict[str, Any]:
    _, raw = create_api_token(actor=None, username=user.username)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def pmo(pmo_user) -> dict[str, str]:
    return bearer(pmo_user)


def files_in(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(client: Client, meeting, headers, name: str, data: bytes, **fields):
    payload = {"file": SimpleUploadedFile(name, data), "title": "TMAG #9 meeting pack", **fields}
    return client.post(f"/api/v1/meetings/{meeting.pk}/papers", payload, **headers)


def test_upload_list_patch_publish(client: Client, media, tmag9, pmo, member_user):
    item = tmag9.agenda_items.get(title="Programme re-plan")
    created = upload(
        client,
        tmag9,
        pmo,
        "TMAG9 pack.pdf",
        samples.PDF,
        kind="pack",
        agenda_item=str(item.pk),
    )
    assert created.status_code == 201, created.content
    paper = created.json()
    assert paper["original_name"] == "TMAG9 pack.pdf"
    assert paper["content_type"] == "application/pdf"
    assert paper["size_bytes"] == len(samples.PDF)
    assert paper["kind"] == "pack" and paper["agenda_item"] == item.pk
    assert paper["published_at"] is None and paper["version"] == 1
    assert paper["download_url"] == f"/meetings/papers/{paper['id']}/download/"
    assert created["ETag"] == '"1"'
    assert len(files_in(media)) == 1

    papers_url = f"/api/v1/meetings/{tmag9.pk}/papers"
    # Unpublished: the secretariat sees it, nobody else does.
    assert [p["id"] for p in client.get(papers_url, **pmo).json()] == [paper["id"]]
    assert client.get(papers_url).json() == []
    assert client.get(papers_url, **bearer(member_user)).json() == []
    paper_url = f"{papers_url}/{paper['id']}"
    assert client.get(paper_url).status_code == 404

    patch = {"title": "TMAG #9 meeting pack", "paper_version": "1.1"}
    assert client.patch(paper_url, patch, content_type="application/json", **pmo).status_code == 428
    stale = client.patch(
        paper_url, patch, content_type="application/json", HTTP_IF_MATCH='"3"', **pmo
    )
    assert stale.status_code == 412
    ok = client.patch(paper_url, patch, content_type="application/json", HTTP_IF_MATCH='"1"', **pmo)
    assert ok.status_code == 200 and ok.json()["paper_version"] == "1.1" and ok["ETag"] == '"2"'

    assert client.post(f"{paper_url}/publish", **pmo).status_code == 428
    published = client.post(f"{paper_url}/publish", HTTP_IF_MATCH='"2"', **pmo)
    assert published.status_code == 200 and published.json()["published_at"] is not None
    assert [p["id"] for p in client.get(papers_url).json()] == [paper["id"]]
    again = client.post(f"{paper_url}/publish", HTTP_IF_MATCH='"3"', **pmo)
    assert again.status_code == 422 and "already published" in again.json()["detail"]

    other_meeting_item = tmag9.group.meetings.get(number_major=10).agenda_items.first()
    wrong = client.patch(
        paper_url,
        {"agenda_item": other_meeting_item.pk},
        content_type="application/json",
        HTTP_IF_MATCH='"3"',
        **pmo,
    )
    assert wrong.status_code == 422 and "agenda_item" in wrong.json()["errors"]


def test_classification_decides_who_lists_a_published_paper(
    client: Client, media, tmag9, pmo, member_user
):
    ids = {}
    for classification in ("public", "participants", "group", "restricted"):
        body = upload(
            client, tmag9, pmo, f"{classification}.pdf", samples.PDF, classification=classification
        ).json()
        client.post(
            f"/api/v1/meetings/{tmag9.pk}/papers/{body['id']}/publish", HTTP_IF_MATCH='"1"', **pmo
        )
        ids[classification] = body["id"]
    papers_url = f"/api/v1/meetings/{tmag9.pk}/papers"

    def seen(**headers) -> set[str]:
        listed = {p["id"] for p in client.get(papers_url, **headers).json()}
        return {c for c, pk in ids.items() if pk in listed}

    assert seen() == {"public"}
    assert seen(**bearer(member_user)) == {"public", "participants"}
    assert seen(**pmo) == set(ids)


def test_refused_upload_is_422_and_stores_nothing(client: Client, media, tmag9, pmo):
    audit = AuditEntry.objects.count()
    refused = upload(client, tmag9, pmo, "pack.pdf", samples.HTML)
    assert refused.status_code == 422
    body = refused.json()
    assert body["errors"]["file"] == [
        "“pack.pdf” is named .pdf but its content is HTML, not a PDF."
    ]
    assert files_in(media) == [] and Paper.objects.count() == 0
    assert AuditEntry.objects.count() == audit

    bomb = upload(client, tmag9, pmo, "bomb.docx", samples.zip_bomb())
    assert bomb.status_code == 422 and "ZIP bomb" in bomb.json()["detail"]
    no_file = client.post(f"/api/v1/meetings/{tmag9.pk}/papers", {"title": "x"}, **pmo)
    assert no_file.status_code == 422 and "file" in no_file.json()["errors"]
    assert files_in(media) == [] and Paper.objects.count() == 0


def test_oversized_upload_is_413(client: Client, media, tmag9, pmo, settings):
    settings.PROGOV_MAX_UPLOAD_BYTES = 64
    too_big = upload(client, tmag9, pmo, "pack.pdf", samples.PDF)
    assert too_big.status_code == 413
    assert "the largest file accepted is 64 bytes" in too_big.json()["errors"]["file"][0]
    assert files_in(media) == [] and Paper.objects.count() == 0


def test_only_the_secretariat_uploads(client: Client, media, tmag9, member_user):
    assert upload(client, tmag9, {}, "pack.pdf", samples.PDF).status_code == 401
    assert upload(client, tmag9, bearer(member_user), "pack.pdf", samples.PDF).status_code == 403
    assert files_in(media) == []
