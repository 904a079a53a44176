"""The result of a structural equation model (:class:`SEMResult`) and the helpers every
estimator (ML, MLR, FIML, multi-group, WLSMV) uses to fill it: defined parameters,
standardized values, effects and lavaan's checks of an improper solution."""

from __future__ import annotations

import ast
import dataclasses
import warnings
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from .._results import TableResult, result_class
from .._validation import fmt_list
from ..exceptions import DataError, HeywoodWarning
from .matrices import RAM
from .partable import ParTable
from .vcov import delta_se

__all__ = ["SEMResult", "WLSParts"]

# lavaan's lav_object_post_check: an eigenvalue below -eps^(3/4) is "not positive definite"
_PD_TOL = float(np.finfo(float).eps ** 0.75)


@dataclasses.dataclass(frozen=True)
class WLSParts:
    """What the Satorra (2000) difference test of nested WLSMV fits needs from a fit
    (:func:`servqual.lrt`), per group at the estimates: the Jacobian ``Δ_g`` of the
    sample statistics (thresholds, then polychoric correlations) with respect to the
    free parameters, the diagonal DWLS weights ``W_g = 1/diag(Γ_g)``, the asymptotic
    covariance ``Γ_g`` of the statistics, and the group shares ``f_g = N_g/N``."""

    jacobian: tuple[np.ndarray, ...]
    weight: tuple[np.ndarray, ...]
    gamma: tuple[np.ndarray, ...]
    fg: np.ndarray


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
    _wls: WLSParts | None = None
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
        """R² of the observed indicators and outcomes of regressions, then of the
        endogenous latent variables (those regressed on others and the first-order factors
        of a higher-order factor), as ``lavInspect(fit, "r2")``; observed variables that
        only covary or only predict have none."""
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


def parameter_table(
    *,
    lhs: Sequence[str],
    op: Sequence[str],
    rhs: Sequence[str],
    label: Sequence[str],
    free: np.ndarray,
    est: np.ndarray,
    se: np.ndarray,
    std_lv: np.ndarray,
    std_all: np.ndarray,
    level: float,
    has_se: np.ndarray,
    group: Sequence[str] | None = None,
    ci: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """The parameter table of every estimator, in ``lavaan::parameterEstimates``' layout.

    ``z = est/se`` and its two-sided normal p-value where ``has_se`` and ``se > 0`` (NaN
    for fixed rows), the Wald interval ``est ± z_{(1+level)/2}·se`` unless ``ci`` gives
    the bounds (the bootstrap's); indexed ``lhs op rhs`` or, with ``group``, ``lhs op
    rhs|group`` (rows whose group is "" keep the plain name), with a ``group`` column.
    """
    est = np.asarray(est, dtype=float)
    se = np.asarray(se, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(np.asarray(has_se, dtype=bool) & (se > 0), est / se, np.nan)
    if ci is None:
        crit = stats.norm.ppf(0.5 + level / 2)
        ci = (est - crit * se, est + crit * se)
    columns: dict[str, Any] = {"lhs": list(lhs), "op": list(op), "rhs": list(rhs)}
    if group is not None:
        columns["group"] = list(group)
    columns.update(
        label=list(label),
        free=np.asarray(free, dtype=bool),
        est=est,
        se=se,
        z=z,
        p_value=2 * stats.norm.sf(np.abs(z)),
        ci_low=ci[0],
        ci_high=ci[1],
        std_lv=np.asarray(std_lv, dtype=float),
        std_all=np.asarray(std_all, dtype=float),
    )
    groups = list(group) if group is not None else [""] * len(columns["lhs"])
    index = [
        f"{a}{o}{b}|{g}" if g else f"{a}{o}{b}"
        for a, o, b, g in zip(columns["lhs"], columns["op"], columns["rhs"], groups, strict=True)
    ]
    return pd.DataFrame(columns, index=pd.Index(index, name="parameter"))


def r2_variables(pt: ParTable) -> list[str]:
    """The variables that get an R², in ``lavInspect(fit, "r2")``'s order: observed
    indicators and outcomes of regressions (not observed variables that only covary or
    only predict), then the endogenous latent variables."""
    t = pt.table
    dependent = set(t.loc[t["op"] == "=~", "rhs"]) | set(t.loc[t["op"] == "~", "lhs"])
    return [v for v in pt.ov if v in dependent] + [f for f in pt.lv if f not in pt.lv_x]


def r_squared(pt: ParTable, ram: RAM, x: np.ndarray) -> pd.Series:
    """R² of :func:`r2_variables` at the estimates ``x``: one minus the residual variance
    over the model-implied variance (``lavInspect(fit, "r2")``)."""
    _a, s_m = ram.matrices(x)
    total = np.diag(ram.implied_all(x))
    names = r2_variables(pt)
    pos = {v: k for k, v in enumerate(ram.names)}
    return pd.Series(
        [1.0 - s_m[pos[v], pos[v]] / total[pos[v]] for v in names],
        index=pd.Index(names, name="variable"),
        name="r2",
    )


def warn_improper(problems: Sequence[str], *, groups: bool = False, stacklevel: int = 3) -> None:
    """The :class:`HeywoodWarning` of an improper solution (lavaan's post-estimation
    checks), listing ``problems``; nothing when there are none."""
    if problems:
        warnings.warn(
            "Improper solution: " + "; ".join(problems) + ". Interpret with care: the model "
            f"may be misspecified or {'some group' if groups else 'the sample'} too small.",
            HeywoodWarning,
            stacklevel=stacklevel + 1,
        )
