"""Tests for servqual.factor: KMO, Bartlett's test, parallel analysis and EFA.

Reference values come from tests/reference/make_factor.R (psych 2.2.9 and
GPArotation on psych::bfi[1:25], lavaan::HolzingerSwineford1939[, 7:15] and
datasets::Harman74.cor); no test runs R.

Tolerances: closed forms (KMO, Bartlett, eigenvalues, principal axis, which stops
by the same rule as psych) use rtol=1e-6. Minres and ML are iterative: psych stops
L-BFGS-B at a relative reduction of ~2e-9 and GPArotation/stats::varimax stop at
eps=1e-5, so psych's own solutions sit within ~1e-5 of the optimum (we converge
more tightly); loadings and fit indices are compared at 1e-4 after aligning
factor order and sign.
"""

from __future__ import annotations

import json
import warnings
from itertools import permutations
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import optimize

import servqual as sq
from servqual import _efa, _rotation

REF = Path(__file__).parent / "reference"
TESTS = json.loads((REF / "factor_tests.json").read_text())
FITS = json.loads((REF / "factor_fits.json").read_text())
ITER_TOL = 1e-4  # iterative fits (see module docstring)


@pytest.fixture(scope="module")
def bfi() -> pd.DataFrame:
    return pd.read_csv(REF / "factor_bfi.csv")


@pytest.fixture(scope="module")
def hs() -> pd.DataFrame:
    return pd.read_csv(REF / "factor_hs.csv")


@pytest.fixture(scope="module")
def harman() -> pd.DataFrame:
    return pd.read_csv(REF / "factor_harman.csv", index_col=0)


@pytest.fixture(scope="module")
def datasets(bfi, hs, harman):
    return {"bfi": (bfi, None), "hs": (hs, None), "harman": (harman, 145)}


@pytest.fixture(scope="module")
def survey():
    return sq.load_example("retail_bank")


def _align(a: np.ndarray, b: np.ndarray) -> tuple[tuple[int, ...], np.ndarray]:
    """Column permutation and signs of ``a`` that best match ``b``."""
    best = None
    for perm in permutations(range(a.shape[1])):
        ap = a[:, perm]
        s = np.sign(np.sum(ap * b, axis=0))
        s[s == 0] = 1
        d = np.max(np.abs(ap * s - b))
        if best is None or d < best[0]:
            best = (d, perm, s)
    return best[1], best[2]


def _three_factor_data(n: int = 600, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = rng.standard_normal((n, 3))
    lam = np.zeros((9, 3))
    for k in range(3):
        lam[3 * k : 3 * k + 3, k] = [0.8, 0.7, 0.75]
    x = f @ lam.T + rng.standard_normal((n, 9)) * np.sqrt(1 - np.sum(lam**2, axis=1))
    return pd.DataFrame(x, columns=[f"x{j + 1}" for j in range(9)])


# =========================================================================== KMO
@pytest.mark.parametrize("name", ["bfi", "hs", "harman"])
def test_kmo_matches_psych(datasets, name):
    x, n = datasets[name]
    res = sq.kmo(x, n_obs=n)
    ref = pd.read_csv(REF / f"factor_kmo_{name}.csv")
    # psych::KMO(x)$MSA and $MSAi
    assert_allclose(res.overall, TESTS[f"kmo_{name}"], rtol=1e-6)
    assert list(res.index) == list(ref["item"])
    assert_allclose(res.to_frame()["msa"].to_numpy(), ref["msa"].to_numpy(), rtol=1e-6)
    assert res.nan_policy == ("none" if n else ("pairwise" if name == "bfi" else "complete"))


def test_kmo_item_order_and_inputs(hs):
    before = hs.copy()
    res = sq.kmo(hs)
    pd.testing.assert_frame_equal(hs, before)
    cols = list(hs.columns[::-1])
    rev = sq.kmo(hs[cols])
    assert_allclose(rev.overall, res.overall, rtol=1e-12)
    assert_allclose(rev.to_frame().loc[hs.columns, "msa"], res.to_frame()["msa"], rtol=1e-12)
    arr = sq.kmo(hs.to_numpy())
    lst = sq.kmo(hs.to_numpy().tolist())
    assert_allclose(arr.to_frame()["msa"].to_numpy(), res.to_frame()["msa"].to_numpy())
    assert_allclose(lst.overall, res.overall)
    assert list(arr.index) == [f"V{j}" for j in range(1, 10)]


# =========================================================================== Bartlett
@pytest.mark.parametrize("name", ["bfi", "hs", "harman"])
def test_bartlett_matches_psych(datasets, name):
    x, n = datasets[name]
    res = sq.bartlett_sphericity(x, n_obs=n)
    ref = TESTS[f"bartlett_{name}"]
    # psych::cortest.bartlett(x) (raw data: n = nrow) / cortest.bartlett(R, n = 145)
    assert_allclose(res.statistic, ref["chisq"], rtol=1e-6)
    assert res.df == ref["df"]
    assert_allclose(res.p_value, ref["p_value"], rtol=1e-6, atol=1e-300)
    assert res.to_frame().loc["sphericity", "statistic"] == res.statistic


def test_bartlett_listwise(bfi):
    ref = TESTS["bartlett_bfi_listwise"]
    with pytest.warns(sq.MissingDataWarning, match="dropped"):
        res = sq.bartlett_sphericity(bfi, nan_policy="listwise")
    # psych::cortest.bartlett(cor(bfi25, use="complete.obs"), n = nrow(na.omit(bfi25)))
    assert_allclose(res.statistic, ref["chisq"], rtol=1e-6)
    assert res.n_obs == ref["n"] and res.nan_policy == "listwise"


def test_bartlett_closed_form(hs):
    # independent check: -(n - 1 - (2p+5)/6) * log det R from numpy's corrcoef
    r = np.corrcoef(hs.to_numpy(), rowvar=False)
    n, p = hs.shape
    expected = -(n - 1 - (2 * p + 5) / 6) * np.log(np.linalg.det(r))
    assert_allclose(sq.bartlett_sphericity(hs).statistic, expected, rtol=1e-10)


# =========================================================================== input handling
def test_pairwise_correlation_matches_pandas(bfi):
    # pandas' DataFrame.corr uses pairwise-complete observations as R's use="pairwise"
    r, counts = _efa.pairwise_corr(bfi.to_numpy(dtype=float))
    assert_allclose(r, bfi.corr().to_numpy(), rtol=1e-10)
    assert counts[0, 1] == bfi[["A1", "A2"]].dropna().shape[0]


def test_correlation_input_equals_raw(hs):
    raw = sq.efa(hs, 3, method="ml", rotation="varimax")
    cor = sq.efa(hs.corr(), 3, method="ml", rotation="varimax", n_obs=len(hs))
    cov = sq.efa(hs.cov() * 4.0, 3, method="ml", rotation="varimax", n_obs=len(hs))
    for other in (cor, cov):
        assert_allclose(other.loadings.to_numpy(), raw.loadings.to_numpy(), atol=1e-8)
        assert_allclose(other.chisq, raw.chisq, rtol=1e-8)
    assert cor.nan_policy == "none"


def test_survey_input(survey):
    res = sq.efa(survey, 2, score="gap")
    frame = survey.item_scores("gap")
    same = sq.efa(frame, 2)
    assert_allclose(res.loadings.to_numpy(), same.loadings.to_numpy(), atol=1e-10)
    assert res.score == "gap" and same.score is None
    assert list(res.loadings.index) == list(survey.instrument.item_codes)
    assert res.n_obs == survey.n_respondents
    assert sq.kmo(survey).score == "perception"


def test_listwise_equals_dropna(bfi):
    with pytest.warns(sq.MissingDataWarning):
        lw = sq.efa(bfi, 5, method="ml", rotation="varimax", nan_policy="listwise")
    ref = sq.efa(bfi.dropna(), 5, method="ml", rotation="varimax")
    assert_allclose(lw.loadings.to_numpy(), ref.loadings.to_numpy(), atol=1e-8)
    assert lw.nan_policy == "listwise" and lw.n_obs == len(bfi.dropna())
    pw = sq.efa(bfi, 5, method="ml", rotation="varimax")
    assert pw.nan_policy == "pairwise" and pw.n_obs == len(bfi)


# =========================================================================== parallel analysis
@pytest.mark.parametrize("name", ["bfi", "hs"])
def test_parallel_observed_eigenvalues_match_psych(datasets, name):
    x, _ = datasets[name]
    ref = pd.read_csv(REF / f"factor_parallel_{name}.csv")
    res = sq.parallel_analysis(x, n_iter=2, rng=0)
    table = res.to_frame()
    # psych::fa.parallel(x, fa="both", SMC=TRUE)$pc.values / $fa.values
    assert_allclose(table["pc_observed"].to_numpy(), ref["pc_values"], rtol=1e-6)
    assert_allclose(table["fa_observed"].to_numpy(), ref["fa_values_smc"], rtol=1e-6)


def test_parallel_minres_reduced_matches_psych(hs):
    ref = pd.read_csv(REF / "factor_parallel_hs.csv")
    res = sq.parallel_analysis(hs, n_iter=3, rng=0, reduced="minres")
    # psych::fa.parallel(x, fa="both", SMC=FALSE)$fa.values (a 1-factor minres fit: 1e-4)
    assert_allclose(res.to_frame()["fa_observed"].to_numpy(), ref["fa_values_minres"], atol=1e-4)


def test_parallel_simulated_means_close_to_psych(bfi):
    # psych::fa.parallel(bfi25, SMC=TRUE, n.iter=50)$pc.sim / $fa.sim: random, so compare
    # means of 50 simulations each; sd of a mean eigenvalue here is < 0.005
    ref = pd.read_csv(REF / "factor_parallel_bfi.csv")
    res = sq.parallel_analysis(bfi, n_iter=50, rng=3).to_frame()
    assert_allclose(res["pc_simulated_mean"].to_numpy(), ref["pc_sim"], atol=0.03)
    assert_allclose(res["fa_simulated_mean"].to_numpy(), ref["fa_sim_smc"], atol=0.03)


def test_parallel_rule_logic(hs):
    res = sq.parallel_analysis(hs, n_iter=40, rng=np.random.default_rng(5))
    t = res.to_frame()
    for obs, sim, n in [
        ("pc_observed", "pc_simulated", res.n_components),
        ("fa_observed", "fa_simulated", res.n_factors),
    ]:
        above = (t[obs] > t[sim]).to_numpy()
        assert above[:n].all()
        assert n == len(above) or not above[n]
    # the threshold is the 0.95 quantile of the simulations, above their mean
    assert (t["pc_simulated"] >= t["pc_simulated_mean"]).all()
    mean = sq.parallel_analysis(hs, n_iter=40, rng=np.random.default_rng(5), quantile="mean")
    assert_allclose(mean.to_frame()["fa_simulated"], t["fa_simulated_mean"])
    assert mean.quantile is None and res.quantile == 0.95


def test_parallel_seeded_and_reproducible(hs):
    a = sq.parallel_analysis(hs, n_iter=10, rng=11).to_frame()
    b = sq.parallel_analysis(hs, n_iter=10, rng=11).to_frame()
    c = sq.parallel_analysis(hs, n_iter=10, rng=12).to_frame()
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["pc_simulated"], c["pc_simulated"])


def test_parallel_clear_structure():
    x = _three_factor_data()
    res = sq.parallel_analysis(x, n_iter=30, rng=1)
    assert res.n_factors == 3 and res.n_components == 3
    hs_like = sq.parallel_analysis(pd.read_csv(REF / "factor_hs.csv"), n_iter=30, rng=1)
    # psych::fa.parallel(hs9) suggests 3 factors and 3 components
    assert hs_like.n_factors == 3 and hs_like.n_components == 3


def test_parallel_bad_options(hs):
    with pytest.raises(sq.DataError, match="quantile"):
        sq.parallel_analysis(hs, quantile=1.5)
    with pytest.raises(sq.DataError, match="quantile"):
        sq.parallel_analysis(hs, quantile="median")
    with pytest.raises(sq.DataError, match="n_iter"):
        sq.parallel_analysis(hs, n_iter=0)
    with pytest.raises(sq.DataError, match="rng"):
        sq.parallel_analysis(hs, rng="seed")


# =========================================================================== EFA vs psych
def _dataset(case: str, datasets):
    return datasets[case.split("_")[0]]


@pytest.mark.parametrize("case", sorted(FITS))
def test_efa_matches_psych(datasets, case):
    ref = FITS[case]
    x, n = _dataset(case, datasets)
    rotation = None if ref["rotation"] == "none" else ref["rotation"]
    m = ref["n_factors"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", sq.HeywoodWarning)
        res = sq.efa(x, m, method=ref["method"], rotation=rotation, n_obs=n)
    table = pd.read_csv(REF / f"factor_{case}_loadings.csv")
    expected = table.iloc[:, 1 : 1 + m].to_numpy()
    got = res.loadings.to_numpy()
    tol = 1e-6 if ref["method"] == "pa" else ITER_TOL
    perm, signs = _align(got, expected)
    # psych::fa(x, nfactors, fm, rotate)$loadings (factor order and signs as psych's)
    assert perm == tuple(range(m)) and (signs > 0).all()
    assert_allclose(got, expected, atol=tol)
    assert list(res.loadings.index) == list(table["item"])
    # $communality and $uniquenesses
    assert_allclose(res.communalities.to_numpy(), table["h2"], atol=tol)
    assert_allclose(res.uniquenesses.to_numpy(), table["u2"], atol=tol)
    # $Vaccounted["SS loadings", ]
    assert_allclose(res.variance.loc["ss_loadings"].to_numpy(), ref["ss_loadings"], atol=tol * 10)
    if (REF / f"factor_{case}_phi.csv").exists():
        phi = pd.read_csv(REF / f"factor_{case}_phi.csv", index_col=0).to_numpy()
        # $Phi, in the order of the loadings
        assert_allclose(res.phi.to_numpy(), phi, atol=tol)
    else:
        assert res.phi is None
    # $STATISTIC, $dof, $PVAL, $RMSEA, $TLI, $BIC, $objective, $null.chisq
    assert res.df == ref["df"]
    rtol = 1e-6 if ref["method"] == "pa" else ITER_TOL
    assert_allclose(res.objective, ref["objective"], rtol=rtol)
    assert_allclose(res.chisq, ref["chisq"], rtol=rtol)
    assert_allclose(res.tli, ref["tli"], rtol=rtol)
    assert_allclose(res.bic, ref["bic"], rtol=rtol)
    assert_allclose(res.rmsea, ref["rmsea"], rtol=rtol)
    assert_allclose(res.null_chisq, ref["null_chisq"], rtol=1e-6)
    # RMSEA bounds: R's uniroot stops at tol ~1.2e-4 in the noncentrality, hence 1e-4
    assert_allclose(res.rmsea_ci_low, ref["rmsea_low"], rtol=1e-4)
    assert_allclose(res.rmsea_ci_high, ref["rmsea_high"], rtol=1e-4)
    if ref["p_value"] > 1e-8:
        assert_allclose(res.p_value, ref["p_value"], rtol=1e-3)
    else:
        assert res.p_value < 1e-8
    assert res.n_obs == ref["n_obs"]


def test_ml_uniquenesses_match_statsmodels(hs):
    # statsmodels' Factor(method="ml") fits the same likelihood (EM / L-BFGS)
    from statsmodels.multivariate.factor import Factor

    r = hs.corr().to_numpy()
    fit = Factor(corr=r, n_factor=3, method="ml", nobs=len(hs)).fit()
    res = sq.efa(hs, 3, method="ml", rotation=None)
    assert_allclose(res.uniquenesses.to_numpy(), fit.uniqueness, atol=1e-4)


@pytest.mark.parametrize("method", ["minres", "ml"])
def test_criterion_gradients(hs, method):
    r = hs.corr().to_numpy()
    parts = _efa._uls_parts if method == "minres" else _efa._ml_parts
    psi = np.linspace(0.3, 0.7, 9)
    err = optimize.check_grad(lambda p: parts(p, r, 3)[0], lambda p: parts(p, r, 3)[1], psi)
    assert err < 1e-5


def test_rotations_match_statsmodels(hs):
    # statsmodels.multivariate.factor_rotation: varimax (no Kaiser normalization; its
    # GPA stops at its default tol=1e-5, hence atol=1e-4) and GPA oblimin (gamma = 0)
    # run to tol=1e-8
    from statsmodels.multivariate.factor_rotation import rotate_factors

    a = sq.efa(hs, 3, method="ml", rotation=None).loadings.to_numpy()
    ref_v, _ = rotate_factors(a, "varimax")
    got_v, _, _ = _rotation.varimax(a, normalize=False, eps=1e-14)
    perm, signs = _align(got_v, ref_v)
    assert_allclose(got_v[:, perm] * signs, ref_v, atol=1e-4)
    ref_o, ref_t = rotate_factors(a, "oblimin", 0, "oblique", tol=1e-8)
    got_o, phi, _ = _rotation.oblimin(a, eps=1e-8)
    perm, signs = _align(got_o, ref_o)
    assert_allclose(got_o[:, perm] * signs, ref_o, atol=1e-6)
    ref_phi = (ref_t.T @ ref_t)[np.ix_(perm, perm)] * np.outer(signs, signs)
    assert_allclose(phi[np.ix_(perm, perm)] * np.outer(signs, signs), ref_phi, atol=1e-6)


def test_minres_is_the_off_diagonal_minimum(hs):
    # Independent check of the formulation: minimise Σ_{i≠j} (r_ij − (ΛΛ')_ij)² over Λ
    # directly (BFGS on the loadings); the fitted ΛΛ' must match efa(method="minres").
    r = hs.corr().to_numpy()
    p, m = 9, 3
    off = ~np.eye(p, dtype=bool)

    def loss(v):
        lam = v.reshape(p, m)
        d = (r - lam @ lam.T)[off]
        return float(d @ d)

    def grad(v):
        lam = v.reshape(p, m)
        d = np.where(off, r - lam @ lam.T, 0.0)
        return (-4 * d @ lam).ravel()

    start = sq.efa(hs, m, method="pa", rotation=None).loadings.to_numpy().ravel()
    fit = optimize.minimize(loss, start, jac=grad, method="BFGS", options={"gtol": 1e-12})
    lam_direct = fit.x.reshape(p, m)
    lam = sq.efa(hs, m, method="minres", rotation=None).loadings.to_numpy()
    assert_allclose(lam @ lam.T, lam_direct @ lam_direct.T, atol=1e-6)


def test_rotations_preserve_the_model(hs):
    lam0 = sq.efa(hs, 3, method="ml", rotation=None).loadings.to_numpy()
    model = lam0 @ lam0.T
    v, t, _ = _rotation.varimax(lam0)
    assert_allclose(t @ t.T, np.eye(3), atol=1e-12)
    assert_allclose(v @ v.T, model, atol=1e-12)
    for rot in (_rotation.oblimin, _rotation.promax):
        lam, phi, _ = rot(lam0)
        assert_allclose(np.diag(phi), 1.0, atol=1e-12)
        assert_allclose(lam @ phi @ lam.T, model, atol=1e-10)
    # oblimin reaches a stationary point of its criterion: a perturbed T is not better
    lam, phi, _ = _rotation.oblimin(lam0)
    f0, _ = _rotation._oblimin_criterion(lam, 0.0)
    assert f0 <= _rotation._oblimin_criterion(lam0, 0.0)[0]


def test_efa_invariants(hs):
    before = hs.copy()
    res = sq.efa(hs, 3, method="minres", rotation="oblimin")
    pd.testing.assert_frame_equal(hs, before)
    cols = list(hs.columns[[3, 0, 8, 1, 5, 2, 7, 4, 6]])
    rev = sq.efa(hs[cols], 3, method="minres", rotation="oblimin")
    perm, signs = _align(rev.loadings.loc[hs.columns].to_numpy(), res.loadings.to_numpy())
    assert_allclose(
        rev.loadings.loc[hs.columns].to_numpy()[:, perm] * signs,
        res.loadings.to_numpy(),
        atol=1e-6,
    )
    arr = sq.efa(hs.to_numpy(), 3, method="minres", rotation="oblimin")
    lst = sq.efa(hs.to_numpy().tolist(), 3, method="minres", rotation="oblimin")
    assert_allclose(arr.loadings.to_numpy(), res.loadings.to_numpy(), atol=1e-12)
    assert_allclose(lst.loadings.to_numpy(), res.loadings.to_numpy(), atol=1e-12)
    # table, variance and structure agree with the loadings
    t = res.to_frame()
    assert_allclose(t[res.factors].to_numpy(), res.loadings.to_numpy())
    assert_allclose(t["communality"] + t["uniqueness"], 1.0)
    phi = res.phi.to_numpy()
    assert_allclose(res.structure.to_numpy(), res.loadings.to_numpy() @ phi)
    assert_allclose(
        np.diag(res.loadings.to_numpy() @ phi @ res.loadings.to_numpy().T),
        res.communalities,
        atol=1e-10,
    )
    v = res.variance
    assert_allclose(v.loc["cumulative_proportion"].iloc[-1], 1.0)
    assert (np.diff(v.loc["ss_loadings"].to_numpy()) <= 0).all()
    assert (res.loadings.sum(axis=0) > 0).all()
    assert "EFA" in repr(res) and res.converged


def test_efa_result_is_frozen(hs):
    res = sq.efa(hs, 2)
    with pytest.raises(AttributeError):
        res.chisq = 0.0  # type: ignore[misc]
    frame = res.to_frame()
    frame.iloc[0, 0] = 99.0
    assert res.to_frame().iloc[0, 0] != 99.0


# =========================================================================== warnings and errors
def test_heywood_warning():
    r = pd.DataFrame(
        [[1.0, 0.8, 0.7], [0.8, 1.0, 0.5], [0.7, 0.5, 1.0]],
        index=list("abc"),
        columns=list("abc"),
    )
    with pytest.warns(sq.HeywoodWarning, match="'a'"):
        res = sq.efa(r, 1, method="minres", n_obs=200)
    assert res.heywood == ("a",)


def test_non_convergence_raises(hs):
    with pytest.raises(sq.ConvergenceError, match="did not converge"):
        sq.efa(hs, 3, method="minres", max_iter=1)
    with pytest.raises(sq.ConvergenceError, match="Principal axis"):
        sq.efa(hs, 3, method="pa", max_iter=2, tol=1e-12)


def test_zero_variance_item(hs):
    x = hs.copy()
    x["x5"] = 3.0
    for fn in (sq.kmo, sq.bartlett_sphericity, lambda d: sq.efa(d, 2)):
        with pytest.raises(sq.DataError, match=r"'x5' \(always 3\).*zero variance"):
            fn(x)


def test_all_missing_column(hs):
    x = hs.copy()
    x["x2"] = np.nan
    with pytest.raises(sq.InsufficientDataError, match="'x2'"):
        sq.efa(x, 2)


def test_too_few_respondents(hs):
    with pytest.raises(sq.InsufficientDataError, match="at least 3 respondents; got 2"):
        sq.kmo(hs.iloc[:2])
    x = hs.iloc[:6].copy()
    x.iloc[:4, 0] = np.nan
    with pytest.raises(sq.InsufficientDataError, match="after dropping 4"):
        sq.efa(x, 1, nan_policy="listwise")


def test_singular_matrix(hs):
    x = hs.copy()
    x["x10"] = x["x1"] + x["x2"]
    for fn in (sq.kmo, sq.bartlett_sphericity, lambda d: sq.efa(d, 2)):
        with pytest.raises(sq.DataError, match=r"singular.*'x10'"):
            fn(x)


def test_too_many_factors(hs):
    with pytest.raises(sq.InsufficientDataError, match=r"too many for 9 items.*at most 5"):
        sq.efa(hs, 6)
    with pytest.raises(sq.DataError, match="n_factors"):
        sq.efa(hs, 0)


def test_bad_matrix_and_options(hs):
    r = hs.corr()
    with pytest.raises(sq.DataError, match="square"):
        sq.efa(hs, 2, n_obs=301)
    bad = r.copy()
    bad.iloc[0, 1] = 0.9
    with pytest.raises(sq.DataError, match=r"not symmetric.*'x1'"):
        sq.efa(bad, 2, n_obs=301)
    with pytest.raises(sq.InsufficientDataError, match="n_obs"):
        sq.efa(r, 2, n_obs=2)
    with pytest.raises(sq.DataError, match="score="):
        sq.efa(hs, 2, score="gap")
    with pytest.raises(sq.DataError, match="rotation"):
        sq.efa(hs, 2, rotation="quartimax")  # type: ignore[arg-type]
    with pytest.raises(sq.DataError, match="nan_policy"):
        sq.kmo(hs, nan_policy="bogus")  # type: ignore[arg-type]
    with pytest.raises(sq.NonNumericError, match="'x1'"):
        sq.kmo(hs.assign(x1=["a"] * len(hs)))
    x = hs.copy()
    x.iloc[3, 2] = np.nan
    with pytest.raises(sq.DataError, match="rows 3"):
        sq.efa(x, 2, nan_policy="raise")


# =========================================================================== plots
def test_plot_scree(hs):
    res = sq.parallel_analysis(hs, n_iter=5, rng=1)
    _fig, ax = plt.subplots()
    out = res.plot(ax=ax)
    assert out is ax
    assert len(ax.get_lines()) == 5  # 4 series + the eigenvalue-1 reference line
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "PC observed",
        "PC simulated",
        "FA observed",
        "FA simulated",
    ]
    assert_allclose(ax.get_lines()[0].get_ydata(), res.to_frame()["pc_observed"])
    assert [int(v) for v in ax.get_xticks()] == list(range(1, 10))
    _fig2, ax2 = plt.subplots()
    sq.plotting.plot_scree(res, ax=ax2, factors=False, legend=False)
    assert len(ax2.get_lines()) == 3
    plt.close("all")


def test_plot_loadings(hs):
    res = sq.efa(hs, 3)
    _fig, ax = plt.subplots()
    out = sq.plotting.plot_loadings(res, ax=ax)
    assert out is ax
    assert [t.get_text() for t in ax.get_xticklabels()] == ["F1", "F2", "F3"]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(hs.columns)
    assert len(ax.texts) == 27
    assert len(ax.images) == 1
    _fig2, ax2 = plt.subplots()
    res.plot(ax=ax2, threshold=0.3, colorbar=False)
    assert 0 < len(ax2.texts) < 27
    with pytest.raises(sq.ServqualError, match="EFAResult"):
        sq.plotting.plot_loadings(sq.kmo(hs))
    plt.close("all")


def test_warnings_point_at_the_caller(hs):
    r = pd.DataFrame([[1.0, 0.8, 0.7], [0.8, 1.0, 0.5], [0.7, 0.5, 1.0]])
    with pytest.warns(sq.HeywoodWarning) as rec:
        sq.efa(r, 1, n_obs=200)
    assert rec[0].filename == __file__
    x = hs.copy()
    x.iloc[0, 0] = np.nan
    with pytest.warns(sq.MissingDataWarning) as rec:
        sq.kmo(x, nan_policy="listwise")
    assert rec[0].filename == __file__


# =========================================================================== retail_bank Survey
RETAIL = json.loads((REF / "factor_retail.json").read_text())  # make_factor_retail.R


@pytest.fixture(scope="module")
def retail() -> sq.Survey:
    return sq.load_example("retail_bank")  # 4 incomplete respondents: pairwise correlations


@pytest.mark.parametrize("case", sorted(RETAIL["efa"]))
def test_efa_survey_retail_matches_psych(retail, case):
    # psych::fa(P, nfactors = 5, fm, rotate) on the 22 perception items, use = "pairwise"
    ref = RETAIL["efa"][case]
    method, rot = case.split("_")
    res = sq.efa(retail, 5, method=method, rotation=None if rot == "none" else rot)
    expected = np.array(ref["loadings"])
    got = res.loadings.to_numpy()
    perm, signs = _align(got, expected)
    assert perm == tuple(range(5)) and (signs > 0).all()  # psych's factor order and signs
    tol = 1e-6 if method == "pa" else ITER_TOL  # see the module docstring
    assert_allclose(got, expected, atol=tol)  # $loadings
    if not ref["phi"]:  # orthogonal: psych has no $Phi (jsonlite writes NULL as {})
        assert res.phi is None
    else:
        assert_allclose(res.phi.to_numpy(), np.array(ref["phi"]), atol=tol)  # $Phi
    assert res.df == ref["df"] and res.n_obs == 212  # $dof; n.obs = nrow(x)
    rtol = 1e-6 if method == "pa" else ITER_TOL
    # $objective, $STATISTIC, $RMSEA[1], $TLI, $BIC
    assert_allclose(
        [res.objective, res.chisq, res.rmsea, res.tli, res.bic],
        [ref["objective"], ref["chisq"], ref["rmsea"], ref["tli"], ref["bic"]],
        rtol=rtol,
    )


def test_parallel_survey_retail_matches_psych(retail):
    ref = RETAIL["parallel"]
    res = sq.parallel_analysis(retail, n_iter=30, rng=3)
    t = res.to_frame()
    # psych::fa.parallel(P, fa = "both", SMC = TRUE)$pc.values and $fa.values
    assert_allclose(t["pc_observed"], ref["pc"], rtol=1e-6)
    assert_allclose(t["fa_observed"], ref["fa_smc"], rtol=1e-6)
    # SMC = FALSE: diagonal from a one-factor minres fit (iterative, 1e-4)
    mr = sq.parallel_analysis(retail, n_iter=5, rng=3, reduced="minres")
    assert_allclose(mr.to_frame()["fa_observed"], ref["fa_minres"], atol=ITER_TOL)
    # psych suggests 5 factors and 5 components; the five dimensions are well separated
    assert (res.n_factors, res.n_components) == (ref["n_factors"], ref["n_components"])


def test_bad_option_types_are_servqual_errors(hs, retail):
    with pytest.raises(sq.DataError, match="quantile"):
        sq.parallel_analysis(hs, quantile=None)  # type: ignore[arg-type]
    with pytest.raises(sq.DataError, match="max_iter"):
        sq.efa(hs, 2, max_iter="x")  # type: ignore[arg-type]
    with pytest.raises(sq.DataError, match="tol"):
        sq.efa(hs, 2, tol=-1.0)
    with pytest.raises(sq.DataError, match="score must be"):
        sq.efa(retail, 2, score=3)  # type: ignore[arg-type]


def test_parallel_analysis_progress_bar(capsys):
    # tqdm's bar on standard error when asked for; quiet by default off a terminal
    x = pd.read_csv(REF / "factor_hs.csv")
    sq.parallel_analysis(x, n_iter=6, rng=0, progress=True)
    err = capsys.readouterr().err
    assert "parallel analysis" in err and "6/6" in err and "done" in err
    sq.parallel_analysis(x, n_iter=6, rng=0)
    assert capsys.readouterr().err == ""
