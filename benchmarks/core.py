"""Same-run comparisons: a workload and its baseline timed in one process,
interleaved (A B, B A, A B, …) after a warm-up, reported as medians and the
median of the per-round ratios. Machines here are shared and noisy: the ratio
is the figure; absolute times are for information.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection


@dataclass
class Result:
    name: str
    workload: str
    baseline: str
    target: str
    workload_s: float | None = None
    baseline_s: float | None = None
    ratio: float | None = None
    max_ratio: float | None = None
    rounds: int = 0
    met: bool | None = None
    figures: dict = field(default_factory=dict)
    checks: dict = field(default_factory=dict)  # name → (passed, detail)
    skipped: str = ""

    def decide(self) -> None:
        """Met when the ratio is within max_ratio and every check passed."""
        if self.skipped:
            self.met = None
            return
        parts = []
        if self.max_ratio is not None and self.ratio is not None:
            parts.append(self.ratio <= self.max_ratio)
        parts.extend(bool(passed) for passed, _ in self.checks.values())
        self.met = all(parts) if parts else None

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "workload": self.workload,
            "baseline": self.baseline,
            "target": self.target,
            "workload_median_s": self.workload_s,
            "baseline_median_s": self.baseline_s,
            "median_ratio": self.ratio,
            "max_ratio": self.max_ratio,
            "rounds": self.rounds,
            "met": self.met,
            "figures": self.figures,
            "checks": {k: {"passed": p, "detail": d} for k, (p, d) in self.checks.items()},
            "skipped": self.skipped,
        }


def compare(
    result: Result,
    workload: Callable[[], object],
    baseline: Callable[[], object],
    *,
    repeat: int,
    warmup: int = 1,
) -> Result:
    """Time workload and baseline `repeat` times each, interleaved and
    alternating which goes first, after `warmup` untimed runs of each."""
    for _ in range(warmup):
        workload()
        baseline()
    a_times, b_times, ratios = [], [], []
    for i in range(repeat):
        order = [(workload, a_times), (baseline, b_times)]
        if i % 2:
            order.reverse()
        for func, times in order:
            start = time.perf_counter()
            func()
            times.append(time.perf_counter() - start)
        ratios.append(a_times[-1] / b_times[-1] if b_times[-1] > 0 else float("inf"))
    result.workload_s = statistics.median(a_times)
    result.baseline_s = statistics.median(b_times)
    result.ratio = statistics.median(ratios)
    result.rounds = repeat
    return result


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


class Recorder:
    """Records every statement sent (an execute wrapper, so it works whatever
    DEBUG says): (sql, params, many)."""

    def __init__(self):
        self.statements: list[tuple[str, object, bool]] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append((sql, params, many))
        return execute(sql, params, many, context)

    @property
    def queries(self) -> list[tuple[str, object, bool]]:
        """The statements without transaction control (BEGIN, SAVEPOINT…)."""
        return [
            s for s in self.statements if not s[0].lstrip().upper().startswith(TRANSACTION_CONTROL)
        ]


def record(func: Callable[[], object]) -> Recorder:
    recorder = Recorder()
    with connection.execute_wrapper(recorder):
        func()
    return recorder


def count_queries(func: Callable[[], object]) -> tuple[int, list[str]]:
    """The number of queries func sends (transaction control not counted)."""
    queries = record(func).queries
    return len(queries), [q[0] for q in queries]


def timed(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def rss_mb() -> float:
    """Resident memory of this process now (Linux), in MB."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        import os

        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # not Linux
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def render(results: list[Result], header: dict) -> str:
    lines = [" ".join(f"{k}={v}" for k, v in header.items()), ""]
    lines.append(
        f"{'benchmark':<17} {'workload':>10} {'baseline':>10} {'ratio':>7} {'target':>7}  met"
    )
    for r in results:
        if r.skipped:
            lines.append(f"{r.name:<17} skipped: {r.skipped}")
            continue
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "-"
        target = f"<={r.max_ratio:g}x" if r.max_ratio is not None else "-"
        met = {True: "yes", False: "NO", None: "-"}[r.met]
        lines.append(
            f"{r.name:<17} {fmt_s(r.workload_s):>10} {fmt_s(r.baseline_s):>10} "
            f"{ratio:>7} {target:>7}  {met}"
        )
    lines.append("")
    for r in results:
        if r.skipped:
            continue
        lines.append(f"[{r.name}] {r.workload}  vs  {r.baseline}  (target: {r.target})")
        for k, v in r.figures.items():
            lines.append(f"    {k}: {v}")
        for k, (passed, detail) in r.checks.items():
            lines.append(f"    check {k}: {'ok' if passed else 'FAILED'} ({detail})")
    return "\n".join(lines)
