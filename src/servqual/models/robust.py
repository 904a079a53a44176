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
    n, p = d.shape
    z = d @ inv
    outer = (z[:, :, None] * z[:, None, :]).reshape(n, p * p)
    quad = outer @ delta.reshape(len(delta), p * p).T
    return 0.5 * (quad - np.einsum("jl,klj->k", inv, delta))


def saturated_trace(s: np.ndarray, d: np.ndarray) -> float:
    """tr(A₁⁻¹B₁) of the saturated model (means and covariances) at x̄ and S.

    With ``A₁ = ½D'(S⁻¹⊗S⁻¹)D`` and the casewise scores ``D' vec G_i``,
    ``G_i = ½(S⁻¹d_i d_i'S⁻¹ − S⁻¹)``, the covariance part is
    ``(2/N) Σ tr(G_i S G_i S) = ½(b₂ − p)`` with Mardia's multivariate kurtosis
    ``b₂ = mean((d_i'S⁻¹d_i)²)``; the means add ``tr(S⁻¹S) = p``.
    """
    p = s.shape[0]
    m = np.einsum("ij,ij->i", d @ np.linalg.inv(s), d)
    return float(p + 0.5 * (np.mean(m**2) - p))


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
