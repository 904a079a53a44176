"""servqual.operations: bad input gets a clear ServqualError; inputs are never changed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import servqual as sq

op = sq.operations


@pytest.fixture(scope="module")
def counts():
    return op.load_records("counts")


@pytest.fixture(scope="module")
def feedback():
    return op.load_records("feedback")


def test_unparseable_dates_name_rows_and_values():
    df = pd.DataFrame(
        {"date": ["2024-01-02", "not a date", "2024-02-30", "2024-03-01"], "type": "complaint"}
    )
    with pytest.raises(sq.DataError, match=r"'date'.*rows 1, 2.*'not a date', '2024-02-30'"):
        op.kpi_series(df)


def test_missing_date_is_named():
    df = pd.DataFrame({"date": ["2024-01-02", None], "type": "complaint"})
    with pytest.raises(sq.DataError, match=r"missing date.*rows 1"):
        op.kpi_series(df)


def test_negative_and_fractional_counts(counts):
    bad = counts.copy()
    bad.loc[[3, 7], "count"] = [-2, -1]
    with pytest.raises(sq.DataError, match=r"'count'.*negative.*rows 3, 7.*values -2, -1"):
        op.kpi_series(bad, date="month", count="count", exposure="orders")
    bad = counts.copy()
    bad["count"] = bad["count"].astype(float)
    bad.loc[5, "count"] = 2.5
    with pytest.raises(sq.DataError, match=r"whole numbers.*rows 5.*2.5"):
        op.kpi_series(bad, date="month", count="count")
    with pytest.raises(sq.DataError, match="negative"):
        op.control_chart([3, -1, 2])


def test_zero_exposure(counts):
    bad = counts.copy()
    bad.loc[10, "orders"] = 0
    with pytest.raises(sq.DataError, match=r"'orders'.*zero or negative.*rows 10.*values 0"):
        op.kpi_series(bad, date="month", count="count", exposure="orders")
    with pytest.raises(sq.DataError, match=r"exposure.*rows 1"):
        op.control_chart([3, 1, 2], "u", exposure=[10, 0, 12])
    with pytest.raises(sq.DataError, match="positive"):
        op.poisson_test(3, 0, 4, 10)


def test_ratings_outside_scale(feedback):
    bad = feedback.copy()
    bad.loc[[4, 9], "stars"] = [6, 0]
    with pytest.raises(sq.ScaleRangeError, match=r"'stars'.*1–5.*rows 4, 9.*values 6, 0"):
        op.ratings(bad, "stars")
    bad = feedback.copy()
    bad.loc[2, "recommend"] = 11
    with pytest.raises(sq.ScaleRangeError, match=r"'recommend'.*0–10.*rows 2.*11"):
        op.nps(bad, "recommend")
    with pytest.raises(sq.ScaleRangeError, match="1–7"):
        op.ces([1, 2, 8])
    with pytest.raises(sq.DataError, match=r"whole scale points.*4.5"):
        op.ratings([4, 4.5, 3])


def test_non_numeric_and_missing_columns(feedback):
    bad = feedback.copy()
    bad["csat"] = bad["csat"].astype(object)
    bad.loc[3, "csat"] = "great"
    with pytest.raises(sq.NonNumericError, match=r"'csat'.*rows 3.*'great'"):
        op.csat(bad, "csat")
    with pytest.raises(sq.MissingColumnError, match="csatt"):
        op.csat(feedback, "csatt")
    with pytest.raises(sq.MissingColumnError, match="shop"):
        op.kpi_series(op.load_records("counts"), date="month", by="shop")


def test_selection_errors(counts):
    kpi = op.kpi_series(counts, date="month", by="store", count="count", exposure="orders")
    with pytest.raises(sq.DataError, match="several types"):
        op.control_chart(kpi)
    with pytest.raises(sq.DataError, match="where"):
        op.control_chart(kpi, type="complaint")
    with pytest.raises(sq.DataError, match="'east'"):
        op.control_chart(kpi, type="complaint", where={"store": "east"})
    with pytest.raises(sq.DataError, match="needs exposure"):
        op.control_chart([1, 2, 3], "u")
    with pytest.raises(sq.DataError, match="more counts than cases"):
        op.control_chart([5, 2, 3], "p", exposure=[4, 4, 4])
    with pytest.raises(sq.InsufficientDataError, match="limits are undefined"):
        op.control_chart([0, 0, 0, 4], "c", baseline=3)
    with pytest.raises(sq.DataError, match="Unknown run rule"):
        op.control_chart([1, 2, 3], "c", rules=[9])


def test_wtp_bad_answers(feedback):
    bad = feedback.copy()
    bad.loc[6, "pay_more"] = "maybe"
    with pytest.raises(sq.DataError, match=r"'pay_more'.*rows 6.*'maybe'"):
        sq.wtp_premium(bad, willing="pay_more")
    bad = feedback.copy()
    bad.loc[bad.index[bad["pay_more"] == "yes"][0], "premium"] = -3
    with pytest.raises(sq.DataError, match="negative premium"):
        sq.wtp_premium(bad, willing="pay_more", premium="premium")
    with pytest.raises(sq.DataError, match="willing="):
        sq.wtp_premium(feedback)


def test_value_index_needs_sacrifice():
    with pytest.raises(sq.InstrumentError, match="sacrifice"):
        sq.value_index(sq.load_example("retail_bank"))
    with pytest.raises(sq.DataError, match="needs a servqual Survey"):
        sq.value_index(pd.DataFrame({"a": [1]}))


def test_rate_tests_bad_numbers():
    with pytest.raises(sq.InsufficientDataError, match="0 events"):
        op.poisson_test(0, 10, 0, 10)
    with pytest.raises(sq.DataError, match="x ≤ n"):
        op.proportion_test(5, 3)
    with pytest.raises(sq.DataError, match="alternative"):
        op.poisson_test(1, 1, 2, 1, alternative="two.sided")


def test_inputs_not_modified(counts, feedback):
    c0, f0 = counts.copy(deep=True), feedback.copy(deep=True)
    kpi = op.kpi_series(counts, date="month", by="store", count="count", exposure="orders")
    op.control_chart(kpi, type="complaint", where={"store": "south"})
    op.nps(feedback, "recommend", by="store", date="date")
    op.ratings(feedback, "stars", date="date")
    op.score_change(feedback, "csat", split="2024-01-01")
    sq.wtp_premium(feedback, willing="pay_more", premium="premium")
    pd.testing.assert_frame_equal(counts, c0)
    pd.testing.assert_frame_equal(feedback, f0)


def test_row_order_does_not_matter(counts, feedback):
    shuffled = counts.sample(frac=1.0, random_state=1)
    a = op.kpi_series(counts, date="month", by="store", count="count", exposure="orders")
    b = op.kpi_series(shuffled, date="month", by="store", count="count", exposure="orders")
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame())
    fs = feedback.sample(frac=1.0, random_state=2)
    assert_allclose(
        op.nps(fs, "recommend", date="date").to_frame()["nps"],
        op.nps(feedback, "recommend", date="date").to_frame()["nps"],
    )


def test_list_array_series_agree(feedback):
    x = feedback["csat"]
    a = op.csat(x).to_frame()
    b = op.csat(x.to_numpy()).to_frame()
    c = op.csat(x.tolist()).to_frame()
    assert_allclose(a.to_numpy(), b.to_numpy())
    assert_allclose(a.to_numpy(), c.to_numpy())


def test_dates_as_strings_or_datetimes_agree(counts):
    s = counts.assign(month=counts["month"].dt.strftime("%Y-%m-%d"))
    a = op.kpi_series(counts, date="month", count="count").to_frame()
    b = op.kpi_series(s, date="month", count="count").to_frame()
    pd.testing.assert_frame_equal(a, b)


def test_missing_scores_are_left_out(feedback):
    x = feedback["csat"].astype(float).copy()
    x.iloc[:10] = np.nan
    res = op.csat(x)
    assert res.n == len(x) - 10
    assert_allclose(res.mean, x.iloc[10:].mean())


def test_repr_and_results():
    res = op.nps([10, 9, 0, 7, 8])
    assert "NPS" in repr(res)
    assert "<b>" in res._repr_html_()
    kpi = op.kpi_series(op.load_records("counts"), date="month", count="count", exposure="orders")
    assert "KPI series" in repr(kpi)
    assert len(op.list_records()) == 3
    with pytest.raises(sq.DataError):
        op.load_records("nope")


def test_duplicate_index_labels(feedback):
    dup = feedback.set_axis([k // 2 for k in range(len(feedback))])
    a = op.nps(dup, "recommend", by="store", date="date", freq="Q").to_frame()
    b = op.nps(feedback, "recommend", by="store", date="date", freq="Q").to_frame()
    pd.testing.assert_frame_equal(a, b)
    c = op.score_change(dup, "csat", split="2024-01-01").to_frame()
    d = op.score_change(feedback, "csat", split="2024-01-01").to_frame()
    pd.testing.assert_frame_equal(c, d)


def test_period_changes_with_empty_periods_warns():
    with pytest.warns(sq.ServqualWarning, match=r"period\(s\) 3"):
        res = op.period_changes([2, 0, 0, 4], p_adjust=None)
    t = res.to_frame()
    assert np.isnan(t.loc[3, "rate_ratio"]) and t.loc[3, "p_unc"] == 1.0
    # the other rows are the ordinary exact tests
    one = op.poisson_test(0, 1, 2, 1).to_frame().iloc[0]
    assert_allclose(t.loc[2, "p_unc"], one["p_unc"])
    with pytest.raises(sq.InsufficientDataError, match="0 events"):
        op.poisson_test(0, 1, 0, 1)


def test_proportions_all_in_one_category():
    # 100% on time in both periods: no difference, statistic 0, p = 1
    res = op.two_proportion_test(10, 10, 12, 12).to_frame().iloc[0]
    assert res["statistic"] == 0 and res["p_unc"] == 1.0
    assert res["diff"] == 0
    fres = op.two_proportion_test(10, 10, 12, 12, method="fisher").to_frame().iloc[0]
    assert fres["p_unc"] == 1.0


def test_small_groups_warn_and_name_the_row():
    df = pd.DataFrame({"csat": [4, 5, 3, 4, 2], "store": ["a", "a", "a", "b", "a"]})
    with pytest.warns(sq.ServqualWarning, match=r"'b'"):
        res = op.csat(df, "csat", by="store")
    assert np.isnan(res.to_frame().loc["b", "ci_low"])
    df = pd.DataFrame(
        {"csat": [4, 5, 3, 4], "date": ["2024-01-05", "2024-01-09", "2024-02-01", "2024-02-03"]}
    )
    with pytest.raises(sq.InsufficientDataError, match=r"2024-01-01.*2024-02-01"):
        op.score_change(df.iloc[[0, 2, 3]], "csat", freq="M")


def test_dates_in_windows_and_splits_are_checked(counts, feedback):
    kpi = op.kpi_series(counts, date="month", by="store", count="count", exposure="orders")
    with pytest.raises(sq.DataError, match=r"baseline=\('bad', '2024-12-01'\).*dates"):
        op.control_chart(
            kpi, "u", type="complaint", where={"store": "north"}, baseline=("bad", "2024-12-01")
        )
    with pytest.raises(sq.DataError, match=r"split='soon' is not a date"):
        op.before_after(kpi, "soon", type="complaint", where={"store": "north"})
    with pytest.raises(sq.DataError, match=r"before\[0\]='x' is not a date"):
        op.before_after(
            kpi,
            type="complaint",
            where={"store": "north"},
            before=("x", "2023-12-01"),
            after=("2024-01-01", "2024-12-01"),
        )
    with pytest.raises(sq.DataError, match=r"split='later' is not a date"):
        op.score_change(feedback, "csat", split="later")


def test_score_change_of_constant_means_raises_not_nan():
    df = pd.DataFrame({"date": ["2024-01-03"] * 3 + ["2024-02-03"] * 3, "csat": [4] * 6})
    with pytest.raises(sq.InsufficientDataError, match=r"Every answer is 4.*Welch"):
        op.score_change(df, "csat")


def test_misspelt_period_column_is_named_not_ignored(counts):
    north = counts[(counts["store"] == "north") & (counts["type"] == "complaint")]
    # used to fall back silently to the row numbers as period labels
    with pytest.raises(sq.MissingColumnError, match=r"'monht'.*'month'"):
        op.control_chart(north, "u", count="count", exposure="orders", period="monht")
    with pytest.raises(sq.MissingColumnError, match=r"'monht'"):
        op.period_changes(north, count="count", exposure="orders", period="monht")


def test_api_convention(counts, feedback):
    """Keyword-only options and the shared vocabulary's DataErrors (servqual._vocab)."""
    # the same invalid alternative raises the same DataError as everywhere else
    for call in (
        lambda: op.poisson_test(1, 1, 2, 1, alternative="sideways"),
        lambda: op.proportion_test(3, 10, alternative="sideways"),
        lambda: op.two_proportion_test(3, 10, 4, 10, alternative="sideways"),
        lambda: op.period_changes([3, 4, 5], alternative="sideways"),
        lambda: op.before_after([3, 4, 5, 6], 3, alternative="sideways"),
    ):
        with pytest.raises(sq.DataError, match=r"alternative='sideways' is not allowed"):
            call()
    # a flag is True or False, not a string
    with pytest.raises(sq.DataError, match="correct must be True or False"):
        op.two_proportion_test(3, 10, 4, 10, correct="no")
    # by= is a column name or a list of names
    for bad in (3, [], ["store", "store"]):
        with pytest.raises(sq.DataError, match="by="):
            op.kpi_series(counts, date="month", count="count", by=bad)
    with pytest.raises(sq.DataError, match="by="):
        sq.wtp_premium(feedback, willing="pay_more", by=3)
    # run_rules: sigma_multiple is keyword-only
    z = np.array([0.0, 2.5, 0.0])
    with pytest.raises(TypeError):
        op.run_rules(z, z, np.abs(z) > 3, 3.0)
    assert op.run_rules(z, z, np.abs(z) > 2, sigma_multiple=2.0)[1, 0]
    # ratings: the trend p-value is a scalar p_value field
    res = op.ratings(feedback, "stars", date="date")
    assert 0 <= res.trend_p_value <= 1 and not hasattr(res, "trend_p")


def test_value_api_convention():
    val = sq.load_example("value")
    with pytest.raises(TypeError):
        sq.value_index(val, "segment")  # by is keyword-only
    for call in (
        lambda: sq.value_index(val, level="item"),
        lambda: sq.value_links(val, level="item"),
    ):
        with pytest.raises(sq.DataError, match=r"level='item' is not allowed"):
            call()
