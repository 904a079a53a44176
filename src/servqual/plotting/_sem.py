"""Path diagram of a structural equation model (matplotlib only, no graphviz)."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.patches import Ellipse, FancyArrowPatch, Rectangle

from ..exceptions import DataError, ServqualError
from ._core import _axes

__all__ = ["plot_sem"]

_LATENT = "#DCE9F5"
_OBSERVED = "#FFFFFF"
_EDGE = "#333333"
_PATH = "#0072B2"
_NEGATIVE = "#D55E00"


def _depths(structural: dict[str, list[str]], nodes: list[str]) -> dict[str, int]:
    """Longest chain of regressions leading to each node (0 for exogenous ones)."""
    depth = dict.fromkeys(nodes, 0)
    for _ in range(len(nodes)):
        changed = False
        for y, xs in structural.items():
            for x in xs:
                if depth.get(y, 0) < depth.get(x, 0) + 1:
                    depth[y] = depth.get(x, 0) + 1
                    changed = True
        if not changed:
            break
    return depth


def plot_sem(
    result: Any,
    ax: Any = None,
    *,
    values: str = "std_all",
    decimals: int = 2,
    covariances: bool = True,
    fontsize: float = 7.0,
    title: str | None = None,
    group: str | None = None,
) -> Any:
    """Path diagram: latent variables (ellipses), observed variables (boxes) and paths.

    Exogenous latent variables stand in the first column with their indicators on the
    left; latent and observed outcomes follow in columns by the length of the chain of
    regressions that leads to them, with their indicators on the right. Loadings and
    regressions are arrows, covariances between latent variables (and residual
    covariances written in the model) curved double-headed arcs, each labelled with its
    value; negative values are drawn in a contrasting colour.

    Parameters
    ----------
    result : SEMResult
        From :func:`servqual.sem`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; the current Axes when omitted.
    values : {"std_all", "std_lv", "est"}
        Which column of the parameter table labels the paths (default: completely
        standardized).
    decimals : int
        Decimals of the labels.
    covariances : bool
        Draw the covariances (latent, and residual covariances between variables).
    fontsize : float
        Font size of names and labels.
    title : str, optional
        Axes title.
    group : str, optional
        For a multi-group fit (``sq.sem(..., group=)``): the group whose estimates label
        the paths (one of ``result.groups``); required there.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import servqual as sq
    >>> survey = sq.load_example("retail_bank", nan_policy="listwise")
    >>> ax = sq.sem(survey, outcome="overall").plot()
    >>> sum(type(p).__name__ == "Ellipse" for p in ax.patches)
    5
    """
    if values not in ("std_all", "std_lv", "est"):
        raise ServqualError(
            f"plot_sem: values must be 'std_all', 'std_lv' or 'est', got {values!r}."
        )
    if not (hasattr(result, "to_frame") and hasattr(result, "latent")):
        raise DataError(f"plot_sem needs the result of sq.sem(...), got {type(result).__name__}.")
    t = result.to_frame()
    if "group" in t.columns:
        groups = list(result.groups)
        if group is None or str(group) not in groups:
            what = "needs" if group is None else f"got group={group!r}; it needs"
            raise DataError(
                f"plot_sem: the fit has {len(groups)} groups and draws one at a time; {what} "
                f"group= one of {groups}."
            )
        t = t[(t["group"] == str(group)).to_numpy()]
    elif group is not None:
        raise DataError("plot_sem: group= is for a multi-group fit (sq.sem(..., group=)).")
    latent = list(result.latent)
    load = t[t["op"] == "=~"]
    reg = t[t["op"] == "~"]
    cov = t[(t["op"] == "~~") & (t["lhs"] != t["rhs"])]
    structural: dict[str, list[str]] = {}
    for y, x in zip(reg["lhs"], reg["rhs"], strict=True):
        structural.setdefault(y, []).append(x)
    nodes = list(dict.fromkeys(latent + list(reg["lhs"]) + list(reg["rhs"])))
    depth = _depths(structural, nodes)
    indicators: dict[str, list[str]] = {}
    for f, x in zip(load["lhs"], load["rhs"], strict=True):
        if x not in latent:
            indicators.setdefault(f, []).append(x)
    step, gap, col, side = 0.55, 0.5, 4.6, 1.9
    last = max(depth.values())
    pos: dict[str, tuple[float, float]] = {}
    for d in sorted(set(depth.values())):
        members = [v for v in nodes if depth[v] == d]
        y = 0.0
        for v in members:
            its = indicators.get(v, [])
            x0 = col * d
            if its and (d == 0 or d == last):  # a column of indicators beside the latent
                ys = [y - k * step for k in range(len(its))]
                for item, yi in zip(its, ys, strict=True):
                    pos[item] = (x0 + (-side if d == 0 else side), yi)
                pos[v] = (x0, float(np.mean(ys)))
                y = ys[-1] - step - gap
            elif its:  # a middle column: the indicators in a row above the latent
                xs = x0 + 1.05 * (np.arange(len(its)) - (len(its) - 1) / 2)
                for item, xi in zip(its, xs, strict=True):
                    pos[item] = (float(xi), y)
                pos[v] = (x0, y - 1.5)
                y -= 1.5 + 2 * step + gap
            else:
                pos[v] = (x0, y - step / 2)
                y -= 2 * step + gap
    # centre every column vertically on its latent variables
    for d in set(depth.values()):
        members = [v for v in nodes if depth[v] == d]
        names = members + [i for v in members for i in indicators.get(v, [])]
        ys = [pos[n][1] for n in members]
        shift = -(max(ys) + min(ys)) / 2
        for n in names:
            pos[n] = (pos[n][0], pos[n][1] + shift)
    ax = _axes(ax)
    longest = max((len(n) for n in latent), default=4)
    w_obs, h_obs, h_lat = 0.95, 0.38, 0.62
    w_lat = max(1.3, 0.085 * fontsize / 7 * longest * 1.6 + 0.3)

    def fmt(v: float) -> str:
        return f"{v:.{decimals}f}"

    def colour(v: float) -> str:
        return _NEGATIVE if v < 0 else _PATH

    for name, (x, y) in pos.items():
        if name in latent:
            ax.add_patch(Ellipse((x, y), w_lat, h_lat, facecolor=_LATENT, edgecolor=_EDGE))
        else:
            corner = (x - w_obs / 2, y - h_obs / 2)
            box = Rectangle(corner, w_obs, h_obs, facecolor=_OBSERVED, edgecolor=_EDGE)
            ax.add_patch(box)
        ax.text(x, y, name, ha="center", va="center", fontsize=fontsize, zorder=5)

    def edge(name: str, towards: tuple[float, float]) -> tuple[float, float]:
        """Point where the line from the centre of ``name`` to ``towards`` leaves it."""
        x, y = pos[name]
        dx, dy = towards[0] - x, towards[1] - y
        norm = float(np.hypot(dx, dy)) or 1.0
        ux, uy = dx / norm, dy / norm
        if name in latent:
            a, b = w_lat / 2, h_lat / 2
            r = 1.0 / np.sqrt((ux / a) ** 2 + (uy / b) ** 2)
        else:
            hw, hh = w_obs / 2, h_obs / 2
            r = min(hw / abs(ux) if ux else np.inf, hh / abs(uy) if uy else np.inf)
        return x + r * ux, y + r * uy

    def arrow(a: str, b: str, v: float, rad: float = 0.0, both: bool = False) -> None:
        (xa, ya), (xb, yb) = pos[a], pos[b]
        patch = FancyArrowPatch(
            edge(a, (xb, yb)), edge(b, (xa, ya)), arrowstyle="<|-|>" if both else "-|>",
            connectionstyle=f"arc3,rad={rad}", mutation_scale=7, color=colour(v),
            linewidth=0.8, shrinkA=0, shrinkB=0, zorder=3,
        )  # fmt: skip
        ax.add_patch(patch)
        mx, my = (xa + xb) / 2, (ya + yb) / 2
        if rad:
            mx += rad * (yb - ya) / 2
            my -= rad * (xb - xa) / 2
        ax.text(
            mx, my, fmt(v), fontsize=fontsize * 0.85, ha="center", va="center",
            color=colour(v), zorder=6,
            bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"},
        )  # fmt: skip

    for f, x, v in zip(load["lhs"], load["rhs"], load[values], strict=True):
        if f in pos and x in pos:
            arrow(f, x, float(v))
    for y, x, v in zip(reg["lhs"], reg["rhs"], reg[values], strict=True):
        arrow(x, y, float(v), rad=0.0)
    if covariances:
        for a, b, v in zip(cov["lhs"], cov["rhs"], cov[values], strict=True):
            if a in pos and b in pos and pos[a] != pos[b]:
                arrow(a, b, float(v), rad=-0.35 if pos[a][0] <= 0 else 0.35, both=True)
    x_all = [p[0] for p in pos.values()]
    y_all = [p[1] for p in pos.values()]
    ax.set_xlim(min(x_all) - 1.0, max(x_all) + 1.0)
    ax.set_ylim(min(y_all) - 0.8, max(y_all) + 0.8)
    ax.set_aspect("equal")
    ax.axis("off")
    if title is not None:
        ax.set_title(title)
    return ax
