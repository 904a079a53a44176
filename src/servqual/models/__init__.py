"""Structural equation models (lavaan syntax, normal-theory ML), laid out as lavaan's pipeline.

* :mod:`~servqual.models.syntax` — lavaan model syntax → statements
* :mod:`~servqual.models.partable` — the parameter table with lavaan's defaults
* :mod:`~servqual.models.sample` — sample statistics
* :mod:`~servqual.models.start` — start values
* :mod:`~servqual.models.matrices` — RAM model matrices, Σ(θ) and its derivatives
* :mod:`~servqual.models.estimate` — the ML discrepancy and its minimisation
* :mod:`~servqual.models.vcov` — expected information, delta method
* :mod:`~servqual.models.fit` — fit measures by lavaan's names
* :mod:`~servqual.models.api` — :func:`sem` and :class:`SEMResult`
* :mod:`~servqual.models.modindices` — :func:`modification_indices`
* :mod:`~servqual.models.multigroup` — multi-group models with a mean structure
  (:mod:`~servqual.models.mgfit` lays out their result)
* :mod:`~servqual.models.score` — :func:`score_tests` of equality constraints
"""

from __future__ import annotations

from .api import SEMResult, sem
from .modindices import ModificationIndicesResult, modification_indices
from .score import ScoreTestResult, score_tests

__all__ = [
    "ModificationIndicesResult",
    "SEMResult",
    "ScoreTestResult",
    "modification_indices",
    "score_tests",
    "sem",
]
