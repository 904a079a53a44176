"""Nonparametric bootstrap of a structural equation model.

Each draw resamples the complete rows with replacement, recomputes the sample covariance
and refits the model by ML from the full-sample estimates. Draws whose covariance matrix is
singular or whose fit does not converge are counted as failed and left out; draws with an
improper solution (negative variances, a residual or latent covariance matrix that is not
positive definite: lavaan's post-estimation check) are kept and counted, as lavaan does. Standard errors
are the standard deviations of the draws (divisor B − 1, as lavaan's
``se = "bootstrap"``); intervals are percentile intervals (``lavaan``'s
``boot.ci.type = "perc"``) or bias-corrected and accelerated (BCa; Efron, 1987) with the
acceleration from a jackknife over the rows.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from scipy import stats

from .._progress import Progress
from ..exceptions import ConvergenceError
from .estimate import ml_fit
from .matrices import RAM

# iteration budget of one resample: a draw that needs more is counted as failed
_MAXITER = 100

__all__ = ["bca_interval", "bootstrap_draws", "jackknife", "percentile_interval"]


def _refit(
    ram: RAM,
    x: np.ndarray,
    start: np.ndarray,
    values: Callable[[np.ndarray], np.ndarray],
    admissible: Callable[[np.ndarray], bool] | None = None,
) -> tuple[np.ndarray, bool] | None:
    """(values, admissible) of one resample ``x`` (rows × p), or None if it fails."""
    d = x - x.mean(axis=0)
    s = d.T @ d / len(x)
    try:
        np.linalg.cholesky(s)
    except np.linalg.LinAlgError:
        return None
    ram.set_exogenous(s)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)  # scipy's line search on a bad draw
            est = ml_fit(ram, s, start, maxiter=_MAXITER)[0]
    except ConvergenceError:
        return None
    out = values(est)
    if not np.all(np.isfinite(out)):
        return None
    return out, (admissible is None or admissible(est))


def bootstrap_draws(
    ram: RAM,
    data: np.ndarray,
    start: np.ndarray,
    values: Callable[[np.ndarray], np.ndarray],
    n_boot: int,
    gen: np.random.Generator,
    progress: bool | None,
    admissible: Callable[[np.ndarray], bool] | None = None,
) -> tuple[np.ndarray, int, int]:
    """(successful draws × values, number of failed draws, number of kept draws with an
    improper solution)."""
    n = len(data)
    draws = []
    failed = improper = 0
    with Progress(n_boot, desc="sem bootstrap", enabled=progress) as bar:
        for _ in range(n_boot):
            out = _refit(ram, data[gen.integers(0, n, n)], start, values, admissible)
            if out is None:
                failed += 1
            else:
                draws.append(out[0])
                improper += not out[1]
            bar.step()
    d = data - data.mean(axis=0)
    ram.set_exogenous(d.T @ d / n)  # back to the full sample
    empty = np.zeros((0, len(values(start))))
    return (np.array(draws) if draws else empty), failed, improper


def jackknife(
    ram: RAM, data: np.ndarray, start: np.ndarray, values: Callable[[np.ndarray], np.ndarray]
) -> np.ndarray:
    """Leave-one-out values (rows × values; NaN rows for failed fits)."""
    n = len(data)
    out = []
    for i in range(n):
        v = _refit(ram, np.delete(data, i, axis=0), start, values)
        out.append(v[0] if v is not None else np.full(len(values(start)), np.nan))
    d = data - data.mean(axis=0)
    ram.set_exogenous(d.T @ d / n)
    return np.array(out)


def percentile_interval(draws: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval (quantiles of type 7, R's default)."""
    a = (1 - level) / 2
    return np.quantile(draws, a, axis=0), np.quantile(draws, 1 - a, axis=0)


def bca_interval(
    draws: np.ndarray, estimate: np.ndarray, jack: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """BCa interval: bias correction ``z0 = Φ⁻¹(#(θ* < θ̂)/B)`` and acceleration
    ``a = Σ(θ̄₍.₎ − θ₍ᵢ₎)³ / (6 [Σ(θ̄₍.₎ − θ₍ᵢ₎)²]^{3/2})`` from the jackknife."""
    a_lo = (1 - level) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        z0 = stats.norm.ppf(np.mean(draws < estimate, axis=0))
        dev = np.nanmean(jack, axis=0) - jack
        acc = np.nansum(dev**3, axis=0) / (6 * np.nansum(dev**2, axis=0) ** 1.5)
    acc = np.where(np.isfinite(acc), acc, 0.0)
    lo, hi = np.empty(draws.shape[1]), np.empty(draws.shape[1])
    for k in range(draws.shape[1]):
        if not np.isfinite(z0[k]) or np.ptp(draws[:, k]) == 0:
            lo[k] = hi[k] = np.nan
            continue
        qs = []
        for z in (stats.norm.ppf(a_lo), stats.norm.ppf(1 - a_lo)):
            qs.append(stats.norm.cdf(z0[k] + (z0[k] + z) / (1 - acc[k] * (z0[k] + z))))
        lo[k], hi[k] = np.quantile(draws[:, k], qs)
    return lo, hi
