"""RAM model matrices (McArdle & McDonald, 1984).

All variables, observed first (lavaan's order) then latent, are stacked into one vector
``v = A v + u`` with ``Cov(u) = S``. ``A[i, j]`` is the direct effect of variable ``j``
on variable ``i`` (a loading ``f =~ x`` is ``A[x, f]``, a regression ``y ~ x`` is
``A[y, x]``), ``S`` holds the (residual) variances and covariances and ``F`` selects the
observed variables, so that

    Σ(θ) = F (I − A)⁻¹ S (I − A)⁻ᵀ Fᵀ.
"""

from __future__ import annotations

import numpy as np

from .partable import ParTable

__all__ = ["RAM"]


class RAM:
    """The RAM form of a parameter table: where each row lives and how Σ depends on θ."""

    def __init__(self, pt: ParTable) -> None:
        self.ov = list(pt.ov)
        self.lv = list(pt.lv)
        self.names = self.ov + self.lv
        self.p = len(self.ov)
        self.m = len(self.names)
        self.q = pt.n_free
        pos = {v: k for k, v in enumerate(self.names)}
        t = pt.table
        ops, lhs, rhs = list(t["op"]), list(t["lhs"]), list(t["rhs"])
        is_a = np.array([o in ("=~", "~") for o in ops], dtype=bool)
        # A[i, j]: effect of j on i; a loading f =~ x is A[x, f]
        row_i = np.array(
            [pos[r if o == "=~" else h] for o, h, r in zip(ops, lhs, rhs, strict=True)]
        )
        row_j = np.array(
            [pos[h if o == "=~" else r] for o, h, r in zip(ops, lhs, rhs, strict=True)]
        )
        self.row_is_a = is_a
        self.row_i, self.row_j = row_i, row_j
        self.row_par = t["par"].to_numpy().astype(int)
        self.a_fixed = np.zeros((self.m, self.m))
        self.s_fixed = np.zeros((self.m, self.m))
        fixed = (self.row_par < 0) & t["ustart"].notna().to_numpy()
        ustart = t["ustart"].to_numpy()
        for k in np.flatnonzero(fixed):
            self._put(int(k), float(ustart[k]), self.a_fixed, self.s_fixed)
        free = self.row_par >= 0
        self.a_rows = np.flatnonzero(free & is_a)
        self.s_rows = np.flatnonzero(free & ~is_a)
        self.exo_rows = np.flatnonzero(t["exo"].to_numpy() == 1)
        self.f_idx = np.arange(self.p)

    def _put(self, k: int, value, a: np.ndarray, s: np.ndarray) -> None:
        i, j = self.row_i[k], self.row_j[k]
        if self.row_is_a[k]:
            a[i, j] = value
        else:
            s[i, j] = s[j, i] = value

    def set_exogenous(self, sample_cov: np.ndarray) -> None:
        """Fix the moments of the exogenous covariates at their sample values (fixed.x)."""
        for k in self.exo_rows:
            i, j = self.row_i[k], self.row_j[k]
            self.s_fixed[i, j] = self.s_fixed[j, i] = sample_cov[i, j]

    def matrices(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Parameter vector → (A, S)."""
        a = self.a_fixed.astype(x.dtype)
        s = self.s_fixed.astype(x.dtype)
        ka = self.a_rows
        a[self.row_i[ka], self.row_j[ka]] = x[self.row_par[ka]]
        ks = self.s_rows
        s[self.row_i[ks], self.row_j[ks]] = x[self.row_par[ks]]
        s[self.row_j[ks], self.row_i[ks]] = x[self.row_par[ks]]
        return a, s

    def row_values(self, x: np.ndarray) -> np.ndarray:
        """Values of all parameter-table rows (fixed rows included)."""
        a, s = self.matrices(x)
        return np.where(self.row_is_a, a[self.row_i, self.row_j], s[self.row_i, self.row_j])

    def inverse(self, a: np.ndarray) -> np.ndarray:
        """B = (I − A)⁻¹."""
        return np.linalg.inv(np.eye(self.m, dtype=a.dtype) - a)

    def implied_all(self, x: np.ndarray) -> np.ndarray:
        """Model-implied covariance of all variables, B S Bᵀ."""
        a, s = self.matrices(x)
        b = self.inverse(a)
        return b @ s @ b.T

    def sigma(self, x: np.ndarray) -> np.ndarray:
        """Model-implied covariance of the observed variables."""
        return self.implied_all(x)[: self.p, : self.p]

    def gradient(self, x: np.ndarray, g: np.ndarray) -> np.ndarray:
        """∂F/∂θ = tr(G ∂Σ/∂θ) for a symmetric G = ∂F/∂Σ, without building ∂Σ/∂θ."""
        a, s = self.matrices(x)
        b = self.inverse(a)
        fb = b[: self.p]  # F B
        fbg = fb.T @ g  # (m, p)
        m_s = fbg @ fb  # Bᵀ Fᵀ G F B
        m_a = 2.0 * m_s @ s @ b.T  # 2 Bᵀ Fᵀ G F B S Bᵀ
        out = np.zeros(self.q)
        ka, ks = self.a_rows, self.s_rows
        np.add.at(out, self.row_par[ka], m_a[self.row_i[ka], self.row_j[ka]])
        diag = self.row_i[ks] == self.row_j[ks]
        np.add.at(
            out, self.row_par[ks], np.where(diag, 1.0, 2.0) * m_s[self.row_i[ks], self.row_j[ks]]
        )
        return out

    def delta(self, x: np.ndarray) -> np.ndarray:
        """∂Σ/∂θ for every free parameter, shape (q, p, p)."""
        a, s = self.matrices(x)
        b = self.inverse(a)
        fb = b[: self.p]
        fc = fb @ s @ b.T  # F B S Bᵀ, (p, m)
        out = np.zeros((self.q, self.p, self.p))
        for k in self.a_rows:
            i, j = self.row_i[k], self.row_j[k]
            d = np.outer(fb[:, i], fc[:, j])
            out[self.row_par[k]] += d + d.T
        for k in self.s_rows:
            i, j = self.row_i[k], self.row_j[k]
            d = np.outer(fb[:, i], fb[:, j])
            out[self.row_par[k]] += d if i == j else d + d.T
        return out
