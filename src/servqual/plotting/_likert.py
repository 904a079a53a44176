"""Diverging stacked bar chart of Likert answer distributions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from .._labels import unit_labels
from .._validation import check_choice
from ..exceptions import ServqualError
from ..likert import LikertResult, likert_distribution
from ..survey import Survey
from ._core import _axes
from ._fonts import fit_scripts

__all__ = ["plot_likert"]

_NEUTRAL = ("split", "left", "right", "omit")
_SORT = (None, "positive", "negative", "mean")


def _likert_result(
    obj: LikertResult | Survey, rating: str, level: Literal["item", "dimension"]
) -> LikertResult:
    if isinstance(obj, LikertResult):
        return obj
    if isinstance(obj, Survey):
        return likert_distribution(obj, rating=rating, level=level)
    raise ServqualError(
        f"plot_likert draws a LikertResult (sq.likert_distribution(survey)) or a Survey; "
        f"got {type(obj).__name__}."
    )


def plot_likert(
    result: LikertResult | Survey,
    ax: Any = None,
    *,
    neutral: Literal["split", "left", "right", "omit"] = "split",
    rating: str = "P",
    level: Literal["item", "dimension"] = "item",
    colors: Sequence[str] | None = None,
    cmap: str = "RdBu",
    point_labels: Sequence[str] | None = None,
    bar_height: float = 0.75,
    title: str | None = None,
    xlabel: str | None = "Share of answers",
    legend: bool = True,
    labels: str = "code",
    instrument: Any = None,
    percent: bool = False,
    percent_min: float = 0.05,
    sort: Literal["positive", "negative", "mean"] | None = None,
) -> Any:
    """Diverging stacked bars of the answer distribution of each item or dimension.

    Answers below the scale midpoint extend to the left of zero, answers above it
    to the right, so items with more agreement sit further right.

    Parameters
    ----------
    result : LikertResult or Survey
        From :func:`servqual.likert_distribution`; a Survey is summarised first
        with ``rating`` and ``level``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; the current Axes when omitted.
    neutral : {"split", "left", "right", "omit"}
        Where the midpoint answers of an odd-point scale go: centred on zero
        (half on each side), all on the left or all on the right of zero, or not
        drawn (the bars then do not add up to 100 %). Ignored for even-point scales.
    rating, level : str
        Passed to :func:`servqual.likert_distribution` when ``result`` is a Survey.
    colors : sequence of str, optional
        One colour per scale point (low to high); default: ``cmap`` sampled.
    cmap : str
        Name of a diverging matplotlib colormap (used when ``colors`` is None).
    point_labels : sequence of str, optional
        Legend label per scale point (default: the point values, the end points
        with the scale anchors).
    bar_height : float
        Bar height (0–1).
    title, xlabel : str, optional
        Axis title and x label.
    legend : bool
        Draw the legend of scale points.
    labels : {"code", "label", "text"}
        Tick labels: item codes / dimension names, the instrument's labels or the
        item wording (wrapped).
    instrument : Instrument, str or Survey, optional
        Where ``labels=`` looks when the result's instrument is not a built-in.
    percent : bool
        Write the share of the negative side (below the midpoint), of the neutral
        point and of the positive side (above the midpoint) on each bar, e.g.
        ``34%``: the negative share just left of the bar, the positive share just
        right of it, the neutral share in the middle of the neutral segment (as in
        R's ``likert`` / ``plot-likert``). Not drawn when ``neutral="omit"``
        for the neutral point.
    percent_min : float
        Segments (negative side, neutral, positive side) narrower than this share
        get no percentage label.
    sort : {None, "positive", "negative", "mean"}
        Row order: as in the result (None), by positive share, by negative share
        or by mean answer, the largest at the top.

    Returns
    -------
    matplotlib.axes.Axes
        One bar segment per unit and scale point (without the neutral point when
        ``neutral="omit"``), first unit at the top.

    Raises
    ------
    ServqualError
        Unknown ``neutral`` or ``sort`` option (``sort`` raises
        :class:`~servqual.DataError`), wrong number of colours or labels, or a result
        that is not an answer distribution.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import servqual as sq
    >>> dist = sq.likert_distribution(sq.load_example("retail_bank"), level="dimension")
    >>> fig, ax = plt.subplots()
    >>> len(sq.plot_likert(dist, ax=ax, neutral="omit").patches)  # 5 dimensions × 6 points
    30
    >>> plt.close(fig)
    """
    if neutral not in _NEUTRAL:
        raise ServqualError(f"neutral must be one of {list(_NEUTRAL)}, got {neutral!r}.")
    check_choice(sort, "sort", _SORT)
    res = _likert_result(result, rating, level)
    points = list(res.points)
    k = len(points)
    share_frame = res.shares
    mid = (points[0] + points[-1]) / 2
    if sort is not None:
        if sort == "mean":
            key = share_frame.to_numpy(float) @ np.asarray(points, float)
        elif sort == "positive":
            key = share_frame[[p for p in points if p > mid]].sum(axis=1).to_numpy(float)
        else:
            key = share_frame[[p for p in points if p < mid]].sum(axis=1).to_numpy(float)
        order = np.argsort(-key, kind="stable")
        share_frame = share_frame.iloc[order]
    units = unit_labels([str(u) for u in share_frame.index], labels=labels, result=res,
                        instrument=instrument, chart="plot_likert")  # fmt: skip
    ax = _axes(ax)
    shares = share_frame.to_numpy(float)  # units × points
    if colors is None:
        import matplotlib

        try:
            cm = matplotlib.colormaps[cmap]
        except KeyError:
            raise ServqualError(f"Unknown matplotlib colormap {cmap!r}.") from None
        colors = [cm(v) for v in np.linspace(0.08, 0.92, k)]
        if k % 2 == 1:
            colors[k // 2] = "#C8C8C8"  # the colormap's centre is near-white
    if len(colors) != k:
        raise ServqualError(f"colors needs one colour per scale point ({k}), got {len(colors)}.")
    if point_labels is None:
        legend_entries = [str(p) for p in points]
        anchors = getattr(res, "anchors", None)
        if anchors:
            legend_entries[0] = f"{points[0]} {anchors[0]}"
            legend_entries[-1] = f"{points[-1]} {anchors[1]}"
    else:
        legend_entries = list(point_labels)
        if len(legend_entries) != k:
            raise ServqualError(
                f"point_labels needs one label per scale point ({k}), got {len(legend_entries)}."
            )
    has_neutral = k % 2 == 1
    neg = np.array([p < mid for p in points])
    neu = np.array([p == mid for p in points])
    neu_share = shares[:, neu].sum(axis=1) if has_neutral else np.zeros(len(units))
    neu_left = {"split": 0.5, "left": 1.0, "right": 0.0, "omit": 0.0}[neutral] * neu_share
    start = -(shares[:, neg].sum(axis=1) + neu_left)
    y = np.arange(len(units))
    left = start.copy()
    for j in range(k):
        if neu[j] and neutral == "omit":
            continue
        w = shares[:, j]
        ax.barh(y, w, left=left, height=bar_height, color=colors[j], label=legend_entries[j],
                edgecolor="white", linewidth=0.4)  # fmt: skip
        left = left + w
    ax.axvline(0.0, color="#333333", linewidth=0.8)
    if percent:
        _percent_labels(ax, y, start, shares, neg, neu, neu_left, neutral, percent_min)
    ax.set_yticks(y)
    ax.set_yticklabels(units)
    ax.set_ylim(len(units) - 0.5, -0.5)
    lim = float(np.nanmax(np.abs(np.concatenate([start, left])))) if len(units) else 1.0
    step = next(st for st in (0.1, 0.2, 0.25, 0.5) if lim / st <= 4.0)
    lim = min(1.0, float(np.ceil(lim / step - 1e-9) * step))
    room = 0.12 if percent else 0.0  # percentages sit outside the bar ends
    ax.set_xlim(-lim * 1.02 - room, lim * 1.02 + room)
    ticks = np.round(np.arange(-lim, lim + step / 2, step), 4)
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{abs(t):.0%}" for t in ticks])
    if xlabel:
        ax.set_xlabel(xlabel)
    if title is not None:
        ax.set_title(title)
    if legend:
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small",
                  frameon=False, title=getattr(res, "rating_name", None))  # fmt: skip
    return fit_scripts(ax, "plot_likert")


def _percent_labels(
    ax: Any,
    y: np.ndarray,
    start: np.ndarray,
    shares: np.ndarray,
    neg: np.ndarray,
    neu: np.ndarray,
    neu_left: np.ndarray,
    neutral: str,
    minimum: float,
) -> None:
    """Write the negative / neutral / positive shares on each diverging bar."""
    pos = ~(neg | neu)
    neg_share = shares[:, neg].sum(axis=1)
    neu_share = shares[:, neu].sum(axis=1)
    pos_share = shares[:, pos].sum(axis=1)
    pad = 0.01
    style = {"va": "center", "fontsize": "x-small", "color": "#1A1A1A"}
    for i, yi in enumerate(y):
        if neg_share[i] >= minimum:
            ax.text(start[i] - pad, yi, f"{neg_share[i]:.0%}", ha="right", **style)
        if neu.any() and neutral != "omit" and neu_share[i] >= minimum:
            centre = -neu_left[i] + neu_share[i] / 2
            ax.text(centre, yi, f"{neu_share[i]:.0%}", ha="center", zorder=3,
                    bbox={"boxstyle": "square,pad=0.1", "fc": "#C8C8C8", "ec": "none"},
                    **style)  # fmt: skip
        if pos_share[i] >= minimum:
            end = start[i] + neg_share[i] + (neu_share[i] if neutral != "omit" else 0.0)
            end += pos_share[i]
            ax.text(end + pad, yi, f"{pos_share[i]:.0%}", ha="left", **style)
