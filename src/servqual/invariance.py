"""Measurement invariance across groups in one call, and likelihood-ratio tests of
nested structural equation models (``lrt``, as ``lavaan::lavTestLRT``).

:func:`measurement_invariance` fits the classic sequence of multi-group confirmatory
factor models (configural → metric → scalar → strict; Meredith, 1993; as
``semTools::measEq.syntax`` or ``lavaan::cfa(group =, group.equal =)``), compares each
step with the one before by the chi-square difference test and by the change in CFI
and RMSEA, says in plain words which comparisons the established level licenses, and
for the first step that fails looks for a partial-invariance model (Byrne, Shavelson &
Muthén, 1989) guided by score tests (``lavaan::lavTestScore``).

The result can be recorded on a :class:`~servqual.Survey` (``survey.invariance``), so
that :func:`~servqual.compare_groups` and :func:`~servqual.gap_scores` say in their
header whether scalar invariance was established for the segment they compare, and
warn (:class:`~servqual.InvarianceWarning`) when it was tested and failed.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ._results import TableResult, result_class
from ._validation import as_frame, check_choice, fmt_list
from .exceptions import (
    DataError,
    InstrumentError,
    InsufficientDataError,
    MissingColumnError,
    ServqualWarning,
)
from .models import SEMResult, score_tests, sem
from .models.api import _reject_summary, _survey_frame
from .models.syntax import parse_model
from .survey import Survey

__all__ = ["InvarianceResult", "LRTResult", "lrt", "measurement_invariance"]

#: The steps of the sequence, in order, and the lavaan ``group.equal`` of each.
STEPS: tuple[str, ...] = ("configural", "metric", "scalar", "strict")
_EQUAL: dict[str, tuple[str, ...]] = {
    "configural": (),
    "metric": ("loadings",),
    "scalar": ("loadings", "intercepts"),
    "strict": ("loadings", "intercepts", "residuals"),
}
#: The ordinal (WLSMV, delta parameterization) sequence and its ``group.equal``:
#: configural, then thresholds and loadings together (Wu & Estabrook, 2016), which with
#: ordinal items also fixes the intercepts of the latent responses — the step that
#: licenses comparing latent means, named "scalar" as in semTools' usage.
ORDINAL_STEPS: tuple[str, ...] = ("configural", "scalar")
_EQUAL_ORDINAL: dict[str, tuple[str, ...]] = {
    "configural": (),
    "scalar": ("thresholds", "loadings"),
}
_SCALED_COLUMNS = (
    "chisq_scaled",
    "df_scaled",
    "pvalue_scaled",
    "chisq_scaling_factor",
    "chisq_shift_parameters",
    "cfi_scaled",
    "tli_scaled",
    "rmsea_scaled",
)
#: the operator of the parameters a step adds constraints on
_KIND_OP = {"metric": "=~", "scalar": "~1", "strict": "~~"}
_KIND_NAME = {"metric": "loadings", "scalar": "intercepts", "strict": "residual variances"}

#: Default decision rule (see :func:`measurement_invariance`).
DEFAULT_CUTOFFS: dict[str, float] = {
    "cfi": 0.90,
    "rmsea": 0.10,
    "delta_cfi": -0.01,
    "delta_rmsea": 0.015,
}

_FIT_COLUMNS = ("npar", "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr", "aic", "bic")
_ROBUST_COLUMNS = (
    "chisq_scaled",
    "chisq_scaling_factor",
    "pvalue_scaled",
    "cfi_robust",
    "tli_robust",
    "rmsea_robust",
)

_LICENSE = {
    "none": (
        "configural invariance is not supported: the factor model does not fit "
        "acceptably in every group, so the groups cannot be compared on these factors"
    ),
    "configural": (
        "only configural invariance holds: the same factors are measured by the same "
        "items in every group, but with different loadings; neither relationships nor "
        "means (gap scores) can be compared across {groups}"
    ),
    "metric": (
        "only metric invariance holds: loadings are equal, so relationships "
        "(correlations, regressions, driver weights) can be compared across {groups}, "
        "but not means or gap scores"
    ),
    "scalar": (
        "scalar invariance holds: loadings and intercepts are equal, so means and gap "
        "scores can be compared across {groups}"
    ),
    "strict": (
        "strict invariance holds: loadings, intercepts and residual variances are equal, "
        "so means, gap scores and observed-score variances and reliabilities can be "
        "compared across {groups}"
    ),
}


# --------------------------------------------------------------------------- lrt


@result_class
class LRTResult(TableResult):
    """Result of :func:`lrt`: nested models sorted by degrees of freedom.

    Table (``to_frame()``), one row per model (the least restricted first), indexed by
    the model names: ``df``, ``aic``, ``bic``, ``chisq`` (the standard, unscaled
    statistic, as lavTestLRT's ``Chisq`` column), ``chisq_diff``, ``df_diff``,
    ``p_value`` (each row against the row above; NaN in the first row) and, for the
    Satorra–Bentler (2001) scaled test, ``scaling_factor`` (the difference test's
    ``c_d``); for the Satorra (2000) scaled-shifted test of WLSMV fits,
    ``scaling_factor`` (``1/a``) and ``shift`` (``b``), with
    ``chisq_diff = a·(T0 − T1) + b`` (lavaan's ``Chisq diff``). ``aic`` and ``bic`` are
    NaN for WLSMV fits (no likelihood; lavTestLRT prints NA).
    """

    method: str
    estimator: str
    n: int

    @property
    def header(self) -> str:
        what = {
            "standard": "Chi-squared difference test",
            "satorra.bentler.2001": "Scaled chi-squared difference test (Satorra–Bentler 2001)",
            "satorra.2000": "Scaled-shifted chi-squared difference test (Satorra 2000)",
        }[self.method]
        head = f"{what} · {len(self._table)} nested models · {self.estimator.upper()} · n={self.n}"
        if self.method == "satorra.2000":
            head += (
                "\nThe chisq column holds the standard (unscaled) DWLS statistics; "
                "chisq_diff is the scaled-shifted difference a·(T0 − T1) + b."
            )
        elif self.method != "standard":
            head += (
                "\nThe chisq column holds the standard (unscaled) statistics; the scaled "
                "difference test is a function of them and the scaling factors."
            )
        return head


def _close(x: Any, y: Any) -> bool:
    """Whether two sample statistics (arrays, frames, dicts of them) agree."""
    if isinstance(x, Mapping) or isinstance(y, Mapping):
        if not (isinstance(x, Mapping) and isinstance(y, Mapping)) or set(x) != set(y):
            return False
        return all(_close(x[k], y[k]) for k in x)
    if isinstance(x, list | tuple) or isinstance(y, list | tuple):
        if not (isinstance(x, list | tuple) and isinstance(y, list | tuple)) or len(x) != len(y):
            return False
        return all(_close(a, b) for a, b in zip(x, y, strict=True))
    if isinstance(x, pd.DataFrame | pd.Series) and isinstance(y, pd.DataFrame | pd.Series):
        if x.shape != y.shape:
            return False
        try:
            y = y.reindex_like(x)
        except (ValueError, TypeError):  # duplicate labels: compare positionally
            pass
        x, y = x.to_numpy(dtype=float), y.to_numpy(dtype=float)
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-8, atol=1e-10, equal_nan=True))


def _check_fit(fit: Any, k: int) -> Any:

    if not isinstance(fit, SEMResult):
        raise DataError(
            f"lrt compares fitted models (SEMResult from sq.sem or sq.cfa(group=)); "
            f"argument {k + 1} is a {type(fit).__name__}."
        )
    return fit


def lrt(*fits: Any, method: str | None = None, names: Sequence[str] | None = None) -> LRTResult:
    """Likelihood-ratio (chi-square difference) tests of nested models, as
    ``lavaan::lavTestLRT``.

    Parameters
    ----------
    *fits : SEMResult
        Two or more models fitted to the same data (the same rows, groups and observed
        variables) by the same estimator, each nested in the next less restricted one.
        They are sorted by degrees of freedom (least restricted first), as lavTestLRT does.
    method : {"standard", "satorra.bentler.2001", "satorra.2000"}, optional
        ``"standard"``: the difference of the ML chi-squares, ``T0 − T1`` on
        ``df0 − df1`` degrees of freedom (the default for ML fits).
        ``"satorra.bentler.2001"``: the scaled difference test of Satorra & Bentler
        (2001), the default for MLR fits as in lavaan: with the standard statistics
        ``T``, degrees of freedom ``d`` and scaling factors ``c``
        (``chisq_scaling_factor``), ``c_d = (d0·c0 − d1·c1)/(d0 − d1)`` and
        ``T_d = (T0 − T1)/c_d`` on ``d0 − d1`` degrees of freedom. lavaan's
        ``"satorra.2000"``: the scaled-shifted difference test of Satorra (2000), the
        default (and the only method) for WLSMV fits, as lavTestLRT's default for
        ``test = "scaled.shifted"`` fits (``method = "satorra.2000"``,
        ``A.method = "delta"``, ``scaled.shifted = TRUE``; Asparouhov & Muthén, 2006).
        With the Jacobians ``Δ₁``, ``Δ₀`` of the less and the more restricted model
        (stacked over groups), ``A`` the rows spanning the orthogonal complement of
        ``H = Δ₁⁺Δ₀`` (the ``m = d0 − d1`` constraints, to first order), the
        information ``P = Σ_g f_g Δ₁g'W_gΔ₁g`` and ``M = P⁻¹A'(AP⁻¹A')⁻AP⁻¹``:
        ``U = VΔ₁MΔ₁'V`` with ``V = ⊕ W_g`` and ``Γ = ⊕ f_g Γ_g``, ``a = √(m/tr((UΓ)²))``,
        ``b = m − a·tr(UΓ)`` and ``chisq_diff = a·(T0 − T1) + b`` (``T``: the standard
        DWLS statistics, ``chisq``) on ``m`` degrees of freedom. ``scaling_factor`` is
        ``1/a`` and ``shift`` is ``b``. lavaan's ``"satorra.bentler.2010"`` (which
        refits) is not available, nor ``"satorra.2000"`` for ML/MLR fits.
    names : sequence of str, optional
        Row labels of the models, in the order given (default ``model1``, ``model2``...).

    Returns
    -------
    LRTResult
        ``df``, ``aic``, ``bic``, ``chisq``, ``chisq_diff``, ``df_diff``, ``p_value``
        (and ``scaling_factor`` for the scaled tests, ``shift`` for Satorra 2000).

    Raises
    ------
    DataError
        Fewer than two models, something that is not a fitted model, models fitted to
        different data (different n, groups, observed variables or sample moments),
        different estimators, two models with the same degrees of freedom, a more
        restricted model that fits better than a less restricted one (not nested), an
        unknown ``method``, the scaled test on ML fits, a method other than
        ``"satorra.2000"`` on WLSMV fits (or ``"satorra.2000"`` on other fits), or WLSMV
        models whose Jacobians show they are not nested (the rank of the constraints is
        not the difference of the degrees of freedom).

    Warns
    -----
    ServqualWarning
        A negative scaling factor ``c_d`` (the scaled difference is then NaN; lavaan
        warns likewise): use ``method="standard"`` or refit.

    References
    ----------
    Satorra, A. (2000). Scaled and adjusted restricted tests in multi-sample analysis of
    moment structures. In R. D. H. Heijmans, D. S. G. Pollock & A. Satorra (Eds.),
    Innovations in multivariate statistical analysis (pp. 233-247). Kluwer.

    Satorra, A., & Bentler, P. M. (2001). A scaled difference chi-square test statistic
    for moment structure analysis. Psychometrika, 66(4), 507-514.

    Asparouhov, T., & Muthén, B. (2006). Robust chi square difference testing with mean
    and variance adjusted test statistics. Mplus Web Notes, 10.

    Examples
    --------
    >>> import pandas as pd, servqual as sq
    >>> hs = pd.read_csv("tests/reference/invariance_hs_data.csv")
    >>> model = "visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6\\nspeed =~ x7 + x8 + x9"
    >>> configural = sq.sem(hs, model, group="school")
    >>> metric = sq.sem(hs, model, group="school", group_equal="loadings")
    >>> res = sq.lrt(configural, metric, names=["configural", "metric"])
    >>> round(float(res.to_frame().loc["metric", "chisq_diff"]), 3)
    8.192

    Ordinal items (WLSMV): the scaled-shifted difference test, as
    ``lavTestLRT(configural, scalar)`` in lavaan:

    >>> hs4 = pd.read_csv("tests/reference/wlsmv_groups_hs_data.csv")
    >>> conf = sq.sem(hs4, model, ordered=True, group="school")
    >>> scal = sq.sem(hs4, model, ordered=True, group="school",
    ...               group_equal=["thresholds", "loadings"])
    >>> res = sq.lrt(conf, scal, names=["configural", "scalar"])
    >>> res.method
    'satorra.2000'
    >>> round(float(res.to_frame().loc["scalar", "chisq_diff"]), 3)
    62.627
    """
    from scipy import stats

    if len(fits) < 2:
        raise DataError(f"lrt compares at least two nested models; got {len(fits)}.")
    checked = [_check_fit(f, k) for k, f in enumerate(fits)]
    if names is None:
        labels = [f"model{k + 1}" for k in range(len(checked))]
    else:
        if isinstance(names, str) or len(list(names)) != len(checked):
            raise DataError(f"names must give one label per model ({len(checked)}); got {names!r}.")
        labels = [str(x) for x in names]
        if len(set(labels)) != len(labels):
            raise DataError(f"names must be distinct; got {labels!r}.")
    estimators = {str(f.estimator) for f in checked}
    if len(estimators) > 1:
        raise DataError(
            "lrt compares models fitted by the same estimator; got "
            + ", ".join(f"{lab}: {f.estimator}" for lab, f in zip(labels, checked, strict=True))
            + ". Refit them with one estimator."
        )
    estimator = estimators.pop()
    if method is None:
        method = {"mlr": "satorra.bentler.2001", "wlsmv": "satorra.2000"}.get(estimator, "standard")
    check_choice(method, "method", ("standard", "satorra.bentler.2001", "satorra.2000"))
    if (method == "satorra.2000") != (estimator == "wlsmv"):
        raise DataError(
            "method='satorra.2000' is the difference test of WLSMV fits (and the only one "
            f"available for them); these models were fitted by {estimator!r} and "
            f"method={method!r} was asked. "
            + (
                "Leave method unset for WLSMV fits."
                if estimator == "wlsmv"
                else "Use method='standard' (ML) or 'satorra.bentler.2001' (MLR)."
            )
        )
    if method == "satorra.bentler.2001" and estimator != "mlr":
        raise DataError(
            "method='satorra.bentler.2001' needs scaled statistics (estimator='mlr'); these "
            f"models were fitted by {estimator!r}. Use method='standard'."
        )
    first = checked[0]
    for lab, f in zip(labels[1:], checked[1:], strict=True):
        if sorted(f.observed) != sorted(first.observed):
            raise DataError(
                f"Models {labels[0]!r} and {lab!r} have different observed variables "
                f"({fmt_list(sorted(set(first.observed) ^ set(f.observed)))} in one only); "
                "nested models are fitted to the same variables."
            )
        if int(f.n) != int(first.n):
            raise DataError(
                f"Models {labels[0]!r} (n={first.n}) and {lab!r} (n={f.n}) were fitted to "
                "different numbers of rows; nested models are fitted to the same data."
            )
        g0, g1 = getattr(first, "groups", None), getattr(f, "groups", None)
        if tuple(g0 or ()) != tuple(g1 or ()):
            raise DataError(
                f"Models {labels[0]!r} (groups {fmt_list(g0 or ())}) and {lab!r} (groups "
                f"{fmt_list(g1 or ())}) have different groups; nested models are fitted to "
                "the same groups."
            )
        n0, n1 = getattr(first, "n_per_group", None), getattr(f, "n_per_group", None)
        if n0 is not None and n1 is not None and tuple(n0) != tuple(n1):
            raise DataError(
                f"Models {labels[0]!r} and {lab!r} have different group sizes ({n0} vs {n1})."
            )
        if not _close(first.sample_cov, f.sample_cov):
            raise DataError(
                f"Models {labels[0]!r} and {lab!r} were fitted to different data (their "
                "sample covariance matrices differ); nested models are fitted to the same data."
            )
    measures = [f.fit_measures() for f in checked]
    df = np.array([float(m["df"]) for m in measures])
    order = np.argsort(df, kind="stable")
    dup = [labels[k] for k in order if (df == df[k]).sum() > 1]
    if dup:
        raise DataError(
            f"Models {fmt_list(dup)} have the same degrees of freedom ({int(df[order][0])} or "
            "more), so they are not nested in one another (or are the same model)."
        )
    rows = []
    prev: pd.Series | None = None
    prev_label = ""
    prev_k = 0
    for k in order:
        m, lab = measures[k], labels[k]
        row: dict[str, Any] = {
            "df": float(m["df"]),
            "aic": float(m.get("aic", np.nan)),
            "bic": float(m.get("bic", np.nan)),
            "chisq": float(m["chisq"]),
            "chisq_diff": np.nan,
            "df_diff": np.nan,
            "p_value": np.nan,
        }
        if method != "standard":
            row["scaling_factor"] = np.nan
        if method == "satorra.2000":
            row["shift"] = np.nan
        if prev is not None:
            t1, d1 = float(prev["chisq"]), float(prev["df"])
            t0, d0 = float(m["chisq"]), float(m["df"])
            if t0 < t1 - 1e-6 * max(1.0, abs(t1)):
                raise DataError(
                    f"Model {lab!r} (df={int(d0)}, chisq={t0:.4f}) is more restricted than "
                    f"{prev_label!r} (df={int(d1)}, chisq={t1:.4f}) but fits better, so it "
                    "is not nested in it."
                )
            ddf = d0 - d1
            diff = t0 - t1
            if method == "satorra.bentler.2001":
                c0 = float(m["chisq_scaling_factor"])
                c1 = 1.0 if d1 == 0 else float(prev["chisq_scaling_factor"])
                cd = (d0 * c0 - d1 * c1) / ddf
                row["scaling_factor"] = cd
                if cd < 0:
                    warnings.warn(
                        f"The scaling factor of the difference test {prev_label!r} vs {lab!r} "
                        f"is negative (c_d={cd:.4g}); its scaled statistic is NaN. Use "
                        "method='standard'.",
                        ServqualWarning,
                        stacklevel=2,
                    )
                    diff = np.nan
                else:
                    diff = diff / cd
            elif method == "satorra.2000":
                a, b = _satorra_2000(checked[prev_k], checked[k], ddf, prev_label, lab)
                row["scaling_factor"] = 1.0 / a
                row["shift"] = b
                diff = a * diff + b
            row["chisq_diff"] = diff
            row["df_diff"] = ddf
            row["p_value"] = float(stats.chi2.sf(diff, ddf)) if np.isfinite(diff) else np.nan
        rows.append(row)
        prev, prev_label, prev_k = m, lab, k
    table = pd.DataFrame(rows, index=pd.Index([labels[k] for k in order], name="model"))
    return LRTResult(_table=table, method=method, estimator=estimator, n=int(first.n))


def _satorra_2000(fit1: Any, fit0: Any, m: float, lab1: str, lab0: str) -> tuple[float, float]:
    """``(a, b)`` of the Satorra (2000) scaled-shifted difference test of the WLSMV fit
    ``fit0`` nested in ``fit1`` (``m`` = the difference of their degrees of freedom), as
    lavaan's ``lav_test_diff_Satorra2000(A.method = "delta", scaled.shifted = TRUE)``.
    The statistic is invariant to how either model's free parameters are written, so
    the engine's own parameterization (equality constraints merged) is used."""
    from scipy.linalg import block_diag, null_space

    p1, p0 = fit1._wls, fit0._wls
    if p1 is None or p0 is None:
        raise DataError(
            f"lrt: the WLSMV fits {lab1!r} and {lab0!r} do not carry the Jacobians the "
            "Satorra (2000) test needs; refit them with sq.sem(..., ordered=...)."
        )
    d1 = np.vstack(p1.jacobian)
    d0 = np.vstack(p0.jacobian)
    if d1.shape[0] != d0.shape[0]:
        raise DataError(
            f"Models {lab1!r} and {lab0!r} have different sample statistics "
            f"({d1.shape[0]} vs {d0.shape[0]}); nested models are fitted to the same data."
        )
    # A: the constraints of H0 on the parameters of H1 (lavaan's A.method = "delta")
    h = np.linalg.pinv(d1) @ d0
    a_mat = null_space(h.T).T
    if a_mat.shape[0] != int(m):
        raise DataError(
            f"Model {lab0!r} does not look nested in {lab1!r}: its Jacobian puts "
            f"{a_mat.shape[0]} constraints on the parameters of {lab1!r}, but the degrees "
            f"of freedom differ by {int(m)}."
        )
    fg = np.asarray(p1.fg, dtype=float)
    info = sum(f * (j.T * w) @ j for f, j, w in zip(fg, p1.jacobian, p1.weight, strict=True))
    assert isinstance(info, np.ndarray)
    try:
        p_inv = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        raise DataError(
            f"lrt: the information matrix of {lab1!r} is singular (the model may not be "
            "identified); the Satorra (2000) test cannot be computed."
        ) from None
    pa = p_inv @ a_mat.T
    apa = a_mat @ pa
    # lavaan drops constraints that do not touch the information, then uses ginv
    keep = ~(
        (np.abs(apa.sum(axis=0)) < np.sqrt(np.finfo(float).eps))
        & (np.abs(apa.sum(axis=1)) < np.sqrt(np.finfo(float).eps))
    )
    pa, apa = pa[:, keep], apa[np.ix_(keep, keep)]
    mid = pa @ np.linalg.pinv(apa) @ pa.T
    vd = d1 * np.concatenate(p1.weight)[:, None]
    u = vd @ mid @ vd.T
    ug = u @ block_diag(*[f * g for f, g in zip(fg, p1.gamma, strict=True)])
    tr1 = float(np.trace(ug))
    tr2 = float(np.sum(ug * ug.T))
    if not (np.isfinite(tr2) and tr2 > 0):
        raise DataError(
            f"lrt: the Satorra (2000) test of {lab1!r} vs {lab0!r} is undefined "
            f"(tr((UΓ)²) = {tr2:.4g})."
        )
    a = float(np.sqrt(m / tr2))
    return a, float(m - a * tr1)


# ------------------------------------------------------------ invariance result


@result_class
class InvarianceResult(TableResult):
    """Result of :func:`measurement_invariance`.

    The table (``to_frame()``) has one row per fitted step (``configural``, ``metric``,
    ``scalar``, ``strict``, and a row such as ``"scalar (partial)"`` after a failed step
    when a partial-invariance model was fitted), indexed by ``step``, with the step's
    fit measures ``npar``, ``chisq``, ``df``, ``pvalue``, ``cfi``, ``tli``, ``rmsea``,
    ``srmr``, ``aic``, ``bic`` (MLR adds ``chisq_scaled``, ``chisq_scaling_factor``,
    ``pvalue_scaled``, ``cfi_robust``, ``tli_robust``, ``rmsea_robust``; WLSMV has no
    ``aic``/``bic`` and adds ``chisq_scaled``, ``df_scaled``, ``pvalue_scaled``,
    ``chisq_scaling_factor``, ``chisq_shift_parameters``, ``cfi_scaled``, ``tli_scaled``,
    ``rmsea_scaled``); ``reference``
    (the step it is compared with); the difference test against it ``chisq_diff``,
    ``df_diff``, ``p_value`` (:func:`lrt`: standard for ML, Satorra–Bentler 2001 scaled
    for MLR, Satorra 2000 scaled-shifted for WLSMV); ``delta_cfi`` and ``delta_rmsea``
    (of the robust CFI/RMSEA with MLR, of the scaled ones with WLSMV);
    ``decision`` (``"holds"``/``"fails"``) and ``freed`` (the parameters left free
    across groups in that step, comma-separated).

    ``established`` is the highest level of the unbroken chain of steps that hold
    (``"none"`` when even the configural model fails); ``freed`` lists the parameters
    released to reach it when it is partial (``partial_step`` names the step).
    ``verdict`` says it in plain words; ``fits`` holds every fitted model
    (:class:`~servqual.SEMResult`) by step; ``releases`` the score tests of the first
    failed step's constraints, ranked (``None`` when no step failed or
    ``partial=False``). ``plot()`` draws the CFI of each step (:func:`~servqual.plot_invariance`).
    """

    group: str
    score: str | None
    groups: tuple[str, ...]
    n_per_group: tuple[int, ...]
    n: int
    estimator: str
    model: str
    cutoffs: dict[str, float | None]
    established: str
    freed: tuple[str, ...]
    partial_step: str | None
    verdict: str
    _fits: dict[str, Any]
    _releases: pd.DataFrame | None

    _plot_function: ClassVar[str | None] = "plot_invariance"

    @property
    def scalar_established(self) -> bool:
        """Whether (full or partial) scalar invariance was established."""
        return self.established in ("scalar", "strict")

    @property
    def fits(self) -> dict[str, Any]:
        """The fitted models by step (a new dict of the :class:`~servqual.SEMResult` s)."""
        return dict(self._fits)

    @property
    def releases(self) -> pd.DataFrame | None:
        """Score tests of the first failed step's constraints, one row per parameter
        (``"x3~1"``), ranked by ``X2`` (the largest univariate statistic of its
        constraints, ``lavTestScore``), with ``df``, ``p_value`` and ``released``
        (whether the partial refit freed it); ``None`` when no step failed or with
        ``partial=False``."""
        return None if self._releases is None else self._releases.copy()

    @property
    def rule(self) -> str:
        """The decision rule in words (also the header's second line)."""
        return _rule_text(self.cutoffs, self.estimator)

    @property
    def header(self) -> str:
        sizes = ", ".join(f"{g} n={n}" for g, n in zip(self.groups, self.n_per_group, strict=True))
        score = f" of {self.score}" if self.score else ""
        est = self.established + (f" (partial: {', '.join(self.freed)} free)" if self.freed else "")
        return (
            f"Measurement invariance{score} by {self.group} ({self.estimator.upper()}; "
            f"{len(self.groups)} groups: {sizes}) · n={self.n} · established: {est}\n"
            f"{self.rule}\n{self.verdict}"
        )

    def _extra_tables(self) -> list[tuple[str, pd.DataFrame]]:
        if self._releases is None or self._releases.empty:
            return []
        return [("Score tests of the failed step's constraints (lavTestScore)", self._releases)]


def _rule_text(cutoffs: Mapping[str, float | None], estimator: str) -> str:
    robust = {"mlr": "robust ", "wlsmv": "scaled "}.get(estimator, "")
    parts = []
    if cutoffs.get("delta_cfi") is not None:
        parts.append(f"ΔCFI > {cutoffs['delta_cfi']:.3f} (Cheung & Rensvold, 2002)")
    if cutoffs.get("delta_rmsea") is not None:
        parts.append(f"ΔRMSEA < {cutoffs['delta_rmsea']:.3f} (Chen, 2007)")
    conf = []
    if cutoffs.get("cfi") is not None:
        conf.append(f"CFI ≥ {cutoffs['cfi']:.2f}")
    if cutoffs.get("rmsea") is not None:
        conf.append(f"RMSEA ≤ {cutoffs['rmsea']:.2f}")
    step_rule = " and ".join(parts) if parts else "always (no cut-off set)"
    conf_rule = " and ".join(conf) if conf else "always (no cut-off set)"
    return (
        f"Rule ({robust}CFI/RMSEA): a step holds when {step_rule} against the step before; "
        f"the configural model when {conf_rule}. The chi-square difference test is "
        "reported, not decisive."
    )


# ------------------------------------------------------------------ helpers


def _check_steps(steps: Any, estimator: str = "ml") -> tuple[str, ...]:
    if steps is None:
        return ORDINAL_STEPS if estimator == "wlsmv" else STEPS
    if isinstance(steps, str):
        steps = (steps,)
    try:
        given = [s for s in steps]
    except TypeError:
        raise DataError(
            f"steps must be a sequence of step names {list(STEPS)}, got {steps!r}."
        ) from None
    if not given:
        raise DataError(f"steps must name at least one step of {list(STEPS)}.")
    for s in given:
        if not isinstance(s, str) or s not in STEPS:
            close = difflib.get_close_matches(str(s), STEPS, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise DataError(f"Unknown step {s!r}; steps are {list(STEPS)}.{hint}")
    idx = [STEPS.index(s) for s in given]
    if len(set(idx)) != len(idx) or idx != sorted(idx):
        raise DataError(
            f"steps must be distinct and in the order {list(STEPS)} (each step adds "
            f"constraints to the one before); got {given!r}."
        )
    if estimator == "wlsmv":
        bad = [s for s in given if s not in ORDINAL_STEPS]
        if bad:
            raise DataError(
                f"With ordinal items (estimator='wlsmv') the steps are {list(ORDINAL_STEPS)} "
                f"(configural, then thresholds and loadings together; Wu & Estabrook, 2016); "
                f"{fmt_list(bad)} cannot be tested: with ordinal items loadings alone are not "
                "identified apart from the thresholds, and in the delta parameterization the "
                "residual variances are not free parameters."
            )
    return tuple(given)


def _check_cutoffs(cutoffs: Any) -> dict[str, float | None]:
    out: dict[str, float | None] = dict(DEFAULT_CUTOFFS)
    if cutoffs is None:
        return out
    if not isinstance(cutoffs, Mapping):
        raise DataError(
            f"cutoffs must be a mapping such as {{'delta_cfi': -0.01}}, got {cutoffs!r}."
        )
    for key, value in cutoffs.items():
        if key not in DEFAULT_CUTOFFS:
            raise DataError(f"Unknown cut-off {key!r}; cut-offs are {list(DEFAULT_CUTOFFS)}.")
        if value is None:
            out[key] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            raise DataError(f"cutoffs[{key!r}] must be a number or None, got {value!r}.")
        if not np.isfinite(float(value)):
            raise DataError(f"cutoffs[{key!r}] must be finite, got {value!r}.")
        out[key] = float(value)
    return out


def _observed(model: str, columns: Sequence[str]) -> list[str]:
    """The observed variables of a lavaan model: names that are columns of the data."""

    statements, _defined = parse_model(model)
    latent = {s.lhs for s in statements if s.op == "=~"}
    cols = set(columns)
    seen: dict[str, None] = {}
    for s in statements:
        for name in (s.lhs, s.rhs):
            if name in cols and name not in latent:
                seen.setdefault(name, None)
    return list(seen)


def _check_groups(frame: pd.DataFrame, items: list[str], group: str) -> None:
    """Every group must have enough complete rows and variation on every item."""
    g = frame[group]
    keep = g.notna()
    sub = frame.loc[keep, items]
    complete = sub.notna().all(axis=1).to_numpy()
    labels = (
        pd.unique(g[keep])
        if not isinstance(g.dtype, pd.CategoricalDtype)
        else [c for c in g.cat.categories if (g == c).any()]
    )
    if len(labels) < 2:
        raise InsufficientDataError(
            f"Measurement invariance compares groups, but {group!r} has "
            f"{len(labels)} group(s) with rows ({fmt_list([str(x) for x in labels])})."
        )
    gv = g[keep].to_numpy()
    values = sub.to_numpy(dtype=float)
    need = len(items) + 1
    for lab in labels:
        rows = (gv == lab) & complete
        n = int(rows.sum())
        if n < need:
            raise InsufficientDataError(
                f"Group {str(lab)!r} of {group!r} has {n} complete row(s) on the "
                f"{len(items)} model variables; a multi-group factor model needs at least "
                f"{need} per group (its covariance matrix must be invertible)."
            )
        x = values[rows]
        flat = [items[j] for j in np.flatnonzero(np.ptp(x, axis=0) == 0)]
        if flat:
            raise DataError(
                f"Item(s) {fmt_list(flat)} do not vary within group {str(lab)!r} of "
                f"{group!r} (every answer is {x[0, items.index(flat[0])]:g}); a factor "
                "model of that group is undefined. Drop the item or merge the group."
            )


def _score_table(fit: Any) -> pd.DataFrame:
    """lavTestScore's univariate tests as a frame with lhs, op, rhs, X2, df, p_value."""

    res = score_tests(fit)
    uni = getattr(res, "uni", None)
    table = uni() if callable(uni) else uni
    if table is None:
        table = res.to_frame()
    table = table.copy()
    rename = {c: c for c in table.columns}
    for c in table.columns:
        low = str(c).lower()
        if low in ("x2", "chisq", "statistic"):
            rename[c] = "X2"
        elif low in ("p", "pvalue", "p_value", "p.value"):
            rename[c] = "p_value"
    return table.rename(columns=rename)


def _candidates(score: pd.DataFrame, step: str, observed: Sequence[str]) -> pd.DataFrame:
    """Parameters of the step's kind with their largest univariate X2, ranked."""
    op = _KIND_OP[step]
    obs = set(observed)
    lhs = score["lhs"].astype(str)
    rhs = score["rhs"].fillna("").astype(str)
    keep = score["op"].astype(str) == op
    if op != "=~":
        keep &= lhs.isin(obs)
    if op == "~~":
        keep &= lhs == rhs
    sub = score[keep.to_numpy()].copy()
    sub["parameter"] = (
        sub["lhs"].astype(str) + sub["op"].astype(str) + sub["rhs"].fillna("").astype(str)
    )
    sub["_order"] = np.arange(len(sub))
    best = sub.sort_values(["X2", "_order"], ascending=[False, True]).drop_duplicates("parameter")
    out = best.set_index("parameter")[["lhs", "op", "rhs", "X2", "df", "p_value"]]
    out.index.name = "parameter"
    return out


def _indicators(fit: Any) -> tuple[dict[str, list[str]], set[str]]:
    """Factor → its indicators, and the fixed (marker) loadings, from the first group."""
    t = fit.to_frame()
    load = t[t["op"] == "=~"]
    if "group" in load.columns and len(load):
        load = load[load["group"] == load["group"].iloc[0]]
    ind: dict[str, list[str]] = {}
    for f, x in zip(load["lhs"], load["rhs"], strict=True):
        ind.setdefault(str(f), []).append(str(x))
    fixed = {
        f"{f}=~{x}"
        for f, x, free in zip(load["lhs"], load["rhs"], load["free"], strict=True)
        if not bool(free)
    }
    return ind, fixed


def _keeps_two(
    param: str, step: str, constrained: set[str], ind: dict[str, list[str]], fixed: set[str]
) -> bool:
    """Whether releasing ``param`` leaves every factor it belongs to with at least two
    constrained (invariant) indicators (a fixed marker loading counts as invariant)."""
    op = _KIND_OP[step]
    left = constrained - {param}
    if op == "=~":
        factor, item = param.split("=~", 1)
        factors = [factor]
    else:
        item = param.split(op, 1)[0]
        factors = [f for f, xs in ind.items() if item in xs]
    for f in factors:
        xs = ind.get(f, [])
        if op == "=~":
            names = [f"{f}=~{x}" for x in xs]
            n_inv = sum(1 for p in names if p in left or p in fixed)
        elif op == "~1":
            n_inv = sum(1 for x in xs if f"{x}~1" in left)
        else:
            n_inv = sum(1 for x in xs if f"{x}~~{x}" in left)
        if n_inv < 2:
            return False
    return True


def _measures(fit: Any, estimator: str) -> dict[str, float]:
    fm = fit.fit_measures()
    names: tuple[str, ...]
    if estimator == "wlsmv":  # no likelihood: no aic/bic
        names = _FIT_COLUMNS[:-2] + _SCALED_COLUMNS
    else:
        names = _FIT_COLUMNS + (_ROBUST_COLUMNS if estimator == "mlr" else ())
    return {k: float(fm[k]) if k in fm.index else np.nan for k in names}


def _holds(
    m: Mapping[str, float],
    ref: Mapping[str, float] | None,
    cut: Mapping[str, float | None],
    estimator: str,
) -> tuple[bool, float, float]:
    cfi = {"mlr": "cfi_robust", "wlsmv": "cfi_scaled"}.get(estimator, "cfi")
    rmsea = {"mlr": "rmsea_robust", "wlsmv": "rmsea_scaled"}.get(estimator, "rmsea")
    if ref is None:
        ok = True
        if cut["cfi"] is not None:
            ok &= bool(m[cfi] >= cut["cfi"])
        if cut["rmsea"] is not None:
            ok &= bool(m[rmsea] <= cut["rmsea"])
        return ok, np.nan, np.nan
    d_cfi = m[cfi] - ref[cfi]
    d_rmsea = m[rmsea] - ref[rmsea]
    ok = True
    if cut["delta_cfi"] is not None:
        ok &= bool(d_cfi > cut["delta_cfi"])
    if cut["delta_rmsea"] is not None:
        ok &= bool(d_rmsea < cut["delta_rmsea"])
    return ok, d_cfi, d_rmsea


_PARTIAL_LICENSE = {
    "metric": (
        "relationships (correlations, regressions, driver weights) can be compared across "
        "{groups}, but not means or gap scores"
    ),
    "scalar": (
        "latent means can be compared across {groups}, and so can the observed means and "
        "gap scores of the items whose intercepts are equal"
    ),
    "strict": (
        "latent means can be compared across {groups}, and so can the observed means, gap "
        "scores and variances of the items whose intercepts and residual variances are equal"
    ),
}


def _verdict(established: str, freed: Sequence[str], partial_step: str | None, what: str) -> str:
    if not freed or partial_step is None:
        text = _LICENSE[established].format(groups=what)
        return text[0].upper() + text[1:] + "."
    beyond = f", and {established} invariance beyond it" if established != partial_step else ""
    return (
        f"Partial {partial_step} invariance holds with {len(freed)} "
        f"{_KIND_NAME[partial_step]} free across groups ({', '.join(freed)}; Byrne, "
        f"Shavelson & Muthén, 1989){beyond}: "
        + _PARTIAL_LICENSE[established].format(groups=what)
        + "."
    )


# ----------------------------------------------------------------- the sequence


def measurement_invariance(
    data: Any,
    model: str | None = None,
    *,
    group: str | None = None,
    by: str | None = None,
    score: str = "perception",
    steps: Sequence[str] | None = None,
    estimator: str = "ml",
    std_lv: bool = False,
    partial: bool = True,
    cutoffs: Mapping[str, float | None] | None = None,
) -> InvarianceResult:
    """Measurement invariance across groups in one call: configural, metric, scalar and
    strict multi-group factor models, compared step by step.

    Parameters
    ----------
    data : pandas.DataFrame or Survey
        One row per respondent. For a :class:`~servqual.Survey`, the item scores
        (``score``) are analysed and the groups are the segment ``by``.
    model : str, optional
        lavaan model syntax of the measurement model. Required for a DataFrame; for a
        Survey it defaults to the instrument's measurement model (each dimension a
        factor of its scored items), as :func:`~servqual.sem` builds it.
    group : str, optional
        The column of ``data`` holding the groups (DataFrame), or a segment (Survey).
    by : str, optional
        The segment of a Survey (``survey.segments``); for a DataFrame the same as
        ``group``. Give one of ``group`` and ``by``.
    score : str, default "perception"
        Survey only: which item score to analyse.
    steps : sequence of str, optional
        The steps to fit, in this order (a subset keeps the order; each is compared with
        the one fitted before it, the first with the absolute cut-offs). Default: all four
        below for ML/MLR; ``("configural", "scalar")`` for WLSMV (the only steps of the
        ordinal sequence, see ``estimator``):

        - ``"configural"``: the same model in every group, nothing equal;
        - ``"metric"``: equal loadings (``group_equal="loadings"``);
        - ``"scalar"``: also equal intercepts (``"intercepts"``; latent means then free
          in all groups but the first);
        - ``"strict"``: also equal residual variances (``"residuals"``).
    estimator : {"ml", "mlr", "wlsmv"}
        ML, or MLR (robust standard errors, Yuan–Bentler scaled test). With MLR the
        decision uses the robust CFI and RMSEA (``cfi_robust``, ``rmsea_robust``;
        Brosseau-Liard & Savalei, 2014) and the difference tests are Satorra–Bentler
        (2001) scaled. ``"wlsmv"``: every observed variable is ordinal
        (``sem(..., ordered=True)``, delta parameterization) and the sequence is
        lavaan/semTools' ordinal one: ``"configural"`` (``group_equal=[]``), then
        ``"scalar"`` = thresholds and loadings equal (``["thresholds", "loadings"]``;
        Wu & Estabrook's 2016 "thresholds and loadings" model, which with ordinal items
        also fixes the intercepts and licenses comparing latent means). The decision uses
        ``cfi_scaled`` and ``rmsea_scaled`` (lavaan's robust categorical CFI/RMSEA are
        undefined with equal thresholds), the difference test is Satorra's (2000)
        scaled-shifted one (:func:`lrt`), and no partial-invariance search is made.
    std_lv : bool, default False
        Identification as in :func:`~servqual.sem`: ``False`` fixes each first loading
        to 1 (lavaan's default, and the marker loading then counts as invariant).
    partial : bool, default True
        At the first step that fails (other than configural), look for a partial
        invariance model (see Notes) and, when it holds, carry its free parameters into
        the later steps.
    cutoffs : mapping, optional
        Override the decision rule's cut-offs: ``"delta_cfi"`` (default −0.01),
        ``"delta_rmsea"`` (0.015), and for the configural model ``"cfi"`` (0.90) and
        ``"rmsea"`` (0.10). ``None`` switches a criterion off.

    Returns
    -------
    InvarianceResult
        The table by step (fit measures, the difference test, ``delta_cfi``,
        ``delta_rmsea``, ``decision``), ``established``, ``verdict``, ``fits``,
        ``releases``. With a Survey, the result is also recorded in
        ``survey.invariance[(by, score)]``, where :func:`~servqual.compare_groups` and
        :func:`~servqual.gap_scores` find it.

    Raises
    ------
    DataError
        Both or neither of ``group`` and ``by``; an unknown step, estimator or cut-off;
        steps out of order; ``"metric"`` or ``"strict"`` with WLSMV; the group column clashing with a model variable; an item
        that does not vary within a group (the message names item and group).
    InsufficientDataError
        Fewer than two groups, or a group with fewer complete rows than the number of
        observed variables + 1 (named with its n).
    MissingColumnError
        ``group`` is not a column (the closest is named) or ``by`` not a segment.
    InstrumentError
        No ``model`` for a DataFrame; a syntax error in it.

    Warns
    -----
    MissingDataWarning
        Rows with a missing group or model variable are dropped (listwise).

    Notes
    -----
    Decision rule. The configural model holds when its CFI ≥ 0.90 and RMSEA ≤ 0.10
    (adequate and not poor fit). Each further step holds when, against the step before
    it (its *reference*), ΔCFI > −0.010 (Cheung & Rensvold, 2002) **and**
    ΔRMSEA < 0.015 (Chen, 2007); a step fails when either criterion trips. With
    ``estimator="mlr"`` both use the robust CFI and RMSEA. The chi-square difference
    test (:func:`lrt`) is reported but does not decide: with a few hundred respondents
    it rejects trivial differences (Cheung & Rensvold, 2002). ``established`` is the
    last step of the unbroken chain of steps that hold.

    Partial invariance. At the first failed step (metric, scalar or strict) the score
    test of every equality constraint of that step's kind (loadings, observed
    intercepts, residual variances) is computed (:func:`~servqual.score_tests`,
    ``lavTestScore``); each parameter is ranked by the largest univariate statistic of
    its constraints (with G groups a parameter has G − 1 constraints). The parameters
    are freed in all groups (``group_partial``) one at a time in that order, refitting
    each time, until the step holds against the same reference by the same rule. A
    release is skipped if it would leave a factor with fewer than two invariant
    indicators (a fixed marker loading counts as invariant; Byrne, Shavelson & Muthén,
    1989; Steenkamp & Baumgartner, 1998), and at most max(1, ⌊k/3⌋) of the k
    constrained parameters are freed. The refit is the row ``"<step> (partial)"``; if
    it holds, it is the reference of the later steps, which keep those parameters free.
    If it does not, the later steps are still fitted (with all constraints) and compared
    with the failed step, but ``established`` stays below.

    Verdict: configural only → the same factor structure but relationships and means
    are not comparable; metric → relationships (correlations, regressions, driver
    weights) are comparable, means are not; scalar → latent means and gap scores are
    comparable; strict → also observed variances and reliabilities (Meredith, 1993).

    References
    ----------
    Meredith, W. (1993). Measurement invariance, factor analysis and factorial
    invariance. Psychometrika, 58(4), 525-543. Byrne, B. M., Shavelson, R. J., &
    Muthén, B. (1989). Testing for the equivalence of factor covariance and mean
    structures: The issue of partial measurement invariance. Psychological Bulletin,
    105(3), 456-466. Cheung, G. W., & Rensvold, R. B. (2002). Evaluating
    goodness-of-fit indexes for testing measurement invariance. Structural Equation
    Modeling, 9(2), 233-255. Chen, F. F. (2007). Sensitivity of goodness of fit
    indexes to lack of measurement invariance. Structural Equation Modeling, 14(3),
    464-504. Satorra, A., & Bentler, P. M. (2001). A scaled difference chi-square test
    statistic for moment structure analysis. Psychometrika, 66(4), 507-514.
    Satorra, A. (2000). Scaled and adjusted restricted tests in multi-sample analysis of
    moment structures. In Innovations in multivariate statistical analysis (pp.
    233-247). Kluwer. Wu, H., & Estabrook, R. (2016). Identification of confirmatory
    factor analysis models of different levels of invariance for ordered categorical
    outcomes. Psychometrika, 81(4), 1014-1045. Steenkamp, J.-B. E. M., & Baumgartner, H. (1998). Assessing measurement invariance
    in cross-national consumer research. Journal of Consumer Research, 25(1), 78-90.

    Examples
    --------
    >>> import pandas as pd, servqual as sq
    >>> hs = pd.read_csv("tests/reference/invariance_hs_data.csv")
    >>> model = "visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6\\nspeed =~ x7 + x8 + x9"
    >>> res = sq.measurement_invariance(hs, model, group="school")
    >>> res.to_frame()["decision"].to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'configural': 'holds', 'metric': 'holds', 'scalar': 'fails',
     'scalar (partial)': 'holds', 'strict': 'holds'}
    >>> res.established, res.freed
    ('strict', ('x3~1', 'x7~1'))
    """

    _reject_summary(data, "measurement_invariance")
    if group is not None and by is not None:
        raise DataError(
            f"Give either group= or by= (they name the same thing), not both: got "
            f"group={group!r}, by={by!r}."
        )
    seg = group if group is not None else by
    if seg is None:
        raise DataError(
            "Name the groups to compare: group='column' (a DataFrame) or by='segment' (a Survey)."
        )
    if not isinstance(seg, str):
        raise DataError(f"group/by must be one column or segment name, got {seg!r}.")
    check_choice(estimator, "estimator", ("ml", "mlr", "wlsmv"))
    ordinal = estimator == "wlsmv"
    if not isinstance(std_lv, bool | np.bool_):
        raise DataError(f"std_lv must be True or False, got {std_lv!r}.")
    if not isinstance(partial, bool | np.bool_):
        raise DataError(f"partial must be True or False, got {partial!r}.")
    chosen = _check_steps(steps, estimator)
    cut = _check_cutoffs(cutoffs)

    survey = data if isinstance(data, Survey) else None
    if survey is not None:
        seg_values = survey.segment(seg)  # MissingColumnError naming the segments
        frame, model = _survey_frame(survey, model, None, "outcome", score)
        if seg in frame.columns:
            raise DataError(
                f"Segment {seg!r} has the name of a model variable; rename the segment."
            )
        frame = frame.assign(**{seg: seg_values})
        score_name: str | None = score
    else:
        frame = as_frame(data)
        if model is None:
            raise InstrumentError(
                "model= (lavaan syntax) is required when data is a DataFrame, e.g. "
                "'quality =~ q1 + q2 + q3'."
            )
        if not isinstance(model, str):
            raise InstrumentError(f"model must be lavaan syntax (a string), got {model!r}.")
        if seg not in frame.columns:
            close = difflib.get_close_matches(seg, [str(c) for c in frame.columns], n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise MissingColumnError(
                f"Group column {seg!r} is not in the data (columns: "
                f"{fmt_list([str(c) for c in frame.columns])}).{hint}"
            )
        score_name = None
    items = _observed(model, [str(c) for c in frame.columns])
    if seg in items:
        raise DataError(f"The group column {seg!r} is also a variable of the model.")
    if items:
        _check_groups(frame, items, seg)

    def fit_step(step: str, freed: Sequence[str]) -> Any:
        if ordinal:
            return sem(
                frame,
                model,
                group=seg,
                group_equal=_EQUAL_ORDINAL[step],
                ordered=True,
                std_lv=bool(std_lv),
            )
        return sem(
            frame,
            model,
            group=seg,
            group_equal=_EQUAL[step],
            group_partial=tuple(freed),
            estimator=estimator,
            std_lv=bool(std_lv),
        )

    rows: list[dict[str, Any]] = []
    fits: dict[str, Any] = {}
    carried: list[str] = []  # parameters released by a successful partial refit
    ref: tuple[str, Any, dict[str, float]] | None = None
    broken = tried = False
    established = "none"
    partial_step: str | None = None
    releases: pd.DataFrame | None = None
    for step in chosen:
        fit = fit_step(step, carried)
        m = _measures(fit, estimator)
        ok, d_cfi, d_rmsea = _holds(m, None if ref is None else ref[2], cut, estimator)
        row = _row(step, m, ref, fit, d_cfi, d_rmsea, ok, carried)
        rows.append(row)
        fits[step] = fit
        this = (step, fit, m)
        if ok and not broken:
            established = step
            ref = this
            continue
        if not ok and not broken and partial and not ordinal and ref is not None and not tried:
            tried = True
            score_rows = _score_table(fit)
            cand = _candidates(score_rows, step, fit.observed)
            ind, fixed = _indicators(fit)
            constrained = set(cand.index)
            cap = max(1, len(cand) // 3)
            freed: list[str] = []
            p_ok = False
            pfit = None
            pm: dict[str, float] = {}
            p_dcfi = p_drmsea = np.nan
            for param in cand.index:
                if len(freed) >= cap:
                    break
                if not _keeps_two(param, step, constrained - set(freed), ind, fixed):
                    continue
                freed.append(param)
                pfit = fit_step(step, carried + freed)
                pm = _measures(pfit, estimator)
                p_ok, p_dcfi, p_drmsea = _holds(pm, ref[2], cut, estimator)
                if p_ok:
                    break
            releases = cand.assign(released=[p in freed for p in cand.index])
            if pfit is not None:
                name = f"{step} (partial)"
                rows.append(_row(name, pm, ref, pfit, p_dcfi, p_drmsea, p_ok, carried + freed))
                fits[name] = pfit
                if p_ok:
                    carried = carried + freed
                    established = step
                    partial_step = step
                    ref = (name, pfit, pm)
                    continue
        broken = True
        ref = this
    table = pd.DataFrame(rows).set_index("step")
    first = fits[chosen[0]]
    groups = tuple(str(g) for g in getattr(first, "groups", ()))
    n_per = tuple(int(n) for n in getattr(first, "n_per_group", ()))
    what = f"the groups of {seg}"
    freed_final = tuple(carried)
    verdict = _verdict(established, freed_final, partial_step, what)
    if ordinal and established == "scalar":
        verdict = (
            "Scalar invariance of the ordinal items holds: thresholds and loadings are "
            f"equal, so latent means (and the gap scores built on them) can be compared "
            f"across {what}."
        )
    result = InvarianceResult(
        _table=table,
        group=seg,
        score=score_name,
        groups=groups,
        n_per_group=n_per,
        n=int(first.n),
        estimator=estimator,
        model=model,
        cutoffs=dict(cut),
        established=established,
        freed=freed_final,
        partial_step=partial_step,
        verdict=verdict,
        _fits=fits,
        _releases=releases,
    )
    if survey is not None:
        survey._record_invariance(seg, score, result)
    return result


def _row(
    step: str,
    m: Mapping[str, float],
    ref: tuple[str, Any, dict[str, float]] | None,
    fit: Any,
    d_cfi: float,
    d_rmsea: float,
    ok: bool,
    freed: Sequence[str],
) -> dict[str, Any]:
    row: dict[str, Any] = {"step": step, **m}
    row["reference"] = "" if ref is None else ref[0]
    if ref is None:
        row.update(chisq_diff=np.nan, df_diff=np.nan, p_value=np.nan)
    else:
        test = lrt(ref[1], fit, names=["reference", "step"]).to_frame()
        row.update(
            chisq_diff=float(test["chisq_diff"].iloc[1]),
            df_diff=float(test["df_diff"].iloc[1]),
            p_value=float(test["p_value"].iloc[1]),
        )
    row["delta_cfi"] = d_cfi
    row["delta_rmsea"] = d_rmsea
    row["decision"] = "holds" if ok else "fails"
    row["freed"] = ", ".join(freed)
    return row


# ------------------------------------------------- notes for group comparisons
