"""The one result convention shared by every public statistic.

Every statistic returns a frozen, slotted, keyword-only dataclass derived from
:class:`TableResult`: typed metadata fields, a private tidy table, ``to_frame()``
(a fresh copy), a one-line ``header``, a notebook repr (rounding happens only there) and ``plot(ax=)``.

Imports run downward: a result names its chart (``_plot_function``, e.g.
``"plot_gaps"``) and :mod:`servqual.plotting`, which sits above the statistics,
registers each chart with :func:`register_chart` when it is imported (the package
``__init__`` imports it). ``plot()`` looks the name up in that registry, so this
module never imports the plotting package.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import FrozenInstanceError, dataclass
from typing import Any, ClassVar, Literal, TypeVar, dataclass_transform

import numpy as np
import pandas as pd

from . import _labels, _tables
from .exceptions import ServqualError

__all__ = [
    "TableResult",
    "display_frame",
    "format_number",
    "format_p",
    "p_text",
    "register_chart",
    "result_class",
]

_T = TypeVar("_T")
_Draw = TypeVar("_Draw", bound=Callable[..., Any])

_CHARTS: dict[str, Callable[..., Any]] = {}


@dataclass_transform(frozen_default=True, kw_only_default=True, eq_default=False)
def result_class(cls: type[_T]) -> type[_T]:
    """Decorator for result classes: a frozen, slotted, keyword-only dataclass that
    keeps :class:`TableResult`'s repr and identity-based equality.

    Declared with :func:`typing.dataclass_transform`, so type checkers see the
    fields as keyword-only constructor arguments and read-only attributes.
    """
    out = dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)(cls)
    # Python 3.11's frozen __setattr__ of a slotted dataclass refers to the class
    # before slots were added, so assigning a non-field (e.g. the ``header``
    # property) raised "TypeError: super(type, obj)" instead of FrozenInstanceError.
    out.__setattr__ = _frozen_setattr  # type: ignore[assignment]
    out.__delattr__ = _frozen_delattr  # type: ignore[assignment]
    return out


def _frozen_setattr(self: object, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: object, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def register_chart(draw: _Draw) -> _Draw:
    """Register ``draw`` as the chart of every result whose ``_plot_function`` is
    ``draw.__name__``; returns ``draw`` unchanged (usable as a decorator).

    :mod:`servqual.plotting` registers its ``plot_*`` functions when imported; a
    later registration under the same name replaces the earlier one.
    """
    _CHARTS[draw.__name__] = draw
    return draw


def _is_p_column(name: Any) -> bool:
    text = str(name).lower()
    return text in ("p", "pvalue", "p_value", "p_unc", "p_adj", "p_close") or text.startswith(
        ("p_", "pvalue_")
    )


def format_p(value: float, *, style: Literal["digits", "apa"] = "digits") -> str:
    """A p-value for display.

    ``"digits"`` (reprs): 3 significant digits, scientific below 0.001, and
    ``<1e-300`` where it underflows to zero. ``"apa"`` (the HTML report): three
    decimals without the leading zero and ``< .001`` below that (APA 7th ed.).
    """
    if pd.isna(value):
        return "NaN" if style == "digits" else ""
    if style == "apa":
        return "< .001" if value < 1e-3 else f"{value:.3f}".removeprefix("0")
    if value == 0:
        return "<1e-300"
    return f"{value:.3g}" if value >= 1e-3 else f"{value:.2e}"


def _is_count_column(name: Any) -> bool:
    """Columns whose whole-number floats are shown as integers (counts, df, rating range)."""
    text = str(name).lower()
    return text in ("n", "df", "df1", "df2", "count", "number", "min", "max") or text.startswith(
        ("n_", "n ")
    )


def format_number(value: Any, decimals: int = 3) -> str:
    """One cell for display: integers as integers, other numbers rounded to
    ``decimals``, NaN as an empty cell, booleans and text as they are."""
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        f = float(value)
        if np.isnan(f):
            return ""
        if np.isinf(f):
            return "∞" if f > 0 else "−∞"
        return f"{f:.{decimals}f}"
    return str(value)


def display_frame(
    table: pd.DataFrame,
    decimals: int = 3,
    *,
    p_style: Literal["digits", "apa"] = "digits",
    as_text: bool = False,
) -> pd.DataFrame:
    """A result table as displayed: the one formatter of reprs and the HTML report.

    Numeric columns are rounded to ``decimals`` (dates, periods and text untouched)
    and p-value columns formatted by :func:`format_p`. With ``as_text=True`` every
    cell becomes text (:func:`format_number`): integers, and whole-number counts
    (``n``, ``df``) stored as floats, are shown as integers.
    """
    numeric = table.select_dtypes("number").columns
    out = table.round({c: decimals for c in numeric})
    for col in table.columns:
        if _is_p_column(col) and pd.api.types.is_float_dtype(table[col].dtype):
            out[col] = table[col].map(lambda v: format_p(v, style=p_style))
        elif as_text and col in numeric:
            values = table[col]
            whole = pd.api.types.is_float_dtype(values.dtype) and bool(
                ((values.dropna() % 1) == 0).all()
            )
            if whole and _is_count_column(col):
                out[col] = values.map(lambda v: "" if pd.isna(v) else str(int(v)))
            else:
                out[col] = values.map(lambda v: format_number(v, decimals))
        elif as_text:
            out[col] = table[col].map(lambda v: format_number(v, decimals))
    return out


def p_text(value: float) -> str:
    """``"p=0.012"``, ``"p=1.2e-09"`` or ``"p<1e-300"`` for result headers."""
    shown = format_p(value)
    return f"p{shown}" if shown.startswith("<") else f"p={shown}"


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class TableResult:
    """Base class of servqual results: metadata fields plus one tidy table.

    Subclasses are declared with :func:`result_class`, add typed metadata fields,
    override the :attr:`header` property and name the plotting function that draws them in
    ``_plot_function``.
    """

    _table: pd.DataFrame

    _plot_function: ClassVar[str | None] = None
    _repr_decimals: ClassVar[int] = 3
    #: further columns whose values cannot exceed 1 (shown without a leading zero in papers)
    _bounded_columns: ClassVar[tuple[str, ...]] = ()

    def to_frame(self, *, labels: str = "code", instrument: Any = None) -> pd.DataFrame:
        """Return the result table as a new DataFrame (the result stays unchanged).

        Parameters
        ----------
        labels : {"code", "label", "text"}
            How items and dimensions are named in the index: their codes (``TAN1``,
            ``tangibles``), the instrument's labels, or the item wording (full text,
            unwrapped). Other index entries (``"overall"``, segments) keep their names.
        instrument : Instrument, str or Survey, optional
            Where the labels come from, when the result does not name a built-in
            instrument (e.g. a custom instrument: pass ``survey.instrument``).

        Examples
        --------
        >>> import servqual as sq
        >>> gaps = sq.gap_scores(sq.load_example("retail_bank"), level="dimension")
        >>> gaps.to_frame(labels="label").index[0]
        'Tangibles'
        """
        return _labels.relabel_index(
            self._table, labels=labels, result=self, instrument=instrument, what="to_frame"
        )

    @property
    def index(self) -> pd.Index:
        """Row labels of the result table (items, dimensions, segments...)."""
        return self._table.index.copy()

    @property
    def columns(self) -> pd.Index:
        """Column names of the result table."""
        return self._table.columns.copy()

    @property
    def header(self) -> str:
        """One line saying what the result is: the statistic, its options, n and the
        headline numbers (the first line of the repr and the report's caption)."""
        return type(self).__name__

    def _display_table(self) -> pd.DataFrame:
        """The table as shown in reprs: numeric columns rounded (dates, periods and text
        untouched), p-values in 3 significant digits (so that p = 1.2e-09 is not shown as 0)."""
        return display_frame(self._table, self._repr_decimals)

    def _extra_tables(self) -> list[tuple[str, pd.DataFrame]]:
        """Further tables shown under the main one in reprs, as ``(title, table)``
        (e.g. post hoc comparisons); none here. A table with a default RangeIndex
        is shown without its index."""
        return []

    def _extra_displays(self) -> list[tuple[str, pd.DataFrame, bool]]:
        return [
            (title, display_frame(table, self._repr_decimals),
             not isinstance(table.index, pd.RangeIndex))
            for title, table in self._extra_tables()
        ]  # fmt: skip

    def __repr__(self) -> str:
        with pd.option_context("display.width", 120, "display.max_columns", 30):
            parts = [f"{self.header}\n{self._display_table().to_string()}"]
            for title, table, index in self._extra_displays():
                parts.append(f"{title}\n{table.to_string(index=index)}")
            return "\n\n".join(parts)

    def _repr_html_(self) -> str:
        parts = [
            f"<p><b>{html.escape(self.header)}</b></p>"
            f"{self._display_table().to_html(notebook=True)}"
        ]
        for title, table, index in self._extra_displays():
            parts.append(
                f"<p><b>{html.escape(title)}</b></p>{table.to_html(notebook=True, index=index)}"
            )
        return "".join(parts)

    @property
    def _note(self) -> str | None:
        """The note under a paper table: the test, the sign convention (``None`` here;
        results with one override it)."""
        return None

    def _paper_parts(
        self, decimals: int, *, sparsify: bool = True
    ) -> tuple[list[_tables.Column], str, str | None]:
        """Formatted columns, caption (the header's first line) and note (the result's
        note, then any further header lines) of the paper table."""
        caption, *rest = self.header.splitlines() or [type(self).__name__]
        notes = [text for text in (self._note, *rest) if text]
        columns = _tables.layout(
            self._table,
            is_p=_is_p_column,
            decimals=decimals,
            confidence_level=getattr(self, "confidence_level", None),
            bounded=self._bounded_columns,
            sparsify=sparsify,
        )
        return columns, caption, " ".join(notes) or None

    def to_latex(self, *, decimals: int = 2, label: str | None = None) -> str:
        """The result as an APA-style LaTeX table (needs ``\\usepackage{booktabs}``).

        A ``table`` environment with the header as caption, booktabs rules and no
        vertical rules, readable column labels, figures formatted for a paper
        (integers as integers, p-values as ``< .001`` / ``.023``, no leading zero for
        correlations and proportions, other figures to ``decimals`` places) and a
        note line naming the test and the sign convention. ``label`` adds a
        ``\\label``.

        Examples
        --------
        >>> import servqual as sq
        >>> tex = sq.gap_scores(sq.load_example("retail_bank"), level="dimension").to_latex()
        >>> r"\\toprule" in tex and "|" not in tex
        True
        """
        columns, caption, note = self._paper_parts(decimals)
        return _tables.render_latex(columns, caption, note, label=label)

    def to_markdown(self, *, decimals: int = 2) -> str:
        """The result as an APA-style Markdown pipe table: the header in italics above,
        the same labels and figures as ``to_latex()``, the note line below."""
        columns, caption, note = self._paper_parts(decimals)
        return _tables.render_markdown(columns, caption, note)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Draw this result with its matplotlib chart and return the Axes.

        Equivalent to calling the matching ``servqual.plot_*`` function.
        """
        if self._plot_function is None:
            raise ServqualError(f"{type(self).__name__} has no chart.")
        draw = _CHARTS.get(self._plot_function)
        if draw is None:
            raise ServqualError(
                f"{type(self).__name__} is drawn by {self._plot_function}, which is not "
                "registered; import servqual.plotting (import servqual does)."
            )
        return draw(self, ax=ax, **kwargs)
