"""Charts (matplotlib only). Every function takes a result, ``ax=None`` and returns the Axes.

Functions never call ``show()`` and never change global style; colours and labels
come in as keywords. ``result.plot(ax=...)`` delegates here: importing this package
registers every ``plot_*`` function with :func:`servqual._results.register_chart`
under its name, the name a result gives in its ``_plot_function``.
"""

from __future__ import annotations

from .._results import register_chart
from ._core import plot_gaps, plot_radar, plot_snake, plot_tolerance
from ._drivers import plot_drivers, plot_ipa, plot_kano
from ._factor import plot_loadings, plot_scree
from ._invariance import plot_invariance
from ._likert import plot_likert
from ._operations import plot_control, plot_kpi, plot_nps, plot_ratings, plot_score
from ._sem import plot_sem

__all__ = [
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
]

for _name in __all__:  # every chart, registered under its name for result.plot()
    register_chart(globals()[_name])
del _name
