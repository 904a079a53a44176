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
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from . import _scores
from ._validation import check_choice, check_confidence, fmt_list
from .exceptions import DataError, InstrumentError, InsufficientDataError, MissingColumnError
from .instruments import RATINGS

if TYPE_CHECKING:  # pragma: no cover
    from .summary import SurveySummary

_GAP = {"gap": None, "msa": "A", "mss": "D"}


def _predictor_coefficients(
    summary: SurveySummary, predictors: str | Sequence[str], score: str
) -> tuple[str, list[str], np.ndarray]:
    """(level, labels, p × k coefficients) of the predictor scores in the stacked ratings."""
    key = score.lower()

    def level_scores(level: str) -> tuple[list[str], np.ndarray]:
        if key in _GAP:

            def fn(v: Any) -> Any:
                return _scores.units(v, level, reference=_GAP[key])

            u, _consts, (a_p, a_r) = summary._linear(fn)
            return list(u.labels), a_p - a_r
        letter = {name: lt for lt, name in RATINGS.items()}.get(key, score)
        if letter not in RATINGS:
            raise InstrumentError(
                f"Unknown score {score!r}; use 'gap', 'msa', 'mss' or a rating name "
                f"{list(RATINGS.values())}."
            )

        def fn2(v: Any) -> Any:
            labels, x = _scores.rating_units(v, letter, level)
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
        _HARD_DOMINANCE_LIMIT,
        MAX_DOMINANCE_PREDICTORS,
        KeyDriverResult,
        dominance_weights,
        relative_weights,
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
    if n < k + 2:
        raise InsufficientDataError(
            f"key_drivers needs at least {k + 2} respondents with {outcome!r} and all {k} "
            f"predictors present (p + 2); found {n}."
        )
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
    ev, vecs = np.linalg.eigh(corr[:k, :k])
    if ev[0] < 1e-10 * max(ev[-1], 1.0):
        involved = [labels[j] for j in np.where(np.abs(vecs[:, 0]) > 1e-3)[0]]
        raise DataError(
            f"Predictors {fmt_list(involved)} are perfectly collinear (one is a linear "
            "combination of the others); the regression is not identified. Drop one of them."
        )
    if dominance is None:
        dominance = k <= MAX_DOMINANCE_PREDICTORS
    if dominance and k > _HARD_DOMINANCE_LIMIT:
        raise DataError(
            f"Exact dominance analysis over {k} predictors needs 2**{k} regressions; at most "
            f"{_HARD_DOMINANCE_LIMIT} are supported. Pass dominance=False or fewer predictors."
        )
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
    raw = relative_weights(corr)
    table["raw_weight"] = raw
    table["rescaled_weight"] = 100.0 * raw / raw.sum()
    cond_frame = None
    if dominance:
        gen, cond = dominance_weights(corr)
        table["dominance"] = gen
        table["dominance_pct"] = 100.0 * gen / gen.sum()
        cond_frame = pd.DataFrame(
            cond, index=pd.Index(labels, name=level), columns=pd.Index(range(k), name="size")
        )
    f_stat = (r2 / k) / ((1 - r2) / df_resid)
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
        f_statistic=float(f_stat),
        f_pvalue=float(stats.f.sf(f_stat, k, df_resid)),
        wald_f=float(f_stat),
        df_model=int(k),
        df_resid=int(df_resid),
        confidence_level=conf,
        conditional_dominance=cond_frame,
    )
