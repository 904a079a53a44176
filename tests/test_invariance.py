"""Tests for servqual.measurement_invariance and servqual.lrt against lavaan 0.6-14
(tests/reference/make_invariance.R → invariance_reference.json).

Data: HolzingerSwineford1939 by school (invariance_hs_data.csv), the bundled
retail_bank survey's perceptions by branch after listwise deletion
(invariance_bank_data.csv; 3 segments) and a simulated data set with two non-invariant
intercepts in one of three groups (invariance_sim_data.csv), each with ML and MLR.
The R script runs the same sequence and decision rule with ``cfa(group =,
group.equal =, group.partial =)``, ``lavTestLRT`` and ``lavTestScore``.

Tolerance: fit measures, difference tests and score tests within 1e-4 (relative to
max(1, |value|); ML is iterative, lavaan stops at a relative change of 1e-10 in F);
degrees of freedom, decisions, the established level and the released parameters exactly.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import servqual as sq

REF_DIR = Path(__file__).parent / "reference"
REF = json.loads((REF_DIR / "invariance_reference.json").read_text())
TOL = 1e-4


def close(a: float, b: float, tol: float = TOL) -> bool:
    return bool(abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b))))


def _data(name: str) -> pd.DataFrame:
    return pd.read_csv(REF_DIR / name)


# ----------------------------------------------------------------------------- lrt


@pytest.mark.parametrize("est", ["ml", "mlr"])
def test_lrt_single_group_matches_lavtestlrt(est: str) -> None:
    # R: lavTestLRT(sem(free), sem(equal), sem(orthogonal)) on HS x1..x9
    ref = REF[f"lrt_single_hs_{est}"]
    hs = _data("invariance_hs_data.csv")
    fits = [sq.sem(hs, ref["models"][k], estimator=est) for k in ("orthogonal", "free", "equal")]
    res = sq.lrt(*fits, names=["orthogonal", "free", "equal"])
    table = res.to_frame()
    assert list(table.index) == ref["names"]  # sorted by df
    assert res.method == ("satorra.bentler.2001" if est == "mlr" else "standard")
    for col in ("df", "aic", "bic", "chisq", "chisq_diff", "df_diff", "p_value"):
        for got, want in zip(table[col], ref[col], strict=True):
            if want is None:
                assert np.isnan(got)
            else:
                assert close(got, want), (col, got, want)
    assert "nested models" in res.header


def test_lrt_standard_on_mlr_fits_is_the_unscaled_difference() -> None:
    ref = REF["lrt_single_hs_ml"]
    hs = _data("invariance_hs_data.csv")
    fits = [sq.sem(hs, ref["models"][k], estimator="mlr") for k in ("free", "equal")]
    table = sq.lrt(*fits, method="standard").to_frame()
    assert close(table["chisq_diff"].iloc[1], ref["chisq_diff"][1])


def test_lrt_bad_input() -> None:
    hs = _data("invariance_hs_data.csv")
    ref = REF["lrt_single_hs_ml"]["models"]
    free = sq.sem(hs, ref["free"])
    equal = sq.sem(hs, ref["equal"])
    with pytest.raises(sq.DataError, match="at least two"):
        sq.lrt(free)
    with pytest.raises(sq.DataError, match="argument 2 is a DataFrame"):
        sq.lrt(free, hs)
    with pytest.raises(sq.DataError, match="different numbers of rows"):
        sq.lrt(free, sq.sem(hs.iloc[:200], ref["equal"]))
    shifted = hs.assign(x1=hs["x1"] * 1.5)
    with pytest.raises(sq.DataError, match="different data"):
        sq.lrt(free, sq.sem(shifted, ref["equal"]))
    with pytest.raises(sq.DataError, match="same estimator"):
        sq.lrt(free, sq.sem(hs, ref["equal"], estimator="mlr"))
    with pytest.raises(sq.DataError, match="same degrees of freedom"):
        sq.lrt(free, sq.sem(hs, ref["free"]))
    with pytest.raises(sq.DataError, match=r"satorra.bentler.2001"):
        sq.lrt(free, equal, method="satorra.bentler.2001")
    with pytest.raises(sq.DataError, match="method"):
        sq.lrt(free, equal, method="satorra.bentler.2010")
    with pytest.raises(sq.DataError, match="different observed variables"):
        sq.lrt(free, sq.sem(hs, "f =~ x1 + x2 + x3 + x4"))
    with pytest.raises(sq.DataError, match="names"):
        sq.lrt(free, equal, names=["a"])
    # equal loadings (df 27, chisq 97.5) fit better than uncorrelated visual and textual
    # factors (df 25, chisq 121.5): the two are not nested
    uncorrelated = sq.sem(hs, ref["free"] + "\nvisual ~~ 0*textual")
    with pytest.raises(sq.DataError, match="not nested"):
        sq.lrt(equal, uncorrelated)


# ------------------------------------------------------- the invariance sequence

CASES = {
    "hs": ("invariance_hs_data.csv", "school"),
    "bank": ("invariance_bank_data.csv", "branch"),
    "sim": ("invariance_sim_data.csv", "grp"),
}
MEASURES = ("npar", "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr", "aic", "bic")
ROBUST = ("chisq_scaled", "chisq_scaling_factor", "cfi_robust", "tli_robust", "rmsea_robust")


def _run(case: str, est: str) -> tuple[sq.InvarianceResult, dict]:
    ref = REF[f"{case}_{est}"]
    csv, group = CASES[case]
    data = _data(csv)
    if "respondent" in data.columns:
        data = data.drop(columns="respondent")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.HeywoodWarning)
        res = sq.measurement_invariance(data, ref["model"], group=group, estimator=est)
    return res, ref


def _check_against_r(res: sq.InvarianceResult, ref: dict, est: str) -> None:
    table = res.to_frame()
    assert list(table.index) == [r["step"] for r in ref["rows"]]
    for r in ref["rows"]:
        row = table.loc[r["step"]]
        names = MEASURES + (ROBUST if est == "mlr" else ())
        for k in names:
            assert close(row[k], r["fit"][k]), (r["step"], k, row[k], r["fit"][k])
        if "lrt" in r:  # lavTestLRT(reference, step)
            assert row["reference"] == r["reference"]
            for k in ("chisq_diff", "df_diff", "p_value"):
                assert close(row[k], r["lrt"][k]), (r["step"], k, row[k], r["lrt"][k])
        else:
            assert np.isnan(row["chisq_diff"])
        assert row["decision"] == ("holds" if r["holds"] else "fails"), r["step"]
        assert row["freed"] == ", ".join(r["group_partial"])
    assert res.established == ref["established"].replace(" (partial)", "")
    if ref["releases"]:
        rel = res.releases
        assert rel is not None
        want = [x["parameter"] for x in ref["releases"]]
        assert list(rel.index) == want
        for x in ref["releases"]:  # lavTestScore(fit)$uni, the largest X2 per parameter
            assert close(rel.loc[x["parameter"], "X2"], x["X2"]), x
        failed = next(r["step"] for r in ref["rows"] if not r["holds"])
        total = sq.score_tests(res.fits[failed])  # lavTestScore(fit)$test
        assert close(total.total_x2, ref["score"]["total"]["X2"])
        assert total.total_df == ref["score"]["total"]["df"]
        partial_row = next(r for r in ref["rows"] if r["step"].endswith("(partial)"))
        assert list(rel.index[rel["released"]]) == partial_row["group_partial"]
        assert res.freed == tuple(partial_row["group_partial"])
    else:
        assert res.releases is None


@pytest.mark.parametrize("est", ["ml", "mlr"])
def test_hs_by_school_matches_lavaan(est: str) -> None:
    res, ref = _run("hs", est)
    _check_against_r(res, ref, est)
    assert res.groups == ("Pasteur", "Grant-White")
    assert res.established == "strict" and res.freed == ("x3~1", "x7~1")
    assert "artial scalar invariance" in res.verdict
    assert ("robust" in res.rule) == (est == "mlr")
    assert set(res.fits) == {"configural", "metric", "scalar", "scalar (partial)", "strict"}
    assert isinstance(res.fits["metric"], sq.SEMResult)


@pytest.mark.slow
@pytest.mark.parametrize("est", ["ml", "mlr"])
def test_bank_by_branch_matches_lavaan(est: str) -> None:
    res, ref = _run("bank", est)
    _check_against_r(res, ref, est)
    assert res.established == "strict" and res.freed == ()
    assert res.verdict.startswith("Strict invariance holds")


@pytest.mark.parametrize("est", ["ml", "mlr"])
def test_simulated_partial_intercepts_match_lavaan(est: str) -> None:
    res, ref = _run("sim", est)
    _check_against_r(res, ref, est)
    # the two intercepts shifted in group "c" are the ones released
    assert set(res.freed) == {"y3~1", "z3~1"}


def test_survey_path_equals_the_frame_path_and_is_recorded() -> None:
    survey = sq.load_example("retail_bank", nan_policy="listwise")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sq.measurement_invariance(survey, by="branch", steps=("configural", "metric"))
    ref = REF["bank_ml"]
    for r in ref["rows"][:2]:
        for k in MEASURES:
            assert close(res.to_frame().loc[r["step"], k], r["fit"][k]), k
    assert res.score == "perception" and res.group == "branch"
    assert survey.invariance[("branch", "perception")] is res
    assert "tangibles =~ TAN1 + TAN2 + TAN3 + TAN4" in res.model


def test_lrt_of_four_multigroup_models() -> None:
    hs = _data("invariance_hs_data.csv")
    model = REF["hs_ml"]["model"]
    for est in ("ml", "mlr"):
        ref = REF[f"lrt_table_hs_{est}"]
        eq = [(), "loadings", ("loadings", "intercepts"), ("loadings", "intercepts", "residuals")]
        fits = [sq.sem(hs, model, group="school", group_equal=e, estimator=est) for e in eq]
        table = sq.lrt(*fits[::-1]).to_frame()  # given in reverse: sorted by df
        for col in ("df", "aic", "bic", "chisq", "chisq_diff", "df_diff", "p_value"):
            for got, want in zip(table[col], ref[col], strict=True):
                assert np.isnan(got) if want is None else close(got, want), (est, col)


# ------------------------------------------------------------------ options


def test_cutoffs_steps_and_partial_off() -> None:
    hs = _data("invariance_hs_data.csv")
    model = REF["hs_ml"]["model"]
    res = sq.measurement_invariance(hs, model, group="school", partial=False)
    table = res.to_frame()
    assert list(table.index) == ["configural", "metric", "scalar", "strict"]
    assert res.established == "metric" and res.releases is None
    assert res.verdict.startswith("Only metric invariance holds")
    assert table.loc["strict", "reference"] == "scalar"
    # switching ΔRMSEA off and loosening ΔCFI lets scalar hold
    res2 = sq.measurement_invariance(
        hs, model, by="school", steps=("configural", "metric", "scalar"),
        cutoffs={"delta_cfi": -0.05, "delta_rmsea": None},
    )  # fmt: skip
    assert res2.established == "scalar"
    assert "ΔRMSEA" not in res2.rule and "-0.050" in res2.rule
    assert "Cheung & Rensvold" in res.header and "Chen, 2007" in res.header


# ------------------------------------------ invariance-aware group comparisons


def _flagged(survey: sq.Survey, **kwargs) -> sq.InvarianceResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sq.measurement_invariance(
            survey, by="branch", steps=("configural", "metric"), **kwargs
        )


def test_untested_comparisons_have_no_note() -> None:
    survey = sq.load_example("retail_bank")
    with warnings.catch_warnings():
        warnings.simplefilter("error", sq.InvarianceWarning)
        res = sq.compare_groups(survey, by="branch")
        gaps = sq.gap_scores(survey, by="branch")
    assert "invariance" not in res.header.lower()
    assert "invariance" not in gaps.header.lower()
    assert res.invariance_note == "" and gaps.invariance_note == ""


def test_tested_and_held_says_so_without_warning() -> None:
    survey = sq.load_example("retail_bank", nan_policy="listwise")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sq.measurement_invariance(survey, by="branch", steps=("configural", "metric", "scalar"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", sq.InvarianceWarning)
        res = sq.compare_groups(survey, by="branch", score="perception")
        gaps = sq.gap_scores(survey, by="branch")
    for head in (res.header, gaps.header):
        assert "scalar invariance established" in head
        assert "perception by branch" in head
    # another segment was not tested: no note
    with warnings.catch_warnings():
        warnings.simplefilter("error", sq.InvarianceWarning)
        other = sq.compare_groups(survey, by="channel", score="perception")
    assert other.invariance_note == ""


def test_tested_and_failed_warns() -> None:
    survey = sq.load_example("retail_bank", nan_policy="listwise")
    # an impossible ΔCFI cut-off makes metric fail: only configural is established
    failed = _flagged(survey, partial=False, cutoffs={"delta_cfi": 0.5})
    assert failed.established == "configural" and not failed.scalar_established
    with pytest.warns(sq.InvarianceWarning, match="not established"):
        res = sq.compare_groups(survey, by="branch")
    assert "scalar invariance NOT established (highest: configural" in res.header
    with pytest.warns(sq.InvarianceWarning):
        gaps = sq.gap_scores(survey, by="branch")
    assert "NOT established" in gaps.header


def test_explicit_invariance_argument() -> None:
    hs = _data("invariance_hs_data.csv")
    res = sq.measurement_invariance(
        hs,
        REF["hs_ml"]["model"],
        group="school",
        partial=False,
        steps=("configural", "metric", "scalar"),
    )
    survey = sq.load_example("retail_bank")  # nothing recorded on it
    with pytest.warns(sq.InvarianceWarning):
        out = sq.compare_groups(survey, by="branch", invariance=res)
    assert "by school: scalar invariance NOT established (highest: metric" in out.header
    with pytest.raises(sq.DataError, match="invariance="):
        sq.compare_groups(survey, by="branch", invariance="scalar")


def test_summary_has_no_note() -> None:
    # a SurveySummary has no rows to test invariance on: never a note
    survey = sq.load_example("retail_bank", nan_policy="listwise")
    summary = sq.SurveySummary.from_survey(survey)
    with warnings.catch_warnings():
        warnings.simplefilter("error", sq.InvarianceWarning)
        assert sq.gap_scores(summary, by="branch").invariance_note == ""


# -------------------------------------------------------------------- bad input


def test_bad_input_names_group_and_item() -> None:
    hs = _data("invariance_hs_data.csv")
    model = REF["hs_ml"]["model"]
    with pytest.raises(sq.DataError, match="not both"):
        sq.measurement_invariance(hs, model, group="school", by="school")
    with pytest.raises(sq.DataError, match="group="):
        sq.measurement_invariance(hs, model)
    with pytest.raises(sq.DataError, match=r"Unknown step 'scaler'.*'scalar'"):
        sq.measurement_invariance(hs, model, group="school", steps=("configural", "scaler"))
    with pytest.raises(sq.DataError, match="order"):
        sq.measurement_invariance(hs, model, group="school", steps=("metric", "configural"))
    with pytest.raises(sq.DataError, match="Unknown cut-off 'cfi_delta'"):
        sq.measurement_invariance(hs, model, group="school", cutoffs={"cfi_delta": 0.1})
    with pytest.raises(sq.MissingColumnError, match=r"'schol'.*'school'"):
        sq.measurement_invariance(hs, model, group="schol")
    small = pd.concat([hs[hs["school"] == "Pasteur"], hs[hs["school"] == "Grant-White"].head(6)])
    with pytest.raises(sq.InsufficientDataError, match=r"'Grant-White'.*6 complete"):
        sq.measurement_invariance(small, model, group="school")
    flat = hs.copy()
    flat.loc[flat["school"] == "Pasteur", "x5"] = 3.0
    with pytest.raises(sq.DataError, match=r"x5.*'Pasteur'"):
        sq.measurement_invariance(flat, model, group="school")
    one = hs[hs["school"] == "Pasteur"]
    with pytest.raises(sq.InsufficientDataError, match="1 group"):
        sq.measurement_invariance(one, model, group="school")
    with pytest.raises(sq.InstrumentError, match="model="):
        sq.measurement_invariance(hs, group="school")
    survey = sq.load_example("retail_bank")
    with pytest.raises(sq.MissingColumnError, match="'brnch'"):
        sq.measurement_invariance(survey, by="brnch")
    assert hs.equals(_data("invariance_hs_data.csv"))  # never modified


def test_plot_draws_the_measure_per_step() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    hs = _data("invariance_hs_data.csv")
    res = sq.measurement_invariance(hs, REF["hs_ml"]["model"], group="school")
    fig, ax = plt.subplots()
    out = res.plot(ax=ax)
    assert out is ax
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == list(res.index)
    assert len(ax.texts) == 4  # a Δ label per compared step
    decisions = set(res.to_frame()["decision"])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [d for d in ("holds", "fails") if d in decisions]  # only what is drawn
    sq.plot_invariance(res, ax=ax, measure="rmsea")
    fig2, ax2 = plt.subplots()
    bank = _data("invariance_bank_data.csv")
    held = sq.measurement_invariance(
        bank, REF["bank_ml"]["model"], group="branch", steps=("configural", "metric")
    )
    assert set(held.to_frame()["decision"]) == {"holds"}
    sq.plot_invariance(held, ax=ax2)
    assert [t.get_text() for t in ax2.get_legend().get_texts()] == ["holds"]
    plt.close(fig2)
    with pytest.raises(sq.ServqualError, match="'chi'"):
        sq.plot_invariance(res, measure="chi")
    with pytest.raises(sq.ServqualError, match="measurement_invariance"):
        sq.plot_invariance(sq.load_example("retail_bank"))
    plt.close(fig)


def test_ordinal_estimator_refuses_the_continuous_steps_and_says_why() -> None:
    # estimator="wlsmv" runs the ordinal sequence (tests/test_invariance_ordinal.py);
    # metric and strict have no ordinal counterpart in the delta parameterization
    hs = _data("invariance_hs_data.csv")
    with pytest.raises(sq.DataError, match=r"\['configural', 'scalar'\].*Wu & Estabrook"):
        sq.measurement_invariance(
            hs, REF["hs_ml"]["model"], group="school", estimator="wlsmv",
            steps=("configural", "metric"),
        )  # fmt: skip
