"""Gap charts: diverging gap bars, snake plot, zone of tolerance and radar.

Each function draws an existing result (it never recomputes a statistic), takes
``ax=None`` (then the current Axes), returns the Axes, never calls ``show()`` and
never touches rcParams; colours and labels are keywords.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._labels import unit_labels
from ..exceptions import DataError, ServqualError
from ._fonts import fit_scripts

__all__ = ["plot_gaps", "plot_radar", "plot_snake", "plot_tolerance"]

#: Default colours (colour-blind safe, Okabe–Ito).
NEGATIVE = "#D55E00"
POSITIVE = "#0072B2"
NEUTRAL_GREY = "#BBBBBB"
POSITION_COLORS = {
    "below": "#D55E00",
    "within": "#0072B2",
    "above": "#009E73",
    "inverted": "#7F7F7F",
}
SERIES = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")


def _axes(ax: Any) -> Any:
    import matplotlib.axes

    if ax is None:
        import matplotlib.pyplot as plt

        return plt.gca()
    if not isinstance(ax, matplotlib.axes.Axes):
        raise DataError(
            f"ax must be a matplotlib Axes (fig, ax = plt.subplots()) or None, got "
            f"{type(ax).__name__}."
        )
    return ax


def _table(result: Any, kind: str, needed: Sequence[str], hint: str | None = None) -> pd.DataFrame:
    """The result's table, checked to hold the ``needed`` columns.

    ``hint`` names the call that computes a suitable result (default: the gap results).
    """
    table = getattr(result, "_table", None)
    if not isinstance(table, pd.DataFrame):
        example = hint or "sq.gap_scores(survey) or sq.tolerance_zone(survey)"
        raise ServqualError(
            f"{kind} draws a servqual result; got {type(result).__name__}. Compute one "
            f"first, e.g. {example}."
        )
    missing = [c for c in needed if c not in table.columns]
    if missing:
        how = f" Compute it with {hint}." if hint else ""
        raise ServqualError(
            f"{kind} needs a result with columns {list(needed)}; "
            f"{type(result).__name__} lacks {missing}.{how}"
        )
    return table


def _split_segments(table: pd.DataFrame, by: Any) -> tuple[list[str], list[str], pd.DataFrame]:
    """Unit labels, segment labels and a (unit × segment) frame index for a by-result."""
    if not by:
        return [str(u) for u in table.index], [], table
    idx = table.index
    units = list(dict.fromkeys(idx.get_level_values(-1)))
    seg_keys = list(dict.fromkeys(idx.droplevel(-1)))
    seg_labels = [" / ".join(map(str, k)) if isinstance(k, tuple) else str(k) for k in seg_keys]
    return [str(u) for u in units], seg_labels, table


def _segment_rows(table: pd.DataFrame, key: Any, units: list[str]) -> pd.DataFrame:
    """Rows of one segment of a by-result, indexed by unit label in ``units`` order."""
    seg = table.index.droplevel(-1)
    mask = np.array([k == key for k in seg], dtype=bool)
    sub = table[mask]
    sub.index = pd.Index([str(u) for u in sub.index.get_level_values(-1)])
    return sub.reindex(units)


def _set_unit_ylim(ax: Any, n_units: int, min_span: float = 2.5) -> None:
    """Top-down y limits for ``n_units`` rows; a few rows do not grow into huge bars."""
    span = max(float(n_units), min_span)
    centre = (n_units - 1) / 2
    ax.set_ylim(centre + span / 2, centre - span / 2)


def _reference_label(result: Any) -> str:
    name = getattr(result, "reference_name", None) or "reference"
    return str(name).capitalize()


#: Axis label of a gap against each reference code (MSA/MSS in the three-column
#: format, the value index in the value perspective).
_GAP_LABELS = {
    "E": "Gap (P − E)",
    "A": "MSA (P − A)",
    "D": "MSS (P − D)",
    "C": "Gap to best competitor (P − C)",
    "spec": "Gap to specification (P − spec)",
    "max": "Gap to scale maximum (P − max)",
    "sacrifice": "Value index (quality − sacrifice)",
}


def _gap_xlabel(result: Any) -> str:
    ref = getattr(result, "reference", None)
    w = " (importance-weighted)" if getattr(result, "weighted", False) else ""
    if ref is None:
        return "Gap"
    return _GAP_LABELS.get(str(ref), f"Gap (P − {ref})") + w


def _confidence(result: Any) -> str:
    level = getattr(result, "confidence_level", None)
    return f"{float(level):.0%}" if isinstance(level, int | float) else "95%"


def _ci_columns(table: pd.DataFrame, *prefixes: str) -> tuple[str, str] | None:
    """The first ``{prefix}ci_low``/``{prefix}ci_high`` pair the table has, or None."""
    for prefix in prefixes:
        lo, hi = f"{prefix}ci_low", f"{prefix}ci_high"
        if lo in table.columns and hi in table.columns:
            return lo, hi
    return None


def _gap_ci_bars(
    ax: Any, x: np.ndarray, table: pd.DataFrame, color: str, label: str | None
) -> None:
    """The gap's interval drawn at the perception: reference + ci_low .. reference + ci_high."""
    ref = table["reference"].to_numpy(float)
    p = ref + table["gap"].to_numpy(float)  # the perception mean (complete pairs)
    lo = ref + table["ci_low"].to_numpy(float)
    hi = ref + table["ci_high"].to_numpy(float)
    ax.errorbar(x, p, yerr=np.vstack([p - lo, hi - p]), fmt="none", ecolor=color,
                elinewidth=1.2, capsize=0, alpha=0.8, label=label, zorder=3)  # fmt: skip


def _outside_legend(ax: Any, title: str | None = None) -> None:
    """Legend right of the plot area, so it never hides bars or lines."""
    ax.legend(title=title, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small",
              frameon=False)  # fmt: skip


def plot_gaps(
    result: Any,
    ax: Any = None,
    *,
    sort: bool = False,
    ci: bool = True,
    negative_color: str = NEGATIVE,
    positive_color: str = POSITIVE,
    colors: Sequence[str] | None = None,
    bar_height: float = 0.8,
    title: str | None = None,
    xlabel: str | None = None,
    legend: bool = True,
    labels: str = "code",
    instrument: Any = None,
) -> Any:
    """Diverging horizontal bars of gap scores with confidence-interval error bars.

    Parameters
    ----------
    result : GapResult
        From :func:`servqual.gap_scores` at item, dimension or overall level. A
        result with segments (``by=``) is drawn as grouped bars, one colour per
        segment, with a legend.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; the current Axes when omitted.
    sort : bool
        Order the bars by gap, largest shortfall at the top (by the mean over
        segments for a by-segment result). Default: the instrument's order.
    ci : bool
        Draw the ``ci_low``–``ci_high`` interval of each gap as an error bar.
    negative_color, positive_color : str
        Bar colours of negative gaps (perception short of the reference) and of
        non-negative gaps (single-segment results).
    colors : sequence of str, optional
        One colour per segment for by-segment results.
    bar_height : float
        Height of a bar group (0–1).
    title, xlabel : str, optional
        Axis title and x label (default from the reference: "Gap (P − E)",
        "MSA (P − A)", "MSS (P − D)", "Gap to specification (P − spec)",
        "Value index (quality − sacrifice)", ...).
    legend : bool
        Show the segment legend for a by-segment result.
    labels : {"code", "label", "text"}
        Tick labels: the item codes / dimension names (``"code"``), the
        instrument's labels (``"label"``: "Tangibles"; items without a label keep
        their code) or the item wording, wrapped (``"text"``).
    instrument : Instrument, str or Survey, optional
        Where ``labels=`` finds labels and wording when the result's instrument is
        not a built-in (default: the instrument the result names).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on; one bar per row of ``result.to_frame()``, the first
        unit at the top.

    Raises
    ------
    ServqualError
        ``result`` is not a gap result.
    DataError
        ``labels`` is not one of the choices, or the instrument cannot be found.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import servqual as sq
    >>> res = sq.gap_scores(sq.load_example("retail_bank"), level="dimension")
    >>> fig, ax = plt.subplots()
    >>> sq.plot_gaps(res, ax=ax, sort=True) is ax
    True
    >>> len(ax.patches)
    5
    >>> plt.close(fig)
    """
    table = _table(result, "plot_gaps", ("gap", "ci_low", "ci_high"))
    ax = _axes(ax)
    by = getattr(result, "by", None)
    units, segs, _ = _split_segments(table, by)
    shown = unit_labels(units, labels=labels, result=result, instrument=instrument,
                        chart="plot_gaps")  # fmt: skip
    if not segs:
        gaps = {None: table["gap"].to_numpy(float)}
        lo = {None: table["ci_low"].to_numpy(float)}
        hi = {None: table["ci_high"].to_numpy(float)}
        seg_keys: list[Any] = [None]
    else:
        seg_keys = list(dict.fromkeys(table.index.droplevel(-1)))
        gaps, lo, hi = {}, {}, {}
        for key in seg_keys:
            sub = _segment_rows(table, key, units)
            gaps[key] = sub["gap"].to_numpy(float)
            lo[key] = sub["ci_low"].to_numpy(float)
            hi[key] = sub["ci_high"].to_numpy(float)
    order = np.arange(len(units))
    if sort:
        mean_gap = np.nanmean(np.vstack([gaps[k] for k in seg_keys]), axis=0)
        order = np.argsort(mean_gap, kind="stable")
    y = np.arange(len(units))
    k = len(seg_keys)
    h = bar_height / k
    palette = list(colors) if colors is not None else list(SERIES)
    for s, key in enumerate(seg_keys):
        g, l_, u_ = gaps[key][order], lo[key][order], hi[key][order]
        ys = y - bar_height / 2 + h * (s + 0.5)
        if key is None:
            col: Any = np.where(g < 0, negative_color, positive_color).tolist()
            label = None
        else:
            col = palette[s % len(palette)]
            label = segs[s]
        ax.barh(ys, g, height=h * 0.92, color=col, label=label, zorder=2)
        if ci:
            err = np.vstack([g - l_, u_ - g])
            ax.errorbar(
                g,
                ys,
                xerr=err,
                fmt="none",
                ecolor="#333333",
                elinewidth=1.0,
                capsize=min(3.0, 12.0 / max(len(units) * k, 1) * 3),
                zorder=3,
            )
    ax.axvline(0.0, color="#333333", linewidth=0.8, zorder=1)
    ends = np.concatenate([np.concatenate([lo[q], hi[q], gaps[q]]) for q in seg_keys] + [[0.0]])
    x_lo, x_hi = float(np.nanmin(ends)), float(np.nanmax(ends))
    pad = 0.06 * ((x_hi - x_lo) or 1.0)
    ax.set_xlim(x_lo - pad, x_hi + pad)
    dims = table["dimension"].to_numpy() if "dimension" in table.columns and not segs else None
    if dims is not None and not sort:
        for i in range(1, len(dims)):
            if dims[i] != dims[i - 1]:
                ax.axhline(i - 0.5, color="#999999", linewidth=0.5, linestyle=":", zorder=1)
    ax.set_yticks(y)
    ax.set_yticklabels([shown[i] for i in order])
    _set_unit_ylim(ax, len(units))  # first unit at the top
    ax.set_xlabel(xlabel if xlabel is not None else _gap_xlabel(result))
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    if title is not None:
        ax.set_title(title)
    if segs and legend:
        _outside_legend(ax, ", ".join(by or ()))
    return fit_scripts(ax, "plot_gaps")


def plot_snake(
    result: Any,
    ax: Any = None,
    *,
    perception_color: str = POSITIVE,
    reference_color: str = NEGATIVE,
    colors: Sequence[str] | None = None,
    perception_label: str = "Perception",
    reference_label: str | None = None,
    marker: str = "o",
    title: str | None = None,
    ylabel: str | None = None,
    rotate_labels: float | None = None,
    legend: bool = True,
    ci: bool = True,
    labels: str = "code",
    instrument: Any = None,
) -> Any:
    """Snake plot: perception and reference profiles across items or dimensions.

    The classic SERVQUAL profile chart: the mean perception and the mean reference
    (expectation, desired level, ...) of each unit as two lines with markers; the
    vertical distance between them is the gap.

    Parameters
    ----------
    result : GapResult
        Item- or dimension-level gap result. With segments (``by=``) each segment
        gets its own colour: perception solid, reference dashed.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; the current Axes when omitted.
    perception_color, reference_color : str
        Line colours (single-segment results).
    colors : sequence of str, optional
        One colour per segment for by-segment results.
    perception_label, reference_label : str
        Legend labels (reference default: the result's reference name).
    marker : str
        Matplotlib marker.
    title, ylabel : str, optional
        Axis title and y label (default "Mean rating", or "Importance-weighted
        score" for a ``weighted=True`` result, whose lines are the contributions
        w/100 × mean rating; "" for none).
    rotate_labels : float, optional
        Rotation of the x tick labels (default: 90° for more than 8 units, 30° for
        a few long labels).
    legend : bool
        Draw the legend.
    ci : bool
        When the result has ``ci_low``/``ci_high`` (the gap's confidence
        interval), draw it as an error bar on each perception point: the bar spans
        reference + ci_low to reference + ci_high, so where it does not reach the
        reference line the gap differs from zero. Nothing is drawn for a result
        without intervals.
    labels : {"code", "label", "text"}
        Tick labels: codes / dimension names, the instrument's labels or the item
        wording (wrapped); see :func:`plot_gaps`.
    instrument : Instrument, str or Survey, optional
        Where ``labels=`` looks when the result's instrument is not a built-in.

    Returns
    -------
    matplotlib.axes.Axes
        One perception and one reference line (per segment); x ticks are the units.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import servqual as sq
    >>> res = sq.gap_scores(sq.load_example("retail_bank"), level="item")
    >>> fig, ax = plt.subplots()
    >>> ax = sq.plot_snake(res, ax=ax)
    >>> [len(line.get_xdata()) for line in ax.lines]
    [22, 22]
    >>> plt.close(fig)
    """
    table = _table(result, "plot_snake", ("perception", "reference"))
    ax = _axes(ax)
    by = getattr(result, "by", None)
    units, segs, _ = _split_segments(table, by)
    shown = unit_labels(units, labels=labels, result=result, instrument=instrument,
                        chart="plot_snake")  # fmt: skip
    x = np.arange(len(units))
    ref_label = reference_label if reference_label is not None else _reference_label(result)
    draw_ci = ci and {"gap", "ci_low", "ci_high"} <= set(table.columns)
    ci_label = f"{_confidence(result)} CI of the gap"
    if not segs:
        ax.plot(
            x, table["perception"].to_numpy(float), marker=marker, color=perception_color,
            label=perception_label,
        )  # fmt: skip
        ax.plot(
            x, table["reference"].to_numpy(float), marker=marker, color=reference_color,
            linestyle="--", label=ref_label,
        )  # fmt: skip
        if draw_ci:
            _gap_ci_bars(ax, x, table, perception_color, ci_label)
    else:
        palette = list(colors) if colors is not None else list(SERIES)
        seg_keys = list(dict.fromkeys(table.index.droplevel(-1)))
        for s, key in enumerate(seg_keys):
            sub = _segment_rows(table, key, units)
            col = palette[s % len(palette)]
            ax.plot(x, sub["perception"].to_numpy(float), marker=marker, color=col,
                    label=f"{segs[s]}: {perception_label.lower()}")  # fmt: skip
            ax.plot(x, sub["reference"].to_numpy(float), marker=marker, color=col,
                    linestyle="--", alpha=0.7, label=f"{segs[s]}: {ref_label.lower()}")  # fmt: skip
            if draw_ci:
                _gap_ci_bars(ax, x, sub, col, ci_label if s == 0 else None)
    ax.set_xticks(x)
    if rotate_labels is not None:
        rot = rotate_labels
    elif len(units) > 8:
        rot = 90
    else:
        rot = 30 if sum(len(u) for u in shown) > 40 else 0
    ax.set_xticklabels(shown, rotation=rot, ha="right" if 0 < rot < 90 else "center")
    ax.set_xlim(-0.5, len(units) - 0.5)
    if ylabel is None:
        weighted = getattr(result, "weighted", False)
        ylabel = "Importance-weighted score (w/100 × rating)" if weighted else "Mean rating"
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    if title is not None:
        ax.set_title(title)
    if legend:
        if segs:
            _outside_legend(ax)
        else:
            ax.legend(loc="best", fontsize="small")
    return fit_scripts(ax, "plot_snake")


def plot_tolerance(
    result: Any,
    ax: Any = None,
    *,
    zone_color: str = NEUTRAL_GREY,
    position_colors: dict[str, str] | None = None,
    marker: str = "D",
    marker_size: float = 40.0,
    title: str | None = None,
    xlabel: str | None = "Mean rating",
    legend: bool = True,
    ci: bool = True,
    labels: str = "code",
    instrument: Any = None,
) -> Any:
    """Zone-of-tolerance chart: a band from adequate to desired, with the perception.

    Parameters
    ----------
    result : ToleranceResult
        From :func:`servqual.tolerance_zone` (item or dimension level; with
        segments the rows are labelled "segment / unit").
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; the current Axes when omitted.
    zone_color : str
        Colour of the tolerance band.
    position_colors : dict, optional
        Marker colour per position (``"below"``, ``"within"``, ``"above"``,
        ``"inverted"``); defaults are vermillion, blue, green and grey.
    marker, marker_size :
        Marker of the perceived mean.
    title, xlabel : str, optional
        Axis title and x label.
    legend : bool
        Draw a legend of the positions present.
    ci : bool
        When the result has an interval of the perceived mean
        (``perceived_ci_low``/``perceived_ci_high``, or ``ci_low``/``ci_high``),
        draw it as a horizontal error bar on each point; nothing for a result
        without intervals.
    labels : {"code", "label", "text"}
        Tick labels: codes / dimension names, the instrument's labels or the item
        wording (wrapped); see :func:`plot_gaps`.
    instrument : Instrument, str or Survey, optional
        Where ``labels=`` looks when the result's instrument is not a built-in.

    Returns
    -------
    matplotlib.axes.Axes
        One band (bar) and one point per row of the result, first row at the top.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import servqual as sq
    >>> zot = sq.tolerance_zone(sq.load_example("zone_of_tolerance"), level="dimension")
    >>> fig, ax = plt.subplots()
    >>> len(sq.plot_tolerance(zot, ax=ax).patches)
    5
    >>> plt.close(fig)
    """
    table = _table(result, "plot_tolerance", ("adequate", "desired", "perceived", "position"))
    ax = _axes(ax)
    pc = dict(POSITION_COLORS)
    if position_colors:
        pc.update(position_colors)
    shown = unit_labels(table.index.tolist(), labels=labels, result=result,
                        instrument=instrument, chart="plot_tolerance")  # fmt: skip
    a = table["adequate"].to_numpy(float)
    d = table["desired"].to_numpy(float)
    p = table["perceived"].to_numpy(float)
    pos = table["position"].astype(str).to_numpy()
    y = np.arange(len(shown))
    lo, hi = np.minimum(a, d), np.maximum(a, d)
    ax.barh(y, hi - lo, left=lo, height=0.55, color=zone_color, edgecolor="#888888",
            linewidth=0.6, label="Zone of tolerance", zorder=1)  # fmt: skip
    ax.vlines(a, y - 0.275, y + 0.275, color="#555555", linewidth=1.2, zorder=2)
    ax.vlines(d, y - 0.275, y + 0.275, color="#555555", linewidth=1.2, zorder=2)
    for name in ("below", "within", "above", "inverted"):
        sel = pos == name
        if sel.any():
            ax.scatter(p[sel], y[sel], marker=marker, s=marker_size, color=pc[name],
                       edgecolor="black", linewidth=0.5, zorder=3,
                       label=f"Perceived ({name})")  # fmt: skip
    ends_ci: list[np.ndarray] = []
    cols = _ci_columns(table, "perceived_", "") if ci else None
    if cols is not None:
        c_lo, c_hi = table[cols[0]].to_numpy(float), table[cols[1]].to_numpy(float)
        err = np.maximum(np.vstack([p - c_lo, c_hi - p]), 0.0)
        ax.errorbar(p, y, xerr=err, fmt="none", ecolor="#333333",
                    elinewidth=1.0, capsize=3, zorder=2.5,
                    label=f"{_confidence(result)} CI of the perceived mean")  # fmt: skip
        ends_ci = [c_lo, c_hi]
    ax.set_yticks(y)
    ax.set_yticklabels(shown)
    _set_unit_ylim(ax, len(shown))
    ends = np.concatenate([lo, hi, p, *ends_ci])
    x_lo, x_hi = float(np.nanmin(ends)), float(np.nanmax(ends))
    pad = 0.06 * ((x_hi - x_lo) or 1.0)
    ax.set_xlim(x_lo - pad, x_hi + pad)
    if xlabel:
        ax.set_xlabel(xlabel)
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    if title is not None:
        ax.set_title(title)
    if legend:
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small",
                  frameon=False)  # fmt: skip
    return fit_scripts(ax, "plot_tolerance")


def plot_radar(
    result: Any,
    ax: Any = None,
    *,
    colors: Sequence[str] | None = None,
    labels: str | Mapping[str, str] = "code",
    fill_alpha: float = 0.12,
    title: str | None = None,
    legend: bool = True,
    ci: bool = True,
    instrument: Any = None,
    legend_labels: Mapping[str, str] | None = None,
) -> Any:
    """Radar (spider) chart of perception against the reference per dimension.

    Parameters
    ----------
    result : GapResult or ToleranceResult
        A gap result without segments (dimension level reads best; item level
        works) draws perception and reference; a tolerance result draws adequate,
        desired and perceived.
    ax : matplotlib.axes.Axes, optional
        A polar Axes (``plt.subplots(subplot_kw={"projection": "polar"})``). When
        omitted the current Axes is used if polar, else a new figure with a polar
        Axes is created.
    colors : sequence of str, optional
        One colour per profile.
    labels : {"code", "label", "text"}
        Spoke labels: codes / dimension names, the instrument's labels or the item
        wording (wrapped); see :func:`plot_gaps`. (A dict here is read as
        ``legend_labels``, its meaning in earlier versions.)
    fill_alpha : float
        Opacity of the filled polygons (0 for lines only).
    title : str, optional
        Axis title.
    legend : bool
        Draw the legend.
    ci : bool
        When the result has intervals, shade them: for a gap result the gap's
        ``ci_low``–``ci_high`` placed on the reference (reference + ci_low to
        reference + ci_high, a band around the perception profile; where the
        band leaves out the reference line the gap differs from zero); for a
        tolerance result with ``perceived_ci_low``/``perceived_ci_high``, that
        band. Nothing for a result without intervals.
    instrument : Instrument, str or Survey, optional
        Where ``labels=`` looks when the result's instrument is not a built-in.
    legend_labels : dict, optional
        Legend labels per column (``{"perception": "Our bank"}``).

    Returns
    -------
    matplotlib.axes.Axes
        The polar Axes; one closed line per profile, one angular tick per unit.

    Raises
    ------
    ServqualError
        ``ax`` is not polar, the result has segments or fewer than three units.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import servqual as sq
    >>> res = sq.gap_scores(sq.load_example("retail_bank"), level="dimension")
    >>> fig, ax = plt.subplots(subplot_kw={"projection": "polar"})
    >>> len(sq.plot_radar(res, ax=ax).lines)
    2
    >>> plt.close(fig)
    """
    table = getattr(result, "_table", None)
    if isinstance(table, pd.DataFrame) and {"adequate", "desired", "perceived"} <= set(
        table.columns
    ):
        cols = ["adequate", "desired", "perceived"]
        names = ["Adequate", "Desired", "Perceived"]
        default_colors = ["#999999", "#009E73", POSITIVE]
    else:
        table = _table(result, "plot_radar", ("perception", "reference"))
        cols = ["perception", "reference"]
        names = ["Perception", _reference_label(result)]
        if getattr(result, "weighted", False):  # contributions w/100 × rating, not ratings
            names = [f"{n} (importance-weighted)" for n in names]
        default_colors = [POSITIVE, NEGATIVE]
    if isinstance(labels, Mapping):  # the legend labels of earlier versions
        legend_labels, labels = {**labels, **(legend_labels or {})}, "code"
    if getattr(result, "by", None):
        raise ServqualError(
            "plot_radar draws one profile per column; compute the result without by= "
            "(or select one segment's rows) first."
        )
    if len(table) < 3:
        raise ServqualError(
            f"A radar chart needs at least three units; the result has {len(table)} "
            "(use level='dimension' or level='item')."
        )
    units = [str(u) for u in table.index]
    shown = unit_labels(units, labels=labels, result=result, instrument=instrument,
                        chart="plot_radar", width=20)  # fmt: skip
    if ax is None:
        import matplotlib.pyplot as plt

        fig = plt.gcf()
        current = fig.axes[-1] if fig.axes else None
        if current is not None and getattr(current, "name", "") == "polar":
            ax = current
        else:
            if fig.axes:
                fig = plt.figure()
            ax = fig.add_subplot(projection="polar")
    elif getattr(ax, "name", "") != "polar":
        raise ServqualError(
            "plot_radar needs a polar Axes; create one with "
            "plt.subplots(subplot_kw={'projection': 'polar'}) or pass ax=None."
        )
    theta = np.linspace(0.0, 2 * np.pi, len(units), endpoint=False)
    closed = np.append(theta, theta[0])
    palette = list(colors) if colors is not None else default_colors
    lab = dict(legend_labels or {})
    for j, (col, name) in enumerate(zip(cols, names, strict=True)):
        v = table[col].to_numpy(float)
        vv = np.append(v, v[0])
        c = palette[j % len(palette)]
        ax.plot(closed, vv, color=c, marker="o", markersize=3, label=lab.get(col, name))
        if fill_alpha > 0:
            ax.fill(closed, vv, color=c, alpha=fill_alpha)
    band = _radar_band(table, cols) if ci else None
    if band is not None:
        b_lo, b_hi, j = band
        c = palette[j % len(palette)]
        of = "the perceived mean" if "perceived" in cols else "the gap"
        ax.fill_between(closed, np.append(b_lo, b_lo[0]), np.append(b_hi, b_hi[0]), color=c,
                        alpha=0.25, linewidth=0,
                        label=f"{_confidence(result)} CI of {of}")  # fmt: skip
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_xticks(theta)
    ax.set_xticklabels(shown)
    # labels on the left half end at their spoke, on the right half start there,
    # so long dimension names do not run into the outer ring
    for label, t in zip(ax.get_xticklabels(), theta, strict=True):
        x = np.sin(t)  # horizontal position of the spoke (clockwise from the top)
        label.set_horizontalalignment("left" if x > 0.1 else "right" if x < -0.1 else "center")
    ax.set_rlabel_position(180.0 / len(units))
    ax.tick_params(axis="x", pad=6)
    if title is not None:
        ax.set_title(title, pad=20)
    if legend:
        # below the chart: a legend beside a square polar Axes pushes the
        # outermost spoke labels out of the figure
        n_entries = len(ax.get_legend_handles_labels()[0])
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=min(n_entries, 3),
                  fontsize="small", frameon=False)  # fmt: skip
    return fit_scripts(ax, "plot_radar")


def _radar_band(table: pd.DataFrame, cols: list[str]) -> tuple[np.ndarray, np.ndarray, int] | None:
    """Interval band of a radar chart: (low, high, index of the profile it belongs to)."""
    if "perceived" in cols:
        pc = _ci_columns(table, "perceived_")
        if pc is None:
            return None
        return table[pc[0]].to_numpy(float), table[pc[1]].to_numpy(float), cols.index("perceived")
    if not {"ci_low", "ci_high"} <= set(table.columns):
        return None
    ref = table["reference"].to_numpy(float)
    return (ref + table["ci_low"].to_numpy(float), ref + table["ci_high"].to_numpy(float),
            cols.index("perception"))  # fmt: skip
