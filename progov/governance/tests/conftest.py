"""Shared data for the governance page tests (views and browser)."""

from __future__ import annotations

from datetime import date, time

import pytest

from progov.core.testing.factories import (
    ConstituencyFactory,
    GroupFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    SeatFactory,
    WorkstreamFactory,
)
from progov.governance.models import (
    GroupStatusChange,
    GroupSuccession,
    MarketRole,
    TermsOfReference,
)


@pytest.fixture
def world(programme, psg):
    """A small MHHS-like structure: levels 2-4, a restructure, a group outside the levels,
    a participants-only group, members with an alternate and a vacant seat."""
    design = WorkstreamFactory(programme=programme, name="Design")
    testing = WorkstreamFactory(programme=programme, name="Test and Migration")
    psg.workstream = WorkstreamFactory(programme=programme, name="Programme")
    psg.save()
    dag = GroupFactory(
        programme=programme,
        acronym="DAG",
        name="Design Advisory Group",
        level=3,
        parent=psg,
        workstream=design,
        purpose="Oversee, review, consult and approve the design.",
        objectives="Approve the design\nReview design RAID",
        schedule_rrule="FREQ=MONTHLY;BYDAY=2WE",
        schedule_start_time=time(10, 0),
        schedule_end_time=time(13, 0),
        timeframe="To Q1 23/24",
    )
    sdwg = GroupFactory(
        programme=programme,
        acronym="SDWG",
        name="Security Design Working Group",
        level=4,
        parent=dag,
        workstream=design,
        status="mobilisation_in_progress",
        schedule_rrule="",
        schedule_note="TBC",
    )
    tmag = GroupFactory(
        programme=programme,
        acronym="TMAG",
        name="Testing and Migration Advisory Group",
        level=3,
        parent=psg,
        workstream=testing,
        status="stood_down",
    )
    sitag = GroupFactory(
        programme=programme,
        acronym="SITAG",
        name="SIT Advisory Group",
        level=3,
        parent=psg,
        workstream=testing,
    )
    GroupSuccession.objects.create(
        predecessor=tmag, successor=sitag, date=date(2023, 11, 27), reason="CR035"
    )
    ftig = GroupFactory(
        programme=programme,
        acronym="FTIG",
        name="Fast Track Implementation Group",
        level=None,
        parent=psg,
        schedule_rrule="FREQ=MONTHLY;BYDAY=2FR,4FR",
        schedule_start_time=time(10, 0),
        schedule_end_time=time(11, 30),
    )
    ecg = GroupFactory(
        programme=programme,
        acronym="ECG",
        name="Engagement and Communications Group",
        level=None,
        is_formal=False,
        visibility="participants",
    )
    TermsOfReference.objects.create(
        group=dag, version_number="1.0", date=date(2022, 1, 10), text="The first terms."
    )
    TermsOfReference.objects.create(
        group=dag,
        version_number="2.0",
        date=date(2023, 3, 8),
        text="The terms in force.",
        change_note="Updated with CR020",
    )
    GroupStatusChange.objects.create(group=dag, status="mobilised", effective_date=date(2022, 3, 1))
    large = ConstituencyFactory(programme=programme, name="Large Supplier")
    supplier = MarketRole.objects.create(code="supplier", name="Supplier")
    org = OrganisationFactory(programme=programme, name="Octopus Energy")
    org.market_roles.add(supplier)
    jane = PersonFactory(
        programme=programme, name="Jane Doe", organisation=org, email="jane@example.org"
    )
    alex = PersonFactory(programme=programme, name="Alex Alternate", organisation=org)
    rep_seat = SeatFactory(group=dag, label="l) Large Supplier Representative", constituency=large)
    SeatFactory(group=dag, label="m) Medium Supplier Representative", constituency=large)
    jane_dag = MembershipFactory(
        group=dag, person=jane, constituency=large, seat=rep_seat, start_date=date(2022, 2, 1)
    )
    MembershipFactory(
        group=dag, person=alex, constituency=large, role="alternate", alternate_for=jane_dag
    )
    MembershipFactory(group=ecg, person=jane, constituency=large)
    return {
        "psg": psg,
        "dag": dag,
        "sdwg": sdwg,
        "tmag": tmag,
        "sitag": sitag,
        "ftig": ftig,
        "ecg": ecg,
        "org": org,
        "jane": jane,
        "alex": alex,
        "large": large,
    }
