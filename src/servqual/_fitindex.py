"""Fit indices shared by every estimator (internal): Steiger's RMSEA interval and
lavaan's CFI/TLI, standard and robust (Brosseau-Liard & Savalei, 2014)."""

from __future__ import annotations

import numpy as np
from scipy import optimize, stats

__all__ = ["_cfi", "_rmsea_ci"]


def _rmsea_ci(x2: float, df: float, n: float, level: float = 0.90) -> tuple[float, float]:
    """Steiger's non-centrality interval for RMSEA, as lavaan's ``lav_fit_rmsea_ci``."""
    if df < 1:
        return 0.0, 0.0
    hi_p, lo_p = 1 - (1 - level) / 2, (1 - level) / 2

    def f_low(lam: float) -> float:
        return float(stats.ncx2.cdf(x2, df, lam) if lam > 0 else stats.chi2.cdf(x2, df)) - hi_p

    def f_up(lam: float) -> float:
        return float(stats.ncx2.cdf(x2, df, lam) if lam > 0 else stats.chi2.cdf(x2, df)) - lo_p

    low = 0.0
    if f_low(0.0) >= 0:
        lam = optimize.brentq(f_low, 0.0, x2, xtol=1e-12, rtol=1e-14)
        low = float(np.sqrt(lam / (n * df)))
    upper_bound = max(n, 4 * x2)
    up = 0.0
    if not (f_up(upper_bound) > 0 or f_up(0.0) < 0):
        lam = optimize.brentq(f_up, 0.0, upper_bound, xtol=1e-12, rtol=1e-14)
        up = float(np.sqrt(lam / (n * df)))
    return low, up


def _cfi(
    x2: float, df: float, x2_b: float, df_b: float, c: float = 1.0, c_b: float = 1.0
) -> tuple[float, float]:
    """lavaan's ``lav_fit_cfi`` and ``lav_fit_tli`` (with ``c.hat``: the robust versions)."""
    if df > 0 and c != 1 and c_b != 1:
        t1 = max(x2 - c * df, 0.0)
        t2 = max(x2 - c * df, x2_b - c_b * df_b, 0.0)
        u1, u2 = (x2 - c * df) * df_b, (x2_b - c_b * df_b) * df
    else:
        t1 = max(x2 - df, 0.0)
        t2 = max(x2 - df, x2_b - df_b, 0.0)
        u1, u2 = (x2 - df) * df_b, (x2_b - df_b) * df
    zero = np.isclose(t1, 0.0, atol=1.5e-8) and np.isclose(t2, 0.0, atol=1.5e-8)
    cfi = 1.0 if zero else 1.0 - t1 / t2
    tli = 1.0 - u1 / u2 if (df > 0 and abs(u2) > 0) else 1.0
    return float(cfi), float(tli)
