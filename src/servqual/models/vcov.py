"""Standard errors: the inverse expected information, and the delta method.

The unit expected information of normal-theory ML is ``I = ½ Δ'(Σ⁻¹⊗Σ⁻¹)Δ`` with
``Δ = ∂vech Σ/∂θ``; the covariance matrix of the estimates is ``I⁻¹ / N`` (lavaan's
default ``information = "expected"``, ``likelihood = "normal"``). Functions of the
estimates (defined parameters, standardized values, effects) get
``J (I⁻¹/N) J'`` with the Jacobian ``J`` by complex-step differentiation (exact to
rounding for analytic functions; Sobel, 1982).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from ..exceptions import ServqualWarning
from .estimate import expected_hessian
from .matrices import RAM

__all__ = ["complex_jacobian", "delta_se", "expected_vcov", "observed_vcov"]


def expected_vcov(ram: RAM, x: np.ndarray, n: int) -> np.ndarray:
    """``I⁻¹ / N``; NaN with a warning when the information matrix is singular."""
    return _inverse_information(0.5 * expected_hessian(ram, x), n)


def observed_vcov(hessian: np.ndarray, n: int) -> np.ndarray:
    """Observed information: ``hessian`` is that of ``−2 log L / N``, so the unit
    information is half of it and the covariance of the estimates ``(H/2)⁻¹ / N``
    (lavaan's ``information = "observed"``, the default with ``missing = "ml"``)."""
    return _inverse_information(0.5 * hessian, n)


def _inverse_information(info: np.ndarray, n: int) -> np.ndarray:
    w = np.linalg.eigvalsh(info)
    if not np.all(np.isfinite(w)) or w[0] <= 1e-10 * max(w[-1], 1e-300):
        warnings.warn(
            "The information matrix is singular (smallest eigenvalue "
            f"{w[0]:.3g}): the model is not identified, standard errors are NaN. Fix one "
            "loading or the variance of every latent variable and check for parameters that "
            "cannot be told apart.",
            ServqualWarning,
            stacklevel=4,
        )
        return np.full(info.shape, np.nan)
    return np.linalg.inv(info) / n


def complex_jacobian(fun: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
    """Jacobian of ``fun`` at ``x`` by complex steps (``fun`` must accept complex input)."""
    h = 1e-30
    cols = []
    for j in range(len(x)):
        xc = x.astype(np.complex128)
        xc[j] += 1j * h
        cols.append(np.asarray(fun(xc)).imag / h)
    return np.column_stack(cols) if cols else np.zeros((len(np.asarray(fun(x))), 0))


def delta_se(
    fun: Callable[[np.ndarray], np.ndarray], x: np.ndarray, vcov: np.ndarray
) -> np.ndarray:
    """Delta-method standard errors of ``fun(x)``."""
    jac = complex_jacobian(fun, x)
    return np.sqrt(np.clip(np.einsum("ij,jk,ik->i", jac, vcov, jac), 0.0, None))
