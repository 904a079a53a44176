"""Tests for servqual.polychoric (and ordinal alpha) against psych, lavaan and polycor.

Reference values come from tests/reference/make_polychoric.R (psych 2.2.9, lavaan
0.6-14, polycor 0.8-1), stored in polychoric_reference.json.

Tolerances:
* ``psych::polychoric(x)$rho`` as returned: 1e-4. psych maximises each pair's
  likelihood with ``optimize(tol = .Machine$double.eps^0.25)``, i.e. it stops ~1e-4
  from the maximum (observed differences ≤ 3.4e-5).
* "tight": psych's own objective (``psych:::polyF``), tables and zero-cell handling with
  ``optimize(tol = 1e-12)``, and ``lavaan::lavCor(x, ordered = names(x))`` (nlminb with
  analytic derivatives): 1e-6 (observed ≤ 4e-8; R's optimize cannot get below
  ~1.5e-8·|ρ|).
* thresholds: closed form ``qnorm(cumsum(p))``, 1e-10.
* ``polycor::polychor(x, y, std.err = TRUE)``: its BFGS and numerical Hessian stop
  ~5e-7 short; 2e-6 as returned, 1e-6 when started from the exact maximiser; the SE
  from ``numDeriv::hessian`` of polycor's objective at 1e-8 (observed ≤ 1.2e-9).
* ``polycor::polyserial(x, y, std.err = TRUE)``: 5e-6 as returned (observed ≤ 1.1e-6),
  1e-6 from the exact maximiser, SE from ``numDeriv::hessian`` at 1e-8.
* ordinal alpha, ``psych::alpha(R)``: closed form given R, so the tolerance of R
  (1e-6 tight, 1e-4 psych); EFA/omega of the polychoric matrix: 1e-4 (psych's fa).
"""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import servqual as sq
from servqual.polychoric import _bvn_cdf

REF = Path(__file__).parent / "reference"
POLY = json.loads((REF / "polychoric_reference.json").read_text())
TIGHT = 1e-6
PSYCH = 1e-4
A_ITEMS = [f"A{i}" for i in range(1, 6)]


@pytest.fixture(scope="module")
def bfi() -> pd.DataFrame:
    return pd.read_csv(REF / "factor_bfi.csv")


@pytest.fixture(scope="module")
def retail() -> pd.DataFrame:
    return pd.read_csv(REF / "reliability_retail_P.csv", index_col=0)


def _cases(bfi: pd.DataFrame, retail: pd.DataFrame) -> dict[str, tuple[pd.DataFrame, str]]:
    collapsed_a = bfi[A_ITEMS].dropna().copy()
    collapsed_a.loc[collapsed_a["A1"] == 6, "A1"] = 5
    collapsed_ap = bfi[A_ITEMS].copy()
    collapsed_ap.loc[collapsed_ap["A1"] == 6, "A1"] = 5
    collapsed_r = retail.dropna().copy()
    collapsed_r.loc[collapsed_r["TAN1"] == 7, "TAN1"] = 6
    return {
        "bfi_a_pairwise": (bfi[A_ITEMS], "pairwise"),
        "bfi_a_complete": (bfi[A_ITEMS], "listwise"),
        "bfi11_complete": (bfi.iloc[:, :11], "listwise"),
        "bfi_a_collapsed": (collapsed_a, "pairwise"),
        "bfi_a_collapsed_pairwise": (collapsed_ap, "pairwise"),
        "retail_pairwise": (retail, "pairwise"),
        "retail_complete": (retail, "listwise"),
        "retail_collapsed": (collapsed_r[POLY["retail_collapsed"]["items"]], "pairwise"),
    }


@pytest.fixture(scope="module")
def results(bfi, retail):
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.ServqualWarning)
        for name, (x, policy) in _cases(bfi, retail).items():
            out[name] = sq.polychoric(x, nan_policy=policy)
    return out


def _tau(rows: list[list[float | str]]) -> np.ndarray:
    return np.array([[float(v) for v in row] for row in rows])


CASES = [
    "bfi_a_pairwise",
    "bfi_a_complete",
    "bfi11_complete",
    "bfi_a_collapsed",
    "bfi_a_collapsed_pairwise",
    "retail_pairwise",
    "retail_complete",
    "retail_collapsed",
]


@pytest.mark.parametrize("name", CASES)
def test_rho_matches_psych(results, name):
    res, ref = results[name], POLY[name]
    assert list(res.rho.columns) == ref["items"]
    # psych::polychoric(x)$rho, and psych's objective maximised with tol = 1e-12
    assert_allclose(res.rho.to_numpy(), np.array(ref["psych_rho"]), atol=PSYCH)
    assert_allclose(res.rho.to_numpy(), np.array(ref["tight_rho"]), atol=TIGHT)
    assert res.threshold_method == ("global" if ref["global"] else "pair")


@pytest.mark.parametrize("name", CASES)
def test_thresholds_match_psych(results, name):
    # psych::polychoric(x)$tau: qnorm(cumsum(p)) per item, ±Inf for unused categories
    assert_allclose(results[name].thresholds.to_numpy(), _tau(POLY[name]["psych_tau"]), atol=1e-10)


@pytest.mark.parametrize("name", [n for n in CASES if "lavaan" in POLY[n]])
def test_rho_and_thresholds_match_lavaan(results, name):
    res, lav = results[name], POLY[name]["lavaan"]
    # lavaan::lavCor(x, ordered = names(x), output = "fit"): sampstat cov and th
    assert_allclose(res.rho.to_numpy(), np.array(lav["rho"]), atol=TIGHT)
    assert res.n_obs == lav["n"]
    tau = res.thresholds
    ours = np.concatenate([tau.loc[item][np.isfinite(tau.loc[item])] for item in tau.index])
    assert_allclose(ours, np.array(lav["th"]), atol=1e-10)


@pytest.mark.parametrize(
    ("key", "pair"),
    [("bfi_A1_A2", ("A1", "A2")), ("bfi_A2_A3", ("A2", "A3")), ("retail_TAN1_REL1", None)],
)
def test_standard_error_matches_polycor(bfi, retail, key, pair):
    ref = POLY["polycor"][key]
    data = bfi[A_ITEMS].dropna()[list(pair)] if pair else retail.dropna()[["TAN1", "REL1"]]
    row = sq.polychoric(data).to_frame().iloc[0]
    # polycor::polychor(x, y, std.err = TRUE): rho, sqrt(var)
    assert_allclose(row["rho"], ref["rho"], atol=2e-6)
    assert_allclose(row["se"], ref["se"], atol=2e-6)
    # the same from the exact maximiser of polycor's objective
    assert_allclose(row["rho"], ref["tight_rho"], atol=TIGHT)
    assert_allclose(row["se"], ref["tight_se"], atol=TIGHT)
    # the SE from numDeriv::hessian of polycor's objective (observed ≤ 1.2e-9)
    assert_allclose(row["se"], ref["exact_se"], atol=1e-8)


def test_pair_thresholds_apply_the_continuity_correction(retail):
    """Unequal categories: thresholds per pair and 0.5 for empty cells, as psych."""
    data = retail.dropna().copy()
    data.loc[data["TAN1"] == 7, "TAN1"] = 6
    with pytest.warns(sq.ServqualWarning, match=r"set to 0.5 respondents.*'TAN1'–'TAN2' \(12\)"):
        res = sq.polychoric(data[POLY["retail_collapsed"]["items"]])
    assert res.threshold_method == "pair"
    assert res.to_frame().loc[("TAN1", "TAN2"), "corrected"] == 12
    # correct=0 turns the correction off: other estimates, no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error", sq.ServqualWarning)
        plain = sq.polychoric(data[POLY["retail_collapsed"]["items"]], correct=0)
    assert (plain.to_frame()["corrected"] == 0).all()
    assert not np.allclose(plain.rho.to_numpy(), res.rho.to_numpy(), atol=1e-3)


def test_pairs_where_psych_fails_are_renormalised_with_a_warning(retail):
    data = retail.dropna().copy()
    data.loc[data["TAN1"] == 7, "TAN1"] = 6
    with pytest.warns(sq.ServqualWarning) as record:
        res = sq.polychoric(data)
    messages = [str(w.message) for w in record]
    assert any("exceed the number of respondents" in m for m in messages)
    assert any("continuity correction" in m for m in messages)
    assert np.isfinite(res.rho.to_numpy()).all()


def test_survey_input_uses_the_score(retail):
    survey = sq.load_example("retail_bank")
    frame = survey.item_scores("perception")
    assert_allclose(frame.to_numpy(), retail.to_numpy())
    res = sq.polychoric(survey, score="perception")
    assert res.score == "perception"
    assert_allclose(res.rho.to_numpy(), np.array(POLY["retail_pairwise"]["tight_rho"]), atol=TIGHT)
    assert "perception" in repr(res)


def test_result_layout(results):
    res = results["bfi_a_pairwise"]
    table = res.to_frame()
    assert list(table.columns) == ["rho", "se", "n", "empty_cells", "corrected"]
    assert table.index.names == ["item_1", "item_2"]
    assert len(table) == 10
    assert table.loc[("A1", "A2"), "rho"] == res.rho.loc["A1", "A2"] == res.rho.loc["A2", "A1"]
    assert table.loc[("A1", "A2"), "se"] == res.se.loc["A2", "A1"]
    assert (table["n"] < 2800).all() and res.n_obs == 2800
    assert list(res.thresholds.columns) == [f"tau{c}" for c in range(1, 6)]
    assert res.nan_policy == "pairwise" and not res.smoothed
    assert "Polychoric correlations" in repr(res) and "<b>" in res._repr_html_()


def test_smoothing_matches_psych_cor_smooth():
    from servqual.polychoric import _smooth

    ref = POLY["cor_smooth"]
    assert min(ref["eigen"]) < 0
    # psych::cor.smooth(R): closed form given the eigendecomposition
    smoothed, done = _smooth(np.array(ref["input"]))
    assert done
    assert_allclose(smoothed, np.array(ref["smoothed"]), atol=1e-12)
    assert_allclose(_smooth(np.eye(3))[0], np.eye(3))


def test_bivariate_normal_cdf_is_exact():
    from scipy.stats import multivariate_normal

    rng = np.random.default_rng(7)
    h = np.concatenate([rng.normal(size=40) * 2, [0.0, 0.0, 1.0, -np.inf, np.inf]])
    k = np.concatenate([rng.normal(size=40) * 2, [0.0, -0.5, 0.0, 1.0, 0.3]])
    r = np.concatenate([rng.uniform(-0.999, 0.999, size=40), [0.3, -0.6, 0.9, 0.5, 0.5]])
    ours = _bvn_cdf(h, k, r)
    for a, b, c, v in zip(h, k, r, ours, strict=True):
        if np.isneginf(a):
            assert v == 0.0
            continue
        exact = multivariate_normal([0, 0], [[1, c], [c, 1]]).cdf([min(a, 40), b])
        assert abs(v - exact) < 1e-12


def test_bad_input():
    with pytest.raises(sq.DataError, match="whole-number"):
        sq.polychoric(pd.DataFrame({"a": [1, 2, 3.5, 2], "b": [1, 2, 3, 3]}))
    with pytest.raises(sq.DataError, match="zero variance"):
        sq.polychoric(pd.DataFrame({"a": [1, 2, 3, 2], "b": [2, 2, 2, 2]}))
    with pytest.raises(sq.DataError, match="not a rating scale"):
        sq.polychoric(pd.DataFrame({"a": [1, 30, 3, 2], "b": [1, 2, 3, 3]}))
    with pytest.raises(sq.DataError, match="missing answers"):
        sq.polychoric(pd.DataFrame({"a": [1, 2, None, 2], "b": [1, 2, 3, 3]}), nan_policy="raise")
    with pytest.raises(sq.DataError, match="applies to a Survey"):
        sq.polychoric(pd.DataFrame({"a": [1, 2], "b": [2, 1]}), score="gap")
    with pytest.raises(sq.InsufficientDataError):
        sq.polychoric(pd.DataFrame({"a": [1, 2, 3]}))
    with pytest.raises(sq.DataError, match="correct"):
        sq.polychoric(pd.DataFrame({"a": [1, 2, 3], "b": [1, 2, 2]}), correct=-1)


def test_two_by_two_with_an_empty_cell_hits_the_bound():
    x = pd.DataFrame({"a": [1] * 30 + [2] * 30, "b": [1] * 30 + [1] * 10 + [2] * 20})
    with pytest.warns(sq.ServqualWarning, match="rises all the way"):
        res = sq.polychoric(x)
    assert res.rho.loc["a", "b"] == pytest.approx(0.9999)
    assert np.isnan(res.se.loc["a", "b"])


def test_speed_eleven_items(bfi):
    """psych::polychoric takes ~0.4-1 s for 11 bfi items; servqual well under."""
    data = bfi.iloc[:, :11].dropna()
    start = time.perf_counter()
    sq.polychoric(data)
    assert time.perf_counter() - start < 1.0


# ----------------------------------------------------------------- ordinal alpha
def _check_alpha(row: pd.Series, ref: dict) -> None:
    # psych::alpha(R)$total on the tight polychoric matrix (1e-6) and on
    # psych::polychoric(x)$rho as psych returns it (1e-4)
    for ours, theirs in (("alpha", "raw_alpha"), ("std_alpha", "std_alpha"),
                         ("lambda6", "g6"), ("average_r", "average_r")):  # fmt: skip
        assert_allclose(row[ours], ref["tight"][theirs], atol=TIGHT)
        assert_allclose(row[ours], ref["psych"][theirs], atol=PSYCH)


def test_ordinal_alpha_matches_psych_on_items(bfi):
    ref = POLY["alpha"]["bfi_a2_a5"]
    res = sq.cronbach_alpha(bfi[ref["items"]], correlation="polychoric")
    _check_alpha(res.to_frame().loc["scale"], ref)
    assert res.correlation == "polychoric"
    assert repr(res).startswith("Ordinal alpha (polychoric)")
    assert res.n == 2800


def test_ordinal_alpha_of_a_survey_matches_psych():
    survey = sq.load_example("retail_bank")
    by_dim = sq.cronbach_alpha(survey, correlation="polychoric")
    table = by_dim.to_frame()
    assert list(table.index) == list(survey.instrument.model)
    _check_alpha(table.loc["tangibles"], POLY["alpha"]["retail_tangibles"])
    # the headline is the overall scale of all 22 items, as level="overall"
    assert_allclose(by_dim.alpha, POLY["alpha"]["retail_all"]["tight"]["raw_alpha"], atol=TIGHT)
    overall = sq.cronbach_alpha(survey, correlation="polychoric", level="overall")
    _check_alpha(overall.to_frame().loc["overall"], POLY["alpha"]["retail_all"])
    assert by_dim.items["dimension"].iloc[0] == "tangibles"
    assert "perception" in repr(by_dim)


def test_ordinal_alpha_refuses_matrices_and_bootstrap(bfi):
    with pytest.raises(sq.DataError, match="needs the respondents' answers"):
        sq.cronbach_alpha(np.eye(3), n_obs=100, correlation="polychoric")
    with pytest.raises(sq.DataError, match="bootstrap"):
        sq.cronbach_alpha(bfi[["A2", "A3"]], ci="bootstrap", correlation="polychoric")
    with pytest.raises(sq.DataError, match="correlation="):
        sq.cronbach_alpha(bfi[["A2", "A3"]], correlation="spearman")


# ----------------------------------------------------------------- EFA and omega
def test_efa_on_polychoric_matches_psych_fa(bfi):
    # psych::fa(rho, nfactors = 2, n.obs = 2615, fm = "minres", rotate = "oblimin") on
    # the tight polychoric matrix of bfi[, 1:11] (complete rows); psych's fa stops its
    # iterations early, so 1e-4 as in tests/test_factor.py
    ref = POLY["fa_bfi11"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.MissingDataWarning)
        res = sq.efa(bfi.iloc[:, :11], 2, nan_policy="listwise", correlation="polychoric")
    assert res.n_obs == ref["n_obs"] and res.correlation == "polychoric"
    assert_allclose(res.loadings.to_numpy(), np.array(ref["loadings"]), atol=PSYCH)
    assert_allclose(res.uniquenesses.to_numpy(), ref["uniquenesses"], atol=PSYCH)
    assert "polychoric" in repr(res)


def test_omega_on_polychoric_matches_psych_omega(bfi):
    # psych::omega(rho, nfactors = 3, n.obs = 2615) on the same matrix (1e-4, psych's
    # iterative minres and rotations, as tests/test_omega.py)
    # (C4 reaches the uniqueness bound, in psych as here: a HeywoodWarning)
    ref = POLY["omega_bfi11"]
    with warnings.catch_warnings(), pytest.warns(sq.HeywoodWarning, match="'C4'"):
        warnings.simplefilter("ignore", sq.MissingDataWarning)
        res = sq.omega(bfi.iloc[:, :11], 3, nan_policy="listwise", correlation="polychoric")
    assert_allclose(res.omega_h, ref["omega_h"], atol=PSYCH)
    assert_allclose(res.omega_total, ref["omega_total"], atol=PSYCH)
    assert_allclose(res.alpha, ref["alpha"], atol=TIGHT)
    assert res.correlation == "polychoric" and "polychoric" in repr(res)


def test_efa_and_omega_on_polychoric_take_a_survey():
    survey = sq.load_example("retail_bank")
    res = sq.omega(survey, correlation="polychoric")
    assert res.n_factors == 5 and res.score == "perception"
    fa = sq.efa(survey, 5, correlation="polychoric")
    assert fa.n_obs == 212
    with pytest.raises(sq.DataError, match="needs the respondents' answers"):
        sq.efa(np.eye(4), 1, n_obs=50, correlation="polychoric")


# ----------------------------------------------------------------- polyserial
@pytest.fixture(scope="module")
def polyserial_cases(retail):
    bfi_age = pd.read_csv(REF / "polyserial_bfi.csv").dropna()
    complete = retail.dropna()
    return {
        "polyserial_bfi_age": (bfi_age["age"], bfi_age[A_ITEMS]),
        "polyserial_retail_mean": (
            complete.mean(axis=1).rename("overall"),
            complete[[f"TAN{i}" for i in range(1, 5)]],
        ),
    }


@pytest.mark.parametrize("name", ["polyserial_bfi_age", "polyserial_retail_mean"])
def test_polyserial_matches_polycor_and_psych(polyserial_cases, name):
    x, ys = polyserial_cases[name]
    ref = POLY[name]
    table = sq.polyserial(x, ys).to_frame()
    assert list(table.index.get_level_values("ordinal")) == ref["items"]
    for row, r in zip(table.itertuples(), ref["polycor"], strict=True):
        # polycor::polyserial(x, y, std.err = TRUE) as returned: its BFGS stops ~1e-6
        # short (observed ≤ 1.1e-6), so 5e-6; from the exact maximiser of its own
        # objective 1e-6 (observed ~1e-8, R's optimize limit)
        assert_allclose(row.rho, r["rho"], atol=5e-6)
        assert_allclose(row.se, r["se"], atol=5e-6)
        assert_allclose(row.rho, r["tight_rho"], atol=TIGHT)
        assert_allclose(row.se, r["tight_se"], atol=TIGHT)
        # SE from numDeriv::hessian of polycor's objective (observed ≤ 2.7e-9)
        assert_allclose(row.se, r["exact_se"], atol=1e-8)
    # psych::polyserial(x, y): the ad hoc estimator, closed form
    assert_allclose(table["rho_ad_hoc"].to_numpy(), ref["psych_ad_hoc"], atol=1e-10)


def test_polyserial_layout_and_errors(polyserial_cases):
    x, ys = polyserial_cases["polyserial_retail_mean"]
    res = sq.polyserial(x, ys)
    assert res.rho.shape == (1, 4) and list(res.rho.index) == ["overall"]
    assert res.nan_policy == "complete" and "Polyserial" in repr(res)
    with pytest.raises(sq.DataError, match="same respondents"):
        sq.polyserial(x.iloc[:-1], ys)
    with pytest.raises(sq.DataError, match="whole-number"):
        sq.polyserial(x, ys + 0.5)
    with pytest.raises(sq.DataError, match="missing values"):
        sq.polyserial(x.where(x.index != x.index[0]), ys, nan_policy="raise")


def test_ordered_categorical_columns_are_read_in_their_order(bfi):
    labels = ["very inaccurate", "inaccurate", "slightly inaccurate", "slightly accurate",
              "accurate", "very accurate"]  # fmt: skip
    frame = bfi[["A2", "A3"]].dropna()
    as_text = frame.apply(
        lambda col: pd.Categorical.from_codes(col.astype(int) - 1, labels, ordered=True)
    )
    assert_allclose(
        sq.polychoric(as_text).rho.to_numpy(), sq.polychoric(frame).rho.to_numpy(), atol=1e-12
    )
    unordered = as_text.astype({"A2": pd.CategoricalDtype(labels, ordered=False)})
    with pytest.raises(sq.DataError, match="unordered categorical"):
        sq.polychoric(unordered)
