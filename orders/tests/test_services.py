"""Writes: each service checks the rules, saves, and records who did it."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from cases.tests.factories import AdultFactory
from orders import services
from orders.models import (
    Attendance,
    Excuse,
    FailureKind,
    FailureToComply,
    OrderStatus,
    ReferralStatus,
    RequirementKind,
    StatutoryBasis,
)
from orders.tests.factories import (
    FailureFactory,
    ParentingCaseFactory,
    ParentingOrderFactory,
    ReferralFactory,
    RequirementFactory,
)
from yos.lib.versioning import StaleRecord

pytestmark = pytest.mark.django_db

MADE = dt.date(2026, 11, 14)


def _at(day: dt.date):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC), tick=False
    )


def _order_fields(**extra):
    return {
        "court": "Demo Town Youth Court",
        "made_on": MADE,
        "basis": StatutoryBasis.SA_2020_S366,
        **extra,
    }


def test_order_create_works_out_counselling_and_records_the_user(case_manager):
    case = ParentingCaseFactory()
    parent = AdultFactory(family=case.child.family)
    order = services.order_create(case=case, parents=[parent], by=case_manager, **_order_fields())
    assert order.child == case.child
    assert order.counselling_ends_on == dt.date(2027, 2, 14)
    assert list(order.parents.all()) == [parent]
    assert order.history.first().history_user == case_manager


def test_order_create_refuses_a_parent_from_another_family(case_manager):
    case = ParentingCaseFactory()
    stranger = AdultFactory()
    with pytest.raises(ValidationError) as error:
        services.order_create(case=case, parents=[stranger], by=case_manager, **_order_fields())
    assert error.value.message_dict == {"parents": [services.PARENT_NOT_IN_FAMILY]}


def test_order_create_refuses_a_residential_programme_without_the_findings(case_manager):
    case = ParentingCaseFactory()
    parent = AdultFactory(family=case.child.family)
    with pytest.raises(ValidationError) as error:
        services.order_create(
            case=case, parents=[parent], by=case_manager, **_order_fields(residential=True)
        )
    assert "residential" in error.value.message_dict


def test_requirement_add_refuses_one_past_twelve_months(case_manager):
    order = ParentingOrderFactory(made_on=MADE)
    with pytest.raises(ValidationError) as error:
        services.requirement_add(
            order=order,
            kind=RequirementKind.ATTEND_SCHOOL,
            ends_on=dt.date(2027, 11, 15),
            by=case_manager,
        )
    assert error.value.message_dict == {
        "ends_on": [
            "A requirement cannot end after 14 November 2027, 12 months after the order was made"
        ]
    }
    assert order.requirements.count() == 0


def test_requirement_add_to_comply_with_an_order_names_the_childs_case(case_manager):
    order = ParentingOrderFactory(made_on=MADE)
    with pytest.raises(ValidationError) as error:
        services.requirement_add(
            order=order,
            kind=RequirementKind.COMPLY_WITH_ORDER,
            ends_on=dt.date(2027, 5, 1),
            by=case_manager,
        )
    assert "child_case" in error.value.message_dict


def test_order_update_refuses_a_stale_version(case_manager):
    order = ParentingOrderFactory(made_on=MADE)
    parents = list(order.parents.all())
    services.order_update(
        order=order, parents=parents, loaded_version=1, by=case_manager, court="Other Court"
    )
    with pytest.raises(StaleRecord):
        services.order_update(
            order=order, parents=parents, loaded_version=1, by=case_manager, court="Third Court"
        )
    order.refresh_from_db()
    assert order.court == "Other Court"


def test_order_update_refuses_a_new_date_that_leaves_a_requirement_past_twelve_months(case_manager):
    order = ParentingOrderFactory(made_on=MADE)
    RequirementFactory(order=order, ends_on=dt.date(2027, 11, 14))
    with pytest.raises(ValidationError) as error:
        services.order_update(
            order=order,
            parents=list(order.parents.all()),
            loaded_version=order.version,
            by=case_manager,
            made_on=dt.date(2026, 11, 13),
        )
    assert (
        "A requirement cannot end after 13 November 2027" in error.value.message_dict["made_on"][0]
    )


def test_a_missed_session_during_counselling_is_a_failure_waiting_for_the_explanation(
    case_manager,
):
    """Seed 000: a failure "can be treated as a criminal offence"; only without
    reasonable excuse, so nothing decides the excuse before the parent is asked."""
    order = ParentingOrderFactory(made_on=MADE)
    parent = order.parents.get()
    session, failure = services.session_record(
        case=order.case,
        order=order,
        held_on=dt.date(2026, 12, 1),
        attendance=Attendance.MISSED,
        parent=parent,
        by=case_manager,
    )
    assert session.enforceable
    assert failure.kind == FailureKind.COUNSELLING
    assert failure.session == session
    assert failure.explanation_status == "not_asked"
    assert (failure.excuse, failure.excuse_decided_by, failure.explanation) == ("", None, "")


def test_a_missed_session_after_counselling_ended_is_not_a_failure(case_manager):
    order = ParentingOrderFactory(made_on=MADE)
    session, failure = services.session_record(
        case=order.case,
        order=order,
        held_on=dt.date(2027, 2, 15),
        attendance=Attendance.MISSED,
        parent=order.parents.get(),
        by=case_manager,
    )
    assert failure is None
    assert not session.enforceable
    assert FailureToComply.objects.count() == 0


def test_voluntary_support_is_never_enforceable_and_never_breached(case_manager):
    case = ParentingCaseFactory()
    session, failure = services.session_record(
        case=case,
        held_on=dt.date(2026, 12, 1),
        attendance=Attendance.MISSED,
        by=case_manager,
    )
    assert session.order is None
    assert not session.enforceable
    assert failure is None


def test_failure_to_comply_cannot_be_recorded_against_counselling_after_it_ended(case_manager):
    """Seed 000: "After the 3 months is over, the Youth Offending Service can no longer
    enforce attendance by the parent at counselling sessions"."""
    order = ParentingOrderFactory(made_on=dt.date(2026, 11, 30))
    with _at(dt.date(2027, 3, 1)):
        with pytest.raises(ValidationError) as error:
            services.failure_record(
                order=order,
                kind=FailureKind.COUNSELLING,
                parent=order.parents.get(),
                occurred_on=dt.date(2027, 3, 1),
                description="Missed the session",
                by=case_manager,
            )
    assert error.value.message_dict == {
        "occurred_on": [
            "Counselling ended on 28 February 2027: attendance is now voluntary, so a missed "
            "session cannot be recorded as a failure to comply"
        ]
    }
    with _at(dt.date(2027, 2, 28)):
        failure = services.failure_record(
            order=order,
            kind=FailureKind.COUNSELLING,
            parent=order.parents.get(),
            occurred_on=dt.date(2027, 2, 28),
            description="Missed the session",
            by=case_manager,
        )
    assert failure.pk is not None


def test_a_requirement_failure_can_be_recorded_after_counselling_ended(case_manager):
    order = ParentingOrderFactory(made_on=MADE)
    requirement = RequirementFactory(order=order, ends_on=dt.date(2027, 9, 1))
    failure = services.failure_record(
        order=order,
        kind=FailureKind.REQUIREMENT,
        requirement=requirement,
        parent=order.parents.get(),
        occurred_on=dt.date(2027, 5, 3),
        description="The child missed a week of school",
        by=case_manager,
    )
    assert failure.requirement == requirement


def test_failure_record_refuses_a_parent_the_order_does_not_bind(case_manager):
    order = ParentingOrderFactory(made_on=MADE)
    other = AdultFactory(family=order.child.family)
    with pytest.raises(ValidationError) as error:
        services.failure_record(
            order=order,
            kind=FailureKind.CONDITION,
            parent=other,
            occurred_on=dt.date(2026, 12, 1),
            description="Out after curfew",
            by=case_manager,
        )
    assert error.value.message_dict == {"parent": [services.PARENT_NOT_BOUND]}


def test_referral_request_refuses_a_failure_with_an_accepted_excuse(case_manager):
    failure = FailureFactory(excuse=Excuse.ACCEPTED)
    with pytest.raises(ValidationError) as error:
        services.referral_request(failure=failure, reason="x", by=case_manager)
    assert error.value.messages == [services.EXCUSE_ACCEPTED_NO_REFERRAL]


def test_referral_request_refuses_a_second_live_referral(case_manager):
    failure = FailureFactory()
    services.referral_request(failure=failure, reason="Repeated absence", by=case_manager)
    with pytest.raises(ValidationError) as error:
        services.referral_request(failure=failure, reason="Again", by=case_manager)
    assert error.value.messages == [services.REFERRAL_EXISTS]


def test_a_supervisor_approves_a_referral_and_it_records_who_when_why(supervisor):
    referral = ReferralFactory()
    decided = services.referral_decide(
        referral=referral, approve=True, reason="Pattern of absence", by=supervisor
    )
    assert decided.status == ReferralStatus.APPROVED
    assert decided.decided_by == supervisor
    assert decided.decided_at is not None
    assert decided.history.first().history_user == supervisor


def test_a_declined_referral_can_be_asked_for_again(case_manager, supervisor):
    referral = ReferralFactory()
    services.referral_decide(
        referral=referral, approve=False, reason="Give one more chance", by=supervisor
    )
    again = services.referral_request(
        failure=referral.failure, reason="Missed again", by=case_manager
    )
    assert again.status == ReferralStatus.AWAITING


def test_a_case_manager_cannot_decide_a_referral(case_manager):
    referral = ReferralFactory()
    with pytest.raises(PermissionDenied):
        services.referral_decide(referral=referral, approve=True, reason="Mine", by=case_manager)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING


def test_a_decided_referral_cannot_be_decided_again(supervisor):
    referral = ReferralFactory()
    services.referral_decide(referral=referral, approve=True, reason="Yes", by=supervisor)
    with pytest.raises(ValidationError) as error:
        services.referral_decide(referral=referral, approve=False, reason="No", by=supervisor)
    assert error.value.messages == [services.REFERRAL_DECIDED]


def test_order_close_refuses_while_a_requirement_runs(case_manager):
    order = ParentingOrderFactory(made_on=MADE)
    RequirementFactory(order=order, ends_on=dt.date(2027, 9, 1))
    with pytest.raises(ValidationError) as error:
        services.order_close(order=order, closed_on=dt.date(2027, 9, 1), by=case_manager)
    assert error.value.messages == [services.NOT_DUE_FOR_CLOSURE]
    closed = services.order_close(order=order, closed_on=dt.date(2027, 9, 2), by=case_manager)
    assert closed.status == OrderStatus.CLOSED
    assert closed.closed_by == case_manager


def test_a_closed_order_and_its_requirements_cannot_be_changed(case_manager):
    order = ParentingOrderFactory(made_on=MADE)
    requirement = RequirementFactory(order=order, ends_on=dt.date(2027, 1, 1))
    services.order_close(order=order, closed_on=dt.date(2027, 3, 1), by=case_manager)
    order.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.order_update(
            order=order,
            parents=list(order.parents.all()),
            loaded_version=order.version,
            by=case_manager,
            court="X",
        )
    assert error.value.messages == [services.ORDER_CLOSED]
    requirement.refresh_from_db()
    with pytest.raises(ValidationError):
        services.requirement_update(
            requirement=requirement,
            loaded_version=requirement.version,
            by=case_manager,
            ends_on=dt.date(2027, 2, 1),
        )
    with pytest.raises(ValidationError):
        services.requirement_add(
            order=order,
            kind=RequirementKind.ATTEND_SCHOOL,
            ends_on=dt.date(2027, 2, 1),
            by=case_manager,
        )


def test_order_create_refuses_a_closed_case(case_manager):
    case = ParentingCaseFactory(
        status="closed", closed_on=dt.date(2026, 10, 1), closure_reason="Support completed"
    )
    parent = AdultFactory(family=case.child.family)
    with pytest.raises(ValidationError) as error:
        services.order_create(case=case, parents=[parent], by=case_manager, **_order_fields())
    assert error.value.messages == [services.CASE_CLOSED]


def test_the_history_keeps_who_the_order_binds(case_manager):
    case = ParentingCaseFactory()
    first = AdultFactory(family=case.child.family)
    second = AdultFactory(family=case.child.family)
    order = services.order_create(case=case, parents=[first], by=case_manager, **_order_fields())
    services.order_update(
        order=order, parents=[first, second], loaded_version=order.version, by=case_manager
    )
    from orders.selectors import parents_history

    changes = [(e.user, e.changes[0].old, e.changes[0].new) for e in parents_history(order)]
    assert changes == [
        ("Casey Morgan", "not set", str(first)),
        ("Casey Morgan", str(first), ", ".join(sorted([str(first), str(second)]))),
    ]
