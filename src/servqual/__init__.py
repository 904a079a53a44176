"""servqual: service-quality survey research in Python.

Gap scores for the four quality perspectives (excellence, conformance, value,
expectations/SERVQUAL), reliability and validity, significance tests and charts.

Examples
--------
>>> import servqual as sq
>>> survey = sq.load_example("retail_bank")
>>> sq.gap_scores(survey, level="overall").overall < 0
True
"""

from __future__ import annotations

from . import datasets, instruments
from .datasets import load_example
from .distribution import LikertResult, likert_distribution
from .drivers import (
    ImportancePerformanceResult,
    KeyDriverResult,
    importance_performance,
    key_drivers,
)
from .exceptions import (
    ConvergenceError,
    DataError,
    DuplicateColumnError,
    HeywoodWarning,
    ImportanceWeightError,
    InstrumentError,
    InsufficientDataError,
    MissingColumnError,
    MissingDataWarning,
    NonNumericError,
    ReliabilityWarning,
    ScaleRangeError,
    ServqualError,
    ServqualWarning,
)
from .gaps import GapResult, ToleranceResult, gap_scores, respondent_scores, tolerance_zone
from .instruments import Dimension, Instrument, Item, Scale
from .io import read_survey
from .kano import KanoResult, kano
from .plotting import (
    plot_drivers,
    plot_gaps,
    plot_ipa,
    plot_kano,
    plot_likert,
    plot_radar,
    plot_snake,
    plot_tolerance,
)
from .streaming import summarize_csv
from .summary import SurveySummary
from .survey import Survey

__version__ = "0.1.0"

__all__ = [
    "ConvergenceError",
    "DataError",
    "Dimension",
    "DuplicateColumnError",
    "GapResult",
    "HeywoodWarning",
    "ImportancePerformanceResult",
    "ImportanceWeightError",
    "Instrument",
    "InstrumentError",
    "InsufficientDataError",
    "Item",
    "KanoResult",
    "KeyDriverResult",
    "LikertResult",
    "MissingColumnError",
    "MissingDataWarning",
    "NonNumericError",
    "ReliabilityWarning",
    "Scale",
    "ScaleRangeError",
    "ServqualError",
    "ServqualWarning",
    "Survey",
    "SurveySummary",
    "ToleranceResult",
    "__version__",
    "datasets",
    "gap_scores",
    "importance_performance",
    "instruments",
    "kano",
    "key_drivers",
    "likert_distribution",
    "load_example",
    "plot_drivers",
    "plot_gaps",
    "plot_ipa",
    "plot_kano",
    "plot_likert",
    "plot_radar",
    "plot_snake",
    "plot_tolerance",
    "read_survey",
    "respondent_scores",
    "summarize_csv",
    "tolerance_zone",
]
