"""The nightly job killed half way (SIGKILL, a real subprocess) and run again
makes exactly what a clean run makes: same flags, same letters, no duplicates.

The job runs in subprocesses against a database of its own: a temporary
SQLite file, or, when the suite runs on PostgreSQL (DATABASE_URL), a
dedicated database yos_jobcrash_<pid> created and dropped here (never the
shared test database).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUN_DATE = "2026-11-25"
ORDERS = 6  # each: one warning letter and one "counselling now voluntary" notice


# --- A database the subprocesses can see -------------------------------------------


class FileDatabase:
    """A migrated database for subprocesses: SQLite file or dedicated PostgreSQL."""

    def __init__(self, tmp_path: Path, name: str):
        self.tmp_path = tmp_path
        base = os.environ.get("DATABASE_URL", "")
        self.postgres = base.startswith(("postgres://", "postgresql://"))
        self.name = f"yos_{name}_{os.getpid()}"
        if self.postgres:
            parts = urlsplit(base)
            self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
            self.admin_url = urlunsplit(parts._replace(path="/postgres"))
        else:
            self.path = tmp_path / f"{self.name}.sqlite3"
            self.url = f"sqlite:///{self.path}"
        self.storage = tmp_path / f"{self.name}-private"

    def env(self, **extra) -> dict:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
            and not k.startswith("NIGHTLY_")
        }
        env.update(
            DATABASE_URL=self.url,
            PRIVATE_STORAGE_ROOT=str(self.storage),
            DJANGO_SETTINGS_MODULE="yos.settings",
            PYTHONPATH=str(ROOT),
        )
        env.update(extra)
        return env

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def create(self) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{self.name}"')
        manage("migrate", "--no-input", env=self.env())

    def copy(self, name: str) -> FileDatabase:
        """A copy of this database (its data as it is now) under another name."""
        other = FileDatabase(self.tmp_path, name)
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{other.name}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{other.name}" TEMPLATE "{self.name}"')
        else:
            source, target = sqlite3.connect(self.path), sqlite3.connect(other.path)
            source.backup(target)
            source.close()
            target.close()
        return other

    def drop(self) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def query(self, sql: str) -> list[tuple]:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url) as conn:
                return [tuple(row) for row in conn.execute(sql).fetchall()]
        conn = sqlite3.connect(self.path, timeout=10)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()

    def snapshot(self) -> dict:
        """What the job made, comparable between databases (no ids or times)."""
        keys = [k for (k,) in self.query("SELECT dedupe_key FROM yos_letter ORDER BY dedupe_key")]
        return {
            "open_flags": dict(
                self.query(
                    "SELECT kind, COUNT(*) FROM yos_flag WHERE resolved_at IS NULL "
                    "GROUP BY kind ORDER BY kind"
                )
            ),
            "flag_subjects": self.query(
                "SELECT kind, object_id, due_on FROM yos_flag WHERE resolved_at IS NULL "
                "ORDER BY kind, object_id"
            ),
            "letters": dict(
                self.query("SELECT kind, COUNT(*) FROM yos_letter GROUP BY kind ORDER BY kind")
            ),
            "letter_keys": keys,
            "letter_documents": self.query(
                "SELECT COUNT(*) FROM yos_storeddocument WHERE kind = 'letter'"
            )[0][0],
            "history_without_user": self.query(
                "SELECT (SELECT COUNT(*) FROM yos_historicalflag WHERE history_user_id IS NULL)"
                " + (SELECT COUNT(*) FROM yos_historicalletter WHERE history_user_id IS NULL)"
            )[0][0],
        }


def manage(*args, env: dict, timeout: int = 300) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def seed_scenario(orders: int = ORDERS) -> None:
    """Invented data that gives every order step work on RUN_DATE: orders made
    on 1 August 2026 (counselling ended 1 November), each with a failure to
    comply with a requirement on 20 November not accepted as a reasonable
    excuse and that requirement ending within the warning window. Run in the subprocess's database."""
    import datetime as dt

    from orders.models import FailureKind
    from orders.tests.factories import FailureFactory, ParentingOrderFactory, RequirementFactory
    from yos.tests.factories import TeamFactory

    team = TeamFactory(name="Crash test team")
    for n in range(orders):
        order = ParentingOrderFactory(
            made_on=dt.date(2026, 8, 1),
            case__child__family__team=team,
            case__referred_on=dt.date(2026, 7, 20),
            case__opened_on=dt.date(2026, 8, 1),
        )
        requirement = RequirementFactory(
            order=order, ends_on=dt.date(2026, 12, 1) + dt.timedelta(days=n)
        )
        # Within LETTER_DUE_WITHIN_DAYS of RUN_DATE, on an order in force.
        FailureFactory(
            order=order,
            kind=FailureKind.REQUIREMENT,
            requirement=requirement,
            occurred_on=dt.date(2026, 11, 20),
        )


def seed(db: FileDatabase, orders: int = ORDERS) -> None:
    code = (
        "import django; django.setup(); "
        f"from tests.test_job_crash import seed_scenario; seed_scenario({orders})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=db.env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def file_database(tmp_path):
    """file_database(name) → a created, migrated FileDatabase; all dropped after."""
    made: list[FileDatabase] = []

    def make(name: str) -> FileDatabase:
        db = FileDatabase(tmp_path, name)
        db.create()
        made.append(db)
        return db

    make.track = made.append
    yield make
    for db in made:
        db.drop()


# --- The test ----------------------------------------------------------------------


def test_a_run_killed_mid_way_then_rerun_equals_a_clean_run(file_database):
    crashed = file_database("jobcrash")
    seed(crashed)
    clean = crashed.copy("jobclean")
    file_database.track(clean)

    manage("run_nightly_jobs", "--date", RUN_DATE, env=clean.env())
    expected = clean.snapshot()
    assert expected["letters"] == {"counselling_ended": ORDERS, "order_warning": ORDERS}
    assert expected["open_flags"]["requirement_ending"] == ORDERS

    # Two letters per committed chunk and a pause after each: kill after the first.
    job = subprocess.Popen(
        [sys.executable, "manage.py", "run_nightly_jobs", "--date", RUN_DATE],
        cwd=ROOT,
        env=crashed.env(NIGHTLY_LETTER_CHUNK_SIZE="2", NIGHTLY_CHUNK_PAUSE_SECONDS="1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 180
    letters = 0
    while time.monotonic() < deadline and job.poll() is None:
        letters = crashed.query("SELECT COUNT(*) FROM yos_letter")[0][0]
        if letters >= 2:
            break
        time.sleep(0.05)
    assert job.poll() is None, "the job finished before it could be killed"
    os.kill(job.pid, signal.SIGKILL)
    job.wait(timeout=30)
    assert job.returncode == -signal.SIGKILL
    letters = crashed.query("SELECT COUNT(*) FROM yos_letter")[0][0]
    assert 2 <= letters < 2 * ORDERS, "killed after some letters and before the last"
    assert crashed.query("SELECT status FROM yos_jobrun") == [("running",)]

    manage("run_nightly_jobs", "--date", RUN_DATE, env=crashed.env())
    assert crashed.snapshot() == expected
    assert crashed.query("SELECT status FROM yos_jobrun ORDER BY id") == [
        ("failed",),  # the killed run, marked abandoned by the rerun
        ("succeeded",),
    ]

    # And once more: a rerun changes nothing.
    manage("run_nightly_jobs", "--date", RUN_DATE, env=crashed.env())
    assert crashed.snapshot() == expected
    counts = json.loads(
        json.dumps(crashed.query("SELECT COUNT(*), COUNT(DISTINCT dedupe_key) FROM yos_letter"))
    )
    assert counts == [[2 * ORDERS, 2 * ORDERS]]


def test_two_runs_at_once_do_the_work_once(file_database):
    """SECURITY.md check 36/39 (two beats, two workers): two runs started
    together make what one run makes; the second records that it skipped."""
    db = file_database("jobtwice")
    seed(db)
    clean = db.copy("jobtwiceclean")
    file_database.track(clean)
    manage("run_nightly_jobs", "--date", RUN_DATE, env=clean.env())
    expected = clean.snapshot()

    env = db.env(NIGHTLY_LETTER_CHUNK_SIZE="2", NIGHTLY_CHUNK_PAUSE_SECONDS="1")
    runs = [
        subprocess.Popen(
            [sys.executable, "manage.py", "run_nightly_jobs", "--date", RUN_DATE],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for run in runs:
        _, stderr = run.communicate(timeout=300)
        assert run.returncode == 0, stderr
    assert db.snapshot() == expected
    assert sorted(db.query("SELECT status FROM yos_jobrun")) == [("skipped",), ("succeeded",)]
