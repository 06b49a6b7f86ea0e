"""Status derived from dates: the property and the queryset method agree, and
the status moves on its own as the days pass (time-machine)."""

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError
from django.utils import timezone

from orders.models import OrderStatus, ParentingOrder
from orders.tests.factories import ParentingOrderFactory, RequirementFactory

pytestmark = pytest.mark.django_db

MADE = dt.date(2026, 11, 30)  # counselling until 28 February 2027


def _at(day: dt.date):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC), tick=False
    )


@pytest.fixture
def order():
    order = ParentingOrderFactory(made_on=MADE)
    RequirementFactory(order=order, ends_on=dt.date(2027, 6, 30))
    RequirementFactory(order=order, ends_on=dt.date(2027, 9, 1))
    return order


def _queryset_status(order, on=None):
    return ParentingOrder.objects.with_status(on).get(pk=order.pk).derived_status


def test_counselling_ends_on_is_worked_out_from_made_on(order):
    assert order.counselling_ends_on == dt.date(2027, 2, 28)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 11, 30), OrderStatus.COUNSELLING),
        (dt.date(2027, 2, 28), OrderStatus.COUNSELLING),
        (dt.date(2027, 3, 1), OrderStatus.REQUIREMENTS),
        (dt.date(2027, 9, 1), OrderStatus.REQUIREMENTS),
        (dt.date(2027, 9, 2), OrderStatus.DUE_FOR_CLOSURE),
    ],
)
def test_the_status_moves_on_its_own_as_dates_pass(order, day, expected):
    with _at(day):
        assert timezone.localdate() == day
        fresh = ParentingOrder.objects.get(pk=order.pk)
        assert fresh.status == expected
        assert _queryset_status(order) == expected


def test_property_and_queryset_agree_on_every_day_of_the_order(order):
    day = MADE - dt.timedelta(days=1)
    seen = set()
    while day <= dt.date(2027, 9, 10):
        status = order.status_on(day)
        assert _queryset_status(order, day) == status, day
        seen.add(status)
        day += dt.timedelta(days=3)
    assert seen == {OrderStatus.COUNSELLING, OrderStatus.REQUIREMENTS, OrderStatus.DUE_FOR_CLOSURE}


def test_an_order_without_requirements_is_due_for_closure_after_counselling():
    order = ParentingOrderFactory(made_on=MADE)
    assert order.status_on(dt.date(2027, 3, 1)) == OrderStatus.DUE_FOR_CLOSURE
    assert _queryset_status(order, dt.date(2027, 3, 1)) == OrderStatus.DUE_FOR_CLOSURE


def test_a_closed_order_is_closed_whatever_the_date(order):
    order.closed_on = dt.date(2027, 9, 2)
    order.save()
    assert order.status_on(dt.date(2027, 1, 1)) == OrderStatus.CLOSED
    assert _queryset_status(order, dt.date(2027, 1, 1)) == OrderStatus.CLOSED


def test_the_database_refuses_a_residential_programme_without_both_findings(order):
    order.residential = True
    order.residential_more_effective = True
    with pytest.raises(IntegrityError):
        order.save()


def test_the_database_refuses_an_omitted_programme_without_a_note(order):
    order.programme_omitted = True
    with pytest.raises(IntegrityError):
        order.save()
