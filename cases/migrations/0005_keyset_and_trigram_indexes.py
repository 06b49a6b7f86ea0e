"""Indexes for find a child at national scale (docs/performance.md §4.2):
pg_trgm and a trigram GIN index on the full name (PostgreSQL only: SQLite has
neither), the keyset index by name and the open-cases index of a page."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations, models
from django.db.models import Value
from django.db.models.functions import Concat

TRIGRAM_INDEX = "child_full_name_trgm"


def full_name_trigram_index() -> GinIndex:
    # The same expression as cases.selectors.FULL_NAME: PostgreSQL uses an
    # expression index only for a query expression of exactly the same tree.
    return GinIndex(
        OpClass(Concat("first_name", Value(" "), "last_name"), name="gin_trgm_ops"),
        name=TRIGRAM_INDEX,
    )


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    child = apps.get_model("cases", "Child")
    sql = str(full_name_trigram_index().create_sql(child, schema_editor))
    # IF NOT EXISTS: a database where `bench --with-indexes` made it already.
    schema_editor.execute(sql.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other databases' objects may use it.
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_sen_notes_label"),
        ("yos", "0006_kpi_events"),
    ]

    operations = [
        migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False),
        migrations.RemoveIndex(
            model_name="child",
            name="cases_child_last_na_6bcacc_idx",
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["child", "status"], name="case_child_status"),
        ),
        migrations.AddIndex(
            model_name="child",
            index=models.Index(fields=["last_name", "first_name", "id"], name="child_name_keyset"),
        ),
    ]
