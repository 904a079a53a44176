"""Charts (matplotlib only). Every function takes a result, ``ax=None`` and returns the Axes.

Functions never call ``show()`` and never change global style; colours and labels
come in as keywords. ``result.plot(ax=...)`` delegates here.
"""

from __future__ import annotations

__all__: list[str] = []
