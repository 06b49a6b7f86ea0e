"""Run the benchmarks of docs/performance.md against the current database:
each times a workload and its baseline in this process, interleaved after a
warm-up, and prints the medians and the median ratio (the figure that
counts on a shared, noisy machine)."""

import json
import platform
import traceback
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from benchmarks import core, indexes
from benchmarks.registry import BENCHMARKS
from yos.lib.audit import system_user


@dataclass
class Context:
    repeat: int
    anchor: object
    system: object
    letters: int = 200
    pack_letters: int = 500
    letter_repeat: int = 3
    users: int = 20
    duration: int = 60
    threads: int = 4
    with_letters_in_rerun: bool = False


class Command(BaseCommand):
    help = "Benchmark workloads against same-run baselines (see docs/performance.md)."

    def add_arguments(self, parser):
        parser.add_argument("--only", help="comma-separated names: " + ", ".join(BENCHMARKS))
        parser.add_argument("--skip", help="comma-separated names to leave out")
        parser.add_argument("--repeat", type=int, default=5, help="timed rounds (default 5)")
        parser.add_argument("--json", dest="json_file", help="also write the results here")
        parser.add_argument("--anchor", help="YYYY-MM-DD the data set was seeded for")
        parser.add_argument("--letters", type=int, default=200)
        parser.add_argument(
            "--pack-letters", type=int, default=500, help="letters in the print-pack benchmark"
        )
        parser.add_argument("--load-seconds", type=int, default=60)
        parser.add_argument("--load-users", type=int, default=20)
        parser.add_argument(
            "--with-indexes",
            action="store_true",
            help="first create the recommended indexes by hand (PostgreSQL)",
        )
        parser.add_argument(
            "--drop-indexes",
            action="store_true",
            help="first drop the recommended indexes made by --with-indexes",
        )

    def handle(self, *args, **options):
        names = list(BENCHMARKS)
        if options["only"]:
            names = [n.strip() for n in options["only"].split(",") if n.strip()]
        if options["skip"]:
            names = [n for n in names if n not in options["skip"].split(",")]
        unknown = [n for n in names if n not in BENCHMARKS]
        if unknown:
            raise CommandError(f"No such benchmark: {', '.join(unknown)}")
        if options["repeat"] < 1:
            raise CommandError("Enter a number of rounds of 1 or more")
        if options["with_indexes"] or options["drop_indexes"]:
            if connection.vendor != "postgresql":
                raise CommandError("--with-indexes and --drop-indexes need PostgreSQL")
            (indexes.create if options["with_indexes"] else indexes.drop)(log=self.stdout.write)
        # Production shape: no per-query debug log (queries are counted by an
        # execute wrapper, see benchmarks.core.record).
        debug, settings.DEBUG = settings.DEBUG, False
        try:
            self.run_benchmarks(names, options)
        finally:
            settings.DEBUG = debug

    def run_benchmarks(self, names, options):

        anchor = (
            date.fromisoformat(options["anchor"]) if options["anchor"] else timezone.localdate()
        )
        ctx = Context(
            repeat=options["repeat"],
            anchor=anchor,
            system=system_user(),
            letters=options["letters"],
            pack_letters=options["pack_letters"],
            letter_repeat=min(3, options["repeat"]),
            users=options["load_users"],
            duration=options["load_seconds"],
        )
        from cases.models import Child

        header = {
            "database": connection.vendor + ":" + str(connection.settings_dict["NAME"]),
            "children": f"{Child.objects.count():,}",
            "repeat": ctx.repeat,
            "python": platform.python_version(),
            "at": timezone.now().strftime("%Y-%m-%d %H:%M"),
        }
        results = []
        for name in names:
            self.stderr.write(f"running {name}…")
            try:
                result = BENCHMARKS[name](ctx)
            except Exception as error:  # noqa: BLE001 - report and go on
                result = core.Result(name, "-", "-", "-")
                result.skipped = f"failed: {type(error).__name__}: {error}"
                self.stderr.write(traceback.format_exc())
            result.decide()
            results.append(result)
            self.stderr.write(f"  {name}: ratio {result.ratio} met {result.met}")
        self.stdout.write(core.render(results, header))
        if options["json_file"]:
            with open(options["json_file"], "w") as f:
                json.dump(
                    {"header": header, "results": [r.as_dict() for r in results]},
                    f, indent=2, default=str,
                )  # fmt: skip
