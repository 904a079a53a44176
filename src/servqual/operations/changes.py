"""Did a change help? Rates, proportions and customer scores compared between periods.

:func:`period_changes` compares each period of a count series with the previous one
and :func:`before_after` two windows, with the exact Poisson rate comparison (R
``poisson.test``) or the two-proportion tests (R ``prop.test`` / ``fisher.test``) of
:mod:`servqual.operations.rates`. :func:`score_change` does the same for NPS, mean
scores and top-box shares of feedback records (independent samples).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from .._results import TableResult, result_class
from .._validation import check_choice, check_confidence
from .._vocab import Alternative, check_alternative
from ..exceptions import DataError, InsufficientDataError, ServqualWarning
from . import _checks, _series
from .rates import _PADJ, RateTestResult, _poisson2, _prop2
from .scores import Freq, _nps_row, _prepare

__all__ = ["ScoreChangeResult", "before_after", "period_changes", "score_change"]


def _kind_series(
    data: Any,
    kind: str | None,
    count: Any,
    exposure: Any,
    period: str | None,
    type: str | None,
    where: Any,
) -> tuple[_series.Series, str]:
    """The selected series and its kind ("rate", "count" or "proportion")."""
    s = _series.select(
        data,
        count=count,
        exposure=exposure,
        period=period,
        type=type,
        where=where,
        use_exposure=kind != "count",
    )
    return s, _kind(kind, s, data)


def _kind(kind: str | None, s: _series.Series, data: Any) -> str:
    if kind is None:
        if _series.type_name(data) == "ConformanceResult":
            return "proportion"
        return "rate" if s.n is not None else "count"
    check_choice(kind, "kind", ["rate", "count", "proportion"])
    if kind in ("rate", "proportion") and s.n is None:
        raise DataError(f"kind={kind!r} needs exposure; pass exposure=.")
    if kind == "proportion":
        assert s.n is not None
        bad = (s.n != np.round(s.n)) | (s.x > s.n)
        if bad.any():
            raise DataError(
                f"Proportions need whole numbers of cases with count ≤ cases; periods "
                f"{_checks.fmt_list(s.labels[bad])} break this."
            )
    return kind


def _compare(kind: str, a: tuple, b: tuple, conf: float, alternative: str, method: str) -> dict:
    """Compare b (later) with a (earlier)."""
    xa, na = a
    xb, nb = b
    if kind == "proportion":
        return _prop2(xb, nb, xa, na, conf, alternative, method, True)
    return _poisson2(xb, nb, xa, na, conf, alternative)


def period_changes(
    data: Any,
    *,
    kind: Literal["rate", "count", "proportion"] | None = None,
    count: str | None = None,
    exposure: Any = None,
    period: str | None = None,
    type: str | None = None,
    where: Mapping[str, Any] | None = None,
    method: Literal["chisq", "fisher"] = "chisq",
    p_adjust: str | None = "holm",
    confidence_level: float = 0.95,
    alternative: Alternative = "two-sided",
) -> RateTestResult:
    """Each period compared with the previous one (month over month).

    Parameters
    ----------
    data : KpiResult, ConformanceResult, DataFrame or array-like
        As for :func:`control_chart`.
    kind : {"rate", "count", "proportion"}, optional
        Rates per exposure and plain counts (exact Poisson test, exposure 1 for
        counts) or proportions (:func:`two_proportion_test`). Default: proportion
        for a conformance result, rate with exposure, else count.
    count, exposure, period, type, where
        Select the series, as for :func:`control_chart`.
    method : {"chisq", "fisher"}
        Test for proportions.
    p_adjust : str or None
        Multiplicity correction across the comparisons (statsmodels
        ``multipletests`` method), reported in ``p_adj``.
    confidence_level : float
    alternative : {"two-sided", "less", "greater"}
        For the later period against the earlier one.

    Returns
    -------
    RateTestResult
        One row per period from the second on: ``period``, ``previous`` and the
        columns of :func:`poisson_test` (``_1`` = this period, ``_2`` = previous)
        or :func:`two_proportion_test`, plus ``p_adj``.

    Warns
    -----
    ServqualWarning
        Two consecutive periods without any event: that row has ``rate_ratio``
        NaN, interval [0, inf) and ``p_unc`` 1.

    See Also
    --------
    poisson_test, two_proportion_test : the tests applied to each pair.

    Examples
    --------
    >>> import servqual as sq
    >>> kpi = sq.operations.kpi_series(sq.operations.load_records("counts"), date="month",
    ...                                count="count", exposure="orders")
    >>> mom = sq.operations.period_changes(kpi, type="complaint")
    >>> len(mom.to_frame())
    23
    """
    check_alternative(alternative)
    check_choice(p_adjust, "p_adjust", _PADJ)
    check_choice(method, "method", ["chisq", "fisher"])
    conf = check_confidence(confidence_level)
    s, k = _kind_series(data, kind, count, exposure, period, type, where)
    _checks.need(len(s.x), 2, "period_changes")
    n = s.n if s.n is not None and k != "count" else np.ones_like(s.x)
    rows = []
    empty = []
    for i in range(1, len(s.x)):
        row = {"period": s.labels[i], "previous": s.labels[i - 1]}
        if k != "proportion" and s.x[i] + s.x[i - 1] == 0:
            # no events in either period: nothing to compare (p = 1, ratio undefined)
            empty.append(s.labels[i])
            row.update(
                {
                    "count_1": 0,
                    "exposure_1": n[i],
                    "rate_1": 0.0,
                    "count_2": 0,
                    "exposure_2": n[i - 1],
                    "rate_2": 0.0,
                    "rate_ratio": np.nan,
                    "ci_low": 0.0,
                    "ci_high": np.inf,
                    "p_unc": 1.0,
                }
            )
        else:
            row.update(
                _compare(k, (s.x[i - 1], n[i - 1]), (s.x[i], n[i]), conf, alternative, method)
            )
        rows.append(row)
    if empty:
        warnings.warn(
            f"No events in period(s) {_checks.fmt_list(empty)} nor in the period before: "
            "their rate ratio is undefined (NaN, p = 1). Use longer periods (freq=).",
            ServqualWarning,
            stacklevel=2,
        )
    table = pd.DataFrame(rows).set_index("period")
    _adjust(table, p_adjust)
    return RateTestResult(
        _table=table,
        test=_test_name(k, method) + " · each period vs the previous",
        confidence_level=conf,
        alternative=alternative,
        p_adjust=p_adjust,
    )


def _adjust(table: pd.DataFrame, p_adjust: str | None) -> None:
    if p_adjust is None:
        table["p_adj"] = table["p_unc"]
    else:
        table["p_adj"] = _adjusted(table["p_unc"].to_numpy(), p_adjust)


def _test_name(kind: str, method: str) -> str:
    if kind == "proportion":
        return "Two-proportion chi-square test" if method == "chisq" else "Fisher's exact test"
    return "Exact Poisson rate comparison" if kind == "rate" else "Exact Poisson count comparison"


def _timestamp(value: Any, name: str) -> pd.Timestamp:
    """``pd.Timestamp(value)`` with a DataError naming the argument when it is no date."""
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        ts = pd.NaT
    if pd.isna(ts):
        raise DataError(f"{name}={value!r} is not a date; give e.g. '2024-01-01'.")
    return ts


def _window(spec: Any, labels: pd.Index, name: str) -> np.ndarray:
    if isinstance(spec, tuple) and len(spec) == 2:
        start, end = spec
        if pd.api.types.is_datetime64_any_dtype(labels):
            start, end = _timestamp(start, f"{name}[0]"), _timestamp(end, f"{name}[1]")
        mask = np.asarray((labels >= start) & (labels <= end), dtype=bool)
    else:
        mask = np.asarray(spec)
        if mask.dtype != bool or mask.shape != (len(labels),):
            raise DataError(f"{name} must be (start, end) periods or a boolean mask.")
    if not mask.any():
        raise InsufficientDataError(f"The {name} window {spec!r} holds no periods.")
    return mask


def before_after(
    data: Any,
    split: Any = None,
    *,
    before: Any = None,
    after: Any = None,
    kind: Literal["rate", "count", "proportion"] | None = None,
    count: str | None = None,
    exposure: Any = None,
    period: str | None = None,
    type: str | None = None,
    where: Mapping[str, Any] | None = None,
    method: Literal["chisq", "fisher"] = "chisq",
    confidence_level: float = 0.95,
    alternative: Alternative = "two-sided",
) -> RateTestResult:
    """Compare the pooled rate or proportion after a change with the one before.

    Parameters
    ----------
    data : KpiResult, ConformanceResult, DataFrame or array-like
        As for :func:`control_chart`.
    split : period label, optional
        First period after the change; before = earlier periods, after = this
        period and later ones.
    before, after : (start, end) or boolean mask, optional
        Explicit windows (inclusive) instead of ``split``.
    kind, count, exposure, period, type, where, method, confidence_level, alternative
        As for :func:`period_changes`.

    Returns
    -------
    RateTestResult
        One row (``_1`` = after, ``_2`` = before): the rate ratio after/before
        with its exact interval, or the difference of proportions; plus
        ``periods_1`` and ``periods_2`` (number of periods pooled).

    See Also
    --------
    control_chart : check that each window is stable.

    Notes
    -----
    Counts and exposure are summed over each window, then compared with
    :func:`poisson_test` (R ``poisson.test(c(x_after, x_before), c(t_after,
    t_before))``) or :func:`two_proportion_test`. Pooling assumes a constant rate
    within each window (check it with :func:`control_chart`).

    Examples
    --------
    >>> import servqual as sq
    >>> kpi = sq.operations.kpi_series(sq.operations.load_records("counts"), date="month",
    ...                                count="count", exposure="orders")
    >>> res = sq.operations.before_after(kpi, "2024-01-01", type="complaint")
    >>> bool(res.to_frame()["rate_ratio"].iloc[0] < 1)
    True
    """
    check_alternative(alternative)
    check_choice(method, "method", ["chisq", "fisher"])
    conf = check_confidence(confidence_level)
    s, k = _kind_series(data, kind, count, exposure, period, type, where)
    labels = s.labels
    if split is not None:
        if before is not None or after is not None:
            raise DataError("Give either split= or before=/after=, not both.")
        cut = _timestamp(split, "split") if pd.api.types.is_datetime64_any_dtype(labels) else split
        try:
            a_mask = np.asarray(labels >= cut, dtype=bool)
        except TypeError:
            raise DataError(f"split={split!r} cannot be compared with the periods.") from None
        b_mask = ~a_mask
        if not a_mask.any() or not b_mask.any():
            raise InsufficientDataError(
                f"split={split!r} leaves no periods on one side ({labels[0]} to {labels[-1]})."
            )
    else:
        if before is None or after is None:
            raise DataError("Give split= (first period after the change) or before= and after=.")
        b_mask = _window(before, labels, "before")
        a_mask = _window(after, labels, "after")
        if (a_mask & b_mask).any():
            raise DataError("The before and after windows overlap.")
    n = s.n if s.n is not None and k != "count" else np.ones_like(s.x)
    row = _compare(
        k,
        (s.x[b_mask].sum(), n[b_mask].sum()),
        (s.x[a_mask].sum(), n[a_mask].sum()),
        conf,
        alternative,
        method,
    )
    row = {"periods_1": int(a_mask.sum()), "periods_2": int(b_mask.sum()), **row}
    return RateTestResult(
        _table=pd.DataFrame([row], index=pd.Index(["after vs before"], name="comparison")),
        test=_test_name(k, method) + " · after vs before",
        confidence_level=conf,
        alternative=alternative,
        p_adjust=None,
    )


# ---------------------------------------------------------------- change between periods


def _adjusted(p: np.ndarray, method: str) -> np.ndarray:
    """Multiplicity-adjusted p-values, statsmodels ``multipletests(p, method=method)``.

    statsmodels is imported here, on first use, not with the module: importing it
    takes longer than numpy and pandas together and only these corrections need it.
    """
    from statsmodels.stats.multitest import multipletests

    return multipletests(p, method=method)[1]


@result_class
class ScoreChangeResult(TableResult):
    """Change of a score between periods (independent samples).

    Table (one row per comparison): ``period_1`` (earlier), ``period_2`` (later),
    ``n_1``, ``n_2``, ``estimate_1``, ``estimate_2``, ``diff`` (later − earlier),
    ``ci_low``, ``ci_high``, ``statistic``, ``p_unc``, ``p_adj``.
    """

    metric: str
    column: str
    test: str
    confidence_level: float
    p_adjust: str | None

    _plot_function = None

    @property
    def header(self) -> str:
        adj = f" · p_adjust={self.p_adjust}" if self.p_adjust else ""
        return f"Change in {self.metric} of {self.column!r} · {self.test}{adj}"


def _change(metric: str, a: np.ndarray, b: np.ndarray, conf: float, top: float) -> dict:
    if len(a) < 2 or len(b) < 2:
        raise InsufficientDataError(
            f"Each period needs at least 2 answers to test a change, got {len(a)} and {len(b)}."
        )
    if metric == "nps":
        z = float(stats.norm.ppf(0.5 + conf / 2))
        ra, rb = _nps_row(a, z), _nps_row(b, z)
        d = rb["nps"] - ra["nps"]
        se = np.sqrt(ra["se"] ** 2 + rb["se"] ** 2)
        if se == 0:
            raise InsufficientDataError("NPS has no variance in either period; cannot test.")
        stat = d / se
        return {
            "estimate_1": ra["nps"],
            "estimate_2": rb["nps"],
            "diff": d,
            "ci_low": d - z * se,
            "ci_high": d + z * se,
            "statistic": stat,
            "p_unc": float(2 * stats.norm.sf(abs(stat))),
        }
    if metric == "mean":
        if np.ptp(a) == 0 and np.ptp(b) == 0:
            raise InsufficientDataError(
                f"Every answer is {a[0]:g} in the first period and {b[0]:g} in the second; "
                "the Welch t-test of the means is undefined."
            )
        res = stats.ttest_ind(b, a, equal_var=False)
        ci = res.confidence_interval(confidence_level=conf)
        return {
            "estimate_1": float(a.mean()),
            "estimate_2": float(b.mean()),
            "diff": float(b.mean() - a.mean()),
            "ci_low": float(ci.low),
            "ci_high": float(ci.high),
            "statistic": float(res.statistic),
            "p_unc": float(res.pvalue),
        }
    r = _prop2(
        float((b >= top).sum()),
        float(len(b)),
        float((a >= top).sum()),
        float(len(a)),
        conf,
        "two-sided",
        "chisq",
        True,
    )
    return {
        "estimate_1": r["share_2"],
        "estimate_2": r["share_1"],
        "diff": r["diff"],
        "ci_low": r["ci_low"],
        "ci_high": r["ci_high"],
        "statistic": r["statistic"],
        "p_unc": r["p_unc"],
    }


def score_change(
    data: pd.DataFrame,
    column: str,
    *,
    metric: Literal["nps", "mean", "top_box"] = "mean",
    date: str = "date",
    split: Any = None,
    freq: Freq = "M",
    by: str | None = None,
    scale: tuple[float, float] | None = None,
    top_box: float | None = None,
    p_adjust: str | None = "holm",
    confidence_level: float = 0.95,
) -> ScoreChangeResult:
    """Test the change of CSAT / CES / NPS / rating between periods.

    Parameters
    ----------
    data : pandas.DataFrame
        Feedback records.
    column : str
        Score column.
    metric : {"nps", "mean", "top_box"}
        NPS (``column`` on 0–10), the mean score or the top-box share.
    date : str
        Date column.
    split : date, optional
        First date after a change: one comparison, before vs from ``split`` on.
        Default: each period (``freq``) against the previous one.
    freq : {"D", "W", "M", "Q", "Y"}
    by : str, optional
        Store / channel column: the comparisons within each group.
    scale : (float, float), optional
        Scale end points (default 0–10 for NPS, else 1–5).
    top_box : float, optional
        Threshold for ``metric="top_box"`` (default: the top two points).
    p_adjust : str or None
        Correction across the comparisons (statsmodels ``multipletests``).
    confidence_level : float

    Returns
    -------
    ScoreChangeResult

    See Also
    --------
    nps, csat, ces : the scores per period.

    Notes
    -----
    NPS: ``z = (NPS₂ − NPS₁)/√(Var₁ + Var₂)`` with the multinomial variances of
    :func:`nps` (independent samples), Wald interval. Mean: Welch's t-test (R
    ``t.test(x2, x1)``). Top box: chi-square test with continuity correction (R
    ``prop.test(c(k2, k1), c(n2, n1))``).

    Examples
    --------
    >>> import servqual as sq
    >>> feedback = sq.operations.load_records("feedback")
    >>> res = sq.operations.score_change(feedback, "recommend", metric="nps",
    ...                                  split="2024-01-01")
    >>> res.to_frame()[["n_1", "n_2"]].shape
    (1, 2)
    """
    check_choice(metric, "metric", ["nps", "mean", "top_box"])
    if by is not None and not isinstance(by, str):
        raise DataError("score_change takes one segment column in by= (a string).")
    if not isinstance(data, pd.DataFrame):
        raise DataError("score_change needs a DataFrame of records with a date column.")
    check_choice(p_adjust, "p_adjust", _PADJ)
    conf = check_confidence(confidence_level)
    if scale is None:
        scale = (0, 10) if metric == "nps" else (1, 5)
    low, high = float(scale[0]), float(scale[1])
    top = high - 1 if top_box is None else float(top_box)
    v, _names, keys = _prepare(data, column, low, high, by, date, freq, whole=metric == "nps")
    dates = keys["_date"]
    groups = [("all", np.ones(len(v), dtype=bool))]
    if by is not None:
        groups = [(g, (keys[by] == g).to_numpy()) for g in sorted(keys[by].unique())]
    rows = []
    for gname, gmask in groups:
        x = v.to_numpy()[gmask]
        if split is not None:
            cut = _timestamp(split, "split")
            after = dates.to_numpy()[gmask] >= cut
            pairs = [(f"before {cut.date()}", f"from {cut.date()}", x[~after], x[after])]
        else:
            per = keys["period"].to_numpy()[gmask]
            uniq = np.sort(np.unique(per))
            if len(uniq) < 2:
                raise InsufficientDataError("Need at least 2 periods to compare.")
            pairs = [
                (
                    pd.Timestamp(uniq[i - 1]),
                    pd.Timestamp(uniq[i]),
                    x[per == uniq[i - 1]],
                    x[per == uniq[i]],
                )
                for i in range(1, len(uniq))
            ]
        for p1, p2, a, b in pairs:
            row = {"period_1": p1, "period_2": p2, "n_1": len(a), "n_2": len(b)}
            if by is not None:
                row = {by: gname, **row}
            try:
                row.update(_change(metric, a, b, conf, top))
            except InsufficientDataError as exc:
                where = f"{by}={gname}, " if by is not None else ""
                raise InsufficientDataError(f"{where}{p1} vs {p2}: {exc}") from None
            rows.append(row)
    table = pd.DataFrame(rows)
    if p_adjust is None:
        table["p_adj"] = table["p_unc"]
    else:
        table["p_adj"] = _adjusted(table["p_unc"].to_numpy(), p_adjust)
    test = {
        "nps": "z-test of the NPS difference",
        "mean": "Welch t-test",
        "top_box": "Two-proportion chi-square test",
    }[metric]
    return ScoreChangeResult(
        _table=table,
        metric=metric,
        column=column,
        test=test,
        confidence_level=conf,
        p_adjust=p_adjust,
    )
