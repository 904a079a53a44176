"""Benchmark: servqual.sem against lavaan::sem on the same data, in the same run.

Run ``python benchmarks/bench_sem.py [--repeat 20]`` from the repository root (needs
``Rscript`` with lavaan). Cases: the Holzinger-Swineford 3-factor CFA (lavaan's
``cfa``/``sem`` with default options), the HS mediation model with ``:=`` and the
PoliticalDemocracy model (tests/reference/sem_*_data.csv), and a simulated SERVQUAL-sized
SEM (six quality factors → a loyalty factor, 7 factors × 4 indicators, ``--rows`` rows,
default 10,000) with ML and with MLR. Times one complete fit (estimates, SEs, standardized
solution, fit measures; lavaan: ``sem()`` followed by ``fitMeasures`` and
``standardizedSolution``), best of ``--repeat``, and prints the ratio. FIML
(``missing="fiml"``, lavaan's ``missing = "ml"``): the three HS models of
tests/reference/sem_fiml_reference.json on HS with 10% of the values missing, and the
simulated SEM with 10% of its values missing (``--fiml-rows`` rows, default 2,000).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import servqual as sq

REF = Path(__file__).resolve().parents[1] / "tests" / "reference"
MODELS = json.loads((REF / "sem_reference.json").read_text())
CASES = {"hs_cfa": "sem_hs_data.csv", "hs_med": "sem_hs_data.csv", "pd": "sem_pd_data.csv"}

R_SCRIPT = r"""
suppressMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
model <- readLines(args[1]); data <- read.csv(args[2]); repeat_n <- as.integer(args[3])
estimator <- args[4]; missing <- args[5]
best <- Inf
for (i in seq_len(repeat_n)) {
  t0 <- proc.time()[["elapsed"]]
  fit <- sem(paste(model, collapse = "\n"), data = data, estimator = estimator,
             missing = missing)
  fm <- fitMeasures(fit); ss <- standardizedSolution(fit)
  best <- min(best, proc.time()[["elapsed"]] - t0)
}
cat(best)
"""


def _lavaan(
    model: str, csv: Path, repeat: int, estimator: str = "ML", missing: str = "listwise"
) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        m = Path(tmp) / "model.txt"
        m.write_text(model)
        r = Path(tmp) / "bench.R"
        r.write_text(R_SCRIPT)
        out = subprocess.run(
            ["Rscript", str(r), str(m), str(csv), str(repeat), estimator, missing],
            capture_output=True,
            text=True,
            check=True,
        )
    return float(out.stdout.strip())


def _servqual(
    model: str, data: pd.DataFrame, repeat: int, estimator: str = "ml", missing: str = "listwise"
) -> float:
    sq.sem(data, model, estimator=estimator, missing=missing)  # warm-up (imports, caches)
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        sq.sem(data, model, estimator=estimator, missing=missing)
        best = min(best, time.perf_counter() - t0)
    return best


def _large(rows: int, seed: int = 1) -> tuple[str, pd.DataFrame]:
    """Six correlated quality factors → loyalty, 4 indicators each (28 columns)."""
    rng = np.random.default_rng(seed)
    phi = 0.5 * np.ones((6, 6)) + 0.5 * np.eye(6)
    xi = rng.multivariate_normal(np.zeros(6), phi, size=rows)
    eta = xi @ np.array([0.3, 0.2, 0.1, 0.15, 0.1, 0.05]) + rng.normal(0, 0.6, rows)
    factors = np.column_stack([xi, eta])
    names = [f"q{k}" for k in range(1, 7)] + ["loyalty"]
    cols, lines = {}, []
    for k, f in enumerate(names):
        items = [f"{f}_{i}" for i in range(1, 5)]
        for i, item in enumerate(items):
            load = 0.6 + 0.1 * i
            cols[item] = load * factors[:, k] + rng.normal(0, np.sqrt(1 - load**2 / 2), rows)
        lines.append(f"{f} =~ " + " + ".join(items))
    lines.append("loyalty ~ " + " + ".join(names[:6]))
    return "\n".join(lines), pd.DataFrame(cols)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--fiml-rows", type=int, default=2_000)
    parser.add_argument("--only-fiml", action="store_true")
    args = parser.parse_args()
    print(f"{'case':<16} {'servqual':>10} {'lavaan':>10} {'ratio':>7}")
    fiml_models = json.loads((REF / "sem_fiml_reference.json").read_text())
    for case in ("hs_cfa", "hs_med", "hs_obs"):
        model = fiml_models[case]["model"]
        csv = REF / "sem_fiml_hs_data.csv"
        data = pd.read_csv(csv)
        t_sq = _servqual(model, data, args.repeat, missing="fiml")
        t_r = _lavaan(model, csv, args.repeat, missing="ml")
        print(f"{'fiml_' + case:<16} {t_sq:>9.4f}s {t_r:>9.4f}s {t_sq / t_r:>7.2f}")
    model, data = _large(args.fiml_rows)
    holes = np.random.default_rng(2).random(data.shape) < 0.10
    data = data.mask(holes)
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "large_holes.csv"
        data.to_csv(csv, index=False)
        repeat = max(1, args.repeat // 5)
        t_sq = _servqual(model, data, repeat, missing="fiml")
        t_r = _lavaan(model, csv, repeat, missing="ml")
        case = f"fiml_7f28i_{args.fiml_rows}"
        print(f"{case:<16} {t_sq:>9.4f}s {t_r:>9.4f}s {t_sq / t_r:>7.2f}")
    if args.only_fiml:
        return
    for case, csv in CASES.items():
        model = MODELS[case]["model"]
        data = pd.read_csv(REF / csv)
        t_sq = _servqual(model, data, args.repeat)
        t_r = _lavaan(model, REF / csv, args.repeat)
        print(f"{case:<16} {t_sq:>9.4f}s {t_r:>9.4f}s {t_sq / t_r:>7.2f}")
    model, data = _large(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "large.csv"
        data.to_csv(csv, index=False)
        repeat = max(1, args.repeat // 5)
        for est in ("ml", "mlr"):
            t_sq = _servqual(model, data, repeat, est)
            t_r = _lavaan(model, csv, repeat, est.upper())
            case = f"7f28i_{args.rows}_{est}"
            print(f"{case:<16} {t_sq:>9.4f}s {t_r:>9.4f}s {t_sq / t_r:>7.2f}")


if __name__ == "__main__":
    main()
