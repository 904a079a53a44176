"""Key-driver analysis and importance–performance analysis.

Which service dimensions (or items) drive an outcome such as overall quality or
likelihood to recommend?  :func:`key_drivers` regresses the outcome on the
per-respondent dimension or item scores (OLS with HC3 robust standard errors) and
splits R² among the predictors two ways: Johnson's (2000) relative weights and the
general dominance / Shapley decomposition (Budescu, 1993; Grömping, 2007), both of
which sum to R².  :func:`importance_performance` places each unit on an
importance × performance grid (Martilla & James, 1977).
"""

from __future__ import annotations

from collections.abc import Sequence
from math import factorial
from typing import Any, Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from ._results import TableResult, result_class
from ._stats import column_moments
from ._tables import apa_number, apa_p
from ._validation import check_choice, check_confidence, fmt_list
from ._vocab import check_level, parse_score
from .exceptions import DataError, InstrumentError, InsufficientDataError
from .gaps import respondent_scores
from .summary import SurveySummary, as_source
from .survey import Survey, require_survey

__all__ = [
    "QUADRANTS",
    "ImportancePerformanceResult",
    "KeyDriverResult",
    "importance_performance",
    "key_drivers",
]

#: Quadrant names of the importance–performance grid, keyed by (high importance, high performance).
QUADRANTS: dict[tuple[bool, bool], str] = {
    (True, False): "concentrate here",
    (True, True): "keep up the good work",
    (False, False): "low priority",
    (False, True): "possible overkill",
}

#: Largest number of predictors for which the exact dominance analysis runs by default.
MAX_DOMINANCE_PREDICTORS = 12
_HARD_DOMINANCE_LIMIT = 16


def _unit_scores(
    survey: Survey, level: Literal["dimension", "item"], include: Sequence[str] | None, score: str
) -> pd.DataFrame:
    """Per-respondent scores of the predictors at ``level`` (only ``include``, if given)."""
    frame = respondent_scores(survey, level=level, score=score)
    if include is None:
        return frame
    return frame.loc[:, check_include(include, list(frame.columns), level)]


def check_include(include: Any, labels: list[str], level: str) -> list[str]:
    """``include=`` as a list of distinct unit names of ``level``; DataError naming the rest."""
    if isinstance(include, str) or not isinstance(include, Sequence):
        raise DataError(f"include= must be a list of {level} names, got {include!r}.")
    names = list(include)
    if not names:
        raise DataError("include= is empty; name at least one dimension or item.")
    if len(set(names)) != len(names):
        raise DataError(f"include= lists a name twice: {names}.")
    unknown = [n for n in names if n not in labels]
    if unknown:
        raise DataError(
            f"include= names {fmt_list(unknown)}, which are not {level}s of the instrument; "
            f"the {level}s are {fmt_list(labels, 12)} (use level='item' for item codes)."
        )
    return names


def _ols_from_moments(
    n: int,
    n_missing: int,
    means: np.ndarray,
    cov: np.ndarray,
    labels: list[str],
    level: str,
    outcome: str,
    score: str,
    conf: float,
    dominance: bool | None,
) -> KeyDriverResult:
    """Classical OLS key drivers from the covariance ``S`` and means of ``[x, y]``.

    ``b = S_xx⁻¹ s_xy``, ``b0 = ȳ − bᵀx̄``, ``SSE = (n − 1)(s_yy − s_xyᵀ b)``,
    ``Var(b) = σ² S_xx⁻¹ / (n − 1)`` and ``Var(b0) = σ² (1/n + x̄ᵀ S_xx⁻¹ x̄ / (n − 1))``
    with ``σ² = SSE / (n − p − 1)``: the standard errors of R ``summary(lm(y ~ .))``.
    """
    k = len(labels)
    cov = (cov + cov.T) / 2.0
    sd = np.sqrt(np.maximum(np.diag(cov), 0.0))
    if sd[k] == 0:
        raise DataError(
            f"Outcome {outcome!r} is constant over the {n} respondents used; a key-driver "
            "regression needs variation in the outcome."
        )
    const = [labels[j] for j in range(k) if sd[j] <= 1e-12 * max(1.0, float(np.max(sd)))]
    if const:
        raise DataError(
            f"Predictor(s) {fmt_list(const)} are constant over the {n} respondents used; "
            "leave them out of include=."
        )
    corr = cov / np.outer(sd, sd)
    np.fill_diagonal(corr, 1.0)
    _check_collinear(corr[:k, :k], labels)
    dominance = _resolve_dominance(dominance, k)
    sxx, sxy, syy = cov[:k, :k], cov[:k, k], cov[k, k]
    coef = np.linalg.solve(sxx, sxy)
    intercept = means[k] - coef @ means[:k]
    df_resid = n - k - 1
    sigma2 = (n - 1) * (syy - sxy @ coef) / df_resid
    inv = np.linalg.inv(sxx)
    se = np.sqrt(sigma2 * np.diag(inv) / (n - 1))
    se0 = float(np.sqrt(sigma2 * (1.0 / n + means[:k] @ inv @ means[:k] / (n - 1))))
    t = coef / se
    q = stats.t.ppf(0.5 + conf / 2.0, df_resid)
    r2 = float(sxy @ coef / syy)
    table = pd.DataFrame(
        {
            "coef": coef,
            "se": se,
            "t": t,
            "p_unc": 2 * stats.t.sf(np.abs(t), df_resid),
            "ci_low": coef - q * se,
            "ci_high": coef + q * se,
            "std_beta": coef * sd[:k] / sd[k],
            "r": corr[:k, k],
        },
        index=pd.Index(labels, name=level),
    )
    cond_frame = _add_importance(table, corr, labels, level, dominance)
    f_stat, f_p = _overall_f(r2, k, df_resid)
    return KeyDriverResult(
        _table=table,
        outcome=outcome,
        level=level,
        score=score,
        robust=None,
        weighted=False,
        n=int(n),
        n_dropped=int(n_missing),
        intercept=float(intercept),
        intercept_se=se0,
        r_squared=r2,
        adj_r_squared=1.0 - (1.0 - r2) * (n - 1) / df_resid,
        f_statistic=f_stat,
        f_p_value=f_p,
        wald_f=f_stat,
        df_model=int(k),
        df_resid=int(df_resid),
        confidence_level=conf,
        conditional_dominance=cond_frame,
    )


def _weighted_corr(z: np.ndarray, w: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Correlation matrix and standard deviations of the columns of ``z`` (weighted if w)."""
    if w is None:
        w = np.ones(z.shape[0])
    w = w / w.sum()
    mean = w @ z
    dev = z - mean
    cov = (dev * w[:, None]).T @ dev
    sd = np.sqrt(np.diag(cov))
    return cov / np.outer(sd, sd), sd


def _check_design(x: np.ndarray, y: np.ndarray, labels: list[str], outcome: str, index) -> None:
    """Constant columns and exact collinearity raise DataError naming the predictors."""
    if np.ptp(y) == 0:
        raise DataError(
            f"Outcome {outcome!r} is constant ({y[0]:g}) over the {len(y)} respondents used; "
            "a key-driver regression needs variation in the outcome."
        )
    const = [labels[j] for j in np.where(np.ptp(x, axis=0) == 0)[0]]
    if const:
        raise DataError(
            f"Predictor(s) {fmt_list(const)} are constant over the {len(y)} respondents used "
            f"(value {x[0, labels.index(const[0])]:g}); leave them out of include=."
        )
    xc = (x - x.mean(axis=0)) / x.std(axis=0)
    _check_collinear(xc.T @ xc / len(y), labels)


def _check_collinear(rxx: np.ndarray, labels: list[str]) -> None:
    """Exact collinearity in the predictor correlation matrix raises DataError naming them."""
    sv, vecs = np.linalg.eigh(rxx)
    if sv[0] < 1e-10 * max(sv[-1], 1.0):
        involved = [labels[j] for j in np.where(np.abs(vecs[:, 0]) > 1e-3)[0]]
        raise DataError(
            f"Predictors {fmt_list(involved)} are perfectly collinear (one is a linear "
            "combination of the others); the regression is not identified. Drop one of them."
        )


def _require_rows(n: int, p: int, outcome: str) -> None:
    """Fewer than p + 2 complete respondents raise InsufficientDataError."""
    if n < p + 2:
        raise InsufficientDataError(
            f"key_drivers needs at least {p + 2} respondents with {outcome!r} and all {p} "
            f"predictors present (p + 2); found {n}."
        )


def _resolve_dominance(dominance: bool | None, p: int) -> bool:
    """Default dominance= (on up to MAX_DOMINANCE_PREDICTORS) and the hard limit check."""
    if dominance is None:
        dominance = p <= MAX_DOMINANCE_PREDICTORS
    if dominance and p > _HARD_DOMINANCE_LIMIT:
        raise DataError(
            f"Exact dominance analysis over {p} predictors needs 2**{p} regressions; at most "
            f"{_HARD_DOMINANCE_LIMIT} are supported. Pass dominance=False or fewer predictors."
        )
    return dominance


def _overall_f(r2: float, p: int, df_resid: float) -> tuple[float, float]:
    """Classical overall F statistic of R² on (p, df_resid) degrees of freedom and its p-value."""
    f_stat = (r2 / p) / ((1 - r2) / df_resid)
    return float(f_stat), float(stats.f.sf(f_stat, p, df_resid))


def _add_importance(
    table: pd.DataFrame, corr: np.ndarray, labels: list[str], level: str, dominance: bool
) -> pd.DataFrame | None:
    """Add relative-weight (and dominance) columns to ``table``; return the conditional frame."""
    raw = relative_weights(corr)
    table["raw_weight"] = raw
    table["rescaled_weight"] = 100.0 * raw / raw.sum()
    if not dominance:
        return None
    gen, cond = dominance_weights(corr)
    table["dominance"] = gen
    table["dominance_pct"] = 100.0 * gen / gen.sum()
    return pd.DataFrame(
        cond, index=pd.Index(labels, name=level), columns=pd.Index(range(len(labels)), name="size")
    )


def _subset_r2(corr: np.ndarray) -> np.ndarray:
    """R² of every predictor subset from the correlation matrix ``[[Rxx, rxy], [rxy', 1]]``.

    Returns an array of length 2**p indexed by the bit mask of the subset
    (bit j set = predictor j included); ``R²(S) = r_S' R_SS⁻¹ r_S``.  Subsets of equal
    size are solved together as one batched linear system.
    """
    p = corr.shape[0] - 1
    rxx = corr[:p, :p]
    rxy = corr[:p, p]
    masks = np.arange(2**p)
    bits = ((masks[:, None] >> np.arange(p)) & 1).astype(np.int8)
    size = bits.sum(axis=1)
    r2 = np.zeros(2**p)
    for k in range(1, p + 1):
        sel = masks[size == k]
        cols = np.nonzero(bits[sel])[1].reshape(len(sel), k)
        a = rxx[cols[:, :, None], cols[:, None, :]]
        b = rxy[cols]
        sol = np.linalg.solve(a, b[..., None])[..., 0]
        r2[sel] = np.einsum("ij,ij->i", b, sol)
    return r2


def dominance_weights(corr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """General dominance weights and the conditional dominance matrix.

    ``conditional[j, k]`` is the mean R² increment of predictor j over all subsets of
    the other predictors with k members; the general dominance weight of j is the mean
    of that row, which equals the Shapley value of j in the R² game (and R's
    ``relaimpo::calc.relimp(type = "lmg")``).  The weights sum to the full-model R².
    """
    p = corr.shape[0] - 1
    r2 = _subset_r2(corr)
    masks = np.arange(2**p)
    size = ((masks[:, None] >> np.arange(p)) & 1).sum(axis=1)
    n_subsets = np.array(
        [factorial(p - 1) // (factorial(k) * factorial(p - 1 - k)) for k in range(p)]
    )
    cond = np.zeros((p, p))
    for j in range(p):
        without = masks[(masks >> j) & 1 == 0]
        inc = r2[without | (1 << j)] - r2[without]
        cond[j] = np.bincount(size[without], weights=inc, minlength=p) / n_subsets
    return cond.mean(axis=1), cond


def relative_weights(corr: np.ndarray) -> np.ndarray:
    """Johnson's (2000) raw relative weights from ``[[Rxx, rxy], [rxy', 1]]``.

    With ``Rxx = V Λ V'`` and ``Λ* = V Λ^{1/2} V'`` (the correlations between the
    predictors and their closest orthonormal counterparts Z), ``β = Λ*⁻¹ rxy`` are the
    weights of y on Z and ``ε_j = Σ_k Λ*_jk² β_k²``; ``Σ ε_j = R²``.
    """
    p = corr.shape[0] - 1
    vals, vecs = np.linalg.eigh(corr[:p, :p])
    lam = (vecs * np.sqrt(vals)) @ vecs.T
    beta = np.linalg.solve(lam, corr[:p, p])
    return (lam**2) @ (beta**2)


@result_class
class KeyDriverResult(TableResult):
    """Key-driver regression with relative importance.

    Table (one row per predictor): ``coef``, ``se``, ``t``, ``p``, ``ci_low``,
    ``ci_high`` (robust or classical, as ``robust`` says), ``std_beta`` (standardized
    coefficient), ``r`` (zero-order correlation with the outcome), ``raw_weight`` and
    ``rescaled_weight`` (Johnson's relative weights; rescaled = % of R²), and, when
    dominance analysis ran, ``dominance`` (general dominance = Shapley R² share) and
    ``dominance_pct`` (% of R²).  ``conditional_dominance`` holds the mean R²
    increments by subset size (predictors × sizes 0..p−1) or ``None``.
    """

    outcome: str
    level: str
    score: str
    robust: str | None
    weighted: bool
    n: int
    n_dropped: int
    intercept: float
    intercept_se: float
    r_squared: float
    adj_r_squared: float
    f_statistic: float
    f_p_value: float
    wald_f: float
    df_model: int
    df_resid: int
    confidence_level: float
    conditional_dominance: pd.DataFrame | None

    _plot_function = "plot_drivers"

    @property
    def header(self) -> str:
        se = f"{self.robust} SEs" if self.robust else "classical SEs"
        kind = "WLS" if self.weighted else "OLS"
        return (
            f"Key drivers of {self.outcome!r} · {self.score} by {self.level} · {kind}, {se} · "
            f"R²={self.r_squared:.3f} · n={self.n}"
        )

    @property
    def _note(self) -> str:
        return (
            f"{'WLS' if self.weighted else 'OLS'} regression of {self.outcome} on the {self.score} "
            f"scores ({self.robust or 'classical'} standard errors); R² = "
            f"{apa_number(self.r_squared, bounded=True)}, F({self.df_model}, {self.df_resid}) = "
            f"{apa_number(self.f_statistic)}, {apa_p(self.f_p_value, prefix=True)}. B = "
            "unstandardized, β = standardized coefficient; relative weights rescaled to % of R²."
        )


def key_drivers(
    survey: Survey | SurveySummary,
    *,
    outcome: str = "overall",
    level: Literal["dimension", "item"] = "dimension",
    include: Sequence[str] | None = None,
    score: Literal["perception", "gap"] | str = "perception",
    robust: Literal["HC0", "HC1", "HC2", "HC3"] | None = "HC3",
    confidence_level: float = 0.95,
    dominance: bool | None = None,
) -> KeyDriverResult:
    """Regress an outcome on dimension or item scores and rank the drivers.

    Parameters
    ----------
    survey : Survey or SurveySummary
        Survey with the outcome among its ``outcomes``, or a summary made with the
        outcome (``outcomes=``); a summary gives the classical OLS fit
        (``robust=None``) of the respondents with every rating and the outcome.
    outcome : str, default "overall"
        Name of the outcome rating (``survey.outcome(outcome)``).
    level : {"dimension", "item"}, default "dimension"
        Predictors: per-respondent dimension scores or item scores.
    include : sequence of str, optional
        Only these dimensions (or item codes, at item level), in this order.
    score : {"perception", "gap"} or str, default "perception"
        The score of each predictor, as in :func:`servqual.respondent_scores`.
    robust : {"HC3", "HC0", "HC1", "HC2"} or None, default "HC3"
        Heteroskedasticity-consistent covariance for the standard errors; ``None``
        gives the classical OLS standard errors.
    confidence_level : float, default 0.95
        Level of the coefficient intervals.
    dominance : bool, optional
        Run the exact dominance analysis (2**p subsets).  Default: when there are at
        most 12 predictors.  ``True`` allows up to 16 (about 0.3 s).

    Returns
    -------
    KeyDriverResult
        Table indexed by predictor with ``coef``, ``se``, ``t``, ``p``, ``ci_low``,
        ``ci_high``, ``std_beta``, ``r``, ``raw_weight``, ``rescaled_weight`` and,
        with dominance analysis, ``dominance`` and ``dominance_pct``; fields
        ``r_squared``, ``adj_r_squared``, ``f_statistic``, ``f_p_value``, ``wald_f``,
        ``n``, ``n_dropped``, ``intercept``...

    Raises
    ------
    MissingColumnError
        The survey has no such outcome.
    InsufficientDataError
        Fewer complete respondents than predictors + 2.
    DataError
        A constant predictor or outcome, perfectly collinear predictors, or more
        predictors than the dominance analysis allows.

    See Also
    --------
    importance_performance : importance × performance grid.
    servqual.respondent_scores : the predictor scores.

    Notes
    -----
    The model is ``y = b0 + Σ_j b_j x_j + e`` fitted by least squares on the
    respondents with the outcome and every predictor present (listwise; ``n`` is
    reported).  Coefficient tests use the t distribution with the residual degrees
    of freedom and the chosen covariance, as
    ``lmtest::coeftest(m, vcov. = sandwich::vcovHC(m, type = "HC3"))`` and
    ``lmtest::coefci`` for ``m <- lm(y ~ ., data)``.  ``f_statistic`` is the classical
    overall F of ``summary(m)``; ``wald_f`` is the robust Wald F,
    ``lmtest::waldtest(m, vcov = vcovHC(m, type = "HC3"), test = "F")``.
    ``std_beta = b_j · sd(x_j) / sd(y)``.

    With survey weights the fit is weighted least squares (``lm(..., weights = w)``),
    and the correlations used for the relative importance are weighted; HC standard
    errors then treat the weights as precision weights (they are not design-based
    standard errors).

    Relative weights (Johnson, 2000) transform the predictors to their closest
    orthogonal counterparts and give ``ε_j`` with ``Σ ε_j = R²``.  General dominance
    (Budescu, 1993; Azen & Budescu, 2003) averages the R² increment of each
    predictor over all subsets of the others, first within each subset size and
    then across sizes; it equals the LMG / Shapley decomposition,
    ``relaimpo::calc.relimp(m, type = "lmg")``, and sums to R².  Every subset R² is
    computed from the correlation matrix, ``R²(S) = r_S' R_SS⁻¹ r_S``.

    References
    ----------
    Johnson, J. W. (2000). A heuristic method for estimating the relative weight of
    predictor variables in multiple regression. *Multivariate Behavioral Research*,
    35(1), 1-19.

    Budescu, D. V. (1993). Dominance analysis: a new approach to the problem of
    relative importance of predictors in multiple regression. *Psychological
    Bulletin*, 114(3), 542-551.

    Long, J. S., & Ervin, L. H. (2000). Using heteroscedasticity consistent standard
    errors in the linear regression model. *The American Statistician*, 54(3), 217-224.

    Examples
    --------
    >>> import servqual as sq
    >>> survey = sq.load_example("retail_bank")
    >>> res = sq.key_drivers(survey, outcome="overall")
    >>> round(res.r_squared, 3)
    0.088
    >>> bool(abs(res.to_frame()["dominance"].sum() - res.r_squared) < 1e-12)
    True
    """
    src = as_source(survey, "key_drivers")
    conf = check_confidence(confidence_level)
    level = check_level(level, ("dimension", "item"))  # type: ignore[assignment]
    parse_score(score)
    if robust is not None:
        check_choice(robust, "robust", ("HC0", "HC1", "HC2", "HC3"))
        src.require_rows(
            f"Robust (robust={robust!r}) standard errors",
            "Pass robust=None for the classical OLS standard errors, or use a Survey.",
        )
    if isinstance(src, SurveySummary):
        n, n_missing, means, cov, labels = src.regression_moments(outcome, level, score, include)
        _require_rows(n, len(labels), outcome)
        return _ols_from_moments(
            n, n_missing, means, cov, labels, level, outcome, score, conf, dominance
        )
    survey = src
    y_all = survey.outcome(outcome)
    scores = _unit_scores(survey, level, include, score)
    labels = [str(c) for c in scores.columns]
    x_all = scores.to_numpy(dtype=np.float64)
    y_all = y_all.to_numpy(dtype=np.float64)
    ok = np.isfinite(y_all) & np.isfinite(x_all).all(axis=1)
    x, y = x_all[ok], y_all[ok]
    w = None if survey.weights is None else np.asarray(survey.weights, dtype=np.float64)[ok]
    n, p = x.shape
    _require_rows(n, p, outcome)
    _check_design(x, y, labels, outcome, survey.index)
    if robust is None and w is None:  # the moment path, shared with SurveySummary
        z = np.column_stack([x, y])
        zc = z - z.mean(axis=0)
        cov = zc.T @ zc / (n - 1)
        return _ols_from_moments(
            n,
            int((~ok).sum()),
            z.mean(axis=0),
            cov,
            labels,
            level,
            outcome,
            score,
            conf,
            dominance,
        )
    dominance = _resolve_dominance(dominance, p)

    design = sm.add_constant(x, has_constant="add")
    model = sm.OLS(y, design) if w is None else sm.WLS(y, design, weights=w)
    fit = model.fit(cov_type=robust or "nonrobust", use_t=True)
    params = np.asarray(fit.params)
    bse = np.asarray(fit.bse)
    ci = np.asarray(fit.conf_int(alpha=1 - conf))

    corr, sd = _weighted_corr(np.column_stack([x, y]), w)
    std_beta = params[1:] * sd[:p] / sd[p]
    table = pd.DataFrame(
        {
            "coef": params[1:],
            "se": bse[1:],
            "t": np.asarray(fit.tvalues)[1:],
            "p_unc": np.asarray(fit.pvalues)[1:],
            "ci_low": ci[1:, 0],
            "ci_high": ci[1:, 1],
            "std_beta": std_beta,
            "r": corr[:p, p],
        },
        index=pd.Index(labels, name=level),
    )
    r2 = float(fit.rsquared)
    cond_frame = _add_importance(table, corr, labels, level, dominance)
    if robust is not None:
        wald = float(np.squeeze(fit.f_test(np.eye(p + 1)[1:]).fvalue))
    else:
        wald = float(fit.fvalue)
    df_resid = round(fit.df_resid)
    f_stat, f_p = _overall_f(r2, p, df_resid)
    return KeyDriverResult(
        _table=table,
        outcome=outcome,
        level=level,
        score=score,
        robust=robust,
        weighted=w is not None,
        n=int(n),
        n_dropped=int((~ok).sum()),
        intercept=float(params[0]),
        intercept_se=float(bse[0]),
        r_squared=r2,
        adj_r_squared=float(fit.rsquared_adj),
        f_statistic=f_stat,
        f_p_value=f_p,
        wald_f=wald,
        df_model=int(p),
        df_resid=df_resid,
        confidence_level=conf,
        conditional_dominance=cond_frame,
    )


@result_class
class ImportancePerformanceResult(TableResult):
    """Importance–performance grid.

    Table (one row per dimension or item): ``dimension`` (item level), ``importance``,
    ``performance``, ``n`` (respondents behind the performance mean) and ``quadrant``
    (one of ``"concentrate here"``, ``"keep up the good work"``, ``"low priority"``,
    ``"possible overkill"``).  The crosshair is explicit: ``crosshair`` names how it
    was placed and ``importance_cut`` / ``performance_cut`` give its coordinates.
    """

    level: str
    score: str
    importance: str
    importance_source: str
    derived: str | None
    outcome: str | None
    crosshair: str
    importance_cut: float
    performance_cut: float
    n: int

    _plot_function = "plot_ipa"

    @property
    def header(self) -> str:
        return (
            f"Importance–performance · {self.level} · importance: {self.importance_source} · "
            f"performance: mean {self.score} · crosshair: {self.crosshair} "
            f"({self.importance_cut:.3g}, {self.performance_cut:.3g}) · n={self.n}"
        )


def _stated_importance(
    survey: Survey, level: str, labels: list[str], dim_of: dict[str, str]
) -> tuple[np.ndarray, str, float]:
    """Stated importance per unit, its source and its neutral midpoint."""
    inst = survey.instrument
    w = survey.weights
    dims = [d.name for d in inst.quality_dimensions]
    k = len(dims)
    if level == "item" and survey.has_rating("I"):
        frame = respondent_scores(survey, level="item", score="importance")
        vals = column_moments(frame.loc[:, labels].to_numpy(), w)["mean"]
        return vals, "mean importance rating (I) per item", float(inst.scale.midpoint)
    if survey.importance is not None:
        by_dim = dict(
            zip(dims, column_moments(survey.importance.to_numpy(), w)["mean"], strict=True)
        )
        source = "mean of the respondents' 100-point allocations"
    elif level == "dimension" and survey.has_rating("I"):
        frame = respondent_scores(survey, level="dimension", score="importance")
        vals = column_moments(frame.loc[:, labels].to_numpy(), w)["mean"]
        return vals, "mean importance rating (I) per dimension", float(inst.scale.midpoint)
    elif inst.weights is not None:
        by_dim = dict(inst.weights)
        source = "the instrument's importance weights (100 points)"
    else:
        raise InstrumentError(
            f"Stated importance needs importance points (Survey(importance=...)), weights on "
            f"the instrument {inst.name!r}, or importance ratings ('I'); this survey has none. "
            "Use importance='derived' instead."
        )
    if level == "item":
        source += ", each item given its dimension's importance"
    return np.array([by_dim[dim_of[u]] for u in labels], dtype=np.float64), source, 100.0 / k


def importance_performance(
    survey: Survey,
    *,
    importance: Literal["stated", "derived"] = "stated",
    level: Literal["dimension", "item"] = "dimension",
    crosshair: Literal["means", "midpoint"] | tuple[float, float] = "means",
    score: Literal["perception", "gap"] | str = "perception",
    outcome: str = "overall",
    derived: Literal["correlation", "beta"] = "correlation",
) -> ImportancePerformanceResult:
    """Importance–performance analysis (IPA) of dimensions or items.

    Parameters
    ----------
    survey : Survey
    importance : {"stated", "derived"}, default "stated"
        ``"stated"``: what customers say matters — the mean of the respondents'
        100-point allocations (``survey.importance``), else the mean importance
        rating (``"I"``), else the instrument's weights; at item level an item takes
        its own importance rating when there is one, else its dimension's points.
        ``"derived"``: what the data says matters — the association of each unit's
        score with ``outcome`` (see ``derived``).
    level : {"dimension", "item"}, default "dimension"
    crosshair : {"means", "midpoint"} or (float, float), default "means"
        Where the grid is split. ``"means"``: at the mean importance and the mean
        performance across units (data-centred).  ``"midpoint"``: at the neutral
        values — performance at the scale midpoint (0 for gap scores); importance at
        an equal share ``100 / n_dimensions`` of the points, the scale midpoint of
        importance ratings, or, for derived importance, the middle of the observed
        range.  A pair ``(importance, performance)`` places it explicitly.
    score : {"perception", "gap"} or str, default "perception"
        Performance = the mean of this per-respondent score.
    outcome : str, default "overall"
        Outcome for derived importance.
    derived : {"correlation", "beta"}, default "correlation"
        Derived importance as the Pearson correlation of each unit's score with the
        outcome, or the standardized regression coefficient from
        :func:`key_drivers` (OLS of the outcome on all units together).

    Returns
    -------
    ImportancePerformanceResult
        Table columns ``importance``, ``performance``, ``n``, ``quadrant``
        (``dimension`` first at item level); fields ``crosshair``,
        ``importance_cut``, ``performance_cut``, ``importance_source``.

    Raises
    ------
    InstrumentError
        Stated importance requested but the survey has no importance data.
    MissingColumnError
        Derived importance with an outcome the survey does not have.

    See Also
    --------
    key_drivers : regression-based importance.

    Notes
    -----
    A unit is high-importance when ``importance >= importance_cut`` and
    high-performance when ``performance >= performance_cut``:
    "concentrate here" (high importance, low performance), "keep up the good work"
    (high, high), "low priority" (low, low), "possible overkill" (low importance,
    high performance).  Means use survey weights when present.  Derived
    correlations use the respondents with the outcome and every unit present
    (listwise; ``n`` field), as R ``cor(scores[ok, ], y[ok])``; performance means use
    every respondent with the unit's score (``n`` column).

    References
    ----------
    Martilla, J. A., & James, J. C. (1977). Importance-performance analysis.
    *Journal of Marketing*, 41(1), 77-79.

    Examples
    --------
    >>> import servqual as sq
    >>> survey = sq.load_example("retail_bank")
    >>> ipa = sq.importance_performance(survey)
    >>> ipa.crosshair, round(ipa.importance_cut, 1)
    ('means', 20.0)
    >>> sorted(set(ipa.to_frame()["quadrant"])) <= sorted(sq.drivers.QUADRANTS.values())
    True
    """
    survey = require_survey(survey)
    check_choice(importance, "importance", ("stated", "derived"))
    check_choice(level, "level", ("dimension", "item"))
    check_choice(derived, "derived", ("correlation", "beta"))
    if not isinstance(crosshair, str):
        try:
            cut_i, cut_p = (float(v) for v in crosshair)
        except (TypeError, ValueError):
            raise DataError(
                f"crosshair must be 'means', 'midpoint' or a pair (importance, performance) "
                f"of numbers, got {crosshair!r}."
            ) from None
        if not (np.isfinite(cut_i) and np.isfinite(cut_p)):
            raise DataError(f"crosshair values must be finite, got {crosshair!r}.")
    else:
        check_choice(crosshair, "crosshair", ("means", "midpoint"))
    scores = respondent_scores(survey, level=level, score=score)
    labels = [str(c) for c in scores.columns]
    inst = survey.instrument
    dim_of = {i.code: d.name for d in inst.quality_dimensions for i in d.items}
    dim_of.update({d.name: d.name for d in inst.quality_dimensions})
    mom = column_moments(scores.to_numpy(dtype=np.float64), survey.weights)
    if (mom["n"] == 0).any():
        empty = [labels[j] for j in np.where(mom["n"] == 0)[0]]
        raise InsufficientDataError(f"No respondent has a {score} score for {fmt_list(empty)}.")
    perf = mom["mean"]
    n_used = survey.n_respondents
    out_name: str | None = None
    if importance == "stated":
        imp, source, imp_mid = _stated_importance(survey, level, labels, dim_of)
        derived_kind = None
    else:
        out_name = outcome
        derived_kind = derived
        if derived == "beta":
            kd = key_drivers(survey, outcome=outcome, level=level, score=score, dominance=False)
            imp = kd.to_frame()["std_beta"].to_numpy()
            n_used = kd.n
            source = f"standardized beta in OLS of {outcome!r} (derived)"
        else:
            y = survey.outcome(outcome).to_numpy(dtype=np.float64)
            x = scores.to_numpy(dtype=np.float64)
            ok = np.isfinite(y) & np.isfinite(x).all(axis=1)
            n_used = int(ok.sum())
            if n_used < 3:
                raise InsufficientDataError(
                    f"Derived importance needs at least 3 respondents with {outcome!r} and every "
                    f"{level} score present; found {n_used}."
                )
            z = np.column_stack([x[ok], y[ok]])
            flat = [([*labels, outcome])[j] for j in np.where(np.ptp(z, axis=0) == 0)[0]]
            if flat:
                raise DataError(
                    f"{fmt_list(flat)} is constant over the {n_used} respondents used, so its "
                    "correlation with the outcome is undefined."
                )
            w = None if survey.weights is None else np.asarray(survey.weights)[ok]
            corr, _ = _weighted_corr(z, w)
            imp = corr[:-1, -1]
            source = f"correlation with {outcome!r} (derived)"
        imp_mid = float((imp.min() + imp.max()) / 2.0)
    if isinstance(crosshair, str) and crosshair == "means":
        cut_i, cut_p = float(np.mean(imp)), float(np.mean(perf))
    elif isinstance(crosshair, str):
        cut_i = imp_mid
        is_gap = score.lower() in ("gap", "msa", "mss")
        cut_p = 0.0 if is_gap else float(inst.scale.midpoint)
    hi_i = imp >= cut_i
    hi_p = perf >= cut_p
    table = pd.DataFrame(
        {
            "importance": imp,
            "performance": perf,
            "n": mom["n"].astype(np.int64),
            "quadrant": [QUADRANTS[(bool(a), bool(b))] for a, b in zip(hi_i, hi_p, strict=True)],
        },
        index=pd.Index(labels, name=level),
    )
    if level == "item":
        table.insert(0, "dimension", [dim_of[u] for u in labels])
    return ImportancePerformanceResult(
        _table=table,
        level=level,
        score=score,
        importance=importance,
        importance_source=source,
        derived=derived_kind,
        outcome=out_name,
        crosshair=crosshair if isinstance(crosshair, str) else "explicit",
        importance_cut=float(cut_i),
        performance_cut=float(cut_p),
        n=int(n_used),
    )
