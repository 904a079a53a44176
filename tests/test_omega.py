"""Tests for servqual.omega (Schmid–Leiman omega) against psych::omega.

Reference values come from tests/reference/make_factor.R (psych 2.2.9): omega on
lavaan::HolzingerSwineford1939[, 7:15] (3 factors), psych::bfi[1:25] (5 factors,
with reverse-keyed items flipped) and Harman74.cor (4 factors, n.obs = 145).

omega rests on an iterative minres fit and two rotations that psych stops at
eps = 1e-5, so psych's figures are within ~1e-5 of the exact solution: loadings and
omegas are compared at 1e-4. Alpha is closed form given R (rtol 1e-6).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import servqual as sq

REF = Path(__file__).parent / "reference"
OMEGA = json.loads((REF / "factor_omega.json").read_text())
TOL = 1e-4


@pytest.fixture(scope="module")
def cases():
    return {
        "hs": (pd.read_csv(REF / "factor_hs.csv"), None, 3),
        "bfi": (pd.read_csv(REF / "factor_bfi.csv"), None, 5),
        "harman": (pd.read_csv(REF / "factor_harman.csv", index_col=0), 145, 4),
    }


@pytest.fixture(scope="module")
def results(cases):
    return {k: sq.omega(x, m, n_obs=n) for k, (x, n, m) in cases.items()}


@pytest.mark.parametrize("name", ["hs", "bfi", "harman"])
def test_omega_coefficients_match_psych(results, name):
    res, ref = results[name], OMEGA[name]
    # psych::omega(x, nfactors)$omega_h, $omega.tot, $omega.lim, $ECV
    assert_allclose(res.omega_h, ref["omega_h"], atol=TOL)
    assert_allclose(res.omega_total, ref["omega_total"], atol=TOL)
    assert_allclose(res.omega_lim, ref["omega_lim"], atol=TOL)
    assert_allclose(res.ecv, ref["ecv"], atol=TOL)
    # $alpha: closed form on the (flipped) correlation matrix
    assert_allclose(res.alpha, ref["alpha"], rtol=1e-6)
    # $key: items reversed to load positively on g
    assert res.key.tolist() == ref["key"]


@pytest.mark.parametrize("name", ["hs", "bfi", "harman"])
def test_schmid_leiman_loadings_match_psych(results, name):
    res = results[name]
    sl = pd.read_csv(REF / f"factor_omega_{name}_sl.csv")
    m = res.n_factors
    # psych::omega(x, nfactors)$schmid$sl: g, F1*..Fm*, h2, u2, p2 (group factors in
    # GPArotation's oblimin order, as psych)
    assert list(res.loadings.columns) == ["g", *[f"F{k + 1}" for k in range(m)], "h2", "u2", "p2"]
    assert_allclose(res.loadings.to_numpy(), sl.iloc[:, 1:].to_numpy(), atol=TOL)
    assert [i.rstrip("-") for i in sl["item"]] == list(res.loadings.index)
    # g loadings = oblique pattern (group loading / √(1 − γ²)) times γ, the loadings
    # of the group factors on g
    gamma = res.general_loadings.to_numpy()
    pattern = res.loadings.iloc[:, 1 : m + 1].to_numpy() / np.sqrt(1 - gamma**2)
    assert_allclose(res.loadings["g"].to_numpy(), pattern @ gamma, atol=1e-10)


@pytest.mark.parametrize("name", ["hs", "bfi", "harman"])
def test_omega_group_matches_psych(results, name):
    res = results[name]
    ref = pd.read_csv(REF / f"factor_omega_{name}_group.csv", index_col=0)
    got = res.to_frame()
    # psych::omega(x, nfactors)$omega.group: total, general, group
    assert_allclose(got[["total", "general", "group"]].to_numpy(), ref.to_numpy(), atol=TOL)
    assert_allclose(res.omega_subscales.to_numpy(), ref["group"].to_numpy()[1:], atol=TOL)
    assert got["n_items"].iloc[1:].sum() == got["n_items"].iloc[0]


def test_omega_identities(results):
    res = results["hs"]
    sl = res.loadings
    m = res.n_factors
    # h2 = g² + Σ group² (orthogonal Schmid–Leiman factors), p2 = g²/h2
    assert_allclose(sl["h2"], (sl.iloc[:, : m + 1] ** 2).sum(axis=1), atol=1e-8)
    assert_allclose(sl["p2"], sl["g"] ** 2 / sl["h2"])
    assert 0 < res.omega_h < res.omega_total < 1
    assert_allclose(np.diag(res.phi.to_numpy()), 1.0)


def test_omega_invariants_and_inputs(cases, results):
    hs = cases["hs"][0]
    before = hs.copy()
    res = sq.omega(hs, 3)
    pd.testing.assert_frame_equal(hs, before)
    assert_allclose(res.omega_h, results["hs"].omega_h, rtol=1e-12)
    rev = sq.omega(hs[hs.columns[::-1]], 3)
    assert_allclose(rev.omega_h, res.omega_h, atol=1e-6)
    assert_allclose(rev.omega_total, res.omega_total, atol=1e-6)
    arr = sq.omega(hs.to_numpy(), 3)
    assert_allclose(arr.omega_h, res.omega_h, rtol=1e-10)
    cor = sq.omega(hs.corr(), 3, n_obs=len(hs))
    assert_allclose(cor.omega_h, res.omega_h, rtol=1e-8)


def test_omega_survey():
    survey = sq.load_example("retail_bank")
    res = sq.omega(survey, 5, score="perception")
    same = sq.omega(survey.item_scores("perception"), 5)
    assert_allclose(res.omega_h, same.omega_h, rtol=1e-12)
    assert res.score == "perception" and "Omega" in repr(res)


def test_omega_bad_input(cases):
    hs = cases["hs"][0]
    with pytest.raises(sq.InsufficientDataError, match="at least 2 group factors"):
        sq.omega(hs, 1)
    with pytest.raises(sq.InsufficientDataError, match="too many"):
        sq.omega(hs, 6)
    with pytest.warns(sq.ReliabilityWarning, match="not identified"):
        two = sq.omega(hs, 2)
    gamma = two.general_loadings.to_numpy()
    assert_allclose(gamma[0] ** 2, abs(two.phi.iloc[0, 1]))
    with pytest.raises(sq.DataError, match="method"):
        sq.omega(hs, 3, method="uls")  # type: ignore[arg-type]


def test_omega_survey_retail_matches_psych():
    # psych::omega(P, nfactors = 5) on the retail_bank perception items (pairwise r),
    # stored by tests/reference/make_factor_retail.R
    ref = json.loads((REF / "factor_retail.json").read_text())["omega"]
    res = sq.omega(sq.load_example("retail_bank"), n_factors=5)
    # $omega_h, $omega.tot, $omega.lim, $ECV (iterative: 1e-4); $alpha closed form
    assert_allclose(
        [res.omega_h, res.omega_total, res.omega_lim, res.ecv],
        [ref["omega_h"], ref["omega_total"], ref["omega_lim"], ref["ecv"]],
        atol=TOL,
    )
    assert_allclose(res.alpha, ref["alpha"], rtol=1e-6)
    # $omega.group (g, then F1*..F5*)
    tab = res.to_frame()
    assert_allclose(tab["total"], ref["group_total"], atol=TOL)
    assert_allclose(tab["general"], ref["group_general"], atol=TOL)
    assert_allclose(tab["group"], ref["group_group"], atol=TOL)
    # $schmid$sl: g, F1*..F5*, h2, u2, p2
    assert_allclose(res.loadings.to_numpy(), np.array(ref["sl"]), atol=TOL)
    assert (res.key == 1).all()


def test_omega_survey_default_one_group_factor_per_dimension(cases):
    survey = sq.load_example("retail_bank")  # 5 quality dimensions
    default = sq.omega(survey)
    assert default.n_factors == 5
    assert_allclose(default.omega_h, sq.omega(survey, 5).omega_h, rtol=1e-12)
    # item tables keep psych's default of 3
    assert sq.omega(cases["hs"][0]).n_factors == 3


# ---------------------------------------------------------------- Heywood general factor
# psych::omega(psychTools::msq[items], nfactors = 4) on the 20 energetic / tense arousal
# items of the psych::cluster.cor example (tests/reference/make_omega_heywood.R): the
# one-factor minres fit of Φ puts F1's uniqueness on psych's bound 0.005. "minres" holds
# the minimum of psych's own criterion (fit.residuals, off-diagonal residuals) within
# psych's bounds, found in R by nlminb and checked by optim; "psych" holds what
# psych::omega reports, where optim stopped short (its gradient is that of the criterion
# with the diagonal).
HEYWOOD = json.loads((REF / "omega_msq_heywood.json").read_text())


@pytest.fixture(scope="module")
def msq():
    return pd.read_csv(REF / "omega_msq_data.csv")


@pytest.fixture(scope="module")
def msq_result(msq):
    with pytest.warns(sq.HeywoodWarning, match=r"Heywood case in the general factor.*'F1'"):
        return sq.omega(msq, 4)


def test_general_factor_fit_of_phi_matches_r_minimum():
    from servqual.omega import _minres_general

    ref = HEYWOOD["minres"]
    # deterministic given R's Φ: same criterion, same bounds, both optimisers converged
    gamma, heywood = _minres_general(np.array(HEYWOOD["phi"]))
    gamma = gamma * np.sign(gamma.sum())
    assert_allclose(gamma, ref["gloading"], atol=1e-6)
    assert heywood == [0]
    resid = np.array(HEYWOOD["phi"]) - np.outer(gamma, gamma)
    crit = np.sum(np.tril(resid, -1) ** 2)
    assert_allclose(crit, ref["criterion"], atol=1e-12)
    # psych's reported loadings are a worse fit of its own criterion
    assert crit < HEYWOOD["psych"]["criterion"]


def test_omega_heywood_general_factor_matches_r(msq_result):
    res, ref = msq_result, HEYWOOD["minres"]
    # Φ comes from servqual's own minres + oblimin fit (iterative: 1e-4 as above)
    assert_allclose(res.phi.to_numpy(), HEYWOOD["phi"], atol=TOL)
    assert_allclose(res.general_loadings.to_numpy(), ref["gloading"], atol=TOL)
    assert_allclose(res.omega_h, ref["omega_h"], atol=TOL)  # 0.791506
    assert_allclose(res.omega_total, ref["omega_total"], atol=TOL)
    assert_allclose(res.omega_lim, ref["omega_lim"], atol=TOL)
    assert_allclose(res.loadings["g"].to_numpy(), ref["g"], atol=TOL)
    assert res.key.tolist() == ref["key"]
    tab = res.to_frame()
    assert_allclose(tab["total"], ref["group_total"], atol=TOL)
    assert_allclose(tab["general"], ref["group_general"], atol=TOL)
    assert_allclose(tab["group"], ref["group_group"], atol=TOL)


def test_omega_heywood_close_to_psych_omega(msq_result):
    # psych::omega's own figures: ω_h 0.791851 (servqual 0.791506, was 0.781101 with the
    # criterion including the diagonal); ω_t does not depend on g
    res, ref = msq_result, HEYWOOD["psych"]
    assert_allclose(res.omega_total, ref["omega_total"], atol=TOL)
    assert abs(res.omega_h - ref["omega_h"]) < 5e-4
    assert_allclose(res.general_loadings.to_numpy(), ref["gloading"], atol=1e-3)
    assert_allclose(res.loadings["g"].to_numpy(), ref["g"], atol=1e-3)


def test_omega_interior_general_factor_does_not_warn(cases):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", sq.HeywoodWarning)
        sq.omega(cases["hs"][0], 3)
        sq.omega(cases["bfi"][0], 5)
