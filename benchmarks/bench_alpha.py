"""Benchmark: servqual.cronbach_alpha against a bare numpy covariance formula.

Run ``python benchmarks/bench_alpha.py [--n 1000000] [--k 22] [--repeat 3]``.

Times ``sq.cronbach_alpha`` (ndarray and DataFrame input, complete data, Feldt CI,
with the full item table and Guttman's lambda 6) on n respondents × k items, and in
the same run the bare formula ``np.cov`` → ``k/(k-1) (1 - tr C / 1'C1)``; prints
the ratio (target ≤ 1.5×) and, if pingouin happens to be importable, the time of
``pingouin.cronbach_alpha``. Best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

import servqual as sq


def _best(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def bare_alpha(x: np.ndarray) -> float:
    c = np.cov(x, rowvar=False)
    k = c.shape[0]
    return k / (k - 1) * (1.0 - np.trace(c) / c.sum())


def make_data(n: int, k: int, seed: int = 0) -> np.ndarray:
    """One-factor 7-point ratings (float64), generated in chunks to bound memory."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, k))
    step = 200_000
    for start in range(0, n, step):
        m = min(step, n - start)
        f = rng.normal(size=(m, 1))
        raw = 4.0 + 1.1 * f + rng.normal(size=(m, k))
        out[start : start + m] = np.clip(np.rint(raw), 1, 7)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="respondents (default 1,000,000)")
    ap.add_argument("--k", type=int, default=22, help="items (default 22)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per timing; best is kept")
    args = ap.parse_args()

    x = make_data(args.n, args.k)
    df = pd.DataFrame(x, columns=[f"P{j + 1}" for j in range(args.k)])
    print(f"data: {args.n:,} respondents × {args.k} items (complete, float64)")

    t_np, a_np = _best(lambda: bare_alpha(x), args.repeat)
    t_sq, res = _best(lambda: sq.cronbach_alpha(x), args.repeat)
    t_df, res_df = _best(lambda: sq.cronbach_alpha(df), args.repeat)
    assert abs(res.alpha - a_np) < 1e-10 and abs(res_df.alpha - a_np) < 1e-10  # type: ignore[union-attr]

    print(f"numpy np.cov formula        {t_np:8.3f} s   alpha = {a_np:.6f}")
    print(f"sq.cronbach_alpha(ndarray)  {t_sq:8.3f} s   ratio = {t_sq / t_np:.2f}×")
    print(f"sq.cronbach_alpha(DataFrame){t_df:8.3f} s   ratio = {t_df / t_np:.2f}×")
    target = "met" if t_sq / t_np <= 1.5 else "NOT met"
    print(f"target ≤ 1.5× (ndarray): {target}")
    try:
        import pingouin  # optional; never installed by servqual
    except ImportError:
        print("pingouin not importable: skipped")
    else:
        t_pg, _ = _best(lambda: sq.cronbach_alpha(pingouin, data=df), args.repeat)
        print(f"pingouin.cronbach_alpha     {t_pg:8.3f} s   ratio = {t_pg / t_np:.2f}×")


if __name__ == "__main__":
    main()
