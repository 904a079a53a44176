"""Tests for servqual.validity against R (tests/reference/make_cfa.R).

CR and AVE are closed forms of the loadings: given lavaan's own (standardized or
unstandardized) solution they must match R's formulas and semTools::compRelSEM /
semTools::AVE (make_validity_semtools.R) to rtol=1e-6. Computed from our CFA fit they
inherit the optimiser tolerance (rtol=1e-4, see tests/test_cfa.py).
HTMT is a closed form of the item correlations: rtol=1e-6 against semTools::htmt.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import servqual as sq
from servqual.validity import _ave, _cr

REF = Path(__file__).parent / "reference"
ITERATIVE = 1e-4
CLOSED = 1e-6
HS_MODEL = {
    "visual": ["x1", "x2", "x3"],
    "textual": ["x4", "x5", "x6"],
    "speed": ["x7", "x8", "x9"],
}


def _validity_ref(case: str) -> dict:
    return json.loads((REF / f"cfa_{case}_validity.json").read_text())


# hs, bank, bank_survey: fixtures in tests/conftest.py


@pytest.fixture(scope="module")
def fits(hs, bank_survey) -> dict[str, sq.CFAResult]:
    return {"hs": sq.cfa(hs, HS_MODEL), "bank": sq.cfa(bank_survey)}


def _bank_model(bank_survey) -> dict[str, list[str]]:
    return {k: list(v) for k, v in bank_survey.instrument.model.items()}


# --------------------------------------------------------------------------- CR and AVE
@pytest.mark.parametrize("case", ["hs", "bank"])
def test_cr_and_ave_closed_form_on_lavaan_loadings(case):
    # R: sum(l)^2 / (sum(l)^2 + sum(theta)) and mean(l^2) on standardizedSolution(fit)
    ref = _validity_ref(case)
    std = pd.read_csv(REF / f"cfa_{case}_std.csv")
    for f in ref["factors"]:
        rows = std[(std["lhs"] == f) & (std["op"] == "=~")]
        lam = rows["est.std"].to_numpy()
        err = std.set_index("lhs").loc[rows["rhs"]]
        err = err[err["op"] == "~~"]["est.std"].to_numpy()
        assert_allclose(_cr(lam, err), ref["cr"][f], rtol=CLOSED)
        assert_allclose(_ave(lam), ref["ave"][f], rtol=CLOSED)


@pytest.mark.parametrize("case", ["hs", "bank"])
def test_composite_reliability_and_ave_from_cfa(fits, case):
    ref = _validity_ref(case)
    cr = sq.composite_reliability(fits[case]).to_frame()
    av = sq.ave(fits[case]).to_frame()
    assert list(cr.index) == ref["factors"] == list(av.index)
    # explicit R formulas on lavaan's standardizedSolution (make_cfa.R, validity())
    assert_allclose(cr["cr"], [ref["cr"][f] for f in cr.index], rtol=ITERATIVE)
    assert_allclose(av["ave"], [ref["ave"][f] for f in av.index], rtol=ITERATIVE)
    assert_allclose(av["sqrt_ave"], [ref["sqrt_ave"][f] for f in av.index], rtol=ITERATIVE)
    n_items = fits[case].loadings().groupby("factor", sort=False).size()
    assert cr["n_items"].tolist() == n_items.tolist() == av["n_items"].tolist()


@pytest.mark.parametrize("case", ["hs", "bank"])
def test_fornell_larcker(fits, case):
    ref = _validity_ref(case)
    res = sq.fornell_larcker(fits[case])
    t = res.to_frame()
    f = ref["factors"]
    mat = t[f].to_numpy()
    phi = np.array(ref["factor_correlations"])
    off = ~np.eye(len(f), dtype=bool)
    # standardizedSolution(fit) factor correlations off the diagonal, sqrt(AVE) on it
    assert_allclose(mat[off], phi[off], rtol=ITERATIVE)
    assert_allclose(np.diag(mat), [ref["sqrt_ave"][k] for k in f], rtol=ITERATIVE)
    assert_allclose(t["max_abs_r"], np.abs(np.where(off, phi, 0)).max(axis=1), rtol=ITERATIVE)
    # R: sqrt(ave[f]) > max(abs(phi[f, -f]))
    assert t["passes"].tolist() == [ref["fornell_larcker_pass"][k] for k in f]
    assert res.all_pass == all(ref["fornell_larcker_pass"].values())


def _two_factor_sample(r_between: float, loading: float, n: int = 300) -> pd.DataFrame:
    """Data whose ML covariance is exactly the two-factor model's Σ (3 items each)."""
    lam = np.zeros((6, 2))
    lam[:3, 0] = lam[3:, 1] = loading
    phi = np.array([[1.0, r_between], [r_between, 1.0]])
    cov = lam @ phi @ lam.T
    cov[np.diag_indices(6)] = 1.0
    z = np.random.default_rng(7).standard_normal((n, 6))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(z.T @ z / n)).T
    return pd.DataFrame(z @ np.linalg.cholesky(cov).T, columns=[f"i{k}" for k in range(6)])


def test_fornell_larcker_fails_and_htmt_flags_collinear_factors():
    data = _two_factor_sample(r_between=0.95, loading=0.6)
    model = {"a": ["i0", "i1", "i2"], "b": ["i3", "i4", "i5"]}
    fit = sq.cfa(data, model)
    assert_allclose(fit.factor_correlations().loc["a", "b"], 0.95, rtol=1e-5)
    fl = sq.fornell_larcker(fit)
    assert not fl.all_pass and not fl.to_frame()["passes"].any()
    h = sq.htmt(data, model)
    # population HTMT = .6·.95·.6 / (.6·.6) = .95 exactly with this covariance
    assert_allclose(h.max_htmt, 0.95, rtol=1e-10)
    assert h.to_frame()["above_090"].all()
    dv = sq.discriminant_validity(fit).to_frame()
    assert not dv["fornell_larcker"].any() and not dv["htmt_ok"].any()


# --------------------------------------------------------------------------- HTMT
@pytest.mark.parametrize("method", ["htmt", "htmt2"])
@pytest.mark.parametrize("case", ["hs", "bank"])
def test_htmt_matches_semtools(hs, bank, bank_survey, case, method):
    ref = _validity_ref(case)
    data, model = (hs, HS_MODEL) if case == "hs" else (bank, _bank_model(bank_survey))
    res = sq.htmt(data, model, method=method)
    mat = res.matrix()
    assert list(mat.index) == ref["factors"] == ref["htmt_semtools_rownames"]
    # semTools::htmt(model, data, htmt2 = FALSE / TRUE)
    assert_allclose(mat.to_numpy(), np.array(ref[f"{method}_semtools"]), rtol=CLOSED)
    # explicit formula on cor(data) in make_cfa.R
    assert_allclose(mat.to_numpy(), np.array(ref[f"{method}_explicit"]), rtol=CLOSED)
    t = res.to_frame()
    assert len(t) == len(model) * (len(model) - 1) // 2
    assert (t["above_085"] == (t["htmt"] > 0.85)).all()
    assert (t["above_090"] == (t["htmt"] > 0.90)).all()
    assert res.max_htmt == t["htmt"].max()


def test_htmt_inputs_agree(bank, bank_survey, fits):
    model = _bank_model(bank_survey)
    frame = sq.htmt(bank, model).to_frame()
    from_survey = sq.htmt(bank_survey).to_frame()
    from_cfa = sq.htmt(fits["bank"]).to_frame()
    pd.testing.assert_frame_equal(frame, from_survey, rtol=1e-12)
    pd.testing.assert_frame_equal(frame, from_cfa, rtol=1e-10)
    tuples = {k: tuple(v) for k, v in model.items()}
    pd.testing.assert_frame_equal(frame, sq.htmt(bank, tuples).to_frame())


def test_htmt_invariances(hs):
    base = sq.htmt(hs, HS_MODEL).matrix()
    before = hs.copy()
    changed = hs.copy()
    changed["x2"] = -3 * changed["x2"] + 10  # reversed and rescaled: |r| unchanged
    reordered = {
        "speed": ["x9", "x8", "x7"],
        "textual": ["x6", "x4", "x5"],
        "visual": ["x2", "x3", "x1"],
    }
    res = sq.htmt(changed[list(reversed(changed.columns))], reordered).matrix()
    pd.testing.assert_frame_equal(hs, before)
    assert_allclose(res.loc[base.index, base.columns], base, rtol=1e-12)
    # without absolute values the reversed item makes the visual block's mean negative
    with pytest.raises(sq.DataError, match="undefined"):
        sq.htmt(changed, HS_MODEL, absolute=False)
    with pytest.raises(sq.DataError, match="positive item correlations"):
        sq.htmt(changed, HS_MODEL, absolute=False, method="htmt2")
    # ... and signed correlations change HTMT where some item correlations are negative
    r = np.corrcoef(hs.to_numpy(), rowvar=False)
    assert r.min() < 0
    signed = sq.htmt(hs, HS_MODEL, absolute=False).matrix()
    assert not np.allclose(signed.to_numpy(), base.to_numpy(), rtol=1e-6)


def test_htmt_absolute_irrelevant_with_positive_correlations(bank, bank_survey):
    assert (np.corrcoef(bank.to_numpy(), rowvar=False) > 0).all()
    model = _bank_model(bank_survey)
    assert_allclose(
        sq.htmt(bank, model, absolute=False).matrix(), sq.htmt(bank, model).matrix(), rtol=1e-12
    )


def test_htmt_bad_input(hs, fits):
    with pytest.raises(sq.MissingColumnError, match="'x99'"):
        sq.htmt(hs, {"visual": ["x1", "x99"], "speed": ["x7", "x8"]})
    with pytest.raises(sq.DataError, match="only one"):
        sq.htmt(hs, {"visual": ["x1", "x2", "x3"]})
    with pytest.raises(sq.InstrumentError, match="'speed' has 1 item"):
        sq.htmt(hs, {"visual": ["x1", "x2"], "speed": ["x7"]})
    with pytest.raises(sq.DataError, match="method"):
        sq.htmt(hs, HS_MODEL, method="mean")
    with pytest.raises(sq.DataError, match="model= only"):
        sq.htmt(fits["hs"], HS_MODEL)
    with pytest.raises(sq.InsufficientDataError, match="got 2"):
        sq.htmt(hs.head(2), HS_MODEL)
    flat = hs.copy()
    flat["x8"] = 1.0
    with pytest.raises(sq.DataError, match="'x8' have zero variance"):
        sq.htmt(flat, HS_MODEL)


# --------------------------------------------------------------------------- combined
def test_discriminant_validity_combines_components(fits):
    res = fits["bank"]
    dv = sq.discriminant_validity(res)
    t = dv.to_frame()
    pd.testing.assert_series_equal(
        t["cr"], sq.composite_reliability(res).to_frame()["cr"], check_names=False
    )
    assert_allclose(t["ave"], sq.ave(res).to_frame()["ave"])
    hm = sq.htmt(res).matrix().to_numpy()
    assert_allclose(t["max_htmt"], (hm - np.eye(len(hm))).max(axis=1))
    assert (t["htmt_ok"] == (t["max_htmt"] < 0.85)).all()
    assert (t["fornell_larcker"] == sq.fornell_larcker(res).to_frame()["passes"]).all()
    assert dv.htmt_threshold == 0.85 and "Construct validity" in repr(dv)
    strict = sq.discriminant_validity(res, htmt_threshold=0.5).to_frame()
    assert (strict["htmt_ok"] == (t["max_htmt"] < 0.5)).all()


def test_validity_functions_need_a_cfa_result(hs):
    for func in (sq.composite_reliability, sq.ave, sq.fornell_larcker, sq.discriminant_validity):
        with pytest.raises(sq.DataError, match=r"servqual\.cfa"):
            func(hs)


def test_discriminant_validity_bad_threshold(fits):
    with pytest.raises(sq.DataError, match="htmt_threshold"):
        sq.discriminant_validity(fits["hs"], htmt_threshold=0)
    with pytest.raises(sq.DataError, match="htmt_threshold"):
        sq.discriminant_validity(fits["hs"], htmt_threshold="high")


def test_results_are_immutable_copies(fits):
    cr = sq.composite_reliability(fits["hs"])
    t = cr.to_frame()
    t["cr"] = 0.0
    assert (cr.to_frame()["cr"] > 0).all()
    with pytest.raises(AttributeError):
        cr.n = 3
    assert "Composite reliability" in repr(cr) and "textual" in repr(cr)


@pytest.mark.parametrize("method", ["htmt", "htmt2"])
@pytest.mark.parametrize(
    ("example", "score", "case"),
    [
        ("zone_of_tolerance", "perception", "zot_P"),
        ("zone_of_tolerance", "adequate", "zot_A"),
        ("retail_bank", "expectation", "bank_E"),  # one incomplete respondent: listwise
    ],
)
def test_htmt_other_surveys_match_semtools(example, score, case, method):
    # semTools::htmt(model, data, htmt2 = FALSE / TRUE) in make_cfa_more.R
    ref = json.loads((REF / "cfa_more.json").read_text())[case]
    survey = sq.load_example(example)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.MissingDataWarning)
        mat = sq.htmt(survey, score=score, method=method).matrix()
    assert list(mat.index) == ref["factors"]
    assert_allclose(mat.to_numpy(), np.array(ref[method]), rtol=1e-6)


# --------------------------------------------------------------------------- semTools definitions
# Rscript tests/reference/make_validity_semtools.R (lavaan 0.6-14, semTools 0.5-6); same
# fits as make_cfa.R: hs = cfa(HS.model, hs, std.lv = TRUE), hs_marker = cfa(HS.model, hs)
# (factor variances estimated), bank = cfa(bank.model, bank, std.lv = TRUE).
SEMTOOLS = {
    "hs": {
        # compRelSEM(fit)
        "semtools_cr": [0.612005843889, 0.885062452892, 0.685843516015],
        # compRelSEM(fit, obs.var = FALSE)
        "semtools_implied_cr": [0.625318525761, 0.88517557397, 0.687760749838],
        # AVE(fit)
        "semtools_ave": [0.370559252222, 0.721017648544, 0.424489367236],
        # AVE(fit, obs.var = FALSE)
        "semtools_implied_ave": [0.370559427493, 0.721016771274, 0.424489109344],
    },
    "hs_marker": {
        "semtools_cr": [0.612005151086, 0.885060773163, 0.685841692187],  # compRelSEM(fit)
        # compRelSEM(fit, obs.var = FALSE)
        "semtools_implied_cr": [0.625318015571, 0.885175360317, 0.687760037206],
        "semtools_ave": [0.37055887263, 0.721016282827, 0.424488292585],  # AVE(fit)
        # AVE(fit, obs.var = FALSE)
        "semtools_implied_ave": [0.370558944697, 0.721016349189, 0.42448832982],
    },
    "bank": {
        # compRelSEM(fit)
        "semtools_cr": [0.926014390597, 0.930305753752, 0.929634022846, 0.911878007745,
                        0.942038311431],
        # compRelSEM(fit, obs.var = FALSE)
        "semtools_implied_cr": [0.926119404491, 0.930288815126, 0.929499446655,
                                0.911491011257, 0.941934992884],
        # AVE(fit)
        "semtools_ave": [0.758378978896, 0.728002262469, 0.767349140814, 0.720449605462,
                         0.764490146466],
        # AVE(fit, obs.var = FALSE)
        "semtools_implied_ave": [0.758379730227, 0.728001375141, 0.767348669448,
                                 0.720449994205, 0.764491519138],
    },
}  # fmt: skip
# htmt(model, data) with semTools 0.5-6's default htmt2 = TRUE; lower triangle by column
SEMTOOLS_HTMT2_DEFAULT = {
    "hs": [0.38408856392, 0.386772930479, 0.279683551027],
    "bank": [0.423628703907, 0.393030664524, 0.289686851503, 0.457888283998, 0.542332785051,
             0.471720326019, 0.456698830222, 0.402311424841, 0.462061407667, 0.455451706417],
}  # fmt: skip


def _lavaan_parts(case: str, data: pd.DataFrame, model: dict[str, list[str]]):
    """Per factor: lavaan's unstandardized λ, φ, θ (cfa_<case>_params.csv) and the sample
    covariance (divisor n, as lavaan's sampstat) of the factor's items."""
    pe = pd.read_csv(REF / f"cfa_{case}_params.csv")
    s = data.cov(ddof=0)
    out = {}
    for f, items in model.items():
        lam = pe[(pe["lhs"] == f) & (pe["op"] == "=~")].set_index("rhs").loc[items, "est"]
        var = pe[(pe["op"] == "~~") & (pe["lhs"] == pe["rhs"])].set_index("lhs")["est"]
        phi = float(var[f])
        implied = np.outer(lam, lam) * phi + np.diag(var[items].to_numpy())
        out[f] = (lam.to_numpy(), phi, s.loc[items, items].to_numpy(), implied)
    return out


@pytest.mark.parametrize("case", ["hs", "hs_marker", "bank"])
def test_semtools_closed_forms_on_lavaan_estimates(hs, bank, bank_survey, case):
    from servqual.validity import _ave_semtools, _omega_semtools

    data, model = (bank, _bank_model(bank_survey)) if case == "bank" else (hs, HS_MODEL)
    ref = SEMTOOLS[case]
    parts = _lavaan_parts(case, data, model)
    got = {
        "semtools_cr": [_omega_semtools(lam, phi, s) for lam, phi, s, _ in parts.values()],
        "semtools_implied_cr": [_omega_semtools(lam, phi, m) for lam, phi, _, m in parts.values()],
        "semtools_ave": [_ave_semtools(lam, phi, np.diag(s)) for lam, phi, s, _ in parts.values()],
        "semtools_implied_ave": [
            _ave_semtools(lam, phi, np.diag(m)) for lam, phi, _, m in parts.values()
        ],
    }
    for key, values in got.items():
        assert_allclose(values, ref[key], rtol=CLOSED, err_msg=key)


@pytest.mark.parametrize("method", ["semtools", "semtools_implied"])
@pytest.mark.parametrize("case", ["hs", "hs_marker", "bank"])
def test_cr_and_ave_semtools_methods_from_cfa(hs, fits, case, method):
    # our own ML fit: rtol 1e-4 (the optimiser tolerance, as the other CFA checks)
    fit = sq.cfa(hs, HS_MODEL, std_lv=False) if case == "hs_marker" else fits[case]
    cr = sq.composite_reliability(fit, method=method)
    av = sq.ave(fit, method=method)
    assert_allclose(cr.to_frame()["cr"], SEMTOOLS[case][f"{method}_cr"], rtol=ITERATIVE)
    assert_allclose(av.to_frame()["ave"], SEMTOOLS[case][f"{method}_ave"], rtol=ITERATIVE)
    assert_allclose(av.to_frame()["sqrt_ave"], np.sqrt(SEMTOOLS[case][f"{method}_ave"]), rtol=1e-4)
    assert cr.method == av.method == method
    assert f"method={method}" in repr(cr) and f"method={method}" in repr(av)
    assert "compRelSEM" in repr(cr) and "semTools::AVE" in repr(av)


def test_cr_and_ave_methods_default_and_bad_choice(hs, fits):
    cr = sq.composite_reliability(fits["hs"])
    av = sq.ave(fits["hs"])
    assert cr.method == av.method == "standardized"
    assert "method=standardized" in repr(cr) and "method=standardized" in repr(av)
    pd.testing.assert_frame_equal(
        cr.to_frame(), sq.composite_reliability(fits["hs"], method="standardized").to_frame()
    )
    # a std.lv and a marker fit are the same model: every definition is invariant
    marker = sq.cfa(hs, HS_MODEL, std_lv=False)
    for method in ("standardized", "semtools", "semtools_implied"):
        assert_allclose(
            sq.composite_reliability(marker, method=method).to_frame()["cr"],
            sq.composite_reliability(fits["hs"], method=method).to_frame()["cr"],
            rtol=ITERATIVE,
        )
    for func in (sq.composite_reliability, sq.ave):
        with pytest.raises(sq.DataError, match="method"):
            func(fits["hs"], method="omega")
        with pytest.raises(TypeError):
            func(fits["hs"], "semtools")


def test_htmt_header_names_method_and_htmt2_is_semtools_default(hs, bank, bank_survey):
    for case, data, model in [("hs", hs, HS_MODEL), ("bank", bank, _bank_model(bank_survey))]:
        h2 = sq.htmt(data, model, method="htmt2")
        f = list(model)
        lower = [h2.matrix().loc[f[b], f[a]] for a in range(len(f)) for b in range(a + 1, len(f))]
        assert_allclose(lower, SEMTOOLS_HTMT2_DEFAULT[case], rtol=CLOSED)
        assert "method=htmt2" in repr(h2)
    assert "method=htmt:" in repr(sq.htmt(hs, HS_MODEL))
