"""Exact tests for rates and proportions: did a change help?

Two Poisson rates are compared with the conditional binomial test (R
``poisson.test(c(x1, x2), c(t1, t2))``); a proportion with the exact binomial test
and its Clopper–Pearson interval (R ``binom.test``); two proportions with the
chi-square test with continuity correction (R ``prop.test``) or Fisher's exact
test (R ``fisher.test``). :mod:`servqual.operations.changes` applies them to series.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats.contingency import odds_ratio

from .._results import TableResult, result_class
from .._validation import check_choice, check_confidence
from .._vocab import Alternative, check_alternative, check_flag
from ..exceptions import DataError, InsufficientDataError

__all__ = [
    "RateTestResult",
    "poisson_test",
    "proportion_test",
    "two_proportion_test",
]

_PADJ = [None, "holm", "bonferroni", "fdr_bh", "hommel", "sidak", "holm-sidak", "fdr_by"]


@result_class
class RateTestResult(TableResult):
    """Rate or proportion comparisons (one row per comparison)."""

    test: str
    confidence_level: float
    alternative: str
    p_adjust: str | None

    _plot_function = None

    @property
    def header(self) -> str:
        adj = f" · p_adjust={self.p_adjust}" if self.p_adjust else ""
        return f"{self.test} · {self.confidence_level:.0%} CI · alternative={self.alternative}{adj}"

    @property
    def p_value(self) -> float:
        """The p-value of a single comparison."""
        if len(self._table) != 1:
            raise DataError("p_value is defined for a single comparison; use to_frame().")
        return float(self._table["p_unc"].iloc[0])


def _single(row: dict[str, Any], test: str, conf: float, alternative: str) -> RateTestResult:
    """A one-comparison result (no p-value adjustment)."""
    return RateTestResult(
        _table=pd.DataFrame([row]),
        test=test,
        confidence_level=conf,
        alternative=alternative,
        p_adjust=None,
    )


def _whole(x: Any, name: str) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise DataError(f"{name} must be a number, got {x!r}.") from None
    if not np.isfinite(v) or v < 0 or v != round(v):
        raise DataError(f"{name} must be a non-negative whole number, got {x!r}.")
    return v


def _positive(x: Any, name: str) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise DataError(f"{name} must be a number, got {x!r}.") from None
    if not np.isfinite(v) or v <= 0:
        raise DataError(f"{name} must be positive (exposure of zero has no rate), got {x!r}.")
    return v


def _poisson2(
    x1: float, t1: float, x2: float, t2: float, conf: float, alternative: str
) -> dict[str, float]:
    if x1 + x2 == 0:
        raise InsufficientDataError("Both periods have 0 events; the rate ratio is undefined.")
    p0 = t1 / (t1 + t2)
    res = stats.binomtest(int(x1), int(x1 + x2), p0, alternative=alternative)
    ci = res.proportion_ci(confidence_level=conf, method="exact")
    with np.errstate(divide="ignore"):
        lo = ci.low / (1 - ci.low) * t2 / t1
        hi = ci.high / (1 - ci.high) * t2 / t1 if ci.high < 1 else np.inf
        ratio = (x1 / t1) / (x2 / t2) if x2 > 0 else np.inf
    return {
        "count_1": int(x1),
        "exposure_1": t1,
        "rate_1": x1 / t1,
        "count_2": int(x2),
        "exposure_2": t2,
        "rate_2": x2 / t2,
        "rate_ratio": ratio,
        "ci_low": lo,
        "ci_high": hi,
        "p_unc": float(res.pvalue),
    }


def poisson_test(
    x1: int,
    t1: float,
    x2: int,
    t2: float,
    *,
    confidence_level: float = 0.95,
    alternative: Alternative = "two-sided",
) -> RateTestResult:
    """Exact comparison of two Poisson rates ``x1/t1`` and ``x2/t2``.

    Parameters
    ----------
    x1, x2 : int
        Event counts (complaints, returns) of the two periods.
    t1, t2 : float
        Exposure of the two periods (orders, visits, or 1 for plain counts).
    confidence_level : float
        Level of the exact interval of the rate ratio.
    alternative : {"two-sided", "less", "greater"}
        Alternative for the ratio ``(x1/t1)/(x2/t2)`` against 1.

    Returns
    -------
    RateTestResult
        Columns count_1, exposure_1, rate_1, count_2, exposure_2, rate_2,
        rate_ratio, ci_low, ci_high, p_unc.

    Raises
    ------
    DataError
        Negative or fractional counts, exposure of zero or less.
    InsufficientDataError
        Both counts are zero.

    See Also
    --------
    before_after, period_changes : the same test on a KPI series.

    Notes
    -----
    Given ``x1 + x2``, ``x1`` is binomial with ``p = t1/(t1 + t2)`` under equal
    rates; the p-value is the exact binomial test and the Clopper–Pearson interval
    ``[p_L, p_U]`` of ``p`` maps to the rate ratio as ``p/(1 − p) · t2/t1``.
    Matches R ``poisson.test(c(x1, x2), c(t1, t2))``.

    Examples
    --------
    >>> import servqual as sq
    >>> res = sq.operations.poisson_test(30, 1000, 45, 1100)
    >>> round(res.to_frame()["rate_ratio"].iloc[0], 3)
    np.float64(0.733)
    """
    check_alternative(alternative)
    conf = check_confidence(confidence_level)
    row = _poisson2(
        _whole(x1, "x1"),
        _positive(t1, "t1"),
        _whole(x2, "x2"),
        _positive(t2, "t2"),
        conf,
        alternative,
    )
    return _single(row, "Exact Poisson rate comparison (conditional binomial)", conf, alternative)


def proportion_test(
    x: int,
    n: int,
    p0: float = 0.5,
    *,
    confidence_level: float = 0.95,
    alternative: Alternative = "two-sided",
) -> RateTestResult:
    """Exact binomial test of a proportion with its Clopper–Pearson interval.

    Parameters
    ----------
    x, n : int
        Cases meeting the standard and all cases.
    p0 : float
        Proportion under the null hypothesis (e.g. the target share).
    confidence_level : float
    alternative : {"two-sided", "less", "greater"}

    Returns
    -------
    RateTestResult
        Columns x, n, share, ci_low, ci_high, p0, p_unc.

    Notes
    -----
    Matches R ``binom.test(x, n, p0)`` (p-value: sum of the probabilities of the
    outcomes no more likely than ``x``; interval: Clopper–Pearson).

    Examples
    --------
    >>> import servqual as sq
    >>> res = sq.operations.proportion_test(172, 200, 0.9)
    >>> res.to_frame()[["share", "ci_low", "ci_high"]].round(3).iloc[0].tolist()
    [0.86, 0.804, 0.905]
    """
    check_alternative(alternative)
    conf = check_confidence(confidence_level)
    xv, nv = _whole(x, "x"), _whole(n, "n")
    if nv == 0 or xv > nv:
        raise DataError(f"Need 0 ≤ x ≤ n and n > 0, got x={x!r}, n={n!r}.")
    if not 0 < p0 < 1:
        raise DataError(f"p0 must lie strictly between 0 and 1, got {p0!r}.")
    res = stats.binomtest(int(xv), int(nv), p0, alternative=alternative)
    ci = res.proportion_ci(confidence_level=conf, method="exact")
    row = {
        "x": int(xv),
        "n": int(nv),
        "share": xv / nv,
        "ci_low": ci.low,
        "ci_high": ci.high,
        "p0": float(p0),
        "p_unc": float(res.pvalue),
    }
    return _single(row, "Exact binomial test (Clopper–Pearson CI)", conf, alternative)


def _prop2(
    x1: float,
    n1: float,
    x2: float,
    n2: float,
    conf: float,
    alternative: str,
    method: str,
    correct: bool,
) -> dict[str, float]:
    p1, p2 = x1 / n1, x2 / n2
    delta = p1 - p2
    ninv = 1 / n1 + 1 / n2
    yates = min(0.5 if correct else 0.0, abs(delta) / ninv)
    se = np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    if alternative == "two-sided":
        z = stats.norm.ppf((1 + conf) / 2)
        width = z * se + yates * ninv
        lo, hi = max(delta - width, -1.0), min(delta + width, 1.0)
    else:
        z = stats.norm.ppf(conf)
        width = z * se + yates * ninv
        lo, hi = (
            (-1.0, min(delta + width, 1.0))
            if alternative == "less"
            else (max(delta - width, -1.0), 1.0)
        )
    pooled = (x1 + x2) / (n1 + n2)
    obs = np.array([[x1, n1 - x1], [x2, n2 - x2]])
    exp = np.array([[n1 * pooled, n1 * (1 - pooled)], [n2 * pooled, n2 * (1 - pooled)]])
    # every case in one category in both groups (e.g. 100% on time twice): those cells
    # have O = E = 0 and add nothing, so the statistic is 0 (R returns NA there)
    cells = exp > 0
    chi2 = float(np.sum((np.abs(obs - exp)[cells] - yates) ** 2 / exp[cells]))
    row = {
        "x_1": int(x1),
        "n_1": int(n1),
        "share_1": p1,
        "x_2": int(x2),
        "n_2": int(n2),
        "share_2": p2,
        "diff": delta,
        "ci_low": lo,
        "ci_high": hi,
    }
    if method == "chisq":
        if alternative == "two-sided":
            p = stats.chi2.sf(chi2, 1)
        else:
            zstat = np.sign(delta) * np.sqrt(chi2)
            p = stats.norm.cdf(zstat) if alternative == "less" else stats.norm.sf(zstat)
        row.update({"statistic": chi2, "p_unc": float(p)})
    else:
        table = np.array([[int(x1), int(n1 - x1)], [int(x2), int(n2 - x2)]])
        p = stats.fisher_exact(table, alternative=alternative).pvalue
        orr = odds_ratio(table, kind="conditional")
        oci = orr.confidence_interval(confidence_level=conf, alternative=alternative)
        row.update(
            {
                "odds_ratio": float(orr.statistic),
                "or_ci_low": float(oci.low),
                "or_ci_high": float(oci.high),
                "p_unc": float(p),
            }
        )
    return row


def two_proportion_test(
    x1: int,
    n1: int,
    x2: int,
    n2: int,
    *,
    method: Literal["chisq", "fisher"] = "chisq",
    correct: bool = True,
    confidence_level: float = 0.95,
    alternative: Alternative = "two-sided",
) -> RateTestResult:
    """Compare two proportions ``x1/n1`` and ``x2/n2`` (independent samples).

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Cases meeting the standard and all cases, in the two periods or groups.
    method : {"chisq", "fisher"}
        ``"chisq"``: Pearson chi-square test with Yates' continuity correction
        (R ``prop.test``); ``"fisher"``: Fisher's exact test with the conditional
        maximum-likelihood odds ratio and its exact interval (R ``fisher.test``).
    correct : bool, default True
        Continuity correction of the chi-square test and of the interval.
    confidence_level : float
    alternative : {"two-sided", "less", "greater"}
        Alternative for ``p1 − p2``.

    Returns
    -------
    RateTestResult
        Columns x_1, n_1, share_1, x_2, n_2, share_2, diff, ci_low, ci_high (Wald
        interval of the difference with continuity correction, as ``prop.test``),
        then statistic, p_unc (chisq) or odds_ratio, or_ci_low, or_ci_high, p_unc
        (fisher).

    See Also
    --------
    proportion_test : one proportion against a target.

    Notes
    -----
    ``prop.test``: ``χ² = Σ (|O − E| − c)²/E`` with ``c = min(0.5, |p1 − p2|/(1/n1
    + 1/n2))`` and the interval ``p1 − p2 ± (z·√(p1q1/n1 + p2q2/n2) + c(1/n1 +
    1/n2))``. When every case of both groups falls in the same category (both
    shares 0 or both 1) the statistic is 0 (R gives ``NA``).

    Examples
    --------
    >>> import servqual as sq
    >>> res = sq.operations.two_proportion_test(172, 200, 150, 190)
    >>> round(res.p_value, 4)
    0.0889
    """
    check_alternative(alternative)
    check_choice(method, "method", ["chisq", "fisher"])
    correct = check_flag(correct, "correct")
    conf = check_confidence(confidence_level)
    vals = [_whole(v, k) for v, k in ((x1, "x1"), (n1, "n1"), (x2, "x2"), (n2, "n2"))]
    if vals[1] == 0 or vals[3] == 0 or vals[0] > vals[1] or vals[2] > vals[3]:
        raise DataError(f"Need 0 ≤ x ≤ n and n > 0 in both groups, got {vals}.")
    row = _prop2(vals[0], vals[1], vals[2], vals[3], conf, alternative, method, correct)
    name = (
        "Two-proportion chi-square test" + (" (continuity-corrected)" if correct else "")
        if method == "chisq"
        else "Fisher's exact test"
    )
    return _single(row, name, conf, alternative)
