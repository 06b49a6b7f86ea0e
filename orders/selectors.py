"""Reads for parenting orders (N+1-free), and this app's contributions to
pages it does not own (yos/extensions.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.apps import apps
from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from cases.models import Case, CaseKind, CaseStatus
from orders import rules
from orders.models import (
    COUNSELLING_TO_ENFORCE,
    BreachReferral,
    FailureToComply,
    OrderRequirement,
    OrderSession,
    OrderStatus,
    ParentingOrder,
    ReferralStatus,
)
from yos import access
from yos.extensions import TimelineEvent, can_change_on_page, page_memo
from yos.lib.dates import flag_window_end
from yos.lib.history import NOT_SET, Change, HistoryEntry, history_entries

# --- Lists and pages -----------------------------------------------------------


def _requirements() -> Prefetch:
    return Prefetch("requirements", OrderRequirement.objects.select_related("child_case"))


def orders_for(
    user, qs: QuerySet | None = None, *, on: date | None = None, parents: bool = True
) -> QuerySet:
    """The orders user may read, with status, child and requirements loaded
    (and the bound parents, unless parents=False)."""
    qs = access.visible(user, qs if qs is not None else ParentingOrder.objects.all())
    prefetch = [_requirements(), "parents"] if parents else [_requirements()]
    return qs.with_status(on).select_related("child", "case").prefetch_related(*prefetch)


def order_list(user, *, on: date | None = None) -> QuerySet:
    return orders_for(user, on=on).order_by("-made_on", "-id")


def parenting_cases_without_order(user) -> QuerySet:
    """Open parenting cases the user may read that have no order: voluntary support."""
    return (
        access.visible(user, Case)
        .filter(kind=CaseKind.PARENTING, parenting_orders__isnull=True)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("child")
        .order_by("child__last_name", "child__first_name", "pk")
    )


def order_detail_queryset() -> QuerySet:
    return ParentingOrder.objects.select_related(
        "child__family", "case", "closed_by"
    ).prefetch_related(
        "parents",
        _requirements(),
        Prefetch("sessions", OrderSession.objects.select_related("recorded_by")),
        "failures__parent",
        "failures__excuse_decided_by",
        "failures__requirement",
        "failures__condition",
        "failures__session",
        "order_conditions",
        Prefetch(
            "failures__referrals",
            BreachReferral.objects.select_related("requested_by", "decided_by"),
        ),
    )


def order_records(order: ParentingOrder) -> list:
    """The order and every record under it, for the History tab (prefetched)."""
    failures = list(order.failures.all())
    return [
        order,
        *order.requirements.all(),
        *order.order_conditions.all(),
        *order.sessions.all(),
        *failures,
        *(referral for failure in failures for referral in failure.referrals.all()),
    ]


def parents_history(order: ParentingOrder) -> list[HistoryEntry]:
    """Changes to who the order binds, from simple_history's snapshots of the
    M2M (yos.lib.history reads plain fields only). Two queries."""
    rows = list(
        ParentingOrder.history.filter(id=order.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    snapshot = apps.get_model("orders", "HistoricalParentingOrder_parents")
    names: dict[int, set[str]] = {row.history_id: set() for row in rows}
    for link in snapshot.objects.filter(history_id__in=list(names)).select_related("adult"):
        names[link.history_id].add(str(link.adult))
    entries, previous = [], set()
    for row in rows:
        current = names[row.history_id]
        # Only the rows written when the parents changed carry a snapshot (a
        # plain save does not: orders.models._snapshot_parents_on_change); an
        # order always binds someone, so an empty set is "no snapshot here"
        # (or the moment inside parents.set() between removing and adding).
        if current and current != previous:
            entries.append(
                HistoryEntry(
                    at=row.history_date,
                    order=row.history_id,
                    user=str(row.history_user) if row.history_user else "Unknown",
                    action="Changed",
                    record=f"Parenting order: {order}",
                    url=order.get_absolute_url(),
                    changes=[
                        Change(
                            field="Parents or carers bound",
                            old=", ".join(sorted(previous)) or NOT_SET,
                            new=", ".join(sorted(current)) or NOT_SET,
                        )
                    ],
                )
            )
        previous = current or previous
    return entries


def order_history(order: ParentingOrder) -> list[HistoryEntry]:
    """Every change to the order and the records under it, newest first."""
    entries = history_entries(*order_records(order)) + parents_history(order)
    return sorted(entries, key=lambda e: (e.at, e.order), reverse=True)


@dataclass(frozen=True)
class ClockLine:
    label: str
    value: str
    explanation: str


def order_clock(order: ParentingOrder, today: date) -> list[ClockLine]:
    """The order's dates in words, each with how it was worked out."""
    made = rules.long_date(order.made_on)
    ends = order.counselling_ends_on
    days_left = (ends - today).days
    if not order.has_counselling_to_enforce:
        counselling = "Omitted by the court: there is no counselling to enforce"
    elif order.counselling_enforceable_on(today):
        left = (
            "last day today"
            if days_left == 0
            else f"{days_left} day{'' if days_left == 1 else 's'} left"
        )
        counselling = f"Counselling enforceable until {rules.long_date(ends)} ({left})"
    elif today < order.made_on:
        counselling = f"Counselling enforceable from {made} until {rules.long_date(ends)}"
    else:
        counselling = f"Counselling ended on {rules.long_date(ends)}: attendance is now voluntary"
    lines = [
        ClockLine(
            "Counselling or guidance",
            counselling,
            (
                f"3 calendar months from the date the order was made ({made}). Where the "
                "later month has no such day, the last day of that month."
                if order.has_counselling_to_enforce
                else "The parent has had a parenting order before, so the court did not "
                "include a programme (Sentencing Act 2020, section 366(5))."
            ),
        )
    ]
    for requirement in order.requirements.all():
        verb = "runs until" if requirement.is_running_on(today) else "ended on"
        lines.append(
            ClockLine(
                requirement.summary,
                f"{verb.capitalize()} {rules.long_date(requirement.ends_on)}",
                "Set by the court; at most 12 months from the date the order was made "
                f"(latest {rules.long_date(order.latest_requirement_end)}).",
            )
        )
    open_until = order.case_open_until
    lines.append(
        ClockLine(
            "Parenting order case",
            f"Case open until {rules.long_date(open_until)}",
            "The later of the end of counselling and the end of the last requirement; "
            "then the case is due for closure.",
        )
    )
    return lines


def support_sessions(case: Case) -> QuerySet:
    return case.order_sessions.select_related("recorded_by", "order").order_by("-held_on", "-id")


def awaiting_referrals(user) -> QuerySet:
    return (
        access.visible(user, BreachReferral)
        .filter(status=ReferralStatus.AWAITING)
        .select_related("failure__order__child", "failure__parent", "requested_by")
        .order_by("requested_at", "id")
    )


# --- Extension hooks (yos/extensions.py) ----------------------------------------


def _day(on: date) -> datetime:
    return timezone.make_aware(datetime.combine(on, time.min))


def _panel(orders: list, support_cases: list, *, can_change: bool) -> list[dict]:
    if not orders and not support_cases:
        return []
    return [
        {
            "template": "orders/includes/orders_panel.html",
            "orders": orders,
            "support_cases": support_cases,
            "can_change": can_change,
        }
    ]


def _child_orders(user, child) -> list[ParentingOrder]:
    """The child's orders, fetched once for the panel and the timeline (neither
    shows the bound parents)."""
    return page_memo(
        child,
        f"orders:{user.pk}",
        lambda: list(orders_for(user, ParentingOrder.objects.filter(child=child), parents=False)),
    )


def child_panels(user, child) -> list[dict]:
    """The child's parenting orders, and parenting cases with no order yet
    (from the child page's own list of cases: no query of its own)."""
    from cases.selectors import child_cases

    orders = _child_orders(user, child)
    with_order = {order.case_id for order in orders}
    support_cases = [
        case
        for case in child_cases(user, child)
        if case.kind == CaseKind.PARENTING
        and case.status != CaseStatus.CLOSED
        and case.pk not in with_order
    ]
    return _panel(orders, support_cases, can_change=can_change_on_page(user, child))


def family_panels(user, family) -> list[dict]:
    orders = list(orders_for(user, ParentingOrder.objects.filter(child__family=family)))
    support_cases = list(
        access.visible(user, Case.objects.filter(child__family=family))
        .filter(kind=CaseKind.PARENTING, parenting_orders__isnull=True)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("child")
    )
    return _panel(orders, support_cases, can_change=access.can_change(user, family))


def timeline_events(user, child) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    today = timezone.localdate()
    for order in _child_orders(user, child):
        url = order.get_absolute_url()
        events.append(
            TimelineEvent(
                at=_day(order.made_on),
                title="Parenting order made",
                description=f"{order.court}; {order.get_basis_display()}",
                url=url,
                kind="order",
            )
        )
        if order.counselling_voluntary_on(today):
            events.append(
                TimelineEvent(
                    at=_day(order.counselling_ends_on),
                    title="Counselling period ended: now voluntary",
                    url=url,
                    kind="order",
                )
            )
        for requirement in order.requirements.all():
            if requirement.ends_on < today:
                events.append(
                    TimelineEvent(
                        at=_day(requirement.ends_on),
                        title="Parenting order requirement ended",
                        description=requirement.summary,
                        url=url,
                        kind="order",
                    )
                )
        if order.closed_on:
            events.append(
                TimelineEvent(
                    at=_day(order.closed_on), title="Parenting order closed", url=url, kind="order"
                )
            )
    failures = (
        access.visible(user, FailureToComply)
        .filter(order__child=child)
        .select_related("order", "excuse_decided_by")
        .prefetch_related(
            Prefetch("referrals", BreachReferral.objects.select_related("decided_by"))
        )
    )
    for failure in failures:
        events.append(
            TimelineEvent(
                at=_day(failure.occurred_on),
                title="Failure to comply with the parenting order",
                description=(
                    f"{failure.get_kind_display()}. "
                    f"{failure.get_excuse_display() or failure.get_explanation_status_display()}."
                ),
                by=str(failure.excuse_decided_by) if failure.excuse_decided_by else "",
                url=failure.get_absolute_url(),
                kind="order",
            )
        )
        for referral in failure.referrals.all():
            if referral.decided_at:
                events.append(
                    TimelineEvent(
                        at=referral.decided_at,
                        title=f"Breach referral {referral.get_status_display().lower()}",
                        description=referral.decision_reason,
                        by=str(referral.decided_by),
                        url=failure.get_absolute_url(),
                        kind="order",
                    )
                )
    return events


WAITING_LIMIT = 50


def waiting_for_explanation(user, *, on: date) -> QuerySet:
    """Failures on orders the user writes that wait for the parent's
    explanation (not asked yet, or asked and still within the time to reply):
    no warning letter is due for them yet (rules.failure_waiting_for_explanation)."""
    return (
        access.visible(user, FailureToComply, write=True)
        .waiting_for_explanation(on)
        .select_related("order__child", "parent")
        .order_by("occurred_on", "id")[:WAITING_LIMIT]
    )


def home_panels(user) -> list[dict]:
    if access.has_caseload(user):
        today = timezone.localdate()
        soon = flag_window_end(today)
        mine = access.visible(user, ParentingOrder, write=True).filter(closed_on__isnull=True)
        ending = (
            orders_for(user, mine, on=today)
            .filter(
                (COUNSELLING_TO_ENFORCE & Q(counselling_ends_on__range=(today, soon)))
                | Q(requirements__ends_on__range=(today, soon))
                | Q(derived_status=OrderStatus.DUE_FOR_CLOSURE)
            )
            .distinct()
        )
        return [
            {
                "template": "orders/includes/home_ending.html",
                "orders": list(ending),
                "days": settings.FLAG_WARNING_DAYS,
            },
            {
                "template": "orders/includes/home_explanations.html",
                "failures": list(waiting_for_explanation(user, on=today)),
            },
        ]
    if access.supervises(user):
        return [
            {
                "template": "orders/includes/home_referrals.html",
                "referrals": list(awaiting_referrals(user)),
            }
        ]
    return []


def case_closure_blockers(case, on: date | None = None) -> list[str]:
    """Why the case cannot close on the day `on` (today by default): an order
    on it whose counselling or a requirement is still running that day (seed
    000: the case "remains open until such time as all additional
    requirements have expired")."""
    today = on or timezone.localdate()
    reasons = []
    orders = case.parenting_orders.filter(closed_on__isnull=True).prefetch_related(_requirements())
    for order in orders:
        if order.counselling_enforceable_on(today):
            reasons.append(
                f"Counselling under the parenting order made on {rules.long_date(order.made_on)} "
                f"is enforceable until {rules.long_date(order.counselling_ends_on)}"
            )
        for requirement in order.requirements.all():
            if requirement.is_running_on(today):
                reasons.append(
                    f"The parenting order requirement “{requirement.summary}” runs until "
                    f"{rules.long_date(requirement.ends_on)}"
                )
    return reasons


def warning_letters_by_failure(order: ParentingOrder) -> dict:
    """The newest warning letter of each failure to comply on this order
    (failure id → Letter), in one query."""
    from django.contrib.contenttypes.models import ContentType

    from yos.letters import key_ids
    from yos.models import Letter

    letters = {}
    for letter in Letter.objects.filter(
        kind=Letter.Kind.ORDER_WARNING,
        content_type=ContentType.objects.get_for_model(ParentingOrder),
        object_id=order.pk,
    ).order_by("version", "id"):
        letters[key_ids(letter.dedupe_key)[0]] = letter
    return letters
