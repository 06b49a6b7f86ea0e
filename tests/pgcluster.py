"""A throwaway PostgreSQL cluster of a test's own, for the tests that stop,
restart, dump and restore a database (SECURITY.md checks 41 and 42).

The machine's PostgreSQL (and CI's, on 5432) is never touched: the cluster
lives in a temporary directory, listens on 127.0.0.1 on a port of this run's
own and on a Unix socket in that directory, trusts local connections, and is
stopped and deleted at the end. initdb refuses to run as root, so as root the
server programs run as the `postgres` user (which the Debian package creates);
the client programs (pg_dump, pg_restore, psql) run as whoever runs the tests.

Also here: the invariant SQL both tests run, and the app's own subprocesses
(manage.py, gunicorn) pointed at the cluster.
"""

from __future__ import annotations

import atexit
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SKIP_REASON = "PostgreSQL server binaries not installed"


def server_bindir() -> Path | None:
    """Where initdb, pg_ctl and the client programs of the same version are:
    $PG_BINDIR, else the newest /usr/lib/postgresql/<version>/bin (Debian,
    Ubuntu), else the directory of an initdb on PATH (Homebrew, Fedora)."""
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))
    candidates += sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for bindir in candidates:
        if all((bindir / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return bindir
    return None


def require_server() -> Path:
    """The server binaries, or skip: only the newcomer's SQLite `make test`
    on a machine without PostgreSQL gets here; CI installs the package."""
    bindir = server_bindir()
    if bindir is None:
        pytest.skip(SKIP_REASON)
    return bindir


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def free_port(base: int) -> int:
    """base + pid mod 100 (+ 200 per pytest-xdist worker, so two workers
    never start from the same port), or the next free port after it."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    port = base + 200 * index + os.getpid() % 100
    while not _port_free(port):
        port += 1
    return port


class Cluster:
    """initdb, start, stop, restart and delete one private cluster."""

    def __init__(self, bindir: Path, *, port: int | None = None):
        self.bindir = bindir
        self.port = port or free_port(55432)
        self.dir = Path(tempfile.mkdtemp(prefix="yos-pg-"))
        self.data = self.dir / "data"
        self.work = Path(tempfile.mkdtemp(prefix="yos-pg-work-"))  # the tests' files
        self.log = self.dir / "server.log"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)

    # --- server -----------------------------------------------------------
    def _server(self, *args: str, check: bool = True, timeout: float = 60):
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(
            cmd, check=check, capture_output=True, text=True, timeout=timeout, cwd=self.dir
        )

    def init(self) -> Cluster:
        self._server(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nport = {self.port}\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.dir}'\n"
                "max_connections = 40\n"
                "shared_buffers = 32MB\n"
                # Speed only: the machine does not crash under this test, and a
                # fast shutdown still writes a checkpoint.
                "fsync = off\n"
                "full_page_writes = off\n"
            )
        return self

    def start(self) -> None:
        self._server("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30", "start")

    def stop(self, mode: str = "fast") -> None:
        self._server("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def restart(self, mode: str = "fast") -> None:
        self._server(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", mode, "-w", "-t", "30",
            "restart",
        )  # fmt: skip

    def running(self) -> bool:
        return self._server("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def destroy(self) -> None:
        if self.data.exists() and self.running():
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)
        shutil.rmtree(self.work, ignore_errors=True)

    # --- clients ----------------------------------------------------------
    def url(self, dbname: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def connect(self, dbname: str, **kwargs) -> psycopg.Connection:
        return psycopg.connect(self.url(dbname), autocommit=True, connect_timeout=5, **kwargs)

    def createdb(self, dbname: str) -> None:
        with self.connect("postgres") as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')

    def client(self, name: str) -> str:
        """A client program of the server's version (pg_dump must not be older)."""
        return str(self.bindir / name)


SEED_DB = "yos_seed"
# The demo data (its letters and contract PDFs are stored documents) and a
# few uploads in each allowed type, stored the way the upload views store
# them; one Django start for both.
SEED = """
from django.core.management import call_command
from cases.models import Child
from yos.lib.audit import system_user
from yos.lib.files import store_document
from yos.models import StoredDocument

call_command("seed_demo")
child = Child.objects.order_by("id").first()
for n, (mime, content) in enumerate([
    ("application/pdf", b"%PDF-1.4 drill evidence\\n%%EOF\\n"),
    ("image/png", b"\\x89PNG\\r\\n\\x1a\\n" + bytes(range(256)) * 4),
    ("image/jpeg", b"\\xff\\xd8\\xff\\xe0" + b"drill scan" * 100),
]):
    store_document(content=content, kind=StoredDocument.Kind.EVIDENCE, subject=child,
                   by=system_user(), reason=f"upload {n}", mime_type=mime,
                   original_name=f"upload-{n}")
"""
_seeded: dict[str, object] = {}


def seeded_cluster() -> tuple[Cluster, Path]:
    """One cluster for the whole test run, with the app migrated into database
    yos_seed, the demo data and a few uploads (SEED; the stored documents'
    files are in the returned private directory). Tests take copies
    (copy_of_seed), so migrating and seeding is paid once. Skips when the
    server binaries are absent; deleted when the run ends."""
    if "cluster" not in _seeded:
        cluster = Cluster(require_server()).init()
        atexit.register(cluster.destroy)
        cluster.start()
        cluster.createdb(SEED_DB)
        private = cluster.work / "seed-private"
        env = app_env(cluster.url(SEED_DB), private, DEBUG="1")
        manage(env, "migrate", "--no-input")
        manage(env, "shell", "-c", SEED)
        _seeded.update(cluster=cluster, private=private)
    cluster = _seeded["cluster"]
    if not cluster.running():  # a test that failed with the server stopped
        cluster.start()
    return cluster, _seeded["private"]


def copy_of_seed(dbname: str) -> tuple[Cluster, str, Path]:
    """A fresh database dbname copied from the seed, with its own copy of the
    seed's private files: (cluster, database URL, private directory)."""
    cluster, seed_private = seeded_cluster()
    with cluster.connect("postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}" TEMPLATE "{SEED_DB}"')
    private = cluster.work / f"{dbname}-private"
    shutil.rmtree(private, ignore_errors=True)
    shutil.copytree(seed_private, private)
    return cluster, cluster.url(dbname), private


def app_env(database_url: str, private_root: Path, **extra: str) -> dict[str, str]:
    """The environment of the app's subprocesses: this cluster, its own private
    storage, no Redis (tasks run inline)."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        PRIVATE_STORAGE_ROOT=str(private_root),
        DJANGO_SETTINGS_MODULE="yos.settings",
        REDIS_URL="",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 180) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


# --- Invariant SQL ----------------------------------------------------------
#
# What a request that died half way could leave behind, if it were not one
# transaction (ATOMIC_REQUESTS, and the services' own atomic blocks). Every
# query returns the offending rows; a sound database returns none.


# Reference rows a data migration writes, with no history (migrations run
# without simple_history's signals): not a half-written request.
MIGRATION_SEEDED = {"contracts_requirementkind"}  # contracts/migrations/0002_requirement_kinds.py


def history_tables(conn: psycopg.Connection) -> list[tuple[str, str]]:
    """(record table, history table) for every versioned domain record:
    django-simple-history's <app>_historical<model> next to <app>_<model>,
    where the record has a version column (the optimistic lock, with its
    updated_at: a letter's `version` is its own numbering, not a lock)."""
    rows = conn.execute(
        """
        SELECT h.table_name, r.table_name
          FROM information_schema.tables h
          JOIN information_schema.tables r
            ON r.table_schema = 'public'
           AND r.table_name = regexp_replace(h.table_name, '_historical', '_')
          JOIN information_schema.columns v
            ON v.table_schema = 'public' AND v.table_name = r.table_name
           AND v.column_name = 'version'
          JOIN information_schema.columns u
            ON u.table_schema = 'public' AND u.table_name = r.table_name
           AND u.column_name = 'updated_at'
         WHERE h.table_schema = 'public' AND h.table_name LIKE '%\\_historical%'
         ORDER BY 2
        """
    ).fetchall()
    return [(record, history) for history, record in rows]


def _ident(name: str) -> str:
    assert re.fullmatch(r"[a-z0-9_]+", name), name
    return f'"{name}"'


def invariant_violations(conn: psycopg.Connection) -> dict[str, list]:
    """Name of each invariant → the rows that break it (empty when sound)."""
    found: dict[str, list] = {}
    for record, history in history_tables(conn):
        r, h = _ident(record), _ident(history)
        # A record with no creation row in its history: its insert committed
        # without the history insert.
        if record not in MIGRATION_SEEDED:
            found[f"{record}: no '+' history row"] = conn.execute(
                f"SELECT r.id FROM {r} r WHERE NOT EXISTS "
                f"(SELECT 1 FROM {h} h WHERE h.id = r.id AND h.history_type = '+')"
            ).fetchall()
        # The newest history row must be the record as it stands: a version
        # bump (a conditional UPDATE) committed without its save and history
        # row would show here as a version the history never saw.
        found[f"{record}: newest history row is not the record"] = conn.execute(
            f"SELECT r.id, r.version, h.version FROM {r} r "
            f"JOIN LATERAL (SELECT version, updated_at FROM {h} x WHERE x.id = r.id "
            f"  ORDER BY x.history_id DESC LIMIT 1) h ON true "
            f"WHERE h.version <> r.version OR h.updated_at <> r.updated_at"
        ).fetchall()
        # Each save raises the version by one and writes one history row.
        found[f"{record}: more versions than history rows"] = conn.execute(
            f"SELECT r.id, r.version, count(h.history_id) FROM {r} r "
            f"JOIN {h} h ON h.id = r.id GROUP BY r.id, r.version "
            f"HAVING count(h.history_id) < r.version"
        ).fetchall()
    # A case with no child, a child with no family: the foreign keys forbid
    # these, checked anyway because a restore without constraints would not.
    found["cases_case without its child"] = conn.execute(
        "SELECT c.id FROM cases_case c LEFT JOIN cases_child ch ON ch.id = c.child_id "
        "WHERE ch.id IS NULL"
    ).fetchall()
    found["cases_child without its family"] = conn.execute(
        "SELECT ch.id FROM cases_child ch LEFT JOIN cases_family f ON f.id = ch.family_id "
        "WHERE f.id IS NULL"
    ).fetchall()
    found["cases_session without its case"] = conn.execute(
        "SELECT s.id FROM cases_session s LEFT JOIN cases_case c ON c.id = s.case_id "
        "WHERE c.id IS NULL"
    ).fetchall()
    found["yos_storeddocument without its history"] = conn.execute(
        "SELECT d.id FROM yos_storeddocument d WHERE NOT EXISTS "
        "(SELECT 1 FROM yos_historicalstoreddocument h WHERE h.id = d.id)"
    ).fetchall()
    return found


def broken(conn: psycopg.Connection) -> dict[str, list]:
    return {name: rows for name, rows in invariant_violations(conn).items() if rows}


def wait_until(predicate, *, timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False
