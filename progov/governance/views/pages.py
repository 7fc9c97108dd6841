"""Pages of the governance structure (thin: selectors in, templates out).

Every page goes through `programme_page`: with no programme loaded it shows how
to load one; a hidden or missing object raises NotFound in the selectors and
answers 404 (the two look the same). Tabbed pages answer `?tab=…` with the whole
page, or just the tab region when HTMX asks (`HX-Request`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from progov.accounts import selectors as accounts_selectors
from progov.audit.selectors import history_for
from progov.core import access
from progov.core import attention as core_attention
from progov.core import search as core_search
from progov.core.errors import NotFound
from progov.core.pages import (
    Refusal,
    current_tab,
    handle_write,
    history_rows,
    not_found_as_404,
    paginate,
    render_page,
    tab_links,
    write_done,
)
from progov.core.readcache import depends_on
from progov.governance import selectors, services
from progov.governance.forms import PersonLoginForm
from progov.governance.models import (
    GovernanceGroup,
    GroupStatus,
    Membership,
    Organisation,
    Person,
    Programme,
    Seat,
    TermsOfReference,
)
from progov.governance.timezones import programme_tz, today_for

P = ParamSpec("P")

GROUP_TABS = (
    ("overview", "Overview"),
    ("members", "Members"),
    ("terms", "Terms of reference"),
    ("history", "History"),
)
PERSON_TABS = (("overview", "Overview"), ("history", "History"))
ORGANISATION_TABS = (("overview", "Overview"), ("history", "History"))


def programme_page(
    view: Callable[Concatenate[HttpRequest, Programme, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Pass the current programme to the view; without one, explain how to load it.

    The page renders times in the programme's time zone (`Programme.timezone`), and a
    NotFound (missing or hidden) is the 404 page, PermissionDenied the 403 page. Every
    page of every app that shows the programme uses this one decorator.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            programme = selectors.current_programme()
        except NotFound:
            return render(request, "governance/no_programme.html", {})
        with timezone.override(programme_tz(programme)):
            return not_found_as_404(view)(request, programme, *args, **kwargs)

    return wrapper


@login_required
@programme_page
def home(request: HttpRequest, programme: Programme) -> HttpResponse:
    """What needs the signed-in user's attention, by what they do: every domain's
    sources (core/attention.py), each restricted to what the user may see and act on."""
    now = timezone.now()
    sections = core_attention.attention(
        user=request.user, programme=programme, today=today_for(programme), now=now
    )
    context = {
        "programme": programme,
        "sections": sections,
        "total": sum(len(s.items) for s in sections),
    }
    return render(request, "governance/home.html", context)


@programme_page
def structure(request: HttpRequest, programme: Programme) -> HttpResponse:
    workstream = request.GET.get("workstream", "").strip()
    status = request.GET.get("status", "").strip()
    if status not in GroupStatus.values:
        status = ""
    overview = selectors.structure_overview(
        user=request.user, programme=programme, workstream=workstream, status=status
    )
    context = {
        "programme": programme,
        **overview,
        "workstreams": list(selectors.workstream_list(user=request.user, programme=programme)),
        "statuses": GroupStatus.choices,
        "selected_workstream": workstream,
        "selected_status": status,
        "may_create": access.allowed(
            user=request.user, action="create", obj=GovernanceGroup(programme=programme)
        ),
    }
    return render(request, "governance/structure.html", context)


@programme_page
def group_list(request: HttpRequest, programme: Programme) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "").strip()
    workstream = request.GET.get("workstream", "").strip()
    level_raw = request.GET.get("level", "").strip()
    level = int(level_raw) if level_raw in {"1", "2", "3", "4"} else None
    groups = selectors.group_list(
        user=request.user,
        programme=programme,
        q=q or None,
        status=status if status in GroupStatus.values else None,
        workstream=workstream or None,
        level=level,
    )
    page = paginate(request, groups)
    context = {
        "programme": programme,
        "page": page,
        "q": q,
        "selected_status": status,
        "selected_workstream": workstream,
        "selected_level": level_raw if level else "",
        "statuses": GroupStatus.choices,
        "levels": ["1", "2", "3", "4"],
        "workstreams": list(selectors.workstream_list(user=request.user, programme=programme)),
    }
    return render(request, "governance/group_list.html", context)


def _group_page(
    request: HttpRequest, programme: Programme, acronym: str, tor_version: str | None = None
) -> HttpResponse:
    group = selectors.group_get(user=request.user, acronym=acronym, programme=programme)
    tab = "terms" if tor_version is not None else current_tab(request, [k for k, _ in GROUP_TABS])
    # Each tab reads only what it shows. The page header needs the successors; the
    # Overview the group's surroundings and a membership summary; the Members tab one
    # page of members (filtered and paged in SQL). No tab reads every member.
    if tab == "overview":
        detail = selectors.group_detail_context(user=request.user, group=group)
    else:
        detail = {"group": group, **selectors.group_successions(user=request.user, group=group)}
    selected_tor = None
    if tab == "terms":
        tor_versions = detail["tor_versions"] = selectors.group_tor_versions(group=group)
        selected_tor = tor_versions[0] if tor_versions else None
        if tor_version is not None:
            selected_tor = next((t for t in tor_versions if t.version_number == tor_version), None)
            if selected_tor is None:
                raise NotFound(
                    f"{group.acronym} has no terms of reference version {tor_version!r}."
                )
    base_url = reverse("governance:group", args=[group.acronym])
    context = {
        **detail,
        "may": _group_offers(request.user, group),
        "programme": programme,
        "group": group,
        "parent": selectors.visible_parent(user=request.user, group=group),
        "tab": tab,
        "tabs": tab_links(base_url, GROUP_TABS, tab),
        "tabs_label": f"{group.acronym} sections",
        "selected_tor": selected_tor,
        "history": history_rows(history_for(user=request.user, obj=group))
        if tab == "history"
        else [],
    }
    if tab == "overview":
        context["membership"] = selectors.group_membership_summary(
            user=request.user, group=group, leaders=True
        )
    elif tab == "members":
        members = selectors.group_members_page(
            user=request.user,
            group=group,
            page=request.GET.get("page"),
            constituency=request.GET.get("constituency", "").strip() or None,
        )
        context.update(
            membership=members["summary"],
            members_page=members["page"],
            member_blocks=members["blocks"],
            selected_constituency=members["selected"],
            constituency_filter=request.GET.get("constituency", "").strip(),
        )
    return render_page(request, "governance/group.html", "governance/group_tabs.html", context)


def _group_offers(user: Any, group: GovernanceGroup) -> dict[str, bool]:
    """What the group page offers this user, from the access model (never re-derived)."""

    def may(action: str, obj: Any) -> bool:
        return access.allowed(user=user, action=action, obj=obj)

    return {
        "edit": may("change", group),
        "restructure": may("restructure", group),
        "add_group": may("create", GovernanceGroup(programme=group.programme)),
        "add_terms": may("create", TermsOfReference(group=group)),
        "add_seat": may("create", Seat(group=group)),
        "change_seat": may("change", Seat(group=group)),
        "add_member": may("create", Membership(group=group)),
        "change_member": may("change", Membership(group=group)),
    }


@programme_page
def group(request: HttpRequest, programme: Programme, acronym: str) -> HttpResponse:
    return _group_page(request, programme, acronym)


@programme_page
def group_tor(
    request: HttpRequest, programme: Programme, acronym: str, version: str
) -> HttpResponse:
    return _group_page(request, programme, acronym, tor_version=version)


@programme_page
def people(request: HttpRequest, programme: Programme) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    page = paginate(
        request, selectors.person_list(user=request.user, programme=programme, q=q or None)
    )
    context = {
        "programme": programme,
        "page": page,
        "q": q,
        "show_email": selectors.person_email_visible(user=request.user),
        "may_create": access.allowed(
            user=request.user, action="create", obj=Person(programme=programme)
        ),
    }
    return render(request, "governance/people.html", context)


def _person_page(
    request: HttpRequest,
    programme: Programme,
    person: Person,
    *,
    login_form: PersonLoginForm | None = None,
    status: int = 200,
) -> HttpResponse:
    tab = current_tab(request, [k for k, _ in PERSON_TABS])
    may_link = access.allowed(user=request.user, action="link_login", obj=person)
    if may_link and login_form is None:
        login_form = PersonLoginForm(
            initial={
                "version": person.version,
                "login": person.user.username if person.user is not None else "",
            },
            prefix="login",
            roles=services.login_roles_granted_by(request.user),
        )
    # A linked login paused after failed sign-ins, for those who may unlock it.
    login_lockout = (
        accounts_selectors.lockout_of(username=person.user.username, ip=None)
        if accounts_selectors.may_unlock(user=request.user) and person.user is not None
        else None
    )
    context = {
        "programme": programme,
        "person": person,
        "show_email": selectors.person_email_visible(user=request.user, person=person),
        "login_form": login_form if may_link else None,
        "may_edit": access.allowed(user=request.user, action="change", obj=person),
        "login_lockout": login_lockout,
        "memberships": selectors.memberships_of_person(user=request.user, person=person)
        if tab == "overview"
        else {},
        "tab": tab,
        "tabs": tab_links(reverse("governance:person", args=[person.pk]), PERSON_TABS, tab),
        "tabs_label": f"{person.name} sections",
        "history": history_rows(history_for(user=request.user, obj=person))
        if tab == "history"
        else [],
    }
    return render_page(
        request, "governance/person.html", "governance/person_tabs.html", context, status=status
    )


# A lockout notice for administrators lifts when its cool-off ends, not at a write.
@depends_on(accounts_selectors.lockouts_fingerprint)
@programme_page
def person(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    return _person_page(request, programme, selectors.person_get(user=request.user, pk=pk))


@require_http_methods(["GET", "POST"])
@programme_page
def person_login(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    """Link the person to a login, or unlink them (administrators). A GET (a reload after
    a refusal) goes back to the person's page."""
    person = selectors.person_get(user=request.user, pk=pk)
    if request.method == "GET":
        return redirect(reverse("governance:person", args=[person.pk]) + "#login")
    access.require(user=request.user, action="link_login", obj=person)
    form = PersonLoginForm(
        request.POST, prefix="login", roles=services.login_roles_granted_by(request.user)
    )
    url = reverse("governance:person", args=[person.pk])

    def done(linked: Person) -> HttpResponse:
        login = linked.user.username if linked.user is not None else None
        message = (
            f"{linked.name} is linked to the login “{login}”."
            if login
            else f"{linked.name} is no longer linked to a login."
        )
        return write_done(request, message, url=url, fragment=lambda: redirect(url))

    def refused(refusal: Refusal) -> HttpResponse:
        fresh = selectors.person_get(user=request.user, pk=pk)
        if refusal.stale:
            form.add_error(None, f"{fresh.name} {STALE_PERSON}")
        return _person_page(request, programme, fresh, login_form=form, status=refusal.status)

    return handle_write(
        request,
        form,
        call=lambda data: services.set_person_login(
            actor=request.user,
            person=person,
            username=data["login"].strip() or None,
            role=data["login_role"],
            expected_version=data["version"],
        ),
        success=done,
        refused=refused,
    )


STALE_PERSON = (
    "changed since you loaded the page, so nothing was changed. It is shown as it is now."
)


@programme_page
def organisations(request: HttpRequest, programme: Programme) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    page = paginate(
        request,
        selectors.organisation_directory(user=request.user, programme=programme, q=q or None),
    )
    context = {
        "programme": programme,
        "page": page,
        "q": q,
        "may_create": access.allowed(
            user=request.user, action="create", obj=Organisation(programme=programme)
        ),
    }
    return render(request, "governance/organisations.html", context)


@programme_page
def organisation(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    org = selectors.organisation_get(user=request.user, pk=pk)
    tab = current_tab(request, [k for k, _ in ORGANISATION_TABS])
    people_page = (
        paginate(request, selectors.person_list(user=request.user, organisation=org))
        if tab == "overview"
        else None
    )
    context = {
        "programme": programme,
        "organisation": org,
        "market_roles": list(org.market_roles.all()),
        "may_edit": access.allowed(user=request.user, action="change", obj=org),
        "people_page": people_page,
        "show_email": selectors.person_email_visible(user=request.user),
        "tab": tab,
        "tabs": tab_links(
            reverse("governance:organisation", args=[org.pk]), ORGANISATION_TABS, tab
        ),
        "tabs_label": f"{org.name} sections",
        "history": history_rows(history_for(user=request.user, obj=org))
        if tab == "history"
        else [],
    }
    return render_page(
        request, "governance/organisation.html", "governance/organisation_tabs.html", context
    )


@programme_page
def search(request: HttpRequest, programme: Programme) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    results = core_search.search(user=request.user, programme=programme, q=q)
    context = {
        "programme": programme,
        "q": q,
        "results": results,
        "total": sum(len(section.hits) for section in results),
    }
    return render(request, "governance/search.html", context)
