from __future__ import annotations

from datetime import date

import pytest

from progov.core.testing.factories import (
    GroupFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)
from progov.meetings.tests.attendance_world import meeting_of


@pytest.fixture
def log_world(programme, psg):
    """PSG with #23 (2 Aug 2023) and #24 (6 Sep 2023), DAG with its extraordinary 10.1, the
    programme's staff (Fraser Mathieson of MHHS Programme, with a login), a representative
    of Example Energy (with a login) and its chair (with a login)."""
    mhhs = OrganisationFactory(programme=programme, name="MHHS Programme", short_name="MHHS")
    example = OrganisationFactory(programme=programme, name="Example Energy", short_name="EE")
    other = OrganisationFactory(programme=programme, name="Other Energy", short_name="OE")
    fraser_login = UserFactory(username="fraser", role="member")
    fraser = PersonFactory(
        programme=programme, name="Fraser Mathieson", organisation=mhhs, user=fraser_login
    )
    rep_login = UserFactory(username="rep", role="member")
    rep = PersonFactory(programme=programme, name="Rita Rep", organisation=example, user=rep_login)
    stranger_login = UserFactory(username="stranger", role="member")
    PersonFactory(programme=programme, name="Sam Stranger", organisation=other, user=stranger_login)
    chair_login = UserFactory(username="chair", role="member")
    chair = PersonFactory(
        programme=programme, name="Chris Chair", organisation=mhhs, user=chair_login
    )
    MembershipFactory(group=psg, person=chair, role="chair", constituency=None)
    MembershipFactory(group=psg, person=rep, role="representative")
    dag = GroupFactory(
        programme=programme, acronym="DAG", name="Design Advisory Group", level=3, parent=psg
    )
    psg23 = meeting_of(psg, date(2023, 8, 2), number=23, status="held")
    psg24 = meeting_of(psg, date(2023, 9, 6), number=24, status="held")
    dag101 = meeting_of(dag, date(2022, 6, 21), number=10)
    dag101.number_minor = 1
    dag101.kind = "extraordinary"
    dag101.scheduled_start = None
    dag101.save()
    return {
        "psg": psg,
        "dag": dag,
        "psg23": psg23,
        "psg24": psg24,
        "dag101": dag101,
        "mhhs": mhhs,
        "example": example,
        "fraser": fraser,
        "fraser_login": fraser_login,
        "rep": rep,
        "rep_login": rep_login,
        "stranger_login": stranger_login,
        "chair": chair,
        "chair_login": chair_login,
    }
