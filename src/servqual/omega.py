"""McDonald's omega from a Schmid–Leiman transformed factor solution.

``omega(data, n_factors)`` fits an oblique (oblimin) factor model, extracts a
general factor from the factor correlations, and reports omega hierarchical,
omega total and the omegas of each group factor, following ``psych::omega``.
"""

from __future__ import annotations

import warnings
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _efa, _rotation
from ._results import TableResult, result_class
from ._validation import check_choice
from .exceptions import InsufficientDataError, ReliabilityWarning
from .factor import NanPolicy, _data_text, _prep, _solve, check_n_factors

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
        )


def omega(
    data: Any,
    n_factors: int | None = None,
    method: Literal["minres", "ml", "pa"] = "minres",
    *,
    flip: bool = True,
    score: str | None = None,
    n_obs: int | None = None,
    nan_policy: NanPolicy = "pairwise",
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

    See Also
    --------
    servqual.efa

    Notes
    -----
    The factors of an m-factor solution (varimax, then oblimin from it, as
    ``psych::schmid``) are factored by one factor of their correlations Φ, giving
    loadings γ. Item loadings on g are Λγ; on group factor k, λ_ik·√(1 − γ_k²).
    With V_t the sum of all correlations, ω_h = (Σ g_i)²/V_t and
    ω_total = (V_t − Σ u²_i)/V_t, u² = 1 − h² (h² the communalities). Matches
    ``psych::omega(x, nfactors)`` (``$omega_h``, ``$omega.tot``, ``$omega.group``,
    ``$schmid$sl``).

    References
    ----------
    Schmid, J., & Leiman, J. M. (1957). The development of hierarchical factor
    solutions. *Psychometrika*, 22, 53–61.
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
    from .survey import Survey

    check_choice(method, "method", ("minres", "ml", "pa"))
    if n_factors is None:
        n_dims = len(data.instrument.model) if isinstance(data, Survey) else 0
        n_factors = n_dims if n_dims >= 2 else 3
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
    if m > 2:
        ex = _efa.extract(phi, 1, method, None, 50 if method == "pa" else 10_000)
        gload = ex.loadings[:, 0]
        if gload.sum() < 0:
            gload = -gload
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
    names = [f"F{k + 1}" for k in range(m)]

    # psych's $omega.group: each item belongs to the group factor it loads most on
    sub = np.argmax(np.abs(sm), axis=1)
    rows = {"g": (omega_total, gsq / vt, 0.0, p)}
    grs = 0.0
    for k, name in enumerate(names):
        items = np.where(sub == k)[0]
        if len(items) == 0:
            rows[name] = (np.nan, np.nan, np.nan, 0)
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
