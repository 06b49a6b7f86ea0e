"""Sessions, failures to comply and breach referrals: the case manager asks,
the supervisor alone decides."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from orders.models import (
    BreachReferral,
    FailureKind,
    FailureToComply,
    OrderSession,
    ReferralStatus,
)
from orders.tests.factories import FailureFactory, ParentingCaseFactory, ReferralFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC), tick=False):
        yield


def _date(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_a_missed_session_records_a_failure_waiting_for_the_explanation(
    client_for, case_manager, order, parent
):
    response = client_for(case_manager).post(
        reverse("orders:session-record", args=[order.pk]),
        {
            **_date("held_on", TODAY),
            "attendance": "missed",
            "parent": parent.pk,
            "explanation": "typed by mistake",
        },
        follow=True,
    )
    assert (
        "Session recorded, and a failure to comply recorded: ask the parent for a reason before "
        "a warning letter can be sent" in response.content.decode()
    )
    failure = order.failures.get()
    assert failure.kind == FailureKind.COUNSELLING
    assert (failure.explanation_status, failure.explanation, failure.excuse) == (
        "not_asked",
        "",
        "",
    )
    assert "Not asked yet: ask the parent for a reason" in response.content.decode()


def test_a_missed_enforceable_session_needs_the_parent(client_for, case_manager, order):
    response = client_for(case_manager).post(
        reverse("orders:session-record", args=[order.pk]),
        {**_date("held_on", TODAY), "attendance": "missed"},
    )
    assert response.context["form"].errors["parent"] == [
        "Select the parent or carer who missed the session"
    ]
    assert OrderSession.objects.count() == 0


def test_a_session_in_the_future_is_refused(client_for, case_manager, order):
    response = client_for(case_manager).post(
        reverse("orders:session-record", args=[order.pk]),
        {**_date("held_on", TODAY + dt.timedelta(days=1)), "attendance": "attended"},
    )
    assert response.context["form"].errors["held_on"] == [
        "The date of the session must be today or in the past"
    ]


def test_voluntary_support_sessions_are_never_failures(client_for, case_manager, family):
    case = ParentingCaseFactory(child__family=family)
    client = client_for(case_manager)
    response = client.post(
        reverse("orders:support-session-record", args=[case.pk]),
        {**_date("held_on", TODAY), "attendance": "missed"},
        follow=True,
    )
    assert response.status_code == 200
    session = OrderSession.objects.get()
    assert session.order is None
    assert FailureToComply.objects.count() == 0
    body = client.get(reverse("orders:support-detail", args=[case.pk])).content.decode()
    assert "attendance is never enforceable" in body


@pytest.mark.parametrize(
    ("persona", "status"), [("colleague", 403), ("supervisor", 403), ("outsider", 404)]
)
def test_only_the_allocated_case_manager_records_sessions(
    request, client_for, order, persona, status
):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(
        reverse("orders:session-record", args=[order.pk]),
        {**_date("held_on", TODAY), "attendance": "attended"},
    )
    assert response.status_code == status
    assert OrderSession.objects.count() == 0


def test_the_case_manager_asks_for_a_breach_referral(client_for, case_manager, order, parent):
    failure = FailureFactory(order=order, parent=parent, occurred_on=TODAY)
    response = client_for(case_manager).post(
        reverse("orders:referral-request", args=[failure.pk]), {"reason": "Third absence"}
    )
    assert response.status_code == 302
    referral = BreachReferral.objects.get()
    assert referral.status == ReferralStatus.AWAITING
    assert referral.requested_by == case_manager


def test_a_referral_needs_a_reason(client_for, case_manager, order, parent):
    failure = FailureFactory(order=order, parent=parent, occurred_on=TODAY)
    response = client_for(case_manager).post(
        reverse("orders:referral-request", args=[failure.pk]), {}
    )
    assert response.context["form"].errors["reason"] == [
        "Enter why the failure should be referred for prosecution"
    ]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("supervisor", 200),
        ("case_manager", 403),
        ("colleague", 403),
        ("outsider", 404),
        ("victim_worker", 404),
    ],
)
def test_only_a_supervisor_may_decide_a_referral(
    request, client_for, order, parent, persona, status
):
    referral = ReferralFactory(
        failure=FailureFactory(order=order, parent=parent, occurred_on=TODAY)
    )
    user = request.getfixturevalue(persona)
    response = client_for(user).post(
        reverse("orders:referral-decide", args=[referral.pk]),
        {"decision": "approve", "reason": "Pattern"},
    )
    assert response.status_code in (status, 302 if status == 200 else status)
    referral.refresh_from_db()
    expected = ReferralStatus.APPROVED if persona == "supervisor" else ReferralStatus.AWAITING
    assert referral.status == expected


def test_the_supervisor_declines_with_a_reason(client_for, supervisor, order, parent):
    referral = ReferralFactory(
        failure=FailureFactory(order=order, parent=parent, occurred_on=TODAY)
    )
    client = client_for(supervisor)
    response = client.post(
        reverse("orders:referral-decide", args=[referral.pk]), {"decision": "decline"}
    )
    assert response.context["form"].errors["reason"] == ["Enter the reason for your decision"]
    response = client.post(
        reverse("orders:referral-decide", args=[referral.pk]),
        {"decision": "decline", "reason": "First failure"},
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert referral.decided_by == supervisor
    assert referral.decision_reason == "First failure"


def test_the_supervisors_home_lists_referrals_awaiting_approval(
    client_for, supervisor, order, parent
):
    referral = ReferralFactory(
        failure=FailureFactory(order=order, parent=parent, occurred_on=TODAY)
    )
    body = client_for(supervisor).get(reverse("home")).content.decode()
    assert "Breach referrals awaiting approval" in body
    assert referral.get_absolute_url() in body


def test_the_referral_page_costs_a_fixed_number_of_queries(
    client_for, supervisor, order, parent, django_assert_max_num_queries
):
    referral = ReferralFactory(
        failure=FailureFactory(order=order, parent=parent, occurred_on=TODAY)
    )
    client = client_for(supervisor)
    client.get(referral.get_absolute_url())
    with django_assert_max_num_queries(12):
        assert client.get(referral.get_absolute_url()).status_code == 200
