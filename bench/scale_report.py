"""The scale benchmark's table: one row per operation, its limit, the ratio and the target."""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection


@dataclass
class Row:
    operation: str
    measured: str
    limit: str
    ratio: float | None
    target: str
    ok: bool
    extra: str = ""
    mark: str = ""


@dataclass
class Report:
    judged: bool  # full size: targets decide the exit status
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        print(text, flush=True)
        self.notes.append(text)

    def add(
        self,
        operation: str,
        measured: str,
        limit: str,
        ratio: float | None,
        target: str,
        ok: bool,
        extra: str = "",
        *,
        always: bool = False,  # judged at every size (size-independent: query counts)
    ) -> None:
        mark = "PASS" if ok else ("FAIL" if (self.judged or always) else "info")
        judged_ok = ok or not (self.judged or always)
        self.rows.append(Row(operation, measured, limit, ratio, target, judged_ok, extra, mark))
        ratio_text = f"{ratio:.2f}×" if ratio is not None else "-"
        print(f"{mark}  {operation}: {measured} vs {limit} = {ratio_text} ({target}) {extra}")

    def print(self) -> int:
        headers = ("operation", "measured", "limit", "ratio", "target", "result", "details")
        table = [
            (
                r.operation,
                r.measured,
                r.limit,
                f"{r.ratio:.2f}×" if r.ratio is not None else "-",
                r.target,
                r.mark,
                r.extra,
            )
            for r in self.rows
        ]
        print()
        for text in self.notes:
            print(text)
        print()
        print("| " + " | ".join(headers) + " |")
        print("|" + "---|" * len(headers))
        for line in table:
            print("| " + " | ".join(line) + " |")
        failed = [r for r in self.rows if not r.ok]
        print(f"\n{len(self.rows) - len(failed)} passed, {len(failed)} failed")
        return 1 if failed else 0


@contextmanager
def count_queries(match: str = "") -> Iterator[list[int]]:
    """Count the queries run inside the block (those containing `match`, when given)."""
    counted = [0]

    def wrapper(execute, sql, params, many, context):
        if match in sql:
            counted[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield counted


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


#: The median of the last `p95` measurement (shared machines: the p95 is the noisy tail).
last_median = [0.0]


#: Calls a p95 is taken over: with 20, the "exclusive" 95th percentile is about the slowest call,
#: so one collector pause or a neighbour's burst decided it; 60 give a real 95th percentile.
P95_RUNS = 60


def p95(fn: Callable[[], object], runs: int = P95_RUNS) -> float:
    """95th percentile wall time of `runs` calls, after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    last_median[0] = statistics.median(times)
    if len(times) < 2:
        return times[0]
    return statistics.quantiles(times, n=20, method="inclusive")[-1]


def p95_text(fn: Callable[[], object], runs: int = P95_RUNS) -> tuple[float, str]:
    """(p95, "p95 X ms (median Y ms)")."""
    value = p95(fn, runs)
    return value, f"p95 {ms(value)} (median {ms(last_median[0])})"


def best(fn: Callable[[], object], runs: int = 3) -> float:
    return min(timed(fn)[0] for _ in range(runs))


def peak_memory(fn: Callable[[], object]) -> tuple[int, object]:
    """Peak Python memory (tracemalloc) above what was allocated before the call."""
    tracemalloc.start()
    try:
        base, _peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        result = fn()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - base, result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"
