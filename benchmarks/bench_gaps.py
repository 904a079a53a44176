"""Benchmark: gap scores for N respondents x 22 items (E and P) vs bare numpy means.

    python benchmarks/bench_gaps.py            # 1,000,000 respondents
    python benchmarks/bench_gaps.py --n 200000

The target (issue 2): ``sq.gap_scores`` at item level within 3x the time of a bare
numpy computation of the same means (E, P and P - E column means) measured in the
same run. Survey construction (validation, done once per data set) is timed
separately and not part of the ratio.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import servqual as sq


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
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

    base = best_of(baseline, args.repeat)
    print(f"servqual gap_scores benchmark: {n:,} respondents x {k} items (E and P)")
    print(f"  Survey(...) construction (validation, once): {t_build:8.3f} s")
    print(f"  baseline numpy means (E, P, P-E):            {base:8.3f} s")
    for level in ("item", "dimension", "overall"):
        t = best_of(lambda level=level: sq.gap_scores(survey, level=level), args.repeat)
        target = "  (target <= 3x)" if level == "item" else ""
        print(
            f"  gap_scores(level={level!r:<12}):            {t:8.3f} s   ratio {t / base:5.2f}x{target}"
        )


if __name__ == "__main__":
    main()
