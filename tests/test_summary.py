"""SurveySummary: the mergeable moments path against R, against the in-memory path, and
its invariants (merging = whole, numerical stability, bad input)."""

import itertools
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import servqual as sq
from servqual.summary import SurveySummary, merge_moments, moments

REF = json.loads((Path(__file__).parent / "reference" / "summary_reference.json").read_text())
DATA = Path(sq.__file__).parent / "datasets" / "data" / "retail_bank.csv"
DIMS = ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]
RTOL_R = 1e-6  # closed forms against R (15 significant digits printed)
RTOL = 1e-10  # summary path against the in-memory path (same arithmetic up to rounding)


def quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.MissingDataWarning)
        return fn(*args, **kw)


@pytest.fixture(scope="module")
def bank_frame():
    return pd.read_csv(DATA, index_col="respondent")


@pytest.fixture(scope="module")
def bank_summary(bank_frame):
    return SurveySummary.from_frame(bank_frame, "servqual22", segments=["branch", "channel"])


@pytest.fixture(scope="module")
def bank_listwise(bank_frame):
    return quiet(
        sq.Survey, bank_frame, "servqual22", segments=["branch", "channel"], nan_policy="listwise"
    )


def assert_same_table(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=RTOL, atol=1e-12)


# ----------------------------------------------------------------------------- against R
def test_counts_match_r_complete_cases(bank_summary):
    # R: nrow(bank[complete.cases(bank[, rating_cols]), ])
    assert bank_summary.n == REF["n"]
    assert bank_summary.n_dropped == REF["n_dropped"]
    assert bank_summary.n_read == REF["n"] + REF["n_dropped"]


def test_dimension_gaps_match_r(bank_summary):
    # R: g <- rowMeans(P[, items]) - rowMeans(E[, items]) on complete cases; t.test(g)
    t = sq.gap_scores(bank_summary, level="dimension").to_frame()
    for d in DIMS:
        r = REF["dimension"][d]
        for col in ("gap", "sd", "ci_low", "ci_high", "share_meeting"):
            assert_allclose(t.loc[d, col], r[col], rtol=RTOL_R, err_msg=f"{d} {col}")
        assert t.loc[d, "n"] == r["n"]


def test_gaps_by_segment_match_r(bank_summary):
    # R: t.test(g) within each branch of the complete cases
    t = sq.gap_scores(bank_summary, level="dimension", by="branch").to_frame()
    for b, dims in REF["by_branch"].items():
        for d in DIMS:
            r = dims[d]
            assert_allclose(
                t.loc[(b, d), ["gap", "sd", "ci_low", "ci_high"]].to_numpy(dtype=float),
                [r["gap"], r["sd"], r["ci_low"], r["ci_high"]],
                rtol=RTOL_R,
            )
            assert t.loc[(b, d), "n"] == r["n"]


def test_overall_gap_matches_r(bank_summary):
    # R: t.test(rowMeans(G)) with G the dimension gaps
    t = sq.gap_scores(bank_summary, level="overall").to_frame()
    r = REF["overall"]
    assert_allclose(
        t.loc["overall", ["gap", "sd", "ci_low", "ci_high", "share_meeting"]].to_numpy(float),
        [r["gap"], r["sd"], r["ci_low"], r["ci_high"], r["share_meeting"]],
        rtol=RTOL_R,
    )


def test_paired_t_and_dz_match_r(bank_summary):
    # R: t.test(P_j, E_j, paired = TRUE)$statistic / $parameter / $p.value; mean(d)/sd(d)
    t = sq.paired_tests(bank_summary, level="item", p_adjust=None).to_frame()
    ref = pd.DataFrame(REF["paired"])
    assert_allclose(t["t"], ref["t"], rtol=RTOL_R)
    assert_allclose(t["df"], ref["df"])
    assert_allclose(t["p_unc"], ref["p"], rtol=RTOL_R)
    assert_allclose(t["cohen_dz"], ref["dz"], rtol=RTOL_R)


def test_paired_t_matches_scipy(bank_listwise, bank_summary):
    # scipy.stats.ttest_rel on the listwise survey, one-sided too
    from scipy import stats

    p = bank_listwise.ratings("P").to_numpy()
    e = bank_listwise.ratings("E").to_numpy()
    for alt in ("two-sided", "less", "greater"):
        res = stats.ttest_rel(p, e, alternative=alt)
        t = sq.paired_tests(bank_summary, level="item", alternative=alt, p_adjust=None).to_frame()
        assert_allclose(t["t"], res.statistic, rtol=RTOL)
        assert_allclose(t["p_unc"], res.pvalue, rtol=1e-8)


def test_covariance_and_correlation_match_r(bank_summary):
    # R: cov(P), cor(P), cov(P - E) on complete cases
    assert_allclose(bank_summary.covariance("perception"), np.array(REF["cov_P"]), rtol=RTOL_R)
    assert_allclose(bank_summary.correlation("P"), np.array(REF["cor_P"]), rtol=RTOL_R)
    assert_allclose(bank_summary.covariance("gap"), np.array(REF["cov_gap"]), rtol=RTOL_R)


# ----------------------------------------------------------------------------- vs in-memory
@pytest.mark.parametrize("level", ["item", "dimension", "overall"])
@pytest.mark.parametrize("by", [None, "branch", ["branch", "channel"]])
def test_gap_scores_equal_in_memory_listwise(bank_listwise, bank_summary, level, by):
    a = sq.gap_scores(bank_listwise, level=level, by=by).to_frame()
    b = sq.gap_scores(bank_summary, level=level, by=by).to_frame()
    assert_same_table(a, b)


@pytest.mark.parametrize("level", ["item", "dimension", "overall"])
def test_weighted_by_instrument_weights_equal_in_memory(bank_frame, level):
    w = {"tangibles": 10, "reliability": 30, "responsiveness": 20, "assurance": 20, "empathy": 20}
    inst = sq.instruments.servqual22(weights=w)
    mem = quiet(sq.Survey, bank_frame, inst, segments="branch", nan_policy="listwise")
    s = SurveySummary.from_frame(bank_frame, inst, segments="branch")
    for by in (None, "branch"):
        a = sq.gap_scores(mem, level=level, by=by, weighted=True).to_frame()
        assert_same_table(a, sq.gap_scores(s, level=level, by=by, weighted=True).to_frame())


@pytest.mark.parametrize(
    ("name", "refs"),
    [
        ("zone_of_tolerance", ["A", "D", "adequate"]),
        ("excellence", ["D", "C", "max"]),
        ("conformance", ["spec", "max"]),
        ("value", ["sacrifice"]),
    ],
)
def test_all_perspectives_equal_in_memory(name, refs):
    survey = sq.load_example(name)
    inst = survey.instrument
    frame = pd.concat({r: survey.ratings(r) for r in inst.ratings}, axis=1)
    frame.columns = [f"{r}{inst.item(c).number}" for r, c in frame.columns]
    # reverse-keyed items are recoded by Survey; undo it so the frame holds raw answers
    lo, hi = inst.scale.low, inst.scale.high
    for r in inst.ratings:
        for it in inst.items:
            if it.reverse:
                frame[f"{r}{it.number}"] = lo + hi - frame[f"{r}{it.number}"]
    mem = quiet(sq.Survey, frame, inst, nan_policy="listwise")
    s = SurveySummary.from_frame(frame, inst)
    for ref in refs:
        for level in ("item", "dimension", "overall"):
            a = sq.gap_scores(mem, level=level, reference=ref).to_frame()
            b = sq.gap_scores(s, level=level, reference=ref).to_frame()
            assert_same_table(a, b)


def test_covariance_equals_pandas(bank_listwise, bank_summary):
    for score in ("perception", "expectation", "gap"):
        a = bank_listwise.item_scores(score).cov()
        assert_allclose(bank_summary.covariance(score), a, rtol=RTOL)
    a = bank_listwise.item_scores("P", dimension="empathy").corr()
    assert_allclose(bank_summary.correlation("P", dimension="empathy"), a, rtol=RTOL)
    assert list(bank_summary.correlation("P", dimension="empathy").index) == list(a.index)


# ----------------------------------------------------------------------------- merging
def test_merge_of_uneven_chunks_equals_whole(bank_frame):
    rng = np.random.default_rng(7)
    cuts = np.sort(rng.choice(np.arange(1, len(bank_frame)), size=17, replace=False))
    bounds = [0, *cuts.tolist(), len(bank_frame)]
    parts = [
        SurveySummary.from_frame(bank_frame.iloc[a:b], "servqual22", segments="branch")
        for a, b in itertools.pairwise(bounds)
    ]
    rng.shuffle(parts)  # merge order does not matter
    merged = SurveySummary.merge_all(parts)
    whole = SurveySummary.from_frame(bank_frame, "servqual22", segments="branch")
    assert merged.n == whole.n and merged.n_dropped == whole.n_dropped
    for key in whole.segment_keys:
        a, b = merged._blocks[key], whole._blocks[key]
        assert a.n == b.n
        assert_allclose(a.mean, b.mean, rtol=1e-10)
        assert_allclose(a.m2, b.m2, rtol=1e-10, atol=1e-9)
        for k in b.meets:
            np.testing.assert_array_equal(a.meets[k], b.meets[k])
    sequential = parts[0]
    for p in parts[1:]:
        sequential = sequential + p
    assert_same_table(
        sq.gap_scores(sequential, level="item", by="branch").to_frame(),
        sq.gap_scores(whole, level="item", by="branch").to_frame(),
    )


def test_pairwise_update_beats_raw_sums_on_large_offset():
    rng = np.random.default_rng(1)
    x = 1e9 + rng.normal(size=(100_000, 3))
    exact = np.cov(x - 1e9, rowvar=False)  # shifting is exact here: reference covariance
    acc = moments(x[:1])
    sizes = rng.integers(1, 5000, size=200)
    start = 1
    for s in sizes:
        if start >= len(x):
            break
        acc = merge_moments(acc, moments(x[start : start + s]))
        start += s
    acc = merge_moments(acc, moments(x[start:]))
    n, _, m2 = acc
    assert n == len(x)
    pairwise = m2 / (n - 1)
    # error relative to the variances (≈1): the stored values themselves carry 1e-7 ulps
    assert_allclose(pairwise, exact, rtol=0, atol=1e-7)
    # textbook raw sums of squares: Σx² − n x̄² cancels catastrophically at 1e9
    s1 = x.sum(axis=0)
    s2 = x.T @ x
    raw = (s2 - np.outer(s1, s1) / n) / (n - 1)
    assert np.max(np.abs(raw - exact)) > 1e3 * np.max(np.abs(pairwise - exact))


@pytest.mark.parametrize("level", ["item", "dimension", "overall"])
def test_sd_of_nearly_constant_gap_has_no_cancellation(level):
    # issue 13: P − E constant up to 1e-16 noise while the ratings vary. aᵀ (M2/(n−1)) a
    # gave SD ≈ 3e-8 (item) where the data give ≈ 1e-16, for any chunk size.
    rng = np.random.default_rng(13)
    n = 2000
    e = rng.uniform(1, 6, size=(n, 22))
    p = e + 0.5 + 1e-16 * rng.standard_normal((n, 22))
    cols = [f"E{j}" for j in range(1, 23)] + [f"P{j}" for j in range(1, 23)]
    frame = pd.DataFrame(np.hstack([e, p]), columns=cols)
    data_sd = sq.gap_scores(sq.Survey(frame, "servqual22"), level=level).to_frame()["sd"]
    assert data_sd.max() < 1e-15
    for size in (n, 1000, 333, 7):  # one chunk, even chunks, uneven chunks
        parts = [
            SurveySummary.from_frame(frame.iloc[a : a + size], "servqual22")
            for a in range(0, n, size)
        ]
        sd = sq.gap_scores(SurveySummary.merge_all(parts), level=level).to_frame()["sd"]
        # both are rounding noise of ~eps·|rating|: agree to 1e-15 absolute (was 3e-8)
        assert_allclose(sd.to_numpy(), data_sd.to_numpy(), rtol=0, atol=1e-15)


def test_merge_is_exact_for_moments_of_known_data():
    x = np.arange(20.0).reshape(10, 2) ** 1.5
    n, mean, m2 = merge_moments(moments(x[:3]), moments(x[3:]))
    assert n == 10
    assert_allclose(mean, x.mean(axis=0), rtol=1e-14)
    assert_allclose(m2 / 9, np.cov(x, rowvar=False), rtol=1e-12)
    assert merge_moments(moments(x[:0]), moments(x))[0] == 10


# ----------------------------------------------------------------------------- invariants
def test_input_frame_unchanged(bank_frame):
    before = bank_frame.copy()
    sq.gap_scores(SurveySummary.from_frame(bank_frame, "servqual22", segments="branch"))
    pd.testing.assert_frame_equal(bank_frame, before)


def test_from_survey_equals_from_frame(bank_frame, bank_summary):
    survey = sq.Survey(bank_frame, "servqual22", segments=["branch", "channel"])
    s = SurveySummary.from_survey(survey)
    assert_same_table(
        sq.gap_scores(s, level="item").to_frame(),
        sq.gap_scores(bank_summary, level="item").to_frame(),
    )
    assert s.n_dropped == 4 and len(s.dropped_rows) == 4


def test_column_order_does_not_matter(bank_frame, bank_summary):
    shuffled = bank_frame[bank_frame.columns[::-1]]
    s = SurveySummary.from_frame(shuffled, "servqual22", segments=["branch", "channel"])
    assert_same_table(
        sq.gap_scores(s, level="item").to_frame(),
        sq.gap_scores(bank_summary, level="item").to_frame(),
    )


def test_repr_and_mean(bank_summary, bank_listwise):
    assert "n=208" in repr(bank_summary) and "4 of 212" in repr(bank_summary)
    m = bank_summary.mean()
    assert_allclose(m.loc["P"], bank_listwise.ratings("P").mean(), rtol=RTOL)
    assert_allclose(m.loc["E"], bank_listwise.ratings("E").mean(), rtol=RTOL)


# ----------------------------------------------------------------------------- bad input
def test_per_respondent_importance_is_refused(bank_frame):
    s = SurveySummary.from_frame(bank_frame, "servqual22", importance="imp_{dimension}")
    sq.gap_scores(s, level="dimension")  # unweighted is fine
    with pytest.raises(sq.CapabilityError, match="differ per respondent"):
        sq.gap_scores(s, level="overall", weighted=True)


def test_weighted_without_weights_raises(bank_summary):
    with pytest.raises(sq.ImportanceWeightError, match="importance"):
        sq.gap_scores(bank_summary, weighted=True)


def test_survey_weights_are_refused(bank_frame):
    with pytest.raises(sq.ServqualError, match="survey weights"):
        SurveySummary.from_frame(bank_frame, "servqual22", weights=np.ones(len(bank_frame)))


def test_merge_mismatches_raise(bank_frame, bank_summary):
    other = SurveySummary.from_frame(bank_frame, "servqual22")
    with pytest.raises(sq.DataError, match="different segments"):
        bank_summary.merge(other)
    zot = SurveySummary.from_survey(sq.load_example("zone_of_tolerance"))
    with pytest.raises(sq.InstrumentError, match="different instruments"):
        other.merge(zot)
    with pytest.raises(sq.ServqualError, match="DataFrame"):
        other.merge(bank_frame)
    with pytest.raises(sq.DataError, match="No summaries"):
        SurveySummary.merge_all([])


def test_unknown_segment_and_reference(bank_summary):
    with pytest.raises(sq.MissingColumnError, match="'region'"):
        sq.gap_scores(bank_summary, by="region")
    with pytest.raises(sq.InstrumentError, match="'D'"):
        sq.gap_scores(bank_summary, reference="D")
    with pytest.raises(sq.ServqualError, match="level"):
        sq.gap_scores(bank_summary, level="items")


def test_bad_value_is_reported_like_survey(bank_frame):
    bad = bank_frame.copy()
    bad.loc[17, "P3"] = 9
    with pytest.raises(sq.ScaleRangeError, match=r"'P3'.*rows 17.*9"):
        SurveySummary.from_frame(bad, "servqual22")


def test_too_few_respondents(bank_frame):
    s = SurveySummary.from_frame(bank_frame.iloc[:1], "servqual22")
    with pytest.raises(sq.InsufficientDataError, match="at least 2"):
        sq.gap_scores(s)
    with pytest.raises(sq.InsufficientDataError, match="at least 2"):
        s.covariance()
    assert SurveySummary.empty("servqual22").n == 0


def test_performance_instrument_has_no_gaps():
    survey = sq.Survey(sq.datasets.simulate(50, instrument="servperf22", rng=1), "servperf22")
    s = SurveySummary.from_survey(survey)
    assert s.covariance().shape == (22, 22)
    with pytest.raises(sq.InstrumentError, match="perception only"):
        sq.gap_scores(s)


# ----------------------------------------------------------------------------- other statistics
@pytest.mark.parametrize("score", ["perception", "expectation", "gap"])
@pytest.mark.parametrize("level", ["dimension", "overall"])
def test_alpha_equals_in_memory_listwise(bank_listwise, bank_summary, score, level):
    a = sq.cronbach_alpha(bank_listwise, score=score, level=level, nan_policy="listwise")
    b = sq.cronbach_alpha(bank_summary, score=score, level=level)
    assert_same_table(a.to_frame(), b.to_frame())
    assert_same_table(a.items, b.items)
    assert a.n == b.n and a.n_items == b.n_items and a.header == b.header
    assert_allclose([b.alpha, b.ci_low, b.ci_high], [a.alpha, a.ci_low, a.ci_high], rtol=RTOL)


def test_alpha_duhachek_and_bootstrap(bank_listwise, bank_summary):
    a = sq.cronbach_alpha(bank_listwise, ci="duhachek", nan_policy="listwise")
    assert_same_table(a.to_frame(), sq.cronbach_alpha(bank_summary, ci="duhachek").to_frame())
    with pytest.raises(sq.CapabilityError, match=r"bootstrap.*SurveySummary.*ci='feldt'"):
        sq.cronbach_alpha(bank_summary, ci="bootstrap")


@pytest.mark.parametrize("level", ["item", "dimension", "overall"])
@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_paired_tests_equal_in_memory(bank_listwise, bank_summary, level, alternative):
    pytest.importorskip("servqual.inference")
    a = sq.paired_tests(bank_listwise, level=level, alternative=alternative)
    b = sq.paired_tests(bank_summary, level=level, alternative=alternative)
    assert_same_table(a.to_frame(), b.to_frame())
    assert a.header == b.header


def test_paired_wilcoxon_needs_the_data(bank_summary):
    pytest.importorskip("servqual.inference")
    with pytest.raises(sq.CapabilityError, match=r"Wilcoxon.*SurveySummary.*method='t'"):
        sq.paired_tests(bank_summary, method="wilcoxon")


def test_factor_statistics_equal_in_memory(bank_listwise, bank_summary):
    factor = pytest.importorskip("servqual.factor")
    for name in ("kmo", "bartlett_sphericity"):
        a = getattr(factor, name)(bank_listwise, score="perception", nan_policy="listwise")
        assert_same_table(a.to_frame(), getattr(factor, name)(bank_summary).to_frame())
    # iterative fit on the same correlation matrix: identical up to the optimiser's tolerance
    a = sq.efa(bank_listwise, 5, score="perception", nan_policy="listwise")
    b = sq.efa(bank_summary, 5)
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame(), check_exact=False, rtol=1e-6)


@pytest.fixture(scope="module")
def bank_with_outcomes(bank_frame):
    df = bank_frame.copy()
    df.loc[df.index[[5, 40, 41, 90]], "overall"] = np.nan  # outcome missing for some
    return df


@pytest.mark.parametrize(
    ("outcome", "level", "include", "score"),
    [
        ("overall", "dimension", None, "perception"),
        ("overall", "dimension", None, "gap"),
        ("recommend", "dimension", ["tangibles", "empathy"], "perception"),
        ("recommend", "item", None, "expectation"),
    ],
)
def test_key_drivers_equal_in_memory_ols(bank_with_outcomes, outcome, level, include, score):
    outs = ["overall", "recommend"]
    mem = quiet(sq.Survey, bank_with_outcomes, "servqual22", outcomes=outs, nan_policy="listwise")
    # chunks merged: the outcome moments merge like the rating moments
    df = bank_with_outcomes
    s = SurveySummary.merge_all(
        [
            SurveySummary.from_frame(df.iloc[a:b], "servqual22", outcomes=outs)
            for a, b in [(0, 50), (50, 51), (51, 212)]
        ]
    )
    dom = level != "item"
    # statsmodels OLS, classical SEs (R: summary(lm(y ~ ., data)))
    kw = {"outcome": outcome, "level": level, "include": include, "score": score}
    a = sq.key_drivers(mem, **kw, robust=None, dominance=dom)
    b = sq.key_drivers(s, **kw, robust=None, dominance=dom)
    assert_same_table(a.to_frame(), b.to_frame())
    for f in ("n", "n_dropped", "df_model", "df_resid"):
        assert getattr(a, f) == getattr(b, f), f
    for f in (
        "intercept",
        "intercept_se",
        "r_squared",
        "adj_r_squared",
        "f_statistic",
        "f_p_value",
    ):
        assert_allclose(getattr(b, f), getattr(a, f), rtol=RTOL, err_msg=f)
    if dom:
        assert_same_table(a.conditional_dominance, b.conditional_dominance)
    assert a.header == b.header


def test_key_drivers_refuses_what_needs_the_data(bank_with_outcomes, bank_summary):
    s = SurveySummary.from_frame(bank_with_outcomes, "servqual22", outcomes="overall")
    with pytest.raises(sq.CapabilityError, match=r"robust='HC3'.*robust=None"):
        sq.key_drivers(s, outcome="overall", robust="HC3")
    with pytest.raises(sq.MissingColumnError, match="'recommend'"):
        sq.key_drivers(s, outcome="recommend", robust=None)
    with pytest.raises(sq.MissingColumnError, match="outcomes="):
        sq.key_drivers(bank_summary, outcome="overall", robust=None)
    with pytest.raises(sq.DataError, match=r"include=\['speed'\] must list distinct dimensions"):
        sq.key_drivers(s, outcome="overall", include=["speed"], robust=None)
    other = SurveySummary.from_frame(bank_with_outcomes, "servqual22")
    with pytest.raises(sq.DataError, match="different outcomes"):
        s.merge(other)
