"""The Youth Justice Board's key performance indicators that the recorded data
supports (PRODUCT.md, "Dashboards": KPIs 1, 2, 3, 4, 5 and 10), computed from
recorded events in the database.

KPIs 1 to 5 are measured on the orders that ended in the range: statutory
cases (CaseKind.statutory(): every kind that follows an offence) closed between
the start and end dates. Each event counts as its latest record for the case
(dashboard/models.py: a correction is a new record). KPI 10 is measured on the
victims who consented to take part in restorative justice in the range.

Each KPI has measures (numerator / denominator), the records counted in its
headline numerator and a "why not counted" list: the records in the
denominator (or missing from it for want of data) with the reason, so a
supervisor can have the data fixed rather than distrust the figure.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from cases.models import SEN, Case, CaseKind, CaseStatus
from dashboard.models import NeedKind, NeedsScreening, OrderEndOutcome
from dashboard.selectors import Scope, scoped, victims_in_scope
from victims.models import RestorativeJusticeWork, VictimContact, VictimOffence


@dataclass(frozen=True)
class Measure:
    label: str
    numerator: Q
    denominator: Q


@dataclass(frozen=True)
class Reason:
    key: str
    q: Q
    text: str
    fix: str  # what to do, in words


@dataclass(frozen=True)
class KPI:
    number: int
    title: str
    description: str
    measures: tuple[Measure, ...]
    reasons: tuple[Reason, ...]

    @property
    def counted(self) -> Q:
        return self.measures[0].numerator


def _latest(model, field: str, **filters) -> Subquery:
    order = ("-recorded_on", "-id") if model is OrderEndOutcome else ("-screened_on", "-id")
    return Subquery(
        model.objects.filter(case=OuterRef("pk"), **filters).order_by(*order).values(field)[:1],
        output_field=models.BooleanField(),
    )


def latest_outcomes_queryset(qs: QuerySet) -> QuerySet:
    """Cases annotated with their latest KPI events (one query, subqueries)."""
    mh = {"need": NeedKind.MENTAL_HEALTH}
    sm = {"need": NeedKind.SUBSTANCE_MISUSE}
    return qs.select_related("child__family__case_manager").annotate(
        kpi_accommodation=_latest(OrderEndOutcome, "accommodation_suitable"),
        kpi_ete=_latest(OrderEndOutcome, "ete_suitable"),
        kpi_mh_identified=_latest(NeedsScreening, "identified", **mh),
        kpi_mh_offered=_latest(NeedsScreening, "support_offered", **mh),
        kpi_mh_attending=_latest(NeedsScreening, "attending", **mh),
        kpi_sm_identified=_latest(NeedsScreening, "identified", **sm),
        kpi_sm_offered=_latest(NeedsScreening, "support_offered", **sm),
        kpi_sm_attending=_latest(NeedsScreening, "attending", **sm),
    )


def orders_ended(scope: Scope) -> QuerySet:
    """Statutory cases closed in the range, with their latest KPI events."""
    return latest_outcomes_queryset(
        scoped(scope, Case).filter(
            kind__in=CaseKind.statutory(),
            status=CaseStatus.CLOSED,
            closed_on__range=(scope.start, scope.end),
        )
    )


ALL = Q(pk__isnull=False)
SEN_IDENTIFIED = Q(child__sen__in=(SEN.SUPPORT, SEN.EHCP))


def _needs_kpi(number: int, prefix: str, title: str, need: str) -> KPI:
    identified = Q(**{f"kpi_{prefix}_identified": True})
    screened = Q(**{f"kpi_{prefix}_identified__isnull": False})
    offered = Q(**{f"kpi_{prefix}_offered": True})
    attending = Q(**{f"kpi_{prefix}_attending": True})
    return KPI(
        number,
        title,
        f"Children whose order ended with an identified {need} need, and the share "
        "offered support and attending it.",
        (
            Measure("Attending support, of those with an identified need", attending, identified),
            Measure("Offered support, of those with an identified need", offered, identified),
            Measure("Screened, of the orders that ended", screened, ALL),
            Measure("Need identified, of those screened", identified, screened),
        ),
        (
            Reason("not-screened", ~screened, "No screening recorded", "Record the screening"),
            Reason(
                "not-offered",
                identified & ~offered,
                "Need identified but no support offered",
                "Record the support offered",
            ),
            Reason(
                "not-attending",
                offered & ~attending,
                "Support offered but not attending",
                "Record attendance when the child attends",
            ),
        ),
    )


KPIS: dict[int, KPI] = {
    k.number: k
    for k in (
        KPI(
            1,
            "Suitable accommodation",
            "Children in suitable accommodation when their order ended.",
            (Measure("In suitable accommodation", Q(kpi_accommodation=True), ALL),),
            (
                Reason(
                    "missing",
                    Q(kpi_accommodation__isnull=True),
                    "No end-of-order outcome recorded",
                    "Record the end-of-order outcomes",
                ),
                Reason(
                    "unsuitable",
                    Q(kpi_accommodation=False),
                    "Accommodation recorded as not suitable",
                    "Check the record if this is wrong",
                ),
            ),
        ),
        KPI(
            2,
            "Education, training or employment",
            "Children in suitable education, training or employment when their order ended.",
            (Measure("In suitable education, training or employment", Q(kpi_ete=True), ALL),),
            (
                Reason(
                    "missing",
                    Q(kpi_ete__isnull=True),
                    "No end-of-order outcome recorded",
                    "Record the end-of-order outcomes",
                ),
                Reason(
                    "unsuitable",
                    Q(kpi_ete=False),
                    "Education, training or employment recorded as not suitable",
                    "Check the record if this is wrong",
                ),
            ),
        ),
        KPI(
            3,
            "Special educational needs",
            "Children with special educational needs whose order ended who have a formal "
            "plan (an education, health and care plan).",
            (Measure("With a formal plan", Q(child__sen=SEN.EHCP), SEN_IDENTIFIED),),
            (
                Reason(
                    "no-plan",
                    Q(child__sen=SEN.SUPPORT),
                    "SEN support only: no education, health and care plan",
                    "Check with the school whether a plan is in place",
                ),
                Reason(
                    "not-known",
                    Q(child__sen=SEN.NOT_KNOWN),
                    "Special educational needs not recorded: left out of both figures",
                    "Record the child's special educational needs",
                ),
            ),
        ),
        _needs_kpi(4, "mh", "Mental health", "mental-health or emotional-wellbeing"),
        _needs_kpi(5, "sm", "Substance misuse", "substance-misuse"),
    )
}

KPI_10_TITLE = "Victims engaged in restorative justice"


def kpi_counts(scope: Scope) -> dict[int, list[dict]]:
    """Every measure of KPIs 1-5 in one aggregate query: {number: [{label,
    numerator, denominator, rate}]}."""
    aggregates = {}
    for kpi in KPIS.values():
        for i, m in enumerate(kpi.measures):
            aggregates[f"k{kpi.number}_{i}_n"] = Count("pk", filter=m.numerator & m.denominator)
            aggregates[f"k{kpi.number}_{i}_d"] = Count("pk", filter=m.denominator)
    values = orders_ended(scope).aggregate(**aggregates)
    return {
        kpi.number: [
            _measure(m.label, values[f"k{kpi.number}_{i}_n"], values[f"k{kpi.number}_{i}_d"])
            for i, m in enumerate(kpi.measures)
        ]
        for kpi in KPIS.values()
    }


def _measure(label: str, numerator: int, denominator: int) -> dict:
    rate = f"{round(100 * numerator / denominator)}%" if denominator else "–"
    return {"label": label, "numerator": numerator, "denominator": denominator, "rate": rate}


def counted(scope: Scope, number: int) -> QuerySet:
    kpi = KPIS[number]
    m = kpi.measures[0]
    return orders_ended(scope).filter(m.numerator & m.denominator).order_by("closed_on", "pk")


def not_counted(scope: Scope, number: int) -> QuerySet:
    """The orders that ended and are missing from the headline numerator, each
    annotated with `reason` (the first reason that applies)."""
    kpi = KPIS[number]
    whens = [models.When(r.q, then=models.Value(r.text)) for r in kpi.reasons]
    return (
        orders_ended(scope)
        .annotate(reason=models.Case(*whens, default=None, output_field=models.CharField()))
        .filter(reason__isnull=False)
        .order_by("reason", "closed_on", "pk")
    )


# --- KPI 10: victims (counts only; the lists name the child's case, never the victim) ---


def _kpi10_victims(scope: Scope) -> QuerySet:
    consented = VictimContact.objects.filter(
        victim=OuterRef("pk"), consent_given=True, consent_on__range=(scope.start, scope.end)
    )
    engaged = RestorativeJusticeWork.objects.filter(offence__victim=OuterRef("pk"))
    return victims_in_scope(scope).annotate(consented=Exists(consented), engaged=Exists(engaged))


def kpi10_counts(scope: Scope) -> list[dict]:
    values = _kpi10_victims(scope).aggregate(
        d=Count("pk", filter=Q(consented=True)),
        n=Count("pk", filter=Q(consented=True, engaged=True)),
    )
    return [
        _measure("Engaged in restorative justice, of those who consented", values["n"], values["d"])
    ]


def kpi10_case_lines(scope: Scope, *, engaged: bool) -> QuerySet:
    """(case id, case reference, child) of the victims who consented, engaged or
    not: values() of the offence link only, so no victim's identity is loaded."""
    victims = _kpi10_victims(scope).filter(consented=True, engaged=engaged)
    return (
        VictimOffence.objects.filter(victim__in=victims.values("pk"), case__in=scoped(scope, Case))
        .values("case_id", "case__reference", "case__child__first_name", "case__child__last_name")
        .order_by("case__reference", "case_id")
    )
