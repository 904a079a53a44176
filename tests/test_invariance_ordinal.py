"""Tests for the Satorra (2000) scaled-shifted difference test of nested WLSMV fits
(``sq.lrt``) and ``sq.measurement_invariance(estimator="wlsmv")`` against lavaan 0.6-14
(tests/reference/make_invariance_ordinal.R → invariance_ordinal_reference.json).

Data: HolzingerSwineford1939 x1-x9 cut into 4 categories, by school
(wlsmv_groups_hs_data.csv), and the retail_bank perceptions TAN1-4, REL1-5 recoded to 3
categories, by branch (wlsmv_groups_bank_data.csv; 3 groups), both written by
make_wlsmv_groups.R; and the HS items in one group.

R calls (per data set; configural: group.equal = "", scalar: c("thresholds",
"loadings"), means: c("thresholds", "loadings", "means")):
    fit <- cfa(model, data, ordered = TRUE, group = group, group.equal = ge)
    lavTestLRT(fit_configural, fit_scalar, fit_means)
    lavaan:::lav_test_diff_Satorra2000(fit_a, fit_b, A.method = "delta",
                                       scaled.shifted = TRUE)   # a, b

Tolerance: 1e-5 relative to max(1, |value|) on the difference statistics, a, b, the
p-values and the fit measures (reached: |Δ chisq_diff| ≤ 3.6e-5 on 36.35, i.e. 1e-6
relative; both engines are iterative, lavaan stops its optimizer at a relative change
of about 1e-10); degrees of freedom, decisions and the established level exactly.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import servqual as sq

REF_DIR = Path(__file__).parent / "reference"
REF = json.loads((REF_DIR / "invariance_ordinal_reference.json").read_text())
TOL = 1e-5
SETS = {
    "hs": ("school", "wlsmv_groups_hs_data.csv"),
    "bank": ("branch", "wlsmv_groups_bank_data.csv"),
}
EQUAL = {
    "configural": [],
    "scalar": ["thresholds", "loadings"],
    "means": ["thresholds", "loadings", "means"],
}


def close(a: float, b: float, tol: float = TOL) -> bool:
    return bool(abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b))))


def _data(name: str) -> pd.DataFrame:
    return pd.read_csv(REF_DIR / SETS[name][1])


@pytest.fixture(scope="module", params=list(SETS))
def fitted(request: Any) -> tuple[str, pd.DataFrame, dict[str, Any]]:
    name = request.param
    data = _data(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.ServqualWarning)  # sparse categories (bank)
        fits = {
            step: sq.sem(
                data, REF[name]["model"], ordered=True, group=SETS[name][0], group_equal=ge
            )
            for step, ge in EQUAL.items()
        }
    return name, data, fits


def test_lrt_of_three_nested_models_matches_lavTestLRT(fitted: Any) -> None:
    name, _, fits = fitted
    ref = REF[name]["lrt"]  # as.data.frame(lavTestLRT(configural, scalar, means))
    res = sq.lrt(*fits.values(), names=list(fits))
    assert res.method == "satorra.2000" and res.estimator == "wlsmv"
    assert "Satorra 2000" in res.header
    table = res.to_frame()
    assert list(table.index) == ["configural", "scalar", "means"]
    assert table["df"].tolist() == ref["Df"]
    assert table["aic"].isna().all() and table["bic"].isna().all()  # lavaan: NA
    for k in range(3):
        assert close(table["chisq"].iloc[k], ref["Chisq"][k])
    assert np.isnan(table["chisq_diff"].iloc[0])
    for k in (1, 2):
        assert close(table["chisq_diff"].iloc[k], ref["Chisq diff"][k])
        assert table["df_diff"].iloc[k] == ref["Df diff"][k]
        assert close(table["p_value"].iloc[k], ref["Pr(>Chisq)"][k])


def test_pairwise_a_and_b_match_lavaan(fitted: Any) -> None:
    name, _, fits = fitted
    for pair, ref in REF[name]["pairs"].items():
        less, more = pair.split("_")
        # given in either order: sorted by df as lavTestLRT
        table = sq.lrt(fits[more], fits[less], names=[more, less]).to_frame()
        assert list(table.index) == [less, more]
        row = table.loc[more]
        assert close(row["chisq_diff"], ref["T_delta"])  # T.delta = a (T0 - T1) + b
        assert close(1.0 / row["scaling_factor"], ref["a"])
        assert close(row["shift"], ref["b"])
        assert close(row["p_value"], ref["lrt"]["Pr(>Chisq)"])


def test_single_group_lrt_matches_lavaan() -> None:
    ref = REF["hs_single"]  # lavTestLRT(cfa(hs_model, hs4, ordered=TRUE), cfa(hs_equal, ...))
    data = _data("hs").drop(columns="school")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.ServqualWarning)  # empty cells, as lavaan
        free = sq.sem(data, ref["model"], ordered=True)
        equal = sq.sem(data, ref["model_equal"], ordered=True)
    row = sq.lrt(free, equal).to_frame().iloc[1]
    assert row["df"] == ref["lrt"]["Df"][1] and row["df_diff"] == ref["lrt"]["Df diff"][1]
    assert close(row["chisq_diff"], ref["lrt"]["Chisq diff"][1])
    assert close(row["p_value"], ref["lrt"]["Pr(>Chisq)"][1])
    assert close(1.0 / row["scaling_factor"], ref["a"])
    assert close(row["shift"], ref["b"])


def test_lrt_methods_that_do_not_apply_are_refused(fitted: Any) -> None:
    _, _, fits = fitted
    with pytest.raises(sq.DataError, match=r"satorra\.2000"):
        sq.lrt(fits["configural"], fits["scalar"], method="standard")
    with pytest.raises(sq.DataError, match=r"satorra\.2000"):
        sq.lrt(fits["configural"], fits["scalar"], method="satorra.bentler.2001")


def test_satorra_2000_is_refused_for_ml_fits() -> None:
    hs = pd.read_csv(REF_DIR / "invariance_hs_data.csv")
    model = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
    conf = sq.sem(hs, model, group="school")
    metric = sq.sem(hs, model, group="school", group_equal="loadings")
    with pytest.raises(sq.DataError, match=r"satorra.2000.*'ml'.*method='standard'"):
        sq.lrt(conf, metric, method="satorra.2000")


def test_wlsmv_and_ml_fits_are_not_compared(fitted: Any) -> None:
    name, data, fits = fitted
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ml = sq.sem(data, REF[name]["model"], group=SETS[name][0], group_equal="loadings")
    with pytest.raises(sq.DataError, match="same estimator"):
        sq.lrt(fits["configural"], ml)


def _invariance(name: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.ServqualWarning)
        return sq.measurement_invariance(
            _data(name), REF[name]["model"], group=SETS[name][0], estimator="wlsmv"
        )


@pytest.mark.parametrize("name", list(SETS))
def test_ordinal_sequence_matches_lavaan(name: str) -> None:
    ref = REF[name]
    res = _invariance(name)
    table = res.to_frame()
    assert list(table.index) == ["configural", "scalar"]
    assert res.estimator == "wlsmv"
    for step in table.index:
        fm = ref["fit"][step]  # fitMeasures(fit)
        row = table.loc[step]
        assert row["df"] == fm["df"] and row["npar"] == fm["npar"]
        for ours, theirs in [
            ("chisq", "chisq"),
            ("chisq_scaled", "chisq.scaled"),
            ("pvalue_scaled", "pvalue.scaled"),
            ("cfi_scaled", "cfi.scaled"),
            ("tli_scaled", "tli.scaled"),
            ("rmsea_scaled", "rmsea.scaled"),
            ("srmr", "srmr"),
        ]:
            assert close(row[ours], fm[theirs]), (step, ours, row[ours], fm[theirs])
    scalar = table.loc["scalar"]
    assert scalar["reference"] == "configural"
    assert close(scalar["chisq_diff"], ref["lrt"]["Chisq diff"][1])
    assert scalar["df_diff"] == ref["lrt"]["Df diff"][1]
    d_cfi = ref["fit"]["scalar"]["cfi.scaled"] - ref["fit"]["configural"]["cfi.scaled"]
    d_rmsea = ref["fit"]["scalar"]["rmsea.scaled"] - ref["fit"]["configural"]["rmsea.scaled"]
    assert close(scalar["delta_cfi"], d_cfi) and close(scalar["delta_rmsea"], d_rmsea)
    # the decision: ΔCFI > -0.01 and ΔRMSEA < 0.015 on the scaled measures
    holds = d_cfi > -0.01 and d_rmsea < 0.015
    assert scalar["decision"] == ("holds" if holds else "fails")
    assert res.established == ("scalar" if holds else "configural")
    assert "scaled CFI/RMSEA" in res.rule
    assert res.releases is None and res.freed == ()  # no partial search for WLSMV


def test_verdicts_say_what_the_ordinal_steps_license() -> None:
    hs = _invariance("hs")  # ΔCFI -0.032: thresholds and loadings differ by school
    assert hs.established == "configural" and not hs.scalar_established
    assert "neither relationships nor means" in hs.verdict
    bank = _invariance("bank")
    assert bank.established == "scalar" and bank.scalar_established
    assert "thresholds and loadings are equal" in bank.verdict
    assert "latent means" in bank.verdict


def test_ordinal_steps_can_be_restricted_but_not_extended() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.ServqualWarning)
        res = sq.measurement_invariance(
            _data("bank"), REF["bank"]["model"], group="branch", estimator="wlsmv",
            steps=["configural"],
        )  # fmt: skip
    assert list(res.to_frame().index) == ["configural"]
    with pytest.raises(sq.DataError, match="strict"):
        sq.measurement_invariance(
            _data("bank"), REF["bank"]["model"], group="branch", estimator="wlsmv",
            steps=["configural", "scalar", "strict"],
        )  # fmt: skip


def test_caller_frame_is_not_mutated() -> None:
    data = _data("bank")
    before = data.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.ServqualWarning)
        sq.measurement_invariance(
            data, REF["bank"]["model"], group="branch", estimator="wlsmv", steps=["configural"]
        )
    pd.testing.assert_frame_equal(data, before)


def test_plot_draws_the_scaled_cfi() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = sq.plot_invariance(_invariance("bank"))
    assert "CFI SCALED" in ax.get_ylabel()
    plt.close(ax.figure)
