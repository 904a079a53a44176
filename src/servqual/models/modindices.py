"""Modification indices (score tests for one added parameter), as ``lavaan::modindices``.

The candidate parameters are lavaan's (``lav_partable_full``): loadings of every latent
variable on every observed variable that is not a fixed covariate or a dependent
variable of a regression, residual covariances among the indicators, (co)variances of
the latent variables, and regressions among the variables of the structural part —
less the free parameters of the model (its fixed parameters, such as marker loadings,
are candidates too: they are tested at their fixed value). For a candidate ``j`` with the model's free parameters
``f`` (unit expected information ``I`` of the extended model, evaluated at the estimates
with the candidate at 0 or its fixed value, and ``s_j = ½ ∂F/∂θ_j``):

    V_j = I_jj − I_jf I_ff⁻¹ I_fj,  mi = N s_j² / V_j,  epc = −s_j / V_j

(Sörbom, 1989; Saris, Satorra & Sörbom, 1987). Candidates with ``V_j`` below
``eps^(1/3)`` are not identified in the extended model and are dropped, as in lavaan.
``sepc_all`` is the EPC standardized like a parameter of that row (``std.all``, residual
covariances as correlations of the residuals).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from .._results import TableResult, result_class
from ..exceptions import DataError
from .estimate import discrepancy, expected_hessian
from .matrices import RAM
from .result import SEMResult, _std_factors

__all__ = ["ModificationIndicesResult", "modification_indices"]


@result_class
class ModificationIndicesResult(TableResult):
    """Result of :func:`modification_indices`: one row per candidate parameter with
    ``lhs``, ``op``, ``rhs``, ``mi``, ``epc``, ``sepc_lv`` and ``sepc_all``, sorted by
    ``mi`` (largest first) when ``sort=True``."""

    n: int

    @property
    def header(self) -> str:
        return f"Modification indices · {len(self._table)} candidate parameters · n={self.n}"


def _lower(names: list[str]) -> list[tuple[str, str]]:
    return [(names[j], names[i]) for j in range(len(names)) for i in range(j, len(names))]


def _candidates(fit) -> list[tuple[str, str, str]]:
    pt = fit._pt
    t = pt.table
    ov, lv, ov_x = list(pt.ov), list(pt.lv), list(pt.ov_x)
    ov_nox = [v for v in ov if v not in ov_x]
    reg = t[t["op"] == "~"]
    eqs = list(dict.fromkeys(list(reg["lhs"]) + list(reg["rhs"])))
    ov_ind = [v for v in dict.fromkeys(t.loc[t["op"] == "=~", "rhs"]) if v not in lv]
    eqs_y = list(dict.fromkeys(reg["lhs"]))
    out = [(f, "=~", v) for f in lv for v in ov_nox if v not in eqs_y]
    other = [v for v in ov if v not in ov_ind]
    out += [(a, "~~", b) for a, b in _lower(ov_nox) if a not in other and b not in other]
    out += [(a, "~~", b) for a, b in _lower(lv)]
    out += [(y, "~", x) for y in eqs for x in eqs if y != x and not (y in ov_ind and x in lv)]
    # fixed covariates stay fixed: their moments and their own regressions are not candidates
    out = [c for c in out if not (c[0] in ov_x and c[1] in ("~", "~~"))]
    free = t[t["par"] >= 0]
    have = set(zip(free["lhs"], free["op"], free["rhs"], strict=True))
    have |= {(b, o, a) for a, o, b in have if o == "~~"}
    return [c for c in out if c not in have]


def modification_indices(
    fit, *, sort: bool = True, minimum_value: float = 0.0
) -> ModificationIndicesResult:
    """Modification indices of a fitted :func:`~servqual.sem` model, as ``lavaan::modindices``.

    Parameters
    ----------
    fit : SEMResult
        The fitted model.
    sort : bool, default True
        Sort by ``mi``, largest first (lavaan's ``sort. = TRUE``).
    minimum_value : float, default 0
        Keep only candidates with ``mi`` above this value.

    Returns
    -------
    ModificationIndicesResult
        ``lhs``, ``op``, ``rhs``, ``mi`` (the score statistic, χ² with 1 df),
        ``epc`` (expected parameter change), ``sepc_lv`` and ``sepc_all`` (the EPC
        standardized as ``std.lv`` and ``std.all``).

    Notes
    -----
    See :mod:`servqual.models.modindices` for the candidate set and the formulas. Uses the
    expected information (lavaan's default ``information = "expected"``).
    """
    if not isinstance(fit, SEMResult):
        raise DataError(f"fit must be a SEMResult from servqual.sem(), got {type(fit).__name__}.")
    if fit.missing != "listwise":
        raise DataError(
            "modification_indices is not available for a model fitted with "
            f"missing={fit.missing!r} yet; refit with missing='listwise' to screen candidates."
        )
    if fit.group is not None:
        raise DataError(
            f"modification_indices is not available for a multi-group fit (group={fit.group!r}) "
            "yet; use sq.score_tests(fit) for the equality constraints across groups, or fit "
            "one group at a time."
        )
    if fit.estimator == "wlsmv":  # --- WLSMV (models/dwls.py) ---
        raise DataError(
            "modification_indices is not available for a WLSMV fit (ordered=) yet: its "
            "score tests would need the DWLS information; screen candidates with an ML fit "
            "of the same model, then refit with ordered=."
        )
    pt = fit._pt
    cands = _candidates(fit)
    cols = ["lhs", "op", "rhs", "mi", "epc", "sepc_lv", "sepc_all"]
    if not cands:
        return ModificationIndicesResult(_table=pd.DataFrame(columns=cols), n=fit.n)
    q = pt.n_free
    table = pt.table.copy()
    where = {}
    for k, (a, o, b) in enumerate(zip(table["lhs"], table["op"], table["rhs"], strict=True)):
        where[(a, o, b)] = k
        if o == "~~":
            where[(b, o, a)] = k
    rows: Any = []
    start: list[Any] = []
    added = []
    for c in cands:
        if c in where:  # a fixed parameter of the model (a marker loading, a fixed variance)
            k = where[c]
            value = table.at[k, "ustart"]
            table.loc[k, ["free", "par"]] = [True, q + len(rows)]
            rows.append(k)
        else:
            added.append(
                {
                    "lhs": c[0],
                    "op": c[1],
                    "rhs": c[2],
                    "user": 10,
                    "free": True,
                    "ustart": np.nan,
                    "label": "",
                    "exo": 0,
                    "par": q + len(rows),
                }
            )
            rows.append(len(table) + len(added) - 1)
            value = 0.0
        start.append(0.0 if not np.isfinite(value) else float(value))
    table = pd.concat([table, pd.DataFrame(added, columns=table.columns)], ignore_index=True)
    table["par"] = table["par"].astype(int)
    ext = replace(pt, table=table, n_free=q + len(cands))
    ram = RAM(ext)
    s = fit.sample_cov.to_numpy()
    ram.set_exogenous(s)
    x = np.concatenate([fit._est, start])
    g = discrepancy(ram, x, s, float(np.linalg.slogdet(s)[1]))[1]
    info = 0.5 * expected_hessian(ram, x)
    i22 = info[:q, :q]
    i12 = info[q:, :q]
    v = np.diag(info[q:, q:]) - np.einsum("ij,ji->i", i12, np.linalg.solve(i22, i12.T))
    score = 0.5 * g[q:]
    ok = v >= np.finfo(float).eps ** (1 / 3)
    with np.errstate(divide="ignore", invalid="ignore"):
        mi = np.where(ok, fit.n * score**2 / v, np.nan)
        epc = np.where(ok, -score / v, np.nan)
    rows = np.array(rows)
    # x holds the fitted values: the extended model's variances are the fitted model's
    sepc_all = epc * _std_factors(ram, x, "all")[rows]
    sepc_lv = epc * _std_factors(ram, x, "lv")[rows]
    table = pd.DataFrame(
        {
            "lhs": [c[0] for c in cands],
            "op": [c[1] for c in cands],
            "rhs": [c[2] for c in cands],
            "mi": mi,
            "epc": epc,
            "sepc_lv": sepc_lv,
            "sepc_all": sepc_all,
        }
    )
    table = table[ok]
    if sort:
        table = table.sort_values("mi", ascending=False, kind="stable")
    if minimum_value > 0:
        table = table[table["mi"] > minimum_value]
    table.index = pd.Index(
        [f"{a}{o}{b}" for a, o, b in zip(table["lhs"], table["op"], table["rhs"], strict=True)],
        name="parameter",
    )
    return ModificationIndicesResult(_table=table, n=fit.n)
