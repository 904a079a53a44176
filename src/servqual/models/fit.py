"""Fit measures, by lavaan's ``fitMeasures`` names with ``_`` for ``.``.

``chisq = N·F_min``; ``df`` = the sample moments that the model explains — ``p(p+1)/2``
less the ``p_x(p_x+1)/2`` moments of fixed exogenous covariates — less ``npar``. The
baseline (independence) model frees only the variances of the non-exogenous variables and
keeps the moments of the exogenous covariates. CFI, TLI (= NNFI), NFI, IFI, RMSEA with
Steiger's 90% interval and p-close (H0: RMSEA ≤ .05), SRMR (Bentler's, diagonal included)
and the information criteria follow lavaan 0.6's definitions (``lav_fit_measures``); with
fixed exogenous covariates the log-likelihoods are conditional on them (the covariates'
marginal log-likelihood at ``S_xx`` is subtracted), as in lavaan.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg, stats

from .._fitindex import _cfi, _rmsea_ci

__all__ = ["FIT_NAMES", "ROBUST_NAMES", "fit_measures", "robust_fit_measures"]

FIT_NAMES = (
    "npar",
    "fmin",
    "chisq",
    "df",
    "pvalue",
    "baseline_chisq",
    "baseline_df",
    "baseline_pvalue",
    "cfi",
    "tli",
    "nnfi",
    "nfi",
    "ifi",
    "logl",
    "unrestricted_logl",
    "aic",
    "bic",
    "ntotal",
    "bic2",
    "rmsea",
    "rmsea_ci_lower",
    "rmsea_ci_upper",
    "rmsea_pvalue",
    "srmr",
)

ROBUST_NAMES = (
    "chisq_scaled",
    "df_scaled",
    "pvalue_scaled",
    "chisq_scaling_factor",
    "baseline_chisq_scaled",
    "baseline_df_scaled",
    "baseline_pvalue_scaled",
    "baseline_chisq_scaling_factor",
    "cfi_scaled",
    "tli_scaled",
    "nnfi_scaled",
    "cfi_robust",
    "tli_robust",
    "nnfi_robust",
    "rmsea_scaled",
    "rmsea_ci_lower_scaled",
    "rmsea_ci_upper_scaled",
    "rmsea_pvalue_scaled",
    "rmsea_robust",
    "rmsea_ci_lower_robust",
    "rmsea_ci_upper_robust",
    "rmsea_pvalue_robust",
)


def robust_fit_measures(
    fit: dict[str, float], c: float, c_b: float, n_groups: int = 1
) -> dict[str, float]:
    """Yuan-Bentler scaled test and lavaan 0.6's scaled and robust CFI, TLI and RMSEA.

    ``c`` and ``c_b`` are the scaling factors of the model and of the baseline model. The
    "scaled" indices use the scaled statistics (RMSEA: ``T`` on ``c·df`` degrees of
    freedom); the "robust" ones are Brosseau-Liard, Savalei & Li (2012) and
    Brosseau-Liard & Savalei (2014): ``RMSEA = sqrt(max(T/(N df) − c/N, 0))``, its interval
    ``sqrt(c)`` times the interval of ``T/c``, and CFI/TLI with ``c·df`` for ``df``. With
    ``n_groups`` G > 1 the RMSEAs and their intervals are multiplied by ``sqrt(G)`` and the
    close-fit noncentrality divided by G, as lavaan does.
    """
    root_g = float(np.sqrt(n_groups))
    x2, df, n = fit["chisq"], fit["df"], fit["ntotal"]
    x2_b, df_b = fit["baseline_chisq"], fit["baseline_df"]
    x2s, x2bs = x2 / c, x2_b / c_b
    cfi_s, tli_s = _cfi(x2s, df, x2bs, df_b)
    cfi_r, tli_r = _cfi(x2, df, x2_b, df_b, c, c_b)
    df2 = c * df
    lo_s, hi_s = _rmsea_ci(x2, df2, n)
    lo_r, hi_r = _rmsea_ci(x2s, df, n)
    return {
        "chisq_scaled": float(x2s),
        "df_scaled": float(df),
        "pvalue_scaled": float(stats.chi2.sf(x2s, df)) if df > 0 else float("nan"),
        "chisq_scaling_factor": float(c),
        "baseline_chisq_scaled": float(x2bs),
        "baseline_df_scaled": float(df_b),
        "baseline_pvalue_scaled": float(stats.chi2.sf(x2bs, df_b)),
        "baseline_chisq_scaling_factor": float(c_b),
        "cfi_scaled": cfi_s,
        "tli_scaled": tli_s,
        "nnfi_scaled": tli_s,
        "cfi_robust": cfi_r,
        "tli_robust": tli_r,
        "nnfi_robust": tli_r,
        "rmsea_scaled": root_g * float(np.sqrt(max(x2 / n / df2 - 1.0 / n, 0.0)))
        if df > 0
        else 0.0,
        "rmsea_ci_lower_scaled": root_g * lo_s,
        "rmsea_ci_upper_scaled": root_g * hi_s,
        "rmsea_pvalue_scaled": float(stats.ncx2.sf(x2, df2, n * df2 * 0.05**2 / n_groups))
        if df > 0
        else float("nan"),
        "rmsea_robust": root_g * float(np.sqrt(max(x2 / n / df - c / n, 0.0))) if df > 0 else 0.0,
        "rmsea_ci_lower_robust": root_g * float(np.sqrt(c) * lo_r),
        "rmsea_ci_upper_robust": root_g * float(np.sqrt(c) * hi_r),
        "rmsea_pvalue_robust": float(stats.ncx2.sf(x2s, df, n * df * 0.05**2 / c / n_groups))
        if df > 0
        else float("nan"),
    }


def fit_measures(
    s: np.ndarray, sig: np.ndarray, fmin: float, n: int, npar: int, exo: np.ndarray
) -> dict[str, float]:
    """``exo``: boolean mask of the fixed exogenous covariates among the p variables."""
    p = s.shape[0]
    nx = int(exo.sum())
    ndat = p * (p + 1) // 2 - nx * (nx + 1) // 2
    df = ndat - npar
    x2 = max(n * fmin, 0.0)
    logdet_s = np.linalg.slogdet(s)[1]
    nox = ~exo
    logdet_b = np.sum(np.log(np.diag(s)[nox]))
    if nx:
        logdet_b += np.linalg.slogdet(s[np.ix_(exo, exo)])[1]
    x2_b = n * (logdet_b - logdet_s)
    df_b = ndat - int(nox.sum())
    pvalue = float(stats.chi2.sf(x2, df)) if df > 0 else float("nan")
    cfi, tli = _cfi(x2, df, x2_b, df_b)
    nfi = (x2_b - x2) / x2_b if x2_b > 0 else float("nan")
    ifi = (x2_b - x2) / (x2_b - df) if (x2_b - df) != 0 else float("nan")
    rmsea = float(np.sqrt(max(x2 / n / df - 1.0 / n, 0.0))) if df > 0 else 0.0
    ci_low, ci_high = _rmsea_ci(x2, df, n)
    rmsea_p = float(stats.ncx2.sf(x2, df, n * df * 0.05**2)) if df > 0 else float("nan")
    d = np.sqrt(np.diag(s))
    resid = (s - sig) / np.outer(d, d)
    srmr = float(np.sqrt(np.mean(resid[np.tril_indices(p)] ** 2)))
    const = p * np.log(2 * np.pi)
    logdet_sig = np.linalg.slogdet(sig)[1]
    logl = -n / 2 * (const + logdet_sig + np.trace(linalg.solve(sig, s, assume_a="pos")))
    logl_u = -n / 2 * (const + logdet_s + p)
    if nx:  # fixed.x: the likelihood is conditional on the covariates, as lavaan's
        logl_x = -n / 2 * (nx * np.log(2 * np.pi) + np.linalg.slogdet(s[np.ix_(exo, exo)])[1] + nx)
        logl -= logl_x
        logl_u -= logl_x
    return {
        "npar": float(npar),
        "fmin": float(fmin / 2),
        "chisq": float(x2),
        "df": float(df),
        "pvalue": pvalue,
        "baseline_chisq": float(x2_b),
        "baseline_df": float(df_b),
        "baseline_pvalue": float(stats.chi2.sf(x2_b, df_b)) if df_b > 0 else float("nan"),
        "cfi": float(cfi),
        "tli": float(tli),
        "nnfi": float(tli),
        "nfi": float(nfi),
        "ifi": float(ifi),
        "logl": float(logl),
        "unrestricted_logl": float(logl_u),
        "aic": float(-2 * logl + 2 * npar),
        "bic": float(-2 * logl + npar * np.log(n)),
        "ntotal": float(n),
        "bic2": float(-2 * logl + npar * np.log((n + 2) / 24)),
        "rmsea": rmsea,
        "rmsea_ci_lower": ci_low,
        "rmsea_ci_upper": ci_high,
        "rmsea_pvalue": rmsea_p,
        "srmr": srmr,
    }
