"""Retention flags (SECURITY.md check 32): closed cases past the retention
period of their class, seeded at the limit minus one day and plus one day,
are flagged RETENTION_DUE exactly; nothing is deleted; a rerun changes nothing.

SECURITY.md: "Retention: no national youth-justice schedule exists; councils
publish their own (one publishes 3 years for out-of-court disposals and
referral orders, 5 years for statutory court orders). Make retention periods
settings, per record class, with the defaults documented as such."
"""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta

from cases.models import Case, CaseKind, CaseStatus
from cases.tests.factories import CaseFactory
from yos.lib.audit import SYSTEM_USERNAME
from yos.models import Flag
from yos.retention import retention_flags

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 11, 25)


def _closed(kind, closed_on):
    return CaseFactory(
        kind=kind,
        status=CaseStatus.CLOSED,
        referred_on=dt.date(2015, 1, 1),
        opened_on=dt.date(2015, 1, 2),
        offence_date=None,
        closed_on=closed_on,
        closure_reason="Completed",
    )


@pytest.mark.parametrize(
    ("kind", "years"),
    [
        (CaseKind.YOUTH_CAUTION, 3),
        (CaseKind.REFERRAL_ORDER, 3),
        (CaseKind.YRO, 5),
        (CaseKind.DTO, 5),
        (CaseKind.PREVENTION, 3),
    ],
)
def test_a_closed_case_is_flagged_on_the_day_its_retention_period_ends(kind, years):
    limit = ON - relativedelta(years=years)
    not_yet = _closed(kind, limit + dt.timedelta(days=1))
    due = _closed(kind, limit - dt.timedelta(days=1))
    on_the_day = _closed(kind, limit)
    counts = retention_flags(ON)
    flagged = set(
        Flag.objects.filter(kind=Flag.Kind.RETENTION_DUE, resolved_at__isnull=True).values_list(
            "object_id", flat=True
        )
    )
    assert flagged == {due.pk, on_the_day.pk}
    assert not_yet.pk not in flagged
    assert counts["raised"] == 2
    assert Case.objects.count() == 3  # flags only: nothing deleted


def test_the_periods_come_from_settings(settings):
    settings.RETENTION_YEARS = {**settings.RETENTION_YEARS, "court_order": 10}
    case = _closed(CaseKind.YRO, ON - relativedelta(years=6))
    retention_flags(ON)
    assert not Flag.objects.filter(object_id=case.pk, kind=Flag.Kind.RETENTION_DUE).exists()


def test_a_rerun_changes_nothing_and_every_flag_has_history_by_the_system_user():
    _closed(CaseKind.REFERRAL_ORDER, dt.date(2020, 1, 1))
    open_case = CaseFactory()  # open cases are never due
    first = retention_flags(ON)
    second = retention_flags(ON)
    assert (first["raised"], second["raised"], second["resolved"]) == (1, 0, 0)
    flag = Flag.objects.get(kind=Flag.Kind.RETENTION_DUE)
    assert flag.object_id != open_case.pk
    assert flag.due_on == dt.date(2023, 1, 1)
    assert [h.history_user.username for h in flag.history.all()] == [SYSTEM_USERNAME]


def test_a_reopened_case_resolves_its_flag():
    case = _closed(CaseKind.REFERRAL_ORDER, dt.date(2020, 1, 1))
    retention_flags(ON)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.OPEN, closed_on=None)
    counts = retention_flags(ON)
    assert counts["resolved"] == 1
    assert not Flag.objects.filter(resolved_at__isnull=True, kind=Flag.Kind.RETENTION_DUE).exists()


def test_the_nightly_runner_includes_the_retention_step():
    from yos.jobs import steps

    assert ("yos.retention_flags", retention_flags) in steps()


@pytest.mark.parametrize(
    ("on", "flagged"), [(dt.date(2027, 2, 27), False), (dt.date(2027, 2, 28), True)]
)
def test_a_case_closed_on_29_february_is_due_on_28_february_as_relativedelta_counts(on, flagged):
    """The due date is worked out in the database (set-based), the same on
    PostgreSQL and SQLite as in Python: 29 February 2024 + 3 years."""
    case = _closed(CaseKind.REFERRAL_ORDER, dt.date(2024, 2, 29))
    retention_flags(on)
    flag = Flag.objects.filter(object_id=case.pk, kind=Flag.Kind.RETENTION_DUE).first()
    assert (flag is not None) is flagged
    if flag is not None:
        assert flag.due_on == dt.date(2024, 2, 29) + relativedelta(years=3) == dt.date(2027, 2, 28)
