"""Factories for the victims' records, with fixed, invented values."""

import datetime as dt

import factory

from cases.tests.factories import CaseFactory
from victims.models import (
    ContactMethod,
    Reparation,
    RestorativeJusticeWork,
    RJChoice,
    RJKind,
    Victim,
    VictimContact,
    VictimKind,
    VictimOffence,
    VictimUpdate,
)
from yos.tests.factories import UserFactory


class VictimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Victim

    kind = VictimKind.PERSON
    name = factory.Sequence(lambda n: f"Victimname{n} Example")
    address = factory.Sequence(lambda n: f"{n} Victim Road, Demo Town")
    phone = "07700 900456"
    email = factory.Sequence(lambda n: f"victim{n}@example.invalid")
    details_received_on = dt.date(2026, 11, 2)


class VictimOffenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VictimOffence

    victim = factory.SubFactory(VictimFactory)
    case = factory.SubFactory(CaseFactory)


class VictimContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VictimContact

    victim = factory.SubFactory(VictimFactory)
    contacted_on = dt.date(2026, 11, 3)
    method = ContactMethod.PHONE
    by = factory.SubFactory(UserFactory)
    offered_information = True
    offered_support_referral = False
    offered_restorative_justice = True
    choice = RJChoice.UNDECIDED


class VictimUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VictimUpdate

    victim = factory.SubFactory(VictimFactory)
    given_on = dt.date(2026, 11, 10)
    method = ContactMethod.PHONE
    by = factory.SubFactory(UserFactory)
    text = "Told the victim the referral order panel met."


class RestorativeJusticeWorkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RestorativeJusticeWork

    offence = factory.SubFactory(VictimOffenceFactory)
    kind = RJKind.LETTER
    started_on = dt.date(2026, 11, 5)
    participants = "The child and the victim worker"


class ReparationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reparation

    case = factory.SubFactory(CaseFactory)
    placement = "Community garden"
    hours = 10
    started_on = dt.date(2026, 11, 7)
