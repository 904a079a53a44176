"""Benchmark: servqual.polychoric against psych::polychoric.

Run ``python benchmarks/bench_polychoric.py [--repeat 3] [--no-r]`` from the
repository root.

Times ``sq.polychoric`` on

* 11 bfi items (A1–A5, C1–C5, E1) × their 2,615 complete rows
  (``tests/reference/factor_bfi.csv``) — the issue's yardstick is psych's 0.41 s;
* 44 simulated 7-point items × 100,000 respondents (two correlated factors,
  complete) — target < 5 s;

and, when ``Rscript`` with psych is on the PATH, ``psych::polychoric`` on the same
data in the same run (the data are written to a temporary CSV; R's time excludes
reading it), printing the ratio R / servqual. Best of ``--repeat`` runs for servqual;
psych runs once per data set (``--r-large`` also times psych on the 44 × 100,000
data, which takes minutes).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

import servqual as sq

ROOT = Path(__file__).resolve().parents[1]


def _best(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def make_data(n: int, k: int, seed: int = 0) -> pd.DataFrame:
    """Two-factor 7-point ratings: items load 0.7 on one of two factors (r = 0.4)."""
    rng = np.random.default_rng(seed)
    f = rng.multivariate_normal([0, 0], [[1, 0.4], [0.4, 1]], size=n)
    which = np.arange(k) % 2
    latent = 0.7 * f[:, which] + np.sqrt(1 - 0.49) * rng.normal(size=(n, k))
    cuts = np.array([-2.0, -1.3, -0.6, 0.0, 0.7, 1.4])  # skewed towards the top
    x = 1 + (latent[:, :, None] > cuts).sum(axis=2)
    return pd.DataFrame(x.astype(np.int8), columns=[f"P{j + 1}" for j in range(k)])


def time_psych(data: pd.DataFrame) -> float | None:
    """Elapsed seconds of psych::polychoric(x) in R (None when R or psych is missing)."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.csv"
        data.to_csv(path, index=False)
        code = (
            "suppressPackageStartupMessages(library(psych)); "
            f"x <- read.csv('{path.as_posix()}'); "
            "t <- system.time(p <- suppressWarnings(psych::polychoric(x)))[['elapsed']]; "
            "cat(t)"
        )
        proc = subprocess.run([rscript, "-e", code], capture_output=True, text=True)
    if proc.returncode != 0:
        print("psych::polychoric could not be timed:", proc.stderr.strip().splitlines()[-1:])
        return None
    return float(proc.stdout.strip().split()[-1])


def report(label: str, data: pd.DataFrame, repeat: int, with_r: bool, target: float | None):
    t_sq, res = _best(lambda: sq.polychoric(data), repeat)
    n, k = data.shape
    pairs = k * (k - 1) // 2
    line = f"{label:<28} {k:3d} items × {n:>7,} rows ({pairs:4d} pairs)  servqual {t_sq:7.3f} s"
    if target is not None:
        line += f"  (target < {target:g} s: {'met' if t_sq < target else 'NOT met'})"
    print(line)
    if with_r:
        t_r = time_psych(data)
        if t_r is None:
            print(f"{'':<28} psych::polychoric: skipped (Rscript/psych not available)")
        else:
            print(
                f"{'':<28} psych::polychoric {t_r:7.3f} s   ratio psych / servqual = "
                f"{t_r / t_sq:.1f}×"
            )
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="servqual runs per timing (best kept)")
    ap.add_argument("--no-r", action="store_true", help="do not time psych::polychoric")
    ap.add_argument("--r-large", action="store_true", help="also time psych on 44 × 100,000")
    args = ap.parse_args()
    with_r = not args.no_r

    bfi = pd.read_csv(ROOT / "tests" / "reference" / "factor_bfi.csv").iloc[:, :11].dropna()
    report("bfi A1–E1 (complete rows)", bfi, args.repeat, with_r, target=0.41)
    large = make_data(100_000, 44)
    report("simulated 7-point", large, args.repeat, with_r and args.r_large, target=5.0)


if __name__ == "__main__":
    main()
