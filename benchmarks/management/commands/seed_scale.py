"""Load the scale data set: N invented children with their families, adults,
cases, sessions, parenting orders, contracts, victims and history (see
benchmarks/seed.py and docs/performance.md). Fast on PostgreSQL (COPY and
set-based history); on SQLite it works for small N (tests)."""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from benchmarks import seed as scale


class Command(BaseCommand):
    help = "Load a national-size invented data set (deterministic for a given --seed)."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, required=True, help="number of children")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--anchor", help="YYYY-MM-DD the dates are relative to (default: today)"
        )

    def handle(self, *args, **options):
        n = options["children"]
        if n < 1:
            raise CommandError("Enter a number of children of 1 or more")
        anchor = None
        if options["anchor"]:
            try:
                anchor = date.fromisoformat(options["anchor"])
            except ValueError:
                raise CommandError("Enter the anchor date as YYYY-MM-DD") from None
        start = time.monotonic()
        self.stdout.write(f"Loading {n:,} children (seed {options['seed']})")
        counts = scale.seed(n, seed=options["seed"], anchor=anchor, log=self.stdout.write)
        total = sum(counts.values())
        self.stdout.write(f"Loaded {total:,} rows in {time.monotonic() - start:.1f}s")
