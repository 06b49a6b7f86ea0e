"""Closed means closed (issue 17, rule 2): nothing new is recorded on a closed
order, or on an order or session of a closed case, and the refusal says why.

Seed 000: the parenting-order case "remains open until such time as all
additional requirements have expired" — once it (or the order) is closed,
there is no order left to comply with.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import services as case_services
from cases.models import Attendance as CaseAttendance
from cases.models import CaseStatus, SessionKind
from cases.tests.factories import CaseFactory, SessionFactory
from orders import services
from orders.models import Attendance, FailureKind, RequirementKind
from orders.tests.factories import ParentingOrderFactory

pytestmark = pytest.mark.django_db

MADE = dt.date(2026, 11, 14)
CLOSED = dt.date(2027, 3, 1)  # counselling ended 14 February 2027; no requirement
AFTER = dt.date(2027, 3, 5)
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2027, 3, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


def _closed_order(case_manager, **extra):
    order = ParentingOrderFactory(made_on=MADE, **extra)
    return services.order_close(order=order, closed_on=CLOSED, by=case_manager)


def _close_case(case):
    case.status, case.closed_on, case.closure_reason = CaseStatus.CLOSED, CLOSED, "Completed"
    case.save()
    return case


def _failure(order, by, **extra):
    return services.failure_record(
        order=order,
        kind=FailureKind.CONDITION,
        parent=order.parents.get(),
        occurred_on=dt.date(2026, 12, 1),
        description="Child out after the curfew",
        by=by,
        **extra,
    )


def _session(order, by):
    return services.session_record(
        case=order.case,
        order=order,
        held_on=AFTER,
        attendance=Attendance.MISSED,
        parent=order.parents.get(),
        by=by,
    )


def _messages(caught):
    return caught.value.messages


def test_no_failure_to_comply_on_a_closed_order(case_manager):
    order = _closed_order(case_manager)
    with pytest.raises(ValidationError) as caught:
        _failure(order, case_manager)
    assert _messages(caught) == [
        "This order is closed: you cannot record a failure to comply on it"
    ]
    assert order.failures.count() == 0


def test_no_session_on_a_closed_order(case_manager):
    order = _closed_order(case_manager)
    with pytest.raises(ValidationError) as caught:
        _session(order, case_manager)
    assert _messages(caught) == ["This order is closed: you cannot record a session on it"]
    assert order.sessions.count() == 0


def test_no_requirement_on_a_closed_order(case_manager):
    order = _closed_order(case_manager)
    with pytest.raises(ValidationError) as caught:
        services.requirement_add(
            order=order, kind=RequirementKind.ATTEND_SCHOOL, ends_on=AFTER, by=case_manager
        )
    assert _messages(caught) == [
        "This order is closed: you cannot add or change a requirement on it"
    ]


def test_nothing_on_an_open_order_of_a_closed_case(case_manager):
    order = ParentingOrderFactory(made_on=MADE)
    _close_case(order.case)
    order.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        _failure(order, case_manager)
    assert _messages(caught) == [
        "This case is closed: you cannot record a failure to comply on its order"
    ]
    with pytest.raises(ValidationError) as caught:
        _session(order, case_manager)
    assert _messages(caught) == ["This case is closed: you cannot record a session on it"]
    with pytest.raises(ValidationError) as caught:
        services.requirement_add(
            order=order, kind=RequirementKind.ATTEND_SCHOOL, ends_on=AFTER, by=case_manager
        )
    assert _messages(caught) == [
        "This case is closed: you cannot add or change a requirement on its order"
    ]


def test_no_voluntary_support_session_on_a_closed_case(case_manager):
    order = ParentingOrderFactory(made_on=MADE)
    case = _close_case(order.case)
    with pytest.raises(ValidationError) as caught:
        services.session_record(
            case=case, held_on=AFTER, attendance=Attendance.ATTENDED, by=case_manager
        )
    assert _messages(caught) == ["This case is closed: you cannot record a session on it"]


def test_no_case_session_recorded_or_changed_on_a_closed_case(case_manager):
    case = _close_case(CaseFactory())
    with pytest.raises(ValidationError) as caught:
        case_services.session_record(
            case=case,
            kind=SessionKind.ONE_TO_ONE,
            starts_at=dt.datetime(2027, 3, 5, 10, tzinfo=LONDON),
            attendance=CaseAttendance.ATTENDED,
            by=case_manager,
        )
    assert _messages(caught) == ["This case is closed: you cannot record a session on it"]
    session = SessionFactory(case=case)
    with pytest.raises(ValidationError) as caught:
        case_services.session_update(
            session=session,
            changes={"attendance": CaseAttendance.ATTENDED},
            loaded_version=session.version,
            by=case_manager,
        )
    assert _messages(caught) == ["This case is closed: you cannot change its sessions"]


def _date(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_the_case_manager_sees_why_a_failure_on_a_closed_order_is_refused(
    client_for, case_manager, parenting_case, parent
):
    order = _closed_order(case_manager, case=parenting_case, parents=[parent])
    response = client_for(case_manager).post(
        reverse("orders:record-failure", args=[order.pk]),
        {
            "kind": "condition",
            "parent": parent.pk,
            **_date("occurred_on", dt.date(2026, 12, 1)),
            "description": "Child out after the curfew",
            "excuse": "not_accepted",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This order is closed: you cannot record a failure to comply on it"
    ]
    assert "This order is closed: you cannot record a failure to comply on it" in (
        response.content.decode()
    )
    assert order.failures.count() == 0


def test_the_case_manager_sees_why_a_session_on_a_closed_case_is_refused(
    client_for, case_manager, family
):
    case = _close_case(CaseFactory(child__family=family))
    response = client_for(case_manager).post(
        reverse("cases:record-session", args=[case.pk]),
        {
            "kind": SessionKind.ONE_TO_ONE,
            **_date("day", AFTER),
            "start": "10:00",
            "attendance": CaseAttendance.ATTENDED,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This case is closed: you cannot record a session on it"
    ]
    assert case.sessions.count() == 0
