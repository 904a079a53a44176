"""HTML report: self-contained, complete, and its numbers are the library's numbers."""

import base64
import html
import importlib
import io
import re
import warnings
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import servqual as sq
from servqual._progress import Progress
from servqual.report import _label


def L(column, table_id=""):
    """The label the report shows for a result column."""
    return _label(column, table_id)[0]


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
        "Summary",
        "Sample",
        "Gap scores",
        "Reliability",
        "Significance tests",
        "Key drivers",
        "Factor structure",
        "Measurement model",
        "Answer distributions",
        "Glossary",
    ]:
        assert f"<h2>{heading}</h2>" in text
    # the executive summary comes first
    assert text.index("<h2>Summary</h2>") < text.index("<h2>Sample</h2>")
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
        assert_allclose(shown[L(col)].astype(float), expected[col], rtol=0, atol=5e-4 + 1e-12)
    assert shown["n"].tolist() == [str(n) for n in expected["n"]]  # integers as integers


def test_report_segment_table_equals_gap_scores(bank, bank_report):
    _, text = bank_report
    rows = _parse(text)["gaps-by-branch"]
    expected = sq.gap_scores(bank, level="dimension", by="branch").to_frame()
    header = rows[0]
    assert header[:2] == ["branch", "dimension"]
    gaps = [float(r[header.index("gap")]) for r in rows[1:]]
    assert_allclose(gaps, expected["gap"], atol=5e-4 + 1e-12, rtol=0)
    # every row names its segment; repeats are hidden on screen and faint in print
    assert [r[0] for r in rows[1:]] == [str(k) for k in expected.index.get_level_values(0)]
    assert text.count("<td class='key rep'>centre</td>") == 4
    assert "table.sq td.rep{color:transparent}" in text


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
    assert_allclose(shown[L("alpha")].astype(float), expected["alpha"], atol=5e-4 + 1e-12, rtol=0)


def test_report_validity_matches_cfa(bank, bank_report):
    _, text = bank_report
    shown = _as_frame(_parse(text)["validity"])
    with pytest.warns(sq.MissingDataWarning):
        expected = sq.discriminant_validity(sq.cfa(bank)).to_frame()
    assert_allclose(shown[L("ave")].astype(float), expected["ave"], atol=5e-4 + 1e-12, rtol=0)
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
        invariance=False,
        dpi=50,
    )
    text = out.read_text(encoding="utf-8")
    assert "<h2>Zone of tolerance</h2>" in text
    shown = _as_frame(_parse(text)["tolerance-dimension"])
    expected = sq.tolerance_zone(survey, level="dimension").to_frame()
    for col in ["adequate", "desired", "perceived", "msa", "mss"]:
        label = L(col, "tolerance")
        assert_allclose(shown[label].astype(float), expected[col], atol=5e-4 + 1e-12, rtol=0)
    assert shown["position"].tolist() == expected["position"].tolist()


def test_failing_section_shows_message(bank, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise sq.ServqualError("alpha needs something this survey lacks (code 4711)")

    # the report module holds its own reference to the statistic
    monkeypatch.setattr(importlib.import_module("servqual.report"), "cronbach_alpha", broken)
    out = sq.report(
        bank,
        tmp_path / "r.html",
        tests=False,
        drivers=False,
        factor=False,
        validity=False,
        likert=False,
        invariance=False,
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
    text = stream.getvalue()  # tqdm's bar: "work: 100%|##########| 4/4 [..., done]"
    assert "work:" in text and "4/4" in text and "done]" in text and text.endswith("\n")
    assert "100%" in text


def test_progress_stops_where_an_error_interrupts_it():
    stream = io.StringIO()
    with pytest.raises(RuntimeError), Progress(4, desc="work", enabled=True, stream=stream) as bar:
        bar.step("a")
        bar.step("b")
        raise RuntimeError("boom")
    text = stream.getvalue()
    last = text.rstrip("\n").split("\r")[-1]
    assert "2/4" in last and "stopped]" in last and "4/4" not in text and text.endswith("\n")


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
    # tqdm's widget where ipywidgets is installed, else its text bar in the cell's stderr
    widgets = [o for o in outputs if o.output_type == "display_data"]
    text = "".join(o.text for o in outputs if o.output_type == "stream")
    assert widgets or ("2/2" in text and "work:" in text)


def test_report_paired_tests_match(bank, bank_report):
    _, text = bank_report
    shown = _as_frame(_parse(text)["tests-dimension"])
    expected = sq.paired_tests(bank, level="dimension", p_adjust="holm").to_frame()
    assert list(shown.index) == list(expected.index)
    assert_allclose(shown["t"].astype(float), expected["t"], atol=5e-4 + 1e-12, rtol=0)
    # p-values APA style: "< .001" below .001, three decimals without the leading zero
    for shown_p, p in zip(shown[L("p_adj")], expected["p_adj"], strict=True):
        assert shown_p == ("< .001" if p < 1e-3 else f"{p:.3f}".removeprefix("0"))


def test_report_three_column_reliability_is_msa_and_mss(tmp_path):
    survey = sq.load_example("zone_of_tolerance")
    out = sq.report(survey, tmp_path / "zot.html", tolerance=False, tests=False, drivers=False,
                    factor=False, validity=False, likert=False, invariance=False,
                    dpi=40)  # fmt: skip
    text = out.read_text(encoding="utf-8")
    tables = _parse(text)
    assert "alpha-gap" not in tables and "alpha-expectation" not in tables
    for score in ["msa", "mss"]:
        shown = _as_frame(tables[f"alpha-{score}"])
        expected = sq.cronbach_alpha(survey, score=score, level="dimension").to_frame()
        assert_allclose(
            shown[L("alpha")].astype(float), expected["alpha"], atol=5e-4 + 1e-12, rtol=0
        )
    assert "MSA = P − A" in text and "MSS = P − D" in text


def test_report_value_drivers_by_item(tmp_path):
    # the value instrument has one quality dimension: a one-bar driver chart and a
    # one-point quadrant map say nothing, so the report uses the items
    survey = sq.load_example("value")
    out = sq.report(survey, tmp_path / "value.html", reliability=False, tests=False,
                    factor=False, validity=False, likert=False, invariance=False,
                    dpi=40)  # fmt: skip
    text = out.read_text(encoding="utf-8")
    tables = _parse(text)
    shown = _as_frame(tables["key-drivers"])
    expected = sq.key_drivers(survey, outcome="overall", level="item").to_frame()
    assert list(shown.index) == list(expected.index) == ["QUA1", "QUA2", "QUA3", "QUA4"]
    assert_allclose(shown[L("coef")].astype(float), expected["coef"], atol=5e-4 + 1e-12, rtol=0)
    assert list(_as_frame(tables["ipa"]).index) == ["QUA1", "QUA2", "QUA3", "QUA4"]
    assert 'class="error"' not in text


@pytest.mark.parametrize("name", ["excellence", "conformance", "value"])
def test_report_every_example_builds(tmp_path, name):
    survey = sq.load_example(name)
    out = sq.report(survey, tmp_path / f"{name}.html", factor=False, validity=False, dpi=30)
    text = out.read_text(encoding="utf-8")
    assert "<h2>Gap scores</h2>" in text and 'class="error"' not in text


# --------------------------------------------------------------------------- summary
def _summary(text):
    block = text.split('<section id="summary">')[1].split("</section>")[0]
    return [html.unescape(re.sub("<[^>]+>", "", li)) for li in re.findall(r"<li>(.*?)</li>", block)]


def _f2(x):
    return f"{x:.2f}"


def test_summary_sentences_carry_the_results(bank, bank_report):
    _, text = bank_report
    sentences = _summary(text)
    joined = " ".join(sentences)
    dim = sq.gap_scores(bank, level="dimension").to_frame().sort_values("gap")
    worst = dim.iloc[0]
    assert (
        f"The largest shortfalls are in {dim.index[0]} (gap {_f2(worst['gap'])}, 95% CI "
        f"{_f2(worst['ci_low'])} to {_f2(worst['ci_high'])})"
    ) in joined
    item = sq.gap_scores(bank, level="item").to_frame().sort_values("gap")
    assert f"{item.index[0]} “" in joined and f"(gap {_f2(item['gap'].iloc[0])}," in joined
    best = dim.iloc[-1]
    assert f"{dim.index[-1]} (gap {_f2(best['gap'])}, 95% CI {_f2(best['ci_low'])}" in joined
    assert "A negative gap (P − E) means customers rated the service below what they expected" in (
        joined
    )
    alpha = sq.cronbach_alpha(bank, score="perception").to_frame()["alpha"]
    assert f"ranges from {_f2(alpha.min())} ({alpha.idxmin()}) to {_f2(alpha.max())}" in joined
    assert "The scales are reliable" in joined and alpha.min() >= 0.8
    cmp = sq.compare_groups(bank, by="branch").to_frame()
    top = cmp["p_adj"].idxmin()
    sentence = next(s for s in sentences if s.startswith("The branch groups"))
    assert f"most clearly on {top} (F = {_f2(cmp.loc[top, 'f'])}" in sentence
    drivers = sq.key_drivers(bank, outcome="overall").to_frame()
    lead = drivers["dominance_pct"].idxmax()
    assert (
        f"The top key driver of overall is {lead}: "
        f"{drivers.loc[lead, 'dominance_pct']:.1f}% of the explained variance"
    ) in joined


# --------------------------------------------------------------------------- small groups
def _korean_frame():
    df = sq.datasets.load_frame("retail_bank").copy()
    n = len(df)
    usage = np.array(["주 1회 이상", "월 1회"] * (n // 2) + ["월 1회"] * (n % 2), dtype=object)
    never = df.index[-6:]
    usage[-6:] = "사용한 적 없음"  # never used the service: rated nothing
    rating_cols = [f"{r}{i}" for r in "EP" for i in range(1, 23)]
    df.loc[never, rating_cols] = np.nan
    df["usage"] = usage
    region = np.array(["서울", "부산"] * (n // 2) + ["서울"] * (n % 2), dtype=object)
    region[0] = "제주"  # one respondent
    df["region"] = region
    return df


def _korean_survey(frame):
    return sq.Survey(
        frame,
        "servqual22",
        segments=["usage", "region", "branch"],
        importance="imp_{dimension}",
        outcomes=["overall", "recommend"],
    )


@pytest.fixture(scope="module")
def korean():
    frame = _korean_frame()
    return frame, _korean_survey(frame)


@pytest.fixture(scope="module")
def korean_report(korean, tmp_path_factory):
    _, survey = korean
    path = tmp_path_factory.mktemp("report") / "korean.html"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # glyphs missing from the chart font
        out = sq.report(survey, path, title="고객 만족도 조사 2026", dpi=40)
    return out.read_text(encoding="utf-8")


def test_empty_and_one_person_groups_do_not_knock_out_sections(korean_report):
    text = korean_report
    assert "Not available" not in text and 'class="error"' not in text
    for heading in [
        "Summary",
        "Sample",
        "Gap scores",
        "Reliability",
        "Significance tests",
        "Key drivers",
        "Factor structure",
        "Measurement model",
        "Answer distributions",
        "Glossary",
    ]:
        assert f"<h2>{heading}</h2>" in text
    for sub in ["By usage", "By region", "By branch"]:
        assert f"<h3>{sub}</h3>" in text
    for seg in ["usage", "region", "branch"]:
        assert f"<h3>Differences between {seg} groups</h3>" in text
    plain = html.unescape(text)
    assert "<title>고객 만족도 조사 2026</title>" in plain
    assert "Left out: '사용한 적 없음' (no respondent with the answers needed)" in plain
    assert "reported here and left out of the tables and tests: '제주' (n=1)" in plain
    # the invariance test compares the analysed groups only (no error for the empty or
    # one-person group)
    block = plain.split('<section id="measurement-invariance">')[1].split("</section>")[0]
    heads = dict(re.findall(r"Measurement invariance of perception by (\w+) \(([^)]*)\)", block))
    assert heads["usage"].startswith("ML; 2 groups: 월 1회 n=") and "사용한" not in heads["usage"]
    assert heads["region"].startswith("ML; 2 groups: 부산 n=") and "제주" not in heads["region"]
    assert heads["branch"].startswith("ML; 3 groups")
    assert "Left out: '사용한 적 없음'" in block  # the segment's notes, as in its other tables


def test_small_groups_left_out_and_the_rest_analysed(korean, korean_report):
    frame, _ = korean
    tables = _parse(korean_report)
    # the same numbers as gap_scores on the respondents of the analysed groups
    masked = frame.copy()
    masked.loc[masked["usage"] == "사용한 적 없음", "usage"] = None
    masked.loc[masked["region"] == "제주", "region"] = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.MissingDataWarning)
        expected_survey = _korean_survey(masked)
    for seg, kept in [("usage", ["월 1회", "주 1회 이상"]), ("region", ["부산", "서울"])]:
        rows = tables[f"gaps-by-{seg}"]
        header = rows[0]
        expected = sq.gap_scores(expected_survey, level="dimension", by=seg).to_frame()
        assert list(dict.fromkeys(r[0] for r in rows[1:])) == kept
        gaps = [float(r[header.index("gap")]) for r in rows[1:]]
        assert_allclose(gaps, expected["gap"], atol=5e-4 + 1e-12, rtol=0)
        assert [r[header.index("n")] for r in rows[1:]] == [str(n) for n in expected["n"]]
        shown = _as_frame(tables[f"compare-{seg}"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", sq.MissingDataWarning)
            cmp = sq.compare_groups(expected_survey, by=seg).to_frame()
        assert_allclose(shown["t"].astype(float), cmp["t"], atol=5e-4 + 1e-12, rtol=0)
    # the sample still counts every group, the empty one included
    counts = _as_frame(tables["segment-usage"])["n"]
    assert counts["사용한 적 없음"] == "6"


# --------------------------------------------------------------------------- options
def _quick(survey, path, **kwargs):
    options = dict(
        reliability=False, factor=False, validity=False, likert=False, invariance=False, dpi=30
    )
    options.update(kwargs)
    return sq.report(survey, path, **options).read_text(encoding="utf-8")


def test_options_by_orders_segments_and_levels(bank, tmp_path):
    text = _quick(bank, tmp_path / "r.html", by={"branch": ["south", "north"]}, drivers=False)
    assert "<h3>By branch</h3>" in text and "<h3>By channel</h3>" not in text
    rows = _parse(text)["gaps-by-branch"]
    assert list(dict.fromkeys(r[0] for r in rows[1:])) == ["south", "north"]
    assert "Not in by=: &#x27;centre&#x27;" in text
    expected = sq.gap_scores(bank, level="dimension", by="branch").to_frame().loc["south"]
    gaps = [float(r[rows[0].index("gap")]) for r in rows[1:6]]
    assert_allclose(gaps, expected["gap"], atol=5e-4 + 1e-12, rtol=0)
    text = _quick(bank, tmp_path / "r2.html", by=["channel", "branch"], drivers=False)
    assert text.index("<h3>By channel</h3>") < text.index("<h3>By branch</h3>")


def test_options_outcome_title_and_exclude(bank, tmp_path):
    text = _quick(bank, tmp_path / "r.html", outcome="recommend", exclude=["TAN1"], title="T")
    assert "<title>T</title>" in text
    shown = _as_frame(_parse(text)["key-drivers"])
    expected = sq.key_drivers(bank, outcome="recommend").to_frame()
    assert_allclose(shown[L("coef")].astype(float), expected["coef"], atol=0.05, rtol=0)
    assert "Key drivers of &#x27;recommend&#x27;" in text
    items = _as_frame(_parse(text)["gaps-item"])
    assert "TAN1" not in items.index and len(items) == 21
    # the other items keep their gaps; tangibles is now the mean of TAN2-TAN4
    full = sq.gap_scores(bank, level="item").to_frame().drop(index="TAN1")
    assert_allclose(items["gap"].astype(float), full["gap"], atol=5e-4 + 1e-12, rtol=0)
    frame = sq.datasets.load_frame("retail_bank")
    p = frame[["P2", "P3", "P4"]].to_numpy()
    e = frame[["E2", "E3", "E4"]].to_numpy()
    row = (p - e).mean(axis=1)
    dims = _as_frame(_parse(text)["gaps-dimension"])
    assert_allclose(float(dims.loc["tangibles", "gap"]), np.nanmean(row), atol=5e-4 + 1e-12)
    facts = dict((r[0], r[1]) for r in _parse(text)["sample-facts"] if len(r) == 2)
    assert facts["items left out"] == "TAN1"


def test_options_cfa_score_and_model(bank, tmp_path):
    model = {"tangibles": ["TAN1", "TAN2", "TAN3", "TAN4"], "reliability": ["REL1", "REL2", "REL3"]}
    text = _quick(bank, tmp_path / "r.html", validity=True, tests=False, drivers=False,
                  score="expectation", model=model)  # fmt: skip
    assert "Confirmatory factor analysis of the model given (expectation items)" in text
    assert "2 factors · 7 items" in html.unescape(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.MissingDataWarning)
        fit = sq.cfa(bank, model, score="expectation")
    shown = dict((r[0], r[1]) for r in _parse(text)["cfa-fit"][1:])
    assert_allclose(float(shown["cfi"]), fit.cfi, atol=5e-4 + 1e-12)


def test_options_are_checked_before_anything_is_written(bank, tmp_path):
    out = tmp_path / "x.html"
    with pytest.raises(sq.MissingColumnError, match="nope"):
        sq.report(bank, out, by="nope")
    with pytest.raises(sq.DataError, match="no level"):
        sq.report(bank, out, by={"branch": ["east"]})
    with pytest.raises(sq.MissingColumnError, match="outcome"):
        sq.report(bank, out, outcome="loyalty")
    with pytest.raises(sq.MissingColumnError, match="XX9"):
        sq.report(bank, out, exclude=["XX9"])
    with pytest.raises(sq.DataError, match="Unknown score 'percepton'"):
        sq.report(bank, out, score="percepton")
    with pytest.raises(TypeError):
        sq.report(bank, out, "a title")  # options are keyword-only
    assert not out.exists()


# --------------------------------------------------------------------------- labels, print
def test_readable_labels_and_glossary(bank_report):
    _, text = bank_report
    tables = _parse(text)
    assert "r (P, reference)" in tables["difference-reliability"][0]
    assert "p (adjusted)" in tables["tests-dimension"][0]
    heads = " ".join(" ".join(t[0]) for t in tables.values())
    for raw in ["r_p_ref", "p_adj", "ci_low", "share_meeting", "std_beta"]:
        assert raw not in heads
    glossary = html.unescape(text.split('<section id="glossary">')[1])
    assert "<dt>r (P, reference)</dt><dd>correlation of perception and reference scores</dd>" in (
        glossary
    )
    assert "<dt>p (adjusted)</dt>" in glossary
    # integers as integers: counts never show decimals
    for row in tables["gaps-dimension"][1:]:
        assert re.fullmatch(r"\d+", row[tables["gaps-dimension"][0].index("n")])


def test_print_rules(bank_report):
    _, text = bank_report
    css = text.split("<style>")[1].split("</style>")[0]
    printed = css.split("@media print{")[1]
    assert "thead{display:table-header-group}" in printed
    assert "break-inside:avoid" in printed and "page-break-inside:avoid" in printed
    assert re.search(r"table\.sq tr[^{]*\{break-inside:avoid", printed)
    assert re.search(r"figure[^{]*\{break-inside:avoid", printed)
    assert ".scroll{max-height:none;overflow:visible}" in printed  # long tables not clipped
    for tab in re.findall(r"<table[^>]*>", text):
        assert "class='sq'" in tab
    assert text.count("<thead>") == text.count("<table")


def test_korean_labels_drawn_with_an_installed_cjk_font(korean):
    report_module = importlib.import_module("servqual.report")
    settings = report_module._chart_fonts()
    if not settings:
        pytest.skip("no CJK font installed")
    assert any(f in settings["font.family"] for f in report_module._CJK_FONTS)
    _, survey = korean
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*Glyph", category=UserWarning)
        ctx = report_module._Context(survey=survey, level="dimension", sort=False, dpi=30,
                                     by={"region": None}, outcome=None, score="perception",
                                     model=None)  # fmt: skip
        analysed = ctx.segment("region", "dimension").survey  # 부산, 서울 (제주 left out)
        res = sq.gap_scores(analysed, by="region", level="overall")
        ctx.chart("plot_gaps", res, "부산 서울")


# --------------------------------------------------------------------------- structural model
SEM_H2 = "<h2>From quality to outcomes (structural model)</h2>"


def _sem_block(text):
    return text.split('<section id="from-quality-to-outcomes-structural-model">')[1].split(
        "</section>"
    )[0]


@pytest.fixture(scope="module")
def bank_sem(bank):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.MissingDataWarning)
        return sq.sem(bank, outcome="overall")


def test_sem_section_matches_sem(bank, bank_report, bank_sem):
    _, text = bank_report
    assert SEM_H2 in text
    # after the measurement model, before the answer distributions
    assert text.index("<h2>Measurement model</h2>") < text.index(SEM_H2)
    assert text.index(SEM_H2) < text.index("<h2>Answer distributions</h2>")
    block = _sem_block(text)
    tables = _parse(block)
    fm = bank_sem.fit_measures()
    fit = _as_frame(tables["sem-fit"]).loc["model"]
    for key in ["chisq", "cfi", "tli", "rmsea", "rmsea_ci_lower", "rmsea_ci_upper", "srmr"]:
        assert_allclose(float(fit[L(key, "sem-fit")]), fm[key], atol=5e-4 + 1e-12, rtol=0)
    assert int(fit["df"]) == int(fm["df"])
    assert_allclose(float(fit[L("pvalue", "sem-fit")]), fm["pvalue"], atol=5e-4 + 1e-12)
    assert "CFI ≥ .95, RMSEA ≤ .06, SRMR ≤ .08; Hu &amp; Bentler, 1999" in block
    assert "The model fits well by the usual cut-offs" in block  # CFI .997, RMSEA .015
    paths = _as_frame(tables["sem-paths"])
    est = bank_sem.estimates("~").set_index("rhs")
    dims = [d.name for d in bank.instrument.quality_dimensions]
    assert list(paths.index) == list(est.index) == dims
    for col in ["std_all", "est", "se", "p_value"]:
        assert_allclose(
            paths[L(col, "sem-paths")].astype(float), est[col], atol=5e-4 + 1e-12, rtol=0
        )
    r2 = bank_sem.r_squared()["overall"]
    assert f"R² of overall = {r2:.3f}" in block
    # warnings of the fit are notes; the diagram is an embedded PNG
    assert "listwise deletion dropped 3 of 212 rows" in block
    assert block.count('<img src="data:image/png;base64,') == 1
    assert 'class="error"' not in block
    # the summary names the strongest standardized path and R²
    top = est["std_all"].abs().idxmax()
    sentence = next(s for s in _summary(text) if s.startswith("In the structural model"))
    assert f"strongest standardized path to overall is from {top} " in sentence
    p_top = est.loc[top, "p_value"]
    assert p_top > 0.001  # shown as .xyz
    p_shown = f"{p_top:.3f}".removeprefix("0")
    assert f"(β = {_f2(est.loc[top, 'std_all'])}, p = {p_shown})" in sentence
    assert f"R² = {_f2(r2)} of overall (n = {bank_sem.n})" in sentence
    assert "which fits well (CFI = 0.997" in sentence


def test_sem_uses_the_outcome_and_score_options(bank, tmp_path):
    text = _quick(bank, tmp_path / "r.html", tests=False, drivers=False, outcome="recommend",
                  score="expectation")  # fmt: skip
    block = _sem_block(text)
    assert "its expectation items, and recommend is regressed on the dimensions" in block
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.MissingDataWarning)
        fit = sq.sem(bank, outcome="recommend", score="expectation")
    shown = _as_frame(_parse(block)["sem-paths"])
    expected = fit.estimates("~").set_index("rhs")["std_all"]
    assert_allclose(shown[L("std_all", "sem-paths")].astype(float), expected, atol=5e-4 + 1e-12)
    assert any(s.startswith("In the structural model") for s in _summary(text))


def test_sem_false_removes_the_section(bank, tmp_path):
    text = _quick(bank, tmp_path / "r.html", tests=False, drivers=False, sem=False)
    assert SEM_H2 not in text and "structural-model" not in text
    assert not any(s.startswith("In the structural model") for s in _summary(text))


def test_no_outcome_no_sem_section(tmp_path):
    survey = sq.Survey(sq.datasets.load_frame("retail_bank"), "servqual22")
    assert survey.outcomes is None
    text = _quick(survey, tmp_path / "r.html", tests=False)
    assert SEM_H2 not in text and "<h2>Key drivers</h2>" not in text
    assert 'class="error"' not in text
    assert not any(s.startswith("In the structural model") for s in _summary(text))


def test_sem_too_few_respondents_is_a_note(tmp_path):
    frame = sq.datasets.load_frame("retail_bank").head(15)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.ServqualWarning)
        survey = sq.Survey(frame, "servqual22", outcomes=["overall"])
    text = _quick(survey, tmp_path / "r.html", tests=False, drivers=False, by=[])
    block = _sem_block(text)
    assert 'class="error"' in block and "InsufficientDataError" in block
    assert "needs more complete rows than variables" in block
    assert "<h2>Glossary</h2>" in text  # the report went on
    assert not any(s.startswith("In the structural model") for s in _summary(text))


@pytest.mark.parametrize(
    "error",
    [sq.ConvergenceError("no minimum of the ML discrepancy (code 4712)"),
     np.linalg.LinAlgError("Singular matrix (code 4712)")],
)  # fmt: skip
def test_sem_failure_is_a_note(bank, tmp_path, monkeypatch, error):
    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(importlib.import_module("servqual.report"), "_sem", broken)
    text = _quick(bank, tmp_path / "r.html", tests=False, drivers=False)
    block = _sem_block(text)
    assert 'class="error"' in block and "code 4712" in block and "ConvergenceError" in block
    assert "<h2>Glossary</h2>" in text
    assert not any(s.startswith("In the structural model") for s in _summary(text))


def test_sem_heywood_warning_is_a_note(bank, bank_sem, tmp_path, monkeypatch):
    import dataclasses

    def improper(*args, **kwargs):
        warnings.warn(
            "Improper solution: negative residual variance for TAN1 (code 4713).",
            sq.HeywoodWarning,
            stacklevel=2,
        )
        return dataclasses.replace(bank_sem, improper=("negative residual variance for TAN1",))

    monkeypatch.setattr(importlib.import_module("servqual.report"), "_sem", improper)
    text = _quick(bank, tmp_path / "r.html", tests=False, drivers=False)
    block = _sem_block(text)
    assert "⚠ Improper solution: negative residual variance for TAN1 (code 4713)." in block
    assert "shown for diagnosis, not for interpretation" in block
    assert 'class="error"' not in block and "sem-paths" in block
    # an improper solution is not summarised as a finding
    assert not any(s.startswith("In the structural model") for s in _summary(text))


def test_report_names_items_and_dimensions_by_label(tmp_path):
    survey = sq.load_example("retail_bank")
    inst = survey.instrument
    options = dict(progress=False, invariance=False)
    coded = sq.report(survey, tmp_path / "code.html", **options).read_text(encoding="utf-8")
    named = sq.report(survey, tmp_path / "label.html", labels="text", **options).read_text(
        encoding="utf-8"
    )
    first = inst.dimensions[0].items[0]
    assert html.escape(first.text) in named  # the item wording in the item tables
    assert f">{inst.dimensions[0].label}<" in named  # dimension labels in the tables
    assert f">{inst.dimensions[0].label}<" not in coded
    with pytest.raises(sq.DataError, match="labels='names'"):
        sq.report(survey, tmp_path / "x.html", labels="names", progress=False)


# --------------------------------------------------------------------------- invariance
@pytest.fixture(scope="module")
def bank_invariance():
    """The invariance test the report's section shows, on a survey of its own (the
    result is recorded on the survey it runs on)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.ServqualWarning)
        return sq.measurement_invariance(sq.load_example("retail_bank"), by="branch")


def _section(text, slug):
    return text.split(f'<section id="{slug}">')[1].split("</section>")[0]


@pytest.mark.slow
def test_invariance_section_matches_measurement_invariance(bank, bank_report, bank_invariance):
    _, text = bank_report
    assert "<h2>Measurement invariance</h2>" in text
    block = _section(text, "measurement-invariance")
    assert "<h3>By branch</h3>" in block and "<h3>By channel</h3>" in block
    # placed before the comparisons that cite it
    assert text.index('<section id="measurement-invariance">') < text.index(
        '<section id="significance-tests">'
    )
    shown = _as_frame(_parse(text)["invariance-branch"])
    expected = bank_invariance.to_frame()
    assert list(shown.index) == list(expected.index) == ["configural", "metric", "scalar", "strict"]
    for col, label in [("chisq", "χ²"), ("cfi", "CFI"), ("rmsea", "RMSEA"), ("srmr", "SRMR")]:
        assert_allclose(shown[label].astype(float), expected[col], atol=5e-4 + 1e-12, rtol=0)
    diffs = shown["ΔCFI"].iloc[1:].astype(float)
    assert_allclose(diffs, expected["delta_cfi"].iloc[1:], atol=5e-4 + 1e-12, rtol=0)
    assert list(shown["Δdf"].iloc[1:]) == [str(int(d)) for d in expected["df_diff"].iloc[1:]]
    assert list(shown["decision"]) == list(expected["decision"])
    plain = html.unescape(block)
    assert bank_invariance.verdict in plain
    assert bank_invariance.rule in plain  # the decision rule, named
    assert "Consequence: the branch groups read the perception items alike" in plain
    # the report's fits are its own: the caller's survey records nothing
    assert dict(bank.invariance) == {}


def test_invariance_notes_in_the_comparisons_and_segment_gaps(bank_report):
    _, text = bank_report
    note = "Measurement invariance — perception by branch: scalar invariance established"
    tests = html.unescape(_section(text, "significance-tests"))
    caption = tests.split("<h3>Differences between branch groups</h3>")[1].split("<table")[0]
    assert note in caption
    gaps = html.unescape(_section(text, "gap-scores"))
    assert note in gaps.split("<h3>By branch</h3>")[1].split("<table")[0]
    assert "by channel: scalar invariance established" in gaps.split("<h3>By channel</h3>")[1]


@pytest.mark.slow
def test_invariance_summary_sentence(bank_report, bank_invariance):
    _, text = bank_report
    sentences = _summary(text)
    line = next(s for s in sentences if s.startswith("Scalar measurement invariance across branch"))
    assert bank_invariance.scalar_established
    assert line.startswith(
        f"Scalar measurement invariance across branch holds for the perception items "
        f"(highest level: {bank_invariance.established};"
    )
    assert any(s.startswith("Scalar measurement invariance across channel") for s in sentences)


def test_invariance_section_absent_without_segments(tmp_path):
    survey = sq.load_example("excellence")
    assert survey.segments is None
    text = _quick(survey, tmp_path / "r.html", drivers=False, sem=False, invariance=True)
    assert "Measurement invariance" not in text
    assert "<h2>Gap scores</h2>" in text


def test_invariance_false_removes_section_notes_and_summary(bank, tmp_path, monkeypatch):
    report_module = importlib.import_module("servqual.report")

    def boom(*args, **kwargs):
        raise AssertionError("measurement_invariance must not run with invariance=False")

    monkeypatch.setattr(report_module, "measurement_invariance", boom)
    text = _quick(bank, tmp_path / "r.html", by="branch", drivers=False, sem=False,
                  invariance=False)  # fmt: skip
    assert "Measurement invariance" not in text
    assert "Scalar measurement invariance" not in text
    assert "<h3>Differences between branch groups</h3>" in text


@pytest.fixture(scope="module")
def hs_invariance():
    """A sequence whose scalar step fails (Holzinger–Swineford by school): with the
    partial-invariance search (two intercepts freed) and without it (metric only)."""
    hs = pd.read_csv(Path(__file__).parent / "reference" / "invariance_hs_data.csv")
    model = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
    partial = sq.measurement_invariance(hs, model, group="school")
    metric = sq.measurement_invariance(hs, model, group="school", partial=False)
    return partial, metric


def test_invariance_failed_step_shows_releases(bank, tmp_path, monkeypatch, hs_invariance):
    report_module = importlib.import_module("servqual.report")

    partial, _ = hs_invariance
    monkeypatch.setattr(report_module, "measurement_invariance", lambda *a, **k: partial)
    text = _quick(bank, tmp_path / "r.html", by="branch", drivers=False, sem=False, invariance=True)
    block = html.unescape(_section(text, "measurement-invariance"))
    assert "The scalar step failed." in block
    assert "freed in the partial model: x3~1, x7~1." in block
    releases = _as_frame(_parse(text)["invariance-branch-releases"])
    assert list(releases.index) == list(partial.releases.index)
    assert list(releases["released"]) == [str(v) for v in partial.releases["released"]]
    assert "Invariance is partial (x3~1, x7~1 free across groups)" in block
    shown = _as_frame(_parse(text)["invariance-branch"])
    assert list(shown.index) == list(partial.to_frame().index)
    assert shown.loc["scalar (partial)", "freed"] == "x3~1, x7~1"
    summary = " ".join(_summary(text))
    assert "invariance across branch holds" in summary and "strict (partial)" in summary


def test_invariance_not_established_warns_in_the_comparisons(
    bank, tmp_path, monkeypatch, hs_invariance
):
    report_module = importlib.import_module("servqual.report")

    _, metric = hs_invariance
    monkeypatch.setattr(report_module, "measurement_invariance", lambda *a, **k: metric)
    text = _quick(bank, tmp_path / "r.html", by="branch", drivers=False, sem=False, invariance=True)
    block = html.unescape(_section(text, "measurement-invariance"))
    assert "Only metric invariance holds" in block
    assert "Consequence: loadings are equal but intercepts are not" in block
    tests = html.unescape(_section(text, "significance-tests"))
    assert "scalar invariance NOT established (highest: metric" in tests
    assert "⚠ Scalar measurement invariance was tested and not established" in tests
    gaps = html.unescape(_section(text, "gap-scores"))
    assert "scalar invariance NOT established" in gaps
    summary = " ".join(_summary(text))
    assert "Scalar measurement invariance across branch fails" in summary
    assert "read those comparisons with care" in summary


@pytest.mark.parametrize(
    "error",
    [
        sq.ConvergenceError("the optimizer did not converge"),
        np.linalg.LinAlgError("Singular matrix"),
    ],
)
def test_invariance_failure_is_a_message(bank, tmp_path, monkeypatch, error):
    report_module = importlib.import_module("servqual.report")

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(report_module, "measurement_invariance", fail)
    text = _quick(bank, tmp_path / "r.html", by="branch", drivers=False, sem=False, invariance=True)
    block = html.unescape(_section(text, "measurement-invariance"))
    assert "Not available:" in block and str(error) in block
    assert "<h3>Differences between branch groups</h3>" in text  # the report carries on
    assert "Measurement invariance —" not in text  # and the comparisons cite nothing
    assert "Scalar measurement invariance" not in " ".join(_summary(text))


def test_invariance_group_too_small_for_the_model(tmp_path):
    frame = sq.datasets.load_frame("retail_bank").copy()
    frame["visit"] = np.where(np.arange(len(frame)) < 12, "first", "repeat")
    survey = sq.Survey(frame, "servqual22", segments=["visit"])
    text = _quick(survey, tmp_path / "r.html", drivers=False, sem=False, invariance=True)
    block = html.unescape(_section(text, "measurement-invariance"))
    assert "Not available:" in block and "Group 'first' of 'visit' has" in block
    assert "InsufficientDataError" in block
    assert "<h3>Differences between visit groups</h3>" in text
