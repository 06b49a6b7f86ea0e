"""The nightly job runner: every app's nightly steps for one date, recorded.

Each app's ``jobs.py`` lists ``STEPS = [(name, func), ...]`` and registers them
in its ``AppConfig.ready()`` (yos.extensions.register_nightly_steps), where
``func(run_date, *, by) -> dict`` is a plain, set-based, idempotent function.
``run_nightly_jobs(date)`` runs them all:

1. takes the lock (pg_try_advisory_lock on PostgreSQL; on SQLite the partial
   unique constraint "one running JobRun per job"), or records a skipped run;
2. records a JobRun (started, holder) and marks any run a killed process left
   "running" as failed;
3. runs each step in turn, saving its counts as it goes; a step that raises is
   recorded (counts and errors) and the others still run;
4. finishes the JobRun as succeeded or failed, and releases the lock.

Called by the Celery task (yos.tasks), the management command and tests.
"""

from __future__ import annotations

import logging
import os
import socket
import traceback
import zlib
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from yos.extensions import nightly_steps
from yos.lib.audit import system_user
from yos.models import Flag, JobRun

log = logging.getLogger("yos.jobs")

JOB = "nightly"
LOCK_KEY = zlib.crc32(b"yos.nightly-jobs")  # the advisory lock's number
STALE_AFTER = timedelta(hours=2)  # a "running" row older than this is abandoned
ABANDONED = (
    "The run stopped before it finished (its process ended). Its work is picked up by the next run."
)

TIME_LIMIT = (
    "Stopped at the task's time limit. What it finished is kept; rerun the date "
    "(python manage.py run_nightly_jobs --date …) to finish the rest."
)

Step = tuple[str, Callable]


def steps() -> list[Step]:
    """Every app's nightly steps, named "app.step", in the order
    yos.extensions.NIGHTLY_ORDER gives (each app registers its own in its
    AppConfig.ready())."""
    return nightly_steps()


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child nobody has waited for yet is a zombie: dead
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _holder_alive(run: JobRun) -> bool:
    """Whether the process that claimed a running row may still be running."""
    if timezone.now() - run.started_at > STALE_AFTER:
        return False
    host, _, pid = run.holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine: trust it until it is stale
    return _process_alive(int(pid))


@contextmanager
def _advisory_lock():
    """Yields whether this process holds the job's lock. PostgreSQL: a
    session-level advisory lock, released at the end or when the connection
    dies with a killed process. Other databases: always True (the unique
    constraint on running rows is the lock)."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        got = cursor.fetchone()[0]
    try:
        yield got
    finally:
        if got:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def _abandon(runs) -> None:
    for run in runs:
        run.status, run.finished_at = JobRun.Status.FAILED, timezone.now()
        run.errors = (run.errors + "\n" + ABANDONED).strip()
        run.save(update_fields=["status", "finished_at", "errors"])
        log.warning("job run %s was abandoned by %s", run.pk, run.holder)


def _claim(run_date: date, *, locked: bool) -> JobRun:
    """Insert this run's "running" row, or a "skipped" row if another live
    process holds the job."""
    for _attempt in range(2):
        try:
            with transaction.atomic():
                if locked and connection.vendor == "postgresql":
                    # We hold the advisory lock, so any running row is a dead run's.
                    _abandon(JobRun.objects.filter(job=JOB, status=JobRun.Status.RUNNING))
                return JobRun.objects.create(job=JOB, run_date=run_date, holder=holder_id())
        except IntegrityError:
            current = JobRun.objects.filter(job=JOB, status=JobRun.Status.RUNNING).first()
            if current is not None and not _holder_alive(current):
                _abandon([current])
                continue
            break
    return JobRun.objects.create(
        job=JOB,
        run_date=run_date,
        holder=holder_id(),
        status=JobRun.Status.SKIPPED,
        finished_at=timezone.now(),
    )


def _fresh_flag_statistics() -> None:
    """ANALYZE the flag table before the steps (PostgreSQL; cheap). Every
    step's statements are planned on its statistics: after a night that
    raised or resolved many flags, and before autovacuum has got round to the
    table (or where it is off), the planner believes a kind has "1 open flag"
    and plans anti joins as nested loops over the wanted rows, which is
    ruinous at scale (docs/performance.md, "Why the code is as it is")."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Flag._meta.db_table)}")


def run_nightly_jobs(run_date: date, *, only: list[str] | None = None) -> JobRun:
    """Run every nightly step for run_date (or the steps named in `only`).

    Returns the JobRun: succeeded, failed (one or more steps raised; see
    counts and errors) or skipped (another run held the lock).
    """
    by = system_user()
    with _advisory_lock() as locked:
        if not locked:
            return JobRun.objects.create(
                job=JOB,
                run_date=run_date,
                holder=holder_id(),
                status=JobRun.Status.SKIPPED,
                finished_at=timezone.now(),
            )
        run = _claim(run_date, locked=True)
        if run.status == JobRun.Status.SKIPPED:
            return run
        errors: list[str] = []
        _fresh_flag_statistics()
        for name, func in steps():
            if only and name not in only:
                continue
            try:
                run.counts[name] = func(run_date, by=by)
            except SoftTimeLimitExceeded:
                # The worker's time limit: stop cleanly; committed work stays and
                # the next run (or the command, which has no limit) carries on.
                run.counts[name] = {"failed": 1}
                errors.append(f"{name}: {TIME_LIMIT}")
                run.errors = "\n".join(errors)
                run.save(update_fields=["counts", "errors"])
                break
            except Exception as error:  # noqa: BLE001 - a failed step is recorded, others run
                log.exception("nightly step %s failed for %s", name, run_date)
                run.counts[name] = {"failed": 1}
                errors.append(f"{name}: {type(error).__name__}: {error}"[:2000])
                errors.append("".join(traceback.format_exception(error, limit=-3))[-2000:])
            run.errors = "\n".join(errors)
            run.save(update_fields=["counts", "errors"])  # progress survives a crash
        run.status = JobRun.Status.FAILED if errors else JobRun.Status.SUCCEEDED
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at"])
    log.info("nightly jobs for %s: %s %s", run_date, run.status, run.counts)
    return run


# --- What a run did, in words (the job-run table) ------------------------------------

STEP_AREAS = {
    "orders": "Parenting orders",
    "contracts": "Parenting contracts",
    "victims": "Victims",
    "yos": "Cases",
}


def _number(n, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _describe(counts) -> str:
    """A step's counts as words: flags_sync's {"raised": 1, "resolved": 0,
    "updated": 0, "open": 3} → "raised 1 flag, resolved 0, updated 0, 3 open";
    a letter step's {"issued": 2, "existing": 5} → "issued 2 letters, 5 issued
    before"; {"failed": 1} → "failed"; a dict of those → "ending: …; ended: …".
    Other keys read "key value"; never a Python dict."""
    if not isinstance(counts, dict):
        return str(counts)
    if set(counts) == {"failed"}:
        return "failed"
    if counts and all(isinstance(v, dict) for v in counts.values()):
        # Sorted: PostgreSQL's jsonb keeps keys in its own order, SQLite as written.
        return "; ".join(
            f"{k.replace('_', ' ')}: {_describe(v)}" for k, v in sorted(counts.items())
        )
    words, rest = [], dict(counts)
    if "raised" in rest:
        words.append(f"raised {_number(rest.pop('raised'), 'flag', 'flags')}")
    if "issued" in rest:
        words.append(f"issued {_number(rest.pop('issued'), 'letter', 'letters')}")
    for key in ("resolved", "updated"):
        if key in rest:
            words.append(f"{key} {rest.pop(key)}")
    if "existing" in rest:
        words.append(f"{rest.pop('existing')} issued before")
    if "open" in rest:
        words.append(f"{rest.pop('open')} open")
    words.extend(f"{k.replace('_', ' ')} {_describe(v)}" for k, v in sorted(rest.items()))
    return ", ".join(words) or "nothing to do"


def what_it_did(counts: dict) -> list[tuple[str, str]]:
    """(step, what it did) for each step of a JobRun's counts, in plain words:
    ("Parenting orders: counselling flags", "Ending: raised 1 flag, resolved 0,
    updated 0, 2 open; ended: raised 0 flags, …")."""
    rows = []
    for name, step_counts in (counts or {}).items():
        app, _, step = name.partition(".")
        area = STEP_AREAS.get(app, app.capitalize())
        step_words = step.replace("_", " ") if step else app
        text = _describe(step_counts)
        rows.append((f"{area}: {step_words}", text[:1].upper() + text[1:]))
    return rows
