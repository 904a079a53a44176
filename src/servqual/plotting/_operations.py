"""Charts of operational measures: control charts, KPI series, NPS, ratings, CSAT/CES."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import ServqualError
from ._core import NEGATIVE, POSITIVE, _axes
from ._fonts import fit_scripts

__all__ = ["plot_control", "plot_kpi", "plot_nps", "plot_ratings", "plot_score"]


def _date_axis(ax: Any) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _need(result: Any, cls: str, func: str, how: str) -> pd.DataFrame:
    if type(result).__name__ != cls:
        raise ServqualError(f"{func} draws a {cls} ({how}); got {type(result).__name__}.")
    return result._table


def _x(index: pd.Index) -> tuple[np.ndarray, bool]:
    """x positions: dates stay dates, anything else becomes 0..n-1."""
    if isinstance(index, pd.DatetimeIndex) or pd.api.types.is_datetime64_any_dtype(index):
        return pd.DatetimeIndex(index).to_pydatetime(), True
    return np.arange(len(index)), False


def plot_control(
    result: Any,
    ax: Any = None,
    *,
    color: str = POSITIVE,
    limit_color: str = NEGATIVE,
    centre_color: str = "0.3",
    signal_color: str = NEGATIVE,
    annotate: bool = True,
    title: str | None = None,
    ylabel: str | None = None,
) -> Any:
    """Control chart: points, centre line, control limits, flagged points.

    Parameters
    ----------
    result : ControlChartResult
        From :func:`servqual.operations.control_chart`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; the current Axes when omitted.
    color, limit_color, centre_color, signal_color : str
        Colours of the series, the limits, the centre line and the flagged points.
    annotate : bool
        Write the broken rule numbers next to flagged points.
    title, ylabel : str, optional
        Axis title and y label (defaults name the chart).

    Returns
    -------
    matplotlib.axes.Axes
        Line 0 is the series; u- and p-charts draw their per-point limits as steps.
        A u-chart of a :func:`~servqual.operations.kpi_series` computed with
        ``per=1000`` shows rates per 1,000 (as the KPI table), not per unit.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import servqual as sq
    >>> counts = sq.operations.load_records("counts")
    >>> kpi = sq.operations.kpi_series(counts, date="month", by="store", count="count",
    ...                                exposure="orders", per=1000)
    >>> chart = sq.operations.control_chart(kpi, "u", type="complaint",
    ...                                     where={"store": "north"}, baseline=12)
    >>> fig, ax = plt.subplots()
    >>> sq.plot_control(chart, ax=ax) is ax
    True
    """
    t = _need(result, "ControlChartResult", "plot_control", "sq.operations.control_chart(...)")
    ax = _axes(ax)
    x, is_date = _x(t.index)
    # a u-chart of a KPI series keeps the series' scale: rates per ``per`` units
    per = float(getattr(result, "per", 1.0) or 1.0) if result.chart == "u" else 1.0
    y = t["value"].to_numpy(dtype=float) * per
    ax.plot(x, y, marker="o", color=color, label=result.chart + " value", zorder=3)
    step = "mid" if result.chart in ("u", "p") else None
    for col, lab in (("ucl", "UCL"), ("lcl", "LCL")):
        if step:
            ax.step(
                x,
                t[col].to_numpy(dtype=float) * per,
                where=step,
                color=limit_color,
                linestyle="--",
                linewidth=1,
                label=lab,
            )
        else:
            ax.plot(x, t[col].to_numpy(dtype=float) * per, color=limit_color, linestyle="--",
                    linewidth=1, label=lab)  # fmt: skip
    ax.plot(x, t["centre"].to_numpy(dtype=float) * per, color=centre_color, linewidth=1,
            label="centre")  # fmt: skip
    sig = t["signal"].to_numpy()
    if sig.any():
        xs = np.asarray(x)[sig]
        ax.scatter(
            xs,
            y[sig],
            s=80,
            facecolors="none",
            edgecolors=signal_color,
            linewidths=1.5,
            zorder=4,
            label="signal",
        )
        if annotate:
            for xi, yi, r in zip(xs, y[sig], t["rules"].to_numpy()[sig], strict=True):
                ax.annotate(
                    r,
                    (xi, yi),
                    textcoords="offset points",
                    xytext=(0, 7),
                    ha="center",
                    fontsize=7,
                    color=signal_color,
                )
    phase2 = (t["phase"] == "II").to_numpy()
    if phase2.any() and not phase2.all():
        first = np.asarray(x)[np.argmax(phase2)]
        ax.axvline(first, color="0.6", linestyle=":", linewidth=1)
    if is_date:
        _date_axis(ax)
    else:
        ax.set_xticks(np.arange(len(t)))
        ax.set_xticklabels([str(v) for v in t.index], rotation=90 if len(t) > 12 else 0)
    names = {"c": "c-chart", "u": "u-chart", "p": "p-chart"}
    ax.set_title(title if title is not None else f"{names[result.chart]} {result.series}".strip())
    rate = f"rate per {per:,g}" if per != 1.0 else "rate"
    ax.set_ylabel(
        ylabel if ylabel is not None else {"c": "count", "u": rate, "p": "proportion"}[result.chart]
    )
    ax.set_xlabel("period")
    return fit_scripts(ax, "plot_control")


def plot_kpi(
    result: Any,
    ax: Any = None,
    *,
    value: str | None = None,
    title: str | None = None,
) -> Any:
    """KPI series: one line per type (and store/channel), rates when there is exposure.

    Parameters
    ----------
    result : KpiResult
        From :func:`servqual.operations.kpi_series`.
    ax : matplotlib.axes.Axes, optional
    value : {"rate", "count"}, optional
        What to draw (default: rate with exposure, else count).
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        One line per series, labelled "type" or "type · group".

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import servqual as sq
    >>> counts = sq.operations.load_records("counts")
    >>> kpi = sq.operations.kpi_series(counts, date="month", count="count")
    >>> fig, ax = plt.subplots()
    >>> sq.plot_kpi(kpi, ax=ax) is ax
    True
    """
    t = _need(result, "KpiResult", "plot_kpi", "sq.operations.kpi_series(...)")
    ax = _axes(ax)
    value = value or ("rate" if "rate" in t else "count")
    if value not in t:
        raise ServqualError(f"value={value!r} is not in the KPI table; use 'count' or 'rate'.")
    keys = ["type", *result.by]
    for key, g in t.groupby(keys, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        ax.plot(
            pd.DatetimeIndex(g["period"]).to_pydatetime(),
            g[value].to_numpy(),
            marker=".",
            label=" · ".join(map(str, key)),
        )
    _date_axis(ax)
    ax.set_ylabel(f"{value} per {result.per:,g}" if value == "rate" else value)
    ax.set_xlabel("period")
    ax.set_title(title if title is not None else "KPI series")
    ax.legend(fontsize=8)
    return fit_scripts(ax, "plot_kpi")


def plot_nps(
    result: Any,
    ax: Any = None,
    *,
    color: str = POSITIVE,
    band_alpha: float = 0.2,
    title: str | None = None,
) -> Any:
    """NPS over time (or by group) with its confidence band.

    Parameters
    ----------
    result : NpsResult
        From :func:`servqual.operations.nps`; with ``date=`` a line over the
        periods with a shaded interval, otherwise points with error bars per group.
    ax : matplotlib.axes.Axes, optional
    color : str
    band_alpha : float
        Opacity of the confidence band.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        Line 0 holds one point per row of the result.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import servqual as sq
    >>> feedback = sq.operations.load_records("feedback")
    >>> res = sq.operations.nps(feedback, "recommend", date="date", freq="Q")
    >>> fig, ax = plt.subplots()
    >>> sq.plot_nps(res, ax=ax) is ax
    True
    """
    t = _need(result, "NpsResult", "plot_nps", "sq.operations.nps(...)")
    ax = _axes(ax)
    if result.by and result.freq is not None:
        raise ServqualError(
            "plot_nps draws one series: compute nps(..., date=...) without by=, or "
            "by= without date=."
        )
    x, is_date = _x(t.index)
    y = t["nps"].to_numpy()
    if is_date:
        ax.plot(x, y, marker="o", color=color, label="NPS")
        ax.fill_between(
            x,
            t["ci_low"].to_numpy(),
            t["ci_high"].to_numpy(),
            color=color,
            alpha=band_alpha,
            linewidth=0,
            label=f"{result.confidence_level:.0%} CI",
        )
        ax.set_xlabel("period")
        _date_axis(ax)
    else:
        err = np.vstack([y - t["ci_low"].to_numpy(), t["ci_high"].to_numpy() - y])
        ax.plot(x, y, marker="o", linestyle="none", color=color, label="NPS")
        ax.errorbar(x, y, yerr=err, fmt="none", ecolor=color, capsize=3)
        ax.set_xticks(x)
        ax.set_xticklabels(
            [" / ".join(map(str, v)) if isinstance(v, tuple) else str(v) for v in t.index]
        )
    ax.axhline(0, color="0.6", linewidth=0.8)
    ax.set_ylabel("NPS (promoters − detractors, points)")
    ax.set_title(title if title is not None else f"NPS · {result.column}")
    return fit_scripts(ax, "plot_nps")


def plot_ratings(
    result: Any,
    ax: Any = None,
    *,
    row: Any = None,
    share: bool = True,
    color: str = POSITIVE,
    title: str | None = None,
) -> Any:
    """Rating distribution: one bar per scale point.

    Parameters
    ----------
    result : RatingsResult
        From :func:`servqual.operations.ratings`.
    ax : matplotlib.axes.Axes, optional
    row : label, optional
        Row of the result to draw (a group or period); default: all rows pooled.
    share : bool
        Bars show shares (default) or counts.
    color : str
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        One bar per scale point, x tick labels the scale points.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import servqual as sq
    >>> feedback = sq.operations.load_records("feedback")
    >>> fig, ax = plt.subplots()
    >>> sq.plot_ratings(sq.operations.ratings(feedback, "stars"), ax=ax) is ax
    True
    """
    t = _need(result, "RatingsResult", "plot_ratings", "sq.operations.ratings(...)")
    ax = _axes(ax)
    points = list(range(result.low, result.high + 1))
    cols = [f"n_{k}" for k in points]
    if row is None:
        counts = t[cols].sum(axis=0).to_numpy(dtype=np.float64)
    else:
        if row not in t.index:
            raise ServqualError(f"row={row!r} is not in the result; rows are {list(t.index)}.")
        counts = t.loc[row, cols].to_numpy(dtype=np.float64)
    y = counts / counts.sum() if share else counts
    ax.bar(points, y, color=color)
    ax.set_xticks(points)
    ax.set_xticklabels([str(k) for k in points])
    ax.set_xlabel(f"{result.column} rating")
    ax.set_ylabel("share of ratings" if share else "ratings")
    mean = float((counts * np.array(points)).sum() / counts.sum())
    ax.set_title(title if title is not None else f"{result.column} · mean {mean:.2f}")
    return fit_scripts(ax, "plot_ratings")


def plot_score(
    result: Any,
    ax: Any = None,
    *,
    value: str = "mean",
    color: str = POSITIVE,
    title: str | None = None,
) -> Any:
    """CSAT / CES mean (or top-box share) per row with confidence intervals.

    Parameters
    ----------
    result : ScoreResult
        From :func:`servqual.operations.csat` or :func:`~servqual.operations.ces`.
    ax : matplotlib.axes.Axes, optional
    value : {"mean", "top_box"}
    color : str
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import servqual as sq
    >>> feedback = sq.operations.load_records("feedback")
    >>> fig, ax = plt.subplots()
    >>> sq.plot_score(sq.operations.csat(feedback, "csat", by="store"), ax=ax) is ax
    True
    """
    t = _need(result, "ScoreResult", "plot_score", "sq.operations.csat(...) or ces(...)")
    if value not in ("mean", "top_box"):
        raise ServqualError(f"value={value!r} is not allowed; use 'mean' or 'top_box'.")
    ax = _axes(ax)
    lo, hi = ("ci_low", "ci_high") if value == "mean" else ("top_box_ci_low", "top_box_ci_high")
    x, is_date = _x(t.index)
    y = t[value].to_numpy()
    err = np.vstack([y - t[lo].to_numpy(), t[hi].to_numpy() - y])
    ax.errorbar(
        x, y, yerr=err, marker="o", color=color, capsize=3, linestyle="-" if is_date else "none"
    )
    if not is_date:
        ax.set_xticks(x)
        ax.set_xticklabels(
            [" / ".join(map(str, v)) if isinstance(v, tuple) else str(v) for v in t.index]
        )
    ax.set_ylabel(f"{result.metric} {'mean' if value == 'mean' else 'top-box share'}")
    ax.set_title(title if title is not None else f"{result.metric} · {result.column}")
    return fit_scripts(ax, "plot_score")
