"""Answer distributions: counts and shares of each scale point (for Likert charts).

:func:`likert_distribution` counts how often each point of the rating scale was
chosen, per item or pooled per dimension. It is the statistic behind the diverging
stacked bar chart :func:`servqual.plotting.plot_likert`.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from ._results import TableResult, result_class
from ._validation import check_choice, fmt_list
from .exceptions import DataError, InstrumentError, InsufficientDataError
from .instruments import RATINGS
from .survey import Survey, require_survey

__all__ = ["LikertResult", "likert_distribution"]

_NAME_TO_LETTER = {name: letter for letter, name in RATINGS.items()}


@result_class
class LikertResult(TableResult):
    """Counts and shares of each scale point per item or dimension.

    Table columns: ``dimension`` (item level), ``n`` (answers counted), ``mean``,
    then ``count_<k>`` and ``share_<k>`` for every scale point ``k`` (e.g.
    ``count_1`` … ``count_7``). Shares sum to one per row; with survey weights
    (``survey_weighted``) the shares and the mean are weighted, the counts are not.
    """

    instrument: str
    rating: str
    rating_name: str
    level: str
    points: tuple[int, ...]
    anchors: tuple[str, str]
    n: int
    survey_weighted: bool = False

    _plot_function = "plot_likert"

    @property
    def header(self) -> str:
        lo, hi = self.points[0], self.points[-1]
        w = " · survey-weighted shares" if self.survey_weighted else ""
        return (
            f"Answer distribution ({self.rating_name}) · {self.level} · "
            f"{len(self.points)}-point scale {lo}–{hi}{w} · n={self.n}"
        )

    @property
    def counts(self) -> pd.DataFrame:
        """Counts as units × scale points (columns are the scale points)."""
        cols = [f"count_{k}" for k in self.points]
        out = self._table[cols].copy()
        out.columns = pd.Index(list(self.points), name="point")
        return out

    @property
    def shares(self) -> pd.DataFrame:
        """Shares as units × scale points (columns are the scale points)."""
        cols = [f"share_{k}" for k in self.points]
        out = self._table[cols].copy()
        out.columns = pd.Index(list(self.points), name="point")
        return out


def likert_distribution(
    survey: Survey,
    *,
    rating: str = "P",
    level: Literal["item", "dimension"] = "item",
) -> LikertResult:
    """Counts and shares of each scale point, per item or per dimension.

    Parameters
    ----------
    survey : Survey
        Validated responses.
    rating : str
        Rating letter (``"P"``, ``"E"``, ``"A"``, ``"D"`` ...) or name
        (``"perception"``, ``"expectation"`` ...).
    level : {"item", "dimension"}
        One row per item, or one row per dimension pooling the answers to all of
        its items (``n`` then counts answers, not respondents).

    Returns
    -------
    LikertResult
        ``to_frame()`` columns: [dimension], n, mean, count_<k>, share_<k> for each
        scale point k.

    Raises
    ------
    InstrumentError
        The survey has no such rating, or the scale is not an integer scale.
    DataError
        A rating is not one of the integer scale points (the column and rows are
        named).
    InsufficientDataError
        An item or dimension has no answers.

    Notes
    -----
    ``share_k = count_k / n`` with ``n`` the number of non-missing answers;
    reverse-keyed items are counted after recoding. The counts equal R's
    ``table(factor(x, levels = low:high))``. With survey weights ``w_i`` the
    shares are ``Σ_{i: x_i = k} w_i / Σ_{i: x_i observed} w_i`` and the mean is
    the weighted mean, as R ``prop.table(xtabs(w ~ factor(x, levels = low:high)))``
    (= ``survey::svymean(~factor(x), svydesign(ids = ~1, weights = ~w))``);
    ``count_k`` and ``n`` stay unweighted answer counts.

    Examples
    --------
    >>> import servqual as sq
    >>> dist = sq.likert_distribution(sq.load_example("retail_bank"), rating="P")
    >>> dist.to_frame().loc["TAN1", ["n", "count_7"]].tolist()
    [212, 14]
    >>> float(dist.shares.sum(axis=1).round(6).min())
    1.0
    """
    survey = require_survey(survey, "likert_distribution")
    check_choice(level, "level", ("item", "dimension"))
    letter = _NAME_TO_LETTER.get(str(rating).lower(), str(rating).upper())
    if letter not in RATINGS:
        raise InstrumentError(
            f"Unknown rating {rating!r}; use a letter {list(RATINGS)} or a name "
            f"{list(RATINGS.values())}."
        )
    inst = survey.instrument
    scale = inst.scale
    if float(scale.low) != int(scale.low) or float(scale.high) != int(scale.high):
        raise InstrumentError(
            f"Answer distributions need an integer scale; {inst.name!r} has {scale.low}–{scale.high}."
        )
    x = survey.matrix(letter)  # raises InstrumentError naming the rating when absent
    points = tuple(range(int(scale.low), int(scale.high) + 1))
    present = ~np.isnan(x)
    off = present & (np.abs(x - np.round(x)) > 1e-9)
    if off.any():
        j = int(np.flatnonzero(off.any(axis=0))[0])
        rows = survey.index[off[:, j]]
        raise DataError(
            f"Item {inst.item_codes[j]!r} ({RATINGS[letter]}) has answers that are not scale "
            f"points: rows {fmt_list(rows)} (values {fmt_list(x[off[:, j], j])}). Answer "
            "distributions need whole-number ratings."
        )
    counts = np.stack([(x == k).sum(axis=0) for k in points], axis=1)  # items × points
    w = survey.weights
    if w is None:
        mass = counts.astype(np.float64)
        sums = np.nansum(x, axis=0)
    else:  # survey weights: weighted mass per scale point, weighted rating sum
        w = np.asarray(w, dtype=np.float64)
        mass = np.stack([w @ (x == k) for k in points], axis=1)
        sums = w @ np.where(present, x, 0.0)
    codes = list(inst.item_codes)
    dims = [inst.dimension_of(c) for c in codes]
    if level == "item":
        labels = codes
    else:
        labels = [d.name for d in inst.dimensions]
        idx = [[codes.index(i.code) for i in d.items] for d in inst.dimensions]
        counts = np.stack([counts[ix].sum(axis=0) for ix in idx])
        mass = np.stack([mass[ix].sum(axis=0) for ix in idx])
        sums = np.array([sums[ix].sum() for ix in idx])
    n = counts.sum(axis=1)
    total = mass.sum(axis=1)
    empty = [lab for lab, k in zip(labels, n, strict=True) if k == 0]
    if empty:
        raise InsufficientDataError(
            f"No {RATINGS[letter]} answers for {fmt_list(empty)}; cannot form a distribution."
        )
    table = pd.DataFrame(index=pd.Index(labels, name=level))
    if level == "item":
        table["dimension"] = dims
    table["n"] = n.astype(np.int64)
    table["mean"] = sums / total
    for j, k in enumerate(points):
        table[f"count_{k}"] = counts[:, j].astype(np.int64)
    for j, k in enumerate(points):
        table[f"share_{k}"] = mass[:, j] / total
    return LikertResult(
        _table=table,
        instrument=inst.name,
        rating=letter,
        rating_name=RATINGS[letter],
        level=level,
        points=points,
        anchors=(scale.anchors[0], scale.anchors[1]),
        n=survey.n_respondents,
        survey_weighted=w is not None,
    )
