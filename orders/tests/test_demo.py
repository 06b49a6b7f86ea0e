"""The demo seeder: an order at each status, re-runnable."""

import datetime as dt

import pytest
import time_machine

from orders import demo
from orders.models import OrderSession, OrderStatus, ParentingOrder, ReferralStatus

pytestmark = pytest.mark.django_db


def _seed():
    from cases import demo as cases_demo
    from yos.management.commands.seed_demo import seed_base

    ctx = seed_base()
    cases_demo.seed(ctx)
    demo.seed(ctx)
    return ctx


@pytest.mark.parametrize("today", [dt.date(2027, 2, 27), dt.date(2028, 3, 31)])
def test_the_demo_has_an_order_at_each_status_and_reruns_as_a_no_op(today):
    with time_machine.travel(
        dt.datetime(today.year, today.month, today.day, 12, tzinfo=dt.UTC), tick=False
    ):
        _seed()
        statuses = sorted(o.derived_status for o in ParentingOrder.objects.with_status())
        assert statuses == sorted(s.value for s in OrderStatus)
        counselling = ParentingOrder.objects.in_status(OrderStatus.COUNSELLING).get()
        assert counselling.counselling_ends_on.month == today.month
        assert counselling.counselling_ends_on >= today
        assert ParentingOrder.objects.filter(
            failures__referrals__status=ReferralStatus.AWAITING
        ).exists()
        assert OrderSession.objects.filter(order__isnull=True).exists()  # voluntary support
        counts = (ParentingOrder.objects.count(), OrderSession.objects.count())
        _seed()
        assert (ParentingOrder.objects.count(), OrderSession.objects.count()) == counts
