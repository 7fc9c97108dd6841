"""`/api/v1/meetings/{id}/papers`: a meeting's papers.

- `GET /{id}/papers`: the papers the caller may see (classification, published).
- `POST /{id}/papers` (multipart: `file`, `title`, `kind`, `classification`,
  `paper_version`, `agenda_item`): 201, or 422 naming what is wrong with the file or a
  field (`errors.file`), or 413 when the file is larger than `PROGOV_MAX_UPLOAD_BYTES`.
  A refused file leaves nothing stored.
- `GET|PATCH|DELETE /{id}/papers/{paper}` (If-Match on writes), `POST
  /{id}/papers/{paper}/publish` (If-Match).
- `GET|PUT /{id}/papers/{paper}/named-readers` (If-Match on PUT): who may read a
  `restricted` paper besides the programme secretariat.
- The file itself: `download_url` (`/meetings/papers/{paper}/download/`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from progov.core import access
from progov.core.api import (
    IF_MATCH,
    WRITE_ERRORS,
    ErrorOut,
    actor,
    etag_for,
    verb_on,
    versioned_write,
    writer,
)
from progov.core.bounds import Body, FormId, Id, PathId, text_of
from progov.core.errors import ValidationError
from progov.governance import selectors as governance_selectors
from progov.governance import services as governance_services
from progov.meetings import selectors, services
from progov.meetings.models import AgendaItem, Meeting, Paper
from progov.meetings.selectors.papers import paper_get, papers_for

router = Router(tags=["meetings"])
ERRORS: dict[int, Any] = {**WRITE_ERRORS, 413: ErrorOut}
Kind = Literal["paper", "pack", "minutes", "other"]
ClassificationName = Literal["public", "participants", "group", "restricted"]


class PaperOut(Schema):
    id: int
    meeting: int
    agenda_item: int | None
    title: str
    kind: Kind
    classification: ClassificationName
    paper_version: str = Field(description='The document\'s own version label, e.g. "1.0"')
    original_name: str
    content_type: str = Field(description="From the file's checked content, not the browser")
    size_bytes: int
    sha256: str
    published_at: datetime | None
    uploaded_at: datetime
    download_url: str
    version: int = Field(description="For If-Match")


class PaperPatch(Body):
    title: text_of(Paper, "title", min_length=1) | None = None  # type: ignore[valid-type]
    kind: Kind | None = None
    classification: ClassificationName | None = None
    paper_version: text_of(Paper, "paper_version", min_length=1) | None = None  # type: ignore[valid-type]
    agenda_item: Id | None = None


def paper_out(paper: Paper) -> dict[str, Any]:
    return {
        "id": paper.pk,
        "meeting": paper.meeting_id,
        "agenda_item": paper.agenda_item_id,
        "title": paper.title,
        "kind": paper.kind,
        "classification": paper.classification,
        "paper_version": paper.paper_version,
        "original_name": paper.original_name,
        "content_type": paper.content_type,
        "size_bytes": paper.size_bytes,
        "sha256": paper.sha256,
        "published_at": paper.published_at,
        "uploaded_at": paper.created_at,
        "download_url": reverse("meetings:paper_download", args=[paper.pk]),
        "version": paper.version,
    }


def _meeting(request: HttpRequest, meeting_id: PathId) -> Meeting:
    return selectors.meeting_get(user=actor(request), pk=meeting_id)


def _agenda_item(meeting: Meeting, item_id: int | None) -> AgendaItem | None:
    if item_id is None:
        return None
    item = AgendaItem.objects.filter(pk=item_id, meeting=meeting).first()
    if item is None:
        raise ValidationError.for_field(
            "agenda_item", f"Item #{item_id} is not on this meeting's agenda."
        )
    return item


def _answer(request: HttpRequest, response: HttpResponse, meeting_id: PathId, pk: int) -> Any:
    paper = paper_get(user=actor(request), pk=pk, meeting_id=meeting_id)
    response["ETag"] = etag_for(paper.version)
    return paper_out(paper)


@router.get("/{int:meeting_id}/papers", response={200: list[PaperOut], **ERRORS})
def list_papers(request: HttpRequest, meeting_id: PathId) -> Any:
    """The papers you may see: published ones your classification allows (the
    secretariat also sees unpublished and confidential papers)."""
    meeting = _meeting(request, meeting_id)
    return [paper_out(p) for p in papers_for(user=actor(request), meeting=meeting)]


# Form defaults are given as Form(...): ninja loses a plain default behind an Annotated type.
EMPTY_FORM_TEXT = Form("")
FIRST_VERSION = Form("1.0")
NO_FORM_ID = Form(None)


@router.post("/{int:meeting_id}/papers", response={201: PaperOut, **ERRORS})
def upload_paper(
    request: HttpRequest,
    meeting_id: PathId,
    response: HttpResponse,
    file: File[UploadedFile | None] = None,
    title: text_of(Paper, "title") = EMPTY_FORM_TEXT,  # type: ignore[valid-type]
    kind: Form[Kind] = "paper",
    classification: Form[ClassificationName] = "public",
    paper_version: text_of(Paper, "paper_version") = FIRST_VERSION,  # type: ignore[valid-type]
    agenda_item: FormId | None = NO_FORM_ID,
) -> Any:
    """Upload a paper (multipart/form-data). PDF, DOCX, XLSX, PPTX, CSV, TXT or PNG,
    checked by content; it starts unpublished. 422 names the problem (`errors.file` for
    the file); 413 when it is too large. Nothing is stored when it is refused."""
    user = writer(request)
    meeting = _meeting(request, meeting_id)
    if file is None:
        errors = {"file": ["Choose a file to upload (the multipart field `file`)."]}
        if not title.strip():
            errors["title"] = ["Give the paper a title."]
        raise ValidationError(" ".join(m for v in errors.values() for m in v), field_errors=errors)
    paper = services.upload_paper(
        actor=user,
        meeting=meeting,
        file=file,
        title=title,
        kind=kind,
        classification=classification,
        paper_version=paper_version,
        agenda_item=_agenda_item(meeting, agenda_item),
    )
    return Status(201, _answer(request, response, meeting_id, paper.pk))


@router.get("/{int:meeting_id}/papers/{int:paper_id}", response={200: PaperOut, **ERRORS})
def get_paper(
    request: HttpRequest, meeting_id: PathId, paper_id: PathId, response: HttpResponse
) -> Any:
    return _answer(request, response, meeting_id, paper_id)


def _on_paper(service: Any, meeting_id: PathId, paper_id: PathId) -> Any:
    """`write(user, expected)` calling a paper verb on the paper the caller may see."""
    return verb_on(
        service, "paper", lambda user: paper_get(user=user, pk=paper_id, meeting_id=meeting_id)
    )


def _paper_write(
    request: HttpRequest, response: HttpResponse, meeting_id: PathId, paper_id: PathId, write: Any
) -> Any:
    return versioned_write(
        request, response, write, lambda _paper: _answer(request, response, meeting_id, paper_id)
    )


@router.patch(
    "/{int:meeting_id}/papers/{int:paper_id}",
    response={200: PaperOut, **ERRORS},
    openapi_extra=IF_MATCH,
)
def patch_paper(
    request: HttpRequest,
    meeting_id: PathId,
    paper_id: PathId,
    payload: PaperPatch,
    response: HttpResponse,
) -> Any:
    """Change title, kind, classification, version label or agenda item. Needs `If-Match`."""
    changes = payload.dict(exclude_unset=True)

    def write(user: Any, expected: int) -> Paper:
        paper = paper_get(user=user, pk=paper_id, meeting_id=meeting_id)
        if "agenda_item" in changes:
            changes["agenda_item"] = _agenda_item(paper.meeting, changes["agenda_item"])
        return services.update_paper(actor=user, paper=paper, expected_version=expected, **changes)

    return _paper_write(request, response, meeting_id, paper_id, write)


@router.post(
    "/{int:meeting_id}/papers/{int:paper_id}/publish",
    response={200: PaperOut, **ERRORS},
    openapi_extra=IF_MATCH,
)
def publish_paper(
    request: HttpRequest, meeting_id: PathId, paper_id: PathId, response: HttpResponse
) -> Any:
    """Publish the paper now (its time counts towards the papers deadline). Needs `If-Match`."""
    return _paper_write(
        request,
        response,
        meeting_id,
        paper_id,
        _on_paper(services.publish_paper, meeting_id, paper_id),
    )


@router.delete(
    "/{int:meeting_id}/papers/{int:paper_id}",
    response={204: None, **ERRORS},
    openapi_extra=IF_MATCH,
)
def delete_paper(request: HttpRequest, meeting_id: PathId, paper_id: PathId) -> Any:
    """Remove the paper and its file. Needs `If-Match`."""
    versioned_write(request, None, _on_paper(services.remove_paper, meeting_id, paper_id))
    return Status(204, None)


class NamedReaderOut(Schema):
    id: int
    name: str


class PaperNamedReadersOut(Schema):
    people: list[NamedReaderOut] = Field(
        description="The people who may read the paper while it is `restricted`"
    )
    version: int = Field(description="The paper's version, for If-Match")


class PaperNamedReadersIn(Body):
    people: list[Id] = Field(
        max_length=500, description="Ids of the people to name (replaces the list)"
    )


def _named_readers_out(paper: Paper) -> dict[str, Any]:
    people = governance_selectors.named_readers(obj=paper)
    return {"people": [{"id": p.pk, "name": p.name} for p in people], "version": paper.version}


def _managed_paper(user: Any, meeting_id: PathId, paper_id: PathId) -> Paper:
    paper = paper_get(user=user, pk=paper_id, meeting_id=meeting_id)
    access.require(user=user, action="change", obj=paper)
    return paper


@router.get(
    "/{int:meeting_id}/papers/{int:paper_id}/named-readers",
    response={200: PaperNamedReadersOut, **ERRORS},
)
def get_named_readers(
    request: HttpRequest, meeting_id: PathId, paper_id: PathId, response: HttpResponse
) -> Any:
    """Who is named on the paper (for those who manage it): besides the programme
    secretariat, they alone read it while it is `restricted`."""
    paper = _managed_paper(actor(request), meeting_id, paper_id)
    response["ETag"] = etag_for(paper.version)
    return _named_readers_out(paper)


@router.put(
    "/{int:meeting_id}/papers/{int:paper_id}/named-readers",
    response={200: PaperNamedReadersOut, **ERRORS},
    openapi_extra=IF_MATCH,
)
def put_named_readers(
    request: HttpRequest,
    meeting_id: PathId,
    paper_id: PathId,
    payload: PaperNamedReadersIn,
    response: HttpResponse,
) -> Any:
    """Name the people who may read the paper while it is `restricted` (replaces the list;
    an unknown person id is 422). Needs `If-Match` with the paper's version."""

    def write(user: Any, expected: int) -> Paper:
        paper = _managed_paper(user, meeting_id, paper_id)
        wanted = set(payload.people)
        people = list(
            governance_selectors.person_list(
                user=user, programme=paper.meeting.group.programme
            ).filter(pk__in=wanted)
        )
        unknown = sorted(wanted - {p.pk for p in people})
        if unknown:
            raise ValidationError.for_field(
                "people", f"No person {', '.join(f'#{i}' for i in unknown)} in this programme."
            )
        governance_services.set_named_readers(
            actor=user, obj=paper, people=people, expected_version=expected
        )
        return paper_get(user=user, pk=paper_id, meeting_id=meeting_id)

    return versioned_write(request, response, write, _named_readers_out)
