"""Faults survived (SECURITY.md checks 40 and 41; issue 9 "Faults"), each by
really stopping the thing:

* Redis stopped: a private redis-server started here on its own port is
  shut down; a request that enqueues work still succeeds quickly, pages keep
  working, and once Redis is back the next request's work reaches the queue.
* The database connection dropped: on PostgreSQL the request's backend is
  terminated with pg_terminate_backend; on SQLite (local runs) the database
  refuses writes (PRAGMA query_only). Either way the user gets the generic
  error page, never a traceback, and the next request works.

A worker SIGKILLed mid-job is covered by tests/test_job_crash.py (the
nightly job killed half way and run again: no duplicates) and
tests/test_celery_worker.py (a real worker on Redis), not repeated here.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.test import Client
from django.urls import reverse

from yos.celery import app as celery_app

pytestmark = pytest.mark.django_db(transaction=True)

PORT = 6390 + (os.getpid() % 50)  # a port of this run's own
LEAKS = ("Traceback", "OperationalError", "psycopg", "sqlite3", "SELECT ", "INSERT ", "UPDATE ")


@pytest.fixture
def _roles(django_db_setup, django_db_blocker):
    # Transactional tests flush the groups the data migration made; recreate them.
    from django.contrib.auth.models import Group

    from yos.models import Role

    for role in Role:
        Group.objects.get_or_create(name=role.value)


class PrivateRedis:
    """A redis-server of this test's own: no persistence, killed at the end."""

    def __init__(self, tmp_path: Path):
        self.pidfile = tmp_path / "redis.pid"
        self.url = f"redis://127.0.0.1:{PORT}/0"

    def start(self) -> None:
        subprocess.run(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(PORT),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--pidfile",
                str(self.pidfile),
            ],
            check=True,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        for _ in range(50):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("the private redis-server did not start")

    def stop(self) -> None:
        if not self.pidfile.exists():
            return
        pid = int(self.pidfile.read_text().strip())
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        for _ in range(50):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        self.pidfile.unlink(missing_ok=True)

    def queued(self) -> int:
        return redis.Redis.from_url(self.url, socket_connect_timeout=1).llen("celery")


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    saved = {k: celery_app.conf[k] for k in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url=server.url, task_always_eager=False)
    # Connect to this broker, not a cached one: the connection pool and the
    # producer pool (which an eager task, e.g. an e-mail sent earlier in the
    # suite, also creates) both remember the broker they were made for.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    yield server
    server.stop()
    celery_app.conf.update(saved)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _rerun(client, day="1", month="11", year="2026"):
    return client.post(
        reverse("job-runs"), {"run_date_0": day, "run_date_1": month, "run_date_2": year}
    )


def test_with_redis_stopped_a_request_that_enqueues_work_still_succeeds_quickly(
    _roles, private_redis, supervisor, caplog
):
    client = Client()
    client.force_login(supervisor)

    assert _rerun(client).status_code == 302
    assert private_redis.queued() == 1  # the broker works: the task is queued

    private_redis.stop()
    caplog.set_level(logging.ERROR, logger="yos.tasks")
    started = time.monotonic()
    response = _rerun(client)
    took = time.monotonic() - started
    assert response.status_code == 302
    assert took < 5, f"the request waited {took:.1f}s for a dead broker"
    assert "could not enqueue" in caplog.text
    assert client.get(reverse("home")).status_code == 200  # pages keep working

    private_redis.start()  # back (empty: nothing was persisted)
    assert _rerun(client).status_code == 302
    assert private_redis.queued() == 1  # work sent after the outage reaches the queue


def _drop_the_connection() -> str:
    """Really break the database under the next request; returns what was done."""
    if connection.vendor == "postgresql":
        import psycopg

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        params = connection.get_connection_params()
        with psycopg.connect(**params, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
        return "terminated"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA query_only = ON")
    return "read-only"


def _restore(done: str) -> None:
    if done == "read-only":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = OFF")
    else:
        connection.close_if_unusable_or_obsolete()  # what each new request does
        connection.close()


def test_a_dropped_database_connection_gives_the_generic_error_page(_roles, case_manager, team):
    from cases.tests.factories import FamilyFactory

    family = FamilyFactory(team=team, case_manager=case_manager, notes="Before the fault")
    client = Client(raise_request_exception=False)
    client.force_login(case_manager)
    url = reverse("cases:edit-family", args=[family.pk])
    assert client.get(url).status_code == 200

    done = _drop_the_connection()
    try:
        response = client.post(
            url,
            {"name": family.name, "address": "", "notes": "During the fault", "loaded_version": 1},
        )
    finally:
        _restore(done)
    body = response.content.decode()
    # The database could not be reached: "unavailable, try again" (503 with
    # Retry-After), the generic page all the same (yos.errors.server_error).
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Sorry, the service is unavailable" in body
    assert not [leak for leak in LEAKS if leak in body]

    family.refresh_from_db()
    assert family.notes == "Before the fault"  # nothing half-written
    assert client.get(url).status_code == 200  # the next request works
