"""Kano classification of product or service features.

Each respondent answers two questions per feature: how they feel if the feature is
present (functional) and if it is absent (dysfunctional), each on the standard five
options.  The Kano evaluation table (Berger et al., 1993) turns every answer pair into
a category: Attractive, One-dimensional, Must-be, Indifferent, Reverse or
Questionable.  Per feature we report the category counts and shares, the modal
category, and the Better/Worse customer-satisfaction coefficients.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ._results import TableResult, result_class
from ._validation import as_frame, fmt_list, require_columns
from .exceptions import DataError, InsufficientDataError

__all__ = ["ANSWERS", "CATEGORIES", "EVALUATION_TABLE", "KanoResult", "kano"]

#: Answer codes of both questions.
ANSWERS: Mapping[int, str] = {
    1: "like",
    2: "must-be",
    3: "neutral",
    4: "live-with",
    5: "dislike",
}

#: Category letters and names, in the tie-break order used for the modal category.
CATEGORIES: Mapping[str, str] = {
    "M": "must-be",
    "O": "one-dimensional",
    "A": "attractive",
    "I": "indifferent",
    "R": "reverse",
    "Q": "questionable",
}

#: Kano evaluation table (Berger et al., 1993): rows = functional answer 1..5,
#: columns = dysfunctional answer 1..5 (like, must-be, neutral, live-with, dislike).
EVALUATION_TABLE = pd.DataFrame(
    [
        ["Q", "A", "A", "A", "O"],
        ["R", "I", "I", "I", "M"],
        ["R", "I", "I", "I", "M"],
        ["R", "I", "I", "I", "M"],
        ["R", "R", "R", "R", "Q"],
    ],
    index=pd.Index(list(ANSWERS.values()), name="functional"),
    columns=pd.Index(list(ANSWERS.values()), name="dysfunctional"),
)

_LABELS: dict[str, int] = {
    "like": 1,
    "i like it": 1,
    "i like it that way": 1,
    "must-be": 2,
    "must be": 2,
    "mustbe": 2,
    "must": 2,
    "expect": 2,
    "i expect it": 2,
    "it must be that way": 2,
    "neutral": 3,
    "i am neutral": 3,
    "i'm neutral": 3,
    "live-with": 4,
    "live with": 4,
    "i can live with it": 4,
    "tolerate": 4,
    "dislike": 5,
    "i dislike it": 5,
    "i dislike it that way": 5,
}


def _codes(frame: pd.DataFrame, what: str) -> np.ndarray:
    """(n, k) float array of answer codes 1..5 (NaN = missing) from codes or labels."""
    out = np.full(frame.shape, np.nan)
    for j, col in enumerate(frame.columns):
        s = frame.iloc[:, j]
        if pd.api.types.is_bool_dtype(s.dtype):
            raise DataError(
                f"Column {col!r} of {what} holds true/false values, not Kano answers; use codes "
                "1-5 or the labels like, must-be, neutral, live-with, dislike."
            )
        miss = s.isna().to_numpy()
        if pd.api.types.is_numeric_dtype(s.dtype):
            vals = s.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            text = s.astype("string").str.strip().str.lower()
            miss = miss | (text == "").fillna(True).to_numpy(dtype=bool)
            mapped = text.map(_LABELS, na_action="ignore")
            num = pd.to_numeric(text, errors="coerce")
            vals = mapped.astype("Float64").fillna(num.astype("Float64"))
            vals = vals.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~miss & ~np.isin(vals, [1.0, 2.0, 3.0, 4.0, 5.0])
        if bad.any():
            rows = frame.index[bad]
            raise DataError(
                f"Column {col!r} of {what} has {int(bad.sum())} answer(s) that are not Kano "
                f"answers: rows {fmt_list(rows)} (values {fmt_list(s[bad].tolist())}). Use codes "
                "1=like, 2=must-be, 3=neutral, 4=live-with, 5=dislike or those labels."
            )
        vals = np.where(miss, np.nan, vals)
        out[:, j] = vals
    return out


def _from_long(
    data: pd.DataFrame, respondent: str, feature: str, functional: str, dysfunctional: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    require_columns(data, [respondent, feature, functional, dysfunctional], "kano (long format)")
    keys = data[[respondent, feature]]
    dup = keys.duplicated(keep=False).to_numpy()
    if dup.any():
        raise DataError(
            f"{int(dup.sum())} rows repeat a ({respondent}, {feature}) pair: rows "
            f"{fmt_list(data.index[dup])}; each respondent answers each feature once."
        )
    order = list(pd.unique(data[feature]))
    func = data.pivot(index=respondent, columns=feature, values=functional)
    dysf = data.pivot(index=respondent, columns=feature, values=dysfunctional)
    return func.loc[:, order], dysf.loc[:, order]


@result_class
class KanoResult(TableResult):
    """Kano categories per feature.

    Table (one row per feature): ``n`` (respondents with both answers), counts ``a``,
    ``o``, ``m``, ``i``, ``r``, ``q``, shares ``share_a`` … ``share_q`` (of ``n``),
    ``category`` (modal letter), ``tied`` (whether the mode was a tie, broken in the
    order M > O > A > I > R > Q), ``better`` and ``worse``.  ``classifications``
    holds the category letter of every respondent × feature (``None`` where an
    answer is missing).

    ``n`` is the number of respondents used (with both answers for at least one
    feature); ``n_dropped`` respondents answered no feature completely and
    ``dropped_rows`` are their row labels.
    """

    n: int
    n_dropped: int
    dropped_rows: tuple[Any, ...]
    classifications: pd.DataFrame

    _plot_function = "plot_kano"

    @property
    def header(self) -> str:
        return (
            f"Kano classification · {len(self._table)} features · "
            f"n={self.n} respondents · Better/Worse (Berger et al., 1993)"
        )


def kano(
    functional: Any,
    dysfunctional: Any = None,
    *,
    respondent_col: str = "respondent",
    feature_col: str = "feature",
    functional_col: str = "functional",
    dysfunctional_col: str = "dysfunctional",
) -> KanoResult:
    """Classify features with the Kano model.

    Parameters
    ----------
    functional : DataFrame or array-like
        Answers to the functional question ("If the feature is present, how do you
        feel?"), respondents × features.  With ``dysfunctional=None``, a long frame
        with one row per respondent and feature and the columns named by
        ``respondent_col``, ``feature_col``, ``functional_col`` and
        ``dysfunctional_col``.
    dysfunctional : DataFrame or array-like, optional
        Answers to the dysfunctional question ("If it is absent ..."), same shape,
        columns and index as ``functional``.
    respondent_col, feature_col, functional_col, dysfunctional_col : str
        Column names of the long format.

    Returns
    -------
    KanoResult
        Table indexed by feature with ``n``, counts ``a o m i r q``, shares
        ``share_a`` … ``share_q``, ``category``, ``tied``, ``better``, ``worse``;
        ``classifications`` with the per-respondent letters; ``n`` respondents
        used, ``n_dropped`` / ``dropped_rows`` those without any complete pair.

    Raises
    ------
    DataError
        An answer that is not a Kano answer (message names the column and rows),
        mismatched features or respondents between the two frames, repeated pairs
        in the long format.
    MissingColumnError
        A long-format column is missing.
    InsufficientDataError
        A feature without any A, O, M or I answer (Better/Worse undefined).

    See Also
    --------
    importance_performance : importance × performance grid.

    Notes
    -----
    Answers are coded 1 = like ("I like it"), 2 = must-be ("I expect it"),
    3 = neutral, 4 = live-with ("I can live with it"), 5 = dislike; the labels (case
    and surrounding spaces ignored) are accepted too.  Missing answers drop that
    respondent's pair for that feature only.  The evaluation table
    (:data:`EVALUATION_TABLE`; rows functional, columns dysfunctional) is::

                     like  must-be  neutral  live-with  dislike
        like           Q      A        A         A         O
        must-be        R      I        I         I         M
        neutral        R      I        I         I         M
        live-with      R      I        I         I         M
        dislike        R      R        R         R         Q

    Customer-satisfaction coefficients (Berger et al., 1993):
    ``better = (A + O) / (A + O + M + I)`` and
    ``worse = −(O + M) / (A + O + M + I)``.

    References
    ----------
    Kano, N., Seraku, N., Takahashi, F., & Tsuji, S. (1984). Attractive quality and
    must-be quality. *Journal of the Japanese Society for Quality Control*, 14(2), 39-48.

    Berger, C., Blauth, R., Boger, D., et al. (1993). Kano's methods for
    understanding customer-defined quality. *Center for Quality of Management
    Journal*, 2(4), 3-36.

    Examples
    --------
    >>> import servqual as sq
    >>> f = {"wifi": [1, 1, 1], "parking": [2, 3, 3]}  # respondents x features
    >>> d = {"wifi": [3, 4, 5], "parking": [5, 5, 3]}
    >>> res = sq.kano(f, d)
    >>> res.to_frame()[["category", "better", "worse"]].round(3)
            category  better  worse
    feature
    wifi           A     1.0 -0.333
    parking        M     0.0 -0.667
    """
    if dysfunctional is None:
        frame = as_frame(functional, "kano data (long format)")
        func, dysf = _from_long(
            frame, respondent_col, feature_col, functional_col, dysfunctional_col
        )
    else:
        func = as_frame(functional, "functional")
        dysf = as_frame(dysfunctional, "dysfunctional")
        if func.shape != dysf.shape:
            raise DataError(
                f"functional has shape {func.shape} but dysfunctional has {dysf.shape}; both "
                "need one row per respondent and one column per feature."
            )
        if not func.columns.equals(dysf.columns):
            only_f = [c for c in func.columns if c not in dysf.columns]
            only_d = [c for c in dysf.columns if c not in func.columns]
            if only_f or only_d:
                raise DataError(
                    f"functional and dysfunctional name different features: only in functional "
                    f"{fmt_list(only_f) or '-'}; only in dysfunctional {fmt_list(only_d) or '-'}."
                )
            dysf = dysf.loc[:, func.columns]
        if not func.index.equals(dysf.index):
            raise DataError(
                "functional and dysfunctional have different row labels; align them so each "
                "row is the same respondent in both."
            )
    if func.shape[1] == 0 or func.shape[0] == 0:
        raise InsufficientDataError("kano needs at least one respondent and one feature.")
    fc = _codes(func, "functional")
    dc = _codes(dysf, "dysfunctional")
    ok = ~np.isnan(fc) & ~np.isnan(dc)
    table_letters = EVALUATION_TABLE.to_numpy()
    fi = np.where(ok, fc, 1).astype(np.intp) - 1
    di = np.where(ok, dc, 1).astype(np.intp) - 1
    letters = np.asarray(np.where(ok, table_letters[fi, di], None))  # object array of letters
    features = [str(c) if not isinstance(c, str) else c for c in func.columns]

    cats = list(CATEGORIES)
    counts = np.stack([(letters == c).sum(axis=0) for c in cats], axis=1)  # k × 6
    n = ok.sum(axis=0)
    empty = [features[j] for j in np.where(n == 0)[0]]
    if empty:
        raise InsufficientDataError(
            f"Feature(s) {fmt_list(empty)} have no respondent with both answers."
        )
    c = dict(zip(cats, counts.T, strict=True))
    core = c["A"] + c["O"] + c["M"] + c["I"]
    no_core = [features[j] for j in np.where(core == 0)[0]]
    if no_core:
        raise InsufficientDataError(
            f"Feature(s) {fmt_list(no_core)} have only reverse or questionable answers, so "
            "Better/Worse (denominator A + O + M + I) are undefined."
        )
    mode_idx = counts.argmax(axis=1)  # first maximum = tie-break order M > O > A > I > R > Q
    tied = (counts == counts.max(axis=1, keepdims=True)).sum(axis=1) > 1
    table = pd.DataFrame(index=pd.Index(features, name="feature"))
    table["n"] = n.astype(np.int64)
    for letter in ("A", "O", "M", "I", "R", "Q"):
        table[letter.lower()] = c[letter].astype(np.int64)
    for letter in ("A", "O", "M", "I", "R", "Q"):
        table[f"share_{letter.lower()}"] = c[letter] / n
    table["category"] = [cats[k] for k in mode_idx]
    table["tied"] = tied
    table["better"] = (c["A"] + c["O"]) / core
    table["worse"] = -(c["O"] + c["M"]) / core
    classifications = pd.DataFrame(letters, index=func.index.copy(), columns=features)
    used = ok.any(axis=1)
    return KanoResult(
        _table=table,
        n=int(used.sum()),
        n_dropped=int((~used).sum()),
        dropped_rows=tuple(func.index[~used]),
        classifications=classifications,
    )
