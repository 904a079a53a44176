"""Benchmark: servqual.sem against lavaan::sem on the same data, in the same run.

Run ``python benchmarks/bench_sem.py [--repeat 20]`` from the repository root (needs
``Rscript`` with lavaan). Cases: the Holzinger-Swineford 3-factor CFA (lavaan's
``cfa``/``sem`` with default options), the HS mediation model with ``:=`` and the
PoliticalDemocracy model (tests/reference/sem_*_data.csv). Times one complete fit
(estimates, SEs, standardized solution, fit measures; lavaan: ``sem()`` followed by
``fitMeasures`` and ``standardizedSolution``), best of ``--repeat``, and prints the ratio.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from pathlib import Path

import pandas as pd

import servqual as sq

REF = Path(__file__).resolve().parents[1] / "tests" / "reference"
MODELS = json.loads((REF / "sem_reference.json").read_text())
CASES = {"hs_cfa": "sem_hs_data.csv", "hs_med": "sem_hs_data.csv", "pd": "sem_pd_data.csv"}

R_SCRIPT = r"""
suppressMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
model <- readLines(args[1]); data <- read.csv(args[2]); repeat_n <- as.integer(args[3])
best <- Inf
for (i in seq_len(repeat_n)) {
  t0 <- proc.time()[["elapsed"]]
  fit <- sem(paste(model, collapse = "\n"), data = data)
  fm <- fitMeasures(fit); ss <- standardizedSolution(fit)
  best <- min(best, proc.time()[["elapsed"]] - t0)
}
cat(best)
"""


def _lavaan(model: str, csv: Path, repeat: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        m = Path(tmp) / "model.txt"
        m.write_text(model)
        r = Path(tmp) / "bench.R"
        r.write_text(R_SCRIPT)
        out = subprocess.run(
            ["Rscript", str(r), str(m), str(csv), str(repeat)],
            capture_output=True,
            text=True,
            check=True,
        )
    return float(out.stdout.strip())


def _servqual(model: str, data: pd.DataFrame, repeat: int) -> float:
    sq.sem(data, model)  # warm-up (imports, caches)
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        sq.sem(data, model)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(f"{'case':<8} {'servqual':>10} {'lavaan':>10} {'ratio':>7}")
    for case, csv in CASES.items():
        model = MODELS[case]["model"]
        data = pd.read_csv(REF / csv)
        t_sq = _servqual(model, data, args.repeat)
        t_r = _lavaan(model, REF / csv, args.repeat)
        print(f"{case:<8} {t_sq:>9.4f}s {t_r:>9.4f}s {t_sq / t_r:>7.2f}")


if __name__ == "__main__":
    main()
