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
"""

from __future__ import annotations

from .api import SEMResult, sem
from .modindices import ModificationIndicesResult, modification_indices

__all__ = ["ModificationIndicesResult", "SEMResult", "modification_indices", "sem"]
