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
adding "yos.retention" to ``yos.jobs.STEP_MODULES`` enables the step.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings

from yos.flags import Wanted, flags_sync
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


def retention_flags(on: date, *, by=None) -> dict[str, int]:
    """Open a RETENTION_DUE flag on every closed case whose retention period
    has ended by `on` (and resolve those that no longer are). Returns the
    flags_sync counts. Idempotent; deletes nothing."""
    from cases.models import Case, CaseStatus

    if by is None:
        from yos.lib.audit import system_user

        by = system_user()
    wanted: dict[int, Wanted] = {}
    closed = Case.objects.filter(status=CaseStatus.CLOSED, closed_on__isnull=False).values_list(
        "pk", "kind", "closed_on", "child_id", "child__family_id"
    )
    for pk, kind, closed_on, child_id, family_id in closed.iterator():
        due = due_on(kind, closed_on)
        if due <= on:
            wanted[pk] = Wanted(due_on=due, family_id=family_id, child_id=child_id)
    return flags_sync(kind=Flag.Kind.RETENTION_DUE, model=Case, wanted=wanted, by=by)


STEPS = [("retention_flags", retention_flags)]
