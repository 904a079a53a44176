"""summarize_csv: chunked reading equals the in-memory path, errors name global rows,
memory does not grow with the file."""

import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import servqual as sq
from servqual.summary import summarize_chunks

RTOL = 1e-10
pytestmark = pytest.mark.filterwarnings("ignore::servqual.MissingDataWarning")


@pytest.fixture(scope="module")
def panel(tmp_path_factory):
    df = sq.datasets.simulate(
        3000, segments={"store": ["s1", "s2", "s3", "s4"]}, missing=0.002, rng=11
    )
    path = tmp_path_factory.mktemp("stream") / "panel.csv"
    df.to_csv(path, index=False)
    return df, path


def in_memory(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.MissingDataWarning)
        return sq.Survey(pd.read_csv(path), "servqual22", nan_policy="listwise", **kw)


def same(a, b):
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=RTOL, atol=1e-12)


@pytest.mark.parametrize("chunksize", [1, 61, 500, 100_000])
def test_streamed_equals_in_memory(panel, chunksize):
    _, path = panel
    data = pd.read_csv(path)
    n_rows = len(data) if chunksize > 1 else 80
    if chunksize == 1:  # one row per chunk: keep it quick on a slice of the file
        path = path.with_name("head.csv")
        data.iloc[:n_rows].to_csv(path, index=False)
    mem = in_memory(path, segments="store")
    with pytest.warns(sq.MissingDataWarning, match="listwise") as rec:
        s = sq.summarize_csv(path, "servqual22", segments="store", chunksize=chunksize)
    assert len([w for w in rec if issubclass(w.category, sq.MissingDataWarning)]) <= 1
    assert s.n == mem.n_respondents
    assert s.n_read == n_rows
    assert s.n_dropped == len(mem.dropped_rows)
    assert list(s.dropped_rows) == list(mem.dropped_rows)[: len(s.dropped_rows)]
    for level in ("item", "dimension", "overall"):
        for by in (None, "store"):
            same(
                sq.gap_scores(mem, level=level, by=by).to_frame(),
                sq.gap_scores(s, level=level, by=by).to_frame(),
            )
    np.testing.assert_allclose(s.covariance("gap"), mem.item_scores("gap").cov(), rtol=RTOL)


def test_error_names_global_row_like_whole_file_read(tmp_path):
    df = sq.datasets.simulate(1000, rng=3, importance=False, outcomes=False).reset_index(drop=True)
    df.loc[777, "E5"] = 12
    df.loc[901, "P2"] = 0
    path = tmp_path / "bad.csv"
    df.to_csv(path, index=False)
    with pytest.raises(sq.ScaleRangeError) as whole:
        sq.Survey(pd.read_csv(path), "servqual22")
    with pytest.raises(sq.ScaleRangeError) as streamed:
        sq.summarize_csv(path, "servqual22", chunksize=100)
    assert "rows 777" in str(streamed.value) and "'E5'" in str(streamed.value)
    assert str(streamed.value) == str(whole.value)


def test_non_numeric_in_a_late_chunk(tmp_path):
    df = (
        sq.datasets.simulate(600, rng=4, importance=False, outcomes=False)
        .reset_index(drop=True)
        .astype(object)
    )
    df.loc[555, "P7"] = "n/a?"
    path = tmp_path / "text.csv"
    df.to_csv(path, index=False)
    with pytest.raises(sq.NonNumericError, match=r"'P7'.*rows 555.*n/a\?"):
        sq.summarize_csv(path, "servqual22", chunksize=50)
    # listing the code as missing lets the stream through, dropping that row
    with pytest.warns(sq.MissingDataWarning, match="rows 555"):
        s = sq.summarize_csv(path, "servqual22", chunksize=50, na_values=["n/a?"])
    assert s.n == 599 and s.n_dropped == 1


def test_index_col_labels_are_used(tmp_path):
    df = sq.datasets.simulate(200, rng=5, importance=False, outcomes=False)
    df.index = pd.Index([f"r{k}" for k in range(200)], name="rid")
    df.loc["r150", "E1"] = 99
    path = tmp_path / "ids.csv"
    df.to_csv(path)
    with pytest.raises(sq.ScaleRangeError, match="rows 'r150'"):
        sq.summarize_csv(path, "servqual22", chunksize=40, index_col="rid")
    s = sq.summarize_csv(path, "servqual22", chunksize=40, index_col="rid", missing_codes=[99])
    assert s.n == 199


def test_options_reach_survey(panel, tmp_path):
    df, _ = panel
    renamed = df.rename(columns={f"P{j}": f"perc_{j}" for j in range(1, 23)})
    path = tmp_path / "renamed.csv"
    renamed.to_csv(path, index=False, sep=";")
    s = sq.summarize_csv(path, "servqual22", columns={"P": "perc_{n}"}, sep=";", chunksize=900)
    ref = sq.SurveySummary.from_frame(df, "servqual22")
    same(sq.gap_scores(s, level="item").to_frame(), sq.gap_scores(ref, level="item").to_frame())


def test_prefetch_off_gives_the_same_summary(panel):
    _, path = panel
    a = sq.summarize_csv(path, "servqual22", segments="store", chunksize=700, prefetch=False)
    b = sq.summarize_csv(path, "servqual22", segments="store", chunksize=700)
    same(
        sq.gap_scores(a, level="item", by="store").to_frame(),
        sq.gap_scores(b, level="item", by="store").to_frame(),
    )
    assert (a.n, a.n_dropped, a.dropped_rows) == (b.n, b.n_dropped, b.dropped_rows)


def test_error_in_first_chunk_stops_reader(tmp_path):
    df = sq.datasets.simulate(5000, rng=8, importance=False, outcomes=False).reset_index(drop=True)
    df.loc[3, "P1"] = 0
    path = tmp_path / "early.csv"
    df.to_csv(path, index=False)
    for prefetch in (True, False):
        with pytest.raises(sq.ScaleRangeError, match="rows 3 "):
            sq.summarize_csv(path, "servqual22", chunksize=100, prefetch=prefetch)


def test_summarize_chunks_accepts_any_iterable(panel):
    df, _ = panel
    blocks = (df.iloc[k : k + 250] for k in range(0, len(df), 250))
    s = summarize_chunks(blocks, "servqual22")
    ref = sq.SurveySummary.from_frame(df, "servqual22")
    same(sq.gap_scores(s).to_frame(), sq.gap_scores(ref).to_frame())


def test_input_file_and_frame_untouched(panel):
    df, path = panel
    before = df.copy()
    text = path.read_bytes()
    sq.summarize_csv(path, "servqual22", chunksize=1000)
    assert path.read_bytes() == text
    pd.testing.assert_frame_equal(df, before)


def test_memory_is_flat_in_file_length(tmp_path):
    def peak(n):
        df = sq.datasets.simulate(n, rng=6, importance=False, outcomes=False)
        path = tmp_path / f"n{n}.csv"
        df.to_csv(path, index=False)
        del df
        tracemalloc.start()
        sq.summarize_csv(path, "servqual22", chunksize=1000)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, large = peak(3000), peak(15000)
    assert large < 1.5 * small, (small, large)


def test_bad_arguments(tmp_path, panel):
    _, path = panel
    with pytest.raises(sq.DataError, match="does not exist"):
        sq.summarize_csv(tmp_path / "nope.csv", "servqual22")
    with pytest.raises(sq.DataError, match="chunksize"):
        sq.summarize_csv(path, "servqual22", chunksize=0)
    empty = tmp_path / "empty.csv"
    pd.DataFrame(columns=pd.read_csv(path, nrows=1).columns).to_csv(empty, index=False)
    with pytest.raises(sq.DataError, match="no rows"):
        sq.summarize_csv(empty, "servqual22")
    with pytest.raises(sq.MissingColumnError, match="E1"):
        sq.summarize_csv(path, "servqual22", usecols=["P1"])
    latin = tmp_path / "latin.csv"
    latin.write_bytes("E1,P1\n\xe9,1\n".encode("latin-1"))
    with pytest.raises(sq.DataError, match="encoding"):
        sq.summarize_csv(latin, "servqual22")


def test_separator_is_sniffed_and_index_col_checked(tmp_path):
    frame = sq.datasets.load_frame("retail_bank")
    whole = sq.SurveySummary.from_frame(frame, "servqual22")
    for sep, name in ((";", "semi.csv"), ("\t", "tab.tsv"), ("|", "pipe.csv")):
        path = tmp_path / name
        frame.to_csv(path, sep=sep)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", sq.MissingDataWarning)
            s = sq.summarize_csv(path, "servqual22", chunksize=50, index_col="respondent")
        assert s.n == whole.n == 208
        assert_allclose(sq.gap_scores(s).gap, sq.gap_scores(whole).gap, rtol=1e-12)
    with pytest.raises(sq.MissingColumnError, match=r"index_col='id' is not a column of pipe\.csv"):
        sq.summarize_csv(tmp_path / "pipe.csv", "servqual22", chunksize=50, index_col="id")


def test_segment_labels_agree_across_chunks(tmp_path):
    # the first chunks hold only numbers, the last one text: one segment '1', not 1 and '1'
    df = sq.datasets.simulate(600, rng=1, importance=False, outcomes=False)
    df["store"] = [str(1 + i % 3) for i in range(600)]
    df.loc[df.index[-5:], "store"] = "X9"
    path = tmp_path / "stores.csv"
    df.to_csv(path, index=False)
    s = sq.summarize_csv(path, "servqual22", segments="store", chunksize=100)
    assert s.segment_keys == [("1",), ("2",), ("3",), ("X9",)]
    whole = in_memory(path, segments="store")
    assert whole.segment("store").cat.categories.tolist() == ["1", "2", "3", "X9"]
    same(
        sq.gap_scores(s, level="overall", by="store").to_frame(),
        sq.gap_scores(whole, level="overall", by="store").to_frame(),
    )
