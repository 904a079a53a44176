"""The servqual console script."""

import subprocess
import sys

import pandas as pd
from numpy.testing import assert_allclose

import servqual as sq
from servqual.cli import main


def test_demo_writes_tables_and_charts(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", "-o", str(out), "--no-report"]) == 0
    printed = capsys.readouterr().out
    assert "Gap scores (P − E: expectation) · dimension" in printed
    table = pd.read_csv(out / "gaps_dimension.csv", index_col=0)
    expected = sq.gap_scores(sq.load_example("retail_bank")).to_frame()
    assert_allclose(table["gap"], expected["gap"], rtol=1e-12)
    assert (out / "gaps_item.csv").exists()


def test_instrument_command(capsys):
    assert main(["instrument", "servqual22"]) == 0
    assert capsys.readouterr().out.startswith("# SERVQUAL-22")


def test_gaps_command_and_errors(tmp_path, capsys):
    path = tmp_path / "x.csv"
    sq.datasets.load_frame("retail_bank").to_csv(path)
    assert main(["gaps", str(path), "--index-col", "respondent", "--level", "overall"]) == 0
    assert "overall" in capsys.readouterr().out
    assert main(["gaps", str(tmp_path / "missing.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err
    bad = sq.datasets.load_frame("retail_bank")
    bad.loc[3, "E2"] = 12
    bad.to_csv(path)
    assert main(["gaps", str(path)]) == 2
    assert "Column 'E2' has 1 value(s) outside the 1–7 scale" in capsys.readouterr().err


def test_console_script_entry_point():
    r = subprocess.run(
        [sys.executable, "-m", "servqual.cli", "instrument", "value"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "# Value" in r.stdout
