"""The nightly task through the real broker: a Celery worker subprocess on the
local Redis (database 9, a queue of this test's own), a database the worker
can see (tests/test_job_crash.FileDatabase), the task sent by name as beat
sends it, its result awaited, and what it made read back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import redis
from celery import Celery

from tests.test_job_crash import ORDERS, ROOT, RUN_DATE, file_database, seed  # noqa: F401

pytestmark = pytest.mark.celery_worker

BROKER = "redis://127.0.0.1:6379/9"


@pytest.fixture
def worker(file_database, tmp_path):  # noqa: F811 - the fixture imported above
    db = file_database("jobworker")
    seed(db)
    queue = f"yos-test-{os.getpid()}"
    pidfile = tmp_path / "worker.pid"
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "yos",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queue,
            "--pidfile",
            str(pidfile),
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=db.env(REDIS_URL=BROKER),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while not pidfile.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    assert pidfile.exists(), (tmp_path / "worker.log").read_text()
    yield db, queue, int(pidfile.read_text().strip()), tmp_path / "worker.log"
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()
    redis.Redis.from_url(BROKER).delete(queue)


def client() -> Celery:
    app = Celery("yos-test-client", broker=BROKER, backend=BROKER, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        broker_connection_timeout=3,
    )
    return app


def test_the_worker_runs_the_nightly_task_sent_through_redis(worker):
    db, queue, worker_pid, log = worker
    result = client().send_task("yos.tasks.run_nightly_jobs", args=[RUN_DATE], queue=queue)
    try:
        summary = result.get(timeout=180)
    except Exception:
        pytest.fail(log.read_text()[-4000:])
    finally:
        result.forget()

    assert summary["status"] == "succeeded", summary
    assert summary["run_date"] == RUN_DATE
    warnings = summary["counts"]["orders.warning_letters"]
    notices = summary["counts"]["orders.counselling_ended_notices"]
    assert (warnings["issued"], warnings["existing"], warnings["held"]) == (ORDERS, 0, 0)
    assert (notices["issued"], notices["existing"], notices["held"]) == (ORDERS, 0, 0)
    # The worker, not this process, did the work, in the worker's database.
    runs = db.query("SELECT id, status, run_date, holder FROM yos_jobrun")
    assert len(runs) == 1
    run_id, status, run_date, holder = runs[0]
    assert (run_id, status, str(run_date)) == (summary["job_run"], "succeeded", RUN_DATE)
    assert holder.endswith(f":{worker_pid}")
    snapshot = db.snapshot()
    assert snapshot["letters"] == {"counselling_ended": ORDERS, "order_warning": ORDERS}
    assert snapshot["letter_documents"] == 2 * ORDERS
    assert snapshot["open_flags"]["requirement_ending"] == ORDERS
    assert snapshot["open_flags"]["counselling_ended"] == ORDERS
    assert snapshot["history_without_user"] == 0
    system = db.query("SELECT id FROM yos_user WHERE username = 'system'")[0][0]
    assert db.query("SELECT DISTINCT generated_by_id FROM yos_letter") == [(system,)]
