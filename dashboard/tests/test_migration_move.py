"""The KPI events moved from the yos app to the dashboard app (issue 15).

A database that already holds end-of-order outcomes, needs screenings, their
audit history, their content types and what points at those (a permission,
an access-log row) is migrated from before the move to after it; every row is
found again, unchanged, under the new app.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cases.tests.factories import CaseFactory
from dashboard.models import NeedKind, NeedsScreening, OrderEndOutcome
from yos.models import AccessLog
from yos.tests.factories import UserFactory

# Unapplying the dashboard app unapplies yos's half of the move with it.
BEFORE = [("dashboard", None)]
LAST_BEFORE = [("yos", "0011_letter_lifecycle")]


def _migrate(targets, state_at):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(state_at).apps


@pytest.mark.django_db(transaction=True)
def test_rows_history_and_content_types_survive_the_move():
    case = CaseFactory()
    user = UserFactory(username="recorder")
    old = _migrate(BEFORE, LAST_BEFORE)
    tables = connection.introspection.table_names()
    assert "yos_orderendoutcome" in tables and "dashboard_orderendoutcome" not in tables

    outcome_model = old.get_model("yos", "OrderEndOutcome")
    screening_model = old.get_model("yos", "NeedsScreening")
    now = timezone.now()
    outcome = outcome_model.objects.create(
        case_id=case.pk,
        recorded_on=dt.date(2026, 3, 2),
        accommodation_suitable=True,
        ete_suitable=False,
        ete_hours=12,
        notes="Living with an aunt.",
        recorded_by_id=user.pk,
    )
    screening = screening_model.objects.create(
        case_id=case.pk,
        need=NeedKind.MENTAL_HEALTH,
        screened_on=dt.date(2026, 2, 1),
        identified=True,
        support_offered=True,
        attending=False,
        recorded_by_id=user.pk,
    )
    for name, row, fields in (
        (
            "HistoricalOrderEndOutcome",
            outcome,
            ["recorded_on", "accommodation_suitable", "ete_suitable", "ete_hours", "notes"],
        ),
        (
            "HistoricalNeedsScreening",
            screening,
            ["need", "screened_on", "identified", "support_offered", "attending", "notes"],
        ),
    ):
        old.get_model("yos", name).objects.create(
            id=row.pk,
            created_at=now,
            updated_at=now,
            version=1,
            case_id=case.pk,
            recorded_by_id=user.pk,
            history_date=now,
            history_type="+",
            history_user_id=user.pk,
            history_change_reason="recorded before the move",
            **{f: getattr(row, f) for f in fields},
        )
    outcome_type = ContentType.objects.get_or_create(app_label="yos", model="orderendoutcome")[0]
    screening_type = ContentType.objects.get_or_create(app_label="yos", model="needsscreening")[0]
    permission = Permission.objects.get_or_create(
        content_type=outcome_type,
        codename="view_orderendoutcome",
        defaults={"name": "Can view order end outcome"},
    )[0]
    read = AccessLog.objects.create(user=user, content_type=screening_type, object_id=screening.pk)

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    _migrate(latest, latest)

    tables = connection.introspection.table_names()
    assert "dashboard_orderendoutcome" in tables and "yos_orderendoutcome" not in tables
    assert "dashboard_historicalneedsscreening" in tables
    moved = OrderEndOutcome.objects.get(pk=outcome.pk)
    assert (moved.case_id, moved.recorded_on, moved.ete_hours, moved.notes) == (
        case.pk,
        dt.date(2026, 3, 2),
        12,
        "Living with an aunt.",
    )
    assert moved.accommodation_suitable is True and moved.ete_suitable is False
    moved_screening = NeedsScreening.objects.get(pk=screening.pk)
    assert (moved_screening.need, moved_screening.identified, moved_screening.support_offered) == (
        NeedKind.MENTAL_HEALTH,
        True,
        True,
    )
    history = moved.history.get()
    assert (history.history_user_id, history.history_change_reason) == (
        user.pk,
        "recorded before the move",
    )
    assert moved_screening.history.get().screened_on == dt.date(2026, 2, 1)

    outcome_type.refresh_from_db()
    assert outcome_type.app_label == "dashboard"
    assert ContentType.objects.get_for_model(OrderEndOutcome).pk == outcome_type.pk
    assert not ContentType.objects.filter(app_label="yos", model="orderendoutcome").exists()
    permission.refresh_from_db()
    assert permission.content_type_id == outcome_type.pk
    read.refresh_from_db()
    assert read.subject == moved_screening

    # the app keeps writing: a correction is a new row, audited as before
    OrderEndOutcome.objects.create(
        case=case,
        recorded_on=dt.date(2026, 3, 9),
        accommodation_suitable=True,
        ete_suitable=True,
        recorded_by=user,
    )
    assert OrderEndOutcome.history.count() == 2
