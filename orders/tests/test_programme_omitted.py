"""An order made without a counselling or guidance programme has no counselling
to enforce (issue 17, rule 1).

Sentencing Act 2020 s.366(4)-(5) (formerly Crime and Disorder Act 1998 s.8(5)):
the requirement to attend a counselling or guidance programme "need not be
included in any parenting order if the parent has been the subject of a
parenting order on a previous occasion". PRODUCT.md: "The counselling/guidance
programme may be omitted where the parent has had a parenting order before".
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from orders import jobs, rules, selectors, services
from orders.models import Attendance, FailureKind, OrderStatus, ParentingOrder
from orders.tests.factories import ParentingOrderFactory, RequirementFactory
from yos.lib.audit import system_user
from yos.models import Flag, Letter

pytestmark = pytest.mark.django_db

MADE = dt.date(2026, 11, 14)  # counselling would have run to 14 February 2027
WITHIN = dt.date(2026, 12, 1)  # inside those three months


def _omitted(**extra):
    return ParentingOrderFactory(
        made_on=MADE,
        programme_omitted=True,
        programme_omitted_note="Parenting order made in 2023 by the same court",
        **extra,
    )


def test_the_rule_and_the_query_agree():
    """Seed 000's three months of counselling do not exist when the court
    omitted the programme: rules.has_counselling_to_enforce and the queryset
    filter say the same for every order."""
    omitted, usual = _omitted(), ParentingOrderFactory(made_on=MADE)
    assert rules.has_counselling_to_enforce(omitted) is False
    assert rules.has_counselling_to_enforce(usual) is True
    in_query = set(ParentingOrder.objects.with_counselling_to_enforce())
    assert in_query == {o for o in (omitted, usual) if rules.has_counselling_to_enforce(o)}


def test_the_status_never_says_counselling_and_agrees_with_the_query():
    order = _omitted()
    RequirementFactory(order=order, ends_on=dt.date(2027, 1, 31))
    order = ParentingOrder.objects.get(pk=order.pk)
    assert not order.counselling_enforceable_on(WITHIN)
    assert order.status_on(WITHIN) == OrderStatus.REQUIREMENTS
    assert ParentingOrder.objects.with_status(WITHIN).get().derived_status == (
        OrderStatus.REQUIREMENTS
    )
    day_after = dt.date(2027, 2, 1)
    assert order.status_on(day_after) == OrderStatus.DUE_FOR_CLOSURE
    assert ParentingOrder.objects.with_status(day_after).get().derived_status == (
        OrderStatus.DUE_FOR_CLOSURE
    )
    assert order.case_open_until == dt.date(2027, 1, 31)


def test_a_missed_session_is_not_a_failure_to_comply(case_manager):
    """Without a programme there is no session whose attendance can be enforced."""
    order = _omitted()
    session, failure = services.session_record(
        case=order.case,
        order=order,
        held_on=WITHIN,
        attendance=Attendance.MISSED,
        parent=order.parents.get(),
        by=case_manager,
    )
    assert failure is None
    assert session.enforceable is False
    assert order.failures.count() == 0


def test_a_counselling_failure_is_refused_with_the_reason(case_manager):
    order = _omitted()
    with pytest.raises(ValidationError) as caught:
        services.failure_record(
            order=order,
            kind=FailureKind.COUNSELLING,
            parent=order.parents.get(),
            occurred_on=WITHIN,
            description="Did not come",
            by=case_manager,
        )
    assert caught.value.message_dict == {"occurred_on": [rules.NO_COUNSELLING_TO_ENFORCE]}
    assert rules.NO_COUNSELLING_TO_ENFORCE == (
        "This order was made without a counselling or guidance programme: there is no "
        "counselling to enforce, so a missed session cannot be recorded as a failure to comply"
    )


def test_closure_is_not_blocked_by_counselling_that_does_not_exist():
    order = _omitted()
    assert selectors.case_closure_blockers(order.case, on=WITHIN) == []
    assert order.status_on(WITHIN) == OrderStatus.DUE_FOR_CLOSURE


def test_the_nightly_job_raises_no_counselling_flags_or_notices_and_flags_closure():
    """No "counselling ending/ended" flag and no "counselling now voluntary"
    notice for an order that never had counselling; its case, with no
    requirement, is due for closure."""
    order = _omitted()
    ParentingOrderFactory(made_on=MADE)  # the usual order: flagged as before
    by = system_user()
    for day in (dt.date(2027, 2, 10), dt.date(2027, 2, 20)):
        jobs.counselling_flags(day, by=by)
        jobs.counselling_ended_notices(day, by=by)
    flagged = set(
        Flag.objects.filter(
            kind__in=[Flag.Kind.COUNSELLING_ENDING, Flag.Kind.COUNSELLING_ENDED]
        ).values_list("object_id", flat=True)
    )
    assert order.pk not in flagged
    assert flagged  # the usual order is flagged
    assert not Letter.objects.filter(object_id=order.pk, kind=Letter.Kind.COUNSELLING_ENDED)
    due = {row["case_id"]: row["last_day"] for row in jobs.due_for_closure(WITHIN)}
    assert due == {order.case_id: MADE}


def _date(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_the_case_manager_is_told_there_is_no_counselling_to_enforce(
    client_for, case_manager, parenting_case, parent
):
    order = _omitted(case=parenting_case, parents=[parent])
    with time_machine.travel(dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC), tick=False):
        client = client_for(case_manager)
        response = client.post(
            reverse("orders:record-failure", args=[order.pk]),
            {
                "kind": "counselling",
                "parent": parent.pk,
                **_date("occurred_on", WITHIN),
                "description": "Did not come",
                "excuse": "not_accepted",
            },
        )
        assert response.status_code == 200
        assert response.context["form"].errors["occurred_on"] == [rules.NO_COUNSELLING_TO_ENFORCE]
        page = client.get(order.get_absolute_url()).content.decode()
    assert order.failures.count() == 0
    assert 'data-testid="counselling-voluntary"' not in page
    assert "Omitted by the court" in page
