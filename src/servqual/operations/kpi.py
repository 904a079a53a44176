"""KPI series from operational records: counts and rates per period and type.

A firm's own records (complaints, claims, returns; orders or visits as exposure)
become one tidy table with a row per period × store/channel × type, the input of
the control charts and rate tests in :mod:`servqual.operations`.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from .._results import TableResult, result_class
from .._validation import check_choice, check_confidence
from ..exceptions import DataError, InsufficientDataError
from . import _checks

__all__ = ["KpiResult", "kpi_series", "list_records", "load_records"]

Freq = Literal["D", "W", "M", "Q", "Y"]

#: Bundled operational records (synthetic; see tools/make_operations_example.py).
RECORDS: dict[str, dict[str, Any]] = {
    "counts": {
        "file": "operations_counts.csv",
        "dates": ["month"],
        "description": (
            "Monthly complaints and returns with orders as exposure, 24 months x 3 stores "
            "(2023-01 to 2024-12); a complaint-handling change from 2024-01 lowers the "
            "complaint rate by about 30%."
        ),
    },
    "cases": {
        "file": "operations_cases.csv",
        "dates": ["received"],
        "description": (
            "Individual complaint cases: date received, store, channel and days to the "
            "answer (care standard: answered within 7 days)."
        ),
    },
    "feedback": {
        "file": "operations_feedback.csv",
        "dates": ["date"],
        "description": (
            "Customer feedback records: review stars (1-5), CSAT (1-5), likelihood to "
            "recommend (0-10, NPS), customer effort (1-7), willingness to pay more "
            "(yes/no) and the premium in percent, by store and channel."
        ),
    },
}


def list_records() -> pd.DataFrame:
    """The bundled operational record sets with their descriptions.

    Examples
    --------
    >>> import servqual as sq
    >>> sq.operations.list_records().index.tolist()
    ['counts', 'cases', 'feedback']
    """
    return pd.DataFrame(
        {k: {"file": v["file"], "description": v["description"]} for k, v in RECORDS.items()}
    ).T


def load_records(name: str = "counts") -> pd.DataFrame:
    """Load a bundled set of synthetic operational records.

    Parameters
    ----------
    name : {"counts", "cases", "feedback"}
        ``"counts"``: columns month, store, type (complaint / return), count, orders.
        ``"cases"``: case, received, store, channel, response_days.
        ``"feedback"``: date, store, channel, stars, csat, recommend, effort,
        pay_more, premium.

    Returns
    -------
    pandas.DataFrame
        A new frame with the date column parsed.

    Examples
    --------
    >>> import servqual as sq
    >>> counts = sq.operations.load_records("counts")
    >>> counts.shape
    (144, 5)
    """
    check_choice(name, "name", list(RECORDS))
    meta = RECORDS[name]
    ref = resources.files("servqual.datasets").joinpath("data", meta["file"])
    with resources.as_file(ref) as path:
        return pd.read_csv(path, parse_dates=meta["dates"])


@result_class
class KpiResult(TableResult):
    """Counts and rates per period (and store/channel) and type.

    Table columns: ``period`` (start of the period), the ``by`` columns, ``type``,
    ``count``, and with exposure ``exposure``, ``rate`` (per ``per`` units of
    exposure), ``ci_low``, ``ci_high`` (exact Poisson interval of the rate).
    """

    freq: str
    by: tuple[str, ...]
    types: tuple[str, ...]
    has_exposure: bool
    per: float
    confidence_level: float
    n_periods: int

    _plot_function = "plot_kpi"

    @property
    def header(self) -> str:
        seg = f" · by {', '.join(self.by)}" if self.by else ""
        rate = f" · rate per {self.per:g}" if self.has_exposure else ""
        return (
            f"KPI series · freq={self.freq} · {self.n_periods} periods · "
            f"types {', '.join(self.types)}{seg}{rate}"
        )


def poisson_rate_ci(
    x: np.ndarray, t: np.ndarray, confidence_level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval of a Poisson rate ``x/t``, as R ``poisson.test(x, t)$conf.int``."""
    a = 1 - confidence_level
    x = np.asarray(x, dtype=np.float64)
    lo = np.where(x > 0, stats.gamma.ppf(a / 2, np.maximum(x, 1e-300)), 0.0)
    hi = stats.gamma.ppf(1 - a / 2, x + 1)
    return lo / t, hi / t


def kpi_series(
    records: pd.DataFrame,
    *,
    date: str = "date",
    type: str | None = "type",
    by: str | Sequence[str] | None = None,
    count: str | None = None,
    exposure: str | pd.DataFrame | None = None,
    freq: Freq = "M",
    per: float = 1.0,
    confidence_level: float = 0.95,
) -> KpiResult:
    """Counts and rates per period, type and store/channel from a tidy frame.

    Parameters
    ----------
    records : pandas.DataFrame
        One row per event (``count=None``) or one row per date × type (× store)
        with a count column.
    date : str
        Column with the date of the event or of the count (parsed with pandas).
    type : str or None
        Column with the kind of record (complaint, claim, return...); None when
        all rows are one kind (the type is then ``"all"``).
    by : str or list of str, optional
        Store / channel columns; one series per combination.
    count : str, optional
        Column with the number of events in the row; default: each row is one event.
    exposure : str or DataFrame, optional
        Orders, visits or cases the counts refer to. A column name of ``records``
        (summed per period × group × type; the rows of a count table), or a
        separate frame with the ``date`` and ``by`` columns and a column
        ``exposure`` (summed per period × group; shared by all types).
    freq : {"D", "W", "M", "Q", "Y"}
        Period length (day, week, month, quarter, year).
    per : float
        Rates are events per ``per`` units of exposure (e.g. 1000 orders).
    confidence_level : float
        Level of the exact Poisson interval of each rate.

    Returns
    -------
    KpiResult
        Columns period, by columns, type, count (+ exposure, rate, ci_low, ci_high).
        Periods without any record of a type get a count of 0 (except with an
        exposure column, where only the rows present are used).

    Raises
    ------
    MissingColumnError
        A named column is not in the frame.
    DataError
        Unparseable or missing dates, negative or fractional counts, exposure of
        zero or less.

    See Also
    --------
    control_chart : c/u-charts of one series.
    period_changes, before_after : exact rate tests between periods.

    Notes
    -----
    The rate interval is the exact (Garwood) interval
    ``[χ²_{α/2}(2x)/2, χ²_{1-α/2}(2x+2)/2] / t`` of R ``poisson.test(x, t)``.

    Examples
    --------
    >>> import servqual as sq
    >>> counts = sq.operations.load_records("counts")
    >>> kpi = sq.operations.kpi_series(counts, date="month", by="store", count="count",
    ...                                exposure="orders", per=1000)
    >>> kpi.to_frame().columns.tolist()
    ['period', 'store', 'type', 'count', 'exposure', 'rate', 'ci_low', 'ci_high']
    """
    df = _checks.frame(records)
    byl = _checks.as_list(by)
    exp_col = exposure if isinstance(exposure, str) else None
    _checks.columns(df, [date, type, count, exp_col, *byl], "the KPI series")
    if len(df) == 0:
        raise InsufficientDataError(
            "The KPI series has no records (0 rows): there is no period to count in."
        )
    conf = check_confidence(confidence_level)
    if not (isinstance(per, int | float) and per > 0):
        raise DataError(f"per must be a positive number, got {per!r}.")
    period = _checks.to_period(_checks.parse_dates(df[date], date), freq)
    work = pd.DataFrame({"period": period.to_numpy()}, index=df.index)
    for b in byl:
        if df[b].isna().any():
            rows = df.index[df[b].isna().to_numpy()]
            raise DataError(f"Column {b!r} is missing at rows {_checks.fmt_list(rows)}.")
        work[b] = df[b].to_numpy()
    if type is None:
        work["type"] = "all"
    else:
        if df[type].isna().any():
            rows = df.index[df[type].isna().to_numpy()]
            raise DataError(f"Column {type!r} is missing at rows {_checks.fmt_list(rows)}.")
        work["type"] = df[type].astype(str).to_numpy()
    work["count"] = 1.0 if count is None else _checks.counts(df[count], count)
    keys = ["period", *byl, "type"]
    if exp_col is not None:
        work["exposure"] = _checks.exposure(df[exp_col], exp_col)
        out = work.groupby(keys, sort=True, observed=True)[["count", "exposure"]].sum()
        out = out.reset_index()
    else:
        agg = work.groupby(keys, sort=True, observed=True)["count"].sum()
        periods = _all_periods(work["period"], freq)
        groups = work[byl].drop_duplicates().sort_values(byl) if byl else None
        types = sorted(work["type"].unique())
        grid = pd.DataFrame({"period": periods}).merge(pd.DataFrame({"type": types}), how="cross")
        if groups is not None:
            grid = grid.merge(groups, how="cross")
        grid = grid[keys].sort_values(keys).reset_index(drop=True)
        out = grid.merge(agg.reset_index(), on=keys, how="left")
        out["count"] = out["count"].fillna(0.0)
        if isinstance(exposure, pd.DataFrame):
            out = _join_exposure(out, exposure, date, byl, freq)
    out["count"] = out["count"].astype(np.int64)
    if "exposure" in out:
        out["rate"] = out["count"] / out["exposure"] * per
        lo, hi = poisson_rate_ci(out["count"].to_numpy(), out["exposure"].to_numpy(), conf)
        out["ci_low"] = lo * per
        out["ci_high"] = hi * per
    out = out.reset_index(drop=True)
    return KpiResult(
        _table=out,
        freq=freq,
        by=tuple(byl),
        types=tuple(sorted(out["type"].unique())),
        has_exposure="exposure" in out,
        per=float(per),
        confidence_level=conf,
        n_periods=int(out["period"].nunique()),
    )


def _all_periods(period: pd.Series, freq: str) -> pd.DatetimeIndex:
    p = pd.PeriodIndex(period, freq=_checks.FREQS[freq])
    rng = pd.period_range(p.min(), p.max(), freq=_checks.FREQS[freq])
    return rng.start_time


def _join_exposure(
    out: pd.DataFrame, exposure: pd.DataFrame, date: str, byl: list[str], freq: str
) -> pd.DataFrame:
    ex = _checks.frame(exposure, "exposure")
    _checks.columns(ex, [date, "exposure", *byl], "the exposure table")
    e = pd.DataFrame({"period": _checks.to_period(_checks.parse_dates(ex[date], date), freq)})
    for b in byl:
        e[b] = ex[b].to_numpy()
    e["exposure"] = _checks.exposure(ex["exposure"], "exposure")
    e = e.groupby(["period", *byl], sort=True)["exposure"].sum().reset_index()
    merged = out.merge(e, on=["period", *byl], how="left")
    miss = merged["exposure"].isna()
    if miss.any():
        where = merged.loc[miss, ["period", *byl]].drop_duplicates()
        shown = [", ".join(str(v) for v in row) for row in where.itertuples(index=False)]
        raise DataError(
            f"The exposure table has no exposure for {len(shown)} period/group(s) with "
            f"records: {_checks.fmt_list(shown)}. Add them to the exposure table."
        )
    return merged
