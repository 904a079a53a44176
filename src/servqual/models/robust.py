"""MLR: Huber–White sandwich standard errors and the Yuan–Bentler scaled test.

As lavaan's ``estimator = "MLR"`` (``se = "robust.huber.white"``,
``test = "yuan.bentler.mplus"``, ``information = "observed"``): the estimates are the ML
estimates (the intercepts of the mean structure are saturated, ``μ̂ = x̄``); with the unit
observed information ``A = ½ ∂²F/∂θ∂θ'`` and the unit first-order information
``B = (1/N) Σ_i s_i s_i'`` from the casewise scores

    s_i = ½ [z_i' (∂Σ/∂θ) z_i − tr(Σ⁻¹ ∂Σ/∂θ)],  z_i = Σ⁻¹(x_i − x̄),

the covariance of the estimates is ``A⁻¹ B A⁻¹ / N``. The scaling factor of the chi-square
is ``c = [tr(A₁⁻¹B₁) − tr(A₀⁻¹B₀)] / df``, with ``A₁, B₁`` the information matrices of the
saturated model (means and covariances, at x̄ and S) and ``A₀, B₀`` those of the model
(means included); ``T_scaled = T / c`` (Yuan & Bentler, 2000).
"""

from __future__ import annotations

import numpy as np

from .matrices import RAM

__all__ = ["casewise_scores", "sandwich", "saturated_trace"]


def casewise_scores(inv: np.ndarray, delta: np.ndarray, d: np.ndarray) -> np.ndarray:
    """(n, q) scores of the covariance parameters; ``d`` are centred rows, ``inv`` = Σ⁻¹."""
    z = d @ inv
    quad = np.einsum("ij,kjl,il->ik", z, delta, z, optimize=True)
    return 0.5 * (quad - np.einsum("jl,klj->k", inv, delta))


def _unit_matrices(p: int) -> np.ndarray:
    iu = np.triu_indices(p)
    e = np.zeros((len(iu[0]), p, p))
    k = np.arange(len(iu[0]))
    e[k, iu[0], iu[1]] = 1.0
    e[k, iu[1], iu[0]] = 1.0
    return e


def saturated_trace(s: np.ndarray, d: np.ndarray) -> float:
    """tr(A₁⁻¹B₁) of the saturated model (means and covariances) at x̄ and S."""
    p = s.shape[0]
    inv = np.linalg.inv(s)
    e = _unit_matrices(p)
    sc = casewise_scores(inv, e, d)
    b1 = sc.T @ sc / len(d)
    a = np.einsum("ij,qjk->qik", inv, e)
    a1 = 0.5 * np.einsum("aij,bji->ab", a, a)
    return float(p + np.trace(np.linalg.solve(a1, b1)))


def sandwich(
    ram: RAM, x: np.ndarray, s: np.ndarray, d: np.ndarray, hessian_f: np.ndarray
) -> tuple[np.ndarray, float]:
    """(A⁻¹BA⁻¹/N, tr(A₀⁻¹B₀)) for the model at ``x``; ``hessian_f`` = ∂²F/∂θ∂θ'."""
    n = len(d)
    sig = ram.sigma(x)
    inv = np.linalg.inv(sig)
    sc = casewise_scores(inv, ram.delta(x), d)
    b0 = sc.T @ sc / n
    a0_inv = np.linalg.inv(0.5 * hessian_f)
    vcov = a0_inv @ b0 @ a0_inv / n
    trace_h0 = float(np.sum(inv * s) + np.sum(b0 * a0_inv.T))
    return vcov, trace_h0
