"""A tiny progress bar for long work (internal; tqdm is not a dependency).

It draws on standard error when that is a terminal, as an updating HTML
``<progress>`` element in a Jupyter notebook, and stays quiet otherwise (pipes,
log files, tests).
"""

from __future__ import annotations

import html
import sys
from typing import Any

__all__ = ["Progress"]


def _notebook_display() -> Any:
    """IPython's ``display`` when running in a Jupyter kernel, else None."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return None
    try:
        shell = ipython.get_ipython()
    except Exception:  # pragma: no cover - broken IPython install
        return None
    if shell is None or type(shell).__name__ != "ZMQInteractiveShell":
        return None
    from IPython.display import display

    return display


class Progress:
    """Progress over ``total`` steps; use as a context manager and call :meth:`step`.

    Parameters
    ----------
    total : int
        Number of steps.
    desc : str
        Text shown before the bar.
    enabled : bool, optional
        Force the bar on (True) or off (False); by default it shows only on a
        terminal or in a notebook.
    stream : file, optional
        Where the text bar goes (default ``sys.stderr``).
    """

    width = 24

    def __init__(
        self, total: int, desc: str = "", enabled: bool | None = None, stream: Any = None
    ) -> None:
        self.total = max(int(total), 1)
        self.desc = desc
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self._display: Any = None  # IPython.display.display in notebook mode
        self._handle: Any = None
        if enabled is False:
            self.mode = "off"
        else:
            display = _notebook_display()
            if display is not None:
                self.mode = "notebook"
                self._display = display
            elif enabled or _isatty(self.stream):
                self.mode = "text"
            else:
                self.mode = "off"

    def __enter__(self) -> Progress:
        self._draw("")
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        # an error leaves the bar where it stopped instead of showing it complete
        self.close(failed=exc_type is not None)

    def step(self, label: str = "") -> None:
        """Announce the step about to run (``label``) after finishing the previous one."""
        self._draw(label)
        self.done = min(self.done + 1, self.total)

    def close(self, failed: bool = False) -> None:
        """Draw the finished (or, with ``failed``, the interrupted) bar and end the line."""
        if self.mode == "off":
            return
        if failed:
            self._draw("stopped")
        else:
            self.done = self.total
            self._draw("done")
        if self.mode == "text":
            self.stream.write("\n")
            self.stream.flush()
        self.mode = "off"

    def _draw(self, label: str) -> None:
        if self.mode == "off":
            return
        if self.mode == "text":
            filled = round(self.width * self.done / self.total)
            bar = "#" * filled + "-" * (self.width - filled)
            text = f"\r{self.desc} [{bar}] {self.done}/{self.total} {label}"
            self.stream.write(text.ljust(getattr(self, "_last", 0)))
            self._last = len(text)
            self.stream.flush()
            return
        from IPython.display import HTML

        body = HTML(
            f"<span>{html.escape(self.desc)} </span>"
            f"<progress value='{self.done}' max='{self.total}' style='width:16em'></progress>"
            f"<span> {self.done}/{self.total} {html.escape(label)}</span>"
        )
        if self._handle is None:
            self._handle = self._display(body, display_id=True)
        else:
            self._handle.update(body)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
