"""Tests for servqual.reliability against psych (R) reference values.

Reference figures come from tests/reference/make_reliability.R (psych 2.2.9) and
are stored in tests/reference/reliability_*.json; no test runs R.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

import servqual as sq
from servqual import _alpha

REF = Path(__file__).parent / "reference"
RTOL = 1e-6

ALPHA = json.loads((REF / "reliability_alpha.json").read_text())
SPLIT = json.loads((REF / "reliability_split.json").read_text())
DIFF = json.loads((REF / "reliability_difference.json").read_text())

DIMS = {
    "tangibles": [f"TAN{i}" for i in range(1, 5)],
    "reliability": [f"REL{i}" for i in range(1, 6)],
    "responsiveness": [f"RES{i}" for i in range(1, 5)],
    "assurance": [f"ASS{i}" for i in range(1, 5)],
    "empathy": [f"EMP{i}" for i in range(1, 6)],
}


def _bfi() -> pd.DataFrame:
    return pd.read_csv(REF / "reliability_bfi.csv")


def _keyed(items: list[str], reverse: list[str]) -> pd.DataFrame:
    # psych::alpha(x, keys=...) reverses with max + min - x; bfi is on a 1-6 scale.
    df = _bfi()[items].copy()
    for c in reverse:
        df[c] = 7 - df[c]
    return df


def bfi_a() -> pd.DataFrame:
    return _keyed([f"A{i}" for i in range(1, 6)], ["A1"])


def bfi_c() -> pd.DataFrame:
    return _keyed([f"C{i}" for i in range(1, 6)], ["C4", "C5"])


def retail_p() -> pd.DataFrame:
    return pd.read_csv(REF / "reliability_retail_P.csv", index_col=0)


@pytest.fixture(scope="module")
def survey() -> sq.Survey:
    return sq.load_example("retail_bank")


# ---------------------------------------------------------------- alpha vs psych
def _check_total(res, ref, row=None):
    tab = res.to_frame()
    r = tab.iloc[0] if row is None else tab.loc[row]
    assert_allclose(r["alpha"], ref["raw_alpha"], rtol=RTOL)  # psych::alpha(x)$total$raw_alpha
    assert_allclose(r["std_alpha"], ref["std_alpha"], rtol=RTOL)  # $total$std.alpha
    assert_allclose(r["lambda6"], ref["G6"], rtol=RTOL)  # $total$`G6(smc)`
    assert_allclose(r["average_r"], ref["average_r"], rtol=RTOL)  # $total$average_r
    assert_allclose(r["se"], ref["ase"], rtol=RTOL)  # $total$ase (Duhachek)
    assert r["n"] == ref["n_obs"]
    assert r["n_items"] == ref["n_items"]


def _check_items(items: pd.DataFrame, ref, listwise: bool):
    assert_allclose(items["r_drop"], ref["r_drop"], rtol=RTOL)  # $item.stats$r.drop
    assert_allclose(items["raw_r"], ref["raw_r"], rtol=RTOL)  # $item.stats$raw.r
    assert_allclose(items["alpha_if_deleted"], ref["alpha_drop"], rtol=RTOL)  # $alpha.drop
    assert_allclose(items["mean"], ref["mean"], rtol=RTOL)  # $item.stats$mean
    assert_allclose(items["sd"], ref["sd"], rtol=RTOL)  # $item.stats$sd
    assert_allclose(items["n"], ref["n"])  # $item.stats$n
    assert_allclose(items["smc"], ref["smc"], rtol=RTOL)  # psych::smc(cov2cor(C))
    # sum over the other items of colMeans / of the pairwise covariance matrix
    assert_allclose(items["scale_mean_if_deleted"], ref["scale_mean_if_deleted"], rtol=RTOL)
    assert_allclose(items["scale_var_if_deleted"], ref["scale_var_if_deleted"], rtol=RTOL)
    if listwise:  # SPSS: mean / var(rowSums(x[, -i])) on complete cases
        assert_allclose(items["scale_mean_if_deleted"], ref["spss_mean_if_deleted"], rtol=RTOL)
        assert_allclose(items["scale_var_if_deleted"], ref["spss_var_if_deleted"], rtol=RTOL)


@pytest.mark.parametrize("policy", ["pairwise", "listwise"])
@pytest.mark.parametrize("scale", ["A", "C"])
def test_alpha_bfi_matches_psych(scale, policy):
    data = bfi_a() if scale == "A" else bfi_c()
    ref = ALPHA[f"bfi_{scale}_{policy}"]
    res = sq.cronbach_alpha(data, nan_policy=policy)
    _check_total(res, ref)
    _check_items(res.items, ref, listwise=policy == "listwise")
    # psych::alpha.ci(raw_alpha, n.obs, n.var, p.val = .05)
    assert_allclose([res.ci_low, res.ci_high], [ref["feldt_low"], ref["feldt_high"]], rtol=RTOL)
    assert res.nan_policy == policy and res.ci_method == "feldt"


def test_feldt_confidence_level():
    ref = ALPHA["bfi_A_pairwise"]
    res = sq.cronbach_alpha(bfi_a(), confidence_level=0.90)
    # psych::alpha.ci(raw_alpha, n.obs, n.var, p.val = .10)
    assert_allclose([res.ci_low, res.ci_high], [ref["feldt90_low"], ref["feldt90_high"]], rtol=RTOL)


def test_duhachek_matches_psych_ase():
    ref = ALPHA["bfi_C_pairwise"]
    res = sq.cronbach_alpha(bfi_c(), ci="duhachek")
    # raw_alpha -/+ qnorm(.975) * psych::alpha(x)$total$ase
    assert_allclose(
        [res.ci_low, res.ci_high], [ref["duhachek_low"], ref["duhachek_high"]], rtol=RTOL
    )


def _duhachek_by_hand(x: np.ndarray, conf: float) -> tuple[float, float]:
    """Duhachek & Iacobucci (2004) eq. for Q, written out term by term."""
    n, k = x.shape
    v = np.cov(x, rowvar=False)
    one = np.ones(k)
    s = one @ v @ one
    tr_v = np.trace(v)
    tr_v2 = np.trace(v @ v)
    s_v2 = one @ (v @ v) @ one
    alpha = k / (k - 1) * (1 - tr_v / s)
    q = (2 * k**2 / ((k - 1) ** 2 * s**3)) * (s * (tr_v2 + tr_v**2) - 2 * tr_v * s_v2)
    z = stats.norm.ppf(1 - (1 - conf) / 2)
    half = z * np.sqrt(q / n)
    return alpha - half, alpha + half


@pytest.mark.parametrize("conf", [0.95, 0.99])
def test_duhachek_matches_formula(conf):
    x = bfi_a().dropna().to_numpy()
    res = sq.cronbach_alpha(x, ci="duhachek", confidence_level=conf)
    assert_allclose([res.ci_low, res.ci_high], _duhachek_by_hand(x, conf), rtol=RTOL)


@pytest.mark.parametrize("policy", ["pairwise", "listwise"])
def test_alpha_survey_dimensions_match_psych(survey, policy):
    res = sq.cronbach_alpha(survey, score="perception", nan_policy=policy)
    assert list(res.to_frame().index) == list(DIMS)
    items = res.items
    for dim, codes in DIMS.items():
        ref = ALPHA[f"retail_{dim}_{policy}"]
        _check_total(res, ref, row=dim)
        _check_items(items.loc[codes], ref, listwise=policy == "listwise")
        assert (items.loc[codes, "dimension"] == dim).all()
    # headline: the overall scale of all 22 items
    over = ALPHA[f"retail_overall_{policy}"]
    assert_allclose(res.alpha, over["raw_alpha"], rtol=RTOL)
    assert_allclose(res.overall, over["raw_alpha"], rtol=RTOL)
    assert_allclose(res.lambda6, over["G6"], rtol=RTOL)
    assert res.n_items == 22 and res.n == over["n_obs"]
    assert_allclose([res.ci_low, res.ci_high], [over["feldt_low"], over["feldt_high"]], rtol=RTOL)
    pd.testing.assert_frame_equal(res.by_dimension, res.to_frame())


def test_alpha_survey_overall_and_frame_agree(survey):
    ref = ALPHA["retail_overall_pairwise"]
    res = sq.cronbach_alpha(survey, level="overall")
    _check_total(res, ref, row="overall")
    _check_items(res.items, ref, listwise=False)
    frame = sq.cronbach_alpha(retail_p())
    assert_allclose(frame.to_frame().to_numpy(), res.to_frame().to_numpy(), rtol=RTOL)


def test_alpha_gap_score_matches_psych(survey):
    res = sq.cronbach_alpha(survey, score="gap")
    for dim in DIMS:  # psych::alpha(P - E)$total$raw_alpha
        assert_allclose(res.to_frame().loc[dim, "alpha"], DIFF[dim]["alpha_gap"], rtol=RTOL)


def test_unkeyed_item_warns_and_matches_psych():
    data = _bfi()[[f"A{i}" for i in range(1, 6)]]
    ref = ALPHA["bfi_A_unkeyed"]
    with pytest.warns(sq.ReliabilityWarning, match=r"'A1'.*reverse-keyed"):
        res = sq.cronbach_alpha(data)
    _check_total(res, ref)
    _check_items(res.items, ref, listwise=False)


def test_negative_alpha_warns():
    rng = np.random.default_rng(0)
    f = rng.normal(size=300)
    x = np.column_stack([f + rng.normal(size=300), -f + rng.normal(size=300), rng.normal(size=300)])
    with pytest.warns(sq.ReliabilityWarning, match="negative"):
        res = sq.cronbach_alpha(x)
    assert res.alpha < 0


def test_no_warning_for_clean_scale(survey):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sq.cronbach_alpha(survey)


# ---------------------------------------------------------------- matrix input
def test_covariance_matrix_input():
    ref = ALPHA["bfi_A_pairwise"]
    cov = np.array(ref["cov"])
    labels = [f"A{i}" for i in range(1, 6)]
    res = sq.cronbach_alpha(pd.DataFrame(cov, index=labels, columns=labels), n_obs=ref["n_obs"])
    _check_total(res, ref)
    assert_allclose([res.ci_low, res.ci_high], [ref["feldt_low"], ref["feldt_high"]], rtol=RTOL)
    items = res.items
    assert "mean" not in items.columns and "scale_mean_if_deleted" not in items.columns
    assert_allclose(items["r_drop"], ref["r_drop"], rtol=RTOL)
    assert_allclose(items["alpha_if_deleted"], ref["alpha_drop"], rtol=RTOL)
    assert list(items.index) == labels
    # correlation matrix: raw alpha of R is psych's std.alpha
    d = np.sqrt(np.diag(cov))
    r = cov / np.outer(d, d)
    res_r = sq.cronbach_alpha(r, n_obs=ref["n_obs"])
    assert_allclose(res_r.alpha, ref["std_alpha"], rtol=RTOL)
    assert res_r.nan_policy == "matrix"


def test_matrix_errors():
    cov = np.array(ALPHA["bfi_A_pairwise"]["cov"])
    with pytest.raises(sq.DataError, match="square"):
        sq.cronbach_alpha(cov[:, :4], n_obs=100)
    bad = cov.copy()
    bad[0, 1] += 0.5
    with pytest.raises(sq.DataError, match="not symmetric"):
        sq.cronbach_alpha(bad, n_obs=100)
    with pytest.raises(sq.DataError, match="bootstrap"):
        sq.cronbach_alpha(cov, n_obs=100, ci="bootstrap")
    with pytest.raises(sq.DataError, match="square"):
        sq.cronbach_alpha(cov[0], n_obs=100)
    with pytest.raises(sq.DataError, match="whole number"):
        sq.cronbach_alpha(cov, n_obs=10.5)
    with pytest.raises(sq.InsufficientDataError, match="n_obs=2"):
        sq.cronbach_alpha(cov, n_obs=2)
    with pytest.raises(sq.DataError, match="row labels"):
        sq.cronbach_alpha(pd.DataFrame(cov, columns=list("abcde")), n_obs=100)


# ---------------------------------------------------------------- bootstrap
def test_bootstrap_reproducible_and_sensible():
    x = bfi_a().iloc[:600]
    a = sq.cronbach_alpha(x, ci="bootstrap", n_boot=200, rng=1)
    b = sq.cronbach_alpha(x, ci="bootstrap", n_boot=200, rng=np.random.default_rng(1))
    c = sq.cronbach_alpha(x, ci="bootstrap", n_boot=200, rng=2)
    assert (a.ci_low, a.ci_high) == (b.ci_low, b.ci_high)
    assert (a.ci_low, a.ci_high) != (c.ci_low, c.ci_high)
    assert a.ci_low < a.alpha < a.ci_high
    feldt = sq.cronbach_alpha(x)
    # a percentile interval of 200 resamples is within a few hundredths of Feldt's
    assert abs(a.ci_low - feldt.ci_low) < 0.03 and abs(a.ci_high - feldt.ci_high) < 0.03
    with pytest.raises(sq.DataError, match="n_boot"):
        sq.cronbach_alpha(x, ci="bootstrap", n_boot=10)


# ---------------------------------------------------------------- invariance
def test_item_order_invariance():
    x = bfi_c()
    a = sq.cronbach_alpha(x)
    perm = ["C3", "C5", "C1", "C4", "C2"]
    b = sq.cronbach_alpha(x[perm])
    for f in ("alpha", "std_alpha", "lambda6", "ci_low", "ci_high", "average_r"):
        assert_allclose(getattr(a, f), getattr(b, f), rtol=1e-12)
    pd.testing.assert_frame_equal(a.items.loc[perm], b.items, rtol=1e-12)


def test_input_unchanged_and_types_agree():
    x = bfi_a().dropna()
    before = x.copy()
    res_df = sq.cronbach_alpha(x)
    sq.item_analysis(x)
    sq.split_half(x)
    pd.testing.assert_frame_equal(x, before)
    res_np = sq.cronbach_alpha(x.to_numpy())
    res_list = sq.cronbach_alpha(x.to_numpy().tolist())
    for r in (res_np, res_list):
        assert_allclose(r.to_frame().to_numpy(), res_df.to_frame().to_numpy(), rtol=1e-12)
        assert_allclose(r.items.to_numpy(), res_df.items.to_numpy(), rtol=1e-12)
    assert list(res_np.items.index) == [f"item{j}" for j in range(1, 6)]


def test_result_is_immutable_copy():
    res = sq.cronbach_alpha(bfi_a())
    items = res.items
    items.iloc[0, 0] = -99
    assert res.items.iloc[0, 0] != -99
    with pytest.raises(AttributeError):
        res.alpha = 0.5  # type: ignore[misc]
    assert "Cronbach's alpha" in repr(res)


def test_pairwise_covariance_matches_pandas():
    x = bfi_a()
    m = _alpha.data_moments(x.to_numpy(dtype=float), list(x.columns), "pairwise")
    # pandas DataFrame.cov() uses pairwise-complete observations, like R's use="pairwise"
    assert_allclose(m.cov, x.cov().to_numpy(), rtol=1e-10)
    assert_allclose(m.cov, np.array(ALPHA["bfi_A_pairwise"]["cov"]), rtol=1e-10)


def test_item_analysis_function(survey):
    ia = sq.item_analysis(survey)
    res = sq.cronbach_alpha(survey)
    pd.testing.assert_frame_equal(ia.to_frame(), res.items)
    assert "Item-total" in repr(ia)


# ---------------------------------------------------------------- degenerate input
def test_zero_variance_item_named():
    x = bfi_a().dropna().iloc[:50].copy()
    x["A3"] = 4.0
    with pytest.raises(sq.InsufficientDataError, match=r"'A3'.*zero variance"):
        sq.cronbach_alpha(x)


def test_one_item_and_few_respondents():
    x = bfi_a().dropna()
    with pytest.raises(sq.InsufficientDataError, match="at least 2 items"):
        sq.cronbach_alpha(x[["A2"]])
    with pytest.raises(sq.InsufficientDataError, match="at least 3 respondents"):
        sq.cronbach_alpha(x.iloc[:2])


def test_all_missing_column_named():
    x = bfi_a().iloc[:100].copy()
    x["A4"] = np.nan
    with pytest.raises(sq.InsufficientDataError, match=r"'A4'.*no answers"):
        sq.cronbach_alpha(x)


def test_singular_matrix_named():
    x = bfi_a().dropna().iloc[:200].copy()
    x["A6"] = x["A2"]
    with pytest.raises(sq.DataError, match=r"singular.*'A2'.*'A6'"):
        sq.cronbach_alpha(x)


def test_non_numeric_and_infinite_named():
    x = bfi_a().dropna().iloc[:50].astype(object)
    x.iloc[3, 1] = "n/a"
    with pytest.raises(sq.NonNumericError, match="'A2'"):
        sq.cronbach_alpha(x)
    y = bfi_a().dropna().iloc[:50].copy()
    y.iloc[3, 2] = np.inf
    with pytest.raises(sq.DataError, match=r"'A3'.*infinite"):
        sq.cronbach_alpha(y)


def test_bad_options():
    x = bfi_a()
    with pytest.raises(sq.DataError, match="ci="):
        sq.cronbach_alpha(x, ci="exact")  # type: ignore[arg-type]
    with pytest.raises(sq.DataError, match="nan_policy="):
        sq.cronbach_alpha(x, nan_policy="bogus")  # type: ignore[arg-type]
    with pytest.raises(sq.DataError, match="confidence_level"):
        sq.cronbach_alpha(x, confidence_level=95)
    with pytest.raises(sq.DataError, match="2-D"):
        sq.cronbach_alpha(np.arange(10.0))


def test_listwise_too_few_complete():
    x = bfi_a().iloc[:40].copy()
    x.iloc[2:, 0] = np.nan
    with pytest.raises(sq.InsufficientDataError, match="listwise"):
        sq.cronbach_alpha(x, nan_policy="listwise")


# ---------------------------------------------------------------- split halves
SPLIT_EVEN = ["bfi_A2_5", "bfi_AC", "retail_tangibles", "retail_responsiveness", "retail_assurance"]


def _split_data(case: str) -> pd.DataFrame:
    if case == "bfi_A":
        return bfi_a()
    if case == "bfi_A2_5":
        return bfi_a().iloc[:, 1:]
    if case == "bfi_AC":
        return pd.concat([bfi_a(), bfi_c()], axis=1)
    if case == "retail_overall":
        return retail_p()
    return retail_p()[DIMS[case.removeprefix("retail_")]]


@pytest.mark.parametrize("case", SPLIT_EVEN)
@pytest.mark.parametrize("standardized", [False, True])
def test_split_half_matches_psych_even(case, standardized):
    ref = SPLIT[case]["psych_cor" if standardized else "psych_cov"]
    res = sq.split_half(_split_data(case), standardized=standardized)
    assert res.exact
    # psych::splitHalf(x, covar = !standardized, check.keys = FALSE)
    assert_allclose(res.lambda4, ref["maxrb"], rtol=RTOL)
    assert_allclose(res.split_min, ref["minrb"], rtol=RTOL)
    assert_allclose(res.split_mean, ref["meanr"], rtol=RTOL)
    assert_allclose(res.lambda3, ref["alpha"], rtol=RTOL)
    assert_allclose(res.lambda2, ref["lambda2"], rtol=RTOL)
    assert_allclose(res.lambda6, ref["lambda6"], rtol=RTOL)


@pytest.mark.parametrize("case", [c for c in SPLIT if c != "retail_overall"])  # 22: sampled
@pytest.mark.parametrize("kind", ["raw", "std"])
def test_split_half_all_splits_and_lambdas(case, kind):
    ref = SPLIT[case][kind]
    res = sq.split_half(_split_data(case), standardized=kind == "std")
    row = res.to_frame().iloc[0]
    # R: every split from combn(k, k %/% 2), 4 * sum(S[A, B]) / sum(S); Spearman-Brown
    assert row["n_splits"] == ref["count"]
    for ours, theirs in [
        ("split_max", "max"),
        ("split_min", "min"),
        ("split_mean", "mean"),
        ("sb_max", "sb_max"),
        ("sb_min", "sb_min"),
        ("sb_mean", "sb_mean"),
        ("lambda1", "lambda1"),
        ("lambda2", "lambda2"),
        ("lambda3", "lambda3"),
        ("lambda5", "lambda5"),
        ("lambda6", "lambda6"),  # R: (sum(off) + sum(psych::smc(S, covar=TRUE))) / sum(S)
    ]:
        assert_allclose(row[ours], ref[theirs], rtol=RTOL, err_msg=ours)


@pytest.mark.parametrize("case", ["retail_tangibles", "retail_responsiveness", "retail_assurance"])
def test_split_half_matches_guttman_complete_data(case):
    ref = SPLIT[case]["guttman"]
    res = sq.split_half(_split_data(case), standardized=True)
    for lam in ("lambda1", "lambda2", "lambda3", "lambda4", "lambda5", "lambda6"):
        # psych::guttman(x)$lambda.1 ... lambda.6 (complete data: same correlations)
        assert_allclose(getattr(res, lam), ref[lam], rtol=RTOL, err_msg=lam)


def test_split_half_odd_items_max_matches_psych():
    # psych enumerates only half the splits for odd k, but finds the same maximum here
    res = sq.split_half(bfi_a())
    assert_allclose(res.lambda4, SPLIT["bfi_A"]["psych_cov"]["maxrb"], rtol=RTOL)


def test_split_half_sampled_22_items(survey):
    ref = SPLIT["retail_overall"]["raw"]
    res = sq.split_half(survey, level="overall", rng=3)
    assert not res.exact and res.to_frame().loc["overall", "n_splits"] == 10_000
    assert res.lambda4 <= ref["max"] + 1e-12  # a sample cannot beat the exact maximum
    assert res.lambda4 > ref["max"] - 0.01
    assert abs(res.split_mean - ref["mean"]) < 0.002  # mean of 10,000 of 352,716 splits
    for lam in ("lambda1", "lambda2", "lambda3", "lambda5", "lambda6"):
        assert_allclose(getattr(res, lam), ref[lam], rtol=RTOL)
    again = sq.split_half(survey, level="overall", rng=3)
    assert again.lambda4 == res.lambda4


def test_split_half_even_mean_is_alpha():
    x = pd.concat([bfi_a(), bfi_c()], axis=1)
    res = sq.split_half(x)
    assert_allclose(res.split_mean, sq.cronbach_alpha(x).alpha, rtol=1e-10)
    # forcing sampling at 10 items uses the rng and stays below the exact maximum
    samp = sq.split_half(x, exact_max_items=8, n_splits=500, rng=0)
    assert not samp.exact and samp.lambda4 <= res.lambda4 + 1e-12


def test_split_half_survey_dimensions(survey):
    res = sq.split_half(survey)
    tab = res.to_frame()
    assert list(tab.index) == list(DIMS)
    for dim in DIMS:
        ref = SPLIT[f"retail_{dim}"]["raw"]
        assert_allclose(tab.loc[dim, "split_max"], ref["max"], rtol=RTOL)
        assert_allclose(tab.loc[dim, "split_mean"], ref["mean"], rtol=RTOL)


def test_split_half_errors():
    x = bfi_a().dropna()
    with pytest.raises(sq.InsufficientDataError, match="at least 3 items"):
        sq.split_half(x[["A2", "A3"]])
    with pytest.raises(sq.DataError, match="n_splits"):
        sq.split_half(x, n_splits=0)


# ---------------------------------------------------------------- difference scores
def test_difference_reliability_matches_formula(survey):
    with pytest.warns(sq.ReliabilityWarning, match="'overall'"):  # the headline composite
        res = sq.difference_reliability(survey)
    tab = res.to_frame()
    assert list(tab.index) == list(DIMS)
    for dim in DIMS:
        ref = DIFF[dim]
        # R: psych::alpha(P)$total$raw_alpha, alpha(E), pairwise cov of cbind(P, E),
        # r_D = (vP aP + vE aE - 2 cPE) / (vP + vE - 2 cPE), psych::alpha(P - E)
        for ours, theirs in [
            ("alpha_p", "alpha_p"),
            ("alpha_ref", "alpha_e"),
            ("var_p", "var_p"),
            ("var_ref", "var_e"),
            ("r_p_ref", "r_pe"),
            ("r_diff", "reliability_diff"),
            ("alpha_gap", "alpha_gap"),
            ("var_gap", "var_gap"),
        ]:
            assert_allclose(tab.loc[dim, ours], ref[theirs], rtol=RTOL, err_msg=f"{dim} {ours}")
    over = DIFF["overall"]
    assert_allclose(res.r_diff, over["reliability_diff"], rtol=RTOL)
    assert_allclose(res.alpha_gap, over["alpha_gap"], rtol=RTOL)
    assert res.reference == "E"


def test_difference_reliability_warns_on_collapse(survey):
    # overall: r_diff 0.66 against component alphas of 0.94 -> more than 0.2 below
    with pytest.warns(sq.ReliabilityWarning, match="'overall'"):
        res = sq.difference_reliability(survey, level="overall")
    assert_allclose(res.r_diff, DIFF["overall"]["reliability_diff"], rtol=RTOL)


def test_difference_reliability_needs_reference():
    conformance = sq.load_example("conformance")  # reference: a per-item spec, not rated
    with pytest.raises(sq.InstrumentError, match="no reliability"):
        sq.difference_reliability(conformance)
    with pytest.raises(sq.DataError, match="needs a servqual Survey"):
        sq.difference_reliability(retail_p())  # type: ignore[arg-type]


def test_difference_reliability_other_reference():
    zot = sq.load_example("zone_of_tolerance")  # complete data
    with pytest.warns(sq.ReliabilityWarning, match="much less reliable"):
        res = sq.difference_reliability(zot, level="overall", reference="desired")
    assert res.reference == "D"
    # r_D from the components, recomputed here from the raw sum scores
    codes = [c for codes in zot.instrument.model.values() for c in codes]
    p, d = zot.ratings("P")[codes], zot.ratings("D")[codes]
    assert not p.isna().any().any() and not d.isna().any().any()
    sp, sd_ = p.sum(axis=1), d.sum(axis=1)
    a_p = sq.cronbach_alpha(p).alpha
    a_d = sq.cronbach_alpha(d).alpha
    vp, vd, c = sp.var(), sd_.var(), np.cov(sp, sd_)[0, 1]
    expected = (vp * a_p + vd * a_d - 2 * c) / (vp + vd - 2 * c)
    assert_allclose(res.r_diff, expected, rtol=1e-10)
    assert_allclose(res.alpha_gap, sq.cronbach_alpha(p - d).alpha, rtol=1e-10)


# ---------------------------------------------------------------- large-n fast path
@pytest.mark.parametrize("order", ["C", "F"])
def test_complete_fast_path_matches_numpy(order):
    rng = np.random.default_rng(7)
    n, k = 140_000, 6  # more than two row blocks of the chunked cross-product
    f = rng.normal(size=(n, 1))
    x = np.asarray(3.0 + f + rng.normal(size=(n, k)), order=order)
    c = np.cov(x, rowvar=False)
    expected = k / (k - 1) * (1 - np.trace(c) / c.sum())
    res = sq.cronbach_alpha(x)
    assert_allclose(res.alpha, expected, rtol=1e-10)
    assert_allclose(res.items["sd"], np.sqrt(np.diag(c)), rtol=1e-10)
    assert_allclose(_alpha.centred_crossproduct(x, x.mean(axis=0), chunk=999), c * (n - 1))


def test_two_item_scale_and_lone_answer():
    x = bfi_a().dropna()[["A2", "A3"]]
    res = sq.cronbach_alpha(x)
    # two items: alpha = 2 (1 - tr C / 1'C1)
    c = x.cov().to_numpy()
    assert_allclose(res.alpha, 2 * (1 - np.trace(c) / c.sum()), rtol=RTOL)
    assert res.items["alpha_if_deleted"].isna().all()  # one item left: undefined
    y = bfi_a().iloc[:30].copy()
    y.iloc[1:, 2] = np.nan
    with pytest.raises(sq.InsufficientDataError, match=r"'A3'.*fewer than 2 answers"):
        sq.cronbach_alpha(y)


def test_survey_other_scores_and_errors(survey):
    exp = sq.cronbach_alpha(survey, score="expectation", level="overall")
    assert_allclose(exp.alpha, DIFF["overall"]["alpha_e"], rtol=RTOL)  # psych::alpha(E)
    with pytest.raises(sq.DataError, match="level="):
        sq.cronbach_alpha(survey, level="item")  # type: ignore[arg-type]
    with pytest.raises(sq.DataError, match="n_obs"):
        sq.cronbach_alpha(survey, n_obs=10)


def test_pairwise_chunks_match_pandas():
    rng = np.random.default_rng(11)
    n, k = 140_000, 5  # several row blocks
    x = 4.0 + rng.normal(size=(n, 1)) + rng.normal(size=(n, k))
    x[rng.random(x.shape) < 0.05] = np.nan
    x[:7] = np.nan  # respondents without any answer are not counted
    frame = pd.DataFrame(x, columns=list("abcde"))
    m = _alpha.data_moments(x, list("abcde"), "pairwise")
    assert m.n == n - 7
    assert_allclose(m.cov, frame.cov().to_numpy(), rtol=1e-9)  # pandas: pairwise complete
    total = frame.mean(axis=1)  # mean of answered items, as psych's rowMeans(na.rm=TRUE)
    expected = [total.corr(frame[c]) for c in frame.columns]  # pairwise-complete Pearson
    assert_allclose(m.raw_r, expected, rtol=1e-9)


# ---------------------------------------------------------------- review: more R references
MORE = json.loads((REF / "reliability_more.json").read_text())  # make_reliability_more.R


def _check_scale(row: pd.Series, ref: dict, conf: float = 0.95) -> None:
    assert_allclose(row["alpha"], ref["raw_alpha"], rtol=RTOL)  # psych::alpha(x)$total$raw_alpha
    assert_allclose(row["std_alpha"], ref["std_alpha"], rtol=RTOL)  # $total$std.alpha
    assert_allclose(row["lambda6"], ref["G6"], rtol=RTOL)  # $total$`G6(smc)`
    assert_allclose(row["average_r"], ref["average_r"], rtol=RTOL)  # $total$average_r
    assert_allclose(row["se"], ref["ase"], rtol=RTOL)  # $total$ase
    key = "feldt" if conf == 0.95 else "feldt90"  # psych::alpha.ci(a, n.obs, n.var, p.val)
    assert_allclose(
        [row["ci_low"], row["ci_high"]], [ref[f"{key}_low"], ref[f"{key}_high"]], rtol=RTOL
    )
    assert row["n"] == ref["n_obs"] and row["n_items"] == ref["n_items"]


@pytest.mark.parametrize(
    ("example", "score", "case"),
    [
        ("retail_bank", "gap", "retail_gap"),
        ("retail_bank", "expectation", "retail_expectation"),
        ("zone_of_tolerance", "perception", "zot_perception"),  # 9-point scale
        ("zone_of_tolerance", "msa", "zot_msa"),  # P - A
    ],
)
@pytest.mark.parametrize("conf", [0.95, 0.90])
def test_alpha_survey_scores_match_psych(example, score, case, conf):
    survey = sq.load_example(example)
    ref = MORE[case]
    res = sq.cronbach_alpha(survey, score=score, confidence_level=conf)
    tab = res.to_frame()
    for dim, codes in DIMS.items():
        _check_scale(tab.loc[dim], ref[dim], conf)
        # $item.stats$r.drop and $alpha.drop$raw_alpha within the dimension
        assert_allclose(res.items.loc[codes, "r_drop"], ref[dim]["r_drop"], rtol=RTOL)
        assert_allclose(res.items.loc[codes, "alpha_if_deleted"], ref[dim]["alpha_drop"], rtol=RTOL)
    over = sq.cronbach_alpha(survey, score=score, level="overall", confidence_level=conf)
    _check_scale(over.to_frame().loc["overall"], ref["overall"], conf)
    assert_allclose(over.items["r_drop"], ref["overall"]["r_drop"], rtol=RTOL)
    # the headline of the by-dimension result is the same overall scale
    assert_allclose([res.alpha, res.ci_low, res.ci_high], [over.alpha, over.ci_low, over.ci_high])


def _reverse_keyed_survey() -> sq.Survey:
    from servqual.instruments import Instrument

    inst = Instrument.from_dict(
        {
            "name": "bfi A/C",
            "ratings": ["P"],
            "perspective": "performance",
            "scale": {"low": 1, "high": 6},
            "dimensions": [
                {
                    "name": "agree",
                    "items": [{"code": f"A{i}", "reverse": i == 1} for i in range(1, 6)],
                },
                {
                    "name": "consc",
                    "items": [{"code": f"C{i}", "reverse": i in (4, 5)} for i in range(1, 6)],
                },
            ],
        }
    )
    raw = _bfi()
    df = pd.DataFrame({f"P{j + 1}": raw[c] for j, c in enumerate(raw.columns)})
    return sq.Survey(df, inst)


@pytest.mark.parametrize("policy", ["pairwise", "listwise"])
def test_reverse_keyed_instrument_matches_psych_keys(policy):
    # an instrument with reverse=True items gives psych::alpha(x, keys = c(-1, 1, 1, 1, 1))
    # (A) and keys = c(1, 1, 1, -1, -1) (C): the Survey recodes low + high - x = 7 - x
    survey = _reverse_keyed_survey()
    with warnings.catch_warnings():
        warnings.simplefilter("error", sq.ReliabilityWarning)  # no "reverse-keyed?" warning
        res = sq.cronbach_alpha(survey, nan_policy=policy)
    for dim, scale in [("agree", "A"), ("consc", "C")]:
        ref = ALPHA[f"bfi_{scale}_{policy}"]
        _check_total(res, ref, row=dim)
        codes = [f"{scale}{i}" for i in range(1, 6)]
        _check_items(res.items.loc[codes], ref, listwise=policy == "listwise")


def test_single_item_dimension_is_skipped_with_warning():
    conformance = sq.load_example("conformance")  # 'premises', 'complaints': one item each
    with pytest.warns(sq.ReliabilityWarning, match=r"'premises', 'complaints'.*fewer than 2"):
        res = sq.cronbach_alpha(conformance)
    assert list(res.to_frame().index) == ["information", "after_sales", "staff"]
    p = conformance.ratings("P")
    for dim in ["information", "after_sales", "staff"]:
        codes = conformance.instrument.model[dim]
        assert_allclose(res.to_frame().loc[dim, "alpha"], sq.cronbach_alpha(p[codes]).alpha)
    # the headline is still the overall scale of all 8 items
    assert res.n_items == 8 and "overall alpha" in repr(res)
    assert_allclose(res.alpha, sq.cronbach_alpha(p).alpha, rtol=1e-12)
    with pytest.raises(sq.InsufficientDataError, match="fewer than 3 items"):
        sq.split_half(conformance)


@pytest.mark.parametrize(("reference", "case"), [("A", "zot_diff_msa"), ("D", "zot_diff_mss")])
def test_difference_reliability_three_column_matches_r(reference, case):
    # three-column instrument: MSA = P - A and MSS = P - D; Johns (1981) r_D on R's
    # cov(cbind(P, R)) and psych::alpha of each part (make_reliability_more.R)
    zot = sq.load_example("zone_of_tolerance")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.ReliabilityWarning)
        res = sq.difference_reliability(zot, reference=reference)
    tab = res.to_frame()
    ref = MORE[case]
    cols = ["alpha_p", "alpha_ref", "var_p", "var_ref", "r_p_ref", "r_diff", "alpha_gap"]
    for dim in DIMS:
        assert_allclose(tab.loc[dim, cols].to_numpy(float), [ref[dim][c] for c in cols], rtol=RTOL)
    assert_allclose(
        [res.r_diff, res.alpha_gap, res.alpha_p, res.alpha_ref, res.r_p_ref],
        [ref["overall"][c] for c in ["r_diff", "alpha_gap", "alpha_p", "alpha_ref", "r_p_ref"]],
        rtol=RTOL,
    )
    assert res.reference == reference
    # alpha_gap is the alpha of the item-level MSA / MSS scores
    score = "msa" if reference == "A" else "mss"
    assert_allclose(tab["alpha_gap"], sq.cronbach_alpha(zot, score=score).to_frame()["alpha"])


def test_difference_reliability_warns_on_weak_headline(survey):
    # by dimension, the headline is the overall composite (r_diff 0.66 vs alphas 0.94)
    with pytest.warns(sq.ReliabilityWarning, match="'overall'"):
        res = sq.difference_reliability(survey)
    assert_allclose(res.r_diff, DIFF["overall"]["reliability_diff"], rtol=RTOL)


def test_nan_policy_raise_names_rows(survey):
    with pytest.raises(sq.DataError, match=r"'REL2', 'EMP4': rows 107, 120, 160"):
        sq.cronbach_alpha(survey, nan_policy="raise")
    with pytest.raises(sq.DataError, match=r"rows 107, 120, 160"):
        sq.cronbach_alpha(survey.item_scores("perception"), nan_policy="raise")
    with pytest.raises(sq.DataError, match=r"'P:REL2'"):
        sq.difference_reliability(survey, nan_policy="raise")
    with pytest.raises(sq.DataError, match="nan_policy='raise'"):
        sq.split_half(survey, nan_policy="raise")
    # complete data: the same figures as the other policies
    zot = sq.load_example("zone_of_tolerance")
    raised = sq.cronbach_alpha(zot, nan_policy="raise").to_frame()
    pd.testing.assert_frame_equal(raised, sq.cronbach_alpha(zot).to_frame())


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"ci": "bootstrap", "n_boot": "abc"}, "n_boot"),
        ({"ci": "bootstrap", "n_boot": None}, "n_boot"),
        ({"ci": "bootstrap", "n_boot": 50}, "n_boot"),
    ],
)
def test_bad_option_types_are_servqual_errors(kwargs, match):
    with pytest.raises(sq.DataError, match=match):
        sq.cronbach_alpha(bfi_a(), **kwargs)


def test_bad_split_options_and_score_type(survey):
    with pytest.raises(sq.DataError, match="exact_max_items"):
        sq.split_half(bfi_a(), exact_max_items="x")
    with pytest.raises(sq.DataError, match="n_splits"):
        sq.split_half(bfi_a(), n_splits=None)
    with pytest.raises(sq.DataError, match="score must be"):
        sq.cronbach_alpha(survey, score=3)  # type: ignore[arg-type]
    # a float that is a whole number is accepted
    res = sq.cronbach_alpha(bfi_a().dropna().iloc[:200], ci="bootstrap", n_boot=100.0, rng=1)
    assert res.ci_low < res.alpha < res.ci_high


@pytest.mark.parametrize("conf", [0.95, 0.90])
def test_bootstrap_percentiles_by_hand(conf):
    # percentile bootstrap written out: resample rows with the same generator stream,
    # alpha = k/(k-1) (1 - tr C / 1'C1) from numpy.cov, then the (1 -/+ conf)/2 quantiles
    x = bfi_a().dropna().iloc[:300].to_numpy()
    n, k = x.shape
    gen = np.random.default_rng(42)
    alphas = []
    for _ in range(150):
        c = np.cov(x[gen.integers(0, n, size=n)], rowvar=False)
        alphas.append(k / (k - 1) * (1 - np.trace(c) / c.sum()))
    a = 1 - conf
    expected = np.quantile(alphas, [a / 2, 1 - a / 2])
    res = sq.cronbach_alpha(x, ci="bootstrap", n_boot=150, rng=42, confidence_level=conf)
    assert_allclose([res.ci_low, res.ci_high], expected, rtol=1e-10)
