"""The documentation site builds with ``mkdocs build --strict`` (no warnings)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mkdocs")
pytest.importorskip("mkdocstrings")
pytest.importorskip("mkdocs_jupyter")

ROOT = Path(__file__).resolve().parents[1]


def test_mkdocs_build_strict(tmp_path):
    site = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q",
         "-f", str(ROOT / "mkdocs.yml"), "-d", str(site)],
        cwd=tmp_path,  # mkdocs-jupyter writes its cache under the working directory
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "WARNING" not in proc.stderr, proc.stderr
    assert (site / "index.html").exists()
    # every notebook is rendered, and the API pages hold the docstrings
    for name in ["01_servqual_study", "02_zone_of_tolerance", "03_four_perspectives"]:
        assert (site / "notebooks" / name / "index.html").exists()
    gaps = (site / "api" / "gaps" / "index.html").read_text(encoding="utf-8")
    assert "servqual.gaps.gap_scores" in gaps
    methods = (site / "methods" / "index.html").read_text(encoding="utf-8")
    assert "Feldt" in methods and "Fornell" in methods and "arithmatex" in methods
