"""Writes for parenting orders: each a named, atomic step that records who did it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import CaseStatus
from orders import rules
from orders.models import (
    EARLIER_ORDER_OTHER_PARENT,
    Attendance,
    BreachReferral,
    Excuse,
    ExplanationStatus,
    FailureKind,
    FailureToComply,
    OrderCondition,
    OrderRequirement,
    OrderSession,
    OrderStatus,
    ParentingOrder,
    ReferralStatus,
)
from yos import access
from yos.lib.versioning import save_if_current
from yos.models import User
from yos.notices import notify_decision

PARENT_NOT_IN_FAMILY = "Select parents or carers from the child's family"
PARENT_NOT_BOUND = "Select a parent or carer the order binds"
NOT_DUE_FOR_CLOSURE = "The order cannot be closed while counselling or a requirement is running"
ORDER_CLOSED = "This order is closed: you cannot change it"
CASE_CLOSED = "An order cannot be recorded on a closed case"
# Closed means closed: nothing new on a closed order, or on an order or session
# of a closed case (docs/domain-orders.md).
ORDER_CLOSED_NO_FAILURE = "This order is closed: you cannot record a failure to comply on it"
ORDER_CLOSED_NO_SESSION = "This order is closed: you cannot record a session on it"
ORDER_CLOSED_NO_REQUIREMENT = "This order is closed: you cannot add or change a requirement on it"
CASE_CLOSED_NO_FAILURE = "This case is closed: you cannot record a failure to comply on its order"
CASE_CLOSED_NO_SESSION = "This case is closed: you cannot record a session on it"
CASE_CLOSED_NO_REQUIREMENT = (
    "This case is closed: you cannot add or change a requirement on its order"
)
SESSION_NOT_ON_CASE = "The session must be on the order's case"
EXCUSE_ACCEPTED_NO_REFERRAL = (
    "This failure cannot be referred: the parent's explanation was accepted as a reasonable excuse"
)
REFERRAL_NEEDS_EXPLANATION = (
    "This failure cannot be referred yet: the parent has not been asked for an explanation, "
    "or still has time to reply"
)
REFERRAL_EXISTS = "This failure has already been referred"
ORDER_CLOSED_NO_CONDITION = "This order is closed: you cannot add or change a condition on it"
CASE_CLOSED_NO_CONDITION = "This case is closed: you cannot add or change a condition on its order"
SELECT_EXPLANATION_STEP = "Select what happened when you asked the parent for a reason"
EXPLANATION_ALREADY_DECIDED = (
    "The parent's explanation and the decision on it are already recorded: they cannot be changed"
)
EXPLANATION_DATE_FUTURE = "The date must be today or in the past"
CONDITION_NAMED = "Select the condition that was not complied with"
CONDITION_NOT_ON_ORDER = "Select a condition of this order"
LEGACY_ATTENDANCE = "Select whether the parent attended"
REFERRAL_DECIDED = "This referral has already been decided"


def _save(instance, *, by: User) -> None:
    instance.full_clean()
    instance._history_user = by
    instance.save()


def _refuse_if_closed(*, case, order: ParentingOrder | None, order_closed: str, case_closed: str):
    """Refuse a new record on a closed order, or on a closed case (read afresh:
    the case may have been closed since the order was loaded)."""
    if order is not None and order.closed_on:
        raise ValidationError(order_closed)
    if type(case).objects.filter(pk=case.pk, status=CaseStatus.CLOSED).exists():
        raise ValidationError(case_closed)


def _check_parents(order: ParentingOrder, parents: Iterable) -> list:
    parents = list(parents)
    if not parents or any(p.family_id != order.child.family_id for p in parents):
        raise ValidationError({"parents": PARENT_NOT_IN_FAMILY})
    earlier = order.earlier_order
    if earlier is not None and not earlier.parents.filter(pk__in=[p.pk for p in parents]).exists():
        raise ValidationError({"earlier_order": EARLIER_ORDER_OTHER_PARENT})
    return parents


def earlier_orders_of(parents: Iterable, *, before=None, exclude=None):
    """Orders recorded here that bound any of `parents` (made before `before`):
    the choices for "the earlier parenting order" (CDA 1998 s.8(5))."""
    qs = ParentingOrder.objects.filter(parents__in=list(parents)).distinct()
    if before is not None:
        qs = qs.filter(made_on__lt=before)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.select_related("child").order_by("-made_on", "-id")


@transaction.atomic
def order_create(*, case, parents: Iterable, by: User, **fields) -> ParentingOrder:
    """Record an order made by a court on the given parenting case (not a closed one)."""
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(CASE_CLOSED)
    order = ParentingOrder(case=case, child=case.child, **fields)
    parents = _check_parents(order, parents)
    _save(order, by=by)
    order.parents.set(parents)
    return order


@transaction.atomic
def order_update(
    *, order: ParentingOrder, parents: Iterable, loaded_version: int | None, by: User, **fields
) -> ParentingOrder:
    """Change an order's details; refused when someone saved it in between
    (StaleRecord). Requirement end dates are re-checked against a new made_on."""
    if order.closed_on:
        raise ValidationError(ORDER_CLOSED)
    for name, value in fields.items():
        setattr(order, name, value)
    parents = _check_parents(order, parents)
    order.full_clean()
    for requirement in order.requirements.all():
        message = rules.requirement_end_error(order.made_on, requirement.ends_on)
        if message:
            raise ValidationError({"made_on": f"{requirement.summary}: {message}"})
    save_if_current(order, loaded_version, by=by)
    order.parents.set(parents)
    return order


@transaction.atomic
def order_close(*, order: ParentingOrder, closed_on: date, by: User) -> ParentingOrder:
    """Close an order that is due for closure (never one still running)."""
    order = ParentingOrder.objects.select_for_update().get(pk=order.pk)
    if order.status_on(closed_on) != OrderStatus.DUE_FOR_CLOSURE:
        raise ValidationError(NOT_DUE_FOR_CLOSURE)
    order.closed_on = closed_on
    order.closed_by = by
    _save(order, by=by)
    return order


@transaction.atomic
def requirement_add(*, order: ParentingOrder, by: User, **fields) -> OrderRequirement:
    """Add a court requirement; one ending more than 12 months after the order
    was made is refused with the latest allowed date."""
    _refuse_if_closed(
        case=order.case,
        order=order,
        order_closed=ORDER_CLOSED_NO_REQUIREMENT,
        case_closed=CASE_CLOSED_NO_REQUIREMENT,
    )
    requirement = OrderRequirement(order=order, **fields)
    _save(requirement, by=by)
    return requirement


@transaction.atomic
def requirement_update(
    *, requirement: OrderRequirement, loaded_version: int | None, by: User, **fields
) -> OrderRequirement:
    """Change a requirement (its end date re-checked); refused on a closed order."""
    _refuse_if_closed(
        case=requirement.order.case,
        order=requirement.order,
        order_closed=ORDER_CLOSED_NO_REQUIREMENT,
        case_closed=CASE_CLOSED_NO_REQUIREMENT,
    )
    for name, value in fields.items():
        setattr(requirement, name, value)
    requirement.full_clean()
    return save_if_current(requirement, loaded_version, by=by)


@transaction.atomic
def condition_add(*, order: ParentingOrder, by: User, **fields) -> OrderCondition:
    """Attach a condition (seed 000) running between two dates within the order."""
    _refuse_if_closed(
        case=order.case,
        order=order,
        order_closed=ORDER_CLOSED_NO_CONDITION,
        case_closed=CASE_CLOSED_NO_CONDITION,
    )
    condition = OrderCondition(order=order, **fields)
    _save(condition, by=by)
    return condition


@transaction.atomic
def condition_update(
    *, condition: OrderCondition, loaded_version: int | None, by: User, **fields
) -> OrderCondition:
    """Change a condition (its dates re-checked); refused on a closed order."""
    _refuse_if_closed(
        case=condition.order.case,
        order=condition.order,
        order_closed=ORDER_CLOSED_NO_CONDITION,
        case_closed=CASE_CLOSED_NO_CONDITION,
    )
    for name, value in fields.items():
        setattr(condition, name, value)
    condition.full_clean()
    return save_if_current(condition, loaded_version, by=by)


@transaction.atomic
def session_record(
    *,
    case,
    held_on: date,
    attendance: str,
    by: User,
    order: ParentingOrder | None = None,
    parent=None,
    worker: str = "",
    explanation: str = "",
    notes: str = "",
) -> tuple[OrderSession, FailureToComply | None]:
    """Record a counselling/guidance or voluntary support session.

    A session missed (with no reasonable excuse given yet) while counselling
    is enforceable also records a failure to comply by `parent` (returned),
    waiting for the parent's explanation: nothing decides "no reasonable
    excuse" before the parent has been asked (failure_explanation_record).
    Voluntary support (no order) and sessions after counselling ended never do.
    """
    if order is not None and order.case_id != case.pk:
        raise ValidationError(SESSION_NOT_ON_CASE)
    if attendance == Attendance.MISSED_UNEXCUSED:
        raise ValidationError({"attendance": LEGACY_ATTENDANCE})
    _refuse_if_closed(
        case=case,
        order=order,
        order_closed=ORDER_CLOSED_NO_SESSION,
        case_closed=CASE_CLOSED_NO_SESSION,
    )
    session = OrderSession(
        case=case,
        order=order,
        held_on=held_on,
        attendance=attendance,
        worker=worker,
        explanation=explanation,
        notes=notes,
        recorded_by=by,
    )
    _save(session, by=by)
    failure = None
    if attendance == Attendance.MISSED and session.enforceable:
        failure = failure_record(
            order=order,
            kind=FailureKind.COUNSELLING,
            session=session,
            parent=parent,
            occurred_on=held_on,
            description="Did not attend a counselling or guidance session",
            by=by,
        )
    return session, failure


@transaction.atomic
def failure_record(
    *,
    order: ParentingOrder,
    kind: str,
    parent,
    occurred_on: date,
    description: str,
    by: User,
    session: OrderSession | None = None,
    requirement: OrderRequirement | None = None,
    condition: OrderCondition | None = None,
) -> FailureToComply:
    """Record a failure to comply, waiting for the parent's explanation (not
    asked yet): failure_explanation_record records the asking and the decision.

    A missed counselling session after counselling ended is refused: from then
    on counselling is voluntary. A failure to comply with a condition names a
    condition of this order that applied that day. Nothing is recorded on a
    closed order or case.
    """
    _refuse_if_closed(
        case=order.case,
        order=order,
        order_closed=ORDER_CLOSED_NO_FAILURE,
        case_closed=CASE_CLOSED_NO_FAILURE,
    )
    if parent is None or not order.parents.filter(pk=parent.pk).exists():
        raise ValidationError({"parent": PARENT_NOT_BOUND})
    if kind == FailureKind.CONDITION and condition is None:
        raise ValidationError({"condition": CONDITION_NAMED})
    if condition is not None and condition.order_id != order.pk:
        raise ValidationError({"condition": CONDITION_NOT_ON_ORDER})
    failure = FailureToComply(
        order=order,
        kind=kind,
        session=session,
        requirement=requirement if kind == FailureKind.REQUIREMENT else None,
        condition=condition,
        parent=parent,
        occurred_on=occurred_on,
        description=description,
    )
    _save(failure, by=by)
    return failure


@transaction.atomic
def failure_explanation_record(
    *,
    failure: FailureToComply,
    status: str,
    on: date | None,
    by: User,
    explanation: str = "",
    excuse: str = "",
) -> FailureToComply:
    """Record the next step in asking the parent why they did not comply:
    asked on a date (waiting for a reply), tried and could not reach them, or
    their explanation with the decision whether it is a reasonable excuse
    (who decided and when are kept). Once an explanation is decided it stands.

    Allowed on a closed order too: the failure happened while it ran, and a
    referral for prosecution may still follow (docs/domain-orders.md).
    """
    failure = FailureToComply.objects.select_for_update().get(pk=failure.pk)
    if failure.explanation_status == ExplanationStatus.GIVEN:
        raise ValidationError(EXPLANATION_ALREADY_DECIDED)
    if status not in (
        ExplanationStatus.ASKED,
        ExplanationStatus.NOT_REACHED,
        ExplanationStatus.GIVEN,
    ):
        raise ValidationError({"status": SELECT_EXPLANATION_STEP})
    if on is not None and on > timezone.localdate():
        raise ValidationError({"explanation_on": EXPLANATION_DATE_FUTURE})
    given = status == ExplanationStatus.GIVEN
    if given and not explanation.strip():
        raise ValidationError({"explanation": rules.EXPLANATION_TEXT_NEEDED})
    failure.explanation_status = status
    failure.explanation_on = on
    if given:
        failure.explanation = explanation.strip()
        failure.excuse = excuse
        failure.excuse_decided_by = by if excuse else None
        failure.excuse_decided_at = timezone.now() if excuse else None
    else:
        failure.excuse = ""
    failure.version += 1
    _save(failure, by=by)
    return failure


@transaction.atomic
def referral_request(*, failure: FailureToComply, reason: str, by: User) -> BreachReferral:
    """A case manager asks for a failure to be referred for prosecution: only
    once its warning is due (the parent was asked; rules.failure_warning_due)."""
    failure = FailureToComply.objects.select_for_update().get(pk=failure.pk)
    if failure.excuse == Excuse.ACCEPTED:
        raise ValidationError(EXCUSE_ACCEPTED_NO_REFERRAL)
    if not rules.failure_warning_due(failure, timezone.localdate()):
        raise ValidationError(REFERRAL_NEEDS_EXPLANATION)
    if failure.referrals.exclude(status=ReferralStatus.DECLINED).exists():
        raise ValidationError(REFERRAL_EXISTS)
    referral = BreachReferral(
        failure=failure, reason=reason, requested_by=by, requested_at=timezone.now()
    )
    _save(referral, by=by)
    return referral


@transaction.atomic
def referral_decide(
    *, referral: BreachReferral, approve: bool, reason: str, by: User
) -> BreachReferral:
    """A supervisor approves or declines a breach referral, saying why.
    Refused (PermissionDenied) for anyone but a supervisor."""
    if not access.can_approve(by):
        raise PermissionDenied("Only a supervisor can decide a breach referral")
    referral = BreachReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != ReferralStatus.AWAITING:
        raise ValidationError(REFERRAL_DECIDED)
    referral.status = ReferralStatus.APPROVED if approve else ReferralStatus.DECLINED
    referral.decided_by = by
    referral.decided_at = timezone.now()
    referral.decision_reason = reason
    _save(referral, by=by)
    # The case manager who asked sees the decision on their home page.
    failure = referral.failure
    notify_decision(
        recipient=referral.requested_by,
        subject=failure,
        message=(
            f"{by} {'approved' if approve else 'refused'} your breach referral of "
            f"{failure.parent}'s {str(failure)[:1].lower()}{str(failure)[1:]}: {reason.strip()}"
        ),
        by=by,
    )
    return referral
