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
) -> None:
    """Points coloured by category (grey when not in ``palette``), a dashed crosshair
    at ``cuts`` (x, y) and, with ``annotate``, each point labelled with its name."""
    ax.scatter(x, y, c=[palette.get(c, LINE_GREY) for c in categories], zorder=3)
    ax.axvline(cuts[0], color=LINE_GREY, linestyle="--", linewidth=1)
    ax.axhline(cuts[1], color=LINE_GREY, linestyle="--", linewidth=1)
    if annotate:
        for label, xi, yi in zip(names, x, y, strict=True):
            ax.annotate(label, (xi, yi), xytext=(4, 4), textcoords="offset points", fontsize=8)


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
        Label every point with its dimension or item name.
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
    _category_map(
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
    if quadrant_labels:
        corners = {
            "concentrate here": (0.02, 0.98, "left", "top"),
            "keep up the good work": (0.98, 0.98, "right", "top"),
            "low priority": (0.02, 0.02, "left", "bottom"),
            "possible overkill": (0.98, 0.02, "right", "bottom"),
        }
        for name, (cx, cy, ha, va) in corners.items():
            ax.text(
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
    score = getattr(ipa_result, "score", "performance")
    ax.set_xlabel(xlabel if xlabel is not None else f"Performance (mean {score})")
    ax.set_ylabel(
        ylabel
        if ylabel is not None
        else f"Importance ({getattr(ipa_result, 'importance', 'stated')})"
    )
    if title is not None:
        ax.set_title(title)
    return fit_scripts(ax, "plot_ipa")


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
        Label each point with its feature name.
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
    _category_map(
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
    return fit_scripts(ax, "plot_kano")
