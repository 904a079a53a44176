"""Paired tests, group comparisons, drivers and power on the other perspectives.

The SERVQUAL-22 E/P case is covered in test_inference.py; here the references are
the desired level (MSS, zone of tolerance), the adequate level (MSA), a constant
specification (conformance: a one-sample t-test), the sacrifice score (value),
importance- and survey-weighted overall scores, item-level group comparisons with
unequal group sizes, key drivers on the 22 gap items and one-sided power.

Every figure comes from tests/reference/make_inference_perspectives.R (stored in
inference_perspectives.json). Closed forms at rtol=1e-6; studentized-range p-values
at rtol=1e-5 (R ptukey vs scipy quadrature); R qtukey limits at atol=2e-4 (qtukey
iterates to eps = 1e-4); R wilcox.test asymptotic limits at atol=2e-4 (uniroot
tol = 1e-4).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import servqual as sq

REF = json.loads((Path(__file__).parent / "reference" / "inference_perspectives.json").read_text())
DATA = Path(sq.__file__).parent / "datasets" / "data"
RTOL = 1e-6


def col(rows, key):
    rows = rows.values() if isinstance(rows, dict) else rows
    return np.array([r[key] for r in rows], dtype=float)


@pytest.fixture(scope="module")
def zot():
    return sq.load_example("zone_of_tolerance")


@pytest.fixture(scope="module")
def bank():
    return sq.load_example("retail_bank")


# ------------------------------------------------------------------ zone of tolerance
def test_zot_mss_dimension_matches_r(zot):
    res = sq.paired_tests(zot, level="dimension", reference="desired")
    tab = res.to_frame()
    assert res.reference == "D"
    ref = REF["zot_mss_dim"]
    # R: t.test(P_dim, D_dim, paired = TRUE)
    assert_allclose(tab["t"], col(ref, "t"), rtol=RTOL)
    assert_allclose(tab["df"], col(ref, "df"), rtol=RTOL)
    assert_allclose(tab["p_unc"], col(ref, "p"), rtol=RTOL)
    assert_allclose(tab["diff"], col(ref, "estimate"), rtol=RTOL)
    assert_allclose(tab["ci_low"], col(ref, "ci_low"), rtol=RTOL)
    assert_allclose(tab["ci_high"], col(ref, "ci_high"), rtol=RTOL)
    # R: p.adjust(p, "holm")
    assert_allclose(tab["p_adj"], REF["zot_mss_dim_p_holm"], rtol=RTOL)
    # "D" and "desired" name the same reference
    pd.testing.assert_frame_equal(
        tab, sq.paired_tests(zot, level="dimension", reference="D").to_frame()
    )


def test_zot_mss_item_one_sided_matches_r(zot):
    tab = sq.paired_tests(
        zot, level="item", reference="D", alternative="less", confidence_level=0.9
    ).to_frame()
    ref = REF["zot_mss_item_less90"]
    # R: t.test(P_j, D_j, paired = TRUE, alternative = "less", conf.level = 0.9)
    assert_allclose(tab["t"], col(ref, "t"), rtol=RTOL)
    assert_allclose(tab["p_unc"], col(ref, "p"), rtol=RTOL)
    assert_allclose(tab["ci_high"], col(ref, "ci_high"), rtol=RTOL)
    assert np.all(np.isneginf(tab["ci_low"]))


def test_zot_mss_wilcoxon_matches_r(zot):
    tab = sq.paired_tests(zot, level="dimension", reference="D", method="wilcoxon").to_frame()
    ref = REF["zot_mss_wilcox"]
    # R: wilcox.test(round(P - D, 10), conf.int = TRUE)
    assert_allclose(tab["v"], col(ref, "v"), rtol=RTOL)
    assert_allclose(tab["p_unc"], col(ref, "p"), rtol=RTOL)
    assert_allclose(tab["ci_low"], col(ref, "ci_low"), atol=2e-4)  # uniroot tol = 1e-4
    assert_allclose(tab["ci_high"], col(ref, "ci_high"), atol=2e-4)


def test_zot_msa_overall_matches_r(zot):
    tab = sq.paired_tests(zot, level="overall").to_frame()
    ref = REF["zot_msa_overall"]
    # R: t.test(rowMeans(P_dims), rowMeans(A_dims), paired = TRUE)
    got = tab[["t", "p_unc", "ci_low", "ci_high"]].iloc[0].to_numpy(dtype=float)
    assert_allclose(got, [ref["t"], ref["p"], ref["ci_low"], ref["ci_high"]], rtol=RTOL)


def test_zot_compare_branches_on_mss(zot):
    res = sq.compare_groups(zot, by="branch", score="mss", level="overall")
    assert list(res.groups) == REF["zot_branch_levels"]
    ref = REF["zot_branch_overall_mss"]
    # R: t.test(y[branch == "east"], y[branch == "west"]), y = overall P - D
    got = res.to_frame()[["t", "df", "p_unc", "ci_low", "ci_high"]].iloc[0].to_numpy(float)
    assert_allclose(got, [ref[k] for k in ("t", "df", "p", "ci_low", "ci_high")], rtol=RTOL)


# ------------------------------------------------------------------ conformance
def test_conformance_is_one_sample_t_against_the_spec():
    survey = sq.load_example("conformance")
    res = sq.paired_tests(survey, level="item")
    tab = res.to_frame()
    assert res.reference == "spec"
    assert repr(res).startswith("One-sample t-test (P vs spec")
    spec = np.array([i.spec for i in survey.instrument.quality_items])
    assert_allclose(tab["mean_reference"], spec, rtol=0)
    ref = REF["conf_item"]
    # R: t.test(P_j, mu = spec_j); R's interval is for mean(P), ours for mean(P) - spec
    assert_allclose(tab["t"], col(ref, "t"), rtol=RTOL)
    assert_allclose(tab["df"], col(ref, "df"), rtol=RTOL)
    assert_allclose(tab["p_unc"], col(ref, "p"), rtol=RTOL)
    assert_allclose(tab["ci_low"] + spec, col(ref, "ci_low"), rtol=RTOL)
    assert_allclose(tab["ci_high"] + spec, col(ref, "ci_high"), rtol=RTOL)
    # the gap's SD is the perception's SD (the reference does not vary)
    p = survey.item_scores(score="perception")
    assert_allclose(tab["sd_diff"], p.std(ddof=1).to_numpy(), rtol=1e-12)


def test_conformance_wilcoxon_is_one_sample_against_the_spec():
    survey = sq.load_example("conformance")
    tab = sq.paired_tests(survey, level="item", method="wilcoxon").to_frame()
    spec = tab["mean_reference"].to_numpy()
    ref = REF["conf_item_wilcox"]
    # R: wilcox.test(P_j, mu = spec_j, conf.int = TRUE) (interval for the pseudo-median of P)
    assert_allclose(tab["v"], col(ref, "v"), rtol=RTOL)
    assert_allclose(tab["p_unc"], col(ref, "p"), rtol=RTOL)
    assert_allclose(tab["ci_low"] + spec, col(ref, "ci_low"), atol=2e-4)  # uniroot tol 1e-4
    assert_allclose(tab["ci_high"] + spec, col(ref, "ci_high"), atol=2e-4)


def test_conformance_dimension_greater_matches_r():
    survey = sq.load_example("conformance")
    two = sq.paired_tests(survey, level="dimension").to_frame()
    gr = sq.paired_tests(survey, level="dimension", alternative="greater").to_frame()
    ref, ref_g = REF["conf_dim"], REF["conf_dim_greater"]
    spec = two["mean_reference"].to_numpy()
    # R: t.test(rowMeans(P_dim), mu = mean(spec_dim))
    assert_allclose(two["t"], col(ref, "t"), rtol=RTOL)
    assert_allclose(two["p_unc"], col(ref, "p"), rtol=RTOL)
    assert_allclose(two["ci_low"] + spec, col(ref, "ci_low"), rtol=RTOL)
    # R: t.test(..., alternative = "greater")
    assert_allclose(gr["p_unc"], col(ref_g, "p"), rtol=RTOL)
    assert_allclose(gr["ci_low"] + spec, col(ref_g, "ci_low"), rtol=RTOL)
    assert np.all(np.isposinf(gr["ci_high"]))


# ------------------------------------------------------------------ value
def test_value_quality_against_sacrifice_matches_r():
    survey = sq.load_example("value")
    dim = sq.paired_tests(survey, level="dimension").to_frame()
    item = sq.paired_tests(survey, level="item").to_frame()
    keys = ["t", "p_unc", "ci_low", "ci_high"]
    rkeys = ["t", "p", "ci_low", "ci_high"]
    # R: t.test(rowMeans(P1:P4), rowMeans(P5:P7), paired = TRUE)
    ref = REF["value_dim"]
    assert_allclose(dim[keys].iloc[0].to_numpy(float), [ref[k] for k in rkeys], rtol=RTOL)
    # R: t.test(P_j, rowMeans(P5:P7), paired = TRUE), j = 1..4
    got = item[keys].to_numpy(float)
    assert_allclose(got, [[r[k] for k in rkeys] for r in REF["value_item"]], rtol=RTOL)


# ------------------------------------------------------------------ weighted overall
def test_overall_survey_weighted_matches_svyttest():
    ref = REF["bank_overall_svy"]
    raw = pd.read_csv(DATA / "retail_bank.csv")
    survey = sq.Survey(
        raw,
        sq.instruments.servqual22(),
        segments=["branch", "channel"],
        weights=np.array(ref["weights"]),
    )
    res = sq.paired_tests(survey, level="overall")
    assert res.survey_weighted
    tab = res.to_frame()
    # R: svymean(~g, des); svyttest(g ~ 0, des)$statistic; confint(svymean, df = degf(des))
    got = tab[["diff", "t", "df", "p_unc", "ci_low", "ci_high"]].iloc[0].to_numpy(float)
    want = [ref[k] for k in ("diff", "t", "df", "p", "ci_low", "ci_high")]
    assert_allclose(got, want, rtol=RTOL)


def test_overall_importance_weighted_matches_r(bank):
    res = sq.paired_tests(bank, level="overall", weighted=True)
    assert res.weighted
    assert "importance-weighted" in repr(res)
    tab = res.to_frame()
    ref = REF["bank_overall_importance"]
    # R: t.test(rowSums(P_dim * imp / 100), rowSums(E_dim * imp / 100), paired = TRUE)
    got = tab[["diff", "t", "df", "p_unc", "ci_low", "ci_high"]].iloc[0].to_numpy(float)
    want = [ref[k] for k in ("estimate", "t", "df", "p", "ci_low", "ci_high")]
    assert_allclose(got, want, rtol=RTOL)
    # the same weighted gap as gap_scores(weighted=True)
    gs = sq.gap_scores(bank, level="overall", weighted=True).to_frame()
    assert_allclose(tab["diff"], gs["gap"], rtol=1e-12)
    assert_allclose(tab[["ci_low", "ci_high"]], gs[["ci_low", "ci_high"]], rtol=1e-12)
    dim = sq.paired_tests(bank, level="dimension", weighted=True).to_frame()
    gsd = sq.gap_scores(bank, level="dimension", weighted=True).to_frame()
    assert_allclose(dim["diff"], gsd["gap"], rtol=1e-12)


def test_weighted_needs_importance_and_a_bool(zot, bank):
    with pytest.raises(sq.ImportanceWeightError, match="importance"):
        sq.paired_tests(zot, level="overall", weighted=True)
    with pytest.raises(sq.DataError, match="weighted"):
        sq.paired_tests(bank, level="overall", weighted="yes")
    summary = sq.SurveySummary.from_survey(bank)
    with pytest.raises(sq.CapabilityError, match=r"Importance weighting.*SurveySummary"):
        sq.paired_tests(summary, level="overall", weighted=True)


# ------------------------------------------------------------------ group comparisons
def test_branch_perception_items_anova_and_tukey_match_r(bank):
    # branch sizes 76 / 82 / 54: Tukey-Kramer with unequal n
    res = sq.compare_groups(
        bank, by="branch", score="perception", level="item", method="anova", post_hoc="tukey"
    )
    tab, ph = res.to_frame(), res.post_hoc
    ref = REF["branch_item"]
    # R: summary(aov(P_j ~ branch)); TukeyHSD(aov(P_j ~ branch))
    assert_allclose(tab["f"], col(ref, "f"), rtol=RTOL)
    assert_allclose(tab["p_unc"], col(ref, "p"), rtol=RTOL)
    assert_allclose(tab["n"], col(ref, "n"), rtol=0)
    for j, code in enumerate(tab.index):
        sub = ph[ph["item"] == code]
        r = ref[j]
        # R's pair "b-a" is our (group_a = a, group_b = b), diff = mean_b - mean_a
        assert [f"{b}-{a}" for a, b in zip(sub["group_a"], sub["group_b"], strict=True)] == r[
            "tukey_pairs"
        ]
        assert_allclose(sub["diff"], r["tukey_diff"], rtol=RTOL)
        assert_allclose(sub["p_adj"], r["tukey_p"], rtol=1e-5, atol=1e-9)  # ptukey vs scipy
        assert_allclose(sub["ci_low"], r["tukey_low"], atol=2e-4)  # qtukey eps = 1e-4
        assert_allclose(sub["ci_high"], r["tukey_high"], atol=2e-4)


def test_branch_perception_items_welch_anova_games_howell_match_r(bank):
    res = sq.compare_groups(
        bank, by="branch", score="perception", level="item", post_hoc="games_howell"
    )
    assert res.method == "welch_anova"
    tab, ph = res.to_frame(), res.post_hoc
    ref = REF["branch_item"]
    # R: oneway.test(P_j ~ branch, var.equal = FALSE)
    assert_allclose(tab["f"], col(ref, "welch_f"), rtol=RTOL)
    assert_allclose(tab["df2"], col(ref, "welch_df2"), rtol=RTOL)
    assert_allclose(tab["p_unc"], col(ref, "welch_p"), rtol=RTOL)
    gh = [g for r in ref for g in r["games_howell"]]
    # R: explicit Games-Howell with ptukey / qtukey on the Welch df
    assert_allclose(ph["diff"], col(gh, "diff"), rtol=RTOL)
    assert_allclose(ph["df"], col(gh, "df"), rtol=RTOL)
    assert_allclose(ph["p_adj"], col(gh, "p"), rtol=1e-5, atol=1e-9)  # ptukey accuracy
    assert_allclose(ph["ci_low"], col(gh, "ci_low"), atol=2e-4)
    assert_allclose(ph["ci_high"], col(gh, "ci_high"), atol=2e-4)


def test_channel_gap_items_one_sided_match_r(bank):
    res = sq.compare_groups(bank, by="channel", score="gap", level="item", alternative="less")
    assert list(res.groups) == REF["channel_levels"]
    assert res.alternative == "less"
    assert "less" in repr(res).splitlines()[0]
    tab = res.to_frame()
    ref = REF["channel_gap_item_less"]
    # R: t.test(g[channel == "branch"], g[channel == "online"], alternative = "less")
    assert_allclose(tab["t"], col(ref, "t"), rtol=RTOL)
    assert_allclose(tab["df"], col(ref, "df"), rtol=RTOL)
    assert_allclose(tab["p_unc"], col(ref, "p"), rtol=RTOL)
    assert_allclose(tab["ci_high"], col(ref, "ci_high"), rtol=RTOL)


# ------------------------------------------------------------------ drivers on 22 gap items
def test_key_drivers_on_22_gap_items_match_r(bank):
    res = sq.key_drivers(bank, outcome="overall", level="item", score="gap")
    ref = REF["drivers_gap_item"]
    tab = res.to_frame()
    assert res.n == ref["n"]
    # 22 predictors: no exact collinearity (R: kappa(cor(G)) ~ 13, max VIF ~ 1.9), and the
    # exact dominance analysis is skipped by default (2**22 subsets)
    assert ref["max_vif"] < 5
    assert "dominance" not in tab.columns
    # R: coef(lm(y ~ ., d)); coeftest(m, vcov. = vcovHC(m, type = "HC3"))
    assert_allclose(tab["coef"], ref["coef"], rtol=RTOL)
    assert_allclose(tab["se"], ref["se"], rtol=RTOL)
    assert_allclose(tab["p_unc"], ref["p"], rtol=RTOL)
    assert_allclose(res.r_squared, ref["r2"], rtol=RTOL)
    # R: waldtest(m, vcov = vcovHC(m, type = "HC3"), test = "F")$F[2]
    assert_allclose(res.wald_f, ref["wald_f"], rtol=RTOL)
    # R: Johnson's relative weights (explicit eigen formula)
    assert_allclose(tab["raw_weight"], ref["raw_weight"], rtol=RTOL)
    assert_allclose(tab["raw_weight"].sum(), res.r_squared, rtol=1e-10)


def test_ipa_derived_gap_items_match_r(bank):
    ipa = sq.importance_performance(bank, importance="derived", level="item", score="gap")
    ref = REF["ipa_gap_item"]
    tab = ipa.to_frame()
    # R: cor(G[ok, ], overall[ok]) with ok = complete.cases(G, overall)
    assert ipa.n == ref["n"]
    assert_allclose(tab["importance"], ref["r"], rtol=RTOL)
    # R: colMeans(G, na.rm = TRUE)
    assert_allclose(tab["performance"], ref["performance"], rtol=RTOL)


# ------------------------------------------------------------------ one-sided power
def test_one_sided_power_matches_power_t_test():
    ref = REF["power"]
    # R: power.t.test(n = 50, delta = 0.4, type = "two.sample", alternative = "one.sided",
    #                 strict = TRUE)$power
    got = sq.power(0.4, n=50, test="two_sample", alternative="greater").power
    assert_allclose(got, ref["two_one_power"], rtol=RTOL)
    # R: power.t.test(power = 0.9, delta = 0.3, type = "two.sample", alternative = "one.sided")$n
    got = sq.power(0.3, power=0.9, test="two_sample", alternative="greater").n
    assert_allclose(got, ref["two_one_n"], rtol=RTOL)
    # R: power.t.test(n = 60, power = 0.8, type = "paired", alternative = "one.sided")$delta
    got = sq.power(n=60, power=0.8, alternative="greater").effect_size
    assert_allclose(got, ref["paired_one_delta"], rtol=RTOL)
    # "less" looks for the negative effect of the same size
    got = sq.power(n=60, power=0.8, alternative="less").effect_size
    assert_allclose(got, -ref["paired_one_delta"], rtol=RTOL)
    # R: power.t.test(n = 60, power = 0.8, sig.level = 0.01, type = "two.sample",
    #                 alternative = "one.sided")$delta
    got = sq.power(n=60, sig_level=0.01, power=0.8, test="two_sample", alternative="greater")
    assert_allclose(got.effect_size, ref["two_one_delta"], rtol=RTOL)


# ------------------------------------------------------------------ d_z interval
def test_dz_interval_bad_input_raises_instead_of_hanging():
    f = sq.inference.cohen_dz_interval
    with pytest.raises(sq.DataError, match=r"confidence_level.*95"):
        f(3.0, 25, 95)  # used to loop forever
    with pytest.raises(sq.DataError, match=r"t must be finite.*nan"):
        f(float("nan"), 25)  # used to loop forever
    with pytest.raises(sq.DataError, match=r"n must be.*got 1"):
        f(3.0, 1)  # used to divide by zero
    with pytest.raises(sq.DataError, match="alternative='bogus'"):
        f(3.0, 25, 0.95, "bogus")  # used to return a one-sided interval


def test_dz_interval_large_t_solves_the_noncentral_t_exactly():
    # R's pt() loses precision for ncp > ~37 (uniroot gives 27.2337 for the upper limit),
    # so the check is the defining equation itself, with the noncentral-t cdf written
    # as an integral over the chi-square: P(T <= t) = E_V[Phi(t sqrt(V/df) - delta)].
    from scipy import integrate, stats

    t, n = 60.0, 10
    lo, hi = sq.inference.cohen_dz_interval(t, n)

    def cdf(delta):
        def f(v):
            return stats.norm.cdf(t * np.sqrt(v / (n - 1)) - delta) * stats.chi2.pdf(v, n - 1)

        return integrate.quad(f, 0, np.inf, limit=500, epsabs=1e-14)[0]

    assert_allclose(cdf(lo * np.sqrt(n)), 0.975, rtol=1e-8)
    assert_allclose(cdf(hi * np.sqrt(n)), 0.025, rtol=1e-6)
