"""Reads of papers, restricted by the meeting's visibility, the paper's classification and
whether it is published.

The rules are the access model's (`core.access`, kind `meetings.paper`):

| classification          | who may see a published paper                                  |
|-------------------------|----------------------------------------------------------------|
| Public                  | everyone who may see the meeting                               |
| Programme participants  | signed-in participants (secretariat, members, observers)       |
| Group members           | current members of the group (a Person linked to the user with |
|                         | a current Membership), the programme secretariat, administrators|
| Restricted              | the people named on the paper, the programme secretariat and   |
|                         | administrators                                                 |

Unpublished papers are seen only by those who manage the group's meetings (its chair and
secretariat, the programme secretariat, administrators). A paper the user may not see is
NotFound, exactly like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from progov.core import access
from progov.core.errors import NotFound
from progov.core.fulltext import ranked
from progov.governance.models import NamedReader
from progov.meetings.models import Classification, Meeting, Paper


def _visible(qs: QuerySet[Paper], *, user: Any) -> QuerySet[Paper]:
    return access.restrict(qs, user=user)


def papers_for(*, user: Any, meeting: Meeting) -> list[Paper]:
    """The papers of a meeting (already visible to `user`) that the user may see: the
    meeting's own first, then by agenda item, then by title."""
    qs = Paper.objects.filter(meeting=meeting).select_related("agenda_item")
    papers = list(_visible(qs, user=user))
    _attach_named_readers(papers)
    return papers


def _attach_named_readers(papers: list[Paper]) -> None:
    """`paper.named_reader_names` for the restricted ones (one query, only if any)."""
    restricted = {str(p.pk): p for p in papers if p.classification == Classification.RESTRICTED}
    for paper in papers:
        paper.named_reader_names = []  # type: ignore[attr-defined]
    if not restricted:
        return
    for object_id, name in (
        NamedReader.objects.filter(object_type="meetings.paper", object_id__in=restricted)
        .order_by("person__name")
        .values_list("object_id", "person__name")
    ):
        restricted[object_id].named_reader_names.append(name)  # type: ignore[attr-defined]


def paper_get(*, user: Any, pk: int, meeting_id: int | None = None) -> Paper:
    """One paper, or NotFound when it is missing, unpublished, or above the user's
    classification, or its meeting is hidden."""
    qs = _visible(
        Paper.objects.select_related("meeting__group", "agenda_item").filter(pk=pk), user=user
    )
    if meeting_id is not None:
        qs = qs.filter(meeting_id=meeting_id)
    paper = qs.first()
    if paper is None:
        raise NotFound(f"No paper #{pk}.")
    return paper


def paper_search(*, user: Any, programme: Any, q: str, limit: int) -> list[Paper]:
    """Papers of the programme whose title has the words of `q`, ranked, newest meeting
    first among equals, as far as the user may see them (e.g. "Design baseline" finds
    DAG's published design papers)."""
    qs = Paper.objects.select_related("meeting__group").filter(meeting__group__programme=programme)
    visible = _visible(qs, user=user).order_by("-meeting__start", "title", "id")
    return ranked(visible, fields=("title",), q=q, limit=limit)
