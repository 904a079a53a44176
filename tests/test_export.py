"""Paper tables: to_latex(), to_markdown(), export_tables() and CFAResult.summary()."""

from __future__ import annotations

import dataclasses
import math
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import servqual as sq
from servqual import _tables

openpyxl = pytest.importorskip("openpyxl")
docx = pytest.importorskip("docx")

MINUS = "\u2212"
HS_MODEL = {
    "visual": ["x1", "x2", "x3"],
    "textual": ["x4", "x5", "x6"],
    "speed": ["x7", "x8", "x9"],
}


@pytest.fixture(scope="module")
def survey() -> sq.Survey:
    return sq.load_example("retail_bank")


@pytest.fixture(scope="module")
def results(survey) -> dict[str, sq.GapResult]:
    zot = sq.load_example("zone_of_tolerance")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.MissingDataWarning)
        fit = sq.cfa(survey)
    return {
        "gaps": sq.gap_scores(survey, level="dimension"),
        "gaps_by": sq.gap_scores(survey, level="dimension", by="channel"),
        "paired": sq.paired_tests(survey, level="dimension"),
        "alpha": sq.cronbach_alpha(survey),
        "drivers": sq.key_drivers(survey),
        "groups": sq.compare_groups(survey, by="branch"),
        "welch": sq.compare_groups(survey, by="channel"),
        "tolerance": sq.tolerance_zone(zot, level="dimension"),
        "cfa": fit,
    }


def _renamed(result, columns=None, index=None):
    """The result with its table's columns/index relabelled (special characters)."""
    table = result.to_frame()
    if columns:
        table = table.rename(columns=columns)
    if index:
        table = table.rename(index=index)
    return dataclasses.replace(result, _table=table)


# --------------------------------------------------------------------------- figures
@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.0, "< .001"),
        (1e-22, "< .001"),
        (0.000999, "< .001"),
        (0.001, ".001"),
        (0.0234, ".023"),
        (0.0479, ".048"),
        (0.5, ".500"),
        (0.99996, "1.000"),
        (1.0, "1.000"),
        (float("nan"), "\u2014"),
    ],
)
def test_p_values_are_apa_style(p, text):
    assert _tables.apa_p(p) == text


def test_p_with_prefix():
    assert _tables.apa_p(1e-9, prefix=True) == "p < .001"
    assert _tables.apa_p(0.0234, prefix=True) == "p = .023"


def test_numbers_are_apa_style():
    assert _tables.apa_number(212) == "212"
    assert _tables.apa_number(np.int64(12345)) == "12,345"
    assert _tables.apa_number(-0.5896) == f"{MINUS}0.59"
    assert _tables.apa_number(-0.5896, decimals=3) == f"{MINUS}0.590"
    assert _tables.apa_number(0.4567, bounded=True) == ".46"
    assert _tables.apa_number(-0.4567, bounded=True) == f"{MINUS}.46"
    assert _tables.apa_number(-0.0001) == "0.00"  # no negative zero
    assert _tables.apa_number(float("nan")) == "\u2014"
    assert _tables.apa_number(True) == "yes"
    assert _tables.apa_number("north") == "north"


def test_latex_escape_covers_the_special_characters():
    escaped = _tables.latex_escape(r"a & b % c $ d # e _ f { g } h ~ i ^ j \ k")
    assert escaped == (
        r"a \& b \% c \$ d \# e \_ f \{ g \} h \textasciitilde{} i \textasciicircum{} j "
        r"\textbackslash{} k"
    )
    assert _tables.latex_escape("P − E · n≤5") == r"P $-$ E $\cdot$ n$\leq$5"
    assert _tables.latex_escape("|r|") == r"\textbar{}r\textbar{}"


# --------------------------------------------------------------------------- LaTeX
def test_latex_is_a_booktabs_table_without_vertical_rules(results):
    for name, result in results.items():
        tex = result.to_latex()
        assert tex.startswith(r"\begin{table}"), name
        assert tex.rstrip().endswith(r"\end{table}"), name
        rules = [ln for ln in tex.splitlines() if ln.endswith("rule")]
        assert rules == [r"\toprule", r"\midrule", r"\bottomrule"], name
        assert "|" not in tex, name
        assert r"\hline" not in tex, name
        spec = re.search(r"\\begin\{tabular\}\{([a-z]+)\}", tex)
        assert spec is not None and set(spec.group(1)) <= {"l", "r"}, name


def test_latex_caption_rows_and_note(results):
    gaps = results["gaps"]
    tex = gaps.to_latex(label="tab:gaps")
    assert r"\caption{Gap scores (P $-$ E: expectation) $\cdot$ dimension" in tex
    assert r"nan\_policy=pairwise" in tex
    assert r"\label{tab:gaps}" in tex
    body = tex.split(r"\midrule")[1].split(r"\bottomrule")[0].strip().splitlines()
    assert len(body) == len(gaps.to_frame())
    first = gaps.to_frame().iloc[0]
    cells = [c.strip() for c in body[0].removesuffix(r"\\").split("&")]
    assert cells[0] == "tangibles"
    assert cells[3] == f"$-${abs(first['gap']):.2f}"  # Gap, with a real minus sign
    assert cells[6] == str(gaps.to_frame()["n"].iloc[0])  # integers as integers
    assert cells[-1] == f"{first['share_meeting']:.2f}".removeprefix("0")  # a share: .27
    note = next(ln for ln in tex.splitlines() if r"\textit{Note.}" in ln)
    assert "Gap = perception $-$ expectation; negative values mean perceptions fall short" in note


def test_latex_p_values_and_labels(results):
    tex = results["paired"].to_latex()
    header = tex.split(r"\toprule")[1].split(r"\midrule")[0]
    assert r"\textit{p} (adj.)" in header
    assert r"95\% CI \textit{LL}" in header
    assert r"\textit{t} & \textit{df}" in header
    assert r"\textless{} .001" in tex
    assert "e-" not in tex.split(r"\midrule")[1]  # no scientific notation in the body
    df_cells = tex.split(r"\midrule")[1].splitlines()[1].split("&")[6].strip()
    assert df_cells == "211"  # a float column of whole degrees of freedom


def test_latex_escapes_labels_and_cells(results):
    odd = _renamed(
        results["gaps"],
        columns={"perception": "P&L 100%", "reference": "$cost#"},
        index={"tangibles": "R&D_{x}~^\\"},
    )
    tex = odd.to_latex()
    assert r"P\&L 100\%" in tex  # a column label
    assert r"\$cost\#" in tex
    assert r"R\&D\_\{x\}\textasciitilde{}\textasciicircum{}\textbackslash{}" in tex  # a cell
    assert "P&L" not in tex


def test_every_main_result_has_a_note(results):
    expected = {
        "gaps": "Gap = perception − expectation; negative values mean perceptions fall short",
        "paired": "Paired t-test (two-sided); Difference = perception − expectation",
        "alpha": "Cronbach's α with its 95% Feldt confidence interval",
        "drivers": "OLS regression of overall on the perception scores (HC3 standard errors)",
        "groups": "Welch ANOVA of gap by branch",
        "welch": "Difference = M₁ − M₂",
        "tolerance": "MSA = perceived − adequate, MSS = perceived − desired",
        "cfa": "Maximum likelihood estimation (factor variances fixed at 1); χ²(199) =",
    }
    for name, text in expected.items():
        md = results[name].to_markdown()
        note = md.strip().splitlines()[-1]
        assert note.startswith("*Note.* "), name
        assert text in note, (name, note)
    assert "by the Holm method" in results["paired"].to_markdown()
    assert "p = " in results["drivers"].to_markdown()


def test_results_without_a_note_have_no_note_line(survey):
    md = sq.likert_distribution(survey).to_markdown()
    assert "Note." not in md
    assert "\\textit{Note.}" not in sq.likert_distribution(survey).to_latex()


def test_segment_index_is_sparsified(results):
    md = results["gaps_by"].to_markdown()
    rows = [ln for ln in md.splitlines() if ln.startswith("| ")][1:]
    assert rows[0].startswith("| branch | tangibles |")
    assert rows[1].startswith("|  | reliability |")
    assert rows[5].startswith("| online | tangibles |")


# --------------------------------------------------------------------------- Markdown
def test_markdown_structure(results):
    result = results["paired"]
    md = result.to_markdown()
    lines = md.splitlines()
    assert lines[0] == "*" + _tables.markdown_escape(result.header.splitlines()[0]) + "*"
    assert lines[2].startswith("| Dimension | Perception *M* |")
    assert lines[3] == "|:---|" + "|".join(["---:"] * (len(result.columns))) + "|"
    body = [ln for ln in lines[4:] if ln.startswith("|")]
    assert len(body) == len(result.to_frame())
    cells = [c.strip() for c in body[0].strip("|").split("|")]
    assert cells[7] == "< .001" and cells[8] == "< .001"
    assert cells[1] == f"{result.to_frame().iloc[0]['mean_perception']:.2f}"
    assert lines[-1].startswith("*Note.* ")


def test_markdown_escapes_pipes_and_emphasis(results):
    odd = _renamed(results["gaps"], columns={"gap": "a|b*c"}, index={"tangibles": "x|y_z"})
    md = odd.to_markdown()
    assert r"| a\|b\*c |" in md
    assert r"| x\|y\_z |" in md


def test_decimals_option(results):
    md = results["gaps"].to_markdown(decimals=3)
    assert f"{MINUS}0.590" in md
    assert ".269" in md


# --------------------------------------------------------------------------- .xlsx
def _sheet_values(ws):
    return [list(row) for row in ws.iter_rows(values_only=True)]


def test_xlsx_round_trip(results, tmp_path):
    chosen = {k: results[k] for k in ("gaps", "gaps_by", "paired", "tolerance", "cfa")}
    path = sq.export_tables(chosen, tmp_path / "tables.xlsx")
    assert path == tmp_path / "tables.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == list(chosen)
    for name, result in chosen.items():
        ws = wb[name]
        rows = _sheet_values(ws)
        assert rows[0][0] == result.header.splitlines()[0]
        frame = result.to_frame()
        n_index = frame.index.nlevels
        index = frame.index.to_frame(index=False)
        for i in range(len(frame)):
            row = rows[2 + i]
            assert tuple(row[:n_index]) == tuple(index.iloc[i]), (name, i)
            for j, col in enumerate(frame.columns):
                want, got = frame.iloc[i, j], row[n_index + j]
                if isinstance(want, float | np.floating) and math.isnan(want):
                    assert got is None, (name, col)
                elif isinstance(want, float | np.floating):
                    # openpyxl writes 16 significant digits (Excel keeps 15)
                    assert got == pytest.approx(float(want), rel=1e-15, abs=0), (name, col)
                else:
                    assert got == want, (name, col)
        note = rows[len(frame) + 3][0]
        assert note == f"Note. {result._paper_parts(2)[2]}"
        assert ws.freeze_panes == "A3"


def test_xlsx_labels_and_number_formats(results, tmp_path):
    result = results["paired"]
    path = sq.export_tables({"paired": result}, tmp_path / "p.xlsx")
    ws = openpyxl.load_workbook(path)["paired"]
    labels = [c.value for c in ws[2]]
    assert labels[:3] == ["Dimension", "Perception M", "Reference M"]
    assert "p (adj.)" in labels
    formats = {label: ws.cell(row=3, column=j + 1).number_format for j, label in enumerate(labels)}
    assert formats["p"] == '[<0.001]"< .001";.000'
    assert formats["n"] == "#,##0"
    assert formats["df"] == "#,##0"
    assert formats["t"] == "0.00"
    assert ws.column_dimensions["A"].width >= len("responsiveness")
    alpha = sq.export_tables([results["alpha"]], tmp_path / "a.xlsx", decimals=3)
    ws = openpyxl.load_workbook(alpha).active
    assert ws.cell(row=3, column=2).number_format == ".000"  # alpha: no leading zero


def test_xlsx_sheet_names_are_short_unique_and_valid(results, tmp_path):
    gaps = results["gaps"]
    long = "A very long name for the gap table of the study [2024]"
    path = sq.export_tables({long: gaps, "a/b:c": gaps}, tmp_path / "n.xlsx")
    names = openpyxl.load_workbook(path).sheetnames
    assert names[0] == long.replace("[", "_").replace("]", "_")[:31]
    assert names[1] == "a_b_c"
    path = sq.export_tables([gaps, gaps, results["alpha"]], tmp_path / "l.xlsx")
    names = openpyxl.load_workbook(path).sheetnames
    assert names == ["Gap", "Gap (2)", "Alpha"]
    assert all(len(n) <= 31 for n in names)
    same = {"x" * 40: gaps, "x" * 35: gaps}
    names = openpyxl.load_workbook(sq.export_tables(same, tmp_path / "s.xlsx")).sheetnames
    assert names == ["x" * 31, "x" * 27 + " (2)"]


# --------------------------------------------------------------------------- .docx
def test_docx_tables(results, tmp_path):
    chosen = [results["gaps"], results["paired"]]
    path = sq.export_tables(chosen, tmp_path / "tables.docx")
    document = docx.Document(str(path))
    assert len(document.tables) == 2
    paragraphs = document.paragraphs
    titles = [p for p in paragraphs if p.text.startswith(("Gap scores", "Paired t-test"))]
    assert [p.text for p in titles] == [r.header.splitlines()[0] for r in chosen]
    assert all(run.italic for p in titles for run in p.runs)
    assert [p.text for p in paragraphs if p.text.startswith("Table ")] == ["Table 1", "Table 2"]
    notes = [p for p in paragraphs if p.text.startswith("Note.")]
    assert len(notes) == 2
    assert notes[0].runs[0].italic and notes[0].runs[0].text == "Note."
    assert "Gap = perception − expectation" in notes[0].text
    for table, result in zip(document.tables, chosen, strict=True):
        columns, _, _ = result._paper_parts(2)
        assert [c.text for c in table.rows[0].cells] == [
            _tables.label_text(c.label) for c in columns
        ]
        for i in range(len(result.to_frame())):
            assert [c.text for c in table.rows[i + 1].cells] == [c.cells[i] for c in columns]
        borders = table._tbl.tblPr.find(docx.oxml.ns.qn("w:tblBorders"))
        style = {child.tag.split("}")[1]: child.get(docx.oxml.ns.qn("w:val")) for child in borders}
        assert style["left"] == style["right"] == style["insideV"] == "nil"  # no vertical rules
        assert style["top"] == style["bottom"] == "single"
    first = document.tables[1].rows[1].cells
    assert first[7].text == "< .001"  # p
    assert first[0].text == "tangibles"


def test_docx_without_python_docx(results, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "docx", None)
    with pytest.raises(sq.ServqualError, match=re.escape('pip install "servqual[docx]"')):
        sq.export_tables(results["gaps"], tmp_path / "x.docx")
    assert not (tmp_path / "x.docx").exists()


# --------------------------------------------------------------------------- .tex / .md
def test_tex_and_md_files_hold_every_table_in_order(results, tmp_path):
    chosen = {"Gaps": results["gaps"], "Alpha": results["alpha"], "CFA": results["cfa"]}
    tex = sq.export_tables(chosen, tmp_path / "t.tex").read_text(encoding="utf-8")
    assert tex.count(r"\begin{table}") == 3
    assert tex.index("% Gaps") < tex.index("% Alpha") < tex.index("% CFA")
    for result in chosen.values():
        assert result.to_latex() in tex
    md = sq.export_tables(list(chosen.values()), tmp_path / "t.md").read_text(encoding="utf-8")
    assert md == "\n".join(r.to_markdown() for r in chosen.values())


# --------------------------------------------------------------------------- errors
def test_bad_input_is_a_data_error(results, tmp_path):
    gaps = results["gaps"]
    with pytest.raises(sq.DataError, match=r"'tables\.csv'.*'\.csv'"):
        sq.export_tables(gaps, tmp_path / "tables.csv")
    with pytest.raises(sq.DataError, match=r"'\(none\)'"):
        sq.export_tables(gaps, tmp_path / "tables")
    with pytest.raises(sq.DataError, match="empty list"):
        sq.export_tables([], tmp_path / "t.md")
    with pytest.raises(sq.DataError, match="empty dict"):
        sq.export_tables({}, tmp_path / "t.md")
    with pytest.raises(sq.DataError, match=r"results\[1\] holds DataFrame, not a servqual result"):
        sq.export_tables([gaps, gaps.to_frame()], tmp_path / "t.md")
    with pytest.raises(sq.DataError, match=r"results\['b'\] holds str: 'oops'"):
        sq.export_tables({"a": gaps, "b": "oops"}, tmp_path / "t.md")
    with pytest.raises(sq.DataError, match="got int: 42"):
        sq.export_tables(42, tmp_path / "t.md")
    with pytest.raises(sq.DataError, match="Result names must be strings, got 3"):
        sq.export_tables({3: gaps}, tmp_path / "t.md")
    with pytest.raises(sq.DataError, match="decimals"):
        sq.export_tables(gaps, tmp_path / "t.md", decimals=-1)


def test_export_tables_is_public():
    assert sq.export_tables is sys.modules["servqual.export"].export_tables
    assert "export_tables" in sq.__all__


# --------------------------------------------------------------------------- CFA summary
@pytest.fixture(scope="module")
def hs_marker(hs) -> sq.CFAResult:
    return sq.cfa(hs, HS_MODEL, std_lv=False)


def test_cfa_summary_blocks_in_lavaan_order(results):
    text = results["cfa"].summary()
    blocks = [
        "Model Test User Model:",
        "Model Test Baseline Model:",
        "User Model versus Baseline Model:",
        "Loglikelihood and Information Criteria:",
        "Root Mean Square Error of Approximation:",
        "Standardized Root Mean Square Residual:",
        "Parameter Estimates:",
        "Latent Variables:",
        "Covariances:",
        "Variances:",
    ]
    positions = [text.index(b) for b in blocks]
    assert positions == sorted(positions)
    head = "                   Estimate  Std.Err  z-value  P(>|z|)   Std.lv  Std.all"
    assert text.count(head) == 3


def test_cfa_summary_numbers_match_the_result(results):
    fit = results["cfa"]
    text = fit.summary()
    lines = text.splitlines()

    def value(label: str) -> str:
        return next(ln for ln in lines if ln.startswith(f"  {label}")).split()[-1]

    assert value("Number of observations") == str(fit.n)
    assert value("Number of model parameters") == str(fit.npar)
    assert value("Test statistic") == f"{fit.chisq:.3f}"
    assert value("Degrees of freedom") == str(fit.df)
    assert value("Comparative Fit Index (CFI)") == f"{fit.cfi:.3f}"
    assert value("RMSEA") == f"{fit.rmsea:.3f}"
    assert value("SRMR") == f"{fit.srmr:.3f}"
    table = fit.to_frame()
    row = table.loc["tangibles=~TAN1"]
    tan1 = next(ln for ln in lines if ln.startswith("    TAN1"))
    assert tan1.split()[1:] == [
        f"{row['est']:.3f}",
        f"{row['se']:.3f}",
        f"{row['z']:.3f}",
        f"{row['p_value']:.3f}",
        f"{row['est']:.3f}",  # std.lv identification: Std.lv = Estimate
        f"{row['std_all']:.3f}",
    ]
    resid = next(ln for ln in lines if ln.startswith("   .EMP5"))
    assert resid.split()[1] == f"{table.loc['EMP5~~EMP5', 'est']:.3f}"
    assert resid.split()[-1] == f"{table.loc['EMP5~~EMP5', 'std_all']:.3f}"


def test_cfa_summary_matches_lavaan_on_holzinger_swineford(hs_marker):
    # lavaan 0.6: summary(cfa(HS.model, HolzingerSwineford1939), fit.measures = TRUE,
    # standardized = TRUE); the marker loadings are fixed (blank SE, z and p)
    text = hs_marker.summary()
    for line in [
        "  Sample-size adjusted Bayesian (SABIC)       7528.739",
        "  Akaike (AIC)                                7517.490",
        "  90 Percent confidence interval - upper         0.114",
        "    x1                1.000                               0.900    0.772",
        "    x2                0.554    0.100    5.554    0.000    0.498    0.424",
        "    x5                1.113    0.065   17.014    0.000    1.102    0.855",
        "  visual =~",
        "  textual ~~",
        "    speed             0.173    0.049    3.518    0.000    0.283    0.283",
        "   .x1                0.549    0.114    4.833    0.000    0.549    0.404",
        "    visual            0.809    0.145    5.564    0.000    1.000    1.000",
        "    speed             0.384    0.086    4.451    0.000    1.000    1.000",
    ]:
        assert line in text.splitlines(), line


def test_cfa_paper_table(results):
    tex = results["cfa"].to_latex()
    assert r"\textit{Note.} Maximum likelihood estimation" in tex
    assert r"$\chi$\textsuperscript{2}(199)" in tex
    assert "CFI = .997" in tex
    md = pd.Series(results["cfa"].to_markdown().splitlines())
    assert md.str.startswith("| tangibles=~TAN1 | tangibles | =~ | TAN1 | yes |").any()


# --------------------------------------------------------------------------- docs
def test_the_user_guide_example_runs(tmp_path, monkeypatch, capsys):
    guide = Path(__file__).parents[1] / "docs" / "user-guide" / "charts-and-report.md"
    section = guide.read_text(encoding="utf-8").split("## Tables for a paper")[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    monkeypatch.chdir(tmp_path)
    exec(compile(code.group(1), str(guide), "exec"), {})
    names = ("tables.xlsx", "tables.docx", "tables.tex", "tables.md")
    assert all((tmp_path / name).stat().st_size > 0 for name in names)
    out = capsys.readouterr().out
    assert "*Note.* Gap = perception − expectation" in out
    assert "Latent Variables:" in out
    wb = openpyxl.load_workbook(tmp_path / "tables.xlsx")
    assert wb.sheetnames == ["Gaps", "Paired tests", "Reliability", "CFA"]


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs pdflatex")
def test_the_tex_file_compiles(results, tmp_path):
    sq.export_tables(results, tmp_path / "tables.tex")
    (tmp_path / "main.tex").write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n"
        "\\usepackage{booktabs}\n\\begin{document}\n\\input{tables.tex}\n\\end{document}\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "main.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    log = (tmp_path / "main.log").read_text(encoding="latin-1")
    assert "Missing character" not in log
    assert (tmp_path / "main.pdf").stat().st_size > 0


def test_further_header_lines_go_to_the_note(results):
    groups = dataclasses.replace(results["groups"], empty_groups=(("tangibles", "east"),))
    assert len(groups.header.splitlines()) == 2
    md = groups.to_markdown()
    assert md.splitlines()[0] == "*" + _tables.markdown_escape(groups.header.splitlines()[0]) + "*"
    note = md.strip().splitlines()[-1]
    assert note.startswith("*Note.* Welch ANOVA of gap by branch.")
    assert note.endswith("Empty groups dropped (no answers): 'east' for 'tangibles'")
