"""Factor rotations: varimax, oblimin (GPA) and promax (internal).

Each function takes an unrotated loading matrix (items × factors) and returns the
rotated loadings, the factor correlations Φ (identity for orthogonal rotations)
and the number of iterations used.
"""

from __future__ import annotations

import numpy as np

from .exceptions import ConvergenceError


def varimax(
    a: np.ndarray, normalize: bool = True, eps: float = 1e-5, max_iter: int = 1000
) -> tuple[np.ndarray, np.ndarray, int]:
    """Kaiser's varimax by the SVD iteration; returns loadings, rotation matrix T, iterations.

    Maximises Σ_j [Σ_i λ_ij⁴ − (Σ_i λ_ij²)²/p] over orthogonal T. Each step takes
    T = UV' from the SVD of B = A'(Λ³ − Λ diag(1'Λ²)/p), Λ = AT, and stops when the
    criterion Σ d (the singular values) grows by less than the relative ``eps``, the
    rule of ``stats::varimax`` (eps = 1e-5). With ``normalize`` (Kaiser
    normalization) rows are scaled to unit length before rotating and back after.
    """
    p, m = a.shape
    if m < 2:
        return a.copy(), np.eye(m), 0
    sc = np.sqrt(np.sum(a * a, axis=1)) if normalize else np.ones(p)
    x = a / sc[:, None]
    t = np.eye(m)
    d = 0.0
    n_it = 0
    for n_it in range(1, max_iter + 1):  # noqa: B007 (the count is returned)
        z = x @ t
        b = x.T @ (z**3 - z * (np.sum(z * z, axis=0) / p))
        u, s, vt = np.linalg.svd(b)
        t = u @ vt
        d_past = d
        d = float(np.sum(s))
        if d < d_past * (1 + eps):
            break
    else:
        raise ConvergenceError(f"Varimax rotation did not converge in {max_iter} iterations.")
    return (x @ t) * sc[:, None], t, n_it


def _oblimin_criterion(lam: np.ndarray, gamma: float) -> tuple[float, np.ndarray]:
    """Oblimin criterion f = ¼ tr[(Λ²)'C Λ² N] and its gradient Λ ∘ (C Λ² N).

    Λ² is the elementwise square, N = 11' − I (off-diagonal sums over factors) and
    C = I − (γ/p)11' (γ = 0: quartimin, the direct oblimin default).
    """
    p = lam.shape[0]
    l2 = lam * lam
    l2c = l2 - (gamma / p) * np.sum(l2, axis=0, keepdims=True) if gamma else l2
    x = l2c @ (np.ones((lam.shape[1],) * 2) - np.eye(lam.shape[1]))
    return float(np.sum(l2 * x) / 4), lam * x


def oblimin(
    a: np.ndarray, gamma: float = 0.0, eps: float = 1e-5, max_iter: int = 1000
) -> tuple[np.ndarray, np.ndarray, int]:
    """Direct oblimin by the gradient projection algorithm (Bernaards & Jennrich, 2005).

    Oblique rotation Λ = A (T')⁻¹ with unit-length columns of T, Φ = T'T. From T = I,
    each step moves T against the gradient G = −(Λ' ∂f/∂Λ T⁻¹)' projected on the
    tangent space (G − T diag(1'(T ∘ G))), renormalizes the columns, and halves the
    step α (starting from twice the last one) until the criterion drops by at least
    ½‖G_p‖²α. Stops when ‖G_p‖ < ``eps`` (1e-5, as ``GPArotation::oblimin``).
    """
    m = a.shape[1]
    t = np.eye(m)
    lam = a.copy()
    f, gq = _oblimin_criterion(lam, gamma)
    g = -(lam.T @ gq @ np.linalg.inv(t)).T
    al = 1.0
    for n_it in range(max_iter + 1):  # noqa: B007 (the count is returned)
        gp = g - t * np.sum(t * g, axis=0)
        s = float(np.sqrt(np.sum(gp * gp)))
        if s < eps:
            break
        al *= 2.0
        for _ in range(11):
            x = t - al * gp
            tt = x / np.sqrt(np.sum(x * x, axis=0))
            lam = a @ np.linalg.inv(tt).T
            f_new, gq_new = _oblimin_criterion(lam, gamma)
            if f - f_new > 0.5 * s * s * al:
                break
            al /= 2.0
        t = tt
        f = f_new
        g = -(lam.T @ gq_new @ np.linalg.inv(tt)).T
    else:
        raise ConvergenceError(
            f"Oblimin rotation did not converge in {max_iter} iterations "
            f"(projected gradient norm {s:.2g} ≥ {eps:g})."
        )
    lam = a @ np.linalg.inv(t).T
    return lam, t.T @ t, n_it


def promax(a: np.ndarray, power: float = 4.0) -> tuple[np.ndarray, np.ndarray, int]:
    """Promax (Hendrickson & White, 1964) with Kaiser normalization, as ``psych::fa``.

    Rows are scaled to unit length; a varimax solution V is raised to a target
    Q = V ∘ |V|^(power−1); U is the least-squares fit V U ≈ Q with columns rescaled so
    that the factors have unit variance (scaled by √diag((U'U)⁻¹)); the pattern is V U (rescaled
    back by the row lengths) and Φ = U⁻¹U⁻ᵀ with U the total rotation.
    """
    h = np.sqrt(np.sum(a * a, axis=1))
    w = a / h[:, None]
    v, t, it = varimax(w, normalize=True)
    q = v * np.abs(v) ** (power - 1)
    u = np.linalg.lstsq(v, q, rcond=None)[0]
    d = np.diag(np.linalg.inv(u.T @ u))
    u = u * np.sqrt(d)[None, :]
    z = v @ u
    u_total = t @ u
    ui = np.linalg.inv(u_total)
    phi = ui @ ui.T
    return z * h[:, None], phi, it
