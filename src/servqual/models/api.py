"""``sem()``: structural equation models from lavaan syntax, and their result."""

from __future__ import annotations

import ast
import warnings
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from .._results import TableResult, result_class
from .._validation import as_frame, check_choice, fmt_list
from .._vocab import as_rng
from ..exceptions import (
    ConvergenceError,
    DataError,
    HeywoodWarning,
    InstrumentError,
    ServqualWarning,
)
from ..survey import Survey
from .bootstrap import bca_interval, bootstrap_draws, jackknife, percentile_interval
from .dwls import wlsmv_sem
from .estimate import _hessian, ml_fit
from .fiml import FIMLModel, em_moments, fiml_fit, fiml_fit_measures, fiml_sample
from .fit import FIT_NAMES, ROBUST_NAMES, fit_measures, robust_fit_measures
from .matrices import RAM
from .partable import ParTable, build_partable
from .robust import sandwich, saturated_trace
from .sample import sample_stats
from .start import start_values
from .syntax import parse_model
from .vcov import delta_se, expected_vcov, observed_vcov

__all__ = ["SEMResult", "sem"]

# lavaan's lav_object_post_check: an eigenvalue below -eps^(3/4) is "not positive definite"
_PD_TOL = float(np.finfo(float).eps ** 0.75)


@result_class
class SEMResult(TableResult):
    """Result of :func:`sem`: the parameter table, fit measures, R², effects.

    The table (``to_frame()``) has one row per parameter in lavaan's order
    (``parameterEstimates``: the rows written in the syntax, then lavaan's default
    parameters, then the defined parameters ``:=``), indexed by ``lhs op rhs`` (e.g.
    ``"dem60~ind60"``), with columns ``lhs``, ``op``, ``rhs``, ``label``, ``free``,
    ``est``, ``se``, ``z``, ``p_value``, ``ci_low``, ``ci_high`` (interval at ``level``,
    of type ``ci_type``), ``std_lv`` and ``std_all`` (``standardizedSolution`` with
    ``type = "std.lv"`` and ``"std.all"``). Fixed parameters have ``se = 0``, NaN
    ``z``/``p_value`` and a zero-width interval, as in lavaan. ``improper`` lists what
    makes the solution improper (it is empty for a proper solution). ``se_type`` is
    ``"standard"``, ``"robust"`` (MLR, WLSMV) or ``"bootstrap"``; ``ci_type`` is ``"wald"``,
    ``"percentile"`` or ``"bca"``; with the bootstrap, ``n_boot`` draws were made,
    ``n_boot_failed`` of them could not be fitted and were left out, and
    ``n_boot_improper`` of the others have an improper solution and were kept, as in
    lavaan (``effects()`` then uses the standard deviations of the bootstrapped effects).

    With ``missing="fiml"`` the table ends with lavaan's ``~1`` rows: the (free)
    intercepts of the observed variables, then the means of the latent variables (fixed
    at 0); ``sample_cov`` and ``sample_mean`` are then the saturated (EM) estimates,
    ``implied_mean`` the model's means, and ``vcov`` includes the intercepts.

    Several groups (``sem(..., group=)``): ``groups`` are the group labels (strings, in
    lavaan's order), ``n_per_group`` their complete rows, ``group`` the grouping column,
    ``group_equal``/``group_partial`` the constraints asked for, ``meanstructure`` True.
    The table has a ``group`` column and holds all rows of group 1 (lavaan's order, ending
    with the ``~1`` rows of intercepts and latent means), then group 2, …, then the defined
    parameters (``group`` empty); its index is ``lhs op rhs|group`` (e.g.
    ``"visual=~x2|Pasteur"``; defined parameters ``"ind:=a*b"``). Parameters held equal share
    one free parameter and one ``label`` (the user's, or lavaan's ``.pK.`` plabel of their
    first row). ``sample_cov``/``implied_cov`` and ``sample_mean``/``implied_mean`` are
    indexed by (group, variable); ``r_squared()`` too; ``effects()`` gains a ``group``
    column; ``group_fit_measures()`` gives each group's ``n``, ``chisq`` and ``srmr``. A
    single-group fit has ``groups == ("",)``, ``n_per_group == (n,)``, ``group is None``
    and no ``group`` column; with ``meanstructure=True`` (or ``x ~ 1`` in the syntax) it
    gains the ``~1`` rows.

    With ordinal variables (``ordered=``, ``estimator == "wlsmv"``) ``ordered`` names
    them, the table has threshold rows (op ``"|"``), ``sample_cov`` and
    ``implied_cov`` are the polychoric and model-implied correlations of the latent
    responses, ``sample_thresholds`` the sample thresholds, ``gamma`` the asymptotic
    covariance matrix Γ of (thresholds, correlations) as ``lavInspect(fit, "gamma")``,
    and ``vcov`` covers the structural parameters and then the thresholds. With ordinal
    variables and ``group=`` (:mod:`servqual.models.dwls_groups`) ``sample_thresholds``,
    ``sample_cov``, ``implied_cov`` and ``gamma`` (each group's Γ, as
    ``lavInspect(fit, "gamma")``'s list) are indexed by (group, …) and
    ``vcov`` covers the distinct free parameters in the table's order.
    """

    model: str
    n: int
    observed: tuple[str, ...]
    latent: tuple[str, ...]
    estimator: str
    std_lv: bool
    level: float
    se_type: str
    ci_type: str
    n_boot: int
    n_boot_failed: int
    n_boot_improper: int
    npar: int
    iterations: int
    dropped_rows: tuple[Any, ...]
    sample_cov: pd.DataFrame
    implied_cov: pd.DataFrame
    vcov: pd.DataFrame
    improper: tuple[str, ...] = ()
    missing: str = "listwise"
    sample_mean: pd.Series | None = None
    implied_mean: pd.Series | None = None
    groups: tuple[str, ...] = ("",)
    n_per_group: tuple[int, ...] = ()
    group: str | None = None
    group_equal: tuple[str, ...] = ()
    group_partial: tuple[str, ...] = ()
    meanstructure: bool = False
    _group_fit: pd.DataFrame | None = None
    _mg: Any = None
    # --- WLSMV (ordered=, models/dwls.py) ---
    ordered: tuple[str, ...] = ()
    sample_thresholds: pd.Series | None = None
    gamma: pd.DataFrame | None = None
    # --- end WLSMV ---
    _fit: pd.Series
    _r2: pd.Series
    _effects: pd.DataFrame
    _pt: ParTable
    _est: np.ndarray

    _plot_function: ClassVar[str | None] = "plot_sem"

    @property
    def header(self) -> str:
        f = self._fit
        groups = ""
        if self.group is not None:
            sizes = ", ".join(
                f"{g} {n}" for g, n in zip(self.groups, self.n_per_group, strict=True)
            )
            groups = f"{len(self.groups)} groups by {self.group} ({sizes}) · "
            if self.group_equal:
                groups += f"equal {', '.join(self.group_equal)} · "
        return (
            f"SEM ({self.estimator.upper()}{', FIML' if self.missing == 'fiml' else ''}, "
            f"{'std.lv' if self.std_lv else 'marker'}) · {groups}{len(self.latent)} latent · "
            f"{len(self.observed)} observed · n={self.n} · chisq={f['chisq']:.3f} "
            f"(df={int(f['df'])}) · CFI={f['cfi']:.3f} · TLI={f['tli']:.3f} · "
            f"RMSEA={f['rmsea']:.3f} · SRMR={f['srmr']:.3f}"
        )

    def fit_measures(self) -> pd.Series:
        """Fit measures by lavaan's ``fitMeasures`` names with ``_`` for ``.``: ``npar``,
        ``fmin``, ``chisq``, ``df``, ``pvalue``, ``baseline_chisq``, ``baseline_df``,
        ``baseline_pvalue``, ``cfi``, ``tli``, ``nnfi``, ``nfi``, ``ifi``, ``logl``,
        ``unrestricted_logl``, ``aic``, ``bic``, ``ntotal``, ``bic2``, ``rmsea``,
        ``rmsea_ci_lower``, ``rmsea_ci_upper``, ``rmsea_pvalue``, ``srmr``; with
        ``estimator="mlr"`` also ``chisq_scaled``, ``df_scaled``, ``pvalue_scaled``,
        ``chisq_scaling_factor``, the scaled baseline test, ``cfi_scaled``, ``tli_scaled``,
        ``nnfi_scaled``, ``cfi_robust``, ``tli_robust``, ``nnfi_robust`` and
        ``rmsea_scaled``/``rmsea_robust`` with their intervals and p-values. With WLSMV
        (``ordered=``) no likelihood measures; instead the scaled-shifted test
        (``chisq_scaled``, ``chisq_scaling_factor``, ``chisq_shift_parameters`` and the
        baseline's), ``cfi``/``tli``/``nfi``/``ifi`` and their ``_scaled`` versions,
        ``cfi_robust``, ``tli_robust``, ``rmsea_robust`` (lavaan's categorical versions),
        ``rmsea_scaled``, ``srmr`` and ``wrmr`` (see :mod:`servqual.models.dwls`)."""
        return self._fit.copy()

    def group_fit_measures(self) -> pd.DataFrame:
        """Per-group fit of a multi-group model: a DataFrame indexed by group with ``n``
        (complete rows), ``chisq`` (the group's contribution ``n_g·F_g`` to the chi-square,
        lavaan's ``lavInspect(fit, "test")[[1]]$stat.group``; they add up to ``chisq``) and
        ``srmr`` (Bentler's SRMR of the group with the standardised mean residuals, as
        ``lavResiduals``; ``fit_measures()["srmr"]`` is their ``n_g/N``-weighted mean).

        Raises
        ------
        DataError
            The fit has one group (fitted without ``group=``).

        Examples
        --------
        >>> import warnings, servqual as sq
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     fit = sq.sem(sq.load_example("retail_bank"), group="branch")
        >>> fit.group_fit_measures()["n"].tolist()
        [75, 81, 53]
        """
        if self._group_fit is None:
            raise DataError(
                "group_fit_measures() needs a multi-group fit: pass group= (a column or "
                "segment) to sq.sem or sq.cfa."
            )
        return self._group_fit.copy()

    def summary(self) -> str:
        """A printed summary laid out like lavaan's
        ``summary(fit, fit.measures = TRUE, standardized = TRUE, rsquare = TRUE)``.

        The estimator, sample size and optimiser, the model and baseline tests (and the
        scaled test with ``estimator="mlr"``), CFI/TLI, log-likelihoods, information
        criteria, RMSEA with its 90% interval and SRMR; then the parameter blocks
        "Latent Variables:", "Regressions:", "Covariances:", "Intercepts:",
        "Variances:" and "Defined Parameters:" with ``Estimate``, ``Std.Err``,
        ``z-value``, ``P(>|z|)``, ``Std.lv`` and ``Std.all`` (blank for fixed
        parameters; residual variances marked with a leading dot, as lavaan does), and
        "R-Square:". With WLSMV: the scaled-shifted test with its shift parameter, the
        scaled CFI/TLI/RMSEA (no log-likelihood), and "Thresholds:" and "Scales y*:"
        blocks.

        Examples
        --------
        >>> import warnings, servqual as sq
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     fit = sq.sem(sq.load_example("retail_bank"), outcome="overall")
        >>> text = fit.summary()
        >>> [block in text for block in ("Latent Variables:", "Regressions:", "R-Square:")]
        [True, True, True]
        """
        f = self._fit

        def line(label: str, value: Any) -> str:
            if isinstance(value, str):
                text = value
            elif isinstance(value, int | np.integer):
                text = str(int(value))
            else:
                text = f"{float(value):.3f}"
            return f"  {label:<42}{text:>10}"

        def num(key: str) -> float:
            return float(f[key])

        robust = "chisq_scaled" in f.index
        out = [
            f"servqual SEM ended normally after {self.iterations} iterations",
            "",
            line("Estimator", self.estimator.upper()),
            line("Number of model parameters", int(self.npar)),
            "",
            line("Number of observations", int(self.n)),
        ]
        if self.missing == "fiml":
            out.append(line("Missing data", "FIML"))
        out += ["", "Model Test User Model:", ""]
        out += [
            line("Test statistic", num("chisq")),
            line("Degrees of freedom", int(num("df"))),
            line("P-value (Chi-square)", num("pvalue")),
        ]
        shifted = "chisq_shift_parameters" in f.index  # WLSMV's scaled-shifted test
        if robust:
            kind = "scaled-shifted" if shifted else "Yuan-Bentler"
            out += [
                line(f"Scaled test statistic ({kind})", num("chisq_scaled")),
                line("Scaling correction factor", num("chisq_scaling_factor")),
            ]
            if shifted:
                out.append(line("Shift parameter", num("chisq_shift_parameters")))
            out.append(line("P-value (scaled)", num("pvalue_scaled")))
        out += [
            "",
            "Model Test Baseline Model:",
            "",
            line("Test statistic", num("baseline_chisq")),
            line("Degrees of freedom", int(num("baseline_df"))),
            line("P-value", num("baseline_pvalue")),
            "",
            "User Model versus Baseline Model:",
            "",
            line("Comparative Fit Index (CFI)", num("cfi")),
            line("Tucker-Lewis Index (TLI)", num("tli")),
        ]
        if robust and "cfi_robust" in f.index:
            out += [
                line("Robust Comparative Fit Index (CFI)", num("cfi_robust")),
                line("Robust Tucker-Lewis Index (TLI)", num("tli_robust")),
            ]
        if shifted:
            out += [
                line("Scaled Comparative Fit Index (CFI)", num("cfi_scaled")),
                line("Scaled Tucker-Lewis Index (TLI)", num("tli_scaled")),
            ]
        if "logl" in f.index:  # no likelihood with WLSMV
            out += [
                "",
                "Loglikelihood and Information Criteria:",
                "",
                line("Loglikelihood user model (H0)", num("logl")),
                line("Loglikelihood unrestricted model (H1)", num("unrestricted_logl")),
                "",
                line("Akaike (AIC)", num("aic")),
                line("Bayesian (BIC)", num("bic")),
                line("Sample-size adjusted Bayesian (SABIC)", num("bic2")),
            ]
        out += [
            "",
            "Root Mean Square Error of Approximation:",
            "",
            line("RMSEA", num("rmsea")),
            line("90 Percent confidence interval - lower", num("rmsea_ci_lower")),
            line("90 Percent confidence interval - upper", num("rmsea_ci_upper")),
            line("P-value H_0: RMSEA <= 0.050", num("rmsea_pvalue")),
        ]
        if robust and "rmsea_robust" in f.index:
            out.append(line("Robust RMSEA", num("rmsea_robust")))
        if shifted:
            out.append(line("RMSEA (scaled)", num("rmsea_scaled")))
        out += [
            "",
            "Standardized Root Mean Square Residual:",
            "",
            line("SRMR", num("srmr")),
            "",
            "Parameter Estimates:",
            "",
            line("Standard errors", str(self.se_type).capitalize()),
        ]
        t = self._table
        head = f"{'':<19}{'Estimate':>8}{'Std.Err':>9}{'z-value':>9}{'P(>|z|)':>9}"
        head += f"{'Std.lv':>9}{'Std.all':>9}"

        def cell(value: Any, show: bool) -> str:
            return f"{float(value):9.3f}" if show and np.isfinite(float(value)) else " " * 9

        def row(name: str, r: pd.Series) -> str:
            free = bool(r["free"])
            cells = [f"{float(r['est']):8.3f}"]
            cells += [cell(r[key], free) for key in ("se", "z", "p_value")]
            cells += [cell(r["std_lv"], True), cell(r["std_all"], True)]
            return f"{name:<19}"[:19].ljust(19) + "".join(cells)

        endogenous_or_observed = set(self.observed) | set(t.loc[t["op"] == "~", "lhs"])
        multi = "group" in t.columns
        parts = [(g, t[(t["group"] == g).to_numpy()]) for g in self.groups] if multi else [("", t)]
        if multi and (t["group"] == "").any():
            parts.append(("", t[(t["group"] == "").to_numpy()]))
        r2_all = self._r2
        for k, (gname, tg) in enumerate(parts):
            if multi and gname:
                out += ["", f"Group {k + 1} [{gname}]:"]
            blocks = [
                ("Latent Variables:", tg["op"] == "=~", True),
                ("Regressions:", tg["op"] == "~", True),
                ("Covariances:", (tg["op"] == "~~") & (tg["lhs"] != tg["rhs"]), True),
                ("Intercepts:", tg["op"] == "~1", False),
                ("Thresholds:", tg["op"] == "|", False),
                ("Variances:", (tg["op"] == "~~") & (tg["lhs"] == tg["rhs"]), False),
                ("Scales y*:", tg["op"] == "~*~", False),
                ("Defined Parameters:", tg["op"] == ":=", False),
            ]
            for title, mask, grouped in blocks:
                rows = tg[mask.to_numpy()]
                if rows.empty:
                    continue
                out += ["", title, head]
                current = None
                for _, r in rows.iterrows():
                    if grouped:
                        if r["lhs"] != current:
                            current = r["lhs"]
                            out.append(f"  {current} {r['op']}")
                        name = f"    {r['rhs']}"
                    elif title in ("Variances:", "Intercepts:") and (
                        r["lhs"] in endogenous_or_observed
                    ):
                        name = f"   .{r['lhs']}"
                    elif title == "Thresholds:":
                        name = f"    {r['lhs']}|{r['rhs']}"
                    else:
                        name = f"    {r['lhs']}"
                    if isinstance(r["label"], str) and r["label"]:
                        name = f"{name} ({r['label']})"
                    out.append(row(name, r))
            if multi and not gname:
                continue
            r2 = r2_all.xs(gname, level="group") if multi else r2_all
            if len(r2):
                out += ["", "R-Square:", f"{'':<19}{'Estimate':>8}"]
                out += [f"    {i!s:<15}"[:19].ljust(19) + f"{float(v):8.3f}" for i, v in r2.items()]
        return "\n".join(out)

    def r_squared(self) -> pd.Series:
        """R² of every variable with a residual variance (observed indicators and
        outcomes, then endogenous latent variables: those regressed on others and the
        first-order factors of a higher-order factor), as ``lavInspect(fit, "r2")``."""
        return self._r2.copy()

    def effects(self) -> pd.DataFrame:
        """Direct, indirect and total effects along the regression (``~``) paths.

        One row per (``outcome``, ``predictor``) pair connected by a chain of
        regressions, with ``direct``, ``indirect``, ``total`` and their delta-method
        standard errors (``direct_se``, ``indirect_se``, ``total_se``). With ``B`` the
        matrix of regression coefficients (``B[y, x]`` the effect of ``x`` on ``y``),
        total effects are ``(I − B)⁻¹ − I`` and indirect effects total − direct
        (Bollen, 1987).
        """
        return self._effects.copy()

    def estimates(self, op: str | None = None) -> pd.DataFrame:
        """The parameter table, optionally only the rows of one operator
        (``"=~"``, ``"~"``, ``"~~"`` or ``":="``)."""
        t = self._table
        return (t if op is None else t[t["op"] == op]).copy()


# --- WLSMV (ordered=, models/dwls.py) ---
def _wlsmv_requested(ordered: Any, estimator: Any, se: Any, missing: Any) -> bool:
    """Whether ``sem()`` fits by WLSMV: ``ordered`` given (then the estimator defaults
    to WLSMV, as lavaan) or ``estimator="wlsmv"`` (then every observed variable is
    ordinal). Other estimators, the bootstrap and FIML do not combine with it."""
    if ordered is None or ordered is False:
        if isinstance(estimator, str) and estimator.lower() == "wlsmv":
            if ordered is False:
                raise DataError(
                    "estimator='wlsmv' is for ordinal variables, but ordered=False; pass "
                    "ordered=True (or the ordinal column names), or use estimator='ml'."
                )
        else:
            return False
    elif isinstance(ordered, bool | np.bool_) and not ordered:
        return False
    if isinstance(estimator, str) and estimator.lower() not in ("ml", "wlsmv"):
        raise DataError(
            f"ordered= is fitted by estimator='wlsmv' (DWLS with robust standard errors and "
            f"the scaled-and-shifted test, lavaan's default); got estimator={estimator!r}."
        )
    if se != "standard" or missing != "listwise":
        raise DataError(
            "ordered=/estimator='wlsmv' uses robust (sandwich) standard errors and listwise "
            f"deletion; se={se!r} and missing={missing!r} are not available with it."
        )
    return True


# --- end WLSMV ---


def _definitions(pt: ParTable) -> list[tuple[str, Any]]:
    return [
        (d.name, compile(ast.parse(d.expression, mode="eval"), "<:=>", "eval")) for d in pt.defined
    ]


def _evaluate_defined(pt: ParTable, codes: list, row_values: np.ndarray) -> np.ndarray:
    """Values of the defined parameters, given the values of all table rows."""
    env: dict[str, Any] = {"exp": np.exp, "log": np.log, "sqrt": np.sqrt}
    labels = pt.table["label"].to_numpy()
    for k in range(len(labels)):
        if labels[k] and labels[k] not in env:
            env[labels[k]] = row_values[k]
    out = []
    for name, code in codes:
        value = eval(code, {"__builtins__": {}}, env)  # parsed and whitelisted
        env[name] = value
        out.append(value)
    return np.array(out, dtype=row_values.dtype)


def _std_factors(ram: RAM, x: np.ndarray, kind: str) -> np.ndarray:
    """Per-row factor that turns a parameter value into its std.all / std.lv value.

    Loadings and regressions are scaled by sd(predictor)/sd(outcome), variances by the
    total variance, covariances by the residual standard deviations (lavaan's
    ``cov.std = TRUE``); ``kind="lv"`` uses the standard deviations of the latent
    variables only. Works on complex ``x``.
    """
    a, s = ram.matrices(x)
    b = ram.inverse(a)
    sd = np.sqrt(np.diag(b @ s @ b.T))
    with np.errstate(invalid="ignore"):  # a negative residual variance: NaN, as lavaan
        res = np.sqrt(np.diag(s))
    if kind == "lv":
        observed = np.arange(ram.m) < ram.p
        sd = np.where(observed, 1.0, sd)
        res = np.where(observed, 1.0, res)
    i, j = ram.row_i, ram.row_j  # A[i, j]: effect of j on i; S[i, j]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(
            ram.row_is_a, sd[j] / sd[i], np.where(i == j, 1.0 / sd[i] ** 2, 1.0 / (res[i] * res[j]))
        )
    # a zero residual variance (a single indicator) leaves its covariances unscaled: NaN
    return np.where(np.isfinite(out), out, np.nan)


def _standardized(ram: RAM, x: np.ndarray, kind: str) -> np.ndarray:
    """std.all / std.lv values of the table rows."""
    return ram.row_values(x) * _std_factors(ram, x, kind)


def _effects(
    pt: ParTable, ram: RAM, x: np.ndarray, vcov: np.ndarray, draws: np.ndarray | None = None
) -> pd.DataFrame:
    t = pt.table
    reg = np.flatnonzero((t["op"] == "~").to_numpy())
    cols = [
        "outcome",
        "predictor",
        "direct",
        "direct_se",
        "indirect",
        "indirect_se",
        "total",
        "total_se",
    ]
    if len(reg) == 0:
        return pd.DataFrame(columns=cols)
    i, j = ram.row_i[reg], ram.row_j[reg]
    conn = np.zeros((ram.m, ram.m), dtype=bool)
    conn[i, j] = True
    reach = conn.copy()
    for _ in range(ram.m):
        nxt = reach | ((reach.astype(int) @ conn.astype(int)) > 0)
        if (nxt == reach).all():
            break
        reach = nxt
    order = list(dict.fromkeys(t["lhs"].to_numpy()[reg]))
    pos = {v: k for k, v in enumerate(ram.names)}
    pairs = [(pos[y], k) for y in order for k in range(ram.m) if reach[pos[y], k]]
    yi = np.array([p[0] for p in pairs])
    xj = np.array([p[1] for p in pairs])

    def values(z: np.ndarray) -> np.ndarray:
        a, _s = ram.matrices(z)
        bmat = np.zeros_like(a)
        bmat[i, j] = a[i, j]
        total = np.linalg.inv(np.eye(ram.m, dtype=a.dtype) - bmat) - np.eye(ram.m)
        d, tt = bmat[yi, xj], total[yi, xj]
        return np.concatenate([d, tt - d, tt])

    v = values(x)
    if draws is None:
        se = delta_se(values, x, vcov)
    else:  # bootstrap: standard deviation of the effects over the draws
        se = np.std(np.array([values(b) for b in draws]), axis=0, ddof=1)
    k = len(pairs)
    out = pd.DataFrame(
        {
            "outcome": [ram.names[a] for a in yi],
            "predictor": [ram.names[b] for b in xj],
            "direct": v[:k],
            "direct_se": se[:k],
            "indirect": v[k : 2 * k],
            "indirect_se": se[k : 2 * k],
            "total": v[2 * k :],
            "total_se": se[2 * k :],
        }
    )
    return out.set_index(
        pd.Index(
            [f"{a}~{b}" for a, b in zip(out["outcome"], out["predictor"], strict=True)],
            name="effect",
        )
    )


def _improper(pt: ParTable, ram: RAM, x: np.ndarray) -> list[str]:
    """lavaan's ``lav_object_post_check``: negative variances, non-PD Θ and cov.lv."""
    a, s = ram.matrices(x)
    p = ram.p
    problems = []
    theta = s[:p, :p]
    neg_ov = [ram.ov[k] for k in range(p) if theta[k, k] < 0]
    if neg_ov:
        problems.append(f"negative residual variance for {fmt_list(neg_ov)}")
    elif p > 1 and np.linalg.eigvalsh(theta)[0] < -_PD_TOL:
        problems.append(
            "the covariance matrix of the residuals of the observed variables (Θ) is not "
            f"positive definite (smallest eigenvalue {np.linalg.eigvalsh(theta)[0]:.3g})"
        )
    lvi = np.arange(p, ram.m)
    neg_lv = [ram.names[k] for k in lvi if s[k, k] < 0]
    if neg_lv:
        problems.append(f"negative (residual) variance for latent {fmt_list(neg_lv)}")
    elif len(lvi) > 1:
        b = ram.inverse(a)
        cov_lv = (b @ s @ b.T)[np.ix_(lvi, lvi)]
        w = np.linalg.eigvalsh(cov_lv)[0]
        if w < -_PD_TOL:
            problems.append(
                "the covariance matrix of the latent variables is not positive definite "
                f"(smallest eigenvalue {w:.3g})"
            )
    return problems


def _survey_frame(
    survey: Any, model: str | None, outcome: Any, outcome_name: str, score: str
) -> tuple[pd.DataFrame, str]:
    """Item scores plus outcomes of a Survey, and (without ``model``) the obvious model."""
    if not isinstance(score, str):
        raise DataError(f"score must be a score name such as 'perception', got {score!r}.")
    frame = survey.item_scores(score)
    outcomes = survey.outcomes
    if outcomes is not None:
        frame = frame.join(outcomes, how="left")
    if model is not None:
        if outcome is not None:
            raise DataError("Pass either model= (lavaan syntax) or outcome=, not both.")
        return frame, model
    dims = {
        dim: items
        for dim, items in survey.instrument.model.items()
        if all(i in frame.columns for i in items)
    }
    if not dims:
        raise InstrumentError(
            f"No dimension of instrument {survey.instrument.name!r} has all its items scored "
            f"as {score!r}; pass model= explicitly."
        )
    lines = [f"{dim} =~ " + " + ".join(items) for dim, items in dims.items()]
    if outcome is not None:
        names = [outcome] if isinstance(outcome, str) else list(outcome)
        for name in names:
            survey.outcome(name)  # MissingColumnError naming the outcomes there are
        if len(names) == 1:
            target = names[0]
        else:
            target = outcome_name
            lines.append(f"{target} =~ " + " + ".join(names))
        lines.append(f"{target} ~ " + " + ".join(dims))
    return frame, "\n".join(lines)


def sem(
    data: Any,
    model: str | None = None,
    *,
    outcome: str | Sequence[str] | None = None,
    outcome_name: str = "outcome",
    score: str = "perception",
    std_lv: bool = False,
    nan_policy: str = "listwise",
    missing: str = "listwise",
    level: float = 0.95,
    estimator: str = "ml",
    se: str = "standard",
    n_boot: int = 1000,
    ci: str | None = None,
    rng: int | np.random.Generator | None = None,
    progress: bool | None = None,
    group: str | None = None,
    group_equal: str | Sequence[str] = (),
    group_partial: str | Sequence[str] = (),
    meanstructure: bool | None = None,
    ordered: bool | Sequence[str] | None = None,
) -> SEMResult:
    """Structural equation model from lavaan syntax, by ML or MLR (as ``lavaan::sem``).

    Parameters
    ----------
    data : pandas.DataFrame or Survey
        One row per respondent; the columns named in ``model`` are used. For a
        :class:`~servqual.Survey` the columns are its item scores (``score``) and its
        outcomes (``survey.outcomes``).
    model : str, optional
        lavaan model syntax: ``=~`` (latent variable measured by), ``~`` (regression),
        ``~~`` (variance/covariance), ``:=`` (defined parameter, an arithmetic expression
        of labels with ``+ - * / ^`` and ``exp``, ``log``, ``sqrt``). Terms take modifiers:
        ``0*x`` fixes, ``a*x`` labels (equal labels: equal parameters), ``NA*x`` frees.
        Comments start with ``#`` or ``!``; ``;`` separates statements; a line ending in
        an operator or ``+`` continues on the next. Required for a DataFrame; for a
        Survey it defaults to the instrument's measurement model (each dimension whose
        items are all scored a latent variable of its items) plus, with ``outcome``, the
        regression of the outcome on every dimension.
    outcome : str or sequence of str, optional
        Survey only, without ``model``: the outcome column(s) the dimensions predict. One
        name: an observed outcome; several: a latent outcome ``outcome_name`` measured by
        them.
    outcome_name : str, default "outcome"
        Name of the latent outcome when ``outcome`` lists several columns.
    score : str, default "perception"
        Survey only: which item score to analyse (``"perception"``, ``"gap"`` ...).
    std_lv : bool, default False
        Identification. ``False`` fixes the first loading of every latent variable to 1
        (lavaan's default); ``True`` fixes the (residual) variances of the latent
        variables to 1 and frees all loadings.
    nan_policy : {"listwise", "raise"}
        With ``missing="listwise"``: rows with a missing value on a model variable are
        dropped (with a :class:`~servqual.MissingDataWarning` saying how many) or raise
        :class:`~servqual.DataError`.
    missing : {"listwise", "fiml"}
        ``"listwise"`` (the default): complete cases only, as above. ``"fiml"``: casewise
        full-information maximum likelihood (Arbuckle, 1996), as lavaan's
        ``missing = "ml"``: every row contributes the values it has, the model gains a
        mean structure (free intercepts of the observed variables, ``~1`` rows at the end
        of the table; latent means fixed at 0), standard errors come from the observed
        information (lavaan's default for ``missing = "ml"``), and the chi-square tests
        the model against the saturated model estimated by EM. Rows without any value on
        the model variables are dropped (with a warning). Only with ``estimator="ml"`` and
        ``se="standard"``, and without observed exogenous covariates (``fixed.x``);
        ``modification_indices`` is not available for such a fit. On data without holes
        in the model variables the estimates and the chi-square equal listwise ML (the
        standard errors differ: observed rather than expected information).
    level : float, default 0.95
        Confidence level of ``ci_low``/``ci_high``.
    estimator : {"ml", "mlr"}
        ``"ml"``: normal-theory ML with expected-information standard errors (lavaan's
        default). ``"mlr"``: the same estimates with Huber-White (sandwich) standard errors
        from the observed information and the Yuan-Bentler scaled chi-square, as
        lavaan's ``estimator = "MLR"``; ``fit_measures()`` then adds the scaled and robust
        measures (``chisq_scaled``, ``chisq_scaling_factor``, ``cfi_scaled``,
        ``cfi_robust``, ``tli_robust``, ``rmsea_scaled``, ``rmsea_robust`` with their
        intervals and p-values ...). Not available with observed exogenous covariates.
        ``"wlsmv"``: ordinal indicators (see ``ordered``); ``estimator="wlsmv"`` without
        ``ordered`` treats every observed model variable as ordinal (lavaan would fit
        them as continuous by DWLS, which servqual does not offer).
    se : {"standard", "bootstrap"}
        ``"standard"``: from the information matrix (expected for ML, the sandwich for
        MLR). ``"bootstrap"``: the standard deviation of ``n_boot`` nonparametric bootstrap
        draws (rows resampled with replacement, the model refitted by ML on each), as
        lavaan's ``se = "bootstrap"``; z and p-values use it. Draws that cannot be fitted
        are left out, counted in ``n_boot_failed`` and reported by a warning; draws with
        an improper solution are kept and counted in ``n_boot_improper``, as in lavaan.
    n_boot : int, default 1000
        Number of bootstrap draws.
    ci : {"wald", "percentile", "bca"}, optional
        Interval in ``ci_low``/``ci_high``: ``"wald"`` (``est ± z·se``, the default for
        ``se="standard"``), the bootstrap ``"percentile"`` interval (the default with
        ``se="bootstrap"``, lavaan's ``boot.ci.type = "perc"``) or ``"bca"``, bias-corrected
        and accelerated (Efron, 1987; the acceleration from a jackknife, N more fits).
    rng : int or numpy.random.Generator, optional
        Seed or generator of the bootstrap draws.
    progress : bool, optional
        Show a progress bar of the bootstrap (default: on a terminal or in a notebook).
    group : str, optional
        Fit the model in every group of this column (for a Survey: of this segment,
        ``survey.segments``), as lavaan's ``group=``. Groups in the order of first appearance
        (a pandas Categorical: its category order; categories without rows are dropped with
        a warning); rows without a group value are dropped with a
        :class:`~servqual.MissingDataWarning`. Every group gets the model with a mean
        structure (free intercepts, latent means fixed at 0 unless ``group_equal`` frees
        them); ``estimator="ml"`` or ``"mlr"``, ``se="standard"``, ``missing="listwise"``.
        See the notes on :class:`SEMResult` for the layout of the result.
    group_equal : str or sequence of str
        Parameters held equal across the groups, lavaan's ``group.equal``: ``"loadings"``,
        ``"intercepts"`` (then the latent means are free in groups 2..G), ``"means"``,
        ``"residuals"``, ``"residual.covariances"``, ``"lv.variances"``,
        ``"lv.covariances"``, ``"regressions"``. With ``std_lv=True`` and equal loadings the
        latent variances are free in groups 2..G. A label written in the syntax is one
        parameter in all groups.
    group_partial : str or sequence of str
        Parameters exempt from ``group_equal``, lavaan's ``group.partial``:
        ``"visual=~x2"``, ``"x3~1"``, ``"x1~~x1"``.
    meanstructure : bool, optional
        Default: True with ``group`` (lavaan's behaviour for multi-group fits), else False.
        True for one group adds the free intercepts (``~1`` rows; latent means fixed at 0)
        with the chi-square and df unchanged. Intercept statements in the syntax
        (``x1 ~ 1``, ``x1 ~ a*1``, ``f ~ 0*1``) switch it on, as in lavaan.
    ordered : True or list of str, optional
        Ordinal (Likert) variables: ``True`` declares every observed model variable
        ordinal, a list names them (the other observed variables are continuous: their
        means, variances and Pearson/polyserial correlations enter the sample statistics,
        and they keep free intercepts and residual variances, as in lavaan). The model is
        then fitted by WLSMV
        as lavaan's ``cfa(..., ordered = TRUE)`` does by default: thresholds and
        polychoric correlations as sample statistics, the delta parameterization (the
        latent responses have variance 1; their residual variances are 1 − R², not
        parameters), DWLS estimates with ``W = diag(Γ)⁻¹``, robust (sandwich) standard
        errors and the scaled-and-shifted test (``chisq_scaled``, ``cfi_scaled``,
        ``tli_scaled``, ``rmsea_scaled`` ...). The table gains threshold rows (op
        ``"|"``, rhs ``"t1"``, ``"t2"`` ...), the fixed scaling factors (``"~*~"``, 1)
        and intercepts/means (``"~1"``, 0) in lavaan's order; ``sample_thresholds``,
        ``gamma`` (Γ) and ``sample_cov`` (the polychoric correlations) hold the sample
        statistics. Categories are each variable's observed whole numbers (an ordered
        categorical column is coded 1, 2, …); listwise deletion only, no bootstrap. See
        the methods page (WLSMV) for the formulas. With ``group=`` (every observed
        variable ordinal) each group has its own sample statistics, thresholds, scaling
        factors and latent means, as ``cfa(..., ordered = TRUE, group = "g")``;
        ``group_equal`` also takes ``"thresholds"``, which frees the scaling factors and
        latent means of groups 2..G (lavaan's rules); a category without respondents in a
        group raises a :class:`~servqual.DataError` naming the item, group and category.

    Returns
    -------
    SEMResult
        ``to_frame()`` is the parameter table; ``fit_measures()``, ``r_squared()``,
        ``effects()``; ``vcov`` the covariance matrix of the free parameters.

    Raises
    ------
    InstrumentError
        A syntax error (the message names the line and token), a latent variable named
        like a column, a statement written twice, or a model with more free parameters
        than sample moments; a ``group_partial`` entry that is no parameter of the model
        (the message names the closest one).
    MissingColumnError
        A variable that is neither a column nor a latent variable (the message names
        the closest column); a ``group`` that is not a column (or not a segment of the
        Survey).
    ConvergenceError
        The optimiser did not reach a minimum of the ML discrepancy (or, with
        ``missing="fiml"``, of −2 log L).
    DataError
        An unknown ``missing``, or ``missing="fiml"`` with ``estimator="mlr"`` or
        ``se="bootstrap"``; a singular EM covariance matrix. With ``group``: one group only,
        an unknown ``group_equal`` kind (the message lists the valid ones), an item constant
        within a group (the message names item and group), the bootstrap or FIML. With ``ordered``: a
        non-integer value, an item with one category only or more than 20, a name
        that is not an observed model variable, text in a continuous variable,
        ``se="bootstrap"``, ``missing="fiml"`` or ``estimator="mlr"``.
    InsufficientDataError
        With ``group``: a group with no more complete rows than observed variables.

    Warns
    -----
    MissingDataWarning
        Listwise deletion dropped rows (their number and labels are given; they are in
        ``dropped_rows``), or with ``missing="fiml"`` rows without any value on the model
        variables were dropped.
    HeywoodWarning
        Negative (residual) variances, a residual covariance matrix Θ or a latent
        covariance matrix that is not positive definite (lavaan's post-estimation
        checks); also kept in ``improper``.
    ServqualWarning
        A singular information matrix (standard errors NaN); bootstrap draws that failed or
        have an improper solution; a group with fewer complete rows than free parameters in
        its part of the model (lavaan fits it all the same); group categories without rows.

    Notes
    -----
    Multi-group fits minimise the ``n_g/N``-weighted sum of the groups' ML discrepancies
    with the mean term; RMSEA is multiplied by ``sqrt(G)`` and SRMR is the weighted mean of
    the groups' SRMRs, as in lavaan 0.6 (see the methods page).

    Defaults are lavaan's for ``sem()`` and ``cfa()``: residual variances of observed
    and latent endogenous variables free; covariances among exogenous latent variables
    free; covariances among the residuals of pure dependent variables (observed or
    latent, not predicting anything) free; the moments of observed exogenous covariates
    fixed at their sample values (``fixed.x = TRUE``: they are not counted in ``npar``
    or ``df``). No mean structure unless ``group``, ``meanstructure=True``, ``~ 1`` in the
    syntax or ``missing="fiml"``. See the methods page for the formulas.

    Survey weights are not used (the fit is unweighted, as ``lavaan::sem`` without
    ``sampling.weights``).

    Examples
    --------
    >>> import servqual as sq
    >>> survey = sq.load_example("retail_bank", nan_policy="listwise")
    >>> fit = sq.sem(survey, outcome="overall")
    >>> print(fit.model.splitlines()[-1])
    overall ~ tangibles + reliability + responsiveness + assurance + empathy
    >>> round(float(fit.r_squared()["overall"]), 3)
    0.093
    >>> import pandas as pd
    >>> hs = pd.read_csv("tests/reference/sem_hs_data.csv")  # doctest: +SKIP
    >>> fit = sq.sem(hs, '''visual =~ x1 + x2 + x3
    ...     textual =~ x4 + x5 + x6
    ...     textual ~ visual''')  # doctest: +SKIP
    """
    if not isinstance(std_lv, bool | np.bool_):
        raise DataError(f"std_lv must be True or False, got {std_lv!r}.")
    if not 0 < level < 1:
        raise DataError(f"level must lie between 0 and 1, got {level!r}.")
    # --- WLSMV (ordered=, models/dwls.py) ---
    wlsmv = _wlsmv_requested(ordered, estimator, se, missing)
    # --- end WLSMV ---
    check_choice(estimator, "estimator", ("ml", "mlr", "wlsmv") if wlsmv else ("ml", "mlr"))
    check_choice(se, "se", ("standard", "bootstrap"))
    check_choice(missing, "missing", ("listwise", "fiml"))
    check_choice(nan_policy, "nan_policy", ("listwise", "raise"))
    fiml = missing == "fiml"
    if fiml and (estimator != "ml" or se != "standard"):
        raise DataError(
            "missing='fiml' is available with estimator='ml' and se='standard' only (got "
            f"estimator={estimator!r}, se={se!r}); use missing='listwise' for those."
        )
    if ci is None:
        ci = "percentile" if se == "bootstrap" else "wald"
    check_choice(ci, "ci", ("wald", "percentile", "bca") if se == "bootstrap" else ("wald",))
    if se == "bootstrap":
        if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 2:
            raise DataError(f"n_boot must be an integer of at least 2, got {n_boot!r}.")
        gen = as_rng(rng)

    if group is None and (group_equal or group_partial):
        raise DataError("group_equal= and group_partial= need group= (the grouping column).")
    if meanstructure is not None and not isinstance(meanstructure, bool | np.bool_):
        raise DataError(f"meanstructure must be True, False or None, got {meanstructure!r}.")
    if group is not None:
        if not isinstance(group, str):
            raise DataError(f"group must be a column (or segment) name, got {group!r}.")
        if fiml or se != "standard":
            raise DataError(
                f"group={group!r}: multi-group models are fitted with missing='listwise' and "
                f"se='standard' (got missing={missing!r}, se={se!r}); FIML and the bootstrap "
                "are not available with groups."
            )
        if meanstructure is False:
            raise DataError(
                f"group={group!r} fits a mean structure (lavaan's default for groups); "
                "meanstructure=False is not available with groups."
            )
    if isinstance(data, Survey):
        frame, model = _survey_frame(data, model, outcome, outcome_name, score)
        if group is not None:
            frame = frame.assign(**{group: data.segment(group)})
    else:
        if outcome is not None:
            raise DataError("outcome= builds a model for a Survey; for a DataFrame pass model=.")
        frame = as_frame(data)
        if model is None:
            raise InstrumentError(
                "model= (lavaan syntax) is required when data is a DataFrame, e.g. "
                "'quality =~ q1 + q2 + q3\\nsatisfaction ~ quality'."
            )
    # --- WLSMV (ordered=, models/dwls.py) ---
    if wlsmv:
        if group is not None:
            from .dwls_groups import wlsmv_groups_sem

            return wlsmv_groups_sem(
                frame,
                model,
                group=group,
                ordered=True if ordered is None else ordered,
                group_equal=group_equal,
                group_partial=group_partial,
                std_lv=bool(std_lv),
                nan_policy=nan_policy,
                level=level,
            )
        if meanstructure:
            raise DataError(
                "ordered=/estimator='wlsmv' fits one group without a mean structure "
                f"(got meanstructure={meanstructure!r}): the intercepts of the latent "
                "responses are fixed at 0. Drop meanstructure=, or pass group= for thresholds "
                "and latent means per group."
            )
        return wlsmv_sem(
            frame,
            model,
            ordered=True if ordered is None else ordered,
            std_lv=bool(std_lv),
            nan_policy=nan_policy,
            level=level,
        )
    # --- end WLSMV ---
    statements, defined = parse_model(model)
    intercepts = any(st.op == "~1" for st in statements)
    if intercepts and meanstructure is False:
        raise DataError(
            "The model has intercept statements (~ 1), which need a mean structure; drop "
            "meanstructure=False."
        )
    if group is None and (meanstructure or intercepts) and (fiml or se != "standard"):
        if not (fiml and not intercepts):
            raise DataError(
                "meanstructure=True / intercepts (~ 1) are available with missing='listwise' and "
                f"se='standard' (got missing={missing!r}, se={se!r})."
            )
    if group is not None or ((meanstructure or intercepts) and not fiml):
        from .mgfit import fit_multigroup

        return SEMResult(
            **fit_multigroup(
                frame,
                model,
                group,
                group_equal=group_equal,
                group_partial=group_partial,
                std_lv=bool(std_lv),
                estimator=estimator,
                level=level,
                nan_policy=nan_policy,
            )
        )
    pt = build_partable(statements, defined, [str(c) for c in frame.columns], bool(std_lv))
    exo = np.array([v in pt.ov_x for v in pt.ov])
    if fiml and exo.any():
        raise InstrumentError(
            "missing='fiml' does not support observed exogenous covariates (fixed.x) yet: "
            f"{fmt_list(pt.ov_x)} only predict. Model them as single-indicator latent "
            "variables, or use missing='listwise'."
        )
    ram = RAM(pt)
    if fiml:
        pat = fiml_sample(frame, list(pt.ov))
        mu1, s, _em_it = em_moments(pat)
        n, dropped = pat.n, pat.dropped
    else:
        ss = sample_stats(frame, list(pt.ov), nan_policy)
        ram.set_exogenous(ss.cov)
        s, n, dropped = ss.cov, ss.n, ss.dropped
    if estimator == "mlr" and exo.any():
        raise InstrumentError(
            "estimator='mlr' does not support observed exogenous covariates (fixed.x) yet: "
            f"{fmt_list(pt.ov_x)} only predict. Model them as single-indicator latent "
            "variables, or use estimator='ml'."
        )
    nx = int(exo.sum())
    ndat = ram.p * (ram.p + 1) // 2 - nx * (nx + 1) // 2
    if ram.q > ndat:
        raise InstrumentError(
            f"The model has {ram.q} free parameters but only {ndat} sample moments "
            f"(df = {ndat - ram.q}); it is not identified."
        )
    x0 = start_values(pt, ram, s)
    if fiml:
        fmodel = FIMLModel(ram, pat)
        est_full, _f, nit, hess_full = fiml_fit(fmodel, np.concatenate([x0, mu1]))
        est, nu = est_full[: ram.q], est_full[ram.q :]
        mu_model, sig = fmodel.moments(est_full)
        fit = fiml_fit_measures(pat, mu_model, sig, mu1, s, len(est_full))
        vcov_full = observed_vcov(hess_full, n)
        vcov = vcov_full[: ram.q, : ram.q]
    else:
        est, fmin, nit = ml_fit(ram, s, x0)
        sig = ram.sigma(est)
        fit = fit_measures(s, sig, fmin, n, ram.q, exo)
        vcov = expected_vcov(ram, est, n)
    names = list(FIT_NAMES)
    if estimator == "mlr":
        d = ss.centered
        hess = _hessian(ram, est, s, float(np.linalg.slogdet(s)[1]))
        if np.all(np.isfinite(vcov)):
            vcov, trace_h0 = sandwich(ram, est, s, d, hess)
        else:
            trace_h0 = float("nan")
        trace_h1 = saturated_trace(s, d)
        var = np.diag(s)
        trace_b = ram.p + 0.5 * float(np.sum((d**4).mean(axis=0) / var**2 - 1.0))
        df, df_b = fit["df"], fit["baseline_df"]
        c = (trace_h1 - trace_h0) / df if df > 0 else float("nan")
        c_b = (trace_h1 - trace_b) / df_b
        fit.update(robust_fit_measures(fit, c, c_b))
        names += list(ROBUST_NAMES)

    boot = None
    n_failed = n_improper = 0
    if se == "bootstrap":
        x_rows = ss.centered + 0.0  # resampling is location-free: centred rows suffice

        def ident(z: np.ndarray) -> np.ndarray:
            return z

        def admissible(z: np.ndarray) -> bool:
            return not _improper(pt, ram, z)

        boot, n_failed, n_improper = bootstrap_draws(
            ram, x_rows, est, ident, int(n_boot), gen, progress, admissible
        )
        if len(boot) < 2:
            raise ConvergenceError(
                f"Only {len(boot)} of {n_boot} bootstrap draws could be fitted; the model is "
                "too unstable on resamples of these data for bootstrap standard errors."
            )
        if n_failed:
            warnings.warn(
                f"{n_failed} of {n_boot} bootstrap draws failed (singular resampled "
                "covariance matrix or no convergence) and were left out.",
                ServqualWarning,
                stacklevel=2,
            )
        if n_improper:
            warnings.warn(
                f"{n_improper} of {n_boot} bootstrap draws have an improper solution (a "
                "negative variance or a covariance matrix that is not positive definite); "
                "they are kept, as lavaan keeps them.",
                ServqualWarning,
                stacklevel=2,
            )
        vcov = np.cov(boot, rowvar=False, ddof=1).reshape(ram.q, ram.q)

    t = pt.table
    values = ram.row_values(est)
    free = t["par"].to_numpy() >= 0
    se_rows = np.zeros(len(t))
    se_rows[free] = np.sqrt(np.clip(np.diag(vcov), 0.0, None))[t["par"].to_numpy()[free]]
    std_all = _standardized(ram, est, "all")
    std_lvv = _standardized(ram, est, "lv")
    codes = _definitions(pt)
    if codes:

        def dfun(z: np.ndarray) -> np.ndarray:
            return _evaluate_defined(pt, codes, ram.row_values(z))

        dval = dfun(est)
        if boot is None:
            dse = delta_se(dfun, est, vcov)
        else:
            dse = np.std(np.array([dfun(b) for b in boot]), axis=0, ddof=1)
        dstd_all = _evaluate_defined(pt, codes, std_all)
        dstd_lv = _evaluate_defined(pt, codes, std_lvv)
    else:
        dval = dse = dstd_all = dstd_lv = np.zeros(0)
    lhs = list(t["lhs"]) + [d.name for d in pt.defined]
    op = list(t["op"]) + [":="] * len(pt.defined)
    rhs = list(t["rhs"]) + [d.expression.replace("**", "^").replace(" ", "") for d in pt.defined]
    label = list(t["label"]) + [d.name for d in pt.defined]
    free_all = np.concatenate([free, np.zeros(len(dval), dtype=bool)])
    has_se = np.concatenate([free, np.ones(len(dval), dtype=bool)])
    est_all = np.concatenate([values, dval])
    se_all = np.concatenate([se_rows, dse])
    std_all_all = np.concatenate([std_all, dstd_all])
    std_lv_all = np.concatenate([std_lvv, dstd_lv])
    if fiml:  # lavaan's "~1" rows: observed intercepts (free), latent means (fixed 0)
        n_t, n_int = len(t), len(pt.ov) + len(pt.lv)
        sd_ov = np.sqrt(np.diag(sig))
        int_se = np.sqrt(np.clip(np.diag(vcov_full)[ram.q :], 0.0, None))
        zeros_lv = np.zeros(len(pt.lv))

        def at_rows(block: np.ndarray, before: np.ndarray) -> np.ndarray:
            return np.concatenate([before[:n_t], block, before[n_t:]])

        lhs = lhs[:n_t] + list(pt.ov) + list(pt.lv) + lhs[n_t:]
        op = op[:n_t] + ["~1"] * n_int + op[n_t:]
        rhs = rhs[:n_t] + [""] * n_int + rhs[n_t:]
        label = label[:n_t] + [""] * n_int + label[n_t:]
        int_free = np.concatenate([np.ones(len(pt.ov), bool), np.zeros(len(pt.lv), bool)])
        free_all = at_rows(int_free, free_all)
        has_se = at_rows(int_free, has_se)
        est_all = at_rows(np.concatenate([nu, zeros_lv]), est_all)
        se_all = at_rows(np.concatenate([int_se, zeros_lv]), se_all)
        std_all_all = at_rows(np.concatenate([nu / sd_ov, zeros_lv]), std_all_all)
        std_lv_all = at_rows(np.concatenate([nu, zeros_lv]), std_lv_all)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(has_se & (se_all > 0), est_all / se_all, np.nan)
    pval = 2 * stats.norm.sf(np.abs(z))
    crit = stats.norm.ppf(0.5 + level / 2)
    ci_low, ci_high = est_all - crit * se_all, est_all + crit * se_all
    if boot is not None and ci != "wald":

        def all_values(z: np.ndarray) -> np.ndarray:
            rows = ram.row_values(z)
            return np.concatenate([rows, _evaluate_defined(pt, codes, rows)]) if codes else rows

        draws = np.array([all_values(b) for b in boot])
        if ci == "percentile":
            lo, hi = percentile_interval(draws, level)
        else:
            jack = jackknife(ram, ss.centered + 0.0, est, ident)
            jack_vals = np.array(
                [
                    all_values(j) if np.all(np.isfinite(j)) else np.full(len(est_all), np.nan)
                    for j in jack
                ]
            )
            lo, hi = bca_interval(draws, est_all, jack_vals, level)
        ci_low = np.where(has_se, lo, est_all)
        ci_high = np.where(has_se, hi, est_all)
    table = pd.DataFrame(
        {
            "lhs": lhs,
            "op": op,
            "rhs": rhs,
            "label": label,
            "free": free_all,
            "est": est_all,
            "se": se_all,
            "z": z,
            "p_value": pval,
            "ci_low": ci_low,
            "ci_high": ci_high,
            "std_lv": std_lv_all,
            "std_all": std_all_all,
        },
        index=pd.Index(
            [f"{a}{o}{b}" for a, o, b in zip(lhs, op, rhs, strict=True)], name="parameter"
        ),
    )
    # R²: observed variables with a residual variance, then endogenous latent variables
    _a, s_m = ram.matrices(est)
    total = np.diag(ram.implied_all(est))
    endo_lv = [f for f in pt.lv if f not in pt.lv_x]  # regressed on, or indicators
    r2_names = [v for v in pt.ov if v not in pt.ov_x] + endo_lv
    pos = {v: k for k, v in enumerate(ram.names)}
    r2 = pd.Series(
        [1.0 - s_m[pos[v], pos[v]] / total[pos[v]] for v in r2_names],
        index=pd.Index(r2_names, name="variable"),
        name="r2",
    )
    problems = _improper(pt, ram, est)
    if problems:
        warnings.warn(
            "Improper solution: " + "; ".join(problems) + ". Interpret with care: the model "
            "may be misspecified or the sample too small.",
            HeywoodWarning,
            stacklevel=2,
        )
    par_names = [""] * ram.q
    for k in np.flatnonzero(free)[::-1]:
        par_names[t["par"].iat[k]] = table.index[k]
    ov_index = pd.Index(pt.ov, name="variable")
    if fiml:
        par_names += [f"{v}~1" for v in pt.ov]
        vcov = vcov_full
    return SEMResult(
        _table=table,
        model=model,
        n=n,
        observed=pt.ov,
        latent=pt.lv,
        estimator=estimator,
        std_lv=bool(std_lv),
        level=float(level),
        npar=ram.q,
        iterations=nit,
        dropped_rows=dropped,
        sample_cov=pd.DataFrame(s, index=ov_index, columns=ov_index),
        implied_cov=pd.DataFrame(sig, index=ov_index, columns=ov_index),
        vcov=pd.DataFrame(vcov, index=par_names, columns=par_names),
        improper=tuple(problems),
        missing=missing,
        sample_mean=pd.Series(mu1, index=ov_index, name="mean") if fiml else None,
        implied_mean=pd.Series(mu_model, index=ov_index, name="mean") if fiml else None,
        _fit=pd.Series({k: fit[k] for k in names}, name="fit", dtype=float),
        _r2=r2,
        _effects=_effects(pt, ram, est, vcov[: ram.q, : ram.q], boot),
        se_type="bootstrap"
        if boot is not None
        else ("robust" if estimator == "mlr" else "standard"),
        ci_type=ci,
        n_boot=0 if boot is None else int(n_boot),
        n_boot_failed=int(n_failed),
        n_boot_improper=int(n_improper),
        _pt=pt,
        _est=est,
        n_per_group=(int(n),),
    )
