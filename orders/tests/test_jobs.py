"""The orders app's nightly steps (orders/jobs.py) at their flags' window
edges: the day before, the day of and the day after, with the clock moved by
time-machine and the job run as beat runs it (no date given: today in
Europe/London). FLAG_WARNING_DAYS is 14."""

import datetime as dt

import pytest

from cases.models import CaseStatus
from yos.lib.audit import system_user
from yos.models import Flag
from yos.tests.nightly import open_kinds, run_on, walk

D = dt.date
ENDING, ENDED = Flag.Kind.COUNSELLING_ENDING, Flag.Kind.COUNSELLING_ENDED


@pytest.fixture(autouse=True)
def _window(settings):
    settings.FLAG_WARNING_DAYS = 14
    settings.CONTRACT_SIGNING_ALLOWED_DAYS = 10


# --- Parenting orders (seed 000) ------------------------------------------------


def test_counselling_flag_edges(db):
    """Seed 000: "The maximum length a Parenting Order can be imposed for is 3
    months and this involves 3 months of counselling and starts from the date
    the order is given." Made 15 January 2026: counselling runs to 15 April."""
    from orders.tests.factories import ParentingOrderFactory

    order = ParentingOrderFactory(made_on=D(2026, 1, 15))
    assert order.counselling_ends_on == D(2026, 4, 15)
    walk(
        order,
        [
            (D(2026, 3, 31), set()),  # 15 days before the end: outside the window
            (D(2026, 4, 1), {ENDING}),  # 14 days before: the window opens
            (D(2026, 4, 2), {ENDING}),
            (D(2026, 4, 14), {ENDING}),
            (D(2026, 4, 15), {ENDING}),  # the last enforceable day
            (D(2026, 4, 16), {ENDED}),  # now voluntary: "ending" resolves itself
        ],
    )
    ending = Flag.objects.get(kind=ENDING)
    assert ending.resolved_at is not None
    assert ending.resolved_by == system_user()
    assert ending.due_on == D(2026, 4, 15)


def test_requirement_flag_edges(db):
    """Seed 000: "a court may also impose a requirement of up to 12 months"."""
    from orders.tests.factories import RequirementFactory

    requirement = RequirementFactory(order__made_on=D(2026, 1, 15), ends_on=D(2026, 10, 1))
    walk(
        requirement,
        [
            (D(2026, 9, 16), set()),
            (D(2026, 9, 17), {Flag.Kind.REQUIREMENT_ENDING}),
            (D(2026, 9, 18), {Flag.Kind.REQUIREMENT_ENDING}),
            (D(2026, 9, 30), {Flag.Kind.REQUIREMENT_ENDING}),
            (D(2026, 10, 1), {Flag.Kind.REQUIREMENT_ENDING}),
            (D(2026, 10, 2), {Flag.Kind.REQUIREMENT_ENDED}),
        ],
    )


def test_a_requirement_extended_out_of_the_window_resolves_its_flag(db):
    from orders.tests.factories import RequirementFactory

    requirement = RequirementFactory(order__made_on=D(2026, 1, 15), ends_on=D(2026, 10, 1))
    run_on(D(2026, 9, 20))
    assert open_kinds(requirement) == {Flag.Kind.REQUIREMENT_ENDING}
    requirement.ends_on = D(2026, 12, 1)
    requirement.save()
    run_on(D(2026, 9, 21))
    assert open_kinds(requirement) == set()


def test_case_due_for_closure_edges(db):
    """Seed 000: the case "remains open until such time as all additional
    requirements have expired"."""
    from orders.tests.factories import RequirementFactory

    requirement = RequirementFactory(
        order__made_on=D(2026, 1, 15),
        order__case__referred_on=D(2026, 1, 5),
        order__case__opened_on=D(2026, 1, 15),
        ends_on=D(2026, 6, 30),
    )
    case = requirement.order.case
    walk(
        case,
        [
            (D(2026, 6, 29), set()),
            (D(2026, 6, 30), set()),  # the requirement's last day
            (D(2026, 7, 1), {Flag.Kind.CASE_DUE_FOR_CLOSURE}),
            (D(2026, 7, 2), {Flag.Kind.CASE_DUE_FOR_CLOSURE}),
        ],
    )
    assert Flag.objects.get(kind=Flag.Kind.CASE_DUE_FOR_CLOSURE).due_on == D(2026, 6, 30)
    case.status, case.closed_on, case.closure_reason = CaseStatus.CLOSED, D(2026, 7, 2), "Done"
    case.save()
    run_on(D(2026, 7, 3))
    assert open_kinds(case) == set()


def test_a_case_with_two_orders_is_due_only_when_neither_runs(db):
    """Several orders on one parenting case: a closed order does not keep the
    case open, a running one does, and the due date is the last day anything
    on the case ran (the later order's requirement)."""
    from orders.tests.factories import ParentingOrderFactory, RequirementFactory

    first = ParentingOrderFactory(made_on=D(2026, 1, 15), closed_on=D(2026, 3, 1))
    case = first.case
    second = ParentingOrderFactory(case=case, child=case.child, made_on=D(2026, 2, 1))
    RequirementFactory(order=second, ends_on=D(2026, 8, 31))
    walk(
        case,
        [
            (D(2026, 5, 10), set()),  # the second order's requirement runs
            (D(2026, 8, 31), set()),
            (D(2026, 9, 1), {Flag.Kind.CASE_DUE_FOR_CLOSURE}),
        ],
    )
    assert Flag.objects.get(kind=Flag.Kind.CASE_DUE_FOR_CLOSURE).due_on == D(2026, 8, 31)
