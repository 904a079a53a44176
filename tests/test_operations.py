"""servqual.operations against R reference values (tests/reference/make_operations.R).

Closed-form statistics and exact tests: rtol 1e-8 against the stored R figures
(the R script writes 15 significant digits; p-values of exact tests are sums of
binomial probabilities, equal to rounding).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

import servqual as sq

op = sq.operations
REF = json.loads((Path(__file__).parent / "reference" / "operations_reference.json").read_text())
RTOL = 1e-8
ALT = {"two.sided": "two-sided", "less": "less", "greater": "greater"}


def f(v):
    return np.asarray([float(x) for x in v]) if isinstance(v, list) else float(v)


@pytest.fixture(scope="module")
def counts():
    return op.load_records("counts")


@pytest.fixture(scope="module")
def cases():
    return op.load_records("cases")


@pytest.fixture(scope="module")
def feedback():
    return op.load_records("feedback")


# ------------------------------------------------------------------ exact tests


@pytest.mark.parametrize("case", REF["poisson"], ids=lambda c: f"{c['x']}-{c['alternative']}")
def test_poisson_test_matches_r(case):
    res = (
        op.poisson_test(
            case["x"][0],
            case["t"][0],
            case["x"][1],
            case["t"][1],
            confidence_level=case["conf"],
            alternative=ALT[case["alternative"]],
        )
        .to_frame()
        .iloc[0]
    )
    # R: poisson.test(c(x1, x2), c(t1, t2), alternative=, conf.level=)
    assert_allclose(res["rate_ratio"], case["estimate"], rtol=RTOL)
    assert_allclose([res["ci_low"], res["ci_high"]], f(case["conf_int"]), rtol=RTOL, atol=1e-12)
    assert_allclose(res["p_unc"], case["p_value"], rtol=RTOL)


@pytest.mark.parametrize("case", REF["binom"], ids=lambda c: f"{c['x']}/{c['n']}")
def test_proportion_test_matches_r(case):
    res = (
        op.proportion_test(
            case["x"],
            case["n"],
            case["p"],
            confidence_level=case["conf"],
            alternative=ALT[case["alternative"]],
        )
        .to_frame()
        .iloc[0]
    )
    # R: binom.test(x, n, p, alternative=, conf.level=)
    assert_allclose(res["share"], case["estimate"], rtol=RTOL)
    assert_allclose([res["ci_low"], res["ci_high"]], f(case["conf_int"]), rtol=RTOL, atol=1e-12)
    assert_allclose(res["p_unc"], case["p_value"], rtol=RTOL)
    # statsmodels Clopper-Pearson agrees for the two-sided interval
    if case["alternative"] == "two.sided":
        lo, hi = proportion_confint(case["x"], case["n"], 1 - case["conf"], method="beta")
        assert_allclose([res["ci_low"], res["ci_high"]], [lo, hi], rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize(
    "case", REF["prop"], ids=lambda c: f"{c['x']}-{c['alternative']}-{c['correct']}"
)
def test_two_proportion_test_matches_r(case):
    args = (case["x"][0], case["n"][0], case["x"][1], case["n"][1])
    alt = ALT[case["alternative"]]
    res = (
        op.two_proportion_test(
            *args, correct=case["correct"], confidence_level=case["conf"], alternative=alt
        )
        .to_frame()
        .iloc[0]
    )
    # R: prop.test(c(x1, x2), c(n1, n2), correct=, alternative=, conf.level=)
    assert_allclose([res["share_1"], res["share_2"]], f(case["estimate"]), rtol=RTOL)
    assert_allclose([res["ci_low"], res["ci_high"]], f(case["conf_int"]), rtol=RTOL, atol=1e-12)
    assert_allclose(res["statistic"], case["statistic"], rtol=RTOL, atol=1e-12)
    assert_allclose(res["p_unc"], case["p_value"], rtol=RTOL)
    fres = (
        op.two_proportion_test(
            *args, method="fisher", confidence_level=case["conf"], alternative=alt
        )
        .to_frame()
        .iloc[0]
    )
    fr = case["fisher"]
    # R: fisher.test(matrix(c(x1, n1-x1, x2, n2-x2), 2, byrow=TRUE))$p.value / $estimate / $conf.int
    assert_allclose(fres["p_unc"], fr["p_value"], rtol=1e-7)
    # R finds the conditional MLE and its interval with uniroot(tol = eps^0.25 ~ 1.2e-4),
    # so R's figures are only that precise: rtol 1e-4
    assert_allclose(fres["odds_ratio"], fr["estimate"], rtol=1e-4, atol=1e-10)
    assert_allclose([fres["or_ci_low"], fres["or_ci_high"]], f(fr["conf_int"]), rtol=1e-4)


def test_poisson_test_equal_rates_symmetry():
    # swapping the periods inverts the ratio and its interval, p unchanged
    a = op.poisson_test(30, 1000, 45, 1100).to_frame().iloc[0]
    b = op.poisson_test(45, 1100, 30, 1000).to_frame().iloc[0]
    assert_allclose(a["rate_ratio"], 1 / b["rate_ratio"], rtol=1e-12)
    assert_allclose([a["ci_low"], a["ci_high"]], [1 / b["ci_high"], 1 / b["ci_low"]], rtol=1e-10)
    assert_allclose(a["p_unc"], b["p_unc"], rtol=1e-12)


# ------------------------------------------------------------------ KPI + charts


def test_kpi_series_rates_and_exact_ci(counts):
    kpi = op.kpi_series(counts, date="month", by="store", count="count", exposure="orders")
    t = kpi.to_frame()
    north = t[(t["store"] == "north") & (t["type"] == "complaint")]
    ref = REF["u_chart"]
    assert_allclose(north["count"], f(ref["count"]))
    assert_allclose(north["rate"], f(ref["count"]) / f(ref["n"]), rtol=1e-12)
    # R: poisson.test(x, t)$conf.int per month
    ci = np.array([f(c) for c in REF["u_chart_rate_ci"]])
    assert_allclose(north[["ci_low", "ci_high"]].to_numpy(), ci, rtol=RTOL)
    assert kpi.n_periods == 24 and kpi.types == ("complaint", "return")


def test_kpi_series_from_events_fills_empty_periods():
    ev = pd.DataFrame(
        {
            "date": ["2024-01-03", "2024-01-20", "2024-03-02", "2024-03-05", "2024-03-30"],
            "type": ["complaint", "claim", "complaint", "complaint", "claim"],
        }
    )
    t = op.kpi_series(ev).to_frame()
    # hand count: Jan complaint 1, claim 1; Feb none; Mar complaint 2, claim 1
    got = t.set_index(["period", "type"])["count"]
    assert got[(pd.Timestamp("2024-02-01"), "complaint")] == 0
    assert got[(pd.Timestamp("2024-03-01"), "complaint")] == 2
    assert got[(pd.Timestamp("2024-01-01"), "claim")] == 1
    assert len(t) == 6
    # weekly periods start on Monday
    w = op.kpi_series(ev, freq="W").to_frame()
    assert (pd.DatetimeIndex(w["period"]).day_of_week == 0).all()


def test_kpi_exposure_table(counts):
    ev = pd.DataFrame({"date": ["2024-01-03", "2024-01-20", "2024-02-02"], "type": "complaint"})
    expo = pd.DataFrame({"date": ["2024-01-01", "2024-02-01"], "exposure": [100, 50]})
    t = op.kpi_series(ev, exposure=expo).to_frame()
    assert_allclose(t["rate"], [2 / 100, 1 / 50])


def test_u_chart_matches_r(counts):
    kpi = op.kpi_series(counts, date="month", by="store", count="count", exposure="orders")
    ch = op.control_chart(kpi, "u", type="complaint", where={"store": "north"}, baseline=12)
    t = ch.to_frame()
    ref = REF["u_chart"]
    # R: ubar = sum(x[1:12])/sum(n[1:12]); ubar ± 3 sqrt(ubar/n)
    assert_allclose(ch.centre, ref["centre"], rtol=RTOL)
    assert_allclose(t["lcl"], f(ref["lcl"]), rtol=RTOL)
    assert_allclose(t["ucl"], f(ref["ucl"]), rtol=RTOL)
    assert_allclose(t["z"], f(ref["z"]), rtol=RTOL, atol=1e-12)
    assert (t["phase"].iloc[:12] == "I").all() and (t["phase"].iloc[12:] == "II").all()


def test_c_chart_matches_r(counts):
    north = counts[(counts["store"] == "north") & (counts["type"] == "complaint")]
    ch = op.control_chart(north["count"].to_numpy(), "c")
    ref = REF["c_chart"]
    # R: cbar = mean(x); max(0, cbar - 3 sqrt(cbar)), cbar + 3 sqrt(cbar)
    assert_allclose(ch.centre, ref["centre"], rtol=RTOL)
    t = ch.to_frame()
    assert_allclose(t["lcl"], ref["lcl"], rtol=RTOL)
    assert_allclose(t["ucl"], ref["ucl"], rtol=RTOL)
    assert_allclose(t["z"], f(ref["z"]), rtol=RTOL, atol=1e-12)
    # list, ndarray and Series inputs agree
    t2 = op.control_chart(north["count"].tolist(), "c").to_frame()
    assert_allclose(t2["ucl"], t["ucl"])


def test_p_chart_matches_r(cases):
    conf = op.conformance(cases, "response_days", 7, date="received", freq="M")
    ch = op.control_chart(conf, baseline=12)
    assert ch.chart == "p"
    ref = REF["p_chart"]
    t = ch.to_frame()
    assert_allclose(t["count"], f(ref["met"]))
    assert_allclose(t["n"], f(ref["n"]))
    # R: pbar = sum(met[1:12])/sum(n[1:12]); pbar ± 3 sqrt(pbar(1-pbar)/n)
    assert_allclose(ch.centre, ref["centre"], rtol=RTOL)
    assert_allclose(t["lcl"], f(ref["lcl"]), rtol=RTOL, atol=1e-12)
    assert_allclose(t["ucl"], f(ref["ucl"]), rtol=RTOL)


def test_c_chart_hand_computed_limits_truncated():
    ch = op.control_chart([1, 0, 2, 1, 1], "c")
    # cbar = 1; lcl = max(0, 1 - 3) = 0; ucl = 1 + 3 = 4
    t = ch.to_frame()
    assert ch.centre == 1.0
    assert (t["lcl"] == 0).all() and (t["ucl"] == 4).all()


def _flags(values, centre=0.0, sigma=1.0):
    """Run rules on a c-chart-free series: values are z scores."""
    z = np.asarray(values, dtype=float)
    beyond = np.abs(z) > 3
    return op.run_rules(z, z, beyond)


def test_run_rules_hand_made_patterns():
    # rule 1: a point beyond 3 sigma
    fl = _flags([0, 0.5, 3.5, 0, -0.2])
    assert fl[:, 0].tolist() == [False, False, True, False, False]
    # rule 2: 2 of 3 beyond 2 sigma, same side, flagged at the completing point
    fl = _flags([0.1, 2.5, -0.1, 2.2, 0.0])
    assert np.where(fl[:, 1])[0].tolist() == [3]
    fl = _flags([0.1, 2.5, -0.1, -2.2, 0.0])  # opposite sides: no signal
    assert not fl[:, 1].any()
    # rule 3: 4 of 5 beyond 1 sigma same side
    fl = _flags([1.5, 1.2, 0.3, 1.1, 1.4, -0.5])
    assert np.where(fl[:, 2])[0].tolist() == [4]
    # rule 4: 8 in a row on one side
    fl = _flags([0.2] * 7 + [0.1, 0.3, -0.1])
    assert np.where(fl[:, 3])[0].tolist() == [7, 8]
    # rule 5: 6 points steadily rising (5 rises); ties break the run
    fl = _flags([-1.0, -0.6, -0.2, 0.1, 0.4, 0.8, 0.8, 1.0])
    assert np.where(fl[:, 4])[0].tolist() == [5]
    fl = _flags([1.0, 0.8, 0.5, 0.2, 0.0, -0.3, -0.4])
    assert np.where(fl[:, 4])[0].tolist() == [5, 6]


def test_control_chart_flags_the_step_change(counts):
    kpi = op.kpi_series(counts, date="month", count="count", exposure="orders")
    ch = op.control_chart(kpi, type="complaint", baseline=12)
    t = ch.to_frame()
    # after the change the rate sits below the centre: rule 4 fires in phase II only
    assert t.loc[t["phase"] == "II", "rule_4"].any()
    assert not t.loc[t["phase"] == "I", "rule_4"].any()
    assert ch.n_signals == int(t["signal"].sum())
    assert t["rules"].str.contains("4").sum() == t["rule_4"].sum()
    # restricting the rules
    ch1 = op.control_chart(kpi, type="complaint", baseline=12, rules=[1])
    assert not ch1.to_frame()[["rule_2", "rule_3", "rule_4", "rule_5"]].any().any()


def test_baseline_forms_agree(counts):
    kpi = op.kpi_series(counts, date="month", count="count", exposure="orders")
    a = op.control_chart(kpi, type="complaint", baseline=12)
    b = op.control_chart(kpi, type="complaint", baseline=("2023-01-01", "2023-12-01"))
    c = op.control_chart(kpi, type="complaint", baseline=slice(0, 12))
    assert a.centre == b.centre == c.centre


def test_before_after_and_month_over_month_match_r(counts):
    kpi = op.kpi_series(counts, date="month", count="count", exposure="orders")
    ba = op.before_after(kpi, "2024-01-01", type="complaint").to_frame().iloc[0]
    ref = REF["before_after"]
    # R: poisson.test(c(x_after, x_before), c(t_after, t_before))
    assert ba["count_1"] == ref["x_after"] and ba["count_2"] == ref["x_before"]
    assert_allclose(ba["rate_ratio"], ref["estimate"], rtol=RTOL)
    assert_allclose([ba["ci_low"], ba["ci_high"]], f(ref["conf_int"]), rtol=RTOL)
    assert_allclose(ba["p_unc"], ref["p_value"], rtol=1e-6, atol=1e-300)
    mom = op.period_changes(kpi, type="complaint").to_frame()
    r = REF["month_over_month"]
    # R: poisson.test(c(x[i], x[i-1]), c(t[i], t[i-1])) for each month; p.adjust(, "holm")
    assert_allclose(mom["rate_ratio"], f(r["rate_ratio"]), rtol=RTOL)
    assert_allclose(mom["ci_low"], f(r["ci_low"]), rtol=RTOL)
    assert_allclose(mom["ci_high"], f(r["ci_high"]), rtol=RTOL)
    assert_allclose(mom["p_unc"], f(r["p_unc"]), rtol=RTOL)
    assert_allclose(mom["p_adj"], f(r["p_holm"]), rtol=RTOL)
    # explicit windows give the same answer as split
    ba2 = op.before_after(
        kpi,
        before=("2023-01-01", "2023-12-01"),
        after=("2024-01-01", "2024-12-01"),
        type="complaint",
    )
    assert_allclose(ba2.to_frame()["rate_ratio"].iloc[0], ba["rate_ratio"])


def test_period_changes_proportions_use_prop_test(cases):
    conf = op.conformance(cases, "response_days", 7, date="received", freq="Q")
    t = conf.to_frame()
    res = op.period_changes(conf, p_adjust=None).to_frame()
    for i in range(1, len(t)):
        # R: prop.test(c(met[i], met[i-1]), c(n[i], n[i-1]))
        one = (
            op.two_proportion_test(
                t["met"].iloc[i], t["n"].iloc[i], t["met"].iloc[i - 1], t["n"].iloc[i - 1]
            )
            .to_frame()
            .iloc[0]
        )
        assert_allclose(res["p_unc"].iloc[i - 1], one["p_unc"], rtol=1e-12)


# ------------------------------------------------------------------ conformance


def test_conformance_by_store_matches_r(cases):
    exact = op.conformance(cases, "response_days", 7, by="store", target_share=0.9).to_frame()
    wil = op.conformance(cases, "response_days", 7, by="store", method="wilson").to_frame()
    for k, ref in enumerate(REF["conformance_store"]):
        assert exact["store"].iloc[k] == ref["store"]
        assert exact["met"].iloc[k] == ref["met"] and exact["n"].iloc[k] == ref["n"]
        # R: binom.test(met, n)$conf.int ; prop.test(met, n, correct=FALSE)$conf.int
        assert_allclose(exact[["ci_low", "ci_high"]].iloc[k], f(ref["exact"]), rtol=RTOL)
        assert_allclose(wil[["ci_low", "ci_high"]].iloc[k], f(ref["wilson"]), rtol=RTOL)
        # R: binom.test(met, n, 0.9)$p.value
        assert_allclose(exact["p_unc"].iloc[k], ref["p_target"], rtol=RTOL)


def test_conformance_directions():
    df = pd.DataFrame({"days": [1, 7, 8, 10]})
    assert op.conformance(df, "days", 7).share == 0.5
    assert op.conformance(df, "days", 7, direction="<").share == 0.25
    assert op.conformance(df, "days", 8, direction=">=").share == 0.5


# ------------------------------------------------------------------ scores


def test_ratings_by_quarter_match_r(feedback):
    res = op.ratings(feedback, "stars", date="date", freq="Q")
    t = res.to_frame()
    for k, ref in enumerate(REF["stars_quarter"]):
        row = t.iloc[k]
        assert row["n"] == ref["n"]
        # R: mean(x), sd(x), t.test(x)$conf.int
        assert_allclose([row["mean"], row["sd"]], [ref["mean"], ref["sd"]], rtol=RTOL)
        assert_allclose([row["ci_low"], row["ci_high"]], f(ref["ci"]), rtol=RTOL)
        # R: prop.test(sum(x >= 5), n, correct=FALSE)$conf.int (Wilson)
        assert_allclose(row["top_box"], ref["top"], rtol=RTOL)
        assert_allclose(
            [row["top_box_ci_low"], row["top_box_ci_high"]], f(ref["top_ci"]), rtol=RTOL
        )
        assert_allclose(
            [row["bottom_box_ci_low"], row["bottom_box_ci_high"]], f(ref["bottom_ci"]), rtol=RTOL
        )
        assert_allclose(
            row[[f"n_{i}" for i in range(1, 6)]].to_numpy(dtype=float), f(ref["counts"])
        )
    tr = REF["stars_trend"]
    # R: lm(stars ~ quarter number): coef, confint, p
    assert_allclose(res.trend_slope, tr["slope"], rtol=RTOL)
    assert_allclose([res.trend_ci_low, res.trend_ci_high], f(tr["ci"]), rtol=RTOL)
    assert_allclose(res.trend_p_value, tr["p"], rtol=1e-6)


def test_csat_by_store_and_ces_match_r(feedback):
    t = op.csat(feedback, "csat", by="store").to_frame()
    for k, ref in enumerate(REF["csat_store"]):
        row = t.iloc[k]
        # R: t.test(x)$conf.int ; prop.test(sum(x >= 4), n, correct=FALSE)$conf.int
        assert_allclose([row["ci_low"], row["ci_high"]], f(ref["ci"]), rtol=RTOL)
        assert_allclose(row["top_box"], ref["top"], rtol=RTOL)
        assert_allclose(
            [row["top_box_ci_low"], row["top_box_ci_high"]], f(ref["top_ci"]), rtol=RTOL
        )
    c = op.ces(feedback, "effort")
    row = c.to_frame().iloc[0]
    ref = REF["ces"]
    assert_allclose(c.mean, ref["mean"], rtol=RTOL)
    assert_allclose([row["ci_low"], row["ci_high"]], f(ref["ci"]), rtol=RTOL)
    assert_allclose([row["top_box_ci_low"], row["top_box_ci_high"]], f(ref["top_ci"]), rtol=RTOL)
    # scipy agrees on the t interval
    lo, hi = stats.t.interval(
        0.95, len(feedback) - 1, loc=feedback["effort"].mean(), scale=stats.sem(feedback["effort"])
    )
    assert_allclose([row["ci_low"], row["ci_high"]], [lo, hi], rtol=1e-10)


def test_nps_matches_r_and_hand_count(feedback):
    res = op.nps(feedback, "recommend", date="date", freq="Q")
    t = res.to_frame()
    for k, ref in enumerate(REF["nps_quarter"]):
        row = t.iloc[k]
        # R: 100 (pP - pD) ± z 100 sqrt((pP + pD - (pP - pD)^2)/n)
        assert_allclose(
            [row["promoters"], row["detractors"]], [ref["promoters"], ref["detractors"]], rtol=RTOL
        )
        assert_allclose([row["nps"], row["se"]], [ref["nps"], ref["se"]], rtol=RTOL)
        assert_allclose([row["ci_low"], row["ci_high"]], f(ref["ci"]), rtol=RTOL)
    assert_allclose(
        [res.nps, res.ci_low, res.ci_high],
        [REF["nps_all"]["nps"], *f(REF["nps_all"]["ci"])],
        rtol=RTOL,
    )
    # hand example: 10 answers, 4 promoters (9, 10), 3 detractors (<= 6)
    small = op.nps([10, 9, 9, 10, 7, 8, 8, 6, 0, 5])
    assert_allclose(small.nps, 10.0)
    var = (0.4 + 0.3 - 0.1**2) / 10
    assert_allclose(small.to_frame()["se"].iloc[0], 100 * np.sqrt(var))


def test_score_change_matches_r(feedback):
    nps = op.score_change(feedback, "recommend", metric="nps", split="2024-01-01").to_frame()
    ref = REF["nps_change"]
    assert_allclose(nps["diff"].iloc[0], ref["diff"], rtol=RTOL)
    assert_allclose(nps[["ci_low", "ci_high"]].iloc[0], f(ref["ci"]), rtol=RTOL)
    assert_allclose(nps["p_unc"].iloc[0], ref["p"], rtol=1e-6)
    m = op.score_change(feedback, "csat", metric="mean", split="2024-01-01").to_frame().iloc[0]
    ref = REF["csat_change"]
    # R: t.test(after, before) (Welch)
    assert_allclose(m["diff"], ref["diff"], rtol=RTOL)
    assert_allclose([m["ci_low"], m["ci_high"]], f(ref["conf_int"]), rtol=RTOL)
    assert_allclose(m["statistic"], ref["statistic"], rtol=RTOL)
    assert_allclose(m["p_unc"], ref["p_value"], rtol=1e-6)
    tb = op.score_change(
        feedback, "csat", metric="top_box", split="2024-01-01", by="store", p_adjust=None
    ).to_frame()
    for k, ref in enumerate(REF["csat_topbox_change"]):
        # R: prop.test(c(k_after, k_before), c(n_after, n_before))
        assert_allclose(tb[["estimate_2", "estimate_1"]].iloc[k], f(ref["estimate"]), rtol=RTOL)
        assert_allclose(tb[["ci_low", "ci_high"]].iloc[k], f(ref["conf_int"]), rtol=RTOL)
        assert_allclose(tb["p_unc"].iloc[k], ref["p_value"], rtol=RTOL)
    mom = op.score_change(feedback, "recommend", metric="nps", freq="Q")
    assert len(mom.to_frame()) == 7


# ------------------------------------------------------------------ value


def test_wtp_matches_r(feedback):
    res = sq.wtp_premium(feedback, willing="pay_more", premium="premium")
    row = res.to_frame().iloc[0]
    ref = REF["wtp"]
    assert row["n"] == ref["n"] and row["willing"] == ref["willing"]
    # R: prop.test(k, n, correct=FALSE)$conf.int ; t.test(premium)$conf.int
    assert_allclose([row["share_ci_low"], row["share_ci_high"]], f(ref["share_ci"]), rtol=RTOL)
    assert_allclose(row["premium_willing"], ref["premium_willing"], rtol=RTOL)
    assert_allclose(
        [row["premium_willing_ci_low"], row["premium_willing_ci_high"]],
        f(ref["premium_willing_ci"]),
        rtol=RTOL,
    )
    assert_allclose(row["premium_all"], ref["premium_all"], rtol=RTOL)
    assert_allclose(
        [row["premium_all_ci_low"], row["premium_all_ci_high"]], f(ref["premium_all_ci"]), rtol=RTOL
    )
    # premium column alone: willing = premium > 0
    only = (
        sq.wtp_premium(feedback.assign(premium=feedback["premium"].fillna(0)), premium="premium")
        .to_frame()
        .iloc[0]
    )
    assert only["willing"] == ref["willing"]


def test_value_index_and_links_match_r():
    val = sq.load_example("value")
    vi = sq.value_index(val)
    ref = REF["value_index"]
    # R: idx = rowMeans(quality) - rowMeans(sacrifice); mean(idx), t.test(idx)$conf.int
    assert_allclose(vi.overall, ref["mean"], rtol=RTOL)
    assert_allclose(vi.to_frame()[["ci_low", "ci_high"]].iloc[0], f(ref["ci"]), rtol=RTOL)
    links = sq.value_links(val, "VAL1", level="overall").to_frame()
    # R: lm(VAL1 ~ idx)
    assert_allclose(links["coef"], f(ref["val1_coef"]), rtol=RTOL)
    assert_allclose(links["r2"].iloc[0], ref["val1_r2"], rtol=RTOL)
    bank = sq.value_links(sq.load_example("retail_bank")).to_frame()
    for ref in REF["value_links_bank"]:
        blk = bank[bank["outcome"] == ref["outcome"]]
        # R: summary(lm(outcome ~ dimension gaps))$coefficients, confint()
        assert_allclose(blk["coef"], f(ref["coef"]), rtol=RTOL)
        assert_allclose(blk["se"], f(ref["se"]), rtol=RTOL)
        assert_allclose(blk["p_unc"], f(ref["p"]), rtol=1e-6)
        assert_allclose(blk["ci_low"], f(ref["ci_low"]), rtol=RTOL)
        assert_allclose(blk["r2"].iloc[0], ref["r2"], rtol=RTOL)
        assert blk["n"].iloc[0] == ref["n"]


def test_value_links_agree_with_key_drivers():
    # the drivers module fits the same OLS (classical SEs when robust=None)
    drivers = pytest.importorskip("servqual.drivers")
    bank = sq.load_example("retail_bank")
    links = sq.value_links(bank, "overall").to_frame().set_index("term")
    kd = drivers.key_drivers(bank, outcome="overall", score="gap", robust=None).to_frame()
    assert_allclose(links.loc[kd.index, "coef"], kd["coef"], rtol=1e-10)
    assert_allclose(links.loc[kd.index, "se"], kd["se"], rtol=1e-10)
    assert_allclose(links.loc[kd.index, "beta"], kd["std_beta"], rtol=1e-10)


def test_control_chart_from_plain_frame_equals_kpi(counts):
    north = counts[(counts["store"] == "north") & (counts["type"] == "complaint")]
    df = north.rename(columns={"count": "complaints"})
    a = op.control_chart(
        df, "u", count="complaints", exposure="orders", period="month", baseline=12
    ).to_frame()
    kpi = op.kpi_series(counts, date="month", by="store", count="count", exposure="orders")
    b = op.control_chart(kpi, type="complaint", where={"store": "north"}, baseline=12).to_frame()
    assert_allclose(a[["value", "lcl", "ucl", "z"]], b[["value", "lcl", "ucl", "z"]])
    assert (a.index == b.index).all()
    pd.testing.assert_frame_equal(a, b)


def test_weekly_kpi_counts_equal_an_independent_count(cases):
    # independent: pandas weekly periods (weeks ending Sunday), empty weeks filled with 0
    k = op.kpi_series(cases, date="received", type=None, by="store", freq="W").to_frame()
    d = pd.to_datetime(cases["received"])
    weeks = d.dt.to_period("W-SUN").dt.start_time
    full = pd.date_range(weeks.min(), weeks.max(), freq="7D")
    for store in ("north", "south"):
        ind = weeks[cases["store"] == store].value_counts().reindex(full, fill_value=0)
        got = k[k["store"] == store].set_index("period")["count"]
        assert list(got.index) == list(full)
        assert np.array_equal(got.to_numpy(), ind.to_numpy())
    assert k["count"].sum() == len(cases)


def test_c_chart_with_a_date_baseline(counts):
    north = counts[(counts["store"] == "north") & (counts["type"] == "complaint")]
    x = north.sort_values("month")["count"].to_numpy(dtype=float)
    kpi = op.kpi_series(counts, date="month", by="store", count="count", exposure="orders")
    ch = op.control_chart(
        kpi, "c", type="complaint", where={"store": "north"}, baseline=("2023-01-01", "2023-06-01")
    )
    tab = ch.to_frame()
    # Montgomery (2019) 7.3.1: c-bar from the 6 baseline months, limits c-bar +/- 3 sqrt(c-bar)
    cbar = x[:6].mean()
    assert ch.n_baseline == 6 and (tab["phase"] == "I").sum() == 6
    assert_allclose(tab["centre"], cbar, rtol=1e-12)
    assert_allclose(tab["ucl"], cbar + 3 * np.sqrt(cbar), rtol=1e-12)
    assert_allclose(tab["lcl"], max(0.0, cbar - 3 * np.sqrt(cbar)), rtol=1e-12)
    assert_allclose(tab["z"], (x - cbar) / np.sqrt(cbar), rtol=1e-12)
    outside = (x > cbar + 3 * np.sqrt(cbar)) | (x < cbar - 3 * np.sqrt(cbar))
    assert outside.sum() == 3  # three low months in phase II
    assert np.array_equal(tab["rule_1"].to_numpy(), outside)


def test_nps_interval_equals_the_mean_of_the_coded_answers(feedback):
    # NPS = mean of +1 (9-10) / 0 (7-8) / -1 (0-6); Wald SE = population SD / sqrt(n)
    res = op.nps(feedback, "recommend", by="store")
    z = stats.norm.ppf(0.975)
    for store, row in res.to_frame().iterrows():
        r = feedback.loc[feedback["store"] == store, "recommend"].dropna().to_numpy()
        c = np.where(r >= 9, 1.0, np.where(r <= 6, -1.0, 0.0))
        se = c.std(ddof=0) / np.sqrt(len(c))
        assert_allclose(row["nps"], 100 * c.mean(), rtol=1e-12)
        assert_allclose(row["se"], 100 * se, rtol=1e-12)
        assert_allclose([row["ci_low"], row["ci_high"]], 100 * (c.mean() + np.array([-z, z]) * se))
