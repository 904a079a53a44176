"""Operational service-quality measures from the firm's own records.

Beside the survey analysis, firms track quality in their records: counts of
complaints, claims and returns per month (:func:`kpi_series`), watched with
control charts (:func:`control_chart`) and exact rate tests
(:func:`period_changes`, :func:`before_after`); conformance of cases to a
specification (:func:`conformance`); review ratings (:func:`ratings`); CSAT, NPS
and CES (:func:`csat`, :func:`nps`, :func:`ces`, :func:`score_change`). The value
perspective of a survey (value index, willingness to pay) is :mod:`servqual.value`.

Examples
--------
>>> import servqual as sq
>>> feedback = sq.operations.load_records("feedback")
>>> res = sq.operations.nps(feedback, "recommend")
>>> -100 <= res.nps <= 100
True
"""

from __future__ import annotations

from .changes import ScoreChangeResult, before_after, period_changes, score_change
from .conformance import ConformanceResult, conformance
from .control import RULES, ControlChartResult, control_chart, run_rules
from .kpi import KpiResult, kpi_series, list_records, load_records
from .rates import RateTestResult, poisson_test, proportion_test, two_proportion_test
from .scores import (
    NpsResult,
    RatingsResult,
    ScoreResult,
    ces,
    csat,
    nps,
    ratings,
)

__all__ = [
    "RULES",
    "ConformanceResult",
    "ControlChartResult",
    "KpiResult",
    "NpsResult",
    "RateTestResult",
    "RatingsResult",
    "ScoreChangeResult",
    "ScoreResult",
    "before_after",
    "ces",
    "conformance",
    "control_chart",
    "csat",
    "kpi_series",
    "list_records",
    "load_records",
    "nps",
    "period_changes",
    "poisson_test",
    "proportion_test",
    "ratings",
    "run_rules",
    "score_change",
    "two_proportion_test",
]
