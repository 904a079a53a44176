"""HTML report: self-contained, complete, and its numbers are the library's numbers."""

import base64
import io
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import servqual as sq
from servqual._progress import Progress


class _Tables(HTMLParser):
    """Collect every <table id=...> as a list of rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._id = None
        self._row = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._id = a.get("id")
            self.tables[self._id] = []
        elif tag == "tr" and self._id is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._id].append(self._row)
            self._row = None
        elif tag == "table":
            self._id = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def _parse(text):
    p = _Tables()
    p.feed(text)
    return p.tables


def _as_frame(rows):
    """Header row + body rows (pandas writes an index-name row for named indexes)."""
    header = rows[0]
    body = [
        r for r in rows[1:] if len(r) == len(header) and r[0] != "" and any(c != "" for c in r[1:])
    ]
    return pd.DataFrame([r[1:] for r in body], index=[r[0] for r in body], columns=header[1:])


@pytest.fixture(scope="module")
def bank():
    return sq.load_example("retail_bank")


@pytest.fixture(scope="module")
def bank_report(bank, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "sub" / "bank.html"
    out = sq.report(bank, path, title="Bank study", dpi=60)
    return out, out.read_text(encoding="utf-8")


def test_report_written_and_returns_path(bank_report):
    out, text = bank_report
    assert out.exists() and out.name == "bank.html"
    assert text.startswith("<!DOCTYPE html>")
    assert "<title>Bank study</title>" in text


def test_report_is_self_contained(bank_report):
    _, text = bank_report
    assert 'src="http' not in text and "src='http" not in text
    assert "<link" not in text and "<script" not in text
    assert "<style>" in text


def test_report_sections(bank_report):
    _, text = bank_report
    for heading in [
        "Sample",
        "Gap scores",
        "Reliability",
        "Significance tests",
        "Key drivers",
        "Factor structure",
        "Measurement model",
        "Answer distributions",
    ]:
        assert f"<h2>{heading}</h2>" in text
    assert "<h2>Zone of tolerance</h2>" not in text  # two-column instrument
    for sub in ["Dimension level", "Item level", "By branch", "By channel", "Segments"]:
        assert f"<h3>{sub}</h3>" in text


def test_report_one_embedded_png_per_figure(bank_report):
    _, text = bank_report
    figures = re.findall(r"<figure>(.*?)</figure>", text, flags=re.S)
    assert len(figures) >= 8
    for fig in figures:
        m = re.search(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', fig)
        assert m is not None
        png = base64.b64decode(m.group(1))
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000


@pytest.mark.parametrize("level", ["dimension", "item"])
def test_report_gap_table_equals_gap_scores(bank, bank_report, level):
    _, text = bank_report
    shown = _as_frame(_parse(text)[f"gaps-{level}"])
    expected = sq.gap_scores(bank, level=level).to_frame()
    assert list(shown.index) == list(expected.index)
    for col in ["perception", "reference", "gap", "ci_low", "ci_high", "share_meeting"]:
        # shown rounded to 3 decimals: |shown - exact| <= 0.0005
        assert_allclose(shown[col].astype(float), expected[col], rtol=0, atol=5e-4 + 1e-12)
    assert shown["n"].astype(int).tolist() == expected["n"].tolist()


def test_report_segment_table_equals_gap_scores(bank, bank_report):
    _, text = bank_report
    rows = _parse(text)["gaps-by-branch"]
    expected = sq.gap_scores(bank, level="dimension", by="branch").to_frame()
    header = rows[0]
    k = header.index("gap") - len(header)  # position from the end (segment cells span rows)
    body = [r for r in rows[1:] if len(r) >= len(header) - 1 and r[k] != ""]
    gaps = [float(r[k]) for r in body]
    assert_allclose(gaps, expected["gap"], atol=5e-4 + 1e-12, rtol=0)


def test_report_sample_counts(bank, bank_report):
    _, text = bank_report
    facts = dict((r[0], r[1]) for r in _parse(text)["sample-facts"] if len(r) == 2)
    assert int(facts["respondents"]) == bank.n_respondents
    assert int(facts["incomplete respondents"]) == bank.n_incomplete
    counts = _as_frame(_parse(text)["segment-branch"])["n"].astype(int)
    expected = bank.segment("branch").value_counts(sort=False)
    assert counts.tolist() == expected.tolist()


def test_report_reliability_matches_alpha(bank, bank_report):
    _, text = bank_report
    shown = _as_frame(_parse(text)["alpha-perception"])
    expected = sq.cronbach_alpha(bank, score="perception", level="dimension").to_frame()
    assert_allclose(shown["alpha"].astype(float), expected["alpha"], atol=5e-4 + 1e-12, rtol=0)


def test_report_validity_matches_cfa(bank, bank_report):
    _, text = bank_report
    shown = _as_frame(_parse(text)["validity"])
    with pytest.warns(sq.MissingDataWarning):
        expected = sq.discriminant_validity(sq.cfa(bank)).to_frame()
    assert_allclose(shown["ave"].astype(float), expected["ave"], atol=5e-4 + 1e-12, rtol=0)
    # the CFA's listwise-deletion warning is shown as a note in its section
    section = text.split("<h2>Measurement model</h2>")[1].split("<section")[0]
    assert "listwise deletion dropped" in section


def test_report_zone_of_tolerance(tmp_path):
    survey = sq.load_example("zone_of_tolerance")
    out = sq.report(
        survey,
        tmp_path / "zot.html",
        reliability=False,
        tests=False,
        drivers=False,
        factor=False,
        validity=False,
        likert=False,
        dpi=50,
    )
    text = out.read_text(encoding="utf-8")
    assert "<h2>Zone of tolerance</h2>" in text
    shown = _as_frame(_parse(text)["tolerance-dimension"])
    expected = sq.tolerance_zone(survey, level="dimension").to_frame()
    for col in ["adequate", "desired", "perceived", "msa", "mss"]:
        assert_allclose(shown[col].astype(float), expected[col], atol=5e-4 + 1e-12, rtol=0)
    assert shown["position"].tolist() == expected["position"].tolist()


def test_failing_section_shows_message(bank, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise sq.ServqualError("alpha needs something this survey lacks (code 4711)")

    monkeypatch.setattr(sq.reliability, "cronbach_alpha", broken)
    out = sq.report(
        bank,
        tmp_path / "r.html",
        tests=False,
        drivers=False,
        factor=False,
        validity=False,
        likert=False,
        dpi=40,
    )
    text = out.read_text(encoding="utf-8")
    section = text.split("<h2>Reliability</h2>")[1]
    assert 'class="error"' in section.split("<section")[0]
    assert "code 4711" in text
    # the report went on after the failing statistic
    assert "<h2>Gap scores</h2>" in text


def test_report_rejects_non_survey(tmp_path):
    with pytest.raises(sq.InstrumentError, match="DataFrame"):
        sq.report(pd.DataFrame({"P1": [1, 2]}), tmp_path / "x.html")
    with pytest.raises(sq.InstrumentError, match="level"):
        sq.report(sq.load_example("value"), tmp_path / "x.html", level="overall")


def test_report_quiet_when_not_a_terminal(tmp_path, capsys):
    sq.report(
        sq.load_example("value"),
        tmp_path / "v.html",
        reliability=False,
        tests=False,
        drivers=False,
        factor=False,
        validity=False,
        likert=False,
        dpi=40,
    )
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_progress_text_bar():
    stream = io.StringIO()
    with Progress(4, desc="work", enabled=True, stream=stream) as bar:
        for label in ["a", "b", "c", "d"]:
            bar.step(label)
    text = stream.getvalue()
    assert "work [" in text and "4/4 done" in text and text.endswith("\n")
    assert "#" * Progress.width in text


def test_progress_stops_where_an_error_interrupts_it():
    stream = io.StringIO()
    with pytest.raises(RuntimeError), Progress(4, desc="work", enabled=True, stream=stream) as bar:
        bar.step("a")
        bar.step("b")
        raise RuntimeError("boom")
    text = stream.getvalue()
    assert "2/4 stopped" in text and "4/4" not in text and text.endswith("\n")


def test_progress_off():
    stream = io.StringIO()
    with Progress(3, enabled=False, stream=stream) as bar:
        bar.step("x")
    assert stream.getvalue() == ""
    # auto mode on a non-terminal stream stays quiet too
    with Progress(3, stream=stream) as bar:
        bar.step("x")
    assert stream.getvalue() == ""


def test_report_numbers_not_rounded_in_results(bank):
    # the report rounds only its HTML; the result it shows keeps full precision
    res = sq.gap_scores(bank, level="dimension").to_frame()
    assert not np.allclose(res["gap"], res["gap"].round(3), rtol=0, atol=1e-9)


def test_progress_in_notebook_uses_display(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.v4.new_notebook()
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "from servqual._progress import Progress\n"
            "with Progress(2, desc='work') as bar:\n"
            "    bar.step('a')\n"
            "    bar.step('b')\n"
        )
    )
    nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = nb.cells[0].outputs
    html_out = [o for o in outputs if o.output_type == "display_data"]
    assert len(html_out) == 1  # one display, updated in place
    assert "<progress value='2' max='2'" in html_out[0].data["text/html"]
    assert not [o for o in outputs if o.output_type == "stream"]


def test_report_paired_tests_match(bank, bank_report):
    _, text = bank_report
    shown = _as_frame(_parse(text)["tests-dimension"])
    expected = sq.paired_tests(bank, level="dimension", p_adjust="holm").to_frame()
    assert list(shown.index) == list(expected.index)
    assert_allclose(shown["t"].astype(float), expected["t"], atol=5e-4 + 1e-12, rtol=0)


def test_report_three_column_reliability_is_msa_and_mss(tmp_path):
    survey = sq.load_example("zone_of_tolerance")
    out = sq.report(survey, tmp_path / "zot.html", tolerance=False, tests=False, drivers=False,
                    factor=False, validity=False, likert=False, dpi=40)  # fmt: skip
    text = out.read_text(encoding="utf-8")
    tables = _parse(text)
    assert "alpha-gap" not in tables and "alpha-expectation" not in tables
    for score in ["msa", "mss"]:
        shown = _as_frame(tables[f"alpha-{score}"])
        expected = sq.cronbach_alpha(survey, score=score, level="dimension").to_frame()
        assert_allclose(shown["alpha"].astype(float), expected["alpha"], atol=5e-4 + 1e-12, rtol=0)
    assert "MSA = P − A" in text and "MSS = P − D" in text


def test_report_value_drivers_by_item(tmp_path):
    # the value instrument has one quality dimension: a one-bar driver chart and a
    # one-point quadrant map say nothing, so the report uses the items
    survey = sq.load_example("value")
    out = sq.report(survey, tmp_path / "value.html", reliability=False, tests=False,
                    factor=False, validity=False, likert=False, dpi=40)  # fmt: skip
    text = out.read_text(encoding="utf-8")
    tables = _parse(text)
    shown = _as_frame(tables["key-drivers"])
    expected = sq.key_drivers(survey, outcome="overall", level="item").to_frame()
    assert list(shown.index) == list(expected.index) == ["QUA1", "QUA2", "QUA3", "QUA4"]
    assert_allclose(shown["coef"].astype(float), expected["coef"], atol=5e-4 + 1e-12, rtol=0)
    assert list(_as_frame(tables["ipa"]).index) == ["QUA1", "QUA2", "QUA3", "QUA4"]
    assert 'class="error"' not in text


@pytest.mark.parametrize("name", ["excellence", "conformance", "value"])
def test_report_every_example_builds(tmp_path, name):
    survey = sq.load_example(name)
    out = sq.report(survey, tmp_path / f"{name}.html", factor=False, validity=False, dpi=30)
    text = out.read_text(encoding="utf-8")
    assert "<h2>Gap scores</h2>" in text and 'class="error"' not in text
