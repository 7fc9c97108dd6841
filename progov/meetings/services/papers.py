"""Writes for papers: upload (checked before anything is stored), change, publish, remove.

A file is stored under a generated name (`papers/2022/09/<random>.pdf`) in the
default storage (the data dir's `media/`, or S3 when configured); the name the user
gave is kept as `original_name` and offered on download. A refused file leaves
nothing behind: no file, no row, no audit entry.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from progov.audit.services import record_create, record_delete
from progov.audit.writes import WritePath, check_fields
from progov.core import access
from progov.core.auth import is_signed_in
from progov.core.bounds import bounds_errors
from progov.core.concurrency import check_version
from progov.core.errors import ValidationError
from progov.governance.models import AttendancePolicy, GovernanceGroup, Person
from progov.governance.services import name_readers_of_new, snapshot
from progov.meetings.models import AgendaItem, Classification, Meeting, Paper, PaperKind
from progov.meetings.uploads import UploadRejected, UploadTooLarge, check_upload

logger = logging.getLogger(__name__)

PAPER_FIELDS = (
    "title",
    "kind",
    "classification",
    "paper_version",
    "agenda_item",
    "original_name",
    "content_type",
    "size_bytes",
    "sha256",
    "published_at",
)
EDITABLE = {"title", "kind", "classification", "paper_version", "agenda_item"}


def _clean_fields(
    paper: Paper, changes: dict[str, Any], meeting: Meeting, errors: dict[str, list[str]]
) -> None:
    if "title" in changes:
        paper.title = (changes["title"] or "").strip()
        if not paper.title:
            errors["title"] = ["Give the paper a title."]
    if "kind" in changes:
        if changes["kind"] not in PaperKind.values:
            errors["kind"] = [
                "The kind is one of: " + ", ".join(str(label) for label in PaperKind.labels)
            ]
        paper.kind = changes["kind"]
    if "classification" in changes:
        if changes["classification"] not in Classification.values:
            errors["classification"] = [
                "The classification is one of: "
                + ", ".join(str(label) for label in Classification.labels)
            ]
        paper.classification = changes["classification"]
    if "paper_version" in changes:
        paper.paper_version = (changes["paper_version"] or "").strip()
        if not paper.paper_version:
            errors["paper_version"] = ['Give the paper\'s version, e.g. "1.0".']
    if "agenda_item" in changes:
        item = changes["agenda_item"]
        if item is not None and (not isinstance(item, AgendaItem) or item.meeting_id != meeting.pk):
            errors["agenda_item"] = ["Attach the paper to an item of this meeting's agenda."]
        paper.agenda_item = item
    texts = [name for name in ("title", "paper_version") if name in changes]
    for name, messages in bounds_errors(paper, texts).items():
        errors.setdefault(name, messages)


def _raise(errors: dict[str, list[str]], too_large: bool = False) -> None:
    if not errors:
        return
    message = " ".join(m for messages in errors.values() for m in messages)
    if too_large:
        exc = UploadTooLarge(message)
        exc.field_errors = errors
        raise exc
    raise ValidationError(message, field_errors=errors)


def default_classification(group: GovernanceGroup) -> str:
    """A closed group's papers are for its members; an open group's are public."""
    if group.attendance == AttendancePolicy.CLOSED:
        return Classification.GROUP
    return Classification.PUBLIC


@transaction.atomic
def upload_paper(
    *,
    actor: Any,
    meeting: Meeting,
    file: File,
    title: str,
    kind: str = PaperKind.PAPER,
    classification: str | None = None,
    paper_version: str = "1.0",
    agenda_item: AgendaItem | None = None,
    name: str | None = None,
    named_readers: Sequence[Person] = (),
) -> Paper:
    """Check and store a paper of `meeting` (unpublished until `publish_paper`).

    Every field and the file itself are checked first; a refusal names each problem
    (`errors["file"]` for the file) and stores nothing. `named_readers` are the people
    who may read it while it is `restricted` (with the programme secretariat).
    """
    access.require(user=actor, action="upload_paper", obj=meeting)
    if classification is None:
        classification = default_classification(meeting.group)
    paper = Paper(meeting=meeting)
    errors: dict[str, list[str]] = {}
    _clean_fields(
        paper,
        {
            "title": title,
            "kind": kind,
            "classification": classification,
            "paper_version": paper_version,
            "agenda_item": agenda_item,
        },
        meeting,
        errors,
    )
    checked = None
    too_large = False
    try:
        checked = check_upload(file, name=name)
    except UploadRejected as exc:
        errors["file"] = [exc.message]
        too_large = isinstance(exc, UploadTooLarge)
    if named_readers and classification != Classification.RESTRICTED:
        errors.setdefault("named_readers", []).append(
            "Name readers only for a restricted paper: the others are read by their classification."
        )
    _raise(errors, too_large=too_large)
    assert checked is not None

    paper.original_name = checked.original_name
    paper.content_type = checked.content_type
    paper.size_bytes = checked.size_bytes
    paper.sha256 = checked.sha256
    paper.uploaded_by = actor if is_signed_in(actor) else None
    file.seek(0)
    paper.file.save(f"{uuid.uuid4().hex}.{checked.extension}", file, save=False)
    stored = paper.file.name or ""
    try:
        paper.save()
        fields = snapshot(paper, PAPER_FIELDS)
        if named_readers:
            fields["named_readers"] = name_readers_of_new(obj=paper, people=named_readers)
        record_create(actor=actor, obj=paper, fields=fields)
    except BaseException:
        paper.file.storage.delete(stored)
        raise
    return paper


def _locked(paper: Paper, expected_version: int | None) -> Paper:
    locked = (
        Paper.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=paper.pk)
    )
    check_version(locked, expected_version)
    return locked


_PAPERS = WritePath(Paper.objects.select_related("meeting"), PAPER_FIELDS)


@transaction.atomic
def update_paper(
    *, actor: Any, paper: Paper, expected_version: int | None, **changes: Any
) -> Paper:
    """Change a paper's title, kind, classification, version label or agenda item (a new
    file is a new paper)."""
    check_fields(changes, sorted(EDITABLE))
    with _PAPERS.change(actor, paper, expected_version, "change") as change:
        errors: dict[str, list[str]] = {}
        _clean_fields(change.obj, changes, change.obj.meeting, errors)
        _raise(errors)
    return change.obj


@transaction.atomic
def publish_paper(
    *, actor: Any, paper: Paper, expected_version: int | None, now: datetime | None = None
) -> Paper:
    """Publish a paper: from now it is visible as its classification allows, and its
    publication time counts towards the papers deadline."""
    with _PAPERS.change(actor, paper, expected_version, "publish") as change:
        paper = change.obj
        if paper.published_at is not None:
            raise ValidationError(
                f"“{paper.title}” was already published on "
                f"{timezone.localtime(paper.published_at):%d %b %Y at %H:%M}."
            )
        paper.published_at = now or timezone.now()
    return paper


@transaction.atomic
def remove_paper(*, actor: Any, paper: Paper, expected_version: int | None) -> None:
    """Delete a paper and, once the deletion is committed, its file."""
    access.require(user=actor, action="delete", obj=paper)
    paper = _locked(paper, expected_version)
    storage, name = paper.file.storage, paper.file.name or ""
    record_delete(actor=actor, obj=paper, fields=snapshot(paper, PAPER_FIELDS))
    paper.delete()

    def delete_file() -> None:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("could not delete the file %s of a removed paper", name)

    transaction.on_commit(delete_file)
