"""The supervisors' dashboard: every figure, each the count of a queryset that
starts from ``access.visible`` (so the list behind a figure obeys the same
rules as the figure), and the aggregate queries that count them.

A figure is a Q on one model's scoped queryset. The dashboard counts every
figure of a model in ONE aggregate query (``Count("pk", filter=Q)``), so the
number of queries is fixed whatever the data size; the list behind a figure
is the same queryset filtered by the same Q. Domain rules (an order's status,
a contract's review date, a victim's first-contact clock) come from the apps'
own querysets and rules.

Also the hook (yos/extensions.py) that puts a link to the dashboard on a
supervisor's home page, and the child-page panel where case managers record
the events the YJB KPIs need.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.http import urlencode

from cases.models import Attendance as SessionAttendance
from cases.models import Case, CaseKind, CaseStatus, Child, Family, Session
from contracts.models import ParentingContract
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
from orders.models import Attendance as OrderAttendance
from victims.models import (
    Victim,
    VictimContact,
    VictimOffence,
    VictimUpdate,
)
from victims.rules import rj_information_due_on
from yos import access
from yos.lib.dates import long_date
from yos.lib.ids import parse_id
from yos.models import JobRun, Letter, User

JOB_RUNS_SHOWN = 10
JOB_STALE_HOURS = 36  # a nightly job that has not succeeded for this long is unhealthy


# --- Scope: who is asking, which dates, which team -------------------------------


@dataclass(frozen=True)
class Scope:
    """The supervisor, the date range (inclusive) and the team chosen (None: all
    the teams the supervisor may see)."""

    user: User
    start: date
    end: date
    team_id: int | None = None

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_before(self) -> datetime:
        """The first instant after the range (datetime fields: start_at <= x < end_before)."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    @property
    def ahead(self) -> date:
        """The end of the "ending soon" window after the range (settings.ENDING_SOON_DAYS)."""
        return self.end + timedelta(days=settings.ENDING_SOON_DAYS)

    @property
    def query(self) -> str:
        """The GET parameters that rebuild this scope (for links and downloads)."""
        params = {
            "start_0": self.start.day,
            "start_1": self.start.month,
            "start_2": self.start.year,
            "end_0": self.end.day,
            "end_1": self.end.month,
            "end_2": self.end.year,
        }
        if self.team_id:
            params["team"] = self.team_id
        return urlencode(params)


def teams_for(user: User) -> QuerySet:
    """The teams a supervisor may filter by (yos.access.teams_for)."""
    return access.teams_for(user)


def scoped(scope: Scope, qs: QuerySet | type[models.Model]) -> QuerySet:
    """access.visible, narrowed to the chosen team through the model's path to
    its family (yos.access.RULES)."""
    qs = access.visible(scope.user, qs)
    if scope.team_id:
        path = access.rule_for(qs.model).family
        prefix = f"{path}__" if path else ""
        qs = qs.filter(**{f"{prefix}team_id": scope.team_id})
    return qs


# --- Figures --------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[models.Model], object]
    link: bool = False  # the cell links to the record's page


@dataclass(frozen=True)
class Figure:
    """A count on the dashboard and the list of records behind it.

    ``q(scope, arg)`` filters the model's scoped queryset; ``arg`` is the
    group of a grouped table (a case manager's id, a case kind), else None.
    """

    key: str
    label: str
    model: type[models.Model]
    q: Callable[[Scope, str | None], Q]
    columns: tuple[Column, ...]
    related: tuple[str, ...] = ()
    dated: bool = True  # counts events in the range (else: the state on the end date)
    hint: str = ""
    grouped: bool = False  # needs an arg (a row of a grouped table)

    def records(self, scope: Scope, arg: str | None = None) -> QuerySet:
        return (
            scoped(scope, self.model)
            .filter(self.q(scope, arg))
            .select_related(*self.related)
            .order_by(*self.model._meta.ordering, "pk")
        )


def _name(user) -> str:
    return str(user) if user else "Not allocated"


def _d(day) -> str:
    return long_date(day) if day else ""


CASE_COLUMNS = (
    Column("Case", lambda c: c.reference, link=True),
    Column("Child", lambda c: c.child.full_name),
    Column("Kind", lambda c: c.get_kind_display()),
    Column("Status", lambda c: c.get_status_display()),
    Column("Opened", lambda c: _d(c.opened_on)),
    Column("Closed", lambda c: _d(c.closed_on)),
    Column("Case manager", lambda c: _name(c.child.family.case_manager)),
)
CASE_RELATED = ("child__family__case_manager",)
ORDER_COLUMNS = (
    Column("Order", lambda o: f"Made {_d(o.made_on)}", link=True),
    Column("Child", lambda o: o.child.full_name),
    Column("Court", lambda o: o.court),
    Column("Counselling ends", lambda o: _d(o.counselling_ends_on)),
    Column("Case manager", lambda o: _name(o.child.family.case_manager)),
)
CONTRACT_COLUMNS = (
    Column("Contract", lambda c: c.reference, link=True),
    Column("Pupil", lambda c: c.pupil.full_name),
    Column("School", lambda c: c.school.name),
    Column("Status", lambda c: c.get_status_display()),
    Column("Next review", lambda c: _d(c.next_review_on)),
    Column("Ended", lambda c: _d(c.ended_on)),
)
CONTRACT_RELATED = ("pupil", "school")


def open_on(day: date, prefix: str = "") -> Q:
    """Cases open on `day`: opened by then and not closed by then."""
    return Q(**{f"{prefix}opened_on__lte": day}) & (
        Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gt": day})
    )


def _manager_q(prefix: str, arg: str | None) -> Q:
    if arg in (None, "", "none"):
        return Q(**{f"{prefix}case_manager__isnull": True})
    return Q(**{f"{prefix}case_manager_id": parse_id(arg) or 0})


def _session_range(s: Scope) -> Q:
    return Q(starts_at__gte=s.start_at, starts_at__lt=s.end_before)


SESSION_MISSED = (SessionAttendance.UNEXCUSED, SessionAttendance.EXCUSED)
ORDER_SESSION_MISSED = (
    OrderAttendance.MISSED_EXCUSED,
    OrderAttendance.MISSED,
    OrderAttendance.MISSED_UNEXCUSED,
)
WARNING_KINDS = (Letter.Kind.ORDER_WARNING, Letter.Kind.CONTRACT_WARNING)


FIGURES: dict[str, Figure] = {
    f.key: f
    for f in (
        # Caseload (grouped by case manager; the state on the end date)
        Figure(
            "caseload-families",
            "Families",
            Family,
            lambda s, a: _manager_q("", a),
            (
                Column("Family", lambda f: f.name, link=True),
                Column("Team", lambda f: f.team.name),
                Column("Case manager", lambda f: _name(f.case_manager)),
            ),
            ("team", "case_manager"),
            dated=False,
            grouped=True,
        ),
        Figure(
            "caseload-children",
            "Children",
            Child,
            lambda s, a: _manager_q("family__", a),
            (
                Column("Child", lambda c: c.full_name, link=True),
                Column("Reference", lambda c: c.reference),
                Column("Family", lambda c: c.family.name),
                Column("Case manager", lambda c: _name(c.family.case_manager)),
            ),
            ("family__case_manager",),
            dated=False,
            grouped=True,
        ),
        Figure(
            "caseload-open-cases",
            "Open cases",
            Case,
            lambda s, a: _manager_q("child__family__", a) & open_on(s.end),
            CASE_COLUMNS,
            CASE_RELATED,
            dated=False,
            grouped=True,
        ),
        Figure(
            "open-cases-kind",
            "Open cases of a kind",
            Case,
            lambda s, a: open_on(s.end) & Q(kind=a or ""),
            CASE_COLUMNS,
            CASE_RELATED,
            dated=False,
            grouped=True,
        ),
        # Cases
        Figure(
            "open-cases",
            "Open cases",
            Case,
            lambda s, a: open_on(s.end),
            CASE_COLUMNS,
            CASE_RELATED,
            dated=False,
            hint="Open on the last day of the range",
        ),
        Figure(
            "cases-closed",
            "Cases closed",
            Case,
            lambda s, a: Q(closed_on__range=(s.start, s.end)),
            CASE_COLUMNS,
            CASE_RELATED,
        ),
        Figure(
            "cases-due-for-closure",
            "Cases due for closure",
            Case,
            # orders' derived status: every requirement has ended (seed 000)
            lambda s, a: (
                ~Q(status=CaseStatus.CLOSED)
                & Q(
                    pk__in=ParentingOrder.objects.in_status(
                        OrderStatus.DUE_FOR_CLOSURE, s.end
                    ).values("case_id")
                )
            ),
            CASE_COLUMNS,
            CASE_RELATED,
            dated=False,
            hint="Parenting-order cases whose requirements have all ended",
        ),
        # Parenting orders: deadlines in the 30 days after the range
        Figure(
            "counselling-ending",
            "Counselling periods ending in the next 30 days",
            ParentingOrder,
            lambda s, a: (
                COUNSELLING_TO_ENFORCE
                & Q(closed_on__isnull=True, counselling_ends_on__range=(s.end, s.ahead))
            ),
            ORDER_COLUMNS,
            ("child__family__case_manager",),
            dated=False,
        ),
        Figure(
            "requirements-ending",
            "Order requirements ending in the next 30 days",
            OrderRequirement,
            lambda s, a: Q(order__closed_on__isnull=True, ends_on__range=(s.end, s.ahead)),
            (
                Column("Requirement", lambda r: r.summary, link=True),
                Column("Child", lambda r: r.order.child.full_name),
                Column("Ends", lambda r: _d(r.ends_on)),
                Column("Case manager", lambda r: _name(r.order.child.family.case_manager)),
            ),
            ("order__child__family__case_manager", "child_case"),
            dated=False,
        ),
        # Contracts
        Figure(
            "contract-reviews-overdue",
            "Contract reviews due or overdue",
            ParentingContract,
            lambda s, a: Q(pk__in=ParentingContract.objects.review_due(s.end).values("pk")),
            CONTRACT_COLUMNS,
            CONTRACT_RELATED,
            dated=False,
        ),
        Figure(
            "contracts-unsigned",
            "Contracts awaiting signatures",
            ParentingContract,
            lambda s, a: Q(status=ParentingContract.Status.AWAITING_SIGNATURES),
            CONTRACT_COLUMNS,
            CONTRACT_RELATED,
            dated=False,
        ),
        Figure(
            "contracts-signing-overdue",
            "Contracts not signed in time",
            ParentingContract,
            lambda s, a: Q(pk__in=ParentingContract.objects.signing_overdue(s.end).values("pk")),
            CONTRACT_COLUMNS,
            CONTRACT_RELATED,
            dated=False,
        ),
        Figure(
            "contracts-completed",
            "Contracts completed",
            ParentingContract,
            lambda s, a: Q(
                status=ParentingContract.Status.COMPLETED, ended_on__range=(s.start, s.end)
            ),
            CONTRACT_COLUMNS,
            CONTRACT_RELATED,
        ),
        Figure(
            "contracts-terminated",
            "Contracts terminated",
            ParentingContract,
            lambda s, a: Q(
                status=ParentingContract.Status.TERMINATED, ended_on__range=(s.start, s.end)
            ),
            CONTRACT_COLUMNS,
            CONTRACT_RELATED,
        ),
        # Sessions
        Figure(
            "sessions-attended",
            "Case sessions attended",
            Session,
            lambda s, a: _session_range(s) & Q(attendance=SessionAttendance.ATTENDED),
            (
                Column("Session", lambda x: str(x), link=True),
                Column("Child", lambda x: x.case.child.full_name),
                Column("Attendance", lambda x: x.get_attendance_display()),
            ),
            ("case__child",),
        ),
        Figure(
            "sessions-missed",
            "Case sessions missed",
            Session,
            lambda s, a: _session_range(s) & Q(attendance__in=SESSION_MISSED),
            (
                Column("Session", lambda x: str(x), link=True),
                Column("Child", lambda x: x.case.child.full_name),
                Column("Attendance", lambda x: x.get_attendance_display()),
            ),
            ("case__child",),
        ),
        Figure(
            "order-sessions-attended",
            "Parenting sessions attended",
            OrderSession,
            lambda s, a: Q(held_on__range=(s.start, s.end), attendance=OrderAttendance.ATTENDED),
            (
                Column("Session", lambda x: str(x), link=True),
                Column("Child", lambda x: x.case.child.full_name),
                Column("Attendance", lambda x: x.get_attendance_display()),
            ),
            ("case__child", "order"),
        ),
        Figure(
            "order-sessions-missed",
            "Parenting sessions missed",
            OrderSession,
            lambda s, a: Q(held_on__range=(s.start, s.end), attendance__in=ORDER_SESSION_MISSED),
            (
                Column("Session", lambda x: str(x), link=True),
                Column("Child", lambda x: x.case.child.full_name),
                Column("Attendance", lambda x: x.get_attendance_display()),
            ),
            ("case__child", "order"),
        ),
        # Compliance
        Figure(
            "failures-to-comply",
            "Failures to comply with a parenting order",
            FailureToComply,
            lambda s, a: Q(occurred_on__range=(s.start, s.end)),
            (
                Column("Failure", lambda x: str(x), link=True),
                Column("Child", lambda x: x.order.child.full_name),
                Column("Reasonable excuse", lambda x: x.get_excuse_display()),
            ),
            ("order__child",),
        ),
        Figure(
            "warning-letters",
            "Warning letters issued",
            Letter,
            lambda s, a: Q(
                kind__in=WARNING_KINDS, generated_at__gte=s.start_at, generated_at__lt=s.end_before
            ),
            (
                Column("Letter", lambda x: x.get_kind_display(), link=True),
                Column("To", lambda x: x.recipient.full_name),
                Column("Child", lambda x: x.child.full_name if x.child else ""),
                Column("Generated", lambda x: _d(timezone.localdate(x.generated_at))),
                Column("Sent", lambda x: x.get_sent_by_display()),
            ),
            ("child", "document", "recipient"),
        ),
        Figure(
            "breach-referrals",
            "Breach referrals requested",
            BreachReferral,
            lambda s, a: Q(requested_at__gte=s.start_at, requested_at__lt=s.end_before),
            (
                Column("Referral", lambda x: x.get_status_display(), link=True),
                Column("Child", lambda x: x.failure.order.child.full_name),
                Column("Requested", lambda x: _d(timezone.localdate(x.requested_at))),
            ),
            ("failure__order__child",),
        ),
        Figure(
            "breach-referrals-approved",
            "Breach referrals approved for prosecution",
            BreachReferral,
            lambda s, a: Q(
                requested_at__gte=s.start_at,
                requested_at__lt=s.end_before,
                status=ReferralStatus.APPROVED,
            ),
            (
                Column("Referral", lambda x: x.get_status_display(), link=True),
                Column("Child", lambda x: x.failure.order.child.full_name),
                Column("Requested", lambda x: _d(timezone.localdate(x.requested_at))),
            ),
            ("failure__order__child",),
        ),
    )
}

# The sections of the dashboard, in order: (heading, figure keys).
SECTIONS = (
    ("Cases", ("open-cases", "cases-closed", "cases-due-for-closure")),
    ("Parenting-order deadlines", ("counselling-ending", "requirements-ending")),
    (
        "Parenting contracts",
        (
            "contract-reviews-overdue",
            "contracts-unsigned",
            "contracts-signing-overdue",
            "contracts-completed",
            "contracts-terminated",
        ),
    ),
    (
        "Sessions",
        (
            "sessions-attended",
            "sessions-missed",
            "order-sessions-attended",
            "order-sessions-missed",
        ),
    ),
    (
        "Compliance",
        (
            "failures-to-comply",
            "warning-letters",
            "breach-referrals",
            "breach-referrals-approved",
        ),
    ),
)


def figure_counts(scope: Scope) -> dict[str, int]:
    """Every ungrouped figure's count: one aggregate query per model."""
    by_model: dict[type, list[Figure]] = {}
    for fig in FIGURES.values():
        if not fig.grouped:
            by_model.setdefault(fig.model, []).append(fig)
    counts: dict[str, int] = {}
    for model, figures in by_model.items():
        counts.update(
            scoped(scope, model).aggregate(
                **{f.key: Count("pk", filter=f.q(scope, None)) for f in figures}
            )
        )
    return counts


# --- Grouped tables ------------------------------------------------------------------


@dataclass
class Table:
    """A table on the dashboard (and its CSV): headers, rows of cells, and for
    each cell the figure (key, arg) it links to, or None."""

    key: str
    caption: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    links: list[list] = field(default_factory=list)


def caseload(scope: Scope) -> Table:
    """Families, children and open cases per case manager: one grouped query."""
    rows = (
        scoped(scope, Family)
        .values("case_manager", "case_manager__first_name", "case_manager__last_name")
        .annotate(
            n_families=Count("pk", distinct=True),
            n_children=Count("children", distinct=True),
            n_open_cases=Count(
                "children__cases", filter=open_on(scope.end, "children__cases__"), distinct=True
            ),
        )
        .order_by(
            models.F("case_manager__last_name").asc(nulls_last=True),
            "case_manager__first_name",
            "case_manager",
        )
    )
    table = Table(
        "caseload",
        "Caseload per case manager",
        ["Case manager", "Families", "Children", "Open cases"],
    )
    for row in rows:
        name = " ".join(
            filter(None, [row["case_manager__first_name"], row["case_manager__last_name"]])
        )
        arg = str(row["case_manager"]) if row["case_manager"] else "none"
        table.rows.append(
            [name or "Not allocated", row["n_families"], row["n_children"], row["n_open_cases"]]
        )
        table.links.append(
            [
                None,
                ("caseload-families", arg),
                ("caseload-children", arg),
                ("caseload-open-cases", arg),
            ]
        )
    return table


def open_cases_by_kind(scope: Scope) -> Table:
    rows = (
        scoped(scope, Case)
        .filter(open_on(scope.end))
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by("kind")
    )
    labels = dict(CaseKind.choices)
    table = Table("open-cases-by-kind", "Open cases by kind", ["Kind", "Open cases"])
    for row in sorted(rows, key=lambda r: list(labels).index(r["kind"])):
        table.rows.append([labels.get(row["kind"], row["kind"]), row["n"]])
        table.links.append([None, ("open-cases-kind", row["kind"])])
    return table


def months_between(start: date, end: date) -> list[date]:
    """First days of the months from start's to end's (inclusive)."""
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def _month_key(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def sessions_by_month(scope: Scope) -> Table:
    """Attended and missed sessions (case sessions and parenting sessions) per
    month, and the attendance rate: two grouped queries."""
    case_rows = (
        scoped(scope, Session)
        .filter(_session_range(scope))
        .annotate(month=TruncMonth("starts_at"))
        .values("month")
        .annotate(
            attended=Count("pk", filter=Q(attendance=SessionAttendance.ATTENDED)),
            missed=Count("pk", filter=Q(attendance__in=SESSION_MISSED)),
        )
        .order_by("month")
    )
    order_rows = (
        scoped(scope, OrderSession)
        .filter(held_on__range=(scope.start, scope.end))
        .annotate(month=TruncMonth("held_on"))
        .values("month")
        .annotate(
            attended=Count("pk", filter=Q(attendance=OrderAttendance.ATTENDED)),
            missed=Count("pk", filter=Q(attendance__in=ORDER_SESSION_MISSED)),
        )
        .order_by("month")
    )
    totals = {m: [0, 0] for m in months_between(scope.start, scope.end)}
    for rows in (case_rows, order_rows):
        for row in rows:
            month = _month_key(row["month"]).replace(day=1)
            if month in totals:
                totals[month][0] += row["attended"]
                totals[month][1] += row["missed"]
    table = Table(
        "sessions-by-month",
        "Sessions attended and missed by month",
        ["Month", "Attended", "Missed", "Attendance rate"],
    )
    for month, (attended, missed) in totals.items():
        held = attended + missed
        rate = f"{round(100 * attended / held)}%" if held else "–"
        table.rows.append([f"{month:%B %Y}", attended, missed, rate])
        table.links.append([None, None, None, None])
    return table


# --- Victims: counts only, never an identity --------------------------------------------


def victims_in_scope(scope: Scope) -> QuerySet:
    """Victims of offences on the cases this supervisor may see (in the team)."""
    links = VictimOffence.objects.filter(case__in=scoped(scope, Case))
    return Victim.objects.filter(Exists(links.filter(victim=OuterRef("pk"))))


def first_contact_due_expression(start: date, end: date) -> models.Case:
    """The first-contact due date of a victim whose details arrived between
    start and end, as a database expression: victims.rules computes the due
    date of each receipt date (working days, bank holidays) once per day of
    the range, never once per victim."""
    whens = []
    day = start
    while day <= end:
        for enhanced in (False, True):
            whens.append(
                models.When(
                    details_received_on=day,
                    enhanced_rights=enhanced,
                    then=models.Value(rj_information_due_on(day, enhanced_rights=enhanced)),
                )
            )
        day += timedelta(days=1)
    return models.Case(*whens, default=None, output_field=models.DateField())


def victim_figures(scope: Scope) -> dict[str, int]:
    """Counts only (supervisors never see who a victim is): two queries."""
    first_offer = (
        VictimContact.objects.filter(victim=OuterRef("pk"), offered_restorative_justice=True)
        .order_by("contacted_on")
        .values("contacted_on")[:1]
    )
    offered_in_range = VictimContact.objects.filter(
        victim=OuterRef("pk"),
        offered_restorative_justice=True,
        contacted_on__range=(scope.start, scope.end),
    )
    received = Q(details_received_on__range=(scope.start, scope.end))
    victims = victims_in_scope(scope).annotate(
        first_offer_on=models.Subquery(first_offer, output_field=models.DateField()),
        due_on=first_contact_due_expression(scope.start, scope.end),
        offered_in_range=Exists(offered_in_range),
    )
    today = timezone.localdate()
    counts = victims.aggregate(
        received=Count("pk", filter=received),
        offered_rj=Count("pk", filter=Q(offered_in_range=True)),
        in_time=Count("pk", filter=received & Q(first_offer_on__lte=models.F("due_on"))),
        late=Count(
            "pk",
            filter=received
            & (
                Q(first_offer_on__gt=models.F("due_on"))
                | Q(first_offer_on__isnull=True, due_on__lt=today)
            ),
        ),
    )
    counts["updates"] = VictimUpdate.objects.filter(
        victim__in=victims_in_scope(scope), given_on__range=(scope.start, scope.end)
    ).count()
    return counts


# --- Nightly jobs ---------------------------------------------------------------


def job_health(scope: Scope) -> dict:
    """The last runs with a run date in the range, and whether the jobs are
    healthy now: the latest run succeeded and it started within JOB_STALE_HOURS."""
    runs = list(JobRun.objects.filter(run_date__range=(scope.start, scope.end))[:JOB_RUNS_SHOWN])
    latest = JobRun.objects.first()
    healthy = bool(
        latest
        and latest.status == JobRun.Status.SUCCEEDED
        and timezone.now() - latest.started_at <= timedelta(hours=JOB_STALE_HOURS)
    )
    return {"runs": runs, "latest": latest, "healthy": healthy}


def job_table(runs: list[JobRun]) -> Table:
    table = Table(
        "job-runs", "Nightly job runs", ["Job", "For date", "Started", "Result", "Errors"]
    )
    for run in runs:
        table.rows.append(
            [
                run.job,
                f"{run.run_date:%Y-%m-%d}",
                f"{timezone.localtime(run.started_at):%Y-%m-%d %H:%M}",
                run.get_status_display(),
                run.errors,
            ]
        )
        table.links.append([None] * 5)
    return table
