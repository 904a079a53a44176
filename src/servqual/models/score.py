"""Score (Lagrange multiplier) tests of equality constraints, as ``lavaan::lavTestScore``.

A constrained fit ties parameters together: across groups by ``group_equal`` and by labels
shared between rows. Write the model without those ties, with the vector ``θ`` of every
free row of the parameter table, and the ties as linear constraints ``Rθ = 0`` (one row of
``R`` per tie: +1 at the first parameter, −1 at the other). At the constrained estimates
θ̂, with the unit score ``s = −½ ∂F/∂θ`` (``F`` the multi-group ML discrepancy, so
``s = (1/N) ∂ log L/∂θ``) and the unit expected information ``I = ½ E ∂²F/∂θ∂θ'``,

* the total test of releasing all constraints is ``X² = N s' I⁺ s`` on as many degrees of
  freedom as constraints (Rao, 1948; Satorra, 1989);
* the univariate test of releasing constraint ``r`` alone is ``X²_r = N s' [Z_r⁺]₁₁ s`` with
  the bordered matrix ``Z_r = [[I, R_r'], [R_r, 0]]`` of the other constraints ``R_r``
  (``[·]₁₁`` its top-left block), on 1 degree of freedom (Sörbom, 1989).

``⁺`` is the Moore–Penrose inverse with singular values below ``sqrt(eps)`` times the largest
dropped (``MASS::ginv``), as lavaan 0.6's ``lavTestScore(fit)`` (``information =
"expected"``; with MLR lavaan, and this function, use the same ordinary score test).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import linalg, stats

from .._results import TableResult, result_class
from ..exceptions import DataError
from .multigroup import GroupData, GroupModel, MultiGroupObjective, build_multigroup

__all__ = ["ScoreTestResult", "score_tests"]

_TOL = float(np.sqrt(np.finfo(float).eps))


@result_class
class ScoreTestResult(TableResult):
    """Result of :func:`score_tests`: lavTestScore's ``$uni`` as the table, ``$test`` as
    ``total_x2``/``total_df``/``total_p_value`` (and :meth:`total`).

    One row per equality constraint, indexed ``".p2.==.p38."`` (lavaan's ``plabel`` of the
    two parameter-table rows, counted over all groups as lavaan's ``parTable`` does), with
    ``parameter`` (``"visual=~x2"``: the entry for ``group_partial`` that releases the
    constraint across all groups), ``lhs``, ``op``, ``rhs``, ``label`` (the user's label
    when the constraint comes from a shared label, else empty), ``group_1``/``group_2`` (the
    groups of the two rows), ``plabel_lhs``/``plabel_rhs``, ``X2``, ``df`` (1) and
    ``p_value``.
    """

    n: int
    total_x2: float
    total_df: int
    total_p_value: float

    @property
    def header(self) -> str:
        return (
            f"Score tests of {len(self._table)} equality constraints · total X2="
            f"{self.total_x2:.3f} (df={self.total_df}), p={self.total_p_value:.4g} · n={self.n}"
        )

    def total(self) -> pd.DataFrame:
        """The total (multivariate) score test, as ``lavTestScore(fit)$test``."""
        return pd.DataFrame(
            {
                "test": ["score"],
                "X2": [self.total_x2],
                "df": [self.total_df],
                "p_value": [self.total_p_value],
            }
        )


def _bordered_solve(z: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``Z⁺ b``: a symmetric solve when ``Z`` is well conditioned, else the pseudo-inverse
    (they agree for a nonsingular ``Z``; the solve is an order of magnitude faster)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", linalg.LinAlgWarning)
        try:
            return linalg.solve(z, b, assume_a="sym", check_finite=False)
        except (linalg.LinAlgError, linalg.LinAlgWarning):
            pass
    return np.linalg.pinv(z, rcond=_TOL) @ b


def _single_group(fit) -> tuple:
    """A one-group table with (saturated) intercepts for a single-group fit."""
    pt = fit._pt
    if pt.ov_x:
        raise DataError(
            "score_tests: models with observed exogenous covariates (fixed.x) are not supported."
        )
    mg = build_multigroup(pt, 1, (), (), bool(fit.std_lv))
    s = fit.sample_cov.to_numpy()
    p = s.shape[0]
    data = [GroupData("", s, np.zeros(p), int(fit.n), np.zeros((0, p)), np.linalg.slogdet(s)[1])]
    est = np.concatenate([fit._est, np.zeros(mg.n_free - len(fit._est))])
    return mg, data, est


def score_tests(fit) -> ScoreTestResult:
    """Score tests of releasing each equality constraint of a fit, as ``lavTestScore``.

    Parameters
    ----------
    fit : SEMResult
        A :func:`~servqual.sem` (or multi-group :func:`~servqual.cfa`) fit with equality
        constraints: parameters held equal across groups (``group_equal``) or rows that
        share a label.

    Returns
    -------
    ScoreTestResult
        ``to_frame()``: the univariate tests (``X2`` on 1 df, ``p_value``) with the
        parameter (``"visual=~x2"``, ready for ``group_partial``) and the groups each
        constraint ties; ``total_x2``, ``total_df``, ``total_p_value``: the test of
        releasing all constraints at once.

    Raises
    ------
    DataError
        The fit has no equality constraint, was fitted with FIML or has observed
        exogenous covariates.

    Notes
    -----
    The unit score ``s`` and expected information ``I`` of the model without the
    constraints are evaluated at the constrained estimates; the total statistic is
    ``N s' I⁺ s`` and the univariate one ``N s' [Z_r⁺]₁₁ s`` with
    ``Z_r = [[I, R_r'], [R_r, 0]]`` (Satorra, 1989; Sörbom, 1989), lavaan 0.6's
    ``lavTestScore(fit)`` with ``information = "expected"`` — also for MLR fits, where
    lavaan falls back to the same (non-robust) test. See the methods page.

    Examples
    --------
    >>> import warnings, servqual as sq
    >>> survey = sq.load_example("retail_bank")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     fit = sq.sem(survey, group="branch", group_equal="loadings")
    >>> tests = sq.score_tests(fit)
    >>> tests.total_df
    34
    >>> tests.to_frame()[["parameter", "group_1", "group_2"]].iloc[0].tolist()
    ['tangibles=~TAN2', 'centre', 'north']
    """
    if not hasattr(fit, "_mg") or not hasattr(fit, "_pt"):
        raise DataError(f"score_tests needs a fit from sq.sem or sq.cfa, got {type(fit).__name__}.")
    if getattr(fit, "missing", "listwise") == "fiml":
        raise DataError("score_tests is not available for a fit with missing='fiml'.")
    if fit._mg is not None:
        mg, obj0 = fit._mg
        data = obj0.data
        est = fit._est
    else:
        mg, data, est = _single_group(fit)
    if not mg.constraints:
        raise DataError(
            "score_tests: the model has no equality constraints to release (no group_equal= "
            "and no label shared by two parameters)."
        )
    t = mg.table
    par = t["par"].to_numpy()
    uid = t["uid"].to_numpy()
    free = par >= 0
    theta = np.zeros(mg.n_unconstrained)
    theta[uid[free]] = est[par[free]]
    models = [GroupModel(mg, g, column="uid") for g in range(mg.n_groups)]
    obj = MultiGroupObjective(models, list(data))
    n = obj.n
    score = -0.5 * obj(theta)[1]
    info = 0.5 * obj.expected_hessian(theta)
    q = len(theta)
    k = len(mg.constraints)
    r = np.zeros((k, q))
    for j, (a, b) in enumerate(mg.constraints):
        r[j, uid[a]] = 1.0
        r[j, uid[b]] = -1.0
    total = float(n * score @ np.linalg.pinv(info, rcond=_TOL, hermitian=True) @ score)
    uni = np.empty(k)
    rhs_vec = np.concatenate([score, np.zeros(k - 1)])
    for j in range(k):
        r1 = np.delete(r, j, axis=0)
        z = np.block([[info, r1.T], [r1, np.zeros((k - 1, k - 1))]])
        uni[j] = float(n * score @ _bordered_solve(z, rhs_vec)[:q])
    groups = list(getattr(fit, "groups", ("",)))
    lhs = t["lhs"].to_numpy()
    op = t["op"].to_numpy()
    rhs = t["rhs"].to_numpy()
    grp = t["group"].to_numpy() - 1
    labels = t["label"].astype(str).to_numpy()
    first = [a for a, _b in mg.constraints]
    other = [b for _a, b in mg.constraints]
    table = pd.DataFrame(
        {
            "parameter": [f"{lhs[a]}{op[a]}{rhs[a]}" for a in first],
            "lhs": lhs[first],
            "op": op[first],
            "rhs": rhs[first],
            "label": labels[first],
            "group_1": [groups[grp[a]] for a in first],
            "group_2": [groups[grp[b]] for b in other],
            "plabel_lhs": [f".p{a + 1}." for a in first],
            "plabel_rhs": [f".p{b + 1}." for b in other],
            "X2": uni,
            "df": np.ones(k, dtype=int),
            "p_value": stats.chi2.sf(uni, 1),
        },
        index=pd.Index([f".p{a + 1}.==.p{b + 1}." for a, b in mg.constraints], name="constraint"),
    )
    return ScoreTestResult(
        _table=table,
        n=int(n),
        total_x2=total,
        total_df=k,
        total_p_value=float(stats.chi2.sf(total, k)),
    )
