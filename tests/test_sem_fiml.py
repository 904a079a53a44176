"""Tests for servqual.sem(..., missing="fiml") against lavaan 0.6-14.

Reference: tests/reference/make_sem_fiml.R writes sem_fiml_hs_data.csv (Holzinger-Swineford
1939, x1..x9, each value set missing with probability 0.10 by set.seed(2014): 301 rows,
47 missing-data patterns) and sem_fiml_reference.json with lavaan's
``sem(model, data, missing = "ml")`` for three models: the 3-factor CFA, the mediation
visual → textual → speed with ``:=`` indirect and total effects, and a model with
observed endogenous variables (x7 ~ factors, x8 ~ x7, a residual covariance x8 ~~ x9),
whose intercepts are not the means; and the CFA with missing = "ml" on the complete data
(sem_hs_data.csv, case hs_cfa_complete).

Tolerances (all met with room: the largest differences are about 3e-6). Estimates and
confidence limits within 1e-4 · max(1, |value|); standard errors (observed information)
and standardized values within 1e-4; z within 1e-3 relative, p-values within 1e-4; fit
measures (chisq, df, pvalue, baseline, cfi, tli, nfi, ifi, logl, unrestricted logl, aic,
bic, bic2, ntotal, rmsea with its interval and p-value, srmr) within 1e-4 · max(1, |value|);
the EM saturated moments within 1e-4 (lavaan's EM stops at a tolerance of 1e-5).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import servqual as sq
from servqual.exceptions import DataError, InstrumentError, MissingDataWarning

REF_DIR = Path(__file__).parent / "reference"
REF = json.loads((REF_DIR / "sem_fiml_reference.json").read_text())
DATA = pd.read_csv(REF_DIR / "sem_fiml_hs_data.csv")
COMPLETE = pd.read_csv(REF_DIR / "sem_hs_data.csv")
TOL = 1e-4
CASES = list(REF)
_FITS: dict[str, sq.SEMResult] = {}


def _fit(case: str) -> sq.SEMResult:
    if case not in _FITS:
        data = COMPLETE if case == "hs_cfa_complete" else DATA
        _FITS[case] = sq.sem(data, REF[case]["model"], missing="fiml")
    return _FITS[case]


def _close(actual, expected, tol: float = TOL, relative: bool = False) -> None:
    a = np.asarray(actual, dtype=float)
    e = np.asarray(expected, dtype=float)
    scale = np.maximum(1.0, np.abs(e)) if relative else 1.0
    np.testing.assert_array_less(np.abs(a - e) / scale, tol)


def test_reference_data_has_holes():
    assert DATA.isna().mean().mean() == pytest.approx(0.10, abs=0.01)
    assert DATA.notna().all(axis=1).sum() < 150  # most rows are incomplete
    assert all(REF[c]["options"]["information"][0] == "observed" for c in CASES)
    assert REF["hs_cfa_complete"]["fit"]["ntotal"] == len(COMPLETE) == 301


@pytest.mark.parametrize("case", CASES)
def test_rows_as_lavaan_with_intercepts(case):
    """parTable order: the rows written, the defaults, then "~1": observed intercepts
    (free) in variable order, then latent means (fixed at 0)."""
    t = _fit(case).to_frame()
    pt = pd.DataFrame(REF[case]["partable"])
    pe = pd.DataFrame(REF[case]["pe"])
    assert list(t["lhs"]) == list(pe["lhs"])
    assert list(t["op"]) == list(pe["op"])
    assert list(t["rhs"]) == list(pe["rhs"])
    n_pt = len(pt)
    assert list(t["free"][:n_pt]) == list(pt["free"] > 0)
    assert (t["op"] == "~1").sum() == len(_fit(case).observed) + len(_fit(case).latent)


@pytest.mark.parametrize("case", CASES)
def test_estimates_and_observed_information_se(case):
    fit = _fit(case)
    t = fit.to_frame()
    pe = pd.DataFrame(REF[case]["pe"])
    _close(t["est"], pe["est"], relative=True)
    _close(t["se"], pe["se"])
    _close(t["ci_low"], pe["ci.lower"], relative=True)
    _close(t["ci_high"], pe["ci.upper"], relative=True)
    has_z = pe["z"].notna().to_numpy()
    _close(t["z"][has_z], pe["z"][has_z], tol=1e-3, relative=True)
    _close(t["p_value"][has_z], pe["pvalue"][has_z])
    assert t["z"][~has_z].isna().all()
    ints = t[t["op"] == "~1"]
    assert ints["free"].sum() == len(fit.observed)
    assert (ints.loc[[f"{f}~1" for f in fit.latent], "est"] == 0).all()
    assert fit.vcov.shape == (fit.npar + len(fit.observed),) * 2
    assert list(fit.vcov.index[-len(fit.observed) :]) == [f"{v}~1" for v in fit.observed]


@pytest.mark.parametrize("case", CASES)
def test_standardized_and_r2(case):
    fit = _fit(case)
    _close(fit.to_frame()["std_all"], REF[case]["std_all"])
    _close(fit.to_frame()["std_lv"], REF[case]["std_lv"], relative=True)
    r2 = pd.Series(REF[case]["r2"])
    _close(fit.r_squared()[r2.index], r2)


@pytest.mark.parametrize("case", CASES)
def test_fit_measures(case):
    fm = _fit(case).fit_measures()
    ref = REF[case]["fit"]
    for name in ("chisq", "df", "cfi", "tli", "rmsea", "srmr", "logl", "aic", "bic", "ntotal"):
        assert name in fm.index
    assert "unrestricted_logl" in fm.index
    for name, value in fm.items():
        expected = ref[name.replace("_", ".")]
        assert abs(value - expected) <= TOL * max(1.0, abs(expected)), name
    # lavaan's srmr with missing = "ml" is Bentler's, the means included
    assert ref["srmr"] == ref["srmr_bentler"]


def test_em_saturated_moments_as_lavaan():
    fit = _fit("hs_cfa")
    h1 = REF["hs_cfa"]["h1"]
    assert fit.sample_mean is not None and fit.implied_mean is not None
    _close(fit.sample_mean, h1["mean"])
    _close(fit.sample_cov, h1["cov"])
    # a CFA's intercepts are its implied means
    ints = fit.estimates("~1").loc[[f"{v}~1" for v in fit.observed], "est"]
    _close(fit.implied_mean, ints.to_numpy(), tol=1e-12)


def test_defined_parameters():
    t = _fit("hs_med").estimates(":=").set_index("lhs")
    pe = pd.DataFrame(REF["hs_med"]["pe"])
    pe = pe[pe["op"] == ":="].set_index("lhs")
    _close(t["est"], pe["est"])
    _close(t["se"], pe["se"])


def test_repr_and_attributes():
    fit = _fit("hs_cfa")
    assert fit.missing == "fiml" and fit.n == 301 and fit.dropped_rows == ()
    assert "SEM (ML, FIML, marker)" in repr(fit)
    assert sq.sem(DATA.dropna(), REF["hs_cfa"]["model"]).missing == "listwise"


def test_complete_model_variables_give_listwise_estimates():
    """Holes only in a column the model does not use: FIML is listwise ML (both use the
    divisor N, lavaan's likelihood = "normal"); the standard errors differ (observed
    information for FIML, as lavaan: up to 29% here, the model is misspecified) and match
    lavaan's missing = "ml" on the same complete data."""
    hs = COMPLETE.copy()
    hs["extra"] = np.where(np.arange(len(hs)) % 3 == 0, np.nan, 1.0)
    model = REF["hs_cfa"]["model"]
    ml = sq.sem(hs, model)
    fiml = sq.sem(hs, model, missing="fiml")
    t_ml, t_fiml = ml.to_frame(), fiml.to_frame()
    _close(t_fiml["est"][t_ml.index], t_ml["est"], tol=1e-6, relative=True)
    _close(t_fiml.loc[[f"{v}~1" for v in fiml.observed], "est"], hs[list(fiml.observed)].mean())
    f_ml, f_fiml = ml.fit_measures(), fiml.fit_measures()
    for name in ("chisq", "cfi", "tli", "rmsea", "logl", "unrestricted_logl"):
        assert f_fiml[name] == pytest.approx(f_ml[name], rel=1e-6, abs=1e-8), name
    assert f_fiml["df"] == f_ml["df"]  # 9 means and 9 intercepts: df unchanged
    assert f_fiml["npar"] == f_ml["npar"] + 9
    pe = pd.DataFrame(REF["hs_cfa_complete"]["pe"])
    _close(t_fiml["se"], pe["se"])
    assert np.max(np.abs(t_fiml["se"][t_ml.index] - t_ml["se"])) > 0.01


def test_listwise_default_reports_dropped_rows():
    with pytest.warns(MissingDataWarning, match=r"dropped 1\d\d of 301 rows"):
        fit = sq.sem(DATA, REF["hs_cfa"]["model"])
    assert fit.n == 301 - len(fit.dropped_rows)
    assert "~1" not in set(fit.to_frame()["op"])
    with pytest.raises(DataError, match="missing values"):
        sq.sem(DATA, REF["hs_cfa"]["model"], nan_policy="raise")


def test_empty_rows_are_dropped_with_a_warning():
    data = DATA.copy()
    data.loc[5, :] = np.nan
    with pytest.warns(MissingDataWarning, match="no value on any model variable"):
        fit = sq.sem(data, REF["hs_cfa"]["model"], missing="fiml")
    assert fit.n == 300 and fit.dropped_rows == (5,)
    assert fit.fit_measures()["ntotal"] == 300


def test_fiml_errors():
    model = REF["hs_cfa"]["model"]
    with pytest.raises(DataError, match="missing"):
        sq.sem(DATA, model, missing="pairwise")
    with pytest.raises(DataError, match="nan_policy"):
        sq.sem(DATA, model, missing="fiml", nan_policy="pairwise")
    with pytest.raises(DataError, match="estimator='ml'"):
        sq.sem(DATA, model, missing="fiml", estimator="mlr")
    with pytest.raises(DataError, match="se='standard'"):
        sq.sem(DATA, model, missing="fiml", se="bootstrap")
    with pytest.raises(InstrumentError, match="exogenous"):
        sq.sem(DATA, "f =~ x4 + x5 + x6\nf ~ x1", missing="fiml")
    with pytest.raises(DataError, match="missing='fiml'"):
        sq.modification_indices(_fit("hs_cfa"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _fit("hs_med")  # a proper solution: no warning
