"""Multi-group models with a mean structure and equality constraints across groups.

The parameter table of a multi-group model is the single-group table (:mod:`.partable`)
repeated for every group plus the mean structure: the intercepts ``x ~1`` of the observed
variables (free) and the means ``f ~1`` of the latent variables (fixed at 0), as lavaan's
``lavaanify`` with ``meanstructure = TRUE`` and ``ngroups > 1``. Each group has its own
free parameters unless ``group_equal`` names their kind (lavaan's ``group.equal``:
``"loadings"`` ``=~``, ``"intercepts"`` ``x ~1``, ``"means"`` ``f ~1``, ``"residuals"``
``x ~~ x``, ``"residual.covariances"`` ``x ~~ y``, ``"lv.variances"`` ``f ~~ f``,
``"lv.covariances"`` ``f ~~ g``, ``"regressions"`` ``~``) or they share a label written in
the syntax; ``group_partial`` exempts single parameters. Equal parameters share one index
in the vector θ of distinct free parameters (lavaan represents them as separate
parameters tied by ``==`` constraints; the estimates, standard errors and tests are the
same). With equal intercepts the latent means are freed in groups 2..G (unless
``"means"`` is also equal), and with ``std_lv`` and equal loadings the latent variances are
freed in groups 2..G (unless ``"lv.variances"`` is also equal), as in lavaan.

Per group ``g``, with the RAM matrices ``A``, ``S`` and the vector ``m`` of intercepts and
latent means, ``B = (I − A)⁻¹``, ``Σ_g = F B S Bᵀ Fᵀ`` and ``μ_g = F B m``. The ML
discrepancy is the weighted sum (Sörbom, 1974; Jöreskog, 1971)

    F(θ) = Σ_g (n_g/N) [log|Σ_g| + tr(S_g Σ_g⁻¹) + (x̄_g − μ_g)' Σ_g⁻¹ (x̄_g − μ_g)
                        − log|S_g| − p],

``χ² = N·F_min`` and ``df = G·(p(p+1)/2 + p) − q``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .._fitindex import _cfi, _rmsea_ci
from ..exceptions import ConvergenceError, DataError, InstrumentError
from .matrices import RAM
from .partable import ParTable
from .robust import casewise_scores, saturated_trace
from .start import start_values

__all__ = [
    "GROUP_EQUAL",
    "GroupModel",
    "MultiGroupTable",
    "build_multigroup",
    "group_fit_measures",
    "mg_fit",
]

GROUP_EQUAL = (
    "loadings",
    "intercepts",
    "means",
    "residuals",
    "residual.covariances",
    "lv.variances",
    "lv.covariances",
    "regressions",
)

_BIG = 1e10
_NEWTON_BELOW = 1e-3


@dataclass(frozen=True)
class MultiGroupTable:
    """The stacked parameter table of all groups.

    ``table`` has lavaan's rows per group (the single-group rows, then the ``~1`` rows)
    with columns ``lhs``, ``op``, ``rhs``, ``group`` (1-based), ``user``, ``free``,
    ``ustart``, ``label``, ``exo``, ``par`` (index into θ, −1 when fixed) and ``uid`` (the
    index of the row among all free rows: the parameters of the model without the
    equality constraints, used by the score tests). ``constraints`` lists the equality
    constraints as pairs of row positions (first occurrence, other occurrence), in
    lavaan's order of its ``==`` rows.
    """

    table: pd.DataFrame
    base: ParTable
    n_groups: int
    n_free: int
    n_unconstrained: int
    constraints: tuple[tuple[int, int], ...]


def _kind(op: str, lhs: str, rhs: str, ov: set[str], lv: set[str]) -> str:
    if op == "=~":
        return "loadings"
    if op == "~":
        return "regressions"
    if op == "~1":
        return "means" if lhs in lv else "intercepts"
    if op == "~~":
        if lhs in lv and rhs in lv:
            return "lv.variances" if lhs == rhs else "lv.covariances"
        if lhs in ov and rhs in ov:
            return "residuals" if lhs == rhs else "residual.covariances"
    return ""


def normalise_equal(group_equal: str | Sequence[str]) -> tuple[str, ...]:
    items = [group_equal] if isinstance(group_equal, str) else list(group_equal)
    out = []
    for item in items:
        if not isinstance(item, str) or item not in GROUP_EQUAL:
            close = difflib.get_close_matches(str(item), GROUP_EQUAL, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise DataError(
                f"group_equal: unknown kind of parameter {item!r}{hint}; valid are "
                f"{', '.join(map(repr, GROUP_EQUAL))}."
            )
        out.append(item)
    return tuple(dict.fromkeys(out))


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text)


def partial_names(group_partial: str | Sequence[str], names: list[str], examples: str) -> set[str]:
    """The rows (``lhs op rhs``, either order of a covariance) that ``group_partial`` frees;
    an :class:`InstrumentError` naming an entry that is no parameter and the closest one."""
    out: set[str] = set()
    for entry in [group_partial] if isinstance(group_partial, str) else list(group_partial):
        key = _key(str(entry))
        alt = key
        if "~~" in key:
            a, b = key.split("~~", 1)
            alt = f"{b}~~{a}"
        if key in names:
            out.add(key)
        elif alt in names:
            out.add(alt)
        else:
            close = difflib.get_close_matches(key, names, n=1)
            hint = f"; the closest is {close[0]!r}" if close else ""
            raise InstrumentError(
                f"group_partial: {entry!r} is not a parameter of the model{hint}. Write it "
                f"as lavaan does: {examples}."
            )
    return out


def build_multigroup(
    base: ParTable,
    n_groups: int,
    group_equal: tuple[str, ...],
    group_partial: Sequence[str],
    std_lv: bool,
) -> MultiGroupTable:
    """Stack ``base`` (a single-group table) for ``n_groups`` groups with the mean
    structure and the equality constraints of ``group_equal``/``group_partial``."""
    t0 = base.table
    ov, lv = set(base.ov), set(base.lv)
    if base.ov_x:
        raise InstrumentError(
            "A mean structure (group=, meanstructure=True or ~ 1 in the syntax) does not "
            "support observed exogenous covariates (fixed.x) yet: "
            f"{', '.join(base.ov_x)} only predict. Model them as single-indicator latent "
            "variables."
        )
    rows = t0.drop(columns=["par"]).to_dict("records")
    written = {r["lhs"] for r in rows if r["op"] == "~1"}
    rows += [
        {"lhs": v, "op": "~1", "rhs": "", "user": 0, "free": True, "ustart": np.nan}
        | {"label": "", "exo": 0}
        for v in base.ov
        if v not in written
    ]
    rows += [
        {"lhs": f, "op": "~1", "rhs": "", "user": 0, "free": False, "ustart": 0.0}
        | {"label": "", "exo": 0}
        for f in base.lv
        if f not in written
    ]
    names = [f"{r['lhs']}{r['op']}{r['rhs']}" for r in rows]
    partial = partial_names(group_partial, names, "'visual=~x2', 'x3~1', 'x1~~x1'")
    kinds = [_kind(r["op"], r["lhs"], r["rhs"], ov, lv) for r in rows]
    equal = [k in group_equal and n not in partial for k, n in zip(kinds, names, strict=True)]
    all_rows = []
    for g in range(n_groups):
        for k, r in enumerate(rows):
            row = dict(r)
            row["group"] = g + 1
            if g > 0 and row["user"] == 0 and not row["free"]:
                if (
                    std_lv
                    and kinds[k] == "lv.variances"
                    and "loadings" in group_equal
                    and "lv.variances" not in group_equal
                ):
                    row["free"], row["ustart"] = True, np.nan
                if (
                    kinds[k] == "means"
                    and "intercepts" in group_equal
                    and "means" not in group_equal
                ):
                    row["free"], row["ustart"] = True, np.nan
            row["_row"] = k
            row["_equal"] = equal[k]
            all_rows.append(row)
    # distinct free parameters: a label, or (row, equal across groups), or (row, group)
    par_of: dict[object, int] = {}
    first_of: dict[object, int] = {}
    constraints: list[tuple[int, int]] = []
    n_free = n_u = 0
    for pos, row in enumerate(all_rows):
        if not row["free"]:
            row["par"], row["uid"] = -1, -1
            continue
        row["uid"] = n_u
        n_u += 1
        if row["label"]:
            key: object = ("label", row["label"])
        elif row["_equal"]:
            key = ("row", row["_row"])
        else:
            key = ("own", pos)
        if key in par_of:
            row["par"] = par_of[key]
            constraints.append((first_of[key], pos))
        else:
            par_of[key] = first_of_par = n_free
            first_of[key] = pos
            row["par"] = first_of_par
            n_free += 1
    table = pd.DataFrame(all_rows)
    table = table[
        ["lhs", "op", "rhs", "group", "user", "free", "ustart", "label", "exo", "par", "uid"]
    ]
    table["par"] = table["par"].astype(int)
    table["uid"] = table["uid"].astype(int)
    # lavaan orders its "==" rows by the first row (group 1), then by the other group
    constraints.sort()
    return MultiGroupTable(table, base, n_groups, n_free, n_u, tuple(constraints))


class GroupModel:
    """One group: its RAM matrices (indexed by the global θ) and its mean vector."""

    def __init__(self, mg: MultiGroupTable, g: int, column: str = "par") -> None:
        t = mg.table
        rows = t[(t["group"] == g + 1).to_numpy()]
        is_mean = (rows["op"] == "~1").to_numpy()
        self.cov_pos = np.flatnonzero(~is_mean)  # positions of the RAM rows in the group
        self.mean_pos = np.flatnonzero(is_mean)  # positions of the ~1 rows
        self.n_rows = len(rows)
        cov_rows = rows[~is_mean]
        q = mg.n_free if column == "par" else mg.n_unconstrained
        pt = replace(
            mg.base,
            table=cov_rows.assign(par=cov_rows[column].to_numpy()).reset_index(drop=True),
            n_free=q,
        )
        self.pt = pt
        self.ram = RAM(pt)
        self.q = q
        mean_rows = rows[(rows["op"] == "~1").to_numpy()]
        pos = {v: k for k, v in enumerate(self.ram.names)}
        self.m_idx = np.array([pos[v] for v in mean_rows["lhs"]], dtype=int)
        self.m_par = mean_rows[column].to_numpy().astype(int)
        self.m_fixed = np.zeros(self.ram.m)
        fixed = self.m_par < 0
        self.m_fixed[self.m_idx[fixed]] = mean_rows["ustart"].to_numpy()[fixed]
        self.m_free_idx = self.m_idx[~fixed]
        self.m_free_par = self.m_par[~fixed]
        pars = np.concatenate([self.ram.row_par, self.m_par])
        self.used = np.unique(pars[pars >= 0])
        ks = self.ram.s_rows
        self._s_weight = np.where(self.ram.row_i[ks] == self.ram.row_j[ks], 1.0, 2.0)
        self.compact = np.full(self.q, -1, dtype=int)
        self.compact[self.used] = np.arange(len(self.used))

    def means(self, x: np.ndarray) -> np.ndarray:
        m = self.m_fixed.astype(x.dtype)
        m[self.m_free_idx] = x[self.m_free_par]
        return m

    def moments(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(μ, Σ) of the observed variables."""
        a, s = self.ram.matrices(x)
        b = self.ram.inverse(a)
        fb = b[: self.ram.p]
        return fb @ self.means(x), fb @ s @ fb.T

    def place(self, cov_values: np.ndarray, mean_values: np.ndarray) -> np.ndarray:
        """Values of the RAM rows and of the ``~1`` rows in the group's row order."""
        out = np.empty(self.n_rows, dtype=np.result_type(cov_values, mean_values))
        out[self.cov_pos] = cov_values
        out[self.mean_pos] = mean_values
        return out

    def row_values(self, x: np.ndarray) -> np.ndarray:
        """Values of the group's rows, in the table's order."""
        return self.place(self.ram.row_values(x), self.means(x)[self.m_idx])

    def compact_delta(self, x: np.ndarray) -> np.ndarray:
        """∂Σ/∂θ for the parameters this group uses (``self.used``), shape (k, p, p)."""
        ram = self.ram
        a, s = ram.matrices(x)
        b = ram.inverse(a)
        fb = b[: ram.p]
        fc = fb @ s @ b.T
        out = np.zeros((len(self.used), ram.p, ram.p))
        where = self.compact
        for k in ram.a_rows:
            i, j = ram.row_i[k], ram.row_j[k]
            d = np.outer(fb[:, i], fc[:, j])
            out[where[ram.row_par[k]]] += d + d.T
        for k in ram.s_rows:
            i, j = ram.row_i[k], ram.row_j[k]
            d = np.outer(fb[:, i], fb[:, j])
            out[where[ram.row_par[k]]] += d if i == j else d + d.T
        return out

    def mean_jacobian(self, x: np.ndarray) -> np.ndarray:
        """∂μ/∂θ, shape (p, q)."""
        a, _s = self.ram.matrices(x)
        b = self.ram.inverse(a)
        fb = b[: self.ram.p]
        bm = b @ self.means(x)
        out = np.zeros((self.ram.p, self.q))
        ram = self.ram
        for k in ram.a_rows:
            out[:, ram.row_par[k]] += fb[:, ram.row_i[k]] * bm[ram.row_j[k]]
        for i, par in zip(self.m_free_idx, self.m_free_par, strict=True):
            out[:, par] += fb[:, i]
        return out

    def discrepancy(
        self, x: np.ndarray, s: np.ndarray, xbar: np.ndarray, logdet_s: float
    ) -> tuple[float, np.ndarray]:
        """F_g and its gradient (F = _BIG where Σ is not positive definite)."""
        ram = self.ram
        a, smat = ram.matrices(x)
        b = ram.inverse(a)
        fb = b[: ram.p]
        sig = fb @ smat @ fb.T
        if not np.all(np.isfinite(sig)):
            return _BIG, np.zeros_like(x)
        try:
            chol = np.linalg.cholesky(sig)
        except np.linalg.LinAlgError:
            return _BIG, np.zeros_like(x)
        li = np.linalg.inv(chol)  # numpy's LAPACK: scipy's trsm is slow on tiny matrices
        inv = li.T @ li
        bm = b @ self.means(x)
        d = xbar - bm[: ram.p]
        invd = inv @ d
        logdet = 2.0 * np.sum(np.log(np.diag(chol)))
        f = logdet + np.sum(inv * s) + d @ invd - logdet_s - ram.p
        gmat = inv - inv @ (s + np.outer(d, d)) @ inv
        # tr(G ∂Σ/∂θ) through S and A (as RAM.gradient, reusing B)
        m_s = fb.T @ gmat @ fb
        m_a = 2.0 * m_s @ smat @ b.T
        grad = np.zeros(self.q)
        ka, ks = ram.a_rows, ram.s_rows
        np.add.at(grad, ram.row_par[ka], m_a[ram.row_i[ka], ram.row_j[ka]])
        np.add.at(grad, ram.row_par[ks], self._s_weight * m_s[ram.row_i[ks], ram.row_j[ks]])
        h = -2.0 * fb.T @ invd  # ∂F/∂m (all m variables)
        ka = ram.a_rows
        np.add.at(grad, ram.row_par[ka], h[ram.row_i[ka]] * bm[ram.row_j[ka]])
        np.add.at(grad, self.m_free_par, h[self.m_free_idx])
        return float(f), grad

    def expected_hessian(self, x: np.ndarray) -> np.ndarray:
        """E ∂²F_g/∂θ∂θ' = tr(Σ⁻¹Δ_aΣ⁻¹Δ_b) + 2 J_a'Σ⁻¹J_b (twice the unit information).

        With ``Σ⁻¹ = UUᵀ`` the trace is the inner product of ``UᵀΔ_aU`` and ``UᵀΔ_bU``:
        one matrix product over the parameters the group uses."""
        _mu, sig = self.moments(x)
        inv = np.linalg.inv(sig)
        u = np.linalg.cholesky(inv)
        used = self.used
        delta = self.compact_delta(x)
        mats = (u.T @ delta @ u).reshape(len(used), -1)
        jm = self.mean_jacobian(x)[:, used]
        out = np.zeros((self.q, self.q))
        out[np.ix_(used, used)] = mats @ mats.T + 2.0 * jm.T @ inv @ jm
        return out


@dataclass(frozen=True)
class GroupData:
    """Complete rows of one group: covariance (divisor n), means, the rows themselves."""

    label: str
    cov: np.ndarray
    mean: np.ndarray
    n: int
    rows: np.ndarray
    logdet: float


class MultiGroupObjective:
    """F(θ) = Σ_g w_g F_g(θ) over the group models."""

    def __init__(self, models: list[GroupModel], data: list[GroupData]) -> None:
        self.models = models
        self.data = data
        self.n = sum(d.n for d in data)
        self.w = np.array([d.n / self.n for d in data])

    def __call__(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        f = 0.0
        g = np.zeros(len(x))
        for w, m, d in zip(self.w, self.models, self.data, strict=True):
            fg, gg = m.discrepancy(x, d.cov, d.mean, d.logdet)
            if fg >= _BIG:
                return _BIG, np.zeros_like(x)
            f += w * fg
            g += w * gg
        return f, g

    def group_values(self, x: np.ndarray) -> np.ndarray:
        return np.array(
            [
                m.discrepancy(x, d.cov, d.mean, d.logdet)[0]
                for m, d in zip(self.models, self.data, strict=True)
            ]
        )

    def expected_hessian(self, x: np.ndarray) -> np.ndarray:
        return sum(
            (w * m.expected_hessian(x) for w, m in zip(self.w, self.models, strict=True)),
            start=np.zeros((len(x), len(x))),
        )

    def hessian(self, x: np.ndarray) -> np.ndarray:
        """Observed Hessian of F by central differences of the analytic gradient (a
        column differences only the groups whose part of the model uses that parameter)."""
        q = len(x)
        h = 1e-5 * np.maximum(np.abs(x), 1e-2)
        out = np.zeros((q, q))
        for w, m, d in zip(self.w, self.models, self.data, strict=True):
            for j in m.used:
                e = np.zeros(q)
                e[j] = h[j]
                gp = m.discrepancy(x + e, d.cov, d.mean, d.logdet)[1]
                gm = m.discrepancy(x - e, d.cov, d.mean, d.logdet)[1]
                out[:, j] += w * (gp - gm) / (2 * h[j])
        return 0.5 * (out + out.T)


def _pd_inverse(h: np.ndarray) -> np.ndarray | None:
    """Inverse of a positive definite matrix by Cholesky (numpy's LAPACK), else None."""
    try:
        li = np.linalg.inv(np.linalg.cholesky(h))
    except np.linalg.LinAlgError:
        return None
    out = li.T @ li
    return out if np.all(np.isfinite(out)) else None


def _scoring(obj: MultiGroupObjective, x: np.ndarray, maxit: int) -> tuple[np.ndarray, float, int]:
    """Fisher scoring, then Newton steps with one observed Hessian near the optimum."""
    f, g = obj(x)
    it = 0
    h_inv = None  # inverse of the observed Hessian, computed once near the optimum
    while it < maxit:
        it += 1
        if f >= _BIG:
            break
        if h_inv is None and np.max(np.abs(g)) < _NEWTON_BELOW:
            h_inv = _pd_inverse(obj.hessian(x))
        if h_inv is not None:
            step = -h_inv @ g
        else:
            hess = obj.expected_hessian(x)
            inv = _pd_inverse(hess)
            if inv is not None:
                step = -inv @ g
            else:
                try:
                    step = -np.linalg.lstsq(hess, g, rcond=None)[0]
                except np.linalg.LinAlgError:
                    break
        t = 1.0
        while t > 1e-6:
            xn = x + t * step
            fn, gn = obj(xn)
            if fn <= f + 1e-14 * max(abs(f), 1.0):
                break
            t /= 2
        else:
            if h_inv is not None:
                h_inv = None
                continue
            break
        small = np.max(np.abs(xn - x)) < 1e-11 * (1 + np.max(np.abs(x)))
        x, f, g = xn, fn, gn
        if np.max(np.abs(g)) < 1e-12 or small:
            break
    return x, f, it


def mg_fit(
    obj: MultiGroupObjective, x0: np.ndarray, maxiter: int = 5000
) -> tuple[np.ndarray, float, int]:
    """Minimise the multi-group discrepancy from ``x0``: (estimates, F, iterations)."""
    x, f, nit = _scoring(obj, x0.astype(float), 200)
    g = obj(x)[1]
    if f >= _BIG or np.max(np.abs(g)) > 1e-9:
        res = optimize.minimize(
            obj,
            x0 if f >= _BIG else x,
            jac=True,
            method="BFGS",
            options={"gtol": 1e-10, "maxiter": maxiter},
        )
        x, f, it2 = _scoring(obj, res.x, 50)
        nit += res.nit + it2
        g = obj(x)[1]
    if f >= _BIG or not np.all(np.isfinite(x)) or np.max(np.abs(g)) > 1e-6:
        raise ConvergenceError(
            "The multi-group ML estimation did not converge (largest gradient "
            f"{np.max(np.abs(g)):.2g} after {nit} iterations). The model may not be identified "
            "in every group or may fit some group very badly: check the syntax, the "
            "identification of every latent variable, and the group sizes."
        )
    return x, float(f), int(nit)


def multigroup_start(models: list[GroupModel], data: list[GroupData], q: int) -> np.ndarray:
    """Start values: the single-group start values of each group (averaged where
    groups share a parameter); intercepts at the sample means, latent means 0."""
    total = np.zeros(q)
    count = np.zeros(q)
    for m, d in zip(models, data, strict=True):
        x0 = start_values(m.pt, m.ram, d.cov)
        used = m.pt.table["par"].to_numpy()
        used = np.unique(used[used >= 0])
        total[used] += x0[used]
        count[used] += 1
        ov_mean = m.m_free_idx < m.ram.p
        np.add.at(total, m.m_free_par[ov_mean], d.mean[m.m_free_idx[ov_mean]])
        np.add.at(count, m.m_free_par[ov_mean], 1.0)
        np.add.at(count, m.m_free_par[~ov_mean], 1.0)
    return total / np.maximum(count, 1.0)


def group_fit_measures(
    obj: MultiGroupObjective, x: np.ndarray
) -> tuple[dict[str, float], np.ndarray, np.ndarray]:
    """lavaan's fit measures of a multi-group fit, with the per-group chi-squares and
    SRMRs. RMSEA (and its interval) is multiplied by ``sqrt(G)`` and its close-fit test
    uses the noncentrality ``N·df·0.05²/G``, SRMR is the ``n_g/N``-weighted mean of the
    groups' SRMRs (Bentler's, with the standardised mean residuals), as lavaan 0.6."""
    n, n_groups = obj.n, len(obj.data)
    p = obj.models[0].ram.p
    q = len(x)
    fg = obj.group_values(x)
    chisq_g = np.array([d.n for d in obj.data]) * fg
    x2 = float(max(chisq_g.sum(), 0.0))
    ndat = n_groups * (p * (p + 1) // 2 + p)
    df = ndat - q
    x2_b = float(sum(d.n * (np.sum(np.log(np.diag(d.cov))) - d.logdet) for d in obj.data))
    df_b = n_groups * p * (p - 1) // 2
    cfi, tli = _cfi(x2, df, x2_b, df_b)
    nfi = (x2_b - x2) / x2_b if x2_b > 0 else float("nan")
    ifi = (x2_b - x2) / (x2_b - df) if (x2_b - df) != 0 else float("nan")
    root_g = np.sqrt(n_groups)
    rmsea = float(np.sqrt(max(x2 / n / df - 1.0 / n, 0.0))) * root_g if df > 0 else 0.0
    lo, hi = _rmsea_ci(x2, df, n)
    rmsea_p = float(stats.ncx2.sf(x2, df, n * df * 0.05**2 / n_groups)) if df > 0 else float("nan")
    srmr_g = np.zeros(n_groups)
    logl = logl_u = 0.0
    const = p * np.log(2 * np.pi)
    low = np.tril_indices(p)
    for k, (m, d) in enumerate(zip(obj.models, obj.data, strict=True)):
        mu, sig = m.moments(x)
        sd = np.sqrt(np.diag(d.cov))
        resid = (d.cov - sig) / np.outer(sd, sd)
        mres = (d.mean - mu) / sd
        srmr_g[k] = np.sqrt((np.sum(resid[low] ** 2) + np.sum(mres**2)) / (len(low[0]) + p))
        inv = np.linalg.inv(sig)
        dd = d.mean - mu
        logl += -d.n / 2 * (const + np.linalg.slogdet(sig)[1] + np.sum(inv * d.cov) + dd @ inv @ dd)
        logl_u += -d.n / 2 * (const + d.logdet + p)
    srmr = float(obj.w @ srmr_g)
    fit = {
        "npar": float(q),
        "fmin": float(x2 / n / 2),
        "chisq": x2,
        "df": float(df),
        "pvalue": float(stats.chi2.sf(x2, df)) if df > 0 else float("nan"),
        "baseline_chisq": x2_b,
        "baseline_df": float(df_b),
        "baseline_pvalue": float(stats.chi2.sf(x2_b, df_b)) if df_b > 0 else float("nan"),
        "cfi": float(cfi),
        "tli": float(tli),
        "nnfi": float(tli),
        "nfi": float(nfi),
        "ifi": float(ifi),
        "logl": float(logl),
        "unrestricted_logl": float(logl_u),
        "aic": float(-2 * logl + 2 * q),
        "bic": float(-2 * logl + q * np.log(n)),
        "ntotal": float(n),
        "bic2": float(-2 * logl + q * np.log((n + 2) / 24)),
        "rmsea": rmsea,
        "rmsea_ci_lower": float(lo * root_g),
        "rmsea_ci_upper": float(hi * root_g),
        "rmsea_pvalue": rmsea_p,
        "srmr": srmr,
    }
    return fit, chisq_g, srmr_g


def casewise(obj: MultiGroupObjective, x: np.ndarray) -> np.ndarray:
    """(N, q) casewise scores ∂ log L_i/∂θ of all rows, group after group."""
    out = []
    for m, d in zip(obj.models, obj.data, strict=True):
        mu, sig = m.moments(x)
        inv = np.linalg.inv(sig)
        resid = d.rows - mu
        sc = casewise_scores(inv, m.ram.delta(x), resid)
        sc = sc + (resid @ inv) @ m.mean_jacobian(x)
        out.append(sc)
    return np.vstack(out)


def mlr_parts(obj: MultiGroupObjective, x: np.ndarray) -> tuple[np.ndarray, float, float, float]:
    """Huber-White covariance ``A⁻¹BA⁻¹/N`` (A the unit observed information, B the
    unit first-order information), ``tr(A⁻¹B)``, the saturated trace Σ_g tr(A₁⁻¹B₁) and
    the baseline model's trace, for the Yuan-Bentler scaling factors."""
    n = obj.n
    a = 0.5 * obj.hessian(x)
    sc = casewise(obj, x)
    b = sc.T @ sc / n
    a_inv = np.linalg.inv(a)
    vcov = a_inv @ b @ a_inv / n
    trace_h0 = float(np.sum(b * a_inv.T))
    trace_h1 = 0.0
    trace_b = 0.0
    for d in obj.data:
        dev = d.rows - d.mean
        trace_h1 += saturated_trace(d.cov, dev)
        var = np.diag(d.cov)
        trace_b += len(var) + 0.5 * float(np.sum((dev**4).mean(axis=0) / var**2 - 1.0))
    return vcov, trace_h0, trace_h1, trace_b
