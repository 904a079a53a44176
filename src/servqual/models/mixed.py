"""Sample statistics for WLSMV with ordinal *and* continuous variables.

As :mod:`servqual.models.ordinal`, extended as lavaan's ``muthen1984`` does for numeric
variables: step 1 estimates the mean ``μ`` and the (ML, divisor N) variance ``v`` of each
continuous variable; step 2 the Pearson correlation of two continuous variables, the
two-step polyserial correlation of a continuous and an ordinal variable (its likelihood
``Σᵢ log P(yᵢ | xᵢ)`` with ``μ``, ``v`` and the thresholds held fixed; Olsson, Drasgow &
Dorans 1982), and the polychoric correlation of two ordinal ones. The statistics are, in
lavaan's order: one "threshold" slot per variable (the thresholds of an ordinal variable,
``−μ`` for a continuous one), the variances of the continuous variables, and the
covariances below the diagonal (correlations rescaled by the standard deviations of the
continuous variables). Γ is the sandwich of the casewise scores of both steps, mapped to
the covariance metric by the Jacobian ``H`` of (correlation, variances) → covariance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special

from .._validation import fmt_list
from ..exceptions import DataError, InsufficientDataError
from ..polychoric import _bvn_cdf, _bvn_density_terms, _cells
from .ordinal import OrdinalStats, _codes, _lower_pairs, _phi, ordinal_stats
from .sample import listwise

__all__ = ["MixedStats", "mixed_stats"]


@dataclass(frozen=True)
class MixedStats:
    """Sample statistics of ordinal and continuous variables (lavaan's order)."""

    names: tuple[str, ...]
    ordinal: np.ndarray  # bool per variable
    n: int
    th: np.ndarray  # slots: thresholds of ordinal variables, −μ of continuous ones
    th_names: tuple[str, ...]  # "x|t1" / "x~1"
    slot_var: np.ndarray  # variable of each slot
    var: np.ndarray  # variances of the continuous variables (in variable order)
    cov: np.ndarray  # p × p: polychoric/polyserial/Pearson, rescaled to covariances
    gamma: np.ndarray  # NACOV of (slots, variances, covariances below the diagonal)
    dropped: tuple[Any, ...]
    empty_pairs: tuple[tuple[str, str], ...]
    th_levels: OrdinalStats  # the ordinal part (thresholds, levels)


def _bvn_scores(z1: np.ndarray, z2: np.ndarray, rho: float, sd1: float, sd2: float) -> Any:
    """Casewise scores of the bivariate normal log-likelihood in (ρ, μ₁, μ₂, v₁, v₂)."""
    one = 1.0 - rho * rho
    q = z1 * z1 - 2 * rho * z1 * z2 + z2 * z2
    d_rho = rho / one + z1 * z2 / one - rho * q / (one * one)
    d_mu1 = (z1 - rho * z2) / (one * sd1)
    d_mu2 = (z2 - rho * z1) / (one * sd2)
    d_v1 = -0.5 / sd1**2 + (z1 * z1 - rho * z1 * z2) / (2 * sd1**2 * one)
    d_v2 = -0.5 / sd2**2 + (z2 * z2 - rho * z1 * z2) / (2 * sd2**2 * one)
    return d_rho, d_mu1, d_mu2, d_v1, d_v2


def _polyserial_terms(rho: float, z: np.ndarray, up: np.ndarray, lo: np.ndarray) -> Any:
    r = np.sqrt(1.0 - rho * rho)
    fu, fl = np.isfinite(up), np.isfinite(lo)
    t1 = np.where(fu, (np.where(fu, up, 0.0) - rho * z) / r, np.inf)
    t2 = np.where(fl, (np.where(fl, lo, 0.0) - rho * z) / r, -np.inf)
    p = np.maximum(special.ndtr(t1) - special.ndtr(t2), np.finfo(float).eps)
    f1 = np.where(fu, _phi(np.where(fu, t1, 0.0)), 0.0)
    f2 = np.where(fl, _phi(np.where(fl, t2, 0.0)), 0.0)
    return r, p, f1, f2


def _polyserial_rho(z: np.ndarray, up: np.ndarray, lo: np.ndarray) -> float:
    """Two-step ML polyserial correlation (thresholds, mean and variance fixed)."""

    def nll(rho: float) -> float:
        return -float(np.sum(np.log(_polyserial_terms(rho, z, up, lo)[1])))

    res = optimize.minimize_scalar(
        nll, bounds=(-0.999, 0.999), method="bounded", options={"xatol": 1e-12}
    )
    return float(res.x)


def mixed_stats(
    frame: pd.DataFrame, names: list[str], ordered: set[str], nan_policy: str
) -> MixedStats:
    """Sample statistics and Γ of ``names``, of which those in ``ordered`` are ordinal."""

    p = len(names)
    is_ord = np.array([v in ordered for v in names])
    num_names = [v for v in names if v not in ordered]
    x_num = np.column_stack(
        [pd.to_numeric(frame[v], errors="coerce").to_numpy(dtype=float) for v in num_names]
    )
    bad_text = [
        v
        for k, v in enumerate(num_names)
        if (frame[v].notna().to_numpy() & np.isnan(x_num[:, k])).any()
    ]
    if bad_text:
        raise DataError(f"Continuous variable(s) {fmt_list(bad_text)} have non-numeric values.")
    missing = (
        np.isnan(x_num).any(axis=1)
        | frame[[v for v in names if v in ordered]].isna().any(axis=1).to_numpy()
    )
    dropped = listwise(frame, missing, nan_policy, what="SEM (WLSMV)", stacklevel=5)
    keep = ~missing
    ord_names = [v for v in names if v in ordered]
    if len(ord_names) < 1:
        raise DataError("mixed_stats needs at least one ordinal variable.")
    sub = frame.loc[keep, ord_names]
    if len(ord_names) >= 2:
        ost = ordinal_stats(sub, ord_names, "raise")
    else:  # one ordinal variable: its thresholds only
        ost = _single_ordinal(sub, ord_names[0])
    x_num = x_num[keep]
    n = int(keep.sum())
    if n < 3:
        raise InsufficientDataError(f"WLSMV needs at least 3 complete rows; got {n}.")
    mu = x_num.mean(axis=0)
    var = ((x_num - mu) ** 2).mean(axis=0)
    zero = [num_names[k] for k in np.flatnonzero(var <= 0)]
    if zero:
        raise DataError(f"Continuous variable(s) {fmt_list(zero)} have zero variance.")
    sd = np.sqrt(var)
    z_num = (x_num - mu) / sd
    codes, _levels, _d, _n = _codes_of(sub, ord_names)

    # slots: per variable in order, ordinal thresholds or one slot for a mean
    ord_pos = {v: k for k, v in enumerate(ord_names)}
    num_pos = {v: k for k, v in enumerate(num_names)}
    th_ord_start = np.concatenate([[0], np.cumsum([len(lv) - 1 for lv in ost.levels])])
    slots_th: list[float] = []
    slot_names: list[str] = []
    slot_var: list[int] = []
    slot_start = np.zeros(p, dtype=int)
    slot_len = np.zeros(p, dtype=int)
    for v_idx, v in enumerate(names):
        slot_start[v_idx] = len(slots_th)
        if is_ord[v_idx]:
            k = ord_pos[v]
            tau = ost.th[th_ord_start[k] : th_ord_start[k + 1]]
            slots_th += list(tau)
            slot_names += [f"{v}|t{c + 1}" for c in range(len(tau))]
            slot_var += [v_idx] * len(tau)
        else:
            slots_th.append(-mu[num_pos[v]])
            slot_names.append(f"{v}~1")
            slot_var.append(v_idx)
        slot_len[v_idx] = len(slots_th) - slot_start[v_idx]
    n_slot = len(slots_th)
    n_num = len(num_names)
    var_slot = {v: n_slot + k for k, v in enumerate(num_names)}  # SC.VAR columns
    a11_size = n_slot + n_num

    # casewise scores of step 1
    sc1 = np.zeros((n, a11_size))
    for v_idx, v in enumerate(names):
        s0 = slot_start[v_idx]
        if is_ord[v_idx]:
            k = ord_pos[v]
            tau = ost.th[th_ord_start[k] : th_ord_start[k + 1]]
            cum = np.concatenate([[0.0], special.ndtr(tau), [1.0]])
            prob = np.diff(cum)
            c = codes[:, k]
            dens = _phi(tau)
            for t in range(len(tau)):
                sc1[:, s0 + t] = np.where(c == t, dens[t] / prob[t], 0.0) - np.where(
                    c == t + 1, dens[t] / prob[t + 1], 0.0
                )
        else:
            k = num_pos[v]
            res = x_num[:, k] - mu[k]
            sc1[:, s0] = res / var[k]
            sc1[:, var_slot[v]] = -0.5 / var[k] + res * res / (2 * var[k] ** 2)

    # step 2 and its scores
    ii, jj = _lower_pairs(p)  # (row i > column j), lavaan's order
    m = len(ii)
    cor = np.eye(p)
    sc_cor = np.zeros((n, m))
    a21 = np.zeros((m, a11_size))
    h21 = np.zeros((m, a11_size))
    h22 = np.ones(m)
    for t in range(m):
        i, j = ii[t], jj[t]
        vi, vj = names[i], names[j]
        if is_ord[i] and is_ord[j]:
            rho = ost.cor[ord_pos[vi], ord_pos[vj]]
            cor[i, j] = cor[j, i] = rho
            sc, d_th_j, d_th_i = _ord_pair_scores(ost, ord_pos[vj], ord_pos[vi], codes, rho)
            sc_cor[:, t] = sc
            sj, si = slot_start[j], slot_start[i]
            a21[t, sj : sj + slot_len[j]] = sc @ d_th_j
            a21[t, si : si + slot_len[i]] = sc @ d_th_i
        elif not is_ord[i] and not is_ord[j]:
            ki, kj = num_pos[vi], num_pos[vj]
            rho = float(np.mean(z_num[:, ki] * z_num[:, kj]))
            cor[i, j] = cor[j, i] = rho
            d_rho, d_mi, d_mj, d_vi, d_vj = _bvn_scores(
                z_num[:, ki], z_num[:, kj], rho, sd[ki], sd[kj]
            )
            sc_cor[:, t] = d_rho
            a21[t, slot_start[i]] = d_rho @ d_mi
            a21[t, slot_start[j]] = d_rho @ d_mj
            a21[t, var_slot[vi]] = d_rho @ d_vi
            a21[t, var_slot[vj]] = d_rho @ d_vj
            h21[t, var_slot[vi]] = sd[kj] * rho / (2 * sd[ki])
            h21[t, var_slot[vj]] = sd[ki] * rho / (2 * sd[kj])
            h22[t] = sd[ki] * sd[kj]
        else:
            num_v, ord_v = (vi, vj) if not is_ord[i] else (vj, vi)
            num_idx, ord_idx = (i, j) if not is_ord[i] else (j, i)
            kn, ko = num_pos[num_v], ord_pos[ord_v]
            tau = ost.th[th_ord_start[ko] : th_ord_start[ko + 1]]
            cuts = np.concatenate([[-np.inf], tau, [np.inf]])
            c = codes[:, ko]
            up, lo = cuts[c + 1], cuts[c]
            z = z_num[:, kn]
            rho = _polyserial_rho(z, up, lo)
            cor[i, j] = cor[j, i] = rho
            r, prob, f1, f2 = _polyserial_terms(rho, z, up, lo)
            diff = f1 - f2
            d_mu = (z + (rho / r) * diff / prob) / sd[kn]
            d_var = ((z * z - 1.0) + (rho * z / r) * diff / prob) / (2 * var[kn])
            upf = np.where(np.isfinite(up), up, 0.0)
            lof = np.where(np.isfinite(lo), lo, 0.0)
            d_rho = (f1 * (upf * rho - z) - f2 * (lof * rho - z)) / (prob * r**3)
            n_t = len(tau)
            d_th = (
                (c[:, None] == np.arange(n_t)[None, :]) * f1[:, None]
                - (c[:, None] == np.arange(n_t)[None, :] + 1) * f2[:, None]
            ) / (r * prob[:, None])
            sc_cor[:, t] = d_rho
            a21[t, slot_start[num_idx]] = d_rho @ d_mu
            a21[t, var_slot[num_v]] = d_rho @ d_var
            so = slot_start[ord_idx]
            a21[t, so : so + n_t] = d_rho @ d_th
            h21[t, var_slot[num_v]] = rho / (2 * sd[kn])
            h22[t] = sd[kn]
    sc_all = np.hstack([sc1, sc_cor])
    inner = sc_all.T @ sc_all
    a11 = np.zeros((a11_size, a11_size))
    for v_idx, v in enumerate(names):
        idx = list(range(slot_start[v_idx], slot_start[v_idx] + slot_len[v_idx]))
        if not is_ord[v_idx]:
            idx.append(var_slot[v])
        a11[np.ix_(idx, idx)] = inner[np.ix_(idx, idx)]
    a22 = np.sum(sc_cor * sc_cor, axis=0)
    a11_inv = np.linalg.inv(a11)
    b_inv = np.zeros((a11_size + m, a11_size + m))
    b_inv[:a11_size, :a11_size] = a11_inv
    b_inv[a11_size:, :a11_size] = -(a21 / a22[:, None]) @ a11_inv
    b_inv[a11_size:, a11_size:] = np.diag(1.0 / a22)
    wls_w = b_inv @ inner @ b_inv.T
    h = np.eye(a11_size + m)
    h[a11_size:, :a11_size] = h21
    h[a11_size:, a11_size:] = np.diag(h22)
    wls_w = h @ wls_w @ h.T
    num_slots = np.array([slot_start[names.index(v)] for v in num_names], dtype=int)
    wls_w[num_slots, :] *= -1
    wls_w[:, num_slots] *= -1
    gamma = n * wls_w
    sdv = np.ones(p)
    for v, k in num_pos.items():
        sdv[names.index(v)] = sd[k]
    cov = cor * np.outer(sdv, sdv)
    return MixedStats(
        names=tuple(names),
        ordinal=is_ord,
        n=n,
        th=np.array(slots_th),
        th_names=tuple(slot_names),
        slot_var=np.array(slot_var, dtype=np.intp),
        var=var,
        cov=cov,
        gamma=0.5 * (gamma + gamma.T),
        dropped=dropped,
        empty_pairs=ost.empty_pairs,
        th_levels=ost,
    )


def _codes_of(sub: pd.DataFrame, names: list[str]) -> Any:

    return _codes(sub, names, "raise")


def _ord_pair_scores(ost: OrdinalStats, a: int, b: int, codes: np.ndarray, rho: float) -> Any:
    """Casewise ∂log π/∂ρ of the ordinal pair (a, b) and the derivatives in the thresholds
    of a and of b (n × K−1 each)."""

    starts = np.concatenate([[0], np.cumsum([len(lv) - 1 for lv in ost.levels])])
    ta = ost.th[starts[a] : starts[a + 1]]
    tb = ost.th[starts[b] : starts[b + 1]]
    ca = np.concatenate([[-np.inf], ta, [np.inf]])
    cb = np.concatenate([[-np.inf], tb, [np.inf]])
    h, k = ca[:, None], cb[None, :]
    pi = _cells(_bvn_cdf(h, k, np.array(rho)))
    d1 = _cells(_bvn_density_terms(h, k, np.array(rho))[0])
    xa, xb = codes[:, a], codes[:, b]
    p_case = np.maximum(pi[xa, xb], 1e-300)
    sc = d1[xa, xb] / p_case
    s = np.sqrt(1 - rho * rho)

    def dth(t_own: np.ndarray, c_other: np.ndarray, x_own: np.ndarray, x_oth: np.ndarray) -> Any:
        out = np.zeros((len(x_own), len(t_own)))
        for q, tq in enumerate(t_own):
            zz = (c_other - rho * tq) / s
            g = _phi(tq) * np.diff(special.ndtr(zz))  # per category of the other item
            out[:, q] = (
                np.where(x_own == q, g[x_oth], 0.0) - np.where(x_own == q + 1, g[x_oth], 0.0)
            ) / p_case
        return out

    return sc, dth(ta, cb, xa, xb), dth(tb, ca, xb, xa)


def _single_ordinal(sub: pd.DataFrame, name: str) -> OrdinalStats:

    codes, levels, _d, n = _codes(sub, [name], "raise")
    count = np.bincount(codes[:, 0], minlength=len(levels[0])).astype(float)
    tau = special.ndtri(np.cumsum(count)[:-1] / n)
    return OrdinalStats(
        names=(name,),
        n=n,
        levels=levels,
        th=tau,
        th_names=tuple(f"{name}|t{k + 1}" for k in range(len(tau))),
        th_var=np.zeros(len(tau), dtype=np.intp),
        cor=np.eye(1),
        gamma=np.zeros((len(tau), len(tau))),
        dropped=(),
        empty_pairs=(),
    )
