"""Real warning letters through the nightly step, against bare weasyprint."""

from __future__ import annotations

import tempfile

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from benchmarks.core import Result, compare, rss_mb


class Rollback(Exception):
    pass


def letters(ctx) -> Result:
    n = ctx.letters
    r = Result(
        "letters",
        f"{n} real order warning letters (orders.jobs.warning_letters), one process",
        f"a bare one-line weasyprint render x{n}",
        "<= 3x, >= 10 letters/s per core, memory growth < 50 MB; a rerun issues 0",
        max_ratio=3.0,
    )
    try:
        from orders import jobs as order_jobs
        from orders.models import Excuse, FailureKind, FailureToComply, ParentingOrder
    except ImportError:
        r.skipped = "orders.jobs not there yet"
        return r
    from weasyprint import HTML

    from yos.letters import postal_address, residents

    # Orders in force with a parent a letter may be addressed to (their own
    # address, or the child's where they live with the child): a letter to
    # anyone else is held, not rendered (docs/domain-letters.md).
    candidates = list(
        order_jobs.orders_in_force(ctx.anchor)
        .filter(pk__in=ParentingOrder.objects.filter(made_on__lt=ctx.anchor).values("pk"))
        .select_related("child__family")
        .order_by("id")
        .prefetch_related("parents")[: n * 4]
    )
    living_with = residents((p.pk, o.child_id) for o in candidates for p in o.parents.all())
    recipient = {}
    for o in candidates:
        for p in o.parents.all():
            if postal_address(p, o.child, resident=(p.pk, o.child_id) in living_with):
                recipient[o.pk] = p
                break
    orders = [o for o in candidates if o.pk in recipient][:n]
    if not orders:
        r.skipped = "no order in force with a parent who has an address"
        return r
    by = ctx.system
    outcome = {}

    def issue():
        try:
            with transaction.atomic():
                now = timezone.now()
                FailureToComply.objects.bulk_create(
                    FailureToComply(
                        order=o,
                        kind=FailureKind.COUNSELLING,
                        parent=recipient[o.pk],
                        occurred_on=ctx.anchor,  # within LETTER_DUE_WITHIN_DAYS
                        description="Did not attend the counselling session",
                        explanation_status="given",
                        explanation_on=ctx.anchor,
                        explanation="you were unwell",
                        excuse=Excuse.NOT_ACCEPTED,
                        excuse_decided_by=by,
                        excuse_decided_at=now,
                    )
                    for o in orders
                )
                outcome["first"] = order_jobs.warning_letters(ctx.anchor, by=by)
                outcome["rerun"] = order_jobs.warning_letters(ctx.anchor, by=by)
                raise Rollback
        except Rollback:
            pass

    growth = []

    def measured_issue():
        # RSS is read around the workload only: the baseline's bare renders
        # (each with a new font configuration) grow the process by themselves,
        # and they run interleaved with it.
        before = rss_mb()
        issue()
        growth.append(rss_mb() - before)

    def bare():
        for _ in orders:
            HTML(string="<p>Dear parent, this is a letter.</p>").write_pdf()

    with (
        tempfile.TemporaryDirectory() as media,
        override_settings(MEDIA_ROOT=media, PRIVATE_STORAGE_ROOT=media),
    ):
        issue()  # warm-up: imports, fonts, templates
        bare()
        rss0 = rss_mb()
        compare(r, measured_issue, bare, repeat=ctx.letter_repeat, warmup=0)
        rss1 = rss_mb()
    per_second = len(orders) / r.workload_s
    r.figures["letters per round"] = len(orders)
    r.figures["first run / rerun"] = f"{outcome.get('first')} / {outcome.get('rerun')}"
    r.figures["letters per second (one process, one core)"] = f"{per_second:.1f}"
    r.figures["memory (RSS) after warm-up → after the timed rounds, both sides"] = (
        f"{rss0:.0f} MB → {rss1:.0f} MB"
    )
    letters_growth = sum(growth)
    r.figures["memory growth during the letter rounds only"] = (
        f"{letters_growth:+.1f} MB over {len(growth)} rounds ("
        + ", ".join(f"{g:+.1f}" for g in growth)
        + ")"
    )
    r.checks[">= 10 letters/s"] = (per_second >= 10, f"{per_second:.1f}/s")
    r.checks["memory growth < 50 MB"] = (letters_growth < 50, f"{letters_growth:+.1f} MB")
    issued = (outcome.get("first") or {}).get("issued")
    rerun = (outcome.get("rerun") or {}).get("issued")
    r.checks["every letter issued, a rerun issues 0"] = (
        issued == len(orders) and rerun == 0,
        f"{issued} then {rerun}",
    )
    return r
