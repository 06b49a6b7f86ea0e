"""Factories for the case records, with fixed, invented values."""

import datetime as dt
from zoneinfo import ZoneInfo

import factory

from cases.models import (
    Adult,
    AdultChild,
    Case,
    CaseKind,
    CaseStatus,
    Child,
    Family,
    Session,
    SessionKind,
)
from yos.tests.factories import TeamFactory


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    name = factory.Sequence(lambda n: f"Testfamily{n}")
    team = factory.SubFactory(TeamFactory)
    case_manager = None
    address = "1 Example Street, Demo Town"


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    family = factory.SubFactory(FamilyFactory)
    first_name = factory.Sequence(lambda n: f"Childname{n}")
    last_name = factory.SelfAttribute("family.name")
    date_of_birth = dt.date(2011, 5, 17)


class AdultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adult

    family = factory.SubFactory(FamilyFactory)
    first_name = factory.Sequence(lambda n: f"Parentname{n}")
    last_name = factory.SelfAttribute("family.name")
    phone = "07700 900123"
    email = factory.Sequence(lambda n: f"parent{n}@example.invalid")


class AdultChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdultChild

    adult = factory.SubFactory(AdultFactory)
    child = factory.SubFactory(ChildFactory, family=factory.SelfAttribute("..adult.family"))
    relationship = "mother"
    parental_responsibility = True
    resident = True


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    child = factory.SubFactory(ChildFactory)
    kind = CaseKind.REFERRAL_ORDER
    status = CaseStatus.OPEN
    referred_on = dt.date(2026, 9, 1)
    opened_on = dt.date(2026, 9, 8)
    offence_date = dt.date(2026, 8, 20)
    offence = "Theft from a shop"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    case = factory.SubFactory(CaseFactory)
    kind = SessionKind.ONE_TO_ONE
    starts_at = dt.datetime(2026, 10, 5, 10, 0, tzinfo=ZoneInfo("Europe/London"))
