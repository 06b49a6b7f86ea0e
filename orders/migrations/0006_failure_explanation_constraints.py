from django.db import migrations, models


class Migration(migrations.Migration):
    """The explanation-step constraints, once 0005 has moved the existing failures."""

    dependencies = [
        ("orders", "0005_existing_failures_and_conditions"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='failuretocomply',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('explanation_on__isnull', True), ('explanation_status', 'not_asked')), models.Q(models.Q(('explanation_status', 'not_asked'), _negated=True), ('explanation_on__isnull', False)), _connector='OR'), name='failure_explanation_step_dated', violation_error_message='Enter the date the parent was asked, contact was tried, or the explanation was given'),
        ),
        migrations.AddConstraint(
            model_name='failuretocomply',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('explanation_status', 'given'), models.Q(('excuse', ''), _negated=True)), models.Q(models.Q(('explanation_status', 'given'), _negated=True), ('excuse', '')), _connector='OR'), name='failure_excuse_decided_on_explanation', violation_error_message='A reasonable excuse can only be decided once the parent has given an explanation'),
        ),
        migrations.AddConstraint(
            model_name='failuretocomply',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('excuse', ''), ('excuse_decided_at__isnull', True), ('excuse_decided_by__isnull', True)), models.Q(models.Q(('excuse', ''), _negated=True), ('excuse_decided_at__isnull', False), ('excuse_decided_by__isnull', False)), _connector='OR'), name='failure_excuse_decision_recorded', violation_error_message='Select whether the explanation was accepted as a reasonable excuse'),
        ),
        migrations.AddConstraint(
            model_name='failuretocomply',
            constraint=models.CheckConstraint(condition=models.Q(('condition__isnull', True), ('kind', 'condition'), _connector='OR'), name='failure_condition_only_for_condition', violation_error_message='A condition can only be named for a failure to comply with a condition'),
        ),
    ]
