"""Confirmatory factor analysis of a measurement model (maximum likelihood).

A simple-structure CFA: every item loads on exactly one factor, the factors are
allowed to correlate, the unique (error) variances are uncorrelated.  The model is
estimated by normal-theory maximum likelihood written here on :func:`scipy.optimize.minimize`
with an analytic gradient; standard errors come from the expected information.
Definitions follow R's lavaan defaults (``estimator = "ML"``, ``likelihood = "normal"``,
``information = "expected"``) so that results agree with ``lavaan::cfa``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Literal, overload

import numpy as np
import pandas as pd
from scipy import linalg, optimize, stats

from ._fitindex import _cfi, _rmsea_ci
from ._results import TableResult, result_class
from ._tables import apa_number, apa_p
from ._validation import (
    as_frame,
    check_choice,
    check_magnitude,
    fmt_list,
    numeric_matrix,
    require_columns,
)
from .exceptions import (
    ConvergenceError,
    DataError,
    HeywoodWarning,
    InstrumentError,
    InsufficientDataError,
    MissingDataWarning,
    ServqualWarning,
)
from .models.api import SEMResult, _reject_summary, _wlsmv_requested
from .models.api import sem as _sem
from .survey import Survey

__all__ = ["CFAResult", "cfa"]

Estimator = Literal["ml"]
CFANanPolicy = Literal["listwise", "raise"]

_FIT_NAMES = (
    "chisq",
    "df",
    "pvalue",
    "baseline_chisq",
    "baseline_df",
    "cfi",
    "tli",
    "rmsea",
    "rmsea_ci_low",
    "rmsea_ci_high",
    "rmsea_pvalue",
    "srmr",
    "aic",
    "bic",
    "loglik",
    "unrestricted_loglik",
    "npar",
    "n",
)


@result_class
class CFAResult(TableResult):
    """Result of :func:`cfa`: the parameter table plus fit measures.

    The table (``to_frame()``) has one row per model parameter, in lavaan's order
    (loadings, error variances, factor variances, factor covariances), indexed by a
    label such as ``"visual=~x1"``, with columns ``lhs``, ``op``, ``rhs``, ``free``,
    ``est``, ``se``, ``z``, ``p_value``, ``std_all`` (completely standardized
    estimate) and ``std_se`` (its delta-method standard error).  Fixed parameters
    have ``se = 0`` and NaN ``z``/``p_value`` (as ``lavaan::parameterEstimates``).
    ``improper`` lists what makes the solution improper (negative variances,
    standardized values beyond ±1, a latent covariance matrix Φ that is not positive
    definite); it is empty for a proper solution.
    """

    model: dict[str, tuple[str, ...]]
    n: int
    n_items: int
    n_factors: int
    estimator: str
    std_lv: bool
    score: str | None
    chisq: float
    df: int
    pvalue: float
    baseline_chisq: float
    baseline_df: int
    cfi: float
    tli: float
    rmsea: float
    rmsea_ci_low: float
    rmsea_ci_high: float
    rmsea_pvalue: float
    srmr: float
    aic: float
    bic: float
    loglik: float
    unrestricted_loglik: float
    npar: int
    iterations: int
    dropped_rows: tuple[Any, ...]
    sample_cov: pd.DataFrame
    implied_cov: pd.DataFrame
    improper: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        return (
            f"CFA ({self.estimator.upper()}, {'std.lv' if self.std_lv else 'marker'}) · "
            f"{self.n_factors} factors · {self.n_items} items · n={self.n} · "
            f"chisq={self.chisq:.3f} (df={self.df}) · CFI={self.cfi:.3f} · "
            f"TLI={self.tli:.3f} · RMSEA={self.rmsea:.3f} · SRMR={self.srmr:.3f}"
        )

    @property
    def _note(self) -> str:
        ident = "factor variances fixed at 1" if self.std_lv else "first loadings fixed at 1"
        return (
            f"Maximum likelihood estimation ({ident}); χ²({self.df}) = {apa_number(self.chisq)}, "
            f"{apa_p(self.pvalue, prefix=True)}; CFI = {apa_number(self.cfi, decimals=3, bounded=True)}, "
            f"TLI = {apa_number(self.tli, decimals=3)}, RMSEA = "
            f"{apa_number(self.rmsea, decimals=3, bounded=True)} (90% CI "
            f"{apa_number(self.rmsea_ci_low, decimals=3, bounded=True)}–"
            f"{apa_number(self.rmsea_ci_high, decimals=3, bounded=True)}), SRMR = "
            f"{apa_number(self.srmr, decimals=3, bounded=True)}. Std. all = completely "
            "standardized estimate."
        )

    @property
    def factors(self) -> list[str]:
        """Factor names in model order."""
        return list(self.model)

    @property
    def items(self) -> list[str]:
        """Item names in model order (factor by factor)."""
        return [i for its in self.model.values() for i in its]

    def fit_measures(self) -> pd.Series:
        """Fit measures as a Series (names as lavaan's ``fitMeasures`` with ``_`` for ``.``)."""
        return pd.Series({k: getattr(self, k) for k in _FIT_NAMES}, name="fit", dtype=float)

    def summary(self) -> str:
        """A printed summary laid out like lavaan's
        ``summary(fit, fit.measures = TRUE, standardized = TRUE)``.

        The estimator and sample size, the model and baseline tests, the fit indices
        (CFI, TLI, log-likelihoods, AIC, BIC, SABIC, RMSEA with its 90% interval,
        SRMR), then the parameter blocks "Latent Variables:", "Covariances:" and
        "Variances:" with ``Estimate``, ``Std.Err``, ``z-value``, ``P(>|z|)``,
        ``Std.lv`` and ``Std.all`` (blank for fixed parameters; residual variances of
        the items are marked with a leading dot, as lavaan does).

        Examples
        --------
        >>> import warnings, servqual as sq
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     fit = sq.cfa(sq.load_example("retail_bank"))
        >>> print(fit.summary())  # doctest: +ELLIPSIS
        servqual CFA ended normally after ... iterations
        ...
        Latent Variables:
                           Estimate  Std.Err  z-value  P(>|z|)   Std.lv  Std.all
          tangibles =~
            TAN1              0.912    0.060   15.166    0.000    0.912    0.856
        ...
        """
        t = self._table
        n = self.n
        sabic = -2 * self.loglik + self.npar * np.log((n + 2) / 24)
        base_p = float(stats.chi2.sf(self.baseline_chisq, self.baseline_df))

        def line(label: str, value: Any) -> str:
            text = (
                value
                if isinstance(value, str)
                else (f"{value:.3f}" if isinstance(value, float) else str(value))
            )
            return f"  {label:<42}{text:>10}"

        out = [
            f"servqual CFA ended normally after {self.iterations} iterations",
            "",
            line("Estimator", self.estimator.upper()),
            line("Optimization method", "BFGS"),
            line("Number of model parameters", self.npar),
            "",
            line("Number of observations", n),
            "",
            "Model Test User Model:",
            "",
            line("Test statistic", float(self.chisq)),
            line("Degrees of freedom", self.df),
            line("P-value (Chi-square)", float(self.pvalue)),
            "",
            "Model Test Baseline Model:",
            "",
            line("Test statistic", float(self.baseline_chisq)),
            line("Degrees of freedom", self.baseline_df),
            line("P-value", base_p),
            "",
            "User Model versus Baseline Model:",
            "",
            line("Comparative Fit Index (CFI)", float(self.cfi)),
            line("Tucker-Lewis Index (TLI)", float(self.tli)),
            "",
            "Loglikelihood and Information Criteria:",
            "",
            line("Loglikelihood user model (H0)", float(self.loglik)),
            line("Loglikelihood unrestricted model (H1)", float(self.unrestricted_loglik)),
            "",
            line("Akaike (AIC)", float(self.aic)),
            line("Bayesian (BIC)", float(self.bic)),
            line("Sample-size adjusted Bayesian (SABIC)", float(sabic)),
            "",
            "Root Mean Square Error of Approximation:",
            "",
            line("RMSEA", float(self.rmsea)),
            line("90 Percent confidence interval - lower", float(self.rmsea_ci_low)),
            line("90 Percent confidence interval - upper", float(self.rmsea_ci_high)),
            line("P-value H_0: RMSEA <= 0.050", float(self.rmsea_pvalue)),
            "",
            "Standardized Root Mean Square Residual:",
            "",
            line("SRMR", float(self.srmr)),
            "",
            "Parameter Estimates:",
            "",
            line("Standard errors", "Standard"),
            line("Information", "Expected"),
            line("Information saturated (h1) model", "Structured"),
        ]
        factors = self.factors
        fvar = {f: float(t.loc[f"{f}~~{f}", "est"]) for f in factors}
        head = f"{'':<19}{'Estimate':>8}{'Std.Err':>9}{'z-value':>9}{'P(>|z|)':>9}"
        head += f"{'Std.lv':>9}{'Std.all':>9}"

        def row(name: str, r: pd.Series, std_lv: float) -> str:
            free = bool(r["free"])
            cells = [f"{r['est']:8.3f}"]
            for key in ("se", "z", "p_value"):
                cells.append(f"{r[key]:9.3f}" if free and np.isfinite(r[key]) else " " * 9)
            cells += [f"{std_lv:9.3f}", f"{r['std_all']:9.3f}"]
            return f"{name:<19}"[:19].ljust(19) + "".join(cells)

        def block(title: str, rows: pd.DataFrame, grouped: bool, std_lv: list[float]) -> None:
            out.extend(["", title, head])
            current = None
            for (_, r), slv in zip(rows.iterrows(), std_lv, strict=True):
                if grouped and r["lhs"] != current:
                    current = r["lhs"]
                    out.append(f"  {current} {r['op']}")
                if grouped:
                    out.append(row(f"    {r['rhs']}", r, slv))
                else:
                    dot = "." if r["lhs"] not in fvar else " "
                    out.append(row(f"   {dot}{r['lhs']}", r, slv))

        lo = t[t["op"] == "=~"]
        block(
            "Latent Variables:",
            lo,
            True,
            [e * np.sqrt(fvar[f]) for f, e in zip(lo["lhs"], lo["est"], strict=True)],
        )
        var = t[(t["op"] == "~~") & (t["lhs"] == t["rhs"])]
        cov = t[(t["op"] == "~~") & (t["lhs"] != t["rhs"])]
        if len(cov):
            block(
                "Covariances:",
                cov,
                True,
                [
                    e / np.sqrt(fvar[a] * fvar[b])
                    for a, b, e in zip(cov["lhs"], cov["rhs"], cov["est"], strict=True)
                ],
            )
        items = var[~var["lhs"].isin(factors)]
        latent = var[var["lhs"].isin(factors)]
        block(
            "Variances:",
            pd.concat([items, latent]),
            False,
            [*items["est"], *([1.0] * len(latent))],
        )
        return "\n".join(out) + "\n"

    def loadings(self) -> pd.DataFrame:
        """One row per item: ``factor``, ``est``, ``se``, ``std_all`` (standardized loading),
        ``error_variance`` and ``std_error_variance`` (``1 - std_all**2``)."""
        t = self._table
        lo = t[t["op"] == "=~"]
        ev = t[(t["op"] == "~~") & t["lhs"].isin(self.items) & (t["lhs"] == t["rhs"])]
        ev = ev.set_index("lhs")
        out = pd.DataFrame(
            {
                "factor": lo["lhs"].to_numpy(),
                "est": lo["est"].to_numpy(),
                "se": lo["se"].to_numpy(),
                "std_all": lo["std_all"].to_numpy(),
                "error_variance": ev.loc[lo["rhs"], "est"].to_numpy(),
                "std_error_variance": ev.loc[lo["rhs"], "std_all"].to_numpy(),
            },
            index=pd.Index(lo["rhs"].to_numpy(), name="item"),
        )
        return out

    def factor_correlations(self) -> pd.DataFrame:
        """Factor correlation matrix (standardized factor covariances)."""
        f = self.factors
        phi = pd.DataFrame(np.eye(len(f)), index=f, columns=f)
        t = self._table
        cov = t[(t["op"] == "~~") & t["lhs"].isin(f) & (t["lhs"] != t["rhs"])]
        for lhs, rhs, r in zip(cov["lhs"], cov["rhs"], cov["std_all"], strict=True):
            phi.loc[lhs, rhs] = phi.loc[rhs, lhs] = r
        return phi

    def residuals(self) -> pd.DataFrame:
        """Correlation residuals ``(S - Σ) / sqrt(diag S ⊗ diag S)`` (lavaan's ``cor.bentler``)."""
        s = self.sample_cov.to_numpy()
        d = np.sqrt(np.diag(s))
        res = (s - self.implied_cov.to_numpy()) / np.outer(d, d)
        return pd.DataFrame(res, index=self.sample_cov.index, columns=self.sample_cov.columns)


# --------------------------------------------------------------------------- model set-up
class _Spec:
    """Index bookkeeping of a simple-structure CFA (internal)."""

    def __init__(self, model: dict[str, tuple[str, ...]], std_lv: bool) -> None:
        self.factors = list(model)
        self.items = [i for its in model.values() for i in its]
        self.p = len(self.items)
        self.m = len(self.factors)
        self.fac_of = np.array([k for k, its in enumerate(model.values()) for _ in its])
        self.std_lv = std_lv
        first = np.zeros(self.p, dtype=bool)
        start = 0
        for its in model.values():
            first[start] = True
            start += len(its)
        # free loadings: all (std.lv) or all but each factor's first item (marker)
        self.free_load = np.ones(self.p, dtype=bool) if std_lv else ~first
        self.cov_pairs = [(k, ell) for k in range(self.m) for ell in range(k + 1, self.m)]
        self.n_load = int(self.free_load.sum())
        self.n_fvar = 0 if std_lv else self.m
        self.q = self.n_load + self.p + self.n_fvar + len(self.cov_pairs)

    def unpack(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Parameter vector → (loadings (p,), error variances (p,), Φ (m, m))."""
        lam = np.ones(self.p, dtype=x.dtype)
        lam[self.free_load] = x[: self.n_load]
        theta = x[self.n_load : self.n_load + self.p]
        phi = np.eye(self.m, dtype=x.dtype)
        pos = self.n_load + self.p
        if not self.std_lv:
            phi[np.diag_indices(self.m)] = x[pos : pos + self.m]
            pos += self.m
        for k, ell in self.cov_pairs:
            phi[k, ell] = phi[ell, k] = x[pos]
            pos += 1
        return lam, theta, phi

    def sigma(self, x: np.ndarray) -> np.ndarray:
        lam, theta, phi = self.unpack(x)
        m_ = phi[np.ix_(self.fac_of, self.fac_of)]
        sig = np.outer(lam, lam) * m_
        sig[np.diag_indices(self.p)] += theta
        return sig

    def derivatives(self, x: np.ndarray) -> np.ndarray:
        """∂Σ/∂θ_j for every free parameter, shape (q, p, p)."""
        lam, _theta, phi = self.unpack(x)
        p, f = self.p, self.fac_of
        m_ = phi[np.ix_(f, f)]
        out = np.zeros((self.q, p, p))
        j: int = 0
        for i in np.flatnonzero(self.free_load):
            v = m_[i] * lam
            out[j, i, :] += v
            out[j, :, i] += v
            j += 1
        for d in range(p):
            out[j, d, d] = 1.0
            j += 1
        loadmat = np.zeros((p, self.m))
        loadmat[np.arange(p), f] = lam
        if not self.std_lv:
            for k in range(self.m):
                out[j] = np.outer(loadmat[:, k], loadmat[:, k])
                j += 1
        for k, ell in self.cov_pairs:
            a, b = loadmat[:, k], loadmat[:, ell]
            out[j] = np.outer(a, b) + np.outer(b, a)
            j += 1
        return out

    def gradient(self, x: np.ndarray, g: np.ndarray) -> np.ndarray:
        """dF/dθ from G = dF/dΣ (symmetric), without building ∂Σ/∂θ."""
        lam, _theta, phi = self.unpack(x)
        f = self.fac_of
        m_ = phi[np.ix_(f, f)]
        dlam = 2.0 * (g * m_) @ lam
        parts = [dlam[self.free_load], np.diag(g).copy()]
        loadmat = np.zeros((self.p, self.m))
        loadmat[np.arange(self.p), f] = lam
        lgl = loadmat.T @ g @ loadmat
        if not self.std_lv:
            parts.append(np.diag(lgl).copy())
        parts.append(np.array([2.0 * lgl[k, ell] for k, ell in self.cov_pairs]))
        return np.concatenate(parts)

    def standardized(self, x: np.ndarray) -> np.ndarray:
        """std.all values of all rows of the parameter table (works on complex x)."""
        lam, theta, phi = self.unpack(x)
        f = self.fac_of
        fvar = np.diag(phi)
        var = lam**2 * fvar[f] + theta
        std_load = lam * np.sqrt(fvar[f]) / np.sqrt(var)
        std_err = theta / var
        std_fvar = np.ones(self.m, dtype=x.dtype)
        std_cov = np.array(
            [phi[k, ell] / np.sqrt(fvar[k] * fvar[ell]) for k, ell in self.cov_pairs],
            dtype=x.dtype,
        )
        return np.concatenate([std_load, std_err, std_fvar, std_cov])

    def table_rows(self) -> tuple[list[str], list[str], list[str], np.ndarray]:
        lhs, op, rhs, free = [], [], [], []
        for i, item in enumerate(self.items):
            lhs.append(self.factors[self.fac_of[i]])
            op.append("=~")
            rhs.append(item)
            free.append(bool(self.free_load[i]))
        for item in self.items:
            lhs.append(item)
            op.append("~~")
            rhs.append(item)
            free.append(True)
        for fac in self.factors:
            lhs.append(fac)
            op.append("~~")
            rhs.append(fac)
            free.append(not self.std_lv)
        for k, ell in self.cov_pairs:
            lhs.append(self.factors[k])
            op.append("~~")
            rhs.append(self.factors[ell])
            free.append(True)
        return lhs, op, rhs, np.array(free)

    def full_values(self, x: np.ndarray) -> np.ndarray:
        """Unstandardized values of all table rows."""
        lam, theta, phi = self.unpack(x)
        cov = np.array([phi[k, ell] for k, ell in self.cov_pairs])
        return np.concatenate([lam, theta, np.diag(phi), cov])

    def start(self, s: np.ndarray) -> np.ndarray:
        """Start values: first principal axis of each factor's block of S."""
        lam = np.empty(self.p)
        fvar = np.ones(self.m)
        for k in range(self.m):
            idx = np.flatnonzero(self.fac_of == k)
            w, v = np.linalg.eigh(s[np.ix_(idx, idx)])
            vec = v[:, -1] * np.sign(v[:, -1].sum() or 1.0)
            # one-factor approximation: shrink the first component toward the common part
            load = vec * np.sqrt(max(w[-1] - (w[:-1].mean() if len(w) > 1 else 0.0), 1e-2))
            if not self.std_lv:
                marker = load[0] if abs(load[0]) > 1e-3 else 1e-3
                fvar[k] = marker**2
                load = load / marker
            lam[idx] = load
        theta = np.maximum(np.diag(s) - lam**2 * fvar[self.fac_of], 0.1 * np.diag(s))
        covs = []
        for k, ell in self.cov_pairs:
            ik, il = self.fac_of == k, self.fac_of == ell
            num = s[np.ix_(ik, il)].mean()
            den = (lam[ik] * np.sqrt(fvar[k])).mean() * (lam[il] * np.sqrt(fvar[ell])).mean()
            r = float(np.clip(num / den, -0.9, 0.9)) if den != 0 else 0.0
            covs.append(r * np.sqrt(fvar[k] * fvar[ell]))
        parts = [lam[self.free_load], theta]
        if not self.std_lv:
            parts.append(fvar)
        parts.append(np.array(covs))
        return np.concatenate(parts)


def _check_model(model: Any, columns: pd.Index) -> dict[str, tuple[str, ...]]:
    if not isinstance(model, Mapping) or len(model) == 0:
        raise InstrumentError(
            "model must be a non-empty mapping factor -> list of item columns, e.g. "
            f"{{'tangibles': ['TAN1', 'TAN2', 'TAN3']}}; got {model!r}."
        )
    clean: dict[str, tuple[str, ...]] = {}
    owner: dict[Any, str] = {}
    for fac, items in model.items():
        if isinstance(items, str) or not isinstance(items, Sequence | np.ndarray | pd.Index):
            raise InstrumentError(
                f"Factor {fac!r}: items must be a list of column names, got {items!r}."
            )
        items = list(items)
        for it in items:
            if it in owner:
                where = "twice in" if owner[it] == fac else f"in both {owner[it]!r} and"
                raise InstrumentError(
                    f"Item {it!r} appears {where} factor {fac!r}; a simple-structure CFA "
                    "lets each item load on exactly one factor."
                )
            owner[it] = fac
        if len(items) < 2:
            raise InstrumentError(
                f"Factor {fac!r} has {len(items)} item(s) ({fmt_list(items)}); a factor needs "
                "at least two items to be identified (three if it is the only factor). Merge "
                "it into another factor, or pass model= without it."
            )
        if fac in columns:
            raise InstrumentError(
                f"Factor name {fac!r} is also an item column; give the factor another name."
            )
        clean[str(fac) if not isinstance(fac, str) else fac] = tuple(items)
    require_columns(pd.DataFrame(columns=columns), list(owner), "the CFA model")
    return clean


def _prepare(
    data: Any, model: Any, score: str, nan_policy: str
) -> tuple[np.ndarray, dict[str, tuple[str, ...]], pd.Index, tuple[Any, ...], str | None]:
    """Validate input; return complete (n, p) data, the model, the kept index, dropped rows."""

    check_choice(nan_policy, "nan_policy", ("listwise", "raise"))
    used_score: str | None = None
    if isinstance(data, Survey):
        if not isinstance(score, str):
            raise DataError(
                f"score must be a score name such as 'perception' or 'gap', got {score!r}."
            )
        frame = data.item_scores(score)
        used_score = score
        if model is None:
            model = {
                dim: items
                for dim, items in data.instrument.model.items()
                if all(i in frame.columns for i in items)
            }
            if not model:
                raise InstrumentError(
                    f"No dimension of instrument {data.instrument.name!r} has all its items "
                    f"scored as {score!r}; pass model= explicitly."
                )
    else:
        frame = as_frame(data)
        if model is None:
            raise InstrumentError(
                "model= is required when data is a DataFrame: a mapping factor -> item columns."
            )
    spec_model = _check_model(model, frame.columns)
    items = [i for its in spec_model.values() for i in its]
    x = numeric_matrix(frame, items)
    check_magnitude(x, items, frame.index, "CFA")
    bad = np.isnan(x).any(axis=1)
    dropped: tuple[Any, ...] = ()
    if bad.any():
        rows = frame.index[bad]
        if nan_policy == "raise":
            raise DataError(
                f"{int(bad.sum())} respondent(s) have missing ratings on the CFA items: rows "
                f"{fmt_list(rows)}. Pass nan_policy='listwise' to drop them."
            )
        dropped = tuple(rows)
        warnings.warn(
            f"CFA: listwise deletion dropped {len(dropped)} of {len(frame)} respondents with "
            f"missing ratings (rows {fmt_list(rows)}).",
            MissingDataWarning,
            stacklevel=3,
        )
        x = x[~bad]
    return x, spec_model, frame.index[~bad], dropped, used_score


def _require_variance(var: np.ndarray, items: Sequence[str], consequence: str) -> None:
    """Raise DataError naming the items whose variance is zero relative to the largest
    one (or to 1); ``consequence`` ends the message."""
    zero = [items[int(i)] for i in np.flatnonzero(var <= 1e-12 * max(var.max(), 1.0))]
    if zero:
        raise DataError(f"Item(s) {fmt_list(zero)} have zero variance{consequence}")


def _check_covariance(s: np.ndarray, items: list[str], n: int) -> None:
    p = len(items)
    if n <= p:
        raise InsufficientDataError(
            f"CFA of {p} items needs more complete respondents than items (at least {p + 1}); "
            f"got {n}. Collect more responses or fit fewer items."
        )
    var = np.diag(s)
    _require_variance(
        var,
        items,
        " (every respondent gave the same rating); the sample covariance matrix is "
        "singular. Drop them from the model.",
    )
    d = 1.0 / np.sqrt(var)
    w, v = np.linalg.eigh(s * np.outer(d, d))
    if w[0] < 1e-10 * p:
        involved = [items[i] for i in np.flatnonzero(np.abs(v[:, 0]) > 1e-3)]
        raise DataError(
            "The sample covariance matrix of the CFA items is singular: items "
            f"{fmt_list(involved)} are linearly dependent (one is an exact combination of the "
            "others). Drop one of them from the model."
        )


def _check_identification(spec: _Spec, s: np.ndarray) -> None:
    """Identification rules checked before estimation (Bollen, 1989, ch. 7).

    * t-rule: the free parameters may not outnumber the ``p(p+1)/2`` sample
      variances and covariances (necessary);
    * every factor has at least two indicators (checked with the model), a lone
      factor at least three (follows from the t-rule);
    * two-indicator rule: a factor measured by two items is identified only through
      a non-zero covariance with another factor. Its two loadings enter the
      covariances of its items with each other only as a product
      (``λ_a λ_b φ_kk = s_ab``); each is separated only by ``s_aj = λ_a φ_kl λ_j``
      for items ``j`` of another factor ``l``. When every such covariance is zero
      (to rounding: all correlations of its items with the items of the other
      factors below 1e-8 in absolute value) the model is not identified whatever
      the optimiser does, so this is an error rather than a warning about the
      information matrix.
    """
    p = spec.p
    moments = p * (p + 1) // 2
    if spec.q > moments:
        raise InstrumentError(
            f"The CFA model has {spec.q} free parameters but only {moments} "
            f"variances and covariances (df = {moments - spec.q}); it is not identified. A "
            "single factor needs at least three items."
        )
    d = np.sqrt(np.diag(s))
    r = s / np.outer(d, d)
    for k, fac in enumerate(spec.factors):
        own = spec.fac_of == k
        if own.sum() != 2 or spec.m < 2:
            continue
        cross = np.abs(r[np.ix_(own, ~own)])
        if cross.max() < 1e-8:
            items = [spec.items[i] for i in np.flatnonzero(own)]
            raise ConvergenceError(
                f"The CFA model is not identified: factor {fac!r} has only two items "
                f"({fmt_list(items)}) and they are uncorrelated with every item of the other "
                f"factors (largest |r| = {cross.max():.2g}), so its two loadings cannot be "
                "told apart (two-indicator rule). Add a third item to the factor or merge it "
                "with another factor."
            )


# --------------------------------------------------------------------------- fit measures
def _fit_measures(s: np.ndarray, sig: np.ndarray, fmin: float, n: int, q: int) -> dict[str, Any]:
    p = s.shape[0]
    df = p * (p + 1) // 2 - q
    x2 = max(n * fmin, 0.0)
    logdet_s = np.linalg.slogdet(s)[1]
    x2_b = n * (np.sum(np.log(np.diag(s))) - logdet_s)
    df_b = p * (p - 1) // 2
    pvalue = float(stats.chi2.sf(x2, df)) if df > 0 else float("nan")
    cfi, tli = _cfi(x2, df, x2_b, df_b)
    rmsea = float(np.sqrt(max(x2 / n / df - 1.0 / n, 0.0))) if df > 0 else 0.0
    ci_low, ci_high = _rmsea_ci(x2, df, n)
    rmsea_p = float(stats.ncx2.sf(x2, df, n * df * 0.05**2)) if df > 0 else float("nan")
    d = np.sqrt(np.diag(s))
    resid = (s - sig) / np.outer(d, d)
    srmr = float(np.sqrt(np.mean(resid[np.tril_indices(p)] ** 2)))
    const = p * np.log(2 * np.pi)
    _sign, logdet_sig = np.linalg.slogdet(sig)
    loglik = -n / 2 * (const + logdet_sig + np.trace(linalg.solve(sig, s, assume_a="pos")))
    loglik_u = -n / 2 * (const + logdet_s + p)
    return {
        "chisq": float(x2),
        "df": int(df),
        "pvalue": pvalue,
        "baseline_chisq": float(x2_b),
        "baseline_df": int(df_b),
        "cfi": float(cfi),
        "tli": float(tli),
        "rmsea": rmsea,
        "rmsea_ci_low": ci_low,
        "rmsea_ci_high": ci_high,
        "rmsea_pvalue": rmsea_p,
        "srmr": srmr,
        "aic": float(-2 * loglik + 2 * q),
        "bic": float(-2 * loglik + q * np.log(n)),
        "loglik": float(loglik),
        "unrestricted_loglik": float(loglik_u),
        "npar": int(q),
    }


# --------------------------------------------------------------------------- estimation
def _ml_fit(spec: _Spec, s: np.ndarray) -> tuple[np.ndarray, float, int]:
    """Minimise F_ML on the correlation metric, return estimates on the scale of ``s``."""
    p = spec.p
    dsd = np.sqrt(np.diag(s))
    r = s / np.outer(dsd, dsd)
    logdet_r = np.linalg.slogdet(r)[1]
    big = 1e10

    def fun(x: np.ndarray) -> tuple[float, np.ndarray]:
        sig = spec.sigma(x)
        try:
            c = linalg.cho_factor(sig, lower=True, check_finite=True)
        except (linalg.LinAlgError, ValueError):
            return big, np.zeros_like(x)
        inv = linalg.cho_solve(c, np.eye(p))
        logdet = 2.0 * np.sum(np.log(np.diag(c[0])))
        f = logdet + np.sum(inv * r) - logdet_r - p
        g = inv - inv @ r @ inv
        return float(f), spec.gradient(x, g)

    x0 = spec.start(r)
    res = optimize.minimize(
        fun, x0, jac=True, method="BFGS", options={"gtol": 1e-9, "maxiter": 1000}
    )
    x = res.x
    # polish: BFGS often stops on "precision loss" just short of the optimum
    res2 = optimize.minimize(
        fun, x, jac=True, method="L-BFGS-B", options={"gtol": 1e-12, "ftol": 1e-15}
    )
    if res2.fun <= res.fun:
        x = res2.x
    fval, grad = fun(x)
    if not np.isfinite(fval) or fval >= big or np.max(np.abs(grad)) > 1e-5:
        raise ConvergenceError(
            "The ML estimation of the CFA did not converge "
            f"(largest gradient {np.max(np.abs(grad)):.2g} after {res.nit} iterations: "
            f"{res.message}). The model may not be identified or may fit the data very "
            "badly; check the item assignment and look for items with near-zero correlations."
        )
    # back to the metric of s: loadings × sd, error variances × var (marker: ratio of sds)
    lam, theta, phi = spec.unpack(x)
    f = spec.fac_of
    if spec.std_lv:
        lam_s = lam * dsd
        phi_s = phi
    else:
        marker_sd = np.array([dsd[np.flatnonzero(f == k)[0]] for k in range(spec.m)])
        lam_s = lam * dsd / marker_sd[f]
        phi_s = phi * np.outer(marker_sd, marker_sd)
    theta_s = theta * dsd**2
    parts = [lam_s[spec.free_load], theta_s]
    if not spec.std_lv:
        parts.append(np.diag(phi_s))
    parts.append(np.array([phi_s[k, ell] for k, ell in spec.cov_pairs]))
    return np.concatenate(parts), float(fval), int(res.nit + res2.nit)


def _expected_vcov(spec: _Spec, x: np.ndarray, n: int) -> np.ndarray:
    """Inverse expected information / N: I = ½ Δ'(Σ⁻¹ ⊗ Σ⁻¹)Δ (lavaan's default)."""
    sig = spec.sigma(x)
    inv = linalg.inv(sig)
    a = np.einsum("ij,qjk->qik", inv, spec.derivatives(x))
    info = 0.5 * np.einsum("aij,bji->ab", a, a)
    w = np.linalg.eigvalsh(info)
    if not np.all(np.isfinite(w)) or w[0] <= 0:
        raise ConvergenceError(
            "The information matrix of the CFA is singular, so standard errors cannot be "
            "computed; the model is not identified (e.g. a two-item factor uncorrelated "
            "with every other factor)."
        )
    if w[0] < 1e-10 * w[-1]:
        warnings.warn(
            f"The information matrix of the CFA is nearly singular (condition number "
            f"{w[-1] / w[0]:.2g}): the model is empirically under-identified and its standard "
            "errors are unreliable. Check for items that barely correlate with their factor.",
            ServqualWarning,
            stacklevel=3,
        )
    return linalg.pinvh(info) / n


def _std_jacobian(spec: _Spec, x: np.ndarray) -> np.ndarray:
    """Jacobian of the std.all values by complex-step differentiation (exact to rounding)."""
    h = 1e-30
    cols = []
    for j in range(spec.q):
        xc = x.astype(np.complex128)
        xc[j] += 1j * h
        cols.append(spec.standardized(xc).imag / h)
    return np.column_stack(cols)


def _cfa_syntax(
    data: Any, model: Mapping[str, Sequence[str]] | str | None, score: str
) -> str | None:
    """lavaan syntax of a cfa() model for the SEM engine: a mapping factor -> items as
    ``factor =~ item1 + item2``, lavaan syntax as given, None (a Survey's instrument model,
    built by :func:`servqual.sem`)."""
    if isinstance(model, Mapping):
        if not model:
            raise InstrumentError("model is empty: give at least one factor and its items.")
        lines = []
        for factor, items in model.items():
            if isinstance(items, str) or not isinstance(items, Sequence) or not items:
                raise InstrumentError(
                    f"Factor {factor!r}: its items must be a non-empty list of column names, "
                    f"got {items!r}."
                )
            lines.append(f"{factor} =~ " + " + ".join(str(i) for i in items))
        return "\n".join(lines)
    if model is None or isinstance(model, str):
        if model is None and not isinstance(data, Survey):
            raise InstrumentError(
                "model= is required when data is a DataFrame: a mapping factor -> item columns "
                "or lavaan syntax."
            )
        return model
    raise InstrumentError(
        f"model must be a mapping factor -> items or lavaan syntax, got {type(model).__name__}."
    )


# with group= or ordered=/estimator="wlsmv" the SEM engine fits the model: SEMResult
@overload
def cfa(
    data: Any,
    model: Mapping[str, Sequence[str]] | str | None = None,
    *,
    estimator: Literal["ml"] = "ml",
    std_lv: bool = True,
    nan_policy: CFANanPolicy = "listwise",
    score: str = "perception",
    group: None = None,
    group_equal: str | Sequence[str] = (),
    group_partial: str | Sequence[str] = (),
    ordered: None = None,
) -> CFAResult: ...


@overload
def cfa(
    data: Any,
    model: Mapping[str, Sequence[str]] | str | None = None,
    *,
    estimator: str = "ml",
    std_lv: bool = True,
    nan_policy: CFANanPolicy = "listwise",
    score: str = "perception",
    group: str,
    group_equal: str | Sequence[str] = (),
    group_partial: str | Sequence[str] = (),
    ordered: bool | Sequence[str] | None = None,
) -> SEMResult: ...


@overload
def cfa(
    data: Any,
    model: Mapping[str, Sequence[str]] | str | None = None,
    *,
    estimator: str = "ml",
    std_lv: bool = True,
    nan_policy: CFANanPolicy = "listwise",
    score: str = "perception",
    group: str | None = None,
    group_equal: str | Sequence[str] = (),
    group_partial: str | Sequence[str] = (),
    ordered: bool | Sequence[str],
) -> SEMResult: ...


@overload
def cfa(
    data: Any,
    model: Mapping[str, Sequence[str]] | str | None = None,
    *,
    estimator: Literal["mlr", "wlsmv"],
    std_lv: bool = True,
    nan_policy: CFANanPolicy = "listwise",
    score: str = "perception",
    group: str | None = None,
    group_equal: str | Sequence[str] = (),
    group_partial: str | Sequence[str] = (),
    ordered: bool | Sequence[str] | None = None,
) -> SEMResult: ...


def cfa(
    data: Any,
    model: Mapping[str, Sequence[str]] | str | None = None,
    *,
    estimator: str = "ml",
    std_lv: bool = True,
    nan_policy: CFANanPolicy = "listwise",
    score: str = "perception",
    group: str | None = None,
    group_equal: str | Sequence[str] = (),
    group_partial: str | Sequence[str] = (),
    ordered: bool | Sequence[str] | None = None,
) -> CFAResult | SEMResult:
    """Confirmatory factor analysis of a simple-structure measurement model (ML; by
    groups; or WLSMV for ordinal items).

    Parameters
    ----------
    data : Survey or pandas.DataFrame
        A :class:`~servqual.Survey` (its ``item_scores(score)`` are analysed) or a
        numeric frame with one column per item and one row per respondent.
    model : mapping of str to list of str, optional
        Factor name → the item columns that load on it. Every item loads on one
        factor only; factors are correlated. Defaults, for a Survey, to the
        instrument's measurement model ``survey.instrument.model`` (dimensions whose
        items are all scored); required for a DataFrame.
    estimator : {"ml", "wlsmv"}
        Normal-theory maximum likelihood, or (ordinal items) WLSMV: with
        ``estimator="wlsmv"`` every item is ordinal, as with ``ordered=True``.
    std_lv : bool, default True
        Identification. ``True`` fixes the factor variances to 1 and frees every
        loading (lavaan ``std.lv = TRUE``); ``False`` fixes each factor's first
        loading to 1 (marker variable, lavaan's default) and frees the factor variances.
    nan_policy : {"listwise", "raise"}
        Respondents with a missing rating on a model item are dropped (with a
        :class:`~servqual.MissingDataWarning`) or raise :class:`~servqual.DataError`.
    score : str, default "perception"
        Which item score of a Survey to analyse (``"perception"``, ``"expectation"``,
        ``"gap"`` ...); ignored for a DataFrame.
    group : str, optional
        A multi-group CFA: the grouping column of the DataFrame, or a segment of the
        Survey (``survey.segments``). The model (the mapping, written as lavaan syntax
        ``factor =~ item1 + item2 ...``, or lavaan syntax passed as a string) is then fitted
        by the SEM engine (:func:`servqual.sem` with ``group=``), with a mean structure,
        and the result is that :class:`~servqual.SEMResult` (parameter table with a
        ``group`` column, ``fit_measures()``, ``group_fit_measures()``, usable with
        :func:`servqual.score_tests`), not a ``CFAResult``. The identification is this
        function's ``std_lv`` (default True: factor variances fixed to 1 in the first
        group; with equal loadings they are free in the others, as lavaan); pass
        ``std_lv=False`` for lavaan's ``cfa(model, data, group=)`` default (marker
        loadings).
    group_equal : str or sequence of str
        With ``group``: parameters held equal across groups, lavaan's ``group.equal``
        (``"loadings"``, ``"intercepts"``, ``"means"``, ``"residuals"``,
        ``"residual.covariances"``, ``"lv.variances"``, ``"lv.covariances"``,
        ``"regressions"``).
    group_partial : str or sequence of str
        With ``group``: parameters exempt from ``group_equal`` (``"visual=~x2"``,
        ``"x3~1"``), lavaan's ``group.partial``.
    ordered : True or list of str, optional
        Ordinal (Likert) items: ``True`` (all items) or their names (the others are
        continuous, as lavaan's ``ordered = c(...)``). The model is then fitted by
        :func:`servqual.sem` with ``ordered=`` — WLSMV as lavaan's
        ``cfa(model, data, ordered = TRUE)``: thresholds and polychoric correlations,
        delta parameterization, DWLS estimates, robust standard errors and the
        scaled-and-shifted test — and the result is a :class:`~servqual.SEMResult`
        (threshold rows ``"A1|t1"`` in its table, ``fit_measures()`` with
        ``chisq_scaled``, ``cfi_scaled``, ``rmsea_scaled`` ...). ``std_lv`` keeps its
        default here (True), unlike lavaan's ``cfa``.

    Returns
    -------
    CFAResult or SEMResult
        A :class:`~servqual.SEMResult` with ``ordered``/``estimator="wlsmv"``, else:
    CFAResult
        Parameter table (``to_frame()``: ``lhs``, ``op``, ``rhs``, ``free``, ``est``,
        ``se``, ``z``, ``p_value``, ``std_all``, ``std_se``) and fit measures as fields
        (``chisq``, ``df``, ``pvalue``, ``baseline_chisq``, ``baseline_df``, ``cfi``,
        ``tli``, ``rmsea``, ``rmsea_ci_low``, ``rmsea_ci_high``, ``rmsea_pvalue``,
        ``srmr``, ``aic``, ``bic``, ``loglik``); ``fit_measures()``, ``loadings()``,
        ``factor_correlations()`` and ``residuals()`` give them as tables;
        ``improper`` lists the problems of an improper solution.

    Raises
    ------
    MissingColumnError
        The model names an item that is not in the data.
    InstrumentError
        An item in two factors, a factor with fewer than two items, or a model with
        more parameters than covariances (negative degrees of freedom).
    InsufficientDataError
        Not more complete respondents than items.
    DataError
        Missing ratings with ``nan_policy="raise"``, a zero-variance item or a
        singular sample covariance matrix.
    ConvergenceError
        The model is not identified on these data (a two-item factor whose items are
        uncorrelated with every other factor's items: the two-indicator rule, checked
        before estimation), the optimiser did not reach a minimum of the ML
        discrepancy, or the information matrix is singular.

    See Also
    --------
    servqual.composite_reliability, servqual.ave, servqual.fornell_larcker, servqual.htmt

    Notes
    -----
    The model-implied covariance is ``Σ(θ) = Λ Φ Λ' + Θ`` (Θ diagonal). The estimate
    minimises the ML discrepancy

    .. math:: F = \\log|Σ(θ)| + \\operatorname{tr}(S Σ(θ)^{-1}) - \\log|S| - p

    where ``S`` is the sample covariance with divisor ``N`` (lavaan's
    ``likelihood = "normal"``), by BFGS with the analytic gradient
    ``∂F/∂θ = tr[(Σ⁻¹ - Σ⁻¹SΣ⁻¹) ∂Σ/∂θ]``. The fit is computed on the correlation
    metric and rescaled (ML estimates are scale-equivariant). Standard errors are
    ``sqrt(diag(I⁻¹/N))`` with the expected information
    ``I = ½ Δ'(Σ⁻¹⊗Σ⁻¹)Δ``; standardized (``std.all``) standard errors use the delta
    method. Fit measures use lavaan's definitions: ``chisq = N·F``; CFI, TLI against
    the independence baseline; RMSEA ``sqrt(max(χ²/N/df - 1/N, 0))`` with its 90%
    interval and p-close (H0: RMSEA ≤ .05); SRMR is Bentler's (diagonal included,
    no mean structure); AIC/BIC from the log-likelihood with ``npar`` parameters. For
    a saturated model (``df = 0``) ``pvalue`` and ``rmsea_pvalue`` are NaN, as in lavaan.
    Survey weights are not used (the fit is unweighted, as ``lavaan::cfa`` without
    ``sampling.weights``).

    Matches ``lavaan::cfa(model, data, std.lv = TRUE)`` with ``fitMeasures(fit)``,
    ``parameterEstimates(fit)`` and ``standardizedSolution(fit)``.

    After estimation the solution is checked as ``lavaan``'s
    ``lav_object_post_check`` does: a negative error variance (Θ is diagonal, so
    this is exactly "Θ is not positive definite"), a negative factor variance, a
    standardized loading above 1 in absolute value, a factor correlation outside
    [-1, 1], or — when no factor variance is negative — a latent covariance matrix Φ
    with an eigenvalue below ``-eps**(3/4)`` (lavaan's threshold, about -1.8e-12)
    make the solution improper ("Heywood" case; Dillon, Kumar & Mulani, 1987).

    Warns
    -----
    HeywoodWarning
        The solution is improper (see Notes); the warning names the items or factors
        involved and, for Φ, its smallest eigenvalue. The problems are also kept in
        ``improper``, and :func:`servqual.discriminant_validity` and
        :func:`servqual.fornell_larcker` repeat the warning.

    References
    ----------
    Dillon, W. R., Kumar, A., & Mulani, N. (1987). Offending estimates in covariance
    structure analysis: Comments on the causes of and solutions to Heywood cases.
    *Psychological Bulletin*, 101(1), 126–135.

    Jöreskog, K. G. (1969). A general approach to confirmatory maximum likelihood
    factor analysis. *Psychometrika*, 34(2), 183–202.

    Rosseel, Y. (2012). lavaan: An R package for structural equation modeling.
    *Journal of Statistical Software*, 48(2), 1–36.

    Examples
    --------
    >>> import servqual as sq
    >>> survey = sq.load_example("retail_bank", nan_policy="listwise")
    >>> fit = sq.cfa(survey)
    >>> fit.df, round(fit.cfi, 3), round(fit.rmsea, 3)
    (199, 0.995, 0.02)
    >>> fit.loadings()["std_all"].round(2).head(3).tolist()
    [0.86, 0.87, 0.88]

    The ratings as ordinal categories (WLSMV; sparse categories and empty cells of the
    7-point scale are reported by warnings):

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     ordinal = sq.cfa(survey, ordered=True)
    >>> ordinal.estimator, ordinal.to_frame().loc["TAN1|t1", "op"]
    ('wlsmv', '|')
    >>> round(float(ordinal.fit_measures()["cfi_scaled"]), 3)
    1.0
    """
    if not isinstance(std_lv, bool | np.bool_):
        raise DataError(f"std_lv must be True or False, got {std_lv!r}.")
    if group is not None or _wlsmv_requested(ordered, estimator, "standard", "listwise"):
        _reject_summary(data, "cfa")
        return _sem(
            data,
            _cfa_syntax(data, model, score),
            score=score,
            std_lv=bool(std_lv),
            nan_policy=nan_policy,
            estimator=estimator,
            group=group,
            group_equal=group_equal,
            group_partial=group_partial,
            ordered=ordered,
        )
    if group_equal or group_partial:
        raise DataError("group_equal= and group_partial= need group= (the grouping column).")
    check_choice(estimator, "estimator", ("ml",))
    if isinstance(model, str):
        raise InstrumentError(
            "cfa takes lavaan syntax (a string) with group= or ordered= only; without them "
            "pass a mapping factor -> items, or use sq.sem(data, model) for lavaan syntax."
        )
    x, spec_model, _index, dropped, used_score = _prepare(data, model, score, nan_policy)
    spec = _Spec(spec_model, bool(std_lv))
    n, p = x.shape
    s = np.cov(x, rowvar=False, ddof=0)
    _check_covariance(s, spec.items, n)
    _check_identification(spec, s)
    est, fmin, nit = _ml_fit(spec, s)
    sig = spec.sigma(est)
    fit = _fit_measures(s, sig, fmin, n, spec.q)

    vcov = _expected_vcov(spec, est, n)
    lhs, op, rhs, free = spec.table_rows()
    values = spec.full_values(est)
    se = np.zeros(len(values))
    se[free] = np.sqrt(np.clip(np.diag(vcov), 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(free, values / np.where(se > 0, se, np.nan), np.nan)
    pval = np.where(free, 2 * stats.norm.sf(np.abs(z)), np.nan)
    std = spec.standardized(est)
    jac = _std_jacobian(spec, est)
    std_se = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", jac, vcov, jac), 0.0, None))
    labels = [f"{a}{o}{b}" for a, o, b in zip(lhs, op, rhs, strict=True)]
    table = pd.DataFrame(
        {
            "lhs": lhs,
            "op": op,
            "rhs": rhs,
            "free": free,
            "est": values,
            "se": se,
            "z": z,
            "p_value": pval,
            "std_all": std,
            "std_se": std_se,
        },
        index=pd.Index(labels, name="parameter"),
    )
    problems = _improper(spec, est, std)
    if problems:
        warnings.warn(
            "Improper CFA solution (Heywood case): "
            + "; ".join(problems)
            + ". Interpret with care: the model may be misspecified (e.g. two factors "
            "that are not empirically distinct) or the sample too small.",
            HeywoodWarning,
            stacklevel=2,
        )
    cov_index = pd.Index(spec.items, name="item")
    return CFAResult(
        _table=table,
        model=spec_model,
        n=int(n),
        n_items=p,
        n_factors=spec.m,
        estimator=estimator,
        std_lv=bool(std_lv),
        score=used_score,
        iterations=nit,
        dropped_rows=dropped,
        sample_cov=pd.DataFrame(s, index=cov_index, columns=cov_index),
        implied_cov=pd.DataFrame(sig, index=cov_index, columns=cov_index),
        improper=tuple(problems),
        **{k: v for k, v in fit.items()},
    )


# lavaan's lav_object_post_check: an eigenvalue below -eps^(3/4) is "not positive definite"
_PD_TOL = float(np.finfo(float).eps ** 0.75)


def _improper(spec: _Spec, est: np.ndarray, std: np.ndarray) -> list[str]:
    """The problems that make a fitted solution improper (empty list if none).

    Mirrors ``lavaan:::lav_object_post_check``: negative observed (error) variances,
    negative latent variances, and — when the latent variances are not negative — a
    latent covariance matrix Φ whose smallest eigenvalue is below ``-eps**(3/4)``;
    plus standardized loadings and factor correlations beyond ±1.
    """
    _lam, theta, phi = spec.unpack(est)
    problems = []
    neg = [spec.items[i] for i in np.flatnonzero(theta < 0)]
    if neg:
        problems.append(
            f"negative error variance for {fmt_list(neg)} (the covariance matrix of the "
            "residuals, Θ, is not positive definite)"
        )
    big = [spec.items[i] for i in np.flatnonzero(np.abs(std[: spec.p]) > 1)]
    if big:
        problems.append(f"standardized loading above 1 for {fmt_list(big)}")
    neg_f = [spec.factors[k] for k in np.flatnonzero(np.diag(phi) < 0)]
    if neg_f:
        problems.append(f"negative factor variance for {fmt_list(neg_f)}")
    r = std[2 * spec.p + spec.m :]
    bad = [
        f"{spec.factors[k]}~{spec.factors[ell]}"
        for (k, ell), v in zip(spec.cov_pairs, r, strict=True)
        if abs(v) > 1
    ]
    if bad:
        problems.append(f"factor correlation beyond ±1 for {fmt_list(bad)}")
    if not neg_f and spec.m > 1:
        vals, vecs = np.linalg.eigh(phi)
        if vals[0] < -_PD_TOL:
            w = np.abs(vecs[:, 0])
            involved = [spec.factors[k] for k in np.argsort(-w) if w[k] >= 0.3 * w.max()]
            k, ell = max(spec.cov_pairs, key=lambda kl: abs(r[spec.cov_pairs.index(kl)]))
            top = r[spec.cov_pairs.index((k, ell))]
            problems.append(
                "the covariance matrix of the latent variables (Φ) is not positive "
                f"definite: smallest eigenvalue {vals[0]:.3g}, on factors "
                f"{fmt_list(involved)} (highest factor correlation "
                f"{spec.factors[k]}~{spec.factors[ell]} = {top:.3f}); see "
                "factor_correlations()"
            )
    return problems
