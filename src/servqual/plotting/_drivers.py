"""Driver charts: importance–performance grid, relative-importance bars, Kano map.

Each function draws an existing result (it never recomputes a statistic), takes
``ax=None`` (then the current Axes), returns the Axes, never calls ``show()`` and
never touches rcParams; colours and labels are keywords.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .._labels import unit_labels
from ..exceptions import ServqualError
from ._core import _axes, _ci_columns, _confidence, _table
from ._fonts import fit_scripts

__all__ = ["plot_drivers", "plot_ipa", "plot_kano"]

#: Quadrant colours (Okabe–Ito), keyed by the quadrant names of importance_performance.
QUADRANT_COLORS = {
    "concentrate here": "#D55E00",
    "keep up the good work": "#009E73",
    "low priority": "#7F7F7F",
    "possible overkill": "#0072B2",
}
KANO_COLORS = {
    "A": "#009E73",
    "O": "#0072B2",
    "M": "#D55E00",
    "I": "#7F7F7F",
    "R": "#CC79A7",
    "Q": "#000000",
}
LINE_GREY = "#555555"


def _category_map(
    ax: Any,
    names: list[str],
    x: np.ndarray,
    y: np.ndarray,
    categories: pd.Series,
    palette: Mapping[str, str],
    cuts: tuple[float, float],
    annotate: bool,
) -> list[Any]:
    """Points coloured by category (grey when not in ``palette``), a dashed crosshair
    at ``cuts`` (x, y) and, with ``annotate``, each point labelled with its name.

    Returns the label annotations, still on their points: :func:`_place_labels`
    moves them apart once the rest of the chart is drawn."""
    ax.scatter(x, y, c=[palette.get(c, LINE_GREY) for c in categories], zorder=3)
    ax.axvline(cuts[0], color=LINE_GREY, linestyle="--", linewidth=1)
    ax.axhline(cuts[1], color=LINE_GREY, linestyle="--", linewidth=1)
    if not annotate:
        return []
    arrow = {"arrowstyle": "-", "color": "#999999", "linewidth": 0.6, "shrinkA": 0, "shrinkB": 3}
    out = []
    for label, xi, yi in zip(names, x, y, strict=True):
        ann = ax.annotate(label, (xi, yi), xytext=(4, 4), textcoords="offset points",
                          fontsize=8, ha="left", va="bottom", arrowprops=arrow)  # fmt: skip
        ann.arrow_patch.set_visible(False)  # a leader line only for a label moved away
        out.append(ann)
    return out


def _renderer(fig: Any) -> Any:
    get = getattr(fig.canvas, "get_renderer", None)
    return get() if get is not None else fig._get_renderer()


def _place_labels(
    ax: Any, labels: list[Any], obstacles: list[Any], *, gap: float = 4.0, iterations: int = 150
) -> None:
    """Move point labels apart so that no two overlap and none covers an obstacle.

    Deterministic: every label starts above-right of its point; then, repeatedly,
    each overlapping pair is pushed apart along the axis of least overlap (half
    each), a label overlapping a fixed obstacle (a quadrant name) is pushed out of
    it entirely, and every label is kept inside the axes. Extents are the rendered
    text boxes in pixels; a label that ends up away from its point gets a thin
    leader line. Offsets are stored in points, so labels stay with their points.
    When the pushing does not settle, each label still clashing is put on the
    nearest free spot of rings around its point.
    """
    if not labels:
        return
    fig = ax.figure
    renderer = _renderer(fig)
    ax.get_xlim(), ax.get_ylim()  # settle autoscaling before measuring
    frame = ax.get_window_extent(renderer)
    pad = 1.0  # pixels of air around each box
    fixed = []
    for ob in obstacles:
        e = ob.get_window_extent(renderer)
        fixed.append((e.x0 - pad, e.y0 - pad, e.x1 + pad, e.y1 + pad))
    from matplotlib.text import Text

    n = len(labels)
    r = 3.5 * fig.dpi / 72.0  # a scatter marker's radius (default size 36 pt²)
    for ann in labels:  # the points themselves stay visible too
        px, py = ax.transData.transform(ann.xy)
        fixed.append((px - r, py - r, px + r, py + r))
    anchor = np.empty((n, 2))
    size = np.empty((n, 2))
    shift = np.empty((n, 2))  # text box lower-left minus the xytext position
    for i, ann in enumerate(labels):
        anchor[i] = ax.transData.transform(ann.xy)
        ann.update_positions(renderer)  # the text position follows xytext only after this
        box = Text.get_window_extent(ann, renderer)
        size[i] = (box.width + 2 * pad, box.height + 2 * pad)
        offset = np.asarray(ann.xyann, float) * fig.dpi / 72.0
        shift[i] = (box.x0 - pad - (anchor[i, 0] + offset[0]),
                    box.y0 - pad - (anchor[i, 1] + offset[1]))  # fmt: skip
    g = gap * fig.dpi / 72.0
    low = anchor + g / 2  # lower-left corner of each padded box
    lo_lim = np.array([frame.x0, frame.y0])
    hi_lim = np.array([frame.x1, frame.y1]) - size  # per label

    def clamp() -> None:
        np.clip(low, lo_lim, np.maximum(lo_lim, hi_lim), out=low)

    fixed_boxes = [(np.array(f[:2]), np.array(f[2:])) for f in fixed]

    def inside(a: np.ndarray, i: int) -> bool:
        return bool(np.all(a >= lo_lim - 0.5) and np.all(a <= np.maximum(lo_lim, hi_lim[i]) + 0.5))

    def push(i: int, b_lo: np.ndarray, b_hi: np.ndarray, j: int | None) -> np.ndarray:
        """Smallest move of label i out of box b (shared half-half with label j, if
        any) that keeps the labels inside the axes; (0, 0) when they do not overlap."""
        a = low[i]
        a_hi = a + size[i]
        over = np.minimum(a_hi, b_hi) - np.maximum(a, b_lo)
        if over[0] <= 0 or over[1] <= 0:
            return np.zeros(2)
        eps = 0.01
        moves = [
            np.array([b_hi[0] - a[0] + eps, 0.0]),
            np.array([b_lo[0] - a_hi[0] - eps, 0.0]),
            np.array([0.0, b_hi[1] - a[1] + eps]),
            np.array([0.0, b_lo[1] - a_hi[1] - eps]),
        ]
        share = 1.0 if j is None else 0.5
        ok = [
            m
            for m in moves
            if inside(a + share * m, i)
            and (j is None or inside(low[j] - share * m, j))
            and (j is not None or not hits_fixed(a + m, i))
        ]
        if not ok and j is None:
            ok = [m for m in moves if inside(a + m, i)]
        return min(ok or moves, key=lambda m: float(np.abs(m).sum())) * share

    def clashes(a: np.ndarray, i: int, others: list[int]) -> bool:
        a_hi = a + size[i]
        return hits_fixed(a, i) or any(
            bool(np.all(np.minimum(a_hi, low[k] + size[k]) - np.maximum(a, low[k]) > 0))
            for k in others
        )

    def hits_fixed(a: np.ndarray, i: int) -> bool:
        a_hi = a + size[i]
        return any(
            bool(np.all(np.minimum(a_hi, hi) - np.maximum(a, lo) > 0)) for lo, hi in fixed_boxes
        )

    clamp()
    for _sweep in range(iterations):
        moved = False
        for i in range(n):
            for j in range(i + 1, n):
                m = push(i, low[j], low[j] + size[j], j)
                if m.any():
                    low[i] += m
                    low[j] -= m
                    moved = True
        clamp()
        for i in range(n):
            for lo, hi in fixed_boxes:
                m = push(i, lo, hi, None)
                if m.any():
                    low[i] += m
                    moved = True
        clamp()
        if not moved:
            break
    else:
        # pushing did not settle (a crowded corner): keep the labels that are clear
        # and put each other one on the nearest free spot on rings around its point
        placed: list[int] = []
        for i in range(n):
            if clashes(low[i], i, placed):
                centre = anchor[i] - size[i] / 2
                for radius in np.arange(1.0, 40.0) * g:
                    angles = np.linspace(0.0, 2 * np.pi, 16, endpoint=False) + np.pi / 4
                    spots = [centre + radius * np.array([np.cos(t), np.sin(t)]) for t in angles]
                    free = [p for p in spots if inside(p, i) and not clashes(p, i, placed)]
                    if free:
                        low[i] = free[0]
                        break
            placed.append(i)
    for i, ann in enumerate(labels):
        offset = low[i] - shift[i] - anchor[i]
        ann.xyann = tuple(offset * 72.0 / fig.dpi)
        box_lo, box_hi = low[i], low[i] + size[i]
        nearest = np.clip(anchor[i], box_lo, box_hi)
        if float(np.hypot(*(nearest - anchor[i]))) > 2.5 * g:
            ann.arrow_patch.set_visible(True)


def plot_ipa(
    ipa_result: Any,
    ax: Any = None,
    *,
    annotate: bool = True,
    colors: Mapping[str, str] | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    title: str | None = None,
    quadrant_labels: bool = True,
    ci: bool = True,
    labels: str = "code",
    instrument: Any = None,
) -> Any:
    """Importance–performance grid: one point per unit, crosshairs and quadrant names.

    Parameters
    ----------
    ipa_result : ImportancePerformanceResult
        From :func:`servqual.importance_performance`.
    ax : matplotlib Axes, optional
        Axes to draw on (default: the current Axes).
    annotate : bool, default True
        Label every point with its dimension or item name. Labels are placed so
        that none overlaps another, a point or a quadrant name, inside the axes;
        a label moved away from its point gets a thin leader line. The placement
        uses the figure's size when drawn: resize the figure before plotting.
    colors : mapping, optional
        Colour per quadrant name (default :data:`QUADRANT_COLORS`).
    xlabel, ylabel, title : str, optional
        Axis labels and title (defaults describe the result).
    quadrant_labels : bool, default True
        Write the quadrant names in the corners.
    ci : bool, default True
        When the result has intervals — ``performance_ci_low``/``performance_ci_high``
        (or ``ci_low``/``ci_high``) and ``importance_ci_low``/``importance_ci_high`` —
        draw them as horizontal and vertical error bars; nothing for a result
        without intervals.
    labels : {"code", "label", "text"}, default "code"
        Point labels: codes / dimension names, the instrument's labels or the item
        wording (wrapped).
    instrument : Instrument, str or Survey, optional
        Where ``labels="label"``/``"text"`` finds the labels; an IPA result does
        not name its instrument, so pass ``instrument=survey.instrument`` then.

    Returns
    -------
    matplotlib.axes.Axes
        Performance on the x axis, importance on the y axis; the crosshair sits at
        ``(performance_cut, importance_cut)``.

    Examples
    --------
    >>> import servqual as sq
    >>> ipa = sq.importance_performance(sq.load_example("retail_bank"))
    >>> ax = sq.plot_ipa(ipa)  # doctest: +SKIP
    """
    table = _table(
        ipa_result,
        "plot_ipa",
        ["importance", "performance", "quadrant"],
        "sq.importance_performance(survey)",
    )
    names = unit_labels(list(table.index), labels=labels, result=ipa_result,
                        instrument=instrument, chart="plot_ipa", width=20)  # fmt: skip
    ax = _axes(ax)
    cols = {**QUADRANT_COLORS, **(colors or {})}
    x = table["performance"].to_numpy(dtype=float)
    y = table["importance"].to_numpy(dtype=float)
    point_labels = _category_map(
        ax,
        names,
        x,
        y,
        table["quadrant"],
        cols,
        (float(ipa_result.performance_cut), float(ipa_result.importance_cut)),
        annotate,
    )
    if ci:
        xc = _ci_columns(table, "performance_", "")
        yc = _ci_columns(table, "importance_")
        if xc is not None or yc is not None:
            xerr = None if xc is None else _err(x, table, xc)
            yerr = None if yc is None else _err(y, table, yc)
            ax.errorbar(x, y, xerr=xerr, yerr=yerr, fmt="none", ecolor="#888888",
                        elinewidth=0.8, capsize=2, zorder=2,
                        label=f"{_confidence(ipa_result)} CI")  # fmt: skip
    quadrant_texts = []
    if quadrant_labels:
        corners = {
            "concentrate here": (0.02, 0.98, "left", "top"),
            "keep up the good work": (0.98, 0.98, "right", "top"),
            "low priority": (0.02, 0.02, "left", "bottom"),
            "possible overkill": (0.98, 0.02, "right", "bottom"),
        }
        for name, (cx, cy, ha, va) in corners.items():
            quadrant_text = ax.text(
                cx,
                cy,
                name,
                transform=ax.transAxes,
                ha=ha,
                va=va,
                fontsize=8,
                color=cols.get(name, LINE_GREY),
                style="italic",
            )
            quadrant_texts.append(quadrant_text)
    score = getattr(ipa_result, "score", "performance")
    ax.set_xlabel(xlabel if xlabel is not None else f"Performance (mean {score})")
    ax.set_ylabel(
        ylabel
        if ylabel is not None
        else f"Importance ({getattr(ipa_result, 'importance', 'stated')})"
    )
    if title is not None:
        ax.set_title(title)
    fit_scripts(ax, "plot_ipa")
    _place_labels(ax, point_labels, quadrant_texts)
    return ax


def _err(v: np.ndarray, table: pd.DataFrame, cols: tuple[str, str]) -> np.ndarray:
    """Error-bar lengths (below, above) of values ``v`` from interval columns."""
    lo = table[cols[0]].to_numpy(dtype=float)
    hi = table[cols[1]].to_numpy(dtype=float)
    return np.vstack([np.maximum(v - lo, 0.0), np.maximum(hi - v, 0.0)])


def plot_drivers(
    key_driver_result: Any,
    ax: Any = None,
    *,
    measure: str | None = None,
    color: str = "#0072B2",
    sort: bool = True,
    xlabel: str | None = None,
    title: str | None = None,
    ci: bool = True,
    labels: str = "code",
    instrument: Any = None,
) -> Any:
    """Horizontal bars of each driver's relative importance (% of R²).

    Parameters
    ----------
    key_driver_result : KeyDriverResult
        From :func:`servqual.key_drivers`.
    ax : matplotlib Axes, optional
    measure : str, optional
        Table column to draw: ``"dominance_pct"`` (default when present),
        ``"rescaled_weight"`` (Johnson's relative weights, the default otherwise),
        ``"std_beta"`` or any other numeric column.
    color : str
        Bar colour.
    sort : bool, default True
        Largest bar at the top.
    xlabel, title : str, optional
    ci : bool, default True
        Error bars for the drawn measure where the result has its interval:
        ``ci_low``/``ci_high`` for ``measure="coef"`` (the regression
        coefficients' intervals), ``{measure}_ci_low``/``{measure}_ci_high`` for
        any other measure (e.g. bootstrap intervals of ``dominance_pct``);
        nothing otherwise.
    labels : {"code", "label", "text"}, default "code"
        Tick labels: predictor names, the instrument's labels or the item wording.
    instrument : Instrument, str or Survey, optional
        Where ``labels="label"``/``"text"`` finds the labels; a key-driver result
        does not name its instrument, so pass ``instrument=survey.instrument``.

    Returns
    -------
    matplotlib.axes.Axes
        One bar per predictor; the y tick labels are the predictor names.

    Examples
    --------
    >>> import servqual as sq
    >>> res = sq.key_drivers(sq.load_example("retail_bank"))
    >>> ax = sq.plot_drivers(res)  # doctest: +SKIP
    """
    table = _table(key_driver_result, "plot_drivers", ["rescaled_weight"], "sq.key_drivers(survey)")
    if measure is None:
        measure = "dominance_pct" if "dominance_pct" in table.columns else "rescaled_weight"
    if measure not in table.columns:
        raise ServqualError(
            f"plot_drivers: measure={measure!r} is not a column of the result; use one of "
            f"{[c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])]}."
        )
    values = table[measure].astype(float)
    if sort:
        values = values.sort_values(ascending=True)
    names = unit_labels(list(values.index), labels=labels, result=key_driver_result,
                        instrument=instrument, chart="plot_drivers")  # fmt: skip
    ax = _axes(ax)
    ax.barh(range(len(values)), values.to_numpy(), color=color)
    ax.set_yticks(range(len(values)), names)
    cols = _ci_columns(table, "" if measure == "coef" else f"{measure}_") if ci else None
    if cols is not None:
        ordered = table.loc[values.index]
        ax.errorbar(values.to_numpy(), range(len(values)),
                    xerr=_err(values.to_numpy(), ordered, cols), fmt="none", ecolor="#333333",
                    elinewidth=1.0, capsize=3, zorder=3)  # fmt: skip
        if measure == "coef":
            ax.axvline(0.0, color="#333333", linewidth=0.8)
    default = {
        "dominance_pct": "General dominance (% of R²)",
        "rescaled_weight": "Relative weight (% of R²)",
        "dominance": "General dominance (R² share)",
        "raw_weight": "Relative weight (R² share)",
        "std_beta": "Standardized beta",
        "coef": "Regression coefficient",
    }.get(measure, measure)
    ax.set_xlabel(xlabel if xlabel is not None else default)
    r2 = getattr(key_driver_result, "r_squared", None)
    if title is not None:
        ax.set_title(title)
    elif r2 is not None:
        ax.set_title(f"Drivers of {key_driver_result.outcome!r} (R² = {r2:.3f})")
    return fit_scripts(ax, "plot_drivers")


def plot_kano(
    kano_result: Any,
    ax: Any = None,
    *,
    annotate: bool = True,
    colors: Mapping[str, str] | None = None,
    xlabel: str = "|Worse| (dissatisfaction if absent)",
    ylabel: str = "Better (satisfaction if present)",
    title: str | None = None,
) -> Any:
    """Kano customer-satisfaction map: Better against |Worse| per feature.

    Parameters
    ----------
    kano_result : KanoResult
        From :func:`servqual.kano`.
    ax : matplotlib Axes, optional
    annotate : bool, default True
        Label each point with its feature name (placed apart as in
        :func:`plot_ipa`).
    colors : mapping, optional
        Colour per modal category letter (default :data:`KANO_COLORS`).
    xlabel, ylabel, title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        x = |Worse|, y = Better, both on [0, 1], with reference lines at 0.5
        (quadrants: attractive top-left, one-dimensional top-right, must-be
        bottom-right, indifferent bottom-left).

    Examples
    --------
    >>> import servqual as sq
    >>> res = sq.kano({"wifi": [1, 1, 1]}, {"wifi": [3, 4, 5]})
    >>> ax = sq.plot_kano(res)  # doctest: +SKIP
    """
    table = _table(
        kano_result,
        "plot_kano",
        ["better", "worse", "category"],
        "sq.kano(functional, dysfunctional)",
    )
    ax = _axes(ax)
    point_labels = _category_map(
        ax,
        [str(v) for v in table.index],
        table["worse"].abs().to_numpy(dtype=float),
        table["better"].to_numpy(dtype=float),
        table["category"],
        {**KANO_COLORS, **(colors or {})},
        (0.5, 0.5),
        annotate,
    )
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    fit_scripts(ax, "plot_kano")
    _place_labels(ax, point_labels, [])
    return ax
