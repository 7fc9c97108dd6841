"""The data-pack loader and the MHHS pack it ships (progov/packs/mhhs.yaml)."""

from __future__ import annotations

import re
import textwrap
from datetime import date, time
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from progov.audit.models import AuditEntry
from progov.governance.models import (
    Constituency,
    DeadlineRule,
    FrameworkVersion,
    GovernanceGroup,
    GroupSuccession,
    MarketRole,
    Membership,
    Programme,
    RegulatorThreshold,
    Seat,
    TermsOfReference,
)
from progov.packs import MHHS_PACK as DEFAULT_PACK
from progov.packs.loader import PackError, load_pack, load_pack_text, read_pack

pytestmark = pytest.mark.django_db

# Every group the seeds name: acronym → (level, parent, workstream).
SEED_GROUPS = {
    "OFGEM": (1, None, "Programme"),
    "PSG": (2, "OFGEM", "Programme"),
    "FTIG": (None, None, "Programme"),
    "DAG": (3, "PSG", "Design"),
    "BPRWG-TDWG": (4, "DAG", "Design"),
    "SDWG": (4, "DAG", "Design"),
    "CCIAG": (4, None, None),
    "MTDSG": (4, None, None),
    "TAG": (3, "PSG", "Test and Migration"),
    "TMAG": (3, "PSG", "Test and Migration"),
    "SITAG": (3, "PSG", "Test and Migration"),
    "MCAG": (3, "PSG", "Test and Migration"),
    "QAG": (3, "PSG", "Test and Migration"),
    "DWG": (4, "TMAG", "Test and Migration"),
    "MWG": (4, "TMAG", "Test and Migration"),
    "DCWG": (4, "TMAG", "Test and Migration"),
    "EWG": (4, "TMAG", "Test and Migration"),
    "QWG": (4, "TMAG", "Test and Migration"),
    "SITWG": (4, "TMAG", "Test and Migration"),
    "NFTWG": (4, "TMAG", "Test and Migration"),
    "TWG": (4, "TMAG", "Test and Migration"),
    "CCAG": (3, "PSG", "Code"),
    "CDWG": (4, "CCAG", "Code"),
    "IAG": (3, "PSG", None),
    "ECG": (None, None, None),
    "SASWG": (4, "PSG", None),
}


def row_counts() -> dict[str, int]:
    """Rows in every governance and audit table (many-to-many tables included)."""
    counts: dict[str, int] = {}
    for label in ("governance", "audit"):
        for model in apps.get_app_config(label).get_models():
            counts[model._meta.label] = model._default_manager.count()
            for m2m in model._meta.many_to_many:
                through: Any = m2m.remote_field.through
                counts[through._meta.label] = through._default_manager.count()
    return counts


def max_audit_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def pack(text: str) -> str:
    """A pack written inline: dedented, so line numbers count from the first line."""
    return textwrap.dedent(text).lstrip("\n")


def errors_of(text: str) -> list[str]:
    with pytest.raises(PackError) as caught:
        load_pack_text(pack(text), name="test.yaml")
    return caught.value.errors


@pytest.fixture
def mhhs():
    report = load_pack(DEFAULT_PACK)
    return Programme.objects.get(slug="mhhs"), report


# --- the MHHS pack ----------------------------------------------------------------------


def test_mhhs_pack_loads_every_seed_group_with_level_parent_and_workstream(mhhs):
    programme, report = mhhs
    assert (programme.name, programme.short_name, programme.sponsor) == (
        "Market-wide Half-Hourly Settlement",
        "MHHS",
        "Ofgem",
    )
    assert programme.governance_calendar == "england-and-wales"
    groups = {
        g.acronym: g
        for g in GovernanceGroup.objects.filter(programme=programme).select_related(
            "parent", "workstream"
        )
    }
    assert set(groups) == set(SEED_GROUPS)
    for acronym, (level, parent, workstream) in SEED_GROUPS.items():
        g = groups[acronym]
        got = (g.level, g.parent.acronym if g.parent else None, str(g.workstream or "") or None)
        assert got == (level, parent, workstream), acronym
        if g.parent and g.level and g.parent.level:
            assert g.level > g.parent.level, acronym
    assert report.counts["groups"].created == len(SEED_GROUPS)
    assert groups["ECG"].is_formal is False
    assert all(g.is_formal for a, g in groups.items() if a != "ECG")


def test_mhhs_pack_schedules_are_the_overviews(mhhs):
    def group(acronym: str) -> GovernanceGroup:
        return GovernanceGroup.objects.get(programme__slug="mhhs", acronym=acronym)

    def schedule(acronym: str) -> tuple[str, time | None, time | None, str]:
        g = group(acronym)
        return g.schedule_rrule, g.schedule_start_time, g.schedule_end_time, g.schedule_note

    assert schedule("PSG") == ("FREQ=MONTHLY;BYDAY=1WE", time(10), time(12), "")
    assert schedule("DAG") == ("FREQ=MONTHLY;BYDAY=2WE", time(10), time(13), "")
    dag = group("DAG")
    assert dag.level == 3 and dag.parent is not None and dag.parent.acronym == "PSG"
    assert group("FTIG").level is None
    assert schedule("FTIG") == ("FREQ=MONTHLY;BYDAY=2FR,4FR", time(10), time(11, 30), "")
    assert schedule("TMAG")[0] == "FREQ=MONTHLY;BYDAY=3WE"
    assert schedule("DCWG") == ("FREQ=MONTHLY;BYDAY=4TH", time(10), time(12), "")
    # Overview, not the weekly table (1400-1600):
    assert schedule("MWG") == ("FREQ=MONTHLY;BYDAY=2TH", time(15), time(17), "")
    assert schedule("CDWG") == ("FREQ=MONTHLY;BYDAY=2TU,3TU", time(10), time(11, 30), "")
    assert schedule("BPRWG-TDWG") == ("", None, None, "N/A")
    assert schedule("SDWG") == ("", None, None, "TBC")


def test_mhhs_pack_keeps_restructures_and_dated_status_history(mhhs):
    pairs = set(
        GroupSuccession.objects.values_list("predecessor__acronym", "successor__acronym", "date")
    )
    cr035 = date(2023, 11, 27)
    assert pairs == {
        ("TAG", "TMAG", date(2022, 3, 1)),
        ("TMAG", "SITAG", cr035),
        ("TMAG", "MCAG", cr035),
        ("TMAG", "QAG", cr035),
    }
    tmag = GovernanceGroup.objects.get(acronym="TMAG")
    assert tmag.status == "stood_down"
    assert list(tmag.status_history.values_list("status", "effective_date")) == [
        ("mobilised", date(2022, 3, 1)),
        ("stood_down", cr035),
    ]
    tag = GovernanceGroup.objects.get(acronym="TAG")
    assert list(tag.status_history.values_list("status", "effective_date")) == [
        ("mobilised", date(2022, 1, 1)),
        ("stood_down", date(2022, 3, 1)),
    ]
    # The pack's first date and note replace create_group's "created today".
    assert not GovernanceGroup.objects.filter(status_history__effective_date=date.today()).exists()
    assert GovernanceGroup.objects.get(acronym="DCWG").status_history.count() == 2


def test_mhhs_pack_framework_change_record_has_fifteen_versions_in_order(mhhs):
    versions = list(
        FrameworkVersion.objects.filter(programme__slug="mhhs").values_list("version", flat=True)
    )
    # Seed 001's change record: 15 rows, 0.1 to 3.2.
    assert versions == [
        "0.1",
        "0.2",
        "0.3",
        "1.0",
        "1.1",
        "2.0",
        "2.1",
        "2.2",
        "2.3",
        "2.4",
        "2.5",
        "2.6",
        "3.0",
        "3.1",
        "3.2",
    ]
    last = FrameworkVersion.objects.get(version="3.2")
    assert last.author == "Amy Clayton & Fraser Mathieson"
    assert last.date == date(2023, 11, 27)


def test_mhhs_pack_terms_of_reference_and_seats(mhhs):
    tors = set(TermsOfReference.objects.values_list("group__acronym", "version_number"))
    assert tors == {
        ("PSG", "3.2"),
        ("DAG", "3.2"),
        ("CCAG", "3.0"),
        ("CCAG", "3.2"),
        ("TAG", "2.6"),
        ("TMAG", "3.1"),
        ("SITAG", "3.2"),
        ("MCAG", "3.2"),
        ("QAG", "3.2"),
    }
    psg = TermsOfReference.objects.get(group__acronym="PSG")
    assert "within two working days" in psg.text
    assert "one two" not in psg.text and "Levellower" not in psg.text
    assert "- l) Large Supplier Representative" in psg.text
    tmag = TermsOfReference.objects.get(group__acronym="TMAG")
    assert tmag.change_note == "Updated with CR020 (updated TMAG Terms of Reference)"
    assert "co-representation" in tmag.text

    seats = {
        s.label: (s.role, s.constituency.code if s.constituency else None)
        for s in Seat.objects.filter(group__acronym="PSG").select_related("constituency")
    }
    assert len(seats) == 23
    assert seats["a) SRO - Chair"] == ("chair", "programme")
    assert seats["c) Lead Delivery Partner (LDP) Programme Manager"] == (
        "programme_lead",
        "programme",
    )
    assert seats["g) Independent Programme Assurance (IPA) Manager"] == ("programme_lead", "ipa")
    assert seats["l) Large Supplier Representative"] == ("representative", "large-supplier")
    assert seats["v) Ofgem (Observer)"] == ("observer", "ofgem")
    assert seats["w) The PMO will attend to act as meeting secretariat."] == (
        "secretariat",
        "programme",
    )
    assert list(
        Seat.objects.filter(group__acronym="PSG").values_list("position", flat=True)
    ) == list(range(1, 24))
    network = Seat.objects.get(group__acronym="CCAG", label="q) DNO/iDNO Representative")
    assert network.constituency is not None and network.constituency.code == "dno-idno"
    assert (
        Seat.objects.get(group__acronym="DAG", label="b) SRO Design Manager").role
        == "programme_lead"
    )
    assert Seat.objects.count() == 159
    # No seed names a member: every membership is demo data, held by people whose names
    # say "(demo)". The demo cast fills every seat of the current groups; TAG and TMAG,
    # stood down, stay vacant; nobody sits twice on one group.
    assert not Membership.objects.exclude(person__name__endswith="(demo)").exists()
    current = ["PSG", "DAG", "SITAG", "MCAG", "QAG", "CCAG"]
    for seat in Seat.objects.select_related("group"):
        held = Membership.objects.filter(seat=seat).count()
        assert held == (1 if seat.group.acronym in current else 0), seat
    assert Membership.objects.count() == Seat.objects.filter(group__acronym__in=current).count()
    per_group = Membership.objects.values("group", "person").annotate(n=Count("id"))
    assert {row["n"] for row in per_group} == {1}
    # The demo logins' people hold their PSG seats (chair, Large Supplier, Ofgem, IPA).
    logins = Membership.objects.filter(group__acronym="PSG", person__user__isnull=False)
    assert sorted(logins.values_list("person__user__username", flat=True)) == [
        "chair",
        "ipa",
        "observer",
        "rep",
    ]


def test_mhhs_pack_constituencies_organisations_rules_and_thresholds(mhhs):
    kinds = dict(Constituency.objects.values_list("code", "kind"))
    assert kinds["large-supplier"] == "participant"
    assert kinds["ofgem"] == "regulator"
    assert kinds["ipa"] == "assurance"
    assert kinds["dcusa"] == "code_body"
    assert kinds["recco"] == "central"
    elexon_roles = set(
        MarketRole.objects.filter(organisations__name="Elexon").values_list("code", flat=True)
    )
    assert "central-system-provider" in elexon_roles

    rules = {
        (r.key, r.effective_from, r.group.acronym if r.group else None): r
        for r in DeadlineRule.objects.select_related("group")
    }
    papers = rules[("papers_due", None, None)]
    assert (papers.working_days, papers.direction, papers.anchor) == (5, "before", "meeting")
    # The newer framework's two working days govern the whole record (see the pack).
    headline = rules[("headline_report_due", None, None)]
    assert (headline.working_days, headline.direction, headline.effective_to) == (2, "after", None)
    assert DeadlineRule.objects.filter(key="headline_report_due").count() == 1
    assert rules[("minutes_due", None, None)].effective_to == date(2023, 11, 26)
    assert rules[("amendments_due", None, None)].anchor == "next_meeting"
    ccag = rules[("decisions_published_due", None, "CCAG")]
    assert (ccag.working_days, ccag.direction) == (5, "after")
    cr = rules[("change_request_decision_communicated_due", None, None)]
    assert (cr.working_days, cr.anchor) == (10, "decision")

    thresholds = {t.key: t for t in RegulatorThreshold.objects.all()}
    assert set(thresholds) == {
        "tom_impact",
        "cost_single",
        "cost_cumulative",
        "consumer_competition_impact",
    }
    assert thresholds["cost_single"].amount == Decimal("5000000")
    assert thresholds["cost_single"].cumulative is False
    assert thresholds["cost_cumulative"].amount == Decimal("20000000")
    assert thresholds["cost_cumulative"].cumulative is True
    assert thresholds["tom_impact"].amount is None


def test_loading_the_same_pack_twice_writes_no_row_and_no_audit_entry(mhhs):
    _, first = mhhs
    assert first.changed
    before, last_id = row_counts(), max_audit_id()
    second = load_pack(DEFAULT_PACK)
    assert row_counts() == before
    assert max_audit_id() == last_id
    assert not second.changed
    assert second.total("unchanged") == first.total("created")
    assert "nothing changed" in second.render()


def test_a_changed_pack_updates_only_what_differs(mhhs):
    text = DEFAULT_PACK.read_text(encoding="utf-8")
    # MWG moves to the weekly table's time, and SDWG is stood down.
    text = text.replace(
        "schedule: 2nd Thursday of each month. 1500-1700",
        "schedule: 2nd Thursday of each month, 1400-1600",
    )
    sdwg_before = (
        "    status: mobilisation_in_progress\n"
        "    status_history:\n"
        "      - {status: mobilisation_in_progress, date: 2023-09-28, "
        'note: "Mobilisation in progress (overview)"}\n'
    )
    assert text.count(sdwg_before) == 1
    sdwg_after = sdwg_before.replace(
        "status: mobilisation_in_progress\n", "status: stood_down\n", 1
    )
    text = text.replace(
        sdwg_before, sdwg_after + "      - {status: stood_down, date: 2024-01-10}\n"
    )
    last_id = max_audit_id()
    report = load_pack_text(text, name="mhhs.yaml")
    assert report.counts["groups"].updated == 2
    assert report.counts["status_history"].created == 1
    assert report.total("created") == 1
    mwg = GovernanceGroup.objects.get(acronym="MWG")
    assert (mwg.schedule_start_time, mwg.schedule_end_time) == (time(14), time(16))
    sdwg = GovernanceGroup.objects.get(acronym="SDWG")
    assert sdwg.status == "stood_down"
    latest = sdwg.status_history.last()
    assert latest is not None and latest.effective_date == date(2024, 1, 10)
    # One audit entry per changed group, nothing else.
    assert AuditEntry.objects.filter(id__gt=last_id).count() == 2


def test_the_command_prints_the_report_and_audits_as_one_cli_act(db):
    out = StringIO()
    call_command("load_pack", str(DEFAULT_PACK), stdout=out)
    printed = out.getvalue()
    assert printed.startswith("Loaded pack mhhs.yaml for MHHS: ")
    assert re.search(rf"^  groups +{len(SEED_GROUPS)} created", printed, re.MULTILINE)
    entries = AuditEntry.objects.all()
    assert len({e.correlation_id for e in entries}) == 1
    assert all(e.actor_label.startswith("cli:") for e in entries)

    again = StringIO()
    call_command("load_pack", str(DEFAULT_PACK), stdout=again)
    assert "nothing changed" in again.getvalue()


def test_the_command_check_option_writes_nothing(db):
    out = StringIO()
    call_command("load_pack", str(DEFAULT_PACK), "--check", stdout=out)
    assert "is valid" in out.getvalue() and f"{len(SEED_GROUPS)} groups" in out.getvalue()
    assert Programme.objects.count() == 0


def test_the_command_reports_every_error_with_its_line(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        pack(
            """
            programme: {slug: t, name: Test}
            groups:
              - acronym: A
                name: Alpha
                level: 7
                status_history: [{status: mobilised, date: 2022-01-01}]
            """
        ),
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as caught:
        call_command("load_pack", str(broken), stdout=StringIO())
    message = str(caught.value)
    assert message.startswith("Pack broken.yaml has 1 error; nothing was loaded:")
    assert "line 5: group A: 'level' must be between 1 and 4, not 7." in message


def test_a_missing_file_is_a_pack_error(tmp_path):
    with pytest.raises(PackError) as caught:
        load_pack(tmp_path / "nope.yaml")
    assert "cannot read" in caught.value.errors[0]


# --- rejected packs: everything reported, nothing written ------------------------------

GOOD_HISTORY = "status_history: [{status: mobilised, date: 2022-01-01}]"


def test_a_parent_cycle_is_rejected_naming_the_line(db):
    before = row_counts()
    errors = errors_of(
        f"""
        programme: {{slug: t, name: Test}}
        groups:
          - acronym: A
            name: Alpha
            parent: C
            {GOOD_HISTORY}
          - acronym: B
            name: Beta
            parent: A
            {GOOD_HISTORY}
          - acronym: C
            name: Gamma
            parent: B
            {GOOD_HISTORY}
        """
    )
    assert errors == [
        "line 5: group A: the parent chain loops (A → C → B → A); a group cannot report, "
        "directly or indirectly, to itself."
    ]
    assert row_counts() == before


def test_a_duplicate_acronym_is_rejected_naming_both_lines(db):
    before = row_counts()
    errors = errors_of(
        f"""
        programme: {{slug: t, name: Test}}
        groups:
          - acronym: PSG
            name: Programme Steering Group
            {GOOD_HISTORY}
          - acronym: psg
            name: Another Steering Group
            {GOOD_HISTORY}
        """
    )
    assert errors == [
        "line 6: group psg: the acronym 'psg' is already used by the group at line 3."
    ]
    assert row_counts() == before


def test_a_duplicate_acronym_does_not_cascade_into_hierarchy_errors(db):
    # The second DAG names DAG as parent and sits at level 4: only the duplicate is
    # reported, and WG is checked against the first DAG (level 3).
    errors = errors_of(
        f"""
        programme: {{slug: t, name: Test}}
        groups:
          - acronym: DAG
            name: Design Advisory Group
            level: 3
            {GOOD_HISTORY}
          - acronym: WG
            name: A working group
            level: 4
            parent: DAG
            {GOOD_HISTORY}
          - acronym: DAG
            name: Security Design Working Group
            level: 4
            parent: DAG
            {GOOD_HISTORY}
        """
    )
    assert errors == [
        "line 12: group DAG: the acronym 'DAG' is already used by the group at line 3."
    ]


def test_an_unparseable_schedule_is_rejected_naming_the_text_and_line(db):
    before = row_counts()
    errors = errors_of(
        f"""
        programme: {{slug: t, name: Test}}
        groups:
          - acronym: A
            name: Alpha
            {GOOD_HISTORY}
            schedule: Fortnightly on Mondays, 1000-1200
        """
    )
    assert len(errors) == 1
    assert errors[0].startswith("line 6: group A: Schedule 'Fortnightly on Mondays, 1000-1200'")
    assert row_counts() == before


def test_a_child_not_below_its_parent_is_rejected(db):
    errors = errors_of(
        f"""
        programme: {{slug: t, name: Test}}
        groups:
          - acronym: DAG
            name: Design Advisory Group
            level: 3
            {GOOD_HISTORY}
          - acronym: WG
            name: A working group
            level: 3
            parent: DAG
            {GOOD_HISTORY}
        """
    )
    assert errors == [
        "line 10: group WG is level 3 but its parent DAG is level 3; a child's level must "
        "be greater than its parent's."
    ]


def test_every_problem_is_collected_in_line_order(db):
    before = row_counts()
    errors = errors_of(
        """
        programme:
          slug: t
          name: Test
          governance_calendar: mars
        workstreams:
          - {name: Design, mailbox: not-an-address}
        constituencies:
          - {code: large-supplier, name: Large Supplier, kind: vip}
        groups:
          - acronym: BPRWG/TDWG
            name: Working group
            workstream: Desing
            colour: blue
            status_history:
              - {status: mobilised, date: 2022-02-30}
              - {status: dormant, date: 2022-03-01}
            seats:
              - {label: "a) Chair", role: chair}
              - {label: "b) Rep", role: representative, constituency: medium-supplier}
          - acronym: X
            name: Orphan
            parent: NOPE
            status: mobilised
        framework_versions:
          - {version: "1.0", date: 2021-07-29}
          - {version: "1.0", date: 2021-08-25}
        deadline_rules:
          - {key: papers_due, label: Papers, working_days: 5, direction: sideways}
        """
    )
    lines = [int(e.split(":")[0].removeprefix("line ")) for e in errors]
    assert lines == sorted(lines)
    joined = "\n".join(errors)
    for expected in (
        "line 4: programme: governance_calendar 'mars' is not a calendar",
        "line 6: workstream 'Design': 'not-an-address': Enter a valid e-mail address, "
        "e.g. jo.bloggs@example.org.",
        "line 8: constituency 'large-supplier': 'kind' is 'vip'",
        "line 10: group BPRWG/TDWG: the acronym is used in web addresses",
        "line 12: group BPRWG/TDWG: workstream 'Desing' is not declared",
        "line 13: group BPRWG/TDWG: unknown key 'colour'",
        "line 15: group BPRWG/TDWG status_history: 'date' '2022-02-30' is not a date",
        "line 16: group BPRWG/TDWG status_history: 'status' is 'dormant'",
        "line 19: group BPRWG/TDWG seat 'b) Rep': constituency 'medium-supplier' is not declared",
        "line 22: group X: parent 'NOPE' is not a group in this pack.",
        "group X: 'status_history' needs at least one dated entry",
        "line 26: framework version 1.0 is already listed at line 25.",
        "line 28: deadline rule 'papers_due': 'direction' is 'sideways'",
    ):
        assert expected in joined, expected
    assert row_counts() == before


def test_yaml_syntax_errors_name_the_line(db):
    errors = errors_of(
        """
        programme: {slug: t, name: Test}
        groups:
          - acronym: A
           name: misaligned
        """
    )
    assert len(errors) == 1 and errors[0].startswith("line 4: not valid YAML")


def test_unknown_top_level_keys_and_a_missing_programme_are_errors(db):
    errors = errors_of(
        """
        group:
          - acronym: A
        """
    )
    assert "line 1: the pack: unknown key 'group' (did you mean 'groups'?)" in errors[0]
    assert any("needs a 'programme:' section" in e for e in errors)


def test_yaml_one_one_surprises_are_read_as_written(db):
    # `NO` would be false and 3.10 would be 3.1 in plain YAML 1.1.
    spec = read_pack(
        pack(
            f"""
            programme: {{slug: t, name: Test}}
            groups:
              - acronym: NO
                name: Network Operators
                {GOOD_HISTORY}
            framework_versions:
              - {{version: 3.10, date: 2024-01-01}}
            """
        )
    )
    assert spec.groups[0].acronym == "NO"
    assert spec.framework_versions[0].version == "3.10"


def test_a_service_refusal_during_apply_rolls_back_the_whole_load(db):
    # A market role elsewhere already uses the name the pack gives a different code.
    MarketRole.objects.create(code="supply", name="Supplier")
    before, last_id = row_counts(), max_audit_id()
    with pytest.raises(PackError) as caught:
        load_pack_text(
            pack(
                f"""
                programme: {{slug: t, name: Test}}
                market_roles:
                  - {{code: supplier, name: Supplier}}
                groups:
                  - acronym: A
                    name: Alpha
                    {GOOD_HISTORY}
                """
            ),
            name="t.yaml",
        )
    assert caught.value.errors == [
        "line 3: market role 'supplier': Another market role is already called 'Supplier'."
    ]
    assert row_counts() == before
    assert max_audit_id() == last_id
    assert not Programme.objects.filter(slug="t").exists()


def test_a_level_reshuffle_is_applied_in_whatever_order_the_rules_allow(db):
    first = f"""
        programme: {{slug: t, name: Test}}
        groups:
          - acronym: P
            name: Parent
            level: 2
            {GOOD_HISTORY}
          - acronym: C
            name: Child
            level: 3
            parent: P
            {GOOD_HISTORY}
        """
    load_pack_text(pack(first), name="t.yaml")
    # Moving P to level 3 first would put it level with C; C must move first.
    second = first.replace("level: 3", "level: 4").replace("level: 2", "level: 3")
    report = load_pack_text(pack(second), name="t.yaml")
    assert report.counts["groups"].updated == 2
    levels = dict(GovernanceGroup.objects.values_list("acronym", "level"))
    assert levels == {"P": 3, "C": 4}
