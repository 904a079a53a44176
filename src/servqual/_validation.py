"""Checks that build servqual's error messages (internal).

Each function takes raw user input, returns clean numpy data and raises a
:class:`~servqual.exceptions.ServqualError` subclass whose message names the column,
the rows (the caller's index labels) and the offending values.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .exceptions import (
    DataError,
    DuplicateColumnError,
    MissingColumnError,
    NonNumericError,
    ScaleRangeError,
)

_MAX_SHOWN = 8


def fmt_list(values: Iterable[Any], limit: int = _MAX_SHOWN, *, total: int | None = None) -> str:
    """Format up to ``limit`` values as ``a, b, c`` plus ``and N more``.

    ``total`` is the true number of values when ``values`` holds only the first
    of them (a streamed file keeps the first 1000 dropped rows), so that ``N``
    counts all the others.
    """
    vals = list(values)
    count = len(vals) if total is None else max(int(total), len(vals))
    shown = ", ".join(_fmt(v) for v in vals[:limit])
    if count > min(limit, len(vals)):
        shown += f" and {count - min(limit, len(vals))} more"
    return shown


def with_rows(exc: Exception, rows: Iterable[Any]) -> Exception:
    """``exc`` carrying the row labels it names as ``exc.rows``, so that
    :func:`servqual.read_survey` can add the file's line numbers."""
    exc.rows = list(rows)  # type: ignore[attr-defined]
    return exc


def _fmt(v: Any) -> str:
    if isinstance(v, float | np.floating):
        v = float(v)
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return f"{v:g}"  # 1e+308, not its 309 digits
    if isinstance(v, str):
        return repr(v)
    return str(v)


#: largest magnitude a rating may have in a raw item table: squares and
#: cross-products of larger values overflow float64 (1e308) in the covariances
MAX_MAGNITUDE = 1e150


def check_magnitude(
    x: np.ndarray, labels: Sequence[Any], index: Sequence[Any], what: str = "The analysis"
) -> None:
    """A DataError naming the column, rows and values whose squares overflow float64."""
    with np.errstate(invalid="ignore"):
        big = np.abs(x) > MAX_MAGNITUDE
    if not big.any():
        return
    j = int(np.where(big.any(axis=0))[0][0])
    rows = np.where(big[:, j])[0]
    if np.isinf(x[rows, j]).all():
        raise DataError(
            f"Column {str(labels[j])!r} has infinite values at rows "
            f"{fmt_list([index[r] for r in rows])}; ratings must be finite."
        )
    raise DataError(
        f"Column {str(labels[j])!r} has value(s) too large to analyse: rows "
        f"{fmt_list([index[r] for r in rows])} (values {fmt_list(x[rows, j].tolist())}). "
        f"{what} squares the ratings, which overflows beyond {MAX_MAGNITUDE:g}; "
        "recode them or list them as missing."
    )


def is_real_numeric(dtype: Any) -> bool:
    """A numeric dtype that is neither bool nor complex."""
    return (
        pd.api.types.is_numeric_dtype(dtype)
        and not pd.api.types.is_bool_dtype(dtype)
        and not pd.api.types.is_complex_dtype(dtype)
    )


def as_frame(data: Any, what: str = "data") -> pd.DataFrame:
    """Accept a DataFrame (or something pandas turns into one) without copying a frame."""
    if isinstance(data, pd.DataFrame):
        frame = data
    elif isinstance(data, dict | np.ndarray | list):
        try:
            frame = pd.DataFrame(data)
        except ValueError as exc:
            raise DataError(f"Could not turn {what} into a table: {exc}.") from None
    elif type(data).__module__.startswith("dask"):
        raise DataError(
            f"{what} is a Dask {type(data).__name__}; a Survey holds its rows in memory. "
            "Summarise it on the cluster with sq.SurveySummary.from_frame(ddf, instrument), "
            "or call .compute() on a sample first."
        )
    else:
        raise DataError(
            f"{what} must be a pandas DataFrame (one row per respondent), got "
            f"{type(data).__module__.split('.')[0]}.{type(data).__name__}."
        )
    dupes = frame.columns[frame.columns.duplicated()].unique().tolist()
    if dupes:
        raise DuplicateColumnError(
            f"Column name(s) {fmt_list(dupes)} appear more than once in {what}; "
            "rename them so each column is unique."
        )
    return frame


def require_columns(frame: pd.DataFrame, needed: Sequence[str], context: str) -> None:
    """Raise MissingColumnError listing every missing column with close matches."""
    present = set(map(str, frame.columns))
    missing = [c for c in needed if c not in frame.columns]
    if not missing:
        return
    hints = []
    for m in missing[:3]:
        close = difflib.get_close_matches(str(m), list(present), n=2)
        if close:
            hints.append(f"{m!r} → did you mean {', '.join(map(repr, close))}?")
    hint = (" " + " ".join(hints)) if hints else ""
    if context.startswith("instrument"):
        hint += (
            " Pass columns= (a template such as 'exp_{n}', a mapping or a regex) to say "
            "where the ratings are."
        )
    raise MissingColumnError(
        f"{len(missing)} column(s) needed for {context} are missing from the data: "
        f"{fmt_list(missing)}.{hint}"
    )


def numeric_matrix(
    frame: pd.DataFrame,
    cols: Sequence[str],
    missing_codes: Sequence[float] = (),
) -> np.ndarray:
    """Return ``frame[cols]`` as a float64 (n, k) array; NaN marks missing.

    Text that is not a number raises NonNumericError naming column, rows and values.
    Blank strings count as missing; values listed in ``missing_codes`` become NaN.
    """
    sub = frame.loc[:, list(cols)]
    numeric = all(is_real_numeric(dt) for dt in sub.dtypes)
    if numeric:
        out = sub.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
    else:
        out = np.empty((len(sub), len(cols)), dtype=np.float64)
        for j, col in enumerate(cols):
            s = sub.iloc[:, j]
            if pd.api.types.is_bool_dtype(s.dtype):
                raise NonNumericError(
                    f"Column {col!r} holds true/false values, not ratings; recode it to numbers."
                )
            if pd.api.types.is_complex_dtype(s.dtype) or (
                s.dtype == object and s.map(lambda v: isinstance(v, complex)).any()
            ):
                raise NonNumericError(
                    f"Column {col!r} holds complex numbers, not ratings; pass real numbers "
                    "(the imaginary part would be lost)."
                )
            if pd.api.types.is_numeric_dtype(s.dtype):
                out[:, j] = s.to_numpy(dtype=np.float64, na_value=np.nan)
                continue
            as_text = s.astype("string").str.strip()
            blank = as_text.isna() | (as_text == "")
            conv = pd.to_numeric(as_text.mask(blank), errors="coerce")
            bad = conv.isna() & ~blank
            if bad.any():
                rows = s.index[bad.to_numpy()]
                vals = s[bad.to_numpy()]
                hint = ""
                if as_text[bad].str.fullmatch(r"[+-]?\d+,\d+").all():
                    hint = (
                        " They look like decimal commas: read the file with decimal=',' "
                        "(and sep=';')."
                    )
                raise with_rows(
                    NonNumericError(
                        f"Column {col!r} has {int(bad.sum())} value(s) that are not numbers: "
                        f"rows {fmt_list(rows)} (values {fmt_list(vals.tolist())}). Recode "
                        f"them, or list them as missing with missing_codes= / na_values=.{hint}"
                    ),
                    rows,
                )
            out[:, j] = conv.to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isinf(out).any():
        j = int(np.where(np.isinf(out).any(axis=0))[0][0])
        rows = frame.index[np.isinf(out[:, j])]
        raise with_rows(
            NonNumericError(
                f"Column {cols[j]!r} has infinite values at rows {fmt_list(rows)}; "
                "ratings must be finite."
            ),
            rows,
        )
    if len(missing_codes):
        out[np.isin(out, np.asarray(missing_codes, dtype=np.float64))] = np.nan
    return out


def out_of_range_mask(x: np.ndarray, low: float, high: float) -> np.ndarray:
    """Boolean mask of finite values outside ``[low, high]``."""
    with np.errstate(invalid="ignore"):
        return (x < low) | (x > high)


def raise_out_of_range(
    mask: np.ndarray,
    x: np.ndarray,
    cols: Sequence[str],
    index: pd.Index,
    low: float,
    high: float,
) -> None:
    """Raise ScaleRangeError for the first column with out-of-range values."""
    bad_cols = np.where(mask.any(axis=0))[0]
    j = int(bad_cols[0])
    rows = np.where(mask[:, j])[0]
    others = ""
    if len(bad_cols) > 1:
        others = (
            f" Other columns with out-of-range values: {fmt_list([cols[k] for k in bad_cols[1:]])}."
        )
    raise with_rows(
        ScaleRangeError(
            f"Column {cols[j]!r} has {len(rows)} value(s) outside the {low:g}–{high:g} scale: "
            f"rows {fmt_list(index[rows])} (values {fmt_list(x[rows, j].tolist())}).{others} "
            "Recode them, list them in missing_codes=, or pass out_of_range='nan'."
        ),
        index[rows],
    )


def check_choice(value: Any, name: str, allowed: Sequence[Any]) -> None:
    """Raise DataError when ``value`` is not one of ``allowed``."""
    if value not in allowed:
        raise DataError(f"{name}={value!r} is not allowed; use one of {list(allowed)}.")


def check_confidence(confidence_level: float) -> float:
    """Validate a confidence level in (0, 1)."""
    try:
        c = float(confidence_level)
    except (TypeError, ValueError):
        raise DataError(
            f"confidence_level must be a number in (0, 1), got {confidence_level!r}."
        ) from None
    if not 0.0 < c < 1.0:
        raise DataError(f"confidence_level must lie strictly between 0 and 1, got {c}.")
    return c
