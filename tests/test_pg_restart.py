"""PostgreSQL restarted under load (SECURITY.md check 41).

A throwaway cluster of this run's own (tests/pgcluster.py; never the
machine's PostgreSQL), the app migrated into it with the demo data, and the
production web process in front of it: gunicorn, 2 workers x 4 threads,
DEBUG off, CONN_MAX_AGE 60 with CONN_HEALTH_CHECKS and ATOMIC_REQUESTS from
yos/settings.py. Three signed-in case managers' browsers (threads with
requests) search for a child, open the child's page, record sessions and
change family notes through the real forms with their CSRF tokens, while a
fourth polls /healthz. Three faults (the `run` fixture): `pg_ctl restart
-m fast` mid-load; `pg_ctl stop -m fast` mid-load and `start` 3 seconds
later, so that the outage is long enough to look at; and a restart while the
users pause, which leaves every web thread holding a dead persistent
connection that no request has noticed yet.

Pass: every response arrives within a few seconds and every failure is the
generic error page (no traceback, no SQL); /healthz answers 503 while the
database is down; after each restart the first success comes back within
30 s, and every request started after the database is back succeeds (the
dead connections are caught by the health check, not by a user: with
CONN_HEALTH_CHECKS off the quiet restart gives users 500s); and the
database holds no half-written record: the invariant SQL of
tests/pgcluster.py finds nothing, every session and family change the users
were told was saved is there, and every one that is there was attempted,
with its history row.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
import traceback
from dataclasses import dataclass, field

import pytest
import requests

from tests.htmlform import form_data
from tests.pgcluster import (
    PYTHON,
    ROOT,
    app_env,
    broken,
    copy_of_seed,
    free_port,
    require_server,
    wait_until,
)
from yos.management.commands.seed_demo import DEMO_PASSWORD

DEMO_USER = "casemanager"
GENERIC = ("Sorry, there is a problem with the service", "Sorry, the service is unavailable")
LEAKS = ("Traceback", "OperationalError", "psycopg", "SELECT ", "INSERT ", "UPDATE ", 'File "')
SLOW = 5.0  # no request may take longer than this, outage or not
RECOVERY_LIMIT = 30.0
OUTAGE = 3.0  # seconds the database stays stopped in the second fault
WRITERS = 3


@dataclass
class Hit:
    kind: str
    started: float
    took: float
    status: int | None  # None: no HTTP response at all (timeout, reset)
    body: str = ""
    marker: str = ""

    @property
    def ok(self) -> bool:
        return self.status in (200, 302)

    @property
    def ended(self) -> float:
        return self.started + self.took


@dataclass
class Load:
    base: str
    stop: threading.Event = field(default_factory=threading.Event)
    hits: list[Hit] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # a load thread that died
    lock: threading.Lock = field(default_factory=threading.Lock)
    going: threading.Event = field(default_factory=threading.Event)  # cleared: users pause
    in_flight: int = 0

    def request(self, http: requests.Session, kind: str, method: str, path: str, **kw) -> Hit:
        self.going.wait(30)
        with self.lock:
            self.in_flight += 1
        started = time.monotonic()
        try:
            response = http.request(
                method, self.base + path, timeout=(3, 15), allow_redirects=False, **kw
            )
            hit = Hit(kind, started, time.monotonic() - started, response.status_code)
            hit.body = response.text
        except requests.RequestException as error:
            hit = Hit(kind, started, time.monotonic() - started, None, body=repr(error))
        with self.lock:
            self.hits.append(hit)
            self.in_flight -= 1
        return hit

    def pause(self) -> None:
        """Let the requests under way finish and send no more."""
        self.going.clear()
        assert wait_until(lambda: self.in_flight == 0, timeout=SLOW * 2)


def _sign_in(base: str) -> requests.Session:
    http = requests.Session()
    page = http.get(f"{base}/sign-in/", timeout=10)
    token = form_data(page.text)["csrfmiddlewaretoken"]
    done = http.post(
        f"{base}/sign-in/",
        {"username": DEMO_USER, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
        timeout=10,
        allow_redirects=False,
    )
    assert done.status_code == 302, done.text[:500]
    return http


def _writer(load: Load, n: int, target: dict, http: requests.Session) -> None:
    try:
        _write(load, n, target, http)
    except Exception:  # noqa: BLE001 - reported by the test
        load.errors.append(traceback.format_exc())


def _write(load: Load, n: int, target: dict, http: requests.Session) -> None:
    """One case manager's browser (signed in): find the child, open it,
    record a session, change the family's notes; again and again. A session
    form that would not load is submitted as it was last loaded (a user who
    opened the form before the outage presses Save during it), so saves reach
    the database while it is down, not only the pages."""
    session_url = f"/cases/cases/{target['case']}/sessions/new"
    family_url = f"/cases/families/{target['family']}/edit"
    session_form: dict | None = None
    i = 0
    while not load.stop.is_set():
        i += 1
        load.request(http, "find", "GET", "/cases/children/", params={"q": target["last_name"]})
        load.request(http, "child", "GET", f"/cases/children/{target['child']}/")

        form = load.request(http, "session-form", "GET", session_url)
        if form.status == 200:
            session_form = form_data(form.body)
        if session_form is not None:
            marker = f"load session {n}-{i}"
            data = {
                **session_form,
                "kind": "one_to_one",
                "day_0": "3",
                "day_1": "11",
                "day_2": "2026",
                "start": "10:30",
                "attendance": "attended",
                "notes": marker,
            }
            load.request(http, "session-post", "POST", session_url, data=data).marker = marker

        form = load.request(http, "family-form", "GET", family_url)
        if form.status == 200:  # carries the version it was loaded at
            marker = f"load family {n}-{i}"
            data = {**form_data(form.body), "notes": marker}
            load.request(http, "family-post", "POST", family_url, data=data).marker = marker


def _prober(load: Load) -> None:
    http = requests.Session()
    while not load.stop.is_set():
        load.request(http, "healthz", "GET", "/healthz")
        time.sleep(0.1)


SHIM = """\
# The production settings with DEBUG off, except that {% static %} does not
# need a collectstatic manifest (STATIC_ROOT is not configurable).
from yos.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
"""


@pytest.fixture(scope="module")
def site():
    require_server()
    cluster, url, private = copy_of_seed("yos_restart")
    shim = cluster.work / "shim"
    shim.mkdir(exist_ok=True)
    (shim / "restart_settings.py").write_text(SHIM)
    port = free_port(18300)
    env = app_env(
        url,
        private,
        DEBUG="0",
        SECRET_KEY="test-only-" + "x" * 40,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        DJANGO_SETTINGS_MODULE="restart_settings",
        PYTHONPATH=f"{shim}{os.pathsep}{ROOT}",
    )
    log = (cluster.work / "gunicorn.log").open("w")
    web = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "yos.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4", "--timeout", "60", "--graceful-timeout", "3",
         "--no-control-socket"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return requests.get(f"{base}/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    try:
        assert wait_until(up, timeout=30, step=0.2), (cluster.work / "gunicorn.log").read_text()
        yield cluster, url, base, cluster.work / "gunicorn.log"
    finally:
        web.send_signal(signal.SIGTERM)
        try:
            web.wait(10)
        except subprocess.TimeoutExpired:
            web.kill()
            web.wait()
        log.close()


def _targets(conn) -> list[dict]:
    """One open case per family for each writer, so that two writers never
    edit the same family (a stale edit is refused by design, not a fault)."""
    rows = conn.execute(
        """
        SELECT DISTINCT ON (f.id) f.id, ch.id, ch.last_name, c.id
          FROM cases_family f
          JOIN yos_user u ON u.id = f.case_manager_id AND u.username = %s
          JOIN cases_child ch ON ch.family_id = f.id
          JOIN cases_case c ON c.child_id = ch.id AND c.status = 'open'
         ORDER BY f.id, c.id
         LIMIT %s
        """,
        [DEMO_USER, WRITERS],
    ).fetchall()
    assert len(rows) == WRITERS
    return [dict(family=f, child=ch, last_name=name, case=c) for f, ch, name, c in rows]


def _server_errors(log) -> list[str]:
    """The exception lines gunicorn's log has (for a failure's message)."""
    return [
        line
        for line in log.read_text().splitlines()
        if re.match(r"^\w+(\.\w+)*(Error|Exception): ", line)
    ]


def _first_ok_after(load: Load, moment: float, timeout: float) -> float | None:
    """Seconds from moment until the end of the first successful page or save
    started after it (healthz not counted)."""

    def found():
        with load.lock:
            return [h for h in load.hits if h.kind != "healthz" and h.started >= moment and h.ok]

    if not wait_until(lambda: bool(found()), timeout=timeout, step=0.05):
        return None
    return min(h.ended for h in found()) - moment


@dataclass
class Run:
    """What the load saw, and when things happened (time.monotonic())."""

    hits: list[Hit]
    calm: list[Hit]
    at: dict[str, float]  # moments: see the run fixture
    recovery: dict[str, float | None]  # fault → seconds to the first success
    families_before: dict[int, int]
    log: object

    def between(self, start: str, end: str, *, healthz: bool | None = None) -> list[Hit]:
        """Requests started at or after moment start and ended before end."""
        return [
            h
            for h in self.hits
            if self.at[start] <= h.started
            and h.ended <= self.at[end]
            and (healthz is None or (h.kind == "healthz") == healthz)
        ]


@pytest.fixture(scope="module")
def run(site) -> Run:
    """The load, with three faults in the middle of it:

    1. `pg_ctl restart -m fast` under load;
    2. `pg_ctl stop -m fast` under load, OUTAGE seconds down, `pg_ctl start`;
    3. a quiet restart: the users pause, the database restarts, the users go
       on. Each web thread's persistent connection (CONN_MAX_AGE) is now
       dead without any request having noticed: only the health check at the
       start of the next request (CONN_HEALTH_CHECKS) stands between that
       request and an error page.
    """
    cluster, _url, base, log = site
    with cluster.connect("yos_restart") as conn:
        targets = _targets(conn)
        families_before = dict(
            conn.execute(
                "SELECT id, version FROM cases_family WHERE id = ANY(%s)",
                [[t["family"] for t in targets]],
            ).fetchall()
        )

    load = Load(base)
    load.going.set()
    threads = [
        threading.Thread(target=_writer, args=(load, n, t, _sign_in(base)), daemon=True)
        for n, t in enumerate(targets)
    ]
    threads.append(threading.Thread(target=_prober, args=(load,), daemon=True))
    at: dict[str, float] = {"start": time.monotonic()}
    recovery: dict[str, float | None] = {}
    for thread in threads:
        thread.start()
    try:
        # The load runs against a healthy database first: every writer saves.
        def warmed_up():
            return sum(h.kind.endswith("-post") and h.ok for h in list(load.hits)) >= 2 * WRITERS

        assert wait_until(warmed_up, timeout=30), [(h.kind, h.status) for h in load.hits]
        calm = list(load.hits)

        at["restart"] = time.monotonic()
        cluster.restart("fast")
        at["restarted"] = time.monotonic()
        recovery["restart"] = _first_ok_after(load, at["restarted"], RECOVERY_LIMIT)
        time.sleep(1.5)

        at["stop"] = time.monotonic()
        cluster.stop("fast")
        at["stopped"] = time.monotonic()
        time.sleep(OUTAGE)
        at["start_again"] = time.monotonic()
        cluster.start()
        at["started"] = time.monotonic()
        recovery["stop"] = _first_ok_after(load, at["started"], RECOVERY_LIMIT)
        time.sleep(1.5)

        load.pause()
        at["quiet"] = time.monotonic()
        cluster.restart("fast")
        at["resume"] = time.monotonic()
        load.going.set()
        recovery["quiet"] = _first_ok_after(load, at["resume"], RECOVERY_LIMIT)
        time.sleep(2)  # load after recovery: it must all succeed
        at["end"] = time.monotonic()
    finally:
        load.going.set()
        load.stop.set()
        for thread in threads:
            thread.join(30)
    print(
        f"\n{len(load.hits)} requests in {at['end'] - at['start']:.1f}s. "
        f"restart -m fast under load took {at['restarted'] - at['restart']:.2f}s, first success "
        f"{_s(recovery['restart'])} after it; stop took {at['stopped'] - at['stop']:.2f}s, "
        f"down {OUTAGE:.0f}s, start took {at['started'] - at['start_again']:.2f}s, first "
        f"success {_s(recovery['stop'])} after it; quiet restart took "
        f"{at['resume'] - at['quiet']:.2f}s, first success {_s(recovery['quiet'])} after it"
    )
    assert not load.errors, "\n".join(load.errors) + log.read_text()[-5000:]
    return Run(list(load.hits), calm, at, recovery, families_before, log)


def _s(seconds: float | None) -> str:
    return "never" if seconds is None else f"{seconds:.2f}s"


def test_the_load_works_on_a_healthy_database(run):
    assert run.calm and all(h.ok for h in run.calm), [
        (h.kind, h.status) for h in run.calm if not h.ok
    ]
    assert {"find", "child", "session-form", "session-post", "family-form", "family-post"} <= {
        h.kind for h in run.calm
    }
    assert all(h.status == 302 for h in run.hits if h.kind.endswith("-post") and h.ok)


def test_every_request_is_answered_fast_and_every_failure_is_the_generic_page(run):
    assert not [h for h in run.hits if h.status is None], [
        h.body for h in run.hits if h.status is None
    ]
    slowest = max(run.hits, key=lambda h: h.took)
    assert slowest.took < SLOW, (slowest.kind, slowest.took)
    failures = [h for h in run.hits if not h.ok]
    assert failures, "the faults did not reach a single request"
    for h in failures:
        assert h.status in (500, 503), (h.kind, h.status, h.body[:300])
        if h.kind != "healthz":
            assert any(text in h.body for text in GENERIC), (h.kind, h.status, h.body[:300])
        assert not [leak for leak in LEAKS if leak in h.body], (h.kind, h.body[:500])
    pages = run.between("stopped", "start_again", healthz=False)
    assert len(pages) >= 10 and not [h for h in pages if h.ok]
    # While the database is down a page is "unavailable, try again" (503 with
    # Retry-After), not "broken" (500): yos.errors.server_error.
    assert {h.status for h in pages} == {503}, sorted({h.status for h in pages})
    print(
        f"\nwhile down: {len(pages)} page requests, statuses {sorted({h.status for h in pages})}, "
        f"slowest {max(h.took for h in pages):.2f}s; slowest request of the run "
        f"{slowest.took:.2f}s ({slowest.kind})"
    )


def test_healthz_answers_503_while_the_database_is_down(run):
    probes = run.between("stopped", "start_again", healthz=True)
    assert len(probes) >= 5
    print(
        f"\n/healthz while down: {[h.status for h in probes]}, slowest {max(h.took for h in probes):.2f}s"
    )
    assert {h.status for h in probes} == {503}, (
        [h.status for h in probes],
        probes[0].body[:200],
        _server_errors(run.log)[-3:],
    )
    assert all(h.body.startswith("{") and '"database": "down"' in h.body for h in probes)


def test_the_service_recovers_within_30_seconds_and_nobody_sees_a_stale_connection(run):
    assert run.recovery == {
        fault: seconds
        for fault, seconds in run.recovery.items()
        if seconds is not None and seconds <= RECOVERY_LIMIT
    }, run.recovery
    assert set(run.recovery) == {"restart", "stop", "quiet"}
    # Once the database accepts connections again every request succeeds: the
    # persistent connections (CONN_MAX_AGE) the restart broke are replaced at
    # the start of the next request (CONN_HEALTH_CHECKS), never shown to a user.
    # After the quiet restart no request had met the dead connections before.
    for start, end in (("restarted", "stop"), ("started", "quiet"), ("resume", "end")):
        after = run.between(start, end)
        assert len(after) > 10, (start, len(after))
        assert all(h.ok for h in after), (
            start,
            [(h.kind, h.status) for h in after if not h.ok],
            _server_errors(run.log)[-5:],
        )
    assert [h for h in run.between("resume", "end") if h.kind.endswith("-post") and h.ok]


def test_nothing_is_half_written(run, site):
    cluster = site[0]
    posts = [h for h in run.hits if h.kind.endswith("-post")]
    cut = [h for h in posts if not h.ok]
    in_flight = [
        h
        for h in cut
        if (h.started < run.at["restarted"] and h.ended > run.at["restart"])
        or (h.started < run.at["stopped"] and h.ended > run.at["stop"])
    ]
    assert cut, "no save was cut by the faults"
    with cluster.connect("yos_restart") as conn:
        assert broken(conn) == {}
        saved_sessions = dict(
            conn.execute(
                "SELECT s.notes, count(h.history_id) FROM cases_session s "
                "JOIN cases_historicalsession h ON h.id = s.id "
                "WHERE s.notes LIKE 'load session %' GROUP BY s.id, s.notes"
            ).fetchall()
        )
        family_history = conn.execute(
            "SELECT id, notes FROM cases_historicalfamily WHERE notes LIKE 'load family %' "
            "ORDER BY history_id"
        ).fetchall()
        families_now = dict(
            conn.execute(
                "SELECT id, version FROM cases_family WHERE id = ANY(%s)",
                [list(run.families_before)],
            ).fetchall()
        )
    told_saved = {h.marker for h in posts if h.ok}
    attempted = {h.marker for h in posts}
    # Sessions: every one the user was told was saved is there, every one
    # there was attempted, each with exactly one history row.
    sessions_told = {m for m in told_saved if m.startswith("load session")}
    assert sessions_told <= set(saved_sessions) <= attempted
    assert set(saved_sessions.values()) == {1}
    # Family changes: likewise, and each change raised the version by one.
    families_told = {m for m in told_saved if m.startswith("load family")}
    in_history = [notes for _, notes in family_history]
    assert families_told <= set(in_history) <= attempted
    assert len(in_history) == len(set(in_history))
    for family, version in families_now.items():
        changes = [n for f, n in family_history if f == family]
        assert version == run.families_before[family] + len(changes), family
    print(
        f"\nsaves: {len(told_saved)} confirmed, {len(cut)} cut by the faults "
        f"({len(in_flight)} of them in flight when the database went away); in the database "
        f"{len(saved_sessions)} sessions and {len(in_history)} family changes"
    )


def test_the_invariant_sql_finds_a_half_written_record():
    """The invariants are not vacuous: write what a request without its
    transaction could leave behind, and each is reported."""
    require_server()
    cluster, _url, _private = copy_of_seed("yos_invariants")
    with cluster.connect("yos_invariants") as conn:
        assert broken(conn) == {}
        case_id = conn.execute("SELECT min(id) FROM cases_case").fetchone()[0]
        session_id = conn.execute(
            "INSERT INTO cases_session (created_at, updated_at, version, case_id, kind, "
            "starts_at, attendance, absence_reason, notes) "
            "VALUES (now(), now(), 1, %s, 'group', now(), 'planned', '', 'no history') "
            "RETURNING id",
            [case_id],
        ).fetchone()[0]
        family_id = conn.execute("SELECT min(id) FROM cases_family").fetchone()[0]
        conn.execute("UPDATE cases_family SET version = version + 1 WHERE id = %s", [family_id])
        found = broken(conn)
    assert set(found) == {
        "cases_session: no '+' history row",
        "cases_family: newest history row is not the record",
        "cases_family: more versions than history rows",
    }
    assert found["cases_session: no '+' history row"] == [(session_id,)]
    assert [row[0] for row in found["cases_family: newest history row is not the record"]] == [
        family_id
    ]
    assert [row[0] for row in found["cases_family: more versions than history rows"]] == [family_id]
