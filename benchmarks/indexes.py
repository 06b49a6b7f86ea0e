"""The indexes this benchmark recommends to the owning apps, as Django index
objects (what their models' Meta.indexes should carry), and a way to create
them by hand in a benchmark database to measure their effect
(``bench --with-indexes``; ``bench --drop-indexes`` removes them).

They are never created by a migration here: the owning apps add them to their
models (see docs/performance.md).
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import connection, models
from django.db.models import Q, Value
from django.db.models.functions import Concat

# The full-name expression the trigram index covers; the search must use the same.
# (as Django renders Concat("first_name", Value(" "), "last_name") on PostgreSQL:
# PostgreSQL matches an index expression by its tree, so a || (b || c) it must be).
FULL_NAME_SQL = (
    "(COALESCE(first_name, '') || COALESCE((COALESCE(' ', '') || COALESCE(last_name, '')), ''))"
)


def recommended() -> dict[str, list[models.Index]]:
    return {
        "cases.Child": [
            GinIndex(
                OpClass(Concat("first_name", Value(" "), "last_name"), name="gin_trgm_ops"),
                name="child_full_name_trgm",
            ),
            models.Index(fields=["last_name", "first_name", "id"], name="child_name_keyset"),
        ],
        "cases.Case": [
            models.Index(fields=["child", "status"], name="case_child_status"),
        ],
        "orders.ParentingOrder": [
            models.Index(
                fields=["counselling_ends_on"],
                condition=Q(closed_on__isnull=True),
                name="order_open_counselling_end",
            ),
        ],
        "orders.OrderRequirement": [
            models.Index(fields=["ends_on", "order"], name="requirement_ends_on"),
        ],
    }


def _each():
    for label, indexes in recommended().items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        for index in indexes:
            yield model, index


def existing_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        return {row[0] for row in cursor.fetchall()}


def register_opclass_wrapper() -> None:
    """What django.contrib.postgres's AppConfig.ready() does: without it (the
    app is not in INSTALLED_APPS) an OpClass index expression is wrapped in
    one pair of parentheses too many and PostgreSQL refuses it."""
    from django.db.models import OrderBy
    from django.db.models.functions import Collate
    from django.db.models.indexes import IndexExpression

    IndexExpression.register_wrappers(OrderBy, OpClass, Collate)


def create(log=print) -> None:
    """Create the recommended indexes (and pg_trgm) by hand, PostgreSQL only."""
    import time

    register_opclass_wrapper()

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute("SET maintenance_work_mem = '256MB'")
    have = existing_names()
    with connection.schema_editor(atomic=False) as editor:
        for model, index in _each():
            if index.name in have:
                continue
            start = time.monotonic()
            editor.add_index(model, index)
            log(
                f"  created {index.name} on {model._meta.db_table} in {time.monotonic() - start:.1f}s"
            )
    with connection.cursor() as cursor:
        for model, _ in _each():
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def drop(log=print) -> None:
    register_opclass_wrapper()
    have = existing_names()
    with connection.schema_editor(atomic=False) as editor:
        for model, index in _each():
            if index.name in have:
                editor.remove_index(model, index)
                log(f"  dropped {index.name}")


def trigram_search_sql(text: str, limit: int = 50) -> tuple[str, list]:
    """The bare trigram search: children whose full name is similar to text,
    most similar first (uses child_full_name_trgm when it exists)."""
    sql = (
        f"SELECT id, similarity({FULL_NAME_SQL}, %s) AS score FROM cases_child "
        f"WHERE {FULL_NAME_SQL} %% %s ORDER BY score DESC, id LIMIT {int(limit)}"
    )
    return sql, [text, text]
