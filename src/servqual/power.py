"""Power and sample size for the paired, two-sample and one-way ANOVA tests.

Solves the power equation of the noncentral t (paired, two-sample) or noncentral
F (one-way ANOVA) test for whichever of effect size, sample size and power is
left out (scipy's noncentral distributions and Brent's root finder; the same
equations as :mod:`statsmodels.stats.power`, whose ``TTestPower`` returns NaN for
large effects because scipy's far noncentral tail underflows to NaN).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pandas as pd
from scipy import optimize, stats

from . import _gap_engine
from ._results import TableResult, result_class
from ._stats import column_moments, require_n
from ._validation import check_choice
from ._vocab import Alternative, Level, check_alternative, check_level, parse_reference
from .exceptions import ConvergenceError, DataError
from .survey import Survey, require_survey

__all__ = ["PowerResult", "SurveyPowerResult", "power", "power_from_survey", "sample_size"]

Test = Literal["paired", "two_sample", "anova"]


@result_class
class PowerResult(TableResult):
    """Solved power equation.

    Table (one row): ``test``, ``alternative``, ``effect_size``, ``n`` (pairs for
    ``"paired"``, per group otherwise; not rounded), ``n_required`` (``ceil(n)``),
    ``n_total``, ``k_groups``, ``sig_level``, ``power``, ``solved_for``.
    """

    test: str
    alternative: str
    effect_size: float
    n: float
    n_required: int
    n_total: float
    k_groups: int
    sig_level: float
    power: float
    solved_for: str

    @property
    def header(self) -> str:
        es = {"paired": "d_z", "two_sample": "d", "anova": "f"}[self.test]
        return (
            f"Power ({self.test} test, {self.alternative}) · solved for {self.solved_for} · "
            f"{es}={self.effect_size:.3f} · n={self.n:.1f} · sig_level={self.sig_level:g} · "
            f"power={self.power:.3f}"
        )


def _check_number(value: float | None, name: str, low: float, high: float | None) -> float | None:
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise DataError(f"{name} must be a number, got {value!r}.") from None
    if not np.isfinite(v) or v <= low or (high is not None and v >= high):
        rng = f"({low:g}, {high:g})" if high is not None else f"greater than {low:g}"
        raise DataError(f"{name} must be {rng}, got {value!r}.")
    return v


def _tail(p: float) -> float:
    """scipy's noncentral tails can return NaN far out where they are 0."""
    return 0.0 if np.isnan(p) else float(p)


def _power_value(
    es: float, n: float, sig_level: float, test: str, k: int, alternative: str
) -> float:
    """Power of the test for effect ``es`` and ``n`` (pairs or per group)."""
    if test == "anova":
        df1, df2 = k - 1, k * (n - 1)
        crit = stats.f.isf(sig_level, df1, df2)
        return _tail(stats.ncf.sf(crit, df1, df2, es * es * k * n))
    if test == "paired":
        df, ncp = n - 1, es * np.sqrt(n)
    else:
        df, ncp = 2 * n - 2, es * np.sqrt(n / 2)
    if alternative == "greater":
        return _tail(stats.nct.sf(stats.t.isf(sig_level, df), df, ncp))
    if alternative == "less":
        return _tail(stats.nct.sf(stats.t.isf(sig_level, df), df, -ncp))
    crit = stats.t.isf(sig_level / 2, df)
    return _tail(stats.nct.sf(crit, df, ncp)) + _tail(stats.nct.sf(crit, df, -ncp))


def _solve(
    effect_size: float | None,
    n: float | None,
    sig_level: float,
    power_: float | None,
    test: str,
    k: int,
    alternative: str,
) -> tuple[float, float, float]:
    def pw(es: float, nn: float) -> float:
        return _power_value(es, nn, sig_level, test, k, alternative)

    def root(f, lo: float, hi: float) -> float:
        flo, fhi = f(lo), f(hi)
        if not (np.isfinite(flo) and np.isfinite(fhi)) or flo * fhi > 0:
            raise ConvergenceError(
                f"The power equation has no solution in [{lo:g}, {hi:g}] for the values given "
                "(the power asked for may be unreachable or already exceeded)."
            )
        return float(optimize.brentq(f, lo, hi, xtol=1e-12, rtol=4 * np.finfo(float).eps))

    if power_ is None:
        assert effect_size is not None and n is not None
        return effect_size, n, pw(effect_size, n)
    if n is None:
        assert effect_size is not None
        n = root(lambda x: pw(effect_size, x) - power_, 2.0, 1e7)
        return effect_size, n, power_
    sign = -1.0 if alternative == "less" else 1.0
    es = root(lambda e: pw(sign * e, n) - power_, 1e-10, 1e3)
    return sign * es, n, power_


def power(
    effect_size: float | None = None,
    *,
    n: float | None = None,
    sig_level: float = 0.05,
    power: float | None = None,
    test: Test = "paired",
    k_groups: int | None = None,
    alternative: Alternative = "two-sided",
) -> PowerResult:
    """Solve the power equation for whichever of effect size, n and power is None.

    Parameters
    ----------
    effect_size : float, optional
        ``"paired"``: Cohen's d_z (mean difference / SD of the differences);
        ``"two_sample"``: Cohen's d (mean difference / pooled SD); ``"anova"``:
        Cohen's f (SD of the group means / within-group SD). For ``alternative="less"``
        a negative effect is the one the test looks for.
    n : float, optional
        Pairs (``"paired"``) or respondents per group (``"two_sample"``, ``"anova"``).
    sig_level : float, default 0.05
        Significance level (R's ``sig.level``; statsmodels' ``alpha``).
    power : float, optional
        Probability of rejecting the null hypothesis.
    test : {"paired", "two_sample", "anova"}
    k_groups : int, optional
        Number of groups (``"anova"`` only).
    alternative : {"two-sided", "less", "greater"}
        t tests only; the F test is one-tailed by construction.

    Returns
    -------
    PowerResult

    Raises
    ------
    DataError
        Not exactly one of ``effect_size``, ``n``, ``power`` is None; values out of
        range; ``k_groups`` missing for ANOVA.
    ConvergenceError
        No solution (e.g. the power asked for is below ``sig_level``).

    See Also
    --------
    sample_size, power_from_survey

    Notes
    -----
    Two-sided t power counts both rejection tails, i.e. R
    ``power.t.test(n, delta = d, sd = 1, type = "paired", strict = TRUE)`` (R's
    default ``strict = FALSE`` ignores the far tail). The equations are those of
    ``statsmodels.stats.power.TTestPower`` (df ``n − 1``, noncentrality ``d_z√n``) /
    ``TTestIndPower`` (``ratio = 1``: df ``2n − 2``, noncentrality ``d√(n/2)``) /
    ``FTestAnovaPower`` (noncentrality ``λ = f²·k·n``). R ``power.anova.test(groups
    = k, n, between.var, within.var)`` parameterises the effect by the variance of
    the group means (``var()``, denominator k − 1); the two agree with
    ``f = √((k − 1)/k · between.var/within.var)``.

    References
    ----------
    Cohen, J. (1988). Statistical power analysis for the behavioral sciences
    (2nd ed.). Erlbaum.

    Examples
    --------
    >>> import servqual as sq
    >>> round(sq.power(effect_size=0.3, n=100).power, 3)
    0.844
    >>> sq.power(effect_size=0.3, power=0.8).n_required
    90
    """
    check_choice(test, "test", ("paired", "two_sample", "anova"))
    check_alternative(alternative)
    sig = _check_number(sig_level, "sig_level", 0.0, 1.0)
    if sig is None:
        raise DataError("sig_level must be given (e.g. 0.05).")
    missing = [
        name for name, v in (("effect_size", effect_size), ("n", n), ("power", power)) if v is None
    ]
    if len(missing) != 1:
        raise DataError(
            f"Give exactly two of effect_size, n and power and leave the one to solve for as "
            f"None; {'none is' if not missing else ' and '.join(missing) + ' are'} None."
        )
    pw = _check_number(power, "power", 0.0, 1.0)
    n_min = 1.0
    if test == "anova":
        if (
            k_groups is None
            or isinstance(k_groups, bool)
            or int(k_groups) != k_groups
            or k_groups < 2
        ):
            raise DataError(
                f"test='anova' needs k_groups, an integer of at least 2; got {k_groups!r}."
            )
        if alternative != "two-sided":
            raise DataError(
                f"alternative={alternative!r} does not apply to the ANOVA F test; use 'two-sided'."
            )
        k = int(k_groups)
    else:
        if k_groups is not None and k_groups != (1 if test == "paired" else 2):
            raise DataError(f"k_groups is for test='anova' only; got k_groups={k_groups!r}.")
        k = 1 if test == "paired" else 2
    nn = _check_number(n, "n", n_min, None)
    es = None
    if effect_size is not None:
        try:
            es = float(effect_size)
        except (TypeError, ValueError):
            raise DataError(f"effect_size must be a number, got {effect_size!r}.") from None
        if not np.isfinite(es) or es == 0 or (test == "anova" and es < 0):
            raise DataError(
                f"effect_size must be finite and non-zero (positive for ANOVA's f); got {effect_size!r}."
            )
    if pw is not None and pw <= sig:
        raise DataError(f"power ({pw:g}) must exceed sig_level ({sig:g}).")
    if es is not None and nn is None and alternative != "two-sided":
        if (alternative == "less") != (es < 0):
            raise DataError(
                f"alternative={alternative!r} looks for a {'negative' if alternative == 'less' else 'positive'} "
                f"effect, but effect_size={es:g}: no sample size reaches power {pw:g}. Flip the "
                "sign of effect_size or the alternative."
            )
    es_, n_, pw_ = _solve(es, nn, sig, pw, test, k, alternative)
    n_total = n_ * k
    table = pd.DataFrame(
        {
            "test": [test],
            "alternative": [alternative],
            "effect_size": [es_],
            "n": [n_],
            "n_required": [math.ceil(n_ - 1e-9)],
            "n_total": [n_total],
            "k_groups": [k],
            "sig_level": [sig],
            "power": [pw_],
            "solved_for": [missing[0]],
        }
    )
    return PowerResult(
        _table=table,
        test=test,
        alternative=alternative,
        effect_size=es_,
        n=n_,
        n_required=math.ceil(n_ - 1e-9),
        n_total=n_total,
        k_groups=k,
        sig_level=sig,
        power=pw_,
        solved_for=missing[0],
    )


def sample_size(
    effect_size: float,
    *,
    power: float = 0.8,
    sig_level: float = 0.05,
    test: Test = "paired",
    k_groups: int | None = None,
    alternative: Alternative = "two-sided",
) -> PowerResult:
    """Sample size needed to detect ``effect_size`` with the given power.

    Parameters
    ----------
    effect_size, power, sig_level, test, k_groups, alternative
        As in :func:`power`.

    Returns
    -------
    PowerResult
        ``n`` (exact solution) and ``n_required = ceil(n)`` (pairs, or per group).

    See Also
    --------
    power

    Examples
    --------
    >>> import servqual as sq
    >>> sq.sample_size(0.25, test="anova", k_groups=3).n_required
    53
    """
    return _power_fn(
        effect_size=effect_size,
        n=None,
        sig_level=sig_level,
        power=power,
        test=test,
        k_groups=k_groups,
        alternative=alternative,
    )


_power_fn = power


@result_class
class SurveyPowerResult(TableResult):
    """Sample size needed to detect each observed gap with a paired t-test.

    Table columns: ``dimension`` (item level), ``diff``, ``sd_diff``, ``cohen_dz``,
    ``n`` (pairs observed), ``power_at_n`` (power of the paired t-test at the
    observed n if the true d_z equalled the observed one), ``n_required``.
    """

    level: str
    sig_level: float
    power: float
    alternative: str
    reference: str

    @property
    def header(self) -> str:
        return (
            f"Sample size to detect the observed gaps (paired t, {self.alternative}) · "
            f"{self.level} · sig_level={self.sig_level:g} · power={self.power:g}"
        )


def power_from_survey(
    survey: Survey,
    *,
    level: Level = "dimension",
    power: float = 0.8,
    sig_level: float = 0.05,
    alternative: Alternative = "two-sided",
    reference: str | None = None,
) -> SurveyPowerResult:
    """Respondents needed to detect each observed gap (paired t-test), for planning.

    Parameters
    ----------
    survey : Survey
        A pilot or previous survey.
    level : {"item", "dimension", "overall"}, default "dimension"
    power, sig_level, alternative
        As in :func:`power`.
    reference : str, optional
        Reference of the gap (``"E"``/``"expectation"``, ``"A"``/``"adequate"``,
        ``"D"``/``"desired"`` ...; default: the instrument's).

    Returns
    -------
    SurveyPowerResult

    Raises
    ------
    DataError
        A unit whose observed gap is exactly zero (no finite n detects it), does
        not vary, or has the sign opposite to a one-sided ``alternative``.

    Notes
    -----
    The observed ``d_z = mean(P − ref)/sd(P − ref)`` (unweighted) is taken as the
    true effect; ``n_required`` solves the paired power equation (see :func:`power`).
    Observed effects are optimistic planning values for small pilots.

    Examples
    --------
    >>> import servqual as sq
    >>> res = sq.power_from_survey(sq.load_example("retail_bank"))
    >>> int(res.to_frame()["n_required"].max()) < 30
    True
    """
    survey = require_survey(survey)
    check_level(level)
    check_alternative(alternative)
    ref = parse_reference(reference)
    u = _gap_engine.units(survey, level, reference=ref)
    m = column_moments(u.gap)
    require_n(m["n"], u.labels, 2, "An observed effect size")
    dz = m["mean"] / m["sd"]
    bad = [u.labels[k] for k in range(len(dz)) if not np.isfinite(dz[k]) or dz[k] == 0]
    if bad:
        raise DataError(
            f"The observed gap is zero or does not vary for {bad}; no sample size detects it."
        )
    if alternative != "two-sided":
        wrong = [u.labels[k] for k in range(len(dz)) if (dz[k] < 0) != (alternative == "less")]
        if wrong:
            raise DataError(
                f"alternative={alternative!r} looks for "
                f"{'negative' if alternative == 'less' else 'positive'} gaps, but the observed "
                f"gap of {wrong} has the other sign; no sample size detects it. Use "
                "alternative='two-sided' or the other direction."
            )
    need, at_n = [], []
    for k in range(len(dz)):
        r = _power_fn(effect_size=dz[k], power=power, sig_level=sig_level, alternative=alternative)
        need.append(r.n_required)
        at_n.append(
            _power_fn(
                effect_size=dz[k], n=float(m["n"][k]), sig_level=sig_level, alternative=alternative
            ).power
        )
    table = pd.DataFrame(
        {
            "diff": m["mean"],
            "sd_diff": m["sd"],
            "cohen_dz": dz,
            "n": m["n"].astype(np.int64),
            "power_at_n": at_n,
            "n_required": np.array(need, dtype=np.int64),
        },
        index=pd.Index(u.labels, name=level if level != "overall" else None),
    )
    if level == "item":
        table.insert(0, "dimension", u.dimensions)
    return SurveyPowerResult(
        _table=table,
        level=level,
        sig_level=float(sig_level),
        power=float(power),
        alternative=alternative,
        reference=u.reference_code,
    )
