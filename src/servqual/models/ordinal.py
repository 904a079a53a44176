"""Sample statistics of ordinal (Likert) variables for WLSMV: thresholds, polychoric
correlations and their asymptotic covariance matrix Γ (NACOV).

Each ordinal variable ``y_j`` with observed categories ``1..K_j`` is read as a coarsened
standard-normal latent response ``y*_j``: ``y_j = c`` when ``τ_{j,c-1} < y*_j ≤ τ_{j,c}``.

* **Step 1** (univariate): ``τ_{j,c} = Φ⁻¹(P(y_j ≤ c))`` from the marginal proportions
  (the ML estimate of a probit model without covariates).
* **Step 2** (bivariate): the polychoric correlation of every pair maximises the pair's
  likelihood with the thresholds held at their step-1 values (Olsson 1979), found with
  :func:`servqual.polychoric`'s vectorised Newton solver.
* **Γ**: the estimates of both steps are M-estimators, so their joint asymptotic
  covariance is the sandwich ``N · B⁻¹ (Σᵢ sᵢsᵢ') B⁻ᵀ`` of the casewise scores ``sᵢ``
  (Muthén 1984; Muthén & Satorra 1995), where ``B`` is block lower-triangular: the
  threshold block holds the (outer-product) information of step 1 per variable, the
  correlation block the diagonal of the outer products of the correlation scores, and
  the off-diagonal block the cross products of the correlation scores with the
  derivatives of the bivariate log-likelihood in the thresholds. This is
  ``lavaan``'s ``muthen1984`` (``lavInspect(fit, "gamma")``) for ordinal variables
  without exogenous covariates.

The statistics are ordered as lavaan orders them: all thresholds (variable by
variable), then the correlations below the diagonal column by column
(``(2,1), (3,1), …, (p,1), (3,2), …``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from .._validation import fmt_list
from ..exceptions import DataError, InsufficientDataError, ServqualWarning
from ..polychoric import (
    MAX_CATEGORIES,
    _bvn_cdf,
    _bvn_density_terms,
    _cells,
    _cross_tables,
    _solve_rho,
    _start_values,
)
from .sample import listwise

__all__ = ["OrdinalStats", "ordinal_stats"]

#: a category chosen by fewer respondents than this is "sparse" (a warning)
SPARSE_CATEGORY = 5
_ROW_BLOCK = 5_000


@dataclass(frozen=True)
class OrdinalStats:
    """Sample statistics of ordinal variables (lavaan's order)."""

    names: tuple[str, ...]
    n: int
    levels: tuple[np.ndarray, ...]  # observed category values of each variable
    th: np.ndarray  # all thresholds, variable by variable
    th_names: tuple[str, ...]  # "x1|t1", ...
    th_var: np.ndarray  # variable index of each threshold
    cor: np.ndarray  # p × p polychoric correlations
    gamma: np.ndarray  # NACOV of (th, cor below the diagonal), N-scaled
    dropped: tuple[Any, ...]
    empty_pairs: tuple[tuple[str, str], ...]

    @property
    def wls_obs(self) -> np.ndarray:
        """(thresholds, correlations below the diagonal column by column)."""
        i, j = _lower_pairs(len(self.names))
        return np.concatenate([self.th, self.cor[i, j]])


def _lower_pairs(p: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of the elements below the diagonal, column by column
    (lavaan's ``vech(diagonal = FALSE)``): (1,0), (2,0), …, (p−1,0), (2,1), …"""
    j, i = np.triu_indices(p, 1)  # j < i, ordered by j then i
    return i, j


def _codes(frame: pd.DataFrame, names: list[str], nan_policy: str) -> tuple[Any, ...]:
    """Category codes 0..K−1 of each variable (complete rows), their levels, dropped rows."""
    cols = []
    for name in names:
        col = frame[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            if not col.cat.ordered:
                raise DataError(
                    f"Ordered variable {name!r} is an unordered categorical; give its "
                    "categories an order (pd.Categorical(..., ordered=True)) or recode "
                    "them to integers."
                )
            codes = col.cat.codes.to_numpy()
            cols.append(np.where(codes >= 0, codes + 1.0, np.nan))
            continue
        values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
        bad = col.notna().to_numpy() & np.isnan(values)
        if bad.any():
            raise DataError(
                f"Ordered variable {name!r} has non-numeric values "
                f"{fmt_list(pd.unique(col[bad]).tolist())}; ordinal items need integer "
                "categories (or an ordered categorical)."
            )
        if np.isinf(values).any():
            raise DataError(f"Ordered variable {name!r} has infinite values.")
        cols.append(values)
    x = np.column_stack(cols)
    missing = np.isnan(x).any(axis=1)
    dropped = listwise(frame, missing, nan_policy, what="SEM (WLSMV)", stacklevel=5)
    if dropped:
        x = x[~missing]
    n = x.shape[0]
    fractional = np.abs(x - np.round(x)) > 0
    if fractional.any():
        j = int(np.flatnonzero(fractional.any(axis=0))[0])
        vals = np.unique(x[fractional[:, j], j])
        raise DataError(
            f"Ordered variable {names[j]!r} has non-integer values {fmt_list(vals.tolist())}; "
            "ordinal items need whole-number categories (round or recode them, or leave the "
            "variable out of ordered=)."
        )
    codes = np.empty(x.shape, dtype=np.intp)
    levels = []
    for j, name in enumerate(names):
        lev, inv = np.unique(x[:, j], return_inverse=True)
        if len(lev) < 2:
            shown = f"category {lev[0]:g}" if len(lev) else "no category"
            raise DataError(
                f"Ordered variable {name!r} has {shown} only (in the {n} complete rows); "
                "a constant item carries no correlation — drop it from the model."
            )
        if len(lev) > MAX_CATEGORIES:
            raise DataError(
                f"Ordered variable {name!r} has {len(lev)} distinct values; more than "
                f"{MAX_CATEGORIES} categories is not a rating scale (polychoric correlations "
                "and thresholds per category would be unstable). Treat it as continuous "
                "(leave it out of ordered=)."
            )
        codes[:, j] = inv.reshape(-1)
        levels.append(lev)
    return codes, tuple(levels), dropped, n


def ordinal_stats(frame: pd.DataFrame, names: list[str], nan_policy: str) -> OrdinalStats:
    """Thresholds, polychoric correlations and Γ of the ordinal variables ``names``."""
    p = len(names)
    if p < 2:
        raise InsufficientDataError(
            f"WLSMV needs at least 2 ordinal variables (their polychoric correlations are the "
            f"data); the model has {p}: {fmt_list(names)}."
        )
    codes, levels, dropped, n = _codes(frame, names, nan_policy)
    if n < 2:
        raise InsufficientDataError(f"WLSMV needs at least 2 complete rows; got {n}.")
    n_cat = np.array([len(lev) for lev in levels])
    kmax = int(n_cat.max())
    sparse = []
    # step 1: thresholds; padded cut points (p, kmax + 1): -inf, τ_1..τ_{K-1}, +inf, …
    cuts = np.full((p, kmax + 1), np.inf)
    cuts[:, 0] = -np.inf
    prop = np.zeros((p, kmax))
    th, th_names, th_var = [], [], []
    for j in range(p):
        count = np.bincount(codes[:, j], minlength=kmax).astype(float)
        prop[j] = count / n
        tau = special.ndtri(np.cumsum(count)[: n_cat[j] - 1] / n)
        cuts[j, 1 : n_cat[j]] = tau
        th.append(tau)
        th_names += [f"{names[j]}|t{k + 1}" for k in range(n_cat[j] - 1)]
        th_var += [j] * (n_cat[j] - 1)
        few = [(levels[j][c], int(count[c])) for c in range(n_cat[j]) if count[c] < SPARSE_CATEGORY]
        if few:
            sparse.append(
                f"{names[j]!r} (" + ", ".join(f"category {v:g}: {k}" for v, k in few) + ")"
            )
    if sparse:
        warnings.warn(
            f"WLSMV: categories chosen by fewer than {SPARSE_CATEGORY} respondents in "
            f"{'; '.join(sparse)}. Their thresholds and the polychoric correlations are "
            "unstable; consider merging sparse categories with their neighbours.",
            ServqualWarning,
            stacklevel=3,
        )
    th_all = np.concatenate(th)
    th_var_arr = np.array(th_var, dtype=np.intp)
    n_th = len(th_all)

    # step 2: polychoric correlations, pairs (j, i), j < i, in lavaan's order
    jj, ii = np.triu_indices(p, 1)
    m = len(jj)
    counts = _cross_tables(codes, kmax)  # (m, kmax, kmax), rows = item jj, cols = item ii
    empty = [
        (names[jj[k]], names[ii[k]])
        for k in range(m)
        if (counts[k][: n_cat[jj[k]], : n_cat[ii[k]]] == 0).any()
    ]
    cut_r, cut_c = cuts[jj], cuts[ii]
    fit_counts = _binary_correction(counts, n_cat[jj], n_cat[ii], names, jj, ii)
    rho, _se = _solve_rho(cut_r, cut_c, fit_counts, _start_values(counts))
    cor = np.eye(p)
    cor[ii, jj] = rho
    cor[jj, ii] = rho

    # casewise scores
    r = rho[:, None, None]
    h, k = cut_r[:, :, None], cut_c[:, None, :]
    pi = _cells(_bvn_cdf(h, k, r))  # (m, K, K)
    d1 = _cells(_bvn_density_terms(h, k, r)[0])
    used = counts > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        sc = np.where(used, d1 / np.where(used, pi, 1.0), 0.0)  # ∂ log π / ∂ρ per cell
        q = np.where(used, counts * sc / np.where(used, pi, 1.0), 0.0)
    a22 = (counts * sc * sc).sum(axis=(1, 2))
    s = np.sqrt((1.0 - rho) * (1.0 + rho))[:, None, None]

    def g_term(t_own: np.ndarray, t_other: np.ndarray) -> np.ndarray:
        """G[m, k, c] = φ(τ_k) [Φ((t_{c+1} − ρτ_k)/s) − Φ((t_c − ρτ_k)/s)], k = thresholds."""
        tk = t_own[:, 1:-1, None]  # (m, K-1, 1)
        fin = np.isfinite(tk)
        tkf = np.where(fin, tk, 0.0)
        with np.errstate(invalid="ignore"):
            z = (t_other[:, None, :] - r * tkf) / s  # (m, K-1, K+1)
        cdf = special.ndtr(z)
        return np.where(fin, _phi(tkf) * np.diff(cdf, axis=2), 0.0)

    g1 = g_term(cut_r, cut_c)  # (m, K-1, K): row item's thresholds × column categories
    g2 = g_term(cut_c, cut_r)  # column item's thresholds × row categories
    a21_r = (g1 * (q[:, :-1, :] - q[:, 1:, :])).sum(axis=2)  # (m, K-1)
    qt = np.transpose(q, (0, 2, 1))
    a21_c = (g2 * (qt[:, :-1, :] - qt[:, 1:, :])).sum(axis=2)
    th_start = np.concatenate([[0], np.cumsum(n_cat - 1)[:-1]])
    a21 = np.zeros((m, n_th))
    for t in range(m):
        a, b = jj[t], ii[t]
        a21[t, th_start[a] : th_start[a] + n_cat[a] - 1] = a21_r[t, : n_cat[a] - 1]
        a21[t, th_start[b] : th_start[b] + n_cat[b] - 1] = a21_c[t, : n_cat[b] - 1]

    # threshold scores: ∂ log P(y = c)/∂τ_k = φ(τ_k)/P_k (c = k), −φ(τ_k)/P_{k+1} (c = k+1)
    dens = _phi(th_all)
    kk = np.arange(n_th) - th_start[th_var_arr]  # threshold number within its variable
    up = dens / prop[th_var_arr, kk]
    down = -dens / prop[th_var_arr, kk + 1]
    sc_flat = sc.reshape(m, -1)
    inner = np.zeros((n_th + m, n_th + m))
    for start in range(0, n, _ROW_BLOCK):
        c = codes[start : start + _ROW_BLOCK]
        cv = c[:, th_var_arr]  # (rows, n_th)
        s_th = np.where(cv == kk, up, 0.0) + np.where(cv == kk + 1, down, 0.0)
        cell = c[:, jj] * kmax + c[:, ii]  # (rows, m)
        s_cor = sc_flat[np.arange(m)[None, :], cell]
        block = np.hstack([s_th, s_cor])
        inner += block.T @ block
    a11 = np.zeros((n_th, n_th))
    same = th_var_arr[:, None] == th_var_arr[None, :]
    a11[same] = inner[:n_th, :n_th][same]
    try:
        a11_inv = np.linalg.inv(a11)
    except np.linalg.LinAlgError:
        a11_inv = np.linalg.pinv(a11)
    if np.any(a22 <= 0):
        bad = [f"{names[jj[t]]}–{names[ii[t]]}" for t in np.flatnonzero(a22 <= 0)]
        raise DataError(
            f"WLSMV: the polychoric correlation of {fmt_list(bad)} has no information "
            "(its likelihood is flat); Γ cannot be computed."
        )
    a22_inv = 1.0 / a22
    b_inv = np.zeros((n_th + m, n_th + m))
    b_inv[:n_th, :n_th] = a11_inv
    b_inv[n_th:, :n_th] = -(a22_inv[:, None] * a21) @ a11_inv
    b_inv[n_th:, n_th:] = np.diag(a22_inv)
    gamma = n * (b_inv @ inner @ b_inv.T)
    return OrdinalStats(
        names=tuple(names),
        n=int(n),
        levels=levels,
        th=th_all,
        th_names=tuple(th_names),
        th_var=th_var_arr,
        cor=cor,
        gamma=0.5 * (gamma + gamma.T),
        dropped=dropped,
        empty_pairs=tuple(empty),
    )


def _binary_correction(
    counts: np.ndarray,
    cat_r: np.ndarray,
    cat_c: np.ndarray,
    names: list[str],
    jj: np.ndarray,
    ii: np.ndarray,
) -> np.ndarray:
    """lavaan's treatment of empty cells in a 2 × 2 table (two binary items): one empty
    cell gets 0.5 respondents, as does its diagonal partner, and the two other cells lose
    0.5 (the margins, and so the thresholds, are kept); two empty cells make the
    correlation ±1, which servqual refuses. Larger tables are used as observed."""
    binary = np.flatnonzero((cat_r == 2) & (cat_c == 2))
    if not len(binary):
        return counts
    out = counts.copy()
    two = []
    for t in binary:
        table = out[t, :2, :2]
        empty = np.argwhere(table == 0)
        if len(empty) == 1:
            on_diagonal = empty[0, 0] == empty[0, 1]
            sign = 1.0 if on_diagonal else -1.0
            table += sign * np.array([[0.5, -0.5], [-0.5, 0.5]])
        elif len(empty) >= 2:
            two.append(f"{names[jj[t]]}×{names[ii[t]]}")
    if two:
        raise DataError(
            f"WLSMV: the 2 × 2 table of the binary items {', '.join(two)} has two empty "
            "cells: the items are identical or reversed (a polychoric correlation of ±1). "
            "Drop one of each such pair."
        )
    return out


def _phi(x: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * x * x) / np.sqrt(2.0 * np.pi)
