"""Benchmark (issue 13): time and memory of item-level gap scores vs numpy nanmean/nanstd.

    python benchmarks/bench_gaps_memory.py                  # 5,000,000 respondents
    python benchmarks/bench_gaps_memory.py --rows 1000000   # quick check

Data: N respondents × 44 ratings (SERVQUAL-22, E and P, 1-7) with 5% of the
ratings missing at random, held in a :class:`servqual.Survey` (pairwise). Each
measurement runs in a fresh process (the two alternate, ``--repeat`` times each;
medians are reported) and covers only the computation, not building the data:

* ``servqual`` - ``sq.gap_scores(survey, level="item")``;
* ``numpy``    - the same numbers by hand on the same arrays: ``g = P - E``,
  ``np.nanmean`` of P, E and g and ``np.nanstd(g, ddof=1)`` per column.

Memory is the increase of the peak over the memory held before the computation,
two ways: the peak of traced allocations (``tracemalloc``, which numpy reports
to; a second run of the computation) and the peak resident set (``VmHWM`` in
``/proc/self/status`` after resetting it through ``/proc/self/clear_refs``,
Linux; the timed run). The target: servqual within 1.5x of numpy in time and
in memory. BLAS runs on one thread in the measured processes (the numpy baseline
uses none; on a shared machine a multi-threaded BLAS times the contention).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc

import numpy as np

K = 22
TARGET = 1.5


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:  # pragma: no cover - not Linux
        return None
    return None


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:  # pragma: no cover - not Linux / not allowed
        return False


def make_survey(rows: int, seed: int = 0):
    import pandas as pd

    import servqual as sq

    rng = np.random.default_rng(seed)
    x = rng.integers(1, 8, size=(rows, 2 * K)).astype(np.float64)
    x[rng.random(x.shape) < 0.05] = np.nan
    cols = [f"E{j}" for j in range(1, K + 1)] + [f"P{j}" for j in range(1, K + 1)]
    frame = pd.DataFrame(x, columns=cols, copy=False)
    del x
    survey = sq.Survey(frame, "servqual22")
    del frame
    return survey


def task(method: str, rows: int) -> dict:
    import gc
    import warnings

    import servqual as sq

    warnings.simplefilter("ignore")
    survey = make_survey(rows)
    E, P = survey.matrix("E"), survey.matrix("P")

    def run_servqual():
        return sq.gap_scores(survey, level="item").to_frame()[["gap", "sd"]].to_numpy()

    def run_numpy():
        g = P - E
        np.nanmean(P, axis=0)
        np.nanmean(E, axis=0)
        mean = np.nanmean(g, axis=0)
        sd = np.nanstd(g, axis=0, ddof=1)
        return np.column_stack([mean, sd])

    fn = run_servqual if method == "servqual" else run_numpy
    gc.collect()
    rss0 = _status_kb("VmRSS")
    reset = _reset_peak()
    t0 = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t0
    hwm = _status_kb("VmHWM")
    rss_peak_mb = (hwm - rss0) / 1024.0 if reset and hwm is not None and rss0 else float("nan")
    del out
    gc.collect()
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    res = fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "seconds": seconds,
        "traced_mb": (peak - base) / 2**20,
        "rss_mb": rss_peak_mb,
        "data_mb": (E.nbytes + P.nbytes) / 2**20,
        "result": res.tolist(),
    }


def run_once(method: str, rows: int) -> dict:
    cmd = [sys.executable, __file__, "--task", method, "--rows", str(rows)]
    env = dict(os.environ)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    res = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    if res.returncode != 0:
        raise SystemExit(f"{method} failed:\n{res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--repeat", type=int, default=3, help="fresh processes per method")
    ap.add_argument("--task", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.task:
        print(json.dumps(task(args.task, args.rows)))
        return
    print(
        f"Item-level gap scores, {args.rows:,} respondents × {2 * K} ratings (5% missing); "
        f"{args.repeat} fresh processes per method, alternating; medians"
    )
    runs: dict[str, list[dict]] = {"servqual": [], "numpy": []}
    for _ in range(args.repeat):
        for method in runs:
            runs[method].append(run_once(method, args.rows))

    def med(method: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[method])

    print(f"  data held by the survey: {runs['numpy'][0]['data_mb']:.0f} MB")
    print(f"  {'':<10} {'seconds':>9} {'traced MB':>10} {'peak RSS MB':>12}")
    for method in runs:
        print(
            f"  {method:<10} {med(method, 'seconds'):9.2f} {med(method, 'traced_mb'):10.0f} "
            f"{med(method, 'rss_mb'):12.0f}"
        )
    # ratios pair by pair (run k of servqual against run k of numpy), then the median
    ratios = {
        key: statistics.median(
            a[key] / b[key] for a, b in zip(runs["servqual"], runs["numpy"], strict=True)
        )
        for key in ("seconds", "traced_mb", "rss_mb")
    }
    for key, label in (
        ("seconds", "time"),
        ("traced_mb", "memory (traced)"),
        ("rss_mb", "memory (RSS)"),
    ):
        ok = "meets" if ratios[key] <= TARGET else "MISSES"
        print(f"  servqual / numpy {label:<16} {ratios[key]:5.2f}x  ({ok} the {TARGET}x target)")
    a = np.array(runs["servqual"][0]["result"])
    b = np.array(runs["numpy"][0]["result"])
    print(f"  max |difference| of gap and sd vs numpy: {np.max(np.abs(a - b)):.2e}")


if __name__ == "__main__":
    main()
