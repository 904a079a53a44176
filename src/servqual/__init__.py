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

from . import datasets, instruments, operations
from .cfa import CFAResult, cfa
from .datasets import load_example
from .drivers import (
    ImportancePerformanceResult,
    KeyDriverResult,
    importance_performance,
    key_drivers,
)
from .exceptions import (
    CapabilityError,
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
from .factor import (
    BartlettResult,
    EFAResult,
    KMOResult,
    ParallelAnalysisResult,
    bartlett_sphericity,
    efa,
    kmo,
    parallel_analysis,
)
from .gaps import GapResult, ToleranceResult, gap_scores, respondent_scores, tolerance_zone
from .groups import GroupComparisonResult, compare_groups
from .inference import HotellingResult, PairedTestResult, hotelling_test, p_adjust, paired_tests
from .instruments import Dimension, Instrument, Item, Scale
from .io import read_survey
from .kano import KanoResult, kano
from .likert import LikertResult, likert_distribution
from .models import ModificationIndicesResult, SEMResult, modification_indices, sem
from .omega import OmegaResult, omega
from .operations import control_chart, csat, kpi_series, nps
from .plotting import (
    plot_control,
    plot_drivers,
    plot_gaps,
    plot_ipa,
    plot_kano,
    plot_kpi,
    plot_likert,
    plot_loadings,
    plot_nps,
    plot_radar,
    plot_ratings,
    plot_score,
    plot_scree,
    plot_sem,
    plot_snake,
    plot_tolerance,
)
from .power import PowerResult, SurveyPowerResult, power, power_from_survey, sample_size
from .reliability import (
    AlphaResult,
    DifferenceReliabilityResult,
    ItemAnalysisResult,
    SplitHalfResult,
    cronbach_alpha,
    difference_reliability,
    item_analysis,
    split_half,
)
from .report import report
from .summary import SurveySummary, summarize_csv
from .survey import Survey
from .validity import (
    AVEResult,
    CompositeReliabilityResult,
    DiscriminantValidityResult,
    FornellLarckerResult,
    HTMTResult,
    ave,
    composite_reliability,
    discriminant_validity,
    fornell_larcker,
    htmt,
)
from .value import ValueLinkResult, WtpResult, value_index, value_links, wtp_premium

__version__ = "0.1.0"

__all__ = [
    "AVEResult",
    "AlphaResult",
    "BartlettResult",
    "CFAResult",
    "CapabilityError",
    "CompositeReliabilityResult",
    "ConvergenceError",
    "DataError",
    "DifferenceReliabilityResult",
    "Dimension",
    "DiscriminantValidityResult",
    "DuplicateColumnError",
    "EFAResult",
    "FornellLarckerResult",
    "GapResult",
    "GroupComparisonResult",
    "HTMTResult",
    "HeywoodWarning",
    "HotellingResult",
    "ImportancePerformanceResult",
    "ImportanceWeightError",
    "Instrument",
    "InstrumentError",
    "InsufficientDataError",
    "Item",
    "ItemAnalysisResult",
    "KMOResult",
    "KanoResult",
    "KeyDriverResult",
    "LikertResult",
    "MissingColumnError",
    "MissingDataWarning",
    "ModificationIndicesResult",
    "NonNumericError",
    "OmegaResult",
    "PairedTestResult",
    "ParallelAnalysisResult",
    "PowerResult",
    "ReliabilityWarning",
    "SEMResult",
    "Scale",
    "ScaleRangeError",
    "ServqualError",
    "ServqualWarning",
    "SplitHalfResult",
    "Survey",
    "SurveyPowerResult",
    "SurveySummary",
    "ToleranceResult",
    "ValueLinkResult",
    "WtpResult",
    "__version__",
    "ave",
    "bartlett_sphericity",
    "cfa",
    "compare_groups",
    "composite_reliability",
    "control_chart",
    "cronbach_alpha",
    "csat",
    "datasets",
    "difference_reliability",
    "discriminant_validity",
    "efa",
    "fornell_larcker",
    "gap_scores",
    "hotelling_test",
    "htmt",
    "importance_performance",
    "instruments",
    "item_analysis",
    "kano",
    "key_drivers",
    "kmo",
    "kpi_series",
    "likert_distribution",
    "load_example",
    "modification_indices",
    "nps",
    "omega",
    "operations",
    "p_adjust",
    "paired_tests",
    "parallel_analysis",
    "plot_control",
    "plot_drivers",
    "plot_gaps",
    "plot_ipa",
    "plot_kano",
    "plot_kpi",
    "plot_likert",
    "plot_loadings",
    "plot_nps",
    "plot_radar",
    "plot_ratings",
    "plot_score",
    "plot_scree",
    "plot_sem",
    "plot_snake",
    "plot_tolerance",
    "power",
    "power_from_survey",
    "read_survey",
    "report",
    "respondent_scores",
    "sample_size",
    "sem",
    "split_half",
    "summarize_csv",
    "tolerance_zone",
    "value_index",
    "value_links",
    "wtp_premium",
]
