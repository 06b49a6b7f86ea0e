"""One rule for "due for closure", and the three places that run it agree
with it: the order's ``status_on`` (pages), ``with_status`` (lists, the home
panel) and ``jobs.due_for_closure`` (the nightly closure flags).

Seed 002: "Where a requirement has been imposed the Youth Offending Service
will continue to offer counselling/support and the parenting order case
remains open until such time as all additional requirements have expired."
"""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orders import jobs, rules
from orders.models import OrderStatus, ParentingOrder
from orders.tests.factories import ParentingOrderFactory, RequirementFactory

pytestmark = pytest.mark.django_db

MADE = dt.date(2026, 11, 30)


class _Rollback(Exception):
    pass


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    requirement_days=st.lists(st.integers(min_value=0, max_value=365), max_size=3),
    omitted=st.booleans(),
    on_day=st.integers(min_value=-5, max_value=400),
)
def test_the_rule_the_page_the_list_and_the_nightly_job_agree(requirement_days, omitted, on_day):
    on = MADE + dt.timedelta(days=on_day)
    ends = [MADE + dt.timedelta(days=d) for d in requirement_days]
    expected = rules.is_due_for_closure(MADE, ends, on, counselling=not omitted)
    try:
        with transaction.atomic():
            order = ParentingOrderFactory(
                made_on=MADE,
                programme_omitted=omitted,
                programme_omitted_note="The court found a programme unsuitable" if omitted else "",
            )
            for end in ends:
                RequirementFactory(order=order, ends_on=end)
            order = ParentingOrder.objects.prefetch_related("requirements").get(pk=order.pk)
            page = order.status_on(on) == OrderStatus.DUE_FOR_CLOSURE
            listed = (
                ParentingOrder.objects.with_status(on).get(pk=order.pk).derived_status
                == OrderStatus.DUE_FOR_CLOSURE
            )
            nightly = order.case_id in {row["case_id"] for row in jobs.due_for_closure(on)}
            raise _Rollback
    except _Rollback:
        pass
    assert (page, listed, nightly) == (expected, expected, expected)
