"""Fast, generic table loading for the scale data set.

``TableLoader(model)`` works out the model's columns from its concrete fields;
``load(rows)`` takes rows that give only the columns the caller named
(``explicit``) and fills every other column from the field's default (or
"" / False / NULL), so a field another app adds later with a default does not
break the loader. On PostgreSQL rows go in with psycopg 3 ``COPY``; elsewhere
(SQLite, tiny data sets in tests) with ``executemany``.

``copy_history(model, ...)`` writes the django-simple-history rows of rows
already loaded, set-based (``INSERT … SELECT``), with the system user.

The SQL built with f-strings (marked ``nosec B608``) interpolates only table and
column names taken from model metadata; every value is a query parameter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import connection, models

SQLITE_BATCH = 500


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def qn(name: str) -> str:
    return connection.ops.quote_name(name)


class TableLoader:
    def __init__(self, model: type[models.Model], explicit: Sequence[str], *, now: dt.datetime):
        self.model = model
        self.table = model._meta.db_table
        # An auto id the caller does not give is left to its sequence.
        fields = [
            f
            for f in model._meta.concrete_fields
            if not (f.primary_key and f.name not in explicit and f.attname not in explicit)
        ]
        self.columns = [f.column for f in fields]
        by_name = {}
        for f in fields:
            by_name[f.name] = f
            by_name[f.attname] = f
        unknown = [name for name in explicit if name not in by_name]
        if unknown:
            raise ValueError(f"{model._meta.label} has no fields {unknown}")
        self.positions = [self.columns.index(by_name[name].column) for name in explicit]
        given = set(self.positions)
        self.template = [
            None if i in given else self._default(f, now) for i, f in enumerate(fields)
        ]

    @staticmethod
    def _default(f: models.Field, now: dt.datetime):
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return now
        if f.has_default():
            return f.get_default()
        if f.null:
            return None
        if isinstance(f, models.BooleanField):
            return False
        if isinstance(f, (models.CharField, models.TextField)):
            return ""
        if isinstance(f, models.DateTimeField):
            return now
        if isinstance(f, models.DateField):
            return now.date()
        if isinstance(f, (models.IntegerField, models.DecimalField, models.FloatField)):
            return 0
        if isinstance(f, models.JSONField):
            return {}
        raise ValueError(f"seed_scale cannot fill {f.model._meta.label}.{f.name}: give it")

    def _full(self, rows: Iterable[Sequence]):
        template, positions = self.template, self.positions
        for values in rows:
            row = list(template)
            for i, v in zip(positions, values, strict=True):
                row[i] = v
            yield row

    def load(self, rows: Iterable[Sequence]) -> int:
        count = 0
        cols = ", ".join(qn(c) for c in self.columns)
        if is_postgres():
            raw = connection.connection
            with raw.cursor() as cursor:
                with cursor.copy(f"COPY {qn(self.table)} ({cols}) FROM STDIN") as copy:
                    for row in self._full(rows):
                        copy.write_row(row)
                        count += 1
        else:
            marks = ", ".join(["%s"] * len(self.columns))
            sql = f"INSERT INTO {qn(self.table)} ({cols}) VALUES ({marks})"
            batch = []
            with connection.cursor() as cursor:
                for row in self._full(rows):
                    row = [
                        connection.ops.adapt_datetimefield_value(v)
                        if isinstance(v, dt.datetime)
                        else v
                        for v in row
                    ]
                    batch.append(row)
                    if len(batch) >= SQLITE_BATCH:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
        return count


def max_id(model: type[models.Model]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {qn(model._meta.db_table)}")  # nosec B608
        return cursor.fetchone()[0]


def reset_sequences(models_: Iterable[type[models.Model]]) -> None:
    """After loading explicit ids, move each id sequence past the largest id."""
    if not is_postgres():
        return
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _series(n: int) -> str:
    """A derived table k(n) of 1..n, portable between PostgreSQL and SQLite."""
    if is_postgres():
        return f"(SELECT generate_series(1, {int(n)}) AS n)"
    return "(" + " UNION ALL ".join(f"SELECT {i} AS n" for i in range(1, n + 1)) + ")"


def _plus_days(column: str, days_sql: str) -> str:
    if is_postgres():
        return f"{column} + ({days_sql}) * interval '1 day'"
    return f"datetime({column}, '+' || ({days_sql}) || ' days')"


def copy_history(
    model: type[models.Model],
    *,
    user_id: int,
    min_id: int,
    changes: int = 0,
    change_every_days: int = 7,
) -> int:
    """Write the history of model's rows with id > min_id: one "created" row
    each (at created_at) and, with changes=k, k "changed" rows each, k*7 days
    apart, their version counting up from 2 (the current row carries the last).
    Set-based: one INSERT … SELECT per kind of row."""
    history = model.history.model
    base_columns = {f.column for f in model._meta.concrete_fields}
    h_cols, created_sel, changed_sel = [], [], []
    for f in history._meta.concrete_fields:
        c = f.column
        if c == "history_id":
            continue
        h_cols.append(qn(c))
        if c == "history_date":
            created_sel.append("b.created_at")
            changed_sel.append(_plus_days("b.created_at", f"k.n * {int(change_every_days)}"))
        elif c == "history_type":
            created_sel.append("'+'")
            changed_sel.append("'~'")
        elif c == "history_user_id":
            created_sel.append(str(int(user_id)))
            changed_sel.append(str(int(user_id)))
        elif c == "history_change_reason":
            created_sel.append("NULL")
            changed_sel.append("NULL")
        elif c == "version":
            created_sel.append("1")
            changed_sel.append("k.n + 1")
        elif c == "updated_at":
            created_sel.append("b.created_at")
            changed_sel.append(_plus_days("b.created_at", f"k.n * {int(change_every_days)}"))
        elif c in base_columns:
            created_sel.append(f"b.{qn(c)}")
            changed_sel.append(f"b.{qn(c)}")
        else:
            created_sel.append("NULL")
            changed_sel.append("NULL")
    table, h_table = qn(model._meta.db_table), qn(history._meta.db_table)
    cols = ", ".join(h_cols)
    total = 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {h_table} ({cols}) SELECT {', '.join(created_sel)} "  # nosec B608
            f"FROM {table} b WHERE b.id > %s",
            [min_id],
        )
        total += cursor.rowcount
        if changes:
            cursor.execute(
                f"INSERT INTO {h_table} ({cols}) SELECT {', '.join(changed_sel)} "  # nosec B608
                # k outer: one record's rows lie apart, as years of edits leave them
                f"FROM {_series(changes)} k CROSS JOIN {table} b WHERE b.id > %s",
                [min_id],
            )
            total += cursor.rowcount
    return total


def fast_load_settings() -> None:
    """Inside the load's transaction on PostgreSQL: skip the per-row foreign key
    triggers (the data is consistent by construction; needs a superuser, else
    the triggers simply run) and give index builds more memory."""
    if not is_postgres():
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SAVEPOINT fast_load")
        try:
            cursor.execute("SET LOCAL session_replication_role = replica")
        except Exception:
            cursor.execute("ROLLBACK TO SAVEPOINT fast_load")
        else:
            cursor.execute("RELEASE SAVEPOINT fast_load")


def end_fast_load() -> None:
    """Foreign key triggers back on for the rest of the transaction."""
    if not is_postgres():
        return
    with connection.cursor() as cursor:
        cursor.execute("SAVEPOINT fast_load_end")
        try:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        except Exception:
            cursor.execute("ROLLBACK TO SAVEPOINT fast_load_end")
        else:
            cursor.execute("RELEASE SAVEPOINT fast_load_end")
        cursor.execute("SET LOCAL maintenance_work_mem = DEFAULT")


def drop_secondary_indexes(tables: Iterable[str]) -> list[str]:
    """Drop the indexes of tables that back no constraint, returning the SQL that
    recreates them: building an index once after a big COPY is several times
    faster than maintaining it row by row."""
    if not is_postgres():
        return []
    tables = list(tables)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
            """,
            [tables],
        )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f"DROP INDEX {qn(name)}")
    return [definition for _, definition in found]


def create_indexes(definitions: Iterable[str]) -> None:
    with connection.cursor() as cursor:
        for definition in definitions:
            cursor.execute(definition)


def history_m2m_tables(model: type[models.Model]) -> list[str]:
    from django.apps import apps

    if not hasattr(model, "history"):
        return []
    history = model.history.model
    tables = []
    for name in getattr(model, "_history_m2m_fields", []) or []:
        try:
            m2m = apps.get_model(history._meta.app_label, f"{history.__name__}_{name}")
        except LookupError:
            continue
        tables.append(m2m._meta.db_table)
    return tables


def copy_history_m2m(model: type[models.Model], *, min_id: int) -> int:
    """Snapshot rows of the many-to-many fields simple_history keeps for model
    (``_history_m2m_fields``): for each history row of a record with id >
    min_id, the record's current links (set-based)."""
    from django.apps import apps

    history = model.history.model
    total = 0
    for name in getattr(model, "_history_m2m_fields", []) or []:
        through = model._meta.get_field(name).remote_field.through
        try:
            m2m_history = apps.get_model(history._meta.app_label, f"{history.__name__}_{name}")
        except LookupError:
            continue
        through_columns = {f.column for f in through._meta.concrete_fields}
        cols, sel = [], []
        for f in m2m_history._meta.concrete_fields:
            if f.primary_key:
                continue
            cols.append(qn(f.column))
            if f.column == "history_id":
                sel.append("h.history_id")
            elif f.column in through_columns:
                sel.append(f"t.{qn(f.column)}")
            else:
                sel.append("NULL")
        own = through._meta.get_field(model._meta.model_name).column
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {qn(m2m_history._meta.db_table)} ({', '.join(cols)}) "  # nosec B608
                f"SELECT {', '.join(sel)} FROM {qn(history._meta.db_table)} h "
                f"JOIN {qn(through._meta.db_table)} t ON t.{qn(own)} = h.id WHERE h.id > %s",
                [min_id],
            )
            total += cursor.rowcount
    return total
