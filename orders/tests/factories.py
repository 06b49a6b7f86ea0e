"""Factories for parenting-order records, with fixed, invented values."""

import datetime as dt

import factory
from django.utils import timezone

from cases.models import CaseKind
from cases.tests.factories import AdultChildFactory, AdultFactory, CaseFactory
from orders import rules
from orders.models import (
    Attendance,
    BreachReferral,
    ConditionKind,
    Excuse,
    ExplanationStatus,
    FailureKind,
    FailureToComply,
    OrderCondition,
    OrderRequirement,
    OrderSession,
    ParentingOrder,
    RequirementKind,
    StatutoryBasis,
)
from yos.tests.factories import UserFactory


class ParentingCaseFactory(CaseFactory):
    kind = CaseKind.PARENTING
    offence_date = None
    offence = ""


class ParentingOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParentingOrder
        skip_postgeneration_save = True

    case = factory.SubFactory(ParentingCaseFactory)
    child = factory.SelfAttribute("case.child")
    court = "Demo Town Youth Court"
    made_on = dt.date(2026, 11, 14)
    counselling_ends_on = factory.LazyAttribute(lambda o: rules.counselling_ends_on(o.made_on))
    basis = StatutoryBasis.CDA_1998_S8

    @factory.post_generation
    def parents(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted:
            self.parents.set(extracted)
            return
        # The default parent lives with the child, so a letter may go to the
        # child's (the family's) address (docs/domain-letters.md).
        parent = AdultFactory(family=self.child.family)
        AdultChildFactory(adult=parent, child=self.child, resident=True)
        self.parents.set([parent])


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderRequirement

    order = factory.SubFactory(ParentingOrderFactory)
    kind = RequirementKind.ATTEND_SCHOOL
    ends_on = factory.LazyAttribute(lambda o: rules.latest_requirement_end(o.order.made_on))


class OrderSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderSession

    order = factory.SubFactory(ParentingOrderFactory)
    case = factory.SelfAttribute("order.case")
    held_on = factory.LazyAttribute(lambda o: o.order.made_on + dt.timedelta(days=7))
    attendance = Attendance.ATTENDED
    recorded_by = factory.SubFactory(UserFactory)


class FailureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FailureToComply

    order = factory.SubFactory(ParentingOrderFactory)
    kind = FailureKind.COUNSELLING
    parent = factory.LazyAttribute(lambda o: o.order.parents.first())
    occurred_on = factory.LazyAttribute(lambda o: o.order.made_on + dt.timedelta(days=7))
    description = "Did not attend a counselling or guidance session"
    # By default the parent explained and it was not accepted (a warning is
    # due); pass explanation_status=NOT_ASKED, explanation_on=None, excuse="",
    # excuse_decided_by=None, excuse_decided_at=None for one not asked yet.
    explanation_status = ExplanationStatus.GIVEN
    explanation_on = factory.SelfAttribute("occurred_on")
    excuse = Excuse.NOT_ACCEPTED
    excuse_decided_by = factory.SubFactory(UserFactory)
    excuse_decided_at = factory.LazyFunction(timezone.now)


class ConditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderCondition

    order = factory.SubFactory(ParentingOrderFactory)
    kind = ConditionKind.AT_HOME
    details = "between 8pm and 7am"
    starts_on = factory.LazyAttribute(lambda o: o.order.made_on)
    ends_on = factory.LazyAttribute(lambda o: rules.latest_requirement_end(o.order.made_on))


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BreachReferral

    failure = factory.SubFactory(FailureFactory)
    reason = "Third missed session without any explanation"
    requested_by = factory.SubFactory(UserFactory)
    requested_at = factory.LazyFunction(timezone.now)
