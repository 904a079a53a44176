"""WLSMV (``sem``/``cfa`` with ``ordered=``) against lavaan 0.6-14's
``cfa(model, data, ordered = TRUE)`` (tests/reference/make_wlsmv.R → wlsmv_reference.json).

Cases: psych's bfi (two factors of 5 six-point items, reverse-keyed items recoded,
2,632 complete rows), HolzingerSwineford1939 x1-x9 cut into 4 categories at fixed cut
points (3-factor CFA; the same with std.lv and a residual covariance x1 ~~ x4; and with a
structural regression speed ~ visual + textual; and with ordinal outcomes x7 ~ visual +
textual, x8 ~ textual, whose residuals covary by default) and the bundled retail_bank perception
ratings (5 SERVQUAL factors, 22 seven-point items, 209 complete rows, several items with
unused or sparse categories); 5 simulated binary items with one empty cell in a 2 × 2
table (lavaan's 0.5 correction of that table); and mixed indicators, HS x1-x3 continuous
with x4-x9 ordinal (ordered = x4..x9; a CFA, and an SEM with std.lv, a cross-loading of
the ordinal x4 and a regression).

Tolerances. The sample statistics are deterministic up to lavaan's optimiser for the
polychoric correlations (nlminb, ~1e-8): thresholds 1e-10, correlations 1e-7, Γ and W 1e-6
(relative for W). Estimates, SEs, standardized values and R² 1e-5 (observed ≤ 1.2e-6);
fit measures 1e-6 · max(1, |value|) (the chi-squares of thousands agree to ~1e-8
relative).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import servqual as sq
from servqual.exceptions import DataError, InstrumentError, ServqualWarning

REF_DIR = Path(__file__).parent / "reference"
REF = json.loads((REF_DIR / "wlsmv_reference.json").read_text())
CSV = {
    "bfi": "wlsmv_bfi_data.csv",
    "hs": "wlsmv_hs_data.csv",
    "hs_stdlv": "wlsmv_hs_data.csv",
    "hs_sem": "wlsmv_hs_data.csv",
    "hs_outcome": "wlsmv_hs_data.csv",
    "bank": "wlsmv_bank_data.csv",
    "bin": "wlsmv_bin_data.csv",
    "mixed": "wlsmv_mixed_data.csv",
    "mixed_sem": "wlsmv_mixed_data.csv",
}
CASES = list(CSV)
TOL = 1e-5


def _data(case: str) -> pd.DataFrame:
    return pd.read_csv(REF_DIR / CSV[case]).drop(columns=["respondent"], errors="ignore")


_FITS: dict[str, sq.SEMResult] = {}


def _fit(case: str) -> sq.SEMResult:
    if case not in _FITS:
        c = REF[case]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ServqualWarning)
            ordered = c.get("ordered") or True
            _FITS[case] = sq.sem(_data(case), c["model"], ordered=ordered, std_lv=c["std_lv"])
    return _FITS[case]


def _close(actual, expected, tol: float, relative: bool = False) -> None:
    a = np.asarray(actual, dtype=float)
    e = np.asarray(expected, dtype=float)
    scale = np.maximum(1.0, np.abs(e)) if relative else 1.0
    assert np.all(np.abs(a - e) <= tol * scale), np.max(np.abs(a - e) / scale)


def _pe(case: str) -> pd.DataFrame:
    pe = pd.DataFrame(REF[case]["pe"])
    pe.index = pe["lhs"] + pe["op"] + pe["rhs"]
    return pe


# ------------------------------------------------------------------ sample statistics
@pytest.mark.parametrize("case", ["bfi", "hs", "bank", "bin", "mixed"])
def test_sample_statistics(case):
    """Thresholds, polychorics, Γ and W: lavInspect(fit, "sampstat"), "gamma", "wls.v"."""
    c = REF[case]
    fit = _fit(case)
    th = pd.Series(c["th"])
    assert list(fit.sample_thresholds.index) == list(th.index)
    _close(fit.sample_thresholds, th, 1e-10)
    _close(fit.sample_cov.loc[c["ov"], c["ov"]], c["cor"], 1e-7)
    gamma = fit.gamma
    assert gamma is not None
    _close(np.diag(gamma), c["gamma_diag"], 1e-6, relative=True)
    _close(1.0 / np.diag(gamma), c["wls_v"], 1e-6, relative=True)  # diag(wls.v)
    # every statistic, lavaan's order and names: lavInspect(fit, "wls.obs"); Γ's labels
    wls = pd.Series(c["wls_obs"])
    assert list(gamma.index) == list(wls.index)
    data = _data(case)

    def stat(name: str) -> float:
        if "|" in name:
            return float(fit.sample_thresholds[name])
        if name.endswith("~1"):  # lavaan stores −mean for a continuous variable
            return -float(data[name[:-2]].mean())
        a, b = name.split("~~")
        return float(fit.sample_cov.loc[a, b])

    _close([stat(k) for k in wls.index], wls.to_numpy(), 1e-7)
    if isinstance(c.get("gamma"), list):  # full Γ stored for bfi and hs
        assert list(gamma.index) == c["gamma_names"]
        _close(gamma, c["gamma"], 1e-6)


# ------------------------------------------------------------------ estimates
@pytest.mark.parametrize("case", CASES)
def test_parameter_table(case):
    """parameterEstimates(fit, standardized = TRUE): every row in lavaan's order."""
    tab = _fit(case).to_frame()
    pe = _pe(case)
    assert list(tab.index) == list(pe.index)
    _close(tab["est"], pe["est"], TOL)
    _close(tab["se"], pe["se"], TOL)
    _close(tab["std_lv"], pe["std_lv"], TOL)
    _close(tab["std_all"], pe["std_all"], TOL)
    thr = tab[tab["op"] == "|"]
    assert thr["free"].all() and (thr["se"] > 0).all()
    ov_var = tab[(tab["op"] == "~~") & (tab["lhs"] == tab["rhs"]) & tab["lhs"].isin(tab["rhs"])]
    derived = ov_var[ov_var["lhs"].isin(_fit(case).ordered)]
    assert not derived["free"].any() and (derived["se"] == 0).all()


@pytest.mark.parametrize("case", CASES)
def test_r2_and_implied(case):
    """lavInspect(fit, "r2"), "cov.ov" and lavResiduals(fit, type = "cor")."""
    c = REF[case]
    fit = _fit(case)
    r2 = pd.Series(c["r2"])
    _close(fit.r_squared()[r2.index], r2, TOL)
    implied = fit.implied_cov.loc[c["ov"], c["ov"]]
    _close(implied, c["implied_cov"], TOL)
    sample = fit.sample_cov.loc[c["ov"], c["ov"]].to_numpy()
    model = implied.to_numpy()
    d_s, d_m = 1 / np.sqrt(np.diag(sample)), 1 / np.sqrt(np.diag(model))
    resid = sample * np.outer(d_s, d_s) - model * np.outer(d_m, d_m)
    _close(resid, c["resid_cor"], TOL)


# ------------------------------------------------------------------ fit measures
@pytest.mark.parametrize("case", CASES)
def test_fit_measures(case):
    """fitMeasures(fit) by name (with _ for .), and the tests' shift parameters."""
    c = REF[case]
    f = _fit(case).fit_measures()
    for name, value in f.items():
        if name == "chisq_shift_parameters":
            expected = c["shift"]
        elif name == "baseline_chisq_shift_parameters":
            expected = c["shift_baseline"]
        elif name == "ntotal":  # lavInspect(fit, "nobs")
            expected = c["n"]
        else:
            expected = c["fit"][name.replace("_", ".")]
        if expected is None:  # NA in lavaan: the robust CFI/RMSEA with continuous variables
            assert np.isnan(value), name
            continue
        _close(value, expected, 1e-6, relative=True)
    for name in ("chisq_scaled", "cfi_scaled", "tli_scaled", "rmsea_scaled", "srmr"):
        assert name in f.index


def test_fmin_and_chisq_conventions():
    """lavaan's categorical statistic: chisq = 2·N·fmin = (N − 1)·Σ w (r − ρ(θ))²."""
    fit = _fit("hs")
    f = fit.fit_measures()
    n = fit.n
    assert f["chisq"] == pytest.approx(2 * n * f["fmin"], rel=1e-12)
    tri = np.tril_indices(len(fit.observed), -1)
    e = (fit.sample_cov.to_numpy() - fit.implied_cov.to_numpy())[tri[1], tri[0]]
    gamma = fit.gamma
    assert gamma is not None
    w = 1.0 / np.diag(gamma)[len(fit.sample_thresholds) :]
    # Γ's correlations are ordered column by column below the diagonal
    i, j = np.triu_indices(len(fit.observed), 1)
    e = (fit.sample_cov.to_numpy() - fit.implied_cov.to_numpy())[j, i]
    assert f["chisq"] == pytest.approx((n - 1) * np.sum(w * e * e), rel=1e-10)
    scaled = f["chisq"] / f["chisq_scaling_factor"] + f["chisq_shift_parameters"]
    assert f["chisq_scaled"] == pytest.approx(scaled, rel=1e-12)


# ------------------------------------------------------------------ entry points
def test_cfa_and_estimator_routes():
    """cfa(mapping, ordered=True) and estimator="wlsmv" give the same fit as sem()."""
    c = REF["hs"]
    data = _data("hs")
    model = {
        "visual": ["x1", "x2", "x3"],
        "textual": ["x4", "x5", "x6"],
        "speed": ["x7", "x8", "x9"],
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ServqualWarning)
        via_cfa = sq.cfa(data, model, ordered=True, std_lv=False)
        via_est = sq.sem(data, c["model"], estimator="wlsmv")
        via_names = sq.sem(data, c["model"], ordered=[f"x{k}" for k in range(1, 10)])
        via_cfa_est = sq.cfa(data, model, estimator="wlsmv", std_lv=False)
    ref = _fit("hs").to_frame()
    for fit in (via_cfa, via_est, via_names, via_cfa_est):
        assert isinstance(fit, sq.SEMResult)
        assert fit.estimator == "wlsmv" and fit.se_type == "robust"
        pd.testing.assert_frame_equal(fit.to_frame(), ref)


def test_survey_and_categorical_input():
    """A Survey's perception ratings, and ordered categorical columns, as lavaan."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        survey = sq.load_example("retail_bank")
        fit = sq.sem(survey, ordered=True)
    ref = _fit("bank").to_frame()
    _close(fit.to_frame().loc[ref.index, "est"], ref["est"], 1e-10)
    assert fit.n == 209 and len(fit.dropped_rows) == 3

    data = _data("hs")
    labels = {1: "low", 2: "mid", 3: "high", 4: "top"}
    cat = data.apply(
        lambda s: pd.Categorical(
            s.map(labels), categories=["low", "mid", "high", "top"], ordered=True
        )
    )
    before = cat.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ServqualWarning)
        fit_cat = sq.sem(cat, REF["hs"]["model"], ordered=True)
    pd.testing.assert_frame_equal(cat, before)  # the caller's frame is not changed
    _close(fit_cat.to_frame()["est"], _fit("hs").to_frame()["est"], 1e-12)


def test_summary_and_header():
    fit = _fit("bfi")
    text = fit.summary()
    for block in ("Thresholds:", "Scales y*:", "Latent Variables:", "R-Square:"):
        assert block in text
    assert "Scaled test statistic (scaled-shifted)" in text
    assert "Loglikelihood" not in text
    assert "    A1|t1" in text
    assert fit.header.startswith("SEM (WLSMV")


def test_defined_parameters_and_effects():
    """:= and effects() work on the structural parameters (delta-method SEs)."""
    model = (
        "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\n"
        "textual ~ a*visual\nspeed ~ b*textual\nab := a*b"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ServqualWarning)
        fit = sq.sem(_data("hs"), model, ordered=True)
    tab = fit.to_frame()
    ab = tab.loc["ab:=a*b"]
    assert ab["est"] == pytest.approx(
        tab.loc["textual~visual", "est"] * tab.loc["speed~textual", "est"]
    )
    assert ab["se"] > 0
    eff = fit.effects()
    assert eff.loc["speed~visual", "indirect"] == pytest.approx(ab["est"])
    assert eff.loc["speed~visual", "indirect_se"] == pytest.approx(ab["se"], rel=1e-6)


# ------------------------------------------------------------------ bad input
def _bad(frame: pd.DataFrame, model: str, match: str, **kw) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ServqualWarning)
        with pytest.raises((DataError, InstrumentError), match=match):
            sq.sem(frame, model, **kw)


def test_bad_input_messages():
    data = _data("hs")
    model = REF["hs"]["model"]
    frac = data.astype(float)
    frac.loc[5, "x3"] = 2.5
    _bad(frac, model, r"'x3'.*non-integer.*2\.5", ordered=True)
    const = data.copy()
    const["x2"] = 3
    _bad(const, model, r"'x2'.*category 3 only", ordered=True)
    wide = data.copy()
    wide["x4"] = np.arange(len(wide)) % 25
    _bad(wide, model, r"'x4'.*25 distinct values.*not a rating scale", ordered=True)
    _bad(
        data.assign(extra=1),
        model,
        r"'extra', which are not observed variables of the model",
        ordered=[*(f"x{k}" for k in range(1, 10)), "extra"],
    )
    _bad(data, model, r"'nope'.*not columns", ordered=["nope"])
    mixed = data.astype(float).assign(x1=lambda f: f["x1"].astype(object))
    mixed.loc[4, "x1"] = "n/a"
    _bad(mixed, model, r"'x1' have non-numeric", ordered=[f"x{k}" for k in range(2, 10)])
    _bad(data, model, r"se='bootstrap'", ordered=True, se="bootstrap")
    _bad(data, model, r"estimator='mlr'", ordered=True, estimator="mlr")
    _bad(data, model, r"missing='fiml'", ordered=True, missing="fiml")
    _bad(data, model, r"ordered=False", ordered=False, estimator="wlsmv")
    _bad(data, model + "\nx1 ~~ x1", r"not parameters", ordered=True)
    _bad(data, "f =~ x1 + x2 + x3\nx4 ~ f\nx5 ~ x4", r"'x4'.*predict", ordered=True)
    _bad(data, model, r"ordered must be True", ordered=3)
    text = data.astype(object)
    text.loc[0, "x1"] = "a lot"
    _bad(text, model, r"'x1'.*non-numeric.*'a lot'", ordered=True)


def test_binary_items_with_two_empty_cells():
    """A 2 × 2 table with two empty cells (identical items): lavaan sets ρ = ±1; servqual
    refuses, naming the pair."""
    data = _data("bin")
    data["y6"] = data["y2"]
    _bad(data, "f =~ y1 + y2 + y3 + y6", r"y2×y6.*two empty cells", ordered=True)


def test_sparse_and_empty_cells_warn():
    """A category chosen by few respondents and empty cross-table cells: warnings naming
    the items (lavaan fits on without a correction for tables larger than 2 × 2)."""
    data = _data("hs")
    sparse = data.copy()
    sparse.loc[:1, "x1"] = 5  # category 5 of x1 chosen twice
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sq.sem(sparse, REF["hs"]["model"], ordered=True)
    messages = [str(w.message) for w in caught if issubclass(w.category, ServqualWarning)]
    assert any("'x1' (category 5: 2)" in m for m in messages), messages
    with pytest.warns(ServqualWarning, match=r"empty cells.*x4×x5"):
        sq.sem(data, REF["hs"]["model"], ordered=True)


def test_missing_rows_listwise_and_raise():
    data = _data("hs").astype(float)
    data.loc[[3, 7], "x5"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ServqualWarning)
        with pytest.warns(sq.MissingDataWarning, match="dropped 2 of 301"):
            fit = sq.sem(data, REF["hs"]["model"], ordered=True)
    assert fit.n == 299 and fit.dropped_rows == (3, 7)
    _bad(data, REF["hs"]["model"], r"rows 3, 7", ordered=True, nan_policy="raise")


def test_unidentified_and_too_small_models():
    """A factor that is not identified: a warning, NaN SEs and no scaled test (lavaan:
    "could not invert information matrix"); one ordinal variable has no correlation."""
    data = _data("hs")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = sq.sem(data, "f =~ x1 + x2 + x3\ng =~ x4 + x5\nf ~~ 0*g", ordered=True)
    assert any("singular" in str(w.message) for w in caught)
    f = fit.fit_measures()
    assert np.isfinite(f["chisq"]) and np.isnan(f["chisq_scaled"]) and np.isnan(f["cfi_robust"])
    assert fit.to_frame().loc[fit.to_frame()["free"], "se"].isna().all()
    with pytest.raises(sq.InsufficientDataError, match="at least 2 ordinal variables"):
        sq.sem(data, "f =~ x1", ordered=True)
