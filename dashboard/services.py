"""Writes of the KPI events (dashboard/models.py): each a new record; the
latest for a case is the one the KPIs count."""

from __future__ import annotations

from django.db import transaction

from cases.models import Case
from dashboard.models import NeedsScreening, OrderEndOutcome
from yos.models import User


@transaction.atomic
def order_end_outcome_record(*, case: Case, by: User, **fields) -> OrderEndOutcome:
    outcome = OrderEndOutcome(case=case, recorded_by=by, **fields)
    outcome.full_clean()
    outcome._history_user = by
    outcome.save()
    return outcome


@transaction.atomic
def needs_screening_record(*, case: Case, by: User, **fields) -> NeedsScreening:
    screening = NeedsScreening(case=case, recorded_by=by, **fields)
    screening.full_clean()
    screening._history_user = by
    screening.save()
    return screening
