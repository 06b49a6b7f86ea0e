"""The nightly job runner: recorded runs, failed steps visible, the lock, the
command and the thin task."""

import datetime as dt
import os
import socket
import time

import pytest
from celery import Celery
from celery.exceptions import SoftTimeLimitExceeded
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from cases.models import Case
from cases.tests.factories import CaseFactory
from yos import jobs, tasks
from yos.flags import Wanted, flags_sync
from yos.lib.audit import system_user
from yos.models import Flag, JobRun

RUN_DATE = dt.date(2026, 11, 25)


def flag_every_open_case(run_date, *, by):
    wanted = {
        pk: Wanted(due_on=run_date, family_id=family_id)
        for pk, family_id in Case.objects.filter(status="open").values_list("pk", "child__family")
    }
    return flags_sync(kind=Flag.Kind.CASE_DUE_FOR_CLOSURE, model=Case, wanted=wanted, by=by)


def broken_step(run_date, *, by):
    raise RuntimeError("the data was not what the step expected")


@pytest.fixture
def two_cases(db):
    return [CaseFactory(), CaseFactory()]


@pytest.fixture
def fake_steps(monkeypatch):
    def use(*step_list):
        monkeypatch.setattr(jobs, "steps", lambda: list(step_list))

    return use


def test_a_run_records_its_counts_and_succeeds(two_cases, fake_steps):
    fake_steps(("cases.flags", flag_every_open_case))
    run = jobs.run_nightly_jobs(RUN_DATE)
    run.refresh_from_db()
    assert run.status == JobRun.Status.SUCCEEDED
    assert run.run_date == RUN_DATE
    assert run.finished_at is not None
    assert run.counts == {"cases.flags": {"raised": 2, "resolved": 0, "updated": 0, "open": 2}}
    assert run.holder == f"{socket.gethostname()}:{os.getpid()}"


def test_running_twice_makes_nothing_twice(two_cases, fake_steps):
    fake_steps(("cases.flags", flag_every_open_case))
    jobs.run_nightly_jobs(RUN_DATE)
    second = jobs.run_nightly_jobs(RUN_DATE)
    assert second.counts["cases.flags"] == {"raised": 0, "resolved": 0, "updated": 0, "open": 2}
    assert Flag.objects.count() == 2


def test_a_failed_step_is_recorded_and_the_others_still_run(two_cases, fake_steps):
    fake_steps(("cases.broken", broken_step), ("cases.flags", flag_every_open_case))
    run = jobs.run_nightly_jobs(RUN_DATE)
    run.refresh_from_db()
    assert run.status == JobRun.Status.FAILED
    assert run.counts["cases.broken"] == {"failed": 1}
    assert run.counts["cases.flags"]["raised"] == 2
    assert "cases.broken: RuntimeError: the data was not what the step expected" in run.errors


def out_of_time(run_date, *, by):
    raise SoftTimeLimitExceeded()


def test_the_time_limit_stops_the_run_cleanly_and_says_how_to_finish(two_cases, fake_steps):
    fake_steps(("cases.slow", out_of_time), ("cases.flags", flag_every_open_case))
    run = jobs.run_nightly_jobs(RUN_DATE)
    run.refresh_from_db()
    assert run.status == JobRun.Status.FAILED
    assert run.errors == f"cases.slow: {jobs.TIME_LIMIT}"
    assert "cases.flags" not in run.counts


def test_the_task_finishes_well_inside_the_visibility_timeout():
    visibility = tasks.run_nightly_jobs.app.conf.broker_transport_options["visibility_timeout"]
    assert tasks.run_nightly_jobs.time_limit < visibility


@pytest.fixture
def concurrent_run():
    """Another live run of the job. PostgreSQL: a second session holding the
    advisory lock. SQLite: a running row whose holder (this test's parent
    process) is alive."""
    if connection.vendor == "postgresql":
        import psycopg

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        other = psycopg.connect(**params, autocommit=True)
        other.execute("SELECT pg_advisory_lock(%s)", [jobs.LOCK_KEY])
        yield
        other.close()
    else:
        JobRun.objects.create(
            job=jobs.JOB, run_date=RUN_DATE, holder=f"{socket.gethostname()}:{os.getppid()}"
        )
        yield


def test_a_run_while_another_live_run_holds_the_job_is_skipped(
    two_cases, fake_steps, concurrent_run
):
    fake_steps(("cases.flags", flag_every_open_case))
    run = jobs.run_nightly_jobs(RUN_DATE)
    assert run.status == JobRun.Status.SKIPPED
    assert Flag.objects.count() == 0


def test_a_run_left_running_by_a_killed_process_is_marked_failed_and_taken_over(
    two_cases, fake_steps
):
    fake_steps(("cases.flags", flag_every_open_case))
    dead_pid = 2**22 + 12345  # above pid_max on this machine: never a live process
    abandoned = JobRun.objects.create(
        job=jobs.JOB, run_date=RUN_DATE, holder=f"{socket.gethostname()}:{dead_pid}"
    )
    run = jobs.run_nightly_jobs(RUN_DATE)
    abandoned.refresh_from_db()
    assert abandoned.status == JobRun.Status.FAILED
    assert jobs.ABANDONED in abandoned.errors
    assert run.status == JobRun.Status.SUCCEEDED
    assert Flag.objects.count() == 2


def test_the_command_runs_the_steps_for_the_date_given(two_cases, fake_steps, capsys):
    fake_steps(("cases.flags", flag_every_open_case))
    call_command("run_nightly_jobs", "--date", "2026-12-01")
    run = JobRun.objects.get()
    assert run.run_date == dt.date(2026, 12, 1)
    assert set(Flag.objects.values_list("due_on", flat=True)) == {dt.date(2026, 12, 1)}
    assert "Succeeded" in capsys.readouterr().out


def test_the_command_refuses_a_date_it_cannot_read(db):
    with pytest.raises(CommandError) as error:
        call_command("run_nightly_jobs", "--date", "25/11/2026")
    assert str(error.value) == (
        "Enter the date as YYYY-MM-DD, for example 2026-11-25 (got '25/11/2026')"
    )


def test_the_command_fails_loudly_when_a_step_fails(two_cases, fake_steps):
    fake_steps(("cases.broken", broken_step))
    with pytest.raises(CommandError) as error:
        call_command("run_nightly_jobs", "--date", "2026-11-25")
    assert str(error.value) == "One or more steps failed; see the job run's errors."


def test_the_command_runs_only_the_steps_named(two_cases, fake_steps):
    fake_steps(("cases.broken", broken_step), ("cases.flags", flag_every_open_case))
    call_command("run_nightly_jobs", "--date", "2026-11-25", "--step", "cases.flags")
    assert JobRun.objects.get().status == JobRun.Status.SUCCEEDED


def test_the_task_takes_a_date_string_and_returns_the_run(two_cases, fake_steps):
    fake_steps(("cases.flags", flag_every_open_case))
    result = tasks.run_nightly_jobs.run("2026-11-25")
    run = JobRun.objects.get()
    assert result == {
        "job_run": run.pk,
        "status": "succeeded",
        "run_date": "2026-11-25",
        "counts": {"cases.flags": {"raised": 2, "resolved": 0, "updated": 0, "open": 2}},
    }


def test_job_flags_are_raised_by_the_system_user_with_history(two_cases, fake_steps):
    fake_steps(("cases.flags", flag_every_open_case))
    jobs.run_nightly_jobs(RUN_DATE)
    system = system_user()
    assert set(Flag.objects.values_list("raised_by", flat=True)) == {system.pk}
    assert set(Flag.history.values_list("history_user", flat=True)) == {system.pk}


# --- Enqueueing from web code -------------------------------------------------

memory_app = Celery("enqueue-test", broker="memory://", set_as_current=False)
memory_app.conf.task_always_eager = False
sent: list = []


@memory_app.task(name="enqueue_test.record")
def record(value):  # pragma: no cover - runs on no worker; the send is what counts
    return value


@pytest.fixture
def counting_sends(monkeypatch):
    sent.clear()
    original = record.apply_async

    def counting(*args, **kwargs):
        sent.append(kwargs.get("args"))
        return original(*args, **kwargs)

    monkeypatch.setattr(record, "apply_async", counting)
    return sent


def test_a_task_enqueued_in_a_rolled_back_transaction_is_never_sent(
    db, django_capture_on_commit_callbacks, counting_sends
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                tasks.enqueue_on_commit(record, "2026-11-25")
                raise ValueError("the save failed")
        except ValueError:
            pass
    assert counting_sends == []


def test_a_task_enqueued_in_a_committed_transaction_is_sent_once(
    db, django_capture_on_commit_callbacks, counting_sends
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            tasks.enqueue_on_commit(record, "2026-11-25")
        assert counting_sends == []  # not before the commit
    assert counting_sends == [("2026-11-25",)]


def test_a_broker_that_is_down_does_not_fail_or_hang_the_request(caplog):
    down = Celery("down-test", broker="redis://127.0.0.1:9/0", set_as_current=False)
    down.conf.broker_connection_timeout = 1
    down.conf.broker_transport_options = {"socket_connect_timeout": 1}

    @down.task(name="down_test.noop")
    def noop():  # pragma: no cover
        return None

    started = time.monotonic()
    assert tasks.send_safely(noop) is False
    assert time.monotonic() - started < 10
    assert "could not enqueue down_test.noop" in caplog.text


def test_no_code_sends_a_task_with_a_bare_delay():
    """SECURITY.md check 35: a .delay() inside a transaction can run before the
    commit, and hangs when the broker is down; use yos.tasks.enqueue_on_commit."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not {".venv", "node_modules", "tests"} & set(path.relative_to(root).parts)
        and (".delay(" in path.read_text() or ".apply_async(" in path.read_text())
        and path.relative_to(root) != Path("yos/tasks.py")
    ]
    assert offenders == []
