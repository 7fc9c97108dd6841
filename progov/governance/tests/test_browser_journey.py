"""The secretariat's journey in Chromium (issue 9's acceptance): as `pmo`, create a
working group under TMAG with a schedule, generate its meetings, add a seat, add a new
person into it, link a login to them; that person sets a first password by the e-mail
link, signs in, and their home page lists the group's next meeting, their personal feed
has its events, and the meeting's coverage counts them."""

from __future__ import annotations

import re
import urllib.request

import pytest
from django.core import mail
from playwright.sync_api import expect

from progov.core.testing.browser import screenshot, sign_in
from progov.governance.models import GovernanceGroup, Membership, Person

pytestmark = pytest.mark.browser


def test_pmo_sets_up_a_working_group_and_its_member_finds_it(
    browser_page, live_server, world, pmo_user, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    page, base = browser_page, live_server.url
    sign_in(page, base, pmo_user.username)

    # A working group under TMAG, its schedule previewed as it is typed.
    page.goto(base + "/groups/TMAG/")
    page.get_by_role("link", name="New group under TMAG").click()
    expect(page.get_by_label("Reports to")).to_have_value(str(world["tmag"].pk))
    page.get_by_label("Name", exact=True).fill("Data Migration Working Group")
    page.get_by_label("Acronym").fill("DMWG")
    page.get_by_label("Schedule", exact=True).fill("2nd Thursday of each month, 10:00-11:00")
    preview = page.locator("#schedule-preview")
    expect(preview).to_contain_text("2nd Thursday of each month, 10:00–11:00")
    expect(preview.locator("li")).to_have_count(6)
    page.get_by_label("Status", exact=True).select_option("mobilised")
    page.get_by_role("button", name="Create the group").click()
    expect(page.locator(".messages")).to_contain_text("DMWG is created.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Data Migration Working Group")
    group = GovernanceGroup.objects.get(acronym="DMWG")
    assert group.parent == world["tmag"] and group.schedule_rrule == "FREQ=MONTHLY;BYDAY=2TH"

    # Its meetings, from the schedule.
    page.goto(base + "/meetings/groups/DMWG/")
    page.get_by_label("Generate meetings until").fill("2031-12-31")
    page.get_by_role("button", name="Generate meetings").click()
    expect(page.locator(".messages")).to_contain_text("created")

    # A seat, and a new person to fill it.
    page.goto(base + "/groups/DMWG/?tab=members")
    page.get_by_role("link", name="Add a seat").click()
    page.get_by_label("Seat", exact=True).fill("a) Large Supplier Representative")
    page.get_by_label("Constituency").select_option(label="Large Supplier")
    page.get_by_role("button", name="Add the seat").click()
    expect(page.locator(".messages")).to_contain_text("DMWG has a new seat")

    page.goto(base + "/people/")
    page.get_by_role("link", name="New person").click()
    page.get_by_label("Name", exact=True).fill("Robin Rowe")
    page.get_by_label("Organisation", exact=True).select_option(label="Octopus Energy")
    page.get_by_label("E-mail").fill("robin@example.org")
    page.get_by_role("button", name="Add the person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Robin Rowe")
    robin = Person.objects.get(name="Robin Rowe")

    page.goto(base + "/groups/DMWG/?tab=members")
    page.get_by_role("link", name="Fill the seat a) Large Supplier Representative").click()
    expect(page.get_by_label("Role", exact=True)).to_have_value("representative")
    page.get_by_label("Person", exact=True).select_option(str(robin.pk))
    page.get_by_label("From").fill("2024-01-01")
    page.get_by_role("button", name="Add the member").click()
    expect(page.locator(".messages")).to_contain_text("Robin Rowe is a member of DMWG")
    expect(page.locator("table.members")).to_contain_text("Robin Rowe")
    assert Membership.objects.filter(group=group, person=robin).exists()

    # Their login: linked by the secretariat, a member's login without a password yet.
    page.goto(base + f"/people/{robin.pk}/")
    page.get_by_label("Login (username)").fill("rrowe")
    page.get_by_role("button", name=re.compile("Link|Save")).click()
    expect(page.locator(".messages")).to_contain_text("linked to the login “rrowe”")
    screenshot(page, "journey-person-linked")
    page.context.clear_cookies()

    # Robin sets a first password by the e-mail link, then signs in.
    page.goto(base + "/accounts/login/")
    page.get_by_role("link", name=re.compile("Forgotten your password")).click()
    page.get_by_label("E-mail address").fill("robin@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/password-reset/\S+/", str(mail.outbox[0].body))
    assert link is not None
    page.goto(link.group(0))
    page.get_by_label("New password", exact=True).fill("Migrate-the-data-2031")
    page.get_by_label("New password confirmation").fill("Migrate-the-data-2031")
    page.get_by_role("button", name="Set the password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is set")
    sign_in(page, base, "rrowe", "Migrate-the-data-2031")

    # Home: their next meeting.
    expect(page).to_have_url(re.compile(r"/home/$"))
    expect(page.locator("main")).to_contain_text("DMWG #")
    screenshot(page, "journey-member-home")

    # Their personal feed has the group's events.
    page.goto(base + "/meetings/feeds/mine/")
    page.get_by_role("button", name="Create a feed link").click()
    feed_url = page.locator("#new-feed-url").input_value()
    with urllib.request.urlopen(feed_url) as response:  # noqa: S310 - the live server
        ics = response.read().decode()
    assert "BEGIN:VEVENT" in ics and "DMWG" in ics

    # The next meeting's coverage counts them (invited as the seat's representative).
    meeting = group.meetings.filter(status="planned").order_by("start").first()
    assert meeting is not None
    page.goto(base + f"/meetings/{meeting.pk}/")
    expect(page.locator("main")).to_contain_text("Large Supplier")
    expect(page.locator("main")).to_contain_text("of 1 represented")
