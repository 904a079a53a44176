"""Reliability of difference (gap) scores from their components (internal module;
public names are re-exported by :mod:`servqual.reliability`)."""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
import pandas as pd

from . import _alpha
from ._gap_engine import resolve_reference
from ._results import TableResult, result_class
from ._vocab import NanPolicy, check_level, check_nan_policy, parse_reference
from .exceptions import InstrumentError, InsufficientDataError, ReliabilityWarning
from .instruments import RATINGS
from .survey import Survey, require_survey

__all__ = ["DifferenceReliabilityResult", "difference_reliability"]

Level = Literal["dimension", "overall"]

#: difference_reliability warns below this gap-score reliability ...
DIFF_RELIABILITY_FLOOR = 0.5
#: ... or when it is this far below the less reliable component
DIFF_RELIABILITY_DROP = 0.2


# ======================================================================= difference scores
@result_class
class DifferenceReliabilityResult(TableResult):
    """Reliability of the gap (P − reference) composite from its components.

    Table columns: ``alpha_p``, ``alpha_ref`` (alpha of the perception and of the
    reference items), ``var_p``, ``var_ref`` (variances of the sum scores),
    ``r_p_ref`` (their correlation), ``r_diff`` (reliability of the difference of
    the sum scores), ``alpha_gap`` (alpha of the item gap scores), ``var_gap``,
    ``n``, ``n_items``. Headline fields as in :class:`AlphaResult`.
    """

    r_diff: float
    alpha_gap: float
    alpha_p: float
    alpha_ref: float
    r_p_ref: float
    reference: str
    n: int
    n_items: int
    nan_policy: str
    level: str

    @property
    def header(self) -> str:
        return (
            f"Difference-score reliability (P − {self.reference}) · {self.level} · "
            f"{self.nan_policy} · r_diff={self.r_diff:.3f}, alpha_gap={self.alpha_gap:.3f} "
            f"(n={self.n})"
        )


def _diff_row(label: str, p: np.ndarray, e: np.ndarray, codes: list[str], pol: str) -> dict:
    k = len(codes)
    if k < 2:
        raise InsufficientDataError(
            f"Difference-score reliability of {label!r} needs at least 2 items; it has {k}."
        )
    names = [f"P:{c}" for c in codes] + [f"ref:{c}" for c in codes]
    m = _alpha.data_moments(np.hstack([p, e]), names, pol)
    s = m.cov
    ip, ie = slice(0, k), slice(k, 2 * k)
    var_p, var_e, c_pe = s[ip, ip].sum(), s[ie, ie].sum(), s[ip, ie].sum()
    a_p, a_e = _alpha.raw_alpha(s[ip, ip]), _alpha.raw_alpha(s[ie, ie])
    var_d = var_p + var_e - 2.0 * c_pe
    if var_d <= 0:
        raise InsufficientDataError(
            f"The gap scores of {label!r} have no variance (perception − reference is the "
            "same for every respondent)."
        )
    r_diff = (var_p * a_p + var_e * a_e - 2.0 * c_pe) / var_d
    gap = _alpha.data_moments(p - e, codes, pol)
    return {
        "alpha_p": a_p,
        "alpha_ref": a_e,
        "var_p": var_p,
        "var_ref": var_e,
        "r_p_ref": c_pe / np.sqrt(var_p * var_e),
        "r_diff": r_diff,
        "alpha_gap": _alpha.raw_alpha(gap.cov),
        "var_gap": var_d,
        "n": m.n,
        "n_items": k,
    }


def difference_reliability(
    survey: Survey,
    *,
    level: Level = "dimension",
    reference: str | None = None,
    nan_policy: NanPolicy = "pairwise",
) -> DifferenceReliabilityResult:
    """Reliability of SERVQUAL gap scores from the reliabilities of P and E.

    Parameters
    ----------
    survey : Survey
        Must hold perception ratings and the reference ratings.
    level : {"dimension", "overall"}, default "dimension"
        One composite per quality dimension, or one of all quality items.
    reference : str, optional
        Reference rating (``"E"``/``"expectation"``, ``"A"``, ``"D"`` ...); default
        the instrument's reference. Constant references (spec, scale maximum) have no
        reliability and are refused.
    nan_policy : {"pairwise", "listwise", "raise"}, default "pairwise"
        As in :func:`cronbach_alpha`.

    Returns
    -------
    DifferenceReliabilityResult
        Columns ``alpha_p``, ``alpha_ref``, ``var_p``, ``var_ref``, ``r_p_ref``,
        ``r_diff``, ``alpha_gap``, ``var_gap``, ``n``, ``n_items``.

    Raises
    ------
    InstrumentError
        The survey has no reference ratings.
    InsufficientDataError, DataError
        As in :func:`cronbach_alpha`.

    See Also
    --------
    cronbach_alpha

    Notes
    -----
    With sum scores P and E (variances :math:`\\sigma_P^2, \\sigma_E^2`, reliabilities
    :math:`r_{PP}, r_{EE}` = alpha, correlation :math:`r_{PE}`), the difference
    D = P − E has reliability (Johns 1981; Peter, Churchill & Brown 1993)
    :math:`r_D = (\\sigma_P^2 r_{PP} + \\sigma_E^2 r_{EE} - 2 r_{PE}\\sigma_P\\sigma_E) /
    (\\sigma_P^2 + \\sigma_E^2 - 2 r_{PE}\\sigma_P\\sigma_E)`. All moments come from one
    covariance matrix of the 2k P and reference items. ``alpha_gap`` is
    ``psych::alpha(P - E)$total$raw_alpha``. A :class:`~servqual.ReliabilityWarning`
    is raised when ``r_diff`` is below 0.5 or more than 0.2 below the less reliable
    of the two components (the gap score then measures mostly error).

    References
    ----------
    Johns, G. (1981). Difference score measures of organizational behavior
    variables: A critique. *Organizational Behavior and Human Performance*, 27,
    443–463.
    Peter, J. P., Churchill, G. A., & Brown, T. J. (1993). Caution in the use of
    difference scores in consumer research. *Journal of Consumer Research*, 19,
    655–662.

    Examples
    --------
    >>> import servqual as sq
    >>> survey = sq.load_example("retail_bank")
    >>> res = sq.difference_reliability(survey)
    >>> res.to_frame().loc["tangibles", ["alpha_p", "alpha_ref", "r_diff"]].round(3).tolist()
    [0.925, 0.856, 0.757]
    """
    survey = require_survey(survey, "difference_reliability")
    check_level(level, ("dimension", "overall"))
    nan_policy = check_nan_policy(nan_policy)
    inst = survey.instrument
    ref = resolve_reference(inst, parse_reference(reference))
    if ref not in RATINGS or not survey.has_rating(ref) or not survey.has_rating("P"):
        raise InstrumentError(
            f"Difference-score reliability needs perception ratings and reference ratings; "
            f"the reference {ref!r} of {inst.name!r} is not rated on the same items as the "
            "perceptions (a constant target such as a spec or the scale maximum has no "
            "reliability, and the value perspective's sacrifice has its own items)."
        )
    pos = {c: j for j, c in enumerate(inst.item_codes)}
    p_all, e_all = survey.matrix("P"), survey.matrix(ref)
    model = inst.model
    groups = (
        {"overall": [c for codes in model.values() for c in codes]}
        if level == "overall"
        else _alpha.usable_scales(model, 2, stacklevel=3)
    )
    if level == "dimension" and len(model) > 1:
        groups_all = {**groups, "overall": [c for codes in model.values() for c in codes]}
    else:
        groups_all = groups
    used = [pos[c] for codes in model.values() for c in codes]
    codes_used = [c for codes in model.values() for c in codes]
    _alpha.refuse_missing(p_all[:, used], [f"P:{c}" for c in codes_used], survey.index, nan_policy)
    _alpha.refuse_missing(
        e_all[:, used], [f"{ref}:{c}" for c in codes_used], survey.index, nan_policy
    )
    rows = {}
    for label, codes in groups_all.items():
        idx = [pos[c] for c in codes]
        rows[label] = _diff_row(label, p_all[:, idx], e_all[:, idx], codes, nan_policy)
    head = rows["overall"] if "overall" in rows else rows[next(iter(groups))]
    table = pd.DataFrame.from_dict({k: rows[k] for k in groups}, orient="index")
    table.index.name = "dimension" if level == "dimension" else None
    for label, r in rows.items():  # the overall headline too
        floor = min(r["alpha_p"], r["alpha_ref"]) - DIFF_RELIABILITY_DROP
        if r["r_diff"] < DIFF_RELIABILITY_FLOOR or r["r_diff"] < floor:
            warnings.warn(
                f"The gap score of {label!r} is much less reliable than its parts: "
                f"r_diff = {r['r_diff']:.2f} against alpha {r['alpha_p']:.2f} (perception) "
                f"and {r['alpha_ref']:.2f} (reference), because perception and reference "
                f"correlate (r = {r['r_p_ref']:.2f}). Report the perception scores "
                "(SERVPERF) beside the gaps.",
                ReliabilityWarning,
                stacklevel=2,
            )
    return DifferenceReliabilityResult(
        _table=table,
        r_diff=float(head["r_diff"]),
        alpha_gap=float(head["alpha_gap"]),
        alpha_p=float(head["alpha_p"]),
        alpha_ref=float(head["alpha_ref"]),
        r_p_ref=float(head["r_p_ref"]),
        reference=ref,
        n=int(head["n"]),
        n_items=int(head["n_items"]),
        nan_policy=nan_policy,
        level=level,
    )
