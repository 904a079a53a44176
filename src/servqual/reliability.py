"""Internal-consistency reliability: Cronbach's alpha, item analysis, split halves,
Guttman's lambdas and the reliability of difference (gap) scores.

Every figure is derived from the item covariance matrix, computed once per scale
(complete data: one centred cross-product; incomplete data: pairwise-complete
covariances as ``psych`` does by default, or listwise deletion).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _alpha, _dask
from ._difference import DifferenceReliabilityResult, difference_reliability
from ._results import TableResult, result_class
from ._tables import ci_method_name
from ._validation import (
    as_frame,
    check_choice,
    check_confidence,
    check_magnitude,
    fmt_list,
    is_real_numeric,
    numeric_matrix,
)
from ._vocab import NanPolicy, as_rng, check_level, check_nan_policy, parse_score
from .exceptions import DataError, InstrumentError, InsufficientDataError, ReliabilityWarning
from .polychoric import matrix_input as polychoric_matrix_input
from .summary import SurveySummary
from .survey import Survey

__all__ = [
    "AlphaResult",
    "DifferenceReliabilityResult",
    "ItemAnalysisResult",
    "SplitHalfResult",
    "cronbach_alpha",
    "difference_reliability",
    "item_analysis",
    "split_half",
]

CIMethod = Literal["feldt", "duhachek", "bootstrap"]
Level = Literal["dimension", "overall"]


# ======================================================================= input
@dataclass
class _Unit:
    label: str
    moments: _alpha.Moments
    x: np.ndarray | None  # respondent data (None for matrix input)


@dataclass
class _Input:
    units: list[_Unit]
    overall: _Unit | None  # pooled scale for a multi-dimension Survey
    score: str | None
    level: str
    nan_policy: str
    dimension_of: dict[str, str] | None


def _unit_from_array(label: str, x: np.ndarray, labels: list[str], nan_policy: str) -> _Unit:
    if x.shape[1] < 2:
        raise InsufficientDataError(
            f"Reliability of {label!r} needs at least 2 items; it has {x.shape[1]} "
            f"({fmt_list(labels)})."
        )
    return _Unit(label, _alpha.data_moments(x, labels, nan_policy), x)


def _frame_to_array(frame: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    labels = [str(c) for c in frame.columns]
    simple = all(is_real_numeric(dt) for dt in frame.dtypes)
    if simple:
        x = frame.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        x = numeric_matrix(frame.set_axis(labels, axis=1), labels)
    check_magnitude(x, labels, frame.index, "Reliability")
    return x, labels


def _resolve_summary(
    data: SurveySummary,
    score: str,
    level: str,
    n_obs: int | None,
    want_overall: bool,
    min_items: int,
) -> _Input:
    """Scales of a SurveySummary: each from the listwise covariance and means of its items.

    The same units, item table and warnings as a listwise Survey; the summary's
    rows are not available (``x`` is None), so resampling methods refuse.
    """
    parse_score(score)
    check_level(level, ("dimension", "overall"))
    if n_obs is not None:
        raise DataError("n_obs= is only for a covariance/correlation matrix, not a summary.")
    model = data.instrument.model

    def unit(label: str, codes: list[str]) -> _Unit:
        mean, cov, n = data.item_moments(score, codes)
        m = _alpha.matrix_moments(cov, codes, n)
        return _Unit(label, replace(m, mean=mean), None)

    all_codes = [c for codes in model.values() for c in codes]
    dim_of = {c: d for d, codes in model.items() for c in codes}
    if level == "overall":
        return _Input([unit("overall", all_codes)], None, score, level, "listwise", dim_of)
    units = [unit(d, codes) for d, codes in _alpha.usable_scales(model, min_items).items()]
    overall = unit("overall", all_codes) if want_overall and len(model) > 1 else None
    return _Input(units, overall, score, level, "listwise", dim_of)


def _resolve(
    data: Any,
    score: str,
    level: str,
    nan_policy: str,
    n_obs: int | None,
    want_overall: bool,
    min_items: int = 2,
) -> _Input:
    nan_policy = check_nan_policy(nan_policy)
    if isinstance(data, SurveySummary):
        return _resolve_summary(data, score, level, n_obs, want_overall, min_items)
    if _dask.is_dask_frame(data):  # item columns: listwise moments merged over partitions
        if n_obs is not None:
            raise DataError("n_obs= is only for a covariance/correlation matrix.")
        cov, n_rows, _ = _dask.frame_moments(data)
        labels = [str(c) for c in cov.columns]
        m = _alpha.matrix_moments(cov.to_numpy(), labels, n_rows)
        return _Input([_Unit("scale", m, None)], None, None, "scale", "listwise", None)
    if isinstance(data, Survey):
        if not isinstance(score, str):
            raise DataError(
                f"score must be a score name such as 'perception', 'expectation' or 'gap', "
                f"got {score!r}."
            )
        check_choice(level, "level", ("dimension", "overall"))
        if n_obs is not None:
            raise DataError("n_obs= is only for a covariance/correlation matrix, not a Survey.")
        frame = data.item_scores(score)
        model = data.instrument.model
        missing = [c for codes in model.values() for c in codes if c not in frame.columns]
        if missing:
            raise InstrumentError(f"Score {score!r} has no values for item(s) {fmt_list(missing)}.")
        x_all = frame.to_numpy(dtype=np.float64)
        pos = {c: j for j, c in enumerate(frame.columns)}
        used = [c for codes in model.values() for c in codes]
        _alpha.refuse_missing(x_all[:, [pos[c] for c in used]], used, frame.index, nan_policy)

        def unit(label: str, codes: list[str]) -> _Unit:
            return _unit_from_array(label, x_all[:, [pos[c] for c in codes]], codes, nan_policy)

        all_codes = [c for codes in model.values() for c in codes]
        dim_of = {c: d for d, codes in model.items() for c in codes}
        if level == "overall":
            return _Input([unit("overall", all_codes)], None, score, level, nan_policy, dim_of)
        units = [unit(d, codes) for d, codes in _alpha.usable_scales(model, min_items).items()]
        overall = unit("overall", all_codes) if want_overall and len(model) > 1 else None
        return _Input(units, overall, score, level, nan_policy, dim_of)
    if n_obs is not None:
        try:
            n = int(n_obs)
        except (TypeError, ValueError):
            n = None
        if n is None or n != n_obs:
            raise DataError(f"n_obs must be a whole number of respondents, got {n_obs!r}.")
        try:
            s = np.asarray(
                data.to_numpy() if isinstance(data, pd.DataFrame) else data, dtype=np.float64
            )
        except (TypeError, ValueError):
            raise DataError(
                "With n_obs= the data must be a numeric covariance/correlation matrix."
            ) from None
        if s.ndim != 2 or s.shape[0] != s.shape[1]:
            raise DataError(
                "With n_obs= the data must be a square covariance/correlation matrix; got "
                f"shape {s.shape}. For item data (respondents × items) leave n_obs unset."
            )
        if isinstance(data, pd.DataFrame):
            labels = [str(c) for c in data.columns]
            if [str(i) for i in data.index] != labels:
                raise DataError(
                    "With n_obs= the DataFrame must be a covariance/correlation matrix whose "
                    f"row labels equal its column labels; rows are {fmt_list(data.index)}, "
                    f"columns {fmt_list(labels)}."
                )
        else:
            labels = [f"item{j + 1}" for j in range(s.shape[0])]
        if len(labels) < 2:
            raise InsufficientDataError("Reliability needs at least 2 items.")
        m = _alpha.matrix_moments(s, labels, n)
        return _Input([_Unit("scale", m, None)], None, None, "scale", "matrix", None)
    if isinstance(data, np.ndarray | list | tuple) and not isinstance(data, pd.DataFrame):
        arr = np.asarray(data)
        if arr.ndim != 2:
            raise DataError(
                f"Item data must be 2-D (respondents × items); got an array of shape {arr.shape}."
            )
        labels = [f"item{j + 1}" for j in range(arr.shape[1])]
        if arr.dtype.kind in "iuf":  # numbers: no copy for float64
            x = np.asarray(arr, dtype=np.float64)
            _alpha.refuse_missing(x, labels, np.arange(x.shape[0]), nan_policy)
            return _Input(
                [_unit_from_array("scale", x, labels, nan_policy)],
                None,
                None,
                "scale",
                nan_policy,
                None,
            )
        frame = pd.DataFrame(arr, columns=labels)
    else:
        frame = as_frame(data, "data")
    x, labels = _frame_to_array(frame)
    _alpha.refuse_missing(x, labels, frame.index, nan_policy)
    return _Input(
        [_unit_from_array("scale", x, labels, nan_policy)], None, None, "scale", nan_policy, None
    )


def _whole(value: Any, name: str, minimum: int) -> None:
    """A whole number of at least ``minimum`` (DataError naming the argument otherwise)."""
    ok = isinstance(value, int | np.integer | float | np.floating) and not isinstance(value, bool)
    if not ok or not np.isfinite(value) or int(value) != value or value < minimum:
        raise DataError(f"{name} must be a whole number of at least {minimum}, got {value!r}.")


def _warn_items(unit: _Unit, items: dict[str, np.ndarray]) -> None:
    neg = np.where(items["r_drop"] < 0)[0]
    if len(neg):
        labels = unit.moments.labels
        shown = ", ".join(f"{labels[j]!r} (r = {items['r_drop'][j]:.2f})" for j in neg)
        where = "" if unit.label == "scale" else f" of {unit.label!r}"
        warnings.warn(
            f"Item(s) {shown} correlate negatively with the rest of the scale{where} "
            "(corrected item-total r < 0); they are probably reverse-keyed. Recode them "
            "(e.g. mark them reverse=True in the instrument) before computing reliability.",
            ReliabilityWarning,
            stacklevel=4,
        )


# ======================================================================= alpha
@result_class
class ItemAnalysisResult(TableResult):
    """Item-total statistics (SPSS "Item-Total Statistics", psych ``$item.stats``).

    Table indexed by item, columns: ``dimension`` (Survey input), ``n`` (answered),
    ``mean``, ``sd``, ``r_drop`` (corrected item-total correlation),
    ``raw_r`` (item-total correlation, item included), ``alpha_if_deleted``,
    ``smc`` (squared multiple correlation with the other items of its scale),
    ``scale_mean_if_deleted`` and ``scale_var_if_deleted`` (sum score of the
    other items). ``mean`` and ``scale_mean_if_deleted`` are absent for matrix input.
    """

    n: int
    score: str | None
    level: str
    nan_policy: str

    @property
    def header(self) -> str:
        what = f"{self.score} · " if self.score else ""
        return f"Item-total statistics · {what}{self.level} · {self.nan_policy} · n={self.n}"


@result_class
class AlphaResult(TableResult):
    """Cronbach's alpha with a confidence interval, one row per scale.

    Table (``to_frame()``, also ``by_dimension``) indexed by dimension (Survey
    input, ``level="dimension"``), ``"overall"`` or ``"scale"`` (items given
    directly), columns ``alpha``, ``std_alpha``, ``ci_low``, ``ci_high``, ``se``
    (asymptotic standard error, Duhachek & Iacobucci), ``average_r``, ``lambda6``,
    ``n``, ``n_items``.

    The headline fields describe one scale: the only row of the table, or, when a
    Survey is analysed by dimension, the **overall** scale made of all the quality
    items of those dimensions together (``overall`` is its alpha). The item table is
    ``items`` (per dimension: each item within its own dimension).
    """

    alpha: float
    std_alpha: float
    ci_low: float
    ci_high: float
    n: int
    n_items: int
    average_r: float
    lambda6: float
    ci_method: str
    confidence_level: float
    nan_policy: str
    score: str | None
    level: str
    _items: pd.DataFrame
    correlation: str = "pearson"

    @property
    def header(self) -> str:
        what = f"{self.score} · " if self.score else ""
        ci = f"{self.confidence_level:.0%} {self.ci_method} CI"
        by_dim = self.level == "dimension"
        pooled = len(self._table) > 1 or int(self._table["n_items"].iloc[0]) != self.n_items
        scope = "overall " if by_dim and pooled else ""
        name = (
            "Ordinal alpha (polychoric)" if self.correlation == "polychoric" else "Cronbach's alpha"
        )
        return (
            f"{name} · {what}{self.level} · {self.nan_policy} · {ci} · "
            f"{scope}alpha={self.alpha:.3f} ({self.n_items} items, n={self.n})"
        )

    _bounded_columns = ("ci_low", "ci_high")

    @property
    def _note(self) -> str:
        return (
            f"Cronbach's α with its {self.confidence_level:.0%} {ci_method_name(self.ci_method)} "
            "confidence interval; standardized α from the item correlations."
        )

    @property
    def overall(self) -> float:
        """Alpha of the headline scale (all items together for a multi-dimension Survey)."""
        return self.alpha

    @property
    def by_dimension(self) -> pd.DataFrame:
        """The per-scale table (same as ``to_frame()``)."""
        return self.to_frame()

    @property
    def items(self) -> pd.DataFrame:
        """Item-total statistics (see :class:`ItemAnalysisResult` for the columns)."""
        return self._items.copy(deep=True)


def _unit_table(inp: _Input, row: Any) -> tuple[dict[str, dict[str, Any]], pd.DataFrame]:
    """``row(unit)`` for every scale: the rows by label and the table (one row per scale)."""
    rows = {u.label: row(u) for u in inp.units}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "dimension" if inp.level == "dimension" else None
    return rows, table


def _item_frame(inp: _Input, warn: bool) -> pd.DataFrame:
    parts = []
    for u in inp.units:
        cols = _alpha.item_table(u.moments)
        if warn:
            _warn_items(u, cols)
        df = pd.DataFrame(cols, index=pd.Index(u.moments.labels, name="item"))
        if inp.dimension_of is not None and inp.level == "dimension":
            df.insert(0, "dimension", u.label)
        elif inp.dimension_of is not None:
            df.insert(0, "dimension", [inp.dimension_of[c] for c in u.moments.labels])
        parts.append(df)
    return pd.concat(parts) if len(parts) > 1 else parts[0]


def _alpha_row(
    u: _Unit, ci: str, conf: float, nan_policy: str, n_boot: int, gen: np.random.Generator
) -> dict[str, float]:
    row = _alpha.scale_stats(u.moments)
    k = row["n_items"]
    if ci == "feldt":
        low, high = _alpha.feldt_interval(row["alpha"], int(row["n"]), int(k), conf)
    elif ci == "duhachek":
        low, high = _alpha.duhachek_interval(row["alpha"], row["se"], conf)
    else:
        if u.x is None:
            raise DataError(
                "ci='bootstrap' resamples respondents and needs the item data, not a "
                "covariance matrix; use ci='feldt' or 'duhachek'."
            )
        boots = _alpha.bootstrap_alphas(u.x, nan_policy, n_boot, gen)
        a = 1.0 - conf
        low, high = (float(v) for v in np.quantile(boots, [a / 2.0, 1.0 - a / 2.0]))
    return {
        "alpha": row["alpha"],
        "std_alpha": row["std_alpha"],
        "ci_low": low,
        "ci_high": high,
        "se": row["se"],
        "average_r": row["average_r"],
        "lambda6": row["lambda6"],
        "n": int(row["n"]),
        "n_items": int(k),
    }


def cronbach_alpha(
    data: Survey | SurveySummary | pd.DataFrame | npt.ArrayLike,
    *,
    score: str = "perception",
    level: Level = "dimension",
    ci: CIMethod = "feldt",
    confidence_level: float = 0.95,
    nan_policy: NanPolicy = "pairwise",
    n_boot: int = 1000,
    rng: int | np.random.Generator | None = None,
    n_obs: int | None = None,
    correlation: Literal["pearson", "polychoric"] = "pearson",
) -> AlphaResult:
    """Cronbach's alpha, standardised alpha and Guttman's lambda 6, with a CI.

    Parameters
    ----------
    data : Survey, DataFrame, 2-D array or covariance/correlation matrix
        A :class:`~servqual.Survey` (one row per quality dimension, or the overall
        scale of all quality items with ``level="overall"``); or item data with
        respondents as rows and items as columns; or, **only when** ``n_obs`` is
        given, a square symmetric covariance or correlation matrix of the items.
    score : str, default "perception"
        For a Survey: the item score analysed, as in ``survey.item_scores(score)``
        (``"perception"``, ``"expectation"``, ``"gap"``, ...). Ignored otherwise.
    level : {"dimension", "overall"}, default "dimension"
        For a Survey: one scale per quality dimension, or one scale of all items.
    ci : {"feldt", "duhachek", "bootstrap"}, default "feldt"
        Feldt, Woodruff & Salih (1987) F interval; Duhachek & Iacobucci (2004)
        asymptotic normal interval; or percentile bootstrap over respondents.
    confidence_level : float, default 0.95
    nan_policy : {"pairwise", "listwise", "raise"}, default "pairwise"
        Pairwise: each covariance from the respondents who answered both items
        (psych's default); listwise: only respondents who answered every item of
        the scale; raise: refuse incomplete data with a :class:`~servqual.DataError`
        naming the rows.
    n_boot : int, default 1000
        Bootstrap resamples (``ci="bootstrap"``).
    rng : int or numpy.random.Generator, optional
        Seed or generator for the bootstrap.
    n_obs : int, optional
        Number of respondents behind a covariance/correlation matrix. Giving it is
        what marks ``data`` as a matrix; servqual never guesses.
    correlation : {"pearson", "polychoric"}, default "pearson"
        ``"polychoric"``: ordinal alpha (Zumbo, Gadermann & Zeisser 2007), alpha of the
        :func:`~servqual.polychoric` correlation matrix of each scale, as
        ``psych::alpha(psych::polychoric(x)$rho)``; needs the answers (a Survey or item
        data), not ``ci="bootstrap"``.

    Returns
    -------
    AlphaResult
        Table columns ``alpha``, ``std_alpha``, ``ci_low``, ``ci_high``, ``se``,
        ``average_r``, ``lambda6``, ``n``, ``n_items``; headline fields for the
        single (or overall) scale; ``items`` holds the item-total statistics.

    Raises
    ------
    InsufficientDataError
        Fewer than 3 respondents or 2 items; an item without variance or answers.
    DataError
        Non-numeric or infinite values, a singular correlation matrix (needed for
        the squared multiple correlations), a non-symmetric matrix; missing answers
        with ``nan_policy="raise"``.

    See Also
    --------
    item_analysis, split_half, difference_reliability

    Notes
    -----
    With item covariance matrix :math:`C` of :math:`k` items and correlation
    matrix :math:`R`:
    :math:`\\alpha = \\frac{k}{k-1}\\left(1 - \\frac{\\operatorname{tr} C}{1'C1}\\right)`,
    standardised alpha uses :math:`R`; ``average_r`` is the mean off-diagonal
    correlation; ``lambda6`` is :math:`1 - \\sum_j (1 - \\mathrm{smc}_j) / 1'R1`
    (psych's ``G6(smc)``, on :math:`R`). Matches ``psych::alpha(x)$total``
    (``raw_alpha``, ``std.alpha``, ``G6(smc)``, ``average_r``, ``ase``) and
    ``psych::alpha.ci(alpha, n.obs, n.var)``. ``n`` is the number of respondents
    with at least one answer (pairwise) or complete answers (listwise); it enters
    the Feldt and Duhachek intervals. The Duhachek interval is
    :math:`\\hat\\alpha \\pm z \\sqrt{Q/n}` with
    :math:`Q = \\frac{2k^2}{(k-1)^2 (1'C1)^3}\\left[1'C1\\,(\\operatorname{tr}C^2 +
    (\\operatorname{tr}C)^2) - 2 \\operatorname{tr}C \\; 1'C^21\\right]`.
    A negative alpha and items with a negative corrected item-total correlation
    raise a :class:`~servqual.ReliabilityWarning`; so does a Survey dimension with a
    single item (it has no alpha and is left out of the by-dimension table, but its
    item counts in the overall scale). Survey weights are not used
    (alpha is a property of the item covariance structure of the sample).

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika*, 16, 297–334.
    Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for
    coefficient alpha. *Applied Psychological Measurement*, 11, 93–103.
    Duhachek, A., & Iacobucci, D. (2004). Alpha's standard error (ASE): An accurate
    and precise confidence interval estimate. *Journal of Applied Psychology*, 89,
    792–808.

    Examples
    --------
    >>> import servqual as sq
    >>> survey = sq.load_example("retail_bank")
    >>> res = sq.cronbach_alpha(survey, score="perception")
    >>> res.to_frame()[["alpha", "ci_low", "ci_high"]].round(3).loc["tangibles"].tolist()
    [0.925, 0.907, 0.94]
    >>> round(res.overall, 3)
    0.935
    """
    check_choice(ci, "ci", ("feldt", "duhachek", "bootstrap"))
    check_choice(correlation, "correlation", ("pearson", "polychoric"))
    if correlation == "polychoric":
        return _ordinal_alpha(
            data,
            score=score,
            level=level,
            ci=ci,
            confidence_level=confidence_level,
            nan_policy=nan_policy,
            n_obs=n_obs,
        )
    if ci == "bootstrap" and isinstance(data, SurveySummary):
        data.require_rows(
            "A bootstrap interval of alpha (ci='bootstrap')",
            "Use ci='feldt' or ci='duhachek', or a Survey.",
        )
    conf = check_confidence(confidence_level)
    if ci == "bootstrap":
        _whole(n_boot, "n_boot", 100)
        n_boot = int(n_boot)
    inp = _resolve(data, score, level, nan_policy, n_obs, want_overall=True)
    gen = as_rng(rng)
    rows, table = _unit_table(inp, lambda u: _alpha_row(u, ci, conf, inp.nan_policy, n_boot, gen))
    for u in inp.units:
        a = rows[u.label]["alpha"]
        if a < 0:
            warnings.warn(
                f"Cronbach's alpha of {u.label!r} is negative ({a:.3f}): its items are "
                "negatively correlated on average, so they do not measure one thing in the "
                "same direction. Check for reverse-keyed items.",
                ReliabilityWarning,
                stacklevel=2,
            )
    items = _item_frame(inp, warn=True)
    head = (
        _alpha_row(inp.overall, ci, conf, inp.nan_policy, n_boot, gen)
        if inp.overall is not None
        else rows[inp.units[0].label]
    )
    return AlphaResult(
        _table=table,
        _items=items,
        alpha=float(head["alpha"]),
        std_alpha=float(head["std_alpha"]),
        ci_low=float(head["ci_low"]),
        ci_high=float(head["ci_high"]),
        n=int(head["n"]),
        n_items=int(head["n_items"]),
        average_r=float(head["average_r"]),
        lambda6=float(head["lambda6"]),
        ci_method=ci,
        confidence_level=conf,
        nan_policy=inp.nan_policy,
        score=inp.score,
        level=inp.level,
    )


def item_analysis(
    data: Survey | SurveySummary | pd.DataFrame | npt.ArrayLike,
    *,
    score: str = "perception",
    level: Level = "dimension",
    nan_policy: NanPolicy = "pairwise",
    n_obs: int | None = None,
) -> ItemAnalysisResult:
    """Item-total statistics: item means, corrected item-total r, alpha if deleted.

    Parameters
    ----------
    data, score, level, nan_policy, n_obs
        As in :func:`cronbach_alpha`.

    Returns
    -------
    ItemAnalysisResult
        One row per item: ``n``, ``mean``, ``sd``, ``r_drop``, ``raw_r``,
        ``alpha_if_deleted``, ``smc``, ``scale_mean_if_deleted``,
        ``scale_var_if_deleted`` (plus ``dimension`` for a Survey).

    Raises
    ------
    InsufficientDataError, DataError
        As in :func:`cronbach_alpha`.

    See Also
    --------
    cronbach_alpha

    Notes
    -----
    From the item covariance matrix :math:`C` (row sums :math:`c_i`, total
    :math:`T = 1'C1`): ``r_drop`` :math:`= (c_i - C_{ii}) / \\sqrt{C_{ii}(T - 2c_i +
    C_{ii})}` (``psych::alpha(x)$item.stats$r.drop``); ``raw_r`` = :math:`c_i /
    \\sqrt{C_{ii} T}` for complete data and, with missing data, the pairwise
    correlation of the item with each respondent's mean of answered items (as
    ``$item.stats$raw.r``); ``alpha_if_deleted`` = ``$alpha.drop$raw_alpha`` (NaN
    for a two-item scale, where one item has no alpha); ``smc`` =
    ``psych::smc(R)``; the scale mean/variance if deleted are those of the sum score
    of the other items (SPSS). With ``nan_policy="pairwise"`` the variance is
    :math:`T - 2c_i + C_{ii}` from the pairwise covariances.

    Examples
    --------
    >>> import servqual as sq
    >>> survey = sq.load_example("retail_bank")
    >>> tab = sq.item_analysis(survey, level="overall").to_frame()
    >>> tab.loc["TAN1", ["r_drop", "alpha_if_deleted"]].round(3).tolist()
    [0.515, 0.934]
    """
    inp = _resolve(data, score, level, nan_policy, n_obs, want_overall=False)
    items = _item_frame(inp, warn=True)
    return ItemAnalysisResult(
        _table=items,
        n=max(u.moments.n for u in inp.units),
        score=inp.score,
        level=inp.level,
        nan_policy=inp.nan_policy,
    )


# ======================================================================= split halves
@result_class
class SplitHalfResult(TableResult):
    """Split-half reliabilities and Guttman's lambdas, one row per scale.

    Table columns: ``n_items``, ``n_splits``, ``exact`` (all splits enumerated),
    ``split_max`` (= ``lambda4``), ``split_min``, ``split_mean`` (Guttman's
    split-half coefficient 4·cov(A, B)/var(A + B)), ``sb_max``, ``sb_min``,
    ``sb_mean`` (Spearman–Brown 2r/(1 + r) of the half-score correlation),
    ``lambda1`` … ``lambda6`` and ``n``. Headline fields as in
    :class:`AlphaResult` (the overall scale for a multi-dimension Survey).
    """

    lambda4: float
    split_min: float
    split_mean: float
    lambda1: float
    lambda2: float
    lambda3: float
    lambda5: float
    lambda6: float
    exact: bool
    standardized: bool
    n: int
    n_items: int
    nan_policy: str
    score: str | None
    level: str

    @property
    def header(self) -> str:
        what = f"{self.score} · " if self.score else ""
        kind = "correlations" if self.standardized else "covariances"
        splits = "all splits" if self.exact else "sampled splits"
        return (
            f"Split-half reliability · {what}{self.level} · {kind} · {splits} · "
            f"lambda4={self.lambda4:.3f} ({self.n_items} items, n={self.n})"
        )


def _split_row(
    u: _Unit, standardized: bool, exact_max_items: int, n_splits: int, gen: np.random.Generator
) -> dict[str, Any]:
    m = u.moments
    r = _alpha.to_correlation(m.cov)
    s = r if standardized else m.cov
    k = s.shape[0]
    if k < 3:
        raise InsufficientDataError(
            f"Split-half reliability of {u.label!r} needs at least 3 items; it has {k} "
            f"({fmt_list(m.labels)})."
        )
    _alpha.check_definite(m.cov, m.labels, "split-half reliability", raise_error=True)
    ind, exact = _alpha.split_indicators(k, exact_max_items, n_splits, gen)
    sp = _alpha.split_half_stats(s, ind)
    lam = _alpha.guttman_lambdas(s, _alpha.smc(r, m.labels))
    g, sb = sp["guttman"], sp["spearman_brown"]
    return {
        "n_items": k,
        "n_splits": len(g),
        "exact": exact,
        "split_max": float(g.max()),
        "split_min": float(g.min()),
        "split_mean": float(g.mean()),
        "sb_max": float(sb.max()),
        "sb_min": float(sb.min()),
        "sb_mean": float(sb.mean()),
        "lambda1": lam["lambda1"],
        "lambda2": lam["lambda2"],
        "lambda3": lam["lambda3"],
        "lambda4": float(g.max()),
        "lambda5": lam["lambda5"],
        "lambda6": lam["lambda6"],
        "n": m.n,
    }


def split_half(
    data: Survey | SurveySummary | pd.DataFrame | npt.ArrayLike,
    *,
    score: str = "perception",
    level: Level = "dimension",
    standardized: bool = False,
    nan_policy: NanPolicy = "pairwise",
    exact_max_items: int = 16,
    n_splits: int = 10_000,
    rng: int | np.random.Generator | None = None,
    n_obs: int | None = None,
) -> SplitHalfResult:
    """Split-half reliabilities over all splits and Guttman's lambdas 1–6.

    Parameters
    ----------
    data, score, level, nan_policy, n_obs
        As in :func:`cronbach_alpha`.
    standardized : bool, default False
        Work on the correlation matrix (standardised items) instead of the
        covariance matrix.
    exact_max_items : int, default 16
        Scales with up to this many items enumerate every split; larger scales use
        ``n_splits`` random splits (then ``split_max`` is a lower bound of λ4).
    n_splits : int, default 10000
        Random splits drawn above ``exact_max_items``.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the random splits.

    Returns
    -------
    SplitHalfResult
        Columns ``split_max`` (λ4), ``split_min``, ``split_mean``, ``sb_*``,
        ``lambda1`` … ``lambda6``, ``n_items``, ``n_splits``, ``exact``, ``n``.

    Raises
    ------
    InsufficientDataError
        Fewer than 3 items, or the conditions of :func:`cronbach_alpha`.
    DataError
        As in :func:`cronbach_alpha`.

    See Also
    --------
    cronbach_alpha

    Notes
    -----
    A split puts :math:`\\lfloor k/2 \\rfloor` items in half A and the rest in B
    (for odd :math:`k` the halves differ by one item); each split is counted once.
    For the split, :math:`r_{split} = 4\\,1_A'S1_B / 1'S1` (Guttman's split-half
    coefficient, psych::splitHalf's ``rab``), and Spearman–Brown
    :math:`2r_{AB}/(1 + r_{AB})` with :math:`r_{AB}` the correlation of the half
    scores. Lambdas on :math:`S` (covariance, or correlation if ``standardized``)
    with :math:`V_t = 1'S1`: λ1 = 1 − tr S/V_t; λ2 = (Σ_{i≠j} s_ij +
    sqrt(k/(k−1) Σ_{i≠j} s_ij²))/V_t; λ3 = k/(k−1) λ1 (alpha); λ4 = max split;
    λ5 = λ1 + 2 sqrt(max_j Σ_{i≠j} s_ij²)/V_t; λ6 = (Σ_{i≠j} s_ij + Σ_j smc_j s_jj)/V_t.
    Matches ``psych::splitHalf(x, covar = !standardized, check.keys = FALSE)``
    (``maxrb``, ``minrb``, ``meanr``, ``alpha``, ``lambda2``, ``lambda6``) when
    :math:`k` is even and at most 16; for odd :math:`k` psych enumerates only half
    of the splits, so its ``minrb``/``meanr`` can differ from these (which use all).
    ``psych::guttman(x)`` (correlations) agrees with ``standardized=True`` on complete
    data; with missing data it correlates pairwise rather than rescaling the
    pairwise covariance matrix as psych::alpha and this function do.

    References
    ----------
    Guttman, L. (1945). A basis for analyzing test-retest reliability.
    *Psychometrika*, 10, 255–282.

    Examples
    --------
    >>> import servqual as sq
    >>> survey = sq.load_example("retail_bank")
    >>> res = sq.split_half(survey)
    >>> res.to_frame().loc["tangibles", ["split_min", "split_max"]].round(3).tolist()
    [0.918, 0.934]
    """
    _whole(exact_max_items, "exact_max_items", 3)
    _whole(n_splits, "n_splits", 1)
    inp = _resolve(data, score, level, nan_policy, n_obs, want_overall=True, min_items=3)
    gen = as_rng(rng)
    args = (bool(standardized), int(exact_max_items), int(n_splits), gen)
    rows, table = _unit_table(inp, lambda u: _split_row(u, *args))
    head = _split_row(inp.overall, *args) if inp.overall is not None else rows[inp.units[0].label]
    return SplitHalfResult(
        _table=table,
        lambda4=head["lambda4"],
        split_min=head["split_min"],
        split_mean=head["split_mean"],
        lambda1=head["lambda1"],
        lambda2=head["lambda2"],
        lambda3=head["lambda3"],
        lambda5=head["lambda5"],
        lambda6=head["lambda6"],
        exact=bool(head["exact"]),
        standardized=bool(standardized),
        n=int(head["n"]),
        n_items=int(head["n_items"]),
        nan_policy=inp.nan_policy,
        score=inp.score,
        level=inp.level,
    )


def _ordinal_alpha(
    data: Any,
    *,
    score: str,
    level: str,
    ci: CIMethod,
    confidence_level: float,
    nan_policy: NanPolicy,
    n_obs: Any,
) -> Any:
    """``cronbach_alpha(..., correlation="polychoric")``: alpha of the polychoric matrix
    of each scale (Zumbo, Gadermann & Zeisser 2007), through the matrix path of
    :func:`servqual.cronbach_alpha` with ``n`` the scale's respondents."""
    if ci == "bootstrap":
        raise DataError(
            "ci='bootstrap' is not available with correlation='polychoric'; use "
            "ci='feldt' or ci='duhachek'."
        )
    check_choice(level, "level", ("dimension", "overall"))
    nan_policy = check_nan_policy(nan_policy)
    pc, answered, model = polychoric_matrix_input(data, score, nan_policy, n_obs, "cronbach_alpha")
    labels = list(pc.rho.columns)
    pos = {c: j for j, c in enumerate(labels)}
    if model is None:
        scales = {"scale": labels}
        headline = "scale"
    elif level == "overall":
        scales = {"overall": labels}
        headline = "overall"
    else:
        scales = _alpha.usable_scales(model, 2, stacklevel=5)
        headline = "overall" if len(model) > 1 else next(iter(scales))
        if headline == "overall":
            scales = {**scales, "overall": labels}

    def one(codes: list[str]) -> Any:
        n = int(answered[:, [pos[c] for c in codes]].any(axis=1).sum())
        return cronbach_alpha(
            pc.rho.loc[codes, codes], n_obs=n, ci=ci, confidence_level=confidence_level
        )

    results = {name: one(codes) for name, codes in scales.items()}
    rows = [name for name in scales if not (name == "overall" and level == "dimension")]
    table = pd.concat([results[name].to_frame().set_axis([name]) for name in rows])
    table.index.name = "dimension" if model is not None and level == "dimension" else None
    parts = []
    dim_of = {c: d for d, cs in model.items() for c in cs} if model is not None else None
    for name in rows:
        items = results[name].items
        if dim_of is not None:
            items.insert(0, "dimension", [dim_of[c] for c in items.index])
        parts.append(items)
    return replace(
        results[headline],
        _table=table,
        _items=pd.concat(parts) if len(parts) > 1 else parts[0],
        score=pc.score,
        level=level if model is not None else "scale",
        nan_policy=pc.nan_policy,
        correlation="polychoric",
    )
