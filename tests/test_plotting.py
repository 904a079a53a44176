"""Charts: each returns the Axes it drew on and draws exactly what the result holds."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.collections
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import servqual as sq


@pytest.fixture(scope="module")
def bank():
    return sq.load_example("retail_bank")


@pytest.fixture(scope="module")
def zot_survey():
    return sq.load_example("zone_of_tolerance")


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def _bar_widths(ax):
    return np.array([p.get_width() for p in ax.patches])


def _ticklabels(ax, axis="y"):
    labels = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in labels]


# ------------------------------------------------------------------ plot_gaps
@pytest.mark.parametrize("level", ["item", "dimension", "overall"])
def test_plot_gaps_bars_match_result(bank, ax, level):
    res = sq.gap_scores(bank, level=level)
    table = res.to_frame()
    out = sq.plot_gaps(res, ax=ax)
    assert out is ax
    assert len(ax.patches) == len(table)
    assert_allclose(_bar_widths(ax), table["gap"].to_numpy())
    assert _ticklabels(ax) == [str(i) for i in table.index]
    # first unit at the top
    assert ax.get_ylim()[0] > ax.get_ylim()[1]


def test_plot_gaps_error_bars_are_the_ci(bank, ax):
    res = sq.gap_scores(bank, level="dimension")
    table = res.to_frame()
    sq.plot_gaps(res, ax=ax)
    (container,) = ax.containers[1:]  # bars first, then the error bar container
    segs = container.lines[2][0].get_segments()
    lows = np.array([s[:, 0].min() for s in segs])
    highs = np.array([s[:, 0].max() for s in segs])
    assert_allclose(lows, table["ci_low"].to_numpy())
    assert_allclose(highs, table["ci_high"].to_numpy())


def test_plot_gaps_without_ci(bank, ax):
    sq.plot_gaps(sq.gap_scores(bank), ax=ax, ci=False)
    assert len(ax.containers) == 1  # only the bars


def test_plot_gaps_sort_orders_by_gap(bank, ax):
    res = sq.gap_scores(bank, level="dimension")
    sq.plot_gaps(res, ax=ax, sort=True)
    expected = res.to_frame()["gap"].sort_values(kind="stable")
    assert _ticklabels(ax) == list(expected.index)
    assert_allclose(_bar_widths(ax), expected.to_numpy())


def test_plot_gaps_colours_by_sign(bank, ax):
    res = sq.gap_scores(bank, level="dimension")
    sq.plot_gaps(res, ax=ax, negative_color="red", positive_color="blue")
    faces = [matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches]
    expected = ["#ff0000" if g < 0 else "#0000ff" for g in res.to_frame()["gap"]]
    assert faces == expected


def test_plot_gaps_by_segment_grouped_with_legend(bank, ax):
    res = sq.gap_scores(bank, level="dimension", by="branch")
    table = res.to_frame()
    sq.plot_gaps(res, ax=ax, colors=["#111111", "#222222", "#333333"])
    branches = list(dict.fromkeys(table.index.get_level_values("branch")))
    dims = list(dict.fromkeys(table.index.get_level_values("dimension")))
    assert len(ax.patches) == len(table) == len(branches) * len(dims)
    assert _ticklabels(ax) == dims
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == branches
    # bars of the second branch hold that branch's gaps in dimension order
    widths = _bar_widths(ax).reshape(len(branches), len(dims))
    assert_allclose(widths[1], table.loc[branches[1], "gap"].to_numpy())


def test_result_plot_delegates(bank, ax):
    res = sq.gap_scores(bank, level="item")
    assert res.plot(ax=ax, sort=True) is ax
    assert len(ax.patches) == 22


def test_plot_gaps_uses_current_axes(bank):
    fig, ax = plt.subplots()
    try:
        assert sq.plot_gaps(sq.gap_scores(bank)) is ax
    finally:
        plt.close(fig)


def test_plot_gaps_rejects_non_result(ax):
    with pytest.raises(sq.ServqualError, match="plot_gaps"):
        sq.plot_gaps(pd.DataFrame({"gap": [1.0]}), ax=ax)


def test_plot_does_not_change_rcparams(bank, ax):
    before = dict(matplotlib.rcParams)
    sq.plot_gaps(sq.gap_scores(bank), ax=ax)
    sq.plot_likert(sq.likert_distribution(bank), ax=ax)
    assert dict(matplotlib.rcParams) == before


def _nonblank_png(path):
    img = plt.imread(path)
    assert img.ndim == 3 and img.shape[0] > 100 and img.shape[1] > 100
    rgb = img[..., :3]
    # clearly not a blank canvas: a sizeable share of pixels is not white
    assert (rgb.min(axis=2) < 0.9).mean() > 0.02
    return img


def test_plot_gaps_renders_png(bank, tmp_path):
    fig, ax = plt.subplots(figsize=(6, 6))
    sq.plot_gaps(sq.gap_scores(bank, level="item"), ax=ax)
    path = tmp_path / "gaps.png"
    fig.savefig(path, dpi=80)
    plt.close(fig)
    img = _nonblank_png(path)
    assert img.shape[:2] == (480, 480)
    # the negative-gap colour is present
    red = (img[..., 0] > 0.75) & (img[..., 1] < 0.5) & (img[..., 2] < 0.2)
    assert red.mean() > 0.05


# ------------------------------------------------------------------ plot_snake
@pytest.mark.parametrize("level", ["item", "dimension"])
def test_plot_snake_lines_match_result(bank, ax, level):
    res = sq.gap_scores(bank, level=level)
    table = res.to_frame()
    assert sq.plot_snake(res, ax=ax) is ax
    perception, reference = ax.lines
    assert_allclose(perception.get_ydata(), table["perception"].to_numpy())
    assert_allclose(reference.get_ydata(), table["reference"].to_numpy())
    assert _ticklabels(ax, "x") == list(table.index)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Perception", "Expectation", "95% CI of the gap"]


def test_plot_snake_by_segment(bank, ax):
    res = sq.gap_scores(bank, level="dimension", by="channel")
    sq.plot_snake(res, ax=ax)
    n_seg = res.to_frame().index.get_level_values("channel").nunique()
    assert len(ax.lines) == 2 * n_seg


# ------------------------------------------------------------------ plot_tolerance
def _scatters(ax):
    return [c for c in ax.collections if isinstance(c, matplotlib.collections.PathCollection)]


@pytest.mark.parametrize("level", ["item", "dimension"])
def test_plot_tolerance_matches_result(zot_survey, ax, level):
    res = sq.tolerance_zone(zot_survey, level=level)
    table = res.to_frame()
    assert sq.plot_tolerance(res, ax=ax) is ax
    assert len(ax.patches) == len(table)
    lefts = np.array([p.get_x() for p in ax.patches])
    assert_allclose(lefts, table["adequate"].to_numpy())
    assert_allclose(lefts + _bar_widths(ax), table["desired"].to_numpy())
    assert _ticklabels(ax) == list(table.index)
    # one scatter per position present; together all perceived points
    offsets = np.vstack([c.get_offsets() for c in _scatters(ax)])
    points = offsets[np.argsort(offsets[:, 1])]
    assert_allclose(points[:, 0], table["perceived"].to_numpy())


def test_plot_tolerance_colours_by_position(zot_survey, ax):
    res = sq.tolerance_zone(zot_survey, level="dimension")
    colors = {"below": "#ff0000", "within": "#00ff00", "above": "#0000ff"}
    sq.plot_tolerance(res, ax=ax, position_colors=colors)
    table = res.to_frame()
    for coll in _scatters(ax):
        offs = coll.get_offsets()
        face = matplotlib.colors.to_hex(coll.get_facecolor()[0])
        rows = table.iloc[np.round(offs[:, 1]).astype(int)]
        assert {colors[p] for p in rows["position"]} == {face}


def test_plot_tolerance_renders_png(zot_survey, tmp_path):
    fig, ax = plt.subplots(figsize=(6, 7))
    res = sq.tolerance_zone(zot_survey, level="item")
    res.plot(ax=ax)
    fig.tight_layout()
    path = tmp_path / "zot.png"
    fig.savefig(path, dpi=80)
    plt.close(fig)
    img = _nonblank_png(path)
    assert img.shape[:2] == (560, 480)


def test_plot_tolerance_rejects_gap_result(bank, ax):
    with pytest.raises(sq.ServqualError, match="adequate"):
        sq.plot_tolerance(sq.gap_scores(bank), ax=ax)


# ------------------------------------------------------------------ plot_radar
def test_plot_radar_polar(bank):
    res = sq.gap_scores(bank, level="dimension")
    fig, ax = plt.subplots(subplot_kw={"projection": "polar"})
    try:
        assert sq.plot_radar(res, ax=ax) is ax
        assert len(ax.lines) == 2
        assert _ticklabels(ax, "x") == list(res.index)
        # closed polygon: first value repeated at the end
        y = ax.lines[0].get_ydata()
        assert_allclose(y[:-1], res.to_frame()["perception"].to_numpy())
        assert y[0] == y[-1]
    finally:
        plt.close(fig)


def test_plot_radar_tolerance_result(zot_survey):
    res = sq.tolerance_zone(zot_survey, level="dimension")
    fig, ax = plt.subplots(subplot_kw={"projection": "polar"})
    try:
        sq.plot_radar(res, ax=ax)
        assert len(ax.lines) == 3
    finally:
        plt.close(fig)


def test_plot_radar_creates_polar_axes(bank):
    plt.close("all")
    ax = sq.plot_radar(sq.gap_scores(bank))
    assert ax.name == "polar"
    plt.close("all")


def test_plot_radar_rejects_cartesian_axes(bank, ax):
    with pytest.raises(sq.ServqualError, match="polar"):
        sq.plot_radar(sq.gap_scores(bank), ax=ax)


def test_plot_radar_rejects_segments(bank):
    fig, ax = plt.subplots(subplot_kw={"projection": "polar"})
    try:
        with pytest.raises(sq.ServqualError, match="by="):
            sq.plot_radar(sq.gap_scores(bank, by="branch"), ax=ax)
    finally:
        plt.close(fig)


# ------------------------------------------------------------------ likert
def test_likert_distribution_counts(bank):
    dist = sq.likert_distribution(bank, rating="perception")
    table = dist.to_frame()
    x = bank.ratings("P")
    for code in ["TAN1", "REL2", "EMP4"]:
        # R: table(factor(x, levels = 1:7))
        expected = x[code].value_counts().reindex(range(1, 8), fill_value=0)
        assert table.loc[code, [f"count_{k}" for k in range(1, 8)]].tolist() == expected.tolist()
        assert table.loc[code, "n"] == x[code].notna().sum()
        assert_allclose(table.loc[code, "mean"], x[code].mean(), rtol=1e-12)
    assert_allclose(dist.shares.sum(axis=1), 1.0)
    assert dist.points == tuple(range(1, 8))


REFERENCE = Path(__file__).resolve().parent / "reference"


@pytest.mark.parametrize("rating", ["P", "E"])
def test_likert_distribution_matches_r_table(bank, rating):
    ref = pd.read_csv(REFERENCE / "distribution_retail.csv")
    ref = ref[ref["rating"] == rating].sort_values("item")
    table = sq.likert_distribution(bank, rating=rating).to_frame()
    cols = [f"count_{k}" for k in range(1, 8)]
    # R: table(factor(x, levels = 1:7)) per item (tests/reference/make_distribution.R)
    np.testing.assert_array_equal(table[cols].to_numpy(), ref[cols].to_numpy())
    # R: sum(!is.na(x)), mean(x, na.rm = TRUE)
    np.testing.assert_array_equal(table["n"].to_numpy(), ref["n"].to_numpy())
    assert_allclose(table["mean"].to_numpy(), ref["mean"].to_numpy(), rtol=1e-6)
    shares = table[[f"share_{k}" for k in range(1, 8)]].to_numpy()
    assert_allclose(shares, ref[cols].to_numpy() / ref[["n"]].to_numpy(), rtol=1e-12)


def test_likert_distribution_weighted_matches_r(bank):
    raw = sq.datasets.load_frame("retail_bank")
    w = 0.5 + (np.arange(1, len(raw) + 1) % 7) / 4  # as in make_distribution_weighted.R
    before = raw.copy()
    survey = sq.Survey(raw, sq.instruments.servqual22(), weights=w)
    dist = sq.likert_distribution(survey, rating="P")
    pd.testing.assert_frame_equal(raw, before)
    ref = pd.read_csv(REFERENCE / "distribution_retail_weighted.csv").sort_values("item")
    table = dist.to_frame()
    shares = [f"share_{k}" for k in range(1, 8)]
    # R: prop.table(xtabs(w ~ factor(x, levels = 1:7)))
    assert_allclose(table[shares].to_numpy(), ref[shares].to_numpy(), rtol=1e-6, atol=1e-12)
    # R: coef(survey::svymean(~factor(x), svydesign(ids = ~1, weights = ~w)))
    svy = ref[[f"svy_share_{k}" for k in range(1, 8)]].to_numpy()
    assert_allclose(table[shares].to_numpy(), svy, rtol=1e-6, atol=1e-12)
    # R: coef(svymean(~x, design))
    assert_allclose(table["mean"].to_numpy(), ref["mean"].to_numpy(), rtol=1e-6)
    # counts stay unweighted answer counts
    unweighted = sq.likert_distribution(bank, rating="P").to_frame()
    cols = ["n"] + [f"count_{k}" for k in range(1, 8)]
    pd.testing.assert_frame_equal(table[cols], unweighted[cols])
    assert dist.survey_weighted and "survey-weighted" in repr(dist)
    assert not sq.likert_distribution(bank).survey_weighted


def test_likert_distribution_dimension_pools_items(bank):
    item = sq.likert_distribution(bank, rating="E").to_frame()
    dim = sq.likert_distribution(bank, rating="E", level="dimension").to_frame()
    cols = [f"count_{k}" for k in range(1, 8)]
    for d in bank.instrument.dimensions:
        codes = [i.code for i in d.items]
        assert dim.loc[d.name, cols].tolist() == item.loc[codes, cols].sum().tolist()


def test_likert_distribution_bad_rating(bank):
    with pytest.raises(sq.InstrumentError, match="desired"):
        sq.likert_distribution(bank, rating="D")
    with pytest.raises(sq.InstrumentError, match="'Z'"):
        sq.likert_distribution(bank, rating="Z")


def test_likert_distribution_non_integer_named():
    inst = sq.instruments.servperf22()
    df = sq.datasets.simulate(30, instrument=inst, rng=1)
    col = next(c for c in df.columns if str(c).startswith("P"))
    df[col] = df[col].astype(float)
    df.loc[df.index[3], col] = 4.5
    survey = sq.Survey(df, inst)
    with pytest.raises(sq.DataError, match=r"4\.5"):
        sq.likert_distribution(survey)


@pytest.mark.parametrize(
    ("neutral", "n_segments", "neutral_left"),
    [("split", 7, 0.5), ("left", 7, 1.0), ("right", 7, 0.0), ("omit", 6, 0.0)],
)
def test_plot_likert_neutral_handling(bank, ax, neutral, n_segments, neutral_left):
    dist = sq.likert_distribution(bank, level="dimension")
    shares = dist.shares
    assert sq.plot_likert(dist, ax=ax, neutral=neutral) is ax
    assert len(ax.patches) == n_segments * len(shares)
    assert _ticklabels(ax) == list(shares.index)
    # the first segment (point 1) starts left of zero by the disagree + neutral share
    first = ax.patches[: len(shares)]
    starts = np.array([p.get_x() for p in first])
    expected = -(shares[[1, 2, 3]].sum(axis=1) + neutral_left * shares[4])
    assert_allclose(starts, expected.to_numpy())


def test_plot_likert_from_survey_and_errors(bank, ax):
    sq.plot_likert(bank, ax=ax, rating="E")
    assert len(ax.patches) == 22 * 7
    with pytest.raises(sq.ServqualError, match="neutral"):
        sq.plot_likert(bank, ax=ax, neutral="middle")
    with pytest.raises(sq.ServqualError, match="one colour per scale point"):
        sq.plot_likert(bank, ax=ax, colors=["red"])


def _likert_sides(table):
    neg = table[["share_1", "share_2", "share_3"]].sum(axis=1)
    pos = table[["share_5", "share_6", "share_7"]].sum(axis=1)
    return neg, table["share_4"], pos


def test_plot_likert_percent_labels(bank, ax):
    dist = sq.likert_distribution(bank, level="dimension")
    neg, neu, pos = _likert_sides(dist.to_frame())
    sq.plot_likert(dist, ax=ax, percent=True, percent_min=0.0)
    texts = [t.get_text() for t in ax.texts]
    expected = []
    for unit in dist.to_frame().index:
        expected += [f"{neg[unit]:.0%}", f"{neu[unit]:.0%}", f"{pos[unit]:.0%}"]
    assert texts == expected
    # negative share just left of the bar, positive share just right of it
    first, last = ax.texts[0], ax.texts[2]
    assert first.get_position()[0] == pytest.approx(-(neg.iloc[0] + neu.iloc[0] / 2) - 0.01)
    assert last.get_position()[0] == pytest.approx(pos.iloc[0] + neu.iloc[0] / 2 + 0.01)
    assert all(t.get_text().endswith("%") for t in ax.texts)


def test_plot_likert_percent_threshold_and_default(bank, ax):
    dist = sq.likert_distribution(bank, level="item")
    neg, neu, pos = _likert_sides(dist.to_frame())
    sq.plot_likert(dist, ax=ax)
    assert len(ax.texts) == 0
    ax.clear()
    sq.plot_likert(dist, ax=ax, percent=True, percent_min=0.15)
    shown = sum(int(s >= 0.15) for side in (neg, neu, pos) for s in side)
    assert len(ax.texts) == shown < 3 * len(neg)
    ax.clear()
    sq.plot_likert(dist, ax=ax, percent=True, neutral="omit", percent_min=0.0)
    assert len(ax.texts) == 2 * len(neg)


@pytest.mark.parametrize("sort", ["positive", "negative", "mean"])
def test_plot_likert_sort(bank, ax, sort):
    dist = sq.likert_distribution(bank, level="item")
    table = dist.to_frame()
    neg, _, pos = _likert_sides(table)
    key = {"positive": pos, "negative": neg, "mean": table["mean"]}[sort]
    sq.plot_likert(dist, ax=ax, sort=sort)
    order = _ticklabels(ax)
    assert sorted(order) == sorted(table.index)
    values = key[order].to_numpy()
    assert np.all(np.diff(values) <= 1e-12)  # largest at the top
    # the bars follow the rows: first segment of the top row starts at -(neg + neu/2)
    top = order[0]
    assert ax.patches[0].get_x() == pytest.approx(-(neg[top] + table.loc[top, "share_4"] / 2))


def test_plot_likert_sort_invalid(bank, ax):
    with pytest.raises(sq.DataError, match="sort"):
        sq.plot_likert(bank, ax=ax, sort="alphabetical")


# ------------------------------------------------------ labels per perspective
@pytest.mark.parametrize(
    ("example", "reference", "label"),
    [
        ("retail_bank", None, "Gap (P − E)"),
        ("zone_of_tolerance", "A", "MSA (P − A)"),
        ("zone_of_tolerance", "D", "MSS (P − D)"),
        ("excellence", "C", "Gap to best competitor (P − C)"),
        ("excellence", "max", "Gap to scale maximum (P − max)"),
        ("conformance", None, "Gap to specification (P − spec)"),
        ("value", None, "Value index (quality − sacrifice)"),
    ],
)
def test_plot_gaps_xlabel_names_the_reference(ax, example, reference, label):
    # an excellence or value chart must not be labelled as an expectation gap
    res = sq.gap_scores(sq.load_example(example), level="dimension", reference=reference)
    sq.plot_gaps(res, ax=ax)
    assert ax.get_xlabel() == label


def test_plot_gaps_weighted_label(bank, ax):
    sq.plot_gaps(sq.gap_scores(bank, level="overall", weighted=True), ax=ax)
    assert ax.get_xlabel() == "Gap (P − E) (importance-weighted)"


@pytest.mark.parametrize("plot", [sq.plot_gaps, sq.plot_snake])
def test_segment_legend_outside_the_data(bank, plot):
    # with one colour per segment the legend sits right of the Axes, never over bars/lines
    fig, ax = plt.subplots(figsize=(8, 4))
    plot(sq.gap_scores(bank, level="item", by="branch"), ax=ax)
    fig.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    assert legend.x0 >= ax.get_window_extent().x1
    plt.close(fig)


def test_plot_radar_labels_and_legend_clear_of_the_circle(bank):
    fig, ax = plt.subplots(figsize=(6.5, 5), subplot_kw={"projection": "polar"})
    sq.plot_radar(sq.gap_scores(bank, level="dimension"), ax=ax)
    fig.canvas.draw()
    # tangibles at the top (centred), reliability and responsiveness on the right
    # (start at their spoke), assurance and empathy on the left (end there)
    assert [t.get_ha() for t in ax.get_xticklabels()] == [
        "center", "left", "left", "right", "right"
    ]  # fmt: skip
    # legend below the polar Axes, so it does not push spoke labels off the figure
    assert ax.get_legend().get_window_extent().y1 <= ax.get_window_extent().y0
    plt.close(fig)


def test_weighted_result_not_labelled_as_ratings(bank):
    # weighted=True rows are contributions w/100 × mean rating, not mean ratings
    res = sq.gap_scores(bank, level="dimension", weighted=True)
    fig, ax = plt.subplots()
    sq.plot_snake(res, ax=ax)
    assert ax.get_ylabel() == "Importance-weighted score (w/100 × rating)"
    plt.close(fig)
    fig, ax = plt.subplots(subplot_kw={"projection": "polar"})
    sq.plot_radar(res, ax=ax)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Perception (importance-weighted)",
        "Expectation (importance-weighted)",
        "95% CI of the gap",
    ]
    plt.close(fig)
    fig, ax = plt.subplots()
    sq.plot_snake(sq.gap_scores(bank, level="item"), ax=ax, ylabel="")
    assert ax.get_ylabel() == ""
    plt.close(fig)


# ------------------------------------------------------------------ labels=
_DIM_LABELS = ["Tangibles", "Reliability", "Responsiveness", "Assurance", "Empathy"]
_DIM_CODES = ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]


@pytest.mark.parametrize(
    ("labels", "expected"), [("code", _DIM_CODES), ("label", _DIM_LABELS), ("text", _DIM_LABELS)]
)
def test_labels_option_dimension_ticks(bank, labels, expected):
    res = sq.gap_scores(bank, level="dimension")
    for draw, axis in ((sq.plot_gaps, "y"), (sq.plot_snake, "x")):
        fig, ax = plt.subplots()
        draw(res, ax=ax, labels=labels)
        assert _ticklabels(ax, axis) == expected, draw.__name__
        plt.close(fig)
    fig, ax = plt.subplots(subplot_kw={"projection": "polar"})
    sq.plot_radar(res, ax=ax, labels=labels)
    assert _ticklabels(ax, "x") == expected
    plt.close(fig)


def test_labels_text_is_the_wrapped_item_wording(bank, ax):
    inst = sq.instruments.servqual22()
    res = sq.gap_scores(bank, level="item")
    sq.plot_gaps(res, ax=ax, labels="text")
    ticks = _ticklabels(ax)
    assert len(ticks) == 22
    for tick, item in zip(ticks, inst.items, strict=True):
        assert tick.replace("\n", " ") == item.text
        assert max(len(line) for line in tick.split("\n")) <= 28
    assert any("\n" in t for t in ticks)  # long wording is wrapped


def test_labels_label_on_items_keeps_codes(bank, ax):
    """Items have no label of their own: "label" shows their codes."""
    res = sq.gap_scores(bank, level="item")
    sq.plot_snake(res, ax=ax, labels="label")
    assert _ticklabels(ax, "x") == list(res.to_frame().index)


def test_labels_on_tolerance_and_likert(zot_survey, bank):
    zot = sq.tolerance_zone(zot_survey, level="dimension")
    fig, ax = plt.subplots()
    sq.plot_tolerance(zot, ax=ax, labels="label")
    assert _ticklabels(ax) == _DIM_LABELS
    plt.close(fig)
    by = sq.tolerance_zone(zot_survey, level="dimension", by="branch")
    fig, ax = plt.subplots()
    sq.plot_tolerance(by, ax=ax, labels="label")
    assert all(t.split(" / ")[-1] in _DIM_LABELS for t in _ticklabels(ax))
    plt.close(fig)
    dist = sq.likert_distribution(bank, level="item")
    fig, ax = plt.subplots()
    sq.plot_likert(dist, ax=ax, labels="text")
    first = sq.instruments.servqual22().items[0].text
    assert _ticklabels(ax)[0].replace("\n", " ") == first
    plt.close(fig)


def test_labels_on_ipa_and_drivers_need_the_instrument(bank):
    """IPA and key-driver results do not name their instrument: pass instrument=."""
    ipa = sq.importance_performance(bank)
    kd = sq.key_drivers(bank)
    fig, ax = plt.subplots()
    with pytest.raises(sq.DataError, match=r"instrument=survey\.instrument"):
        sq.plot_ipa(ipa, ax=ax, labels="label")
    sq.plot_ipa(ipa, ax=ax, labels="label", instrument=bank)
    assert sorted(t.get_text() for t in ax.texts if t.get_text() in _DIM_LABELS) == sorted(
        _DIM_LABELS
    )
    plt.close(fig)
    fig, ax = plt.subplots()
    with pytest.raises(sq.DataError, match="instrument"):
        sq.plot_drivers(kd, ax=ax, labels="text")
    sq.plot_drivers(kd, ax=ax, labels="label", instrument="servqual22")
    assert sorted(_ticklabels(ax)) == sorted(_DIM_LABELS)
    plt.close(fig)


def test_labels_invalid_choice_is_a_data_error(bank, zot_survey, ax):
    res = sq.gap_scores(bank, level="dimension")
    cases = [
        (sq.plot_gaps, res),
        (sq.plot_snake, res),
        (sq.plot_radar, res),
        (sq.plot_tolerance, sq.tolerance_zone(zot_survey, level="dimension")),
        (sq.plot_likert, sq.likert_distribution(bank)),
        (sq.plot_ipa, sq.importance_performance(bank)),
        (sq.plot_drivers, sq.key_drivers(bank)),
    ]
    for draw, result in cases:
        with pytest.raises(sq.DataError, match="labels='name' is not allowed"):
            draw(result, ax=None if draw is sq.plot_radar else ax, labels="name")


def test_labels_custom_instrument(bank, ax):
    """A custom instrument is not retrievable by name: labels= asks for instrument=."""
    import dataclasses

    base = sq.instruments.servqual22()
    dims = tuple(dataclasses.replace(d, label=d.label.upper()) for d in base.dimensions)
    custom = dataclasses.replace(base, name="My bank survey", dimensions=dims)
    res = dataclasses.replace(sq.gap_scores(bank, level="dimension"), instrument=custom.name)
    with pytest.raises(sq.DataError, match="'My bank survey', which is not a built-in"):
        sq.plot_gaps(res, ax=ax, labels="label")
    sq.plot_gaps(res, ax=ax, labels="label", instrument=custom)
    assert _ticklabels(ax) == [s.upper() for s in _DIM_LABELS]


def test_wrap_counts_wide_characters_twice():
    from servqual._labels import wrap

    assert wrap("The firm's equipment looks up to date.", 15) == (
        "The firm's\nequipment looks\nup to date."
    )
    korean = wrap("키오스크는 사용하기 쉽고 화면이 보기 편하다", 12)
    assert all(sum(2 for _ in line) <= 12 for line in korean.split("\n"))
    assert korean.replace("\n", " ") == "키오스크는 사용하기 쉽고 화면이 보기 편하다"
    assert (
        wrap("漢字漢字漢字漢字", 6) == "漢字漢\n字漢字\n漢字"
    )  # no spaces: broken between characters


# ------------------------------------------------------------------ confidence intervals
def _errorbars(ax):
    return [c for c in ax.containers if isinstance(c, matplotlib.container.ErrorbarContainer)]


def _bar_extents(container, axis):
    """(low, high) of each error bar of a container (vertical: axis=1, horizontal: 0)."""
    segs = container.lines[2][0].get_segments()
    return np.array([[s[0][axis], s[1][axis]] for s in segs])


def test_snake_draws_the_gap_ci_at_the_perception(bank, ax):
    res = sq.gap_scores(bank, level="dimension")
    t = res.to_frame()
    sq.plot_snake(res, ax=ax)
    (bars,) = _errorbars(ax)
    ext = np.sort(_bar_extents(bars, 1), axis=1)
    assert_allclose(ext[:, 0], t["reference"] + t["ci_low"])
    assert_allclose(ext[:, 1], t["reference"] + t["ci_high"])
    assert len(ax.lines) == 2  # the profiles only (no caps)


def test_snake_ci_off_and_absent(bank, ax):
    res = sq.gap_scores(bank, level="dimension")
    sq.plot_snake(res, ax=ax, ci=False)
    assert _errorbars(ax) == []
    import dataclasses

    bare = dataclasses.replace(res, _table=res.to_frame().drop(columns=["ci_low", "ci_high"]))
    fig, ax2 = plt.subplots()
    sq.plot_snake(bare, ax=ax2)  # ci=True by default, nothing to draw
    assert _errorbars(ax2) == []
    plt.close(fig)


def test_snake_by_segment_ci(bank, ax):
    res = sq.gap_scores(bank, level="dimension", by="channel")
    sq.plot_snake(res, ax=ax)
    n_seg = res.to_frame().index.get_level_values("channel").nunique()
    assert len(_errorbars(ax)) == n_seg


def _polys(ax):
    return [
        c
        for c in ax.collections
        if isinstance(c, matplotlib.collections.PolyCollection)
        and not isinstance(c, matplotlib.collections.PathCollection)
    ]


def test_radar_ci_band(bank):
    res = sq.gap_scores(bank, level="dimension")
    fig, ax = plt.subplots(subplot_kw={"projection": "polar"})
    sq.plot_radar(res, ax=ax)
    (band,) = _polys(ax)
    t = res.to_frame()
    r = band.get_paths()[0].vertices[:, 1]
    assert np.isclose(r.min(), (t["reference"] + t["ci_low"]).min())
    assert np.isclose(r.max(), (t["reference"] + t["ci_high"]).max())
    assert "95% CI of the gap" in [x.get_text() for x in ax.get_legend().get_texts()]
    plt.close(fig)
    fig, ax = plt.subplots(subplot_kw={"projection": "polar"})
    sq.plot_radar(res, ax=ax, ci=False)
    assert _polys(ax) == []
    plt.close(fig)


def test_tolerance_and_radar_ci_when_the_result_has_it(zot_survey):
    import dataclasses

    zot = sq.tolerance_zone(zot_survey, level="dimension")
    fig, ax = plt.subplots()
    sq.plot_tolerance(zot, ax=ax)
    assert _errorbars(ax) == []  # today's tolerance results carry no intervals
    plt.close(fig)
    t = zot.to_frame().assign(
        perceived_ci_low=lambda d: d["perceived"] - 0.2,
        perceived_ci_high=lambda d: d["perceived"] + 0.3,
    )
    with_ci = dataclasses.replace(zot, _table=t)
    fig, ax = plt.subplots()
    sq.plot_tolerance(with_ci, ax=ax)
    (bars,) = _errorbars(ax)
    ext = np.sort(_bar_extents(bars, 0), axis=1)
    assert_allclose(ext[:, 0], t["perceived_ci_low"])
    assert_allclose(ext[:, 1], t["perceived_ci_high"])
    plt.close(fig)
    fig, ax = plt.subplots(subplot_kw={"projection": "polar"})
    sq.plot_radar(with_ci, ax=ax)
    assert len(_polys(ax)) == 1
    plt.close(fig)


def test_ipa_ci_when_the_result_has_it(bank):
    import dataclasses

    ipa = sq.importance_performance(bank)
    fig, ax = plt.subplots()
    sq.plot_ipa(ipa, ax=ax)
    assert _errorbars(ax) == []
    plt.close(fig)
    t = ipa.to_frame().assign(
        performance_ci_low=lambda d: d["performance"] - 0.1,
        performance_ci_high=lambda d: d["performance"] + 0.1,
        importance_ci_low=lambda d: d["importance"] - 2,
        importance_ci_high=lambda d: d["importance"] + 2,
    )
    fig, ax = plt.subplots()
    sq.plot_ipa(dataclasses.replace(ipa, _table=t), ax=ax)
    (bars,) = _errorbars(ax)
    assert bars.has_xerr and bars.has_yerr
    plt.close(fig)
    fig, ax = plt.subplots()
    sq.plot_ipa(dataclasses.replace(ipa, _table=t), ax=ax, ci=False)
    assert _errorbars(ax) == []
    plt.close(fig)


def test_drivers_ci(bank):
    kd = sq.key_drivers(bank)
    t = kd.to_frame()
    fig, ax = plt.subplots()
    sq.plot_drivers(kd, ax=ax, measure="coef")
    (bars,) = _errorbars(ax)
    order = t["coef"].sort_values().index
    ext = np.sort(_bar_extents(bars, 0), axis=1)
    assert_allclose(ext[:, 0], t.loc[order, "ci_low"])
    assert_allclose(ext[:, 1], t.loc[order, "ci_high"])
    plt.close(fig)
    fig, ax = plt.subplots()
    sq.plot_drivers(kd, ax=ax)  # dominance_pct: the result has no interval for it
    assert _errorbars(ax) == []
    plt.close(fig)
    fig, ax = plt.subplots()
    sq.plot_drivers(kd, ax=ax, measure="coef", ci=False)
    assert _errorbars(ax) == []
    plt.close(fig)


# ------------------------------------------------------------------ control chart scale
def test_control_chart_keeps_the_kpi_per_scale():
    op = sq.operations
    kpi = op.kpi_series(
        op.load_records("counts"), date="month", by="store", count="count",
        exposure="orders", per=1000,
    )  # fmt: skip
    ch = op.control_chart(kpi, "u", type="complaint", where={"store": "north"}, baseline=12)
    assert ch.per == 1000
    t = ch.to_frame()
    fig, ax = plt.subplots()
    sq.plot_control(ch, ax=ax)
    lines = {line.get_label(): line for line in ax.lines}
    assert_allclose(ax.lines[0].get_ydata(), t["value"] * 1000)
    assert_allclose(lines["centre"].get_ydata(), t["centre"] * 1000)
    assert_allclose(lines["UCL"].get_ydata(), t["ucl"] * 1000)
    # the same numbers as the KPI table's rates
    k = kpi.to_frame()
    rates = k[(k["type"] == "complaint") & (k["store"] == "north")]["rate"].to_numpy()
    assert_allclose(ax.lines[0].get_ydata(), rates)
    assert ax.get_ylabel() == "rate per 1,000"
    plt.close(fig)


def test_control_chart_without_kpi_scale_unchanged():
    op = sq.operations
    ch = op.control_chart([3, 5, 2, 4, 12, 3], "u", exposure=[100, 120, 90, 110, 100, 95])
    assert ch.per == 1.0
    fig, ax = plt.subplots()
    sq.plot_control(ch, ax=ax)
    assert_allclose(ax.lines[0].get_ydata(), ch.to_frame()["value"])
    assert ax.get_ylabel() == "rate"
    plt.close(fig)


def test_loadings_row_labels(bank):
    res = sq.efa(bank, n_factors=5)
    fig, ax = plt.subplots()
    with pytest.raises(sq.DataError, match="instrument"):
        sq.plotting.plot_loadings(res, ax=ax, labels="text")
    sq.plotting.plot_loadings(res, ax=ax, labels="text", instrument=bank, colorbar=False)
    texts = [t.replace("\n", " ") for t in _ticklabels(ax)]
    assert texts == [sq.instruments.servqual22().item(c).text for c in res.loadings.index]
    plt.close(fig)


# ------------------------------------------------------------ IPA label placement
def _overlap(a, b):
    return min(a.x1, b.x1) > max(a.x0, b.x0) and min(a.y1, b.y1) > max(a.y0, b.y0)


@pytest.mark.parametrize("figsize", [(6.4, 4.8), (5.0, 4.0)])
def test_ipa_labels_do_not_overlap(bank, figsize):
    from itertools import combinations

    from matplotlib.text import Text

    from servqual.plotting._drivers import QUADRANT_COLORS

    ipa = sq.importance_performance(bank, level="item")
    fig, ax = plt.subplots(figsize=figsize)
    sq.plot_ipa(ipa, ax=ax)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    items = set(ipa.to_frame().index)
    labels = [t for t in ax.texts if t.get_text() in items]
    quadrants = [t for t in ax.texts if t.get_text() in QUADRANT_COLORS]
    assert len(labels) == 22 and len(quadrants) == 4
    boxes = [Text.get_window_extent(t, renderer) for t in labels]
    names = [t.get_window_extent(renderer) for t in quadrants]
    assert not [(a, b) for a, b in combinations(boxes, 2) if _overlap(a, b)]
    assert not [(a, b) for a in boxes for b in names if _overlap(a, b)]
    frame = ax.get_window_extent(renderer)
    assert all(frame.x0 - 1 <= b.x0 and b.x1 <= frame.x1 + 1 for b in boxes)
    assert all(frame.y0 - 1 <= b.y0 and b.y1 <= frame.y1 + 1 for b in boxes)
    # a label far from its point has a leader line, one next to it has none
    leaders = [t.arrow_patch.get_visible() for t in labels]
    assert any(leaders) and not all(leaders)
    # deterministic
    fig2, ax2 = plt.subplots(figsize=figsize)
    sq.plot_ipa(ipa, ax=ax2)
    assert [t.xyann for t in ax2.texts if t.get_text() in items] == [t.xyann for t in labels]
    plt.close(fig)
    plt.close(fig2)
