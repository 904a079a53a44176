"""Mergeable sufficient statistics of survey responses, for data of any size.

A :class:`SurveySummary` holds, per segment, the number of complete respondents,
the mean vector and the co-moment matrix ``M2 = Σ (x − x̄)(x − x̄)ᵀ`` of every
rating column of the instrument (stacked in ``instrument.ratings`` order, items
within each rating), plus the counts needed for the share of respondents meeting
their reference. Summaries of blocks of rows merge with the pairwise update of
Chan, Golub & LeVeque (1979), so a summary built chunk by chunk (a CSV read in
pieces, the partitions of a Dask DataFrame) is the summary of the whole data.

Every statistic that needs only these moments is computed from the summary and
returns the same result class as the in-memory path: gap scores with standard
deviations and confidence intervals (item, dimension, overall, weighted by the
instrument's fixed weights, by segment), covariance and correlation matrices of
item scores (for alpha, KMO, Bartlett and EFA), and paired t statistics.

Missing data are handled listwise: a respondent with any missing rating is left
out of the summary (counted in :attr:`SurveySummary.n_dropped`), so results
equal the in-memory path on ``Survey(..., nan_policy="listwise")``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _gap_engine
from ._stats import require_n
from ._validation import check_choice, check_confidence, fmt_list
from .exceptions import (
    DataError,
    ImportanceWeightError,
    InstrumentError,
    InsufficientDataError,
    MissingColumnError,
    MissingDataWarning,
    ServqualError,
)
from .instruments import Instrument, _as_instrument
from .survey import Survey

__all__ = ["SurveySummary", "merge_moments", "moments"]

#: dropped-row labels kept for reporting (the count is always exact)
MAX_DROPPED_SHOWN = 1000

_REF_LETTER = {"expectation": "E", "adequate": "A", "desired": "D", "competitor": "C"}


# --------------------------------------------------------------------------- moments
def moments(x: np.ndarray, *, overwrite: bool = False) -> tuple[int, np.ndarray, np.ndarray]:
    """Count, mean vector and co-moment matrix ``Σ (x − x̄)(x − x̄)ᵀ`` of the rows of ``x``.

    ``x`` is a complete (no NaN) ``(n, p)`` float array. The deviations are taken
    from the block's own mean (two-pass), never from raw sums of squares. With
    ``overwrite=True`` a float64 ``x`` is centred in place (no copy).
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[0]
    if n == 0:
        p = x.shape[1]
        return 0, np.zeros(p), np.zeros((p, p))
    mean = x.mean(axis=0)
    if overwrite and x.flags.writeable:
        x -= mean
        dev = x
    else:
        dev = x - mean
    m2 = dev.T @ dev
    return n, mean, (m2 + m2.T) / 2.0


def merge_moments(
    a: tuple[int, np.ndarray, np.ndarray], b: tuple[int, np.ndarray, np.ndarray]
) -> tuple[int, np.ndarray, np.ndarray]:
    """Pairwise update of Chan, Golub & LeVeque (1979) for two blocks of rows.

    ``n = n_a + n_b``; ``δ = x̄_b − x̄_a``; ``x̄ = x̄_a + δ·n_b/n``;
    ``M2 = M2_a + M2_b + δδᵀ·n_a·n_b/n``.
    """
    na, ma, sa = a
    nb, mb, sb = b
    if nb == 0:
        return na, ma.copy(), sa.copy()
    if na == 0:
        return nb, mb.copy(), sb.copy()
    n = na + nb
    delta = mb - ma
    mean = ma + delta * (nb / n)
    m2 = sa + sb + np.outer(delta, delta) * (na * nb / n)
    return n, mean, m2


@dataclass
class _Block:
    """Moments of one segment cell plus counts of respondents meeting the reference."""

    n: int
    mean: np.ndarray
    m2: np.ndarray
    meets: dict[tuple[str, str, bool], np.ndarray] = field(default_factory=dict)
    #: outcome name -> (n, mean, M2) of [ratings, outcome] over rows with the outcome
    #: present, and the number of rows without it
    outcomes: dict[str, tuple[int, np.ndarray, np.ndarray, int]] = field(default_factory=dict)

    def merged(self, other: _Block) -> _Block:
        n, mean, m2 = merge_moments((self.n, self.mean, self.m2), (other.n, other.mean, other.m2))
        meets = {k: self.meets[k] + other.meets[k] for k in self.meets}
        if set(self.outcomes) != set(other.outcomes):
            raise DataError(
                f"Cannot merge summaries with different outcomes ({sorted(self.outcomes)} and "
                f"{sorted(other.outcomes)})."
            )
        outs = {}
        for k, a in self.outcomes.items():
            b = other.outcomes[k]
            outs[k] = (*merge_moments(a[:3], b[:3]), a[3] + b[3])
        return _Block(n, mean, m2, meets, outs)


class _View:
    """The minimal Survey interface the score engine (``servqual._gap_engine``) reads."""

    def __init__(self, instrument: Instrument, x: np.ndarray, blocks: dict[str, slice]) -> None:
        self.instrument = instrument
        self._x = x
        self._blocks = blocks
        self._importance = None
        self.n_respondents = x.shape[0]

    def matrix(self, letter: str) -> np.ndarray:
        if letter not in self._blocks:
            raise InstrumentError(
                f"Instrument {self.instrument.name!r} has no {letter!r} ratings; it has "
                f"{list(self._blocks)}."
            )
        return self._x[:, self._blocks[letter]]


def _share_specs(instrument: Instrument, weighted_ok: bool) -> list[tuple[str, str, bool]]:
    if instrument.perspective == "performance" or not instrument.references:
        return []
    flags = (False, True) if weighted_ok else (False,)
    return [
        (level, ref, w)
        for ref in instrument.references
        for level in _gap_engine.LEVELS
        for w in flags
    ]


def _segment_codes(segs: pd.DataFrame) -> tuple[np.ndarray, list[tuple[Any, ...]]]:
    """Group number of each row and the key (segment values, None if missing) of each group."""
    cats = [segs[c].cat.categories for c in segs.columns]
    combo = np.zeros(len(segs), dtype=np.int64)
    for c, cat in zip(segs.columns, cats, strict=True):
        combo = combo * (len(cat) + 1) + segs[c].cat.codes.to_numpy(dtype=np.int64) + 1
    uniq, codes = np.unique(combo, return_inverse=True)
    keys = []
    for u in uniq:
        parts = []
        rest = int(u)
        for cat in reversed(cats):
            rest, c = divmod(rest, len(cat) + 1)
            parts.append(None if c == 0 else _py(cat[c - 1]))
        keys.append(tuple(reversed(parts)))
    return codes.ravel(), keys


def _gap_coefficients(
    instrument: Instrument, specs: list[tuple[str, str, bool]]
) -> tuple[np.ndarray, np.ndarray, list[slice]]:
    """Stacked ``gap = c + Aᵀx`` coefficients of the units of every (level, reference, weighted)."""
    p = instrument.n_items * len(instrument.ratings)
    basis = np.vstack([np.zeros(p), np.eye(p)])
    slices = {
        r: slice(k * instrument.n_items, (k + 1) * instrument.n_items)
        for k, r in enumerate(instrument.ratings)
    }
    view = _View(instrument, basis, slices)
    coefs, consts, where = [], [], []
    start = 0
    for level, ref, w in specs:
        u = _gap_engine.units(view, level, reference=ref, weighted=w)
        g = np.asarray(u.perception - u.reference, dtype=np.float64)
        consts.append(g[0])
        coefs.append(g[1:] - g[0])
        where.append(slice(start, start + g.shape[1]))
        start += g.shape[1]
    return np.hstack(coefs), np.concatenate(consts), where


def _block(
    x: np.ndarray,
    meets: np.ndarray | None,
    specs: list[tuple[str, str, bool]],
    where: list[slice],
    y: pd.DataFrame | None = None,
) -> _Block:
    outs: dict[str, tuple[int, np.ndarray, np.ndarray, int]] = {}
    if y is not None:
        for name in y.columns:
            v = y[name].to_numpy(dtype=np.float64)
            ok = np.isfinite(v)
            outs[str(name)] = (*moments(np.column_stack([x[ok], v[ok]])), int((~ok).sum()))
    n, mean, m2 = moments(x, overwrite=True)  # x is a private copy
    counts: dict[tuple[str, str, bool], np.ndarray] = {}
    if meets is not None:
        total = meets.sum(axis=0, dtype=np.int64)
        counts = {spec: total[sl] for spec, sl in zip(specs, where, strict=True)}
    return _Block(n, mean, m2, counts, outs)


def _py(v: Any) -> Any:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    return v.item() if isinstance(v, np.generic) else v


def _sort_key(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((0, v) if not isinstance(v, str) else (1, v) for v in key)


# --------------------------------------------------------------------------- summary
class SurveySummary:
    """Mergeable moments of a survey: n, means and co-moments per segment.

    Build one with :meth:`from_survey`, :meth:`from_frame`,
    :func:`servqual.summarize_csv` (a CSV of any length, read in chunks) or
    :func:`servqual._dask.summarize_dask` (a Dask DataFrame); combine summaries
    of disjoint blocks of respondents with :meth:`merge` (or ``a + b``).

    Attributes
    ----------
    instrument : Instrument
    labels : list of (rating, item code)
        The stacked rating columns, in ``instrument.ratings`` order × items.
    segment_names : tuple of str
        Segment variables the moments are split by (may be empty).
    n_read : int
        Rows read (before listwise deletion).
    n_dropped : int
        Rows left out because a rating was missing (listwise).

    Notes
    -----
    Moments are merged with the pairwise update of Chan, Golub & LeVeque (1979):
    ``n = n_a + n_b``, ``δ = x̄_b − x̄_a``, ``x̄ = x̄_a + δ n_b / n`` and
    ``M2 = M2_a + M2_b + δδᵀ n_a n_b / n``; the covariance is ``M2 / (n − 1)``.
    Each block's own ``M2`` is computed from deviations about the block mean, so
    large offsets (ratings stored as 1e9 + small noise) do not cancel
    catastrophically as raw sums of squares do.

    References
    ----------
    Chan, T. F., Golub, G. H., & LeVeque, R. J. (1979). Updating formulae and a
    pairwise algorithm for computing sample variances. Stanford CS report
    STAN-CS-79-773; (1983) The American Statistician, 37(3), 242-247.

    Examples
    --------
    >>> import servqual as sq
    >>> survey = sq.load_example("retail_bank")
    >>> s = sq.SurveySummary.from_survey(survey)
    >>> s.n, s.n_dropped
    (208, 4)
    >>> df = sq.datasets.simulate(300, seed=1)
    >>> parts = [sq.SurveySummary.from_frame(df.iloc[a:b], "servqual22")
    ...          for a, b in [(0, 100), (100, 250), (250, 300)]]
    >>> merged = sq.SurveySummary.merge_all(parts)
    >>> whole = sq.SurveySummary.from_frame(df, "servqual22")
    >>> bool(abs(merged.gap_scores().gap - whole.gap_scores().gap).max() < 1e-12)
    True
    """

    def __init__(
        self,
        instrument: Instrument,
        segment_names: Sequence[str],
        blocks: dict[tuple[Any, ...], _Block],
        *,
        n_read: int,
        n_dropped: int,
        dropped_rows: Sequence[Any] = (),
        has_importance: bool = False,
        has_weights: bool = False,
        first_row: Any = None,
    ) -> None:
        self._instrument = instrument
        self._segment_names = tuple(segment_names)
        self._blocks = dict(blocks)
        self.n_read = int(n_read)
        self.n_dropped = int(n_dropped)
        self._dropped_rows = tuple(dropped_rows)[:MAX_DROPPED_SHOWN]
        self._has_importance = bool(has_importance)
        self._has_weights = bool(has_weights)
        self._first_row = first_row
        p = len(self.labels)
        self._slices = {
            r: slice(k * instrument.n_items, (k + 1) * instrument.n_items)
            for k, r in enumerate(instrument.ratings)
        }
        for b in self._blocks.values():
            if b.mean.shape != (p,) or b.m2.shape != (p, p):  # pragma: no cover - internal
                raise ServqualError("Corrupt summary block: moment shapes do not match.")

    # ------------------------------------------------------------------ building
    @classmethod
    def from_survey(cls, survey: Survey) -> SurveySummary:
        """Summarise a validated :class:`~servqual.Survey` (listwise over all ratings).

        Segment variables of the survey become the segments of the summary.
        Survey weights are not supported (the design-based standard errors need
        the data); per-respondent importance points are kept out of the moments, so
        ``weighted=True`` then needs the data too.
        """
        if not isinstance(survey, Survey):
            raise InstrumentError(
                f"Expected a servqual Survey, got {type(survey).__name__}; use "
                "SurveySummary.from_frame(df, instrument) for a DataFrame."
            )
        if survey.weights is not None:
            raise ServqualError(
                "SurveySummary does not support survey weights (design-based standard errors "
                "need the data); analyse the Survey in memory instead."
            )
        inst = survey.instrument
        x = np.hstack([survey.matrix(r) for r in inst.ratings])  # a new float64 array
        index = survey.index
        if np.isnan(x.sum(axis=0)).any():  # one cheap pass when nothing is missing
            complete = ~np.isnan(x).any(axis=1)
        else:
            complete = np.ones(len(x), dtype=bool)
        n_drop_here = len(x) - int(complete.sum())
        dropped = list(survey.dropped_rows)
        n_read = survey.n_respondents + len(survey.dropped_rows)
        if n_drop_here:
            dropped += list(index[~complete][:MAX_DROPPED_SHOWN])
            x = x[complete]
        segs = survey.segments
        names: tuple[str, ...] = () if segs is None else tuple(map(str, segs.columns))
        has_imp = survey.importance is not None
        specs = _share_specs(inst, weighted_ok=inst.weights is not None and not has_imp)
        meets_all: np.ndarray | None = None
        where: list[slice] = []
        if specs and len(x):
            # every unit's gap is affine in the ratings: one matrix product gives them all
            coef, const, where = _gap_coefficients(inst, specs)
            meets_all = x @ coef + const >= -1e-12
        y = survey.outcomes
        if y is not None and n_drop_here:
            y = y.loc[complete]
        blocks: dict[tuple[Any, ...], _Block] = {}
        if len(x) and segs is None:
            blocks[()] = _block(x, meets_all, specs, where, y)
        elif len(x):
            if n_drop_here:
                segs = segs.loc[complete]
            codes, keys = _segment_codes(segs)
            order = np.argsort(codes, kind="stable")
            bounds = np.searchsorted(codes[order], np.arange(len(keys) + 1))
            for g, key in enumerate(keys):
                rows = order[bounds[g] : bounds[g + 1]]
                blocks[key] = _block(
                    x[rows],
                    None if meets_all is None else meets_all[rows],
                    specs,
                    where,
                    None if y is None else y.iloc[rows],
                )
        return cls(
            inst,
            names,
            blocks,
            n_read=n_read,
            n_dropped=len(survey.dropped_rows) + n_drop_here,
            dropped_rows=dropped,
            has_importance=has_imp,
            first_row=index[0] if len(index) else None,
        )

    @classmethod
    def from_frame(
        cls,
        data: pd.DataFrame,
        instrument: Instrument | str,
        columns: Any = None,
        segments: Any = None,
        **survey_options: Any,
    ) -> SurveySummary:
        """Validate a DataFrame with :class:`~servqual.Survey` and summarise it.

        Takes the same arguments as ``Survey``; the summary is listwise whatever
        ``nan_policy`` (``"raise"`` still rejects missing ratings). A Dask
        DataFrame is summarised partition by partition on the active scheduler
        (:func:`servqual._dask.summarize_dask`).
        """
        from ._dask import is_dask_frame, summarize_dask

        if is_dask_frame(data):
            return summarize_dask(data, instrument, columns, segments, **survey_options)
        survey_options.setdefault("nan_policy", "available")
        survey = Survey(data, instrument, columns, segments, **survey_options)
        return cls.from_survey(survey)

    @classmethod
    def empty(
        cls, instrument: Instrument | str, segment_names: Sequence[str] = ()
    ) -> SurveySummary:
        """A summary of no respondents (the identity of :meth:`merge`)."""
        return cls(_as_instrument(instrument), segment_names, {}, n_read=0, n_dropped=0)

    # ------------------------------------------------------------------ merging
    def merge(self, other: SurveySummary) -> SurveySummary:
        """Summary of the union of two disjoint blocks of respondents (pairwise update)."""
        if not isinstance(other, SurveySummary):
            raise ServqualError(f"Cannot merge a SurveySummary with {type(other).__name__}.")
        if other._instrument != self._instrument:
            raise InstrumentError(
                f"Cannot merge summaries of different instruments ({self._instrument.name!r} "
                f"and {other._instrument.name!r})."
            )
        if other._segment_names != self._segment_names:
            raise DataError(
                f"Cannot merge summaries split by different segments ({list(self._segment_names)} "
                f"and {list(other._segment_names)})."
            )
        blocks = dict(self._blocks)
        for key, b in other._blocks.items():
            blocks[key] = blocks[key].merged(b) if key in blocks else b
        firsts = [r for r in (self._first_row, other._first_row) if r is not None]
        return SurveySummary(
            self._instrument,
            self._segment_names,
            blocks,
            n_read=self.n_read + other.n_read,
            n_dropped=self.n_dropped + other.n_dropped,
            dropped_rows=self._dropped_rows + other._dropped_rows,
            has_importance=self._has_importance or other._has_importance,
            first_row=firsts[0] if firsts else None,
        )

    __add__ = merge

    @staticmethod
    def merge_all(summaries: Iterable[SurveySummary]) -> SurveySummary:
        """Merge many summaries by a balanced pairwise tree."""
        level = list(summaries)
        if not level:
            raise DataError("No summaries to merge.")
        while len(level) > 1:
            nxt = [level[k].merge(level[k + 1]) for k in range(0, len(level) - 1, 2)]
            if len(level) % 2:
                nxt.append(level[-1])
            level = nxt
        return level[0]

    # ------------------------------------------------------------------ accessors
    @property
    def instrument(self) -> Instrument:
        """The instrument the responses were validated against."""
        return self._instrument

    @property
    def labels(self) -> list[tuple[str, str]]:
        """(rating letter, item code) of each stacked column."""
        return [(r, c) for r in self._instrument.ratings for c in self._instrument.item_codes]

    @property
    def segment_names(self) -> tuple[str, ...]:
        """Segment variables the moments are split by."""
        return self._segment_names

    @property
    def segment_keys(self) -> list[tuple[Any, ...]]:
        """Segment cells present (``None`` marks a missing segment value)."""
        return sorted(self._blocks, key=_sort_key)

    @property
    def n(self) -> int:
        """Complete respondents summarised."""
        return sum(b.n for b in self._blocks.values())

    @property
    def n_respondents(self) -> int:
        """Alias of :attr:`n` (as ``Survey.n_respondents``)."""
        return self.n

    @property
    def dropped_rows(self) -> tuple[Any, ...]:
        """Labels of rows dropped listwise (the first 1000; the count is :attr:`n_dropped`)."""
        return self._dropped_rows

    @property
    def nan_policy(self) -> str:
        """Always ``"listwise"``."""
        return "listwise"

    def _total(self, where: dict[str, Any] | None = None) -> _Block:
        p = len(self.labels)
        out = _Block(0, np.zeros(p), np.zeros((p, p)), {})
        first = True
        for key in self.segment_keys:
            if where and any(key[self._segment_names.index(k)] != v for k, v in where.items()):
                continue
            b = self._blocks[key]
            out = b if first else out.merged(b)
            first = False
        if first:
            out.meets = {}
        return out

    def _grouped(
        self, by: str | Sequence[str] | None
    ) -> tuple[tuple[str, ...] | None, list[tuple[Any, _Block]]]:
        if by is None:
            return None, [(None, self._total())]
        from .gaps import check_by

        names = check_by(by)
        missing = [b for b in names if b not in self._segment_names]
        if missing:
            raise MissingColumnError(
                f"Summary has no segment {fmt_list(missing)}; segments are "
                f"{list(self._segment_names)}. Pass segments= when summarising."
            )
        pos = [self._segment_names.index(b) for b in names]
        cells: dict[tuple[Any, ...], _Block] = {}
        for key in self.segment_keys:
            sub = tuple(key[k] for k in pos)
            if any(v is None for v in sub):
                continue
            b = self._blocks[key]
            cells[sub] = cells[sub].merged(b) if sub in cells else b
        out = [(k[0] if len(names) == 1 else k, cells[k]) for k in sorted(cells, key=_sort_key)]
        return names, out

    def mean(self) -> pd.Series:
        """Mean of each rating column, indexed by (rating, item)."""
        b = self._total()
        return pd.Series(
            b.mean, index=pd.MultiIndex.from_tuples(self.labels, names=["rating", "item"])
        )

    def _cov(self, b: _Block) -> np.ndarray:
        if b.n < 2:
            raise InsufficientDataError(
                f"A covariance needs at least 2 complete respondents; the summary has {b.n}."
            )
        return b.m2 / (b.n - 1)

    # ------------------------------------------------------------------ linear scores
    def _linear(self, fn: Any) -> tuple[Any, np.ndarray, np.ndarray]:
        """Coefficients of a linear score: evaluates ``fn(view)`` on 0 and unit vectors.

        Every score of the gap engine is affine in the stacked ratings, so
        ``score(x) = c + Aᵀx`` with ``c = score(0)`` and ``A[j] = score(e_j) − c``.
        """
        p = len(self.labels)
        basis = np.vstack([np.zeros(p), np.eye(p)])
        out = fn(_View(self._instrument, basis, self._slices))
        return out, out_const(out), out_coef(out)

    def _view(self) -> _View:
        """The score engine's view of the zero vector (row 0) and the unit vectors."""
        p = len(self.labels)
        return _View(self._instrument, np.vstack([np.zeros(p), np.eye(p)]), self._slices)

    def _item_linear(self, score: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        p = len(self.labels)
        basis = np.vstack([np.zeros(p), np.eye(p)])
        view = _View(self._instrument, basis, self._slices)
        codes, m = _gap_engine.item_score_matrix(view, score)
        m = np.asarray(m, dtype=np.float64)
        return list(codes), m[0], m[1:] - m[0]

    def covariance(self, score: str = "perception", dimension: str | None = None) -> pd.DataFrame:
        """Covariance matrix (``n − 1`` denominator) of item-level scores.

        ``score`` is a rating name or letter, or ``"gap"``, ``"msa"``, ``"mss"``
        (as :meth:`Survey.item_scores`); ``dimension`` restricts to its items.
        Equals ``survey.item_scores(score).cov()`` on the listwise survey.
        """
        codes, _c, a = self._item_linear(score)
        if dimension is not None:
            dim = self._instrument.dimension(dimension)
            keep = [k for k, c in enumerate(codes) if c in {i.code for i in dim.items}]
            codes = [codes[k] for k in keep]
            a = a[:, keep]
        cov = a.T @ self._cov(self._total()) @ a
        return pd.DataFrame((cov + cov.T) / 2.0, index=codes, columns=codes)

    def correlation(self, score: str = "perception", dimension: str | None = None) -> pd.DataFrame:
        """Pearson correlation matrix of item-level scores (listwise)."""
        cov = self.covariance(score, dimension)
        d = np.sqrt(np.diag(cov.to_numpy()))
        if np.any(d == 0):
            bad = list(cov.index[d == 0])
            raise InsufficientDataError(
                f"Item(s) {fmt_list(bad)} have zero variance; their correlations are undefined."
            )
        r = cov.to_numpy() / np.outer(d, d)
        np.fill_diagonal(r, 1.0)
        return pd.DataFrame(r, index=cov.index, columns=cov.columns)

    # ------------------------------------------------------------------ statistics
    def gap_scores(
        self,
        level: Literal["item", "dimension", "overall"] = "dimension",
        by: str | Sequence[str] | None = None,
        weighted: bool = False,
        reference: str | None = None,
        confidence_level: float = 0.95,
    ) -> Any:
        """Gap scores from the moments; same arguments and result as :func:`servqual.gap_scores`.

        ``weighted=True`` uses the instrument's fixed dimension weights; weights that
        differ per respondent (``Survey(importance=...)``) are not linear in the
        ratings and need the data.

        Returns
        -------
        GapResult

        Notes
        -----
        Each unit's perception and reference are affine in the ratings,
        ``p = c_p + A_pᵀ x``, so the mean gap is ``(c_p − c_r) + (A_p − A_r)ᵀ x̄`` and
        its variance ``aᵀ C a`` with ``C = M2/(n − 1)``; the interval is
        ``ḡ ± t_{1−α/2, n−1} s/√n`` (R ``t.test(P, E, paired = TRUE)$conf.int``).
        The share meeting the reference is counted while summarising.

        Examples
        --------
        >>> import servqual as sq
        >>> s = sq.SurveySummary.from_survey(sq.load_example("retail_bank"))
        >>> s.gap_scores(level="overall").to_frame()["n"].item()
        208
        """
        from .gaps import check_flag, gap_block, gap_result

        check_choice(level, "level", _gap_engine.LEVELS)
        weighted = check_flag(weighted, "weighted")
        conf = check_confidence(confidence_level)
        if weighted and self._has_importance:
            raise ImportanceWeightError(
                "Importance weights that differ per respondent are not linear in the ratings, so "
                "weighted gap scores cannot be computed from a SurveySummary; use the in-memory "
                "Survey, or instrument weights (Instrument(weights=...)) that are the same for "
                "every respondent."
            )
        ref_arg = _REF_LETTER.get(reference, reference) if reference is not None else None
        ref = _gap_engine.resolve_reference(self._instrument, ref_arg)
        u, cu, au = self._linear(
            lambda v: _gap_engine.units(v, level, reference=ref, weighted=weighted)
        )
        c_p, c_r = cu
        a_p, a_r = au
        a_g = a_p - a_r
        names, groups = self._grouped(by)
        spec = (level, ref, bool(weighted))
        blocks, keys = [], []
        for key, b in groups:
            label = u.labels if key is None else [f"{key} / {lab}" for lab in u.labels]
            n = np.full(len(u.labels), b.n, dtype=np.int64)
            require_n(n, label, 2, "A gap score with a confidence interval")
            cov = b.m2 / (b.n - 1)
            mean_p = c_p + b.mean @ a_p
            mean_r = c_r + b.mean @ a_r
            mean_g = (c_p - c_r) + b.mean @ a_g
            var_g = np.einsum("ju,jk,ku->u", a_g, cov, a_g)
            sd = np.sqrt(np.maximum(var_g, 0.0))
            se = sd / np.sqrt(n)
            meets = b.meets[spec]
            table = gap_block(
                u,
                level,
                conf,
                perception=mean_p,
                reference=mean_r,
                gap=mean_g,
                sd=sd,
                se=se,
                n=n,
                share=meets / n,
                n_meeting=meets if self._instrument.perspective == "conformance" else None,
            )
            blocks.append(table)
            keys.append(key)
        return gap_result(
            self._instrument,
            level,
            u.reference_code,
            weighted,
            names,
            blocks,
            keys,
            conf,
            n=self.n,
            nan_policy="listwise",
            dropped_rows=self._dropped_rows,
            survey_weighted=False,
        )

    def paired_moments(
        self,
        level: Literal["item", "dimension", "overall"] = "item",
        reference: str | None = None,
        alternative: Literal["two-sided", "less", "greater"] = "two-sided",
    ) -> pd.DataFrame:
        """Paired t statistics of perception vs reference per unit, from the moments.

        Returns a DataFrame indexed by unit with ``mean_p``, ``mean_ref``, ``diff``,
        ``sd``, ``t``, ``df``, ``p_unc`` and ``cohen_dz``: the difference
        ``d = P − reference`` is linear in the ratings, so its mean is ``aᵀx̄`` and
        its variance ``aᵀCa``; ``t = d̄ / (s/√n)`` on ``n − 1`` degrees of freedom
        (R ``t.test(P, E, paired = TRUE)``) and ``dz = d̄ / s``.
        """
        from . import _summary_stats

        return _summary_stats.paired_moments(
            self, level=level, reference=reference, alternative=alternative
        )

    def paired_tests(
        self,
        level: Literal["item", "dimension", "overall"] = "item",
        method: Literal["t", "wilcoxon"] = "t",
        p_adjust: str | None = "holm",
        alternative: Literal["two-sided", "less", "greater"] = "two-sided",
        reference: str | None = None,
        confidence_level: float = 0.95,
    ) -> Any:
        """Paired t-tests from the moments; same result as :func:`servqual.paired_tests`.

        ``method="wilcoxon"`` ranks the differences and needs the data: it raises
        :class:`DataError`. See :meth:`paired_moments` for the formulas.

        Returns
        -------
        PairedTestResult
        """
        from . import _summary_stats

        return _summary_stats.paired_tests(
            self,
            level=level,
            method=method,
            p_adjust=p_adjust,
            alternative=alternative,
            reference=reference,
            confidence_level=confidence_level,
        )

    def cronbach_alpha(
        self,
        score: str = "perception",
        level: Literal["dimension", "overall"] = "dimension",
        *,
        ci: Literal["feldt", "duhachek"] = "feldt",
        confidence_level: float = 0.95,
    ) -> Any:
        """Cronbach's alpha (listwise) from the item covariance; as :func:`servqual.cronbach_alpha`.

        Each scale is ``sq.cronbach_alpha(covariance, n_obs=n)`` on the listwise
        covariance of its items; the table, item statistics and headline fields
        are those of ``sq.cronbach_alpha(survey, nan_policy="listwise")``.
        ``ci="bootstrap"`` resamples respondents and needs the data.

        Returns
        -------
        AlphaResult
        """
        from . import _summary_stats

        return _summary_stats.cronbach_alpha(
            self, score=score, level=level, ci=ci, confidence_level=confidence_level
        )

    def kmo(self, score: str = "perception") -> Any:
        """KMO measure of sampling adequacy from the listwise correlation matrix.

        ``sq.kmo(summary.correlation(score), n_obs=summary.n)``.
        """
        from .factor import kmo

        return kmo(self.correlation(score), n_obs=self.n)

    def bartlett_sphericity(self, score: str = "perception") -> Any:
        """Bartlett's sphericity test from the listwise correlation matrix (``n_obs=n``)."""
        from .factor import bartlett_sphericity

        return bartlett_sphericity(self.correlation(score), n_obs=self.n)

    def efa(self, n_factors: int = 1, *, score: str = "perception", **options: Any) -> Any:
        """Exploratory factor analysis of the listwise correlation matrix (``n_obs=n``).

        ``options`` go to :func:`servqual.efa` (``method``, ``rotation`` ...).
        """
        from .factor import efa

        return efa(self.correlation(score), n_factors, n_obs=self.n, **options)

    def key_drivers(
        self,
        outcome: str = "overall",
        predictors: str | Sequence[str] = "dimension",
        score: str = "perception",
        robust: Literal["HC0", "HC1", "HC2", "HC3"] | None = None,
        confidence_level: float = 0.95,
        dominance: bool | None = None,
    ) -> Any:
        """OLS key drivers from the moments; as :func:`servqual.key_drivers` with ``robust=None``.

        Needs the outcome in the summary (``outcomes=`` when summarising). The fit
        uses the respondents with every rating and the outcome present. Robust (HC)
        standard errors need each respondent's residual, so ``robust`` must be
        ``None`` (classical standard errors, R ``summary(lm(y ~ ., data))``).
        Relative weights and dominance analysis come from the correlation matrix.

        Returns
        -------
        KeyDriverResult
        """
        from ._summary_stats import key_drivers

        return key_drivers(self, outcome, predictors, score, robust, confidence_level, dominance)

    # ------------------------------------------------------------------ display
    def __repr__(self) -> str:
        inst = self._instrument
        seg = f" · by {', '.join(self._segment_names)}" if self._segment_names else ""
        return (
            f"SurveySummary {inst.name!r} · {len(self.labels)} rating columns · "
            f"n={self.n} ({self.n_dropped} of {self.n_read} rows dropped listwise){seg}"
        )


def out_const(u: Any) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(u.perception[0], dtype=np.float64), np.asarray(
        u.reference[0], dtype=np.float64
    )


def out_coef(u: Any) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(u.perception, dtype=np.float64)
    r = np.asarray(u.reference, dtype=np.float64)
    return p[1:] - p[0], r[1:] - r[0]


def warn_dropped(summary: SurveySummary, stacklevel: int = 3) -> None:
    """One MissingDataWarning for rows dropped listwise while summarising."""
    if summary.n_dropped:
        warnings.warn(
            f"The summary is listwise: {summary.n_dropped} of {summary.n_read} rows with a "
            f"missing rating were left out (rows {fmt_list(summary.dropped_rows)}).",
            MissingDataWarning,
            stacklevel=stacklevel,
        )
