"""Normal-theory maximum likelihood.

Minimises the ML discrepancy ``F = log|Σ(θ)| + tr(S Σ(θ)⁻¹) − log|S| − p`` with its
analytic gradient ``∂F/∂θ = tr[(Σ⁻¹ − Σ⁻¹SΣ⁻¹) ∂Σ/∂θ]``: Fisher scoring (Newton steps with
the expected Hessian ``Δ'(Σ⁻¹⊗Σ⁻¹)Δ``, halved until F decreases) from the start values,
switching to Newton steps with the observed Hessian (central differences of the analytic
gradient, computed once) when the largest gradient falls below 1e-3,
with BFGS (:func:`scipy.optimize.minimize`) as the fall-back when scoring stalls.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg, optimize

from ..exceptions import ConvergenceError
from .matrices import RAM

__all__ = ["discrepancy", "ml_fit"]

_BIG = 1e10
_GTOL = 1e-9


def discrepancy(
    ram: RAM, x: np.ndarray, s: np.ndarray, logdet_s: float
) -> tuple[float, np.ndarray]:
    """F_ML and its gradient (F = _BIG where Σ is not positive definite)."""
    sig = ram.sigma(x)
    try:
        c = linalg.cho_factor(sig, lower=True, check_finite=True)
    except (linalg.LinAlgError, ValueError):
        return _BIG, np.zeros_like(x)
    inv = linalg.cho_solve(c, np.eye(ram.p))
    logdet = 2.0 * np.sum(np.log(np.diag(c[0])))
    f = logdet + np.sum(inv * s) - logdet_s - ram.p
    g = inv - inv @ s @ inv
    return float(f), ram.gradient(x, g)


def expected_hessian(ram: RAM, x: np.ndarray) -> np.ndarray:
    """E[∂²F/∂θ∂θ'] = Δ'(Σ⁻¹⊗Σ⁻¹)Δ = tr(Σ⁻¹ Δ_a Σ⁻¹ Δ_b) (twice the unit information)."""
    inv = np.linalg.inv(ram.sigma(x))
    a = np.einsum("ij,qjk->qik", inv, ram.delta(x))
    return np.einsum("aij,bji->ab", a, a)


def _hessian(ram: RAM, x: np.ndarray, s: np.ndarray, logdet_s: float) -> np.ndarray:
    """Observed Hessian of F by central differences of the analytic gradient."""
    q = len(x)
    h = 1e-5 * np.maximum(np.abs(x), 1e-2)
    out = np.empty((q, q))
    for j in range(q):
        e = np.zeros(q)
        e[j] = h[j]
        gp = discrepancy(ram, x + e, s, logdet_s)[1]
        gm = discrepancy(ram, x - e, s, logdet_s)[1]
        out[:, j] = (gp - gm) / (2 * h[j])
    return 0.5 * (out + out.T)


def _scoring(
    ram: RAM, x: np.ndarray, s: np.ndarray, logdet_s: float, maxit: int
) -> tuple[np.ndarray, float, int]:
    """Fisher scoring, then (chord) Newton steps with one observed Hessian near the optimum."""
    f, g = discrepancy(ram, x, s, logdet_s)
    it = 0
    chol = None  # Cholesky factor of the observed Hessian, computed once near the optimum
    while it < maxit:
        it += 1
        if f >= _BIG:
            break
        try:
            step = None
            if chol is None and np.max(np.abs(g)) < 1e-3:
                try:
                    chol = linalg.cho_factor(_hessian(ram, x, s, logdet_s))
                except (linalg.LinAlgError, ValueError):
                    chol = None
            if chol is not None:
                step = -linalg.cho_solve(chol, g)
            else:
                step = -np.linalg.lstsq(expected_hessian(ram, x), g, rcond=None)[0]
        except (linalg.LinAlgError, ValueError):
            break
        t = 1.0
        while t > 1e-6:
            xn = x + t * step
            fn, gn = discrepancy(ram, xn, s, logdet_s)
            if fn <= f + 1e-14 * max(abs(f), 1.0):
                break
            t /= 2
        else:
            if chol is not None:  # a stale Hessian: back to scoring for this step
                chol = None
                continue
            break
        small = np.max(np.abs(xn - x)) < 1e-11 * (1 + np.max(np.abs(x)))
        x, f, g = xn, fn, gn
        if np.max(np.abs(g)) < 1e-12 or small:
            break
    return x, f, it


def ml_fit(
    ram: RAM, s: np.ndarray, x0: np.ndarray, maxiter: int = 5000
) -> tuple[np.ndarray, float, int]:
    """Minimise F_ML from ``x0``; return (estimates, F at the minimum, iterations).

    ``maxiter`` caps the BFGS fall-back (Fisher scoring takes at most 200 steps).
    """
    logdet_s = float(np.linalg.slogdet(s)[1])
    x, f, nit = _scoring(ram, x0.astype(float), s, logdet_s, min(200, maxiter))
    g = discrepancy(ram, x, s, logdet_s)[1]
    if f >= _BIG or np.max(np.abs(g)) > _GTOL:
        res = optimize.minimize(
            lambda z: discrepancy(ram, z, s, logdet_s),
            x0 if f >= _BIG else x,
            jac=True,
            method="BFGS",
            options={"gtol": 1e-10, "maxiter": maxiter},
        )
        x, f, it2 = _scoring(ram, res.x, s, logdet_s, 50)
        nit += res.nit + it2
        g = discrepancy(ram, x, s, logdet_s)[1]
    if f >= _BIG:
        raise ConvergenceError(
            "The ML estimation of the model did not converge: the model-implied covariance "
            "matrix is not positive definite at any point the optimiser tried (from the "
            "start values on). Check fixed values in the syntax (e.g. a negative or zero "
            "variance) and the identification of every latent variable."
        )
    if not np.all(np.isfinite(x)) or np.max(np.abs(g)) > 1e-6:
        raise ConvergenceError(
            "The ML estimation of the model did not converge (largest gradient "
            f"{np.max(np.abs(g)):.2g} after {nit} iterations). The model may not be identified "
            "or may fit the data very badly: check the syntax, fix a loading or a variance "
            "per latent variable, and look for variables with near-zero correlations."
        )
    return x, float(f), int(nit)
