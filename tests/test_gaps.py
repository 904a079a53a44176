"""Gap engine against R reference values (tests/reference/make_gaps.R) and invariants."""

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import servqual as sq

REF = json.loads((Path(__file__).parent / "reference" / "gaps_reference.json").read_text())
DIMS = ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]
RTOL = 1e-6  # closed-form statistics: R prints 15 significant digits


@pytest.fixture(scope="module")
def bank():
    return sq.load_example("retail_bank")


@pytest.fixture(scope="module")
def zot():
    return sq.load_example("zone_of_tolerance")


def test_item_gaps_match_r_paired_t(bank):
    # R: t.test(P_j, E_j, paired = TRUE) on pairs with both ratings
    t = sq.gap_scores(bank, level="item").to_frame()
    ref = pd.DataFrame(REF["item"])
    assert list(t.index) == list(bank.instrument.item_codes)
    assert_allclose(t["perception"], ref["mean_p"], rtol=RTOL)
    assert_allclose(t["reference"], ref["mean_e"], rtol=RTOL)
    assert_allclose(t["gap"], ref["gap"], rtol=RTOL)
    assert_allclose(t["sd"], ref["sd"], rtol=RTOL)
    assert_allclose(t["n"], ref["n"])
    assert_allclose(t["ci_low"], ref["ci_low"], rtol=RTOL)
    assert_allclose(t["ci_high"], ref["ci_high"], rtol=RTOL)
    assert_allclose(t["se"], t["sd"] / np.sqrt(t["n"]), rtol=1e-12)


def test_dimension_gaps_match_r(bank):
    # R: g <- rowMeans(P[, items]) - rowMeans(E[, items]); t.test(g)
    t = sq.gap_scores(bank, level="dimension").to_frame()
    t90 = sq.gap_scores(bank, level="dimension", confidence_level=0.90).to_frame()
    for d in DIMS:
        r = REF["dimension"][d]
        assert_allclose(t.loc[d, "gap"], r["gap"], rtol=RTOL)
        assert_allclose(t.loc[d, "sd"], r["sd"], rtol=RTOL)
        assert t.loc[d, "n"] == r["n"]
        assert_allclose(
            [t.loc[d, "ci_low"], t.loc[d, "ci_high"]], [r["ci_low"], r["ci_high"]], rtol=RTOL
        )
        assert_allclose(
            [t90.loc[d, "ci_low"], t90.loc[d, "ci_high"]],
            [r["ci90_low"], r["ci90_high"]],
            rtol=RTOL,
        )
        # R: mean(g >= 0)
        assert_allclose(t.loc[d, "share_meeting"], r["share_meeting"], rtol=RTOL)


def test_overall_unweighted_and_weighted_match_r(bank):
    # R: rowMeans(G); rowSums(G * imp / 100); t.test(...)
    for weighted, key in ((False, "overall"), (True, "overall_weighted")):
        res = sq.gap_scores(bank, level="overall", weighted=weighted)
        row = res.to_frame().loc["overall"]
        r = REF[key]
        assert_allclose(res.overall, r["gap"], rtol=RTOL)
        assert_allclose(row["sd"], r["sd"], rtol=RTOL)
        assert row["n"] == r["n"]
        assert_allclose([row["ci_low"], row["ci_high"]], [r["ci_low"], r["ci_high"]], rtol=RTOL)


def test_weighted_contributions_sum_to_weighted_overall(bank):
    listwise = sq.load_example("retail_bank", nan_policy="listwise")
    per_dim = sq.respondent_scores(listwise, level="dimension", weighted=True)
    overall = sq.respondent_scores(listwise, level="overall", weighted=True)
    assert_allclose(per_dim.sum(axis=1), overall["overall"], rtol=1e-12)
    per_item = sq.respondent_scores(listwise, level="item", weighted=True)
    assert_allclose(per_item.sum(axis=1), overall["overall"], rtol=1e-12)


def test_by_segment_matches_r(bank):
    # R: t.test(g[branch == b]) for the reliability dimension gap
    t = sq.gap_scores(bank, level="dimension", by="branch").to_frame()
    for b, r in REF["by_branch_reliability"].items():
        row = t.loc[(b, "reliability")]
        assert_allclose(row["gap"], r["gap"], rtol=RTOL)
        assert_allclose(row["sd"], r["sd"], rtol=RTOL)
        assert row["n"] == r["n"]
        assert_allclose([row["ci_low"], row["ci_high"]], [r["ci_low"], r["ci_high"]], rtol=RTOL)


def test_survey_weights_match_r_svymean():
    # R: svymean(~overall_gap, svydesign(ids = ~1, weights = ~w)) with w = 1 + respondent %% 3
    frame = sq.datasets.load_frame("retail_bank")
    w = 1 + (frame.index.to_numpy() % 3)
    s = sq.Survey(frame, "servqual22", weights=w)
    row = sq.gap_scores(s, level="overall").to_frame().loc["overall"]
    r = REF["survey_weighted_overall"]
    assert_allclose(row["gap"], r["gap"], rtol=RTOL)
    assert_allclose(row["se"], r["se"], rtol=RTOL)


def test_msa_mss_and_zone_counts_match_r(zot):
    # R: t.test(P_dim - A_dim), t.test(P_dim - D_dim); zone counts with inverted zones apart
    msa = sq.gap_scores(zot, level="dimension").to_frame()
    mss = sq.gap_scores(zot, level="dimension", reference="desired").to_frame()
    zone = sq.tolerance_zone(zot, level="dimension").to_frame()
    for d in DIMS:
        r = REF["zot_dimension"][d]
        assert_allclose(msa.loc[d, "gap"], r["msa"], rtol=RTOL)
        assert_allclose(
            [msa.loc[d, "ci_low"], msa.loc[d, "ci_high"]], [r["msa_low"], r["msa_high"]], rtol=RTOL
        )
        assert_allclose(mss.loc[d, "gap"], r["mss"], rtol=RTOL)
        assert_allclose(
            [mss.loc[d, "ci_low"], mss.loc[d, "ci_high"]], [r["mss_low"], r["mss_high"]], rtol=RTOL
        )
        assert_allclose(zone.loc[d, "msa"], r["msa"], rtol=RTOL)
        assert_allclose(zone.loc[d, "mss"], r["mss"], rtol=RTOL)
        for k in ("below", "within", "above", "inverted"):
            assert zone.loc[d, f"n_{k}"] == r[k]
    items = sq.tolerance_zone(zot, level="item").to_frame()
    ref = pd.DataFrame(REF["zot_item"])
    for k in ("below", "within", "above", "inverted"):
        assert_allclose(items[f"n_{k}"], ref[k])
    shares = items[["share_below", "share_within", "share_above", "share_inverted"]].sum(axis=1)
    assert_allclose(shares, 1.0)


def test_inverted_zone_is_flagged():
    inst = sq.Instrument.from_dict(
        {
            "name": "z",
            "ratings": ["A", "D", "P"],
            "dimensions": [{"name": "d", "items": ["a", "b"]}],
        }
    )
    df = pd.DataFrame(
        {
            "A1": [3, 6, 4],
            "A2": [3, 3, 3],
            "D1": [5, 4, 6],
            "D2": [6, 6, 6],
            "P1": [4, 5, 2],
            "P2": [7, 5, 3],
        }
    )
    z = sq.tolerance_zone(sq.Survey(df, inst), level="item").to_frame()
    # item 1: respondent 2 has A=6 > D=4 -> inverted; respondent 1 within; respondent 3 below
    assert z.loc["1", ["n_below", "n_within", "n_above", "n_inverted"]].tolist() == [1, 1, 0, 1]
    assert z.loc["2", ["n_below", "n_within", "n_above", "n_inverted"]].tolist() == [0, 2, 1, 0]


def test_gap_is_perception_minus_reference(bank):
    for level in ("item", "dimension", "overall"):
        t = sq.gap_scores(bank, level=level).to_frame()
        # with complete pairs the mean gap equals the difference of means
        assert_allclose(t["gap"], t["perception"] - t["reference"], rtol=1e-10, atol=1e-12)


def test_swapping_p_and_e_flips_the_sign(bank):
    frame = sq.datasets.load_frame("retail_bank")
    swapped = frame.rename(
        columns={
            **{f"E{n}": f"P{n}" for n in range(1, 23)},
            **{f"P{n}": f"E{n}" for n in range(1, 23)},
        }
    )
    a = sq.gap_scores(sq.Survey(frame, "servqual22"), level="dimension").to_frame()
    b = sq.gap_scores(sq.Survey(swapped, "servqual22"), level="dimension").to_frame()
    assert_allclose(a["gap"], -b["gap"], rtol=1e-12)
    assert_allclose(a["sd"], b["sd"], rtol=1e-12)


def test_column_order_of_the_export_does_not_matter():
    frame = sq.datasets.load_frame("retail_bank")
    shuffled = frame[frame.columns[::-1]]
    a = sq.gap_scores(sq.Survey(frame, "servqual22"), level="item").to_frame()
    b = sq.gap_scores(sq.Survey(shuffled, "servqual22"), level="item").to_frame()
    pd.testing.assert_frame_equal(a, b)


def test_caller_frame_is_not_mutated():
    frame = sq.datasets.load_frame("retail_bank")
    before = frame.copy(deep=True)
    s = sq.Survey(frame, "servqual22", segments="branch", importance="imp_{dimension}")
    sq.gap_scores(s, level="item", by="branch")
    sq.gap_scores(s, level="overall", weighted=True)
    sq.respondent_scores(s, level="dimension")
    pd.testing.assert_frame_equal(frame, before)


def test_result_is_immutable_and_to_frame_is_a_copy(bank):
    res = sq.gap_scores(bank)
    t = res.to_frame()
    t.loc["tangibles", "gap"] = 99.0
    assert res.to_frame().loc["tangibles", "gap"] != 99.0
    with pytest.raises(AttributeError):
        res.level = "item"  # frozen dataclass
    text = repr(res)
    assert text.startswith("Gap scores (P − E: expectation) · dimension")
    assert "<table" in res._repr_html_()


def test_listwise_policy_reports_dropped_rows():
    with pytest.warns(sq.MissingDataWarning, match="dropped 4 of 212"):
        s = sq.load_example("retail_bank", nan_policy="listwise")
    res = sq.gap_scores(s, level="item")
    assert res.n == 208 and len(res.dropped_rows) == 4
    assert (res.to_frame()["n"] == 208).all()


def test_excellence_competitor_and_max_references():
    s = sq.load_example("excellence")
    d = sq.gap_scores(s, level="item").to_frame()
    c = sq.gap_scores(s, level="item", reference="C").to_frame()
    m = sq.gap_scores(s, level="item", reference="max").to_frame()
    P, D, C = (s.ratings(x) for x in "PDC")
    assert_allclose(d["gap"], (P - D).mean(), rtol=1e-12)
    assert_allclose(c["gap"], (P - C).mean(), rtol=1e-12)
    assert_allclose(m["gap"], (P - 7).mean(), rtol=1e-12)
    assert_allclose(m["sd"], P.std(ddof=1), rtol=1e-12)


def test_conformance_gap_and_share_meeting_spec():
    s = sq.load_example("conformance")
    t = sq.gap_scores(s, level="item").to_frame()
    P = s.ratings("P")
    spec = pd.Series({i.code: i.spec for i in s.instrument.items})
    assert_allclose(t["gap"], (P - spec).mean(), rtol=1e-12)
    share = (P >= spec).mean()
    assert_allclose(t["share_meeting"], share, rtol=1e-12)
    # Wilson interval, as statsmodels proportion_confint(method="wilson")
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint((P >= spec).sum(), len(P), method="wilson")
    assert_allclose(t["share_ci_low"], lo, rtol=1e-10)
    assert_allclose(t["share_ci_high"], hi, rtol=1e-10)


def test_value_index_is_quality_minus_sacrifice():
    s = sq.load_example("value")
    P = s.ratings("P")
    sacrifice = P[["SAC1", "SAC2", "SAC3"]].mean(axis=1)
    quality = P[["QUA1", "QUA2", "QUA3", "QUA4"]].mean(axis=1)
    res = sq.gap_scores(s, level="overall")
    assert_allclose(res.overall, (quality - sacrifice).mean(), rtol=1e-12)
    assert res.reference == "sacrifice"
    # outcome items are never part of a gap
    assert "VAL1" not in sq.gap_scores(s, level="item").to_frame().index


def test_simulated_true_gaps_are_recovered():
    gaps = {
        "tangibles": -0.5,
        "reliability": -1.2,
        "responsiveness": -0.8,
        "assurance": -0.3,
        "empathy": -0.6,
    }
    df = sq.datasets.simulate(
        20000,
        instrument="servqual22",
        gaps=gaps,
        level=4.0,
        rng=3,
        outcomes=False,
        importance=False,
    )
    t = sq.gap_scores(sq.Survey(df, "servqual22"), level="dimension").to_frame()
    # rounding to the 7-point scale adds no bias with the latent level mid-scale
    assert_allclose(t["gap"], pd.Series(gaps), atol=0.03)
    inside = (t["ci_low"] - 0.03 < pd.Series(gaps)) & (pd.Series(gaps) < t["ci_high"] + 0.03)
    assert inside.all()


def test_performance_only_instrument_has_no_gap():
    s = sq.Survey(sq.datasets.simulate(20, instrument="servperf22", rng=1), "servperf22")
    with pytest.raises(sq.InstrumentError, match="perception only"):
        sq.gap_scores(s)
    # perception scores are still available
    assert sq.respondent_scores(s, score="perception").shape == (20, 5)


def test_bad_arguments_raise_servqual_errors(bank):
    with pytest.raises(sq.ServqualError, match="level='items'"):
        sq.gap_scores(bank, level="items")
    with pytest.raises(sq.InstrumentError, match="cannot compare"):
        sq.gap_scores(bank, reference="D")
    with pytest.raises(sq.ServqualError, match="confidence_level"):
        sq.gap_scores(bank, confidence_level=95)
    with pytest.raises(sq.MissingColumnError, match="No segment 'region'"):
        sq.gap_scores(bank, by="region")
    with pytest.raises(sq.DataError, match="needs a servqual Survey"):
        sq.gap_scores(sq.datasets.load_frame("retail_bank"))
    with pytest.raises(sq.ImportanceWeightError, match="importance"):
        sq.gap_scores(sq.load_example("excellence"), level="overall", weighted=True)
    with pytest.raises(sq.InstrumentError, match="adequate"):
        sq.tolerance_zone(bank)


def test_segment_with_one_respondent_is_rejected():
    frame = sq.datasets.load_frame("retail_bank").head(21).copy()
    frame["group"] = ["a"] * 20 + ["b"]
    s = sq.Survey(frame, "servqual22", segments="group")
    with pytest.raises(sq.InsufficientDataError, match="b / tangibles"):
        sq.gap_scores(s, by="group")


def test_instrument_weights_are_used_when_no_importance_given():
    w = {"tangibles": 10, "reliability": 30, "responsiveness": 20, "assurance": 20, "empathy": 20}
    frame = sq.datasets.load_frame("retail_bank")
    s = sq.Survey(frame, sq.instruments.servqual22(weights=w), nan_policy="listwise")
    dims = sq.respondent_scores(s, level="dimension")
    expected = (dims * pd.Series(w) / 100).sum(axis=1).mean()
    assert_allclose(sq.gap_scores(s, level="overall", weighted=True).overall, expected, rtol=1e-12)


# ---- option combinations against tests/reference/make_gaps_extra.R ----------------
EXTRA = json.loads((Path(__file__).parent / "reference" / "gaps_extra_reference.json").read_text())


def test_by_segment_with_survey_weights_and_missing_ratings_match_r_svyby():
    # R: svyby(~g, ~branch, svydesign(ids = ~1, strata = ~branch, weights = ~w,
    #    data = bank[!is.na(g), ]), svymean), w = 1 + respondent %% 3
    frame = sq.datasets.load_frame("retail_bank")
    w = 1 + (frame.index.to_numpy() % 3)
    s = sq.Survey(frame, "servqual22", segments="branch", weights=w)
    assert s.nan_policy == "pairwise" and s.n_incomplete == 4
    t = sq.gap_scores(s, level="dimension", by="branch").to_frame()
    for d in DIMS:
        r = EXTRA["by_branch_survey_weighted"][d]
        rows = t.xs(d, level="dimension").loc[r["branch"]]
        assert_allclose(rows["gap"], r["gap"], rtol=RTOL)
        assert_allclose(rows["se"], r["se"], rtol=RTOL)
        assert_allclose(rows["n"], r["n"])
        # R: svyby(~I(g >= 0), ~branch, des, svymean)
        assert_allclose(rows["share_meeting"], r["share_meeting"], rtol=RTOL)
        # perception and reference are means over the same respondents as the gap
        assert_allclose(rows["perception"] - rows["reference"], rows["gap"], rtol=1e-10)


def test_weighted_gap_with_empty_importance_rows_matches_r():
    # R: rowSums(G * W / 100) with W[1:3, ] <- NA; t.test() on the rest
    frame = sq.datasets.load_frame("retail_bank")
    imp = [c for c in frame.columns if c.startswith("imp_")]
    frame.loc[[1, 2, 3], imp] = np.nan
    before = frame.copy()
    with pytest.warns(sq.MissingDataWarning, match=r"3 of 212 respondents gave no importance"):
        s = sq.Survey(frame, "servqual22", importance="imp_{dimension}")
    pd.testing.assert_frame_equal(frame, before)
    row = sq.gap_scores(s, level="overall", weighted=True).to_frame().loc["overall"]
    r = EXTRA["weighted_empty_importance"]
    assert row["n"] == r["n"] == 205
    assert_allclose(
        row[["gap", "sd", "ci_low", "ci_high"]].to_numpy(dtype=float),
        [r["gap"], r["sd"], r["ci_low"], r["ci_high"]],
        rtol=RTOL,
    )
    # unweighted gaps still use those respondents
    assert sq.gap_scores(s, level="overall").to_frame().loc["overall", "n"] == 208


def test_excellence_competitor_reference_matches_r():
    # R: t.test(rowMeans(P[, d]) - rowMeans(C[, d])) per dimension
    s = sq.load_example("excellence")
    for ref in ("C", "competitor"):
        t = sq.gap_scores(s, level="dimension", reference=ref).to_frame()
        for d in DIMS:
            r = EXTRA["excellence_competitor"][d]
            for col in ("perception", "reference", "gap", "sd", "ci_low", "ci_high"):
                assert_allclose(t.loc[d, col], r[col], rtol=RTOL)
            assert_allclose(t.loc[d, "share_meeting"], r["share_meeting"], rtol=RTOL)


def test_value_gap_with_missing_sacrifice_items_matches_r():
    # R: rowMeans(P1:P4) - rowMeans(P5:P7) with P6 NA (resp. 1-5), P2 NA (6-8), P5 NA (9)
    frame = sq.datasets.load_frame("value")
    frame.loc[[1, 2, 3, 4, 5], "P6"] = np.nan
    frame.loc[[6, 7, 8], "P2"] = np.nan
    frame.loc[9, "P5"] = np.nan
    s = sq.Survey(frame, "value")
    t = sq.gap_scores(s, level="dimension").to_frame().loc["service_quality"]
    r = EXTRA["value_missing"]["dimension"]
    for col in ("perception", "reference", "gap", "sd", "ci_low", "ci_high"):
        assert_allclose(t[col], r[col], rtol=RTOL)
    assert t["n"] == r["n"] == 241
    items = sq.gap_scores(s, level="item").to_frame()
    for j, code in enumerate(["QUA1", "QUA2", "QUA3", "QUA4"]):
        ri = EXTRA["value_missing"]["item"][j]
        assert items.loc[code, "n"] == ri["n"]
        assert_allclose(
            items.loc[code, ["gap", "ci_low", "ci_high"]].to_numpy(dtype=float),
            [ri["gap"], ri["ci_low"], ri["ci_high"]],
            rtol=RTOL,
        )


def test_tolerance_zone_by_segment_matches_r(zot):
    # R: per branch, dimension means of A, D, P and zone counts (inverted apart)
    t = sq.tolerance_zone(zot, level="dimension", by="branch").to_frame()
    for b, dims in EXTRA["zot_by_branch"].items():
        for d, r in dims.items():
            row = t.loc[(b, d)]
            for col in ("adequate", "desired", "perceived", "msa", "mss"):
                assert_allclose(row[col], r[col], rtol=RTOL)
            assert row["n"] == r["n"]
            for k in ("below", "within", "above", "inverted"):
                assert row[f"n_{k}"] == r[k]
                assert_allclose(row[f"share_{k}"], r[k] / r["n"], rtol=1e-12)


@pytest.mark.parametrize(
    "name", ["servqual22", "servqual_zot", "excellence", "conformance", "value"]
)
def test_simulate_recovers_true_gaps_in_every_perspective(name):
    # continuous draws (discrete=False) on a scale wide enough that nothing is
    # clipped: the mean gaps are unbiased for the gaps given to simulate()
    import dataclasses

    inst = sq.instruments.get(name)
    wide = dataclasses.replace(inst, scale=sq.instruments.Scale(-30, 40))
    true = pd.Series({d.name: -0.3 - 0.2 * k for k, d in enumerate(inst.quality_dimensions)})
    df = sq.datasets.simulate(
        20000,
        instrument=wide,
        gaps=true.to_dict(),
        level=5.0,
        zone=1.5,
        rng=2,
        discrete=False,
        segments={"g": ["a", "b", "c"]},
        outcomes=False,
        importance=False,
    )
    assert df.attrs["true_gaps"] == true.to_dict()
    with warnings.catch_warnings():
        # the competitor's noise (0.1·span) can leave even the wide scale; the
        # gaps below use P and the reference D only
        warnings.simplefilter("ignore", sq.MissingDataWarning)
        s = sq.Survey(
            df, wide, segments="g", out_of_range="nan" if name == "excellence" else "raise"
        )
    t = sq.gap_scores(s, level="dimension").to_frame()
    z = (t["gap"] - true) / t["se"]
    assert (z.abs() < 4).all(), z
    # segment shifts: segment_shift·(k − 1) = −0.3, 0, +0.3 around the mean gap
    by = sq.gap_scores(s, level="overall", by="g").to_frame()
    z = (by["gap"].to_numpy() - (true.mean() + np.array([-0.3, 0.0, 0.3]))) / by["se"]
    assert (np.abs(z) < 4).all(), z
    if name == "servqual_zot":  # MSS = gap − zone
        mss = sq.gap_scores(s, level="dimension", reference="D").to_frame()
        assert (((mss["gap"] - (true - 1.5)) / mss["se"]).abs() < 4).all()
    if name == "excellence":  # P − C has mean −0.05·span = −3.5
        diff = (
            df[[f"P{n}" for n in range(1, 23)]].to_numpy()
            - df[[f"C{n}" for n in range(1, 23)]].to_numpy()
        )
        m = diff.mean(axis=1)
        assert abs(m.mean() + 3.5) < 4 * m.std(ddof=1) / np.sqrt(len(m))


def test_tolerance_zone_with_survey_weights_matches_r_svymean():
    # R: svymean(~a + de + p + msa + mss + below + within + above,
    #            svydesign(ids = ~1, weights = ~w)), w = 1 + respondent %% 4
    frame = sq.datasets.load_frame("zone_of_tolerance")
    w = 1 + (frame.index.to_numpy() % 4)
    s = sq.Survey(frame, "servqual_zot", weights=w)
    res = sq.tolerance_zone(s, level="dimension")
    assert "survey-weighted" in repr(res)
    t = res.to_frame()
    for d, r in EXTRA["zot_survey_weighted"].items():
        for col, value in r.items():
            assert_allclose(t.loc[d, col], value, rtol=RTOL, err_msg=f"{d} {col}")
        assert t.loc[d, "n"] == 180  # counts stay counts
    plain = sq.tolerance_zone(sq.Survey(frame, "servqual_zot"), level="dimension").to_frame()
    assert not np.allclose(plain["msa"], t["msa"])


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"by": []}, r"by=\[\] must be a segment name"),
        ({"by": 1}, "by=1 must be a segment name"),
        ({"by": ["branch", "branch"]}, r"segment\(s\) \['branch'\] more than once"),
        ({"weighted": "no"}, "weighted must be True or False, got 'no'"),
    ],
)
def test_bad_by_and_weighted_are_servqual_errors(bank, kw, match):
    summary = sq.SurveySummary.from_survey(sq.load_example("retail_bank", nan_policy="listwise"))
    for target in (bank, summary):
        with pytest.raises(sq.DataError, match=match):
            sq.gap_scores(target, **kw)
    if "by" in kw:
        with pytest.raises(sq.DataError, match=match):
            sq.tolerance_zone(sq.load_example("zone_of_tolerance"), **kw)
    with pytest.raises(sq.DataError, match="score must be a score name"):
        sq.respondent_scores(bank, score=None)


def test_conformance_share_interval_with_survey_weights_matches_r_svyciprop():
    # R: svyciprop(~I(P_j >= spec_j), svydesign(ids = ~1, weights = ~w), method = "logit"),
    #    w = 5 in store A, 1 in store B
    frame = sq.datasets.load_frame("conformance")
    w = np.where(frame["store"] == "A", 5.0, 1.0)
    t = sq.gap_scores(sq.Survey(frame, "conformance", weights=w), level="item").to_frame()
    ref = pd.DataFrame(EXTRA["conformance_survey_weighted"], index=t.index)
    assert_allclose(t["share_meeting"], ref["share"], rtol=RTOL)
    assert_allclose(t["share_ci_low"], ref["low"], rtol=RTOL)
    assert_allclose(t["share_ci_high"], ref["high"], rtol=RTOL)
    assert (
        (t["share_ci_low"] < t["share_meeting"]) & (t["share_meeting"] < t["share_ci_high"])
    ).all()


@pytest.mark.parametrize(
    "example, reference, title",
    [
        ("retail_bank", None, "Gap scores (P − E: expectation)"),
        ("zone_of_tolerance", None, "MSA (P − A: adequate)"),
        ("zone_of_tolerance", "D", "MSS (P − D: desired)"),
        ("excellence", None, "Gap to the ideal (P − D: desired)"),
        ("excellence", "C", "Gap to the best competitor (P − C)"),
        ("conformance", None, "Gap to specification (P − spec)"),
        ("value", None, "Value index (quality − sacrifice)"),
    ],
)
def test_headers_say_what_the_gap_measures(example, reference, title):
    res = sq.gap_scores(sq.load_example(example), reference=reference)
    assert res.title == title
    assert repr(res).startswith(title)


def test_header_shows_the_n_used_when_respondents_were_left_out(bank):
    res = sq.gap_scores(bank, level="overall", weighted=True)
    assert "n=208 of 212" in repr(res)
    assert "n≤212 of 212" in repr(sq.gap_scores(bank, level="item"))
    assert "n=180 ·" in repr(sq.gap_scores(sq.load_example("zone_of_tolerance")))


@pytest.mark.parametrize("block_rows", [1, 7, 64, 10_000])
def test_blocked_paired_moments_equal_dense(block_rows):
    # issue 13: item gaps are computed in blocks of rows (no data-sized temporaries);
    # the numbers equal the dense two-pass formulas whatever the block size
    from servqual._stats import column_means, column_moments, paired_moments

    rng = np.random.default_rng(5)
    p = rng.integers(1, 8, size=(500, 6)).astype(np.float64) + rng.normal(0, 0.1, (500, 6))
    r = rng.integers(1, 8, size=(500, 6)).astype(np.float64)
    p[rng.random(p.shape) < 0.1] = np.nan
    r[rng.random(r.shape) < 0.1] = np.nan
    r[:, 0] = p[:, 0]  # a column whose gap is 0 exactly: counted as meeting
    for rows in (None, rng.random(500) < 0.4):
        for ref in (r, np.broadcast_to(4.0, p.shape)):  # a fixed reference is a broadcast view
            pp, rr = (p, ref) if rows is None else (p[rows], ref[rows])
            g = pp - rr
            miss = np.isnan(g)
            dense = column_moments(g)
            got = paired_moments(p, ref, rows, block_rows=block_rows)
            assert_allclose(got["n"], dense["n"])
            for key in ("mean", "sd", "se"):
                assert_allclose(got[key], dense[key], rtol=1e-13)
            assert_allclose(got["perception"], column_means(np.where(miss, np.nan, pp)), rtol=1e-13)
            assert_allclose(got["reference"], column_means(np.where(miss, np.nan, rr)), rtol=1e-13)
            assert_allclose(got["n_meeting"], np.count_nonzero(g >= -1e-12, axis=0))
