"""The KPI events now belong to the dashboard app (its 0001 declares them on
the same tables): yos forgets them in its state only, nothing is dropped."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("yos", "0011_letter_lifecycle"),
        ("dashboard", "0001_move_kpi_events_from_yos"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="HistoricalNeedsScreening"),
                migrations.DeleteModel(name="HistoricalOrderEndOutcome"),
                migrations.DeleteModel(name="NeedsScreening"),
                migrations.DeleteModel(name="OrderEndOutcome"),
            ],
            database_operations=[],
        ),
    ]
