"""Gap scores: perception minus reference, at item, dimension and overall level.

``gap = perception − reference`` where the instrument's perspective says what the
reference is (expectation, adequate, desired, best competitor, specification,
scale maximum or the respondent's sacrifice score). Dimension scores are the mean
of the dimension's items per respondent; the unweighted overall score is the mean
of the dimension scores; the importance-weighted overall score is
``Σ_d (w_d / 100) · score_d`` per respondent (Parasuraman, Zeithaml & Berry, 1988).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _gap_engine
from ._invariance_note import comparison_note
from ._results import TableResult, result_class
from ._source import UnitMoments
from ._stats import (
    column_means,
    require_n,
    t_interval,
    wilson_interval,
)
from ._tables import gap_note
from ._validation import check_choice, check_confidence
from ._vocab import GAP_SCORES, Level, check_flag, check_level, parse_reference, parse_score
from .exceptions import InstrumentError, InsufficientDataError
from .instruments import Instrument, reference_name
from .summary import SurveySummary, as_source
from .survey import Survey, require_survey

__all__ = [
    "GapResult",
    "ToleranceResult",
    "gap_scores",
    "respondent_scores",
    "tolerance_zone",
]


@result_class
class GapResult(TableResult):
    """Gap scores with t confidence intervals.

    Table columns: ``dimension`` (item level), ``perception``, ``reference``,
    ``gap``, ``sd``, ``se``, ``n``, ``ci_low``, ``ci_high``, ``share_meeting``
    (share of respondents whose perception meets or exceeds the reference), and for
    conformance instruments ``share_ci_low``/``share_ci_high`` (Wilson; with survey
    weights the logit interval of R ``svyciprop``). Indexed by
    item code / dimension name / ``"overall"``, under the segment levels when ``by``
    is given.
    """

    instrument: str
    perspective: str
    level: str
    reference: str
    reference_name: str
    weighted: bool
    by: tuple[str, ...] | None
    confidence_level: float
    n: int
    nan_policy: str
    dropped_rows: tuple[Any, ...]
    survey_weighted: bool
    invariance_note: str = ""

    _plot_function = "plot_gaps"

    @property
    def header(self) -> str:
        w = " · importance-weighted" if self.weighted else ""
        sw = " · survey-weighted" if self.survey_weighted else ""
        seg = f" · by {', '.join(self.by)}" if self.by else ""
        used = np.unique(self._table["n"].to_numpy())
        if len(used) == 1:
            n = f"n={used[0]}" + ("" if used[0] == self.n else f" of {self.n}")
        else:
            n = f"n≤{used.max()} of {self.n}"
        head = (
            f"{self.title} · {self.level}{w}{seg} · {n} · "
            f"{self.confidence_level:.0%} t-CI{sw} · nan_policy={self.nan_policy}"
        )
        return head + (f"\n{self.invariance_note}" if self.invariance_note else "")

    @property
    def _note(self) -> str:
        return gap_note(self.reference, self.reference_name, self.confidence_level, self.weighted)

    @property
    def title(self) -> str:
        """What the gap measures, e.g. ``"Gap scores (P − E: expectation)"`` or
        ``"Value index (quality − sacrifice)"``."""
        ref, name = self.reference, self.reference_name
        if ref == "sacrifice":
            return "Value index (quality − sacrifice)"
        if ref == "A":
            return "MSA (P − A: adequate)"
        if ref == "D" and self.perspective == "expectations":
            return "MSS (P − D: desired)"
        if ref == "D":
            return "Gap to the ideal (P − D: desired)"
        if ref == "C":
            return "Gap to the best competitor (P − C)"
        if ref == "spec":
            return "Gap to specification (P − spec)"
        if ref == "max":
            return "Gap to the scale maximum (P − max)"
        return f"Gap scores (P − {ref}: {name})"

    @property
    def gap(self) -> pd.Series:
        """Mean gap per row of the table."""
        return self._table["gap"].copy()

    @property
    def overall(self) -> float:
        """The mean gap when the result has a single row (level='overall', no segments)."""
        if len(self._table) != 1:
            raise InstrumentError(
                "overall is defined for a single-row result; use gap_scores(level='overall')."
            )
        return float(self._table["gap"].iloc[0])


def gap_scores(
    survey: Survey | SurveySummary,
    *,
    level: Level = "dimension",
    by: str | Sequence[str] | None = None,
    weighted: bool = False,
    reference: str | None = None,
    confidence_level: float = 0.95,
    invariance: Any = None,
) -> GapResult:
    """Mean gap scores (perception − reference) with t confidence intervals.

    Parameters
    ----------
    survey : Survey or SurveySummary
        Validated responses, or their mergeable moments (a streamed CSV, a Dask
        DataFrame; listwise, see :class:`~servqual.SurveySummary`).
    level : {"item", "dimension", "overall"}
        Item gaps; dimension gaps (respondent's dimension score = mean of its items);
        or the overall gap (mean of the dimension gaps, or importance-weighted).
    by : str or list of str, optional
        Segment variable(s) of the survey; one block of rows per segment.
    weighted : bool
        Importance-weight the scores with the respondents' 100-point allocation
        (``Survey(importance=...)``) or the instrument's weights. At overall level
        this is the weighted SERVQUAL score ``Σ_d (w_d/100)·gap_d``; at dimension
        and item level the rows are the contributions to it (they sum to it).
    reference : str, optional
        What perceptions are compared with, if not the instrument's default:
        ``"E"``, ``"A"`` (MSA), ``"D"`` (MSS / excellence), ``"C"`` (best
        competitor), ``"spec"``, ``"max"``, ``"sacrifice"``; names such as
        ``"expectation"`` work too.
    confidence_level : float
        Confidence level of the t interval of each mean.
    invariance : InvarianceResult or list of them, optional
        A measurement-invariance test of the segments
        (:func:`~servqual.measurement_invariance`). By default, with ``by=``, the
        results recorded on the survey for those segments are used
        (``survey.invariance``: the one for ``(segment, "gap")``, else every one
        recorded for the segment, e.g. perceptions and expectations). When tested, the
        header says whether scalar invariance was established (``invariance_note``) and
        an :class:`~servqual.InvarianceWarning` is raised when it was not; untested
        segments (and a :class:`~servqual.SurveySummary`, which has no rows to test)
        get no note.

    Returns
    -------
    GapResult
        ``to_frame()`` columns: perception, reference, gap, sd, se, n, ci_low,
        ci_high, share_meeting (+ share_ci_low, share_ci_high for conformance).

    Raises
    ------
    InstrumentError
        The instrument has no reference (SERVPERF) or not the one asked for.
    ImportanceWeightError
        ``weighted=True`` without importance points.
    InsufficientDataError
        A unit or segment has fewer than 2 respondents with complete data.

    Notes
    -----
    For each unit the mean gap ``ḡ`` and its standard error ``s/√n`` give the
    interval ``ḡ ± t_{1-α/2,n-1}·s/√n``, the same as R's
    ``t.test(P, E, paired = TRUE)$conf.int``. With survey weights the mean is the
    weighted mean and the standard error is the linearisation estimate (R
    ``survey::svymean``). Under ``nan_policy="pairwise"`` each unit uses the
    respondents with all its ratings present, so ``n`` may differ between rows, and
    the estimate is computed on those respondents alone (as ``svymean`` on the
    complete cases). With ``by=`` each segment is likewise estimated on its own
    respondents: R ``svyby(~g, ~segment, svydesign(ids = ~1, strata = ~segment,
    weights = ~w), svymean)``; an unstratified ``svyby`` (domain estimation)
    differs by the factor ``√[(n/(n−1)) / (n_d/(n_d−1))]`` on the standard error,
    under 1% for segments of 50 or more. With ``weighted=True`` respondents who
    left their importance row empty are left out. The share meeting a conformance
    spec has a Wilson interval (``prop.test``-style score interval,
    ``statsmodels`` ``proportion_confint(method="wilson")``); with survey weights,
    the logit interval ``expit(logit p̂ ± t_{n−1}·se/(p̂(1−p̂)))`` of R
    ``svyciprop(~I(P >= spec), design, method = "logit")``.

    References
    ----------
    Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL. Journal of
    Retailing, 64(1), 12-40. Parasuraman, Zeithaml & Berry (1994), Journal of
    Retailing, 70(3), 201-230 (MSA and MSS).

    Examples
    --------
    >>> import servqual as sq
    >>> survey = sq.datasets.load_example("retail_bank")
    >>> res = sq.gap_scores(survey, level="dimension")
    >>> res.to_frame()[["perception", "reference", "gap"]].round(2).index.tolist()
    ['tangibles', 'reliability', 'responsiveness', 'assurance', 'empathy']
    """
    src = as_source(survey, "gap_scores")
    level = check_level(level)
    weighted = check_flag(weighted, "weighted")
    conf = check_confidence(confidence_level)
    ref = _gap_engine.resolve_reference(src.instrument, parse_reference(reference))
    names, groups = src.unit_moments(level, ref, weighted, by, conf)
    conformance = src.instrument.perspective == "conformance"
    for key, m in groups:  # the sources give moments; the statistic says what it needs
        label = m.labels if key is None else [f"{key} / {lab}" for lab in m.labels]
        require_n(m.n, label, 2, "A gap score with a confidence interval")
    blocks = [gap_block(m, level, conf, conformance=conformance) for _key, m in groups]
    note = comparison_note(src, by, "gap", invariance)
    result = gap_result(
        src.instrument,
        level,
        ref,
        weighted,
        names,
        blocks,
        [key for key, _m in groups],
        conf,
        n=src.n_respondents,
        nan_policy=src.nan_policy,
        dropped_rows=tuple(src.dropped_rows),
        survey_weighted=src.survey_weighted,
    )
    return dataclasses.replace(result, invariance_note=note) if note else result


def gap_block(
    m: UnitMoments, level: str, confidence_level: float, *, conformance: bool
) -> pd.DataFrame:
    """One block (segment) of the gap table from its unit moments.

    The t interval is ``ḡ ± t_{1−α/2, n−1}·se``; for conformance the share meeting
    the spec gets Wilson's interval from the counts, or the survey-weighted
    interval the source computed.
    """
    lo, hi = t_interval(m.gap, m.se, m.n, confidence_level)
    table = pd.DataFrame(
        {
            "perception": m.perception,
            "reference": m.reference,
            "gap": m.gap,
            "sd": m.sd,
            "se": m.se,
            "n": np.asarray(m.n).astype(np.int64),
            "ci_low": lo,
            "ci_high": hi,
            "share_meeting": m.share,
        },
        index=pd.Index(m.labels, name=out_index_name(level)),
    )
    if conformance:
        if m.share_interval is None:
            slo, shi = wilson_interval(m.n_meeting, m.n, confidence_level)
        else:
            slo, shi = m.share_interval
        table["share_ci_low"] = slo
        table["share_ci_high"] = shi
    if level == "item":
        table.insert(0, "dimension", m.dimensions)
    return table


def gap_result(
    instrument: Instrument,
    level: str,
    reference_code: str,
    weighted: bool,
    names: tuple[str, ...] | None,
    blocks: list[pd.DataFrame],
    keys: list[Any],
    confidence_level: float,
    *,
    n: int,
    nan_policy: str,
    dropped_rows: tuple[Any, ...],
    survey_weighted: bool,
) -> GapResult:
    """Assemble segment blocks into a GapResult (shared with SurveySummary)."""
    if names is None:
        out = blocks[0]
    else:
        if not blocks:
            raise InsufficientDataError(f"No respondent has a value for segment(s) {list(names)}.")
        out = pd.concat(blocks, keys=keys, names=[*names, out_index_name(level)])
    return GapResult(
        _table=out,
        instrument=instrument.name,
        perspective=instrument.perspective,
        level=level,
        reference=reference_code,
        reference_name=reference_name(reference_code),
        weighted=bool(weighted),
        by=names,
        confidence_level=confidence_level,
        n=n,
        nan_policy=nan_policy,
        dropped_rows=dropped_rows,
        survey_weighted=survey_weighted,
    )


def out_index_name(level: str) -> str | None:
    return None if level == "overall" else level


def respondent_scores(
    survey: Survey,
    *,
    level: Level = "dimension",
    score: str = "gap",
    reference: str | None = None,
    weighted: bool = False,
) -> pd.DataFrame:
    """Per-respondent scores as a DataFrame (respondents × units).

    Parameters
    ----------
    survey : Survey
    level : {"item", "dimension", "overall"}
    score : str
        ``"gap"`` (perception − reference), ``"msa"``, ``"mss"``, ``"reference"``,
        or a rating name (``"perception"``, ``"expectation"``, ``"adequate"``,
        ``"desired"``, ``"competitor"``, ``"importance"``).
    reference : str, optional
        Reference for ``score="gap"``/``"reference"`` (default: the instrument's).
    weighted : bool
        Importance-weighted scores (contributions at item/dimension level).

    Returns
    -------
    pandas.DataFrame
        Indexed by the survey's respondent labels; one column per quality item,
        quality dimension, or ``"overall"``. NaN where a respondent lacks a rating
        the score needs.

    Examples
    --------
    >>> import servqual as sq
    >>> survey = sq.datasets.load_example("retail_bank")
    >>> sq.respondent_scores(survey, level="overall").shape[1]
    1
    """
    survey = require_survey(survey)
    check_choice(level, "level", _gap_engine.LEVELS)
    weighted = check_flag(weighted, "weighted")
    kind, key = parse_score(score, extra=("reference",))
    if kind in ("gap", "extra"):
        ref = GAP_SCORES.get(key) or parse_reference(reference)
        u = _gap_engine.units(survey, level, reference=ref, weighted=weighted)
        values = u.reference if key == "reference" else u.perception - u.reference
        labels = u.labels
    else:
        labels, values = _gap_engine.rating_units(survey, key, level, weighted)
    return pd.DataFrame(np.array(values), index=survey.index, columns=labels)


@result_class
class ToleranceResult(TableResult):
    """Zone of tolerance per item or dimension.

    Table columns: ``adequate``, ``desired``, ``perceived`` (means), ``msa`` =
    P − A, ``mss`` = P − D, ``zone_width`` = D − A, ``position`` of the mean
    perception (``"below"`` the zone, ``"within"``, ``"above"``, or ``"inverted"``
    when mean adequate exceeds mean desired), ``n``, and the shares of respondents
    ``share_below`` (P < A), ``share_within`` (A ≤ P ≤ D), ``share_above`` (P > D)
    and ``share_inverted`` (A > D, flagged and not classified), with their counts.
    """

    instrument: str
    level: str
    by: tuple[str, ...] | None
    n: int
    nan_policy: str
    survey_weighted: bool = False

    _plot_function = "plot_tolerance"

    @property
    def header(self) -> str:
        seg = f" · by {', '.join(self.by)}" if self.by else ""
        sw = " · survey-weighted" if self.survey_weighted else ""
        return (
            f"Zone of tolerance (adequate ≤ perceived ≤ desired) · {self.level}{seg} · "
            f"n={self.n}{sw}"
        )

    @property
    def _note(self) -> str:
        return (
            "MSA = perceived − adequate, MSS = perceived − desired; negative values mean "
            "perceptions fall short of the adequate (below the zone of tolerance) or the desired "
            "level. Zone width = desired − adequate; position of the mean perception in the zone."
        )


def tolerance_zone(
    survey: Survey,
    *,
    level: Literal["item", "dimension"] = "item",
    by: str | Sequence[str] | None = None,
) -> ToleranceResult:
    """Zone of tolerance: where perceptions fall between adequate and desired service.

    Parameters
    ----------
    survey : Survey
        A survey on an instrument with adequate (``A``), desired (``D``) and
        perceived (``P``) ratings, such as :func:`servqual.instruments.servqual_zot`.
    level : {"item", "dimension"}
    by : str or list of str, optional
        Segment variable(s).

    Returns
    -------
    ToleranceResult

    Notes
    -----
    For each respondent and unit with complete A, D and P the response is
    classified as below (P < A), within (A ≤ P ≤ D) or above (P > D) the zone;
    responses with A > D (an inverted zone) are counted as ``inverted`` instead, so
    the four shares sum to one. MSA = P − A and MSS = P − D are the means of the
    per-respondent differences (Parasuraman, Zeithaml & Berry, 1994). With survey
    weights the means and shares are weighted (R ``svymean``); the counts
    ``n_below`` … stay counts of respondents.

    References
    ----------
    Zeithaml, V. A., Berry, L. L., & Parasuraman, A. (1993). The nature and
    determinants of customer expectations of service. JAMS, 21(1), 1-12.

    Examples
    --------
    >>> import servqual as sq
    >>> zot = sq.tolerance_zone(sq.datasets.load_example("zone_of_tolerance"), level="dimension")
    >>> sorted(set(zot.to_frame()["position"]) - {"below", "within", "above", "inverted"})
    []
    """
    survey = require_survey(survey)
    check_choice(level, "level", ("item", "dimension"))
    if not (survey.has_rating("A") and survey.has_rating("D")):
        raise InstrumentError(
            f"The zone of tolerance needs adequate (A) and desired (D) ratings; "
            f"{survey.instrument.name!r} has {list(survey.instrument.ratings)}. Use a "
            "three-column instrument such as sq.instruments.servqual_zot()."
        )
    labs, a = _gap_engine.rating_units(survey, "A", level)
    _, d = _gap_engine.rating_units(survey, "D", level)
    _, p = _gap_engine.rating_units(survey, "P", level)
    dims = [survey.instrument.dimension_of(c) for c in labs] if level == "item" else None
    names, groups = survey.segment_masks(by)
    w_all = survey.weights
    blocks, keys = [], []
    for key, mask in groups:
        am, dm, pm = a[mask], d[mask], p[mask]
        ok = ~(np.isnan(am) | np.isnan(dm) | np.isnan(pm))
        n = ok.sum(axis=0)
        label = labs if key is None else [f"{key} / {lab}" for lab in labs]
        require_n(n, label, 1, "The zone of tolerance")
        am, dm, pm = (np.where(ok, v, np.nan) for v in (am, dm, pm))
        inv = ok & (am > dm)
        below = ok & ~inv & (pm < am)
        above = ok & ~inv & (pm > dm)
        within = ok & ~inv & ~below & ~above
        w = None if w_all is None else w_all[mask]
        mean_a, mean_d, mean_p = (column_means(v, w) for v in (am, dm, pm))
        msa, mss = column_means(pm - am, w), column_means(pm - dm, w)
        if w is None:
            shares = [c.sum(axis=0) / n for c in (below, within, above, inv)]
        else:
            ww = np.where(ok, w[:, None], 0.0)
            total = ww.sum(axis=0)
            shares = [(ww * c).sum(axis=0) / total for c in (below, within, above, inv)]
        position = np.where(
            mean_a > mean_d,
            "inverted",
            np.where(mean_p < mean_a, "below", np.where(mean_p > mean_d, "above", "within")),
        )
        table = pd.DataFrame(
            {
                "adequate": mean_a,
                "desired": mean_d,
                "perceived": mean_p,
                "msa": msa,
                "mss": mss,
                "zone_width": mean_d - mean_a,
                "position": position,
                "n": n.astype(np.int64),
                "n_below": below.sum(axis=0),
                "n_within": within.sum(axis=0),
                "n_above": above.sum(axis=0),
                "n_inverted": inv.sum(axis=0),
                "share_below": shares[0],
                "share_within": shares[1],
                "share_above": shares[2],
                "share_inverted": shares[3],
            },
            index=pd.Index(labs, name=level),
        )
        if dims is not None:
            table.insert(0, "dimension", dims)
        blocks.append(table)
        keys.append(key)
    out = blocks[0] if names is None else pd.concat(blocks, keys=keys, names=[*names, level])
    return ToleranceResult(
        _table=out,
        instrument=survey.instrument.name,
        level=level,
        by=names,
        n=survey.n_respondents,
        nan_policy=survey.nan_policy,
        survey_weighted=w_all is not None,
    )
