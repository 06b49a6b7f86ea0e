"""Invented demo parenting orders, one at each status, and voluntary support.

Uses the children and adults the cases seeder put in ctx (families allocated to
`casemanager`); makes its own invented family when there are none. Re-runnable:
does nothing when the demo orders exist.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from cases.models import Adult, AdultChild, Case, CaseKind, CaseStatus, Child, Family
from orders import rules, services
from orders.models import (
    Attendance,
    ConditionKind,
    Excuse,
    ExplanationStatus,
    FailureKind,
    OrderSession,
    ParentingOrder,
    RequirementKind,
    StatutoryBasis,
)

DEMO_COURT = "Demo Town Youth Court"


def _made_so_counselling_ends_this_month(today: date) -> date:
    """A made_on whose counselling ends later this month (or today)."""
    start = today - relativedelta(months=3)
    for gap in (3, 0):  # a few days left when the month allows
        for k in range(0, 32):
            made = start + timedelta(days=k)
            ends = rules.counselling_ends_on(made)
            if ends.month == today.month and ends - today >= timedelta(days=gap):
                return made
    return start


def _own_family(ctx: dict) -> list[tuple[Child, list[Adult]]]:
    """An invented family, for when the cases seeder made none."""
    by = ctx["users"]["casemanager"]
    family = Family(name="Demoford", team=ctx["teams"][0], case_manager=by, notes="Demo family")
    family._history_user = by
    family.save()
    pairs = []
    for first, parent_first in (("Kai", "Jo"), ("Ellis", "Sam"), ("Rowan", "Alex"), ("Noa", "Lee")):
        child = Child(
            family=family, first_name=first, last_name="Demoford", date_of_birth=date(2011, 3, 9)
        )
        child._history_user = by
        child.save()
        adult = Adult(family=family, first_name=parent_first, last_name="Demoford")
        adult._history_user = by
        adult.save()
        link = AdultChild(
            adult=adult,
            child=child,
            relationship="mother",
            parental_responsibility=True,
            resident=True,
        )
        link._history_user = by
        link.save()
        pairs.append((child, [adult]))
    return pairs


def _children_with_parents(ctx: dict) -> list[tuple[Child, list[Adult]]]:
    children = [
        c
        for c in ctx.get("children", [])
        if c.family.case_manager_id == ctx["users"]["casemanager"].pk
    ]
    adults = ctx.get("adults", [])
    pairs = []
    for child in children:
        parents = [a for a in adults if a.family_id == child.family_id]
        if parents:
            pairs.append((child, parents[:1]))
    return pairs if len(pairs) >= 4 else _own_family(ctx)


def _parenting_case(child: Child, made_on: date, by) -> Case:
    case = Case(
        child=child,
        kind=CaseKind.PARENTING,
        status=CaseStatus.OPEN,
        referred_on=made_on - timedelta(days=14),
        opened_on=made_on,
    )
    case.full_clean()
    case._history_user = by
    case.save()
    return case


def seed(ctx: dict) -> None:
    if ParentingOrder.objects.filter(court=DEMO_COURT).exists():
        return
    by = ctx["users"]["casemanager"]
    supervisor = ctx["users"]["supervisor"]
    today = timezone.localdate()
    pairs = _children_with_parents(ctx)

    def order(i: int, made_on: date, basis: str, **extra) -> ParentingOrder:
        child, parents = pairs[i % len(pairs)]
        return services.order_create(
            case=_parenting_case(child, made_on, by),
            parents=parents,
            court=DEMO_COURT,
            made_on=made_on,
            basis=basis,
            by=by,
            **extra,
        )

    # 1. Counselling enforceable, ending this month; a missed session awaiting a breach decision.
    made = _made_so_counselling_ends_this_month(today)
    first = order(0, made, StatutoryBasis.SA_2020_S366)
    services.condition_add(
        order=first,
        kind=ConditionKind.AT_HOME,
        details="between 8pm and 7am",
        starts_on=made,
        ends_on=made + relativedelta(months=6),
        by=by,
    )
    services.requirement_add(
        order=first,
        kind=RequirementKind.ATTEND_SCHOOL,
        ends_on=rules.latest_requirement_end(made),
        by=by,
    )
    services.session_record(
        case=first.case,
        order=first,
        held_on=made + timedelta(days=7),
        attendance=Attendance.ATTENDED,
        worker="Parenting worker",
        by=by,
    )
    _, failure = services.session_record(
        case=first.case,
        order=first,
        held_on=made + timedelta(days=21),
        attendance=Attendance.MISSED,
        parent=first.parents.first(),
        by=by,
    )
    failure = services.failure_explanation_record(
        failure=failure,
        status=ExplanationStatus.GIVEN,
        on=made + timedelta(days=22),
        explanation="you had forgotten the appointment",
        excuse=Excuse.NOT_ACCEPTED,
        by=by,
    )
    services.referral_request(
        failure=failure, reason="Second missed session; no contact since.", by=by
    )

    # 2. Counselling over (now voluntary), requirements running.
    made = today - relativedelta(months=5)
    second = order(1, made, StatutoryBasis.ASBA_2003_S26)
    services.requirement_add(
        order=second,
        kind=RequirementKind.OTHER,
        description="Attend a parenting programme of ten sessions",
        ends_on=made + relativedelta(months=9),
        by=by,
    )
    services.requirement_add(
        order=second,
        kind=RequirementKind.ATTEND_SCHOOL,
        ends_on=rules.latest_requirement_end(made),
        by=by,
    )
    services.session_record(
        case=second.case,
        order=second,
        held_on=today - timedelta(days=10),
        attendance=Attendance.MISSED,
        by=by,
    )  # after counselling ended: voluntary, so no failure to comply

    # 3. All requirements ended: due for closure; a declined referral in its past.
    made = today - relativedelta(months=13)
    third = order(2, made, StatutoryBasis.SA_2020_S369)
    services.requirement_add(
        order=third,
        kind=RequirementKind.ATTEND_SCHOOL,
        ends_on=rules.latest_requirement_end(made),
        by=by,
    )
    old = services.failure_record(
        order=third,
        kind=FailureKind.COUNSELLING,
        parent=third.parents.first(),
        occurred_on=made + timedelta(days=14),
        description="Did not attend a counselling or guidance session",
        by=by,
    )
    old = services.failure_explanation_record(
        failure=old,
        status=ExplanationStatus.NOT_REACHED,
        on=made + timedelta(days=15),
        by=by,
    )
    referral = services.referral_request(failure=old, reason="Missed the first session.", by=by)
    services.referral_decide(
        referral=referral,
        approve=False,
        reason="First failure; a warning is enough.",
        by=supervisor,
    )

    # 4. Closed: the programme omitted because of an earlier order.
    made = today - relativedelta(months=16)
    fourth = order(
        3,
        made,
        StatutoryBasis.CDA_1998_S8,
        programme_omitted=True,
        programme_omitted_note="Parenting order made in 2023 by the same court; programme completed then.",
    )
    services.requirement_add(
        order=fourth,
        kind=RequirementKind.ATTEND_SCHOOL,
        ends_on=made + relativedelta(months=6),
        by=by,
    )
    services.order_close(order=fourth, closed_on=fourth.case_open_until + timedelta(days=1), by=by)

    # 5. Voluntary parenting support: a parenting case with no order.
    support = next(
        (
            c
            for c in ctx.get("cases", [])
            if c.kind == CaseKind.PARENTING
            and c.status == CaseStatus.OPEN
            and not c.parenting_orders.exists()
        ),
        None,
    ) or _parenting_case(pairs[0][0], today - timedelta(days=40), by)
    if not OrderSession.objects.filter(case=support).exists():
        for days, attendance in ((28, Attendance.ATTENDED), (14, Attendance.MISSED_EXCUSED)):
            services.session_record(
                case=support,
                held_on=today - timedelta(days=days),
                attendance=attendance,
                worker="Parenting worker",
                by=by,
            )
