"""Load on loopback: gunicorn (2 workers x threads, DEBUG off, static files
collected as in production) against this database, and wrk (one keep-alive
connection per simulated user; a small threaded Python generator where wrk
is not installed) asking in turn for the case list, a child page and a name
search, signed in as a case manager."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.urls import reverse

from benchmarks.core import Result

BASE_DIR = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    user = db.get("USER") or "postgres"
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


def collect_static() -> None:
    """collectstatic into STATIC_ROOT, as the Dockerfile does (DEBUG off
    serves the hashed names from its manifest)."""
    env = dict(os.environ, DEBUG="false", SECRET_KEY=settings.SECRET_KEY)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=BASE_DIR, env=env, check=True,
    )  # fmt: skip


def start_gunicorn(port: int, workers: int, threads: int) -> subprocess.Popen:
    collect_static()
    env = dict(os.environ)
    env.update(
        DATABASE_URL=_database_url(),
        # As in production: DEBUG off, with collectstatic's manifest (collect()).
        DEBUG="false",
        SECRET_KEY=settings.SECRET_KEY,  # the session cookie is signed with it
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
    )
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    proc = subprocess.Popen(
        [gunicorn, "yos.wsgi", "-w", str(workers), "--threads", str(threads),
         "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            if c.getresponse().status in (200, 503):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("gunicorn did not start: " + proc.stderr.read().decode()[-2000:])


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def session_cookie(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def load(ctx) -> Result:
    from benchmarks.pages import users
    from cases.models import Child

    r = Result(
        "load",
        f"{ctx.users} users for {ctx.duration}s on gunicorn 2 workers x {ctx.threads} threads",
        "-",
        "zero errors, p95 < 300 ms; requests/s reported",
        max_ratio=None,
    )
    if connection.vendor != "postgresql":
        r.skipped = "load needs PostgreSQL (SQLite serialises the writers)"
        return r
    cm, _ = users()
    if cm is None:
        r.skipped = "no seeded case manager"
        return r
    children = list(
        Child.objects.filter(family__case_manager=cm)
        .order_by("id")
        .values_list("id", flat=True)[:50]
    )
    names = list(
        Child.objects.filter(family__case_manager=cm).values_list("last_name", flat=True)[:20]
    ) or ["Smith"]
    paths = [reverse("cases:find-child")]
    paths += [reverse("cases:child-detail", args=[pk]) for pk in children]
    paths += [reverse("cases:find-child") + "?" + urlencode({"q": n}) for n in names]
    kinds = {"list": 0, "child": 0, "search": 0}
    cookie = session_cookie(cm)
    connection.close()  # the server gets the database to itself
    port = _free_port()
    proc = start_gunicorn(port, 2, ctx.threads)
    if shutil.which("wrk"):
        try:
            rotation = []
            for k in range(max(len(children), len(names), 1)):
                rotation.append(paths[0])
                if children:
                    rotation.append(paths[1 + k % len(children)])
                rotation.append(paths[1 + len(children) + k % len(names)])
            return _wrk(r, port, rotation, cookie, ctx)
        finally:
            stop(proc)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + ctx.duration

    def user(n: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = n
        mine, errs = [], []
        while time.monotonic() < stop_at:
            # one in three of each: list, a child page, a search
            kind = ("list", "child", "search")[i % 3]
            if kind == "list":
                path = paths[0]
            elif kind == "child":
                path = paths[1 + (i // 3) % max(1, len(children))] if children else paths[0]
            else:
                path = paths[1 + len(children) + (i // 3) % len(names)]
            i += 1
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errs.append(f"{response.status} {path}")
            except (OSError, http.client.HTTPException) as error:
                errs.append(f"{type(error).__name__} {path}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(time.perf_counter() - start)
            with lock:
                kinds[kind] += 1
        with lock:
            latencies.extend(mine)
            errors.extend(errs)

    try:
        threads = [threading.Thread(target=user, args=(n,)) for n in range(ctx.users)]
        began = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - began
    finally:
        stop(proc)
    if not latencies:
        r.checks["requests made"] = (False, "none")
        return r
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    r.workload_s = statistics.median(latencies)
    r.figures["requests"] = f"{len(latencies):,} ({kinds})"
    r.figures["requests per second"] = f"{len(latencies) / elapsed:.1f}"
    r.figures["latency median / p95 / max"] = (
        f"{statistics.median(latencies) * 1000:.0f} / {p95 * 1000:.0f} / "
        f"{latencies[-1] * 1000:.0f} ms"
    )
    r.figures["errors"] = f"{len(errors)}" + (f" (first: {errors[0]})" if errors else "")
    r.checks["zero errors"] = (not errors, f"{len(errors)} errors")
    r.checks["p95 < 300 ms"] = (p95 < 0.3, f"{p95 * 1000:.0f} ms")
    return r


WRK_SCRIPT = """
local paths = {%(paths)s}
local i = 0
local threads = {}
not_ok = 0
setup = function(thread)
  table.insert(threads, thread)
end
response = function(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["Cookie"] = "%(cookie)s"})
end
done = function(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("not_ok") end
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d %%.0f %%.0f %%.0f\\n",
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, bad, summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency.max))
end
"""


def _wrk(r: Result, port: int, rotation: list[str], cookie: str, ctx) -> Result:
    """Drive the server with wrk: ctx.users connections on 2 threads for
    ctx.duration seconds, each request the next path of the rotation (a
    third each of list, child page and search)."""
    import tempfile

    script = WRK_SCRIPT % {
        "paths": ", ".join(f'"{p}"' for p in rotation),
        "cookie": cookie,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(
            ["wrk", "-t", "2", "-c", str(ctx.users), "-d", f"{ctx.duration}s",
             "--timeout", "30s", "-s", f.name, f"http://127.0.0.1:{port}/"],
            capture_output=True, text=True, check=True, timeout=ctx.duration + 120,
        ).stdout  # fmt: skip
    finally:
        os.unlink(f.name)
    m = re.search(r"RESULT (.*)", out)
    if m is None:
        r.checks["wrk ran"] = (False, out[-500:])
        return r
    n, duration_us, connect, read, write, status, timeout, p50, p95, top = map(
        int, m.group(1).split()
    )
    errors = connect + read + write + status + timeout
    r.workload_s = p50 / 1e6
    r.figures["generator"] = f"wrk, {ctx.users} connections, 2 threads"
    r.figures["requests"] = f"{n:,} (a third each of list, child page, search)"
    r.figures["requests per second"] = f"{n / (duration_us / 1e6):.1f}"
    r.figures["latency median / p95 / max"] = (
        f"{p50 / 1000:.0f} / {p95 / 1000:.0f} / {top / 1000:.0f} ms"
    )
    r.figures["errors"] = (
        f"{errors} (connect {connect}, read {read}, write {write}, "
        f"not 200 {status}, timeout {timeout})"
    )
    r.checks["zero errors"] = (errors == 0, f"{errors} errors")
    r.checks["p95 < 300 ms"] = (p95 < 300_000, f"{p95 / 1000:.0f} ms")
    return r
