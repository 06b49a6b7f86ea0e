"""What orders adds to pages it does not own (yos/extensions.py hooks)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders import selectors
from orders.tests.factories import ParentingOrderFactory, RequirementFactory

pytestmark = pytest.mark.django_db


def _at(day):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC), tick=False
    )


def test_case_closure_is_blocked_while_counselling_or_a_requirement_runs(order):
    """Seed 000: "the parenting order case remains open until such time as all
    additional requirements have expired"."""
    RequirementFactory(order=order, ends_on=dt.date(2027, 9, 1))
    with _at(dt.date(2027, 1, 10)):
        assert selectors.case_closure_blockers(order.case) == [
            "Counselling under the parenting order made on 14 November 2026 is enforceable "
            "until 14 February 2027",
            "The parenting order requirement “Ensure the child attends school as required” "
            "runs until 1 September 2027",
        ]
    with _at(dt.date(2027, 9, 1)):
        assert len(selectors.case_closure_blockers(order.case)) == 1
    with _at(dt.date(2027, 9, 2)):
        assert selectors.case_closure_blockers(order.case) == []


def test_child_and_family_panels_show_orders_to_those_who_may_read_them(
    order, case_manager, outsider
):
    assert [o.pk for o in selectors.child_panels(case_manager, order.child)[0]["orders"]] == [
        order.pk
    ]
    assert [
        o.pk for o in selectors.family_panels(case_manager, order.child.family)[0]["orders"]
    ] == [order.pk]
    assert selectors.child_panels(outsider, order.child) == []
    assert selectors.family_panels(outsider, order.child.family) == []


def test_the_timeline_shows_the_order_and_the_ends_that_have_passed(order, case_manager, outsider):
    RequirementFactory(order=order, ends_on=dt.date(2027, 6, 1))
    with _at(dt.date(2027, 3, 1)):
        titles = [e.title for e in selectors.timeline_events(case_manager, order.child)]
    assert titles == ["Parenting order made", "Counselling period ended: now voluntary"]
    assert selectors.timeline_events(outsider, order.child) == []


def test_the_timeline_shows_failures_and_referral_decisions(order, case_manager, supervisor):
    from orders import services
    from orders.tests.factories import FailureFactory, ReferralFactory

    referral = ReferralFactory(
        failure=FailureFactory(order=order, occurred_on=dt.date(2026, 12, 1))
    )
    services.referral_decide(referral=referral, approve=True, reason="Pattern", by=supervisor)
    with _at(dt.date(2026, 12, 20)):
        titles = [e.title for e in selectors.timeline_events(case_manager, order.child)]
    assert titles == [
        "Parenting order made",
        "Failure to comply with the parenting order",
        "Breach referral approved for prosecution",
    ]


def test_the_case_managers_home_lists_orders_ending_soon(order, case_manager, colleague):
    with _at(dt.date(2027, 2, 5)):  # counselling ends 14 February, within 14 days
        panel = selectors.home_panels(case_manager)[0]
        assert [o.pk for o in panel["orders"]] == [order.pk]
        assert selectors.home_panels(colleague)[0]["orders"] == []  # not allocated to them
    with _at(dt.date(2027, 1, 5)):
        assert selectors.home_panels(case_manager)[0]["orders"] == []


def test_the_home_panel_costs_the_same_queries_for_5_and_50_orders(order, case_manager):
    def make(n):
        for _ in range(n):
            o = ParentingOrderFactory(case=order.case, parents=list(order.parents.all()))
            RequirementFactory(order=o, ends_on=dt.date(2027, 2, 1))

    def count():
        with CaptureQueriesContext(connection) as ctx, _at(dt.date(2027, 1, 25)):
            list(selectors.home_panels(case_manager)[0]["orders"])
        return len(ctx.captured_queries)

    make(5)
    count()  # the user's role and teams are cached after the first call
    five = count()
    make(45)
    assert count() == five


def test_child_panel_lists_parenting_cases_without_an_order(order, case_manager, colleague):
    from orders.tests.factories import ParentingCaseFactory

    support = ParentingCaseFactory(child=order.child)
    panel = selectors.child_panels(case_manager, order.child)[0]
    assert [c.pk for c in panel["support_cases"]] == [support.pk]
    assert panel["can_change"] is True
    assert selectors.child_panels(colleague, order.child)[0]["can_change"] is False


def test_the_child_page_shows_the_orders_panel(order, client_for, case_manager):
    body = client_for(case_manager).get(order.child.get_absolute_url()).content.decode()
    assert "Parenting orders and support" in body
    assert order.get_absolute_url() in body
