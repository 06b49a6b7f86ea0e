"""Existing records move to the new shape (orders migration 0005): failures
recorded before explanations were tracked, sessions "missed, without a
reasonable excuse", and free-text conditions. Each change is in the audit."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("_roles")]

BEFORE = [("orders", "0003_nightly_job_indexes")]
AFTER = [("orders", "0006_failure_explanation_constraints")]
MADE = dt.date(2026, 3, 2)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_world(case_manager, parenting_case, parent):
    """Records as they were before 0004, made through the old models."""
    apps = _migrate(BEFORE)
    Order = apps.get_model("orders", "ParentingOrder")
    Session = apps.get_model("orders", "OrderSession")
    Failure = apps.get_model("orders", "FailureToComply")
    order = Order.objects.create(
        case_id=parenting_case.pk,
        child_id=parenting_case.child_id,
        court="Demo Town Youth Court",
        made_on=MADE,
        counselling_ends_on=dt.date(2026, 6, 2),
        basis="cda_1998_s8",
        conditions="Ensure the child is home between 9pm and 7am",
    )
    order.parents.set([parent.pk])
    bare = Order.objects.create(
        case_id=parenting_case.pk,
        child_id=parenting_case.child_id,
        court="Demo Town Youth Court",
        made_on=MADE,
        counselling_ends_on=dt.date(2026, 6, 2),
        basis="cda_1998_s8",
    )
    session = Session.objects.create(
        case_id=parenting_case.pk,
        order=order,
        held_on=dt.date(2026, 3, 9),
        attendance="missed_unexcused",
        recorded_by_id=case_manager.pk,
    )

    def failure(**fields):
        return Failure.objects.create(
            order=order,
            parent_id=parent.pk,
            occurred_on=dt.date(2026, 3, 9),
            description="Did not attend",
            excuse_decided_by_id=case_manager.pk,
            excuse_decided_at=dt.datetime(2026, 3, 12, 10, tzinfo=dt.UTC),
            **fields,
        )

    ids = {
        "decided_before_asking": failure(
            kind="counselling", session=session, excuse="not_accepted"
        ).pk,
        "explained": failure(kind="counselling", explanation="I was ill", excuse="not_accepted").pk,
        "accepted": failure(kind="counselling", excuse="accepted").pk,
        "condition": failure(kind="condition", excuse="not_accepted", explanation="Out late").pk,
        "order": order.pk,
        "bare": bare.pk,
        "session": session.pk,
    }
    yield ids
    _migrate(AFTER)


def test_existing_failures_sessions_and_conditions_migrate_sensibly(old_world):
    """Issue 17: a missed session must not decide "no reasonable excuse" before
    the parent has been asked; seed 000's conditions ("does not visit a
    particular place unsupervised … at home at particular times") become
    structured, the free text kept as an "other" condition."""
    apps = _migrate(AFTER)
    Failure = apps.get_model("orders", "FailureToComply")
    Condition = apps.get_model("orders", "OrderCondition")
    Order = apps.get_model("orders", "ParentingOrder")
    Session = apps.get_model("orders", "OrderSession")

    waiting = Failure.objects.get(pk=old_world["decided_before_asking"])
    assert (waiting.explanation_status, waiting.explanation_on, waiting.excuse) == (
        "not_asked",
        None,
        "",
    )
    assert waiting.excuse_decided_by_id is None

    explained = Failure.objects.get(pk=old_world["explained"])
    assert (explained.explanation_status, explained.explanation_on, explained.excuse) == (
        "given",
        dt.date(2026, 3, 12),
        "not_accepted",
    )
    accepted = Failure.objects.get(pk=old_world["accepted"])
    assert (accepted.explanation_status, accepted.excuse) == ("given", "accepted")

    condition = Condition.objects.get(order_id=old_world["order"])
    assert (condition.kind, condition.details, condition.starts_on, condition.ends_on) == (
        "other",
        "Ensure the child is home between 9pm and 7am",
        MADE,
        dt.date(2027, 3, 2),
    )
    assert Failure.objects.get(pk=old_world["condition"]).condition_id == condition.pk
    assert Order.objects.get(pk=old_world["order"]).conditions == ""
    assert not Condition.objects.filter(order_id=old_world["bare"]).exists()
    assert Session.objects.get(pk=old_world["session"]).attendance == "missed"

    reasons = set(
        apps.get_model("orders", "HistoricalFailureToComply")
        .objects.filter(id=old_world["decided_before_asking"])
        .values_list("history_change_reason", flat=True)
    )
    assert "Explanations are now recorded step by step (issue 17)" in reasons
    assert (
        apps.get_model("orders", "HistoricalOrderCondition")
        .objects.filter(id=condition.pk)
        .exists()
    )
