"""Key-driver regression from the moments of a :class:`~servqual.SurveySummary` (internal).

The predictors of a key-driver model (dimension or item scores of perception, gap,
...) are linear in the ratings and the outcome is one more column, so the
least-squares fit needs only the covariance matrix ``S`` of ``[x, y]`` and the means:
``b = S_xx⁻¹ s_xy``, ``b0 = ȳ − bᵀx̄``, ``SSE = (n − 1)(s_yy − s_xyᵀ b)``,
``Var(b) = σ² S_xx⁻¹ / (n − 1)`` and ``Var(b0) = σ² (1/n + x̄ᵀ S_xx⁻¹ x̄ / (n − 1))``
with ``σ² = SSE / (n − p − 1)`` — the classical OLS standard errors of R's
``summary(lm(y ~ ., data))``. Heteroskedasticity-consistent (HC) standard errors
need each respondent's residual and leverage, so they need the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from . import _gap_engine
from ._stats import require_n, t_test
from ._validation import check_choice, check_confidence, fmt_list
from .exceptions import DataError, InstrumentError, InsufficientDataError, MissingColumnError
from .instruments import RATINGS, reference_name

if TYPE_CHECKING:  # pragma: no cover
    from .summary import SurveySummary

_GAP = {"gap": None, "msa": "A", "mss": "D"}
_REF_LETTER = {"expectation": "E", "adequate": "A", "desired": "D", "competitor": "C"}


def _predictor_coefficients(
    summary: SurveySummary, predictors: str | Sequence[str], score: str
) -> tuple[str, list[str], np.ndarray]:
    """(level, labels, p × k coefficients) of the predictor scores in the stacked ratings."""
    key = score.lower()

    def level_scores(level: str) -> tuple[list[str], np.ndarray]:
        if key in _GAP:

            def fn(v: Any) -> Any:
                return _gap_engine.units(v, level, reference=_GAP[key])

            u, _consts, (a_p, a_r) = summary._linear(fn)
            return list(u.labels), a_p - a_r
        letter = {name: lt for lt, name in RATINGS.items()}.get(key, score)
        if letter not in RATINGS:
            raise InstrumentError(
                f"Unknown score {score!r}; use 'gap', 'msa', 'mss' or a rating name "
                f"{list(RATINGS.values())}."
            )

        def fn2(v: Any) -> Any:
            labels, x = _gap_engine.rating_units(v, letter, level)
            return labels, np.asarray(x, dtype=np.float64)

        labels, x = fn2(summary._view())
        return list(labels), x[1:] - x[0]

    if isinstance(predictors, str):
        check_choice(predictors, "predictors", ("dimension", "item"))
        labels, a = level_scores(predictors)
        return predictors, labels, a
    names = list(predictors)
    if not names:
        raise DataError("predictors is empty; name at least one dimension or item.")
    for level in ("dimension", "item"):
        labels, a = level_scores(level)
        if all(n in labels for n in names):
            if len(set(names)) != len(names):
                raise DataError(f"predictors lists a name twice: {names}.")
            return level, names, a[:, [labels.index(n) for n in names]]
    raise DataError(
        f"predictors {fmt_list(names)} are not quality dimensions or items of the instrument "
        "(or mix the two levels)."
    )


def key_drivers(
    summary: SurveySummary,
    outcome: str = "overall",
    predictors: str | Sequence[str] = "dimension",
    score: str = "perception",
    robust: str | None = None,
    confidence_level: float = 0.95,
    dominance: bool | None = None,
) -> Any:
    """OLS key drivers from the moments; see :meth:`SurveySummary.key_drivers`."""
    from .drivers import (
        KeyDriverResult,
        _add_importance,
        _check_collinear,
        _overall_f,
        _require_rows,
        _resolve_dominance,
    )

    if robust is not None:
        raise DataError(
            f"robust={robust!r} standard errors need each respondent's residual and leverage, "
            "so they need the data; a SurveySummary gives the classical OLS standard errors "
            "with robust=None."
        )
    conf = check_confidence(confidence_level)
    total = summary._total()
    if not total.outcomes and summary.n == 0:
        raise InsufficientDataError("The summary has no respondents.")
    if outcome not in total.outcomes:
        raise MissingColumnError(
            f"Summary has no outcome {outcome!r}; outcomes are {sorted(total.outcomes)}. Pass "
            "outcomes= when summarising."
        )
    n, mean_ext, m2_ext, n_missing = total.outcomes[outcome]
    level, labels, a = _predictor_coefficients(summary, predictors, score)
    p_raw, k = a.shape
    b = np.zeros((p_raw + 1, k + 1))
    b[:p_raw, :k] = a
    b[p_raw, k] = 1.0
    _require_rows(n, k, outcome)
    cov = b.T @ (m2_ext / (n - 1)) @ b
    cov = (cov + cov.T) / 2.0
    sd = np.sqrt(np.maximum(np.diag(cov), 0.0))
    if sd[k] == 0:
        raise DataError(
            f"Outcome {outcome!r} is constant over the {n} respondents used; a key-driver "
            "regression needs variation in the outcome."
        )
    const = [labels[j] for j in range(k) if sd[j] <= 1e-12 * max(1.0, float(np.max(sd)))]
    if const:
        raise DataError(
            f"Predictor(s) {fmt_list(const)} are constant over the {n} respondents used; drop "
            "them from predictors=."
        )
    corr = cov / np.outer(sd, sd)
    np.fill_diagonal(corr, 1.0)
    _check_collinear(corr[:k, :k], labels)
    dominance = _resolve_dominance(dominance, k)
    means = b.T @ mean_ext
    sxx, sxy, syy = cov[:k, :k], cov[:k, k], cov[k, k]
    coef = np.linalg.solve(sxx, sxy)
    intercept = means[k] - coef @ means[:k]
    df_resid = n - k - 1
    sse = (n - 1) * (syy - sxy @ coef)
    sigma2 = sse / df_resid
    inv = np.linalg.inv(sxx)
    se = np.sqrt(sigma2 * np.diag(inv) / (n - 1))
    se0 = float(np.sqrt(sigma2 * (1.0 / n + means[:k] @ inv @ means[:k] / (n - 1))))
    t = coef / se
    pv = 2 * stats.t.sf(np.abs(t), df_resid)
    q = stats.t.ppf(0.5 + conf / 2.0, df_resid)
    r2 = float(sxy @ coef / syy)
    table = pd.DataFrame(
        {
            "coef": coef,
            "se": se,
            "t": t,
            "p": pv,
            "ci_low": coef - q * se,
            "ci_high": coef + q * se,
            "std_beta": coef * sd[:k] / sd[k],
            "r": corr[:k, k],
        },
        index=pd.Index(labels, name=level),
    )
    cond_frame = _add_importance(table, corr, labels, level, dominance)
    f_stat, f_p = _overall_f(r2, k, df_resid)
    return KeyDriverResult(
        _table=table,
        outcome=outcome,
        level=level,
        score=score,
        robust=None,
        weighted=False,
        n=int(n),
        n_dropped=int(n_missing),
        intercept=float(intercept),
        intercept_se=se0,
        r_squared=r2,
        adj_r_squared=1.0 - (1.0 - r2) * (n - 1) / df_resid,
        f_statistic=f_stat,
        f_pvalue=f_p,
        wald_f=f_stat,
        df_model=int(k),
        df_resid=int(df_resid),
        confidence_level=conf,
        conditional_dominance=cond_frame,
    )


def paired_moments(
    summary: SurveySummary,
    level: Literal["item", "dimension", "overall"] = "item",
    reference: str | None = None,
    alternative: Literal["two-sided", "less", "greater"] = "two-sided",
) -> pd.DataFrame:
    """Paired t statistics from the moments; see :meth:`SurveySummary.paired_moments`."""
    from scipy import stats

    check_choice(level, "level", _gap_engine.LEVELS)
    check_choice(alternative, "alternative", ("two-sided", "less", "greater"))
    ref_arg = _REF_LETTER.get(reference, reference) if reference is not None else None
    ref = _gap_engine.resolve_reference(summary._instrument, ref_arg)
    u, (c_p, c_r), (a_p, a_r) = summary._linear(
        lambda v: _gap_engine.units(v, level, reference=ref, weighted=False)
    )
    b = summary._total()
    require_n(np.full(len(u.labels), b.n), u.labels, 2, "A paired t-test")
    cov = b.m2 / (b.n - 1)
    a_g = a_p - a_r
    diff = (c_p - c_r) + b.mean @ a_g
    sd = np.sqrt(np.maximum(np.einsum("ju,jk,ku->u", a_g, cov, a_g), 0.0))
    df = b.n - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        t = diff / (sd / np.sqrt(b.n))
        dz = diff / sd
    if alternative == "two-sided":
        p = 2 * stats.t.sf(np.abs(t), df)
    elif alternative == "less":
        p = stats.t.cdf(t, df)
    else:
        p = stats.t.sf(t, df)
    return pd.DataFrame(
        {
            "mean_p": c_p + b.mean @ a_p,
            "mean_ref": c_r + b.mean @ a_r,
            "diff": diff,
            "sd": sd,
            "t": t,
            "df": np.full(len(u.labels), df, dtype=np.int64),
            "p_unc": p,
            "cohen_dz": dz,
            "n": np.full(len(u.labels), b.n, dtype=np.int64),
        },
        index=pd.Index(u.labels, name=level if level != "overall" else None),
    )


def paired_tests(
    summary: SurveySummary,
    level: Literal["item", "dimension", "overall"] = "item",
    method: Literal["t", "wilcoxon"] = "t",
    p_adjust: str | None = "holm",
    alternative: Literal["two-sided", "less", "greater"] = "two-sided",
    reference: str | None = None,
    confidence_level: float = 0.95,
) -> Any:
    """Paired t-tests from the moments; see :meth:`SurveySummary.paired_tests`."""

    from . import inference

    if method == "wilcoxon":
        raise DataError(
            "The Wilcoxon signed-rank test ranks the differences and needs the data; a "
            "SurveySummary holds moments only. Use method='t', or sq.paired_tests on a "
            "Survey (e.g. a sample of the panel)."
        )
    check_choice(method, "method", ("t", "wilcoxon"))
    conf = check_confidence(confidence_level)
    m = summary.paired_moments(level, reference, alternative)
    labels = list(m.index)
    flat = m.index[m["sd"].to_numpy() <= 1e-12 * np.maximum(1.0, m["diff"].abs().to_numpy())]
    if len(flat):
        raise DataError(
            f"Paired t-test: the differences do not vary for {fmt_list(list(flat))}, so the "
            "test statistic is undefined."
        )
    n = m["n"].to_numpy()
    df = (n - 1).astype(np.float64)
    se = m["sd"].to_numpy() / np.sqrt(n)
    diff = m["diff"].to_numpy()
    _, _, lo, hi = t_test(diff, se, df, conf, alternative)
    t = m["t"].to_numpy()
    dz_ci = [
        inference.cohen_dz_interval(float(t[k]), int(n[k]), conf, alternative)
        for k in range(len(t))
    ]
    table = pd.DataFrame(
        {
            "mean_perception": m["mean_p"].to_numpy(),
            "mean_reference": m["mean_ref"].to_numpy(),
            "diff": diff,
            "sd_diff": m["sd"].to_numpy(),
            "t": t,
            "df": df,
            "p_unc": m["p_unc"].to_numpy(),
            "p_adj": np.asarray(inference.p_adjust(m["p_unc"].to_numpy(), p_adjust)),
            "ci_low": lo,
            "ci_high": hi,
            "cohen_dz": m["cohen_dz"].to_numpy(),
            "dz_ci_low": [c[0] for c in dz_ci],
            "dz_ci_high": [c[1] for c in dz_ci],
            "n": n.astype(np.int64),
        },
        index=m.index,
    )
    ref_arg = _REF_LETTER.get(reference, reference) if reference is not None else None
    ref = _gap_engine.resolve_reference(summary._instrument, ref_arg)
    if level == "item":
        dims = [summary._instrument.dimension_of(c) for c in labels]
        table.insert(0, "dimension", dims)
    adj = None if p_adjust in (None, "none") else p_adjust
    return inference.PairedTestResult(
        _table=table,
        instrument=summary._instrument.name,
        level=level,
        method="t",
        alternative=alternative,
        p_adjust=adj,
        reference=ref,
        reference_name=reference_name(ref),
        confidence_level=conf,
        n=summary.n,
        survey_weighted=False,
        nan_policy="listwise",
    )


def cronbach_alpha(
    summary: SurveySummary,
    score: str = "perception",
    level: Literal["dimension", "overall"] = "dimension",
    *,
    ci: Literal["feldt", "duhachek"] = "feldt",
    confidence_level: float = 0.95,
) -> Any:
    """Cronbach's alpha from the moments; see :meth:`SurveySummary.cronbach_alpha`."""
    from .reliability import AlphaResult, cronbach_alpha

    if ci == "bootstrap":
        raise DataError(
            "ci='bootstrap' resamples respondents and needs the data; a SurveySummary "
            "holds moments only. Use ci='feldt' or 'duhachek'."
        )
    check_choice(level, "level", ("dimension", "overall"))
    cov = summary.covariance(score)
    codes, c, a = summary._item_linear(score)
    means = pd.Series(c + summary._total().mean @ a, index=codes)
    model = summary._instrument.model
    missing = [k for ks in model.values() for k in ks if k not in cov.index]
    if missing:
        raise InstrumentError(f"Score {score!r} has no values for item(s) {fmt_list(missing)}.")
    all_codes = [k for ks in model.values() for k in ks]
    dim_of = {k: d for d, ks in model.items() for k in ks}

    def one(label: str, ks: list[str]) -> tuple[pd.DataFrame, pd.DataFrame, Any]:
        res = cronbach_alpha(
            cov.loc[ks, ks], n_obs=summary.n, ci=ci, confidence_level=confidence_level
        )
        row = res.to_frame().set_axis([label])
        items = res.items
        items["n"] = items["n"].astype(np.int64)
        items.insert(items.columns.get_loc("sd"), "mean", means[ks].to_numpy())
        total = means[ks].sum()
        items.insert(
            items.columns.get_loc("scale_var_if_deleted"),
            "scale_mean_if_deleted",
            total - means[ks].to_numpy(),
        )
        items.insert(0, "dimension", label if level == "dimension" else [dim_of[k] for k in ks])
        return row, items, res

    if level == "overall":
        table, items, head = one("overall", all_codes)
    else:
        parts = [one(d, ks) for d, ks in model.items()]
        table = pd.concat([p[0] for p in parts])
        items = pd.concat([p[1] for p in parts])
        head = parts[0][2] if len(parts) == 1 else one("overall", all_codes)[2]
    table.index.name = "dimension" if level == "dimension" else None
    items.index.name = "item"
    return AlphaResult(
        _table=table,
        _items=items,
        alpha=head.alpha,
        std_alpha=head.std_alpha,
        ci_low=head.ci_low,
        ci_high=head.ci_high,
        n=head.n,
        n_items=head.n_items,
        average_r=head.average_r,
        lambda6=head.lambda6,
        ci_method=ci,
        confidence_level=head.confidence_level,
        nan_policy="listwise",
        score=score,
        level=level,
    )
