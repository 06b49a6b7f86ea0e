"""Time the nightly job on N invented parenting orders (docs/operations.md).

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python scripts/bench_nightly_jobs.py 10000 [--flags-only]

Loads N orders (bulk inserts, no history: bench data only) spread over the
last two years, each with one parent, one or two requirements and, for one
order in twenty, a failure to comply without a reasonable excuse; orders made
more than 13 months ago are closed. Then runs the job twice for today: the
first run raises every flag and renders the letters due, the second is the
steady state (nothing new). Prints the timings and counts. Never point it at a
database you care about.
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yos.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from cases.models import Adult, Case, CaseKind, Child, Family  # noqa: E402
from orders import rules  # noqa: E402
from orders.models import (  # noqa: E402
    Excuse,
    FailureKind,
    FailureToComply,
    OrderRequirement,
    ParentingOrder,
    RequirementKind,
    StatutoryBasis,
)
from yos import jobs  # noqa: E402
from yos.models import Flag, Letter, Team, User  # noqa: E402


def load(n: int, *, seed: int = 1) -> None:
    rng = random.Random(seed)
    today = timezone.localdate()
    team, _ = Team.objects.get_or_create(name="Bench team")
    worker, _ = User.objects.get_or_create(username="bench-worker")
    with transaction.atomic():
        families = Family.objects.bulk_create(
            Family(name=f"Benchfamily{i}", team=team, case_manager=worker) for i in range(n)
        )
        children = Child.objects.bulk_create(
            Child(
                family=f,
                reference=f"B{i:07d}",
                first_name=f"Benchchild{i}",
                last_name=f.name,
                date_of_birth=today - timedelta(days=365 * 14),
            )
            for i, f in enumerate(families)
        )
        adults = Adult.objects.bulk_create(
            Adult(family=f, first_name=f"Benchparent{i}", last_name=f.name, address="1 Bench Row")
            for i, f in enumerate(families)
        )
        made = [today - timedelta(days=rng.randrange(0, 730)) for _ in range(n)]
        cases = Case.objects.bulk_create(
            Case(
                child=c,
                reference=f"Q{i:07d}",
                kind=CaseKind.PARENTING,
                status="open",
                referred_on=made[i] - timedelta(days=14),
                opened_on=made[i],
            )
            for i, c in enumerate(children)
        )
        orders = ParentingOrder.objects.bulk_create(
            ParentingOrder(
                case=cases[i],
                child=children[i],
                court="Bench Youth Court",
                made_on=made[i],
                counselling_ends_on=rules.counselling_ends_on(made[i]),
                basis=StatutoryBasis.CDA_1998_S8,
                closed_on=made[i] + timedelta(days=400) if (today - made[i]).days > 400 else None,
            )
            for i in range(n)
        )
        ParentingOrder.parents.through.objects.bulk_create(
            ParentingOrder.parents.through(parentingorder_id=o.pk, adult_id=a.pk)
            for o, a in zip(orders, adults, strict=True)
        )
        OrderRequirement.objects.bulk_create(
            OrderRequirement(
                order=o,
                kind=RequirementKind.ATTEND_SCHOOL,
                ends_on=o.made_on + timedelta(days=rng.randrange(90, 365)),
            )
            for o in orders
            for _ in range(rng.choice((1, 2)))
        )
        FailureToComply.objects.bulk_create(
            FailureToComply(
                order=o,
                kind=FailureKind.COUNSELLING,
                parent=a,
                occurred_on=o.made_on + timedelta(days=20),
                description="Did not attend a session",
                excuse=Excuse.NOT_ACCEPTED,
                excuse_decided_by=worker,
                excuse_decided_at=timezone.now(),
            )
            for i, (o, a) in enumerate(zip(orders, adults, strict=True))
            if i % 20 == 0
        )


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 10_000
    # --flags-only: time the flag steps alone (no letter rendering).
    only = (
        [s for s, _ in jobs.steps() if s.endswith("flags")] if "--flags-only" in sys.argv else None
    )
    started = time.monotonic()
    load(n)
    print(f"loaded {n:,} orders in {time.monotonic() - started:.1f} s")
    today = timezone.localdate()
    for label in ("first run", "second run"):
        started = time.monotonic()
        run = jobs.run_nightly_jobs(today, only=only)
        took = time.monotonic() - started
        print(f"{label}: {took:.1f} s, {run.status}")
        for step, counts in run.counts.items():
            print(f"  {step}: {counts}")
    print(
        f"open flags {Flag.objects.filter(resolved_at__isnull=True).count():,}, "
        f"letters {Letter.objects.count():,}"
    )


if __name__ == "__main__":
    main()
