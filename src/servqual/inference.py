"""Significance tests of gaps: paired tests per item/dimension, Hotelling's T², p-adjustment.

Every SERVQUAL gap is a paired comparison: each respondent rates both the
perception (P) and the reference (E, A, D, ...). :func:`paired_tests` tests the
mean (paired t) or the location (Wilcoxon signed-rank) of ``P − reference`` per
item, dimension or overall; :func:`hotelling_test` tests all dimension gaps
jointly; :func:`p_adjust` corrects a family of p-values. Group comparisons
(segments) live in :mod:`servqual.groups`.
"""

from __future__ import annotations

import warnings
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import optimize, stats

from . import _gap_engine
from ._results import TableResult, result_class
from ._stats import column_moments, require_n, t_test
from ._tables import adjust_note
from ._validation import check_choice, check_confidence, fmt_list
from ._vocab import (
    ALTERNATIVES,
    Alternative,
    Level,
    check_alternative,
    check_flag,
    check_level,
    parse_reference,
)
from ._vocab import REF_LETTER as _REF_LETTER
from .exceptions import DataError, InsufficientDataError, ServqualWarning
from .instruments import reference_name
from .summary import SurveySummary, as_source
from .survey import Survey
from .survey import require_survey as _check_survey

__all__ = [
    "HotellingResult",
    "PairedTestResult",
    "cohen_dz_interval",
    "hotelling_test",
    "p_adjust",
    "paired_tests",
]


# statsmodels.stats.multitest.multipletests methods, plus R p.adjust() names.
_SM_METHODS = (
    "bonferroni",
    "sidak",
    "holm-sidak",
    "holm",
    "simes-hochberg",
    "hommel",
    "fdr_bh",
    "fdr_by",
    "fdr_tsbh",
    "fdr_tsbky",
    "fdr_gbs",
)
_R_ALIASES = {"hochberg": "simes-hochberg", "BH": "fdr_bh", "fdr": "fdr_bh", "BY": "fdr_by"}


# --------------------------------------------------------------------------- p_adjust
def _check_method(method: str | None) -> str | None:
    if method is None or method == "none":
        return None
    if not isinstance(method, str):
        raise DataError(f"p_adjust must be a method name or None, got {method!r}.")
    m = _R_ALIASES.get(method, method)
    if m not in _SM_METHODS:
        raise DataError(
            f"p_adjust={method!r} is not a known correction; use one of "
            f"{list(_SM_METHODS)}, an R name ({list(_R_ALIASES)}) or None."
        )
    return m


def _adjust(p: np.ndarray, method: str | None) -> np.ndarray:
    from statsmodels.stats.multitest import multipletests

    if method is None or len(p) == 0:
        return p.copy()
    return np.asarray(multipletests(p, method=method)[1], dtype=np.float64)


def p_adjust(
    pvalues: npt.ArrayLike | pd.Series, method: str | None = "holm"
) -> np.ndarray | pd.Series:
    """Adjust a family of p-values for multiple testing.

    Parameters
    ----------
    pvalues : array-like or pandas.Series
        Unadjusted p-values in [0, 1], one-dimensional, no missing values.
    method : str or None
        A :func:`statsmodels.stats.multitest.multipletests` method (``"holm"``,
        ``"bonferroni"``, ``"fdr_bh"``, ``"fdr_by"``, ``"simes-hochberg"``,
        ``"hommel"``, ``"sidak"``, ``"holm-sidak"``, ...), an R
        :func:`p.adjust` name (``"hochberg"``, ``"BH"``, ``"BY"``), or
        ``None``/``"none"`` for no adjustment.

    Returns
    -------
    numpy.ndarray or pandas.Series
        Adjusted p-values in the input order; a Series (same index) when a
        Series was given, else a float array.

    Raises
    ------
    DataError
        Unknown method, p-values outside [0, 1], missing or not one-dimensional.

    See Also
    --------
    paired_tests, servqual.compare_groups

    Notes
    -----
    A thin validated wrapper over ``statsmodels.stats.multitest.multipletests``;
    it matches R ``p.adjust(p, method = "holm")`` (and ``"bonferroni"``,
    ``"hochberg"``, ``"hommel"``, ``"BH"``, ``"BY"``).

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    Scandinavian Journal of Statistics, 6(2), 65-70.

    Examples
    --------
    >>> import servqual as sq
    >>> sq.p_adjust([0.01, 0.04, 0.03], method="holm").round(3).tolist()
    [0.03, 0.06, 0.06]
    """
    m = _check_method(method)
    index = pvalues.index if isinstance(pvalues, pd.Series) else None
    try:
        p = np.asarray(pvalues, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError("pvalues must be numbers in [0, 1].") from None
    if p.ndim != 1:
        raise DataError(f"pvalues must be one-dimensional, got shape {p.shape}.")
    bad = np.where(~np.isfinite(p) | (p < 0) | (p > 1))[0]
    if len(bad):
        raise DataError(
            f"pvalues must lie in [0, 1] without missing values; positions "
            f"{fmt_list(bad.tolist())} hold {fmt_list(p[bad].tolist())}."
        )
    out = _adjust(p, m)
    return pd.Series(out, index=index, name="p_adj") if index is not None else out


# --------------------------------------------------------------------------- effect sizes
def cohen_dz_interval(
    t: float, n: int, confidence_level: float = 0.95, alternative: Alternative = "two-sided"
) -> tuple[float, float]:
    """Confidence interval of Cohen's d_z from the paired t statistic (noncentral t).

    Parameters
    ----------
    t : float
        Paired (or one-sample) t statistic, finite.
    n : int
        Number of pairs (at least 2); the t statistic has ``n − 1`` df.
    confidence_level : float
        Level of the interval, in (0, 1).
    alternative : {"two-sided", "less", "greater"}
        One-sided alternatives give one finite limit (as R's one-sided intervals).

    Returns
    -------
    tuple of float
        ``(low, high)`` limits of d_z.

    Raises
    ------
    DataError
        ``t`` not finite, ``n`` below 2 or not whole, a ``confidence_level`` outside
        (0, 1) or an unknown ``alternative``.

    Notes
    -----
    The limits are ``δ/√n`` where δ solves ``F_{nct}(t; n−1, δ) = 1 − α/2`` (lower)
    and ``= α/2`` (upper), as in Steiger & Fouladi (1997) and R
    ``MBESS::ci.sm(ncp = t, N = n)`` (R's ``pt`` with a noncentrality above ~37
    warns that it may lose precision; scipy's ``nct`` keeps it).

    References
    ----------
    Steiger, J. H., & Fouladi, R. T. (1997). Noncentrality interval estimation and
    the evaluation of statistical models. In L. L. Harlow et al. (Eds.), What if
    there were no significance tests? (pp. 221-257). Erlbaum.

    Examples
    --------
    >>> import servqual as sq
    >>> [round(v, 3) for v in sq.inference.cohen_dz_interval(3.0, 25)]
    [0.168, 1.022]
    """
    _check_alternative(alternative)
    confidence_level = check_confidence(confidence_level)
    try:
        t = float(t)
    except (TypeError, ValueError):
        raise DataError(f"t must be a number, got {t!r}.") from None
    if not np.isfinite(t):
        raise DataError(f"t must be finite, got {t!r}.")
    if isinstance(n, bool) or not isinstance(n, int | np.integer | float) or n != int(n) or n < 2:
        raise DataError(f"n must be a whole number of pairs, at least 2; got {n!r}.")
    n = int(n)
    df = n - 1
    alpha = 1.0 - confidence_level

    def solve(prob: float) -> float:
        def f(ncp: float) -> float:
            v = float(stats.nct.cdf(t, df, ncp))
            if np.isnan(v):  # far tails underflow in scipy: the cdf is 0 or 1 there
                v = 0.0 if ncp > t else 1.0
            return v - prob

        spread = np.sqrt(1.0 + t * t / (2.0 * df))  # approximate sd of the ncp estimate
        lo, hi = t - 6.0 * spread, t + 6.0 * spread
        while f(lo) < 0:
            lo -= 6.0 * spread
        while f(hi) > 0:
            hi += 6.0 * spread
        return float(optimize.brentq(f, lo, hi, xtol=1e-13, rtol=1e-14, maxiter=500))

    root_n = float(np.sqrt(n))
    if alternative == "two-sided":
        return solve(1 - alpha / 2) / root_n, solve(alpha / 2) / root_n
    if alternative == "greater":
        return solve(1 - alpha) / root_n, np.inf
    return -np.inf, solve(alpha) / root_n


# --------------------------------------------------------------------------- signed rank
def _signrank_counts(n: int) -> np.ndarray:
    """Number of subsets of {1..n} with each rank sum 0..n(n+1)/2."""
    c = np.zeros(n * (n + 1) // 2 + 1, dtype=np.float64)
    c[0] = 1.0
    top = 0
    for k in range(1, n + 1):
        c[k : top + k + 1] += c[: top + 1].copy()
        top += k
    return c


def _psignrank(q: float, n: int, lower: bool = True) -> float:
    """P(V <= q) (lower) or P(V > q) for the exact null distribution (R psignrank)."""
    c = _signrank_counts(n)
    total = 2.0**n
    k = int(np.floor(q + 1e-7))
    lo = float(c[: max(k + 1, 0)].sum()) / total if k >= 0 else 0.0
    return lo if lower else 1.0 - lo


def _qsignrank(p: float, n: int) -> int:
    """Quantile of the signed-rank distribution with R's ``qsignrank`` convention."""
    c = _signrank_counts(n) / 2.0**n
    eps = 10 * np.finfo(float).eps
    if p <= 0.5:
        x = p - eps
        cum = np.cumsum(c)
        return int(np.argmax(cum >= x))
    x = 1 - p + eps
    cum = np.cumsum(c)
    q = int(np.argmax(cum > x))
    return n * (n + 1) // 2 - q


_MAX_DISTINCT = 4000


class _Walsh:
    """Sorted Walsh averages ``(x_i + x_j)/2, i <= j`` kept as distinct values + counts.

    Survey differences take few distinct values (averages of ratings), so the
    ``n(n+1)/2`` averages are built from the distinct differences and their
    multiplicities: memory grows with the number of distinct values, not with n.
    """

    def __init__(self, x: np.ndarray, label: str = "") -> None:
        u, c = np.unique(x, return_counts=True)
        if len(u) > _MAX_DISTINCT:
            raise DataError(
                f"The Wilcoxon pseudo-median and interval{' for ' + repr(label) if label else ''} "
                f"need at most {_MAX_DISTINCT} distinct differences; found {len(u)}. Use "
                "method='t' for continuous scores."
            )
        i, j = np.triu_indices(len(u))
        vals = (u[i] + u[j]) / 2.0
        cnt = np.where(i == j, c[i] * (c[i] + 1) / 2.0, c[i].astype(float) * c[j])
        order = np.argsort(vals, kind="stable")
        self.values = vals[order]
        self.cum = np.cumsum(cnt[order])
        self.total = int(np.rint(self.cum[-1]))

    def order_stat(self, k: int) -> float:
        """The k-th smallest Walsh average (1-based)."""
        return float(self.values[np.searchsorted(self.cum, k - 0.5)])

    def median(self) -> float:
        n = self.total
        if n % 2:
            return self.order_stat((n + 1) // 2)
        return (self.order_stat(n // 2) + self.order_stat(n // 2 + 1)) / 2.0

    def distinct(self) -> np.ndarray:
        return np.unique(self.values)


def _w_standardised(x: np.ndarray, d: float, alternative: str) -> float:
    """R's asymptotic standardised signed-rank statistic of ``x - d`` (continuity-corrected)."""
    xd = x - d
    xd = xd[xd != 0]
    nx = len(xd)
    if nx == 0:
        return 0.0
    r = stats.rankdata(np.abs(xd))
    zd = r[xd > 0].sum() - nx * (nx + 1) / 4.0
    _, t = np.unique(r, return_counts=True)
    sigma = np.sqrt(nx * (nx + 1) * (2 * nx + 1) / 24.0 - np.sum(t**3 - t) / 48.0)
    corr = {"two-sided": np.sign(zd) * 0.5, "greater": 0.5, "less": -0.5}[alternative]
    if sigma == 0:
        return float(np.sign(zd - corr)) * np.inf if zd != corr else 0.0
    return float((zd - corr) / sigma)


def _w_root(x: np.ndarray, walsh: _Walsh, zq: float, alternative: str) -> float:
    """The location where R's standardised statistic crosses ``zq``.

    The statistic is a non-increasing step function of the shift ``d`` that jumps
    only at Walsh averages; R locates the jump with ``uniroot(tol = 1e-4)``, here
    it is found exactly by bisection over the sorted Walsh averages.
    """
    c = walsh.distinct()
    mids = np.concatenate([[c[0] - 1.0], (c[:-1] + c[1:]) / 2.0, [c[-1] + 1.0]])

    def f(k: int) -> float:
        return _w_standardised(x, mids[k], alternative) - zq

    lo, hi = 0, len(mids) - 1
    if f(lo) <= 0:
        return float(c[0])
    if f(hi) > 0:
        return float(c[-1])
    while hi - lo > 1:  # invariant f(lo) > 0 >= f(hi)
        mid = (lo + hi) // 2
        if f(mid) > 0:
            lo = mid
        else:
            hi = mid
    if f(hi) == 0 and hi < len(mids) - 1:  # flat at zq: a whole interval solves it
        return float(mids[hi])
    return float(c[lo])


def _wilcoxon(d: np.ndarray, alternative: str, conf: float, label: str = "") -> dict[str, Any]:
    """Signed-rank test of paired differences ``d`` as R ``wilcox.test(d, conf.int = TRUE)``."""
    d = np.round(d, 10)  # averaged ratings carry float noise that would split true ties
    zeros = bool(np.any(d == 0))
    x = d[d != 0]
    n = len(x)
    if n == 0:
        return {}
    r = stats.rankdata(np.abs(x))
    v = float(r[x > 0].sum())
    _, t = np.unique(r, return_counts=True)
    ties = bool(np.any(t > 1))
    total = n * (n + 1) / 2.0
    exact = n < 50 and not ties and not zeros
    alpha = 1.0 - conf
    walsh = _Walsh(x, label)
    if exact:
        if alternative == "two-sided":
            if v > n * (n + 1) / 4:
                p = _psignrank(v - 1, n, lower=False)
            else:
                p = _psignrank(v, n)
            p = min(1.0, 2 * p)
        elif alternative == "greater":
            p = _psignrank(v - 1, n, lower=False)
        else:
            p = _psignrank(v, n)
        if alternative == "two-sided":
            qu = max(_qsignrank(alpha / 2, n), 1)
            ql = int(total) - qu
            ci = (walsh.order_stat(qu), walsh.order_stat(ql + 1))
        elif alternative == "greater":
            qu = max(_qsignrank(alpha, n), 1)
            ci = (walsh.order_stat(qu), np.inf)
        else:
            qu = max(_qsignrank(alpha, n), 1)
            ql = int(total) - qu
            ci = (-np.inf, walsh.order_stat(ql + 1))
        z = np.nan
    else:
        z0 = v - n * (n + 1) / 4.0
        sigma = np.sqrt(n * (n + 1) * (2 * n + 1) / 24.0 - np.sum(t**3 - t) / 48.0)
        corr = {"two-sided": np.sign(z0) * 0.5, "greater": 0.5, "less": -0.5}[alternative]
        z = (z0 - corr) / sigma
        if alternative == "two-sided":
            p = 2 * min(stats.norm.cdf(z), stats.norm.sf(z))
        elif alternative == "greater":
            p = stats.norm.sf(z)
        else:
            p = stats.norm.cdf(z)
        if alternative == "two-sided":
            a = alpha
            lo_w = _w_standardised(x, x.min(), alternative)
            hi_w = _w_standardised(x, x.max(), alternative)
            while a < 1 and (lo_w - stats.norm.isf(a / 2) < 0 or hi_w - stats.norm.ppf(a / 2) > 0):
                a *= 2
            if a < 1:
                ci = (
                    _w_root(x, walsh, stats.norm.isf(a / 2), alternative),
                    _w_root(x, walsh, stats.norm.ppf(a / 2), alternative),
                )
            else:
                ci = (float(np.median(x)), float(np.median(x)))
        elif alternative == "greater":
            ci = (_w_root(x, walsh, stats.norm.isf(alpha), alternative), np.inf)
        else:
            ci = (-np.inf, _w_root(x, walsh, stats.norm.ppf(alpha), alternative))
    return {
        "v": v,
        "z": float(z),
        "p": float(min(1.0, p)),
        "pseudo_median": walsh.median(),
        "ci": (float(ci[0]), float(ci[1])),
        "rank_biserial": (2 * v - total) / total,
        "n_nonzero": n,
        "exact": exact,
    }


# --------------------------------------------------------------------------- paired tests
@result_class
class PairedTestResult(TableResult):
    """Paired tests of perception against reference, one row per item/dimension.

    Table columns, method ``"t"``: ``dimension`` (item level), ``mean_perception``,
    ``mean_reference``, ``diff``, ``sd_diff``, ``t``, ``df``, ``p_unc``, ``p_adj``,
    ``ci_low``, ``ci_high`` (of the mean difference), ``cohen_dz``, ``dz_ci_low``,
    ``dz_ci_high``, ``n``.

    Method ``"wilcoxon"``: ``dimension`` (item level), ``mean_perception``,
    ``mean_reference``, ``diff``, ``sd_diff``, ``v`` (sum of the ranks of the
    positive differences, R's V), ``z`` (standardised statistic of the normal
    approximation; NaN when the exact distribution was used), ``p_unc``, ``p_adj``,
    ``pseudo_median`` (Hodges–Lehmann), ``ci_low``, ``ci_high`` (of the pseudo-median),
    ``rank_biserial``, ``exact``, ``n_nonzero``, ``n``.
    """

    instrument: str
    level: str
    method: str
    alternative: str
    p_adjust: str | None
    reference: str
    reference_name: str
    confidence_level: float
    n: int
    survey_weighted: bool
    nan_policy: str
    weighted: bool = False  # importance-weighted scores

    _plot_function = None

    @property
    def header(self) -> str:
        constant = self.reference in ("spec", "max")  # a fixed reference: one-sample test
        if self.method == "t":
            name = "One-sample t-test" if constant else "Paired t-test"
        else:
            name = (
                "One-sample Wilcoxon signed-rank test" if constant else "Wilcoxon signed-rank test"
            )
        adj = self.p_adjust or "none"
        sw = " · survey-weighted" if self.survey_weighted and self.method == "t" else ""
        iw = " · importance-weighted" if self.weighted else ""
        return (
            f"{name} (P vs {self.reference}: {self.reference_name}) · {self.level}{iw} · "
            f"{self.alternative} · p_adjust={adj} · {self.confidence_level:.0%} CI{sw} · "
            f"n={self.n}"
        )

    @property
    def _note(self) -> str:
        return (
            f"{self.header.split(' (')[0]} ({self.alternative}); Difference = perception − "
            f"{self.reference_name}, negative values mean perceptions fall short. "
            + adjust_note(self.p_adjust)
        )

    @property
    def p_values(self) -> pd.Series:
        """Adjusted p-values per row."""
        return self._table["p_adj"].copy()


def _resolve_ref(reference: str | None) -> str | None:
    return _REF_LETTER.get(reference, reference) if reference is not None else None


def _check_alternative(alternative: str) -> None:
    check_choice(alternative, "alternative", ALTERNATIVES)


def _check_variation(sd: np.ndarray, mean: np.ndarray, labels: list[str], what: str) -> None:
    flat = np.where(sd <= 1e-12 * np.maximum(1.0, np.abs(mean)))[0]
    if len(flat):
        shown = [f"{labels[k]} (every difference = {mean[k]:g})" for k in flat]
        raise DataError(
            f"{what}: the differences do not vary for {fmt_list(shown)}, so the test "
            "statistic is undefined. Drop these units or use a descriptive summary."
        )


def paired_tests(
    survey: Survey | SurveySummary,
    *,
    level: Level = "item",
    method: Literal["t", "wilcoxon"] = "t",
    p_adjust: str | None = "holm",
    alternative: Alternative = "two-sided",
    reference: str | None = None,
    confidence_level: float = 0.95,
    weighted: bool = False,
) -> PairedTestResult:
    """Paired tests of perception against the reference (P − E, P − A, P − D ...).

    Parameters
    ----------
    survey : Survey
        Validated responses.
    level : {"item", "dimension", "overall"}
        Test each quality item, each dimension score (mean of its items) or the
        overall score (mean of the dimension scores).
    method : {"t", "wilcoxon"}
        Paired t-test of the mean difference, or Wilcoxon signed-rank test.
    p_adjust : str or None
        Multiple-testing correction across the rows (see :func:`p_adjust`).
    alternative : {"two-sided", "less", "greater"}
        ``"less"``: perception below the reference (a negative gap).
    reference : str, optional
        What perceptions are compared with, if not the instrument's default
        (``"E"``, ``"A"``, ``"D"``, ``"C"``, ``"spec"``, ``"max"``, names work too).
    confidence_level : float
        Level of the intervals (one-sided for one-sided alternatives, like R).
    weighted : bool
        Test importance-weighted scores, as :func:`servqual.gap_scores`
        (``weighted=True``): at overall level the weighted SERVQUAL score
        ``Σ_d (w_d/100)·score_d`` of perception and reference; at dimension and
        item level each score is multiplied by its dimension's ``w_d/100``
        (per-respondent points from ``Survey(importance=...)``, else the
        instrument's weights).

    Returns
    -------
    PairedTestResult
        See the class for the columns of ``to_frame()``.

    Raises
    ------
    DataError
        Unknown ``method``/``alternative``/``p_adjust``; differences that do not
        vary (t undefined) or are all zero (Wilcoxon).
    InsufficientDataError
        A unit with fewer than 2 complete pairs.
    InstrumentError
        The instrument has no reference (SERVPERF).
    ImportanceWeightError
        ``weighted=True`` but the survey has no importance points and the
        instrument no weights.

    See Also
    --------
    servqual.gap_scores, hotelling_test, servqual.compare_groups

    Notes
    -----
    Respondents missing either score of a unit are dropped for that row; ``n``
    is reported per row. Dimension scores are the means of their items and the
    overall score the mean of the dimension scores (``weighted=False``).

    The reference follows the instrument's perspective (or ``reference=``):
    expectations ``E``/adequate ``A`` (MSA = P − A), desired ``D`` (MSS = P − D),
    a competitor ``C``, the per-item specification ``"spec"`` (conformance), the
    scale maximum ``"max"``, or the respondent's sacrifice score ``"sacrifice"``
    (mean of the sacrifice items; value perspective). When the reference is a
    constant (``"spec"``, ``"max"``) the paired test is the one-sample test of the
    perceptions against that constant: R ``t.test(P, mu = spec)`` (whose interval
    is for the mean of P; ``ci_low``/``ci_high`` here are for ``P − spec``) and
    ``wilcox.test(P, mu = spec, conf.int = TRUE)``; ``mean_reference`` is then the
    spec and a dimension's spec the mean of its items' specs.

    **t**: ``t = d̄ / (s_d/√n)`` with ``n − 1`` df, as R
    ``t.test(P, E, paired = TRUE, alternative = ...)``. Cohen's
    ``d_z = d̄ / s_d``; its interval inverts the noncentral t distribution
    (``cohen_dz_interval``). With survey weights (``Survey(weights=...)``) the
    test is design-based: weighted mean difference, linearisation standard error
    ``se² = n/(n−1)·Σ w²(d − d̄_w)²/(Σ w)²`` and ``n − 1`` df: the mean, SE and t
    of R ``survey::svyttest(I(P - E) ~ 0, svydesign(ids = ~1, weights = ~w))``
    and the interval ``confint(svymean(~I(P - E), des), df = degf(des))``
    (``svyttest`` itself refers t to ``degf − 1 = n − 2`` df); d_z is
    then the weighted mean over the weighted SD, and its interval the noncentral-t
    interval of the design-based t rescaled by ``d_z/t`` (an approximation).

    **wilcoxon**: zero differences are dropped (R's default), ``v`` is the sum of
    the ranks of the positive differences (R's ``V``; scipy reports min(V⁺, V⁻)
    for two-sided tests). With fewer than 50 non-zero differences and no ties or
    zeros the exact null distribution is used (p-value and the Walsh-average
    interval); otherwise the normal approximation with tie correction and
    continuity correction, and the asymptotic interval R builds by inverting it.
    This matches R ``wilcox.test(P, E, paired = TRUE, conf.int = TRUE)``; R finds
    the asymptotic limits with ``uniroot(tol = 1e-4)`` while here the exact jump
    point of the step function is returned, so those limits agree with R to about
    1e-4. The estimate ``pseudo_median`` is always the Hodges–Lehmann median of the
    Walsh averages (R's estimate in the exact case; in the asymptotic case R
    reports a root of the statistic instead). ``rank_biserial = (V⁺ − V⁻)/(V⁺ + V⁻)``
    (matched-pairs rank-biserial correlation, Kerby 2014). Differences are rounded
    to 10 decimals before ranking so that averaged ratings (4.2 vs
    4.2000000000000002) keep their true ties and zeros. Survey weights are
    ignored by the Wilcoxon test (a :class:`ServqualWarning` says so).

    References
    ----------
    Wilcoxon, F. (1945). Individual comparisons by ranking methods. Biometrics
    Bulletin, 1(6), 80-83. Lakens, D. (2013). Calculating and reporting effect
    sizes. Frontiers in Psychology, 4, 863. Kerby, D. S. (2014). The simple
    difference formula. Comprehensive Psychology, 3, 11.IT.3.1.

    Examples
    --------
    >>> import servqual as sq
    >>> survey = sq.load_example("retail_bank")
    >>> res = sq.paired_tests(survey, level="dimension")
    >>> res.to_frame()[["diff", "t", "p_adj"]].round(3).loc["reliability", "diff"]
    np.float64(-1.343)
    """
    src = as_source(survey, "paired_tests")
    level = check_level(level)
    check_choice(method, "method", ("t", "wilcoxon"))
    alternative = check_alternative(alternative)  # type: ignore[assignment]
    adj = _check_method(p_adjust)
    conf = check_confidence(confidence_level)
    weighted = check_flag(weighted, "weighted")
    ref = _gap_engine.resolve_reference(src.instrument, parse_reference(reference))
    if method == "wilcoxon":
        src.require_rows(
            "The Wilcoxon signed-rank test",
            "Use method='t', or sq.paired_tests on a Survey (e.g. a sample of the panel).",
        )
    if method == "t":
        _names, ((_key, m),) = src.unit_moments(level, ref, weighted, None, conf)
        labels, dims, n = m.labels, m.dimensions, m.n
        table = pd.DataFrame(
            {
                "mean_perception": m.perception,
                "mean_reference": m.reference,
                "diff": m.gap,
                "sd_diff": m.sd,
            },
            index=pd.Index(labels, name=level if level != "overall" else None),
        )
        require_n(n, labels, 2, "A paired test")
        _check_variation(m.sd, m.gap, labels, "Paired t-test")
        df = (n - 1).astype(np.float64)
        t, pv, lo, hi = t_test(m.gap, m.se, df, conf, alternative)
        dz = m.gap / m.sd
        dz_lo, dz_hi = np.empty(len(t)), np.empty(len(t))
        for k in range(len(t)):
            a_, b_ = cohen_dz_interval(float(t[k]), int(n[k]), conf, alternative)
            scale = dz[k] / t[k] * np.sqrt(n[k])  # 1 without survey weights
            dz_lo[k], dz_hi[k] = a_ * scale, b_ * scale
        table["t"] = t
        table["df"] = df
        table["p_unc"] = pv
        table["p_adj"] = _adjust(pv, adj)
        table["ci_low"] = lo
        table["ci_high"] = hi
        table["cohen_dz"] = dz
        table["dz_ci_low"] = dz_lo
        table["dz_ci_high"] = dz_hi
    else:
        assert isinstance(src, Survey)
        if src.weights is not None:
            warnings.warn(
                "The Wilcoxon signed-rank test ignores survey weights; use method='t' for a "
                "design-based (weighted) test.",
                ServqualWarning,
                stacklevel=2,
            )
        u = _gap_engine.units(src, level, reference=ref, weighted=weighted)
        labels, dims = u.labels, u.dimensions
        d = u.perception - u.reference
        missing = np.isnan(d)
        mp = column_moments(np.where(missing, np.nan, u.perception))
        mr = column_moments(np.where(missing, np.nan, u.reference))
        md = column_moments(d)
        n = md["n"].astype(np.int64)
        require_n(n, labels, 2, "A paired test")
        table = pd.DataFrame(
            {
                "mean_perception": mp["mean"],
                "mean_reference": mr["mean"],
                "diff": md["mean"],
                "sd_diff": md["sd"],
            },
            index=pd.Index(labels, name=level if level != "overall" else None),
        )
        rows = []
        for k, lab in enumerate(labels):
            dk = d[:, k][~missing[:, k]]
            res = _wilcoxon(dk, alternative, conf, lab)
            if not res:
                raise DataError(
                    f"Wilcoxon signed-rank test: every difference is zero for {lab!r} "
                    f"(n={len(dk)}); the test is undefined."
                )
            rows.append(res)
        pv = np.array([x["p"] for x in rows])
        table["v"] = [x["v"] for x in rows]
        table["z"] = [x["z"] for x in rows]
        table["p_unc"] = pv
        table["p_adj"] = _adjust(pv, adj)
        table["pseudo_median"] = [x["pseudo_median"] for x in rows]
        table["ci_low"] = [x["ci"][0] for x in rows]
        table["ci_high"] = [x["ci"][1] for x in rows]
        table["rank_biserial"] = [x["rank_biserial"] for x in rows]
        table["exact"] = [x["exact"] for x in rows]
        table["n_nonzero"] = np.array([x["n_nonzero"] for x in rows], dtype=np.int64)
    table["n"] = n
    if level == "item":
        table.insert(0, "dimension", dims)
    return PairedTestResult(
        _table=table,
        instrument=src.instrument.name,
        level=level,
        method=method,
        alternative=alternative,
        p_adjust=adj,
        reference=ref,
        reference_name=reference_name(ref),
        confidence_level=conf,
        n=src.n_respondents,
        survey_weighted=src.survey_weighted and method == "t",
        nan_policy=src.nan_policy,
        weighted=weighted,
    )


# --------------------------------------------------------------------------- Hotelling
@result_class
class HotellingResult(TableResult):
    """One-sample Hotelling's T² test that all dimension gaps are zero.

    Table (one row ``"hotelling"``): ``t2``, ``f``, ``df1``, ``df2``, ``p_value``, ``n``.
    """

    instrument: str
    reference: str
    dimensions: tuple[str, ...]
    t2: float
    f: float
    df1: int
    df2: int
    p_value: float
    n: int
    n_dropped: int

    @property
    def header(self) -> str:
        return (
            f"Hotelling's T² (all {len(self.dimensions)} dimension gaps P − {self.reference} "
            f"= 0) · n={self.n} complete respondents"
        )


def hotelling_test(survey: Survey, *, reference: str | None = None) -> HotellingResult:
    """Joint test that every dimension gap is zero (one-sample Hotelling's T²).

    Parameters
    ----------
    survey : Survey
        Validated responses.
    reference : str, optional
        Reference the perceptions are compared with (default: the instrument's).

    Returns
    -------
    HotellingResult
        Fields ``t2``, ``f``, ``df1``, ``df2``, ``p_value``, ``n``; the same in
        ``to_frame()``.

    Raises
    ------
    InsufficientDataError
        Fewer complete respondents than dimensions + 1.
    DataError
        The covariance matrix of the dimension gaps is singular.

    See Also
    --------
    paired_tests

    Notes
    -----
    With ``d̄`` the mean vector and ``S`` the covariance matrix of the ``k``
    per-respondent dimension gaps over the ``n`` respondents with every dimension
    score, ``T² = n d̄ᵀ S⁻¹ d̄`` and ``F = (n − k)/(k(n − 1)) · T²`` on ``(k, n − k)``
    df. Matches ``statsmodels.stats.multivariate.test_mvmean`` and R
    ``ICSNP::HotellingsT2(G)``. Survey weights are ignored (with a warning).

    References
    ----------
    Hotelling, H. (1931). The generalization of Student's ratio. Annals of
    Mathematical Statistics, 2(3), 360-378.

    Examples
    --------
    >>> import servqual as sq
    >>> res = sq.hotelling_test(sq.load_example("retail_bank"))
    >>> (res.df1, res.df2, res.p_value < 1e-10)
    (5, 203, True)
    """
    survey = _check_survey(survey)
    if survey.weights is not None:
        warnings.warn("hotelling_test ignores survey weights.", ServqualWarning, stacklevel=2)
    u = _gap_engine.units(survey, "dimension", reference=_resolve_ref(reference))
    g = u.gap
    ok = ~np.isnan(g).any(axis=1)
    g = g[ok]
    n, k = g.shape
    if n <= k:
        raise InsufficientDataError(
            f"Hotelling's T² needs more complete respondents than dimensions ({k}); "
            f"only {n} have every dimension score."
        )
    mean = g.mean(axis=0)
    cov = np.cov(g, rowvar=False).reshape(k, k)
    try:
        cond = np.linalg.cond(cov)
        if not np.isfinite(cond) or cond > 1e12:
            raise np.linalg.LinAlgError
        sol = np.linalg.solve(cov, mean)
    except np.linalg.LinAlgError:
        raise DataError(
            "The covariance matrix of the dimension gaps is singular (a dimension gap "
            f"is constant or a combination of others among {fmt_list(u.labels)}); "
            "Hotelling's T² is undefined."
        ) from None
    t2 = float(n * mean @ sol)
    f = (n - k) / (k * (n - 1)) * t2
    pv = float(stats.f.sf(f, k, n - k))
    table = pd.DataFrame(
        {"t2": [t2], "f": [f], "df1": [k], "df2": [n - k], "p_value": [pv], "n": [n]},
        index=pd.Index(["hotelling"]),
    )
    return HotellingResult(
        _table=table,
        instrument=survey.instrument.name,
        reference=u.reference_code,
        dimensions=tuple(u.labels),
        t2=t2,
        f=f,
        df1=k,
        df2=n - k,
        p_value=pv,
        n=n,
        n_dropped=int((~ok).sum()),
    )
