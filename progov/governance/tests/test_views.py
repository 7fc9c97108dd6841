"""Governance pages: rendering, visibility (hidden is missing), tabs with HTMX, history,
the CSP and accessibility basics, and query counts that do not grow with the data."""

from __future__ import annotations

import functools
import re
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from progov.core.testing.factories import (
    ConstituencyFactory,
    GroupFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    SeatFactory,
    UserFactory,
    WorkstreamFactory,
)
from progov.core.testing.html_checks import page_problems
from progov.core.testing.queries import count_queries
from progov.governance import services
from progov.governance.models import (
    GovernanceGroup,
    GroupStatusChange,
    GroupSuccession,
    MarketRole,
    Programme,
    TermsOfReference,
)

pytestmark = pytest.mark.django_db


def get(client: Client, url: str, **headers: str):
    return client.get(url, headers=headers)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def page_urls(world) -> list[str]:
    return [
        "/",
        "/?workstream=Design",
        "/?status=stood_down",
        "/groups/",
        "/groups/?q=design&level=3",
        "/groups/DAG/",
        "/groups/DAG/?tab=members",
        f"/groups/DAG/?tab=members&constituency={world['large'].code}",
        "/groups/DAG/?tab=members&constituency=nonesuch",
        "/groups/DAG/?tab=terms",
        "/groups/DAG/tor/1.0/",
        "/groups/DAG/?tab=history",
        "/groups/TMAG/",
        "/people/",
        f"/people/{world['jane'].pk}/",
        f"/people/{world['jane'].pk}/?tab=history",
        "/organisations/",
        f"/organisations/{world['org'].pk}/",
        f"/organisations/{world['org'].pk}/?tab=history",
        "/search/?q=DAG",
        "/search/",
        "/accounts/login/",
    ]


# --- every page renders, for anonymous and signed-in users ---------------------------


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_every_page_renders_and_follows_the_rules(client, world, member_user, signed_in):
    if signed_in:
        client.force_login(member_user)
    for url in page_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert page_problems(response.content.decode()) == [], url


def test_structure_shows_the_tree_by_level(client, world):
    body = text_of(client.get("/"))
    assert "Market-wide Half-Hourly Settlement: governance structure" in body
    # PSG (level 2) contains DAG (level 3) which contains SDWG (level 4).
    tree = body.split('id="levels-heading"')[1].split('id="outside-heading"')[0]
    assert tree.index(">PSG<") < tree.index(">DAG<") < tree.index(">SDWG<")
    assert "Level 2" in tree and "Level 3" in tree and "Level 4" in tree
    assert "2nd Wednesday of each month, 10:00–13:00" in tree
    assert "Mobilisation in progress" in tree
    assert "TBC" in tree
    assert "Closed" in tree
    assert "FTIG" not in tree


def test_structure_puts_groups_without_a_level_in_their_own_section(client, world):
    body = text_of(client.get("/"))
    outside = body.split('id="outside-heading"')[1]
    assert ">FTIG<" in outside
    assert "Outside the levels" in outside
    assert "2nd and 4th Friday of each month, 10:00–11:30" in outside
    assert "Reports to" in outside  # FTIG's parent PSG is named


def test_structure_marks_stood_down_groups_with_successors(client, world):
    body = text_of(client.get("/"))
    assert "is-stood-down" in body
    card = body.split('id="group-{}-title"'.format(world["tmag"].pk))[1].split("</article>")[0]
    assert "Stood down" in card
    assert "succeeded by" in card and ">SITAG<" in card
    assert "CR035" in card and "27 Nov 2023" in card
    sitag_card = body.split('id="group-{}-title"'.format(world["sitag"].pk))[1].split("</article>")[
        0
    ]
    assert "Replaced" in sitag_card and ">TMAG<" in sitag_card


def test_structure_filters_by_workstream_and_status(client, world):
    body = text_of(client.get("/?workstream=Design"))
    assert ">DAG<" in body and ">SDWG<" in body
    assert ">TMAG<" not in body and ">FTIG<" not in body
    # PSG is not in Design but stays as the context the matches hang from.
    assert "Shown for context" in body and ">PSG<" in body
    assert "2 of " in body
    body = text_of(client.get("/?status=stood_down"))
    assert ">TMAG<" in body and ">DAG<" not in body
    # An unknown status is ignored rather than an error.
    assert client.get("/?status=bogus").status_code == 200


def test_group_page_overview(client, world):
    body = text_of(client.get("/groups/dag/"))  # acronyms are case-insensitive
    assert "Design Advisory Group" in body
    assert "Oversee, review, consult and approve the design." in body
    assert "<li>Approve the design</li>" in body
    assert "To Q1 23/24" in body
    assert "2nd Wednesday of each month, 10:00–13:00" in body
    assert "Programme Steering Group (PSG)" in body  # parent
    assert ">SDWG</a>" in body  # child
    assert "1 Mar 2022" in body  # dated status history
    assert "Version 2.0" in body  # ToR in force


def test_group_page_restructure_history(client, world):
    body = text_of(client.get("/groups/TMAG/"))
    assert "Stood down" in body
    assert "was succeeded by" in body and ">SITAG</a>" in body
    assert "CR035" in body and "27 Nov 2023" in body
    body = text_of(client.get("/groups/SITAG/"))
    assert ">TMAG</a> became SITAG" in body


def test_members_tab_groups_by_constituency_with_alternates_and_vacancies(client, world):
    body = text_of(client.get("/groups/DAG/?tab=members"))
    members = body.split('id="panel-heading"')[1]
    assert "Large Supplier" in members
    assert "Jane Doe" in members and "Octopus Energy" in members
    assert "Representative" in members
    assert "l) Large Supplier Representative" in members
    assert "Alex Alternate" in members  # the alternate, beside Jane
    assert "Vacant" in members and "m) Medium Supplier Representative" in members
    assert 'id="tab-members" class="tab" href="/groups/DAG/?tab=members"' in body
    assert re.search(r'id="tab-members"[^>]*aria-current="page"', body)
    assert not re.search(r'id="tab-overview"[^>]*aria-current', body)


def test_overview_summarises_membership_without_listing_members(client, world, programme):
    dag = world["dag"]
    MembershipFactory(
        group=dag,
        person=PersonFactory(programme=programme, name="Carol Chair"),
        constituency=None,
        role="chair",
    )
    MembershipFactory(
        group=dag,
        person=PersonFactory(programme=programme, name="Sam Secretary"),
        constituency=None,
        role="secretariat",
    )
    body = text_of(client.get("/groups/DAG/"))
    overview = body.split('id="panel-heading"')[1]
    # Counts: Jane and the two officers (Alex stands beside Jane); 1 of 2 seats filled.
    assert "3 current members and 1 alternate; 1 of 2 seats filled, 1 vacant." in overview
    assert "Members and seats of DAG by constituency" in overview
    assert re.search(
        r"constituency=" + world["large"].code + r'"[^>]*>Large Supplier</a></th> '
        r'<td class="numeric">1 <span class="note">\+ 1 alternate</span></td> '
        r'<td class="numeric">1 of 2</td> <td class="numeric"><strong>1</strong></td>',
        overview,
    )
    assert "Programme and attendees" in overview
    assert "<dt>Chair</dt>" in overview and "Carol Chair" in overview
    assert "<dt>Secretariat</dt>" in overview and "Sam Secretary" in overview
    assert 'href="/groups/DAG/?tab=members" hx-get="/groups/DAG/?tab=members"' in overview
    # The member list itself is on the Members tab only.
    assert "Jane Doe" not in overview and "Alex Alternate" not in overview
    assert "m) Medium Supplier Representative" not in overview


def _add_members(group: GovernanceGroup, constituency, count: int, prefix: str) -> None:
    """`count` representatives of `constituency`, every tenth with an alternate."""
    org = OrganisationFactory(programme=group.programme)
    for n in range(count):
        person = PersonFactory(
            programme=group.programme, name=f"{prefix} {n:03d}", organisation=org
        )
        m = MembershipFactory(group=group, person=person, constituency=constituency)
        if n % 10 == 0:
            MembershipFactory(
                group=group,
                person=PersonFactory(programme=group.programme, name=f"{prefix} {n:03d} alt"),
                constituency=constituency,
                role="alternate",
                alternate_for=m,
            )


def _member_names(body: str) -> list[str]:
    """The names in the Members table's first column, in order."""
    table = body.split("<caption>Members of", 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr> <td><a href="/people/\d+/">([^<]+)</a></td>', table)


def test_members_tab_pages_100_at_a_time(client, programme, psg):
    dag = GroupFactory(programme=programme, acronym="DAG", level=3, parent=psg)
    a = ConstituencyFactory(programme=programme, code="a", name="Alpha")
    b = ConstituencyFactory(programme=programme, code="b", name="Beta")
    SeatFactory(group=dag, label="Alpha seat", constituency=a)
    SeatFactory(group=dag, label="Beta seat", constituency=b)
    _add_members(dag, a, 70, "Alpha")
    _add_members(dag, b, 60, "Beta")

    first = text_of(client.get("/groups/DAG/?tab=members"))
    assert "130 current members and 13 alternates, 2 vacant seats." in first
    assert "Showing 1–100 of 130, 100 a page." in first
    assert "Members of DAG by constituency, page 1 of 2</caption>" in first
    names = _member_names(first)
    assert len(names) == 100
    assert names[:70] == [f"Alpha {n:03d}" for n in range(70)]
    assert names[70:] == [f"Beta {n:03d}" for n in range(30)]
    assert "Alpha 000 alt" in first  # an alternate, beside their representative
    assert "Alpha seat" in first and "Beta seat" not in first  # Beta's vacancy comes last
    assert "Beta continues on the next page." in first
    # Accessible links that work with and without HTMX; the other parameters are kept.
    assert '<nav class="pagination" aria-label="Pages of members">' in first
    assert (
        '<a href="?tab=members&amp;page=2" rel="next" hx-get="?tab=members&amp;page=2" '
        'hx-target="#tabs" hx-swap="innerHTML show:#tabs:top" hx-push-url="true">'
        'Next<span class="visually-hidden"> page</span></a>'
    ) in first
    assert 'aria-current="page">Page 1 of 2</li>' in first

    second_response = get(client, "/groups/DAG/?tab=members&page=2", **{"HX-Request": "true"})
    second = text_of(second_response)
    assert "<html" not in second and page_problems(second, fragment=True) == []
    second_names = _member_names(second)
    assert second_names == [f"Beta {n:03d}" for n in range(30, 60)]
    assert not set(names) & set(second_names)
    assert 'Beta <span class="rowgroup-note">(continued)</span>' in second
    assert "Beta seat" in second and "Alpha seat" not in second
    assert "Beta 030 alt" in second
    assert 'rel="prev" hx-get="?tab=members&amp;page=1"' in second
    # Past the end: the last page; nonsense: the first.
    assert _member_names(text_of(client.get("/groups/DAG/?tab=members&page=9"))) == second_names
    assert _member_names(text_of(client.get("/groups/DAG/?tab=members&page=x"))) == names


def test_members_tab_filters_by_constituency(client, programme, psg):
    dag = GroupFactory(programme=programme, acronym="DAG", level=3, parent=psg)
    a = ConstituencyFactory(programme=programme, code="a", name="Alpha")
    b = ConstituencyFactory(programme=programme, code="b", name="Beta")
    SeatFactory(group=dag, label="Beta seat", constituency=b)
    _add_members(dag, a, 5, "Alpha")
    _add_members(dag, b, 120, "Beta")
    MembershipFactory(
        group=dag,
        person=PersonFactory(programme=programme, name="The Chair"),
        constituency=None,
        role="chair",
    )

    body = text_of(client.get("/groups/DAG/?tab=members&constituency=b"))
    assert page_problems(body) == []
    assert '<label for="members-constituency">Constituency</label>' in body
    assert '<option value="b" selected>Beta (120)</option>' in body
    assert '<option value="a">Alpha (5)</option>' in body
    assert '<option value="none">Programme and attendees (1)</option>' in body
    assert "Members of DAG by constituency: Beta, page 1 of 2</caption>" in body
    names = _member_names(body)
    assert names == [f"Beta {n:03d}" for n in range(100)]
    assert 'href="?tab=members&amp;constituency=b&amp;page=2"' in body
    page2 = _member_names(text_of(client.get("/groups/DAG/?tab=members&constituency=b&page=2")))
    assert page2 == [f"Beta {n:03d}" for n in range(100, 120)]
    # The form works without JavaScript (GET to the page) and with HTMX (swaps #tabs).
    assert '<form class="filters" method="get" action="/groups/DAG/" hx-get="/groups/DAG/"' in body
    assert '<input type="hidden" name="tab" value="members">' in body

    chair = text_of(client.get("/groups/DAG/?tab=members&constituency=none"))
    assert _member_names(chair) == ["The Chair"]
    unknown = client.get("/groups/DAG/?tab=members&constituency=nonesuch")
    assert unknown.status_code == 200
    assert "has no current members or seats in the constituency “nonesuch”" in text_of(unknown)
    assert _member_names(text_of(client.get("/groups/DAG/?tab=members&constituency=a"))) == [
        f"Alpha {n:03d}" for n in range(5)
    ]


def test_terms_of_reference_latest_shown_older_selectable(client, world):
    body = text_of(client.get("/groups/DAG/?tab=terms"))
    assert "The terms in force." in body and "The first terms." not in body
    assert 'href="/groups/DAG/tor/1.0/"' in body
    body = text_of(client.get("/groups/DAG/tor/1.0/"))
    assert "The first terms." in body
    assert "superseded by" in body
    assert client.get("/groups/DAG/tor/9.9/").status_code == 404


def test_terms_of_reference_render_their_markdown_safely(client, programme):
    group = GroupFactory(programme=programme, acronym="PSG", name="Programme Steering Group")
    TermsOfReference.objects.create(
        group=group,
        version_number="1.0",
        date=date(2022, 1, 10),
        text="## PSG Role\n\n- a) SRO - Chair\n- b) IPA\n\n<script>alert(1)</script>",
    )
    body = client.get("/groups/PSG/?tab=terms").content.decode()
    # Under the tab's h2 and the version's h3, the text's top heading is an h4.
    assert "<h4>PSG Role</h4>" in body and "## PSG Role" not in body
    assert "<li>a) SRO - Chair</li>" in body and "<li>b) IPA</li>" in body
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    assert page_problems(body) == []


def test_acronym_with_a_slash_has_a_page(client, programme, psg):
    GroupFactory(programme=programme, acronym="BPRWG/TDWG", name="Business Process WG", parent=None)
    response = client.get("/groups/BPRWG/TDWG/")
    assert response.status_code == 200
    assert "Business Process WG" in response.content.decode()


# --- hidden is missing --------------------------------------------------------------------


def test_participants_only_group_is_404_to_anonymous_like_a_missing_one(client, world, member_user):
    hidden = client.get("/groups/ECG/")
    missing = client.get("/groups/NOSUCH/")
    assert hidden.status_code == missing.status_code == 404
    assert "Engagement and Communications" not in hidden.content.decode()
    assert "Page not found" in hidden.content.decode()
    for url in ("/groups/ECG/?tab=history", "/groups/ECG/?tab=members"):
        assert client.get(url).status_code == 404
    # ...and nowhere else gives it away.
    for url in ("/", "/groups/", "/search/?q=ECG", f"/people/{world['jane'].pk}/"):
        body = client.get(url).content.decode()
        assert ">ECG<" not in body and "Engagement and Communications" not in body, url

    client.force_login(member_user)
    response = client.get("/groups/ECG/")
    assert response.status_code == 200
    assert "Engagement and Communications Group" in response.content.decode()
    assert "Participants only" in response.content.decode()
    assert ">ECG<" in client.get("/").content.decode()


@pytest.mark.parametrize("role", ["public", "member"])
def test_group_list_names_no_parent_the_reader_may_not_see(client, programme, psg, role):
    """Regression (access matrix): the list named a participants-only parent to any
    signed-in login, the `public` role too, and a group-classified parent to everyone
    signed in; now the access model decides, as on the group page and in the API."""
    sec = GroupFactory(programme=programme, acronym="SECG", level=3, visibility="participants")
    hid = GroupFactory(programme=programme, acronym="HIDG", level=3, visibility="group")
    GroupFactory(programme=programme, acronym="SUBA", level=4, parent=sec)
    GroupFactory(programme=programme, acronym="SUBB", level=4, parent=hid)
    client.force_login(UserFactory(username=f"reader-{role}", role=role))
    body = client.get("/groups/").content.decode()
    assert ">SUBA<" in body and ">SUBB<" in body
    assert ">HIDG<" not in body
    assert (">SECG<" in body) is (role == "member")


def test_missing_person_and_organisation_are_404(client, world):
    assert client.get("/people/999999/").status_code == 404
    assert client.get("/organisations/999999/").status_code == 404


# --- history tab --------------------------------------------------------------------------


def test_history_tab_shows_the_change_after_a_service_update(client, world, pmo_user):
    dag = world["dag"]
    services.update_group(
        actor=pmo_user, group=dag, expected_version=1, purpose="Approve the detailed design."
    )
    body = text_of(client.get("/groups/DAG/?tab=history"))
    panel = body.split('id="panel-heading"')[1]
    assert "Updated" in panel
    assert "pmo" in panel
    assert "Purpose" in panel
    assert "Oversee, review, consult and approve the design." in panel  # before
    assert "Approve the detailed design." in panel  # after
    assert "<time datetime=" in panel


def test_history_tab_of_a_person(client, world, pmo_user):
    services.update_person(
        actor=pmo_user, person=world["jane"], expected_version=1, job_title="Head of Settlement"
    )
    body = text_of(client.get(f"/people/{world['jane'].pk}/?tab=history"))
    assert "Job title" in body and "Head of Settlement" in body and "pmo" in body


def test_history_tab_when_nothing_recorded(client, world):
    body = text_of(client.get(f"/organisations/{world['org'].pk}/?tab=history"))
    assert "No changes have been recorded" in body


# --- HTMX partials ---------------------------------------------------------------------------


def test_htmx_tab_request_returns_only_the_fragment(client, world):
    response = get(client, "/groups/DAG/?tab=members", **{"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and "<header" not in body and "<h1" not in body
    assert 'id="tab-members"' in body and "Jane Doe" in body
    assert "HX-Request" in response["Vary"]
    assert page_problems(body, fragment=True) == []
    # The full page for the same URL has the shell around the same region.
    full = client.get("/groups/DAG/?tab=members").content.decode()
    assert "<html" in full and 'id="tabs"' in full and "Jane Doe" in full


def test_htmx_history_restore_gets_the_whole_page(client, world):
    response = get(
        client,
        "/groups/DAG/?tab=members",
        **{"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()


def test_htmx_partials_for_people_organisations_and_tor_versions(client, world):
    for url in (
        f"/people/{world['jane'].pk}/?tab=history",
        f"/organisations/{world['org'].pk}/",
        "/groups/DAG/tor/1.0/",
    ):
        body = get(client, url, **{"HX-Request": "true"}).content.decode()
        assert "<html" not in body and 'class="tabs"' in body, url


def test_tab_links_work_without_javascript(client, world):
    body = client.get("/groups/DAG/").content.decode()
    for key in ("members", "terms", "history"):
        assert f'href="/groups/DAG/?tab={key}"' in body
        assert f'hx-get="/groups/DAG/?tab={key}"' in body
    assert 'hx-push-url="true"' in body and 'hx-target="#tabs"' in body
    # An unknown tab falls back to the overview.
    assert "Purpose" in client.get("/groups/DAG/?tab=nonsense").content.decode()


# --- people and organisations ------------------------------------------------------------------


def test_person_page_shows_memberships_and_email_only_to_signed_in(client, world, member_user):
    url = f"/people/{world['jane'].pk}/"
    body = text_of(client.get(url))
    assert "Octopus Energy" in body
    assert ">DAG<" in body and "Large Supplier" in body and "1 Feb 2022" in body
    assert "jane@example.org" not in body
    assert "ECG" not in body  # membership of a participants-only group
    assert "jane@example.org" not in client.get("/people/").content.decode()
    client.force_login(member_user)
    body = text_of(client.get(url))
    assert "jane@example.org" in body
    assert ">ECG<" in body
    assert "jane@example.org" in client.get("/people/").content.decode()


def test_alternate_shows_whom_they_stand_for(client, world):
    body = text_of(client.get(f"/people/{world['alex'].pk}/"))
    assert "Alternate" in body and "Jane Doe" in body


def test_organisation_page_lists_market_roles_and_people(client, world):
    body = text_of(client.get(f"/organisations/{world['org'].pk}/"))
    assert "Supplier" in body
    assert "Jane Doe" in body and "Alex Alternate" in body
    listing = text_of(client.get("/organisations/"))
    assert "Octopus Energy" in listing and "Supplier" in listing


def test_people_list_paginates_50_a_page(client, programme):
    for n in range(60):
        PersonFactory(programme=programme, name=f"Person {n:03d}")

    def rows(body: str) -> int:
        return len(re.findall(r'href="/people/\d+/"', body))

    first = client.get("/people/").content.decode()
    assert rows(first) == 50
    assert "Page 1 of 2" in first and "?page=2" in first
    second = client.get("/people/?page=2").content.decode()
    assert rows(second) == 10
    assert client.get("/people/?page=99").status_code == 200  # the last page
    assert rows(client.get("/people/?q=Person%2000").content.decode()) == 10


# --- search --------------------------------------------------------------------------------


def test_search_finds_groups_people_and_organisations(client, world):
    body = text_of(client.get("/search/?q=design"))
    assert ">DAG<" in body and ">SDWG<" in body
    assert "result" in body
    body = text_of(client.get("/search/?q=dag"))
    assert ">DAG<" in body
    body = text_of(client.get("/search/?q=jane"))
    assert "Jane Doe" in body
    body = text_of(client.get("/search/?q=octopus"))
    assert "Octopus Energy" in body
    body = text_of(client.get("/search/?q=zzzz"))
    assert "0 results" in body


def test_header_search_box_submits_to_search(client, world):
    body = client.get("/people/").content.decode()
    assert re.search(
        r'<form class="site-search" role="search" aria-label="Site search" action="/search/" method="get">',
        body,
    )
    assert 'name="q"' in body


# --- the shell ---------------------------------------------------------------------------------


def test_shell_landmarks_skip_link_and_nav(client, world):
    body = client.get("/people/").content.decode()
    assert '<html lang="en-GB">' in body
    assert '<a class="skip-link" href="#main">' in body
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in body
    assert re.search(r'href="/people/" aria-current="page">People<', body)
    assert re.search(r'href="/"\s*>Structure<', body)  # not current
    assert 'href="/calendars/"' in body and "Working days" in body
    assert 'href="/api/v1/docs"' in body
    assert "Market-wide Half-Hourly Settlement" in body
    # A person's page is within the People section.
    body = client.get(f"/people/{world['jane'].pk}/").content.decode()
    assert re.search(r'href="/people/" aria-current="true">People<', body)


def test_sign_in_link_and_sign_out_form(client, world, member_user):
    body = client.get("/people/").content.decode()
    assert 'href="/accounts/login/?next=/people/"' in body
    client.force_login(member_user)
    body = client.get("/people/").content.decode()
    form = re.search(
        r'<form class="inline-form" action="/accounts/logout/" method="post">(.*?)</form>',
        body,
        re.S,
    )
    assert form and "csrfmiddlewaretoken" in form.group(1)
    token = re.search(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", body)
    assert token and len(token.group(1)) >= 32


def test_sign_in_through_the_login_page(world, member_user):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/?next=/people/")
    body = page.content.decode()
    assert '<label for="id_username">Username</label>' in body
    assert '<label for="id_password">Password</label>' in body
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert csrf
    bad = client.post(
        "/accounts/login/",
        {
            "username": "member",
            "password": "wrong",
            "csrfmiddlewaretoken": csrf.group(1),
            "next": "/people/",
        },
    )
    assert bad.status_code == 200 and "There is a problem" in bad.content.decode()
    good = client.post(
        "/accounts/login/",
        {
            "username": "member",
            "password": "correct horse battery",
            "csrfmiddlewaretoken": csrf.group(1),
            "next": "/people/",
        },
    )
    assert good.status_code == 302 and good["Location"] == "/people/"
    assert "Signed in as" in client.get("/people/").content.decode()


def test_csp_header_on_pages(client, world):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy


def test_no_programme_loaded_shows_how_to_load_one(client, db):
    assert not Programme.objects.exists()
    for url in ("/", "/groups/", "/groups/PSG/", "/people/", "/search/?q=x"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "No programme is loaded yet" in body
        assert "progov load-pack" in body
        assert page_problems(body) == []


# --- query counts do not grow with the data ----------------------------------------------


def _grow_groups(programme: Programme, parent: GovernanceGroup, n: int, start: int) -> None:
    ws = WorkstreamFactory(programme=programme)
    for i in range(start, start + n):
        g = GroupFactory(
            programme=programme, acronym=f"G{i}", level=3, parent=parent, workstream=ws
        )
        GroupFactory(programme=programme, acronym=f"G{i}W", level=4, parent=g)
        if i % 5 == 0:
            g.status = "stood_down"
            g.save()
            GroupSuccession.objects.create(predecessor=g, successor=parent, reason="test")


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_structure_page_query_count_is_constant(client, programme, psg, member_user, signed_in):
    if signed_in:
        client.force_login(member_user)
    _grow_groups(programme, psg, 2, 0)  # 5 groups
    small = count_queries(lambda: client.get("/"))
    _grow_groups(programme, psg, 23, 100)  # 51 groups
    assert GovernanceGroup.objects.count() >= 50
    assert count_queries(lambda: client.get("/")) == small
    assert count_queries(lambda: client.get("/?workstream=x&status=mobilised")) == small


def _grow_members(group: GovernanceGroup, n: int) -> None:
    programme = group.programme
    for _ in range(n):
        org = OrganisationFactory(programme=programme)
        c = ConstituencyFactory(programme=programme)
        m = MembershipFactory(
            group=group, person=PersonFactory(programme=programme, organisation=org), constituency=c
        )
        MembershipFactory(
            group=group,
            person=PersonFactory(programme=programme, organisation=org),
            constituency=c,
            role="alternate",
            alternate_for=m,
        )
        SeatFactory(group=group, constituency=c)


@pytest.mark.parametrize("tab", ["overview", "members", "terms", "history"])
def test_group_page_query_count_is_constant(client, programme, psg, tab, pmo_user):
    """10 memberships, then 200 (100 representatives, each with an alternate)."""
    dag = GroupFactory(programme=programme, acronym="DAG", level=3, parent=psg)
    url = f"/groups/DAG/?tab={tab}"
    _grow_members(dag, 5)  # 10 memberships
    services.update_group(actor=pmo_user, group=dag, expected_version=1, purpose="One")
    small = count_queries(lambda: client.get(url))
    _grow_members(dag, 95)  # 200 memberships
    for n in range(20):
        GroupFactory(programme=programme, acronym=f"C{n}", level=4, parent=dag)
        TermsOfReference.objects.create(
            group=dag, version_number=f"{n}", date=date(2022, 1, 1), text="x"
        )
        GroupStatusChange.objects.create(
            group=dag, status="mobilised", effective_date=date(2022, 1, 1)
        )
    services.update_group(actor=pmo_user, group=dag, expected_version=2, purpose="Two")
    assert dag.memberships.count() == 200
    assert count_queries(lambda: client.get(url)) == small


def test_members_tab_query_count_is_constant_across_pages_and_filters(client, programme, psg):
    dag = GroupFactory(programme=programme, acronym="DAG", level=3, parent=psg)
    a = ConstituencyFactory(programme=programme, code="a", name="Alpha")
    b = ConstituencyFactory(programme=programme, code="b", name="Beta")
    for c in (a, b):
        SeatFactory(group=dag, constituency=c)
    _add_members(dag, a, 5, "Alpha")
    _add_members(dag, b, 5, "Beta")
    urls = [
        "/groups/DAG/",
        "/groups/DAG/?tab=members",
        "/groups/DAG/?tab=members&page=2",
        "/groups/DAG/?tab=members&constituency=b",
        "/groups/DAG/?tab=members&constituency=b&page=2",
    ]

    def counts() -> dict[str, int]:
        return {url: count_queries(functools.partial(client.get, url)) for url in urls}

    small = counts()
    _add_members(dag, a, 100, "More alpha")
    _add_members(dag, b, 150, "More beta")  # 260 representatives: three pages
    assert dag.memberships.count() > 280
    assert counts() == small


def test_people_and_organisation_lists_query_counts_are_constant(client, programme):
    def grow(n: int) -> None:
        role = MarketRole.objects.create(
            code=f"r{MarketRole.objects.count()}", name=f"Role {MarketRole.objects.count()}"
        )
        for _ in range(n):
            org = OrganisationFactory(programme=programme)
            org.market_roles.add(role)
            PersonFactory(programme=programme, organisation=org)

    grow(10)
    people_small = count_queries(lambda: client.get("/people/"))
    orgs_small = count_queries(lambda: client.get("/organisations/"))
    grow(190)
    assert count_queries(lambda: client.get("/people/")) == people_small
    assert count_queries(lambda: client.get("/organisations/")) == orgs_small


def test_person_page_query_count_is_constant(client, programme, psg):
    person = PersonFactory(
        programme=programme, organisation=OrganisationFactory(programme=programme)
    )
    MembershipFactory(group=psg, person=person)
    url = f"/people/{person.pk}/"
    small = count_queries(lambda: client.get(url))
    for n in range(30):
        g = GroupFactory(programme=programme, acronym=f"X{n}", level=3, parent=psg)
        MembershipFactory(group=g, person=person)
    assert count_queries(lambda: client.get(url)) == small


def test_selectors_structure_overview_hides_hidden_successors(programme, psg):
    old = GroupFactory(programme=programme, acronym="OLD", level=3, parent=psg, status="stood_down")
    new = GroupFactory(
        programme=programme, acronym="NEW", level=3, parent=psg, visibility="participants"
    )
    GroupSuccession.objects.create(predecessor=old, successor=new)
    from progov.governance import selectors

    overview = selectors.structure_overview(user=AnonymousUser(), programme=programme)
    old_node = next(n for n in overview["levels"][0]["children"] if n["group"].acronym == "OLD")
    assert old_node["successors"] == []
    detail = selectors.group_detail_context(user=AnonymousUser(), group=old)
    assert detail["successors"] == []
