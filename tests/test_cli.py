"""The servqual console script."""

import subprocess
import sys

import pandas as pd
import pytest
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
    argv = ["gaps", str(path), "-i", "servqual22"]
    assert main([*argv, "--index-col", "respondent", "--level", "overall"]) == 0
    assert "overall" in capsys.readouterr().out
    # data and file errors exit with 1
    assert main(["gaps", str(tmp_path / "missing.csv"), "-i", "servqual22"]) == 1
    assert "does not exist" in capsys.readouterr().err
    bad = sq.datasets.load_frame("retail_bank")
    bad.loc[3, "E2"] = 12
    bad.to_csv(path)
    assert main(argv) == 1
    assert "Column 'E2' has 1 value(s) outside the 1–7 scale" in capsys.readouterr().err


def test_console_script_entry_point():
    r = subprocess.run(
        [sys.executable, "-m", "servqual.cli", "instrument", "value"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "# Value" in r.stdout


def test_parse_columns_template_mapping_and_regex():
    from servqual.cli import parse_columns

    assert parse_columns("q{n}_{rating}") == "q{n}_{rating}"
    assert parse_columns("E=exp_{n}, P=perc_{n}") == {"E": "exp_{n}", "P": "perc_{n}"}
    assert parse_columns("e=exp_{n},p=perc_{n}") == {"E": "exp_{n}", "P": "perc_{n}"}
    assert parse_columns("E1=q1_exp,P1=q1_perc") == {"E1": "q1_exp", "P1": "q1_perc"}
    assert parse_columns(r"re:(?P<rating>exp|perc)_(?P<n>\d+)").groupindex.keys() == {
        "rating",
        "n",
    }
    with pytest.raises(sq.DataError, match="'P' is not KEY=VALUE"):
        parse_columns("E=exp_{n},P")
    with pytest.raises(sq.DataError, match="does not compile"):
        parse_columns("re:(?P<rating")


@pytest.fixture
def user_export(tmp_path):
    """The retail bank export with the user's own column names (exp_1.., perc_1..)."""
    frame = sq.datasets.load_frame("retail_bank")
    renamed = frame.rename(
        columns={
            f"{r}{n}": f"{'exp' if r == 'E' else 'perc'}_{n}" for r in "EP" for n in range(1, 23)
        }
    )
    path = tmp_path / "user.csv"
    renamed.to_csv(path)
    return frame, path


def test_gaps_command_on_user_columns_with_mapping_by_and_weights(user_export, tmp_path, capsys):
    frame, path = user_export
    out = tmp_path / "out"
    argv = [
        "gaps",
        str(path),
        "-i",
        "servqual22",
        "--columns",
        "E=exp_{n},P=perc_{n}",
        "--index-col",
        "respondent",
        "--by",
        "branch",
        "--importance",
        "imp_{dimension}",
        "--weighted",
        "--level",
        "dimension",
        "-o",
        str(out),
    ]
    assert main(argv) == 0
    capsys.readouterr()
    table = pd.read_csv(out / "gaps_dimension.csv", index_col=[0, 1])
    s = sq.Survey(frame, "servqual22", segments="branch", importance="imp_{dimension}")
    expected = sq.gap_scores(s, level="dimension", by="branch", weighted=True).to_frame()
    assert_allclose(table["gap"], expected["gap"], rtol=1e-12)
    assert_allclose(table["n"], expected["n"])
    # the regex form reads the same columns
    argv = [
        "gaps",
        str(path),
        "-i",
        "servqual22",
        "--columns",
        r"re:(?P<rating>exp|perc)_(?P<n>\d+)",
    ]
    assert main([*argv, "--index-col", "respondent", "--level", "overall"]) == 0
    printed = capsys.readouterr().out
    assert f"{sq.gap_scores(s, level='overall').overall:.3f}" in printed


def test_report_command_on_user_columns(user_export, tmp_path, capsys):
    _, path = user_export
    out = tmp_path / "r.html"
    argv = ["report", str(path), "-i", "servqual22", "--columns", "E=exp_{n},P=perc_{n}"]
    argv += ["-o", str(out)]
    argv += ["--no-invariance"]
    assert main([*argv, "--index-col", "respondent", "--segments", "branch"]) == 0
    assert out.exists() and "Wrote" in capsys.readouterr().out


def test_bad_index_col_and_sheet_are_servqual_errors(user_export, tmp_path, capsys):
    _, path = user_export
    argv = ["gaps", str(path), "-i", "servqual22"]
    assert main([*argv, "--index-col", "respondant"]) == 1
    err = capsys.readouterr().err
    assert "index_col='respondant'" in err and "did you mean 'respondent'" in err.lower()
    assert main([*argv, "--missing-codes", "x"]) == 1
    assert "--missing-codes must be numbers" in capsys.readouterr().err


def test_report_command_options(tmp_path, capsys):
    import re

    path = tmp_path / "bank.csv"
    sq.datasets.load_frame("retail_bank").to_csv(path, index=False)
    out = tmp_path / "r.html"
    argv = ["report", str(path), "-i", "servqual22", "-o", str(out), "--title", "Branch study"]
    argv += ["--by", "branch=south,north", "channel", "--outcome", "recommend"]
    argv += ["--exclude", "TAN1", "TAN2", "--score", "expectation"]
    assert main(argv) == 0
    assert "Wrote" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    assert "<title>Branch study</title>" in text
    assert text.index("<h3>By branch</h3>") < text.index("<h3>By channel</h3>")
    assert "Key drivers of &#x27;recommend&#x27;" in text
    assert "(expectation items)" in text
    assert "<h2>From quality to outcomes (structural model)</h2>" in text
    assert "its expectation items, and recommend is regressed" in text
    # the invariance section tests the --score items across the --by groups kept
    assert "Measurement invariance of expectation by branch (ML; 2 groups: south" in text
    body = text.split("id='gaps-item'")[1].split("</table>")[0]
    assert "TAN1" not in body and "TAN3" in body
    block = text.split("id='gaps-by-branch'")[1].split("</table>")[0]
    rows = re.findall(r"<tr><td class='key[^']*'>([^<]*)</td>", block)
    assert list(dict.fromkeys(rows)) == ["south", "north"]


def test_report_command_no_sem_switches_the_structural_model_off(tmp_path, monkeypatch):
    import importlib

    seen = []

    def fake_report(survey, path, **options):
        seen.append(options["sem"])
        return path

    monkeypatch.setattr(importlib.import_module("servqual.report"), "report", fake_report)
    path = tmp_path / "bank.csv"
    sq.datasets.load_frame("retail_bank").to_csv(path, index=False)
    argv = ["report", str(path), "-i", "servqual22", "-o", str(tmp_path / "r.html")]
    assert main(argv) == 0
    assert main([*argv, "--no-sem"]) == 0
    assert seen == [True, False]


def test_parse_by():
    from servqual.cli import parse_by

    assert parse_by(None) is None
    assert parse_by(["branch", "usage=weekly, monthly"]) == {
        "branch": None,
        "usage": ["weekly", "monthly"],
    }
    with pytest.raises(sq.DataError, match="no segment name"):
        parse_by(["=a,b"])


def test_exit_codes_usage_version_and_help(tmp_path, capsys):
    path = tmp_path / "bank.csv"
    sq.datasets.load_frame("retail_bank").to_csv(path, index=False)
    # -i is required where a wrong default would mislabel the file: a usage error (2)
    assert main(["report", str(path)]) == 2
    assert "--instrument/-i" in capsys.readouterr().err
    assert main(["gaps", str(path)]) == 2
    assert main(["report", str(path), "-i", "servqual22", "--level", "overall"]) == 2
    assert main(["nonsense"]) == 2
    capsys.readouterr()
    # an unknown instrument, segment or item is a data error (1)
    assert main(["report", str(path), "-i", "servqual99", "-o", str(tmp_path / "x.html")]) == 1
    assert main(["report", str(path), "-i", "servqual22", "--by", "region"]) == 1
    assert "region" in capsys.readouterr().err
    # a file error (the output folder is a file) is 1 too
    blocker = tmp_path / "file"
    blocker.write_text("x")
    argv = ["report", str(path), "-i", "servqual22", "-o", str(blocker / "r.html")]
    assert main(argv) == 1
    assert "servqual: error:" in capsys.readouterr().err
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith(f"servqual {sq.__version__}")
    r = subprocess.run(
        [sys.executable, "-m", "servqual", "report", str(path)], capture_output=True, text=True
    )
    assert r.returncode == 2 and "required" in r.stderr


def test_every_option_has_help():
    import argparse

    from servqual.cli import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in [("servqual", parser), *subparsers.choices.items()]:
        for action in sub._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help, f"{name}: {action.option_strings or action.dest} has no help"


def test_report_command_no_invariance_switches_the_invariance_section_off(tmp_path, monkeypatch):
    import importlib

    seen = []

    def fake_report(survey, path, **options):
        seen.append(options["invariance"])
        return path

    monkeypatch.setattr(importlib.import_module("servqual.report"), "report", fake_report)
    path = tmp_path / "bank.csv"
    sq.datasets.load_frame("retail_bank").to_csv(path, index=False)
    argv = ["report", str(path), "-i", "servqual22", "-o", str(tmp_path / "r.html")]
    assert main(argv) == 0
    assert main([*argv, "--no-invariance"]) == 0
    assert seen == [True, False]


def test_report_command_help_names_no_invariance(capsys):
    assert main(["report", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "--no-invariance" in out and "measurement-invariance section" in out
