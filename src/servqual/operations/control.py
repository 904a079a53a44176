"""Shewhart control charts for counts, rates and proportions with run rules.

c-chart (counts with constant opportunity), u-chart (rates with varying exposure)
and p-chart (proportions, e.g. the share of complaints answered within a week),
following Montgomery, *Introduction to Statistical Quality Control*, ch. 7. Points
are flagged by the Western Electric / Nelson run rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from .._results import TableResult, result_class
from .._validation import check_choice, fmt_list
from ..exceptions import DataError, InsufficientDataError
from . import _series

__all__ = ["RULES", "ControlChartResult", "control_chart", "run_rules"]

Chart = Literal["c", "u", "p"]

#: The run rules, by number.
RULES: dict[int, str] = {
    1: "1 point beyond the control limits (3 sigma)",
    2: "2 of 3 consecutive points beyond 2 sigma on the same side",
    3: "4 of 5 consecutive points beyond 1 sigma on the same side",
    4: "8 points in a row on the same side of the centre line",
    5: "6 points in a row steadily increasing or decreasing",
}


@result_class
class ControlChartResult(TableResult):
    """A c-, u- or p-chart with flagged points.

    Table (one row per point, indexed by period): ``count``, ``n`` (exposure; u/p
    charts), ``value`` (count, rate or proportion), ``centre``, ``sigma`` (of the
    point), ``lcl``, ``ucl``, ``z`` (standardised distance from the centre),
    ``phase`` ("I" = baseline used for the limits, "II" = later points),
    ``rule_1`` … ``rule_5`` (booleans), ``rules`` (numbers of the rules a point
    breaks, e.g. ``"1,4"``) and ``signal`` (any rule broken).

    ``per`` is the rate scale of the :func:`kpi_series` a u-chart was drawn from
    (rates per ``per`` units of exposure, 1 otherwise); the table holds rates per
    unit, the chart shows them per ``per``.
    """

    chart: str
    centre: float
    sigma_multiple: float
    n_points: int
    n_baseline: int
    n_signals: int
    rules: tuple[int, ...]
    series: str
    per: float = 1.0

    _plot_function = "plot_control"

    @property
    def signals(self) -> pd.DataFrame:
        """Rows of the points that break at least one rule."""
        return self._table[self._table["signal"]].copy()

    @property
    def header(self) -> str:
        what = {"c": "c-chart (counts)", "u": "u-chart (rates)", "p": "p-chart (proportions)"}
        s = f" · {self.series}" if self.series else ""
        return (
            f"{what[self.chart]}{s} · centre {self.centre:.4g} · ±{self.sigma_multiple:g} sigma"
            f" · {self.n_points} points ({self.n_baseline} baseline) · "
            f"{self.n_signals} signal(s), rules {','.join(map(str, self.rules))}"
        )


def run_rules(
    z: np.ndarray,
    value: np.ndarray,
    beyond: np.ndarray,
    *,
    sigma_multiple: float = 3.0,
) -> np.ndarray:
    """Boolean (n_points, 5) array: point *i* completes a pattern of rule 1..5.

    For rules 2–4 the window ending at *i* must hold enough points beyond the zone
    on one side and point *i* must be one of them.

    ``z`` is the standardised distance ``(value − centre)/sigma``; ``beyond`` says
    which points lie outside the (possibly truncated) limits. Zones are at 2/3
    and 1/3 of ``sigma_multiple`` (2 and 1 sigma for 3-sigma limits).
    """
    z = np.asarray(z, dtype=np.float64)
    n = len(z)
    out = np.zeros((n, 5), dtype=bool)
    out[:, 0] = beyond
    two, one = sigma_multiple * 2 / 3, sigma_multiple / 3

    def window_rule(flags_hi: np.ndarray, flags_lo: np.ndarray, w: int, k: int) -> np.ndarray:
        res = np.zeros(n, dtype=bool)
        if n < w:
            return res
        hi = (sliding_window_view(flags_hi, w).sum(axis=1) >= k) & flags_hi[w - 1 :]
        lo = (sliding_window_view(flags_lo, w).sum(axis=1) >= k) & flags_lo[w - 1 :]
        res[w - 1 :] = hi | lo
        return res

    out[:, 1] = window_rule(z > two, z < -two, 3, 2)
    out[:, 2] = window_rule(z > one, z < -one, 5, 4)
    out[:, 3] = window_rule(z > 0, z < 0, 8, 8)
    d = np.diff(np.asarray(value, dtype=np.float64))
    if n >= 6:
        up = sliding_window_view(d > 0, 5).all(axis=1)
        down = sliding_window_view(d < 0, 5).all(axis=1)
        out[5:, 4] = up | down
    return out


def _baseline_mask(baseline: Any, labels: pd.Index) -> np.ndarray:
    n = len(labels)
    if baseline is None:
        return np.ones(n, dtype=bool)
    if isinstance(baseline, bool):
        raise DataError("baseline must be a number of points, a slice, a mask or (start, end).")
    if isinstance(baseline, int | np.integer):
        if not 2 <= baseline <= n:
            raise DataError(f"baseline={baseline} points; the series has {n} points (need ≥ 2).")
        mask = np.zeros(n, dtype=bool)
        mask[: int(baseline)] = True
        return mask
    if isinstance(baseline, slice):
        mask = np.zeros(n, dtype=bool)
        mask[baseline] = True
        return mask
    if isinstance(baseline, tuple) and len(baseline) == 2:
        start, end = baseline
        lab = labels
        if isinstance(labels, pd.DatetimeIndex) or pd.api.types.is_datetime64_any_dtype(labels):
            try:
                start, end = pd.Timestamp(start), pd.Timestamp(end)
            except (TypeError, ValueError):
                raise DataError(
                    f"baseline={baseline!r}: the start and end must be dates (e.g. "
                    f"('2023-01-01', '2023-12-01')) to compare with the periods "
                    f"{labels[0]:%Y-%m-%d} ... {labels[-1]:%Y-%m-%d}."
                ) from None
        try:
            mask = np.asarray((lab >= start) & (lab <= end), dtype=bool)
        except TypeError:
            raise DataError(
                f"baseline={baseline!r} cannot be compared with the periods ({labels[0]!r}, ...)."
            ) from None
        return mask
    mask = np.asarray(baseline)
    if mask.dtype != bool or mask.shape != (n,):
        raise DataError(
            "baseline must be a number of points, a slice, (start, end) periods or a "
            f"boolean mask of length {n}."
        )
    return mask.copy()


def control_chart(
    data: Any,
    chart: Chart | None = None,
    *,
    count: str | None = None,
    exposure: Any = None,
    period: str | None = None,
    type: str | None = None,
    where: Mapping[str, Any] | None = None,
    baseline: Any = None,
    rules: Sequence[int] = (1, 2, 3, 4, 5),
    sigma_multiple: float = 3.0,
) -> ControlChartResult:
    """c-, u- or p-chart of a count series, with run-rule signals.

    Parameters
    ----------
    data : KpiResult, ConformanceResult, DataFrame or array-like
        A :func:`kpi_series` result (choose one ``type=`` and, with stores, one
        ``where={"store": ...}``), a :func:`conformance` result by period (p-chart
        of the share meeting the target), a frame with count / exposure columns,
        or an array of counts.
    chart : {"c", "u", "p"}, optional
        ``"c"``: counts; ``"u"``: counts per unit of exposure; ``"p"``: counts out
        of ``n`` cases. Default: ``"p"`` for a conformance result, ``"u"`` when
        there is exposure, else ``"c"``.
    count, exposure, period : str or array-like, optional
        Columns (or arrays) with the counts, the exposure (orders, visits; the
        number of cases for a p-chart) and the period labels.
    type : str, optional
        Record type to chart (e.g. ``"complaint"``) when the series holds several.
    where : mapping, optional
        Column → value selecting one store/channel, e.g. ``{"store": "north"}``.
    baseline : int, slice, (start, end), or boolean mask, optional
        Points used to estimate the centre line and limits (phase I); the limits
        are then applied to all points (phase II). Default: all points.
    rules : sequence of int
        Run rules to apply (see :data:`RULES`); a point's ``signal`` is any of these.
    sigma_multiple : float
        Width of the control limits in standard deviations (3).

    Returns
    -------
    ControlChartResult

    Raises
    ------
    DataError
        Negative or fractional counts, zero exposure, counts above ``n`` on a
        p-chart, an unknown type or store.
    InsufficientDataError
        Fewer than 2 baseline points, or a baseline without any events (the
        limits are undefined).

    See Also
    --------
    kpi_series : build the count series.
    conformance : shares per period for a p-chart.
    servqual.plotting.plot_control : draw the chart.

    Notes
    -----
    With baseline points *B* (Montgomery, 2019, sections 7.2–7.3):

    * c-chart: ``c̄ = mean_B(c_i)``; limits ``c̄ ± 3√c̄``.
    * u-chart: ``ū = Σ_B c_i / Σ_B n_i``; limits ``ū ± 3√(ū/n_i)`` per point.
    * p-chart: ``p̄ = Σ_B d_i / Σ_B n_i``; limits ``p̄ ± 3√(p̄(1−p̄)/n_i)`` per point.

    Lower limits below zero are set to zero (and p-chart upper limits above one to one). Run rules (Western Electric, 1956;
    Nelson, 1984) on ``z_i = (value_i − centre)/σ_i``: (1) a point outside the
    limits; (2) 2 of 3 consecutive points beyond 2σ on one side; (3) 4 of 5 beyond
    1σ on one side; (4) 8 in a row on one side of the centre; (5) 6 points in a
    row steadily increasing or decreasing (5 rising or 5 falling steps; ties
    break the run). A pattern is flagged at the point that completes it: the last
    point of the window, which must itself lie in the zone (rules 2–4) or end the
    run (rule 5).

    References
    ----------
    Montgomery, D. C. (2019). Introduction to Statistical Quality Control (8th
    ed.). Wiley. Nelson, L. S. (1984). The Shewhart control chart—tests for
    special causes. Journal of Quality Technology, 16(4), 237-239.

    Examples
    --------
    >>> import servqual as sq
    >>> counts = sq.operations.load_records("counts")
    >>> kpi = sq.operations.kpi_series(counts, date="month", by="store", count="count",
    ...                                exposure="orders", per=1000)
    >>> chart = sq.operations.control_chart(kpi, "u", type="complaint",
    ...                                     where={"store": "north"}, baseline=12)
    >>> chart.n_points, chart.n_baseline
    (24, 12)
    """
    check_choice(chart, "chart", [None, "c", "u", "p"])
    bad_rules = [r for r in rules if r not in RULES]
    if bad_rules:
        raise DataError(f"Unknown run rule(s) {fmt_list(bad_rules)}; rules are {list(RULES)}.")
    if not (isinstance(sigma_multiple, int | float) and sigma_multiple > 0):
        raise DataError(f"sigma_multiple must be a positive number, got {sigma_multiple!r}.")
    if chart is None and _series.type_name(data) == "ConformanceResult":
        chart = "p"
    s = _series.select(
        data,
        count=count,
        exposure=exposure,
        period=period,
        type=type,
        where=where,
        use_exposure=chart != "c",
    )
    if chart is None:
        chart = "u" if s.n is not None else "c"
    if chart in ("u", "p") and s.n is None:
        raise DataError(
            f"A {chart}-chart needs exposure (orders, visits, or the number of cases); "
            "pass exposure= (a column name or array)."
        )
    x = s.x
    base = _baseline_mask(baseline, s.labels)
    nb = int(base.sum())
    if nb < 2:
        raise InsufficientDataError(
            f"The baseline has {nb} point(s); control limits need at least 2."
        )
    if chart == "c":
        centre = float(x[base].mean())
        value = x.copy()
        sigma = np.full(len(x), np.sqrt(centre))
    else:
        n = s.n
        assert n is not None
        if chart == "p" and (x > n).any():
            bad = np.where(x > n)[0]
            raise DataError(
                f"{len(bad)} point(s) have more counts than cases ({s.count_name} > "
                f"{s.exposure_name}): periods {fmt_list(s.labels[bad])}."
            )
        centre = float(x[base].sum() / n[base].sum())
        value = x / n
        var = centre if chart == "u" else centre * (1 - centre)
        sigma = np.sqrt(var / n)
    if not np.all(sigma > 0):
        raise InsufficientDataError(
            f"The baseline has centre line {centre:g}: with no variation to expect "
            "(no events, or every case conforming) the control limits are undefined."
        )
    lcl = np.maximum(centre - sigma_multiple * sigma, 0.0)
    ucl = centre + sigma_multiple * sigma
    if chart == "p":
        ucl = np.minimum(ucl, 1.0)
    z = (value - centre) / sigma
    beyond = (value > ucl) | (value < lcl)
    flags = run_rules(z, value, beyond, sigma_multiple=sigma_multiple)
    use = np.array([r in rules for r in range(1, 6)])
    flags = flags & use
    table = pd.DataFrame({"count": x.astype(np.int64)}, index=s.labels.rename("period"))
    if s.n is not None and chart != "c":
        table["n"] = s.n
    table["value"] = value
    table["centre"] = centre
    table["sigma"] = sigma
    table["lcl"] = lcl
    table["ucl"] = ucl
    table["z"] = z
    table["phase"] = np.where(base, "I", "II")
    for r in range(5):
        table[f"rule_{r + 1}"] = flags[:, r]
    table["rules"] = [",".join(str(r + 1) for r in np.where(f)[0]) for f in flags]
    table["signal"] = flags.any(axis=1)
    return ControlChartResult(
        _table=table,
        chart=chart,
        centre=centre,
        sigma_multiple=float(sigma_multiple),
        n_points=len(x),
        n_baseline=nb,
        n_signals=int(table["signal"].sum()),
        rules=tuple(sorted(int(r) for r in rules)),
        series=s.description,
        per=float(data.per) if chart == "u" and _series.type_name(data) == "KpiResult" else 1.0,
    )
