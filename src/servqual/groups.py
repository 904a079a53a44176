"""Compare segments: Welch t, one-way ANOVA, Welch ANOVA, Kruskal–Wallis, post hoc tests.

:func:`compare_groups` tests, per item / dimension / overall score, whether the
segments of a survey variable (branch, channel, ...) differ, with effect sizes
and optional post hoc pairwise comparisons (Tukey HSD, Games–Howell).
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from ._invariance_note import comparison_note
from ._results import TableResult, result_class
from ._stats import t_test
from ._tables import adjust_note
from ._validation import check_choice, check_confidence, fmt_list
from .exceptions import DataError, InsufficientDataError, MissingDataWarning, ServqualWarning
from .gaps import respondent_scores
from .inference import _adjust, _check_method
from .survey import Survey, require_survey

__all__ = ["GroupComparisonResult", "compare_groups", "hedges_correction"]

Method = Literal["auto", "welch", "anova", "welch_anova", "kruskal"]
PostHoc = Literal["tukey", "games_howell"]


def hedges_correction(df: float) -> float:
    """Exact small-sample correction ``J(ν) = Γ(ν/2) / (√(ν/2) Γ((ν−1)/2))`` of Hedges' g.

    Examples
    --------
    >>> import servqual as sq
    >>> round(sq.groups.hedges_correction(20), 4)
    0.9619
    """
    return float(np.exp(special.gammaln(df / 2) - special.gammaln((df - 1) / 2)) / np.sqrt(df / 2))


@result_class
class GroupComparisonResult(TableResult):
    """Tests of differences between segments, one row per item/dimension/overall.

    Table columns by method (``dimension`` first at item level):

    - ``"welch"`` (two groups): ``group_1``, ``group_2``, ``mean_1``, ``mean_2``,
      ``diff`` (mean_1 − mean_2), ``t``, ``df``, ``p_unc``, ``p_adj``, ``ci_low``,
      ``ci_high`` (of diff), ``cohen_d`` (pooled SD), ``hedges_g``, ``n_1``, ``n_2``, ``n``.
    - ``"anova"`` / ``"welch_anova"``: ``f``, ``df1``, ``df2``, ``p_unc``, ``p_adj``,
      ``eta_sq``, ``omega_sq``, ``n_groups``, ``n``.
    - ``"kruskal"``: ``h``, ``df``, ``p_unc``, ``p_adj``, ``eta_sq_h``, ``n_groups``, ``n``.

    :attr:`post_hoc` holds the pairwise comparisons (or ``None``) and
    :attr:`descriptives` the per-group mean, sd and n.

    ``empty_groups`` lists the ``(unit, group)`` pairs left out because no member of
    the group had a score for that unit (as R drops them); ``skipped_pairs`` the
    ``(unit, group_a, group_b)`` Games–Howell comparisons that were not computed
    because a group had one respondent (its variance is undefined). Both are named
    in the header.
    """

    instrument: str
    by: str
    score: str
    level: str
    method: str
    post_hoc_method: str | None
    p_adjust: str | None
    confidence_level: float
    groups: tuple[str, ...]
    n: int
    _post_hoc: pd.DataFrame | None
    _descriptives: pd.DataFrame
    alternative: str = "two-sided"
    empty_groups: tuple[tuple[str, str], ...] = ()
    skipped_pairs: tuple[tuple[str, str, str], ...] = ()
    invariance_note: str = ""

    @property
    def header(self) -> str:
        name = {
            "welch": "Welch t-test",
            "anova": "One-way ANOVA",
            "welch_anova": "Welch ANOVA",
            "kruskal": "Kruskal–Wallis test",
        }[self.method]
        ph = f" · post hoc {self.post_hoc_method}" if self.post_hoc_method else ""
        alt = "" if self.alternative == "two-sided" else f" · {self.alternative}"
        head = (
            f"{name} of {self.score} by {self.by} ({len(self.groups)} groups){alt} · {self.level} · "
            f"p_adjust={self.p_adjust or 'none'}{ph} · n={self.n}"
        )
        if self.empty_groups:
            head += "\nEmpty groups dropped (no answers): " + "; ".join(
                f"{g!r} for {u!r}" for u, g in self.empty_groups
            )
        if self.skipped_pairs:
            head += "\nGames–Howell pairs skipped (a group of one): " + "; ".join(
                f"{a!r}–{b!r} for {u!r}" for u, a, b in self.skipped_pairs
            )
        if self.invariance_note:
            head += "\n" + self.invariance_note
        return head

    @property
    def _note(self) -> str:
        diff = "Difference = M₁ − M₂. " if self.method == "welch" else ""
        return f"{self.header.split(' of ')[0]} of {self.score} by {self.by}. {diff}" + adjust_note(
            self.p_adjust
        )

    @property
    def post_hoc(self) -> pd.DataFrame | None:
        """Pairwise post hoc comparisons (a copy), or ``None`` when not requested.

        Columns: ``dimension`` (item level), ``group_a``, ``group_b``, ``diff``
        (mean_b − mean_a, as R ``TukeyHSD``), ``se`` (on the studentized-range
        scale, so that ``q = |diff|/se``: the standard error of ``diff`` divided by
        √2), ``q`` (studentized range statistic), ``df``, ``p_adj`` (family-wise,
        from the studentized range), ``ci_low``, ``ci_high`` (``diff ± q_crit·se``).
        """
        return None if self._post_hoc is None else self._post_hoc.copy(deep=True)

    @property
    def descriptives(self) -> pd.DataFrame:
        """Per unit and group: ``mean``, ``sd``, ``n`` (a copy)."""
        return self._descriptives.copy(deep=True)

    def _extra_tables(self) -> list[tuple[str, pd.DataFrame]]:
        """The post hoc comparisons, shown under the main table in reprs."""
        if self._post_hoc is None or self._post_hoc.empty:
            return []
        name = {"tukey": "Tukey HSD", "games_howell": "Games–Howell"}.get(
            str(self.post_hoc_method), str(self.post_hoc_method)
        )
        return [(f"Post hoc comparisons ({name})", self._post_hoc)]


def _welch(a: np.ndarray, b: np.ndarray, conf: float, alternative: str) -> dict[str, float]:
    n1, n2 = len(a), len(b)
    m1, m2 = a.mean(), b.mean()
    v1, v2 = a.var(ddof=1), b.var(ddof=1)
    se2 = v1 / n1 + v2 / n2
    se = np.sqrt(se2)
    df = se2**2 / ((v1 / n1) ** 2 / (n1 - 1) + (v2 / n2) ** 2 / (n2 - 1))
    diff = m1 - m2
    t, p, lo, hi = (float(v) for v in t_test(diff, se, df, conf, alternative))
    sp = np.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2))
    d = diff / sp
    return {
        "mean_1": m1,
        "mean_2": m2,
        "diff": diff,
        "t": t,
        "df": df,
        "p_unc": p,
        "ci_low": lo,
        "ci_high": hi,
        "cohen_d": d,
        "hedges_g": d * hedges_correction(n1 + n2 - 2),
        "n_1": n1,
        "n_2": n2,
    }


def _anova(xs: list[np.ndarray]) -> dict[str, float]:
    k = len(xs)
    ns = np.array([len(x) for x in xs], dtype=np.float64)
    n = ns.sum()
    means = np.array([x.mean() for x in xs])
    grand = np.concatenate(xs).mean()
    ssb = float(np.sum(ns * (means - grand) ** 2))
    ssw = float(sum(np.sum((x - x.mean()) ** 2) for x in xs))
    df1, df2 = k - 1, n - k
    msw = ssw / df2
    f = (ssb / df1) / msw
    sst = ssb + ssw
    return {
        "f": f,
        "df1": float(df1),
        "df2": float(df2),
        "p_unc": stats.f.sf(f, df1, df2),
        "eta_sq": ssb / sst,
        "omega_sq": (ssb - df1 * msw) / (sst + msw),
    }


def _welch_anova(xs: list[np.ndarray]) -> dict[str, float]:
    k = len(xs)
    ns = np.array([len(x) for x in xs], dtype=np.float64)
    means = np.array([x.mean() for x in xs])
    vars_ = np.array([x.var(ddof=1) for x in xs])
    w = ns / vars_
    sw = w.sum()
    m = np.sum(w * means) / sw
    tmp = np.sum((1 - w / sw) ** 2 / (ns - 1)) / (k**2 - 1)
    f = np.sum(w * (means - m) ** 2) / ((k - 1) * (1 + 2 * (k - 2) * tmp))
    df2 = 1 / (3 * tmp)
    out = _anova(xs)
    out.update({"f": f, "df1": float(k - 1), "df2": df2, "p_unc": stats.f.sf(f, k - 1, df2)})
    return out


def _kruskal(xs: list[np.ndarray]) -> dict[str, float]:
    k = len(xs)
    n = sum(len(x) for x in xs)
    # ranks of rounded scores: averages of ratings (e.g. 4.2 - 5.4) carry float noise
    # that would otherwise split true ties
    h, p = stats.kruskal(*[np.round(x, 10) for x in xs])
    eta = (h - k + 1) / (n - k) if n > k else np.nan  # undefined when every group has one
    return {"h": h, "df": float(k - 1), "p_unc": p, "eta_sq_h": eta}


@lru_cache(maxsize=256)
def _qtukey(conf: float, k: int, df: float) -> float:
    """Quantile of the studentized range (R ``qtukey(conf, k, df)``).

    Root of the cdf between the one-pair and the Bonferroni bounds,
    ``√2·t_{1−α/2} <= q <= √2·t_{1−α/(k(k−1))}``: about ten cdf evaluations
    instead of the ~15 of scipy's generic ``ppf``; cached because Tukey's df is
    usually the same for every unit.
    """
    a = 1.0 - conf
    lo = np.sqrt(2.0) * stats.t.ppf(1 - a / 2, df)
    if k == 2:  # the range of two means is one |difference|: q = √2·|t|
        return float(lo)
    hi = np.sqrt(2.0) * stats.t.ppf(1 - a / (k * (k - 1)), df)

    def f(q: float) -> float:
        return float(stats.studentized_range.cdf(q, k, df)) - conf

    if hi <= lo or f(lo) > 0 or f(hi) < 0:  # pragma: no cover - bounds always hold
        return float(stats.studentized_range.ppf(conf, k, df))
    return float(optimize.brentq(f, lo, hi, xtol=1e-10, rtol=1e-12))


def _range_row(
    a: str, b: str, diff: float, se: float, df: float, k: int, qcrit: float
) -> dict[str, Any]:
    """One studentized-range comparison of groups a and b (Tukey, Games–Howell)."""
    q = abs(diff) / se
    return {
        "group_a": a,
        "group_b": b,
        "diff": diff,
        "se": se,
        "q": q,
        "df": df,
        "p_adj": float(stats.studentized_range.sf(q, k, df)),
        "ci_low": diff - qcrit * se,
        "ci_high": diff + qcrit * se,
    }


def _tukey(xs: list[np.ndarray], labels: list[str], conf: float) -> list[dict[str, Any]]:
    """Tukey–Kramer HSD as R ``TukeyHSD(aov(y ~ g))``."""
    k = len(xs)
    ns = np.array([len(x) for x in xs], dtype=np.float64)
    means = np.array([x.mean() for x in xs])
    df = ns.sum() - k
    mse = sum(np.sum((x - x.mean()) ** 2) for x in xs) / df
    qcrit = _qtukey(conf, k, float(df))
    rows = []
    for i in range(k):
        for j in range(i + 1, k):
            diff = means[j] - means[i]
            se = np.sqrt(mse / 2 * (1 / ns[i] + 1 / ns[j]))
            rows.append(_range_row(labels[i], labels[j], diff, se, df, k, qcrit))
    return rows


def _games_howell(
    xs: list[np.ndarray], labels: list[str], conf: float
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Games–Howell pairwise comparisons (Welch SE and df, studentized range).

    Pairs with a group of one respondent (no variance, so no Welch SE or df) are
    not computed and returned as the second element; the studentized range still
    counts every group of the family (``k``).
    """
    k = len(xs)
    ns = np.array([len(x) for x in xs], dtype=np.float64)
    means = np.array([x.mean() for x in xs])
    vn = np.array([x.var(ddof=1) if len(x) > 1 else np.nan for x in xs]) / ns
    rows, skipped = [], []
    for i in range(k):
        for j in range(i + 1, k):
            if ns[i] < 2 or ns[j] < 2:
                skipped.append((labels[i], labels[j]))
                continue
            diff = means[j] - means[i]
            se2 = vn[i] + vn[j]
            df = se2**2 / (vn[i] ** 2 / (ns[i] - 1) + vn[j] ** 2 / (ns[j] - 1))
            se = np.sqrt(se2 / 2)  # q = |diff| / sqrt(se2/2) = sqrt(2)·|t|
            qcrit = _qtukey(conf, k, float(df))
            rows.append(_range_row(labels[i], labels[j], diff, se, df, k, qcrit))
    return rows, skipped


def _sd(v: np.ndarray) -> float:
    """Sample SD; NaN (as R ``sd``) for a group of one, without numpy's warning."""
    return float(v.std(ddof=1)) if len(v) > 1 else np.nan


def _check_unit(
    xs: list[np.ndarray],
    labels: list[str],
    method: str,
    post_hoc: str | None,
    col: str,
    score: str,
    by: str,
) -> None:
    """Refuse a unit whose test is undefined, naming the groups that make it so."""
    what = f"the {score} of {col!r} by {by!r}"
    if len(xs) < 2:
        raise InsufficientDataError(
            f"Comparing {what} needs at least two groups with answers; only "
            f"{fmt_list(labels) or 'none'} ha{'s' if len(labels) == 1 else 've'} any."
        )
    ns = np.array([len(v) for v in xs])
    if method in ("welch", "welch_anova"):
        small = [f"{lab!r} (n={n})" for lab, n in zip(labels, ns, strict=True) if n < 2]
        if small:
            raise InsufficientDataError(
                f"The Welch test of {what} needs at least 2 respondents per group (a "
                f"variance); {', '.join(small)} ha{'ve' if len(small) > 1 else 's'} fewer. "
                "Use method='anova' (pooled variance) or 'kruskal', or merge the segment."
            )
    sds = np.array([_sd(v) for v in xs])
    flat = [lab for lab, s in zip(labels, sds, strict=True) if s == 0]
    if flat and (method in ("welch", "welch_anova") or post_hoc == "games_howell"):
        raise DataError(
            f"The {score} of {col!r} does not vary within group(s) {fmt_list(flat)} of "
            f"{by!r}, so the Welch statistics are undefined; use method='anova' or "
            "'kruskal'."
        )
    if method == "anova":
        if ns.sum() - len(xs) < 1:
            raise InsufficientDataError(
                f"The ANOVA of {what} has no residual degrees of freedom: each of the "
                f"{len(xs)} groups has one respondent."
            )
        if np.all(sds[ns > 1] == 0):
            raise DataError(
                f"The {score} of {col!r} does not vary within any group of {by!r}; the F "
                "statistic is undefined."
            )
    if method == "kruskal" and np.ptp(np.concatenate(xs)) == 0:
        raise DataError(f"Every {score} of {col!r} is the same; Kruskal–Wallis is undefined.")


_PH_COLUMNS = ["group_a", "group_b", "diff", "se", "q", "df", "p_adj", "ci_low", "ci_high"]


def compare_groups(
    survey: Survey,
    by: str,
    *,
    score: str = "gap",
    level: Literal["item", "dimension", "overall"] = "dimension",
    method: Method = "auto",
    post_hoc: PostHoc | None = None,
    p_adjust: str | None = "holm",
    alternative: Literal["two-sided", "less", "greater"] = "two-sided",
    reference: str | None = None,
    confidence_level: float = 0.95,
    invariance: Any = None,
) -> GroupComparisonResult:
    """Test whether segments differ in their scores (per item, dimension or overall).

    Parameters
    ----------
    survey : Survey
        Validated responses with segment variables.
    by : str
        Name of a segment variable of the survey (``Survey(segments=...)``).
    score : str
        ``"gap"`` (default), ``"perception"``, ``"expectation"``, ``"msa"``,
        ``"mss"``, ``"reference"`` or another rating name (see
        :func:`servqual.respondent_scores`).
    level : {"item", "dimension", "overall"}
    method : {"auto", "welch", "anova", "welch_anova", "kruskal"}
        ``"auto"`` is the Welch t-test for two groups and Welch's ANOVA for more
        (neither assumes equal variances).
    post_hoc : {"tukey", "games_howell"} or None
        Pairwise comparisons (with ``"anova"``/``"welch_anova"``/``"welch"``;
        not with ``"kruskal"``): Tukey–Kramer HSD (equal variances) or Games–Howell.
    p_adjust : str or None
        Correction of the omnibus p-values across the rows (see :func:`p_adjust`).
    alternative : {"two-sided", "less", "greater"}
        For the two-group Welch t-test only (group_1 − group_2).
    reference : str, optional
        Reference for ``score="gap"`` (default: the instrument's).
    confidence_level : float
        Level of the Welch interval and the post hoc intervals.
    invariance : InvarianceResult or list of them, optional
        A measurement-invariance test of the groups
        (:func:`~servqual.measurement_invariance`). By default the results recorded on
        the survey for ``by`` are used (``survey.invariance``: the one for
        ``(by, score)``, else every one recorded for ``by``, e.g. perceptions and
        expectations for a gap score). When the groups have been tested the header says
        whether scalar invariance was established (``invariance_note``); when it was
        not, an :class:`~servqual.InvarianceWarning` is raised. Untested groups get no
        note: comparisons do not require the test, they report it.

    Returns
    -------
    GroupComparisonResult
        ``to_frame()`` (columns by method, see the class), ``.post_hoc`` and
        ``.descriptives``.

    Raises
    ------
    MissingColumnError
        ``by`` is not a segment of the survey.
    InsufficientDataError
        Fewer than two groups with answers; a group of one with ``"welch"`` or
        ``"welch_anova"`` (its variance is undefined; R ``t.test``/``oneway.test``
        stop too); an ANOVA in which every group has one respondent (no residual df).
    DataError
        Unknown option; ``method="welch"`` with more than two groups; a group
        whose scores do not vary (Welch statistics undefined); post hoc with
        Kruskal–Wallis.

    See Also
    --------
    paired_tests, p_adjust

    Notes
    -----
    Per unit, respondents with a missing score or segment are dropped; segments
    keep their category order. Groups: ``n_j``, means ``ȳ_j``, variances ``s_j²``.

    Small groups. A group none of whose members has the unit's score (``n = 0``) is
    left out of that unit's test, as R drops it: a :class:`MissingDataWarning`
    names it, ``empty_groups`` and the header list it, ``n_groups`` counts the rest.
    A group of one (``n = 1``) has a mean but no SD (``sd`` is NaN in
    ``descriptives``, as R ``sd``). It enters the one-way ANOVA and Tukey HSD exactly
    as in R ``aov`` + ``TukeyHSD``: it adds nothing to ``SSW`` but counts in
    ``n − k``, and its Tukey rows use the pooled ``MSW``. Kruskal–Wallis ranks it
    like any group (R ``kruskal.test``). The Welch t-test and Welch ANOVA need every
    group's variance and raise; Games–Howell skips the pairs with that group (a
    :class:`ServqualWarning`, ``skipped_pairs``) and keeps the studentized range
    over all ``k`` groups.

    - Welch: ``t = (ȳ₁ − ȳ₂)/√(s₁²/n₁ + s₂²/n₂)`` with Welch–Satterthwaite df, as R
      ``t.test(y ~ g)``. ``cohen_d`` divides by the pooled SD; ``hedges_g = J(n−2)·d``
      with the exact gamma-function ``J``.
    - ANOVA: ``F = (SSB/(k−1))/(SSW/(n−k))`` as R ``oneway.test(y ~ g, var.equal = TRUE)``
      / ``summary(aov(y ~ g))``; ``eta_sq = SSB/SST``,
      ``omega_sq = (SSB − (k−1)MSW)/(SST + MSW)``.
    - Welch ANOVA: R ``oneway.test(y ~ g, var.equal = FALSE)``
      (Welch, 1951); ``eta_sq``/``omega_sq`` are those of the ordinary ANOVA.
    - Kruskal–Wallis: R ``kruskal.test(y ~ g)`` (tie-corrected H on k − 1 df; scores
      rounded to 10 decimals before ranking so averaged ratings keep their ties);
      ``eta_sq_h = (H − k + 1)/(n − k)`` (Tomczak & Tomczak, 2014).
    - Tukey: ``q = |ȳ_b − ȳ_a| / √(MSW/2·(1/n_a + 1/n_b))``, p from the studentized
      range with ``(k, n − k)``, interval ``diff ± q_{1−α}·se``, as R ``TukeyHSD``.
    - Games–Howell: ``se = √((s_a²/n_a + s_b²/n_b)/2)``, Welch df per pair,
      ``q = |diff|/se`` on the studentized range ``(k, df)``.

    Survey weights are ignored here (a :class:`ServqualWarning` says so).

    Mean differences between groups are differences in service quality only when the
    items measure the same thing in every group: scalar (loading and intercept)
    invariance (Meredith, 1993). Test it with :func:`~servqual.measurement_invariance`
    (``survey`` and ``by=``); the comparison then says what was found.

    References
    ----------
    Welch, B. L. (1951). On the comparison of several mean values. Biometrika,
    38, 330-336. Games, P. A., & Howell, J. F. (1976). Pairwise multiple comparison
    procedures with unequal n's and/or variances. Journal of Educational
    Statistics, 1(2), 113-125. Tomczak, M., & Tomczak, E. (2014). The need to
    report effect size estimates revisited. Trends in Sport Sciences, 21(1), 19-25.

    Examples
    --------
    >>> import servqual as sq
    >>> survey = sq.load_example("retail_bank")
    >>> res = sq.compare_groups(survey, by="branch", method="anova", post_hoc="tukey")
    >>> res.to_frame().columns.tolist()[:4]
    ['f', 'df1', 'df2', 'p_unc']
    >>> len(res.post_hoc)
    15
    """
    survey = require_survey(survey)
    check_choice(method, "method", ("auto", "welch", "anova", "welch_anova", "kruskal"))
    check_choice(post_hoc, "post_hoc", ("tukey", "games_howell", None))
    check_choice(alternative, "alternative", ("two-sided", "less", "greater"))
    check_choice(level, "level", ("item", "dimension", "overall"))
    adj = _check_method(p_adjust)
    conf = check_confidence(confidence_level)
    if not isinstance(by, str):
        raise DataError(f"by must be the name of one segment variable, got {by!r}.")
    seg = survey.segment(by)
    scores = respondent_scores(survey, level=level, score=score, reference=reference)
    if survey.weights is not None:
        warnings.warn(
            "compare_groups ignores survey weights (the tests are unweighted).",
            ServqualWarning,
            stacklevel=2,
        )
    cats = [c for c in seg.cat.categories if (seg == c).any()]
    labels = [str(c) for c in cats]
    if len(cats) < 2:
        raise InsufficientDataError(
            f"Segment {by!r} has {len(cats)} group(s) with respondents ({fmt_list(labels)}); "
            "comparing groups needs at least two."
        )
    k = len(cats)
    if method == "auto":
        method = "welch" if k == 2 else "welch_anova"
    if method == "welch" and k != 2:
        raise DataError(
            f"method='welch' compares two groups, but {by!r} has {k} ({fmt_list(labels)}); "
            "use 'welch_anova', 'anova' or 'kruskal'."
        )
    if method != "welch" and alternative != "two-sided":
        raise DataError(
            f"alternative={alternative!r} applies to the two-group Welch t-test only; "
            f"{method!r} is an omnibus test (use alternative='two-sided')."
        )
    if method == "kruskal" and post_hoc is not None:
        raise DataError(
            "post_hoc tests after Kruskal–Wallis (Dunn) are not available; use "
            "post_hoc=None or method='anova'/'welch_anova'."
        )
    seg_codes = seg.to_numpy()
    rows: list[dict[str, Any]] = []
    ph_rows: list[dict[str, Any]] = []
    desc_rows: list[dict[str, Any]] = []
    empty_groups: list[tuple[str, str]] = []
    skipped_pairs: list[tuple[str, str, str]] = []
    for col in scores.columns:
        y = scores[col].to_numpy(dtype=np.float64)
        xs, unit_labels = [], []
        for c, lab in zip(cats, labels, strict=True):
            v = y[(seg_codes == c) & ~np.isnan(y)]
            if len(v) == 0:  # every member lacks this score: dropped, as R does
                empty_groups.append((str(col), lab))
                continue
            xs.append(v)
            unit_labels.append(lab)
        _check_unit(xs, unit_labels, method, post_hoc, str(col), score, by)
        for lab, v in zip(unit_labels, xs, strict=True):
            desc_rows.append(
                {"unit": col, "group": lab, "mean": v.mean(), "sd": _sd(v), "n": len(v)}
            )
        if method == "welch":
            res: dict[str, Any] = {"group_1": unit_labels[0], "group_2": unit_labels[1]}
            res.update(_welch(xs[0], xs[1], conf, alternative))
        elif method == "anova":
            res = _anova(xs)
        elif method == "welch_anova":
            res = _welch_anova(xs)
        else:
            res = _kruskal(xs)
        if method != "welch":
            res["n_groups"] = len(xs)
        res["n"] = int(sum(len(v) for v in xs))
        res["unit"] = col
        rows.append(res)
        if post_hoc == "tukey":
            ph_rows.extend({"unit": col, **r} for r in _tukey(xs, unit_labels, conf))
        elif post_hoc == "games_howell":
            gh, skipped = _games_howell(xs, unit_labels, conf)
            ph_rows.extend({"unit": col, **r} for r in gh)
            skipped_pairs.extend((str(col), a, b) for a, b in skipped)
    if empty_groups:
        warnings.warn(
            f"compare_groups dropped group(s) of {by!r} whose members all lack the {score} "
            "score: "
            + "; ".join(f"{g!r} for {u!r}" for u, g in empty_groups)
            + ". The tests of those units compare the remaining groups.",
            MissingDataWarning,
            stacklevel=2,
        )
    if skipped_pairs:
        warnings.warn(
            "Games–Howell needs at least 2 respondents in both groups of a pair (a "
            "variance); skipped: "
            + "; ".join(f"{a!r}–{b!r} for {u!r}" for u, a, b in skipped_pairs)
            + ". Use post_hoc='tukey' (pooled variance) to include them.",
            ServqualWarning,
            stacklevel=2,
        )
    table = pd.DataFrame(rows).set_index("unit")
    table.index.name = level if level != "overall" else None
    table.insert(
        list(table.columns).index("p_unc") + 1, "p_adj", _adjust(table["p_unc"].to_numpy(), adj)
    )
    dims = None
    if level == "item":
        dims = [survey.instrument.dimension_of(c) for c in table.index]
        table.insert(0, "dimension", dims)
    ph = None
    if post_hoc is not None:
        ph = pd.DataFrame(ph_rows, columns=["unit", *_PH_COLUMNS])
        if level == "item":
            ph.insert(1, "dimension", [survey.instrument.dimension_of(c) for c in ph["unit"]])
        ph = ph.rename(columns={"unit": level})
    desc = pd.DataFrame(desc_rows).rename(columns={"unit": level}).set_index([level, "group"])
    return GroupComparisonResult(
        _table=table,
        instrument=survey.instrument.name,
        by=by,
        score=score,
        level=level,
        method=method,
        post_hoc_method=post_hoc,
        p_adjust=adj,
        confidence_level=conf,
        groups=tuple(labels),
        n=survey.n_respondents,
        _post_hoc=ph,
        _descriptives=desc,
        alternative=alternative,
        empty_groups=tuple(empty_groups),
        skipped_pairs=tuple(skipped_pairs),
        invariance_note=comparison_note(survey, by, score, invariance),
    )
