"""Dask: partition summaries merged by a tree reduction on a distributed LocalCluster give
the pandas results; validation errors name global rows."""

import warnings

import numpy as np
import pandas as pd
import pytest

distributed = pytest.importorskip("distributed")
dd = pytest.importorskip("dask.dataframe")

import servqual as sq  # noqa: E402
from servqual._dask import frame_moments, is_dask_frame, summarize_partitions  # noqa: E402

RTOL = 1e-10
pytestmark = pytest.mark.filterwarnings("ignore::servqual.MissingDataWarning")


@pytest.fixture(scope="module")
def client():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        )
        c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def panel():
    df = sq.datasets.simulate(
        2400, segments={"store": ["s1", "s2", "s3"]}, missing=0.002, rng=21
    ).reset_index(drop=True)
    return df


def same(a, b):
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=RTOL, atol=1e-12)


def in_memory(df, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.MissingDataWarning)
        return sq.Survey(df, "servqual22", nan_policy="listwise", **kw)


@pytest.mark.parametrize("npartitions", [1, 7])
def test_dask_equals_pandas(client, panel, npartitions):
    ddf = dd.from_pandas(panel, npartitions=npartitions)
    assert is_dask_frame(ddf) and not is_dask_frame(panel)
    s = sq.SurveySummary.from_frame(ddf, "servqual22", segments="store", split_every=2)
    mem = in_memory(panel, segments="store")
    assert s.n == mem.n_respondents and s.n_read == len(panel)
    for level in ("item", "dimension", "overall"):
        for by in (None, "store"):
            same(
                sq.gap_scores(mem, level=level, by=by).to_frame(),
                sq.gap_scores(s, level=level, by=by).to_frame(),
            )
    np.testing.assert_allclose(s.correlation("P"), mem.item_scores("P").corr(), rtol=RTOL)
    np.testing.assert_allclose(
        sq.paired_tests(s, p_adjust=None).to_frame()["t"],
        mem.item_scores("gap").mean() / (mem.item_scores("gap").std() / np.sqrt(s.n)),
        rtol=RTOL,
    )


def test_from_frame_dispatches_dask(client, panel):
    ddf = dd.from_pandas(panel, npartitions=3)
    s = sq.SurveySummary.from_frame(ddf, "servqual22")
    ref = sq.SurveySummary.from_frame(panel, "servqual22")
    same(sq.gap_scores(s, level="item").to_frame(), sq.gap_scores(ref, level="item").to_frame())


def test_read_csv_partitions_name_global_rows(client, panel, tmp_path):
    bad = panel.copy()
    bad.loc[1999, "P13"] = 8
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    ddf = dd.read_csv(path, blocksize=60_000)  # several partitions, each indexed from 0
    assert ddf.npartitions > 3 and not ddf.known_divisions
    with pytest.raises(sq.ScaleRangeError) as dask_err:
        sq.SurveySummary.from_frame(ddf, "servqual22")
    with pytest.raises(sq.ScaleRangeError) as pandas_err:
        sq.Survey(pd.read_csv(path), "servqual22")
    assert "rows 1999" in str(dask_err.value) and "'P13'" in str(dask_err.value)
    assert str(dask_err.value) == str(pandas_err.value)


def test_known_divisions_use_index_labels(client, panel):
    labelled = panel.set_axis(pd.RangeIndex(10_000, 10_000 + len(panel)))
    labelled = labelled.astype({"E4": object})
    labelled.loc[11_234, "E4"] = "x"
    ddf = dd.from_pandas(labelled, npartitions=4)
    with pytest.raises(sq.NonNumericError, match=r"'E4'.*rows 11234"):
        sq.SurveySummary.from_frame(ddf, "servqual22")


def test_frame_moments_equal_pandas_cov(client, panel):
    cols = [f"P{j}" for j in range(1, 23)]
    ddf = dd.from_pandas(panel, npartitions=5)
    cov, n, dropped = frame_moments(ddf, cols, split_every=2)
    complete = panel[cols].dropna()
    np.testing.assert_allclose(cov, complete.cov(), rtol=RTOL)
    assert n == len(complete) and dropped == len(panel) - len(complete)
    cov_pd, _, _ = frame_moments(panel, cols)
    np.testing.assert_allclose(cov_pd, cov, rtol=RTOL)
    with pytest.raises(sq.MissingColumnError, match="nope"):
        frame_moments(ddf, ["nope"])
    with pytest.raises(sq.NonNumericError, match="store"):
        frame_moments(ddf, ["store"])


def test_bad_arguments(client, panel):
    with pytest.raises(sq.DataError, match="dask DataFrame"):
        summarize_partitions(panel, len, list)
    with pytest.raises(sq.DataError, match=r"SurveySummary\.from_frame"):
        sq.gap_scores(dd.from_pandas(panel, npartitions=2))
    with pytest.raises(sq.DataError, match="split_every"):
        sq.SurveySummary.from_frame(
            dd.from_pandas(panel, npartitions=2), "servqual22", split_every=1
        )
    with pytest.raises(sq.MissingColumnError, match="E1"):
        sq.SurveySummary.from_frame(
            dd.from_pandas(panel.drop(columns="E1"), npartitions=2), "servqual22"
        )


def test_dask_paths_speak_like_the_in_memory_path(client, panel):
    # incomplete rows: one MissingDataWarning, as Survey(nan_policy="listwise") gives
    holes = panel.copy()
    holes.loc[[3, 1500], "E2"] = np.nan
    n_bad = int(holes.filter(regex=r"^[EP]\d+$").isna().any(axis=1).sum())
    with pytest.warns(sq.MissingDataWarning, match=f"{n_bad} of 2400 rows"):
        sq.SurveySummary.from_frame(dd.from_pandas(holes, npartitions=3), "servqual22")
    # a Dask frame where a Survey is expected: say what to do instead
    with pytest.raises(sq.DataError, match=r"Dask DataFrame.*SurveySummary\.from_frame"):
        sq.Survey(dd.from_pandas(panel, npartitions=2), "servqual22")
