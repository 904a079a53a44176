"""Progress bars for long work (internal), drawn by tqdm.

On a terminal the bar goes to standard error; in a Jupyter notebook it is tqdm's widget
when ``ipywidgets`` is installed (``pip install ipywidgets``) and tqdm's text bar in the
cell's output otherwise; elsewhere (pipes, log files, tests) it stays quiet unless asked
for. The bootstrap, parallel analysis, streaming and the report use it.
"""

from __future__ import annotations

import sys
from typing import Any

from tqdm.std import tqdm as _text_tqdm

__all__ = ["Progress"]


def _in_notebook() -> bool:
    """Whether the code runs in a Jupyter kernel."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:  # pragma: no cover - broken IPython install
        return False
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _notebook_tqdm() -> Any:
    """tqdm's notebook widget class, or None without ipywidgets."""
    try:
        import ipywidgets  # noqa: F401
        from tqdm.notebook import tqdm as notebook_tqdm
    except ImportError:
        return None
    return notebook_tqdm


class Progress:
    """Progress over ``total`` steps; use as a context manager and call :meth:`step`.

    Parameters
    ----------
    total : int or None
        Number of steps (None when unknown, e.g. chunks of a file being read).
    desc : str
        Text shown before the bar.
    enabled : bool, optional
        Force the bar on (True) or off (False); by default it shows only on a
        terminal or in a notebook.
    stream : file, optional
        Where the text bar goes (default ``sys.stderr``).
    """

    def __init__(
        self, total: int | None, desc: str = "", enabled: bool | None = None, stream: Any = None
    ) -> None:
        self.total = None if total is None else max(int(total), 1)
        self.desc = desc
        self.done = 0
        stream = stream if stream is not None else sys.stderr
        notebook = enabled is not False and _in_notebook()
        if enabled is False:
            show = False
        elif enabled or notebook:
            show = True
        else:
            show = _isatty(stream)
        widget = _notebook_tqdm() if notebook else None
        cls = widget if widget is not None else _text_tqdm
        kwargs: dict[str, Any] = {"total": self.total, "desc": desc, "disable": not show}
        if widget is None:
            kwargs.update(file=stream, dynamic_ncols=True, leave=True)
        self._bar = cls(**kwargs)
        self.enabled = show

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        # an error leaves the bar where it stopped instead of showing it complete
        self.close(failed=exc_type is not None)

    def step(self, label: str = "", k: int = 1) -> None:
        """Count ``k`` steps done; ``label`` names what runs next."""
        if label:
            self._bar.set_postfix_str(label, refresh=False)
        self.done += k
        self._bar.update(k)

    def close(self, failed: bool = False) -> None:
        """End the bar: complete, or (``failed``) where it stopped."""
        if self._bar.disable:
            self._bar.close()
            return
        self._bar.set_postfix_str("stopped" if failed else "done", refresh=False)
        if not failed and self.total is not None and self._bar.n < self.total:
            self._bar.update(self.total - self._bar.n)
        self._bar.close()


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
