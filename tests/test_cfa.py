"""Tests for servqual.cfa against lavaan (tests/reference/make_cfa.R).

ML estimates, standard errors and fit indices come from an iterative optimiser (ours:
scipy BFGS; lavaan: nlminb), so they are compared with rtol=1e-4; quantities that
are closed forms of the data (baseline chi-square, df, unrestricted log-likelihood)
use rtol=1e-6.
"""

from __future__ import annotations

import importlib
import json
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import servqual as sq

REF = Path(__file__).parent / "reference"
cfa_module = importlib.import_module("servqual.cfa")

HS_MODEL = {
    "visual": ["x1", "x2", "x3"],
    "textual": ["x4", "x5", "x6"],
    "speed": ["x7", "x8", "x9"],
}
ITERATIVE = 1e-4  # optimiser tolerance: both programs stop near, not at, the exact optimum
CLOSED = 1e-6

FIT_NAMES = {  # lavaan fitMeasures name -> CFAResult field
    "chisq": "chisq",
    "df": "df",
    "pvalue": "pvalue",
    "baseline.chisq": "baseline_chisq",
    "baseline.df": "baseline_df",
    "cfi": "cfi",
    "tli": "tli",
    "rmsea": "rmsea",
    "rmsea.ci.lower": "rmsea_ci_low",
    "rmsea.ci.upper": "rmsea_ci_high",
    "rmsea.pvalue": "rmsea_pvalue",
    "srmr": "srmr",
    "aic": "aic",
    "bic": "bic",
    "logl": "loglik",
    "unrestricted.logl": "unrestricted_loglik",
    "npar": "npar",
    "ntotal": "n",
}


def _fit_ref(case: str) -> dict[str, float]:
    raw = json.loads((REF / f"cfa_{case}_fit.json").read_text())
    return {k: (np.nan if v == "NA" else float(v)) for k, v in raw.items()}


def _ref_table(case: str, kind: str) -> pd.DataFrame:
    t = pd.read_csv(REF / f"cfa_{case}_{kind}.csv")
    t.index = t["lhs"] + t["op"] + t["rhs"]
    return t


# hs, bank, bank_survey: fixtures in tests/conftest.py


@pytest.fixture(scope="module")
def fits(hs, bank_survey) -> dict[str, sq.CFAResult]:
    return {
        "hs": sq.cfa(hs, HS_MODEL),
        "hs_marker": sq.cfa(hs, HS_MODEL, std_lv=False),
        "hs_textual": sq.cfa(hs, {"textual": ["x4", "x5", "x6"]}),
        "bank": sq.cfa(bank_survey),
    }


# --------------------------------------------------------------------------- vs lavaan
@pytest.mark.parametrize("case", ["hs", "hs_marker", "hs_textual", "bank"])
def test_fit_measures_match_lavaan(fits, case):
    # fitMeasures(fit, c("chisq","df","pvalue","baseline.chisq",...,"logl")) in make_cfa.R
    ref = _fit_ref(case)
    res = fits[case]
    for r_name, field in FIT_NAMES.items():
        ours, theirs = getattr(res, field), ref[r_name]
        if np.isnan(theirs):  # df = 0: lavaan reports NA p-values
            assert np.isnan(ours), field
        elif r_name in ("df", "baseline.df", "npar", "ntotal"):
            assert ours == theirs, field
        elif r_name in ("baseline.chisq", "unrestricted.logl"):
            assert_allclose(ours, theirs, rtol=CLOSED, err_msg=field)
        elif abs(theirs) < 1e-6:  # saturated model: chisq, rmsea, srmr are 0 up to rounding
            assert_allclose(ours, theirs, atol=1e-8, err_msg=field)
        else:
            assert_allclose(ours, theirs, rtol=ITERATIVE, err_msg=field)


@pytest.mark.parametrize("case", ["hs", "hs_marker", "hs_textual", "bank"])
def test_parameter_estimates_match_lavaan(fits, case):
    # parameterEstimates(fit)[, c("est", "se", "z", "pvalue")]
    ref = _ref_table(case, "params")
    ours = fits[case].to_frame()
    assert list(ours.index) == list(ref.index)  # same rows in lavaan's order
    assert_allclose(ours["est"], ref["est"], rtol=ITERATIVE)
    assert_allclose(ours["se"], ref["se"], rtol=ITERATIVE, atol=1e-12)
    free = ours["free"].to_numpy()
    assert_allclose(ours["z"][free], ref["z"][free], rtol=ITERATIVE)
    assert np.isnan(ours["z"][~free]).all() and ref["z"][~free].isna().all()
    # lavaan prints p = 0 where 2 * (1 - pnorm(|z|)) underflows; compare absolutely
    assert_allclose(ours["p_value"][free], ref["pvalue"][free], rtol=ITERATIVE, atol=1e-12)


@pytest.mark.parametrize("case", ["hs", "hs_marker", "hs_textual", "bank"])
def test_standardized_solution_matches_lavaan(fits, case):
    # standardizedSolution(fit)[, c("est.std", "se")]
    ref = _ref_table(case, "std")
    ours = fits[case].to_frame()
    assert_allclose(ours["std_all"], ref["est.std"], rtol=ITERATIVE)
    assert_allclose(ours["std_se"], ref["se"], rtol=ITERATIVE, atol=1e-12)


def test_factor_correlations_and_loadings_views(fits):
    res = fits["hs"]
    ref = _ref_table("hs", "std")
    phi = res.factor_correlations()
    assert list(phi.index) == ["visual", "textual", "speed"]
    assert_allclose(phi.to_numpy(), phi.to_numpy().T)
    # standardizedSolution(fit): visual ~~ textual
    assert_allclose(phi.loc["textual", "visual"], ref.loc["visual~~textual", "est.std"], rtol=1e-4)
    lo = res.loadings()
    assert list(lo.index) == [f"x{i}" for i in range(1, 10)]
    assert_allclose(
        lo["std_all"],
        ref.loc[[f"{lo.factor[i]}=~{i}" for i in lo.index], "est.std"],
        rtol=ITERATIVE,
    )
    assert_allclose(lo["std_error_variance"], 1 - lo["std_all"] ** 2, rtol=1e-10)


def test_marker_and_std_lv_are_the_same_model(fits):
    a, b = fits["hs"], fits["hs_marker"]
    assert_allclose(a.chisq, b.chisq, rtol=1e-7)
    assert_allclose(a.to_frame()["std_all"], b.to_frame()["std_all"], rtol=1e-5)
    assert_allclose(a.implied_cov, b.implied_cov, rtol=1e-6)


# --------------------------------------------------------------------------- independent checks
def test_one_factor_matches_statsmodels_ml_factor(bank):
    # statsmodels' ML exploratory factor analysis with one factor is the same model
    from statsmodels.multivariate.factor import Factor

    items = ["EMP1", "EMP2", "EMP3", "EMP4", "EMP5"]
    res = sq.cfa(bank, {"empathy": items})
    sm = Factor(bank[items].to_numpy(), n_factor=1, method="ml").fit()
    sm_load = np.abs(sm.loadings[:, 0])
    assert_allclose(res.loadings()["std_all"], sm_load, rtol=ITERATIVE)


def test_saturated_model_reproduces_s_and_se_equal_inverse_hessian(hs, fits):
    res = fits["hs_textual"]
    assert_allclose(res.implied_cov, res.sample_cov, rtol=1e-7)
    # At a saturated solution S = Σ, so the observed information (numerical Hessian of
    # N/2 · F) equals the expected information used for the standard errors.
    s = res.sample_cov.to_numpy()
    spec = cfa_module._Spec(res.model, True)
    x = res.to_frame()["est"].to_numpy()[: spec.q]
    p = s.shape[0]

    def grad(theta):
        sig = spec.sigma(theta)
        inv = np.linalg.inv(sig)
        return spec.gradient(theta, inv - inv @ s @ inv)

    h = 1e-5
    hess = np.column_stack([(grad(x + h * e) - grad(x - h * e)) / (2 * h) for e in np.eye(spec.q)])
    vcov = np.linalg.inv(res.n / 2 * hess)
    assert p == 3
    assert_allclose(res.to_frame()["se"].to_numpy()[: spec.q], np.sqrt(np.diag(vcov)), rtol=1e-5)


def test_gradient_matches_finite_differences(hs):
    spec = cfa_module._Spec({k: tuple(v) for k, v in HS_MODEL.items()}, False)
    s = np.cov(hs.to_numpy(), rowvar=False, ddof=0)
    x = spec.start(s)

    def f(theta):
        sig = spec.sigma(theta)
        return np.linalg.slogdet(sig)[1] + np.trace(s @ np.linalg.inv(sig))

    sig = spec.sigma(x)
    inv = np.linalg.inv(sig)
    g = spec.gradient(x, inv - inv @ s @ inv)
    h = 1e-6
    num = np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(spec.q)])
    assert_allclose(g, num, rtol=1e-5, atol=1e-8)


# --------------------------------------------------------------------------- invariance
def test_survey_and_frame_inputs_agree(bank, bank_survey, fits):
    model = bank_survey.instrument.model
    res = sq.cfa(bank, model)
    assert_allclose(res.to_frame()["est"], fits["bank"].to_frame()["est"], rtol=1e-8)
    assert fits["bank"].score == "perception" and res.score is None


def test_survey_with_missing_rows_is_listwise_and_warns():
    survey = sq.load_example("retail_bank")  # 4 incomplete respondents kept, 3 miss a P rating
    with pytest.warns(sq.MissingDataWarning, match="dropped 3"):
        res = sq.cfa(survey)
    assert res.n == 209 and res.dropped_rows == (107, 120, 160)
    complete = survey.ratings("P").dropna()
    assert_allclose(res.chisq, sq.cfa(complete, survey.instrument.model).chisq, rtol=1e-8)
    with pytest.raises(sq.DataError, match="rows"):
        sq.cfa(survey, nan_policy="raise")


def test_order_of_items_and_factors_does_not_matter(hs, fits):
    reordered = {
        "speed": ["x9", "x7", "x8"],
        "visual": ["x3", "x1", "x2"],
        "textual": ("x5", "x6", "x4"),
    }
    res = sq.cfa(hs[list(reversed(hs.columns))], reordered)
    assert_allclose(res.chisq, fits["hs"].chisq, rtol=1e-7)
    a, b = fits["hs"].to_frame(), res.to_frame()
    shared = [i for i in a.index if i in b.index and a.loc[i, "op"] == "=~"]
    assert len(shared) == 9
    assert_allclose(b.loc[shared, "est"], a.loc[shared, "est"], rtol=1e-5)
    assert_allclose(
        res.factor_correlations().loc[
            ["visual", "textual", "speed"], ["visual", "textual", "speed"]
        ],
        fits["hs"].factor_correlations(),
        rtol=1e-5,
    )


def test_input_unchanged_and_scale_equivariance(hs, fits):
    before = hs.copy()
    scaled = hs.copy()
    scaled["x1"] = scaled["x1"] * 10 + 3
    res = sq.cfa(scaled, HS_MODEL)
    pd.testing.assert_frame_equal(hs, before)
    assert_allclose(res.chisq, fits["hs"].chisq, rtol=1e-7)
    assert_allclose(res.to_frame()["std_all"], fits["hs"].to_frame()["std_all"], rtol=1e-5)
    assert_allclose(
        res.to_frame().loc["visual=~x1", "est"],
        10 * fits["hs"].to_frame().loc["visual=~x1", "est"],
        rtol=1e-5,
    )


def test_result_api(fits):
    res = fits["hs"]
    t = res.to_frame()
    t.loc[:, "est"] = 0.0
    assert (res.to_frame()["est"] != 0).all()  # to_frame is a copy
    fm = res.fit_measures()
    assert fm["chisq"] == res.chisq and fm["df"] == 24
    assert "CFA (ML, std.lv)" in repr(res) and "visual=~x1" in repr(res)
    assert res.factors == ["visual", "textual", "speed"]
    assert res.residuals().shape == (9, 9)
    # SRMR is the root mean square of the lower triangle of the correlation residuals
    r = res.residuals().to_numpy()
    assert_allclose(np.sqrt(np.mean(r[np.tril_indices(9)] ** 2)), res.srmr, rtol=1e-12)
    with pytest.raises(AttributeError):
        res.chisq = 0.0


# --------------------------------------------------------------------------- warnings, errors
def _exact_sample(cov: np.ndarray, n: int, seed: int = 1) -> np.ndarray:
    """Data whose ML sample covariance (divisor n) equals ``cov`` exactly."""
    z = np.random.default_rng(seed).standard_normal((n, cov.shape[0]))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(z.T @ z / n)).T
    return z @ np.linalg.cholesky(cov).T + 4.0


def test_heywood_case_warns_and_names_item():
    # r12 = r13 = .8, r23 = .6 imply λ1² = .8·.8/.6 = 1.067 > 1: negative error variance
    cov = np.array([[1.0, 0.8, 0.8], [0.8, 1.0, 0.6], [0.8, 0.6, 1.0]])
    df = pd.DataFrame(_exact_sample(cov, 200), columns=["a", "b", "c"])
    with pytest.warns(sq.HeywoodWarning, match="negative error variance for 'a'"):
        res = sq.cfa(df, {"f": ["a", "b", "c"]})
    assert "Θ, is not positive definite" in res.improper[0]
    assert_allclose(res.loadings().loc["a", "std_all"] ** 2, 0.64 / 0.6, rtol=1e-5)


# ECSI bank satisfaction data, six-factor measurement model: EXPE~QUAL r = .98 and
# VAL~SAT r = .96 make the latent covariance matrix indefinite. lavaan 0.6-14 warns
# "covariance matrix of latent variables is not positive definite" with smallest
# eigenvalue -0.000756 (std.lv) / -0.00168 (marker); tests/reference/make_cfa_ecsi.R.
ECSI = json.loads((REF / "cfa_ecsi.json").read_text())
ECSI_MODEL = {
    "IMAG": [f"imag{i}" for i in range(1, 6)],
    "EXPE": [f"expe{i}" for i in range(1, 6)],
    "QUAL": [f"qual{i}" for i in range(1, 6)],
    "VAL": [f"val{i}" for i in range(1, 5)],
    "SAT": [f"sat{i}" for i in range(1, 5)],
    "LOY": [f"loy{i}" for i in range(1, 5)],
}


@pytest.fixture(scope="module")
def ecsi() -> pd.DataFrame:
    return pd.read_csv(REF / "cfa_ecsi_data.csv", index_col="respondent")


def _cov_lv(res: sq.CFAResult) -> np.ndarray:
    t = res.to_frame()
    f = res.factors
    cov = np.eye(len(f))
    for lhs, rhs, est in t.loc[
        (t["op"] == "~~") & t["lhs"].isin(f), ["lhs", "rhs", "est"]
    ].to_numpy():
        cov[f.index(lhs), f.index(rhs)] = cov[f.index(rhs), f.index(lhs)] = est
    return cov


@pytest.mark.parametrize(("case", "std_lv"), [("std_lv", True), ("marker", False)])
def test_indefinite_latent_covariance_warns_as_lavaan(ecsi, case, std_lv):
    ref = ECSI[case]
    assert "covariance matrix of latent variables" in ref["warnings"]
    small = ref["cov_lv_eigenvalues"][-1]  # -0.000756230 (std.lv), -0.00168397 (marker)
    with pytest.warns(
        sq.HeywoodWarning,
        match=rf"latent variables \(Φ\) is not positive definite: smallest eigenvalue "
        rf"{small:.3g}, on factors 'QUAL', 'EXPE', 'VAL'",
    ):
        res = sq.cfa(ecsi, ECSI_MODEL, std_lv=std_lv)
    assert_allclose(res.chisq, ref["chisq"], rtol=ITERATIVE)
    assert res.df == ref["df"]
    # lavInspect(fit, "cov.lv") eigenvalues; the smallest is a small difference of
    # iterative estimates, so it is compared absolutely
    vals = np.linalg.eigvalsh(_cov_lv(res))[::-1]
    assert_allclose(vals, ref["cov_lv_eigenvalues"], rtol=ITERATIVE, atol=1e-6)
    assert vals[-1] < 0
    assert_allclose(res.factor_correlations().to_numpy(), ref["cor_lv"], atol=ITERATIVE)
    assert len(res.improper) == 1 and "not positive definite" in res.improper[0]
    # Θ is diagonal and positive: lavaan's theta check passes too
    assert min(ref["theta_eigenvalues"]) > 0
    assert "Θ" not in res.improper[0]


def test_validity_carries_the_improper_solution_warning(ecsi):
    with pytest.warns(sq.HeywoodWarning):
        res = sq.cfa(ecsi, ECSI_MODEL)
    with pytest.warns(sq.HeywoodWarning, match=r"discriminant_validity\(\) on an improper"):
        dv = sq.discriminant_validity(res)
    # EXPE~QUAL (.98) exceeds both √AVEs: the verdict is computed, but flagged
    assert not dv.to_frame().loc[["EXPE", "QUAL"], "fornell_larcker"].any()
    with pytest.warns(sq.HeywoodWarning, match=r"fornell_larcker\(\) on an improper"):
        sq.fornell_larcker(res)


def test_proper_solutions_are_not_flagged(fits):
    import warnings

    for res in fits.values():
        assert res.improper == ()
    with warnings.catch_warnings():
        warnings.simplefilter("error", sq.HeywoodWarning)
        sq.discriminant_validity(fits["bank"])
    # lavaan's tolerance: .Machine$double.eps^(3/4)
    assert_allclose(cfa_module._PD_TOL, 1.818989403545856e-12, rtol=1e-12)


def test_convergence_failure_raises(hs, monkeypatch):
    def stuck(fun, x0, **kw):
        return types.SimpleNamespace(
            x=np.asarray(x0), fun=fun(x0)[0], nit=0, message="stopped", success=False
        )

    monkeypatch.setattr(cfa_module, "optimize", types.SimpleNamespace(minimize=stuck))
    with pytest.raises(sq.ConvergenceError, match="did not converge"):
        sq.cfa(hs, HS_MODEL)


def test_missing_item_is_named(hs):
    with pytest.raises(sq.MissingColumnError, match="'x10'"):
        sq.cfa(hs, {"visual": ["x1", "x2", "x10"], "textual": ["x4", "x5", "x6"]})


def test_item_in_two_factors(hs):
    with pytest.raises(sq.InstrumentError, match=r"'x3'.*'visual'.*'textual'"):
        sq.cfa(hs, {"visual": ["x1", "x2", "x3"], "textual": ["x3", "x4", "x5"]})
    with pytest.raises(sq.InstrumentError, match="twice"):
        sq.cfa(hs, {"visual": ["x1", "x2", "x2"]})


def test_single_item_factor_and_underidentified_model(hs):
    with pytest.raises(sq.InstrumentError, match="'speed' has 1 item"):
        sq.cfa(hs, {"visual": ["x1", "x2", "x3"], "speed": ["x7"]})
    with pytest.raises(sq.InstrumentError, match="df = -1"):
        sq.cfa(hs, {"visual": ["x1", "x2"]})


def test_bad_model_and_options(hs):
    with pytest.raises(sq.InstrumentError, match="model= is required"):
        sq.cfa(hs)
    with pytest.raises(sq.InstrumentError, match="list of column names"):
        sq.cfa(hs, {"visual": "x1 x2 x3"})
    with pytest.raises(sq.InstrumentError, match="non-empty mapping"):
        sq.cfa(hs, {})
    with pytest.raises(sq.DataError, match="estimator"):
        sq.cfa(hs, HS_MODEL, estimator="uls")
    with pytest.raises(sq.DataError, match="nan_policy"):
        sq.cfa(hs, HS_MODEL, nan_policy="pairwise")


def test_too_few_respondents(hs):
    with pytest.raises(sq.InsufficientDataError, match=r"at least 10.*got 9"):
        sq.cfa(hs.head(9), HS_MODEL)


def test_singular_covariance_names_items(hs):
    bad = hs.copy()
    bad["x3"] = bad["x1"] + bad["x2"]
    with pytest.raises(sq.DataError, match=r"singular.*'x1', 'x2', 'x3'"):
        sq.cfa(bad, HS_MODEL)
    flat = hs.copy()
    flat["x5"] = 3.0
    with pytest.raises(sq.DataError, match="'x5' have zero variance"):
        sq.cfa(flat, HS_MODEL)


def test_non_numeric_and_missing_values(hs):
    txt = hs.astype(object)
    txt.loc[5, "x4"] = "n/a"
    with pytest.raises(sq.NonNumericError, match=r"'x4'.*rows 5"):
        sq.cfa(txt, HS_MODEL)
    gaps = hs.copy()
    gaps.loc[[3, 7], "x2"] = np.nan
    with pytest.raises(sq.DataError, match="rows 3, 7"):
        sq.cfa(gaps, HS_MODEL, nan_policy="raise")
    with pytest.warns(sq.MissingDataWarning, match="dropped 2 of 301"):
        res = sq.cfa(gaps, HS_MODEL)
    assert res.n == 299 and res.dropped_rows == (3, 7)


def test_two_item_factor_uncorrelated_with_the_rest_is_not_identified():
    # Σ has cov(d, e) = .5 and zero covariance with a, b, c: λ_d·λ_e = .5 fixes only
    # the product, so the information matrix is singular.
    cov = np.eye(5)
    cov[np.ix_([0, 1, 2], [0, 1, 2])] = 0.5
    cov[np.ix_([3, 4], [3, 4])] = 0.5
    cov[np.diag_indices(5)] = 1.0
    df = pd.DataFrame(_exact_sample(cov, 200), columns=list("abcde"))
    for std_lv in (True, False):  # a structural check: no dependence on the optimiser's path
        with pytest.raises(sq.ConvergenceError, match=r"not identified: factor 'g'.*\('d', 'e'\)"):
            sq.cfa(df, {"f": ["a", "b", "c"], "g": ["d", "e"]}, std_lv=std_lv)


def test_two_item_factor_identified_through_its_covariance_fits():
    # the same shapes with cov(f items, g items) = .2: identified, fits exactly (chisq 0)
    cov = np.full((5, 5), 0.2)
    cov[np.ix_([0, 1, 2], [0, 1, 2])] = 0.5
    cov[np.ix_([3, 4], [3, 4])] = 0.5
    cov[np.diag_indices(5)] = 1.0
    df = pd.DataFrame(_exact_sample(cov, 200), columns=list("abcde"))
    res = sq.cfa(df, {"f": ["a", "b", "c"], "g": ["d", "e"]})
    assert res.df == 4
    assert_allclose(res.chisq, 0.0, atol=1e-8)
    # Φ_fg = .2 / (√.5 · √.5) = .4 exactly
    assert_allclose(res.factor_correlations().loc["f", "g"], 0.4, atol=1e-6)


# --------------------------------------------------------------------------- other Surveys
MORE = json.loads((REF / "cfa_more.json").read_text())  # tests/reference/make_cfa_more.R


def _more_fit(case: str) -> sq.CFAResult:
    if case == "bank_E":  # one respondent without a complete set of E: dropped, with a warning
        survey = sq.load_example("retail_bank")
        with pytest.warns(sq.MissingDataWarning):
            return sq.cfa(survey, score="expectation")
    zot = sq.load_example("zone_of_tolerance")  # 9-point, complete
    return sq.cfa(zot, score="perception" if case == "zot_P" else "adequate")


@pytest.mark.parametrize("case", ["zot_P", "zot_A", "bank_E"])
def test_cfa_other_surveys_match_lavaan(case):
    # lavaan::cfa(model, data, std.lv = TRUE): fitMeasures, parameterEstimates,
    # standardizedSolution (make_cfa_more.R)
    ref = MORE[case]
    res = _more_fit(case)
    assert res.n == ref["fit"]["ntotal"] and res.df == ref["fit"]["df"]
    assert res.npar == ref["fit"]["npar"]
    assert_allclose(res.baseline_chisq, ref["fit"]["baseline.chisq"], rtol=CLOSED)
    for r_name in ["chisq", "pvalue", "cfi", "tli", "srmr", "aic", "bic", "logl"]:
        ours, theirs = getattr(res, FIT_NAMES[r_name]), ref["fit"][r_name]
        assert_allclose(ours, theirs, rtol=ITERATIVE, err_msg=r_name)
    for r_name in ["rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "rmsea.pvalue"]:
        # the ZOT models fit exactly (RMSEA and its lower bound 0)
        ours, theirs = getattr(res, FIT_NAMES[r_name]), ref["fit"][r_name]
        assert_allclose(ours, theirs, rtol=ITERATIVE, atol=1e-8, err_msg=r_name)
    t = res.to_frame()
    assert list(t["lhs"]) == ref["lhs"] and list(t["rhs"]) == ref["rhs"]
    assert_allclose(t["est"], ref["est"], rtol=ITERATIVE)
    assert_allclose(t["se"], ref["se"], rtol=ITERATIVE, atol=1e-12)
    assert_allclose(t["std_all"], ref["std"], rtol=ITERATIVE)
    assert_allclose(t["std_se"], ref["std_se"], rtol=ITERATIVE, atol=1e-12)


def test_score_must_be_a_name():
    with pytest.raises(sq.DataError, match="score must be"):
        sq.cfa(sq.load_example("zone_of_tolerance"), score=3)  # type: ignore[arg-type]
