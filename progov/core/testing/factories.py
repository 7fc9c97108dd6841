"""factory_boy factories for tests and the benchmark's synthetic programme.

Factories build rows directly (fast, no audit entries); tests of rules and audit
call the services instead.
"""

from __future__ import annotations

from datetime import date, time

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
