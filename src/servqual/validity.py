"""Construct validity of a measurement model: composite reliability, AVE,
the Fornell–Larcker criterion and the heterotrait–monotrait ratio (HTMT).

Convergent validity asks whether a dimension's items measure one thing
(composite reliability ≥ .70, AVE ≥ .50); discriminant validity asks whether two
dimensions are empirically distinct (√AVE above every correlation with another
factor; HTMT below .85 or .90).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from ._results import TableResult, result_class
from ._validation import check_choice
from .cfa import CFAResult, _prepare, _require_variance
from .exceptions import DataError, HeywoodWarning, InsufficientDataError

__all__ = [
    "AVEResult",
    "CompositeReliabilityResult",
    "DiscriminantValidityResult",
    "FornellLarckerResult",
    "HTMTResult",
    "ave",
    "composite_reliability",
    "discriminant_validity",
    "fornell_larcker",
    "htmt",
]


# --------------------------------------------------------------------------- results
Method = Literal["standardized", "semtools", "semtools_implied"]
METHODS: tuple[str, ...] = ("standardized", "semtools", "semtools_implied")

_CR_NAMES = {
    "standardized": "Jöreskog's rho from standardized loadings",
    "semtools": "omega over the observed variance of the sum, as semTools::compRelSEM",
    "semtools_implied": (
        "omega over the model-implied variance of the sum, as semTools::compRelSEM(obs.var = FALSE)"
    ),
}
_AVE_NAMES = {
    "standardized": "mean squared standardized loading, Fornell & Larcker",
    "semtools": "common over observed item variance, as semTools::AVE",
    "semtools_implied": (
        "common over model-implied item variance, as semTools::AVE(obs.var = FALSE)"
    ),
}


@result_class
class CompositeReliabilityResult(TableResult):
    """Composite reliability per factor: table columns ``cr``, ``n_items``.

    ``method`` names the definition (see :func:`composite_reliability`).
    """

    n: int
    method: str = "standardized"

    @property
    def header(self) -> str:
        return (
            f"Composite reliability (method={self.method}: {_CR_NAMES[self.method]}) · n={self.n}"
        )


@result_class
class AVEResult(TableResult):
    """Average variance extracted per factor: table columns ``ave``, ``sqrt_ave``, ``n_items``.

    ``method`` names the definition (see :func:`ave`).
    """

    n: int
    method: str = "standardized"

    @property
    def header(self) -> str:
        return (
            f"Average variance extracted (AVE, method={self.method}: "
            f"{_AVE_NAMES[self.method]}) · n={self.n}"
        )


@result_class
class FornellLarckerResult(TableResult):
    """Fornell–Larcker table: one column per factor (√AVE on the diagonal, factor
    correlations off it), then ``sqrt_ave``, ``max_abs_r`` and ``passes``."""

    n: int
    all_pass: bool

    @property
    def header(self) -> str:
        verdict = "all factors pass" if self.all_pass else "some factors fail"
        return f"Fornell–Larcker criterion (√AVE > |r|) · n={self.n} · {verdict}"


@result_class
class HTMTResult(TableResult):
    """HTMT per factor pair: table columns ``htmt``, ``above_085``, ``above_090``,
    indexed by (``factor_1``, ``factor_2``)."""

    n: int
    method: str
    absolute: bool
    max_htmt: float
    factors: tuple[str, ...]

    @property
    def header(self) -> str:
        name = (
            "HTMT2 (method=htmt2: geometric means, semTools::htmt default)"
            if self.method == "htmt2"
            else "HTMT (method=htmt: arithmetic means, semTools::htmt(htmt2 = FALSE))"
        )
        return f"Heterotrait–monotrait ratio: {name} · n={self.n} · max={self.max_htmt:.3f}"

    def matrix(self) -> pd.DataFrame:
        """Symmetric factor × factor HTMT matrix (1 on the diagonal, as ``semTools::htmt``)."""
        f = list(self.factors)
        out = pd.DataFrame(np.eye(len(f)), index=f, columns=f)
        for (a, b), v in self._table["htmt"].items():
            out.loc[a, b] = out.loc[b, a] = v
        return out


@result_class
class DiscriminantValidityResult(TableResult):
    """Convergent and discriminant validity per factor: ``cr``, ``ave``, ``sqrt_ave``,
    ``max_abs_r``, ``fornell_larcker`` (bool), ``max_htmt``, ``htmt_ok`` (bool)."""

    n: int
    htmt_threshold: float

    @property
    def header(self) -> str:
        return (
            f"Construct validity · n={self.n} · Fornell–Larcker and HTMT < {self.htmt_threshold:g}"
        )


# --------------------------------------------------------------------------- closed forms
def _cr(loadings: np.ndarray, errors: np.ndarray) -> float:
    """Jöreskog's rho: (Σλ)² / ((Σλ)² + Σθ) from standardized λ and θ."""
    s = float(np.sum(loadings)) ** 2
    return s / (s + float(np.sum(errors)))


def _ave(loadings: np.ndarray) -> float:
    """Average variance extracted: mean of squared standardized loadings."""
    return float(np.mean(np.asarray(loadings) ** 2))


def _omega_semtools(loadings: np.ndarray, phi: float, total_cov: np.ndarray) -> float:
    """semTools' omega: ``(Σλ)²φ / 1'Σ1`` from unstandardized λ, the factor variance
    φ and the covariance block of the factor's items (observed or model-implied)."""
    return float(np.sum(loadings)) ** 2 * phi / float(np.sum(total_cov))


def _ave_semtools(loadings: np.ndarray, phi: float, variances: np.ndarray) -> float:
    """semTools' AVE: ``Σλ²φ / Σσ_ii`` from unstandardized λ, the factor variance φ and
    the item variances (observed or model-implied)."""
    return float(np.sum(np.asarray(loadings) ** 2)) * phi / float(np.sum(variances))


def _htmt_matrix(
    r: np.ndarray, groups: Sequence[np.ndarray], method: str, absolute: bool
) -> np.ndarray:
    """HTMT (arithmetic) or HTMT2 (geometric means) for every pair of item groups."""
    r = np.abs(r) if absolute else r
    if method == "htmt2":
        if np.any(r <= 0):
            raise DataError(
                "HTMT2 uses geometric means and needs positive item correlations; some are "
                "zero or negative. Use method='htmt' or reverse-key the items."
            )

        def mean(v: np.ndarray) -> float:
            return float(np.exp(np.mean(np.log(v))))
    else:

        def mean(v: np.ndarray) -> float:
            return float(np.mean(v))

    mono = []
    for g in groups:
        block = r[np.ix_(g, g)]
        mono.append(mean(block[np.tril_indices(len(g), -1)]))
    m = len(groups)
    out = np.eye(m)
    for a in range(m):
        for b in range(a + 1, m):
            hetero = mean(r[np.ix_(groups[a], groups[b])].ravel())
            prod = mono[a] * mono[b]
            if prod <= 0:
                raise DataError(
                    "HTMT is undefined: the mean within-factor item correlation is zero or "
                    "negative; reverse-key the items or pass absolute=True."
                )
            out[a, b] = out[b, a] = hetero / np.sqrt(prod)
    return out


# --------------------------------------------------------------------------- helpers
def _require_cfa(cfa_result: Any, func: str) -> CFAResult:
    if not isinstance(cfa_result, CFAResult):
        raise DataError(
            f"{func}() takes the result of servqual.cfa(...), got {type(cfa_result).__name__}; "
            f"call {func}(sq.cfa(survey))."
        )
    return cfa_result


def _warn_improper(res: CFAResult, func: str) -> None:
    """Carry cfa()'s HeywoodWarning through to a verdict that rests on the solution."""
    if res.improper:
        warnings.warn(
            f"{func}() on an improper CFA solution: {'; '.join(res.improper)}. Its factor "
            "correlations (and AVEs) are not interpretable, so neither is the verdict; "
            "respecify the model first (e.g. merge factors that are not distinct).",
            HeywoodWarning,
            stacklevel=3,
        )


def _factor_loadings(res: CFAResult) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    lo = res.loadings()
    return {
        f: (
            lo.loc[lo["factor"] == f, "std_all"].to_numpy(),
            lo.loc[lo["factor"] == f, "std_error_variance"].to_numpy(),
        )
        for f in res.factors
    }


def _factor_variances(res: CFAResult) -> pd.Series:
    """Estimated (marker) or fixed (std.lv, 1) variance of every factor."""
    t = res.to_frame()
    fv = t[(t["op"] == "~~") & t["lhs"].isin(res.factors) & (t["lhs"] == t["rhs"])]
    return fv.set_index("lhs")["est"].reindex(res.factors)


def _by_method(
    res: CFAResult, method: str, standardized: Any, semtools: Any
) -> dict[str, tuple[float, int]]:
    """Per factor: (value, n_items) by one of the three definitions."""
    if method == "standardized":
        return {
            f: (standardized(lam, th), len(lam)) for f, (lam, th) in _factor_loadings(res).items()
        }
    cov = res.sample_cov if method == "semtools" else res.implied_cov
    lo = res.loadings()
    phi = _factor_variances(res)
    out = {}
    for f in res.factors:
        items = lo.index[lo["factor"] == f]
        lam = lo.loc[items, "est"].to_numpy()
        out[f] = (semtools(lam, float(phi[f]), cov.loc[items, items].to_numpy()), len(lam))
    return out


# --------------------------------------------------------------------------- public API
def composite_reliability(
    cfa_result: CFAResult, *, method: Method = "standardized"
) -> CompositeReliabilityResult:
    """Composite reliability (Jöreskog's rho) of every factor of a CFA.

    Parameters
    ----------
    cfa_result : CFAResult
        A fitted model from :func:`servqual.cfa`.
    method : {"standardized", "semtools", "semtools_implied"}, default "standardized"
        Definition (named in the result's header): Jöreskog's rho from the
        completely standardized loadings; ``semTools::compRelSEM(fit)`` (omega of the
        unstandardized model over the observed variance of the sum score); or
        ``semTools::compRelSEM(fit, obs.var = FALSE)`` (over its model-implied
        variance).

    Returns
    -------
    CompositeReliabilityResult
        Table indexed by factor with columns ``cr`` and ``n_items``; ``method``.

    Raises
    ------
    DataError
        ``cfa_result`` is not a :class:`~servqual.CFAResult`; unknown ``method``.

    See Also
    --------
    servqual.ave, servqual.fornell_larcker, servqual.cfa

    Notes
    -----
    ``"standardized"``: from the completely standardized solution (``std.all``)
    loadings ``λ`` and error variances ``θ`` of the items of a factor,

    .. math:: CR = (\\sum λ)^2 / ((\\sum λ)^2 + \\sum θ)

    (Jöreskog, 1971; Fornell & Larcker, 1981), the explicit formula on
    ``lavaan::standardizedSolution(fit)`` (``tests/reference/make_cfa.R``).

    ``"semtools"`` and ``"semtools_implied"``: omega from the unstandardized loadings
    ``λ`` and the factor variance ``φ`` (1 under ``std_lv``, estimated with a marker
    item), over the sum of the covariance block ``Σ_kk`` of the factor's items,

    .. math:: ω = (\\sum λ)^2 φ / \\mathbf 1' Σ_{kk} \\mathbf 1

    with ``Σ`` the sample covariance (divisor ``n``, as lavaan) for ``"semtools"``
    (``compRelSEM``'s default ``obs.var = TRUE``, Bentler, 2009), or the
    model-implied covariance, i.e. ``(Σλ)²φ / ((Σλ)²φ + Σθ)``, for
    ``"semtools_implied"`` (Raykov, 1997). The three agree for a model that fits
    perfectly with equal item variances; otherwise they differ, typically in the
    second or third decimal. A common threshold is CR ≥ .70.

    References
    ----------
    Jöreskog, K. G. (1971). Statistical analysis of sets of congeneric tests.
    *Psychometrika*, 36(2), 109–133.

    Raykov, T. (1997). Estimation of composite reliability for congeneric measures.
    *Applied Psychological Measurement*, 21(2), 173–184.

    Bentler, P. M. (2009). Alpha, dimension-free, and model-based internal
    consistency reliability. *Psychometrika*, 74(1), 137–143.

    Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with
    unobservable variables and measurement error. *Journal of Marketing Research*,
    18(1), 39–50.

    Examples
    --------
    >>> import servqual as sq
    >>> survey = sq.load_example("retail_bank", nan_policy="listwise")
    >>> cr = sq.composite_reliability(sq.cfa(survey))
    >>> cr.to_frame()["cr"].round(3).to_dict()["tangibles"]
    0.926
    """
    res = _require_cfa(cfa_result, "composite_reliability")
    check_choice(method, "method", METHODS)
    rows = _by_method(res, method, _cr, _omega_semtools)
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["cr", "n_items"])
    table.index.name = "factor"
    return CompositeReliabilityResult(_table=table, n=res.n, method=method)


def ave(cfa_result: CFAResult, *, method: Method = "standardized") -> AVEResult:
    """Average variance extracted (AVE) of every factor of a CFA.

    Parameters
    ----------
    cfa_result : CFAResult
        A fitted model from :func:`servqual.cfa`.
    method : {"standardized", "semtools", "semtools_implied"}, default "standardized"
        Definition (named in the result's header): the mean squared standardized
        loading (Fornell & Larcker, 1981); ``semTools::AVE(fit)`` (common variance
        over the observed item variances); or ``semTools::AVE(fit, obs.var = FALSE)``
        (over the model-implied item variances).

    Returns
    -------
    AVEResult
        Table indexed by factor with columns ``ave``, ``sqrt_ave`` and ``n_items``;
        ``method``.

    Raises
    ------
    DataError
        ``cfa_result`` is not a :class:`~servqual.CFAResult`; unknown ``method``.

    See Also
    --------
    servqual.composite_reliability, servqual.fornell_larcker

    Notes
    -----
    ``"standardized"``: ``AVE = mean(λ²)`` over the factor's completely standardized
    loadings (Fornell & Larcker, 1981), the explicit formula on
    ``lavaan::standardizedSolution(fit)``.

    ``"semtools"`` / ``"semtools_implied"``: from the unstandardized loadings ``λ``
    and the factor variance ``φ``,

    .. math:: AVE = φ \\sum λ_i^2 / \\sum σ_{ii}

    with ``σ_ii`` the observed (divisor ``n``) or the model-implied item variances, as
    ``semTools::AVE(fit)`` / ``semTools::AVE(fit, obs.var = FALSE)`` (semTools ≥
    0.5-6). It weights items by their variance, so it equals the standardized
    definition only when the items have equal variances. AVE ≥ .50 is the usual
    convergent-validity threshold; :func:`fornell_larcker` uses the standardized
    definition.

    References
    ----------
    Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with
    unobservable variables and measurement error. *Journal of Marketing Research*,
    18(1), 39–50.

    Examples
    --------
    >>> import servqual as sq
    >>> survey = sq.load_example("retail_bank", nan_policy="listwise")
    >>> sq.ave(sq.cfa(survey)).to_frame()["ave"].round(3).to_dict()["empathy"]
    0.764
    """
    res = _require_cfa(cfa_result, "ave")
    check_choice(method, "method", METHODS)
    vals = _by_method(
        res,
        method,
        lambda lam, _th: _ave(lam),
        lambda lam, phi, cov: _ave_semtools(lam, phi, np.diag(cov)),
    )
    rows = {f: (a, float(np.sqrt(a)), k) for f, (a, k) in vals.items()}
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["ave", "sqrt_ave", "n_items"])
    table.index.name = "factor"
    return AVEResult(_table=table, n=res.n, method=method)


def fornell_larcker(cfa_result: CFAResult) -> FornellLarckerResult:
    """Fornell–Larcker criterion: √AVE of each factor against its factor correlations.

    Parameters
    ----------
    cfa_result : CFAResult
        A fitted model from :func:`servqual.cfa`.

    Returns
    -------
    FornellLarckerResult
        Table indexed by factor: one column per factor (√AVE on the diagonal, the
        factor correlations off it), ``sqrt_ave``, ``max_abs_r`` (largest absolute
        correlation with another factor) and ``passes`` (``sqrt_ave > max_abs_r``).
        ``all_pass`` says whether every factor passes.

    Raises
    ------
    DataError
        ``cfa_result`` is not a :class:`~servqual.CFAResult`.

    Warns
    -----
    HeywoodWarning
        The CFA solution is improper (``cfa_result.improper`` is not empty).

    See Also
    --------
    servqual.htmt, servqual.ave, servqual.discriminant_validity

    Notes
    -----
    Factor ``k`` passes when ``sqrt(AVE_k) > max_{l≠k} |φ_kl|``, i.e. it shares more
    variance with its own items than with any other factor. With a single factor
    ``max_abs_r`` is 0 and the factor passes. Factor correlations are lavaan's
    ``standardizedSolution(fit)`` ``~~`` rows between factors.

    References
    ----------
    Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with
    unobservable variables and measurement error. *Journal of Marketing Research*,
    18(1), 39–50.

    Examples
    --------
    >>> import servqual as sq
    >>> survey = sq.load_example("retail_bank", nan_policy="listwise")
    >>> sq.fornell_larcker(sq.cfa(survey)).all_pass
    True
    """
    res = _require_cfa(cfa_result, "fornell_larcker")
    _warn_improper(res, "fornell_larcker")
    return _fornell_larcker(res)


def _fornell_larcker(res: CFAResult) -> FornellLarckerResult:
    phi = res.factor_correlations()
    sq_ave = ave(res).to_frame()["sqrt_ave"]
    table = phi.copy()
    f = res.factors
    for k in f:
        table.loc[k, k] = sq_ave[k]
    off = phi.abs().to_numpy() - np.eye(len(f))  # zero the diagonal (|φ_kk| = 1)
    table["sqrt_ave"] = sq_ave.to_numpy()
    table["max_abs_r"] = off.max(axis=1) if len(f) > 1 else np.zeros(1)
    table["passes"] = table["sqrt_ave"] > table["max_abs_r"]
    table.index.name = "factor"
    return FornellLarckerResult(_table=table, n=res.n, all_pass=bool(table["passes"].all()))


def htmt(
    data: Any,
    model: Mapping[str, Sequence[str]] | None = None,
    *,
    method: Literal["htmt", "htmt2"] = "htmt",
    absolute: bool = True,
    nan_policy: Literal["listwise", "raise"] = "listwise",
    score: str = "perception",
) -> HTMTResult:
    """Heterotrait–monotrait ratio of correlations for every pair of factors.

    Parameters
    ----------
    data : Survey, pandas.DataFrame or CFAResult
        A Survey (its ``item_scores(score)``), a numeric item frame, or a fitted
        :func:`servqual.cfa` result (its sample covariance and model are used).
    model : mapping of str to list of str, optional
        Factor → item columns. Defaults to the Survey instrument's ``model`` (or the
        CFA's model); required for a DataFrame. Each factor needs ≥ 2 items.
    method : {"htmt", "htmt2"}
        ``"htmt"`` uses arithmetic means (Henseler, Ringle & Sarstedt, 2015);
        ``"htmt2"`` geometric means (Roemer, Schuberth & Henseler, 2021).
    absolute : bool, default True
        Use absolute correlations (as ``semTools::htmt``).
    nan_policy : {"listwise", "raise"}
        Respondents with missing ratings are dropped (with a warning) or raise.
    score : str, default "perception"
        Item score analysed for a Survey.

    Returns
    -------
    HTMTResult
        Table indexed by (``factor_1``, ``factor_2``) with ``htmt``, ``above_085`` and
        ``above_090`` (discriminant validity in doubt under the strict and the liberal
        threshold); ``matrix()`` gives the factor × factor matrix.

    Raises
    ------
    MissingColumnError, InstrumentError, DataError, InsufficientDataError
        Bad model or data (see :func:`servqual.cfa`), fewer than 3 complete
        respondents, a zero-variance item, or non-positive correlations with ``"htmt2"``.

    See Also
    --------
    servqual.fornell_larcker, servqual.discriminant_validity

    Notes
    -----
    With ``R`` the item correlation matrix (``|r|`` when ``absolute``),

    .. math:: HTMT_{kl} = \\frac{\\bar r_{kl}}{\\sqrt{\\bar r_{kk} \\bar r_{ll}}}

    where ``r̄_kl`` is the mean of the correlations between the items of ``k`` and of
    ``l`` (heterotrait–heteromethod) and ``r̄_kk`` the mean of the correlations among
    the items of ``k`` below the diagonal (monotrait–heteromethod). Matches
    ``semTools::htmt(model, data, htmt2 = FALSE)`` (``htmt2 = TRUE`` for ``"htmt2"``).

    References
    ----------
    Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for
    assessing discriminant validity in variance-based structural equation modeling.
    *Journal of the Academy of Marketing Science*, 43(1), 115–135.

    Roemer, E., Schuberth, F., & Henseler, J. (2021). HTMT2 – an improved criterion
    for assessing discriminant validity in structural equation modeling.
    *Industrial Management & Data Systems*, 121(12), 2637–2650.

    Examples
    --------
    >>> import servqual as sq
    >>> survey = sq.load_example("retail_bank", nan_policy="listwise")
    >>> h = sq.htmt(survey)
    >>> round(h.max_htmt, 3), bool(h.to_frame()["above_085"].any())
    (0.543, False)
    """
    check_choice(method, "method", ("htmt", "htmt2"))
    if isinstance(data, CFAResult):
        if model is not None:
            raise DataError("Pass model= only with raw data, not with a CFA result.")
        spec_model = data.model
        cov = data.sample_cov.to_numpy()
        n = data.n
        items = list(data.sample_cov.index)
    else:
        x, spec_model, _idx, _dropped, _score = _prepare(data, model, score, nan_policy)
        items = [i for its in spec_model.values() for i in its]
        n = x.shape[0]
        if n < 3:
            raise InsufficientDataError(
                f"HTMT needs at least 3 complete respondents to correlate items; got {n}."
            )
        cov = np.cov(x, rowvar=False)
    var = np.diag(cov)
    _require_variance(
        var, items, ", so their correlations are undefined; drop them from the model."
    )
    if len(spec_model) < 2:
        raise DataError(
            f"HTMT compares factors with each other; the model has only one "
            f"({next(iter(spec_model))!r})."
        )
    d = 1.0 / np.sqrt(var)
    r = cov * np.outer(d, d)
    pos = {it: j for j, it in enumerate(items)}
    groups = [np.array([pos[i] for i in its]) for its in spec_model.values()]
    mat = _htmt_matrix(r, groups, method, bool(absolute))
    f = list(spec_model)
    pairs = [(f[a], f[b]) for a in range(len(f)) for b in range(a + 1, len(f))]
    vals = np.array([mat[a, b] for a in range(len(f)) for b in range(a + 1, len(f))])
    table = pd.DataFrame(
        {"htmt": vals, "above_085": vals > 0.85, "above_090": vals > 0.90},
        index=pd.MultiIndex.from_tuples(pairs, names=["factor_1", "factor_2"]),
    )
    return HTMTResult(
        _table=table,
        n=int(n),
        method=method,
        absolute=bool(absolute),
        max_htmt=float(vals.max()),
        factors=tuple(f),
    )


def discriminant_validity(
    cfa_result: CFAResult,
    *,
    htmt_threshold: float = 0.85,
    method: Literal["htmt", "htmt2"] = "htmt",
) -> DiscriminantValidityResult:
    """Convergent and discriminant validity of every factor in one table.

    Parameters
    ----------
    cfa_result : CFAResult
        A fitted model from :func:`servqual.cfa` with at least two factors.
    htmt_threshold : float, default 0.85
        HTMT values at or above this flag a factor (0.90 is the liberal choice).
    method : {"htmt", "htmt2"}
        HTMT variant (see :func:`htmt`).

    Returns
    -------
    DiscriminantValidityResult
        Table indexed by factor: ``cr``, ``ave``, ``sqrt_ave``, ``max_abs_r``,
        ``fornell_larcker`` (passes), ``max_htmt`` (largest HTMT with another factor)
        and ``htmt_ok`` (``max_htmt < htmt_threshold``).

    Raises
    ------
    DataError
        Not a CFA result, a one-factor model, or a threshold outside (0, 1.5].

    Warns
    -----
    HeywoodWarning
        The CFA solution is improper (``cfa_result.improper`` is not empty: negative
        variances, a latent covariance matrix that is not positive definite, ...),
        so the verdicts rest on an improper solution.

    See Also
    --------
    servqual.composite_reliability, servqual.ave, servqual.fornell_larcker, servqual.htmt

    Notes
    -----
    Combines :func:`composite_reliability`, :func:`ave`, :func:`fornell_larcker` and
    :func:`htmt` (on the CFA's sample correlations) with no statistic of its own.

    References
    ----------
    Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for
    assessing discriminant validity in variance-based structural equation modeling.
    *Journal of the Academy of Marketing Science*, 43(1), 115–135.

    Examples
    --------
    >>> import servqual as sq
    >>> survey = sq.load_example("retail_bank", nan_policy="listwise")
    >>> dv = sq.discriminant_validity(sq.cfa(survey))
    >>> bool(dv.to_frame()["htmt_ok"].all())
    True
    """
    res = _require_cfa(cfa_result, "discriminant_validity")
    try:
        thr = float(htmt_threshold)
    except (TypeError, ValueError):
        raise DataError(f"htmt_threshold must be a number, got {htmt_threshold!r}.") from None
    if not 0.0 < thr <= 1.5:
        raise DataError(f"htmt_threshold must lie in (0, 1.5], got {thr}.")
    _warn_improper(res, "discriminant_validity")
    cr = composite_reliability(res).to_frame()
    av = ave(res).to_frame()
    fl = _fornell_larcker(res).to_frame()
    hm = htmt(res, method=method).matrix().to_numpy() - np.eye(res.n_factors)
    table = pd.DataFrame(
        {
            "cr": cr["cr"],
            "ave": av["ave"],
            "sqrt_ave": av["sqrt_ave"],
            "max_abs_r": fl["max_abs_r"],
            "fornell_larcker": fl["passes"],
            "max_htmt": np.abs(hm).max(axis=1),
        },
        index=pd.Index(res.factors, name="factor"),
    )
    table["htmt_ok"] = table["max_htmt"] < thr
    return DiscriminantValidityResult(_table=table, n=res.n, htmt_threshold=thr)
