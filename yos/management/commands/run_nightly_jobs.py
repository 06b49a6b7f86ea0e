"""Run the nightly jobs now, for today or a given date: the same functions the
Celery beat task runs. Exits with status 1 when a step failed."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yos import jobs


def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"Enter the date as YYYY-MM-DD, for example 2026-11-25 (got {value!r})"
        ) from None


class Command(BaseCommand):
    help = "Run the nightly jobs (flags and letters) for a date; safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today, Europe/London)")
        parser.add_argument(
            "--step", action="append", dest="steps", help="run only this step (repeatable)"
        )
        parser.add_argument("--list", action="store_true", help="list the steps and exit")

    def handle(self, *args, **options):
        names = [name for name, _ in jobs.steps()]
        if options["list"]:
            for name in names:
                self.stdout.write(name)
            return
        unknown = sorted(set(options["steps"] or []) - set(names))
        if unknown:
            raise CommandError(f"No such step: {', '.join(unknown)}. Steps: {', '.join(names)}")
        run_date = parse_date(options["date"]) if options["date"] else timezone.localdate()
        run = jobs.run_nightly_jobs(run_date, only=options["steps"])
        for step, counts in run.counts.items():
            self.stdout.write(f"{step}: {counts}")
        self.stdout.write(f"Job run {run.pk} for {run_date}: {run.get_status_display()}")
        if run.status == run.Status.FAILED:
            self.stderr.write(run.errors)
            raise CommandError("One or more steps failed; see the job run's errors.")
