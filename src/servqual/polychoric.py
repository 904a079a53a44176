"""Polychoric correlations of ordinal (Likert) items by two-step maximum likelihood.

Each item is read as a coarsened standard-normal variable: its thresholds come from
its marginal proportions, ``τ = Φ⁻¹(cumulative p)``, and the correlation ρ of every
pair maximises the likelihood of the pair's cross-table given those thresholds
(Olsson 1979), as ``psych::polychoric`` and ``lavaan::lavCor(ordered=)`` do. The
bivariate normal probabilities come from Owen's T function, and ρ is found for all
pairs at once by safeguarded Newton steps on the exact score and Hessian, so a
matrix of a thousand pairs costs about as much as one.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from . import _dask, _efa
from ._results import TableResult, result_class
from ._validation import as_frame, check_choice, fmt_list, numeric_matrix
from ._vocab import NanPolicy, check_nan_policy
from .exceptions import DataError, InsufficientDataError, MissingDataWarning, ServqualWarning
from .summary import SurveySummary
from .survey import Survey

__all__ = ["PolychoricResult", "PolyserialResult", "polychoric", "polyserial"]

#: largest |ρ| returned (polycor's ``maxcor``); a pair whose likelihood still rises
#: there (empty cells on one diagonal) is reported at the bound with a warning
MAX_RHO = 0.9999
#: more distinct answers than this are not a rating scale
MAX_CATEGORIES = 20
_NEWTON_TOL = 1e-12
_MAX_ITER = 100


# =========================================================================== result
@result_class
class PolychoricResult(TableResult):
    """Polychoric correlations, one row per item pair.

    The table is indexed by ``(item_1, item_2)`` with columns ``rho`` (the polychoric
    correlation), ``se`` (its two-step standard error), ``n`` (respondents who
    answered both items), ``empty_cells`` (cells of the pair's cross-table nobody
    chose) and ``corrected`` (cells raised to ``correct`` respondents; non-zero only
    with thresholds per pair). ``rho`` and ``se`` are also available as item × item
    matrices, ``thresholds`` as items × cut points.
    """

    rho: pd.DataFrame
    se: pd.DataFrame
    thresholds: pd.DataFrame
    n_obs: int
    n_items: int
    n_categories: int
    threshold_method: str
    correct: float
    smoothed: bool
    nan_policy: str
    score: str | None

    @property
    def header(self) -> str:
        what = f"{self.score} · " if self.score else ""
        how = {"complete": "complete data"}.get(self.nan_policy, self.nan_policy)
        smooth = " · smoothed to positive definite" if self.smoothed else ""
        return (
            f"Polychoric correlations · {what}{self.n_items} items, "
            f"{self.n_categories} categories · n={self.n_obs} ({how}) · "
            f"{self.threshold_method} thresholds{smooth}"
        )


# =========================================================================== bivariate normal
def _bvn_cdf(h: np.ndarray, k: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """Φ₂(h, k; ρ) elementwise (broadcasting), exact to rounding, h and k may be ±∞.

    Owen (1956): Φ₂ = ½Φ(h) + ½Φ(k) − T(h, a_h) − T(k, a_k) − β with
    a_h = (k − ρh)/(h√(1−ρ²)), a_k = (h − ρk)/(k√(1−ρ²)) and β = ½ when h and k
    have opposite signs, else 0.
    """
    h, k, rho = np.broadcast_arrays(h, k, rho)
    fin = np.isfinite(h) & np.isfinite(k)
    # a threshold of exactly 0: Φ₂ is continuous, so evaluate a hair to the right
    hf = np.where(fin, h, 1.0)
    kf = np.where(fin, k, 1.0)
    hf = np.where(hf == 0.0, 1e-300, hf)
    kf = np.where(kf == 0.0, 1e-300, kf)
    s = np.sqrt((1.0 - rho) * (1.0 + rho))
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        ah = (kf - rho * hf) / (hf * s)
        ak = (hf - rho * kf) / (kf * s)
    beta = np.where(hf * kf < 0.0, 0.5, 0.0)
    val = (
        0.5 * special.ndtr(hf)
        + 0.5 * special.ndtr(kf)
        - special.owens_t(hf, ah)
        - special.owens_t(kf, ak)
        - beta
    )
    val = np.clip(val, 0.0, 1.0)
    # infinite limits: Φ₂(−∞, ·) = 0, Φ₂(∞, k) = Φ(k), Φ₂(h, ∞) = Φ(h)
    out = np.where(fin, val, 0.0)
    out = np.where((h == np.inf) & (k > -np.inf), special.ndtr(k), out)
    out = np.where((k == np.inf) & (h > -np.inf), special.ndtr(h), out)
    return out


def _bvn_density_terms(
    h: np.ndarray, k: np.ndarray, rho: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """∂Φ₂/∂ρ = φ₂(h, k; ρ) and ∂²Φ₂/∂ρ² = φ₂ · [ρ/(1−ρ²) + (hk(1+ρ²) − ρ(h²+k²))/(1−ρ²)²];
    both 0 where h or k is infinite."""
    h, k, rho = np.broadcast_arrays(h, k, rho)
    fin = np.isfinite(h) & np.isfinite(k)
    hf = np.where(fin, h, 0.0)
    kf = np.where(fin, k, 0.0)
    one = (1.0 - rho) * (1.0 + rho)
    q = hf * hf - 2.0 * rho * hf * kf + kf * kf
    dens = np.exp(-q / (2.0 * one)) / (2.0 * np.pi * np.sqrt(one))
    dens = np.where(fin, dens, 0.0)
    slope = rho / one + (hf * kf * (1.0 + rho * rho) - rho * (hf * hf + kf * kf)) / (one * one)
    return dens, np.where(fin, dens * slope, 0.0)


def _cells(grid: np.ndarray) -> np.ndarray:
    """Cell values from a cumulative grid (..., R+1, C+1) → (..., R, C)."""
    return grid[..., 1:, 1:] - grid[..., :-1, 1:] - grid[..., 1:, :-1] + grid[..., :-1, :-1]


def _pair_terms(
    rho: np.ndarray, cut_r: np.ndarray, cut_c: np.ndarray, counts: np.ndarray, want_cdf: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log-likelihood, score and Hessian in ρ for a batch of pairs.

    ``cut_r`` (m, R+1) and ``cut_c`` (m, C+1) are the cut points including ±∞,
    ``counts`` (m, R, C) the cross-tables.
    """
    r = rho[:, None, None]
    h = cut_r[:, :, None]
    k = cut_c[:, None, :]
    d1g, d2g = _bvn_density_terms(h, k, r)
    d1 = _cells(d1g)
    d2 = _cells(d2g)
    used = counts > 0
    if want_cdf:
        p = _cells(_bvn_cdf(h, k, r))
    else:  # only where the count is positive
        p = np.ones_like(d1)
    p_safe = np.where(used, np.maximum(p, 1e-300), 1.0)
    # (at |ρ| → 1 a used cell's probability can underflow: its terms overflow to ±inf,
    # which the callers read correctly as "far from the maximum")
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        logp = np.where(used, np.log(p_safe), 0.0)
        ratio = np.where(used, d1 / p_safe, 0.0)
        loglik = (counts * logp).sum(axis=(1, 2))
        score = (counts * ratio).sum(axis=(1, 2))
        hess = (counts * (np.where(used, d2 / p_safe, 0.0) - ratio * ratio)).sum(axis=(1, 2))
    return loglik, score, hess


def _solve_rho(
    cut_r: np.ndarray, cut_c: np.ndarray, counts: np.ndarray, start: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-likelihood ρ of every pair (bracketed Newton on the score) and its
    two-step standard error 1/√(−ℓ''(ρ̂)) with the thresholds held fixed."""
    m = counts.shape[0]
    lo = np.full(m, -MAX_RHO)
    hi = np.full(m, MAX_RHO)
    rho = np.clip(start, -0.99, 0.99)
    active = np.ones(m, dtype=bool)
    for _ in range(_MAX_ITER):
        idx = np.where(active)[0]
        if not len(idx):
            break
        r = rho[idx]
        _, g, hs = _pair_terms(r, cut_r[idx], cut_c[idx], counts[idx], want_cdf=True)
        lo[idx] = np.where(g > 0, r, lo[idx])
        hi[idx] = np.where(g <= 0, r, hi[idx])
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = r - g / hs
        ok = (hs < 0) & (newton > lo[idx]) & (newton < hi[idx])
        new = np.where(ok, newton, 0.5 * (lo[idx] + hi[idx]))
        # the bound itself: the score still points outwards there
        step = np.abs(new - r)
        rho[idx] = new
        done = (step < _NEWTON_TOL) | (hi[idx] - lo[idx] < _NEWTON_TOL)
        active[idx[done]] = False
    # a maximum on the bound: the likelihood there is at least as high as at the
    # estimate (near the bound it can be so flat that Newton steps stall short of it)
    at_bound = np.zeros(m, dtype=bool)
    ll_hat, _, _ = _pair_terms(rho, cut_r, cut_c, counts, want_cdf=True)
    for bound in (MAX_RHO, -MAX_RHO):
        ll_bound, _, _ = _pair_terms(np.full(m, bound), cut_r, cut_c, counts, want_cdf=True)
        hit = ~at_bound & (ll_bound >= ll_hat)
        rho[hit] = bound
        at_bound |= hit
    _, _, hs = _pair_terms(rho, cut_r, cut_c, counts, want_cdf=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.where(hs < 0, 1.0 / np.sqrt(-hs), np.nan)
    se[at_bound] = np.nan
    return rho, se


# =========================================================================== input
def _item_data(
    data: Any, score: str | None, nan_policy: str
) -> tuple[np.ndarray, list[str], str, str | None, int]:

    if isinstance(data, Survey):
        used_score = score or "perception"
        if not isinstance(used_score, str):
            raise DataError(
                f"polychoric: score must be a score name such as 'perception', got {score!r}."
            )
        frame = data.item_scores(used_score)
    else:
        if score is not None:
            raise DataError(
                f"polychoric: score={score!r} applies to a Survey only; an item table is "
                "analysed as is."
            )
        used_score = None
        frame = as_frame(data, "polychoric data")
        if isinstance(data, np.ndarray | list):
            frame.columns = [f"V{j + 1}" for j in range(frame.shape[1])]
    labels = [str(c) for c in frame.columns]
    if len(labels) < 2:
        raise InsufficientDataError(f"polychoric needs at least 2 items; got {len(labels)}.")
    frame = _category_codes(frame)
    x = numeric_matrix(frame, list(frame.columns))
    n_rows = x.shape[0]
    incomplete = np.isnan(x).any(axis=1)
    n_dropped = 0
    if incomplete.any() and nan_policy == "raise":
        raise DataError(
            f"polychoric: {int(incomplete.sum())} respondent(s) have missing answers: rows "
            f"{fmt_list(frame.index[incomplete])}. Use nan_policy='pairwise' or 'listwise'."
        )
    if incomplete.any() and nan_policy == "listwise":
        n_dropped = int(incomplete.sum())
        x = x[~incomplete]
        frame = frame.loc[~incomplete]
        warnings.warn(
            f"nan_policy='listwise' dropped {n_dropped} of {n_rows} respondents with "
            "missing answers.",
            MissingDataWarning,
            stacklevel=3,
        )
    if x.shape[0] < 3:
        raise InsufficientDataError(f"polychoric needs at least 3 respondents; got {x.shape[0]}.")
    _efa._check_items(x, labels, frame.index)
    observed = x[~np.isnan(x)]
    if not np.array_equal(observed, np.round(observed)):
        j = int(np.where((np.abs(x - np.round(x)) > 0).any(axis=0))[0][0])
        col = x[:, j]
        bad = col[~np.isnan(col) & (col != np.round(col))]
        raise DataError(
            f"polychoric needs whole-number categories; item {labels[j]!r} has values "
            f"{fmt_list(np.unique(bad).tolist())}."
        )
    policy = nan_policy if incomplete.any() else "complete"
    return x, labels, policy, used_score, x.shape[0]


def _category_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """Ordered categorical columns ("Disagree" < "Neutral" < "Agree") as 1, 2, 3, ...;
    an unordered categorical column is refused (its order is unknown)."""
    cats = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    if not cats:
        return frame
    out = frame.copy()
    for c in cats:
        if not frame[c].cat.ordered:
            raise DataError(
                f"Column {c!r} is an unordered categorical; give its categories an order "
                "(pd.Categorical(..., ordered=True)) or recode them to numbers."
            )
        codes = frame[c].cat.codes.to_numpy()
        out[c] = np.where(codes >= 0, codes + 1.0, np.nan)
    return out


def _smooth(r: np.ndarray) -> tuple[np.ndarray, bool]:
    """``psych::cor.smooth``: eigenvalues below 1e-12 set to 100·1e-12, rescaled to sum p,
    back to a correlation matrix, when the smallest eigenvalue is below machine epsilon."""
    values, vectors = np.linalg.eigh(r)
    if values.min() >= np.finfo(float).eps:
        return r, False
    values = np.where(values < 1e-12, 100 * 1e-12, values)
    values = values * len(r) / values.sum()
    s = (vectors * values) @ vectors.T
    d = 1.0 / np.sqrt(np.diag(s))
    return s * d[:, None] * d[None, :], True


# =========================================================================== public
def polychoric(
    data: Any,
    *,
    score: str | None = None,
    correct: float = 0.5,
    thresholds: Literal["auto", "global", "pair"] = "auto",
    smooth: bool = True,
    nan_policy: NanPolicy = "pairwise",
) -> PolychoricResult:
    """Polychoric correlation matrix of ordinal items (two-step maximum likelihood).

    Parameters
    ----------
    data : Survey, DataFrame, ndarray or list
        Respondents × items with whole-number categories (a 5- or 7-point scale) or
        ordered categorical columns (coded 1, 2, … in their order), or a Survey (its
        ``score`` ratings).
    score : str, optional
        Which ratings of a Survey (default ``"perception"``); ``"expectation"`` etc.
        Gap scores are differences, not ordinal ratings, but are accepted as categories.
    correct : float, default 0.5
        Continuity correction, as ``psych::polychoric``: with thresholds per pair, each
        empty cell of a pair's cross-table (inside its non-empty rows and columns)
        counts as ``correct`` respondents; 0 turns it off. A
        :class:`~servqual.ServqualWarning` names the pairs so adjusted. Not used with
        global thresholds (psych and lavaan leave the cells as observed there).
    thresholds : {"auto", "global", "pair"}, default "auto"
        ``"global"``: each item's thresholds from all its answers (psych's
        ``global=TRUE``, lavaan's two-step); ``"pair"``: from the margins of each pair's
        (corrected) cross-table (psych's ``global=FALSE``); ``"auto"``: global, unless
        the items differ in their highest category, when psych switches to per pair.
    smooth : bool, default True
        When the matrix is not positive definite, smooth it as ``psych::cor.smooth``
        (and warn).
    nan_policy : {"pairwise", "listwise", "raise"}, default "pairwise"
        Pairwise: each pair from the respondents who answered both (thresholds from
        each item's answers), as psych; listwise: complete respondents only; raise:
        refuse missing answers.

    Returns
    -------
    PolychoricResult
        Table indexed by item pair with ``rho``, ``se``, ``n``, ``empty_cells``,
        ``corrected``; the fields ``rho`` and ``se`` (item × item), ``thresholds``
        (item × cut point, τ₁ ≤ τ₂ ≤ …, from all the answers to each item as psych's
        ``$tau`` — also when the pairs use their own; ±inf below or above the
        categories an item never uses). ``n_obs`` counts every respondent (psych's
        ``n.obs``); ``n`` in the table those who answered both items.

    Raises
    ------
    DataError
        Non-integer answers, more than 20 categories, constant items, missing answers
        with ``nan_policy="raise"``.
    InsufficientDataError
        Fewer than 2 items or 3 respondents.

    See Also
    --------
    cronbach_alpha : ``correlation="polychoric"`` gives ordinal alpha.

    Notes
    -----
    With categories 1…K and cumulative proportions :math:`P_{j,c}` of item j, the
    thresholds are :math:`\\tau_{j,c} = \\Phi^{-1}(P_{j,c})`, c = 1…K−1. For items
    i, j with cross-table counts :math:`n_{ab}`, ρ maximises
    :math:`\\ell(\\rho) = \\sum_{ab} n_{ab} \\log \\pi_{ab}(\\rho)` where
    :math:`\\pi_{ab} = \\Phi_2(\\tau_{i,a}, \\tau_{j,b}; \\rho) -
    \\Phi_2(\\tau_{i,a-1}, \\tau_{j,b}; \\rho) - \\Phi_2(\\tau_{i,a}, \\tau_{j,b-1}; \\rho) +
    \\Phi_2(\\tau_{i,a-1}, \\tau_{j,b-1}; \\rho)`, the thresholds held fixed (Olsson's
    two-step estimator). :math:`\\Phi_2` is evaluated with Owen's T function, and
    :math:`\\partial\\Phi_2/\\partial\\rho = \\phi_2` gives the exact score and Hessian
    for Newton steps, bracketed in [−0.9999, 0.9999]. The standard error is
    :math:`1/\\sqrt{-\\ell''(\\hat\\rho)}` (thresholds treated as known), as
    ``polycor::polychor(x, y, std.err=TRUE)``. Matches ``psych::polychoric(x)$rho``
    and ``$tau`` (psych stops its optimiser at ~1e-4; servqual converges to 1e-12) and
    ``lavaan::lavCor(x, ordered=names(x))``. A pair whose likelihood rises all the
    way to the bound (empty cells on one side of a diagonal) is reported at ±0.9999
    with ``se`` NaN and a warning.

    References
    ----------
    Olsson, U. (1979). Maximum likelihood estimation of the polychoric correlation
    coefficient. *Psychometrika*, 44, 443–460.
    Owen, D. B. (1956). Tables for computing bivariate normal probabilities. *Annals of
    Mathematical Statistics*, 27, 1075–1090.

    Examples
    --------
    >>> import servqual as sq
    >>> res = sq.polychoric(sq.load_example("retail_bank"), score="perception")
    >>> res.rho.shape
    (22, 22)
    >>> bool((res.rho.to_numpy().diagonal() == 1).all())
    True
    """
    nan_policy = check_nan_policy(nan_policy)
    check_choice(thresholds, "thresholds", ("auto", "global", "pair"))
    try:
        correct = float(correct)
    except (TypeError, ValueError):
        raise DataError(f"correct must be a number ≥ 0, got {correct!r}.") from None
    if not (np.isfinite(correct) and correct >= 0):
        raise DataError(f"correct must be a number ≥ 0, got {correct!r}.")
    x, labels, policy, used_score, n_obs = _item_data(data, score, nan_policy)
    p = len(labels)

    # categories 0..K-1 on the common grid of the items (psych: global min to max)
    low = np.nanmin(x)
    n_cat = int(np.nanmax(x) - low) + 1
    if n_cat > MAX_CATEGORIES:
        raise DataError(
            f"polychoric: the answers span {n_cat} categories ({low:g} to {np.nanmax(x):g}); "
            f"more than {MAX_CATEGORIES} is not a rating scale — use Pearson correlations."
        )
    present = ~np.isnan(x)
    codes = np.where(present, x - low, 0).astype(np.intp)
    item_max = np.nanmax(x, axis=0)
    method = thresholds
    if method == "auto":
        method = "global" if item_max.min() == item_max.max() else "pair"

    # item thresholds from each item's answers
    freq = np.zeros((n_cat, p))
    for j in range(p):
        freq[:, j] = np.bincount(codes[present[:, j], j], minlength=n_cat)
    cum = np.cumsum(freq, axis=0) / freq.sum(axis=0)
    tau = stats.norm.ppf(np.clip(cum[:-1], 0.0, 1.0)).T  # (p, K-1)

    iu, ju = np.triu_indices(p, 1)
    m = len(iu)
    counts = _cross_tables(np.where(present, codes, n_cat), n_cat)
    n_pair = counts.sum(axis=(1, 2))
    empty = (counts == 0).sum(axis=(1, 2))

    inf = np.full((m, 1), np.inf)
    n_corrected = np.zeros(m, dtype=int)
    overflow = np.zeros(m, dtype=bool)
    if method == "global":
        cut_r = np.hstack([-inf, tau[iu], inf])
        cut_c = np.hstack([-inf, tau[ju], inf])
        fit_counts = counts
    else:
        rows_used = counts.sum(axis=2) > 0
        cols_used = counts.sum(axis=1) > 0
        inside = rows_used[:, :, None] & cols_used[:, None, :]
        fix = inside & (counts == 0)
        n_corrected = fix.sum(axis=(1, 2)) if correct > 0 else n_corrected
        fit_counts = np.where(fix, correct, counts) if correct > 0 else counts
        # psych drops empty rows and columns and divides the corrected margins by the
        # uncorrected total; where that pushes a cumulative proportion past 1 before
        # the last category (psych stops with an error) servqual divides by the
        # corrected total instead. Cut points from the last used category on are +inf.
        pr_cum, of_r = _pair_cumulative(fit_counts.sum(axis=2), n_pair)
        pc_cum, of_c = _pair_cumulative(fit_counts.sum(axis=1), n_pair)
        overflow = of_r | of_c
        cut_r = np.hstack([-inf, stats.norm.ppf(np.clip(pr_cum, 0, 1)), inf])
        cut_c = np.hstack([-inf, stats.norm.ppf(np.clip(pc_cum, 0, 1)), inf])

    # a pair needs at least two answered categories of each item among its rows
    rows_any = (counts.sum(axis=2) > 0).sum(axis=1)
    cols_any = (counts.sum(axis=1) > 0).sum(axis=1)
    estimable = (rows_any >= 2) & (cols_any >= 2)
    rho = np.full(m, np.nan)
    se = np.full(m, np.nan)
    if estimable.any():
        e = np.where(estimable)[0]
        start = _start_values(counts[e])
        rho[e], se[e] = _solve_rho(cut_r[e], cut_c[e], fit_counts[e], start)

    pair_names = [f"{labels[i]!r}–{labels[j]!r}" for i, j in zip(iu, ju, strict=True)]
    bad = np.where(~estimable)[0]
    if len(bad):
        warnings.warn(
            f"polychoric: {len(bad)} pair(s) have fewer than 2 answered categories on the "
            f"rows where both items are answered, so rho is NaN: "
            f"{_names(pair_names, bad)}.",
            ServqualWarning,
            stacklevel=2,
        )
    fixed = np.where(n_corrected > 0)[0]
    if len(fixed):
        shown = ", ".join(f"{pair_names[i]} ({n_corrected[i]})" for i in fixed[:8])
        more = f" and {len(fixed) - 8} more pairs" if len(fixed) > 8 else ""
        warnings.warn(
            f"polychoric: {int(n_corrected.sum())} empty cell(s) were set to {correct:g} "
            f"respondents (continuity correction, thresholds per pair) in {shown}{more}. "
            "Examine these pairs: sparse tables make polychoric correlations unstable.",
            ServqualWarning,
            stacklevel=2,
        )
    if overflow.any():
        warnings.warn(
            "polychoric: in "
            f"{_names(pair_names, np.where(overflow)[0])} the corrected "
            "cumulative margins exceed the number of respondents (psych stops with an "
            "error here); their thresholds use the corrected total instead.",
            ServqualWarning,
            stacklevel=2,
        )
    boundary = np.where(np.abs(rho) >= MAX_RHO)[0]
    if len(boundary):
        warnings.warn(
            f"polychoric: the likelihood of {_names(pair_names, boundary)} "
            f"rises all the way to |rho| = {MAX_RHO} (empty cells on one side of the "
            "diagonal); reported at the bound, without a standard error.",
            ServqualWarning,
            stacklevel=2,
        )

    mat = np.eye(p)
    mat[iu, ju] = rho
    mat[ju, iu] = rho
    smoothed = False
    if smooth and np.isfinite(mat).all():
        mat, smoothed = _smooth(mat)
        if smoothed:
            warnings.warn(
                "polychoric: the matrix was not positive definite and was smoothed "
                "(psych::cor.smooth's eigenvalue adjustment); the table keeps the "
                "pairwise estimates.",
                ServqualWarning,
                stacklevel=2,
            )
    se_mat = np.full((p, p), np.nan)
    se_mat[iu, ju] = se
    se_mat[ju, iu] = se

    index = pd.MultiIndex.from_arrays(
        [[labels[i] for i in iu], [labels[j] for j in ju]], names=["item_1", "item_2"]
    )
    table = pd.DataFrame(
        {
            "rho": rho,
            "se": se,
            "n": n_pair.astype(int),
            "empty_cells": empty.astype(int),
            "corrected": n_corrected.astype(int),
        },
        index=index,
    )
    tau_cols = [f"tau{c + 1}" for c in range(n_cat - 1)]
    return PolychoricResult(
        _table=table,
        rho=pd.DataFrame(mat, index=labels, columns=labels),
        se=pd.DataFrame(se_mat, index=labels, columns=labels),
        thresholds=pd.DataFrame(tau, index=pd.Index(labels, name="item"), columns=tau_cols),
        n_obs=n_obs,
        n_items=p,
        n_categories=n_cat,
        threshold_method=method,
        correct=correct,
        smoothed=smoothed,
        nan_policy=policy,
        score=used_score,
    )


def _cross_tables(codes: np.ndarray, n_cat: int) -> np.ndarray:
    """Cross-table of every item pair i < j (order of ``np.triu_indices``), (m, K, K).

    ``codes`` holds categories 0..K−1 and K for a missing answer. Each pair's cell is
    ``K'·a + b`` (K' = K + 1), offset by the pair's position, and one ``bincount`` per
    item and block of rows counts all of its pairs at once.
    """
    n, p = codes.shape
    kx = n_cat + 1
    c32 = codes.astype(np.int32)
    parts = []
    offsets = [np.arange(p - i - 1, dtype=np.int32) * (kx * kx) for i in range(p - 1)]
    totals = [np.zeros(len(o) * kx * kx, dtype=np.int64) for o in offsets]
    block = 4096
    for start in range(0, n, block):
        c = c32[start : start + block]
        for i in range(p - 1):
            cells = c[:, i : i + 1] * kx + c[:, i + 1 :] + offsets[i]
            totals[i] += np.bincount(cells.ravel(), minlength=len(totals[i]))
    for i in range(p - 1):
        parts.append(totals[i].reshape(-1, kx, kx)[:, :n_cat, :n_cat])
    return np.concatenate(parts).astype(np.float64)


def _names(pair_names: list[str], idx: np.ndarray, limit: int = 8) -> str:
    shown = ", ".join(pair_names[i] for i in idx[:limit])
    return shown + (f" and {len(idx) - limit} more" if len(idx) > limit else "")


def _pair_cumulative(margins: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative proportions below each cut point of per-pair (corrected) margins
    (m, K) → (m, K−1), and which pairs needed the corrected total."""
    k = margins.shape[1]
    used = margins > 0
    last = k - 1 - np.argmax(used[:, ::-1], axis=1)  # last used category
    cum = np.cumsum(margins, axis=1)[:, :-1]
    below_last = np.arange(k - 1)[None, :] < last[:, None]
    overflow = ((cum > n[:, None]) & below_last).any(axis=1)
    tot = np.where(overflow, margins.sum(axis=1), n).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        prop = np.where(below_last, cum / tot[:, None], 1.0)
    return np.clip(prop, 0.0, 1.0), overflow


def _start_values(counts: np.ndarray) -> np.ndarray:
    """Pearson correlation of the category codes of each cross-table (start for Newton)."""
    k = counts.shape[1]
    a = np.arange(k, dtype=float)
    n = counts.sum(axis=(1, 2))
    pr = counts.sum(axis=2) / n[:, None]
    pc = counts.sum(axis=1) / n[:, None]
    mr = pr @ a
    mc = pc @ a
    vr = pr @ (a * a) - mr * mr
    vc = pc @ (a * a) - mc * mc
    cov = np.einsum("mab,a,b->m", counts, a, a) / n - mr * mc
    with np.errstate(invalid="ignore", divide="ignore"):
        r = cov / np.sqrt(vr * vc)
    return np.nan_to_num(r, nan=0.0)


# =========================================================================== ordinal reliability
def matrix_input(
    data: Any, score: str, nan_policy: NanPolicy, n_obs: Any, what: str
) -> tuple[PolychoricResult, np.ndarray, dict[str, list[str]] | None]:
    """Polychoric correlations of the items behind ``what`` (alpha, omega, EFA), the
    answered mask of the rows used, and the Survey's dimension model (None for items)."""
    if n_obs is not None or isinstance(data, SurveySummary) or _dask.is_dask_frame(data):
        polychoric_input(data, None, n_obs, nan_policy, what)  # raises the DataError
    model = None
    if isinstance(data, Survey):
        model = data.instrument.model
        codes = [c for cs in model.values() for c in cs]
        frame = data.item_scores(score)[codes]
        used_score: str | None = score
    else:
        frame = as_frame(data, "data")
        if isinstance(data, np.ndarray | list):
            frame.columns = [f"item{j + 1}" for j in range(frame.shape[1])]
        used_score = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingDataWarning)  # re-issued below
        pc = polychoric(frame, nan_policy=nan_policy)
    answered = frame.notna().to_numpy()
    if nan_policy == "listwise":
        answered = answered[answered.all(axis=1)]
        dropped = len(frame) - len(answered)
        if dropped:
            warnings.warn(
                f"nan_policy='listwise' dropped {dropped} of {len(frame)} respondents with "
                "missing answers.",
                MissingDataWarning,
                stacklevel=4,
            )
    return dataclasses.replace(pc, score=used_score), answered, model


def polychoric_input(
    data: Any, score: str | None, n_obs: Any, nan_policy: NanPolicy, what: str
) -> PolychoricResult:
    """The polychoric matrix behind ``efa``/``omega(..., correlation="polychoric")``."""
    if n_obs is not None or isinstance(data, SurveySummary) or _dask.is_dask_frame(data):
        raise DataError(
            f"{what} with correlation='polychoric' needs the respondents' answers (a "
            "Survey or an item table): polychoric correlations are estimated from the "
            "cross-tables of the items, not from a correlation matrix or a summary."
        )
    if isinstance(data, Survey):
        return polychoric(data, score=score or "perception", nan_policy=nan_policy)
    return polychoric(data, score=score, nan_policy=nan_policy)


# =========================================================================== polyserial
@result_class
class PolyserialResult(TableResult):
    """Polyserial correlations of continuous scores with ordinal items.

    The table is indexed by ``(continuous, ordinal)`` with columns ``rho`` (two-step
    maximum likelihood), ``se`` (its standard error, thresholds and the continuous
    variable's mean and SD held fixed), ``rho_ad_hoc`` (the Olsson, Drasgow & Dorans
    estimator that ``psych::polyserial`` returns) and ``n``. ``rho`` is also given as a
    continuous × ordinal matrix.
    """

    rho: pd.DataFrame
    n_obs: int
    nan_policy: str

    @property
    def header(self) -> str:
        how = {"complete": "complete data"}.get(self.nan_policy, self.nan_policy)
        k_x, k_y = self.rho.shape
        return (
            f"Polyserial correlations · {k_x} continuous × {k_y} ordinal · n={self.n_obs} ({how})"
        )


def _as_columns(data: Any, name: str) -> pd.DataFrame:
    if isinstance(data, pd.Series):
        return data.to_frame(name=str(data.name) if data.name is not None else name)
    if isinstance(data, np.ndarray | list) and np.ndim(data) == 1:
        return pd.DataFrame({name: np.asarray(data)})
    frame = as_frame(data, name)
    if isinstance(data, np.ndarray | list):
        frame.columns = [f"{name}{j + 1}" for j in range(frame.shape[1])]
    return frame


def _polyserial_pair(z: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Two-step ML ρ and its SE for standardised ``z`` and codes ``y`` (0..K−1, every
    category present)."""
    k = int(y.max()) + 1
    n = len(y)
    counts = np.bincount(y, minlength=k)
    cuts = stats.norm.ppf(np.cumsum(counts)[:-1] / n)
    upper = np.append(cuts, np.inf)[y]
    lower = np.insert(cuts, 0, -np.inf)[y]

    def terms(rho: float) -> tuple[float, float, float]:
        one = 1.0 - rho * rho
        s = np.sqrt(one)
        out = []
        for t in (upper, lower):
            fin = np.isfinite(t)
            tf = np.where(fin, t, 0.0)
            u = np.where(fin, (tf - rho * z) / s, t)
            d1 = np.where(fin, (rho * tf - z) / one**1.5, 0.0)
            d2 = np.where(fin, tf / one**1.5 + (rho * tf - z) * 3 * rho / one**2.5, 0.0)
            phi = np.where(fin, stats.norm.pdf(np.where(fin, u, 0.0)), 0.0)
            out.append((special.ndtr(u), phi, u, d1, d2))
        (c_h, f_h, u_h, d1_h, d2_h), (c_l, f_l, u_l, d1_l, d2_l) = out
        p = np.maximum(c_h - c_l, 1e-300)
        dp = f_h * d1_h - f_l * d1_l
        uh = np.where(np.isfinite(u_h), u_h, 0.0)
        ul = np.where(np.isfinite(u_l), u_l, 0.0)
        d2p = (-uh * f_h * d1_h**2 + f_h * d2_h) - (-ul * f_l * d1_l**2 + f_l * d2_l)
        ratio = dp / p
        return float(np.log(p).sum()), float(ratio.sum()), float((d2p / p - ratio**2).sum())

    opt = optimize.minimize_scalar(
        lambda r: -terms(r)[0],
        bounds=(-MAX_RHO, MAX_RHO),
        method="bounded",
        options={"xatol": 1e-12},
    )
    rho = float(opt.x)
    # polish with Newton steps on the exact score (Brent stops ~1e-9 short)
    for _ in range(5):
        _, g, h = terms(rho)
        if not h < 0:
            break
        new = float(np.clip(rho - g / h, -MAX_RHO, MAX_RHO))
        if abs(new - rho) < 1e-14:
            break
        rho = new
    _, _, h = terms(rho)
    se = 1.0 / np.sqrt(-h) if h < 0 and abs(rho) < MAX_RHO else np.nan
    return rho, float(se)


def _ad_hoc(z: np.ndarray, y: np.ndarray) -> float:
    """``psych::polyserial``: r_xy · sd(y) · √((n−1)/n) / Σ φ(τ_c), the thresholds over
    every category from the lowest to the highest answer (an empty one repeats its
    neighbour's threshold and counts twice, as in psych)."""
    n = len(y)
    low = int(y.min())
    counts = np.bincount((y - low).astype(np.intp))
    cuts = stats.norm.ppf(np.cumsum(counts)[:-1] / n)
    r_xy = np.corrcoef(z, y)[0, 1]
    value = r_xy * np.sqrt((n - 1) / n) * y.std(ddof=1) / stats.norm.pdf(cuts).sum()
    return float(np.clip(value, -1.0, 1.0))


def polyserial(
    continuous: Any, ordinal: Any, *, nan_policy: NanPolicy = "pairwise"
) -> PolyserialResult:
    """Polyserial correlations between continuous scores and ordinal items (two-step ML).

    Parameters
    ----------
    continuous : Series, DataFrame or array
        One or more continuous variables (e.g. a respondent's overall score, age).
    ordinal : Series, DataFrame or array
        One or more ordinal items with whole-number categories, same rows.
    nan_policy : {"pairwise", "listwise", "raise"}, default "pairwise"
        Pairwise: each pair from the rows where both are present (as ``polycor``);
        listwise: rows complete on every column; raise: refuse missing values.

    Returns
    -------
    PolyserialResult
        Table indexed by ``(continuous, ordinal)``: ``rho``, ``se``, ``rho_ad_hoc``,
        ``n``; ``rho`` also as a matrix.

    Raises
    ------
    DataError
        Different numbers of rows, non-integer ordinal answers, a constant variable,
        missing values with ``nan_policy="raise"``.

    See Also
    --------
    polychoric

    Notes
    -----
    The continuous variable is standardised, :math:`z = (x - \bar x)/s` (SD with
    divisor n − 1), the ordinal item's thresholds are :math:`\tau_c = \\Phi^{-1}` of its
    cumulative proportions, and ρ maximises
    :math:`\\sum_i \\log[\\Phi(\frac{\tau_{y_i} - \rho z_i}{\\sqrt{1-\rho^2}}) -
    \\Phi(\frac{\tau_{y_i - 1} - \rho z_i}{\\sqrt{1-\rho^2}})]` with those held fixed;
    the SE is :math:`1/\\sqrt{-\\ell''(\\hat\rho)}`. Matches
    ``polycor::polyserial(x, y, std.err = TRUE)`` (two-step, ``ML = FALSE``);
    ``rho_ad_hoc`` is ``psych::polyserial(x, y)``,
    :math:`r_{xy}\\, s_y \\sqrt{(n-1)/n} / \\sum_c \\phi(\tau_c)`. A category of an item
    that nobody chose on a pair's rows is dropped, as polycor does.

    References
    ----------
    Olsson, U., Drasgow, F., & Dorans, N. J. (1982). The polyserial correlation
    coefficient. *Psychometrika*, 47, 337–347.

    Examples
    --------
    >>> import servqual as sq
    >>> survey = sq.load_example("retail_bank")
    >>> p = survey.item_scores("perception")
    >>> res = sq.polyserial(p.mean(axis=1).rename("overall"), p[["TAN1", "REL1"]])
    >>> res.rho.shape
    (1, 2)
    """
    nan_policy = check_nan_policy(nan_policy)
    xs = _as_columns(continuous, "x")
    ys = _as_columns(ordinal, "y")
    if len(xs) != len(ys):
        raise DataError(
            f"polyserial: continuous has {len(xs)} rows and ordinal {len(ys)}; they must "
            "describe the same respondents."
        )
    x = numeric_matrix(xs, list(xs.columns))
    y = numeric_matrix(_category_codes(ys), list(ys.columns))
    x_labels = [str(c) for c in xs.columns]
    y_labels = [str(c) for c in ys.columns]
    missing = np.isnan(x).any(axis=1) | np.isnan(y).any(axis=1)
    if missing.any() and nan_policy == "raise":
        raise DataError(
            f"polyserial: {int(missing.sum())} row(s) have missing values: rows "
            f"{fmt_list(xs.index[missing])}. Use nan_policy='pairwise' or 'listwise'."
        )
    if missing.any() and nan_policy == "listwise":
        warnings.warn(
            f"nan_policy='listwise' dropped {int(missing.sum())} of {len(x)} rows with "
            "missing values.",
            MissingDataWarning,
            stacklevel=2,
        )
        x, y = x[~missing], y[~missing]
    observed = y[~np.isnan(y)]
    if not np.array_equal(observed, np.round(observed)):
        j = int(np.where((np.abs(y - np.round(y)) > 0).any(axis=0))[0][0])
        col = y[:, j]
        bad = ~np.isnan(col) & (col != np.round(col))
        raise DataError(
            f"polyserial needs whole-number categories; ordinal item {y_labels[j]!r} has "
            f"values {fmt_list(col[bad])} at rows {fmt_list(ys.index[bad])}."
        )
    rows = []
    for i, xl in enumerate(x_labels):
        for j, yl in enumerate(y_labels):
            ok = ~np.isnan(x[:, i]) & ~np.isnan(y[:, j])
            xi, yj = x[ok, i], y[ok, j]
            if ok.sum() < 3 or np.std(xi) == 0 or len(np.unique(yj)) < 2:
                raise DataError(
                    f"polyserial: {xl!r} and {yl!r} have fewer than 3 joint answers, or one "
                    "of them is constant on their joint rows."
                )
            _, codes = np.unique(yj, return_inverse=True)
            z = (xi - xi.mean()) / xi.std(ddof=1)
            rho, se = _polyserial_pair(z, codes.astype(np.intp))
            ad_hoc = _ad_hoc(z, yj)
            rows.append((xl, yl, rho, se, ad_hoc, int(ok.sum())))
    table = pd.DataFrame(
        rows, columns=["continuous", "ordinal", "rho", "se", "rho_ad_hoc", "n"]
    ).set_index(["continuous", "ordinal"])
    mat = table["rho"].unstack("ordinal").reindex(index=x_labels, columns=y_labels)
    mat.index.name = None
    mat.columns.name = None
    return PolyserialResult(
        _table=table,
        rho=mat,
        n_obs=len(x),
        nan_policy=nan_policy if missing.any() else "complete",
    )
