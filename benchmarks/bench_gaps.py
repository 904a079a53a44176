"""Benchmark: gap scores for N respondents x 22 items (E and P) vs bare numpy means.

    python benchmarks/bench_gaps.py            # 1,000,000 respondents
    python benchmarks/bench_gaps.py --rows 200000

The targets, each against a bare numpy computation of the same means measured in
the same run (the two alternate; the ratio is taken run by run, then the median):

* item level (issue 2): ``sq.gap_scores(level="item")`` within 3x of the E, P and
  P - E column means;
* dimension level (issue 10): ``sq.gap_scores(level="dimension")`` within 2x of
  numpy's per-dimension means: each respondent's mean of E and of P over the
  dimension's items, then the column means of E, P and P - E per dimension.

Survey construction (validation, done once per data set) is timed separately and
not part of the ratios. BLAS runs on one thread unless ``OPENBLAS_NUM_THREADS`` (or
``OMP_NUM_THREADS``/``MKL_NUM_THREADS``) is set: the numpy baselines use no BLAS,
and on a shared, busy machine a multi-threaded BLAS oversubscribes the cores and
times the contention rather than the work (as ``bench_scale.py``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy is imported; see the docstring

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import servqual as sq  # noqa: E402


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def paired(fn, base, repeat: int) -> tuple[float, float, float]:
    """Median seconds of ``fn`` and ``base`` run in turn, and the median of the ratios."""
    a, b = [], []
    for _ in range(repeat):
        a.append(timed(fn))
        b.append(timed(base))
    ratios = [x / y for x, y in zip(a, b, strict=True)]
    return statistics.median(a), statistics.median(b), statistics.median(ratios)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", "--n", dest="n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    n, k = args.n, 22
    e = rng.integers(1, 8, size=(n, k)).astype(np.float64)
    p = rng.integers(1, 8, size=(n, k)).astype(np.float64)
    frame = pd.DataFrame(
        np.hstack([e, p]), columns=[f"E{j}" for j in range(1, 23)] + [f"P{j}" for j in range(1, 23)]
    )
    t0 = time.perf_counter()
    survey = sq.Survey(frame, "servqual22")
    t_build = time.perf_counter() - t0
    E, P = survey.matrix("E"), survey.matrix("P")

    def baseline() -> None:
        E.mean(axis=0)
        P.mean(axis=0)
        (P - E).mean(axis=0)

    dims = [
        [codes.index(i.code) for i in d.items]
        for d in survey.instrument.quality_dimensions
        for codes in [list(survey.instrument.item_codes)]
    ]

    def baseline_dimension() -> None:
        for cols in dims:
            e_d = E[:, cols].mean(axis=1)
            p_d = P[:, cols].mean(axis=1)
            e_d.mean()
            p_d.mean()
            (p_d - e_d).mean()

    print(f"servqual gap_scores benchmark: {n:,} respondents x {k} items (E and P)")
    print(f"  Survey(...) construction (validation, once): {t_build:8.3f} s")
    print(f"  medians of {args.repeat} runs, each paired with its baseline")
    cases = [
        ("item", baseline, "numpy column means (E, P, P-E)", 3.0),
        ("dimension", baseline_dimension, "numpy per-dimension means", 2.0),
        ("overall", baseline, "numpy column means (E, P, P-E)", None),
    ]
    for level, base, what, target in cases:
        t, tb, ratio = paired(
            lambda level=level: sq.gap_scores(survey, level=level), base, args.repeat
        )
        goal = (
            f"  (target <= {target:g}x: {'met' if ratio <= target else 'MISSED'})" if target else ""
        )
        print(
            f"  gap_scores(level={level!r:<11}) {t:7.3f} s vs {what:<31} {tb:7.3f} s"
            f"   ratio {ratio:5.2f}x{goal}"
        )


if __name__ == "__main__":
    main()
