from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from progov.core.testing.factories import (
    GroupFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
)
from progov.decisions.models import Delegation, RuleSet
from progov.governance.models import RegulatorThreshold
from progov.meetings.tests.attendance_world import meeting_of


@pytest.fixture
def rules_world(programme, psg):
    """OFGEM (Level 1) over PSG (2) over DAG and TMAG (3); SDWG (4) under DAG, DWG (4)
    under TMAG. The MHHS thresholds; design delegated to DAG, change requests to DAG,
    the programme's plan to PSG; PSG #24 and DWG #3 held."""
    ofgem = GroupFactory(programme=programme, acronym="OFGEM", name="Ofgem", level=1)
    psg.parent = ofgem
    psg.save()
    dag = GroupFactory(programme=programme, acronym="DAG", level=3, parent=psg)
    tmag = GroupFactory(programme=programme, acronym="TMAG", level=3, parent=psg)
    sdwg = GroupFactory(programme=programme, acronym="SDWG", level=4, parent=dag)
    dwg = GroupFactory(programme=programme, acronym="DWG", level=4, parent=tmag)
    for key, amount, cumulative in (
        ("tom_impact", None, False),
        ("cost_single", Decimal(5_000_000), False),
        ("cost_cumulative", Decimal(20_000_000), True),
        ("consumer_competition_impact", None, False),
    ):
        RegulatorThreshold.objects.create(
            programme=programme,
            key=key,
            description=key,
            amount=amount,
            currency="GBP",
            cumulative=cumulative,
        )
    rules = RuleSet.objects.create(
        programme=programme, framework_version="3.2", regulator=ofgem, via="the IPA"
    )
    for subject, label, level, groups in (
        ("programme", "Programme plan", 2, []),
        ("design", "Design decisions", 3, [dag]),
        ("change_request", "Change requests", 3, [dag]),
        ("working", "Working arrangements", 4, []),
    ):
        d = Delegation.objects.create(rules=rules, subject_type=subject, label=label, level=level)
        d.groups.set(groups)
    chair_login = UserFactory(username="psgchair", role="member")
    chair = PersonFactory(programme=programme, name="Pat Chair", user=chair_login)
    MembershipFactory(group=psg, person=chair, role="chair", constituency=None)
    dwg_login = UserFactory(username="dwgchair", role="member")
    MembershipFactory(
        group=dwg,
        person=PersonFactory(programme=programme, user=dwg_login),
        role="chair",
        constituency=None,
    )
    tmag_login = UserFactory(username="tmagchair", role="member")
    MembershipFactory(
        group=tmag,
        person=PersonFactory(programme=programme, user=tmag_login),
        role="chair",
        constituency=None,
    )
    return {
        "ofgem": ofgem,
        "psg": psg,
        "dag": dag,
        "tmag": tmag,
        "sdwg": sdwg,
        "dwg": dwg,
        "rules": rules,
        "psg24": meeting_of(psg, date(2023, 9, 6), number=24, status="held"),
        "sdwg3": meeting_of(sdwg, date(2023, 9, 7), number=3, status="held"),
        "chair_login": chair_login,
        "dwg_login": dwg_login,
        "tmag_login": tmag_login,
    }
