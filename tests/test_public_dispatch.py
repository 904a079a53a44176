"""Public statistics accept a SurveySummary (and Dask item frames) wherever a Survey goes."""

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import servqual as sq

RTOL = 1e-10  # summary path vs in-memory path: same formulas, different summation order


@pytest.fixture(scope="module")
def pair():
    frame = sq.datasets.load_frame("retail_bank")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.MissingDataWarning)
        survey = sq.Survey(
            frame, "servqual22", segments="branch", nan_policy="listwise", outcomes=["overall"]
        )
        summary = sq.SurveySummary.from_frame(
            frame, "servqual22", segments="branch", outcomes=["overall"]
        )
    return survey, summary


def test_gap_scores_dispatch(pair):
    survey, summary = pair
    pd.testing.assert_frame_equal(
        sq.gap_scores(summary, level="item", by="branch").to_frame(),
        sq.gap_scores(survey, level="item", by="branch").to_frame(),
        rtol=RTOL,
    )


def test_alpha_kmo_bartlett_efa_dispatch(pair):
    survey, summary = pair
    a, b = (
        sq.cronbach_alpha(summary, nan_policy="listwise"),
        sq.cronbach_alpha(survey, nan_policy="listwise"),
    )
    assert_allclose(a.to_frame()["alpha"], b.to_frame()["alpha"], rtol=RTOL)
    assert_allclose(
        sq.kmo(summary).overall, sq.kmo(survey, nan_policy="listwise").overall, rtol=RTOL
    )
    assert_allclose(
        sq.bartlett_sphericity(summary).statistic,
        sq.bartlett_sphericity(survey, nan_policy="listwise").statistic,
        rtol=RTOL,
    )
    la = sq.efa(summary, 2, rotation="varimax").to_frame()
    lb = sq.efa(survey, 2, rotation="varimax", nan_policy="listwise").to_frame()
    assert_allclose(la.select_dtypes("number"), lb.select_dtypes("number"), rtol=1e-6, atol=1e-8)


def test_key_drivers_dispatch(pair):
    survey, summary = pair
    a = sq.key_drivers(summary, robust=None).to_frame()
    b = sq.key_drivers(survey, robust=None).to_frame()
    assert_allclose(a["coef"], b["coef"], rtol=RTOL)


def test_dask_item_frame_goes_where_a_pandas_frame_goes():
    dd = pytest.importorskip("dask.dataframe")
    items = sq.load_example("retail_bank", nan_policy="pairwise").ratings("P").dropna()
    ddf = dd.from_pandas(items, npartitions=4)
    assert_allclose(sq.cronbach_alpha(ddf).alpha, sq.cronbach_alpha(items).alpha, rtol=RTOL)
    assert_allclose(sq.kmo(ddf).overall, sq.kmo(items).overall, rtol=RTOL)
    assert_allclose(
        sq.bartlett_sphericity(ddf).statistic, sq.bartlett_sphericity(items).statistic, rtol=RTOL
    )
    assert np.isfinite(sq.efa(ddf, 2).to_frame().select_dtypes("number").to_numpy()).all()


def test_paired_tests_dispatch(pair):
    survey, summary = pair
    pd.testing.assert_frame_equal(
        sq.paired_tests(summary, level="item").to_frame(),
        sq.paired_tests(survey, level="item").to_frame(),
        rtol=1e-9,
    )
    with pytest.raises(sq.CapabilityError, match="Wilcoxon"):
        sq.paired_tests(summary, method="wilcoxon")
