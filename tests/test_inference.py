"""Tests for servqual.inference (paired tests, Hotelling, p_adjust) and servqual.groups.

Reference figures come from tests/reference/make_inference.R (R 4.x, base stats +
survey); no test runs R. Closed forms are compared at rtol=1e-6; the asymptotic
Wilcoxon interval at atol=2e-4 because R locates it with uniroot(tol = 1e-4);
intervals from R's qtukey at atol=2e-4 because qtukey iterates to eps = 1e-4.
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
from servqual.exceptions import (
    DataError,
    InsufficientDataError,
    MissingColumnError,
    ServqualError,
    ServqualWarning,
)

HERE = Path(__file__).parent / "reference"
REF = json.loads((HERE / "inference_reference.json").read_text())
DIMS = ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]
RTOL = 1e-6


def col(rows, key):
    return np.array(
        [np.inf if r[key] == "Inf" else -np.inf if r[key] == "-Inf" else r[key] for r in rows],
        dtype=float,
    )


@pytest.fixture(scope="module")
def bank():
    return sq.load_example("retail_bank")


@pytest.fixture(scope="module")
def small_frame():
    return pd.read_csv(HERE / "inference_small.csv")


def mini_instrument():
    return sq.instruments.Instrument.from_dict(
        {
            "name": "Mini",
            "ratings": ["E", "P"],
            "dimensions": [
                {"name": "speed", "items": ["a", "b", "c", "d", "e"]},
                {"name": "care", "items": ["f", "g"]},
            ],
        }
    )


@pytest.fixture(scope="module")
def small(small_frame):
    return sq.Survey(small_frame, mini_instrument(), segments="grp")


# ----------------------------------------------------------------------------- paired t
def check_t(table, rows):
    # R: t.test(P, E, paired = TRUE, alternative, conf.level); dz CI by uniroot on pt(t, df, ncp)
    for ours, theirs in [
        ("mean_perception", "mean_p"),
        ("mean_reference", "mean_e"),
        ("diff", "diff"),
        ("sd_diff", "sd"),
        ("t", "t"),
        ("df", "df"),
        ("p_unc", "p"),
        ("ci_low", "ci_low"),
        ("ci_high", "ci_high"),
        ("cohen_dz", "dz"),
        ("dz_ci_low", "dz_low"),
        ("dz_ci_high", "dz_high"),
        ("n", "n"),
    ]:
        assert_allclose(
            table[ours].to_numpy(dtype=float), col(rows, theirs), rtol=RTOL, err_msg=ours
        )


def test_paired_t_items_match_r(bank):
    res = sq.paired_tests(bank, level="item", p_adjust="holm")
    tab = res.to_frame()
    check_t(tab, REF["t_item"])
    # R: p.adjust(p, "holm")
    assert_allclose(tab["p_adj"], REF["t_item_p_adjust"]["holm"], rtol=RTOL)
    for ours, r in [("bonferroni", "bonferroni"), ("fdr_bh", "BH")]:
        t2 = sq.paired_tests(bank, level="item", p_adjust=ours).to_frame()
        assert_allclose(t2["p_adj"], REF["t_item_p_adjust"][r], rtol=RTOL)  # R: p.adjust
    assert tab["dimension"].iloc[0] == "tangibles"
    assert list(tab.columns) == [
        "dimension",
        "mean_perception",
        "mean_reference",
        "diff",
        "sd_diff",
        "t",
        "df",
        "p_unc",
        "p_adj",
        "ci_low",
        "ci_high",
        "cohen_dz",
        "dz_ci_low",
        "dz_ci_high",
        "n",
    ]


def test_paired_t_dimensions_match_r_and_scipy(bank):
    tab = sq.paired_tests(bank, level="dimension").to_frame()
    assert list(tab.index) == DIMS
    check_t(tab, REF["t_dim"])  # R: t.test(P_dim, E_dim, paired = TRUE)
    u = sq.respondent_scores(bank, level="dimension", score="perception")
    e = sq.respondent_scores(bank, level="dimension", score="expectation")
    for d in DIMS:
        ok = u[d].notna() & e[d].notna()
        sp = stats.ttest_rel(u[d][ok], e[d][ok])  # scipy.stats.ttest_rel
        assert_allclose(
            [tab.loc[d, "t"], tab.loc[d, "p_unc"]], [sp.statistic, sp.pvalue], rtol=RTOL
        )


def test_paired_t_one_sided_and_overall_match_r(bank):
    less = sq.paired_tests(bank, level="dimension", alternative="less", confidence_level=0.9)
    # R: t.test(..., alternative = "less", conf.level = 0.90)
    check_t(less.to_frame(), REF["t_dim_less90"])
    greater = sq.paired_tests(bank, level="dimension", alternative="greater")
    check_t(greater.to_frame(), REF["t_dim_greater"])  # R: alternative = "greater"
    ov = sq.paired_tests(bank, level="overall").to_frame()
    check_t(ov, [REF["t_overall"]])  # R: t.test(rowMeans(P), rowMeans(E), paired = TRUE)
    assert ov["p_adj"].iloc[0] == ov["p_unc"].iloc[0]


def test_paired_t_small_match_r(small):
    tab = sq.paired_tests(small, level="dimension").to_frame()
    check_t(tab.loc[["speed"]], [REF["small"]["speed_t"]])
    check_t(tab.loc[["care"]], [REF["small"]["care_t"]])


def test_weighted_paired_t_matches_survey_package(small_frame):
    w = np.asarray(REF["weights"], dtype=float)
    survey = sq.load_example("retail_bank", weights=w)
    res = sq.paired_tests(survey, level="dimension")
    tab = res.to_frame()
    assert res.survey_weighted
    rows = REF["t_dim_weighted"]
    # R: survey::svymean(~g, svydesign(ids = ~1, weights = ~w)); svyttest(g ~ 0, des)$statistic
    assert_allclose(tab["diff"], col(rows, "diff"), rtol=RTOL)
    assert_allclose(tab["t"], col(rows, "t"), rtol=RTOL)
    assert_allclose(tab["diff"] / tab["t"], col(rows, "se"), rtol=RTOL)
    assert_allclose(tab["df"], col(rows, "df"), rtol=RTOL)  # degf(des)
    assert_allclose(tab["p_unc"], col(rows, "p"), rtol=RTOL)
    # R: confint(svymean(~g, des), df = degf(des))
    assert_allclose(tab["ci_low"], col(rows, "ci_low"), rtol=RTOL)
    assert_allclose(tab["ci_high"], col(rows, "ci_high"), rtol=RTOL)
    assert_allclose(tab["mean_perception"], col(rows, "mean_p"), rtol=RTOL)
    # weighting changes the answer
    unweighted = sq.paired_tests(sq.load_example("retail_bank"), level="dimension").to_frame()
    assert not np.allclose(unweighted["t"], tab["t"])


# ----------------------------------------------------------------------------- Wilcoxon
def walsh_median(d):
    d = d[d != 0]
    s = np.add.outer(d, d) / 2
    return np.median(s[np.triu_indices(len(d))])


def check_w(table, rows, ci_atol):
    # R: wilcox.test(P, E, paired = TRUE, conf.int = TRUE)
    assert_allclose(table["v"], col(rows, "v"), rtol=RTOL)
    assert_allclose(table["p_unc"], col(rows, "p"), rtol=RTOL)
    assert_allclose(table["ci_low"], col(rows, "ci_low"), rtol=0, atol=ci_atol)
    assert_allclose(table["ci_high"], col(rows, "ci_high"), rtol=0, atol=ci_atol)


def test_wilcoxon_dimensions_match_r(bank):
    res = sq.paired_tests(bank, level="dimension", method="wilcoxon")
    tab = res.to_frame()
    assert not tab["exact"].any()  # n > 50 and ties: normal approximation, as R
    check_w(tab, REF["w_dim"], ci_atol=2e-4)
    # R's estimate is a uniroot (tol 1e-4) root; ours the Walsh-average median
    assert_allclose(tab["pseudo_median"], col(REF["w_dim"], "estimate"), atol=2e-4)
    less = sq.paired_tests(
        bank, level="dimension", method="wilcoxon", alternative="less", confidence_level=0.9
    ).to_frame()
    check_w(less, REF["w_dim_less"], ci_atol=2e-4)  # R: alternative = "less", conf.level = 0.9
    g = sq.respondent_scores(bank, level="dimension")
    for d in DIMS:
        x = np.round(g[d].dropna().to_numpy(), 10)  # as R: ties of averaged scores kept
        assert_allclose(tab.loc[d, "pseudo_median"], walsh_median(x), rtol=RTOL)
        # scipy.stats.wilcoxon, zero_method="wilcox", continuity correction, normal approx
        sp = stats.wilcoxon(x, zero_method="wilcox", correction=True, method="approx")
        assert_allclose(tab.loc[d, "p_unc"], sp.pvalue, rtol=RTOL)
        npos = tab.loc[d, "n_nonzero"]
        v = tab.loc[d, "v"]
        assert_allclose(min(v, npos * (npos + 1) / 2 - v), sp.statistic, rtol=RTOL)
        assert_allclose(
            tab.loc[d, "rank_biserial"],
            (2 * v - npos * (npos + 1) / 2) / (npos * (npos + 1) / 2),
            rtol=RTOL,
        )


def test_wilcoxon_items_match_r(bank):
    tab = sq.paired_tests(bank, level="item", method="wilcoxon", p_adjust=None).to_frame()
    assert_allclose(tab["v"], col(REF["w_item"], "v"), rtol=RTOL)  # R: wilcox.test(...)$statistic
    assert_allclose(tab["p_unc"], col(REF["w_item"], "p"), rtol=RTOL)  # R: $p.value
    assert_allclose(tab["ci_low"], col(REF["w_item"], "ci_low"), atol=2e-4)
    assert_allclose(tab["ci_high"], col(REF["w_item"], "ci_high"), atol=2e-4)
    assert (tab["p_adj"] == tab["p_unc"]).all()


def test_wilcoxon_exact_small_matches_r(small):
    # speed: 16 differences without ties or zeros -> R uses the exact distribution
    for alt, key, conf in [
        ("two-sided", "speed_w", 0.95),
        ("less", "speed_w_less", 0.9),
        ("greater", "speed_w_greater", 0.95),
    ]:
        tab = sq.paired_tests(
            small, level="dimension", method="wilcoxon", alternative=alt, confidence_level=conf
        ).to_frame()
        assert bool(tab.loc["speed", "exact"])
        ref = REF["small"][key]
        # R: wilcox.test(P, E, paired = TRUE, conf.int = TRUE, alternative, conf.level)
        check_w(tab.loc[["speed"]], [ref], ci_atol=1e-9)
        assert_allclose(tab.loc["speed", "pseudo_median"], ref["estimate"], rtol=RTOL)
    tab = sq.paired_tests(small, level="dimension", method="wilcoxon").to_frame()
    g = sq.respondent_scores(small, level="dimension")["speed"].to_numpy()
    sp = stats.wilcoxon(g, method="exact")  # scipy exact, two-sided
    assert_allclose(tab.loc["speed", "p_unc"], sp.pvalue, rtol=RTOL)


def test_wilcoxon_ties_and_zeros_match_r(small):
    # care: differences with ties and zeros -> zeros dropped, normal approximation (R)
    tab = sq.paired_tests(small, level="dimension", method="wilcoxon").to_frame()
    g = sq.respondent_scores(small, level="dimension")["care"].to_numpy()
    assert (g == 0).any()
    assert not bool(tab.loc["care", "exact"])
    assert tab.loc["care", "n_nonzero"] == (g != 0).sum()
    check_w(tab.loc[["care"]], [REF["small"]["care_w"]], ci_atol=2e-4)
    gr = sq.paired_tests(
        small, level="dimension", method="wilcoxon", alternative="greater", confidence_level=0.9
    ).to_frame()
    check_w(gr.loc[["care"]], [REF["small"]["care_w_greater"]], ci_atol=2e-4)
    assert_allclose(tab.loc["care", "pseudo_median"], walsh_median(g), rtol=RTOL)


def test_wilcoxon_warns_that_it_ignores_weights():
    survey = sq.load_example("retail_bank", weights=np.asarray(REF["weights"]))
    with pytest.warns(ServqualWarning, match="ignores survey weights"):
        sq.paired_tests(survey, level="overall", method="wilcoxon")


# ----------------------------------------------------------------------------- Hotelling
def test_hotelling_matches_r_and_statsmodels(bank):
    from statsmodels.stats.multivariate import test_mvmean

    res = sq.hotelling_test(bank)
    ref = REF["hotelling"]  # R: n * t(dbar) %*% solve(cov(G)) %*% dbar; pf(F, k, n - k)
    assert_allclose(
        [res.t2, res.f, res.df1, res.df2, res.n],
        [ref["t2"], ref["f"], ref["df1"], ref["df2"], ref["n"]],
        rtol=RTOL,
    )
    assert_allclose(res.p_value, ref["p"], rtol=1e-5)  # p ~ 1e-81: F tail accuracy
    g = sq.respondent_scores(bank, level="dimension").dropna().to_numpy()
    sm = test_mvmean(g)  # statsmodels.stats.multivariate.test_mvmean
    assert_allclose([res.t2, res.f], [sm.t2, sm.statistic], rtol=RTOL)
    assert list(res.to_frame().columns) == ["t2", "f", "df1", "df2", "p_value", "n"]
    assert res.n_dropped == bank.n_respondents - res.n


# ----------------------------------------------------------------------------- p_adjust
@pytest.mark.parametrize(
    "method,r",
    [
        ("holm", "holm"),
        ("bonferroni", "bonferroni"),
        ("simes-hochberg", "hochberg"),
        ("hochberg", "hochberg"),
        ("hommel", "hommel"),
        ("fdr_bh", "BH"),
        ("BH", "BH"),
        ("fdr_by", "BY"),
    ],
)
def test_p_adjust_matches_r(method, r):
    p = REF["p_adjust"]["p"]
    assert_allclose(sq.p_adjust(p, method), REF["p_adjust"][r], rtol=RTOL)  # R: p.adjust(p, r)


def test_p_adjust_inputs_agree_and_are_not_mutated():
    p = REF["p_adjust"]["p"]
    s = pd.Series(p, index=list("abcdefgh"))
    before = s.copy()
    out = sq.p_adjust(s)
    pd.testing.assert_series_equal(s, before)
    assert isinstance(out, pd.Series) and list(out.index) == list("abcdefgh")
    assert_allclose(out.to_numpy(), sq.p_adjust(np.array(p)))
    assert_allclose(sq.p_adjust(p), sq.p_adjust(np.array(p)))
    assert_allclose(sq.p_adjust(p, None), p)


def test_p_adjust_bad_input():
    with pytest.raises(DataError, match="'nonsense'"):
        sq.p_adjust([0.1, 0.2], "nonsense")
    with pytest.raises(DataError, match=r"1\.5"):
        sq.p_adjust([0.1, 1.5])
    with pytest.raises(DataError, match="positions 1"):
        sq.p_adjust([0.1, np.nan])
    with pytest.raises(DataError, match="one-dimensional"):
        sq.p_adjust([[0.1, 0.2]])


# ----------------------------------------------------------------------------- invariance
def test_swapping_p_and_e_flips_signs():
    frame = sq.datasets.load_frame("retail_bank")
    swapped = frame.rename(
        columns={
            **{f"E{i}": f"P{i}" for i in range(1, 23)},
            **{f"P{i}": f"E{i}" for i in range(1, 23)},
        }
    )
    a = sq.paired_tests(sq.Survey(frame, "servqual22"), level="dimension").to_frame()
    b = sq.paired_tests(sq.Survey(swapped, "servqual22"), level="dimension").to_frame()
    assert_allclose(b["diff"], -a["diff"], rtol=1e-12)
    assert_allclose(b["t"], -a["t"], rtol=1e-12)
    assert_allclose(b["cohen_dz"], -a["cohen_dz"], rtol=1e-12)
    assert_allclose(b["p_unc"], a["p_unc"], rtol=1e-12)
    assert_allclose(b["ci_low"], -a["ci_high"], rtol=1e-12)
    wa = sq.paired_tests(sq.Survey(frame, "servqual22"), level="dimension", method="wilcoxon")
    wb = sq.paired_tests(sq.Survey(swapped, "servqual22"), level="dimension", method="wilcoxon")
    assert_allclose(wb.to_frame()["p_unc"], wa.to_frame()["p_unc"], rtol=1e-12)
    assert_allclose(wb.to_frame()["rank_biserial"], -wa.to_frame()["rank_biserial"], rtol=1e-12)


def test_permuting_items_within_a_dimension_changes_nothing_at_dimension_level():
    frame = sq.datasets.load_frame("retail_bank")
    before = frame.copy()
    perm = frame.rename(
        columns={
            "P1": "P3",
            "P3": "P1",
            "E1": "E3",
            "E3": "E1",
            "P5": "P9",
            "P9": "P5",
            "E5": "E9",
            "E9": "E5",
        }
    )
    s1 = sq.Survey(frame, "servqual22", segments="branch")
    s2 = sq.Survey(perm, "servqual22", segments="branch")
    for method in ("t", "wilcoxon"):
        pd.testing.assert_frame_equal(
            sq.paired_tests(s1, level="dimension", method=method).to_frame(),
            sq.paired_tests(s2, level="dimension", method=method).to_frame(),
        )
    pd.testing.assert_frame_equal(
        sq.compare_groups(s1, by="branch", method="anova").to_frame(),
        sq.compare_groups(s2, by="branch", method="anova").to_frame(),
    )
    assert_allclose(sq.hotelling_test(s1).t2, sq.hotelling_test(s2).t2, rtol=1e-12)
    items1 = sq.paired_tests(s1, level="item").to_frame()
    items2 = sq.paired_tests(s2, level="item").to_frame()
    pd.testing.assert_frame_equal(
        items1.loc[["TAN1", "TAN3"]],
        items2.loc[["TAN3", "TAN1"]].set_axis(["TAN1", "TAN3"]),
        check_names=False,
    )
    pd.testing.assert_frame_equal(frame, before)


def test_result_is_immutable_copy(bank):
    res = sq.paired_tests(bank, level="dimension")
    t = res.to_frame()
    t.loc[:, "t"] = 0.0
    assert (res.to_frame()["t"] != 0).all()
    with pytest.raises(AttributeError):
        res.level = "item"  # frozen
    assert "Paired t-test" in repr(res)


# ----------------------------------------------------------------------------- groups
def test_anova_welch_anova_kruskal_match_r(bank):
    an = sq.compare_groups(bank, by="branch", method="anova", p_adjust=None).to_frame()
    wa = sq.compare_groups(bank, by="branch", method="welch_anova").to_frame()
    kw = sq.compare_groups(bank, by="branch", method="kruskal").to_frame()
    rows = REF["branch_gap"]
    # R: oneway.test(y ~ g, var.equal = TRUE); summary(aov(y ~ g))
    assert_allclose(an["f"], col(rows, "f"), rtol=RTOL)
    assert_allclose(an["f"], col(rows, "aov_f"), rtol=RTOL)
    assert_allclose(an["df2"], col(rows, "df2"), rtol=RTOL)
    assert_allclose(an["p_unc"], col(rows, "p"), rtol=RTOL)
    assert_allclose(an["eta_sq"], col(rows, "eta_sq"), rtol=RTOL)  # SSB / SST from aov
    assert_allclose(an["omega_sq"], col(rows, "omega_sq"), rtol=RTOL)
    assert_allclose(an["n"], col(rows, "n"))
    # R: oneway.test(y ~ g, var.equal = FALSE)
    assert_allclose(wa["f"], col(rows, "welch_f"), rtol=RTOL)
    assert_allclose(wa["df2"], col(rows, "welch_df2"), rtol=RTOL)
    assert_allclose(wa["p_unc"], col(rows, "welch_p"), rtol=RTOL)
    # R: kruskal.test(y ~ g)
    assert_allclose(kw["h"], col(rows, "kw_h"), rtol=RTOL)
    assert_allclose(kw["p_unc"], col(rows, "kw_p"), rtol=RTOL)
    # R: p.adjust(p, "holm") across the dimensions
    assert_allclose(kw["p_adj"], sq.p_adjust(col(rows, "kw_p"), "holm"), rtol=RTOL)
    # scipy.stats.f_oneway / kruskal
    g = sq.respondent_scores(bank, level="dimension")
    seg = bank.segment("branch")
    for d in DIMS:
        xs = [g[d][(seg == c) & g[d].notna()].to_numpy() for c in ["centre", "north", "south"]]
        assert_allclose(an.loc[d, "f"], stats.f_oneway(*xs).statistic, rtol=RTOL)
        h = stats.kruskal(*[np.round(x, 10) for x in xs]).statistic
        assert_allclose(kw.loc[d, "h"], h, rtol=RTOL)
        assert_allclose(wa.loc[d, "f"], stats.f_oneway(*xs, equal_var=False).statistic, rtol=RTOL)


def test_tukey_matches_r_and_scipy(bank):
    res = sq.compare_groups(bank, by="branch", method="anova", post_hoc="tukey")
    ph = res.post_hoc
    assert list(ph.columns) == [
        "dimension",
        "group_a",
        "group_b",
        "diff",
        "se",
        "q",
        "df",
        "p_adj",
        "ci_low",
        "ci_high",
    ]
    g = sq.respondent_scores(bank, level="dimension")
    seg = bank.segment("branch")
    for k, d in enumerate(DIMS):
        sub = ph[ph["dimension"] == d]
        r = REF["branch_gap"][
            k
        ]  # R: TukeyHSD(aov(y ~ g))$g, rows north-centre, south-centre, south-north
        assert r["tukey_pairs"] == ["north-centre", "south-centre", "south-north"]
        assert_allclose(sub["diff"], r["tukey_diff"], rtol=RTOL)
        assert_allclose(sub["p_adj"], r["tukey_p"], rtol=1e-5, atol=1e-9)  # ptukey vs scipy quad.
        assert_allclose(sub["ci_low"], r["tukey_low"], atol=2e-4)  # R qtukey eps = 1e-4
        assert_allclose(sub["ci_high"], r["tukey_high"], atol=2e-4)
        xs = [g[d][(seg == c) & g[d].notna()].to_numpy() for c in ["centre", "north", "south"]]
        th = stats.tukey_hsd(*xs)  # scipy.stats.tukey_hsd: statistic[i, j] = mean_i - mean_j
        ci = th.confidence_interval(0.95)
        for row, (i, j) in zip(sub.itertuples(), [(0, 1), (0, 2), (1, 2)], strict=True):
            assert_allclose(row.diff, th.statistic[j, i], rtol=RTOL)
            assert_allclose(row.p_adj, th.pvalue[j, i], rtol=1e-6, atol=1e-12)
            assert_allclose([row.ci_low, row.ci_high], [ci.low[j, i], ci.high[j, i]], rtol=1e-6)


def games_howell_numpy(xs, conf=0.95):
    """Independent Games-Howell: Welch t and df, p = P(Q > sqrt(2)|t|)."""
    k = len(xs)
    out = []
    for i in range(k):
        for j in range(i + 1, k):
            a, b = xs[i], xs[j]
            va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
            t = (b.mean() - a.mean()) / np.sqrt(va + vb)
            df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
            p = stats.studentized_range.sf(np.sqrt(2) * abs(t), k, df)
            half = stats.studentized_range.ppf(conf, k, df) / np.sqrt(2) * np.sqrt(va + vb)
            out.append((b.mean() - a.mean(), df, p, b.mean() - a.mean() - half))
    return np.array(out)


def test_games_howell_matches_numpy_and_r(bank):
    res = sq.compare_groups(bank, by="branch", post_hoc="games_howell")
    assert res.method == "welch_anova"  # auto with 3 groups
    ph = res.post_hoc
    g = sq.respondent_scores(bank, level="dimension")
    seg = bank.segment("branch")
    for k, d in enumerate(DIMS):
        sub = ph[ph["dimension"] == d]
        xs = [g[d][(seg == c) & g[d].notna()].to_numpy() for c in ["centre", "north", "south"]]
        ref = games_howell_numpy(xs)
        assert_allclose(sub[["diff", "df", "p_adj", "ci_low"]].to_numpy(), ref, rtol=1e-9)
        gh = REF["branch_gap"][k]["games_howell"]  # R: ptukey(q, k, df, lower.tail = FALSE)
        assert_allclose(sub["diff"], col(gh, "diff"), rtol=RTOL)
        assert_allclose(sub["df"], col(gh, "df"), rtol=RTOL)
        assert_allclose(sub["p_adj"], col(gh, "p"), rtol=1e-5, atol=1e-9)
        assert_allclose(sub["ci_low"], col(gh, "ci_low"), atol=2e-4)  # qtukey eps = 1e-4
        assert_allclose(sub["ci_high"], col(gh, "ci_high"), atol=2e-4)


def test_welch_two_groups_match_r(bank):
    res = sq.compare_groups(bank, by="channel")
    assert res.method == "welch"
    tab = res.to_frame()
    rows = REF["channel_gap"]  # R: t.test(y ~ channel) (Welch); pooled-SD d and exact-J g
    for key in [
        "t",
        "df",
        "ci_low",
        "ci_high",
        "mean_1",
        "mean_2",
        "cohen_d",
        "hedges_g",
        "n_1",
        "n_2",
    ]:
        assert_allclose(tab[key], col(rows, key), rtol=RTOL, err_msg=key)
    assert_allclose(tab["p_unc"], col(rows, "p"), rtol=RTOL)
    g = sq.respondent_scores(bank, level="dimension")
    seg = bank.segment("channel")
    for d in DIMS:
        a = g[d][(seg == "branch") & g[d].notna()]
        b = g[d][(seg == "online") & g[d].notna()]
        sp = stats.ttest_ind(a, b, equal_var=False)  # scipy.stats.ttest_ind(equal_var=False)
        assert_allclose(
            [tab.loc[d, "t"], tab.loc[d, "p_unc"]], [sp.statistic, sp.pvalue], rtol=RTOL
        )


def test_group_perception_overall_and_small_match_r(bank, small):
    tab = sq.compare_groups(
        bank, by="branch", score="perception", level="overall", method="anova"
    ).to_frame()
    r = REF["branch_perception_overall"]  # R: oneway.test(rowMeans(P) ~ branch, var.equal = TRUE)
    assert_allclose(
        [tab["f"].iloc[0], tab["p_unc"].iloc[0], tab["eta_sq"].iloc[0]],
        [r["f"], r["p"], r["eta_sq"]],
        rtol=RTOL,
    )
    res = sq.compare_groups(small, by="grp", method="anova", post_hoc="tukey")
    r = REF["small"]["speed_groups"]
    t = res.to_frame().loc["speed"]
    assert_allclose([t["f"], t["p_unc"], t["omega_sq"]], [r["f"], r["p"], r["omega_sq"]], rtol=RTOL)
    ph = res.post_hoc
    assert_allclose(ph.loc[ph["dimension"] == "speed", "p_adj"], r["tukey_p"], rtol=1e-5)
    kw = sq.compare_groups(small, by="grp", method="kruskal").to_frame().loc["speed"]
    assert_allclose([kw["h"], kw["p_unc"]], [r["kw_h"], r["kw_p"]], rtol=RTOL)
    desc = res.descriptives
    assert desc.loc[("speed", "a"), "n"] == 5


def test_compare_groups_item_level_and_columns(bank):
    res = sq.compare_groups(bank, by="branch", level="item", method="kruskal")
    tab = res.to_frame()
    assert list(tab.columns) == [
        "dimension",
        "h",
        "df",
        "p_unc",
        "p_adj",
        "eta_sq_h",
        "n_groups",
        "n",
    ]
    assert len(tab) == 22 and res.post_hoc is None
    an = sq.compare_groups(bank, by="branch", method="anova").to_frame()
    assert list(an.columns) == [
        "f",
        "df1",
        "df2",
        "p_unc",
        "p_adj",
        "eta_sq",
        "omega_sq",
        "n_groups",
        "n",
    ]


def test_compare_groups_warns_about_weights():
    survey = sq.load_example("retail_bank", weights=np.asarray(REF["weights"]))
    with pytest.warns(ServqualWarning, match="ignores survey weights"):
        sq.compare_groups(survey, by="channel", level="overall")


# ----------------------------------------------------------------------------- bad input
def test_segment_with_one_respondent(small_frame):
    frame = small_frame.copy()
    frame.loc[0, "grp"] = "lonely"
    survey = sq.Survey(frame, mini_instrument(), segments="grp")
    with pytest.raises(InsufficientDataError, match=r"'lonely' \(n=1\)"):
        sq.compare_groups(survey, by="grp", method="welch_anova")  # anova: tests/test_groups.py


def test_constant_differences_raise(small_frame):
    frame = small_frame.copy()
    frame[[f"P{i}" for i in (6, 7)]] = 5
    frame[[f"E{i}" for i in (6, 7)]] = 4
    survey = sq.Survey(frame, mini_instrument(), segments="grp")
    with pytest.raises(DataError, match="care"):
        sq.paired_tests(survey, level="dimension")
    with pytest.raises(DataError, match="singular"):
        sq.hotelling_test(survey)  # the care gap is constant
    frame[[f"E{i}" for i in (6, 7)]] = 5
    survey = sq.Survey(frame, mini_instrument(), segments="grp")
    with pytest.raises(DataError, match="every difference is zero for 'care'"):
        sq.paired_tests(survey, level="dimension", method="wilcoxon")
    with pytest.raises(DataError, match="'care'"):
        sq.compare_groups(survey, by="grp", method="welch_anova")


def test_bad_options(bank):
    with pytest.raises(DataError, match="'nope'"):
        sq.paired_tests(bank, p_adjust="nope")
    with pytest.raises(DataError, match="'sideways'"):
        sq.paired_tests(bank, alternative="sideways")
    with pytest.raises(DataError, match="'z'"):
        sq.paired_tests(bank, method="z")
    with pytest.raises(DataError, match="alternative='less'"):
        sq.compare_groups(bank, by="branch", alternative="less")
    with pytest.raises(DataError, match="3"):
        sq.compare_groups(bank, by="branch", method="welch")
    with pytest.raises(DataError, match="Kruskal"):
        sq.compare_groups(bank, by="branch", method="kruskal", post_hoc="tukey")
    with pytest.raises(MissingColumnError, match="'region'"):
        sq.compare_groups(bank, by="region")
    with pytest.raises(ServqualError):
        sq.paired_tests(pd.DataFrame({"a": [1]}))
    with pytest.raises(DataError, match="confidence_level"):
        sq.paired_tests(bank, confidence_level=95)


def test_too_few_pairs(small_frame):
    frame = small_frame.copy()
    frame.loc[1:, "P6"] = np.nan
    survey = sq.Survey(frame, mini_instrument())
    with pytest.raises(InsufficientDataError, match="care"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sq.paired_tests(survey, level="dimension")


def test_hotelling_warns_about_weights_and_needs_respondents(small_frame):
    survey = sq.Survey(small_frame, mini_instrument(), weights="w")
    with pytest.warns(ServqualWarning, match="ignores survey weights"):
        sq.hotelling_test(survey)
    tiny = sq.Survey(small_frame.iloc[:2], mini_instrument())
    with pytest.raises(InsufficientDataError, match="only 2"):
        sq.hotelling_test(tiny)


def test_walsh_averages_from_distinct_values_equal_the_full_set():
    from servqual.inference import _Walsh

    rng = np.random.default_rng(0)
    for n in (5, 6, 17, 40):
        x = np.round(rng.normal(size=n) * 3) / 2  # ties, as survey differences have
        i, j = np.triu_indices(n)
        full = np.sort((x[i] + x[j]) / 2)
        w = _Walsh(x)
        assert w.total == len(full)
        assert_allclose([w.order_stat(k + 1) for k in range(len(full))], full, rtol=0)
        assert w.median() == np.median(full)


def test_welch_one_sided_agrees_with_scipy(bank):
    g = sq.respondent_scores(bank, level="overall")["overall"]
    seg = bank.segment("channel")
    a = g[(seg == "branch") & g.notna()]
    b = g[(seg == "online") & g.notna()]
    for alt in ("less", "greater"):
        tab = sq.compare_groups(bank, by="channel", level="overall", alternative=alt).to_frame()
        sp = stats.ttest_ind(a, b, equal_var=False, alternative=alt)  # scipy, Welch one-sided
        assert_allclose(tab["p_unc"].iloc[0], sp.pvalue, rtol=RTOL)
        ci = sp.confidence_interval(0.95)
        assert_allclose([tab["ci_low"].iloc[0], tab["ci_high"].iloc[0]], [ci.low, ci.high])
