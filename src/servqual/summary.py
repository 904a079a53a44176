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

import functools
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.linalg.blas import dsyrk

from . import _dask, _gap_engine, streaming
from ._moments import merge_moments, merge_variances, moments
from ._progress import Progress
from ._source import Groups, UnitMoments
from ._validation import fmt_list
from ._vocab import GAP_SCORES, check_by, parse_score
from .exceptions import (
    CapabilityError,
    DataError,
    InstrumentError,
    InsufficientDataError,
    MissingColumnError,
    MissingDataWarning,
    ServqualError,
)
from .instruments import Instrument, _as_instrument
from .survey import Survey

__all__ = ["SurveySummary", "merge_moments", "moments", "summarize_chunks", "summarize_csv"]

#: dropped-row labels kept for reporting (the count is always exact)
MAX_DROPPED_SHOWN = 1000

_REF_LETTER = {"expectation": "E", "adequate": "A", "desired": "D", "competitor": "C"}


@dataclass
class _Block:
    """Moments of one segment cell plus counts of respondents meeting the reference.

    ``gaps`` holds, per (level, reference, weighted), the mean and the sums of
    squared deviations of the gap scores themselves (over the same ``n``
    respondents): their variance from ``aᵀ M2 a`` cancels catastrophically when a
    gap is nearly constant while the ratings vary, their own deviations do not.
    """

    n: int
    mean: np.ndarray
    m2: np.ndarray
    meets: dict[tuple[str, str, bool], np.ndarray] = field(default_factory=dict)
    #: outcome name -> (n, mean, M2) of [ratings, outcome] over rows with the outcome
    #: present, and the number of rows without it
    outcomes: dict[str, tuple[int, np.ndarray, np.ndarray, int]] = field(default_factory=dict)
    #: (level, reference, weighted) -> (mean, Σ (g − ḡ)²) of the units' gap scores
    gaps: dict[tuple[str, str, bool], tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def merged(self, other: _Block) -> _Block:
        n, mean, m2 = merge_moments((self.n, self.mean, self.m2), (other.n, other.mean, other.m2))
        meets = {k: self.meets[k] + other.meets[k] for k in self.meets}
        gaps = {
            k: merge_variances((self.n, *g), (other.n, *other.gaps[k]))[1:]
            for k, g in self.gaps.items()
            if k in other.gaps
        }
        if set(self.outcomes) != set(other.outcomes):
            raise DataError(
                f"Cannot merge summaries with different outcomes ({sorted(self.outcomes)} and "
                f"{sorted(other.outcomes)})."
            )
        outs = {}
        for k, a in self.outcomes.items():
            b = other.outcomes[k]
            outs[k] = (*merge_moments(a[:3], b[:3]), a[3] + b[3])
        return _Block(n, mean, m2, meets, outs, gaps)


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


#: rows per block of :func:`_block`: a few MB of temporaries whatever the partition size
BLOCK_ROWS = 16_384


def _block(
    mats: list[np.ndarray],
    rows: np.ndarray | None,
    gap_coef: tuple[np.ndarray, np.ndarray] | None,
    specs: list[tuple[str, str, bool]],
    where: list[slice],
    y: pd.DataFrame | None = None,
    *,
    block_rows: int = BLOCK_ROWS,
) -> _Block:
    """Moments of the stacked ratings ``mats`` (one matrix per rating) at ``rows`` (all
    rows when None; complete rows only), of their gap scores ``g = x @ coef + const``
    (all units of ``specs`` side by side) and the counts with ``g ≥ −1e-12``.

    The rows are taken ``block_rows`` at a time into one reused buffer; each
    block's moments (about the block's own mean) are merged with the
    Chan–Golub–LeVeque update, so no copy of the data is made.
    """
    n_rows = len(mats[0]) if rows is None else len(rows)
    cuts = np.concatenate([[0], np.cumsum([m.shape[1] for m in mats])])
    p = int(cuts[-1])
    size = max(1, min(block_rows, n_rows))
    ones = np.ones(size)
    buf = np.empty((size, p))
    acc: tuple[int, np.ndarray, np.ndarray] = (0, np.zeros(p), np.zeros((p, p)))
    gacc: tuple[int, np.ndarray, np.ndarray] | None = None
    total: np.ndarray | None = None
    if gap_coef is not None:
        coef, const = gap_coef
        k = coef.shape[1]
        gbuf = np.empty((size, k))
        bbuf = np.empty((size, k))  # 1.0 where the gap meets the reference
        gacc = (0, np.zeros(k), np.zeros(k))
        total = np.zeros(k)
        has_const = bool(np.any(const))
    for a in range(0, n_rows, size):
        m = min(size, n_rows - a)
        xb = buf[:m]
        for mat, lo, hi in zip(mats, cuts[:-1], cuts[1:], strict=True):
            xb[:, lo:hi] = mat[a : a + m] if rows is None else mat[rows[a : a + m]]
        mean = (ones[:m] @ xb) / m
        if gap_coef is not None:
            # the gap scores themselves, as the in-memory path computes them: their
            # own deviations give the variance (no cancellation in aᵀ M2 a)
            assert gacc is not None and total is not None
            g = np.matmul(xb, coef, out=gbuf[:m])
            if has_const:
                g += const
            # counts as a BLAS product with ones (a numpy count down the rows is slower)
            total += ones[:m] @ np.greater_equal(g, -1e-12, out=bbuf[:m], casting="unsafe")
            g_mean = (ones[:m] @ g) / m
            g -= g_mean
            gacc = merge_variances(gacc, (m, g_mean, np.einsum("ij,ij->j", g, g)))
        xb -= mean
        # Σ (x − x̄)(x − x̄)ᵀ: upper triangle by BLAS syrk on the (p, m) F-ordered view
        up = dsyrk(1.0, xb.T, trans=0)
        acc = merge_moments(acc, (m, mean, np.triu(up) + np.triu(up, 1).T))
    n, mean_all, m2_all = acc
    outs: dict[str, tuple[int, np.ndarray, np.ndarray, int]] = {}
    if y is not None:
        yy = y if rows is None else y.iloc[rows]
        x = np.hstack([mat if rows is None else mat[rows] for mat in mats])
        for name in yy.columns:
            v = yy[name].to_numpy(dtype=np.float64)
            ok = np.isfinite(v)
            outs[str(name)] = (*moments(np.column_stack([x[ok], v[ok]])), int((~ok).sum()))
    counts: dict[tuple[str, str, bool], np.ndarray] = {}
    gap_moments: dict[tuple[str, str, bool], tuple[np.ndarray, np.ndarray]] = {}
    if gacc is not None and total is not None:
        _, g_mean_all, g_ss = gacc
        for spec, sl in zip(specs, where, strict=True):
            counts[spec] = total[sl].astype(np.int64)
            gap_moments[spec] = (g_mean_all[sl], g_ss[sl])
    return _Block(n, mean_all, m2_all, counts, outs, gap_moments)


def _py(v: Any) -> Any:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    return v.item() if isinstance(v, np.generic) else v


def _sort_key(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((0, v) if not isinstance(v, str) else (1, v) for v in key)


def _summarize_part(
    instrument: Instrument,
    columns: Any,
    segments: Any,
    options: dict[str, Any],
    data: pd.DataFrame,
    *,
    quiet: bool = True,
) -> SurveySummary:
    """Summary of one block of rows (a chunk, a Dask partition or a whole frame).

    ``quiet`` silences the per-block warnings (listwise deletion, respondents
    without importance points) that the caller reports once for the whole data.
    """
    names = () if segments is None else (segments,) if isinstance(segments, str) else segments
    if len(data) == 0:
        return SurveySummary.empty(instrument, tuple(map(str, names)))
    opts = dict(options)
    opts.setdefault("nan_policy", "pairwise")
    with warnings.catch_warnings():
        if quiet or opts["nan_policy"] == "listwise":
            warnings.filterwarnings("ignore", ".*dropped", MissingDataWarning)
        warnings.filterwarnings("ignore", r".*gave no importance points", MissingDataWarning)
        survey = Survey(data, instrument, columns, segments, **opts)
    return SurveySummary.from_survey(survey)


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
    >>> df = sq.datasets.simulate(300, rng=1)
    >>> parts = [sq.SurveySummary.from_frame(df.iloc[a:b], "servqual22")
    ...          for a, b in [(0, 100), (100, 250), (250, 300)]]
    >>> merged = sq.SurveySummary.merge_all(parts)
    >>> whole = sq.SurveySummary.from_frame(df, "servqual22")
    >>> bool(abs(sq.gap_scores(merged).gap - sq.gap_scores(whole).gap).max() < 1e-12)
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
        mats = [survey.matrix(r) for r in inst.ratings]  # read-only views, never copied whole
        index = survey.index
        n_all = survey.n_respondents
        if survey._has_nan:  # the Survey checked once while validating
            complete = ~np.logical_or.reduce([np.isnan(m).any(axis=1) for m in mats])
        else:
            complete = np.ones(n_all, dtype=bool)
        n_complete = int(complete.sum())
        n_drop_here = n_all - n_complete
        dropped = list(survey.dropped_rows)
        n_read = survey.n_respondents + len(survey.dropped_rows)
        if n_drop_here:
            dropped += list(index[~complete][:MAX_DROPPED_SHOWN])
        segs = survey.segments
        names: tuple[str, ...] = () if segs is None else tuple(map(str, segs.columns))
        has_imp = survey.importance is not None
        specs = _share_specs(inst, weighted_ok=inst.weights is not None and not has_imp)
        gap_coef: tuple[np.ndarray, np.ndarray] | None = None
        where: list[slice] = []
        if specs and n_complete:
            # every unit's gap is affine in the ratings: one matrix product gives them all
            coef, const, where = _gap_coefficients(inst, specs)
            gap_coef = (coef, const)
        y = survey.outcomes
        blocks: dict[tuple[Any, ...], _Block] = {}
        if n_complete and segs is None:
            rows = None if not n_drop_here else np.flatnonzero(complete)
            blocks[()] = _block(mats, rows, gap_coef, specs, where, y)
        elif n_complete:
            assert segs is not None
            if n_drop_here:
                segs = segs.loc[complete]
            codes, keys = _segment_codes(segs)
            order = np.argsort(codes, kind="stable")
            bounds = np.searchsorted(codes[order], np.arange(len(keys) + 1))
            kept = np.flatnonzero(complete)
            for g, key in enumerate(keys):
                rows = kept[order[bounds[g] : bounds[g + 1]]]
                blocks[key] = _block(mats, rows, gap_coef, specs, where, y)
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
        data: Any,
        instrument: Instrument | str,
        columns: Any = None,
        *,
        segments: Any = None,
        split_every: int = 8,
        **survey_options: Any,
    ) -> SurveySummary:
        """Validate a pandas or Dask DataFrame with :class:`~servqual.Survey` and summarise it.

        Takes the same arguments as ``Survey``; the summary is listwise whatever
        ``nan_policy`` (``"raise"`` still rejects missing ratings), and rows left
        out are reported in one :class:`~servqual.MissingDataWarning`. A Dask
        DataFrame is summarised partition by partition on the active scheduler and
        the partition summaries are merged ``split_every`` at a time (a tree
        reduction); a validation error names rows by their 0-based position in
        the frame (or by index label when the frame has known divisions).
        """
        inst = _as_instrument(instrument)
        if _dask.is_dask_frame(data):
            build = functools.partial(_summarize_part, inst, columns, segments, survey_options)
            out = _dask.summarize_partitions(
                data, build, SurveySummary.merge_all, split_every=split_every
            )
        else:
            out = _summarize_part(inst, columns, segments, survey_options, data, quiet=False)
        warn_dropped(out, stacklevel=2)
        return out

    @classmethod
    def from_csv(
        cls, path: str | Path, instrument: Instrument | str, **options: Any
    ) -> SurveySummary:
        """Read a CSV of any length in chunks into a summary; see :func:`summarize_csv`."""
        return summarize_csv(path, instrument, **options)

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
        names = check_by(by)
        missing = [b for b in names if b not in self._segment_names]
        if missing:
            raise MissingColumnError(
                f"No segment {fmt_list(missing)}; segments are {list(self._segment_names)}. "
                "Name segment columns with segments= (Survey, SurveySummary.from_frame, "
                "summarize_csv)."
            )
        pos = [self._segment_names.index(b) for b in names]
        cells: dict[tuple[Any, ...], _Block] = {}
        no_segment = 0
        for key in self.segment_keys:
            sub = tuple(key[k] for k in pos)
            if any(v is None for v in sub):
                no_segment += int(self._blocks[key].n)
                continue
            b = self._blocks[key]
            cells[sub] = cells[sub].merged(b) if sub in cells else b
        if no_segment:
            warnings.warn(
                f"{no_segment} of {self.n} respondents have no value for segment "
                f"{fmt_list(names)}; they are in no segment's rows (recode the missing "
                "values to a label to keep them).",
                MissingDataWarning,
                stacklevel=4,
            )
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
    def _linear(
        self, fn: Any
    ) -> tuple[Any, tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
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

    # ------------------------------------------------------------------ source protocol
    @property
    def survey_weighted(self) -> bool:
        """Always False: survey weights need the data (design-based standard errors)."""
        return False

    def require_rows(self, statistic: str, instead: str) -> None:
        """Raise CapabilityError: ``statistic`` needs the respondents' rows."""
        raise CapabilityError(
            f"{statistic} cannot be computed from a SurveySummary: it needs each "
            "respondent's answers, and a summary holds only their moments (n, means, "
            f"covariances). {instead}"
        )

    def unit_moments(
        self,
        level: str,
        reference: str,
        weighted: bool,
        by: str | Sequence[str] | None,
        confidence_level: float,
    ) -> Groups:
        """Moments of perception, reference and gap per unit and segment, from the moments.

        Each unit's perception and reference are affine in the stacked ratings,
        ``p = c_p + A_pᵀ x``, so the mean gap is ``(c_p − c_r) + (A_p − A_r)ᵀ x̄`` and
        its variance would be ``aᵀ C a`` with ``C = M2/(n − 1)`` — which cancels
        catastrophically when the gap is nearly constant while the ratings vary, so
        the variance comes from the sums of squared deviations of the gap scores
        themselves, kept (and merged) per block while summarising, as are the counts
        of respondents meeting the reference. Importance weights
        that differ per respondent are not linear in the ratings: ``weighted=True``
        then raises :class:`~servqual.CapabilityError`.
        """
        if weighted and self._has_importance:
            self.require_rows(
                "Importance weighting with points that differ per respondent",
                "Analyse the Survey in memory, or give the instrument fixed weights "
                "(Instrument(weights=...)), which are the same for every respondent.",
            )
        u, (c_p, c_r), (a_p, a_r) = self._linear(
            lambda v: _gap_engine.units(v, level, reference=reference, weighted=weighted)
        )
        a_g = a_p - a_r
        names, groups = self._grouped(by)
        spec = (level, reference, bool(weighted))
        out = []
        for key, b in groups:
            n = np.full(len(u.labels), b.n, dtype=np.int64)
            with np.errstate(divide="ignore", invalid="ignore"):  # n < 2: the statistic refuses
                if spec in b.gaps:  # the gap scores' own deviations: no cancellation
                    sd = np.sqrt(b.gaps[spec][1] / (b.n - 1))
                else:  # pragma: no cover - every spec is summarised with its gap moments
                    cov = b.m2 / (b.n - 1)
                    sd = np.sqrt(np.maximum(np.einsum("ju,jk,ku->u", a_g, cov, a_g), 0.0))
            meets = b.meets[spec]
            out.append(
                (
                    key,
                    UnitMoments(
                        labels=u.labels,
                        dimensions=u.dimensions,
                        reference_code=u.reference_code,
                        n=n,
                        perception=c_p + b.mean @ a_p,
                        reference=c_r + b.mean @ a_r,
                        gap=(c_p - c_r) + b.mean @ a_g,
                        sd=sd,
                        se=sd / np.sqrt(n),
                        n_meeting=np.asarray(meets, dtype=np.int64),
                        share=meets / n,
                    ),
                )
            )
        return names, out

    def item_moments(self, score: str, codes: list[str]) -> tuple[np.ndarray, np.ndarray, int]:
        """(means, covariance, n) of the item-level ``score`` of ``codes`` (listwise)."""
        all_codes, c, a = self._item_linear(score)
        missing = [k for k in codes if k not in all_codes]
        if missing:
            raise InstrumentError(f"Score {score!r} has no values for item(s) {fmt_list(missing)}.")
        pos = [all_codes.index(k) for k in codes]
        a = a[:, pos]
        b = self._total()
        cov = a.T @ self._cov(b) @ a
        return c[pos] + b.mean @ a, (cov + cov.T) / 2.0, b.n

    def regression_moments(
        self, outcome: str, level: str, score: str, include: Sequence[str] | None
    ) -> tuple[int, int, np.ndarray, np.ndarray, list[str]]:
        """``(n, n_missing, means, covariance, labels)`` of ``[predictor scores, outcome]``.

        The predictors (dimension or item scores of ``score``) are linear in the
        ratings, so their moments follow from the moments of ``[ratings, outcome]``
        kept for the respondents with the outcome present.
        """
        total = self._total()
        if not total.outcomes and self.n == 0:
            raise InsufficientDataError("The summary has no respondents.")
        if outcome not in total.outcomes:
            raise MissingColumnError(
                f"No outcome {outcome!r}; outcomes are {sorted(total.outcomes)}. Name outcome "
                "columns with outcomes= (Survey, SurveySummary.from_frame, summarize_csv)."
            )
        n, mean_ext, m2_ext, n_missing = total.outcomes[outcome]
        kind, key = parse_score(score)
        view = self._view()
        if kind == "gap":
            u = _gap_engine.units(view, level, reference=GAP_SCORES[key])
            labels = list(u.labels)
            per = np.asarray(u.perception, dtype=np.float64)
            ref = np.asarray(u.reference, dtype=np.float64)
            a = (per[1:] - per[0]) - (ref[1:] - ref[0])
        else:
            labels, x = _gap_engine.rating_units(view, key, level)
            labels = list(labels)
            x = np.asarray(x, dtype=np.float64)
            a = x[1:] - x[0]
        if include is not None:
            from_level = list(include)
            missing = [c for c in from_level if c not in labels]
            if missing or len(set(from_level)) != len(from_level) or not from_level:
                raise DataError(
                    f"include={from_level!r} must list distinct {level}s of the instrument; "
                    f"the {level}s are {fmt_list(labels, 12)}."
                )
            a = a[:, [labels.index(c) for c in from_level]]
            labels = from_level
        p_raw, k = a.shape
        b = np.zeros((p_raw + 1, k + 1))
        b[:p_raw, :k] = a
        b[p_raw, k] = 1.0
        if n < 2:
            raise InsufficientDataError(
                f"key_drivers needs at least {k + 2} respondents with {outcome!r}; found {n}."
            )
        return int(n), int(n_missing), b.T @ mean_ext, b.T @ (m2_ext / (n - 1)) @ b, labels

    # ------------------------------------------------------------------ display
    def __repr__(self) -> str:
        inst = self._instrument
        seg = f" · by {', '.join(self._segment_names)}" if self._segment_names else ""
        return (
            f"SurveySummary {inst.name!r} · {len(self.labels)} rating columns · "
            f"n={self.n} ({self.n_dropped} of {self.n_read} rows dropped listwise){seg}"
        )


# --------------------------------------------------------------------------- reading
def summarize_chunks(
    chunks: Iterable[pd.DataFrame],
    instrument: Instrument | str,
    columns: Any = None,
    segments: Any = None,
    **survey_options: Any,
) -> SurveySummary:
    """Summarise an iterable of DataFrames (blocks of respondents) into one summary.

    Each block is validated by :class:`~servqual.Survey` with the given options;
    errors name the block's index labels, so give the blocks global row labels.
    """
    inst = _as_instrument(instrument)
    total: SurveySummary | None = None
    with Progress(None, desc="summarising rows") as bar:
        for chunk in chunks:
            if len(chunk) == 0:
                continue
            bar.step(k=len(chunk))
            part = _summarize_part(inst, columns, segments, survey_options, chunk)
            del chunk  # release the rows before the next chunk is read
            total = part if total is None else total.merge(part)
    if total is None:
        raise DataError("The data has no rows (respondents).")
    return total


def summarize_csv(
    path: str | Path,
    instrument: Instrument | str,
    *,
    columns: Any = None,
    segments: Any = None,
    chunksize: int = 250_000,
    encoding: str = "utf-8",
    sep: str | None = None,
    index_col: str | int | None = None,
    na_values: Any = None,
    usecols: Any = None,
    prefetch: bool = True,
    decimal: str = ".",
    **survey_options: Any,
) -> SurveySummary:
    """Read a CSV of any length in chunks into a :class:`~servqual.SurveySummary`.

    Parameters
    ----------
    path : str or Path
        A CSV export, one row per respondent.
    instrument : Instrument or str
        The instrument or a built-in name (``"servqual22"``).
    columns : str, mapping or regex, optional
        Where the ratings are, as in :class:`~servqual.Survey`.
    segments : str or list of str, optional
        Segment columns (store, month ...) to split the moments by. Their labels
        are read as text (``"1"``, not ``1``) so that every chunk agrees.
    chunksize : int
        Rows per chunk; memory use is proportional to it, not to the file length.
    encoding, sep, index_col, na_values, usecols, decimal
        Passed to :func:`pandas.read_csv` (``decimal=","`` for decimal commas); ``sep=None`` detects comma, semicolon,
        tab or pipe from the start of the file. Without ``index_col``, error messages
        name rows by their 0-based row number in the file (as ``pandas.read_csv``
        of the whole file would label them).
    prefetch : bool
        Parse the next chunk in a background thread while the current one is
        summarised (one more chunk in memory).
    **survey_options
        Passed to :class:`~servqual.Survey` for each chunk (``out_of_range``,
        ``missing_codes``, ``nan_policy`` ...). Survey weights are not supported.

    Returns
    -------
    SurveySummary
        Listwise: rows with any missing rating are counted in ``n_dropped`` (one
        :class:`MissingDataWarning` for the whole file).

    Raises
    ------
    DataError
        The file does not exist, is empty, or is not valid text in ``encoding``.
    MissingColumnError, NonNumericError, ScaleRangeError
        As :class:`~servqual.Survey`, naming the column and the global rows.

    See Also
    --------
    servqual.SurveySummary : the statistics computed from the summary.

    Notes
    -----
    Chunk summaries are merged with the pairwise update of Chan, Golub & LeVeque
    (1979), so the result equals the summary of the whole file (and the
    statistics equal the in-memory path with ``nan_policy="listwise"``) up to
    floating-point rounding.

    Examples
    --------
    >>> import os, tempfile
    >>> import servqual as sq
    >>> path = os.path.join(tempfile.mkdtemp(), "panel.csv")
    >>> sq.datasets.simulate(1000, rng=2).to_csv(path, index=False)
    >>> s = sq.summarize_csv(path, "servqual22", chunksize=300)
    >>> s.n
    1000
    >>> sq.gap_scores(s, level="overall").overall < 0
    True
    """
    inst = _as_instrument(instrument)
    chunks = streaming.iter_chunks(
        path,
        chunksize=chunksize,
        encoding=encoding,
        sep=sep,
        index_col=index_col,
        na_values=na_values,
        usecols=usecols,
        # segment labels as text in every chunk: type inference per chunk would
        # otherwise split one segment into 1 and '1' when a later chunk has text
        dtype=streaming.segment_dtypes(segments),
        decimal=decimal,
    )
    if prefetch:
        chunks = streaming.prefetch(chunks)
    chunks = streaming.check_split_lines(chunks, streaming.as_path(path).name)
    summary = summarize_chunks(chunks, inst, columns, segments, **survey_options)
    warn_dropped(summary, stacklevel=2)
    return summary


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
            f"missing rating were left out (rows "
            f"{fmt_list(summary.dropped_rows, total=summary.n_dropped)}).",
            MissingDataWarning,
            stacklevel=stacklevel,
        )


def as_source(data: Any, statistic: str) -> Survey | SurveySummary:
    """``data`` as a moment source (a Survey or a SurveySummary), else a DataError saying
    how to build one; a Dask frame is pointed to :meth:`SurveySummary.from_frame`."""
    if isinstance(data, Survey | SurveySummary):
        return data
    if _dask.is_dask_frame(data):
        raise DataError(
            f"{statistic} of a Dask DataFrame: summarise it first with "
            "sq.SurveySummary.from_frame(ddf, instrument), then pass the summary."
        )
    raise DataError(
        f"{statistic} needs a servqual Survey or SurveySummary, got {type(data).__name__}; "
        "build one with sq.Survey(df, instrument) or sq.read_survey(path, instrument)."
    )
