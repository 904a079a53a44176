"""Casewise full-information maximum likelihood (FIML) for incomplete data.

As lavaan's ``missing = "ml"`` (Arbuckle, 1996): the model gains a mean structure, free
intercepts ``ν`` of the observed variables and latent means fixed to 0, so that
``μ(θ) = F (I − A)⁻¹ [ν; 0]`` and ``Σ(θ) = F (I − A)⁻¹ S (I − A)⁻ᵀ Fᵀ``. Each row ``i``
contributes the normal log-density of the values it has, with the sub-vector ``μ_o`` and
sub-matrix ``Σ_oo`` of the variables it observes. Rows are grouped by missing-data pattern
``k`` (``n_k`` rows observing the variables ``o_k``, with mean ``ȳ_k`` and covariance
``S_k``, divisor ``n_k``), so the cost is per pattern:

    −2 log L = Σ_k n_k [p_k log 2π + log|Σ_k| + tr(Σ_k⁻¹ (S_k + (ȳ_k − μ_k)(ȳ_k − μ_k)'))].

The gradient is analytic: ``∂(−2 log L)/∂Σ_k = n_k (Σ_k⁻¹ − Σ_k⁻¹ M_k Σ_k⁻¹)`` with
``M_k = S_k + d_k d_k'``, ``∂/∂μ_k = −2 n_k Σ_k⁻¹ d_k``, chained through RAM. The
saturated (H1) moments are found by the EM algorithm (Dempster, Laird & Rubin, 1977), the
baseline model (free means and variances, no covariances) in closed form (available-case
means and variances, divisor ``n_j``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import linalg, optimize, stats

from .._fitindex import _cfi, _rmsea_ci
from .._validation import fmt_list, numeric_matrix
from ..exceptions import ConvergenceError, DataError, InsufficientDataError, MissingDataWarning
from .matrices import RAM

__all__ = ["Patterns", "em_moments", "fiml_fit", "fiml_fit_measures", "fiml_sample"]

_BIG = 1e10
_LOG2PI = float(np.log(2 * np.pi))


@dataclass(frozen=True)
class _Group:
    """Patterns observing the same number of variables, stacked: ``idx`` (K, p_o) observed
    and ``mis`` (K, p − p_o) missing variable indices, ``counts`` (K,), ``means``
    (K, p_o), ``covs`` (K, p_o, p_o) with divisor ``n_k``."""

    idx: np.ndarray
    mis: np.ndarray
    counts: np.ndarray
    means: np.ndarray
    covs: np.ndarray


@dataclass(frozen=True)
class Patterns:
    """Rows grouped by missing-data pattern (``groups`` of patterns of equal size);
    ``n`` rows in all (rows without any observed value are dropped), ``p`` variables,
    ``n_patterns``, ``n_obs`` observed values per variable, ``dropped`` row labels."""

    groups: tuple[_Group, ...]
    n: int
    p: int
    n_patterns: int
    n_obs: np.ndarray
    dropped: tuple


def fiml_sample(frame, names: list[str]) -> Patterns:
    """Group the rows of ``frame[names]`` by missing-data pattern."""
    x = numeric_matrix(frame, names)
    miss = np.isnan(x)
    empty = miss.all(axis=1)
    dropped: tuple = ()
    if empty.any():
        dropped = tuple(frame.index[empty])
        warnings.warn(
            f"SEM (FIML): {len(dropped)} of {len(frame)} rows have no value on any model "
            f"variable and were dropped (rows {fmt_list(dropped)}).",
            MissingDataWarning,
            stacklevel=3,
        )
        x, miss = x[~empty], miss[~empty]
    n, p = x.shape
    if n <= p:
        raise InsufficientDataError(
            f"A model of {p} observed variables needs more rows than variables (at least "
            f"{p + 1}); got {n}."
        )
    n_obs = (~miss).sum(axis=0)
    few = [names[j] for j in range(p) if n_obs[j] < 2]
    if few:
        raise DataError(f"Variable(s) {fmt_list(few)} have fewer than 2 observed values.")
    keys, inverse = np.unique(miss, axis=0, return_inverse=True)
    inverse = np.asarray(inverse).ravel()
    by_size: dict[int, list[int]] = {}
    for k in range(len(keys)):
        by_size.setdefault(int((~keys[k]).sum()), []).append(k)
    groups = []
    for size in sorted(by_size, reverse=True):
        idx, mis, counts, means, covs = [], [], [], [], []
        for k in by_size[size]:
            o = np.flatnonzero(~keys[k])
            y = x[np.ix_(inverse == k, o)]
            m = y.mean(axis=0)
            c = y - m
            idx.append(o)
            mis.append(np.flatnonzero(keys[k]))
            counts.append(len(y))
            means.append(m)
            covs.append(c.T @ c / len(y))
        groups.append(
            _Group(
                np.array(idx, dtype=int).reshape(len(idx), size),
                np.array(mis, dtype=int).reshape(len(idx), p - size),
                np.array(counts, dtype=float),
                np.array(means),
                np.array(covs),
            )
        )
    return Patterns(tuple(groups), int(n), int(p), len(keys), n_obs, dropped)


def _sub(matrix: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Stacked sub-matrices ``matrix[rows[k]][:, cols[k]]``, shape (K, len(rows[k]), ...)."""
    return matrix[rows[:, :, None], cols[:, None, :]]


def _minus2loglik(
    pat: Patterns, mu: np.ndarray, sigma: np.ndarray, grad: bool
) -> tuple[float, np.ndarray, np.ndarray]:
    """−2 log L, and with ``grad`` its derivatives with respect to Σ and μ.

    Raises ``np.linalg.LinAlgError`` when a Σ_k is not positive definite.
    """
    p = pat.p
    f = 0.0
    g_sig = np.zeros((p, p))
    g_mu = np.zeros(p)
    for g in pat.groups:
        sub = _sub(sigma, g.idx, g.idx)
        chol = np.linalg.cholesky(sub)
        inv = np.linalg.inv(sub)
        logdet = 2.0 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
        d = g.means - mu[g.idx]
        mk = g.covs + d[:, :, None] * d[:, None, :]
        tr = np.einsum("kij,kji->k", inv, mk)
        f += float(np.sum(g.counts * (g.idx.shape[1] * _LOG2PI + logdet + tr)))
        if grad:
            gs = g.counts[:, None, None] * (inv - inv @ mk @ inv)
            np.add.at(g_sig, (g.idx[:, :, None], g.idx[:, None, :]), gs)
            np.add.at(g_mu, g.idx, -2.0 * g.counts[:, None] * np.einsum("kij,kj->ki", inv, d))
    return f, g_sig, g_mu


def loglik(pat: Patterns, mu: np.ndarray, sigma: np.ndarray) -> float:
    """Casewise normal log-likelihood of the incomplete data (−inf if a Σ_k is not PD)."""
    try:
        return -0.5 * _minus2loglik(pat, mu, sigma, grad=False)[0]
    except np.linalg.LinAlgError:
        return -np.inf


def em_moments(
    pat: Patterns, maxit: int = 10000, tol: float = 1e-12
) -> tuple[np.ndarray, np.ndarray, int]:
    """Saturated means and covariances by EM (lavaan's h1 for ``missing = "ml"``)."""
    p = pat.p
    mu = np.zeros(p)
    var = np.zeros(p)
    for g in pat.groups:
        np.add.at(mu, g.idx, g.counts[:, None] * g.means)
        sq = np.diagonal(g.covs, axis1=1, axis2=2) + g.means**2
        np.add.at(var, g.idx, g.counts[:, None] * sq)
    mu /= pat.n_obs
    sigma = np.diag(var / pat.n_obs - mu**2)
    it = 0
    for it in range(1, maxit + 1):  # noqa: B007 (the count is returned)
        t1 = np.zeros(p)
        t2 = np.zeros((p, p))
        for g in pat.groups:
            nk = g.counts
            so = nk[:, None] * g.means  # (K, po) sums of the observed values
            to = nk[:, None, None] * (g.covs + g.means[:, :, None] * g.means[:, None, :])
            io = (g.idx[:, :, None], g.idx[:, None, :])
            np.add.at(t1, g.idx, so)
            np.add.at(t2, io, to)
            if g.mis.shape[1] == 0:
                continue
            mi = g.mis
            s_om = _sub(sigma, g.idx, mi)
            b = np.transpose(np.linalg.solve(_sub(sigma, g.idx, g.idx), s_om), (0, 2, 1))
            c = mu[mi] - np.einsum("kij,kj->ki", b, mu[g.idx])
            cond = _sub(sigma, mi, mi) - b @ s_om
            bso = np.einsum("kij,kj->ki", b, so)
            sm = nk[:, None] * c + bso
            tmo = c[:, :, None] * so[:, None, :] + b @ to
            tmm = (
                nk[:, None, None] * (c[:, :, None] * c[:, None, :] + cond)
                + c[:, :, None] * bso[:, None, :]
                + bso[:, :, None] * c[:, None, :]
                + b @ to @ np.transpose(b, (0, 2, 1))
            )
            np.add.at(t1, mi, sm)
            np.add.at(t2, (mi[:, :, None], g.idx[:, None, :]), tmo)
            np.add.at(t2, (g.idx[:, :, None], mi[:, None, :]), np.transpose(tmo, (0, 2, 1)))
            np.add.at(t2, (mi[:, :, None], mi[:, None, :]), tmm)
        mu_new = t1 / pat.n
        sigma_new = t2 / pat.n - np.outer(mu_new, mu_new)
        sigma_new = 0.5 * (sigma_new + sigma_new.T)
        delta = max(np.max(np.abs(mu_new - mu)), np.max(np.abs(sigma_new - sigma)))
        mu, sigma = mu_new, sigma_new
        if delta < tol:
            break
    w = np.linalg.eigvalsh(sigma)
    if w[0] <= 1e-10 * max(w[-1], 1e-300):
        raise DataError(
            "The EM estimate of the covariance matrix of the model variables is singular: "
            "variables are linearly dependent or too few rows observe some pairs together."
        )
    return mu, sigma, it


class FIMLModel:
    """−2 log L / N of the RAM model with intercepts, and its analytic gradient.

    The parameter vector is ``[θ; ν]``: the ``q`` free RAM parameters, then the ``p``
    intercepts of the observed variables (in lavaan's order of the ``~1`` rows).
    """

    def __init__(self, ram: RAM, pat: Patterns) -> None:
        self.ram = ram
        self.pat = pat
        self.q = ram.q
        self.p = ram.p

    def moments(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(μ, Σ) of the observed variables at ``x``."""
        a, s = self.ram.matrices(x[: self.q])
        b = self.ram.inverse(a)
        fb = b[: self.p]
        return fb[:, : self.p] @ x[self.q :], fb @ s @ fb.T

    def objective(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        ram, pat, p, q = self.ram, self.pat, self.p, self.q
        a, s = ram.matrices(x[:q])
        b = ram.inverse(a)
        fb = b[:p]
        nu = np.zeros(ram.m)
        nu[:p] = x[q:]
        mu_all = b @ nu
        sigma = fb @ s @ fb.T
        try:
            f, g_sig, g_mu = _minus2loglik(pat, mu_all[:p], sigma, grad=True)
        except np.linalg.LinAlgError:
            return _BIG, np.zeros_like(x)
        n = pat.n
        grad = np.empty(q + p)
        grad[:q] = ram.gradient(x[:q], g_sig / n)
        w = fb.T @ (g_mu / n)  # ∂f/∂(B ν)ᵢ pulled back through μ = F B ν
        ka = ram.a_rows
        np.add.at(grad[:q], ram.row_par[ka], w[ram.row_i[ka]] * mu_all[ram.row_j[ka]])
        grad[q:] = w[:p]
        return f / n, grad

    def hessian(self, x: np.ndarray) -> np.ndarray:
        """Observed Hessian of −2 log L / N by central differences of the gradient."""
        k = len(x)
        h = 1e-5 * np.maximum(np.abs(x), 1e-2)
        out = np.empty((k, k))
        for j in range(k):
            e = np.zeros(k)
            e[j] = h[j]
            out[:, j] = (self.objective(x + e)[1] - self.objective(x - e)[1]) / (2 * h[j])
        return 0.5 * (out + out.T)


def fiml_fit(
    model: FIMLModel, x0: np.ndarray, maxiter: int = 5000
) -> tuple[np.ndarray, float, int, np.ndarray]:
    """Minimise −2 log L / N: BFGS with the analytic gradient, then (chord) Newton steps
    with the observed Hessian until the largest gradient is below 1e-10. Returns the
    estimates, the minimum, the iterations and the observed Hessian at the estimates
    (recomputed if the Newton steps moved the estimates by more than 1e-7)."""
    res = optimize.minimize(
        model.objective,
        x0,
        jac=True,
        method="BFGS",
        options={"gtol": 1e-8, "maxiter": maxiter},
    )
    x, nit = res.x, int(res.nit)
    f, g = model.objective(x)
    x_h = x
    hess = model.hessian(x) if f < _BIG else np.full((len(x), len(x)), np.nan)
    for _ in range(20):
        if f >= _BIG or np.max(np.abs(g)) < 1e-10:
            break
        try:
            step = -linalg.solve(hess, g, assume_a="sym")
        except (linalg.LinAlgError, ValueError):
            break
        t = 1.0
        while t > 1e-4:
            fn, gn = model.objective(x + t * step)
            if fn <= f + 1e-13 * max(abs(f), 1.0):
                break
            t /= 2
        else:
            break
        x, f, g = x + t * step, fn, gn
        nit += 1
    if f >= _BIG or not np.all(np.isfinite(x)) or np.max(np.abs(g)) > 1e-6:
        raise ConvergenceError(
            "The FIML estimation of the model did not converge (largest gradient "
            f"{np.max(np.abs(g)):.2g} after {nit} iterations). Check the identification of "
            "every latent variable, and whether some pairs of variables are rarely observed "
            "together."
        )
    if np.max(np.abs(x - x_h)) > 1e-7:
        hess = model.hessian(x)
    return x, float(f), nit, hess


def fiml_fit_measures(
    pat: Patterns,
    mu: np.ndarray,
    sigma: np.ndarray,
    mu1: np.ndarray,
    sigma1: np.ndarray,
    npar: int,
) -> dict[str, float]:
    """lavaan's ``fitMeasures`` for ``missing = "ml"``: the likelihood-ratio test against
    the EM saturated model (``mu1``, ``sigma1``), the baseline model with free means and
    variances, CFI/TLI/NFI/IFI, RMSEA (with N), Bentler's SRMR with the means (residuals
    standardized by the EM variances), the information criteria."""
    n, p = pat.n, pat.p
    logl = loglik(pat, mu, sigma)
    logl_u = loglik(pat, mu1, sigma1)
    # baseline: each variable its own mean and variance over its observed values
    mean_b = np.zeros(p)
    ss_b = np.zeros(p)
    for g in pat.groups:
        np.add.at(mean_b, g.idx, g.counts[:, None] * g.means)
        sq = np.diagonal(g.covs, axis1=1, axis2=2) + g.means**2
        np.add.at(ss_b, g.idx, g.counts[:, None] * sq)
    nj = pat.n_obs.astype(float)
    mean_b /= nj
    var_b = ss_b / nj - mean_b**2
    logl_b = float(-0.5 * np.sum(nj * (_LOG2PI + np.log(var_b) + 1.0)))
    ndat = p * (p + 1) // 2 + p
    df = ndat - npar
    df_b = ndat - 2 * p
    x2 = max(2.0 * (logl_u - logl), 0.0)
    x2_b = 2.0 * (logl_u - logl_b)
    cfi, tli = _cfi(x2, df, x2_b, df_b)
    ci_low, ci_high = _rmsea_ci(x2, df, n)
    sd = np.sqrt(np.diag(sigma1))
    res_cov = ((sigma1 - sigma) / np.outer(sd, sd))[np.tril_indices(p)]
    res_mean = (mu1 - mu) / sd
    srmr = float(np.sqrt((np.sum(res_cov**2) + np.sum(res_mean**2)) / ndat))
    return {
        "npar": float(npar),
        "fmin": float(x2 / (2 * n)),
        "chisq": float(x2),
        "df": float(df),
        "pvalue": float(stats.chi2.sf(x2, df)) if df > 0 else float("nan"),
        "baseline_chisq": float(x2_b),
        "baseline_df": float(df_b),
        "baseline_pvalue": float(stats.chi2.sf(x2_b, df_b)) if df_b > 0 else float("nan"),
        "cfi": float(cfi),
        "tli": float(tli),
        "nnfi": float(tli),
        "nfi": float((x2_b - x2) / x2_b) if x2_b > 0 else float("nan"),
        "ifi": float((x2_b - x2) / (x2_b - df)) if (x2_b - df) != 0 else float("nan"),
        "logl": float(logl),
        "unrestricted_logl": float(logl_u),
        "aic": float(-2 * logl + 2 * npar),
        "bic": float(-2 * logl + npar * np.log(n)),
        "ntotal": float(n),
        "bic2": float(-2 * logl + npar * np.log((n + 2) / 24)),
        "rmsea": float(np.sqrt(max(x2 / n / df - 1.0 / n, 0.0))) if df > 0 else 0.0,
        "rmsea_ci_lower": ci_low,
        "rmsea_ci_upper": ci_high,
        "rmsea_pvalue": float(stats.ncx2.sf(x2, df, n * df * 0.05**2)) if df > 0 else float("nan"),
        "srmr": srmr,
    }
