"""Retention flags: closed cases past the retention period of their class.

Flags only, never deletion: deleting or anonymising a child's records is a
council's decision per record (a case may be needed for a complaint, a
court, a serious case review or a later offence), so the nightly step lists
what is due as open ``RETENTION_DUE`` flags on the case, and a person decides.
A case that is reopened, or a period that is lengthened in settings, resolves
its flag on the next run (flags_sync keeps exactly the wanted set open).

Periods are ``settings.RETENTION_YEARS`` per class (a council's published
policy, not a national rule; docs/security.md), counted from the closure
date: due on the anniversary.

The nightly runner calls ``retention_flags(run_date, by=system user)``;
YosConfig.ready() registers the step (yos.extensions.register_nightly_steps).
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Case as DjangoCase
from django.db.models import DateField, F, Func, Q, When

from yos.flags import flags_sync, wanted_rows
from yos.models import Flag

# Which retention class each kind of case belongs to (our reading of the
# council schedule: out-of-court disposals and referral orders 3 years,
# statutory court orders 5; prevention and voluntary parenting work 3).
CLASS_OF_KIND = {
    "prevention": "prevention",
    "parenting": "prevention",
    "triage": "out_of_court",
    "community_resolution": "out_of_court",
    "youth_caution": "out_of_court",
    "youth_conditional_caution": "out_of_court",
    "referral_order": "referral_order",
    "bail_remand": "court_order",
    "yro": "court_order",
    "dto": "court_order",
}


def retention_class(kind: str) -> str:
    """The retention class of a case kind (an unknown kind keeps the longest)."""
    return CLASS_OF_KIND.get(kind, "court_order")


def due_on(kind: str, closed_on: date) -> date:
    years = settings.RETENTION_YEARS[retention_class(kind)]
    return closed_on + relativedelta(years=years)


def latest_closure_due(on: date, years: int) -> date:
    """The last closure date whose retention period of `years` has ended by
    `on` (closure + years <= on). One day later than on - years when that
    lands on 28 February of a leap year: 29 February + 3 years is 28
    February, as relativedelta counts."""
    cutoff = on - relativedelta(years=years)
    if cutoff + timedelta(days=1) + relativedelta(years=years) <= on:
        cutoff += timedelta(days=1)
    return cutoff


class AddYears(Func):
    """date + whole years, on 29 February falling back to the 28th (as
    relativedelta does): PostgreSQL's interval arithmetic already does;
    SQLite's date() would roll over to 1 March."""

    output_field = DateField()

    def __init__(self, expression, years: int):
        super().__init__(expression)
        self.years = int(years)

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) + make_interval(years => {self.years}))::date", params

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        plus = f"'+{self.years} years'"
        return (
            f"CASE WHEN strftime('%%m-%%d', {sql}) = '02-29' "
            f"AND strftime('%%m-%%d', date({sql}, {plus})) = '03-01' "
            f"THEN date({sql}, {plus}, '-1 day') ELSE date({sql}, {plus}) END",
            [*params, *params, *params, *params],
        )


def retention_flags(on: date, *, by=None) -> dict[str, int]:
    """Open a RETENTION_DUE flag on every closed case whose retention period
    has ended by `on` (and resolve those that no longer are). Returns the
    flags_sync counts. Idempotent; deletes nothing. Set-based: one query per
    retention class decides what is due, in the database."""
    from cases.models import Case, CaseStatus

    if by is None:
        from yos.lib.audit import system_user

        by = system_user()
    kinds = {value for value, _label in Case._meta.get_field("kind").choices}
    due = Q(pk__in=[])
    due_on_expression = []
    for retention_class_name, years in settings.RETENTION_YEARS.items():
        of_class = [k for k in kinds if retention_class(k) == retention_class_name]
        if not of_class:
            continue
        due |= Q(kind__in=of_class, closed_on__lte=latest_closure_due(on, years))
        due_on_expression.append(When(kind__in=of_class, then=AddYears(F("closed_on"), years)))
    closed = Case.objects.filter(status=CaseStatus.CLOSED, closed_on__isnull=False).filter(due)
    wanted = wanted_rows(
        closed,
        due_on=DjangoCase(*due_on_expression, output_field=DateField()),
        family="child__family_id",
        child="child_id",
    )
    return flags_sync(kind=Flag.Kind.RETENTION_DUE, model=Case, wanted=wanted, by=by)


STEPS = [("retention_flags", retention_flags)]
