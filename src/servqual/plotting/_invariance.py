"""Measurement-invariance chart: the fit of each step of the sequence."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..exceptions import ServqualError
from ._core import _axes, _table

__all__ = ["plot_invariance"]

_HOLDS = "#0072B2"
_FAILS = "#D55E00"


def plot_invariance(
    result: Any,
    ax: Any = None,
    *,
    measure: str | None = None,
    holds_color: str = _HOLDS,
    fails_color: str = _FAILS,
    title: str | None = None,
) -> Any:
    """CFI (or another fit measure) of each step of a measurement-invariance sequence.

    One point per fitted step (partial refits included), joined in the order fitted;
    filled markers for steps that hold, crosses for steps that fail, each labelled with
    its change against its reference (ΔCFI or ΔRMSEA).

    Parameters
    ----------
    result : InvarianceResult
        From :func:`servqual.measurement_invariance`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; the current Axes when omitted.
    measure : str, optional
        Column of the result to draw: ``"cfi"``, ``"rmsea"``, ``"tli"``, ``"srmr"``...
        Default: the CFI the decision used (``cfi_robust`` with MLR, ``cfi_scaled`` with
        WLSMV, else ``cfi``).
    holds_color, fails_color : str
        Colours of the steps that hold and fail.
    title : str, optional
        Axes title (default: the measure and the group).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import warnings, matplotlib, servqual as sq
    >>> matplotlib.use("Agg")
    >>> survey = sq.load_example("retail_bank", nan_policy="listwise")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = sq.measurement_invariance(survey, by="branch", steps=("configural", "metric"))
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = res.plot(ax=ax)  # one marker series per decision present: here every step holds
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['holds']
    >>> plt.close(fig)
    """
    table = _table(
        result,
        "plot_invariance",
        ["decision", "reference"],
        hint="sq.measurement_invariance(data, model, group=...)",
    )
    if measure is None:
        est = getattr(result, "estimator", "ml")
        measure = {"mlr": "cfi_robust", "wlsmv": "cfi_scaled"}.get(est, "cfi")
    if not isinstance(measure, str) or measure not in table.columns:
        numeric = [c for c in table.select_dtypes("number").columns if not c.startswith("delta")]
        raise ServqualError(
            f"plot_invariance: measure {measure!r} is not a column of the result; choose one "
            f"of {numeric}."
        )
    ax = _axes(ax)
    x = np.arange(len(table))
    y = table[measure].to_numpy(dtype=float)
    holds = (table["decision"] == "holds").to_numpy()
    ax.plot(x, y, color="0.6", linewidth=1, zorder=1)
    if holds.any():  # a legend entry only for what is drawn
        ax.scatter(x[holds], y[holds], color=holds_color, marker="o", s=50, label="holds", zorder=2)
    if (~holds).any():
        ax.scatter(
            x[~holds], y[~holds], color=fails_color, marker="X", s=70, label="fails", zorder=2
        )
    delta = "delta_rmsea" if "rmsea" in measure else "delta_cfi"
    for xi, yi, d in zip(x, y, table[delta].to_numpy(dtype=float), strict=True):
        if np.isfinite(d):
            ax.annotate(
                f"Δ={d:+.3f}", (xi, yi), textcoords="offset points", xytext=(0, 8),
                ha="center", fontsize=8,
            )  # fmt: skip
    ax.margins(y=0.25)  # room for the Δ labels below the title
    ax.set_xticks(x, [str(s) for s in table.index], rotation=20, ha="right")
    ax.set_ylabel(measure.replace("_", " ").upper().replace(" ROBUST", " (robust)"))
    if title is None:
        title = f"Measurement invariance by {getattr(result, 'group', '')}".strip()
    if title:
        ax.set_title(title)
    ax.legend(frameon=False)
    return ax
