"""The secretariat's pages that maintain the structure: groups (with their schedule,
status, restructures and terms of reference), seats, memberships, people,
organisations and constituencies.

Thin, like every page: the forms collect, the services decide (`core.pages.form_page`
runs each write), the selectors say what may be chosen. Who may do what is the access
model's (`access.require` here answers 403 for a visible object that is not yours to
change; the pages that link here offer the links from `access.allowed`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from progov.core import access
from progov.core.pages import form_page, render_page, sign_in_to_write
from progov.core.richtext import render_markdown
from progov.governance import selectors, services
from progov.governance.forms import (
    GROUP_ERROR_FIELDS,
    CompareForm,
    ConstituencyEditForm,
    ConstituencyForm,
    EndMembershipForm,
    GroupEditForm,
    GroupForm,
    MembershipEditForm,
    MembershipForm,
    OrganisationEditForm,
    OrganisationForm,
    PersonEditForm,
    PersonForm,
    RemoveMembershipForm,
    SeatEditForm,
    SeatForm,
    SuccessionForm,
    TermsForm,
)
from progov.governance.models import (
    Constituency,
    GovernanceGroup,
    GroupStatus,
    Membership,
    Organisation,
    Person,
    Programme,
    Seat,
    TermsOfReference,
)
from progov.governance.timezones import today_for
from progov.governance.views.pages import programme_page

PREVIEW_COUNT = 6


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _group_url(group: GovernanceGroup, tab: str = "") -> str:
    url = reverse("governance:group", args=[group.acronym])
    return f"{url}?tab={tab}" if tab else url


def _group_crumbs(group: GovernanceGroup) -> list[tuple[str, str]]:
    return [
        ("Structure", reverse("governance:structure")),
        (group.acronym, _group_url(group)),
    ]


# --- groups ----------------------------------------------------------------------------


def _group_form_context(programme: Programme, **extra: Any) -> dict[str, Any]:
    return {
        "programme": programme,
        "schedule_preview_url": reverse("governance:schedule_preview"),
        **extra,
    }


@require_http_methods(["GET", "POST"])
@programme_page
@sign_in_to_write
def group_create(request: HttpRequest, programme: Programme) -> HttpResponse:
    """A new group, e.g. a working group under TMAG meeting every other Tuesday."""
    access.require(user=request.user, action="create", obj=GovernanceGroup(programme=programme))
    groups = selectors.group_choices(user=request.user, programme=programme)
    initial: dict[str, Any] = {"status": GroupStatus.TO_BE_MOBILISED, "is_formal": True}
    parent = next((g for g in groups if g.acronym == request.GET.get("parent")), None)
    if parent is not None:
        initial["parent"] = parent.pk
        if parent.level is not None and parent.level < 4:
            initial["level"] = parent.level + 1
    form = GroupForm(
        _data(request),
        initial=initial,
        groups=groups,
        workstreams=selectors.workstream_list(user=request.user, programme=programme),
    )

    def call(data: dict[str, Any]) -> GovernanceGroup:
        return services.create_group(
            actor=request.user,
            programme=programme,
            effective_date=data["status_date"] or today_for(programme),
            status_note=data["status_note"] or "Group created",
            **form.group_fields(),
        )

    return form_page(
        request,
        form,
        template="form_page.html",
        context=_group_form_context(
            programme,
            heading="New group",
            crumbs=[("Structure", reverse("governance:structure"))],
            intro="A group of the programme's governance: a board, an advisory group, a "
            "working group or a sub-group.",
            submit_label="Create the group",
            cancel_url=reverse("governance:structure"),
        ),
        call=call,
        done=lambda g: (f"{g.acronym} is created.", _group_url(g)),
        what="The group",
        fields=GROUP_ERROR_FIELDS,
    )


@require_http_methods(["GET", "POST"])
@programme_page
@sign_in_to_write
def group_edit(request: HttpRequest, programme: Programme, acronym: str) -> HttpResponse:
    group = selectors.group_get(user=request.user, acronym=acronym, programme=programme)
    access.require(user=request.user, action="change", obj=group)
    form = GroupEditForm(
        _data(request),
        initial={**GroupForm.initial_for(group), "version": group.version},
        groups=selectors.group_choices(user=request.user, programme=programme),
        workstreams=selectors.workstream_list(user=request.user, programme=programme),
        editing=group,
    )

    def call(data: dict[str, Any]) -> GovernanceGroup:
        return services.update_group(
            actor=request.user,
            group=group,
            expected_version=data["version"],
            status_date=data["status_date"] or today_for(programme),
            status_note=data["status_note"],
            **form.group_fields(),
        )

    return form_page(
        request,
        form,
        template="form_page.html",
        context=_group_form_context(
            programme,
            heading=f"Edit {group.acronym}",
            eyebrow=group.name,
            crumbs=_group_crumbs(group),
            intro="A change of status is recorded in the group's history with its date and note.",
            submit_label="Save changes",
            cancel_url=_group_url(group),
        ),
        call=call,
        done=lambda g: (f"{g.acronym} is saved.", _group_url(g)),
        what=group.acronym,
        current_version=lambda: (
            selectors.group_get(user=request.user, acronym=acronym, programme=programme).version
        ),
        fields=GROUP_ERROR_FIELDS,
    )


@login_required
@require_GET
@programme_page
def schedule_preview(request: HttpRequest, programme: Programme) -> HttpResponse:
    """The next meeting dates the schedule typed in the group form gives (live, as typed)."""
    text = request.GET.get("schedule", "")[:400]
    context: dict[str, Any] = {
        "text": text.strip(),
        "schedule_preview_url": reverse("governance:schedule_preview"),
        **selectors.schedule_preview(
            programme=programme, text=text, today=today_for(programme), count=PREVIEW_COUNT
        ),
    }
    # The form's htmx asks for the fragment; without JavaScript it is a page of its own.
    return render_page(
        request,
        "governance/schedule_preview.html",
        "governance/_schedule_preview.html",
        context,
    )


@require_http_methods(["GET", "POST"])
@programme_page
@sign_in_to_write
def group_restructure(request: HttpRequest, programme: Programme, acronym: str) -> HttpResponse:
    """Record that another group succeeds this one (and, if it stands down, its status)."""
    group = selectors.group_get(user=request.user, acronym=acronym, programme=programme)
    access.require(user=request.user, action="restructure", obj=group)
    form = SuccessionForm(_data(request), initial={"date": today_for(programme)})
    form.fields["successor"].set_rows(  # type: ignore[attr-defined]
        [
            g
            for g in selectors.group_choices(user=request.user, programme=programme)
            if g.pk != group.pk
        ],
        lambda g: f"{g.acronym}: {g.name}",
    )

    def call(data: dict[str, Any]) -> Any:
        return services.restructure_group(
            actor=request.user,
            predecessor=group,
            successor=data["successor"],
            date=data["date"],
            reason=data["reason"],
            stand_down=data["stand_down"],
            expected_version=group.version,
        )

    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"Restructure {group.acronym}",
            "eyebrow": group.name,
            "crumbs": _group_crumbs(group),
            "intro": f"Record the group that takes over from {group.acronym}. Add one "
            "successor at a time: a group split in three has three successors.",
            "submit_label": "Record the restructure",
            "cancel_url": _group_url(group),
        },
        call=call,
        done=lambda s: (
            f"{group.acronym} is succeeded by {s.successor.acronym}.",
            _group_url(group) + "#restructure",
        ),
        what=group.acronym,
    )


# --- terms of reference ----------------------------------------------------------------


def _next_version(latest: TermsOfReference | None) -> str:
    """1.0 → 2.0, 3.2 → 4.0; anything else is left for the secretariat to number."""
    if latest is None:
        return "1.0"
    head = latest.version_number.split(".")[0]
    return f"{int(head) + 1}.0" if head.isdecimal() else ""


@require_http_methods(["GET", "POST"])
@programme_page
@sign_in_to_write
def terms_create(request: HttpRequest, programme: Programme, acronym: str) -> HttpResponse:
    """A new version of the group's terms of reference, starting from the one in force."""
    group = selectors.group_get(user=request.user, acronym=acronym, programme=programme)
    access.require(user=request.user, action="create", obj=TermsOfReference(group=group))
    versions = selectors.group_tor_versions(group=group)
    latest = versions[0] if versions else None
    latest_text = (
        selectors.terms_text(group=group, version_number=latest.version_number).text
        if latest
        else ""
    )
    form = TermsForm(
        _data(request),
        initial={
            "version_number": _next_version(latest),
            "date": today_for(programme),
            "text": latest_text,
        },
    )
    context: dict[str, Any] = {
        "programme": programme,
        "heading": f"New terms of reference for {group.acronym}",
        "eyebrow": group.name,
        "crumbs": _group_crumbs(group),
        "intro": "The version in force is copied in: change what the new version changes. "
        "Earlier versions stay readable and can be compared.",
        "submit_label": "Add this version",
        "cancel_url": _group_url(group, "terms"),
        "after_template": "governance/_terms_preview_button.html",
        "preview_url": reverse("governance:terms_preview", args=[group.acronym]),
        "preview": None,
    }
    if request.method == "POST" and "preview" in request.POST:
        # Without JavaScript the Preview button posts here: show it, write nothing.
        context["preview"] = render_markdown(
            request.POST.get("text", "")[:200_000], heading_offset=2
        )
        return render(request, "form_page.html", {**context, "form": form})

    return form_page(
        request,
        form,
        template="form_page.html",
        context=context,
        call=lambda data: services.add_terms_of_reference(
            actor=request.user,
            group=group,
            version_number=data["version_number"].strip(),
            date=data["date"],
            text=data["text"],
            change_note=data["change_note"],
        ),
        done=lambda tor: (
            f"{group.acronym}'s terms of reference version {tor.version_number} is added.",
            _group_url(group, "terms"),
        ),
        what=f"{group.acronym}'s terms of reference",
    )


@require_http_methods(["POST"])
@programme_page
@sign_in_to_write
def terms_preview(request: HttpRequest, programme: Programme, acronym: str) -> HttpResponse:
    """The Markdown typed so far, rendered as the terms-of-reference tab will show it."""
    group = selectors.group_get(user=request.user, acronym=acronym, programme=programme)
    access.require(user=request.user, action="create", obj=TermsOfReference(group=group))
    preview = render_markdown(request.POST.get("text", "")[:200_000], heading_offset=2)
    return render(request, "governance/_terms_preview.html", {"preview": preview})


@dataclass(frozen=True)
class DiffRow:
    """One line of the side-by-side comparison: `kind` is same, changed, removed or added."""

    kind: str
    left: str | None
    right: str | None
    left_number: int | None
    right_number: int | None


def compare_lines(old: str, new: str) -> list[DiffRow]:
    """The two texts line by line, aligned: what stayed, changed, went and came."""
    a, b = old.splitlines(), new.splitlines()
    rows: list[DiffRow] = []
    # Exact for terms of reference (a few hundred lines); difflib's junk heuristic past
    # that, so a text of thousands of repeated lines cannot take the CPU on every view.
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=len(a) + len(b) > 2000)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows += [
                DiffRow("same", a[i], b[j], i + 1, j + 1)
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
            continue
        left, right = list(range(i1, i2)), list(range(j1, j2))
        for k in range(max(len(left), len(right))):
            i = left[k] if k < len(left) else None
            j = right[k] if k < len(right) else None
            kind = (
                "changed"
                if i is not None and j is not None
                else "removed"
                if j is None
                else "added"
            )
            rows.append(
                DiffRow(
                    kind,
                    a[i] if i is not None else None,
                    b[j] if j is not None else None,
                    i + 1 if i is not None else None,
                    j + 1 if j is not None else None,
                )
            )
    return rows


@require_GET
@programme_page
def terms_compare(request: HttpRequest, programme: Programme, acronym: str) -> HttpResponse:
    """Two versions of a group's terms of reference side by side (older on the left)."""
    group = selectors.group_get(user=request.user, acronym=acronym, programme=programme)
    versions = selectors.group_tor_versions(group=group)
    numbers = [t.version_number for t in versions]
    initial = {"a": numbers[1] if len(numbers) > 1 else "", "b": numbers[0] if numbers else ""}
    form = CompareForm(request.GET or initial, versions=numbers)
    rows: list[DiffRow] = []
    chosen: tuple[TermsOfReference, TermsOfReference] | None = None
    if numbers and form.is_valid():
        older = selectors.terms_text(group=group, version_number=form.cleaned_data["a"])
        newer = selectors.terms_text(group=group, version_number=form.cleaned_data["b"])
        chosen = (older, newer)
        rows = compare_lines(older.text, newer.text)
    context = {
        "programme": programme,
        "group": group,
        "form": form,
        "chosen": chosen,
        "rows": rows,
        "changes": sum(1 for r in rows if r.kind != "same"),
        "crumbs": _group_crumbs(group),
    }
    return render(request, "governance/terms_compare.html", context)


# --- seats and memberships -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@programme_page
@sign_in_to_write
def seat_create(request: HttpRequest, programme: Programme, acronym: str) -> HttpResponse:
    group = selectors.group_get(user=request.user, acronym=acronym, programme=programme)
    access.require(user=request.user, action="create", obj=Seat(group=group))
    seats = list(selectors.seat_list(user=request.user, group=group))
    form = SeatForm(
        _data(request),
        initial={
            "position": max((s.position for s in seats), default=0) + 1,
            "role": "representative",  # most seats are a constituency's
        },
        constituencies=selectors.constituency_list(user=request.user, programme=programme),
    )
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"Add a seat to {group.acronym}",
            "eyebrow": group.name,
            "crumbs": _group_crumbs(group),
            "intro": "A seat the terms of reference define, filled by a membership: e.g. "
            "“l) Large Supplier Representative” for the Large Supplier constituency.",
            "submit_label": "Add the seat",
            "cancel_url": _group_url(group, "members"),
        },
        call=lambda data: services.create_seat(
            actor=request.user,
            group=group,
            label=data["label"].strip(),
            role=data["role"],
            constituency=data["constituency"],
            position=data["position"],
        ),
        done=lambda seat: (
            f"{group.acronym} has a new seat: {seat.label}.",
            _group_url(group, "members"),
        ),
        what=group.acronym,
    )


@require_http_methods(["GET", "POST"])
@programme_page
@sign_in_to_write
def seat_edit(request: HttpRequest, programme: Programme, acronym: str, pk: int) -> HttpResponse:
    group = selectors.group_get(user=request.user, acronym=acronym, programme=programme)
    seat = selectors.seat_get(user=request.user, group=group, pk=pk)
    access.require(user=request.user, action="change", obj=seat)
    form = SeatEditForm(
        _data(request),
        initial={
            "label": seat.label,
            "role": seat.role,
            "constituency": seat.constituency_id,
            "position": seat.position,
        },
        constituencies=selectors.constituency_list(user=request.user, programme=programme),
    )
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"Edit the seat “{seat.label}”",
            "eyebrow": group.name,
            "crumbs": _group_crumbs(group),
            "submit_label": "Save the seat",
            "cancel_url": _group_url(group, "members"),
        },
        call=lambda data: services.update_seat(
            actor=request.user,
            seat=seat,
            role=data["role"],
            constituency=data["constituency"],
            position=data["position"],
        ),
        done=lambda s: (f"The seat “{s.label}” is saved.", _group_url(group, "members")),
        what="The seat",
    )


def _membership_choices(
    request: HttpRequest,
    programme: Programme,
    group: GovernanceGroup,
    editing: Membership | None = None,
) -> dict[str, Any]:
    representatives = list(
        selectors.representatives_of(user=request.user, group=group, on=today_for(programme))
    )
    # An alternate being edited keeps the representative they stand for among the choices,
    # even one whose membership has ended or not begun.
    principal = editing.alternate_for if editing is not None else None
    if principal is not None and principal.pk not in {m.pk for m in representatives}:
        representatives.append(principal)
    return {
        "people": selectors.person_list(user=request.user, programme=programme),
        "seats": selectors.seat_list(user=request.user, group=group),
        "constituencies": selectors.constituency_list(user=request.user, programme=programme),
        "representatives": representatives,
    }


def _membership_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "role": data["role"],
        "seat": data["seat"],
        "constituency": data["constituency"],
        "alternate_for": data["alternate_for"],
        "part": data["part"],
        "start_date": data["start_date"],
        "end_date": data["end_date"],
    }


@require_http_methods(["GET", "POST"])
@programme_page
@sign_in_to_write
def membership_create(request: HttpRequest, programme: Programme, acronym: str) -> HttpResponse:
    """A person into the group: into a vacant seat (`?seat=`), or as an alternate, an
    invited attendee, the secretariat."""
    group = selectors.group_get(user=request.user, acronym=acronym, programme=programme)
    access.require(user=request.user, action="create", obj=Membership(group=group))
    choices = _membership_choices(request, programme, group)
    initial: dict[str, Any] = {"start_date": today_for(programme)}
    seat_pk = request.GET.get("seat", "")
    seat = next((s for s in choices["seats"] if str(s.pk) == seat_pk), None)
    if seat is not None:
        initial.update(seat=seat.pk, role=seat.role, constituency=seat.constituency_id)
    person_pk = request.GET.get("person", "")
    if person_pk.isdecimal():
        initial["person"] = int(person_pk)
    form = MembershipForm(_data(request), initial=initial, **choices)
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"Add a member to {group.acronym}",
            "eyebrow": group.name,
            "crumbs": _group_crumbs(group),
            "intro": "Someone not yet in the list of people? "
            "Add them first under People, then come back.",
            "submit_label": "Add the member",
            "cancel_url": _group_url(group, "members"),
        },
        call=lambda data: services.create_membership(
            actor=request.user, group=group, person=data["person"], **_membership_fields(data)
        ),
        done=lambda m: (
            f"{m.person.name} is a member of {group.acronym} ({m.get_role_display()}).",
            _group_url(group, "members"),
        ),
        what=group.acronym,
    )


def _membership_page(
    request: HttpRequest, programme: Programme, acronym: str, pk: int, action: str
) -> tuple[GovernanceGroup, Membership]:
    group = selectors.group_get(user=request.user, acronym=acronym, programme=programme)
    membership = selectors.membership_get(user=request.user, group=group, pk=pk)
    access.require(user=request.user, action=action, obj=membership)
    return group, membership


def _membership_version(request: HttpRequest, group: GovernanceGroup, pk: int) -> Any:
    return lambda: selectors.membership_get(user=request.user, group=group, pk=pk).version


@require_http_methods(["GET", "POST"])
@programme_page
@sign_in_to_write
def membership_edit(
    request: HttpRequest, programme: Programme, acronym: str, pk: int
) -> HttpResponse:
    group, membership = _membership_page(request, programme, acronym, pk, "change")
    form = MembershipEditForm(
        _data(request),
        initial={
            "version": membership.version,
            "person": membership.person_id,
            "role": membership.role,
            "seat": membership.seat_id,
            "constituency": membership.constituency_id,
            "alternate_for": membership.alternate_for_id,
            "part": membership.part,
            "start_date": membership.start_date,
            "end_date": membership.end_date,
        },
        **_membership_choices(request, programme, group, editing=membership),
    )
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"{membership.person.name} in {group.acronym}",
            "eyebrow": "Edit a membership",
            "crumbs": _group_crumbs(group),
            "intro": "To record that they left, give the day in “Until” (or use End "
            "membership): the membership stays in the group's history.",
            "submit_label": "Save the membership",
            "cancel_url": _group_url(group, "members"),
            "after_template": "governance/_membership_more.html",
            "membership": membership,
            "group": group,
        },
        call=lambda data: services.update_membership(
            actor=request.user,
            membership=membership,
            expected_version=data["version"],
            **_membership_fields(data),
        ),
        done=lambda m: (
            f"{m.person.name}'s membership of {group.acronym} is saved.",
            _group_url(group, "members"),
        ),
        what="The membership",
        current_version=_membership_version(request, group, pk),
    )


@require_http_methods(["GET", "POST"])
@programme_page
@sign_in_to_write
def membership_end(
    request: HttpRequest, programme: Programme, acronym: str, pk: int
) -> HttpResponse:
    """End a membership (the person left the group): it stays in the history."""
    group, membership = _membership_page(request, programme, acronym, pk, "change")
    form = EndMembershipForm(
        _data(request),
        initial={"version": membership.version, "end_date": today_for(programme)},
    )
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"End {membership.person.name}'s membership of {group.acronym}",
            "eyebrow": membership.seat.label if membership.seat else membership.get_role_display(),
            "crumbs": _group_crumbs(group),
            "intro": "They stop being invited after this day; their attendance and history stay.",
            "submit_label": "End the membership",
            "cancel_url": _group_url(group, "members"),
        },
        call=lambda data: services.update_membership(
            actor=request.user,
            membership=membership,
            expected_version=data["version"],
            end_date=data["end_date"],
        ),
        done=lambda m: (
            f"{m.person.name}'s membership of {group.acronym} ends on {m.end_date:%-d %B %Y}.",
            _group_url(group, "members"),
        ),
        what="The membership",
        current_version=_membership_version(request, group, pk),
    )


@require_http_methods(["GET", "POST"])
@programme_page
@sign_in_to_write
def membership_remove(
    request: HttpRequest, programme: Programme, acronym: str, pk: int
) -> HttpResponse:
    """Remove a membership entered in error (confirmed: it leaves the history too)."""
    group, membership = _membership_page(request, programme, acronym, pk, "delete")
    form = RemoveMembershipForm(_data(request), initial={"version": membership.version})
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"Remove {membership.person.name} from {group.acronym}",
            "eyebrow": "Remove a membership entered in error",
            "crumbs": _group_crumbs(group),
            "intro": "Only for a membership that should never have been recorded: it is "
            "deleted (the audit trail keeps what it was). Someone who left should have "
            "their membership ended instead.",
            "submit_label": "Remove the membership",
            "danger": True,
            "cancel_url": _group_url(group, "members"),
        },
        call=lambda data: services.delete_membership(
            actor=request.user, membership=membership, expected_version=data["version"]
        ),
        done=lambda _: (
            f"{membership.person.name}'s membership of {group.acronym} is removed.",
            _group_url(group, "members"),
        ),
        what="The membership",
        current_version=_membership_version(request, group, pk),
    )


# --- people, organisations, constituencies -------------------------------------------------


def _person_url(person: Person) -> str:
    return reverse("governance:person", args=[person.pk])


@require_http_methods(["GET", "POST"])
@programme_page
@sign_in_to_write
def person_create(request: HttpRequest, programme: Programme) -> HttpResponse:
    access.require(user=request.user, action="create", obj=Person(programme=programme))
    form = PersonForm(
        _data(request),
        organisations=selectors.organisation_list(user=request.user, programme=programme),
    )
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": "New person",
            "crumbs": [("People", reverse("governance:people"))],
            "intro": "Someone who takes part: a member, an alternate, a paper's author. "
            "An administrator links their login on their page.",
            "submit_label": "Add the person",
            "cancel_url": reverse("governance:people"),
        },
        call=lambda data: services.create_person(
            actor=request.user,
            programme=programme,
            name=data["name"],
            email=data["email"],
            job_title=data["job_title"],
            organisation=data["organisation"],
        ),
        done=lambda p: (f"{p.name} is added.", _person_url(p)),
        what="The person",
    )


@require_http_methods(["GET", "POST"])
@programme_page
@sign_in_to_write
def person_edit(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, pk=pk)
    access.require(user=request.user, action="change", obj=person)
    form = PersonEditForm(
        _data(request),
        initial={
            "version": person.version,
            "name": person.name,
            "organisation": person.organisation_id,
            "job_title": person.job_title,
            "email": person.email,
        },
        organisations=selectors.organisation_list(user=request.user, programme=programme),
    )
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"Edit {person.name}",
            "crumbs": [
                ("People", reverse("governance:people")),
                (person.name, _person_url(person)),
            ],
            "submit_label": "Save changes",
            "cancel_url": _person_url(person),
        },
        call=lambda data: services.update_person(
            actor=request.user,
            person=person,
            expected_version=data["version"],
            name=data["name"],
            email=data["email"],
            job_title=data["job_title"],
            organisation=data["organisation"],
        ),
        done=lambda p: (f"{p.name} is saved.", _person_url(p)),
        what=person.name,
        current_version=lambda: selectors.person_get(user=request.user, pk=pk).version,
    )


def _organisation_url(org: Organisation) -> str:
    return reverse("governance:organisation", args=[org.pk])


@require_http_methods(["GET", "POST"])
@programme_page
@sign_in_to_write
def organisation_create(request: HttpRequest, programme: Programme) -> HttpResponse:
    access.require(user=request.user, action="create", obj=Organisation(programme=programme))
    form = OrganisationForm(
        _data(request), market_roles=selectors.market_role_list(user=request.user)
    )
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": "New organisation",
            "crumbs": [("Organisations", reverse("governance:organisations"))],
            "submit_label": "Add the organisation",
            "cancel_url": reverse("governance:organisations"),
        },
        call=lambda data: services.create_organisation(
            actor=request.user,
            programme=programme,
            name=data["name"].strip(),
            short_name=data["short_name"].strip(),
            website=data["website"],
            market_roles=form.chosen_roles(),
        ),
        done=lambda o: (f"{o.name} is added.", _organisation_url(o)),
        what="The organisation",
    )


@require_http_methods(["GET", "POST"])
@programme_page
@sign_in_to_write
def organisation_edit(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    org = selectors.organisation_get(user=request.user, pk=pk)
    access.require(user=request.user, action="change", obj=org)
    form = OrganisationEditForm(
        _data(request),
        initial={
            "version": org.version,
            "name": org.name,
            "short_name": org.short_name,
            "website": org.website,
            "market_roles": [r.pk for r in org.market_roles.all()],
        },
        market_roles=selectors.market_role_list(user=request.user),
    )
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"Edit {org.name}",
            "crumbs": [
                ("Organisations", reverse("governance:organisations")),
                (org.name, _organisation_url(org)),
            ],
            "submit_label": "Save changes",
            "cancel_url": _organisation_url(org),
        },
        call=lambda data: services.update_organisation(
            actor=request.user,
            organisation=org,
            expected_version=data["version"],
            name=data["name"].strip(),
            short_name=data["short_name"].strip(),
            website=data["website"],
            market_roles=form.chosen_roles(),
        ),
        done=lambda o: (f"{o.name} is saved.", _organisation_url(o)),
        what=org.name,
        current_version=lambda: selectors.organisation_get(user=request.user, pk=pk).version,
    )


@require_GET
@programme_page
def constituencies(request: HttpRequest, programme: Programme) -> HttpResponse:
    """The programme's constituencies: who a representative represents."""
    listed = selectors.constituency_list(user=request.user, programme=programme)
    context = {
        "programme": programme,
        "constituencies": listed,
        "may_create": access.allowed(
            user=request.user, action="create", obj=Constituency(programme=programme)
        ),
        "may_change": access.allowed(
            user=request.user, action="change", obj=Constituency(programme=programme)
        ),
    }
    return render(request, "governance/constituencies.html", context)


@require_http_methods(["GET", "POST"])
@programme_page
@sign_in_to_write
def constituency_create(request: HttpRequest, programme: Programme) -> HttpResponse:
    access.require(user=request.user, action="create", obj=Constituency(programme=programme))
    form = ConstituencyForm(_data(request))
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": "New constituency",
            "crumbs": [("Constituencies", reverse("governance:constituencies"))],
            "submit_label": "Add the constituency",
            "cancel_url": reverse("governance:constituencies"),
        },
        call=lambda data: services.create_constituency(
            actor=request.user,
            programme=programme,
            code=data["code"],
            name=data["name"].strip(),
            kind=data["kind"],
            description=data["description"],
        ),
        done=lambda c: (
            f"The constituency {c.name} is added.",
            reverse("governance:constituencies"),
        ),
        what="The constituency",
    )


@require_http_methods(["GET", "POST"])
@programme_page
@sign_in_to_write
def constituency_edit(request: HttpRequest, programme: Programme, code: str) -> HttpResponse:
    constituency = selectors.constituency_get(user=request.user, programme=programme, code=code)
    access.require(user=request.user, action="change", obj=constituency)
    form = ConstituencyEditForm(
        _data(request),
        initial={
            "version": constituency.version,
            "code": constituency.code,
            "name": constituency.name,
            "kind": constituency.kind,
            "description": constituency.description,
        },
    )
    return form_page(
        request,
        form,
        template="form_page.html",
        context={
            "programme": programme,
            "heading": f"Edit {constituency.name}",
            "crumbs": [("Constituencies", reverse("governance:constituencies"))],
            "submit_label": "Save changes",
            "cancel_url": reverse("governance:constituencies"),
        },
        call=lambda data: services.update_constituency(
            actor=request.user,
            constituency=constituency,
            expected_version=data["version"],
            name=data["name"].strip(),
            kind=data["kind"],
            description=data["description"],
        ),
        done=lambda c: (
            f"The constituency {c.name} is saved.",
            reverse("governance:constituencies"),
        ),
        what=constituency.name,
        current_version=lambda: (
            selectors.constituency_get(user=request.user, programme=programme, code=code).version
        ),
    )
