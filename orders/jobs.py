"""Nightly steps for parenting orders (seed 000; PRODUCT.md "Nightly jobs").

Each step is a plain function of the run date, set-based and idempotent, run
by yos.jobs. Flags go through yos.flags.flags_sync (one open flag per kind and
record); letters through the one letter pipeline, yos.letters.issue_due (one
letter per dedupe key, rendered in committed chunks).

Dates: a period's end date is the last day it runs (orders.rules), so on the
end date itself it is "ending"; from the day after it has "ended".
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import CharField, Count, Exists, Max, OuterRef, Q, Value
from django.db.models.functions import Cast, Coalesce, Concat, Greatest

from cases.models import Case, CaseStatus
from orders import rules
from orders.models import (
    COUNSELLING_TO_ENFORCE,
    ExplanationStatus,
    FailureToComply,
    OrderRequirement,
    OrderStatus,
    ParentingOrder,
)
from orders.rules import long_date
from yos.flags import Answer, flags_sync, itself, wanted_rows
from yos.letters import (
    KEY_PREFIX,
    LetterKind,
    LetterSpec,
    due_window_start,
    issue_due,
    letter_key,
    postal_address,
    register,
    residents,
)
from yos.lib.dates import flag_window_end
from yos.models import Flag, Letter

WARNING_TEMPLATE = "letters/order_warning.html"
# A notice goes out for counselling that ended in the last 30 days: enough to
# catch up after an outage (or rerun the missed dates), and the first run
# after go-live does not post a backlog of stale notices.
NOTICE_LOOKBACK_DAYS = 30
NOTICE_TEMPLATE = "letters/counselling_ended.html"


def window_end(run_date: date) -> date:
    return flag_window_end(run_date)


def _open_orders():
    return ParentingOrder.objects.filter(closed_on__isnull=True)


IN_FORCE = (OrderStatus.COUNSELLING, OrderStatus.REQUIREMENTS)


def orders_in_force(run_date: date):
    """Orders still in force on the run date: not closed, with counselling or
    a requirement still running (ParentingOrder.status_on agrees). An order
    due for closure is not in force."""
    return ParentingOrder.objects.with_status(run_date).filter(derived_status__in=IN_FORCE)


# --- 1. Flags --------------------------------------------------------------------


def counselling_flags(run_date: date, *, by) -> dict:
    """Counselling ending within the window (end date from today to today +
    FLAG_WARNING_DAYS), and counselling ended (now voluntary), on open orders.
    The wanted sets are queries: flags_sync works in the database."""
    scope = {"due_on": "counselling_ends_on", "family": "child__family_id", "child": "child_id"}
    # No programme ordered, no counselling to flag (rules.has_counselling_to_enforce).
    with_counselling = _open_orders().with_counselling_to_enforce()
    ending = with_counselling.filter(
        counselling_ends_on__gte=run_date, counselling_ends_on__lte=window_end(run_date)
    )
    ended = with_counselling.filter(counselling_ends_on__lt=run_date)
    return {
        "ending": flags_sync(
            kind=Flag.Kind.COUNSELLING_ENDING,
            model=ParentingOrder,
            wanted=wanted_rows(ending, **scope),
            by=by,
        ),
        "ended": flags_sync(
            kind=Flag.Kind.COUNSELLING_ENDED,
            model=ParentingOrder,
            wanted=wanted_rows(ended, **scope),
            by=by,
        ),
    }


def requirement_flags(run_date: date, *, by) -> dict:
    """Each requirement of an open order ending within the window, or ended."""
    scope = {"due_on": "ends_on", "family": "order__child__family_id", "child": "order__child_id"}
    of_open_orders = OrderRequirement.objects.filter(order__closed_on__isnull=True)
    ending = of_open_orders.filter(ends_on__gte=run_date, ends_on__lte=window_end(run_date))
    ended = of_open_orders.filter(ends_on__lt=run_date)
    return {
        "ending": flags_sync(
            kind=Flag.Kind.REQUIREMENT_ENDING,
            model=OrderRequirement,
            wanted=wanted_rows(ending, **scope),
            by=by,
        ),
        "ended": flags_sync(
            kind=Flag.Kind.REQUIREMENT_ENDED,
            model=OrderRequirement,
            wanted=wanted_rows(ended, **scope),
            by=by,
        ),
    }


def due_for_closure(run_date: date):
    """Parenting cases that are not closed, with at least one order, where no
    order is still running on `run_date` (open, with counselling or a
    requirement not yet ended): one row per case with ``case_id``,
    ``family_id``, ``child_id`` and ``last_day``, the last day anything on it
    ran (agrees with ParentingOrderQuerySet.with_status).

    One grouped pass over the orders of cases not closed, joined to their
    requirements: a case is due when none of its rows is running. One pass,
    because starting from the cases with EXISTS / NOT EXISTS reads the orders
    twice (docs/performance.md, "Why the code is as it is")."""
    running_row = Q(closed_on__isnull=True) & (
        (COUNSELLING_TO_ENFORCE & Q(counselling_ends_on__gte=run_date))
        | Q(requirements__ends_on__gte=run_date)
    )
    # Counselling counts only where a programme was ordered; an order with
    # neither counselling nor requirements ran until the day it was made.
    last_made = Max("made_on")
    last_counselling = Max("counselling_ends_on", filter=COUNSELLING_TO_ENFORCE)
    return (
        ParentingOrder.objects.exclude(case__status=CaseStatus.CLOSED)
        .values("case_id")
        .annotate(
            family_id=Max("case__child__family_id"),
            child_id=Max("case__child_id"),
            running=Count("pk", filter=running_row),
            last_day=Greatest(
                Coalesce(last_counselling, last_made),
                Coalesce(Max("requirements__ends_on"), last_made),
            ),
        )
        .filter(running=0)
    )


def closure_flags(run_date: date, *, by) -> dict:
    """A parenting case that is not closed, with at least one order, where no
    order is still running (counselling and every requirement ended): due for
    closure. Due date: the last day anything on it ran."""
    wanted = wanted_rows(
        due_for_closure(run_date),
        object_id="case_id",
        due_on="last_day",
        family="family_id",
        child="child_id",
    )
    return flags_sync(kind=Flag.Kind.CASE_DUE_FOR_CLOSURE, model=Case, wanted=wanted, by=by)


# --- 2. Letters ------------------------------------------------------------------
# Two kinds of the one letter pipeline (yos.letters): what is due and how to
# load it is here; keys, context, rendering, storing and holding are there.


def warning_key(failure_id: int, parent_id: int) -> str:
    return letter_key(Letter.Kind.ORDER_WARNING, failure_id, parent_id)


def notice_key(order_id: int, parent_id: int) -> str:
    return letter_key(Letter.Kind.COUNSELLING_ENDED, order_id, parent_id)


def failures_letter_due(run_date: date):
    """Failures to comply that get a warning letter by themselves: the warning
    is due by the explanation rule (rules.failure_warning_due: the parent's
    explanation not accepted, no reply in time, or the parent could not be
    reached; never before they were asked), on or before the run date and no
    more than LETTER_DUE_WITHIN_DAYS before it, on an order still in force
    (docs/domain-letters.md)."""
    return FailureToComply.objects.warning_due(run_date).filter(
        occurred_on__lte=run_date,
        occurred_on__gte=due_window_start(run_date),
        order__in=orders_in_force(run_date).values("pk"),
    )


def failures_to_decide(run_date: date):
    """Failures whose warning is due by the explanation rule and whose parent
    has no warning letter, which the job will not write by itself: older than
    the window, or on an order no longer in force. The case manager decides
    (letters page). Failures still waiting for an explanation are not here:
    the order page and the home panel list them."""
    letter_due = failures_letter_due(run_date).values("pk")
    return (
        FailureToComply.objects.warning_due(run_date)
        .filter(occurred_on__lte=run_date)
        .exclude(pk__in=letter_due)
        .exclude(
            Exists(
                Letter.objects.filter(
                    kind=Letter.Kind.ORDER_WARNING,
                    # letter_key(ORDER_WARNING, failure, parent), in SQL
                    dedupe_key=Concat(
                        Value(KEY_PREFIX[Letter.Kind.ORDER_WARNING] + ":"),
                        Cast(OuterRef("pk"), CharField()),
                        Value(":"),
                        Cast(OuterRef("parent_id"), CharField()),
                    ),
                )
            )
        )
    )


def _warning_due(run_date: date):
    return failures_letter_due(run_date).values_list("pk", "parent_id")


def _warning_one(failure: FailureToComply):
    return [(failure.pk, failure.parent_id)]


def _warning_load(ids: list, run_date: date) -> list[LetterSpec]:
    failures = list(
        FailureToComply.objects.filter(pk__in=[i[0] for i in ids]).select_related(
            "parent__family", "order__child__family__case_manager", "order__case"
        )
    )
    living_with = residents((f.parent_id, f.order.child_id) for f in failures)
    return [
        LetterSpec(
            kind=Letter.Kind.ORDER_WARNING,
            dedupe_key=warning_key(f.pk, f.parent_id),
            recipient=f.parent,
            address=postal_address(
                f.parent, f.order.child, resident=(f.parent_id, f.order.child_id) in living_with
            ),
            subject=f.order,
            reason=rules.letter_reason(
                f.get_kind_display(),
                f.occurred_on,
                explanation_given=f.explanation_status == ExplanationStatus.GIVEN,
            ),
            template=WARNING_TEMPLATE,
            family=f.order.child.family,
            child=f.order.child,
            record=f,
            letter_date=run_date,
            flag_on=f,
            flag_due=f.occurred_on,
        )
        for f in failures
    ]


def _notice_due(run_date: date):
    return (
        _open_orders()
        .with_counselling_to_enforce()
        .filter(
            counselling_ends_on__lt=run_date,
            counselling_ends_on__gte=run_date - timedelta(days=NOTICE_LOOKBACK_DAYS + 1),
            parents__isnull=False,
        )
        .values_list("pk", "parents")
    )


def _notice_load(ids: list, run_date: date) -> list[LetterSpec]:
    orders = {
        o.pk: o
        for o in ParentingOrder.objects.filter(pk__in={i[0] for i in ids})
        .select_related("child__family__case_manager", "case")
        .prefetch_related("parents__family", "requirements")
    }
    living_with = residents((p, orders[o].child_id) for o, p in ids if o in orders)
    specs = []
    for order_id, parent_id in ids:
        order = orders.get(order_id)
        parent = (
            next((p for p in order.parents.all() if p.pk == parent_id), None) if order else None
        )
        if parent is None:
            continue
        specs.append(
            LetterSpec(
                kind=Letter.Kind.COUNSELLING_ENDED,
                dedupe_key=notice_key(order_id, parent_id),
                recipient=parent,
                address=postal_address(
                    parent, order.child, resident=(parent_id, order.child_id) in living_with
                ),
                subject=order,
                reason=(
                    "The counselling or guidance part of your parenting order ended on "
                    f"{long_date(order.counselling_ends_on)}, 3 months after the order "
                    "was made."
                ),
                template=NOTICE_TEMPLATE,
                family=order.child.family,
                child=order.child,
                record=order,
                letter_date=run_date,
                # One "address needed" flag per order whose notice is held for a parent.
                flag_on=order,
                flag_due=order.counselling_ends_on,
            )
        )
    return specs


def _warning_context(failure: FailureToComply, day: date) -> dict:
    order = failure.order
    manager = order.child.family.case_manager
    return {
        "order": order,
        "failure": failure,
        # What happened when the parent was asked for an explanation.
        "explanation": rules.letter_explanation(failure),
        "case_manager": manager.get_full_name() if manager else "",
        "counselling_enforceable": order.counselling_enforceable_on(day),
    }


def _notice_context(order: ParentingOrder, day: date) -> dict:
    return {
        "order": order,
        "voluntary_from": order.counselling_ends_on + timedelta(days=1),
        "requirements_running": [r for r in order.requirements.all() if r.ends_on >= day],
    }


register(
    LetterKind(
        kind=Letter.Kind.ORDER_WARNING,
        flag_model=FailureToComply,
        due=_warning_due,
        one=_warning_one,
        load=_warning_load,
        context=_warning_context,
    )
)
register(
    LetterKind(
        kind=Letter.Kind.COUNSELLING_ENDED,
        flag_model=ParentingOrder,
        due=_notice_due,
        load=_notice_load,
        context=_notice_context,
    )
)


def warning_letters(run_date: date, *, by) -> dict:
    """A warning letter to the parent for each failure to comply that is due
    (failures_letter_due). A parent with no address of their own to send it
    to (yos.letters.postal_address) gets no letter: it is held with an
    "address needed" flag on the failure until the address is recorded."""
    return issue_due(Letter.Kind.ORDER_WARNING, run_date, by=by)


def counselling_ended_notices(run_date: date, *, by) -> dict:
    """A notice to each parent bound by an open order whose counselling ended
    in the last NOTICE_LOOKBACK_DAYS: attendance is now voluntary (and which
    requirements still run)."""
    return issue_due(Letter.Kind.COUNSELLING_ENDED, run_date, by=by)


STEPS = [
    ("counselling_flags", counselling_flags),
    ("requirement_flags", requirement_flags),
    ("closure_flags", closure_flags),
    ("warning_letters", warning_letters),
    ("counselling_ended_notices", counselling_ended_notices),
]


# --- Answers (issue 16): the saves that resolve these flags in their request -------


def _open_orders_with_counselling():
    return ParentingOrder.objects.filter(closed_on__isnull=True).with_counselling_to_enforce()


def _requirements_of_open_orders():
    return OrderRequirement.objects.filter(order__closed_on__isnull=True)


def _requirements_of_order(order):
    return OrderRequirement.objects.filter(order_id=order.pk).values("pk")


ANSWERS = {
    # Closing the case (cases.Case saved closed) answers "due for closure".
    Flag.Kind.CASE_DUE_FOR_CLOSURE: Answer(
        model="cases.Case",
        wanted=due_for_closure,
        id_field="case_id",
        triggers={"cases.Case": itself},
    ),
    # Closing the order, or correcting its dates.
    Flag.Kind.COUNSELLING_ENDING: Answer(
        model="orders.ParentingOrder",
        wanted=lambda on: _open_orders_with_counselling().filter(
            counselling_ends_on__gte=on, counselling_ends_on__lte=flag_window_end(on)
        ),
        triggers={"orders.ParentingOrder": itself},
    ),
    Flag.Kind.COUNSELLING_ENDED: Answer(
        model="orders.ParentingOrder",
        wanted=lambda on: _open_orders_with_counselling().filter(counselling_ends_on__lt=on),
        triggers={"orders.ParentingOrder": itself},
    ),
    Flag.Kind.REQUIREMENT_ENDING: Answer(
        model="orders.OrderRequirement",
        wanted=lambda on: _requirements_of_open_orders().filter(
            ends_on__gte=on, ends_on__lte=flag_window_end(on)
        ),
        triggers={
            "orders.OrderRequirement": itself,
            "orders.ParentingOrder": _requirements_of_order,
        },
    ),
    Flag.Kind.REQUIREMENT_ENDED: Answer(
        model="orders.OrderRequirement",
        wanted=lambda on: _requirements_of_open_orders().filter(ends_on__lt=on),
        triggers={
            "orders.OrderRequirement": itself,
            "orders.ParentingOrder": _requirements_of_order,
        },
    ),
}
