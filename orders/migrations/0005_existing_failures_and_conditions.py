"""Existing records, moved to the new shape (docs/domain-orders.md, "Migrated
records"); each change is written to the audit with a reason.

1. Failures to comply recorded before explanations were tracked:
   - an explanation recorded → "the parent gave an explanation", dated the day
     the decision was recorded (never before the failure), decision kept;
   - no explanation but the excuse accepted → the same, with no text;
   - no explanation and "no reasonable excuse" → "not asked yet", the
     decision cleared (it was taken before the parent was asked: issue 17),
     so the case manager is shown it waits for an explanation and no new
     warning letter goes out until it is recorded. Letters already sent stay.
2. Sessions "missed, without a reasonable excuse" → "missed" (the failure
   holds the explanation and decision).
3. Free-text conditions → one "other" condition with the text, running from
   the date the order was made to 12 months later; a failure of kind
   "condition" on that order names it. The text column is emptied.
"""

from django.db import migrations
from django.utils import timezone

REASON_FAILURE = "Explanations are now recorded step by step (issue 17)"
REASON_CONDITION = "Conditions are now structured (issue 17)"


def _add_months(day, months):
    from dateutil.relativedelta import relativedelta

    return day + relativedelta(months=months)


def _history(apps, model_name, instance, reason, now):
    """A history row for a change made by this migration (no user: the system)."""
    historical = apps.get_model("orders", f"Historical{model_name}")
    fields = {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}
    historical.objects.create(
        **fields,
        history_date=now,
        history_type="~" if model_name != "OrderCondition" else "+",
        history_change_reason=reason,
        history_user=None,
    )


def forwards(apps, schema_editor):
    FailureToComply = apps.get_model("orders", "FailureToComply")
    OrderSession = apps.get_model("orders", "OrderSession")
    ParentingOrder = apps.get_model("orders", "ParentingOrder")
    OrderCondition = apps.get_model("orders", "OrderCondition")
    now = timezone.now()

    for failure in FailureToComply.objects.filter(explanation_status="not_asked").iterator():
        if failure.explanation.strip() or failure.excuse == "accepted":
            decided = failure.excuse_decided_at
            day = timezone.localdate(decided) if decided else failure.occurred_on
            failure.explanation_status = "given"
            failure.explanation_on = max(day, failure.occurred_on)
        else:
            failure.excuse = ""
            failure.excuse_decided_by_id = None
            failure.excuse_decided_at = None
        failure.save()
        _history(apps, "FailureToComply", failure, REASON_FAILURE, now)

    for session in OrderSession.objects.filter(attendance="missed_unexcused").iterator():
        session.attendance = "missed"
        session.save()
        _history(apps, "OrderSession", session, REASON_FAILURE, now)

    for order in ParentingOrder.objects.exclude(conditions="").iterator():
        condition = OrderCondition.objects.create(
            order=order,
            kind="other",
            details=order.conditions.strip(),
            starts_on=order.made_on,
            ends_on=_add_months(order.made_on, 12),
        )
        _history(apps, "OrderCondition", condition, REASON_CONDITION, now)
        for failure in FailureToComply.objects.filter(
            order=order, kind="condition", condition__isnull=True
        ):
            failure.condition = condition
            failure.save()
            _history(apps, "FailureToComply", failure, REASON_CONDITION, now)
        order.conditions = ""
        order.save()
        _history(apps, "ParentingOrder", order, REASON_CONDITION, now)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0004_explanations_conditions_earlier_order"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
