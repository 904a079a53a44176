"""Start values.

Loadings and latent variances from the first principal axis of each factor's block of
observed indicators (rescaled to the factor's fixed first loading, or to unit variance
with ``std_lv``), residual variances of indicators as the part of their variance the
factor does not explain (at least 10%), of other observed variables their variance,
regressions and covariances 0 (lavaan's "simple" values for those).  Parameters that
share a label start at the mean of their start values.
"""

from __future__ import annotations

import numpy as np

from .matrices import RAM
from .partable import ParTable

__all__ = ["start_values"]


def start_values(pt: ParTable, ram: RAM, s: np.ndarray) -> np.ndarray:
    t = pt.table
    ops, lhss, rhss = list(t["op"]), list(t["lhs"]), list(t["rhs"])
    free_rows, ustart = t["free"].to_numpy(), t["ustart"].to_numpy()
    pos = {v: k for k, v in enumerate(ram.names)}
    value = np.full(len(t), np.nan)
    lv_var: dict[str, float] = {}
    explained = np.zeros(ram.p)
    for f in pt.lv:
        rows = [k for k in range(len(ops)) if ops[k] == "=~" and lhss[k] == f]
        obs = [k for k in rows if pos[rhss[k]] < ram.p]
        if not obs:
            value[rows] = 1.0
            lv_var[f] = 1.0
            continue
        idx = [pos[rhss[k]] for k in obs]
        block = s[np.ix_(idx, idx)]
        w, v = np.linalg.eigh(block)
        vec = v[:, -1] * np.sign(v[:, -1].sum() or 1.0)
        common = w[-1] - (w[:-1].mean() if len(w) > 1 else 0.5 * w[-1])
        load = vec * np.sqrt(max(common, 1e-2 * w[-1]))
        first = obs[0]
        fix = ustart[first]
        if not free_rows[first] and np.isfinite(fix) and abs(fix) > 1e-8 and abs(load[0]) > 1e-6:
            scale = load[0] / fix
        else:
            scale = 1.0
        lam = load / scale
        lv_var[f] = scale**2
        value[obs] = lam
        for k, i in zip(obs, idx, strict=True):
            explained[i] += lam[obs.index(k)] ** 2 * lv_var[f]
        rest = [k for k in rows if k not in obs]
        value[rest] = 1.0
    for k in range(len(t)):
        op, lhs, rhs = ops[k], lhss[k], rhss[k]
        if op == "~":
            value[k] = 0.0
        elif op == "~~" and lhs != rhs:
            value[k] = 0.0
        elif op == "~~":
            if lhs in lv_var:
                value[k] = lv_var[lhs]
            else:
                i = pos[lhs]
                var = s[i, i]
                value[k] = max(var - explained[i], 0.1 * var) if explained[i] > 0 else var
    free = t["par"].to_numpy()
    x0 = np.zeros(pt.n_free)
    count = np.zeros(pt.n_free)
    np.add.at(x0, free[free >= 0], value[free >= 0])
    np.add.at(count, free[free >= 0], 1.0)
    return x0 / np.maximum(count, 1.0)
