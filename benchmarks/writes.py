"""Writes with history: single edits, bulk edits, the nightly job."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from simple_history.utils import bulk_update_with_history

from benchmarks.core import Result, compare, count_queries
from yos.lib.versioning import save_if_current

SAVE_EDITS = 1000
BULK_ROWS = 10_000
BATCH = 500


class Rollback(Exception):
    pass


def _orders(n: int) -> list:
    from orders.models import ParentingOrder

    # spread over the table, not the newest rows only
    ids = list(ParentingOrder.objects.order_by("id").values_list("id", flat=True)[: n * 50 : 50])
    if len(ids) < n:
        ids = list(ParentingOrder.objects.order_by("id").values_list("id", flat=True)[:n])
    return ids


def save_history(ctx) -> Result:
    """1,000 single edits of an order, each in its own transaction, through
    save_if_current (the edit form's path: version check, then save with the
    history row), against the same edits with history off."""
    from orders.models import ParentingOrder

    r = Result(
        "save-history",
        f"{SAVE_EDITS} single order edits with history, one transaction each",
        "the same edits with history off",
        "<= 1.6x, exactly one extra query per save",
        max_ratio=1.6,
    )
    ids = _orders(SAVE_EDITS)
    if not ids:
        r.skipped = "no parenting orders"
        return r
    user = ctx.system
    flip = [0]

    def edits(history: bool):
        def run():
            flip[0] += 1
            text = f"Attend the parenting programme weekly ({flip[0] % 2})"
            for pk in ids:
                with transaction.atomic():
                    order = ParentingOrder.objects.get(pk=pk)
                    order.conditions = text
                    if not history:
                        order.skip_history_when_saving = True
                    save_if_current(order, order.version, by=user)

        return run

    compare(r, edits(True), edits(False), repeat=ctx.repeat)
    one = ids[:1]
    saved, ids[:] = list(ids), one
    with_h, _ = count_queries(edits(True))
    without_h, _ = count_queries(edits(False))
    ids[:] = saved
    r.figures["edits"] = len(ids)
    r.figures["queries per save (history / none)"] = f"{with_h} / {without_h}"
    r.figures["saves per second with history"] = f"{len(ids) / r.workload_s:.0f}"
    r.checks["one extra query"] = (with_h - without_h == 1, f"{with_h - without_h} extra")
    return r


def bulk_history(ctx) -> Result:
    """10,000 orders changed with bulk_update_with_history (batches of 500)
    against plain bulk_update of the same rows; both rolled back."""
    from orders.models import ParentingOrder

    r = Result(
        "bulk-history",
        f"{BULK_ROWS:,} orders bulk-updated with history (batch {BATCH})",
        "plain bulk_update of the same rows",
        "<= 2.5x, queries grow with batches not rows",
        max_ratio=2.5,
    )
    ids = _orders(BULK_ROWS)
    if not ids:
        r.skipped = "no parenting orders"
        return r
    orders = list(ParentingOrder.objects.filter(pk__in=ids))
    user = ctx.system

    def change(objs, history: bool):
        def run():
            try:
                with transaction.atomic():
                    for o in objs:
                        o.conditions = "Attend the parenting programme fortnightly"
                    if history:
                        bulk_update_with_history(
                            objs, ParentingOrder, ["conditions"], batch_size=BATCH,
                            default_user=user,
                        )  # fmt: skip
                    else:
                        ParentingOrder.objects.bulk_update(objs, ["conditions"], batch_size=BATCH)
                    raise Rollback
            except Rollback:
                pass

        return run

    compare(r, change(orders, True), change(orders, False), repeat=ctx.repeat)
    half = orders[: max(1, len(orders) // 2)]
    q_all, _ = count_queries(change(orders, True))
    q_half, _ = count_queries(change(half, True))
    q_plain, _ = count_queries(change(orders, False))
    r.figures["rows"] = len(orders)
    r.figures["queries (all rows / half the rows / plain)"] = f"{q_all} / {q_half} / {q_plain}"
    batches = -(-len(orders) // BATCH)
    r.checks["queries grow with batches"] = (
        q_all <= 4 * batches + 4,
        f"{q_all} queries for {batches} batches of {len(orders)} rows",
    )
    r.figures["rows per second with history"] = f"{len(orders) / r.workload_s:,.0f}"
    return r


def nightly_job(ctx) -> Result:
    """The nightly job's flag steps (no letter rendering) for the day after a
    first, untimed run (so only that day's ~0.1% is new), against one
    set-based UPDATE … RETURNING with the same predicates; both rolled back."""
    r = Result(
        "nightly-job",
        "nightly job flag steps for the next day (rolled back)",
        "one UPDATE … RETURNING with the same predicates (rolled back)",
        "<= 3x; a second run creates 0 flags and 0 letters",
        max_ratio=3.0,
    )
    try:
        from orders import jobs as order_jobs
        from yos import jobs
    except ImportError:
        r.skipped = "yos/jobs.py or orders/jobs.py not there yet"
        return r
    from django.conf import settings

    from orders.models import ParentingOrder
    from yos.models import Flag, Letter

    flag_steps = [name for name, _ in jobs.steps() if name.endswith("_flags")]
    if not flag_steps:
        r.skipped = "no flag steps"
        return r
    day0 = ctx.anchor
    day1 = day0 + dt.timedelta(days=1)
    window = settings.FLAG_WARNING_DAYS

    # First run (the backlog): untimed for the ratio, reported.
    flags_before = Flag.objects.count()
    first = count_queries(lambda: jobs.run_nightly_jobs(day0, only=flag_steps))
    r.figures["first run on the anchor date: queries"] = first[0]
    r.figures["open flags after the first run"] = Flag.objects.filter(
        resolved_at__isnull=True
    ).count()
    r.figures["flags raised by the first run"] = Flag.objects.count() - flags_before

    last = {}

    def job():
        try:
            with transaction.atomic():
                run = jobs.run_nightly_jobs(day1, only=flag_steps)
                last["counts"] = run.counts
                raise Rollback
        except Rollback:
            pass

    orders_table = ParentingOrder._meta.db_table
    sql = (
        f"UPDATE {orders_table} SET updated_at = updated_at WHERE closed_on IS NULL AND ("
        " counselling_ends_on <= %s OR EXISTS (SELECT 1 FROM orders_orderrequirement q"
        f" WHERE q.order_id = {orders_table}.id AND q.ends_on <= %s)) RETURNING id"
    )
    returned = {}

    def baseline():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(sql, [day1 + dt.timedelta(days=window)] * 2)
                    returned["n"] = len(cursor.fetchall())
                raise Rollback
        except Rollback:
            pass

    compare(r, job, baseline, repeat=ctx.repeat)
    r.figures["counts of the next day's run"] = last.get("counts")
    raised = sum(
        c.get("raised", 0)
        for step in (last.get("counts") or {}).values()
        if isinstance(step, dict)
        for c in ([step] if "raised" in step else step.values())
        if isinstance(c, dict)
    )
    total_orders = ParentingOrder.objects.count()
    r.figures["flags raised by the next day's run"] = (
        f"{raised} ({100 * raised / max(1, total_orders):.3f}% of {total_orders:,} orders)"
    )
    r.figures["rows the baseline UPDATE returned"] = returned.get("n")

    # Second run on the same day: nothing new.
    flags_before, letters_before = Flag.objects.count(), Letter.objects.count()
    jobs.run_nightly_jobs(day0, only=None if ctx.with_letters_in_rerun else flag_steps)
    new_flags = Flag.objects.count() - flags_before
    new_letters = Letter.objects.count() - letters_before
    r.checks["second run creates nothing"] = (
        new_flags == 0 and new_letters == 0,
        f"{new_flags} flags, {new_letters} letters",
    )
    _ = order_jobs  # imported to prove the orders steps are there
    return r
