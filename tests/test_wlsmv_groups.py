"""Multi-group WLSMV (``sem``/``cfa`` with ``ordered=`` and ``group=``) against lavaan
0.6-14's ``cfa(model, data, ordered = TRUE, group = g, group.equal = ..., group.partial =
...)`` (tests/reference/make_wlsmv_groups.R → wlsmv_groups_reference.json).

Cases: HolzingerSwineford1939 x1-x9 cut into 4 categories, by school (2 groups):
configural; equal thresholds; thresholds + loadings (marker and std.lv); thresholds +
loadings + intercepts + means; loadings only; thresholds + loadings with the partial
exceptions ``x3|t1`` and ``visual=~x2``; equal thresholds with labelled loadings and a
defined parameter ``ab := a*b``. The retail_bank perceptions TAN1-4 and REL1-5 recoded to
3 categories, by branch (3 groups): configural; thresholds + loadings; and + lv.variances.

Tolerances. lavaan stops its optimiser (nlminb) at a relative change of ~1e-10 in the
objective, servqual's Gauss–Newton at a gradient of 1e-13; the estimates then agree to
≤ 1.9e-5 (SEs ≤ 6.5e-6): 5e-5 is asserted. Fit measures 1e-6 · max(1, |value|) (the
chi-squares agree to ~1e-7 relative, the baseline ones to ~3e-8).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import servqual as sq
from servqual.exceptions import DataError, InstrumentError, InsufficientDataError
from servqual.models.dwls_groups import WLSMV_GROUP_FIT_NAMES

REF_DIR = Path(__file__).parent / "reference"
REF = json.loads((REF_DIR / "wlsmv_groups_reference.json").read_text())
CASES = list(REF)
TOL = 5e-5


def _data(case: str) -> pd.DataFrame:
    name = "wlsmv_groups_hs_data.csv" if case.startswith("hs") else "wlsmv_groups_bank_data.csv"
    return pd.read_csv(REF_DIR / name)


_FITS: dict[str, sq.SEMResult] = {}


def _fit(case: str) -> sq.SEMResult:
    if case not in _FITS:
        r = REF[case]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # sparse categories in the bank groups
            _FITS[case] = sq.sem(
                _data(case),
                r["model"],
                ordered=True,
                group=r["group"],
                group_equal=r["group_equal"],
                group_partial=r["group_partial"],
                std_lv=r["std_lv"],
            )
    return _FITS[case]


def _aligned(case: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    r = REF[case]
    pe = pd.DataFrame(r["pe"])
    groups = ["", *r["groups"]]
    keys = pe["lhs"] + pe["op"] + pe["rhs"] + "|" + [groups[g] for g in pe["group"]]
    t = _fit(case).to_frame()
    t = t.set_axis(t["lhs"] + t["op"] + t["rhs"] + "|" + t["group"])
    assert sorted(t.index) == sorted(keys)  # the same rows: thresholds, ~*~, ~1, :=
    return t.loc[keys.to_numpy()], pe


@pytest.mark.parametrize("case", CASES)
def test_parameter_estimates_match_lavaan(case):
    # parameterEstimates(fit, standardized = TRUE): est, se, std.lv, std.all of all rows
    t, pe = _aligned(case)
    for col, ref_col in [
        ("est", "est"),
        ("se", "se"),
        ("std_lv", "std_lv"),
        ("std_all", "std_all"),
    ]:
        np.testing.assert_allclose(
            t[col].to_numpy(float), pe[ref_col].to_numpy(float), atol=TOL, err_msg=col
        )


@pytest.mark.parametrize("case", CASES)
def test_free_parameters_follow_lavaans_rules(case):
    # parTable(fit)$free > 0: thresholds equal → ~*~ and latent means free in groups 2..G;
    # std.lv with equal loadings → latent variances free in groups 2..G
    t, pe = _aligned(case)
    is_defined = (pe["op"] == ":=").to_numpy()
    np.testing.assert_array_equal(
        t["free"].to_numpy(bool)[~is_defined], pe["free"].to_numpy(bool)[~is_defined]
    )
    assert _fit(case).npar == REF[case]["fit"]["npar"]


@pytest.mark.parametrize("case", CASES)
def test_fit_measures_match_lavaan(case):
    # fitMeasures(fit): the scaled-shifted test, baseline, CFI/TLI/RMSEA (scaled and, for
    # hs_configural and hs_loadings, robust: NA in lavaan for the other cases), SRMR, WRMR
    fm = _fit(case).fit_measures()
    ref = REF[case]["fit"]
    checked = 0
    for name in WLSMV_GROUP_FIT_NAMES:
        value = ref.get(name.replace("_", "."))
        if value is None:
            if name.endswith("_robust"):  # lavaan's NA: the catML refit is not possible
                assert np.isnan(fm[name]), name
            continue
        assert fm[name] == pytest.approx(value, abs=1e-6 * max(1.0, abs(value))), name
        checked += 1
    assert checked >= 33
    # lavInspect(fit, "test")$scaled.shifted$shift.parameter (and the baseline's)
    shift = REF[case]["shift"]
    assert fm["chisq_shift_parameters"] == pytest.approx(shift, abs=1e-6 * max(1.0, shift))
    shift_b = REF[case]["shift_baseline"]
    assert fm["baseline_chisq_shift_parameters"] == pytest.approx(shift_b, rel=1e-6)


@pytest.mark.parametrize("case", ["hs_thr_load", "bank_thr_load"])
def test_group_chisq_match_lavaan(case):
    # lavInspect(fit, "test")$standard$stat.group
    gf = _fit(case).group_fit_measures()
    # the split over groups depends on the estimates: ~1.5e-6 relative
    np.testing.assert_allclose(gf["chisq"], REF[case]["stat_group"], rtol=5e-6)
    assert gf["n"].tolist() == [REF[case]["n"][k] for k in range(len(gf))]
    assert gf["chisq"].sum() == pytest.approx(_fit(case).fit_measures()["chisq"])


def test_result_layout():
    fit = _fit("bank_thr_load")
    assert fit.groups == ("north", "south", "centre")  # lavaan: order of appearance
    assert fit.n_per_group == (82, 53, 76)  # complete rows on TAN1-4, REL1-5
    assert list(fit.n_per_group) == [REF["bank_thr_load"]["n"][k] for k in range(3)]
    # lavaan adds "intercepts" to equal thresholds with ordered data (lav_options_set)
    assert fit.group == "branch"
    assert fit.group_equal == ("thresholds", "loadings", "intercepts")
    assert fit.estimator == "wlsmv" and fit.se_type == "robust"
    t = fit.to_frame()
    assert set(t["group"]) == {"north", "south", "centre"}
    th = t[t["op"] == "|"]
    assert len(th) == 3 * 9 * 2
    # equal thresholds share one estimate and one lavaan label
    tan1 = th[(th["lhs"] == "TAN1") & (th["rhs"] == "t1")]
    assert tan1["est"].nunique() == 1 and tan1["label"].nunique() == 1
    assert fit.sample_thresholds.index.names == ["group", "threshold"]
    assert fit.sample_cov.loc["south"].shape == (9, 9)
    gam = fit.gamma
    assert gam.loc["south"].shape == (18 + 36, 18 + 36)
    assert list(gam.columns[:2]) == ["TAN1|t1", "TAN1|t2"] and gam.columns[18] == "TAN1~~TAN2"
    assert np.all(np.diag(gam.loc["north"].to_numpy()) > 0)
    assert "3 groups by branch" in fit.header
    assert "Group 2 [south]" in fit.summary()


def test_cfa_routes_to_the_same_fit():
    r = REF["hs_thr_load"]
    data = _data("hs_thr_load")
    before = data.copy()
    fit = sq.cfa(
        data,
        r["model"],
        ordered=True,
        group="school",
        group_equal=["thresholds", "loadings"],
        std_lv=False,
    )
    pd.testing.assert_frame_equal(data, before)  # the caller's frame is not touched
    np.testing.assert_allclose(fit.to_frame()["est"], _fit("hs_thr_load").to_frame()["est"])


def test_score_tests_refused_and_plot_one_group():
    fit = _fit("hs_thr_load")
    with pytest.raises(DataError, match="not available for a WLSMV fit"):
        sq.score_tests(fit)
    with pytest.raises(DataError, match="group"):
        sq.modification_indices(fit)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    try:
        drawn = sq.plot_sem(fit, group="Grant-White", ax=ax)
        assert sum(type(p).__name__ == "Ellipse" for p in drawn.patches) == 3
    finally:
        plt.close(fig)


def test_defined_parameter_delta_method():
    # ab := a*b with a, b loadings equal across groups (labels): lavaan's est and se
    t, pe = _aligned("hs_defined")
    row = t[t["op"] == ":="]
    assert row["est"].iat[0] == pytest.approx(0.330749, abs=TOL)
    assert row["se"].iat[0] == pytest.approx(pe.loc[pe["op"] == ":=", "se"].iat[0], abs=TOL)


def test_equal_intercepts_imply_equal_thresholds():
    # lavaan 0.6-14: cfa(..., ordered = TRUE, group = "school", group.equal = "intercepts")
    # is the group.equal = "thresholds" model (npar 63, chisq 109.632, df 63)
    r = REF["hs_thresholds"]
    fit = sq.sem(_data("hs_thresholds"), r["model"], ordered=True, group="school",
                 group_equal="intercepts")  # fmt: skip
    assert fit.group_equal == ("intercepts", "thresholds")
    fm = fit.fit_measures()
    assert fm["npar"] == r["fit"]["npar"] == 63
    assert fm["chisq"] == pytest.approx(r["fit"]["chisq"], rel=1e-6)
    assert fm["chisq_scaled"] == pytest.approx(r["fit"]["chisq.scaled"], rel=1e-6)


# --- bad input -----------------------------------------------------------------------------
def test_category_empty_in_a_group_is_named():
    # lavaan: "some categories of variable `TAN1' are empty in group 2"
    raw = pd.read_csv(REF_DIR / "sem_groups_bank_data.csv")
    with pytest.raises(DataError, match=r"'TAN1'.*category '?2'?.*group south of 'branch'"):
        sq.sem(raw, "tan =~ TAN1 + TAN2 + TAN3 + TAN4", ordered=True, group="branch")


def test_category_observed_in_one_group_only():
    data = _data("hs_configural")
    data.loc[data.index[:3], "x2"] = 5  # a fifth category, only in Pasteur (first rows)
    with pytest.raises(DataError, match=r"'x2'.*category 5.*group Grant-White.*Pasteur: 3"):
        sq.sem(data, REF["hs_configural"]["model"], ordered=True, group="school")


def test_constant_item_in_a_group():
    data = _data("hs_configural")
    data.loc[data["school"] == "Pasteur", "x4"] = 2
    with pytest.raises(DataError, match=r"'x4'.*group Pasteur"):
        sq.sem(data, REF["hs_configural"]["model"], ordered=True, group="school")


def test_bad_group_options():
    data = _data("hs_configural")
    model = REF["hs_configural"]["model"]
    with pytest.raises(DataError, match="did you mean 'thresholds'"):
        sq.sem(data, model, ordered=True, group="school", group_equal=["treshold"])
    with pytest.raises(InstrumentError, match="group_partial: 'x3\\|t9'"):
        sq.sem(
            data,
            model,
            ordered=True,
            group="school",
            group_equal="thresholds",
            group_partial=["x3|t9"],
        )
    with pytest.raises(InstrumentError, match="every observed model variable ordinal"):
        sq.sem(data, model, ordered=["x1", "x2"], group="school")
    tiny = pd.concat([data[data["school"] == "Pasteur"], data[data["school"] != "Pasteur"][:1]])
    with pytest.raises(InsufficientDataError, match="Group Grant-White"):
        sq.sem(tiny, model, ordered=True, group="school")
