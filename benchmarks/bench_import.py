"""Benchmark: the time of ``import servqual`` against ``import pandas``.

Run ``python benchmarks/bench_import.py [--repeat 9]``.

Starts fresh interpreters ``python -c "import pandas"`` and ``python -c "import
servqual"`` in turns (so that load from other processes hits both alike), ``--repeat``
times each, and prints the median wall time of each and their ratio against the
target of 2×. The servqual of this checkout (``src/``) is imported, not an installed
copy. ``--profile`` adds the slowest imports of ``import servqual`` from
``python -X importtime``. Exits with status 1 when the ratio is above the target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET = 2.0
SRC = Path(__file__).resolve().parents[1] / "src"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p)
    env.pop("PYTHONSTARTUP", None)
    return env


def time_import(module: str, env: dict[str, str]) -> float:
    """Wall time in seconds of a fresh interpreter that imports ``module`` and exits."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", f"import {module}"], env=env, check=True)
    return time.perf_counter() - t0


def slowest_imports(module: str, env: dict[str, str], top: int = 15) -> list[tuple[int, str]]:
    """The ``top`` imports with the largest cumulative time (µs) under ``-X importtime``."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stderr
    rows = []
    for line in out.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    return sorted(rows, reverse=True)[:top]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9, help="runs of each import (median)")
    parser.add_argument("--profile", action="store_true", help="list the slowest imports")
    args = parser.parse_args(argv)
    env = _env()
    time_import("servqual", env)  # warm the file cache and write the .pyc files
    time_import("pandas", env)
    pandas_s, servqual_s = [], []
    for _ in range(args.repeat):
        pandas_s.append(time_import("pandas", env))
        servqual_s.append(time_import("servqual", env))
    tp, ts = statistics.median(pandas_s), statistics.median(servqual_s)
    ratio = ts / tp
    print(f"python {sys.version.split()[0]}, {args.repeat} fresh interpreters each, median")
    print(f"import pandas    {tp * 1000:8.0f} ms")
    print(f"import servqual  {ts * 1000:8.0f} ms")
    verdict = "within" if ratio <= TARGET else "ABOVE"
    print(f"ratio            {ratio:8.2f}x  ({verdict} the {TARGET:.0f}x target)")
    if args.profile:
        print("\nslowest imports of servqual (cumulative µs):")
        for us, name in slowest_imports("servqual", env):
            print(f"{us:>10}  {name}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
