"""Sample statistics: complete cases of the observed model variables and their
covariance matrix with divisor N (lavaan's ``likelihood = "normal"``)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._validation import check_choice, fmt_list, numeric_matrix
from ..exceptions import DataError, InsufficientDataError, MissingDataWarning

__all__ = ["SampleStats", "listwise", "sample_stats"]


@dataclass(frozen=True)
class SampleStats:
    """``cov`` (p × p, divisor N), ``n``, the dropped row labels and the centred
    complete rows (``centered``, n × p; for the casewise scores of MLR)."""

    cov: np.ndarray
    n: int
    names: tuple[str, ...]
    dropped: tuple[Any, ...]
    centered: np.ndarray


def sample_stats(frame: pd.DataFrame, names: list[str], nan_policy: str) -> SampleStats:
    """Listwise-complete sample covariance of ``names`` (observed variables, model order)."""
    check_choice(nan_policy, "nan_policy", ("listwise", "raise"))
    x = numeric_matrix(frame, names)
    bad = np.isnan(x).any(axis=1)
    dropped = listwise(frame, bad, nan_policy, fiml_hint=True)
    if dropped:
        x = x[~bad]
    n, p = x.shape
    if n <= p:
        raise InsufficientDataError(
            f"A model of {p} observed variables needs more complete rows than variables "
            f"(at least {p + 1}); got {n}."
        )
    centered = x - x.mean(axis=0)
    s = centered.T @ centered / n
    var = np.diag(s)
    zero = [names[i] for i in np.flatnonzero(var <= 1e-12 * max(var.max(), 1.0))]
    if zero:
        raise DataError(f"Variable(s) {fmt_list(zero)} have zero variance; drop them.")
    d = 1.0 / np.sqrt(var)
    w, v = np.linalg.eigh(s * np.outer(d, d))
    if w[0] < 1e-10 * p:
        involved = [names[i] for i in np.flatnonzero(np.abs(v[:, 0]) > 1e-3)]
        raise DataError(
            "The sample covariance matrix is singular: variables "
            f"{fmt_list(involved)} are linearly dependent. Drop one of them from the model."
        )
    return SampleStats(s, int(n), tuple(names), dropped, centered)


def listwise(
    frame: pd.DataFrame,
    bad: np.ndarray,
    nan_policy: str,
    *,
    what: str = "SEM",
    fiml_hint: bool = False,
    stacklevel: int = 4,
) -> tuple[Any, ...]:
    """The labels of the rows ``bad`` (missing values on the model variables) that
    listwise deletion drops, with a :class:`MissingDataWarning` saying how many; a
    :class:`DataError` naming them with ``nan_policy="raise"``. Every estimator (ML, MLR,
    multi-group, WLSMV) deletes through here."""
    if not bad.any():
        return ()
    rows = frame.index[bad]
    if nan_policy == "raise":
        fiml = ", or missing='fiml' to use every value" if fiml_hint else ""
        raise DataError(
            f"{int(bad.sum())} row(s) have missing values on the model variables: rows "
            f"{fmt_list(rows)}. Pass nan_policy='listwise' to drop them{fiml}."
        )
    tail = "; missing='fiml' uses every value instead." if fiml_hint else "."
    warnings.warn(
        f"{what}: listwise deletion dropped {len(rows)} of {len(frame)} rows with missing "
        f"values (rows {fmt_list(rows)}){tail}",
        MissingDataWarning,
        stacklevel=stacklevel,
    )
    return tuple(rows)
