"""The access matrix: every API operation and every page, as every demo role, on objects of
each classification and visibility, read against the policy table (core.access.POLICY).

The operations come from the OpenAPI schema and the pages from the URL resolver, so a new
endpoint or page without an entry here fails `test_every_operation_and_page_is_covered`.
For each call the matrix checks:

- nobody ever gets a 5xx;
- reads: a caller sees no marker (title, text, acronym, feed-token prefix) of an object
  `access.may_view` hides from them, anonymous and public callers see no e-mail address,
  a visible object answers 200 and a hidden one answers exactly like a missing one (404);
- writes: a caller the policy does not allow never gets a 2xx and nothing is written
  (audit head unchanged); a hidden object answers like a missing one; an allowed caller is
  never refused (401/403/404) and every write succeeds for someone; a versioned write
  answers 428 without `If-Match` and 412 with a stale one, changing nothing.

Every write runs in a savepoint that is rolled back, so the world is the same for each call.
Problems are collected and reported together, one readable line each.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, cast
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from progov.actions.models import Action
from progov.api import api
from progov.calendars.models import ClosureDay
from progov.core import access
from progov.core.context import correlation
from progov.core.testing.api import api_call, bearer, rolled_back
from progov.core.testing.audit import audit_head, entries_since
from progov.core.testing.views import page_call, sign_in, sign_out
from progov.core.testing.world import ROLES, World, build_world
from progov.decisions.models import Appeal, Decision, Escalation
from progov.governance.models import (
    Constituency,
    GovernanceGroup,
    Membership,
    Organisation,
    Person,
    Seat,
    TermsOfReference,
)
from progov.meetings.models import Meeting

MISSING_ID = 987654
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
WRITE_METHODS = {"POST", "PATCH", "PUT", "DELETE"}
REFUSED = {401, 403, 404}


# --- bindings: the objects an operation is called on ---------------------------------------


@dataclass(frozen=True)
class Binding:
    """One way to fill an operation's path: the path parameters, the objects on the path
    (all must be visible for the call to be), and the named objects the write acts on."""

    label: str
    params: dict[str, Any] = field(default_factory=dict)
    seen: tuple[Model, ...] = ()
    on: dict[str, Any] = field(default_factory=dict)
    missing: bool = False  # a missing object, or objects that do not belong together

    def visible_to(self, user: Any) -> bool:
        return not self.missing and all(access.may_view(user=user, obj=o) for o in self.seen)


def _condition_bindings(w: World) -> list[Binding]:
    """A condition of each decision, one on a missing decision, and one asked for on
    another decision (as missing as a missing one)."""
    found = [
        Binding(
            k,
            {"ref": d.ref, "condition_id": d.conditions.get().pk},
            (d,),
            {"decision": d},
        )
        for k, d in w.decisions.items()
    ]
    cross = replace(
        found[0],
        label="cross",
        params={**found[0].params, "ref": w.decisions["hid"].ref},
        missing=True,
    )
    return [*found, cross, _missing(found[0], ref="NOPE99-01")]


def _missing(first: Binding, **params: Any) -> Binding:
    return replace(first, label="missing", params={**first.params, **params}, missing=True)


def _by_key(objects: dict[str, Any], make: Callable[[str, Any], Binding]) -> list[Binding]:
    return [make(key, obj) for key, obj in objects.items()]


def api_bindings(w: World, path: str) -> list[Binding]:
    """The bindings of an API path template (`/api/v1/meetings/{meeting_id}/papers`)."""
    params = re.findall(r"{(\w+)}", path)
    if not params:
        return [Binding("-")]
    meeting = lambda k, m: Binding(k, {"meeting_id": m.pk}, (m,), {"meeting": m})  # noqa: E731
    if params == ["slug"]:
        return [Binding("mhhs", {"slug": "mhhs"}, (), {"programme": w.programme})]
    if params == ["slug", "day"]:
        day = Binding(
            "day",
            {"slug": "mhhs", "day": w.closure_day.date.isoformat()},
            (),
            {"programme": w.programme},
        )
        return [day, _missing(day, day="2031-01-02")]
    if params == ["name"]:
        return [Binding("england-and-wales", {"name": "england-and-wales"})]
    if params == ["code"]:
        c = Binding("large", {"code": "large"}, (w.constituency,), {"obj": w.constituency})
        return [c, _missing(c, code="nope")]
    if params == ["acronym"]:
        groups = _by_key(
            w.groups, lambda k, g: Binding(k, {"acronym": g.acronym}, (g,), {"group": g})
        )
        return [*groups, _missing(groups[0], acronym="NOPE")]
    if params == ["meeting_id"]:
        if "/headline-report" in path:
            found = [
                Binding(k, {"meeting_id": r.meeting_id}, (r.meeting, r), {"report": r})
                for k, r in w.reports.items()
            ]
            return [*found, _missing(found[0], meeting_id=MISSING_ID)]
        found = _by_key(w.meetings, meeting)
        return [*found, _missing(found[0], meeting_id=MISSING_ID)]
    if params == ["meeting_id", "item_id"]:
        found = [
            Binding(k, {"meeting_id": i.meeting_id, "item_id": i.pk}, (i,), {"item": i})
            for k, i in w.agenda.items()
        ]
        cross = replace(
            found[0], label="cross", params={**found[0].params, "meeting_id": w.meetings["dag"].pk}
        )
        return [*found, replace(cross, missing=True), _missing(found[0], item_id=MISSING_ID)]
    if params == ["meeting_id", "paper_id"]:
        found = [
            Binding(k, {"meeting_id": p.meeting_id, "paper_id": p.pk}, (p,), {"paper": p})
            for k, p in w.papers.items()
        ]
        cross = replace(
            found[0], label="cross", params={**found[0].params, "meeting_id": w.meetings["dag"].pk}
        )
        return [*found, replace(cross, missing=True), _missing(found[0], paper_id=MISSING_ID)]
    if params == ["meeting_id", "person_id"]:
        found = [
            Binding(
                k,
                {"meeting_id": a.meeting_id, "person_id": a.person_id},
                (a.meeting,),
                {"meeting": a.meeting, "attendance": a},
            )
            for k, a in w.attendance.items()
        ]
        return [*found, _missing(found[0], person_id=MISSING_ID)]
    if params == ["meeting_id", "amendment_id"]:
        found = [
            Binding(
                k,
                {"meeting_id": a.report.meeting_id, "amendment_id": a.pk},
                (a,),
                {"amendment": a, "report": a.report},
            )
            for k, a in w.amendments.items()
        ]
        cross = replace(
            found[0],
            label="cross",
            params={**found[0].params, "meeting_id": w.meetings["sec"].pk},
            missing=True,
        )
        return [*found, cross, _missing(found[0], amendment_id=MISSING_ID)]
    if params == ["ref"]:  # the logs: actions, decisions, escalations, appeals
        logs = {
            "/decisions/": (w.decisions, "decision"),
            "/escalations/": (w.escalations, "escalation"),
            "/appeals/": (w.appeals, "appeal"),
        }
        objects, name = next((v for k, v in logs.items() if k in path), (w.actions, "action"))
        found = _by_key(objects, lambda k, o: Binding(k, {"ref": o.ref}, (o,), {name: o}))
        return [*found, _missing(found[0], ref="NOPE99-01")]
    if params == ["ref", "condition_id"]:
        return _condition_bindings(w)
    if params == ["item_id"]:  # the forward look
        found = _by_key(w.forward, lambda k, i: Binding(k, {"item_id": i.pk}, (i,), {"item": i}))
        return [*found, _missing(found[0], item_id=MISSING_ID)]
    single = {
        "membership_id": w.memberships,
        "organisation_id": {"octopus": w.organisation},
        "person_id": w.people,
        "token_id": w.tokens,
    }
    if len(params) == 1 and params[0] in single:
        name = params[0]
        found = _by_key(single[name], lambda k, o: Binding(k, {name: o.pk}, (o,), {"obj": o}))
        return [*found, _missing(found[0], **{name: MISSING_ID})]
    raise LookupError(f"no bindings for {path}")


# Query parameters a GET needs (required ones) or that make it read everything.
QUERIES: dict[str, Callable[[World, Binding], dict[str, Any]]] = {
    "/api/v1/audit": lambda w, b: {"limit": 1000},
    "/api/v1/calendars/{name}/add": lambda w, b: {"date": "2031-03-05", "days": 5},
    "/api/v1/calendars/{name}/count": lambda w, b: {"start": "2031-03-01", "end": "2031-04-01"},
    "/api/v1/calendars/{name}/holidays": lambda w, b: {"year": 2031, "programme": "mhhs"},
    "/api/v1/calendars/{name}/working-day": lambda w, b: {"date": "2031-03-05"},
    "/api/v1/meetings/forward-look": lambda w, b: {"group": b.params["acronym"]},
    "/api/v1/meetings": lambda w, b: {"start": "2030-01-01", "end": "2032-12-31"},
    "/api/v1/meetings/clashes": lambda w, b: {"start": "2031-01-01", "end": "2032-06-30"},
    "/api/v1/meetings/feed-tokens": lambda w, b: {"person": b.on["obj"].pk},
    "/api/v1/groups/{acronym}/members": lambda w, b: {"include_past": True},
}

# GET operations whose object comes in the query, not the path.
QUERY_BINDINGS: dict[str, Callable[[World], list[Binding]]] = {
    "/api/v1/meetings/forward-look": lambda w: api_bindings(w, "/{acronym}"),
    "/api/v1/meetings/feed-tokens": lambda w: [
        Binding(k, {}, (p,), {"obj": p}) for k, p in w.people.items()
    ],
}

# Answers a visible binding may also get, besides 200: the feed links of a person are
# theirs and the staff's (401 signed out, 403 someone else's, 422 a login with no person);
# amendment requests are for participants (401 signed out).
READ_ALSO: dict[str, set[int]] = {
    "/api/v1/meetings/feed-tokens": {401, 403, 422},
    "/api/v1/meetings/{meeting_id}/headline-report/amendments": {401},
}

# Reads that need more than seeing the object: the action of the table they ask, and on
# what (who is named on a paper is for those who manage it).
READ_NEEDS: dict[str, tuple[str, Callable[[World, Binding], Any]]] = {
    "/api/v1/meetings/{meeting_id}/papers/{paper_id}/named-readers": (
        "change",
        lambda w, b: b.on.get("paper"),
    ),
}


# --- the writes: which action of the table each write asks, its body and its version -------


@dataclass(frozen=True)
class Multipart:
    """A multipart/form-data body (a file upload)."""

    data: dict[str, Any]


@dataclass(frozen=True)
class Write:
    """A write operation in the policy's words: `action` on `target(world, binding)`; the
    body to send; `versioned`: the object whose version goes in `If-Match` (None: no
    If-Match, the write is not versioned); `bindings` replaces the path's bindings (writes
    whose object is named in the body)."""

    action: str
    target: Callable[[World, Binding], Any]
    body: Callable[[World, Binding], Any] = lambda w, b: None
    versioned: Callable[[World, Binding], Any] | None = None
    bindings: Callable[[World], list[Binding]] | None = None


def _on(name: str) -> Callable[[World, Binding], Any]:
    return lambda w, b: b.on.get(name)


def _group_bindings(w: World) -> list[Binding]:
    """The groups, named in the body (`b.params["acronym"]`), and a missing one."""
    return api_bindings(w, "/{acronym}")


def _person_bindings(w: World) -> list[Binding]:
    found = [
        Binding(k, {"person": p.pk}, (p,), {"obj": p})
        for k, p in w.people.items()
        if k in ("rep", "other")
    ]
    return [*found, _missing(found[0], person=MISSING_ID)]


def _move_body(w: World, b: Binding) -> dict[str, Any]:
    m = b.on.get("meeting") or w.meetings["psg"]
    start = m.start.replace(hour=14)
    return {"start": start.isoformat(), "end": start.replace(hour=15).isoformat(), "note": "x"}


def _reorder_body(w: World, b: Binding) -> dict[str, Any]:
    m = b.on.get("meeting") or w.meetings["psg"]
    return {"items": list(reversed(list(m.agenda_items.values_list("pk", flat=True))))}


def _upload(w: World, b: Binding) -> Multipart:
    return Multipart(
        {
            "file": SimpleUploadedFile("notes.txt", b"Notes of the meeting.\n", "text/plain"),
            "title": "Uploaded notes",
            "classification": "public",
        }
    )


def _programme(cls: type[Model]) -> Callable[[World, Binding], Any]:
    return lambda w, b: cls(programme=w.programme)


API_WRITES: dict[tuple[str, str], Write] = {
    ("POST", "/api/v1/actions"): Write(
        "create",
        lambda w, b: Action(group=b.on["group"], programme=w.programme),
        lambda w, b: {
            "group": b.params["acronym"],
            "description": "Raised",
            "owner": "Octopus Energy",
            "due_text": "At the next meeting",
        },
        bindings=_group_bindings,
    ),
    # A dry run (the default): the report, nothing written.
    ("POST", "/api/v1/actions/import"): Write(
        "create",
        lambda w, b: Action(group=w.groups["psg"], programme=w.programme),
        lambda w, b: Multipart(
            {"file": SimpleUploadedFile("log.csv", b"Ref,Action,Owner\nPSG01-02,x,Ofgem\n")}
        ),
    ),
    ("POST", "/api/v1/governance/route-decision"): Write(
        "view",
        _on("group"),
        lambda w, b: {"group": b.params["acronym"], "subject_type": "programme"},
        bindings=_group_bindings,
    ),
    ("POST", "/api/v1/decisions"): Write(
        "create",
        lambda w, b: Decision(group=b.on["group"], programme=w.programme),
        lambda w, b: {
            "group": b.params["acronym"],
            "made_how": "chair",
            "subject": "Referred",
            "subject_type": "programme",
            "outcome": "referred",
        },
        bindings=_group_bindings,
    ),
    # From each group to PSG: formal, so only the groups whose parent is PSG may.
    ("POST", "/api/v1/escalations"): Write(
        "create",
        lambda w, b: Escalation(from_group=b.on["group"], to_group=w.groups["psg"]),
        lambda w, b: {
            "from_group": b.params["acronym"],
            "to_group": "PSG",
            "subject": "s",
            "context": "c",
            "rationale": "r",
            "impact": "i",
        },
        bindings=_group_bindings,
    ),
    ("POST", "/api/v1/escalations/{ref}/escalate"): Write(
        "escalate", _on("escalation"), lambda w, b: {"rationale": "Higher"}, _on("escalation")
    ),
    ("POST", "/api/v1/escalations/{ref}/answer"): Write(
        "answer", _on("escalation"), lambda w, b: {"outcome": "Answered"}, _on("escalation")
    ),
    ("PATCH", "/api/v1/governance/rules"): Write(
        "change", lambda w, b: w.rules, lambda w, b: {"via": "the IPA"}, lambda w, b: w.rules
    ),
    ("POST", "/api/v1/decisions/{ref}/publish"): Write(
        "change", _on("decision"), lambda w, b: {}, _on("decision")
    ),
    ("POST", "/api/v1/decisions/{ref}/conditions/{condition_id}"): Write(
        "change", _on("decision"), lambda w, b: {"status": "met"}, _on("decision")
    ),
    ("POST", "/api/v1/appeals"): Write(
        "create",
        lambda w, b: Appeal(decision=b.on["decision"], programme=w.programme),
        lambda w, b: {"decision": b.params["ref"], "grounds": "Unfair", "appellant": "Us"},
        bindings=lambda w: api_bindings(w, "/api/v1/decisions/{ref}"),
    ),
    ("POST", "/api/v1/appeals/{ref}/decision"): Write(
        "decide",
        _on("appeal"),
        lambda w, b: {"result": "dismissed", "ipa_decision": "Final"},
        _on("appeal"),
    ),
    ("PATCH", "/api/v1/actions/{ref}"): Write(
        "change", _on("action"), lambda w, b: {"description": "Corrected"}, _on("action")
    ),
    ("POST", "/api/v1/actions/{ref}/updates"): Write(
        "post_update", _on("action"), lambda w, b: {"text": "Progress"}, _on("action")
    ),
    # PSG's action is recommended for closure and PSG's held meeting can confirm it; the
    # others answer 422 to those allowed (they are not recommended for closure).
    ("POST", "/api/v1/actions/{ref}/closure"): Write(
        "confirm_closure",
        _on("action"),
        lambda w, b: {"meeting_id": w.meetings["psg"].pk},
        _on("action"),
    ),
    ("POST", "/api/v1/actions/{ref}/keep-open"): Write(
        "confirm_closure", _on("action"), lambda w, b: {"note": "Not yet"}, _on("action")
    ),
    ("POST", "/api/v1/actions/{ref}/cancel"): Write(
        "cancel", _on("action"), lambda w, b: {"reason": "Not needed"}, _on("action")
    ),
    ("POST", "/api/v1/calendars/programmes/{slug}/closure-days"): Write(
        "create", _programme(ClosureDay), lambda w, b: {"date": "2031-12-30", "name": "Extra"}
    ),
    ("DELETE", "/api/v1/calendars/programmes/{slug}/closure-days/{day}"): Write(
        "delete", _programme(ClosureDay)
    ),
    ("PATCH", "/api/v1/constituencies/{code}"): Write(
        "change", _on("obj"), lambda w, b: {"name": "Large Suppliers"}, _on("obj")
    ),
    ("POST", "/api/v1/groups"): Write(
        "create",
        _programme(GovernanceGroup),
        lambda w, b: {"acronym": "NEWG", "name": "New Group", "level": 4, "parent": "PSG"},
    ),
    ("PATCH", "/api/v1/groups/{acronym}"): Write(
        "change", _on("group"), lambda w, b: {"purpose": "Changed"}, _on("group")
    ),
    ("POST", "/api/v1/groups/{acronym}/members"): Write(
        "create",
        lambda w, b: Membership(group=b.on.get("group"), person=w.people["chair"]),
        lambda w, b: {
            "person_id": w.people["chair"].pk,
            "role": "observer",
            "start_date": "2024-01-01",
        },
    ),
    ("POST", "/api/v1/meetings/extraordinary"): Write(
        "create",
        lambda w, b: Meeting(group=b.on["group"]),
        lambda w, b: {
            "group": b.params["acronym"],
            "start": "2031-07-01T10:00:00+01:00",
            "end": "2031-07-01T11:00:00+01:00",
            "title": "Extra",
        },
        bindings=_group_bindings,
    ),
    ("POST", "/api/v1/meetings/feed-tokens"): Write(
        "manage_feed_tokens",
        _on("obj"),
        lambda w, b: {"person": b.params["person"]},
        bindings=_person_bindings,
    ),
    ("DELETE", "/api/v1/meetings/feed-tokens/{token_id}"): Write("revoke", _on("obj")),
    ("POST", "/api/v1/meetings/forward-look"): Write(
        "plan_agenda",
        _on("group"),
        lambda w, b: {"group": b.params["acronym"], "title": "Planned"},
        bindings=_group_bindings,
    ),
    ("DELETE", "/api/v1/meetings/forward-look/{item_id}"): Write(
        "delete", _on("item"), versioned=_on("item")
    ),
    ("PATCH", "/api/v1/meetings/forward-look/{item_id}"): Write(
        "change", _on("item"), lambda w, b: {"title": "Renamed"}, _on("item")
    ),
    ("POST", "/api/v1/meetings/forward-look/{item_id}/schedule"): Write(
        "schedule", _on("item"), versioned=_on("item")
    ),
    ("POST", "/api/v1/meetings/generate/{acronym}"): Write(
        "generate_meetings", _on("group"), lambda w, b: {"until": "2031-06-30"}
    ),
    ("PATCH", "/api/v1/meetings/{meeting_id}"): Write(
        "change", _on("meeting"), lambda w, b: {"location": "Room 2"}, _on("meeting")
    ),
    ("POST", "/api/v1/meetings/{meeting_id}/agenda"): Write(
        "edit_agenda", _on("meeting"), lambda w, b: {"title": "New item"}
    ),
    ("POST", "/api/v1/meetings/{meeting_id}/agenda/reorder"): Write(
        "edit_agenda", _on("meeting"), _reorder_body
    ),
    ("DELETE", "/api/v1/meetings/{meeting_id}/agenda/{item_id}"): Write(
        "delete", _on("item"), versioned=_on("item")
    ),
    ("PATCH", "/api/v1/meetings/{meeting_id}/agenda/{item_id}"): Write(
        "change", _on("item"), lambda w, b: {"title": "Renamed"}, _on("item")
    ),
    ("POST", "/api/v1/meetings/{meeting_id}/agenda/{item_id}/carry"): Write(
        "carry", _on("item"), versioned=_on("item")
    ),
    ("POST", "/api/v1/meetings/{meeting_id}/agenda/{item_id}/move"): Write(
        "move", _on("item"), lambda w, b: {"position": 2}, _on("item")
    ),
    ("POST", "/api/v1/meetings/{meeting_id}/attendance/invitations"): Write(
        "record_attendance", _on("meeting")
    ),
    ("PUT", "/api/v1/meetings/{meeting_id}/attendance/{person_id}"): Write(
        "record_attendance", _on("meeting"), lambda w, b: {"status": "present"}, _on("attendance")
    ),
    ("POST", "/api/v1/meetings/{meeting_id}/cancel"): Write(
        "cancel", _on("meeting"), lambda w, b: {"note": "x"}, _on("meeting")
    ),
    # Allowed callers get 400 here: none of the world's meetings is cancelled.
    ("POST", "/api/v1/meetings/{meeting_id}/reinstate"): Write(
        "reinstate", _on("meeting"), lambda w, b: {"note": "x"}, _on("meeting")
    ),
    ("POST", "/api/v1/meetings/{meeting_id}/confirm"): Write(
        "confirm", _on("meeting"), versioned=_on("meeting")
    ),
    ("POST", "/api/v1/meetings/{meeting_id}/held"): Write(
        "mark_held", _on("meeting"), lambda w, b: {}, _on("meeting")
    ),
    ("POST", "/api/v1/meetings/{meeting_id}/move"): Write(
        "move", _on("meeting"), _move_body, _on("meeting")
    ),
    ("PATCH", "/api/v1/meetings/{meeting_id}/headline-report"): Write(
        "change", _on("report"), lambda w, b: {"body": "New body"}, _on("report")
    ),
    ("POST", "/api/v1/meetings/{meeting_id}/headline-report/publish"): Write(
        "publish", _on("report"), versioned=_on("report")
    ),
    ("POST", "/api/v1/meetings/{meeting_id}/headline-report/amendments"): Write(
        "request_amendment", _on("report"), lambda w, b: {"text": "Please record it."}
    ),
    ("POST", "/api/v1/meetings/{meeting_id}/headline-report/amendments/{amendment_id}/answer"): (
        Write(
            "answer",
            _on("amendment"),
            lambda w, b: {"response": "Done", "close": True},
            _on("amendment"),
        )
    ),
    ("POST", "/api/v1/meetings/{meeting_id}/papers"): Write(
        "upload_paper", _on("meeting"), _upload
    ),
    ("DELETE", "/api/v1/meetings/{meeting_id}/papers/{paper_id}"): Write(
        "delete", _on("paper"), versioned=_on("paper")
    ),
    ("PATCH", "/api/v1/meetings/{meeting_id}/papers/{paper_id}"): Write(
        "change", _on("paper"), lambda w, b: {"title": "Renamed"}, _on("paper")
    ),
    ("POST", "/api/v1/meetings/{meeting_id}/papers/{paper_id}/publish"): Write(
        "publish", _on("paper"), versioned=_on("paper")
    ),
    ("PUT", "/api/v1/meetings/{meeting_id}/papers/{paper_id}/named-readers"): Write(
        "change",
        _on("paper"),
        lambda w, b: {"people": [w.people["rep"].pk]},
        _on("paper"),
    ),
    ("DELETE", "/api/v1/memberships/{membership_id}"): Write(
        "delete", _on("obj"), versioned=_on("obj")
    ),
    ("PATCH", "/api/v1/memberships/{membership_id}"): Write(
        "change", _on("obj"), lambda w, b: {"end_date": "2031-12-31"}, _on("obj")
    ),
    ("POST", "/api/v1/organisations"): Write(
        "create", _programme(Organisation), lambda w, b: {"name": "New Org"}
    ),
    ("PATCH", "/api/v1/organisations/{organisation_id}"): Write(
        "change", _on("obj"), lambda w, b: {"short_name": "OE"}, _on("obj")
    ),
    ("POST", "/api/v1/people"): Write("create", _programme(Person), lambda w, b: {"name": "New"}),
    ("PATCH", "/api/v1/people/{person_id}"): Write(
        "change", _on("obj"), lambda w, b: {"job_title": "Lead"}, _on("obj")
    ),
}


# --- the pages ---------------------------------------------------------------------------


def page_bindings(w: World, name: str, params: list[str]) -> list[Binding]:
    """The bindings of a page by its URL name (`meetings:agenda_edit`) and kwargs."""
    if not params:
        return [Binding("-")]
    if name in ("meetings:paper_publish", "meetings:paper_download"):
        found = _by_key(w.papers, lambda k, p: Binding(k, {"pk": p.pk}, (p,), {"paper": p}))
        return [*found, _missing(found[0], pk=MISSING_ID)]
    if params == ["ref", "condition_id"]:
        return _condition_bindings(w)
    if name == "meetings:forward_look_schedule":
        found = _by_key(w.forward, lambda k, i: Binding(k, {"pk": i.pk}, (i,), {"item": i}))
        return [*found, _missing(found[0], pk=MISSING_ID)]
    if params == ["item_pk"]:
        found = _by_key(w.agenda, lambda k, i: Binding(k, {"item_pk": i.pk}, (i,), {"item": i}))
        return [*found, _missing(found[0], item_pk=MISSING_ID)]
    if params == ["pk", "aid"]:
        found = [
            Binding(
                k,
                {"pk": a.report.meeting_id, "aid": a.pk},
                (a,),
                {"amendment": a, "report": a.report},
            )
            for k, a in w.amendments.items()
        ]
        return [*found, _missing(found[0], aid=MISSING_ID)]
    if name in (
        "meetings:headline_report",
        "meetings:publish_headline_report",
        "meetings:request_amendment",
    ):
        found = [
            Binding(k, {"pk": r.meeting_id}, (r.meeting,), {"meeting": r.meeting, "report": r})
            for k, r in w.reports.items()
        ]
        return [*found, _missing(found[0], pk=MISSING_ID)]
    if name == "governance:seat_edit":
        found = [
            Binding(
                k, {"acronym": seat.group.acronym, "pk": seat.pk}, (seat.group,), {"seat": seat}
            )
            for k, seat in w.seats.items()
        ]
        return [*found, _missing(found[0], pk=MISSING_ID)]
    if name in (
        "governance:membership_edit",
        "governance:membership_end",
        "governance:membership_remove",
    ):
        found = [
            Binding(k, {"acronym": m.group.acronym, "pk": m.pk}, (m.group,), {"membership": m})
            for k, m in w.memberships.items()
        ]
        return [*found, _missing(found[0], pk=MISSING_ID)]
    if name == "governance:constituency_edit":
        c = Binding("constituency", {"code": w.constituency.code}, (), {"obj": w.constituency})
        return [c, _missing(c, code="nope")]
    if name in ("governance:person", "governance:person_login", "governance:person_edit"):
        found = _by_key(w.people, lambda k, p: Binding(k, {"pk": p.pk}, (p,), {"obj": p}))
        return [*found, _missing(found[0], pk=MISSING_ID)]
    if name in ("governance:organisation", "governance:organisation_edit"):
        o = Binding(
            "octopus", {"pk": w.organisation.pk}, (w.organisation,), {"obj": w.organisation}
        )
        return [o, _missing(o, pk=MISSING_ID)]
    if params == ["pk"]:
        found = _by_key(w.meetings, lambda k, m: Binding(k, {"pk": m.pk}, (m,), {"meeting": m}))
        if name in PAGE_WRITES:
            # A meeting's forms: RST's meeting is hidden from the same readers as HID's
            # (nobody in the world is a member of either), so HID's stands for both.
            found = [b for b in found if b.label != "rst"]
        return [*found, _missing(found[0], pk=MISSING_ID)]
    if params == ["ref"]:
        objects, key = w.actions, "action"
        if name in ("decisions:decision", "decisions:lodge_appeal", "decisions:publish"):
            objects, key = w.decisions, "decision"
        elif name.startswith("decisions:") and "escalat" in name:
            objects, key = w.escalations, "escalation"
        elif name == "decisions:decide_appeal":
            objects, key = w.appeals, "appeal"
        found = _by_key(objects, lambda k, o: Binding(k, {"ref": o.ref}, (o,), {key: o}))
        if name in ACTION_FORMS:
            # The forms on one action treat every action alike: PSG's (public, owned by
            # the rep's organisation, recommended for closure), SEC's (participants only)
            # and HID's (hidden) cover what the policy tells apart; DAG's (a person owns
            # it) is read by the action page and the API.
            found = [b for b in found if b.label in ("psg", "sec", "hid")]
        return [*found, _missing(found[0], ref="NOPE99-01")]
    if params == ["acronym"]:
        groups = _by_key(
            w.groups, lambda k, g: Binding(k, {"acronym": g.acronym}, (g,), {"group": g})
        )
        if name in STRUCTURE_FORMS:
            # The structure forms treat every group alike: a public one, a participants-only
            # one, a hidden one and a missing one cover what the policy tells apart.
            groups = [b for b in groups if b.label in ("psg", "sec", "hid")]
        return [*groups, _missing(groups[0], acronym="NOPE")]
    if params == ["acronym", "version"]:
        found = [
            Binding(k, {"acronym": t.group.acronym, "version": t.version_number}, (t,))
            for k, t in w.terms.items()
        ]
        return [*found, _missing(found[0], version="7.7")]
    if params == ["acronym", "number"]:
        found = [
            Binding(k, {"acronym": m.group.acronym, "number": str(m.number_major)}, (m,))
            for k, m in w.meetings.items()
        ]
        return [*found, _missing(found[0], number="999")]
    if params == ["job"]:
        # An import's progress is its importer's; an unknown one is missing to everyone.
        return [Binding("nope", {"job": "nope"}, missing=True)]
    if params == ["uidb64", "token"]:
        # A reset link that is no longer (or never was) valid: it says so, to anyone.
        return [Binding("expired", {"uidb64": "MQ", "token": "c0ffee-0123456789abcdef"})]
    if params == ["token"]:
        # A feed URL is its owner's capability: whoever holds it reads the owner's feed.
        found = [Binding(k, {"token": raw}) for k, raw in w.raw_tokens.items()]
        return [*found, _missing(found[0], token="pgvf_nope")]  # noqa: S106
    raise LookupError(f"no bindings for page {name}")


# Further reads of a page: its tabs, and searches that would find hidden objects (by a
# part of their markers, so the echoed query is no marker itself).
SEARCHES = ["q=ZQ", "q=IDG", "q=STG", "q=ECG", "q=example.org"]
PAGE_QUERIES: dict[str, list[str]] = {
    "governance:group": ["tab=members", "tab=terms", "tab=history"],
    "governance:person": ["tab=history"],
    "governance:organisation": ["tab=history"],
    "governance:search": SEARCHES,
    "governance:group_list": SEARCHES,
    "governance:people": SEARCHES,
    "governance:organisations": SEARCHES,
    "actions:log": [*SEARCHES, "group=HIDG", "status=all", "overdue=on"],
    "decisions:log": [*SEARCHES, "group=HIDG"],
}

# The secretariat's structure forms on one group (governance/views/maintain.py).
STRUCTURE_FORMS = {
    "governance:group_edit",
    "governance:group_restructure",
    "governance:terms_create",
    "governance:terms_preview",
    "governance:terms_compare",
    "governance:seat_create",
    "governance:membership_create",
    "actions:new",
    "decisions:record",
    "decisions:raise_escalation",
}

# The action log's forms on one action (actions/views.py).
ACTION_FORMS = {
    "actions:edit",
    "actions:update",
    "actions:closure",
    "actions:keep_open",
    "actions:cancel",
}

# Page writes (form POSTs) in the policy's words; None: the POST is no domain write.
PAGE_WRITES: dict[str, tuple[str, Callable[[World, Binding], Any]] | None] = {
    "accounts:login": None,
    "accounts:logout": None,
    # Password reset by e-mail: anyone may ask, and the link itself is the credential.
    "accounts:password_reset": None,
    "accounts:password_reset_confirm": None,
    # Unlocking a login paused after failed sign-ins (the login is named in the form).
    "accounts:unlock": ("unlock", lambda w, b: w.users["pmo"]),
    "meetings:meeting_confirm": ("confirm", _on("meeting")),
    "meetings:meeting_move": ("move", _on("meeting")),
    "meetings:meeting_cancel": ("cancel", _on("meeting")),
    "meetings:meeting_reinstate": ("reinstate", _on("meeting")),
    # The bulk form: whoever may mark PSG's meetings held may post it.
    "meetings:not_held": ("mark_held", lambda w, b: w.meetings["psg"]),
    "meetings:meeting_held": ("mark_held", _on("meeting")),
    "meetings:meeting_recording": ("change", _on("meeting")),
    "meetings:group_calendar": ("generate_meetings", _on("group")),
    "meetings:agenda_add": ("edit_agenda", _on("meeting")),
    "meetings:agenda_edit": ("change", _on("item")),
    "meetings:agenda_move": ("move", _on("item")),
    "meetings:agenda_remove": ("delete", _on("item")),
    "meetings:agenda_restore": ("edit_agenda", _on("meeting")),
    "meetings:agenda_carry": ("carry", _on("item")),
    "meetings:paper_upload": ("upload_paper", _on("meeting")),
    "meetings:paper_publish": ("publish", _on("paper")),
    "meetings:forward_look_schedule": ("schedule", _on("item")),
    "meetings:issue_invitations": ("record_attendance", _on("meeting")),
    "meetings:record_register": ("record_attendance", _on("meeting")),
    "meetings:add_attendee": ("record_attendance", _on("meeting")),
    "meetings:attendance": ("record_attendance", _on("meeting")),
    "meetings:headline_report": ("change", _on("report")),
    "meetings:publish_headline_report": ("publish", _on("report")),
    "meetings:request_amendment": ("request_amendment", _on("report")),
    "meetings:answer_amendment": ("answer", _on("amendment")),
    "governance:person_login": ("link_login", _on("obj")),
    # The secretariat's structure forms (governance/views/maintain.py).
    "governance:group_create": ("create", lambda w, b: GovernanceGroup(programme=w.programme)),
    "governance:group_edit": ("change", _on("group")),
    "governance:group_restructure": ("restructure", _on("group")),
    "governance:terms_create": ("create", lambda w, b: TermsOfReference(group=b.on["group"])),
    "governance:terms_preview": ("create", lambda w, b: TermsOfReference(group=b.on["group"])),
    "governance:seat_create": ("create", lambda w, b: Seat(group=b.on["group"])),
    "governance:seat_edit": ("change", _on("seat")),
    "governance:membership_create": ("create", lambda w, b: Membership(group=b.on["group"])),
    "governance:membership_edit": ("change", _on("membership")),
    "governance:membership_end": ("change", _on("membership")),
    "governance:membership_remove": ("delete", _on("membership")),
    "governance:person_create": ("create", lambda w, b: Person(programme=w.programme)),
    "governance:person_edit": ("change", _on("obj")),
    "governance:organisation_create": (
        "create",
        lambda w, b: Organisation(programme=w.programme),
    ),
    "governance:organisation_edit": ("change", _on("obj")),
    "governance:constituency_create": (
        "create",
        lambda w, b: Constituency(programme=w.programme),
    ),
    "governance:constituency_edit": ("change", _on("obj")),
    # The action log (actions/views.py).
    "actions:new": ("create", lambda w, b: Action(group=b.on["group"], programme=w.programme)),
    "actions:edit": ("change", _on("action")),
    "actions:update": ("post_update", _on("action")),
    "actions:closure": ("confirm_closure", _on("action")),
    "actions:keep_open": ("confirm_closure", _on("action")),
    "actions:cancel": ("cancel", _on("action")),
    "actions:import": ("create", lambda w, b: Action(group=w.groups["psg"], programme=w.programme)),
    # The decision log (decisions/views.py).
    "decisions:record": (
        "create",
        lambda w, b: Decision(group=b.on["group"], programme=w.programme),
    ),
    "decisions:raise_escalation": (
        "create",
        lambda w, b: Escalation(from_group=b.on["group"], to_group=b.on["group"]),
    ),
    "decisions:escalate_further": ("escalate", _on("escalation")),
    "decisions:answer_escalation": ("answer", _on("escalation")),
    "decisions:lodge_appeal": (
        "create",
        lambda w, b: Appeal(decision=b.on["decision"], programme=w.programme),
    ),
    "decisions:decide_appeal": ("decide", _on("appeal")),
    "decisions:publish": ("change", _on("decision")),
    "decisions:condition": ("change", _on("decision")),
    "decisions:edit_rules": ("change", lambda w, b: w.rules),
    "decisions:edit_delegation": ("change", lambda w, b: w.rules),
}


def page_patterns() -> list[tuple[str, list[str]]]:
    """Every page URL name (namespaced) and its kwargs: all of the resolver but the API
    and Django's admin."""
    found: list[tuple[str, list[str]]] = []

    def walk(resolver: URLResolver, namespace: str) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern) in ("api/v1/", "admin/"):
                    continue
                walk(p, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                found.append((f"{namespace}:{p.name}", list(p.pattern.regex.groupindex)))

    walk(get_resolver(), "")
    return found


def api_operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return sorted((method.upper(), path) for path, ops in schema["paths"].items() for method in ops)


# --- the run ------------------------------------------------------------------------------


@dataclass
class Matrix:
    world: World
    client: Client
    problems: list[str] = field(default_factory=list)
    calls: int = 0
    served_from_cache: int = 0
    bodies_checked: int = 0
    succeeded: set[str] = field(default_factory=set)
    hidden_markers: dict[str, list[tuple[str, re.Pattern[str]]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for role in ROLES:
            user = self.world.users[role]
            self.hidden_markers[role] = [
                (marker, re.compile(rf"(?<![\w-]){re.escape(marker)}(?![\w-])"))
                for obj, marker in self.world.markers
                if not access.may_view(user=user, obj=type(obj)._default_manager.get(pk=obj.pk))
            ]
            bearer(user, self.client)  # issue the tokens before any audit head is read
            if access.is_signed_in(user):
                # One session per role, made outside the calls' rolled-back savepoints.
                sign_in(self.client, user)

    def problem(self, role: str, what: str, message: str) -> None:
        self.problems.append(f"{role:9} {what}: {message}")

    def revalidate(
        self, role: str, what: str, response: HttpResponse, again: Callable[[str], HttpResponse]
    ) -> None:
        """A 200 read carries an ETag, and asking again with it answers 304 (no body)."""
        etag = response.get("ETag")
        if not etag:
            self.problem(role, what, "200 without an ETag")
            return
        self.calls += 1
        second = again(etag)
        if second.status_code != 304 or second.content:
            self.problem(role, what, f"{second.status_code} to If-None-Match {etag}, not 304")
        elif second.get("ETag") != etag:
            self.problem(role, what, f"304 names {second.get('ETag')}, not {etag}")

    def check_body(self, role: str, what: str, response: HttpResponse) -> None:
        """No hidden marker in the answer (but a refusal may repeat what the caller asked
        for: "No group HIDG." answers a missing HIDG alike), no e-mail for the public."""
        self.bodies_checked += 1
        if response.get("X-Read-Cache") == "hit":
            self.served_from_cache += 1
        if getattr(response, "streaming", False):
            body = b"".join(response.streaming_content).decode(errors="replace")  # type: ignore[attr-defined]
        else:
            body = response.content.decode(errors="replace")
        for marker, pattern in self.hidden_markers[role]:
            if response.status_code >= 400 and marker in what:
                continue
            if pattern.search(body):
                self.problem(role, what, f"shows hidden {marker!r}")
        if role in ("anonymous", "public") and (found := EMAIL.search(body)):
            self.problem(role, what, f"shows an e-mail address {found.group()!r}")


def _refetch_api(client: Client, url: str, query: Any, user: Any, etag: str) -> HttpResponse:
    return api_call(client, "GET", url, query, user=user, HTTP_IF_NONE_MATCH=etag)


def _given(response: HttpResponse, etag: str) -> HttpResponse:
    return response


def _refetch_page(client: Client, url: str, user: Any, etag: str) -> HttpResponse:
    return page_call(client, "GET", url, user=user, HTTP_IF_NONE_MATCH=etag)


def _api_url(path: str, params: dict[str, Any]) -> str:
    return path.format(**params)


def _call_api(
    m: Matrix, method: str, url: str, body: Any, user: Any, if_match: int | None, query: Any
) -> HttpResponse:
    m.calls += 1
    sign_out(m.client)  # API callers are their bearer token (or anonymous), no session
    if isinstance(body, Multipart):
        headers = bearer(user, m.client)
        if if_match is not None:
            headers["HTTP_IF_MATCH"] = f'"{if_match}"'
        return cast(HttpResponse, cast(Any, m.client).post(url, body.data, **headers))
    if method == "GET":
        return api_call(m.client, "GET", url, query, user=user)
    return api_call(m.client, method, url, body, user=user, if_match=if_match)


def run_api_reads(m: Matrix, *, revalidate: bool = False) -> None:
    w = m.world
    for method, path in api_operations():
        if method != "GET":
            continue
        by_query = QUERY_BINDINGS.get(path)
        bindings = by_query(w) if by_query else api_bindings(w, path)
        for role in ROLES:
            user = w.users[role]
            missing_status: int | None = None
            for b in sorted(bindings, key=lambda b: not b.missing):
                url = _api_url(path, b.params)
                query = QUERIES.get(path, lambda w, b: {})(w, b)
                what = f"GET {url}?{urlencode(query)} [{b.label}]"
                response = _call_api(m, "GET", url, None, user, None, query)
                status = response.status_code
                if status >= 500:
                    m.problem(role, what, f"{status}")
                    continue
                if b.missing:
                    missing_status = status
                    if status != 404:
                        m.problem(role, what, f"{status} for a missing object, expected 404")
                elif b.visible_to(user) and path in READ_NEEDS:
                    action, target = READ_NEEDS[path]
                    if access.allowed(user=user, action=action, obj=target(w, b)):
                        if status != 200:
                            m.problem(role, what, f"{status}, expected 200 ({action} allowed)")
                    elif status not in (401, 403):
                        m.problem(role, what, f"{status}, expected 401/403 (no {action})")
                elif b.visible_to(user):
                    if status != 200 and status not in READ_ALSO.get(path, set()):
                        m.problem(role, what, f"{status}, expected 200 (visible)")
                elif status != 404 or status != missing_status:
                    m.problem(role, what, f"{status} for a hidden object, expected 404")
                m.check_body(role, what, response)
                if revalidate and status == 200:
                    m.revalidate(
                        role,
                        what,
                        response,
                        partial(_refetch_api, m.client, url, query, user),
                    )


def run_api_writes(m: Matrix, *, roles: Sequence[str] = ROLES) -> None:
    w = m.world
    for method, path in api_operations():
        if method not in WRITE_METHODS:
            continue
        spec = API_WRITES[(method, path)]
        bindings = spec.bindings(w) if spec.bindings else api_bindings(w, path)
        for role in roles:
            user = w.users[role]
            missing_status: int | None = None
            for b in sorted(bindings, key=lambda b: not b.missing):
                url = _api_url(path, b.params)
                what = f"{method} {url} [{b.label}]"
                version_obj = spec.versioned(w, b) if spec.versioned else None
                version = version_obj.version if version_obj is not None else None
                permitted = (
                    not b.missing
                    and b.visible_to(user)
                    and (target := spec.target(w, b)) is not None
                    and access.allowed(user=user, action=spec.action, obj=target)
                )
                with rolled_back():
                    head = audit_head()
                    response = _call_api(m, method, url, spec.body(w, b), user, version, None)
                    status = response.status_code
                    written = entries_since(head)
                if status >= 500:
                    m.problem(role, what, f"{status}")
                    continue
                if permitted:
                    if status in REFUSED:
                        m.problem(role, what, f"{status}: refused, but the policy allows it")
                    elif 200 <= status < 300:
                        m.succeeded.add(f"{method} {path}")
                    continue
                if 200 <= status < 300:
                    m.problem(role, what, f"{status}: done, but the policy forbids it")
                if written:
                    m.problem(role, what, f"{status} and wrote {len(written)} audit entries")
                if b.missing:
                    missing_status = status
                elif not b.visible_to(user) and status != missing_status:
                    m.problem(
                        role,
                        what,
                        f"{status} for a hidden object, {missing_status} for a missing one",
                    )
                elif b.visible_to(user) and status not in (401, 403):
                    m.problem(role, what, f"{status}, expected 401/403 (visible, not allowed)")
            if spec.versioned is not None and "pmo" in roles:
                check_versioning(m, method, path, spec, bindings)


def check_versioning(
    m: Matrix, method: str, path: str, spec: Write, bindings: list[Binding]
) -> None:
    """428 without If-Match and 412 with a stale one, for the programme secretariat (or,
    for what only administrators may do, an administrator), on the first binding they may
    write (the header is read before the object, and compared with its version, the same
    way for every object of the kind); neither writes anything."""
    w = m.world
    checked = 0
    for b in bindings:
        if b.missing or spec.versioned is None or (obj := spec.versioned(w, b)) is None:
            continue
        if checked:
            break
        checked += 1
        target = spec.target(w, b)
        role = (
            "pmo"
            if target is not None
            and access.allowed(user=w.users["pmo"], action=spec.action, obj=target)
            else "admin"
        )
        user = w.users[role]
        url = _api_url(path, b.params)
        for if_match, expected in ((None, 428), (obj.version + 7, 412)):
            with rolled_back():
                head = audit_head()
                status = _call_api(
                    m, method, url, spec.body(w, b), user, if_match, None
                ).status_code
                written = entries_since(head)
            if status != expected or written:
                m.problem(
                    role,
                    f"{method} {url} [{b.label}]",
                    f"If-Match {if_match}: {status} (expected {expected}), "
                    f"{len(written)} audit entries",
                )


def run_pages(
    m: Matrix,
    *,
    reads_only: bool = False,
    revalidate: bool = False,
    roles: Sequence[str] = ROLES,
) -> None:
    w = m.world
    for name, params in page_patterns():
        if reads_only and name in PAGE_WRITES:
            continue
        is_write = name in PAGE_WRITES
        write = PAGE_WRITES.get(name)
        bindings = page_bindings(w, name, params)
        for role in roles:
            user = w.users[role]
            missing: dict[str, int] = {}
            for b in sorted(bindings, key=lambda b: not b.missing):
                base = reverse(name, kwargs=b.params)
                calls = [("GET", base)]
                calls += [("GET", f"{base}?{q}") for q in PAGE_QUERIES.get(name, [])]
                # Pages that are no write are read only; their GET must not be refused.
                if is_write:
                    calls.append(("POST", base))
                for method, url in calls:
                    what = f"{method} {url} [{b.label}]"
                    with rolled_back():
                        head = audit_head()
                        m.calls += 1
                        response = page_call(m.client, method, url, {}, user=user)
                        status = response.status_code
                        written = entries_since(head)
                        # Asked again in the same session (one made in this savepoint
                        # is gone after it, and a new session is a new ETag).
                        again = (
                            _refetch_page(m.client, url, user, response.get("ETag", ""))
                            if revalidate and method == "GET" and status == 200
                            else None
                        )
                    if status >= 500:
                        m.problem(role, what, f"{status}")
                        continue
                    if status == 405:
                        if not is_write:
                            m.problem(role, what, "405: a page write not in PAGE_WRITES")
                        continue
                    if written and (not is_write or method == "GET"):
                        m.problem(role, what, f"{status} and wrote {len(written)} audit entries")
                    if b.missing:
                        missing[method] = status
                    elif (
                        not b.visible_to(user)
                        and name != "meetings:feed_person"
                        and (status != 404 or status != missing.get(method))
                    ):
                        m.problem(role, what, f"{status} for a hidden object, expected 404")
                    if method == "GET":
                        if name != "meetings:feed_person":
                            m.check_body(role, what, response)
                        if again is not None:
                            m.revalidate(role, what, response, partial(_given, again))
                        continue
                    if write is None:
                        continue
                    action, target = write
                    obj = target(w, b)
                    permitted = (
                        not b.missing
                        and b.visible_to(user)
                        and access.allowed(user=user, action=action, obj=obj)
                    )
                    if permitted:
                        if status in REFUSED:
                            m.problem(role, what, f"{status}: refused, but the policy allows it")
                        continue
                    login = status == 302 and "/accounts/login" in response.get("Location", "")
                    if status < 400 and not login:
                        m.problem(role, what, f"{status}: done, but the policy forbids it")
                    if written:
                        m.problem(role, what, f"{status} and wrote {len(written)} audit entries")


@pytest.fixture
def matrix(db: Any, settings: Any, tmp_path: Any) -> Iterator[Matrix]:
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    # The matrix's own questions to the policy (may_view, allowed) run as one act, so each
    # role's scope is read once, not once per call: the world does not change (every call
    # is rolled back). Each request still opens its own act (core/middleware.py).
    with correlation():
        yield Matrix(world, Client())


def _report(m: Matrix, title: str) -> str:
    by_role: dict[str, int] = defaultdict(int)
    for line in m.problems:
        by_role[line.split()[0]] += 1
    lines = "\n".join(m.problems[:200])
    return f"{len(m.problems)} {title} in {m.calls} calls ({dict(by_role)}):\n{lines}"


def assert_second_pass_is_cached(m: Matrix, second_pass: Callable[[], None]) -> None:
    """The reads asked again: most answers come from the read cache (refusals and files are
    not stored, so not all)."""
    checked, served = m.bodies_checked, m.served_from_cache
    second_pass()
    reads, hits = m.bodies_checked - checked, m.served_from_cache - served
    assert hits >= reads // 2, f"{hits} of {reads} reads asked again came from the read cache"


def test_every_operation_and_page_is_covered(db: Any) -> None:
    """A new endpoint or page fails here until the matrix knows how to call it."""
    w = build_world()
    unknown = [
        f"{method} {path}"
        for method, path in api_operations()
        if method in WRITE_METHODS and (method, path) not in API_WRITES
    ]
    for _method, path in api_operations():
        try:
            api_bindings(w, path)
        except LookupError as exc:
            unknown.append(str(exc))
    for name, params in page_patterns():
        try:
            page_bindings(w, name, params)
        except LookupError as exc:
            unknown.append(str(exc))
    operations = set(api_operations())
    stale = [f"{m} {p}" for m, p in API_WRITES if (m, p) not in operations]
    assert not unknown and not stale, f"unknown: {unknown}; in API_WRITES but gone: {stale}"


# With the read cache on, as shipped (core/readcache.py), and twice: the first pass renders
# and stores each answer (every one a miss: the views answer), the second is served from the
# cache, and each 200 of it is asked for again with its ETag, which must answer 304. Every
# answer is checked for leaks both times, so an answer stored for one scope and served to
# another would be caught on the second pass.
@pytest.mark.runs_long
@pytest.mark.read_cache
def test_api_reads_leak_nothing(matrix: Matrix) -> None:
    run_api_reads(matrix)
    assert_second_pass_is_cached(matrix, partial(run_api_reads, matrix, revalidate=True))
    assert not matrix.problems, _report(matrix, "leaks")


# In parts by role, like the page matrix; the administrator's part holds the check that every
# write succeeds for someone (the secretariat or an administrator may make each one).
API_ROLE_SHARDS = (("anonymous", "public", "observer", "rep"), ("chair",), ("pmo",), ("admin",))


def test_the_api_shards_are_every_role() -> None:
    assert sorted(r for shard in API_ROLE_SHARDS for r in shard) == sorted(ROLES)


@pytest.mark.runs_long
@pytest.mark.parametrize("roles", API_ROLE_SHARDS, ids=["-".join(s) for s in API_ROLE_SHARDS])
def test_api_writes_follow_the_policy(matrix: Matrix, roles: tuple[str, ...]) -> None:
    run_api_writes(matrix, roles=roles)
    never = (
        sorted(f"{m} {p}" for m, p in API_WRITES if f"{m} {p}" not in matrix.succeeded)
        if "admin" in roles
        else []
    )
    # (An administrator may do everything the table grants anyone, so their part is where
    # "every write succeeds for someone" is checked.)
    assert not matrix.problems and not never, (
        _report(matrix, "problems") + f"\nwrites that succeeded for nobody: {never}"
    )


# The page matrix is the suite's longest test: it runs in three parts (by role), so the
# parallel workers share it. Together they are every role.
PAGE_ROLE_SHARDS = (
    ("anonymous", "public", "observer"),
    ("rep", "chair"),
    ("pmo", "admin"),
)


def test_the_page_shards_are_every_role() -> None:
    assert sorted(r for shard in PAGE_ROLE_SHARDS for r in shard) == sorted(ROLES)


# Like the API's reads: with the read cache on, the first pass (reads and writes) answered
# by the views, then the reads again from the cache, each revalidated with its ETag.
@pytest.mark.runs_long
@pytest.mark.read_cache
@pytest.mark.parametrize("roles", PAGE_ROLE_SHARDS, ids=["-".join(s) for s in PAGE_ROLE_SHARDS])
def test_pages_leak_nothing_and_follow_the_policy(matrix: Matrix, roles: tuple[str, ...]) -> None:
    run_pages(matrix, roles=roles)
    assert_second_pass_is_cached(
        matrix, partial(run_pages, matrix, reads_only=True, revalidate=True, roles=roles)
    )
    assert not matrix.problems, _report(matrix, "problems")
