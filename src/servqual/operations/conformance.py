"""Conformance to specification from records: share of cases meeting a target.

The conformance perspective applied to the firm's own records: response time to
complaints (care standard: within one week), on-time delivery, first-contact
resolution. Shares come with exact or Wilson intervals, by store/channel and by
period; a result by period feeds a p-chart (:func:`control_chart`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from .._results import TableResult, result_class
from .._stats import wilson_interval
from .._validation import check_choice, check_confidence, fmt_list
from ..exceptions import DataError
from . import _checks

__all__ = ["ConformanceResult", "conformance"]

Direction = Literal["<=", "<", ">=", ">", "=="]


@result_class
class ConformanceResult(TableResult):
    """Share of cases meeting a target, per group and period.

    Table columns: the ``by`` columns and ``period`` (when asked for), ``n``
    (cases), ``met`` (cases meeting the target), ``share``, ``ci_low``,
    ``ci_high``, and with ``target_share`` ``p_unc`` (exact binomial test).
    """

    value: str
    target: float
    direction: str
    method: str
    by: tuple[str, ...]
    freq: str | None
    confidence_level: float
    n: int
    share: float
    target_share: float | None

    _plot_function = None

    @property
    def header(self) -> str:
        seg = f" · by {', '.join(self.by)}" if self.by else ""
        per = f" · per period {self.freq}" if self.freq else ""
        return (
            f"Conformance · {self.value} {self.direction} {self.target:g} · overall share "
            f"{self.share:.3f} of {self.n}{seg}{per} · {self.confidence_level:.0%} "
            f"{self.method} CI"
        )


def _interval(
    met: np.ndarray, n: np.ndarray, conf: float, method: str
) -> tuple[np.ndarray, np.ndarray]:
    if method == "wilson":
        return wilson_interval(met, n, conf)
    a = 1 - conf
    with np.errstate(invalid="ignore", divide="ignore"):
        lo = np.where(met > 0, stats.beta.ppf(a / 2, met, n - met + 1), 0.0)
        hi = np.where(met < n, stats.beta.ppf(1 - a / 2, met + 1, n - met), 1.0)
    return lo, hi


def conformance(
    records: pd.DataFrame,
    value: str,
    target: float,
    *,
    direction: Direction = "<=",
    by: str | Sequence[str] | None = None,
    date: str | None = None,
    freq: Literal["D", "W", "M", "Q", "Y"] = "M",
    target_share: float | None = None,
    method: Literal["exact", "wilson"] = "exact",
    confidence_level: float = 0.95,
) -> ConformanceResult:
    """Share of cases whose ``value`` meets the ``target``, with intervals.

    Parameters
    ----------
    records : pandas.DataFrame
        One row per case (complaint, delivery, ticket).
    value : str
        Column with the measured quantity (days to answer, minutes late) or a
        true/false "met" column (``target=1, direction="=="``).
    target : float
        The specification (e.g. 7 days).
    direction : {"<=", "<", ">=", ">", "=="}
        A case meets the target when ``value <direction> target``.
    by : str or list of str, optional
        Store / channel columns; one row per combination.
    date : str, optional
        Date column; with it, one row per period (``freq``) within each group.
    freq : {"D", "W", "M", "Q", "Y"}
        Period length when ``date`` is given.
    target_share : float, optional
        Required share (e.g. 0.9); adds ``p_unc`` of the exact two-sided binomial
        test of the share against it.
    method : {"exact", "wilson"}
        Clopper–Pearson (R ``binom.test``) or Wilson (R ``prop.test(correct =
        FALSE)``) interval.
    confidence_level : float

    Returns
    -------
    ConformanceResult

    Raises
    ------
    DataError
        Missing values in ``value`` (cases not yet resolved: drop them or decide
        whether they meet the target), unparseable dates.

    See Also
    --------
    control_chart : p-chart of the shares by period.
    proportion_test : exact test of one share against a target.

    Examples
    --------
    >>> import servqual as sq
    >>> cases = sq.operations.load_records("cases")
    >>> res = sq.operations.conformance(cases, "response_days", 7, by="store")
    >>> res.to_frame().columns.tolist()
    ['store', 'n', 'met', 'share', 'ci_low', 'ci_high']
    """
    df = _checks.frame(records)
    byl = _checks.as_list(by)
    _checks.columns(df, [value, date, *byl], "conformance")
    check_choice(direction, "direction", ["<=", "<", ">=", ">", "=="])
    check_choice(method, "method", ["exact", "wilson"])
    conf = check_confidence(confidence_level)
    if target_share is not None and not 0 < target_share < 1:
        raise DataError(f"target_share must lie strictly between 0 and 1, got {target_share!r}.")
    try:
        target = float(target)
    except (TypeError, ValueError):
        raise DataError(f"target must be a number, got {target!r}.") from None
    v = _checks.numeric(df[value], value)
    ops = {
        "<=": np.less_equal,
        "<": np.less,
        ">=": np.greater_equal,
        ">": np.greater,
        "==": np.equal,
    }
    work = pd.DataFrame({"met": ops[direction](v, target).astype(np.int64)}, index=df.index)
    for b in byl:
        if df[b].isna().any():
            raise DataError(f"Column {b!r} is missing at rows {fmt_list(df.index[df[b].isna()])}.")
        work[b] = df[b].to_numpy()
    keys = list(byl)
    if date is not None:
        work["period"] = _checks.to_period(_checks.parse_dates(df[date], date), freq).to_numpy()
        keys.append("period")
    if keys:
        g = work.groupby(keys, sort=True, observed=True)["met"]
        table = pd.DataFrame({"n": g.size(), "met": g.sum()}).reset_index()
    else:
        table = pd.DataFrame(
            {"n": [len(work)], "met": [int(work["met"].sum())]},
            index=pd.Index(["all"], name="group"),
        )
    _checks.need(int(table["n"].sum()), 1, "conformance")
    n = table["n"].to_numpy(dtype=np.float64)
    met = table["met"].to_numpy(dtype=np.float64)
    table["share"] = met / n
    lo, hi = _interval(met, n, conf, method)
    table["ci_low"], table["ci_high"] = lo, hi
    if target_share is not None:
        table["p_unc"] = [
            stats.binomtest(int(m), int(k), target_share).pvalue
            for m, k in zip(met, n, strict=True)
        ]
    return ConformanceResult(
        _table=table,
        value=value,
        target=target,
        direction=direction,
        method="Clopper–Pearson" if method == "exact" else "Wilson",
        by=tuple(byl),
        freq=freq if date is not None else None,
        confidence_level=conf,
        n=len(work),
        share=float(work["met"].mean()),
        target_share=target_share,
    )
