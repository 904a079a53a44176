"""Tests for servqual.drivers: key-driver regression and importance–performance analysis.

Reference values come from tests/reference/make_drivers.R (lm, sandwich::vcovHC(type="HC3"),
lmtest::coeftest / coefci / waldtest, explicit relative-weight and all-subsets LMG formulas)
stored in tests/reference/drivers_reference.json; no test runs R.
"""

from __future__ import annotations

import dataclasses
import json
import math
from itertools import combinations, permutations
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

import servqual as sq
from servqual.drivers import QUADRANTS, dominance_weights, relative_weights

REF = json.loads((Path(__file__).parent / "reference" / "drivers_reference.json").read_text())
DIMS = ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]
# deterministic survey weights, rebuilt exactly as in make_drivers.R
R_WEIGHTS = 0.5 + (np.arange(1, 213) % 7) / 4
RTOL = 1e-8  # closed-form statistics: R and servqual agree to ~1e-13 here


@pytest.fixture(scope="module")
def survey():
    return sq.load_example("retail_bank")


def _survey_from(frame: pd.DataFrame, **kw) -> sq.Survey:
    opts = {"importance": "imp_{dimension}", "outcomes": ["overall", "recommend"]}
    opts.update(kw)
    return sq.Survey(frame, "servqual22", **opts)


def _check_against_r(res, ref):
    table = res.to_frame()
    assert list(table.index) == ref.get("predictors", list(table.index))
    assert res.n == ref["n"]
    for col in ("coef", "se", "t", "ci_low", "ci_high", "std_beta", "r"):
        # coef: coef(lm); se/t: lmtest::coeftest(m, vcov.=V); ci: lmtest::coefci(m, vcov.=V)
        # std_beta: b * sd(x) / sd(y); r: cor(X, y)
        assert_allclose(table[col].to_numpy(), ref[col], rtol=RTOL, err_msg=col)
    # p values: lmtest::coeftest(m, vcov.=V)[, 4] (t with residual df)
    assert_allclose(table["p_unc"].to_numpy(), ref["p"], rtol=1e-7)
    # summary(m)$r.squared, $adj.r.squared, $fstatistic; pf(..., lower.tail=FALSE)
    assert_allclose(res.r_squared, ref["r_squared"], rtol=RTOL)
    assert_allclose(res.adj_r_squared, ref["adj_r_squared"], rtol=RTOL)
    assert_allclose(res.f_statistic, ref["f_statistic"], rtol=RTOL)
    assert_allclose(res.f_p_value, ref["f_pvalue"], rtol=1e-7)
    # lmtest::waldtest(m, vcov = V, test = "F")$F[2]
    assert_allclose(res.wald_f, ref["wald_f"], rtol=RTOL)
    # coef(m)[1], sqrt(V[1, 1])
    assert_allclose(res.intercept, ref["intercept"], rtol=RTOL)
    assert_allclose(res.intercept_se, ref["intercept_se"], rtol=RTOL)
    # relweights(cor(X), cor(X, y)) written out in make_drivers.R (Johnson, 2000)
    assert_allclose(table["raw_weight"].to_numpy(), ref["raw_weight"], rtol=RTOL)
    assert_allclose(table["rescaled_weight"].to_numpy(), ref["rescaled_weight"], rtol=RTOL)
    if "dominance" in ref:
        # lmg(y, X): all-subsets lm() R² increments averaged within then across sizes
        assert_allclose(table["dominance"].to_numpy(), ref["dominance"], rtol=RTOL)


# --------------------------------------------------------------------------- key_drivers vs R


def test_key_drivers_hc3_matches_r(survey):
    _check_against_r(sq.key_drivers(survey, outcome="overall"), REF["perception_overall_hc3"])


def test_key_drivers_classical_matches_r(survey):
    res = sq.key_drivers(survey, outcome="overall", robust=None)
    _check_against_r(res, REF["perception_overall_classic"])
    assert res.robust is None


def test_key_drivers_gap_recommend_matches_r(survey):
    res = sq.key_drivers(survey, outcome="recommend", score="gap")
    _check_against_r(res, REF["gap_recommend_hc3"])
    assert res.n_dropped == 212 - 208


def test_key_drivers_weighted_matches_r_wls():
    weighted = sq.load_example("retail_bank", weights=R_WEIGHTS)
    res = sq.key_drivers(weighted, outcome="overall")
    # lm(y ~ ., weights = w) with vcovHC(type = "HC3"); cov.wt() correlations
    _check_against_r(res, REF["perception_overall_weighted"])
    assert res.weighted


def test_key_drivers_items_matches_r(survey):
    res = sq.key_drivers(survey, outcome="overall", level="item")
    _check_against_r(res, REF["items_overall_hc3"])
    # 22 predictors: exact dominance skipped by default
    assert "dominance" not in res.columns
    assert res.conditional_dominance is None


def test_hc3_against_direct_formula_and_statsmodels(survey):
    res = sq.key_drivers(survey, outcome="overall")
    x = sq.respondent_scores(survey, level="dimension", score="perception")
    y = survey.outcome("overall")
    ok = x.notna().all(axis=1) & y.notna()
    X = np.column_stack([np.ones(ok.sum()), x[ok].to_numpy()])
    yy = y[ok].to_numpy()
    xtx_inv = np.linalg.inv(X.T @ X)
    b = xtx_inv @ X.T @ yy
    e = yy - X @ b
    h = np.einsum("ij,jk,ik->i", X, xtx_inv, X)
    meat = (X * (e**2 / (1 - h) ** 2)[:, None]).T @ X
    se = np.sqrt(np.diag(xtx_inv @ meat @ xtx_inv))
    assert_allclose(res.to_frame()["se"].to_numpy(), se[1:], rtol=1e-10)
    assert_allclose(res.intercept_se, se[0], rtol=1e-10)
    fit = sm.OLS(yy, X).fit(cov_type="HC3")
    assert_allclose(res.to_frame()["se"].to_numpy(), fit.bse[1:], rtol=1e-10)


# --------------------------------------------------------------------------- relative importance


def _r2_lstsq(X, y, cols):
    if not cols:
        return 0.0
    A = np.column_stack([np.ones(len(y)), X[:, cols]])
    b, *_ = np.linalg.lstsq(A, y, rcond=None)
    e = y - A @ b
    return 1 - e @ e / ((y - y.mean()) @ (y - y.mean()))


def test_dominance_equals_shapley_by_permutations():
    rng = np.random.default_rng(7)
    n, p = 120, 4
    X = rng.normal(size=(n, p)) @ rng.normal(size=(p, p))
    y = X @ np.array([0.5, -0.2, 0.3, 0.0]) + rng.normal(size=n)
    corr = np.corrcoef(np.column_stack([X, y]), rowvar=False)
    gen, cond = dominance_weights(corr)
    # Shapley value: average marginal R² contribution over all p! orders (lstsq fits)
    shap = np.zeros(p)
    for order in permutations(range(p)):
        for k, j in enumerate(order):
            before = list(order[:k])
            shap[j] += _r2_lstsq(X, y, [*before, j]) - _r2_lstsq(X, y, before)
    shap /= math.factorial(p)
    assert_allclose(gen, shap, rtol=1e-10)
    assert_allclose(gen.sum(), _r2_lstsq(X, y, list(range(p))), rtol=1e-10)
    # conditional dominance at size 0 is the squared zero-order correlation
    assert_allclose(cond[:, 0], corr[:p, p] ** 2, rtol=1e-12)
    # at size p-1 it is the R² increment over all others (squared semipartial)
    full = _r2_lstsq(X, y, list(range(p)))
    for j in range(p):
        others = [c for c in range(p) if c != j]
        assert_allclose(cond[j, p - 1], full - _r2_lstsq(X, y, others), rtol=1e-10)


def test_relative_weights_sum_to_r2_and_orthogonal_case():
    rng = np.random.default_rng(3)
    # uncorrelated predictors: relative weight = squared correlation (Johnson, 2000)
    corr = np.eye(4)
    r = np.array([0.3, -0.2, 0.1, 0.4])
    corr[:3, 3] = corr[3, :3] = r[:3]
    corr[3, 3] = 1.0
    assert_allclose(relative_weights(corr), r[:3] ** 2, rtol=1e-12)
    X = rng.normal(size=(80, 3))
    X[:, 1] += X[:, 0]
    y = X.sum(axis=1) + rng.normal(size=80)
    c = np.corrcoef(np.column_stack([X, y]), rowvar=False)
    assert_allclose(relative_weights(c).sum(), _r2_lstsq(X, y, [0, 1, 2]), rtol=1e-10)


def test_relative_importance_sums_to_r2(survey):
    res = sq.key_drivers(survey, outcome="recommend")
    t = res.to_frame()
    assert_allclose(t["raw_weight"].sum(), res.r_squared, rtol=1e-10)
    assert_allclose(t["dominance"].sum(), res.r_squared, rtol=1e-10)
    assert_allclose(t["rescaled_weight"].sum(), 100.0, rtol=1e-10)
    assert_allclose(t["dominance_pct"].sum(), 100.0, rtol=1e-10)
    assert res.conditional_dominance.shape == (5, 5)
    assert_allclose(res.conditional_dominance.mean(axis=1).to_numpy(), t["dominance"], rtol=1e-12)


def test_subset_r2_matches_lstsq_for_all_subsets(survey):
    from servqual.drivers import _subset_r2

    x = sq.respondent_scores(survey, level="dimension", score="gap")
    y = survey.outcome("overall")
    ok = (x.notna().all(axis=1) & y.notna()).to_numpy()
    X, yy = x.to_numpy()[ok], y.to_numpy()[ok]
    r2 = _subset_r2(np.corrcoef(np.column_stack([X, yy]), rowvar=False))
    for k in range(6):
        for cols in combinations(range(5), k):
            mask = sum(1 << c for c in cols)
            assert_allclose(r2[mask], _r2_lstsq(X, yy, list(cols)), rtol=1e-9, atol=1e-14)


# --------------------------------------------------------------------------- invariance


def test_predictor_order_and_subset_selection(survey):
    base = sq.key_drivers(survey, outcome="overall").to_frame()
    rev = sq.key_drivers(survey, outcome="overall", include=DIMS[::-1]).to_frame()
    pd.testing.assert_frame_equal(rev.loc[DIMS], base, rtol=1e-10, check_exact=False)
    sub = sq.key_drivers(survey, outcome="overall", level="item", include=["TAN1", "REL2", "EMP5"])
    assert sub.level == "item"
    assert list(sub.index) == ["TAN1", "REL2", "EMP5"]


def test_outcome_rescaling_keeps_standardized_results():
    frame = sq.datasets.load_frame("retail_bank")
    before = frame.copy(deep=True)
    a = sq.key_drivers(_survey_from(frame), outcome="overall").to_frame()
    pd.testing.assert_frame_equal(frame, before)  # caller's frame untouched
    scaled = frame.copy()
    scaled["overall"] = 10 * scaled["overall"] - 3
    b = sq.key_drivers(_survey_from(scaled), outcome="overall").to_frame()
    for col in ("std_beta", "t", "p_unc", "r", "raw_weight", "dominance"):
        assert_allclose(b[col], a[col], rtol=1e-9, err_msg=col)
    assert_allclose(b["coef"], 10 * a["coef"], rtol=1e-9)


def test_result_repr_and_frame_copy(survey):
    res = sq.key_drivers(survey)
    assert "Key drivers of 'overall'" in repr(res)
    t = res.to_frame()
    t.iloc[0, 0] = 999.0
    assert res.to_frame().iloc[0, 0] != 999.0


# --------------------------------------------------------------------------- bad input


def test_unknown_outcome_names_it(survey):
    with pytest.raises(sq.MissingColumnError, match="satisfaction"):
        sq.key_drivers(survey, outcome="satisfaction")


def test_constant_predictor():
    frame = sq.datasets.load_frame("retail_bank")
    frame[["P1", "P2", "P3", "P4"]] = 4.0
    with pytest.raises(sq.DataError, match=r"tangibles.*constant"):
        sq.key_drivers(_survey_from(frame), outcome="overall")


def test_constant_outcome():
    frame = sq.datasets.load_frame("retail_bank")
    frame["overall"] = 5.0
    with pytest.raises(sq.DataError, match="'overall' is constant"):
        sq.key_drivers(_survey_from(frame), outcome="overall")


def test_too_few_respondents():
    frame = sq.datasets.load_frame("retail_bank").head(6)
    with pytest.raises(sq.InsufficientDataError, match=r"at least 7 respondents.*found 6"):
        sq.key_drivers(_survey_from(frame), outcome="overall")


def test_collinear_predictors_named():
    frame = sq.datasets.load_frame("retail_bank")
    frame["P5"] = 8 - frame["P1"]  # REL1 = 8 - TAN1
    s = _survey_from(frame)
    with pytest.raises(sq.DataError, match=r"'TAN1'.*'REL1'.*collinear"):
        sq.key_drivers(s, outcome="overall", level="item", include=["TAN1", "TAN2", "REL1"])


def test_bad_options(survey):
    with pytest.raises(sq.DataError, match="robust"):
        sq.key_drivers(survey, robust="HC9")
    with pytest.raises(sq.DataError, match="level="):
        sq.key_drivers(survey, level="overall")
    with pytest.raises(sq.DataError, match="'speed'"):
        sq.key_drivers(survey, include=["tangibles", "speed"])
    with pytest.raises(sq.DataError, match="dominance=False"):
        sq.key_drivers(survey, level="item", dominance=True)
    with pytest.raises(sq.ServqualError, match="Survey"):
        sq.key_drivers(pd.DataFrame({"a": [1.0]}))


# --------------------------------------------------------------------------- importance-performance


def test_ipa_stated_and_performance_match_r(survey):
    ipa = sq.importance_performance(survey)
    t = ipa.to_frame()
    ref = REF["ipa"]
    assert_allclose(t["importance"], ref["stated"], rtol=RTOL)  # colMeans(imp)
    assert_allclose(t["performance"], ref["performance"], rtol=RTOL)  # colMeans(perc, na.rm=TRUE)
    gap = sq.importance_performance(survey, score="gap").to_frame()
    assert_allclose(gap["performance"], ref["gap_performance"], rtol=RTOL)
    assert ipa.crosshair == "means"
    assert_allclose(ipa.importance_cut, np.mean(ref["stated"]), rtol=1e-12)
    assert_allclose(ipa.performance_cut, np.mean(ref["performance"]), rtol=1e-12)


def test_ipa_derived_correlation_matches_r(survey):
    ipa = sq.importance_performance(survey, importance="derived")
    # cor(perc[ok, ], overall[ok]) over complete cases
    assert_allclose(ipa.to_frame()["importance"], REF["ipa"]["derived_r"], rtol=RTOL)
    assert ipa.n == REF["ipa"]["derived_n"]
    assert ipa.derived == "correlation"
    assert "correlation" in ipa.importance_source


def test_ipa_derived_beta_equals_key_driver_beta(survey):
    ipa = sq.importance_performance(survey, importance="derived", derived="beta")
    kd = sq.key_drivers(survey, outcome="overall")
    assert_allclose(ipa.to_frame()["importance"], kd.to_frame()["std_beta"], rtol=1e-12)
    # b * sd(x) / sd(y) from R
    assert_allclose(
        ipa.to_frame()["importance"], REF["perception_overall_hc3"]["std_beta"], rtol=RTOL
    )


def test_ipa_quadrants_follow_crosshair(survey):
    ipa = sq.importance_performance(survey, crosshair=(20.0, 4.6))
    t = ipa.to_frame()
    assert ipa.crosshair == "explicit"
    expected = []
    for imp, perf in zip(REF["ipa"]["stated"], REF["ipa"]["performance"], strict=True):
        if imp >= 20.0:
            expected.append("keep up the good work" if perf >= 4.6 else "concentrate here")
        else:
            expected.append("possible overkill" if perf >= 4.6 else "low priority")
    assert t["quadrant"].tolist() == expected
    assert set(QUADRANTS.values()) == {
        "concentrate here",
        "keep up the good work",
        "low priority",
        "possible overkill",
    }


def test_ipa_midpoint_crosshair(survey):
    ipa = sq.importance_performance(survey, crosshair="midpoint")
    assert ipa.crosshair == "midpoint"
    assert ipa.importance_cut == pytest.approx(100 / 5)  # equal share of 100 points
    assert ipa.performance_cut == pytest.approx(4.0)  # midpoint of the 1-7 scale
    gap = sq.importance_performance(survey, crosshair="midpoint", score="gap")
    assert gap.performance_cut == 0.0
    der = sq.importance_performance(survey, importance="derived", crosshair="midpoint")
    r = np.array(REF["ipa"]["derived_r"])
    assert der.importance_cut == pytest.approx((r.min() + r.max()) / 2)


def test_ipa_item_level_inherits_dimension_points(survey):
    t = sq.importance_performance(survey, level="item").to_frame()
    assert len(t) == 22
    stated = dict(zip(DIMS, REF["ipa"]["stated"], strict=True))
    assert_allclose(t["importance"], [stated[d] for d in t["dimension"]], rtol=RTOL)
    p = survey.ratings("P")
    assert_allclose(t["performance"], p.mean(axis=0).to_numpy(), rtol=1e-12)


def test_ipa_instrument_weights_and_importance_ratings():
    frame = sq.datasets.load_frame("retail_bank")
    w = {"tangibles": 10, "reliability": 30, "responsiveness": 20, "assurance": 20, "empathy": 20}
    s = sq.Survey(frame, sq.instruments.servqual22(weights=w), outcomes=["overall"])
    ipa = sq.importance_performance(s)
    assert_allclose(ipa.to_frame()["importance"], [w[d] for d in DIMS])
    assert "instrument" in ipa.importance_source
    inst = dataclasses.replace(sq.instruments.servqual22(), ratings=("E", "P", "I"), name="SQ-I")
    rng = np.random.default_rng(1)
    framed = frame.copy()
    for k in range(1, 23):
        framed[f"I{k}"] = rng.integers(1, 8, len(frame))
    s2 = sq.Survey(framed, inst, outcomes=["overall"])
    items = sq.importance_performance(s2, level="item").to_frame()
    assert_allclose(items["importance"], framed[[f"I{k}" for k in range(1, 23)]].mean(), rtol=1e-12)
    no_imp = sq.Survey(frame, "servqual22", outcomes=["overall"])
    with pytest.raises(sq.InstrumentError, match="importance='derived'"):
        sq.importance_performance(no_imp)


def test_ipa_bad_input(survey):
    with pytest.raises(sq.MissingColumnError, match="'nps'"):
        sq.importance_performance(survey, importance="derived", outcome="nps")
    with pytest.raises(sq.DataError, match="crosshair"):
        sq.importance_performance(survey, crosshair="median")
    with pytest.raises(sq.DataError, match="crosshair"):
        sq.importance_performance(survey, crosshair=(1.0, "x"))
    with pytest.raises(sq.DataError, match="importance"):
        sq.importance_performance(survey, importance="both")


# --------------------------------------------------------------------------- plots


def test_plot_ipa(survey):
    ipa = sq.importance_performance(survey)
    _fig, ax = plt.subplots()
    out = sq.plot_ipa(ipa, ax=ax)
    assert out is ax
    assert len(ax.collections[0].get_offsets()) == 5
    texts = {t.get_text() for t in ax.texts}
    assert set(DIMS) <= texts
    assert set(QUADRANTS.values()) <= texts
    assert "Performance" in ax.get_xlabel()
    assert ipa.plot(ax=plt.subplots()[1]) is not None
    plt.close("all")


def test_plot_drivers(survey):
    res = sq.key_drivers(survey)
    _fig, ax = plt.subplots()
    assert sq.plot_drivers(res, ax=ax) is ax
    assert len(ax.patches) == 5
    labels = [t.get_text() for t in ax.get_yticklabels()]
    order = res.to_frame()["dominance_pct"].sort_values().index.tolist()
    assert labels == order
    assert "% of R²" in ax.get_xlabel()
    _fig2, ax2 = plt.subplots()
    res.plot(ax=ax2, measure="rescaled_weight")
    assert len(ax2.patches) == 5
    with pytest.raises(sq.ServqualError, match="measure"):
        sq.plot_drivers(res, ax=ax2, measure="nope")
    with pytest.raises(sq.ServqualError, match="key_drivers"):
        sq.plot_drivers(sq.importance_performance(survey), ax=ax2)
    plt.close("all")


def test_dominance_switch(survey):
    items = [f"{d}{k}" for d in ("TAN", "REL", "RES") for k in (1, 2, 3, 4)] + ["EMP1"]
    res = sq.key_drivers(
        survey, outcome="overall", level="item", include=items, dominance=True
    )  # 13 > 12
    assert_allclose(res.to_frame()["dominance"].sum(), res.r_squared, rtol=1e-10)
    assert "dominance" not in sq.key_drivers(survey, level="item", include=items).columns
    assert "dominance" not in sq.key_drivers(survey, dominance=False).columns
