"""Validation of operational records (internal).

Every function takes raw user input (a tidy frame of events, counts or scores),
returns clean numpy/pandas data and raises a :class:`~servqual.ServqualError`
subclass whose message names the column, the rows (the caller's index labels)
and the offending values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._validation import as_frame, check_choice, fmt_list, require_columns
from .._vocab import check_by
from ..exceptions import DataError, InsufficientDataError, NonNumericError, ScaleRangeError

FREQS = {"D": "D", "W": "W", "M": "M", "Q": "Q", "Y": "Y"}


def frame(data: Any, what: str = "records") -> pd.DataFrame:
    """A DataFrame view of ``data`` (never copied, never written to)."""
    if isinstance(data, pd.Series):
        return data.to_frame(name=data.name if data.name is not None else "value")
    return as_frame(data, what)


def columns(df: pd.DataFrame, needed: Sequence[str | None], context: str) -> None:
    """MissingColumnError for absent columns (None entries are skipped)."""
    wanted = [c for c in needed if c is not None]
    if not wanted:
        return
    try:
        require_columns(df, wanted, context)
    except Exception as exc:  # reword the survey-oriented hint
        msg = str(exc).split(" Pass columns=")[0]
        raise type(exc)(
            msg + " Name the right columns with the date=, type=, by=, count= or value= arguments."
        ) from None


def as_list(by: str | Sequence[str] | None) -> list[str]:
    """Column names of ``by=`` (None: no grouping); DataError for anything else."""
    if by is None:
        return []
    return list(check_by(by))


def parse_dates(s: pd.Series, name: str) -> pd.Series:
    """Datetime Series; DataError naming rows and values that cannot be parsed."""
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        out = s
    elif isinstance(s.dtype, pd.PeriodDtype):
        out = s.dt.to_timestamp()
    else:
        try:
            out = pd.to_datetime(s, errors="coerce", format="mixed")
        except (TypeError, ValueError):
            out = pd.Series(
                [pd.to_datetime(v, errors="coerce") for v in s], index=s.index, dtype="M8[ns]"
            )
        bad = (out.isna() & s.notna()).to_numpy()
        if bad.any():
            raise DataError(
                f"Column {name!r} has {int(bad.sum())} value(s) that are not dates: rows "
                f"{fmt_list(s.index[bad])} (values {fmt_list(s[bad].tolist())}). Write dates "
                "as YYYY-MM-DD or pass a datetime column."
            )
    if out.dt.tz is not None:
        out = out.dt.tz_localize(None)
    missing = out.isna()
    if missing.any():
        raise DataError(
            f"Column {name!r} has {int(missing.sum())} missing date(s): rows "
            f"{fmt_list(s.index[missing.to_numpy()])}. Drop those records or fill the dates."
        )
    return out


def to_period(dates: pd.Series, freq: str) -> pd.Series:
    """Start timestamp of the period (day, week, month, quarter, year) of each date."""
    check_choice(freq, "freq", list(FREQS))
    return dates.dt.to_period(FREQS[freq]).dt.start_time


def numeric(s: pd.Series, name: str, *, allow_nan: bool = False) -> np.ndarray:
    """Float array of a column; NonNumericError naming rows and values."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.to_numpy(dtype=np.float64)
    if pd.api.types.is_numeric_dtype(s.dtype):
        x = s.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        text = s.astype("string").str.strip()
        blank = text.isna() | (text == "")
        x = pd.to_numeric(text.mask(blank), errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        bad = np.isnan(x) & ~blank.to_numpy()
        if bad.any():
            raise NonNumericError(
                f"Column {name!r} has {int(bad.sum())} value(s) that are not numbers: rows "
                f"{fmt_list(s.index[bad])} (values {fmt_list(s[bad].tolist())})."
            )
    if np.isinf(x).any():
        bad = np.isinf(x)
        raise NonNumericError(
            f"Column {name!r} has infinite values at rows {fmt_list(s.index[bad])}."
        )
    if not allow_nan and np.isnan(x).any():
        bad = np.isnan(x)
        raise DataError(
            f"Column {name!r} has {int(bad.sum())} missing value(s): rows "
            f"{fmt_list(s.index[bad])}. Fill or drop them."
        )
    return x


def counts(x: Any, name: str, index: pd.Index | None = None) -> np.ndarray:
    """Non-negative whole-number counts; ServqualError naming rows and values."""
    s = _series(x, name, index)
    _refuse_bool(s, name, "counts")
    v = numeric(s, name)
    bad = v < 0
    if bad.any():
        raise DataError(
            f"Column {name!r} has {int(bad.sum())} negative count(s): rows "
            f"{fmt_list(s.index[bad])} (values {fmt_list(v[bad].tolist())}). Counts cannot be "
            "negative."
        )
    bad = v != np.round(v)
    if bad.any():
        raise DataError(
            f"Column {name!r} has {int(bad.sum())} count(s) that are not whole numbers: rows "
            f"{fmt_list(s.index[bad])} (values {fmt_list(v[bad].tolist())})."
        )
    return v


def exposure(x: Any, name: str, index: pd.Index | None = None) -> np.ndarray:
    """Strictly positive exposure (orders, visits, cases)."""
    s = _series(x, name, index)
    v = numeric(s, name)
    bad = v <= 0
    if bad.any():
        raise DataError(
            f"Column {name!r} has {int(bad.sum())} exposure value(s) that are zero or "
            f"negative: rows {fmt_list(s.index[bad])} (values {fmt_list(v[bad].tolist())}). "
            "A rate needs a positive number of orders/visits/cases; drop those periods."
        )
    return v


def ratings(x: Any, name: str, low: float, high: float, index: pd.Index | None = None) -> pd.Series:
    """Ratings on the ``low``–``high`` scale as a float Series (NaN = missing)."""
    s = _series(x, name, index)
    _refuse_bool(s, name, f"ratings on the {low:g}–{high:g} scale")
    v = numeric(s, name, allow_nan=True)
    with np.errstate(invalid="ignore"):
        bad = (v < low) | (v > high)
    if bad.any():
        raise ScaleRangeError(
            f"Column {name!r} has {int(bad.sum())} value(s) outside the {low:g}–{high:g} scale: "
            f"rows {fmt_list(s.index[bad])} (values {fmt_list(v[bad].tolist())}). Recode them "
            "or set scale= to the scale used."
        )
    return pd.Series(v, index=s.index, name=name)


def _refuse_bool(s: pd.Series, name: str, what: str) -> None:
    """True/False are not numbers here (an NPS of a yes/no column would be -100)."""
    if pd.api.types.is_bool_dtype(s.dtype) or (
        s.dtype == object and s.map(lambda v: isinstance(v, bool | np.bool_)).any()
    ):
        raise NonNumericError(
            f"Column {name!r} holds true/false values, not {what}; recode it to numbers."
        )


def _series(x: Any, name: str, index: pd.Index | None) -> pd.Series:
    if isinstance(x, pd.Series):
        return x
    arr = np.asarray(x)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise DataError(f"{name} must be one-dimensional, got shape {arr.shape}.")
    if index is not None and len(index) != len(arr):
        raise DataError(f"{name} has {len(arr)} values but there are {len(index)} periods.")
    return pd.Series(arr, index=index if index is not None else pd.RangeIndex(len(arr)))


def need(n: int, minimum: int, what: str) -> None:
    if n < minimum:
        raise InsufficientDataError(f"{what} needs at least {minimum} values, got {n}.")
