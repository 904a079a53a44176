"""``sem()``: structural equation models from lavaan syntax (the result is in :mod:`.result`)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._validation import as_frame, check_choice, fmt_list
from .._vocab import as_rng
from ..exceptions import (
    ConvergenceError,
    DataError,
    InstrumentError,
    ServqualWarning,
)
from ..survey import Survey
from .bootstrap import bca_interval, bootstrap_draws, jackknife, percentile_interval
from .dwls import wlsmv_sem
from .dwls_groups import wlsmv_groups_sem
from .estimate import _hessian, ml_fit
from .fiml import FIMLModel, em_moments, fiml_fit, fiml_fit_measures, fiml_sample
from .fit import FIT_NAMES, ROBUST_NAMES, fit_measures, robust_fit_measures
from .matrices import RAM
from .mgfit import fit_multigroup
from .partable import build_partable
from .result import (
    SEMResult,
    _definitions,
    _effects,
    _evaluate_defined,
    _improper,
    _standardized,
    parameter_table,
    r_squared,
    warn_improper,
)
from .robust import sandwich, saturated_trace
from .sample import sample_stats
from .start import start_values
from .syntax import parse_model
from .vcov import delta_se, expected_vcov, observed_vcov

__all__ = ["SEMResult", "sem"]


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


def _reject_summary(data: Any, statistic: str) -> None:
    """A :class:`~servqual.CapabilityError` for a SurveySummary (its moments are pooled
    over the segments and listwise over all items; the SEM fits need the rows)."""
    if not isinstance(data, Survey) and hasattr(data, "require_rows"):
        data.require_rows(
            statistic,
            "Fit it on the Survey (or a DataFrame of the respondents' rows) instead.",
        )


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
    _reject_summary(data, "sem")
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
    ci_bounds = None
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
        ci_bounds = (np.where(has_se, lo, est_all), np.where(has_se, hi, est_all))
    table = parameter_table(
        lhs=lhs,
        op=op,
        rhs=rhs,
        label=label,
        free=free_all,
        est=est_all,
        se=se_all,
        std_lv=std_lv_all,
        std_all=std_all_all,
        level=level,
        has_se=has_se,
        ci=ci_bounds,
    )
    # R²: observed variables with a residual variance, then endogenous latent variables
    r2 = r_squared(pt, ram, est)
    problems = _improper(pt, ram, est)
    warn_improper(problems, stacklevel=2)
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
