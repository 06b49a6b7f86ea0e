"""bench: runs on a tiny seeded data set and reports ratios (never timings)."""

import json

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from benchmarks import core

pytestmark = pytest.mark.django_db

ALWAYS = [
    "save-history",
    "bulk-history",
    "case-list",
    "child-page",
    "deep-page",
    "history-timeline",
]


@pytest.fixture
def seeded():
    call_command(
        "seed_scale", children=20, seed=3, anchor="2026-11-25", stdout=open("/dev/null", "w")
    )


def test_bench_prints_medians_and_ratios_and_writes_json(seeded, tmp_path, capsys):
    out = tmp_path / "bench.json"
    debug = settings.DEBUG
    call_command(
        "bench",
        only=",".join(ALWAYS + ["nightly-job", "dashboard", "name-search"]),
        repeat=1,
        json_file=str(out),
        anchor="2026-11-25",
    )
    printed = capsys.readouterr().out
    assert "benchmark" in printed and "ratio" in printed
    data = json.loads(out.read_text())
    results = {r["name"]: r for r in data["results"]}
    for name in ALWAYS:
        assert not results[name]["skipped"], results[name]["skipped"]
        assert results[name]["median_ratio"] > 0
        assert name in printed
    assert results["save-history"]["checks"]["one extra query"]["detail"].endswith("extra")
    assert results["case-list"]["figures"]["status"] == 200
    assert isinstance(results["child-page"]["figures"]["queries"], int)
    # a benchmark that cannot run here says why instead of failing
    for r in results.values():
        assert r["median_ratio"] is not None or r["skipped"] or r["max_ratio"] is None
    assert settings.DEBUG == debug  # restored after the run


def test_letters_are_issued_once_and_counted_per_second(seeded, tmp_path):
    out = tmp_path / "letters.json"
    call_command("bench", only="letters", repeat=1, letters=2, json_file=str(out),
                 anchor="2026-11-25", stdout=open("/dev/null", "w"))  # fmt: skip
    result = json.loads(out.read_text())["results"][0]
    assert result["checks"]["every letter issued, a rerun issues 0"]["detail"] == "2 then 0"
    assert result["median_ratio"] > 0
    assert "letters per second (one process, one core)" in result["figures"]


def test_the_print_pack_bench_puts_every_letter_in_one_pdf_and_rolls_back(tmp_path):
    from yos.models import Letter, PrintPack

    out = tmp_path / "pack.json"
    call_command("bench", only="print-pack", repeat=1, pack_letters=3, json_file=str(out),
                 stdout=open("/dev/null", "w"))  # fmt: skip
    result = json.loads(out.read_text())["results"][0]
    assert result["checks"]["every letter in, one page each"]["detail"] == "3 letters, 3 pages"
    assert result["median_ratio"] > 0
    assert (Letter.objects.count(), PrintPack.objects.count()) == (0, 0)


def test_an_unknown_benchmark_is_refused():
    with pytest.raises(CommandError, match="No such benchmark: fastest"):
        call_command("bench", only="fastest")


def test_compare_interleaves_and_alternates_which_runs_first():
    calls = []
    result = core.Result("x", "a", "b", "t")
    core.compare(result, lambda: calls.append("A"), lambda: calls.append("B"), repeat=3, warmup=1)
    assert calls == ["A", "B", "A", "B", "B", "A", "A", "B"]
    assert result.rounds == 3 and result.ratio is not None


def test_recorded_queries_leave_out_transaction_control():
    def work():
        with transaction.atomic(), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")

    recorder = core.record(work)
    assert [q[0] for q in recorder.queries] == ["SELECT 1"]


def test_a_result_is_met_only_when_the_ratio_and_every_check_pass():
    ok = core.Result("x", "a", "b", "t", ratio=1.2, max_ratio=1.5, checks={"c": (True, "")})
    slow = core.Result("x", "a", "b", "t", ratio=1.8, max_ratio=1.5)
    failing = core.Result("x", "a", "b", "t", ratio=1.0, max_ratio=1.5, checks={"c": (False, "")})
    for r in (ok, slow, failing):
        r.decide()
    assert (ok.met, slow.met, failing.met) == (True, False, False)
