"""The KPI events move from the yos app to the dashboard app, tables and rows
untouched.

State only: the four models (and their simple-history tables) are declared
here on the tables yos created (``db_table`` kept for this step), and
``yos.0012_kpi_events_moved_to_dashboard`` forgets them in yos's state. No
table is created or dropped, so every row and every history row stays. The
content types move with them (same ids), so permissions, admin log entries and
access-log rows that point at them keep pointing at them.
``0002_kpi_event_tables`` then renames the tables to the app's own names.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MODELS = ["orderendoutcome", "needsscreening", "historicalorderendoutcome", "historicalneedsscreening"]


def move_content_types(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        old = content_type.objects.using(db).filter(app_label="yos", model=model).first()
        if old is None:
            continue
        if content_type.objects.using(db).filter(app_label="dashboard", model=model).exists():
            continue  # made by an earlier post_migrate; the yos one is then stale
        old.app_label = "dashboard"
        old.save(update_fields=["app_label"])


def content_types_back(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    content_type.objects.using(db).filter(app_label="dashboard", model__in=MODELS).update(
        app_label="yos"
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("cases", "0003_case_and_session_invariants"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("yos", "0007_flag_address_needed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[

                migrations.CreateModel(
                    name='HistoricalNeedsScreening',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(blank=True, editable=False)),
                        ('updated_at', models.DateTimeField(blank=True, editable=False)),
                        ('version', models.PositiveIntegerField(default=1, editable=False)),
                        ('need', models.CharField(choices=[('mental_health', 'Mental health or emotional wellbeing'), ('substance_misuse', 'Substance misuse')], max_length=20)),
                        ('screened_on', models.DateField(verbose_name='date screened')),
                        ('identified', models.BooleanField(verbose_name='need identified')),
                        ('support_offered', models.BooleanField(default=False, verbose_name='support offered')),
                        ('attending', models.BooleanField(default=False, verbose_name='attending support')),
                        ('notes', models.TextField(blank=True)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('case', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.case')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'yos_historicalneedsscreening',
                        'verbose_name': 'historical needs screening',
                        'verbose_name_plural': 'historical needs screenings',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalOrderEndOutcome',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(blank=True, editable=False)),
                        ('updated_at', models.DateTimeField(blank=True, editable=False)),
                        ('version', models.PositiveIntegerField(default=1, editable=False)),
                        ('recorded_on', models.DateField(verbose_name='date checked')),
                        ('accommodation_suitable', models.BooleanField(verbose_name='suitable accommodation at the end of the order')),
                        ('ete_suitable', models.BooleanField(verbose_name='suitable education, training or employment at the end of the order')),
                        ('ete_hours', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='hours of education, training or employment a week')),
                        ('notes', models.TextField(blank=True)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('case', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.case')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'yos_historicalorderendoutcome',
                        'verbose_name': 'historical order end outcome',
                        'verbose_name_plural': 'historical order end outcomes',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='NeedsScreening',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('version', models.PositiveIntegerField(default=1, editable=False)),
                        ('need', models.CharField(choices=[('mental_health', 'Mental health or emotional wellbeing'), ('substance_misuse', 'Substance misuse')], max_length=20)),
                        ('screened_on', models.DateField(verbose_name='date screened')),
                        ('identified', models.BooleanField(verbose_name='need identified')),
                        ('support_offered', models.BooleanField(default=False, verbose_name='support offered')),
                        ('attending', models.BooleanField(default=False, verbose_name='attending support')),
                        ('notes', models.TextField(blank=True)),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='screenings', to='cases.case')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'yos_needsscreening',
                        'verbose_name_plural': 'needs screenings',
                        'ordering': ['-screened_on', '-id'],
                        'indexes': [models.Index(fields=['case', 'need', '-screened_on', '-id'], name='yos_needssc_case_id_4be908_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('identified', True), models.Q(('attending', False), ('support_offered', False)), _connector='OR'), name='screening_support_only_for_identified_need'), models.CheckConstraint(condition=models.Q(('attending', False), ('support_offered', True), _connector='OR'), name='screening_attending_needs_offer')],
                    },
                ),
                migrations.CreateModel(
                    name='OrderEndOutcome',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('version', models.PositiveIntegerField(default=1, editable=False)),
                        ('recorded_on', models.DateField(verbose_name='date checked')),
                        ('accommodation_suitable', models.BooleanField(verbose_name='suitable accommodation at the end of the order')),
                        ('ete_suitable', models.BooleanField(verbose_name='suitable education, training or employment at the end of the order')),
                        ('ete_hours', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='hours of education, training or employment a week')),
                        ('notes', models.TextField(blank=True)),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='end_outcomes', to='cases.case')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'yos_orderendoutcome',
                        'ordering': ['-recorded_on', '-id'],
                        'indexes': [models.Index(fields=['case', '-recorded_on', '-id'], name='yos_orderen_case_id_64df50_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('ete_hours__isnull', True), ('ete_hours__lte', 168), _connector='OR'), name='order_end_outcome_hours_in_a_week')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, content_types_back),
    ]
