"""A closure is judged on its own date (issue 17, rule 3).

Seed 000: "the parenting order case remains open until such time as all
additional requirements have expired". A case closed on 15 January 2027 was
closed on that day, so a requirement running on 15 January blocks it, even
when the closure is recorded later, after the requirement ended.
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import services as case_services
from cases.models import CaseStatus
from orders import selectors
from orders.tests.factories import ParentingOrderFactory, RequirementFactory

pytestmark = pytest.mark.django_db

MADE = dt.date(2026, 11, 14)  # counselling to 14 February 2027
REQUIREMENT_ENDS = dt.date(2027, 3, 31)
TODAY = dt.date(2027, 5, 10)  # everything has ended by today
BLOCKED_ON = dt.date(2027, 3, 15)  # counselling over, the requirement still running
REASON = (
    "The parenting order requirement “Ensure the child attends school as required” "
    "runs until 31 March 2027"
)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2027, 5, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


def _order(**extra):
    order = ParentingOrderFactory(made_on=MADE, **extra)
    RequirementFactory(order=order, ends_on=REQUIREMENT_ENDS)
    return order


def test_the_blockers_are_those_of_the_given_day():
    order = _order()
    assert selectors.case_closure_blockers(order.case) == []  # today
    assert selectors.case_closure_blockers(order.case, on=BLOCKED_ON) == [REASON]
    assert selectors.case_closure_blockers(order.case, on=dt.date(2027, 4, 1)) == []


def test_a_past_closure_date_on_which_a_requirement_ran_is_refused(case_manager):
    case = _order().case
    with pytest.raises(ValidationError) as caught:
        case_services.case_close(
            case=case, closed_on=BLOCKED_ON, closure_reason="Work completed", by=case_manager
        )
    assert caught.value.message_dict == {"__all__": [REASON]}
    case.refresh_from_db()
    assert case.status != CaseStatus.CLOSED
    closed = case_services.case_close(
        case=case, closed_on=dt.date(2027, 4, 1), closure_reason="Work completed", by=case_manager
    )
    assert closed.status == CaseStatus.CLOSED


def test_the_case_manager_sees_the_requirement_that_ran_on_the_closing_date(
    client_for, case_manager, parenting_case, parent
):
    _order(case=parenting_case, parents=[parent])
    response = client_for(case_manager).post(
        reverse("cases:close-case", args=[parenting_case.pk]),
        {
            "closed_on_0": BLOCKED_ON.day,
            "closed_on_1": BLOCKED_ON.month,
            "closed_on_2": BLOCKED_ON.year,
            "closure_reason": "Work completed",
            "loaded_version": parenting_case.version,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [REASON]
    parenting_case.refresh_from_db()
    assert parenting_case.status != CaseStatus.CLOSED


def test_a_closure_date_in_the_future_is_refused(case_manager):
    """A case closed "next month" would be closed today while a requirement
    may still run: the date closed is today or earlier."""
    case = _order().case
    with pytest.raises(ValidationError) as caught:
        case_services.case_close(
            case=case,
            closed_on=TODAY + dt.timedelta(days=1),
            closure_reason="Work completed",
            by=case_manager,
        )
    assert caught.value.message_dict == {"closed_on": ["Date closed must be today or in the past"]}
