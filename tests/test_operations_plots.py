"""Plots of servqual.operations results (Agg backend)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

import servqual as sq

op = sq.operations


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def kpi():
    return op.kpi_series(
        op.load_records("counts"),
        date="month",
        by="store",
        count="count",
        exposure="orders",
        per=1000,
    )


def test_plot_control(kpi):
    ch = op.control_chart(kpi, "u", type="complaint", where={"store": "north"}, baseline=12)
    _fig, ax = plt.subplots()
    out = ch.plot(ax=ax)
    assert out is ax
    assert len(ax.lines[0].get_xdata()) == 24
    labels = [line.get_label() for line in ax.lines]
    assert {"UCL", "LCL", "centre"} <= set(labels)
    # flagged points are circled: one marker per signal
    assert len(ax.collections[0].get_offsets()) == ch.n_signals
    assert ax.get_ylabel() == "rate per 1,000"  # the KPI's per= scale
    assert "u-chart" in ax.get_title()
    assert sq.plotting.plot_control(ch, ax=ax) is ax


def test_plot_control_c_chart_array():
    ch = op.control_chart([3, 5, 2, 4, 12, 3], "c")
    _fig, ax = plt.subplots()
    ch.plot(ax=ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3", "4", "5", "6"]
    assert ax.get_ylabel() == "count"


def test_plot_nps_over_time():
    res = op.nps(op.load_records("feedback"), "recommend", date="date", freq="Q")
    _fig, ax = plt.subplots()
    assert res.plot(ax=ax) is ax
    assert len(ax.lines[0].get_xdata()) == 8
    assert len(ax.collections) == 1  # the CI band
    assert "NPS" in ax.get_ylabel()


def test_plot_nps_by_group():
    res = op.nps(op.load_records("feedback"), "recommend", by="store")
    _fig, ax = plt.subplots()
    res.plot(ax=ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["centre", "north", "south"]


def test_plot_ratings_bars():
    res = op.ratings(op.load_records("feedback"), "stars", by="store")
    _fig, ax = plt.subplots()
    assert res.plot(ax=ax) is ax
    assert len(ax.patches) == 5
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3", "4", "5"]
    heights = [p.get_height() for p in ax.patches]
    assert abs(sum(heights) - 1) < 1e-12
    _fig, ax = plt.subplots()
    sq.plotting.plot_ratings(res, ax=ax, row="north", share=False)
    assert sum(p.get_height() for p in ax.patches) == res.to_frame().loc["north", "n"]


def test_plot_kpi_and_score(kpi):
    _fig, ax = plt.subplots()
    assert kpi.plot(ax=ax) is ax
    assert len(ax.lines) == 6  # 2 types x 3 stores
    res = op.csat(op.load_records("feedback"), "csat", by="store")
    _fig, ax = plt.subplots()
    assert res.plot(ax=ax) is ax
    assert [t.get_text() for t in ax.get_xticklabels()] == ["centre", "north", "south"]


def test_plot_uses_current_axes_and_rejects_wrong_result():
    res = op.ratings([1, 2, 5, 5, 4])
    _fig, ax = plt.subplots()
    assert sq.plotting.plot_ratings(res) is ax
    with pytest.raises(sq.ServqualError, match="RatingsResult"):
        sq.plotting.plot_ratings(op.nps([1, 9, 10]))


def test_operations_charts_share_the_survey_palette(kpi):
    # one visual style: the Okabe-Ito colours of the gap charts, not matplotlib's cycle
    from matplotlib.colors import same_color

    from servqual.plotting._core import NEGATIVE, POSITIVE

    ch = op.control_chart(kpi, "u", type="complaint", where={"store": "north"}, baseline=12)
    _fig, ax = plt.subplots()
    ch.plot(ax=ax)
    by_label = {line.get_label(): line for line in ax.lines}
    assert same_color(ax.lines[0].get_color(), POSITIVE)
    assert same_color(by_label["UCL"].get_color(), NEGATIVE)
    plt.close("all")
