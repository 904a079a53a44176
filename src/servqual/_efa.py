"""Numerical core of exploratory factor analysis (internal).

Input preparation (Survey, item frame or correlation matrix → correlation matrix),
factor extraction (minres, maximum likelihood, principal axis) and the fit
statistics of a factor solution.  Public entry points live in
:mod:`servqual.factor` and :mod:`servqual.omega`; the functions here take clean
arrays.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ._validation import as_frame, check_magnitude, fmt_list, numeric_matrix
from ._vocab import check_nan_policy
from .exceptions import (
    ConvergenceError,
    DataError,
    HeywoodWarning,
    InsufficientDataError,
    MissingDataWarning,
)
from .survey import Survey

# psych::fa bounds the uniquenesses of minres and ML fits to [0.005, 1].
PSI_LOWER = 0.005


@dataclass(frozen=True)
class Prepared:
    """A validated correlation matrix and how it was obtained."""

    r: np.ndarray
    labels: list[str]
    n_obs: int
    source: str  # "survey", "data" or "correlation"
    nan_policy: str
    n_dropped: int
    score: str | None


# --------------------------------------------------------------------------- input
def pairwise_corr(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pearson correlations over pairwise-complete rows (``cor(x, use="pairwise")``).

    Each pair uses its own means and standard deviations, computed on the rows where
    both items are present. Returns the correlations and the pairwise counts.
    """
    mask = ~np.isnan(x)
    m = mask.astype(np.float64)
    # centre on the column means first (correlation is shift invariant; this keeps
    # the sums of squares well conditioned)
    centre = np.nanmean(x, axis=0)
    z = np.where(mask, x - centre, 0.0)
    n = m.T @ m
    sx = z.T @ m  # sx[i, j] = sum of item i over rows where j is present
    sxx = (z * z).T @ m
    sxy = z.T @ z
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = sxy - sx * sx.T / n
        var_i = sxx - sx * sx / n
        r = cov / np.sqrt(var_i * var_i.T)
    np.fill_diagonal(r, 1.0)
    return r, n


def _check_items(x: np.ndarray, labels: list[str], index: pd.Index) -> None:
    all_missing = np.isnan(x).all(axis=0)
    if all_missing.any():
        bad = [labels[j] for j in np.where(all_missing)[0]]
        raise InsufficientDataError(
            f"Item(s) {fmt_list(bad)} have no answers at all (every value is missing); "
            "drop them before the factor analysis."
        )
    with np.errstate(invalid="ignore"):
        sd = np.nanstd(x, axis=0)
    flat = np.where(~(sd > 0))[0]
    if len(flat):
        parts = []
        for j in flat[:5]:
            col = x[:, j]
            parts.append(f"{labels[j]!r} (always {col[~np.isnan(col)][0]:g})")
        raise DataError(
            f"Item(s) {', '.join(parts)} have zero variance, so their correlations are "
            "undefined; drop them before the factor analysis."
        )


def prepare(
    data: Any,
    *,
    score: str | None,
    n_obs: int | None,
    nan_policy: str,
    what: str,
    min_items: int = 2,
) -> Prepared:
    """Turn a Survey, an item table or a correlation matrix into a correlation matrix.

    A matrix is read as a correlation (or covariance) matrix **only** when ``n_obs``
    is given; otherwise ``data`` is respondents × items.
    """

    nan_policy = check_nan_policy(nan_policy)
    source = "data"
    used_score = None
    if isinstance(data, Survey):
        if n_obs is not None:
            raise DataError(
                f"{what}: n_obs= is only for a correlation matrix input; a Survey knows "
                "its number of respondents."
            )
        used_score = score or "perception"
        frame = data.item_scores(used_score)
        source = "survey"
    else:
        frame = as_frame(data, what)
        if isinstance(data, np.ndarray | list):
            frame.columns = [f"V{j + 1}" for j in range(frame.shape[1])]
    labels = [str(c) for c in frame.columns]
    if len(labels) < min_items:
        raise InsufficientDataError(
            f"{what} needs at least {min_items} items (columns); got {len(labels)}."
        )
    x = numeric_matrix(frame, list(frame.columns))
    if n_obs is not None:
        return _prepare_matrix(x, labels, n_obs, what)
    check_magnitude(x, labels, frame.index, what)

    index = frame.index
    n_rows = x.shape[0]
    if n_rows < 3:
        raise InsufficientDataError(f"{what} needs at least 3 respondents; got {n_rows}.")
    _check_items(x, labels, index)
    incomplete = np.isnan(x).any(axis=1)
    n_dropped = 0
    if incomplete.any() and nan_policy == "raise":
        rows = index[incomplete]
        raise DataError(
            f"{what}: {int(incomplete.sum())} respondent(s) have missing answers: rows "
            f"{fmt_list(rows)}. Use nan_policy='pairwise' or 'listwise'."
        )
    if incomplete.any() and nan_policy == "listwise":
        n_dropped = int(incomplete.sum())
        x = x[~incomplete]
        if x.shape[0] >= 3:
            warnings.warn(
                f"nan_policy='listwise' dropped {n_dropped} of {n_rows} respondents with "
                "missing answers.",
                MissingDataWarning,
                stacklevel=4,  # prepare <- _prep <- public function <- caller
            )
    n = x.shape[0]
    if n < 3:
        raise InsufficientDataError(
            f"{what} needs at least 3 respondents; got {n}"
            + (f" after dropping {n_dropped} incomplete rows" if n_dropped else "")
            + "."
        )
    if n_dropped:
        _check_items(x, labels, index[~incomplete])
    if np.isnan(x).any():
        r, counts = pairwise_corr(x)
        low = counts < 3
        if low.any() or not np.isfinite(r).all():
            i, j = np.argwhere(low | ~np.isfinite(r))[0]
            raise InsufficientDataError(
                f"Items {labels[i]!r} and {labels[j]!r} are answered together by only "
                f"{int(counts[i, j])} respondent(s), too few for a pairwise correlation "
                "(or one of them is constant on those rows)."
            )
    else:
        r = np.corrcoef(x, rowvar=False)
        nan_policy = nan_policy if n_dropped else "complete"
    return Prepared(
        r=r,
        labels=labels,
        n_obs=n,
        source=source,
        nan_policy=nan_policy,
        n_dropped=n_dropped,
        score=used_score,
    )


def _prepare_matrix(x: np.ndarray, labels: list[str], n_obs: Any, what: str) -> Prepared:
    p = len(labels)
    if x.shape != (p, p):
        raise DataError(
            f"n_obs= was given, so {what} expects a square correlation matrix; got shape "
            f"{x.shape[0]} × {x.shape[1]}. Leave n_obs out to analyse respondents × items."
        )
    try:
        n = int(n_obs)
    except (TypeError, ValueError):
        raise DataError(f"n_obs must be a whole number, got {n_obs!r}.") from None
    if n != n_obs or n < 3:
        raise InsufficientDataError(f"n_obs must be a whole number of at least 3, got {n_obs!r}.")
    if np.isnan(x).any():
        i, j = np.argwhere(np.isnan(x))[0]
        raise DataError(
            f"The correlation matrix has a missing value at ({labels[i]!r}, {labels[j]!r})."
        )
    if not np.allclose(x, x.T, rtol=0, atol=1e-8):
        i, j = np.unravel_index(np.argmax(np.abs(x - x.T)), x.shape)
        raise DataError(
            f"The correlation matrix is not symmetric: entry ({labels[i]!r}, {labels[j]!r}) "
            f"is {x[i, j]:g} but ({labels[j]!r}, {labels[i]!r}) is {x[j, i]:g}."
        )
    d = np.diag(x)
    if (d <= 0).any():
        j = int(np.where(d <= 0)[0][0])
        raise DataError(
            f"The matrix has a non-positive variance {d[j]:g} for item {labels[j]!r}; "
            "pass a correlation or covariance matrix."
        )
    s = 1.0 / np.sqrt(d)
    r = (x + x.T) / 2 * s[:, None] * s[None, :]  # cov2cor, as psych does
    np.fill_diagonal(r, 1.0)
    if (np.abs(r) > 1 + 1e-8).any():
        i, j = np.argwhere(np.abs(r) > 1 + 1e-8)[0]
        raise DataError(
            f"Correlation of {labels[i]!r} and {labels[j]!r} is {r[i, j]:g}, outside [-1, 1]."
        )
    return Prepared(
        r=r,
        labels=labels,
        n_obs=n,
        source="correlation",
        nan_policy="none",
        n_dropped=0,
        score=None,
    )


def check_invertible(r: np.ndarray, labels: list[str], what: str) -> None:
    """Raise DataError naming the items of a (near) singular correlation matrix."""
    vals, vecs = np.linalg.eigh(r)
    if vals[0] > 1e-10 * max(vals[-1], 1.0):
        return
    v = np.abs(vecs[:, 0])
    involved = [labels[j] for j in np.argsort(-v) if v[j] > 0.1]
    state = "singular" if vals[0] > -1e-10 else "not positive definite"
    raise DataError(
        f"{what} needs the inverse of the correlation matrix, but it is {state} "
        f"(smallest eigenvalue {vals[0]:.3g}): items {fmt_list(involved)} are (nearly) "
        "linearly dependent, there are more items than respondents, or pairwise "
        "correlations are inconsistent. Drop a redundant item or use nan_policy='listwise'."
    )


def smc(r: np.ndarray) -> np.ndarray:
    """Squared multiple correlations ``1 - 1 / diag(R^-1)`` (``psych::smc``)."""
    return 1.0 - 1.0 / np.diag(np.linalg.inv(r))


def dof(p: int, m: int) -> float:
    """Degrees of freedom of an m-factor model for p items."""
    return p * (p - 1) / 2 - p * m + m * (m - 1) / 2


# --------------------------------------------------------------------------- extraction
@dataclass(frozen=True)
class Extraction:
    loadings: np.ndarray  # p × m, unrotated
    n_iter: int
    converged: bool
    criterion: float
    heywood: list[int]


def _top_eigen(s: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    vals, vecs = np.linalg.eigh(s)
    order = np.argsort(vals)[::-1]
    return vals[order], vecs[:, order], order


def _uls_parts(psi: np.ndarray, r: np.ndarray, m: int) -> tuple[float, np.ndarray, np.ndarray]:
    """ULS criterion ½‖(R − Ψ) − ΛΛ'‖², its gradient in ψ, and Λ."""
    vals, vecs, _ = _top_eigen(r - np.diag(psi), m)
    lam = vecs[:, :m] * np.sqrt(np.maximum(vals[:m], 0.0))
    resid = r - np.diag(psi) - lam @ lam.T
    f = 0.5 * float(np.sum(resid * resid))
    return f, -np.diag(resid).copy(), lam


def _ml_parts(psi: np.ndarray, r: np.ndarray, m: int) -> tuple[float, np.ndarray, np.ndarray]:
    """ML discrepancy Σ_{k>m}(λ_k − log λ_k − 1) of Ψ^-½ R Ψ^-½, gradient in ψ, Λ."""
    sc = 1.0 / np.sqrt(psi)
    vals, vecs, _ = _top_eigen(r * sc[:, None] * sc[None, :], m)
    rest = vals[m:]
    if (rest <= 0).any():
        return np.inf, np.zeros_like(psi), np.zeros((len(psi), m))
    f = float(np.sum(rest - np.log(rest) - 1.0))
    lam = (vecs[:, :m] * np.sqrt(np.maximum(vals[:m] - 1.0, 0.0))) / sc[:, None]
    g = np.diag(lam @ lam.T) + psi - np.diag(r)
    return f, g / psi**2, lam


def extract_optim(
    r: np.ndarray, m: int, method: str, tol: float, max_iter: int, ftol: float = 1e-15
) -> Extraction:
    """Minres or ML: minimise the criterion over the uniquenesses (L-BFGS-B, bounded).

    Converged means L-BFGS-B stopped on its gradient (``tol``) or relative-reduction
    (``ftol``) criterion, or its projected gradient is below 1e-6; anything else
    (iteration limit, failed line search far from a stationary point) raises
    ConvergenceError.
    """
    parts = _uls_parts if method == "minres" else _ml_parts
    start = 1.0 - smc(r)  # psych::fa starts at diag(R) - smc(R)
    res = optimize.minimize(
        lambda p: parts(p, r, m)[:2],
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=[(PSI_LOWER, 1.0)] * len(start),
        options={"maxiter": max_iter, "ftol": ftol, "gtol": tol, "maxcor": 20},
    )
    psi = res.x
    f, g, lam = parts(psi, r, m)
    # projected gradient: zero at a bounded optimum
    at_low = (psi <= PSI_LOWER + 1e-10) & (g > 0)
    at_high = (psi >= 1 - 1e-10) & (g < 0)
    pg = np.where(at_low | at_high, 0.0, g)
    worst = float(np.max(np.abs(pg))) if len(pg) else 0.0
    if not (res.success or worst < 1e-6) or not np.isfinite(f):
        raise ConvergenceError(
            f"The {method} factor extraction did not converge in {res.nit} iterations "
            f"(largest gradient {worst:.2g}; optimizer: {res.message}). "
            "Try fewer factors, or raise max_iter."
        )
    heywood = [int(j) for j in np.where(psi <= PSI_LOWER + 1e-8)[0]]
    return Extraction(lam, int(res.nit), True, f, heywood)


def extract_pa(r: np.ndarray, m: int, tol: float, max_iter: int) -> Extraction:
    """Iterated principal axis, as ``psych::fa(fm="pa")``.

    Start with the SMCs on the diagonal; repeat the eigen decomposition and replace
    the diagonal by the communalities until the total communality changes by less
    than ``tol`` (psych's ``min.err``) or ``max_iter`` iterations have run.
    """
    p = r.shape[0]
    rm = r.copy()
    np.fill_diagonal(rm, smc(r) if m <= p else 1.0)
    comm = float(np.trace(rm))
    converged = False
    it = 0
    lam = np.zeros((p, m))
    while it < max_iter:
        it += 1
        vals, vecs, _ = _top_eigen(rm, m)
        if (vals[:m] < 0).any():
            raise ConvergenceError(
                "Principal axis factoring reached a negative eigenvalue among the retained "
                f"factors at iteration {it}; extract fewer factors or use method='minres'."
            )
        lam = vecs[:, :m] * np.sqrt(vals[:m])
        new = np.sum(lam * lam, axis=1)
        comm1 = float(new.sum())
        np.fill_diagonal(rm, new)
        err = abs(comm - comm1)
        comm = comm1
        if err <= tol:
            converged = True
            break
    if not converged:
        raise ConvergenceError(
            f"Principal axis factoring did not converge in {max_iter} iterations (change "
            f"in total communality {err:.2g} > tol={tol:g}); raise max_iter or use "
            "method='minres'."
        )
    h2 = np.sum(lam * lam, axis=1)
    heywood = [int(j) for j in np.where(h2 >= 1.0)[0]]
    return Extraction(lam, it, converged, comm, heywood)


def extract(r: np.ndarray, m: int, method: str, tol: float | None, max_iter: int) -> Extraction:
    if method == "pa":
        return extract_pa(r, m, 1e-3 if tol is None else tol, max_iter)
    return extract_optim(r, m, method, 1e-9 if tol is None else tol, max_iter)


def warn_heywood(ex: Extraction, labels: list[str], stacklevel: int = 3) -> None:
    if ex.heywood:
        warnings.warn(
            f"Heywood case: item(s) {fmt_list([labels[j] for j in ex.heywood])} have a "
            "communality at (or above) one (uniqueness at its lower bound). The solution "
            "may be improper: try fewer factors or another method.",
            HeywoodWarning,
            stacklevel=stacklevel,
        )


# --------------------------------------------------------------------------- orientation
def orient(
    lam: np.ndarray, phi: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """Flip signs so column sums are positive, then sort factors by variance explained.

    As ``psych::fa``: variance explained is ``diag(Φ Λ'Λ)`` for oblique solutions.
    Returns the loadings, Φ (same order) and the permutation applied.
    """
    signs = np.sign(lam.sum(axis=0))
    signs[signs == 0] = 1.0
    lam = lam * signs
    if phi is not None:
        phi = phi * signs[:, None] * signs[None, :]
    ev = np.diag(lam.T @ lam) if phi is None else np.diag(phi @ lam.T @ lam)
    order = np.argsort(-ev, kind="stable")
    lam = lam[:, order]
    if phi is not None:
        phi = phi[np.ix_(order, order)]
    return lam, phi, order


# --------------------------------------------------------------------------- fit statistics
_FIT_FIELDS = (
    "objective",
    "chisq",
    "df",
    "p_value",
    "rmsea",
    "rmsea_ci_low",
    "rmsea_ci_high",
    "tli",
    "bic",
    "null_chisq",
    "null_df",
    "rms",
)


def _fit(*values: float) -> dict[str, Any]:
    return dict(zip(_FIT_FIELDS, values, strict=True))


def _logdet(a: np.ndarray) -> float:
    sign, ld = np.linalg.slogdet(a)
    return ld if sign > 0 else np.nan


def fit_statistics(
    r: np.ndarray, lam: np.ndarray, phi: np.ndarray | None, n: int, alpha: float = 0.1
) -> dict[str, Any]:
    """Likelihood-ratio fit of a factor solution, with psych's definitions.

    Returns the fields ``objective``, ``chisq``, ``df``, ``p_value``, ``rmsea``,
    ``rmsea_ci_low``, ``rmsea_ci_high``, ``tli``, ``bic``, ``null_chisq``, ``null_df``
    and ``rms`` of :class:`servqual.factor.EFAResult` as a dict.

    ``psych::fa.stats``: F = tr(Σ⁻¹R) − log|Σ⁻¹R| − p with Σ = ΛΦΛ' (unit diagonal),
    χ² = F·(n − 1 − (2p + 5)/6 − 2m/3), RMSEA = √max(χ²/(df·n) − 1/(n − 1), 0) with a
    (1 − alpha) CI by inverting the noncentral χ², TLI from the null model
    F₀ = −log|R|, BIC = χ² − df·log n.
    """
    p, m = lam.shape
    model = lam @ (phi if phi is not None else np.eye(m)) @ lam.T
    resid = r - model
    off = ~np.eye(p, dtype=bool)
    rms = float(np.sqrt(np.sum(resid[off] ** 2) / (p * (p - 1))))
    np.fill_diagonal(model, 1.0)
    try:
        mir = np.linalg.solve(model, r)
        objective = float(np.trace(mir) - _logdet(mir) - p)
    except np.linalg.LinAlgError:
        objective = np.nan
    df = dof(p, m)
    nm = (n - 1) - (2 * p + 5) / 6 - 2 * m / 3
    chisq = max(objective * nm, 0.0)
    f0 = float(np.trace(r) - _logdet(r) - p)
    null_df = p * (p - 1) / 2
    null_chisq = f0 * ((n - 1) - (2 * p + 5) / 6)
    nan = float("nan")
    if df <= 0 or not np.isfinite(objective):
        p_value = rmsea = lo_ci = hi_ci = tli = bic = nan
        return _fit(
            objective, chisq, df, p_value, rmsea, lo_ci, hi_ci, tli, bic, null_chisq, null_df, rms
        )
    p_value = float(stats.chi2.sf(chisq, df))
    mm = objective / df
    m0 = f0 / null_df
    tli = (m0 - mm) / (m0 - 1 / nm)
    rmsea = float(np.sqrt(max(chisq / (df * n) - 1 / (n - 1), 0.0)))
    tail = alpha / 2
    upper_end = max(n, chisq) + 2 * n
    cdf0 = float(stats.chi2.cdf(chisq, df))

    def root(target: float) -> float:
        def fn(x: float) -> float:
            return float(stats.ncx2.cdf(chisq, df, x)) - target if x > 0 else cdf0 - target

        hi = upper_end
        while fn(hi) > 0:  # widen the bracket if needed
            hi *= 2
        return optimize.brentq(fn, 0.0, hi, xtol=1e-12, rtol=1e-14, maxiter=500)

    hi_ci = np.sqrt(root(tail) / (n - 1) / df) if cdf0 > tail else 0.0
    lo_ci = np.sqrt(root(1 - tail) / (n - 1) / df) if cdf0 > 1 - tail else 0.0
    bic = chisq - df * np.log(n)
    return _fit(
        objective,
        chisq,
        df,
        p_value,
        rmsea,
        float(lo_ci),
        float(hi_ci),
        float(tli),
        float(bic),
        null_chisq,
        null_df,
        rms,
    )
