"""servqual: service-quality survey research in Python.

Gap scores for the four quality perspectives (excellence, conformance, value,
expectations/SERVQUAL), reliability and validity, significance tests and charts.

``import servqual`` is light: numpy, pandas, surveys, instruments, example data and
charts load with it; each statistic (and scipy and statsmodels with it) loads on
first use of one of its names, e.g. ``sq.gap_scores`` (a PEP 562 module
``__getattr__``). ``from servqual import gap_scores`` works as before.

Examples
--------
>>> import servqual as sq
>>> survey = sq.load_example("retail_bank")
>>> sq.gap_scores(survey, level="overall").overall < 0
True
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING

from . import datasets, instruments
from ._version import __version__
from .datasets import load_example
from .exceptions import (
    CapabilityError,
    ConvergenceError,
    DataError,
    DuplicateColumnError,
    HeywoodWarning,
    ImportanceWeightError,
    InstrumentError,
    InsufficientDataError,
    InvarianceWarning,
    MissingColumnError,
    MissingDataWarning,
    NonNumericError,
    ReliabilityWarning,
    ScaleRangeError,
    ServqualError,
    ServqualWarning,
)
from .instruments import Dimension, Instrument, Item, Scale
from .likert import LikertResult, likert_distribution
from .plotting import (  # importing plotting registers the charts results draw with
    plot_control,
    plot_drivers,
    plot_gaps,
    plot_invariance,
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
from .survey import Survey

if TYPE_CHECKING:  # the lazily loaded names below, for type checkers and IDEs
    from . import drivers as drivers
    from . import export as export
    from . import factor as factor
    from . import gaps as gaps
    from . import groups as groups
    from . import inference as inference
    from . import invariance as invariance
    from . import io as io
    from . import models as models
    from . import operations as operations
    from . import reliability as reliability
    from . import summary as summary
    from . import validity as validity
    from . import value as value
    from .cfa import CFAResult, cfa
    from .drivers import (
        ImportancePerformanceResult,
        KeyDriverResult,
        importance_performance,
        key_drivers,
    )
    from .export import export_tables
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
    from .invariance import InvarianceResult, LRTResult, lrt, measurement_invariance
    from .io import read_survey
    from .kano import KanoResult, kano
    from .models import (
        ModificationIndicesResult,
        ScoreTestResult,
        SEMResult,
        modification_indices,
        score_tests,
        sem,
    )
    from .omega import OmegaResult, omega
    from .operations import control_chart, csat, kpi_series, nps
    from .polychoric import PolychoricResult, PolyserialResult, polychoric, polyserial
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


#: Submodule -> the public names it provides at the top level, loaded on first use.
_LAZY: dict[str, tuple[str, ...]] = {
    "cfa": ("CFAResult", "cfa"),
    "drivers": (
        "ImportancePerformanceResult",
        "KeyDriverResult",
        "importance_performance",
        "key_drivers",
    ),
    "export": ("export_tables",),
    "factor": (
        "BartlettResult",
        "EFAResult",
        "KMOResult",
        "ParallelAnalysisResult",
        "bartlett_sphericity",
        "efa",
        "kmo",
        "parallel_analysis",
    ),
    "gaps": ("GapResult", "ToleranceResult", "gap_scores", "respondent_scores", "tolerance_zone"),
    "groups": ("GroupComparisonResult", "compare_groups"),
    "inference": (
        "HotellingResult",
        "PairedTestResult",
        "hotelling_test",
        "p_adjust",
        "paired_tests",
    ),
    "invariance": ("InvarianceResult", "LRTResult", "lrt", "measurement_invariance"),
    "io": ("read_survey",),
    "kano": ("KanoResult", "kano"),
    "models": (
        "ModificationIndicesResult",
        "ScoreTestResult",
        "SEMResult",
        "modification_indices",
        "score_tests",
        "sem",
    ),
    "omega": ("OmegaResult", "omega"),
    "operations": ("control_chart", "csat", "kpi_series", "nps"),
    "power": ("PowerResult", "SurveyPowerResult", "power", "power_from_survey", "sample_size"),
    "reliability": (
        "AlphaResult",
        "DifferenceReliabilityResult",
        "ItemAnalysisResult",
        "SplitHalfResult",
        "cronbach_alpha",
        "difference_reliability",
        "item_analysis",
        "split_half",
    ),
    "polychoric": ("PolychoricResult", "PolyserialResult", "polychoric", "polyserial"),
    "report": ("report",),
    "summary": ("SurveySummary", "summarize_csv"),
    "validity": (
        "AVEResult",
        "CompositeReliabilityResult",
        "DiscriminantValidityResult",
        "FornellLarckerResult",
        "HTMTResult",
        "ave",
        "composite_reliability",
        "discriminant_validity",
        "fornell_larcker",
        "htmt",
    ),
    "value": ("ValueLinkResult", "WtpResult", "value_index", "value_links", "wtp_premium"),
}
#: ``sq.gaps``, ``sq.operations``, ...: the modules themselves (``sq.cfa``, ``sq.kano``,
#: ``sq.omega``, ``sq.power`` and ``sq.report`` are the functions of those names).
_SUBMODULES = frozenset(module for module, names in _LAZY.items() if module not in names)
_ORIGIN = {name: module for module, names in _LAZY.items() for name in names}
_ORIGIN.update({module: module for module in _SUBMODULES})


def __getattr__(name: str) -> object:
    """Load the submodule that provides ``name`` and return the name (PEP 562)."""
    module = _ORIGIN.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    loaded = importlib.import_module(f".{module}", __name__)
    value = loaded if name in _SUBMODULES else getattr(loaded, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_ORIGIN))


class _Package(types.ModuleType):
    """The servqual package module.

    Loading a submodule binds it on its package under its own name; for the
    functions named like their module (``sq.cfa``, ``sq.kano``, ``sq.omega``,
    ``sq.power``, ``sq.report``) the package keeps the function, as the eager
    ``from .cfa import cfa`` did.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, types.ModuleType) and name in _LAZY.get(name, ()):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

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
    "InvarianceResult",
    "InvarianceWarning",
    "Item",
    "ItemAnalysisResult",
    "KMOResult",
    "KanoResult",
    "KeyDriverResult",
    "LRTResult",
    "LikertResult",
    "MissingColumnError",
    "MissingDataWarning",
    "ModificationIndicesResult",
    "NonNumericError",
    "OmegaResult",
    "PairedTestResult",
    "ParallelAnalysisResult",
    "PolychoricResult",
    "PolyserialResult",
    "PowerResult",
    "ReliabilityWarning",
    "SEMResult",
    "Scale",
    "ScaleRangeError",
    "ScoreTestResult",
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
    "export_tables",
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
    "lrt",
    "measurement_invariance",
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
    "plot_invariance",
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
    "polychoric",
    "polyserial",
    "power",
    "power_from_survey",
    "read_survey",
    "report",
    "respondent_scores",
    "sample_size",
    "score_tests",
    "sem",
    "split_half",
    "summarize_csv",
    "tolerance_zone",
    "value_index",
    "value_links",
    "wtp_premium",
]
