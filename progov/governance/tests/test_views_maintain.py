"""The secretariat's structure pages (governance/views/maintain.py): each form writes
through its service, refuses bad input beside the field and in the summary with nothing
written, keeps what was typed when the object changed meanwhile, and is offered and
allowed by the access model only."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from django.core import mail
from django.test import Client

from progov.accounts.models import User
from progov.audit.models import AuditEntry
from progov.core.testing.factories import MembershipFactory, PersonFactory, UserFactory
from progov.core.testing.html_checks import page_problems
from progov.governance.models import (
    Constituency,
    GovernanceGroup,
    GroupStatusChange,
    GroupSuccession,
    Membership,
    Organisation,
    Person,
    Seat,
    TermsOfReference,
)
from progov.governance.views.maintain import compare_lines

pytestmark = pytest.mark.django_db


def entries(object_type: str) -> int:
    return AuditEntry.objects.filter(object_type=object_type).count()


def group_body(**changes: str) -> dict[str, str]:
    body = {
        "name": "Data Migration Working Group",
        "acronym": "DMWG",
        "level": "4",
        "parent": "",
        "workstream": "",
        "is_formal": "on",
        "purpose": "Plan the migration of data.",
        "objectives": "Agree the approach\nTrack the cut-over",
        "timeframe": "To M10",
        "attendance": "closed",
        "attendance_note": "Migration leads",
        "visibility": "public",
        "schedule": "Every other Tuesday, 09:00-09:30",
        "schedule_timezone": "Europe/London",
        "status": "to_be_mobilised",
        "status_date": "",
        "status_note": "",
    }
    body.update(changes)
    return body


def test_the_secretariat_creates_a_working_group_under_tmag(client: Client, world, pmo_user):
    client.force_login(pmo_user)
    page = client.get("/groups/new/?parent=TMAG").content.decode()
    assert page_problems(page) == []
    # Under TMAG (level 3) the form proposes level 4.
    assert re.search(rf'<option value="{world["tmag"].pk}" selected>TMAG', page)
    assert '<option value="4" selected>' in page
    body = group_body(parent=str(world["tmag"].pk), status_date="2024-05-01")
    response = client.post("/groups/new/", body)
    assert response.status_code == 302 and response["Location"] == "/groups/DMWG/"
    group = GovernanceGroup.objects.get(acronym="DMWG")
    assert (group.parent, group.level) == (world["tmag"], 4)
    assert group.schedule_rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    assert (group.schedule_start_time, group.schedule_end_time) == (time(9, 0), time(9, 30))
    assert list(group.status_history.values_list("status", "effective_date", "note")) == [
        ("to_be_mobilised", date(2024, 5, 1), "Group created")
    ]
    assert entries("governance.governancegroup") == 1
    assert "DMWG is created." in client.get("/groups/DMWG/").content.decode()


def test_bad_input_is_shown_beside_its_field_and_nothing_is_written(
    client: Client, world, pmo_user
):
    client.force_login(pmo_user)
    response = client.post(
        "/groups/new/", group_body(acronym="dag", schedule="Third Blursday, 10:00-11:00")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert page_problems(page) == []
    assert 'class="error-summary"' in page and 'href="#id_schedule"' in page
    assert "is not a pattern progov understands" in page
    assert not GovernanceGroup.objects.filter(name="Data Migration Working Group").exists()
    # The schedule fixed, the service refuses the acronym (DAG, in any case) at its field.
    response = client.post("/groups/new/", group_body(acronym="dag"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "already uses the acronym" in page and 'href="#id_acronym"' in page
    assert 'value="Plan the migration of data."' not in page  # a textarea keeps its text…
    assert "Plan the migration of data." in page  # …inside it
    assert GovernanceGroup.objects.filter(acronym__iexact="dag").count() == 1
    assert entries("governance.governancegroup") == 0


def test_a_level_above_the_parent_is_refused_at_the_level(client: Client, world, pmo_user):
    client.force_login(pmo_user)
    response = client.post("/groups/new/", group_body(parent=str(world["dag"].pk), level="2"))
    assert response.status_code == 400
    assert (
        "a child&#x27;s level must be greater than its parent&#x27;s" in response.content.decode()
    )


def test_editing_records_a_status_change_with_its_date_and_note(client: Client, world, pmo_user):
    client.force_login(pmo_user)
    dag = world["dag"]
    page = client.get("/groups/DAG/edit/").content.decode()
    assert page_problems(page) == []
    assert 'value="2nd Wednesday of each month, 10:00-13:00"' in page
    body = group_body(
        name=dag.name,
        acronym="DAG",
        level="3",
        parent=str(world["psg"].pk),
        workstream=str(dag.workstream_id),
        schedule="2nd Wednesday of each month, 10:00-13:00",
        status="ad_hoc",
        status_date="2024-06-03",
        status_note="Design baselined: meets when needed",
        version=str(dag.version),
    )
    saved = client.post("/groups/DAG/edit/", body)
    assert saved.status_code == 302
    dag.refresh_from_db()
    assert dag.status == "ad_hoc" and dag.version == body_version(body) + 1
    latest = GroupStatusChange.objects.filter(group=dag).latest("effective_date")
    assert (latest.status, latest.effective_date, latest.note) == (
        "ad_hoc",
        date(2024, 6, 3),
        "Design baselined: meets when needed",
    )


def body_version(body: dict[str, str]) -> int:
    return int(body["version"])


def test_a_stale_edit_keeps_what_was_typed_and_takes_the_current_version(
    client: Client, world, pmo_user
):
    client.force_login(pmo_user)
    dag = world["dag"]
    body = group_body(
        acronym="DAG",
        name="Design Advisory Group (renamed)",
        level="3",
        parent=str(world["psg"].pk),
        version=str(dag.version),
    )
    GovernanceGroup.objects.filter(pk=dag.pk).update(version=dag.version + 1)  # someone else
    response = client.post("/groups/DAG/edit/", body)
    assert response.status_code == 409
    page = response.content.decode()
    assert "was changed by someone else since you loaded the page, so nothing was saved" in page
    assert 'value="Design Advisory Group (renamed)"' in page
    assert f'name="version" value="{dag.version + 1}"' in page
    dag.refresh_from_db()
    assert dag.name == "Design Advisory Group"
    # Saving again (deliberately, over the newer version) goes through.
    body["version"] = str(dag.version)
    assert client.post("/groups/DAG/edit/", body).status_code == 302


def test_the_schedule_preview_shows_the_next_dates_and_days_off(
    client: Client, world, pmo_user, monkeypatch
):
    from progov.governance.views import maintain

    assert client.get("/groups/schedule-preview/", {"schedule": "TBC"}).status_code == 302
    client.force_login(pmo_user)
    monkeypatch.setattr(maintain, "today_for", lambda programme: date(2024, 12, 1))
    wanted = {"schedule": "4th Wednesday of each month, 10:00-12:00"}
    answer = client.get("/groups/schedule-preview/", wanted, headers={"HX-Request": "true"})
    page = answer.content.decode()
    assert page_problems(page, fragment=True) == []
    # Without JavaScript the same preview is a page of its own, with its form.
    whole = client.get("/groups/schedule-preview/", wanted).content.decode()
    assert page_problems(whole) == [] and "Wed 25 Dec 2024" in whole
    assert "4th Wednesday of each month, 10:00–12:00" in page
    assert "Wed 25 Dec 2024" in page and "not a working day: Christmas Day" in page
    assert "Wed 22 Jan 2025" in page
    assert len(re.findall(r"<li>", page)) == 6
    bad = client.get("/groups/schedule-preview/", {"schedule": "whenever"}).content.decode()
    assert "has no time range" in bad
    # A daily rule is refused (one that never matches would walk to the year 9999).
    daily = "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30, 10:00-11:00"
    refused = client.get("/groups/schedule-preview/", {"schedule": daily}).content.decode()
    assert "meetings recur weekly, monthly or yearly" in refused
    none = client.get("/groups/schedule-preview/", {"schedule": "TBC"}).content.decode()
    assert "TBC: no regular meetings." in none


def test_a_restructure_can_stand_the_group_down_in_the_same_act(client: Client, world, pmo_user):
    client.force_login(pmo_user)
    dag, sitag = world["dag"], world["sitag"]
    body = {
        "successor": str(sitag.pk),
        "date": "2024-07-01",
        "reason": "CR099: design moves to SITAG",
        "stand_down": "on",
    }
    assert client.post("/groups/DAG/restructure/", body).status_code == 302
    assert GroupSuccession.objects.filter(predecessor=dag, successor=sitag).exists()
    dag.refresh_from_db()
    assert dag.status == "stood_down"
    assert dag.status_history.latest("effective_date").note == "CR099: design moves to SITAG"
    # Again: the link exists, so nothing is written (not even the status).
    again = client.post("/groups/DAG/restructure/", body)
    assert again.status_code == 400 and "is already recorded" in again.content.decode()
    assert GroupSuccession.objects.filter(predecessor=dag).count() == 1


def test_terms_of_reference_new_version_preview_and_comparison(client: Client, world, pmo_user):
    client.force_login(pmo_user)
    page = client.get("/groups/DAG/tor/new/").content.decode()
    assert page_problems(page) == []
    assert 'value="3.0"' in page and "The terms in force." in page  # copied in
    text = "## DAG Role\n\nThe terms in force.\n\n- a) SRO - Chair"
    htmx = client.post("/groups/DAG/tor/preview/", {"text": text}, headers={"HX-Request": "true"})
    assert "<h3>DAG Role</h3>" in htmx.content.decode()
    assert "<li>a) SRO - Chair</li>" in htmx.content.decode()
    body = {"version_number": "3.0", "date": "2024-07-01", "change_note": "CR099", "text": text}
    no_js = client.post("/groups/DAG/tor/new/", {**body, "preview": "1"})
    assert no_js.status_code == 200 and "<h3>DAG Role</h3>" in no_js.content.decode()
    assert not TermsOfReference.objects.filter(version_number="3.0").exists()
    assert client.post("/groups/DAG/tor/new/", body).status_code == 302
    dup = client.post("/groups/DAG/tor/new/", body)
    assert dup.status_code == 400 and "already has terms of reference version 3.0" in (
        dup.content.decode()
    )
    compare = client.get("/groups/DAG/tor/compare/", {"a": "2.0", "b": "3.0"}).content.decode()
    assert page_problems(compare) == []
    assert '<ins><span class="visually-hidden">Added: </span>## DAG Role</ins>' in compare
    assert "differ between version 2.0" in compare


def test_compare_lines_aligns_what_stayed_changed_went_and_came():
    rows = compare_lines("a\nb\nc\nd", "a\nB\nc\ne\nf")
    assert [(r.kind, r.left, r.right) for r in rows] == [
        ("same", "a", "a"),
        ("changed", "b", "B"),
        ("same", "c", "c"),
        ("changed", "d", "e"),
        ("added", None, "f"),
    ]


def test_seats_and_members_are_kept_in_the_pages(client: Client, world, pmo_user):
    client.force_login(pmo_user)
    dag, large = world["dag"], world["large"]
    body = {"label": "n) Small Supplier Representative", "role": "representative"}
    body |= {"constituency": str(large.pk), "position": "5"}
    assert client.post("/groups/DAG/seats/new/", body).status_code == 302
    seat = Seat.objects.get(group=dag, label="n) Small Supplier Representative")
    members = client.get("/groups/DAG/?tab=members").content.decode()
    assert f"/groups/DAG/members/new/?seat={seat.pk}" in members  # "Fill" on the vacant seat
    form = client.get(f"/groups/DAG/members/new/?seat={seat.pk}").content.decode()
    assert f'<option value="{seat.pk}" selected>' in form
    person = PersonFactory(programme=dag.programme, name="Sam Small")
    member = {"person": str(person.pk), "role": "representative", "seat": str(seat.pk)}
    member |= {"constituency": "", "alternate_for": "", "part": "", "start_date": "2024-07-01"}
    member["end_date"] = ""
    assert client.post("/groups/DAG/members/new/", member).status_code == 302
    membership = Membership.objects.get(group=dag, person=person)
    assert membership.constituency == large  # taken from the seat
    # An alternate for someone of another constituency is refused at that field.
    other = Constituency.objects.create(programme=dag.programme, code="dno", name="DNO")
    alt = {**member, "role": "alternate", "constituency": str(other.pk), "seat": ""}
    alt["alternate_for"] = str(membership.pk)
    refused = client.post("/groups/DAG/members/new/", alt)
    assert refused.status_code == 400
    assert "same constituency" in refused.content.decode()
    # Ending it keeps it; removing needs the tick.
    end = {"version": str(membership.version), "end_date": "2024-12-31"}
    assert client.post(f"/groups/DAG/members/{membership.pk}/end/", end).status_code == 302
    membership.refresh_from_db()
    assert membership.end_date == date(2024, 12, 31)
    remove = {"version": str(membership.version)}
    unticked = client.post(f"/groups/DAG/members/{membership.pk}/remove/", remove)
    assert unticked.status_code == 400 and "Tick to confirm" in unticked.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()
    remove["confirmed"] = "on"
    assert client.post(f"/groups/DAG/members/{membership.pk}/remove/", remove).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_a_chair_keeps_their_groups_membership_but_not_the_group(client: Client, world):
    dag = world["dag"]
    chair = UserFactory(username="dagchair", role="member")
    MembershipFactory(
        group=dag,
        person=PersonFactory(programme=dag.programme, user=chair),
        role="chair",
        constituency=None,
    )
    client.force_login(chair)
    members = client.get("/groups/DAG/?tab=members").content.decode()
    assert "Add a member" in members and "Add a seat" not in members
    assert "Edit DAG" not in client.get("/groups/DAG/").content.decode()
    assert client.get("/groups/DAG/members/new/").status_code == 200
    assert client.get("/groups/DAG/edit/").status_code == 403
    assert client.get("/groups/DAG/seats/new/").status_code == 403
    assert client.get("/groups/SDWG/members/new/").status_code == 403  # not their group


def test_visitors_are_asked_to_sign_in_and_members_refused(client: Client, world, member_user):
    response = client.get("/groups/new/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/groups/NOPE/edit/").status_code == 404  # missing is missing
    assert client.post("/people/new/", {"name": "X"}).status_code == 302
    client.force_login(member_user)
    for url in ("/groups/new/", "/groups/DAG/edit/", "/people/new/", "/constituencies/new/"):
        assert client.get(url).status_code == 403, url
    assert client.post("/people/new/", {"name": "X"}).status_code == 403
    assert not Person.objects.filter(name="X").exists()
    assert "New group" not in client.get("/").content.decode()


def test_people_organisations_and_constituencies(client: Client, world, pmo_user):
    client.force_login(pmo_user)
    org = world["org"]
    person = {"name": "Pat Planner", "organisation": str(org.pk), "job_title": "PMO"}
    person["email"] = "not an address"
    refused = client.post("/people/new/", person)
    assert refused.status_code == 400 and "Enter a valid email address." in (
        refused.content.decode()
    )
    person["email"] = "pat@example.org"
    response = client.post("/people/new/", person)
    pat = Person.objects.get(name="Pat Planner")
    assert response["Location"] == f"/people/{pat.pk}/"
    assert "Edit Pat Planner" in client.get(f"/people/{pat.pk}/").content.decode()
    edit = {**person, "job_title": "PMO analyst", "version": str(pat.version)}
    assert client.post(f"/people/{pat.pk}/edit/", edit).status_code == 302
    pat.refresh_from_db()
    assert pat.job_title == "PMO analyst"

    supplier = org.market_roles.get()
    new_org: dict[str, str | list[str]] = {
        "name": "Bright Energy",
        "short_name": "Bright",
        "website": "bright.example",
        "market_roles": [str(supplier.pk)],
    }
    assert client.post("/organisations/new/", new_org).status_code == 302
    bright = Organisation.objects.get(name="Bright Energy")
    assert bright.website == "https://bright.example"
    assert list(bright.market_roles.all()) == [supplier]
    dup = client.post("/organisations/new/", new_org)
    assert dup.status_code == 400 and "already exists" in dup.content.decode()

    page = client.get("/constituencies/").content.decode()
    assert page_problems(page) == [] and "Large Supplier" in page
    constituency = {"code": "i-and-c", "name": "I&C Supplier", "kind": "participant"}
    constituency["description"] = ""
    assert client.post("/constituencies/new/", constituency).status_code == 302
    again = client.post("/constituencies/new/", constituency)
    assert again.status_code == 400 and "already exists" in again.content.decode()
    created = Constituency.objects.get(code="i-and-c")
    edit_c = {**constituency, "name": "I&C Suppliers", "version": str(created.version)}
    assert client.post("/constituencies/i-and-c/edit/", edit_c).status_code == 302
    created.refresh_from_db()
    assert (created.code, created.name) == ("i-and-c", "I&C Suppliers")


def test_password_reset_by_email_sets_a_first_password(client: Client, world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = User.objects.create(username="jdoe", email="jane@example.org", role="member")
    user.set_unusable_password()
    user.save()
    login = client.get("/accounts/login/").content.decode()
    assert "/accounts/password-reset/" in login
    unknown = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    known = client.post("/accounts/password-reset/", {"email": "JANE@example.org"})
    # The same answer either way: whether an address is known is never shown.
    assert unknown["Location"] == known["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jane@example.org"]
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+/)", str(mail.outbox[0].body))
    assert link is not None
    form = client.get(link.group(1), follow=True)
    assert "Set a new password" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "abc", "new_password2": "abc"})
    assert weak.status_code == 200 and "too short" in weak.content.decode()
    strong = "Reset-me-2024-now"
    done = client.post(set_url, {"new_password1": strong, "new_password2": strong})
    assert done["Location"] == "/accounts/password-reset/done/"
    user.refresh_from_db()
    assert user.check_password(strong)
    entry = AuditEntry.objects.filter(object_type="accounts.user").latest("id")
    assert entry.changes == {"password": ["(hidden)", "(changed)"]}
    # The link works once.
    assert (
        "has expired or was already used" in client.get(link.group(1), follow=True).content.decode()
    )
