"""WLSMV: diagonally weighted least squares for ordinal (Likert) indicators, with robust
standard errors and the mean-and-variance adjusted (scaled-and-shifted) test, as
``lavaan::cfa(model, data, ordered = TRUE)`` (lavaan 0.6's defaults).

Delta parameterization (lavaan's default): every ordinal variable ``y_j`` has a
standard-normal latent response ``y*_j``; the model for the latent responses is the
usual ``Σ* = F(I−A)⁻¹S(I−A)⁻ᵀFᵀ`` with the residual variances of the ``y*`` *not*
parameters but ``θ_jj = 1 − [Σ*]_jj`` (computed with ``θ_jj = 0``), so that
``diag Σ* = 1`` and the model-implied polychoric correlations are the off-diagonal
elements of Σ*. Thresholds are free parameters (one per cut point, rows ``"x|t1"``);
intercepts and latent means are 0 and the scaling factors (``~*~``) 1, as lavaan fixes
them.

* Estimates minimise ``F = ½ (s − σ(θ))' W (s − σ(θ))`` over the thresholds and the
  polychoric correlations ``s`` (lavaan's ``fmin``), ``W = diag(Γ)⁻¹``: with a diagonal
  weight the thresholds are fitted exactly, so the structural parameters minimise the
  weighted correlation residuals (Gauss–Newton steps with step halving).
* Robust ("sandwich") covariance: ``N⁻¹ (Δ'WΔ)⁻¹ Δ'WΓWΔ (Δ'WΔ)⁻¹`` (Muthén, du Toit &
  Spisic 1997), ``Δ = ∂σ/∂θ'``.
* Test: ``T = 2N·F``, and with ``U = W − WΔ(Δ'WΔ)⁻¹Δ'W``, ``a = √(df / tr[(UΓ)²])``,
  ``b = df − a·tr(UΓ)``: ``T_ss = a·T + b`` (Asparouhov & Muthén 2010; lavaan's
  ``scaled.shifted``: ``chisq.scaling.factor = 1/a``, shift ``b``). The baseline model
  frees the thresholds only (all correlations 0).
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .._fitindex import _cfi, _rmsea_ci
from .._validation import fmt_list
from ..exceptions import (
    ConvergenceError,
    DataError,
    InstrumentError,
    ServqualWarning,
)
from .matrices import RAM
from .mixed import mixed_stats
from .ordinal import _lower_pairs, ordinal_stats
from .partable import ParTable, build_partable
from .result import (
    SEMResult,
    WLSParts,
    _definitions,
    _effects,
    _evaluate_defined,
    _improper,
    _standardized,
    parameter_table,
    r_squared,
    warn_improper,
)
from .start import start_values
from .syntax import parse_model
from .vcov import delta_se

__all__ = ["WLSMV_FIT_NAMES", "wlsmv_sem"]

WLSMV_FIT_NAMES = (
    "npar",
    "fmin",
    "chisq",
    "df",
    "pvalue",
    "chisq_scaled",
    "df_scaled",
    "pvalue_scaled",
    "chisq_scaling_factor",
    "chisq_shift_parameters",
    "baseline_chisq",
    "baseline_df",
    "baseline_pvalue",
    "baseline_chisq_scaled",
    "baseline_df_scaled",
    "baseline_pvalue_scaled",
    "baseline_chisq_scaling_factor",
    "baseline_chisq_shift_parameters",
    "cfi",
    "tli",
    "nnfi",
    "nfi",
    "ifi",
    "cfi_scaled",
    "tli_scaled",
    "nnfi_scaled",
    "nfi_scaled",
    "ifi_scaled",
    "ntotal",
    "rmsea",
    "rmsea_ci_lower",
    "rmsea_ci_upper",
    "rmsea_pvalue",
    "rmsea_scaled",
    "rmsea_ci_lower_scaled",
    "rmsea_ci_upper_scaled",
    "rmsea_pvalue_scaled",
    "cfi_robust",
    "tli_robust",
    "nnfi_robust",
    "rmsea_robust",
    "rmsea_ci_lower_robust",
    "rmsea_ci_upper_robust",
    "rmsea_pvalue_robust",
    "srmr",
    "wrmr",
)

_MAXIT = 500


@dataclasses.dataclass
class _Model:
    """The parameter table with the residual variances of the ordinal variables turned
    into derived values (the last entries of the full parameter vector, one per ordinal
    variable); continuous variables keep free residual variances."""

    pt: ParTable
    ram: RAM
    q: int  # structural free parameters (optimised)
    theta_par: np.ndarray  # full-vector index of θ_jj of each ordinal variable
    ord_idx: np.ndarray  # positions of the ordinal variables among the observed ones
    num_idx: np.ndarray  # positions of the continuous ones
    rows_i: np.ndarray
    rows_j: np.ndarray

    def full(self, x: np.ndarray) -> np.ndarray:
        """Structural parameters → full vector with θ_jj = 1 − [Σ*(θ_jj = 0)]_jj."""
        z = np.concatenate([x, np.zeros(len(self.theta_par), dtype=x.dtype)])
        sig0 = self.ram.sigma(z)
        z[self.theta_par] = 1.0 - np.diag(sig0)[self.ord_idx]
        return z

    def sigma_cor(self, x: np.ndarray) -> np.ndarray:
        """Model moments: variances of the continuous variables, then the covariances
        (correlations between latent responses) below the diagonal (lavaan's order)."""
        sig = self.ram.sigma(np.concatenate([x, np.zeros(len(self.theta_par), dtype=x.dtype)]))
        return np.concatenate([sig[self.num_idx, self.num_idx], sig[self.rows_i, self.rows_j]])

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """∂σ/∂θ' of :meth:`sigma_cor`, (n_num + m, q)."""
        d = self.ram.delta(np.concatenate([x, np.zeros(len(self.theta_par))]))
        return np.vstack(
            [d[: self.q, self.num_idx, self.num_idx].T, d[: self.q, self.rows_i, self.rows_j].T]
        )


@dataclasses.dataclass
class _Stats:
    """Sample statistics in lavaan's order: ``slots`` (thresholds; −mean of a continuous
    variable), then ``struct`` (variances of the continuous variables, then covariances
    below the diagonal), with Γ over all of them."""

    names: tuple[str, ...]
    n: int
    slots: np.ndarray
    slot_names: tuple[str, ...]
    slot_num: np.ndarray  # bool: the slot is a continuous variable's mean
    cov: np.ndarray  # p × p sample moments (ordinal: correlations, diagonal 1)
    gamma: np.ndarray
    dropped: tuple[Any, ...]
    empty_pairs: tuple[tuple[str, str], ...]
    n_var: int  # number of continuous variances at the start of the structured part
    thresholds: pd.Series  # the thresholds of the ordinal variables

    @property
    def th(self) -> np.ndarray:
        return self.slots

    @property
    def cor(self) -> np.ndarray:
        return self.cov


def _stats(frame: pd.DataFrame, names: list[str], ordinal: set[str], nan_policy: str) -> _Stats:
    if set(names) <= ordinal:
        st = ordinal_stats(frame, names, nan_policy)
        return _Stats(
            names=tuple(names),
            n=st.n,
            slots=st.th,
            slot_names=st.th_names,
            slot_num=np.zeros(len(st.th), dtype=bool),
            cov=st.cor,
            gamma=st.gamma,
            dropped=st.dropped,
            empty_pairs=st.empty_pairs,
            n_var=0,
            thresholds=pd.Series(st.th, index=pd.Index(list(st.th_names), name="threshold")),
        )

    ms = mixed_stats(frame, names, ordinal, nan_policy)
    is_num = np.array([nm.endswith("~1") for nm in ms.th_names])
    return _Stats(
        names=tuple(names),
        n=ms.n,
        slots=ms.th,
        slot_names=ms.th_names,
        slot_num=is_num,
        cov=ms.cov,
        gamma=ms.gamma,
        dropped=ms.dropped,
        empty_pairs=ms.empty_pairs,
        n_var=len(ms.var),
        thresholds=pd.Series(
            ms.th[~is_num],
            index=pd.Index(
                [nm for nm, k in zip(ms.th_names, is_num, strict=True) if not k], name="threshold"
            ),
        ),
    )


def _resolve_ordered(ordered: Any, pt: ParTable, columns: list[str]) -> set[str]:
    """Check ``ordered`` (True or names) against the model's observed variables; the
    set of ordinal variables."""
    if isinstance(ordered, bool | np.bool_) and ordered:
        return set(pt.ov)
    if isinstance(ordered, str):
        ordered = [ordered]
    if isinstance(ordered, np.ndarray | pd.Index | pd.Series):
        ordered = list(ordered)
    if not isinstance(ordered, Sequence) or isinstance(ordered, bytes) or not ordered:
        raise DataError(
            "ordered must be True (every observed model variable is ordinal) or a list of "
            f"column names, got {ordered!r}."
        )
    names = [str(v) for v in ordered]
    not_col = [v for v in names if v not in columns]
    if not_col:
        raise DataError(f"ordered names {fmt_list(not_col)}, which are not columns of the data.")
    not_ov = [v for v in names if v not in pt.ov]
    if not_ov:
        raise DataError(
            f"ordered names {fmt_list(not_ov)}, which are not observed variables of the "
            f"model (those are {fmt_list(list(pt.ov))})."
        )
    return set(names)


def _build_model(pt0: ParTable, ordinal: set[str]) -> _Model:
    t = pt0.table.copy()
    ov = list(pt0.ov)
    ov_ord = [v for v in ov if v in ordinal]
    if pt0.ov_x:
        raise InstrumentError(
            f"WLSMV: observed predictors {fmt_list(list(pt0.ov_x))} (exogenous covariates) are "
            "not supported with ordered variables yet; model them as indicators of latent "
            "variables."
        )
    reg_x = sorted(set(t.loc[(t["op"] == "~") & t["rhs"].isin(ov_ord), "rhs"]))
    if reg_x:
        raise InstrumentError(
            f"WLSMV: the ordinal variable(s) {fmt_list(reg_x)} predict other variables (~); "
            "in the delta parameterization ordinal variables can only be indicators or "
            "outcomes."
        )
    is_var = (t["op"] == "~~") & (t["lhs"] == t["rhs"]) & t["lhs"].isin(ov_ord)
    user_var = t.loc[is_var & (t["user"] == 1), "lhs"].tolist()
    if user_var:
        raise InstrumentError(
            f"WLSMV: {fmt_list(user_var)} ~~ itself is written in the model, but the residual "
            "variances of ordinal variables are not parameters in the delta "
            "parameterization (they are 1 − R²); remove those statements."
        )
    # renumber: structural free parameters first, then one derived θ_jj per variable
    par = t["par"].to_numpy().copy()
    struct = sorted({int(v) for v in par[(~is_var.to_numpy()) & (par >= 0)]})
    remap = {old: new for new, old in enumerate(struct)}
    new_par = np.array([remap.get(int(v), -1) if v >= 0 else -1 for v in par])
    q = len(struct)
    var_rows = np.flatnonzero(is_var.to_numpy())
    theta_par = np.zeros(len(ov_ord), dtype=np.intp)
    for k, row in enumerate(var_rows):
        new_par[row] = q + k
        theta_par[ov_ord.index(t["lhs"].iat[row])] = q + k
    t["par"] = new_par
    t.loc[is_var, "free"] = False  # derived, not estimated (lavaan: free = 0)
    t.loc[is_var, "ustart"] = np.nan
    pt = dataclasses.replace(pt0, table=t, n_free=q + len(var_rows))
    ram = RAM(pt)  # the derived rows have par >= 0: RAM places them like free ones
    i, j = _lower_pairs(len(ov))
    ord_idx = np.array([ov.index(v) for v in ov_ord], dtype=np.intp)
    num_idx = np.array([k for k, v in enumerate(ov) if v not in ordinal], dtype=np.intp)
    return _Model(pt, ram, q, theta_par, ord_idx, num_idx, i, j)


def gauss_newton(
    sigma: Callable[[np.ndarray], np.ndarray],
    jacobian: Callable[[np.ndarray], np.ndarray],
    s: np.ndarray,
    w: np.ndarray,
    x0: np.ndarray,
    *,
    gtol: float,
    what: str,
    hint: str,
) -> tuple[np.ndarray, float, int]:
    """Gauss–Newton minimisation of ½ Σ w (s − σ(θ))² with step halving (the DWLS fit of
    one group and of several); ``what`` and ``hint`` word the ConvergenceError."""

    def f_of(x: np.ndarray) -> float:
        e = s - sigma(x)
        return 0.5 * float(np.sum(w * e * e))

    x = x0.astype(float)
    f = f_of(x)
    it = 0
    for it in range(1, _MAXIT + 1):  # noqa: B007
        e = s - sigma(x)
        jac = jacobian(x)
        jw = jac.T * w
        grad = -(jw @ e)
        if np.max(np.abs(grad)) < gtol:
            break
        try:
            step = np.linalg.solve(jw @ jac, -grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(jw @ jac, -grad, rcond=None)[0]
        t = 1.0
        while t > 1e-10:
            xn = x + t * step
            fn = f_of(xn)
            if np.isfinite(fn) and fn <= f + 1e-15 * max(f, 1.0):
                break
            t /= 2
        else:
            break
        small = np.max(np.abs(xn - x)) < 1e-13 * (1 + np.max(np.abs(x)))
        x, f = xn, fn
        if small:
            break
    e = s - sigma(x)
    grad = -(jacobian(x).T * w) @ e
    if not np.all(np.isfinite(x)) or np.max(np.abs(grad)) > 1e-6:
        raise ConvergenceError(
            f"The {what} did not converge (largest gradient "
            f"{np.max(np.abs(grad)):.2g} after {it} iterations). The model may not be "
            f"identified: {hint}."
        )
    return x, f, it


def _dwls_fit(mod: _Model, r: np.ndarray, w: np.ndarray, x0: np.ndarray) -> tuple[Any, ...]:
    """Gauss–Newton minimisation of ½ Σ w (r − σ(θ))²."""
    return gauss_newton(
        mod.sigma_cor,
        mod.jacobian,
        r,
        w,
        x0,
        gtol=1e-12,
        what="DWLS estimation",
        hint="check the syntax and fix a loading or a variance per latent variable",
    )


def _scaled_shifted(
    t: float, df: float, ug_trace: float, ug2_trace: float
) -> tuple[float, float, float]:
    """(T_ss, scaling factor 1/a, shift b) of Asparouhov & Muthén (2010)."""
    if df <= 0:
        return float("nan"), float("nan"), float("nan")
    a = np.sqrt(df / ug2_trace)
    shift = df - a * ug_trace
    return float(a * t + shift), float(1.0 / a), float(shift)


def _fit_measures(
    st: _Stats, mod: _Model, e: np.ndarray, r: np.ndarray, w: np.ndarray, jac: np.ndarray
) -> dict[str, float]:
    n = st.n
    m = len(r)
    n_th = len(st.th)
    q = mod.q
    gcc = st.gamma[n_th:, n_th:]
    # lavaan's categorical test statistic is (N − 1)·Σ w e² (its fmin = chisq / 2N)
    x2 = (n - 1.0) * float(np.sum(w * e * e))
    fmin = x2 / (2.0 * n)
    df = m - q
    # U Γ on the correlation block (the thresholds are fitted exactly: U's threshold
    # rows and columns are 0)
    wj = jac * w[:, None]
    info = jac.T @ wj
    # a singular information matrix (a model that is not identified): no scaled test,
    # as lavaan ("could not invert information matrix needed for robust test statistic")
    singular = q > 0 and np.linalg.cond(info) > 1e14
    if singular:
        x2s = c = shift = float("nan")
    else:
        u = np.diag(w) - wj @ np.linalg.solve(info, wj.T) if q else np.diag(w)
        ug = u @ gcc
        x2s, c, shift = _scaled_shifted(x2, df, float(np.trace(ug)), float(np.sum(ug * ug.T)))
    # baseline: thresholds, means and variances free, all covariances 0
    nv = st.n_var
    x2_b = (n - 1.0) * float(np.sum(w[nv:] * r[nv:] * r[nv:]))
    df_b = m - nv
    ug_b = w[nv:, None] * gcc[nv:, nv:]
    x2s_b, c_b, shift_b = _scaled_shifted(
        x2_b, df_b, float(np.trace(ug_b)), float(np.sum(ug_b * ug_b.T))
    )
    cfi, tli = _cfi(x2, df, x2_b, df_b)
    cfi_s, tli_s = _cfi(x2s, df, x2s_b, df_b)

    def nfi_ifi(a: float, b: float) -> tuple[float, float]:
        nfi = (b - a) / b
        ifi = (b - a) / (b - df)
        return float(nfi), float(ifi)

    nfi, ifi = nfi_ifi(x2, x2_b)
    nfi_s, ifi_s = nfi_ifi(x2s, x2s_b)

    n1 = n - 1.0  # lavaan's N − 1 for categorical data

    def rmsea(x: float) -> tuple[float, float, float, float]:
        if not np.isfinite(x):
            return (float("nan"),) * 4
        if df <= 0:
            return 0.0, 0.0, 0.0, float("nan")
        value = float(np.sqrt(max((x - df) / (n1 * df), 0.0)))
        lo, hi = _rmsea_ci(x, df, n1)
        pv = float(stats.ncx2.sf(x, df, n1 * df * 0.05**2))
        return value, lo, hi, pv

    rm, rm_lo, rm_hi, rm_p = rmsea(x2)
    rms, rms_lo, rms_hi, rms_p = rmsea(x2s)
    p = len(st.names)
    robust = _catml_robust(st, mod, e, w, wj, info, gcc, df, n, n1)
    # SRMR: residuals of the correlations (model and sample each standardized by their
    # own variances; the latent responses have variance 1)
    s_mat = st.cov
    sig = s_mat.copy()
    sig[mod.num_idx, mod.num_idx] -= e[:nv]
    sig[mod.rows_i, mod.rows_j] -= e[nv:]
    sig[mod.rows_j, mod.rows_i] -= e[nv:]
    d_s = 1.0 / np.sqrt(np.diag(s_mat))
    d_m = 1.0 / np.sqrt(np.abs(np.diag(sig)))
    res = s_mat * np.outer(d_s, d_s) - sig * np.outer(d_m, d_m)
    low = np.tril_indices(p)
    srmr = float(np.sqrt(np.mean(res[low] ** 2)))
    full_e = np.concatenate([np.zeros(n_th), e])
    wrmr = float(np.sqrt(np.sum(full_e**2 / np.diag(st.gamma)) * n1 / (n_th + m)))

    def pval(x: float, d: float) -> float:
        return float(stats.chi2.sf(x, d)) if d > 0 else float("nan")

    return {
        "npar": float(q + n_th),
        "fmin": fmin,
        "chisq": x2,
        "df": float(df),
        "pvalue": pval(x2, df),
        "chisq_scaled": x2s,
        "df_scaled": float(df),
        "pvalue_scaled": pval(x2s, df),
        "chisq_scaling_factor": c,
        "chisq_shift_parameters": shift,
        "baseline_chisq": x2_b,
        "baseline_df": float(df_b),
        "baseline_pvalue": pval(x2_b, df_b),
        "baseline_chisq_scaled": x2s_b,
        "baseline_df_scaled": float(df_b),
        "baseline_pvalue_scaled": pval(x2s_b, df_b),
        "baseline_chisq_scaling_factor": c_b,
        "baseline_chisq_shift_parameters": shift_b,
        "cfi": cfi,
        "tli": tli,
        "nnfi": tli,
        "nfi": nfi,
        "ifi": ifi,
        "cfi_scaled": cfi_s,
        "tli_scaled": tli_s,
        "nnfi_scaled": tli_s,
        "nfi_scaled": nfi_s,
        "ifi_scaled": ifi_s,
        "ntotal": float(n),
        "rmsea": rm,
        "rmsea_ci_lower": rm_lo,
        "rmsea_ci_upper": rm_hi,
        "rmsea_pvalue": rm_p,
        "rmsea_scaled": rms,
        "rmsea_ci_lower_scaled": rms_lo,
        "rmsea_ci_upper_scaled": rms_hi,
        "rmsea_pvalue_scaled": rms_p,
        **robust,
        "srmr": srmr,
        "wrmr": wrmr,
    }


def _catml_robust(
    st: _Stats,
    mod: _Model,
    e: np.ndarray,
    w: np.ndarray,
    wj: np.ndarray,
    info: np.ndarray,
    gcc: np.ndarray,
    df: float,
    n: int,
    n1: float,
) -> dict[str, float]:
    """lavaan 0.6's "robust" CFI/TLI/RMSEA for categorical data (Savalei, 2021;
    ``lav_fit_catml_dwls``): the ML discrepancy of the polychoric matrix R at the DWLS
    estimates, ``X3 = N·F_ML(R, Σ̂)``, with ``ĉ = tr(Uᵀ V U Γ)/df``, ``U = I − Δ(Δ'WΔ)⁻¹Δ'W``
    and V the normal-theory weight of the correlations at Σ̂; the baseline
    ``X3₀ = −N log|R|`` with ``ĉ₀ = tr(Γ)/df₀``. NaN when R is not positive definite
    (eigenvalue below √eps), as lavaan."""
    names = (
        "cfi_robust",
        "tli_robust",
        "nnfi_robust",
        "rmsea_robust",
        "rmsea_ci_lower_robust",
        "rmsea_ci_upper_robust",
        "rmsea_pvalue_robust",
    )
    r_mat = st.cor
    p = len(r_mat)
    singular = info.size > 0 and np.linalg.cond(info) > 1e14
    if (
        st.n_var  # lavaan: not with continuous variables
        or singular
        or df <= 0
        or np.linalg.eigvalsh(r_mat)[0] < np.sqrt(np.finfo(float).eps)
    ):
        return dict.fromkeys(names, float("nan"))
    sig = r_mat.copy()
    sig[mod.rows_i, mod.rows_j] -= e
    sig[mod.rows_j, mod.rows_i] -= e
    try:
        sig_inv = np.linalg.inv(sig)
        logdet_sig = np.linalg.slogdet(sig)[1]
    except np.linalg.LinAlgError:
        return dict.fromkeys(names, float("nan"))
    logdet_r = np.linalg.slogdet(r_mat)[1]
    x3 = n * float(logdet_sig + np.sum(r_mat * sig_inv) - logdet_r - p)
    x3_b = -n * float(logdet_r)
    a, b = mod.rows_i, mod.rows_j
    v = (
        sig_inv[np.ix_(a, a)] * sig_inv[np.ix_(b, b)]
        + sig_inv[np.ix_(a, b)] * sig_inv[np.ix_(b, a)]
    )
    jac = wj / w[:, None]
    u = np.eye(len(w)) - (jac @ np.linalg.solve(info, wj.T) if jac.shape[1] else 0.0)
    c = float(np.sum((u.T @ v @ u) * gcc.T)) / df
    df_b = float(len(w))
    c_b = float(np.trace(gcc)) / df_b
    cfi, tli = _cfi(x3, df, x3_b, df_b, c, c_b)
    rmsea = float(np.sqrt(max(x3 / n1 / df - c / n1, 0.0)))
    x3s = x3 / c
    lo, hi = _rmsea_ci(x3s, df, n1)
    return {
        "cfi_robust": cfi,
        "tli_robust": tli,
        "nnfi_robust": tli,
        "rmsea_robust": rmsea,
        "rmsea_ci_lower_robust": float(np.sqrt(c) * lo),
        "rmsea_ci_upper_robust": float(np.sqrt(c) * hi),
        "rmsea_pvalue_robust": float(stats.ncx2.sf(x3s, df, n1 * df * 0.05**2 / c)),
    }


def wlsmv_sem(
    frame: pd.DataFrame,
    model: str,
    *,
    ordered: Any,
    std_lv: bool,
    nan_policy: str,
    level: float,
) -> Any:
    """Fit ``model`` to the ordinal columns of ``frame`` by WLSMV; an :class:`SEMResult`."""

    statements, defined = parse_model(model)
    columns = [str(c) for c in frame.columns]
    pt0 = build_partable(statements, defined, columns, bool(std_lv))
    ordinal = _resolve_ordered(ordered, pt0, columns)
    mod = _build_model(pt0, ordinal)
    pt, ram = mod.pt, mod.ram
    st = _stats(frame, list(pt.ov), ordinal, nan_policy)
    if st.empty_pairs:
        shown = ", ".join(f"{a}×{b}" for a, b in st.empty_pairs[:8])
        more = f" and {len(st.empty_pairs) - 8} more" if len(st.empty_pairs) > 8 else ""
        warnings.warn(
            f"WLSMV: {len(st.empty_pairs)} pair(s) of ordinal variables have empty cells in "
            f"their cross-table ({shown}{more}); as lavaan, no correction is added (the "
            "polychoric correlations use the observed counts).",
            ServqualWarning,
            stacklevel=3,
        )
    n = st.n
    n_th = len(st.th)  # threshold slots (a continuous variable's mean counts as one)
    r = np.concatenate([st.cov[mod.num_idx, mod.num_idx], st.cov[mod.rows_i, mod.rows_j]])
    m = len(r)
    gamma_diag = np.diag(st.gamma)
    w_all = 1.0 / gamma_diag
    w = w_all[n_th:]
    if mod.q > m:
        raise InstrumentError(
            f"The model has {mod.q} free parameters (besides the thresholds) but only {m} "
            f"polychoric correlations and variances (df = {m - mod.q}); it is not "
            "identified."
        )
    # start values from the polychoric matrix (structural parameters only)
    x0_full = start_values(pt, ram, st.cor)
    x, _f, nit = _dwls_fit(mod, r, w, x0_full[: mod.q])
    xf = mod.full(x)
    e = r - mod.sigma_cor(x)
    jac = mod.jacobian(x)

    # robust covariance of (structural parameters, thresholds)
    q_all = mod.q + n_th
    delta = np.zeros((n_th + m, q_all))
    delta[n_th:, : mod.q] = jac
    # a threshold slot is the threshold, or −(intercept) of a continuous variable
    delta[:n_th, mod.q :] = np.diag(np.where(st.slot_num, -1.0, 1.0))
    wd = delta * w_all[:, None]
    info = delta.T @ wd
    try:
        info_inv = np.linalg.inv(info)
        if np.linalg.cond(info) > 1e14:
            raise np.linalg.LinAlgError
        vcov = info_inv @ (wd.T @ st.gamma @ wd) @ info_inv / (n - 1.0)
    except np.linalg.LinAlgError:
        warnings.warn(
            "WLSMV: the information matrix Δ'WΔ is singular (the model may not be "
            "identified); standard errors are NaN.",
            ServqualWarning,
            stacklevel=3,
        )
        vcov = np.full((q_all, q_all), np.nan)
    fit = _fit_measures(st, mod, e, r, w, jac)
    se_struct = np.sqrt(np.clip(np.diag(vcov)[: mod.q], 0.0, None))
    se_th = np.sqrt(np.clip(np.diag(vcov)[mod.q :], 0.0, None))

    # the table, in lavaan's order: written rows, thresholds, default rows, scaling
    # factors (~*~, fixed 1), intercepts (~1, fixed 0), defined parameters
    t = pt.table
    values = ram.row_values(xf)
    par = t["par"].to_numpy()
    free = par >= 0
    free[par >= mod.q] = False
    se_rows = np.zeros(len(t))
    se_rows[free] = se_struct[par[free]]
    std_all = _standardized(ram, xf, "all")
    std_lvv = _standardized(ram, xf, "lv")
    n_user = int((t["user"] == 1).sum())
    codes = _definitions(pt)
    if codes:

        def dfun(z: np.ndarray) -> np.ndarray:
            return _evaluate_defined(pt, codes, ram.row_values(mod.full(z[: mod.q])))

        dval = dfun(np.concatenate([x, st.th]))
        dse = delta_se(dfun, np.concatenate([x, st.th]), vcov)
        dstd_all = _evaluate_defined(pt, codes, std_all)
        dstd_lv = _evaluate_defined(pt, codes, std_lvv)
    else:
        dval = dse = dstd_all = dstd_lv = np.zeros(0)
    is_th = ~st.slot_num
    th_names = [nm for nm, k in zip(st.slot_names, is_th, strict=True) if k]
    th_lhs = [nm.split("|")[0] for nm in th_names]
    th_rhs = [nm.split("|")[1] for nm in th_names]
    n_thr = len(th_names)
    ov, lv = list(pt.ov), list(pt.lv)
    ov_ord = [v for v in ov if v in ordinal]
    k_ord = len(ov_ord)
    k_int = len(ov) + len(lv)
    # intercepts: free (the sample mean) for continuous variables, 0 for the others
    int_free = np.array([v not in ordinal for v in ov] + [False] * len(lv))
    int_est = np.zeros(k_int)
    int_se = np.zeros(k_int)
    slot_of = {nm[:-2]: k for k, nm in enumerate(st.slot_names) if st.slot_num[k]}
    model_sd = np.sqrt(np.diag(ram.implied_all(xf)))
    int_std = np.zeros(k_int)
    for k, v in enumerate(ov):
        if v in slot_of:
            int_est[k] = -st.slots[slot_of[v]]
            int_se[k] = se_th[slot_of[v]]
            int_std[k] = int_est[k] / model_sd[k]
    blocks: list[dict[str, Any]] = [
        {
            "lhs": list(t["lhs"])[:n_user],
            "op": list(t["op"])[:n_user],
            "rhs": list(t["rhs"])[:n_user],
            "label": list(t["label"])[:n_user],
            "free": free[:n_user],
            "est": values[:n_user],
            "se": se_rows[:n_user],
            "std_lv": std_lvv[:n_user],
            "std_all": std_all[:n_user],
        },
        {
            "lhs": th_lhs,
            "op": ["|"] * n_thr,
            "rhs": th_rhs,
            "label": [""] * n_thr,
            "free": np.ones(n_thr, dtype=bool),
            "est": st.th[is_th],
            "se": se_th[is_th],
            "std_lv": st.th[is_th],
            "std_all": st.th[is_th],
        },
        {
            "lhs": list(t["lhs"])[n_user:],
            "op": list(t["op"])[n_user:],
            "rhs": list(t["rhs"])[n_user:],
            "label": list(t["label"])[n_user:],
            "free": free[n_user:],
            "est": values[n_user:],
            "se": se_rows[n_user:],
            "std_lv": std_lvv[n_user:],
            "std_all": std_all[n_user:],
        },
        {
            "lhs": ov_ord,
            "op": ["~*~"] * k_ord,
            "rhs": ov_ord,
            "label": [""] * k_ord,
            "free": np.zeros(k_ord, dtype=bool),
            "est": np.ones(k_ord),
            "se": np.zeros(k_ord),
            "std_lv": np.ones(k_ord),
            "std_all": np.ones(k_ord),
        },
        {
            "lhs": ov + lv,
            "op": ["~1"] * k_int,
            "rhs": [""] * k_int,
            "label": [""] * k_int,
            "free": int_free,
            "est": int_est,
            "se": int_se,
            "std_lv": int_est,
            "std_all": int_std,
        },
        {
            "lhs": [d.name for d in pt.defined],
            "op": [":="] * len(pt.defined),
            "rhs": [d.expression.replace("**", "^").replace(" ", "") for d in pt.defined],
            "label": [d.name for d in pt.defined],
            "free": np.zeros(len(dval), dtype=bool),
            "est": dval,
            "se": dse,
            "std_lv": dstd_lv,
            "std_all": dstd_all,
        },
    ]
    cols = ["lhs", "op", "rhs", "label", "free", "est", "se", "std_lv", "std_all"]
    data = {c: np.concatenate([np.asarray(b[c], dtype=object) for b in blocks]) for c in cols}
    is_free = data["free"].astype(bool)
    table = parameter_table(
        lhs=list(data["lhs"]),
        op=list(data["op"]),
        rhs=list(data["rhs"]),
        label=list(data["label"]),
        free=is_free,
        est=data["est"].astype(float),
        se=data["se"].astype(float),
        std_lv=data["std_lv"].astype(float),
        std_all=data["std_all"].astype(float),
        level=level,
        has_se=is_free | (data["op"] == ":="),
    )

    # R²: the latent responses (variance 1), then endogenous latent variables
    r2 = r_squared(pt, ram, xf)
    problems = _improper(pt, ram, xf)
    warn_improper(problems, stacklevel=3)
    par_names = [""] * mod.q
    for k in np.flatnonzero(free)[::-1]:
        par_names[par[k]] = f"{t['lhs'].iat[k]}{t['op'].iat[k]}{t['rhs'].iat[k]}"
    par_names += list(st.slot_names)
    ov_index = pd.Index(ov, name="variable")
    implied = ram.sigma(xf)
    stat_names = (
        list(st.slot_names)
        + [f"{ov[a]}~~{ov[a]}" for a in mod.num_idx]
        + [f"{ov[a]}~~{ov[b]}" for a, b in zip(mod.rows_j, mod.rows_i, strict=True)]
    )
    return SEMResult(
        _table=table,
        model=model,
        n=n,
        observed=pt.ov,
        latent=pt.lv,
        estimator="wlsmv",
        std_lv=bool(std_lv),
        level=float(level),
        npar=q_all,
        iterations=nit,
        dropped_rows=st.dropped,
        sample_cov=pd.DataFrame(st.cov, index=ov_index, columns=ov_index),
        implied_cov=pd.DataFrame(implied, index=ov_index, columns=ov_index),
        vcov=pd.DataFrame(vcov, index=par_names, columns=par_names),
        improper=tuple(problems),
        missing="listwise",
        ordered=tuple(ov_ord),
        sample_thresholds=st.thresholds.rename("threshold"),
        gamma=pd.DataFrame(st.gamma, index=stat_names, columns=stat_names),
        _fit=pd.Series({k: fit[k] for k in WLSMV_FIT_NAMES}, name="fit", dtype=float),
        _r2=r2,
        _effects=_wlsmv_effects(pt, ram, x, mod, vcov),
        se_type="robust",
        ci_type="wald",
        n_boot=0,
        n_boot_failed=0,
        n_boot_improper=0,
        _pt=pt,
        _est=xf,
        _wls=WLSParts((delta,), (w_all,), (st.gamma,), np.ones(1)),
    )


def _wlsmv_effects(pt: ParTable, ram: RAM, x: np.ndarray, mod: _Model, vcov: np.ndarray) -> Any:
    """Effects along the regression paths with SEs from the structural block of vcov."""

    q = mod.q
    big = np.zeros((ram.q, ram.q))
    big[:q, :q] = vcov[:q, :q]
    return _effects(pt, ram, mod.full(x), big)
