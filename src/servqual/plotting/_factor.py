"""Factor-analysis charts: scree plot of a parallel analysis, loadings heatmap."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._labels import unit_labels
from ..exceptions import ServqualError
from ._core import _axes, _table
from ._fonts import fit_scripts

__all__ = ["plot_loadings", "plot_scree"]

_OBSERVED = "#0072B2"
_SIMULATED = "#D55E00"


def plot_scree(
    result: Any,
    ax: Any = None,
    *,
    components: bool = True,
    factors: bool = True,
    observed_color: str = _OBSERVED,
    simulated_color: str = _SIMULATED,
    title: str | None = "Parallel analysis",
    legend: bool = True,
) -> Any:
    """Scree plot of a parallel analysis: observed vs simulated eigenvalues.

    Parameters
    ----------
    result : ParallelAnalysisResult
        From :func:`servqual.parallel_analysis`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; the current Axes when omitted.
    components, factors : bool
        Draw the principal-component eigenvalues (solid markers ``x``) and/or the
        reduced (factor) eigenvalues (markers ``^``). Each adds two lines: observed
        and the simulated threshold (dashed).
    observed_color, simulated_color : str
        Colours of the observed and simulated lines.
    title : str, optional
        Axes title.
    legend : bool
        Draw a legend.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import servqual as sq
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> res = sq.parallel_analysis(sq.load_example("retail_bank"), n_iter=5, rng=1)
    >>> len(res.plot().get_lines())
    5
    """
    cols = ["pc_observed", "pc_simulated", "fa_observed", "fa_simulated"]
    table = _table(result, "plot_scree", cols)
    if not (components or factors):
        raise ServqualError("plot_scree: components and factors are both False; nothing to draw.")
    ax = _axes(ax)
    x = np.asarray(table.index, dtype=float)
    for drawn, kind, marker, linestyle in (
        (components, "pc", "x", "--"),
        (factors, "fa", "^", ":"),
    ):
        if drawn:
            name = kind.upper()
            ax.plot(
                x, table[f"{kind}_observed"], marker=marker, color=observed_color,
                label=f"{name} observed",
            )  # fmt: skip
            ax.plot(
                x, table[f"{kind}_simulated"], linestyle=linestyle, color=simulated_color,
                label=f"{name} simulated",
            )  # fmt: skip
    ax.axhline(1.0, color="#BBBBBB", linewidth=0.8, zorder=0)
    ax.set_xlabel("Factor / component number")
    ax.set_ylabel("Eigenvalue")
    ax.set_xticks(x)
    if title:
        ax.set_title(title)
    if legend:
        ax.legend(frameon=False)
    return fit_scripts(ax, "plot_scree")


def plot_loadings(
    result: Any,
    ax: Any = None,
    *,
    annotate: bool = True,
    decimals: int = 2,
    cmap: str = "RdBu_r",
    threshold: float | None = None,
    colorbar: bool = True,
    title: str | None = None,
    labels: str = "code",
    instrument: Any = None,
) -> Any:
    """Heatmap of factor loadings (items × factors).

    Parameters
    ----------
    result : EFAResult
        From :func:`servqual.efa`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; the current Axes when omitted.
    annotate : bool
        Write each loading in its cell.
    decimals : int
        Decimals of the annotations.
    cmap : str
        Diverging colour map, centred on zero (limits −1 and 1).
    threshold : float, optional
        Annotate only loadings with absolute value at least this.
    colorbar : bool
        Add a colour bar.
    title : str, optional
        Axes title (default: method and rotation).
    labels : {"code", "label", "text"}
        Row labels: item codes, the items' labels or their wording (wrapped);
        with ``"label"``/``"text"`` pass ``instrument=`` (an EFA result does not
        name its instrument).
    instrument : Instrument, str or Survey, optional
        Where ``labels=`` finds the item labels and wording.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import servqual as sq
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> res = sq.efa(sq.load_example("retail_bank"), n_factors=5)
    >>> ax = res.plot(annotate=False)
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['F1', 'F2', 'F3', 'F4', 'F5']
    """
    loadings = getattr(result, "loadings", None)
    if loadings is None or not hasattr(loadings, "to_numpy") or not hasattr(result, "n_factors"):
        raise ServqualError(
            f"plot_loadings draws an EFAResult (sq.efa(...)); got {type(result).__name__}."
        )
    rows = unit_labels(list(loadings.index), labels=labels, result=result, instrument=instrument,
                       chart="plot_loadings", width=40)  # fmt: skip
    ax = _axes(ax)
    values = loadings.to_numpy(dtype=float)
    image = ax.imshow(values, cmap=cmap, vmin=-1.0, vmax=1.0, aspect="auto")
    ax.set_xticks(np.arange(values.shape[1]))
    ax.set_xticklabels([str(c) for c in loadings.columns])
    ax.set_yticks(np.arange(values.shape[0]))
    ax.set_yticklabels(rows)
    if annotate:
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                v = values[i, j]
                if threshold is not None and abs(v) < threshold:
                    continue
                ax.text(
                    j,
                    i,
                    f"{v:.{decimals}f}",
                    ha="center",
                    va="center",
                    fontsize="small",
                    color="white" if abs(v) > 0.6 else "black",
                )
    if colorbar:
        bar = ax.figure.colorbar(image, ax=ax, label="Loading")
        fit_scripts(bar.ax, "plot_loadings")  # its tick labels: the minus sign
    if title is None:
        title = f"Loadings · {result.method}, {result.rotation or 'unrotated'}"
    if title:
        ax.set_title(title)
    return fit_scripts(ax, "plot_loadings")
