"""McDonald's omega from a Schmid–Leiman transformed factor solution.

``omega(data, n_factors)`` fits an oblique (oblimin) factor model, extracts a
general factor from the factor correlations, and reports omega hierarchical,
omega total and the omegas of each group factor, following ``psych::omega``.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import optimize

from . import _efa, _rotation
from ._results import TableResult, result_class
from ._validation import check_choice, fmt_list
from .exceptions import ConvergenceError, HeywoodWarning, InsufficientDataError, ReliabilityWarning
from .factor import NanPolicy, _data_text, _prep, _solve, check_n_factors
from .polychoric import polychoric_input
from .survey import Survey

__all__ = ["OmegaResult", "omega"]


@result_class
class OmegaResult(TableResult):
    """Omega coefficients of a Schmid–Leiman solution.

    The table is indexed by ``g`` and the group factors ``F1``..``Fm`` with columns
    ``total``, ``general`` and ``group`` (psych's ``$omega.group``: for a group factor,
    computed over the items whose largest group loading is on it) and ``n_items``.
    ``loadings`` holds the Schmid–Leiman loadings (``g``, ``F1``..``Fm``, ``h2``,
    ``u2``, ``p2``) by item; ``key`` is −1 for items reversed to load positively on g.
    """

    omega_h: float
    omega_total: float
    omega_lim: float
    alpha: float
    ecv: float
    loadings: pd.DataFrame
    phi: pd.DataFrame
    general_loadings: pd.Series
    key: pd.Series
    n_factors: int
    method: str
    n_obs: int
    nan_policy: str
    score: str | None
    correlation: str = "pearson"

    @property
    def omega_subscales(self) -> pd.Series:
        """Omega hierarchical of each group factor (``group`` column, without ``g``)."""
        return self._table["group"].iloc[1:].copy()

    @property
    def header(self) -> str:
        return (
            f"Omega · {self.n_factors} group factors · ω_h={self.omega_h:.3f}, "
            f"ω_total={self.omega_total:.3f} · "
            f"{_data_text(self.score, self.n_obs, self.nan_policy)}"
            + (" · polychoric" if self.correlation == "polychoric" else "")
        )


def omega(
    data: Any,
    n_factors: int | None = None,
    *,
    method: Literal["minres", "ml", "pa"] = "minres",
    flip: bool = True,
    score: str | None = None,
    n_obs: int | None = None,
    nan_policy: NanPolicy = "pairwise",
    correlation: Literal["pearson", "polychoric"] = "pearson",
) -> OmegaResult:
    """McDonald's omega hierarchical and total via the Schmid–Leiman transformation.

    Parameters
    ----------
    data : Survey, DataFrame, ndarray or list
        Respondents × items, a Survey, or a correlation matrix when ``n_obs`` is given.
    n_factors : int, optional
        Number of group factors (at least 2; 3 or more identify the general factor).
        Default: for a Survey whose instrument has two or more quality dimensions, one
        group factor per dimension (5 for SERVQUAL); otherwise 3 (psych's default).
    method : {"minres", "ml", "pa"}
        Factor extraction method (see :func:`servqual.efa`).
    flip : bool
        Reverse items that load negatively on the general factor (psych's ``flip=TRUE``).
    score : str, optional
        Which item scores of a Survey (default ``"perception"``).
    n_obs : int, optional
        Sample size; giving it means ``data`` is a correlation matrix.
    nan_policy : {"pairwise", "listwise", "raise"}
        Missing answers (see :func:`servqual.kmo`).
    correlation : {"pearson", "polychoric"}, default "pearson"
        ``"polychoric"``: ordinal omega, from the :func:`~servqual.polychoric` matrix of
        the answers (as ``psych::omega(psych::polychoric(x)$rho, n.obs=)``).

    Returns
    -------
    OmegaResult
        ``omega_h``, ``omega_total``, ``omega_lim``, ``alpha``, ``ecv``; the group table
        (total, general, group, n_items), the Schmid–Leiman ``loadings``, ``phi``,
        ``general_loadings`` (of the group factors on g) and ``key``.

    Raises
    ------
    InsufficientDataError
        ``n_factors`` below 2 or too many for the items (df < 0).
    DataError, ConvergenceError
        As :func:`servqual.efa`.

    Warns
    -----
    ReliabilityWarning
        With two group factors the general factor is not identified: both are given
        the loading √|φ₁₂| (psych's ``option="equal"``).
    HeywoodWarning
        The one-factor fit of the factor correlations is a Heywood case: a group
        factor's uniqueness reached the lower bound 0.005 (its loading on g is close to
        or above one), so ω_h rests on an improper general factor.

    See Also
    --------
    servqual.efa

    Notes
    -----
    The factors of an m-factor solution (varimax, then oblimin from it, as
    ``psych::schmid``) are factored by one factor of their correlations Φ, giving
    loadings γ. With ``method="minres"`` γ minimises psych's minres criterion, the
    off-diagonal residuals Σ_{k<l}(φ_kl − γ_kγ_l)², over the uniquenesses within
    psych's bounds [0.005, max(smc, 1)] (Harman & Jones, 1966); psych's own optimiser
    is handed the gradient of the criterion with the diagonal and can stop short of
    that minimum when a uniqueness sits on the bound, so in such Heywood cases ω_h
    may differ from ``psych::omega`` in the fourth decimal (see docs/methods.md).
    Item loadings on g are Λγ; on group factor k, λ_ik·√(1 − γ_k²).
    With V_t the sum of all correlations, ω_h = (Σ g_i)²/V_t and
    ω_total = (V_t − Σ u²_i)/V_t, u² = 1 − h² (h² the communalities). Matches
    ``psych::omega(x, nfactors)`` (``$omega_h``, ``$omega.tot``, ``$omega.group``,
    ``$schmid$sl``).

    References
    ----------
    Schmid, J., & Leiman, J. M. (1957). The development of hierarchical factor
    solutions. *Psychometrika*, 22, 53–61.
    Harman, H. H., & Jones, W. H. (1966). Factor analysis by minimizing residuals
    (minres). *Psychometrika*, 31, 351–368.
    Zinbarg, R. E., Revelle, W., Yovel, I., & Li, W. (2005). Cronbach's α, Revelle's β,
    and McDonald's ω_H. *Psychometrika*, 70, 123–133.

    Examples
    --------
    >>> import servqual as sq
    >>> res = sq.omega(sq.load_example("retail_bank"))  # one group factor per dimension
    >>> res.n_factors
    5
    >>> bool(0 < res.omega_h <= res.omega_total <= 1)
    True
    """

    check_choice(method, "method", ("minres", "ml", "pa"))
    if n_factors is None:
        n_dims = len(data.instrument.model) if isinstance(data, Survey) else 0
        n_factors = n_dims if n_dims >= 2 else 3
    check_choice(correlation, "correlation", ("pearson", "polychoric"))
    if correlation == "polychoric":
        pc = polychoric_input(data, score, n_obs, nan_policy, "omega")
        res = omega(pc.rho, n_factors, method=method, flip=flip, n_obs=pc.n_obs)
        return dataclasses.replace(
            res, score=pc.score, nan_policy=pc.nan_policy, correlation="polychoric"
        )
    prep = _prep(data, score, n_obs, nan_policy, "omega")
    labels = prep.labels
    p = len(labels)
    m = check_n_factors(n_factors, p)
    if m < 2:
        raise InsufficientDataError(
            "omega needs at least 2 group factors (3 or more to identify the general "
            f"factor); got n_factors={m}."
        )
    orth = _solve(prep, m, method, "varimax", None, None).loadings.to_numpy()
    fload, phi, _ = _rotation.oblimin(orth)
    names = [f"F{k + 1}" for k in range(m)]
    if m > 2:
        if method == "minres":
            gload, heywood = _minres_general(phi)
        else:
            ex = _efa.extract(phi, 1, method, None, 50 if method == "pa" else 10_000)
            gload, heywood = ex.loadings[:, 0], ex.heywood
        if gload.sum() < 0:
            gload = -gload
        heywood = sorted(set(heywood) | {int(k) for k in np.where(gload**2 >= 1.0)[0]})
        if heywood:
            warnings.warn(
                "Heywood case in the general factor: group factor(s) "
                f"{fmt_list([names[k] for k in heywood])} load "
                f"{', '.join(f'{gload[k]:.4f}' for k in heywood)} on g, with a uniqueness "
                f"at the lower bound {_efa.PSI_LOWER} in the one-factor {method} fit of the "
                "factor correlations (psych's bound). omega_h rests on an improper "
                "general factor: check the number of group factors.",
                HeywoodWarning,
                stacklevel=2,
            )
    else:
        warnings.warn(
            "With 2 group factors the general factor is not identified; both get the "
            "loading sqrt(|phi_12|) (psych's option='equal'). Use 3 or more factors.",
            ReliabilityWarning,
            stacklevel=2,
        )
        root = np.sqrt(abs(phi[0, 1]))
        gload = np.array([root, np.sign(phi[0, 1]) * root])
    g = fload @ gload
    uniq2 = np.maximum(fload**2 * (1.0 - gload**2)[None, :], 0.0)
    sm = np.sign(fload) * np.sqrt(uniq2)
    h2 = np.sum(orth**2, axis=1)
    u2 = 1.0 - h2
    r = prep.r.copy()
    key = np.ones(p)
    if flip:
        key = np.sign(g)
        key[key == 0] = 1.0
        r = r * key[:, None] * key[None, :]
        g = g * key
        sm = sm * key[:, None]
    vt = float(r.sum())
    gsq = float(g.sum()) ** 2
    omega_h = gsq / vt
    omega_total = (vt - u2.sum()) / vt
    alpha = ((vt - p) / vt) * (p / (p - 1))
    ev = np.concatenate([[np.sum(g**2)], np.sum(sm**2, axis=0)])

    # psych's $omega.group: each item belongs to the group factor it loads most on
    sub = np.argmax(np.abs(sm), axis=1)
    rows = {"g": (omega_total, gsq / vt, 0.0, p)}
    grs = 0.0
    empty = [name for k, name in enumerate(names) if not (sub == k).any()]
    if empty:
        warnings.warn(
            f"Group factor(s) {fmt_list(empty)} are the strongest group loading of no item "
            "(e.g. a dimension with a single item), so their subscale omegas are undefined "
            "and left out of the table; consider fewer group factors.",
            ReliabilityWarning,
            stacklevel=2,
        )
    for k, name in enumerate(names):
        items = np.where(sub == k)[0]
        if len(items) == 0:
            continue
        vgr = float(r[np.ix_(items, items)].sum())
        gr = float(sm[items, k].sum())
        gg = float(g[items].sum())
        grs += gr**2
        rows[name] = ((gr**2 + gg**2) / vgr, gg**2 / vgr, gr**2 / vgr, len(items))
    total, general, group, n_items = zip(*rows.values(), strict=True)
    group = (grs / vt, *group[1:])
    table = pd.DataFrame(
        {"total": total, "general": general, "group": group, "n_items": n_items},
        index=pd.Index(list(rows), name="factor"),
    )
    idx = pd.Index(labels, name="item")
    sl = pd.DataFrame(sm, index=idx, columns=names)
    sl.insert(0, "g", g)
    sl["h2"] = h2
    sl["u2"] = u2
    sl["p2"] = g**2 / h2
    return OmegaResult(
        _table=table,
        omega_h=omega_h,
        omega_total=omega_total,
        omega_lim=gsq / (vt - u2.sum()),
        alpha=alpha,
        ecv=float(ev[0] / ev.sum()),
        loadings=sl,
        phi=pd.DataFrame(phi, index=names, columns=names),
        general_loadings=pd.Series(gload, index=pd.Index(names, name="factor"), name="g"),
        key=pd.Series(key.astype(int), index=idx, name="key"),
        n_factors=m,
        method=method,
        n_obs=prep.n_obs,
        nan_policy=prep.nan_policy,
        score=prep.score,
    )


def _minres_general(phi: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """One-factor minres fit of the factor correlations Φ (``psych::fa(Φ, fm="minres")``).

    The criterion is psych's ``fit.residuals`` for ``fm="minres"``: the sum of the
    squared off-diagonal residuals f(ψ) = Σ_{i<j} (φ_ij − γ_i γ_j)², where γ is the
    first eigenvector of Φ − diag(ψ) scaled by the square root of its eigenvalue
    (Harman & Jones, 1966), minimised over the uniquenesses ψ within psych's bounds
    [0.005, max(smc, 1)] from the start 1 − smc. Unlike the criterion with the diagonal
    (ULS), this one keeps improving past the bound when a group factor is nearly
    collinear with g, so it decides Heywood fits as psych does.

    The gradient is exact: with A = Φ − diag(ψ) = Σ_s λ_s v_s v_s' (λ_1 largest) and
    E the off-diagonal residuals, ∂f/∂ψ_k = v_k² v'Ev + 2 v_k Σ_{s>1} v_sk
    λ_1/(λ_1 − λ_s) v_s'Ev (first-order eigen perturbation, v = v_1).

    Returns the loadings γ and the indices of uniquenesses at the lower bound.

    References
    ----------
    Harman, H. H., & Jones, W. H. (1966). Factor analysis by minimizing residuals
    (minres). *Psychometrika*, 31, 351–368.
    """
    p = phi.shape[0]

    def parts(psi: np.ndarray) -> tuple[float, np.ndarray]:
        vals, vecs = np.linalg.eigh(phi - np.diag(psi))
        vals, vecs = vals[::-1], vecs[:, ::-1]
        top = max(vals[0], 0.0)
        v = vecs[:, 0]
        gam = v * np.sqrt(top)
        e = phi - np.outer(gam, gam)
        np.fill_diagonal(e, 0.0)
        f = 0.5 * float(np.sum(e * e))
        ev = e @ v
        w = vecs[:, 1:].T @ ev  # v_s'Ev, s > 1
        with np.errstate(divide="ignore", invalid="ignore"):
            c = np.where(vals[0] > vals[1:], top / (vals[0] - vals[1:]), 0.0)
        grad = v**2 * float(v @ ev) + 2.0 * v * (vecs[:, 1:] @ (c * w))
        return f, grad

    smc = _efa.smc(phi)
    upper = max(float(smc.max()), 1.0)
    lower = _efa.PSI_LOWER
    res = optimize.minimize(
        parts,
        1.0 - smc,
        jac=True,
        method="L-BFGS-B",
        bounds=[(lower, upper)] * p,
        options={"maxiter": 10_000, "ftol": 1e-15, "gtol": 1e-12, "maxcor": 20},
    )
    psi = res.x
    _, grad = parts(psi)
    at_bound = ((psi <= lower + 1e-10) & (grad > 0)) | ((psi >= upper - 1e-10) & (grad < 0))
    worst = float(np.max(np.abs(np.where(at_bound, 0.0, grad))))
    if not (res.success or worst < 1e-8):
        raise ConvergenceError(
            f"The one-factor minres fit of the factor correlations did not converge in "
            f"{res.nit} iterations (largest gradient {worst:.2g}; optimizer: {res.message})."
        )
    vals, vecs = np.linalg.eigh(phi - np.diag(psi))
    gam = vecs[:, -1] * np.sqrt(max(vals[-1], 0.0))
    return gam, [int(k) for k in np.where(psi <= lower + 1e-8)[0]]
