"""Render a chart to PNG bytes without pyplot (internal; used by the HTML report)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

__all__ = ["render_png"]


def render_png(
    draw: Callable[..., Any],
    result: Any,
    *,
    figsize: tuple[float, float] = (7.0, 4.0),
    polar: bool = False,
    dpi: int = 100,
    **kwargs: Any,
) -> bytes:
    """Draw ``result`` with ``draw(result, ax=ax, **kwargs)`` on a fresh figure; PNG bytes.

    The figure is a stand-alone :class:`matplotlib.figure.Figure` (not registered
    with pyplot), so nothing global changes and nothing needs closing.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot(projection="polar" if polar else None)
    draw(result, ax=ax, **kwargs)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
