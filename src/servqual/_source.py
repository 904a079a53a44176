"""The data-source protocol every moment-based statistic is written on (internal).

A statistic that needs only moments — means, standard deviations and counts of
linear scores, item covariances — is written once against :class:`Source` and
runs unchanged on a :class:`~servqual.Survey` (moments computed from the
respondents' arrays, with missing values and survey weights) and on a
:class:`~servqual.SurveySummary` (moments merged from chunks of a CSV or the
partitions of a Dask DataFrame; Chan, Golub & LeVeque, 1979), the way statsmodels
writes ``anova_oneway`` on ``anova_generic(means, variances, nobs)``.

Methods that need the rows themselves (rank tests, bootstrap, medians, HC
standard errors) call :meth:`Source.require_rows`, which raises one
:class:`~servqual.CapabilityError` on a summary naming the statistic and what to
pass instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .instruments import Instrument

__all__ = ["Groups", "Source", "UnitMoments"]


@dataclass(frozen=True)
class UnitMoments:
    """Moments of perception, reference and gap for the units of one level and group.

    One entry per unit (item, dimension or ``"overall"``): ``n`` respondents with
    both scores; means of perception, reference and gap; the gap's standard
    deviation and the standard error of its mean (with survey weights: the
    linearisation estimate); the number and share of respondents whose perception
    meets or exceeds the reference; for survey-weighted data the interval of that
    share (else None: the caller builds Wilson's from the counts).
    """

    labels: list[str]
    dimensions: list[str]
    reference_code: str
    n: np.ndarray
    perception: np.ndarray
    reference: np.ndarray
    gap: np.ndarray
    sd: np.ndarray
    se: np.ndarray
    n_meeting: np.ndarray
    share: np.ndarray
    share_interval: tuple[np.ndarray, np.ndarray] | None = None


#: segment names (None without ``by=``) and one (segment key, moments) per segment
Groups = tuple[tuple[str, ...] | None, list[tuple[Any, UnitMoments]]]


class Source(Protocol):
    """What a statistic may ask of its data: implemented by Survey and SurveySummary."""

    @property
    def instrument(self) -> Instrument: ...

    @property
    def n_respondents(self) -> int: ...

    @property
    def nan_policy(self) -> str: ...

    @property
    def dropped_rows(self) -> tuple[Any, ...]: ...

    @property
    def survey_weighted(self) -> bool: ...

    def unit_moments(
        self,
        level: str,
        reference: str,
        weighted: bool,
        by: Sequence[str] | None,
        confidence_level: float,
    ) -> Groups:
        """Moments of perception, reference and gap per unit, per segment of ``by``."""
        ...

    def item_covariance(self, score: str, nan_policy: str) -> tuple[pd.DataFrame, int]:
        """Covariance of the item-level ``score`` and the number of respondents behind it."""
        ...

    def require_rows(self, statistic: str, instead: str) -> None:
        """Nothing on a Survey; CapabilityError naming ``statistic`` and ``instead`` on a summary."""
        ...
