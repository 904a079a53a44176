"""The line a group comparison adds about measurement invariance (internal).

:func:`servqual.compare_groups` and :func:`servqual.gap_scores` read the results of
:func:`servqual.measurement_invariance` recorded on a Survey (``survey.invariance``) or
passed as ``invariance=``; this module sits below both and below the SEM engine, so a
comparison does not load the engine to say what was found.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from ._validation import fmt_list
from .exceptions import DataError, InvarianceWarning

__all__ = ["comparison_note"]


def _is_result(obj: Any) -> bool:
    """An :class:`~servqual.InvarianceResult` (checked by its fields, not its class, so
    that this module does not import the engine)."""
    return type(obj).__name__ == "InvarianceResult" and hasattr(obj, "scalar_established")


def comparison_note(
    data: Any, by: str | Sequence[str] | None, score: str, invariance: Any = None
) -> str:
    """The header line of a group comparison about measurement invariance ("" when it
    was not tested), warning (:class:`~servqual.InvarianceWarning`) when scalar
    invariance was tested and not established.

    ``invariance`` (an :class:`InvarianceResult`, or a sequence of them) is used when
    given; otherwise the results recorded on the survey (``survey.invariance``) for the
    compared segment(s): the one for ``(segment, score)`` when there is one, else every
    result recorded for the segment (a gap score's comparison rests on the invariance of
    the ratings it is made of, e.g. perceptions and expectations).
    """
    if invariance is None:
        recorded = getattr(data, "invariance", None)
        if not recorded or by is None:
            return ""
        segs = [by] if isinstance(by, str) else list(by)
        results = []
        for s in segs:
            exact = recorded.get((s, score))
            if exact is not None:
                results.append(exact)
            else:
                results.extend(r for (seg, _sc), r in recorded.items() if seg == s)
    else:
        items = [invariance] if _is_result(invariance) else invariance
        try:
            results = list(items)
        except TypeError:
            results = [items]
        bad = [type(r).__name__ for r in results if not _is_result(r)]
        if bad:
            raise DataError(
                "invariance= takes the result of sq.measurement_invariance (or a list of "
                f"them); got {fmt_list(bad)}."
            )
    if not results:
        return ""
    parts, failed = [], []
    for r in results:
        what = f"{r.score} " if r.score else ""
        partial = f", partial: {', '.join(r.freed)} free" if r.freed else ""
        status = "established" if r.scalar_established else "NOT established"
        parts.append(
            f"{what}by {r.group}: scalar invariance {status} (highest: {r.established}"
            f"{partial}; {r.estimator.upper()}, ΔCFI/ΔRMSEA rule)"
        )
        if not r.scalar_established:
            failed.append(r)
    if failed:
        names = "; ".join(f"{(r.score + ' ') if r.score else ''}by {r.group}" for r in failed)
        warnings.warn(
            f"Scalar measurement invariance was tested and not established ({names}): the "
            "groups may read the items differently, so differences in means or gap scores "
            "may reflect measurement rather than service quality. See "
            "sq.measurement_invariance(...).verdict.",
            InvarianceWarning,
            stacklevel=3,
        )
    return "Measurement invariance — " + "; ".join(parts) + "."
