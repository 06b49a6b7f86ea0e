"""Backup and restore drill (SECURITY.md check 42).

On a throwaway cluster of this run's own (tests/pgcluster.py): the demo data
(its letters and contract PDFs are stored documents) plus a few uploads
(pgcluster.SEED) is backed up with scripts/backup.sh (pg_dump -Fc, then the private files),
restored with scripts/restore.sh into a database made with createdb and an
empty private directory, and compared with the original: every table's row
count and content, every sequence, the invariant SQL, every stored
document's file against its SHA-256, and the app's migrations all applied.
The scripts are the ones docs/operations.md tells an operator to run.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.pgcluster import (
    ROOT,
    app_env,
    broken,
    copy_of_seed,
    invariant_violations,
    manage,
    require_server,
)

BACKUP, RESTORE = ROOT / "scripts" / "backup.sh", ROOT / "scripts" / "restore.sh"


def _script(script: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(script), *args], env=env, capture_output=True, text=True, timeout=120
    )


def _tables(conn) -> list[str]:
    return [
        name
        for (name,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
    ]


def _snapshot(conn) -> dict:
    """Per table: row count and a digest of every row; per sequence: where it is."""
    tables = {}
    for table in _tables(conn):
        count, digest = conn.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) "
            f'FROM "{table}" t'
        ).fetchone()
        tables[table] = (count, digest)
    sequences = dict(
        conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        ).fetchall()
    )
    return {"tables": tables, "sequences": sequences}


@pytest.fixture(scope="module")
def drill():
    require_server()
    cluster, url, private = copy_of_seed("yos_backup")
    env = app_env(url, private, DEBUG="1", PG_BINDIR=str(cluster.bindir))
    backup = cluster.work / "backup"

    made = _script(BACKUP, env, str(backup))
    assert made.returncode == 0, made.stdout + made.stderr

    subprocess.run(
        [cluster.client("createdb"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres",
         "yos_restored"],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    restored_private = cluster.work / "restored-private"
    restored_env = app_env(
        cluster.url("yos_restored"), restored_private, DEBUG="1", PG_BINDIR=str(cluster.bindir)
    )
    done = _script(RESTORE, restored_env, str(backup))
    assert done.returncode == 0, done.stdout + done.stderr
    print("\n" + made.stdout + done.stdout)
    return cluster, env, restored_env, backup


def test_the_restored_database_has_every_row_and_sequence_of_the_original(drill):
    cluster, *_ = drill
    with cluster.connect("yos_backup") as original, cluster.connect("yos_restored") as restored:
        before, after = _snapshot(original), _snapshot(restored)
    counts = {table: count for table, (count, _) in before["tables"].items()}
    assert counts["yos_storeddocument"] >= 3 + 2  # the uploads and the demo's letters
    assert counts["cases_child"] > 0 and counts["cases_historicalcase"] > 0
    assert sum(counts.values()) > 500
    assert set(after["tables"]) == set(before["tables"])
    assert {t: c for t, (c, _) in after["tables"].items()} == counts  # the counts are equal
    assert after["tables"] == before["tables"]  # and so is every row
    assert after["sequences"] == before["sequences"] and before["sequences"]
    print(
        f"\n{len(counts)} tables, {sum(counts.values())} rows, "
        f"{len(before['sequences'])} sequences: equal after the restore"
    )


def test_the_invariant_sql_finds_the_same_nothing_after_the_restore(drill):
    cluster, *_ = drill
    with cluster.connect("yos_backup") as original, cluster.connect("yos_restored") as restored:
        assert broken(original) == {}
        assert broken(restored) == {}
        assert invariant_violations(restored).keys() == invariant_violations(original).keys()


def test_every_stored_document_is_restored_with_its_bytes(drill):
    cluster, env, restored_env, _ = drill
    restored_root = Path(restored_env["PRIVATE_STORAGE_ROOT"])
    with cluster.connect("yos_restored") as conn:
        documents = conn.execute("SELECT file, sha256, size FROM yos_storeddocument").fetchall()
    assert len(documents) >= 5
    for name, sha256, size in documents:
        content = (restored_root / name).read_bytes()
        assert (hashlib.sha256(content).hexdigest(), len(content)) == (sha256, size), name
    on_disk = {str(p.relative_to(restored_root)) for p in restored_root.rglob("*") if p.is_file()}
    assert on_disk == {name for name, _, _ in documents}


def test_the_app_runs_on_the_restored_database(drill):
    _, _, restored_env, _ = drill
    out = manage(
        restored_env,
        "shell",
        "-c",
        # Every migration applied (exits non-zero otherwise), and a document
        # read through the app's storage.
        "from django.core.management import call_command\n"
        "call_command('migrate', check_unapplied=True, verbosity=0)\n"
        "from yos.models import StoredDocument\n"
        "doc = StoredDocument.objects.get(reason='upload 1')\n"
        "print(doc.file.open('rb').read(8) == b'\\x89PNG\\r\\n\\x1a\\n')",
    )
    assert out.strip().splitlines()[-1] == "True"


def test_restore_refuses_a_damaged_backup_or_a_database_in_use(drill):
    cluster, env, restored_env, backup = drill
    damaged = cluster.work / "damaged"
    shutil.copytree(backup, damaged)
    with (damaged / "private.tar").open("r+b") as f:
        f.seek(1000)
        byte = f.read(1)
        f.seek(1000)
        f.write(bytes([byte[0] ^ 0xFF]))
    fresh = cluster.work / "nowhere"
    refused = _script(RESTORE, {**restored_env, "PRIVATE_STORAGE_ROOT": str(fresh)}, str(damaged))
    assert refused.returncode == 1 and "checksums do not match" in refused.stderr
    assert not fresh.exists()

    # The restored database has tables now: restoring over it is refused.
    again = _script(RESTORE, {**restored_env, "PRIVATE_STORAGE_ROOT": str(fresh)}, str(backup))
    assert again.returncode == 1 and "already has" in again.stderr
    assert not fresh.exists()

    # A backup never lands in a used directory either.
    reused = _script(BACKUP, env, str(backup))
    assert reused.returncode == 2 and "not empty" in reused.stderr
