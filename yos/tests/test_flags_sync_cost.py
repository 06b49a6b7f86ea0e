"""flags_sync with a query (the nightly steps): the work is done in the
database, costs what the day changes rather than what is open, and every
raised, resolved or moved flag has a history row by the system user in the
same transaction (issue 10, docs/performance.md §4.5)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts import jobs as contract_jobs
from contracts.tests import factories as cf
from orders import jobs as order_jobs
from orders.models import ParentingOrder
from orders.tests.factories import ParentingOrderFactory, RequirementFactory
from yos.lib.audit import system_user
from yos.models import Flag

pytestmark = pytest.mark.django_db

D = dt.date
MADE = D(2026, 1, 15)  # counselling ends 15 April 2026
ENDED_DAY = D(2026, 5, 1)


@pytest.fixture(autouse=True)
def _window(settings):
    settings.FLAG_WARNING_DAYS = 14
    settings.CONTRACT_SIGNING_ALLOWED_DAYS = 10


def _rerun_queries(add: int, open_after: int) -> int:
    ParentingOrderFactory.create_batch(add, made_on=MADE)
    by = system_user()
    first = order_jobs.counselling_flags(ENDED_DAY, by=by)
    assert first["ended"]["raised"] == add
    with CaptureQueriesContext(connection) as ctx:
        again = order_jobs.counselling_flags(ENDED_DAY, by=by)
    assert again["ended"] == {"raised": 0, "resolved": 0, "updated": 0, "open": open_after}
    return len(ctx.captured_queries)


def test_a_rerun_costs_the_same_queries_with_5_and_50_open_flags():
    five = _rerun_queries(5, open_after=5)
    fifty = _rerun_queries(45, open_after=50)
    assert five == fifty
    # Two kinds, each in a savepoint: the wanted rows into a temporary table
    # (drop if left, create, ANALYZE on PostgreSQL), an UPDATE, a SELECT, an
    # INSERT, a COUNT and the drop.
    assert fifty <= 20


def test_every_raised_and_resolved_flag_has_its_history_row_by_the_system_user():
    orders = ParentingOrderFactory.create_batch(3, made_on=MADE)
    by = system_user()
    order_jobs.counselling_flags(D(2026, 4, 10), by=by)  # within the window: "ending"
    assert Flag.objects.filter(kind=Flag.Kind.COUNSELLING_ENDING).count() == 3
    order_jobs.counselling_flags(ENDED_DAY, by=by)  # "ending" resolves, "ended" raised
    raised = Flag.history.filter(history_type="+")
    resolved = Flag.history.filter(history_type="~", resolved_at__isnull=False)
    assert raised.count() == 6 and resolved.count() == 3
    assert set(Flag.history.values_list("history_user", flat=True)) == {by.pk}
    assert set(raised.values_list("object_id", flat=True)) == {o.pk for o in orders}
    ending = Flag.objects.filter(kind=Flag.Kind.COUNSELLING_ENDING)
    assert set(ending.values_list("resolved_by", flat=True)) == {by.pk}
    for flag in Flag.objects.all():  # each row's latest history is the row itself
        latest = flag.history.latest()
        assert (latest.resolved_at, latest.due_on) == (flag.resolved_at, flag.due_on)


def test_a_moved_end_date_moves_the_open_flag_with_history():
    requirement = RequirementFactory(order__made_on=MADE, ends_on=D(2026, 6, 1))
    by = system_user()
    order_jobs.requirement_flags(D(2026, 6, 10), by=by)
    flag = Flag.objects.get(kind=Flag.Kind.REQUIREMENT_ENDED)
    assert flag.due_on == D(2026, 6, 1)
    requirement.ends_on = D(2026, 6, 5)
    requirement.save()
    counts = order_jobs.requirement_flags(D(2026, 6, 10), by=by)
    assert counts["ended"] == {"raised": 0, "resolved": 0, "updated": 1, "open": 1}
    flag.refresh_from_db()
    assert flag.due_on == D(2026, 6, 5)
    assert flag.history.latest().history_user == by


def test_the_closure_step_skips_a_case_with_an_order_still_running():
    """Seed 000: the case "remains open until such time as all additional
    requirements have expired"."""
    ended = RequirementFactory(order__made_on=MADE, ends_on=D(2026, 6, 30)).order
    still = ParentingOrderFactory(case=ended.case, child=ended.child, made_on=D(2026, 5, 1))
    by = system_user()
    assert order_jobs.closure_flags(D(2026, 7, 10), by=by)["open"] == 0
    ParentingOrder.objects.filter(pk=still.pk).update(closed_on=D(2026, 8, 2))
    assert order_jobs.closure_flags(D(2026, 8, 10), by=by)["raised"] == 1
    flag = Flag.objects.get(kind=Flag.Kind.CASE_DUE_FOR_CLOSURE)
    # The last day anything on the case ran: the second order's counselling.
    assert flag.due_on == still.counselling_ends_on


def test_an_unsigned_contract_flag_is_due_the_allowed_days_after_finalising(school, school_staff):
    pupil, parents = cf.pupil_with_parents(school)
    contract = cf.finalised(pupil, parents, school_staff)
    contract.refresh_from_db()
    run = contract.finalised_on + dt.timedelta(days=11)
    by = system_user()
    assert contract_jobs.unsigned_flags(run, by=by)["raised"] == 1
    assert Flag.objects.get(kind=Flag.Kind.CONTRACT_UNSIGNED).due_on == (
        contract.finalised_on + dt.timedelta(days=10)
    )
    again = contract_jobs.unsigned_flags(run, by=by)
    assert again == {"raised": 0, "resolved": 0, "updated": 0, "open": 1}
