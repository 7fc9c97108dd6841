"""factory_boy factories for tests and the benchmark's synthetic programme.

Factories build rows directly (fast, no audit entries); tests of rules and audit
call the services instead.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import factory

from progov.accounts.models import User
from progov.governance.models import (
    Constituency,
    GovernanceGroup,
    Membership,
    Organisation,
    Person,
    Programme,
    Seat,
    Workstream,
)
from progov.meetings.models import (
    AgendaItem,
    AgendaTemplateItem,
    AmendmentRequest,
    Attendance,
    CalendarFeedToken,
    ForwardLookItem,
    HeadlineReport,
    Meeting,
    MeetingSeries,
    Paper,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = "member"
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"programme-{n}")
    name = factory.Sequence(lambda n: f"Programme {n}")


class WorkstreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workstream

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Workstream {n}")


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GovernanceGroup

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Working Group {n}")
    acronym = factory.Sequence(lambda n: f"WG{n}")
    level = 4
    attendance = "closed"
    status = "mobilised"
    schedule_rrule = "FREQ=MONTHLY;BYDAY=1WE"
    schedule_start_time = time(10, 0)
    schedule_end_time = time(12, 0)


class ConstituencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Constituency

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"constituency-{n}")
    name = factory.Sequence(lambda n: f"Constituency {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Organisation {n} Ltd")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda p: f"{p.name.lower().replace(' ', '.')}@example.org")


class SeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seat

    group = factory.SubFactory(GroupFactory)
    label = factory.Sequence(lambda n: f"Seat {n}")
    role = "representative"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    group = factory.SubFactory(GroupFactory)
    person = factory.SubFactory(PersonFactory)
    role = "representative"
    constituency = factory.SubFactory(ConstituencyFactory)
    start_date = date(2022, 1, 1)


# --- meetings ------------------------------------------------------------------------------


def _meeting_start(n: int) -> datetime:
    """The n-th meeting of a factory series: the first Wednesday of a month, 10:00 London."""
    month = n % 12 + 1
    year = 2023 + n // 12
    first = date(year, month, 1)
    wednesday = first + timedelta(days=(2 - first.weekday()) % 7)
    return datetime.combine(wednesday, time(10, 0), tzinfo=ZoneInfo("Europe/London"))


class MeetingFactory(factory.django.DjangoModelFactory):
    """A planned regular meeting, e.g. PSG #24 on Wednesday 6 Sep 2023 10:00–12:00."""

    class Meta:
        model = Meeting

    group = factory.SubFactory(GroupFactory)
    number_major = factory.Sequence(lambda n: n + 1)
    start = factory.Sequence(_meeting_start)
    end = factory.LazyAttribute(lambda m: m.start + timedelta(hours=2))
    scheduled_start = factory.LazyAttribute(lambda m: m.start)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Agenda item {n}")
    item_type = "discussion"
    duration_minutes = 15


class PaperFactory(factory.django.DjangoModelFactory):
    """A published public PDF paper of a meeting (the file holds a minimal PDF)."""

    class Meta:
        model = Paper

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Paper {n}")
    classification = "public"
    file = factory.django.FileField(filename="paper.pdf", data=b"%PDF-1.4\n%%EOF\n")
    original_name = "paper.pdf"
    content_type = "application/pdf"
    size_bytes = 15
    sha256 = "0" * 64
    published_at = factory.LazyFunction(lambda: datetime(2023, 8, 30, 9, 0, tzinfo=UTC))


class HeadlineReportFactory(factory.django.DjangoModelFactory):
    """A draft headline report (publish by setting status and published_at)."""

    class Meta:
        model = HeadlineReport

    meeting = factory.SubFactory(MeetingFactory)
    body = "# Decisions\n\n- None recorded.\n"


class PublishedHeadlineReportFactory(HeadlineReportFactory):
    """A headline report published two days after its meeting (8 Sep 2023 for PSG #24)."""

    status = "published"
    published_at = factory.LazyAttribute(lambda r: r.meeting.end + timedelta(days=2))


class MeetingSeriesFactory(factory.django.DjangoModelFactory):
    """A group's series, e.g. TMAG's from 1 Mar 2022 numbered from #3."""

    class Meta:
        model = MeetingSeries

    group = factory.SubFactory(GroupFactory)
    starts_on = date(2023, 1, 1)


class AgendaTemplateItemFactory(factory.django.DjangoModelFactory):
    """A standing agenda item of a group, e.g. "Minutes and actions", 10 minutes."""

    class Meta:
        model = AgendaTemplateItem

    group = factory.SubFactory(GroupFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Standing item {n}")
    duration_minutes = 10


class ForwardLookItemFactory(factory.django.DjangoModelFactory):
    """A planned item of a group's forward look, e.g. DAG's "Tranche 4 design artefacts"."""

    class Meta:
        model = ForwardLookItem

    group = factory.SubFactory(GroupFactory)
    title = factory.Sequence(lambda n: f"Forward look item {n}")
    item_type = "decision"
    duration_minutes = 20


class AttendanceFactory(factory.django.DjangoModelFactory):
    """A person invited to a meeting (status `invited`); the person is in the meeting's
    programme."""

    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(
        PersonFactory, programme=factory.SelfAttribute("..meeting.group.programme")
    )
    role = "representative"
    status = "invited"


class AmendmentRequestFactory(factory.django.DjangoModelFactory):
    """An open request to amend a published headline report, submitted after the meeting."""

    class Meta:
        model = AmendmentRequest

    report = factory.SubFactory(PublishedHeadlineReportFactory)
    requester_name = factory.Sequence(lambda n: f"Requester {n}")
    text = factory.Sequence(lambda n: f"Please record objection {n}.")
    submitted_at = factory.LazyAttribute(lambda a: a.report.meeting.end + timedelta(days=3))


class CalendarFeedTokenFactory(factory.django.DjangoModelFactory):
    """A feed token row (a made-up hash: the feed URL of such a row cannot be guessed;
    use `meetings.services.create_feed_token` for a token you request by URL)."""

    class Meta:
        model = CalendarFeedToken

    person = factory.SubFactory(PersonFactory)
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    prefix = factory.Sequence(lambda n: f"pgvf_{n:07d}")
