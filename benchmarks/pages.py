"""Pages through Django's test client against the raw SQL of the same queries,
deep pages, name search and the history timeline."""

from __future__ import annotations

import math
import time
from urllib.parse import urlencode

from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from benchmarks.core import Result, compare, record, timed
from benchmarks.loader import is_postgres


def users():
    """The case manager with the most allocated families among the seeded ones,
    and the service-wide supervisor."""
    from django.db.models import Count

    from yos.models import User

    cm = (
        User.objects.filter(username__startswith="scale-cm-")
        .annotate(n=Count("allocated_families"))
        .order_by("-n", "id")
        .first()
    )
    sup = User.objects.filter(username__startswith="scale-sup-", service_wide=True).first()
    return cm, sup


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def capture(client: Client, url: str) -> tuple[int, list, int]:
    """One GET: its status and the queries it sent (sql, params, many)."""
    response = []
    recorder = record(lambda: response.append(client.get(url)))
    queries = recorder.queries
    return response[0].status_code, queries, len(queries)


def run_sql(queries: list) -> None:
    """The same statements, with the same parameters, in one transaction (as
    ATOMIC_REQUESTS runs the view)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            for sql, params, many in queries:
                if many:
                    cursor.executemany(sql, params)
                    continue
                cursor.execute(sql, params)
                if cursor.description:
                    cursor.fetchall()


def view_vs_sql(r: Result, client: Client, url: str, repeat: int) -> Result:
    """Time GET url against re-running the exact SQL it sent (captured once)."""
    status, sqls, n = capture(client, url)
    r.figures["url"] = url
    r.figures["status"] = status
    r.figures["queries"] = n
    if status != 200:
        r.checks["page answers 200"] = (False, f"status {status}")
        return r

    def view():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    compare(r, view, lambda: run_sql(sqls), repeat=repeat)
    slowest = []
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params, many in sqls:
            if many:
                continue
            start = time.perf_counter()
            cursor.execute(sql, params)
            if cursor.description:
                cursor.fetchall()
            slowest.append((time.perf_counter() - start, sql))
    slowest.sort(reverse=True)
    if slowest:
        t, sql = slowest[0]
        r.figures["slowest query"] = f"{t * 1000:.1f} ms: {sql[:160]}…"
    return r


def no_second_factor():
    """The benchmarks measure pages, not sign-in: the supervisor's second
    factor is switched off for the in-process client."""
    return override_settings(OTP_REQUIRED_ROLES=[])


def case_list(ctx) -> Result:
    r = Result(
        "case-list",
        "find-a-child list (case manager, own team) through the test client",
        "the raw SQL of the same queries",
        "<= 2.5x; query count constant in data size",
        max_ratio=2.5,
    )
    cm, _ = users()
    if cm is None:
        r.skipped = "no seeded case manager (run seed_scale)"
        return r
    return view_vs_sql(r, client_for(cm), reverse("cases:find-child"), ctx.repeat)


def case_list_national(ctx) -> Result:
    r = Result(
        "case-list-all",
        "find-a-child list, service-wide supervisor (every child)",
        "the raw SQL of the same queries",
        "<= 2.5x; query count constant in data size",
        max_ratio=2.5,
    )
    _, sup = users()
    if sup is None:
        r.skipped = "no service-wide supervisor"
        return r
    with no_second_factor():
        return view_vs_sql(r, client_for(sup), reverse("cases:find-child"), ctx.repeat)


def child_page(ctx) -> Result:
    from cases.models import Child

    r = Result(
        "child-page",
        "child page (case manager) through the test client",
        "the raw SQL of the same queries",
        "<= 2.5x; <= 10 queries; constant in data size",
        max_ratio=2.5,
    )
    cm, _ = users()
    child = Child.objects.filter(family__case_manager=cm).order_by("id").first() if cm else None
    if child is None:
        r.skipped = "no seeded child"
        return r
    view_vs_sql(r, client_for(cm), reverse("cases:child-detail", args=[child.pk]), ctx.repeat)
    n = r.figures.get("queries", 0)
    r.checks["at most 10 queries"] = (n <= 10, f"{n} queries")
    return r


def dashboard(ctx) -> Result:
    r = Result(
        "dashboard",
        "home page with every app's panels (case manager)",
        "the raw SQL of the same queries",
        "<= 2.5x; query count constant in data size",
        max_ratio=2.5,
    )
    cm, _ = users()
    if cm is None:
        r.skipped = "no seeded case manager"
        return r
    return view_vs_sql(r, client_for(cm), reverse("home"), ctx.repeat)


def deep_page(ctx) -> Result:
    from cases.models import Child

    r = Result(
        "deep-page",
        "find-a-child page 5,000 (service-wide supervisor)",
        "page 1 of the same list",
        "<= 1.5x (keyset pagination; no exact COUNT(*) over millions)",
        max_ratio=1.5,
    )
    _, sup = users()
    if sup is None:
        r.skipped = "no service-wide supervisor"
        return r
    per_page = 50
    pages = max(1, math.ceil(Child.objects.count() / per_page))
    deep = min(5000, pages)
    url = reverse("cases:find-child")
    with no_second_factor():
        client = client_for(sup)

        # Keyset pages: page N is reached by the cursor of the last row of page
        # N-1 (found once here, outside the timing, with an OFFSET).
        from cases.selectors import encode_cursor

        last_before = Child.objects.order_by("last_name", "first_name", "id")[
            (deep - 1) * per_page - 1 if deep > 1 else 0
        ]
        deep_url = f"{url}?{urlencode({'after': encode_cursor(last_before, 'name')})}"

        def get(target):
            def run():
                response = client.get(target)
                assert response.status_code == 200, response.status_code

            return run

        status, sqls, n = capture(client, deep_url)
        compare(r, get(deep_url), get(url), repeat=ctx.repeat)
    r.figures["page"] = f"{deep} of {pages}"
    r.figures["queries"] = n
    counts = [s for s, _, _ in sqls if "COUNT(" in s.upper()]
    r.figures["COUNT queries"] = len(counts)
    r.checks["no exact COUNT(*) over the whole list"] = (
        not counts,
        f"{len(counts)} COUNT queries" + (f": {counts[0][:120]}…" if counts else ""),
    )
    return r


def name_search(ctx) -> Result:
    from cases.models import Child

    r = Result(
        "name-search",
        'find-a-child search for "Jonh Smth" (service-wide supervisor)',
        "the bare trigram SQL",
        "SQL < 50 ms, view <= 2x",
        max_ratio=2.0,
    )
    if not is_postgres():
        r.skipped = "pg_trgm needs PostgreSQL"
        return r
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if not cursor.fetchone():
            r.skipped = "pg_trgm extension not installed in this database"
            return r
    _, sup = users()
    if sup is None:
        r.skipped = "no service-wide supervisor"
        return r
    from benchmarks.indexes import trigram_search_sql

    sql, params = trigram_search_sql("Jonh Smth")

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    url = reverse("cases:find-child") + "?" + urlencode({"q": "Jonh Smth"})
    with no_second_factor():
        client = client_for(sup)

        def view():
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            return response

        from cases import selectors

        found_view = selectors.child_search(sup, selectors.ChildSearch(text="Jonh Smth")).count()
        compare(r, view, bare, repeat=ctx.repeat)
    found_sql = bare()
    r.figures["children the view finds"] = found_view
    r.figures["children the trigram SQL finds (top 50)"] = len(found_sql)
    if found_sql:
        r.figures["best trigram match"] = " ".join(
            str(x) for x in Child.objects.filter(pk=found_sql[0][0]).values_list(
                "first_name", "last_name").first()
        )  # fmt: skip
    r.figures["trigram SQL plan"] = explain(sql, params, brief=True)
    r.checks["SQL under 50 ms"] = (r.baseline_s < 0.05, f"{r.baseline_s * 1000:.1f} ms")
    return r


def explain(sql: str, params, *, brief: bool = False) -> str:
    if not is_postgres():
        return "-"
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
    if brief:
        return " | ".join(line.strip() for line in lines if "Scan" in line or "Limit" in line)
    return "\n".join(lines)


def history_timeline(ctx) -> Result:
    from orders.models import ParentingOrder

    r = Result(
        "history-timeline",
        "last 50 history rows of one order (ORM)",
        "its raw SQL",
        "SQL < 5 ms, no sequential scan of a history table",
        max_ratio=None,
    )
    order = ParentingOrder.objects.order_by("id")[ParentingOrder.objects.count() // 2 :].first()
    if order is None:
        r.skipped = "no parenting orders"
        return r
    History = ParentingOrder.history.model
    qs = History.objects.filter(id=order.pk).order_by("-history_date", "-history_id")[:50]
    sql, params = qs.query.sql_with_params()

    def orm():
        return list(qs.all())

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    compare(r, orm, raw, repeat=max(ctx.repeat, 20))
    r.figures["history rows in the table"] = f"{History.objects.count():,}"
    plan = explain(sql, params)
    r.figures["plan"] = plan.replace("\n", " | ")
    r.checks["SQL under 5 ms"] = (r.baseline_s < 0.005, f"{r.baseline_s * 1000:.2f} ms")
    if is_postgres():
        r.checks["no sequential scan"] = ("Seq Scan" not in plan, "EXPLAIN")
    _ = timed
    return r
