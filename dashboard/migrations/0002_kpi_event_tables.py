"""The moved tables take the dashboard app's own names (``dashboard_...``), so
the app has no ``db_table`` exceptions: simple-history names a history table
after its model's app and cannot be told otherwise for models that inherit
their history from DomainModel, so keeping the yos names would have meant
keeping them for two tables and not the other two. A rename keeps every row
(ALTER TABLE ... RENAME on PostgreSQL and SQLite)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("dashboard", "0001_move_kpi_events_from_yos"),
        ("yos", "0012_kpi_events_moved_to_dashboard"),
    ]

    operations = [
        migrations.AlterModelTable(name="historicalneedsscreening", table=None),
        migrations.AlterModelTable(name="historicalorderendoutcome", table=None),
        migrations.AlterModelTable(name="needsscreening", table=None),
        migrations.AlterModelTable(name="orderendoutcome", table=None),
        migrations.RenameIndex(
            model_name="needsscreening",
            new_name="dashboard_n_case_id_320b0d_idx",
            old_name="yos_needssc_case_id_4be908_idx",
        ),
        migrations.RenameIndex(
            model_name="orderendoutcome",
            new_name="dashboard_o_case_id_82ddfc_idx",
            old_name="yos_orderen_case_id_64df50_idx",
        ),
    ]
