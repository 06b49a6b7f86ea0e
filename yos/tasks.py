"""Thin Celery tasks: they take a date string and call the plain job functions.

Enqueue from web code with ``enqueue_on_commit``: the task is sent only once
the request's transaction commits (delay_on_commit), with a bounded publish
retry, and a broker that is down is logged, never raised, so the user's save
still succeeds and the next nightly run does the work.
"""

from __future__ import annotations

import logging
from datetime import date

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from yos import jobs

log = logging.getLogger("yos.tasks")

# One quick retry, then give up: a web request must not hang on a dead broker.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}


# Longer than the default limits (a night with many letters), still well inside
# the broker's visibility timeout (3600 s), so Redis never redelivers a run
# that is still going.
@shared_task(
    name="yos.tasks.run_nightly_jobs", acks_late=True, soft_time_limit=1500, time_limit=1800
)
def run_nightly_jobs(run_date: str | None = None) -> dict:
    """Run the nightly jobs for run_date (YYYY-MM-DD; default today in
    Europe/London). Returns the JobRun's id, status and counts (JSON)."""
    day = date.fromisoformat(run_date) if run_date else timezone.localdate()
    run = jobs.run_nightly_jobs(day)
    return {
        "job_run": run.pk,
        "status": run.status,
        "run_date": day.isoformat(),
        "counts": run.counts,
    }


@shared_task(name="yos.tasks.send_email", acks_late=True)
def send_email(to: list[str], subject: str, body: str) -> int:
    """Send one plain-text e-mail (account notices, password-reset links)."""
    from django.conf import settings
    from django.core.mail import send_mail

    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)


def send_safely(task, *args) -> bool:
    """Publish task(*args) now; False (and a log line) if the broker is down."""
    try:
        task.apply_async(args=args, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception:  # noqa: BLE001 - kombu/redis raise several types; none may reach the user
        log.exception("could not enqueue %s; the next nightly run will pick it up", task.name)
        return False
    return True


def enqueue_on_commit(task, *args) -> None:
    """Send task(*args) after the current transaction commits (now if none is
    open). Never raises for a broker outage."""
    transaction.on_commit(lambda: send_safely(task, *args))
