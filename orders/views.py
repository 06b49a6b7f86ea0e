"""Parenting-order pages: the clock, forms, sessions, failures and breach referrals."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases.models import Case
from orders import rules, selectors, services
from orders.forms import (
    ConditionForm,
    ExplanationForm,
    FailureForm,
    OrderForm,
    ReferralDecisionForm,
    ReferralRequestForm,
    RequirementForm,
    SessionForm,
)
from orders.models import (
    BreachReferral,
    Excuse,
    FailureToComply,
    OrderCondition,
    OrderRequirement,
    ParentingOrder,
)
from yos import access
from yos.forms import add_service_errors
from yos.letters import issue_for
from yos.lib.audit import log_read
from yos.lib.versioning import STALE_RECORD, StaleRecord
from yos.models import Letter


def _data(request: HttpRequest):
    """The POST data of a POST (even an empty one), else None for an unbound form."""
    return request.POST if request.method == "POST" else None


def _fields(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if k not in ("loaded_version", "parents")}


def _form_page(request, title: str, form, back: str, **extra) -> HttpResponse:
    return render(
        request, "orders/form.html", {"title": title, "form": form, "back": back, **extra}
    )


@access.policy(*access.CASEWORK)
def order_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "orders/order_list.html",
        {
            "orders": selectors.order_list(request.user),
            "support_cases": selectors.parenting_cases_without_order(request.user),
        },
    )


@access.policy(*access.CASEWORK)
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = access.get_for_user(request.user, selectors.order_detail_queryset(), pk)
    log_read(request, order)
    today = timezone.localdate()
    letters = selectors.warning_letters_by_failure(order)
    for failure in order.failures.all():
        failure.warning_letter = letters.get(failure.pk)
        # "Issue a warning letter" only once the warning is due (the parent was asked).
        failure.warning_due_now = failure.warning_due_on(today)
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "status": order.status_on(today),
            "clock": selectors.order_clock(order, today),
            "counselling_voluntary": order.counselling_voluntary_on(today),
            "can_change": access.can_change(request.user, order),
            "waiting": [f for f in order.failures.all() if f.waiting_for_explanation_on(today)],
            "tab": "order",
        },
    )


@access.policy(*access.CASEWORK)
def order_history(request: HttpRequest, pk: int) -> HttpResponse:
    order = access.get_for_user(request.user, selectors.order_detail_queryset(), pk)
    log_read(request, order, reason="history")
    return render(
        request,
        "orders/order_history.html",
        {
            "order": order,
            "history": selectors.order_history(order),
            "tab": "history",
        },
    )


@access.policy(*access.CASEWORK)
def order_create(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = access.get_for_user(
        request.user, Case.objects.select_related("child"), case_pk, write=True
    )
    form = OrderForm(_data(request), instance=ParentingOrder(case=case, child=case.child))
    if request.method == "POST" and form.is_valid():
        try:
            order = services.order_create(
                case=case, parents=form.cleaned_data["parents"], by=request.user, **_fields(form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Parenting order recorded")
            return redirect(order)
    return _form_page(
        request,
        "Record a parenting order",
        form,
        reverse("orders:order-list"),
        subject=case.title,
    )


@access.policy(*access.CASEWORK)
def order_edit(request: HttpRequest, pk: int) -> HttpResponse:
    order = access.get_for_user(
        request.user, ParentingOrder.objects.select_related("child"), pk, write=True
    )
    form = OrderForm(_data(request), instance=order)
    if request.method == "POST" and form.is_valid():
        try:
            services.order_update(
                order=order,
                parents=form.cleaned_data["parents"],
                loaded_version=form.cleaned_data["loaded_version"],
                by=request.user,
                **_fields(form),
            )
        except StaleRecord:
            form.add_error(None, STALE_RECORD)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Parenting order updated")
            return redirect(order)
    return _form_page(request, "Change the parenting order", form, order.get_absolute_url())


@require_POST
@access.policy(*access.CASEWORK)
def order_close(request: HttpRequest, pk: int) -> HttpResponse:
    order = access.get_for_user(request.user, ParentingOrder, pk, write=True)
    try:
        services.order_close(order=order, closed_on=timezone.localdate(), by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Parenting order closed")
    return redirect(order)


@access.policy(*access.CASEWORK)
def requirement_add(request: HttpRequest, pk: int) -> HttpResponse:
    order = access.get_for_user(
        request.user, ParentingOrder.objects.select_related("child"), pk, write=True
    )
    form = RequirementForm(_data(request), instance=OrderRequirement(order=order))
    if request.method == "POST" and form.is_valid():
        try:
            services.requirement_add(order=order, by=request.user, **_fields(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Requirement added")
            return redirect(order)
    return _form_page(request, "Add a requirement", form, order.get_absolute_url(), order=order)


@access.policy(*access.CASEWORK)
def requirement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    requirement = access.get_for_user(
        request.user, OrderRequirement.objects.select_related("order__child"), pk, write=True
    )
    order = requirement.order
    form = RequirementForm(_data(request), instance=requirement)
    if request.method == "POST" and form.is_valid():
        try:
            services.requirement_update(
                requirement=requirement,
                loaded_version=form.cleaned_data["loaded_version"],
                by=request.user,
                **_fields(form),
            )
        except StaleRecord:
            form.add_error(None, STALE_RECORD)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Requirement updated")
            return redirect(order)
    return _form_page(
        request, "Change the requirement", form, order.get_absolute_url(), order=order
    )


@access.policy(*access.CASEWORK)
def condition_add(request: HttpRequest, pk: int) -> HttpResponse:
    order = access.get_for_user(
        request.user, ParentingOrder.objects.select_related("child", "case"), pk, write=True
    )
    form = ConditionForm(_data(request), instance=OrderCondition(order=order))
    if request.method == "POST" and form.is_valid():
        try:
            services.condition_add(order=order, by=request.user, **_fields(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Condition added")
            return redirect(order)
    return _form_page(request, "Add a condition", form, order.get_absolute_url(), order=order)


@access.policy(*access.CASEWORK)
def condition_edit(request: HttpRequest, pk: int) -> HttpResponse:
    condition = access.get_for_user(
        request.user, OrderCondition.objects.select_related("order__child"), pk, write=True
    )
    order = condition.order
    form = ConditionForm(_data(request), instance=condition)
    if request.method == "POST" and form.is_valid():
        try:
            services.condition_update(
                condition=condition,
                loaded_version=form.cleaned_data["loaded_version"],
                by=request.user,
                **_fields(form),
            )
        except StaleRecord:
            form.add_error(None, STALE_RECORD)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Condition updated")
            return redirect(order)
    return _form_page(request, "Change the condition", form, order.get_absolute_url(), order=order)


@access.policy(*access.CASEWORK)
def failure_explanation(request: HttpRequest, pk: int) -> HttpResponse:
    failure = access.get_for_user(
        request.user,
        FailureToComply.objects.select_related("order__child", "parent"),
        pk,
        write=True,
    )
    form = ExplanationForm(_data(request), failure=failure)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.failure_explanation_record(
                failure=failure,
                status=data["status"],
                on=data["explanation_on"],
                explanation=data["explanation"],
                excuse=data["excuse"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Explanation step recorded")
            return redirect(failure)
    return _form_page(
        request,
        "Ask the parent for a reason",
        form,
        failure.get_absolute_url(),
        order=failure.order,
        explained=failure,
        reply_days=rules.EXPLANATION_REPLY_DAYS,
    )


def _record_session(request, *, case, order) -> HttpResponse | None:
    form = SessionForm(_data(request), order=order)
    if request.method == "POST" and form.is_valid():
        try:
            session, failure = services.session_record(
                case=case, order=order, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if failure is not None:
                messages.success(
                    request,
                    "Session recorded, and a failure to comply recorded: ask the parent for a "
                    "reason before a warning letter can be sent",
                )
            elif order is not None and not session.enforceable:
                messages.success(
                    request,
                    "Session recorded. Counselling is now voluntary, so a missed session is not "
                    "a failure to comply",
                )
            else:
                messages.success(request, "Session recorded")
            return redirect(session)
    back = order.get_absolute_url() if order else reverse("orders:support-detail", args=[case.pk])
    return render(
        request,
        "orders/form.html",
        {"title": "Record a session", "form": form, "back": back, "order": order, "case": case},
    )


@access.policy(*access.CASEWORK)
def session_record(request: HttpRequest, pk: int) -> HttpResponse:
    order = access.get_for_user(
        request.user, ParentingOrder.objects.select_related("case"), pk, write=True
    )
    return _record_session(request, case=order.case, order=order)


@access.policy(*access.CASEWORK)
def support_detail(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = access.get_for_user(request.user, Case.objects.select_related("child"), case_pk)
    log_read(request, case)
    return render(
        request,
        "orders/support_detail.html",
        {
            "case": case,
            "sessions": selectors.support_sessions(case),
            "orders": case.parenting_orders.all(),
            "can_change": access.can_change(request.user, case),
        },
    )


@access.policy(*access.CASEWORK)
def support_session_record(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = access.get_for_user(
        request.user, Case.objects.select_related("child"), case_pk, write=True
    )
    return _record_session(request, case=case, order=None)


@access.policy(*access.CASEWORK)
def failure_record(request: HttpRequest, pk: int) -> HttpResponse:
    order = access.get_for_user(request.user, ParentingOrder, pk, write=True)
    instance = FailureToComply(order=order)
    form = FailureForm(_data(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            failure = services.failure_record(order=order, by=request.user, **_fields(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "Failure to comply recorded. Now record asking the parent for a reason"
            )
            return redirect("orders:failure-explanation", failure.pk)
    return _form_page(
        request,
        "Record a failure to comply",
        form,
        order.get_absolute_url(),
        order=order,
        counselling_voluntary=order.counselling_voluntary_on(timezone.localdate()),
    )


WARNING_MADE = (
    "Warning letter made: read and approve it, then record when it is sent. "
    "The warning is served when the letter is sent"
)
NO_WARNING_FOR_EXCUSE = "A warning letter is only for a failure without a reasonable excuse"
NO_WARNING_YET = (
    "A warning letter cannot be sent yet: ask the parent for a reason first, and give them "
    "time to reply"
)
WARNING_HELD = (
    "No letter was made for {name}: there is no address of their own recorded. "
    "Record their address; the letter is held and flagged until then."
)


@require_POST
@access.policy(*access.CASEWORK)
def failure_warning(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Issue a warning letter" for one failure to comply, through the one
    letter pipeline (the nightly job makes the same letter, with the same
    key, for failures inside the window; older ones are the case manager's
    decision, made here)."""
    failure = access.get_for_user(
        request.user, FailureToComply.objects.select_related("order", "parent"), pk, write=True
    )
    if failure.excuse == Excuse.ACCEPTED:
        messages.error(request, NO_WARNING_FOR_EXCUSE)
        return redirect(failure)
    if not failure.warning_due_on(timezone.localdate()):  # rules.failure_warning_due
        messages.error(request, NO_WARNING_YET)
        return redirect(failure)
    result = issue_for(Letter.Kind.ORDER_WARNING, failure, by=request.user)
    for spec in result.held:
        messages.warning(request, WARNING_HELD.format(name=spec.recipient.full_name))
    if result.letters:
        messages.success(request, WARNING_MADE)
    return redirect(failure)


@access.policy(*access.CASEWORK)
def referral_request(request: HttpRequest, pk: int) -> HttpResponse:
    failure = access.get_for_user(
        request.user, FailureToComply.objects.select_related("order", "parent"), pk, write=True
    )
    form = ReferralRequestForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_request(
                failure=failure, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Breach referral sent to a supervisor for approval")
            return redirect(failure.order)
    return _form_page(
        request,
        "Refer a failure to comply for prosecution",
        form,
        failure.order.get_absolute_url(),
        failure=failure,
    )


@access.policy(*access.CASEWORK)
def referral_decide(request: HttpRequest, pk: int) -> HttpResponse:
    referral = access.get_for_user(
        request.user,
        BreachReferral.objects.select_related(
            "failure__order__child", "failure__parent", "requested_by", "decided_by"
        ),
        pk,
    )
    if not access.can_approve(request.user):
        raise PermissionDenied("Only a supervisor can decide a breach referral")
    form = ReferralDecisionForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_decide(
                referral=referral,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Decision recorded")
            return redirect("home")
    return render(request, "orders/referral_decide.html", {"referral": referral, "form": form})
