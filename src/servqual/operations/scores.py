"""Customer scores from feedback records: review ratings, CSAT, NPS and CES.

Each score is summarised per store/channel (``by``) and per period (``date`` +
``freq``) with confidence intervals; :func:`servqual.operations.score_change` tests
the change between periods (independent samples).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from .._results import TableResult, result_class
from .._stats import t_interval, wilson_interval
from .._validation import check_confidence, fmt_list
from ..exceptions import DataError, ServqualWarning
from . import _checks

__all__ = [
    "NpsResult",
    "RatingsResult",
    "ScoreResult",
    "ces",
    "csat",
    "nps",
    "ratings",
]

Freq = Literal["D", "W", "M", "Q", "Y"]


def _prepare(
    data: Any,
    column: str | None,
    low: float,
    high: float,
    by: str | Sequence[str] | None,
    date: str | None,
    freq: str,
    whole: bool = False,
) -> tuple[pd.Series, list[str], pd.DataFrame]:
    """Ratings (NaN dropped), grouping key names and the key columns (same index)."""
    if isinstance(data, pd.DataFrame):
        df = _checks.frame(data)
        if column is None:
            raise DataError("Name the score column with column= (e.g. column='csat').")
    elif isinstance(data, pd.Series | np.ndarray | list | tuple):
        if by is not None or date is not None:
            raise DataError("by= and date= need a DataFrame with those columns.")
        s = pd.Series(np.asarray(data)) if not isinstance(data, pd.Series) else data
        column = column or (str(s.name) if s.name is not None else "score")
        df = pd.DataFrame({column: s.to_numpy()}, index=s.index)
    else:
        raise DataError(
            f"data must be a DataFrame (with column=) or an array of scores, got "
            f"{type(data).__name__}."
        )
    byl = _checks.as_list(by)
    _checks.columns(df, [column, date, *byl], "the score summary")
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise DataError(f"scale must be (low, high) with low < high, got ({low}, {high}).")
    v = _checks.ratings(df[column], column, low, high)
    if whole:
        bad = v.notna() & (v != np.round(v))
        if bad.any():
            raise DataError(
                f"Column {column!r} has {int(bad.sum())} value(s) that are not whole scale "
                f"points: rows {fmt_list(v.index[bad.to_numpy()])} (values "
                f"{fmt_list(v[bad].tolist())})."
            )
    keys = pd.DataFrame(index=df.index)
    for b in byl:
        if df[b].isna().any():
            raise DataError(f"Column {b!r} is missing at rows {fmt_list(df.index[df[b].isna()])}.")
        keys[b] = df[b].to_numpy()
    names = list(byl)
    if date is not None:
        when = _checks.parse_dates(df[date], date)
        keys["period"] = _checks.to_period(when, freq).to_numpy()
        keys["_date"] = when.to_numpy()
        names.append("period")
    ok = v.notna().to_numpy()
    _checks.need(int(ok.sum()), 2, f"Summarising {column!r}")
    return v[ok], names, keys[ok]


def _grouped(v: pd.Series, names: list[str], keys: pd.DataFrame):
    if not names:
        yield "all", v.to_numpy()
        return
    gb = keys.groupby(names if len(names) > 1 else names[0], sort=True, observed=True)
    values = v.to_numpy()
    for key, pos in gb.indices.items():
        yield key, values[pos]


def _index(keys_list: list[Any], names: list[str]) -> pd.Index:
    if not names:
        return pd.Index(keys_list, name="group")
    if len(names) == 1:
        return pd.Index([k[0] if isinstance(k, tuple) else k for k in keys_list], name=names[0])
    return pd.MultiIndex.from_tuples(keys_list, names=names)


def _group_table(
    v: pd.Series, names: list[str], keys: pd.DataFrame, row: Callable[[np.ndarray], dict]
) -> pd.DataFrame:
    """One row ``row(x)`` per group of ``v`` (or one "all" row), indexed by the group keys."""
    rows, labels = [], []
    for key, x in _grouped(v, names, keys):
        rows.append(row(x))
        labels.append(key)
    return pd.DataFrame(rows, index=_index(labels, names))


def _moments(x: np.ndarray, conf: float) -> dict[str, float]:
    n = len(x)
    mean = float(x.mean())
    sd = float(x.std(ddof=1)) if n > 1 else np.nan
    se = sd / np.sqrt(n)
    lo, hi = t_interval(np.array(mean), np.array(se), np.array(n), conf)
    return {"n": n, "mean": mean, "sd": sd, "se": se, "ci_low": float(lo), "ci_high": float(hi)}


def _warn_small(table: pd.DataFrame) -> None:
    small = table.index[table["n"].to_numpy() < 2]
    if len(small):
        warnings.warn(
            f"Row(s) {fmt_list(list(small))} have fewer than 2 answers: their sd and mean "
            "interval are NaN. Use longer periods (freq=) or fewer segments.",
            ServqualWarning,
            stacklevel=3,
        )


def _share(hit: np.ndarray, prefix: str, conf: float) -> dict[str, float]:
    k, n = float(hit.sum()), float(len(hit))
    lo, hi = wilson_interval(np.array(k), np.array(n), conf)
    return {prefix: k / n, f"{prefix}_ci_low": float(lo), f"{prefix}_ci_high": float(hi)}


def _trend(
    v: pd.Series, keys: pd.DataFrame, freq: str, conf: float
) -> tuple[float | None, float | None, float | None, float | None]:
    if "period" not in keys:
        return None, None, None, None
    p = pd.PeriodIndex(keys["period"], freq=_checks.FREQS[freq])
    t = (p.asi8 - p.asi8.min()).astype(np.float64)  # period ordinals: 0, 1, 2, ...
    if np.ptp(t) == 0 or len(t) < 3:
        return None, None, None, None
    res = stats.linregress(t, v.to_numpy())
    q = stats.t.ppf(0.5 + conf / 2, len(t) - 2)
    return (
        float(res.slope),
        float(res.slope - q * res.stderr),
        float(res.slope + q * res.stderr),
        float(res.pvalue),
    )


# ---------------------------------------------------------------- ratings


@result_class
class RatingsResult(TableResult):
    """Star-rating distribution, mean with t-CI, top- and bottom-box shares.

    Table (one row per group/period): ``n``, ``mean``, ``sd``, ``se``, ``ci_low``,
    ``ci_high``, ``top_box`` (+ Wilson ``top_box_ci_low``/``_ci_high``),
    ``bottom_box`` (+ CI), and ``n_<k>`` the count of each scale point *k*.
    """

    column: str
    low: int
    high: int
    top_box: int
    bottom_box: int
    by: tuple[str, ...]
    freq: str | None
    confidence_level: float
    n: int
    mean: float
    trend_slope: float | None
    trend_ci_low: float | None
    trend_ci_high: float | None
    trend_p_value: float | None

    _plot_function = "plot_ratings"

    @property
    def header(self) -> str:
        tr = ""
        if self.trend_slope is not None:
            tr = f" · trend {self.trend_slope:+.3f} per period (p={self.trend_p_value:.3g})"
        return (
            f"Ratings {self.column!r} ({self.low}–{self.high}) · n={self.n} · mean "
            f"{self.mean:.3f} · top box ≥{self.top_box}, bottom box ≤{self.bottom_box}{tr}"
        )


def ratings(
    data: Any,
    column: str | None = None,
    *,
    scale: tuple[int, int] = (1, 5),
    by: str | Sequence[str] | None = None,
    date: str | None = None,
    freq: Freq = "M",
    top_box: int | None = None,
    bottom_box: int | None = None,
    confidence_level: float = 0.95,
) -> RatingsResult:
    """Summarise review ratings: distribution, mean, top/bottom box, trend.

    Parameters
    ----------
    data : DataFrame or array-like
        Feedback records (one row per review) or the ratings themselves.
    column : str, optional
        Rating column of ``data``.
    scale : (int, int)
        Lowest and highest scale point (1–5 stars).
    by : str or list of str, optional
        Store / channel columns.
    date : str, optional
        Date column; adds one row per period and the linear trend.
    freq : {"D", "W", "M", "Q", "Y"}
    top_box, bottom_box : int, optional
        Ratings at or above ``top_box`` (default: the top point) and at or below
        ``bottom_box`` (default: the bottom point).
    confidence_level : float

    Returns
    -------
    RatingsResult
        Per-row table and the overall mean; with ``date``, ``trend_slope`` (change
        of the mean rating per period) with its t interval (``trend_ci_low``,
        ``trend_ci_high``) and ``trend_p_value``.

    Raises
    ------
    ScaleRangeError
        Ratings outside the scale. ``DataError``: ratings that are not whole points.

    See Also
    --------
    servqual.plotting.plot_ratings : distribution bars.
    score_change : test a change between periods.

    Notes
    -----
    Mean ± ``t_{n−1}·s/√n`` (R ``t.test(x)$conf.int``); shares with the Wilson
    interval (R ``prop.test(k, n, correct = FALSE)$conf.int``); trend: least
    squares slope of the individual ratings on the period number (R
    ``lm(rating ~ period)``). Missing ratings are left out.

    Examples
    --------
    >>> import servqual as sq
    >>> feedback = sq.operations.load_records("feedback")
    >>> res = sq.operations.ratings(feedback, "stars")
    >>> res.to_frame()[["n_1", "n_5"]].columns.tolist()
    ['n_1', 'n_5']
    """
    conf = check_confidence(confidence_level)
    low, high = int(scale[0]), int(scale[1])
    top = high if top_box is None else int(top_box)
    bottom = low if bottom_box is None else int(bottom_box)
    if not (low <= bottom < top <= high):
        raise DataError(
            f"Need low ≤ bottom_box < top_box ≤ high, got {low}, {bottom}, {top}, {high}."
        )
    v, names, keys = _prepare(data, column, low, high, by, date, freq, whole=True)
    col = str(v.name)
    points = np.arange(low, high + 1)

    def one(x: np.ndarray) -> dict:
        row = _moments(x, conf)
        row.update(_share(x >= top, "top_box", conf))
        row.update(_share(x <= bottom, "bottom_box", conf))
        for k, c in zip(points, (x[:, None] == points).sum(axis=0), strict=True):
            row[f"n_{k}"] = int(c)
        return row

    table = _group_table(v, names, keys, one)
    _warn_small(table)
    slope, lo, hi, p = _trend(v, keys, freq, conf)
    return RatingsResult(
        _table=table,
        column=col,
        low=low,
        high=high,
        top_box=top,
        bottom_box=bottom,
        by=tuple(_checks.as_list(by)),
        freq=freq if date is not None else None,
        confidence_level=conf,
        n=len(v),
        mean=float(v.mean()),
        trend_slope=slope,
        trend_ci_low=lo,
        trend_ci_high=hi,
        trend_p_value=p,
    )


# ---------------------------------------------------------------- CSAT / CES


@result_class
class ScoreResult(TableResult):
    """Mean score with t-CI and top-box share with Wilson CI (CSAT, CES).

    Table: ``n``, ``mean``, ``sd``, ``se``, ``ci_low``, ``ci_high``, ``top_box``,
    ``top_box_ci_low``, ``top_box_ci_high``; one row per group/period.
    """

    metric: str
    column: str
    low: float
    high: float
    top_box: float
    by: tuple[str, ...]
    freq: str | None
    confidence_level: float
    n: int
    mean: float
    top_box_share: float

    _plot_function = "plot_score"

    @property
    def header(self) -> str:
        return (
            f"{self.metric} {self.column!r} ({self.low:g}–{self.high:g}) · n={self.n} · mean "
            f"{self.mean:.3f} · top box (≥{self.top_box:g}) {self.top_box_share:.3f} · "
            f"{self.confidence_level:.0%} CI"
        )


def _score(
    metric: str,
    data: Any,
    column: str | None,
    scale: tuple[float, float],
    top_box: float | None,
    by: Any,
    date: str | None,
    freq: str,
    conf: float,
) -> ScoreResult:
    try:
        low, high = float(scale[0]), float(scale[1])
    except (TypeError, ValueError, IndexError):
        raise DataError(f"scale must be (low, high), e.g. (1, 5); got {scale!r}.") from None
    if not low < high:
        raise DataError(f"scale must be (low, high) with low < high, e.g. (1, 5); got {scale!r}.")
    top = (high - 1 if metric == "CSAT" else high - 2) if top_box is None else float(top_box)
    if not low < top <= high:
        raise DataError(f"top_box must lie in ({low:g}, {high:g}], got {top:g}.")
    v, names, keys = _prepare(data, column, low, high, by, date, freq)
    table = _group_table(
        v, names, keys, lambda x: _moments(x, conf) | _share(x >= top, "top_box", conf)
    )
    _warn_small(table)
    return ScoreResult(
        _table=table,
        metric=metric,
        column=str(v.name),
        low=low,
        high=high,
        top_box=top,
        by=tuple(_checks.as_list(by)),
        freq=freq if date is not None else None,
        confidence_level=conf,
        n=len(v),
        mean=float(v.mean()),
        top_box_share=float((v >= top).mean()),
    )


def csat(
    data: Any,
    column: str | None = None,
    *,
    scale: tuple[float, float] = (1, 5),
    top_box: float | None = None,
    by: str | Sequence[str] | None = None,
    date: str | None = None,
    freq: Freq = "M",
    confidence_level: float = 0.95,
) -> ScoreResult:
    """Customer satisfaction (CSAT): mean with t-CI and top-box share.

    Parameters
    ----------
    data : DataFrame or array-like
        Feedback records or the scores.
    column : str, optional
        CSAT column of ``data``.
    scale : (float, float)
        Scale end points (1–5).
    top_box : float, optional
        Scores at or above it count as satisfied (default: the top two points,
        4–5 on 1–5).
    by, date, freq
        Store / channel columns, date column and period length.
    confidence_level : float

    Returns
    -------
    ScoreResult

    See Also
    --------
    ces, nps : the other customer scores.
    score_change : test a change between periods.

    Notes
    -----
    Mean ± ``t_{n−1}·s/√n`` (R ``t.test(x)$conf.int``); top-box share with the
    Wilson interval (R ``prop.test(k, n, correct = FALSE)$conf.int``). Missing
    scores are left out.

    Examples
    --------
    >>> import servqual as sq
    >>> feedback = sq.operations.load_records("feedback")
    >>> res = sq.operations.csat(feedback, "csat", by="store")
    >>> res.to_frame().index.tolist()
    ['centre', 'north', 'south']
    """
    conf = check_confidence(confidence_level)
    return _score("CSAT", data, column, scale, top_box, by, date, freq, conf)


def ces(
    data: Any,
    column: str | None = None,
    *,
    scale: tuple[float, float] = (1, 7),
    top_box: float | None = None,
    by: str | Sequence[str] | None = None,
    date: str | None = None,
    freq: Freq = "M",
    confidence_level: float = 0.95,
) -> ScoreResult:
    """Customer effort score (CES): mean with t-CI and share of low-effort answers.

    Same as :func:`csat` on the CES 2.0 agreement scale (1–7, "the company made
    it easy to handle my issue"; higher = less effort). ``top_box`` defaults to
    the top three points (5–7).

    Examples
    --------
    >>> import servqual as sq
    >>> feedback = sq.operations.load_records("feedback")
    >>> res = sq.operations.ces(feedback, "effort")
    >>> 1 <= res.mean <= 7
    True
    """
    conf = check_confidence(confidence_level)
    return _score("CES", data, column, scale, top_box, by, date, freq, conf)


# ---------------------------------------------------------------- NPS


@result_class
class NpsResult(TableResult):
    """Net Promoter Score with a confidence interval.

    Table: ``n``, ``promoters``, ``passives``, ``detractors`` (shares),
    ``nps`` (points, −100 to 100), ``se``, ``ci_low``, ``ci_high`` (points); one
    row per group/period.
    """

    column: str
    by: tuple[str, ...]
    freq: str | None
    confidence_level: float
    n: int
    nps: float
    ci_low: float
    ci_high: float

    _plot_function = "plot_nps"

    @property
    def header(self) -> str:
        return (
            f"NPS {self.column!r} · n={self.n} · NPS {self.nps:.1f} "
            f"[{self.ci_low:.1f}, {self.ci_high:.1f}] ({self.confidence_level:.0%} Wald CI)"
        )


def _nps_row(x: np.ndarray, z: float) -> dict[str, float]:
    n = len(x)
    pp, pd_ = float((x >= 9).mean()), float((x <= 6).mean())
    score = pp - pd_
    se = np.sqrt(max(pp + pd_ - score**2, 0.0) / n)
    return {
        "n": n,
        "promoters": pp,
        "passives": 1 - pp - pd_,
        "detractors": pd_,
        "nps": 100 * score,
        "se": 100 * se,
        "ci_low": 100 * (score - z * se),
        "ci_high": 100 * (score + z * se),
    }


def nps(
    data: Any,
    column: str | None = None,
    *,
    by: str | Sequence[str] | None = None,
    date: str | None = None,
    freq: Freq = "M",
    confidence_level: float = 0.95,
) -> NpsResult:
    """Net Promoter Score: share of promoters (9–10) minus share of detractors (0–6).

    Parameters
    ----------
    data : DataFrame or array-like
        Feedback records or the 0–10 likelihood-to-recommend answers.
    column : str, optional
        Recommendation column of ``data``.
    by, date, freq
        Store / channel columns, date column and period length.
    confidence_level : float

    Returns
    -------
    NpsResult
        ``nps`` and its interval in points (−100 to 100).

    Raises
    ------
    ScaleRangeError
        Answers outside 0–10. ``DataError``: answers that are not whole numbers.

    See Also
    --------
    score_change : test the NPS change between periods.
    servqual.plotting.plot_nps : NPS over time with its band.

    Notes
    -----
    With promoter and detractor shares ``p_P``, ``p_D`` of one multinomial sample,
    ``NPS = p_P − p_D`` and ``Var = (p_P + p_D − (p_P − p_D)²)/n`` (the variance of
    the difference of two dependent multinomial proportions); the interval is
    ``NPS ± z·√Var`` (Wald), scaled by 100. Missing answers are left out.

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. Harvard Business
    Review, 81(12), 46-54.

    Examples
    --------
    >>> import servqual as sq
    >>> feedback = sq.operations.load_records("feedback")
    >>> res = sq.operations.nps(feedback, "recommend", date="date", freq="Q")
    >>> len(res.to_frame())
    8
    """
    conf = check_confidence(confidence_level)
    v, names, keys = _prepare(data, column, 0, 10, by, date, freq, whole=True)
    z = float(stats.norm.ppf(0.5 + conf / 2))
    total = _nps_row(v.to_numpy(), z)
    return NpsResult(
        _table=_group_table(v, names, keys, lambda x: _nps_row(x, z)),
        column=str(v.name),
        by=tuple(_checks.as_list(by)),
        freq=freq if date is not None else None,
        confidence_level=conf,
        n=len(v),
        nps=total["nps"],
        ci_low=total["ci_low"],
        ci_high=total["ci_high"],
    )
