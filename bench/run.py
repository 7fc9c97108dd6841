"""progov's benchmark: server time and query count of key pages at two scales.

    .venv/bin/python bench/run.py                    # both scales
    .venv/bin/python bench/run.py --scale large -n 50
    .venv/bin/python bench/run.py --strict           # exit 1 on any flag, for CI use

Each scale runs in its own process against its own scratch SQLite database: the
programme is generated with bulk_create from the test factories (seconds, no audit
entries), then every case is requested in-process through Django's test Client:
warm-up requests first, then N timed ones (median and p95 in ms) and one counted
under CaptureQueriesContext. The table flags a case whose query count differs
between scales (N+1: the count must not grow with data) and, at the large scale,
a p95 over the target (50 ms).

One-shot measurements time a whole act once per run on a fresh database and report the
median of the runs (`--oneshot-runs`, 0 skips them): generating ten years of meetings
for 60 groups.

The audit write cost (`--audit-writes`, 0 skips it) times one write through a service
and one bare audit entry, each committed, the way the audit trail wrote them before
issue 7 (plain SHA-256, no checkpoint) and as it does now (HMAC-SHA256 under the audit
key, plus the checkpoint line appended after commit), interleaved in one process on one
database so that both see the same machine.

Add a case by appending to CASES; `{big}` in a path is the acronym of the group
with the most members, `{group}` a typical working group's.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET_P95_MS = 50.0
RESULTS_DIR = ROOT / "bench" / "results"


@dataclass(frozen=True)
class Scale:
    groups: int
    people: int
    memberships: int
    big_group_members: int  # current members of the `{big}` group
    organisations: int
    constituencies: int = 12
    seats_per_group: int = 8
    actions: int = 2_000


SCALES: dict[str, Scale] = {
    "small": Scale(groups=10, people=200, memberships=500, big_group_members=100, organisations=40),
    "large": Scale(
        groups=60,
        people=5_000,
        memberships=20_000,
        big_group_members=2_000,
        organisations=400,
        actions=50_000,
    ),
}


@dataclass(frozen=True)
class Case:
    """One request to measure. `as_role` signs in a user with that role first, `as_user`
    one of the dataset's logins (a person with memberships); `target_ms` is the p95 it
    is flagged above at the large scale."""

    name: str
    path: str
    as_role: str | None = None
    as_user: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    target_ms: float = TARGET_P95_MS


CASES: list[Case] = [
    Case("structure page", "/"),
    Case("group page", "/groups/{big}/"),
    Case("group members tab", "/groups/{big}/?tab=members", headers={"HX-Request": "true"}),
    # The Members tab is paged and filtered in SQL: a link to it (the whole page), a
    # deep page (a large OFFSET at the large scale) and one constituency.
    Case("members tab, full page", "/groups/{big}/?tab=members"),
    Case(
        "members tab, page 10",
        "/groups/{big}/?tab=members&page=10",
        headers={"HX-Request": "true"},
    ),
    Case(
        "members tab, filtered",
        "/groups/{big}/?tab=members&constituency=constituency-1",
        headers={"HX-Request": "true"},
    ),
    Case("API groups", "/api/v1/groups"),
    Case("API group members", "/api/v1/groups/{big}/members"),
    # Meetings: the page of one meeting of the big group (its register has every
    # member invited), the meetings API for a month of every group and for one group's
    # seven years, one meeting with everything, and the calendar and deadlines pages.
    Case("meeting page", "/meetings/{meeting}/"),
    Case("API meetings, one month", "/api/v1/meetings?start={month_start}&end={month_end}"),
    Case("API meetings, one group", "/api/v1/meetings?group={big}&limit=100"),
    Case("API meeting detail", "/api/v1/meetings/{meeting}"),
    Case("group calendar", "/meetings/groups/{big}/?month={month}"),
    Case("deadlines page", "/meetings/deadlines/"),
    # The home page's attention list, as the secretariat (every group's deadlines,
    # meetings to mark held and to move) and as a member.
    Case("home, secretariat", "/home/", as_role="secretariat"),
    Case("home, member", "/home/", as_role="member"),
    # People with memberships (the dataset's bench logins): the chair of the big group and
    # two more, a representative on the big group and ten working groups, an observer.
    Case("home, chair", "/home/", as_user="bench-chair"),
    Case("home, representative", "/home/", as_user="bench-rep"),
    Case("home, observer", "/home/", as_user="bench-observer"),
    # The search box over every source (full text: SQLite FTS5 over the visible rows, or
    # PostgreSQL's text search), words that hit groups, meetings' titles and people.
    # The action log (issue 10): 2,000 actions at the small scale, 50,000 at the large.
    Case("action log page", "/actions/"),
    Case("action log, one group", "/actions/?group={big}&status=all"),
    Case("action log, overdue", "/actions/?overdue=on"),
    Case("API actions", "/api/v1/actions"),
    Case("API actions, group overdue", "/api/v1/actions?group={big}&overdue=true"),
    Case("API one action", "/api/v1/actions/{action}"),
    Case("action page", "/actions/{action}/"),
    Case("my actions, representative", "/actions/mine/", as_user="bench-rep"),
    Case("search, words", "/search/?q=design+advisory"),
    Case("search, meeting number", "/search/?q={big}+3"),
    # Every meeting of the programme (~5,000 at the large scale) as one iCal feed.
    Case(
        "programme iCal feed",
        "/meetings/feeds/programme.ics?from={feed_from}&to={feed_to}",
        target_ms=200.0,
    ),
]


# --- the child process: one scale ------------------------------------------------------


def _configure(data_dir: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "progov.settings",
            "PROGOV_DATA_DIR": str(data_dir),
            "PROGOV_DEBUG": "false",
            "PROGOV_TLS": "false",
            "PROGOV_ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
            "PROGOV_SECRET_KEY": secrets.token_urlsafe(48),
            # Server time of the work itself: the read cache would answer every timed
            # request after the first from the cache (bench/throughput.py measures that).
            "PROGOV_READ_CACHE": "false",
        }
    )
    os.environ.pop("PROGOV_DATABASE_URL", None)
    os.environ.pop("PROGOV_PROGRAMME", None)
    sys.path.insert(0, str(ROOT))
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic here
    import django

    django.setup()
    import logging

    # A failing case is reported in the table, not as a traceback per request.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)


def generate(scale: Scale, seed: int = 1) -> dict[str, str]:
    """Bulk-create a synthetic programme; returns the path placeholders."""
    from progov.core.testing.factories import (
        ConstituencyFactory,
        GroupFactory,
        MembershipFactory,
        OrganisationFactory,
        PersonFactory,
        ProgrammeFactory,
        SeatFactory,
        UserFactory,
    )
    from progov.governance.models import (
        Constituency,
        GovernanceGroup,
        Membership,
        Organisation,
        Person,
        Seat,
        TermsOfReference,
        Workstream,
    )

    rng = random.Random(seed)
    batch = 2_000
    programme = ProgrammeFactory(slug="bench", name="Benchmark Programme", short_name="BENCH")
    workstreams = Workstream.objects.bulk_create(
        [Workstream(programme=programme, name=f"Workstream {i}") for i in range(1, 6)]
    )
    constituencies = Constituency.objects.bulk_create(
        [
            ConstituencyFactory.build(
                programme=programme, code=f"constituency-{i}", name=f"Constituency {i:02d}"
            )
            for i in range(1, scale.constituencies + 1)
        ]
    )
    organisations = Organisation.objects.bulk_create(
        [
            OrganisationFactory.build(programme=programme, name=f"Organisation {i:04d} Ltd")
            for i in range(1, scale.organisations + 1)
        ],
        batch_size=batch,
    )
    people = Person.objects.bulk_create(
        [
            PersonFactory.build(
                programme=programme,
                name=f"Person {i:05d}",
                email=f"person.{i}@example.org",
                organisation=organisations[i % len(organisations)],
            )
            for i in range(1, scale.people + 1)
        ],
        batch_size=batch,
    )

    # The hierarchy: one level-1 board, one level-2 steering group, a fifth of the
    # rest advisory groups (level 3), the others working groups (level 4).
    def make_groups(specs: list[tuple[str, int, GovernanceGroup | None]]) -> list[Any]:
        return GovernanceGroup.objects.bulk_create(
            [
                GroupFactory.build(
                    programme=programme,
                    acronym=acronym,
                    name=f"{acronym} Group",
                    level=level,
                    parent=parent,
                    workstream=workstreams[i % len(workstreams)],
                    purpose=f"The {acronym} group's purpose.",
                    objectives="Objective one\nObjective two",
                )
                for i, (acronym, level, parent) in enumerate(specs)
            ]
        )

    (board,) = make_groups([("BOARD", 1, None)])
    (steering,) = make_groups([("STEER", 2, board)])
    rest = scale.groups - 2
    advisory_count = max(1, rest // 5)
    advisory = make_groups(
        [("BIG", 3, steering)] + [(f"AG{i:02d}", 3, steering) for i in range(2, advisory_count + 1)]
    )
    working = make_groups(
        [
            (f"WG{i:02d}", 4, advisory[i % len(advisory)])
            for i in range(1, rest - advisory_count + 1)
        ]
    )
    groups = [board, steering, *advisory, *working]
    big = advisory[0]

    TermsOfReference.objects.bulk_create(
        [
            TermsOfReference(
                group=g, version_number="1.0", date=date(2022, 1, 1), text="Terms of reference."
            )
            for g in groups
        ]
    )
    Seat.objects.bulk_create(
        [
            SeatFactory.build(
                group=g,
                label=f"Seat {s}",
                constituency=constituencies[s % len(constituencies)],
                position=s,
            )
            for g in groups
            for s in range(1, scale.seats_per_group + 1)
        ],
        batch_size=batch,
    )

    # Memberships: the big group gets its share, the rest spread over the others;
    # about one in ten has ended (so "current" filtering matters), and one in twenty
    # is an alternate for a representative of the same group and constituency.
    today = date.today()
    alternate_count = scale.memberships // 20
    others = [g for g in groups if g.pk != big.pk]
    targets = [big] * scale.big_group_members + [
        rng.choice(others)
        for _ in range(scale.memberships - scale.big_group_members - alternate_count)
    ]
    roles = ["representative"] * 8 + ["observer", "programme_lead"]
    memberships = []
    for n, group in enumerate(targets):
        ended = n % 10 == 9
        memberships.append(
            MembershipFactory.build(
                group=group,
                person=people[rng.randrange(len(people))],
                role="chair" if n % 250 == 0 else rng.choice(roles),
                constituency=constituencies[rng.randrange(len(constituencies))],
                start_date=date(2022, 1, 1) + timedelta(days=rng.randrange(365)),
                end_date=today - timedelta(days=30) if ended else None,
            )
        )
    Membership.objects.bulk_create(memberships, batch_size=batch)
    reps = [m for m in memberships if m.role == "representative" and m.end_date is None]
    Membership.objects.bulk_create(
        [
            MembershipFactory.build(
                group=rep.group,
                person=people[rng.randrange(len(people))],
                role="alternate",
                constituency=rep.constituency,
                alternate_for=rep,
                start_date=rep.start_date,
            )
            for rep in rng.sample(reps, min(alternate_count, len(reps)))
        ],
        batch_size=batch,
    )
    # The logins of three people with memberships, for the home page as each role.
    cast = [
        ("bench-chair", "member", "chair", [big, *advisory[1:3]]),
        ("bench-rep", "member", "representative", [big, *working[:10]]),
        ("bench-observer", "observer", "observer", [steering]),
    ]
    for username, login_role, role, seats in cast:
        login = UserFactory(username=username, role=login_role)
        person = people[-1 - [c[0] for c in cast].index(username)]
        Person.objects.filter(pk=person.pk).update(user=login)
        Membership.objects.bulk_create(
            [
                MembershipFactory.build(
                    group=g,
                    person=person,
                    role=role,
                    constituency=constituencies[0] if role == "representative" else None,
                    start_date=date(2022, 1, 1),
                )
                for g in seats
            ]
        )
    params = {"big": big.acronym, "group": working[0].acronym if working else big.acronym}
    params.update(generate_meetings_fixture(groups, people, rng, big=big))
    params.update(
        generate_actions_fixture(scale, programme, groups, people, organisations, rng, big=big)
    )
    return params


def generate_actions_fixture(
    scale: Scale,
    programme: Any,
    groups: list[Any],
    people: list[Any],
    orgs: list[Any],
    rng: random.Random,
    *,
    big: Any,
) -> dict[str, str]:
    """`scale.actions` actions over the groups (a quarter of them on `{big}`'s log), each
    owned by a person or an organisation, raised at a meeting of the group; a third closed,
    a tenth recommended for closure, a fifth overdue. Returns `{action}`: one of `{big}`'s."""
    from progov.actions.models import Action, ActionOwner
    from progov.governance.models import Person
    from progov.meetings.models import Meeting

    today = date.today()
    meetings: dict[int, list[Any]] = {}
    for m in Meeting.objects.filter(group__in=groups).only(
        "id", "group_id", "start", "number_major"
    ):
        meetings.setdefault(m.group_id, []).append(m)
    statuses = [
        "open",
        "ongoing",
        "ongoing",
        "in_progress",
        "recommend_closed",
        "closed",
        "closed",
        "closed",
        "cancelled",
    ]
    rows = []
    sequence: dict[str, int] = {}
    for i in range(scale.actions):
        group = big if i % 4 == 0 else groups[rng.randrange(len(groups))]
        held = meetings.get(group.pk) or [None]
        meeting = held[rng.randrange(len(held))]
        number = meeting.number_major if meeting is not None else 0
        prefix = f"{group.acronym}{number:02d}"
        sequence[prefix] = sequence.get(prefix, 0) + 1
        raised = meeting.start.date() if meeting is not None else today - timedelta(days=400)
        rows.append(
            Action(
                programme=programme,
                group=group,
                meeting=meeting,
                ref=f"{prefix}-{sequence[prefix]:02d}",
                ref_prefix=prefix,
                sequence=sequence[prefix],
                raised_on=raised,
                description=f"Action {i}: review the design artefact and report to the group",
                owner_text=f"Programme ({people[i % len(people)].name})",
                due_on=today + timedelta(days=rng.randrange(-120, 240)),
                status=statuses[i % len(statuses)],
                latest_update=f"ONGOING: update {i}",
            )
        )
    Action.objects.bulk_create(rows, batch_size=2_000)
    owners = []
    for i, a in enumerate(rows):
        owners.append(ActionOwner(action=a, person=people[i % len(people)]))
        if i % 3 == 0:
            owners.append(ActionOwner(action=a, organisation=orgs[i % len(orgs)]))
    ActionOwner.objects.bulk_create(owners, batch_size=2_000)
    # The representative owns a handful (their "My actions").
    rep = Person.objects.get(user__username="bench-rep")
    ActionOwner.objects.bulk_create(
        [ActionOwner(action=a, person=rep) for a in rows[:: max(1, len(rows) // 40)]]
    )
    return {"action": next(a.ref for a in rows if a.group_id == big.pk)}


MEETING_MONTHS = 84  # seven years of monthly meetings per group


def generate_meetings_fixture(
    groups: list[Any], people: list[Any], rng: random.Random, *, big: Any
) -> dict[str, str]:
    """Monthly meetings for every group over seven years (five back, two ahead), each
    with 4–6 agenda items; a few cancelled, moved or held. 60 groups → 5,040 meetings.
    Returns `{feed_from}`/`{feed_to}`: the dates the meetings span."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from progov.meetings.models import AgendaItem, Meeting

    london = ZoneInfo("Europe/London")
    today = date.today()
    first_year, first_month = today.year - 5, today.month
    meetings = []
    for gi, group in enumerate(groups):
        for n in range(MEETING_MONTHS):
            year, month = first_year + (first_month - 1 + n) // 12, (first_month - 1 + n) % 12 + 1
            start = datetime(year, month, 1 + gi % 28, 10, tzinfo=london)
            status, original = "planned", None
            if start.date() < today:
                status = "held"
            if n % 17 == 5:
                status = "cancelled"
            elif n % 23 == 7:
                status, original = "moved", start
                start += timedelta(days=1)
            meetings.append(
                Meeting(
                    group=group,
                    number_major=n + 1,
                    scheduled_start=original or start,
                    start=start,
                    end=start + timedelta(hours=2),
                    original_start=original,
                    original_end=original + timedelta(hours=2) if original else None,
                    status=status,
                    location="Online" if n % 3 else "Elexon, 350 Euston Road, London",
                    online_link=f"https://teams.example.com/meet/{group.acronym.lower()}-{n + 1}",
                    version=1 + n % 4,
                )
            )
    created = Meeting.objects.bulk_create(meetings, batch_size=2_000)
    titles = [
        "Welcome",
        "Minutes and actions",
        "Programme update",
        "Risks; issues",
        "Design",
        "AOB",
    ]
    items = [
        AgendaItem(
            meeting=m,
            position=p,
            title=titles[p - 1],
            duration_minutes=rng.choice([5, 10, 15, 20, 30]),
            lead_text="Chair" if p % 2 else "",
            lead_person=None if p % 2 else people[rng.randrange(len(people))],
        )
        for m in created
        for p in range(1, rng.randint(4, 6) + 1)
    ]
    AgendaItem.objects.bulk_create(items, batch_size=5_000)
    starts = [m.start.date() for m in created]
    # The big group's last meeting before today, with its members invited.
    from progov.governance.models import Membership
    from progov.meetings.models import Attendance

    big_meetings = [m for m in created if m.group_id == big.pk and m.start.date() < today]
    meeting = big_meetings[-1]
    members = Membership.objects.filter(group_id=meeting.group_id, end_date__isnull=True)
    Attendance.objects.bulk_create(
        [
            Attendance(
                meeting=meeting,
                person_id=m.person_id,
                membership=m,
                constituency_id=m.constituency_id,
                role=m.role,
                status=rng.choice(["invited", "present", "present", "apologies"]),
            )
            for m in members.only("person_id", "constituency_id", "role")
        ],
        batch_size=2_000,
        ignore_conflicts=True,
    )
    month = meeting.start.date().replace(day=1)
    month_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return {
        "feed_from": min(starts).isoformat(),
        "feed_to": max(starts).isoformat(),
        "meeting": str(meeting.pk),
        "month": month.strftime("%Y-%m"),
        "month_start": month.isoformat(),
        "month_end": month_end.isoformat(),
    }


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def measure(
    cases: list[Case], params: dict[str, str], *, requests: int, warmup: int
) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from progov.core.testing.factories import UserFactory

    results = []
    for case in cases:
        client = Client(raise_request_exception=False)
        if case.as_user:
            from progov.accounts.models import User

            client.force_login(User.objects.get(username=case.as_user))
        elif case.as_role:
            client.force_login(UserFactory(username=f"bench-{case.as_role}", role=case.as_role))
        path = case.path.format(**params)
        row: dict[str, Any] = {"case": case.name, "path": path, "as_role": case.as_role}
        try:
            for _ in range(warmup):
                client.get(path, headers=case.headers)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, headers=case.headers)
        except Exception as exc:  # even the error page failed: report, go on
            row.update(status=500, queries=0, error=f"{type(exc).__name__}: {exc}")
            results.append(row)
            continue
        row["status"] = response.status_code
        row["queries"] = len(queries.captured_queries)
        row["bytes"] = len(response.content)
        if response.status_code != 200:
            exc_info = getattr(response, "exc_info", None)
            row["error"] = (
                f"{exc_info[0].__name__}: {exc_info[1]}"
                if exc_info
                else response.content[:200].decode("utf-8", "replace")
            )
            results.append(row)
            continue
        samples = []
        for _ in range(requests):
            start = time.perf_counter()
            client.get(path, headers=case.headers)
            samples.append((time.perf_counter() - start) * 1000)
        row["median_ms"] = round(statistics.median(samples), 2)
        row["p95_ms"] = round(_p95(samples), 2)
        row["requests"] = requests
        results.append(row)
    return results


def run_child(scale_name: str, requests: int, warmup: int, out: Path) -> None:
    scale = SCALES[scale_name]
    with tempfile.TemporaryDirectory(prefix=f"progov-bench-{scale_name}-") as tmp:
        _configure(Path(tmp))
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        # As `progov serve` does: hashed static names need the collected files.
        call_command("collectstatic", verbosity=0, interactive=False)
        params = generate(scale)
        generated_s = time.perf_counter() - started
        print(
            f"[{scale_name}] database ready in {generated_s:.1f}s "
            f"({scale.groups} groups, {scale.people} people, ~{scale.memberships} memberships)",
            file=sys.stderr,
        )
        results = measure(CASES, params, requests=requests, warmup=warmup)
    out.write_text(
        json.dumps({"scale": scale_name, "setup_s": round(generated_s, 1), "results": results})
    )


# --- one-shot measurements: a whole act, timed once per run on a fresh database -----------

ONESHOT_TARGET_S = 30.0  # acts like generation take seconds, not minutes
GENERATION_GROUPS, GENERATION_YEARS = 60, 10


def _generate_once(run: int) -> dict[str, Any]:
    """60 groups with monthly schedules and four standing items each, then ten years of
    their meetings through the service, as `progov meetings generate` does (timed)."""
    from datetime import time as clock

    from django.db import connection

    from progov.core.context import acting_as_system, correlation
    from progov.core.testing.factories import GroupFactory, ProgrammeFactory
    from progov.governance.models import GovernanceGroup
    from progov.meetings import services
    from progov.meetings.models import AgendaTemplateItem, MeetingSeries

    programme = ProgrammeFactory(slug=f"generation-{run}", name="Generation")
    days = ["MO", "TU", "WE", "TH", "FR"]
    groups = GovernanceGroup.objects.bulk_create(
        [
            GroupFactory.build(
                programme=programme,
                acronym=f"G{i:02d}",
                name=f"Group {i:02d}",
                level=3,
                schedule_rrule=f"FREQ=MONTHLY;BYDAY={i % 4 + 1}{days[i % 5]}",
                schedule_start_time=clock(10),
                schedule_end_time=clock(12),
            )
            for i in range(GENERATION_GROUPS)
        ]
    )
    first = date(date.today().year - 5, 1, 1)
    until = date(first.year + GENERATION_YEARS - 1, 12, 31)
    MeetingSeries.objects.bulk_create([MeetingSeries(group=g, starts_on=first) for g in groups])
    standing = ["Welcome", "Minutes and actions", "Programme updates", "Summary and next steps"]
    AgendaTemplateItem.objects.bulk_create(
        [
            AgendaTemplateItem(group=g, position=n, title=title, at_end=n == len(standing))
            for g in groups
            for n, title in enumerate(standing, start=1)
        ]
    )
    created, queries = 0, 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1  # counted, not recorded: recording formats every bulk INSERT
        return execute(sql, params, many, context)

    with correlation(), acting_as_system("bench"), connection.execute_wrapper(count):
        started = time.perf_counter()
        for g in groups:
            report = services.generate_meetings(actor=None, group=g, until=until)
            created += len(report.created)
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "queries": queries, "created": created}


IMPORT_ROWS, IMPORT_TARGET_S = 10_000, 10.0


def _import_once(run: int) -> dict[str, Any]:
    """A 10,000-row action log workbook (the export's layout) read and imported through
    `progov.actions.imports.read_and_import`, as the import page and API do (timed: the
    reading, the checks and the writes; not the making of the workbook)."""
    from django.db import connection

    from progov.accounts.models import User
    from progov.actions.imports import read_and_import
    from progov.actions.tables import ACTION_LOG
    from progov.core.context import acting_as_system, correlation
    from progov.core.tabular import write_xlsx
    from progov.core.testing.factories import GroupFactory, ProgrammeFactory
    from progov.governance.models import GovernanceGroup

    programme = ProgrammeFactory(slug=f"import-{run}", name="Import")
    GovernanceGroup.objects.bulk_create(
        [GroupFactory.build(programme=programme, acronym=f"G{i:02d}", level=3) for i in range(20)]
    )
    pmo = User.objects.create(username=f"pmo-{run}", role="secretariat")
    rows = [
        {
            "ref": f"G{i % 20:02d}{i // 200 + 1:02d}-{i % 200 // 20 + 1:02d}{i // 4000}",
            "raised_on": date(2023, 1, 1) + timedelta(days=i % 300),
            "description": f"Action {i}: review the design artefact and report back",
            "owner": "Programme (Ian Smith)" if i % 2 else "DAG members",
            "due": date(2023, 6, 1) + timedelta(days=i % 300) if i % 5 else "To be reviewed at CP2",
            "status": ["Open", "Ongoing", "Recommend closed", "Closed"][i % 4],
            "latest_update": f"ONGOING: progress {i}",
        }
        for i in range(IMPORT_ROWS)
    ]
    data = write_xlsx(ACTION_LOG, rows)
    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with correlation(), acting_as_system("bench"), connection.execute_wrapper(count):
        started = time.perf_counter()
        report = read_and_import(
            actor=pmo, programme=programme, data=data, filename="log.xlsx", dry_run=False
        )
        seconds = time.perf_counter() - started
    if report.problems:
        raise RuntimeError(f"the bench's import had problems: {report.problems[:3]}")
    return {"seconds": seconds, "queries": queries, "created": len(report.created)}


def run_oneshot_child(runs: int, out: Path) -> None:
    """Migrate once, keep a copy of the empty database, and restore it before each run."""
    import shutil

    with tempfile.TemporaryDirectory(prefix="progov-bench-oneshot-") as tmp:
        _configure(Path(tmp))
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0, interactive=False)
        connection.close()
        db = Path(settings.DATABASES["default"]["NAME"])
        pristine = Path(tmp) / "empty.sqlite3"
        shutil.copyfile(db, pristine)
        done: dict[str, list[dict[str, Any]]] = {"generate": [], "import": []}
        for run in range(runs):
            for kind, once in (("generate", _generate_once), ("import", _import_once)):
                connection.close()
                for suffix in ("-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
                shutil.copyfile(pristine, db)
                done[kind].append(once(run))
        connection.close()

    def row(case: str, path: str, what: str, runs_done: list[dict[str, Any]], target: float) -> Any:
        seconds = [r["seconds"] for r in runs_done]
        return {
            "case": case,
            "path": path,
            "what": f"{runs_done[0]['created']:,} {what}",
            "queries": runs_done[0]["queries"],
            "median_s": round(statistics.median(seconds), 2),
            "runs_s": [round(s, 2) for s in seconds],
            "target_s": target,
        }

    out.write_text(
        json.dumps(
            [
                row(
                    "generate meetings",
                    f"{GENERATION_GROUPS} groups x {GENERATION_YEARS} years",
                    "meetings",
                    done["generate"],
                    ONESHOT_TARGET_S,
                ),
                row(
                    "import actions",
                    f"{IMPORT_ROWS:,}-row workbook",
                    "actions",
                    done["import"],
                    IMPORT_TARGET_S,
                ),
            ]
        )
    )


def oneshots(runs: int, tmp: Path) -> list[dict[str, Any]]:
    out = tmp / "oneshot.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "oneshot"]
    cmd += ["--out", str(out), "--oneshot-runs", str(runs)]
    if subprocess.run(cmd, check=False, cwd=ROOT).returncode != 0:
        return [{"case": "generate meetings", "path": "-", "error": "failed (output above)"}]
    rows: list[dict[str, Any]] = json.loads(out.read_text())
    return rows


def print_oneshots(rows: list[dict[str, Any]], path_width: int = 30) -> int:
    """One-shot rows under the table: median seconds of the runs, queries of one run."""
    flagged = 0
    for r in rows:
        if "error" in r:
            flagged += 1
            print(f"{'once':<6} {r['case']:<22} {r['path']:<{path_width}}  {r['error']}")
            continue
        target = r.get("target_s", ONESHOT_TARGET_S)
        flag = f"median over {target:.0f} s target" if r["median_s"] > target else ""
        flagged += bool(flag)
        median_ms = f"{r['median_s'] * 1000:.0f}"
        runs = ", ".join(f"{s:.1f}" for s in r["runs_s"])
        print(
            f"{'once':<6} {r['case']:<22} {r['path']:<{path_width}} {'-':>6} "
            f"{r['queries']:>7} {median_ms:>10} {'-':>8}  "
            f"{r['what']}; runs {runs} s {flag}".rstrip()
        )
    return flagged


# --- the audit write cost: before and after issue 7, side by side ------------------------

AUDIT_WARMUP = 10


def _plain_sha256(key: bytes, *, position: int, **fields: Any) -> str:
    """The audit chain's digest before issue 7: SHA-256 of the entry, no key, no position.
    Here only, to measure what the HMAC seal and the checkpoints cost; progov never
    verifies it."""
    import hashlib

    from progov.audit.hashing import canonical

    return hashlib.sha256(canonical(**fields)).hexdigest()


def run_audit_child(writes: int, out: Path) -> None:
    """Interleave `writes` writes of each mode; median and p95 per mode and case."""
    with tempfile.TemporaryDirectory(prefix="progov-bench-audit-") as tmp:
        _configure(Path(tmp))
        from django.conf import settings
        from django.contrib.contenttypes.models import ContentType
        from django.core.management import call_command
        from django.db import transaction

        from progov.audit import services as audit_services
        from progov.audit.models import AuditEntry
        from progov.core.context import correlation
        from progov.core.testing.factories import GroupFactory, ProgrammeFactory, UserFactory
        from progov.governance import services

        call_command("migrate", verbosity=0, interactive=False)
        pmo = UserFactory(username="bench-pmo", role="secretariat")
        group = GroupFactory(programme=ProgrammeFactory(slug="audit"), acronym="AUD", level=3)
        obj = ContentType.objects.get_for_model(AuditEntry)
        now_seal, now_after_commit = audit_services.seal, audit_services.checkpoints.after_commit
        modes = {
            "before": (_plain_sha256, lambda **_: None),
            "after": (now_seal, now_after_commit),
        }
        version = group.version

        def service_write(n: int) -> None:
            nonlocal version
            with correlation():
                services.update_group(
                    actor=pmo, group=group, expected_version=version, purpose=f"Purpose {n}"
                )
            version += 1

        def bare_record(n: int) -> None:
            with transaction.atomic():
                audit_services.record_create(actor=None, obj=obj, fields={"n": n})

        cases = {
            "write (update_group)": service_write,
            "audit entry only": bare_record,
        }
        samples: dict[tuple[str, str], list[float]] = {
            (case, mode): [] for case in cases for mode in modes
        }
        n = 0
        # "after" first: the chain's first entry creates the checkpoint file.
        for i in range(AUDIT_WARMUP + writes):
            for mode in ("after", "before") if i % 2 == 0 else ("before", "after"):
                audit_services.seal, audit_services.checkpoints.after_commit = modes[mode]
                try:
                    for case, write in cases.items():
                        n += 1
                        started = time.perf_counter()
                        write(n)
                        elapsed = (time.perf_counter() - started) * 1000
                        if i >= AUDIT_WARMUP:
                            samples[(case, mode)].append(elapsed)
                finally:
                    audit_services.seal, audit_services.checkpoints.after_commit = (
                        now_seal,
                        now_after_commit,
                    )
        lines = Path(settings.PROGOV_AUDIT_CHECKPOINT_PATH).read_text().count("\n")
        rows = [
            {
                "case": case,
                "mode": mode,
                "writes": len(values),
                "median_ms": round(statistics.median(values), 3),
                "p95_ms": round(_p95(values), 3),
            }
            for (case, mode), values in samples.items()
        ]
    out.write_text(json.dumps({"rows": rows, "checkpoint_lines": lines}))


AUDIT_MODES = {
    "before": "before: SHA-256, no checkpoint",
    "after": "after: HMAC + checkpoint",
}


def audit_cost(writes: int, tmp: Path) -> dict[str, Any]:
    out = tmp / "audit.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "audit"]
    cmd += ["--out", str(out), "--audit-writes", str(writes)]
    if subprocess.run(cmd, check=False, cwd=ROOT).returncode != 0:
        return {"error": "failed (output above)", "rows": []}
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def print_audit_cost(result: dict[str, Any]) -> int:
    """Before and after rows per case, with the difference; errors count as flagged."""
    if "error" in result:
        print(f"{'audit':<6} write cost: {result['error']}")
        return 1
    by = {(r["case"], r["mode"]): r for r in result["rows"]}
    for case in dict.fromkeys(r["case"] for r in result["rows"]):
        before, after = by[(case, "before")], by[(case, "after")]
        for mode, row in (("before", before), ("after", after)):
            extra = ""
            if mode == "after":
                delta = row["median_ms"] - before["median_ms"]
                extra = f"  {delta:+.3f} ms ({delta / before['median_ms']:+.0%}) on the median"
            print(
                f"{'audit':<6} {case:<22} {AUDIT_MODES[mode]:<32} median {row['median_ms']:.3f} ms"
                f"  p95 {row['p95_ms']:.3f} ms  ({row['writes']} writes){extra}"
            )
    print(f"{'':<6} (checkpoint lines written by the 'after' writes: {result['checkpoint_lines']})")
    return 0


# --- the parent: run the scales, print the table ----------------------------------------


def flags_for(by_scale: dict[str, list[dict[str, Any]]]) -> dict[tuple[str, str], list[str]]:
    flags: dict[tuple[str, str], list[str]] = {}
    names = [c.name for c in CASES]
    for name in names:
        rows = {
            s: next(r for r in rows if r["case"] == name)
            for s, rows in by_scale.items()
            if any(r["case"] == name for r in rows)
        }
        counts = {s: r["queries"] for s, r in rows.items() if r["status"] == 200}
        for s, r in rows.items():
            f = flags.setdefault((s, name), [])
            if r["status"] != 200:
                f.append(f"HTTP {r['status']}")
            if len(set(counts.values())) > 1 and s in counts:
                f.append("queries differ between scales")
            target = next(c.target_ms for c in CASES if c.name == name)
            if s == "large" and r.get("p95_ms", 0) > target:
                f.append(f"p95 over {target:.0f} ms target")
    return flags


def print_table(by_scale: dict[str, list[dict[str, Any]]]) -> int:
    flags = flags_for(by_scale)
    pw = max([30, *(len(r["path"]) for rows in by_scale.values() for r in rows)])
    header = f"{'scale':<6} {'case':<22} {'path':<{pw}} {'status':>6} {'queries':>7} {'median ms':>10} {'p95 ms':>8}  flags"
    print(header)
    print("-" * len(header))
    flagged = 0
    for scale, rows in by_scale.items():
        for r in rows:
            f = flags.get((scale, r["case"]), [])
            flagged += bool(f)
            median = f"{r['median_ms']:.1f}" if "median_ms" in r else "-"
            p95 = f"{r['p95_ms']:.1f}" if "p95_ms" in r else "-"
            print(
                f"{scale:<6} {r['case']:<22} {r['path']:<{pw}} {r['status']:>6} "
                f"{r['queries']:>7} {median:>10} {p95:>8}  {'; '.join(f)}"
            )
    return flagged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--scale", choices=["small", "large", "both"], default="both")
    parser.add_argument(
        "-n", "--requests", type=int, default=30, help="timed requests per case (≥30)"
    )
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per case first")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when any row is flagged (not only on errors)"
    )
    parser.add_argument(
        "--oneshot-runs",
        type=int,
        default=3,
        help="runs of each one-shot measurement, median reported (0 skips them)",
    )
    parser.add_argument(
        "--audit-writes",
        type=int,
        default=200,
        help="writes timed per mode for the audit write cost, before/after (0 skips it)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.requests < 30:
        parser.error("--requests must be at least 30 for a meaningful p95")

    if args.child == "oneshot":
        run_oneshot_child(args.oneshot_runs, args.out)
        return 0
    if args.child == "audit":
        run_audit_child(args.audit_writes, args.out)
        return 0
    if args.child:
        run_child(args.child, args.requests, args.warmup, args.out)
        return 0

    scales = ["small", "large"] if args.scale == "both" else [args.scale]
    by_scale: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="progov-bench-") as tmp:
        for scale in scales:
            out = Path(tmp) / f"{scale}.json"
            cmd = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--child",
                scale,
                "--out",
                str(out),
                "--requests",
                str(args.requests),
                "--warmup",
                str(args.warmup),
            ]
            if subprocess.run(cmd, check=False, cwd=ROOT).returncode != 0:
                print(f"bench: the {scale} scale failed (output above).", file=sys.stderr)
                return 1
            by_scale[scale] = json.loads(out.read_text())["results"]

    print()
    print(
        f"progov bench — server time in-process (Django test Client), "
        f"{args.requests} requests after {args.warmup} warm-up; target p95 ≤ {TARGET_P95_MS:.0f} ms at large scale"
    )
    flagged = print_table(by_scale)
    if args.oneshot_runs > 0:
        with tempfile.TemporaryDirectory(prefix="progov-bench-") as tmp:
            once = oneshots(args.oneshot_runs, Path(tmp))
        widths = [30, *(len(r["path"]) for rows in by_scale.values() for r in rows)]
        flagged += print_oneshots(once, path_width=max(widths))
    audit: dict[str, Any] = {}
    if args.audit_writes > 0:
        with tempfile.TemporaryDirectory(prefix="progov-bench-") as tmp:
            audit = audit_cost(args.audit_writes, Path(tmp))
        flagged += print_audit_cost(audit)
    errors = sum(r["status"] != 200 for rows in by_scale.values() for r in rows)
    errors += "error" in audit
    path = args.json or RESULTS_DIR / "latest.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = dict(by_scale)
    if audit:
        results["audit_write"] = audit
    path.write_text(json.dumps(results, indent=2) + "\n")
    for scale, rows in by_scale.items():
        for r in rows:
            if "error" in r:
                print(f"  {scale} {r['case']}: {r['error'][:160]}")
    print(f"\n{flagged} row(s) flagged, {errors} error(s). Results: {path}")
    if errors or (args.strict and flagged):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
