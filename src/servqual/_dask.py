"""Dask DataFrames summarised partition by partition and merged by a tree reduction (internal).

This module knows nothing of what a summary is: :meth:`SurveySummary.from_frame
<servqual.SurveySummary.from_frame>` hands it the function that summarises one
pandas partition and the function that merges summaries, so imports run downward
(``summary`` → ``_dask`` → ``_moments``).

Dask (``pip install 'servqual[dask]'``) is imported lazily. Each partition is
validated by :class:`~servqual.Survey` and summarised on the workers; the partition
summaries are merged pairwise (Chan, Golub & LeVeque), ``split_every`` at a time,
so only small moment arrays travel between workers. A validation error names the
global row numbers: partition offsets come from the partition lengths, computed
only when an error occurred.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._moments import merge_moments, moments
from .exceptions import (
    DataError,
    InsufficientDataError,
    MissingColumnError,
    NonNumericError,
    ServqualError,
)

__all__ = ["frame_moments", "is_dask_frame", "summarize_partitions"]

#: summarises one pandas partition (raising a ServqualError on invalid data)
Build = Callable[[pd.DataFrame], Any]
#: merges a sequence of partition summaries into one
MergeAll = Callable[[Sequence[Any]], Any]


def _require_dask() -> Any:
    try:
        import dask
        import dask.dataframe
    except ImportError:
        raise ServqualError(
            "Dask support needs dask[dataframe] and distributed: pip install 'servqual[dask]'."
        ) from None
    return dask


def is_dask_frame(obj: Any) -> bool:
    """Whether ``obj`` is a Dask DataFrame (checked without importing dask)."""
    return type(obj).__module__.startswith("dask") and hasattr(obj, "npartitions")


@dataclass(frozen=True)
class _Failure:
    partition: int


def _partition_summary(
    part: pd.DataFrame, k: int, offset: int | None, build: Build, raise_errors: bool
) -> Any:
    if offset is not None:
        part = part.set_axis(pd.RangeIndex(offset, offset + len(part)))
    try:
        return build(part)
    except ServqualError:
        if raise_errors:
            raise
        return _Failure(k)


def _partition_task(
    part: pd.DataFrame,
    offset: int | None,
    build: Build,
    raise_errors: bool,
    partition_info: dict[str, Any] | None = None,
) -> pd.Series:
    k = -1 if partition_info is None else int(partition_info["number"])
    res = _partition_summary(part, k, offset, build, raise_errors)
    return pd.Series([res], dtype=object)


def _unwrap(s: pd.Series) -> Any:
    return s.iloc[0]


def _merge(merge_all: MergeAll, *items: Any) -> Any:
    failures = [x for x in items if isinstance(x, _Failure)]
    if failures:
        return min(failures, key=lambda f: f.partition)
    return merge_all(items)


def _tree(dask: Any, nodes: list[Any], split_every: int, merge_all: MergeAll) -> Any:
    merge = dask.delayed(_merge, pure=True)
    while len(nodes) > 1:
        nodes = [
            merge(merge_all, *nodes[k : k + split_every])
            if len(nodes[k : k + split_every]) > 1
            else nodes[k]
            for k in range(0, len(nodes), split_every)
        ]
    return nodes[0]


def summarize_partitions(
    ddf: Any, build: Build, merge_all: MergeAll, *, split_every: int = 8
) -> Any:
    """``merge_all`` of ``build(partition)`` over the partitions of a Dask DataFrame.

    ``build`` runs on the workers, fused with the reader (``read_csv``,
    ``read_parquet``), so each task reads a partition and returns only its small
    summary; the summaries are merged ``split_every`` at a time by a tree
    reduction. On a validation error (a :class:`ServqualError` from ``build``)
    the failing partition is recomputed with the global offset of its rows, so
    the error names rows by their 0-based position in ``ddf`` (or by index label
    when the frame has known divisions).
    """
    dask = _require_dask()
    if not is_dask_frame(ddf):
        raise DataError(f"Expected a dask DataFrame, got {type(ddf).__name__}.")
    if not isinstance(split_every, int) or isinstance(split_every, bool) or split_every < 2:
        raise DataError(f"split_every must be an integer of at least 2; got {split_every!r}.")
    use_labels = bool(ddf.known_divisions)
    offset0 = None if use_labels else 0
    summaries = ddf.map_partitions(
        _partition_task,
        offset0,
        build,
        use_labels,
        meta=pd.Series([], dtype=object),
        enforce_metadata=False,
        align_dataframes=False,
    )
    nodes = [dask.delayed(_unwrap, pure=True)(d) for d in summaries.to_delayed()]
    (result,) = dask.compute(_tree(dask, nodes, split_every, merge_all))
    if isinstance(result, _Failure):
        k = result.partition
        lengths = ddf.map_partitions(len).compute().to_numpy()
        offset = int(np.sum(lengths[:k]))
        part = ddf.get_partition(k).compute()
        _partition_summary(part, k, offset, build, True)
        raise ServqualError(  # pragma: no cover - the line above raises
            f"Partition {k} failed validation but not when recomputed."
        )
    return result


def _frame_part_moments(part: pd.DataFrame) -> tuple[int, np.ndarray, np.ndarray, int]:
    x = part.to_numpy(dtype=np.float64, na_value=np.nan)
    ok = ~np.isnan(x).any(axis=1)
    n, mean, m2 = moments(x[ok])
    return n, mean, m2, int((~ok).sum())


def _frame_merge(*items: tuple[int, np.ndarray, np.ndarray, int]) -> tuple[Any, ...]:
    acc = items[0][:3]
    dropped = items[0][3]
    for it in items[1:]:
        acc = merge_moments(acc, it[:3])
        dropped += it[3]
    return (*acc, dropped)


def frame_moments(
    ddf: Any, columns: list[str] | None = None, *, split_every: int = 8
) -> tuple[pd.DataFrame, int, int]:
    """Listwise covariance matrix of numeric columns of a Dask (or pandas) DataFrame.

    Returns ``(covariance, n_obs, n_dropped)``: the ``n − 1`` covariance of the
    complete rows, for statistics that accept a covariance matrix with ``n_obs=``
    (alpha, KMO, EFA). Partition moments are merged by a tree reduction.
    """
    cols = list(ddf.columns) if columns is None else list(columns)
    missing = [c for c in cols if c not in ddf.columns]
    if missing:
        raise MissingColumnError(f"Column(s) {missing} are not in the frame.")
    bad = [c for c in cols if not pd.api.types.is_numeric_dtype(ddf[c].dtype)]
    if bad:
        raise NonNumericError(f"Column(s) {bad} are not numeric; recode them to numbers.")
    if is_dask_frame(ddf):
        dask = _require_dask()
        nodes = [dask.delayed(_frame_part_moments)(p) for p in ddf[cols].to_delayed()]
        merge = dask.delayed(_frame_merge, pure=True)
        while len(nodes) > 1:
            nodes = [
                merge(*nodes[k : k + split_every])
                if len(nodes[k : k + split_every]) > 1
                else nodes[k]
                for k in range(0, len(nodes), split_every)
            ]
        (res,) = dask.compute(nodes[0])
    else:
        res = _frame_part_moments(ddf[cols])
    n, _mean, m2, dropped = res
    if n < 2:
        raise InsufficientDataError(f"A covariance needs at least 2 complete rows; found {n}.")
    cov = m2 / (n - 1)
    return pd.DataFrame((cov + cov.T) / 2.0, index=cols, columns=cols), int(n), int(dropped)
