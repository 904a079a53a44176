"""Pick one count series (and its exposure) out of a result, a frame or arrays (internal)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._results import TableResult
from ..exceptions import DataError
from . import _checks


@dataclass(frozen=True)
class Series:
    labels: pd.Index
    x: np.ndarray
    n: np.ndarray | None
    count_name: str
    exposure_name: str | None
    description: str


_DEFAULTS = {
    "KpiResult": ("count", "exposure", "period"),
    "ConformanceResult": ("met", "n", "period"),
}


def select(
    data: Any,
    *,
    count: Any = None,
    exposure: Any = None,
    period: str | None = None,
    type: str | None = None,
    where: Mapping[str, Any] | None = None,
    use_exposure: bool = True,
) -> Series:
    """Return one series: labels, counts x, exposure n (or None).

    ``data`` is a :class:`KpiResult` / :class:`ConformanceResult`, a DataFrame with
    count (and exposure) columns, or an array-like of counts (``exposure`` then an
    array-like too).
    """
    desc: list[str] = []
    if isinstance(data, TableResult | pd.DataFrame):
        if period is not None:  # a period column the caller names must exist
            _checks.columns(
                data.to_frame() if isinstance(data, TableResult) else _checks.frame(data),
                [period],
                "the period labels",
            )
        if isinstance(data, TableResult):
            c0, e0, p0 = _DEFAULTS.get(type_name(data), ("count", "exposure", "period"))
            df = data.to_frame()
            if exposure is None and use_exposure and e0 in df:
                exposure = e0
            count = c0 if count is None else count
            period = p0 if period is None else period
        else:
            df = _checks.frame(data)
            count = "count" if count is None else count
        if not isinstance(count, str):
            raise DataError("With a table, count= must be a column name.")
        if exposure is not None and not isinstance(exposure, str):
            raise DataError("With a table, exposure= must be a column name.")
        period = period if (period is not None and period in df) else None
        _checks.columns(df, [count, exposure if use_exposure else None], "the control chart")
        if type is not None:
            _checks.columns(df, ["type"], "selecting a type")
            if type not in set(df["type"]):
                raise DataError(
                    f"type={type!r} is not in the series; types are "
                    f"{_checks.fmt_list(sorted(df['type'].unique()))}."
                )
            df = df[df["type"] == type]
            desc.append(str(type))
        elif "type" in df and df["type"].nunique() > 1:
            raise DataError(
                f"The series holds several types ({_checks.fmt_list(sorted(df['type'].unique()))}); "
                "choose one with type=."
            )
        for col, val in (where or {}).items():
            _checks.columns(df, [col], "where=")
            if val not in set(df[col]):
                raise DataError(
                    f"where: {col}={val!r} is not in the data; values are "
                    f"{_checks.fmt_list(sorted(map(str, df[col].unique())))}."
                )
            df = df[df[col] == val]
            desc.append(f"{col}={val}")
        if period is not None and df[period].duplicated().any():
            dup = df[period][df[period].duplicated()]
            raise DataError(
                f"Several rows share a period ({_checks.fmt_list(dup.astype(str).tolist())}); "
                "the series holds several stores/channels: choose one with where={...}."
            )
        labels = pd.Index(df[period]) if period is not None else df.index
        x = _checks.counts(df[count], count)
        n = _checks.exposure(df[exposure], exposure) if (exposure and use_exposure) else None
        return Series(labels, x, n, count, exposure if use_exposure else None, " · ".join(desc))
    if isinstance(data, str):
        raise DataError("data must be a table, a KPI result or an array of counts, got a string.")
    x = _checks.counts(data, "counts")
    labels = data.index if isinstance(data, pd.Series) else pd.RangeIndex(1, len(x) + 1)
    n = None
    if exposure is not None and use_exposure:
        n = _checks.exposure(
            exposure.to_numpy() if isinstance(exposure, pd.Series) else exposure,
            "exposure",
            pd.RangeIndex(len(x)),
        )
    return Series(pd.Index(labels), x, n, "count", "exposure" if n is not None else None, "")


def type_name(obj: Any) -> str:
    return type(obj).__name__
