"""Paper tables in files: ``.xlsx``, ``.docx``, ``.tex`` and ``.md``.

``export_tables`` writes one or more results, each as the APA-style table that
its ``to_latex()`` / ``to_markdown()`` gives: the header as the title, readable
column labels, figures formatted for a paper and a note line naming the test and
the sign convention.

- ``.xlsx``: one sheet per result; the numbers are stored at full precision and
  formatted by the cells' number formats (p-values as ``< .001`` / ``.023``).
  Needs openpyxl (``pip install "servqual[excel]"``).
- ``.docx``: APA tables (title in italics above, horizontal rules only, note below).
  Needs python-docx (``pip install "servqual[docx]"``).
- ``.tex``: the ``to_latex()`` tables one after another (``\\usepackage{booktabs}``).
- ``.md``: the ``to_markdown()`` tables one after another.

Examples
--------
>>> import servqual as sq, tempfile, os
>>> survey = sq.load_example("retail_bank")
>>> results = {"Gaps": sq.gap_scores(survey, level="dimension"),
...            "Alpha": sq.cronbach_alpha(survey)}
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = sq.export_tables(results, os.path.join(tmp, "tables.md"))
...     text = open(path, encoding="utf-8").read()
>>> text.count("*Note.*")
2
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from . import _tables
from ._results import TableResult
from .exceptions import DataError, ServqualError

__all__ = ["export_tables"]

_FORMATS = (".xlsx", ".docx", ".tex", ".md")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
#: Excel number formats by column kind (the kinds of ``_tables.layout``)
_NUMBER_FORMATS = {
    "int": "#,##0",
    "p": '[<0.001]"< .001";.000',
    "bounded": ".00",
    "float": "0.00",
}


def export_tables(
    results: TableResult | Sequence[TableResult] | Mapping[str, TableResult],
    path: str | os.PathLike[str],
    *,
    decimals: int = 2,
) -> Path:
    """Write results as paper tables to ``path``; the format follows its extension.

    Parameters
    ----------
    results : result, list of results or dict of name to result
        Any servqual result(s) (``GapResult``, ``PairedTestResult``, ``CFAResult``...).
        Dict keys name the sheets (``.xlsx``) and head the tables; otherwise each
        table is named after its result type.
    path : str or path-like
        ``.xlsx`` (a sheet per result), ``.docx`` (APA tables), ``.tex`` (LaTeX
        tables with booktabs rules) or ``.md`` (Markdown pipe tables).
    decimals : int, default 2
        Decimal places of figures other than integers and p-values (in ``.xlsx``,
        of the number formats; the cells keep full precision).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    DataError
        An unknown extension, no results, or an object that is not a servqual result.
    ServqualError
        The optional package the format needs (openpyxl, python-docx) is missing.

    Examples
    --------
    >>> import servqual as sq, tempfile, os
    >>> gaps = sq.gap_scores(sq.load_example("retail_bank"), level="dimension")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = sq.export_tables(gaps, os.path.join(tmp, "gaps.tex"))
    ...     tex = path.read_text(encoding="utf-8")
    >>> tex.count(r"\\toprule")
    1
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in _FORMATS:
        raise DataError(
            f"Cannot export tables to {p.name!r}: unknown extension {p.suffix or '(none)'!r}; "
            f"use one of {', '.join(_FORMATS)}."
        )
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 10:
        raise DataError(f"decimals must be an integer from 0 to 10, got {decimals!r}.")
    named = _named_results(results)
    if suffix == ".xlsx":
        _write_xlsx(named, p, decimals)
    elif suffix == ".docx":
        _write_docx(named, p, decimals)
    elif suffix == ".tex":
        parts = [
            f"% {_tables.latex_escape(name)}\n" + result.to_latex(decimals=decimals)
            for name, result in named
        ]
        header = "% Tables written by servqual; needs \\usepackage{booktabs}.\n\n"
        p.write_text(header + "\n".join(parts), encoding="utf-8")
    else:
        parts = [result.to_markdown(decimals=decimals) for _, result in named]
        p.write_text("\n".join(parts), encoding="utf-8")
    return p


def _named_results(results: Any) -> list[tuple[str, TableResult]]:
    """``(name, result)`` pairs; names from the dict keys or the result types."""
    if isinstance(results, TableResult):
        items: list[tuple[Any, Any]] = [(None, results)]
        places = ["results"]
    elif isinstance(results, Mapping):
        items = list(results.items())
        places = [f"results[{key!r}]" for key in results]
    elif isinstance(results, Sequence) and not isinstance(results, str | bytes):
        items = [(None, r) for r in results]
        places = [f"results[{i}]" for i in range(len(items))]
    else:
        raise DataError(
            "results must be a servqual result, a list of results or a dict of name to "
            f"result, got {_describe(results)}."
        )
    if not items:
        raise DataError(f"No results to export: got an empty {type(results).__name__}.")
    out: list[tuple[str, TableResult]] = []
    for (key, result), where in zip(items, places, strict=True):
        if not isinstance(result, TableResult):
            raise DataError(
                f"{where} holds {_describe(result)}, not a servqual result "
                "(a GapResult, PairedTestResult, ... from a servqual function)."
            )
        if key is not None and not isinstance(key, str):
            raise DataError(f"Result names must be strings, got {key!r}.")
        name = key if key is not None else type(result).__name__.removesuffix("Result")
        out.append((name, result))
    return out


def _describe(obj: Any) -> str:
    """``"int: 42"``, or only the type name where the repr is long or multi-line."""
    text = repr(obj)
    name = type(obj).__name__
    return name if "\n" in text or len(text) > 60 else f"{name}: {text}"


def _sheet_names(names: Sequence[str]) -> list[str]:
    """Valid, unique Excel sheet names (≤ 31 characters, no ``[]:*?/\\``)."""
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        base = _SHEET_FORBIDDEN.sub("_", name).strip("'").strip() or "Table"
        candidate = base[:31]
        k = 2
        while candidate.lower() in seen:
            tail = f" ({k})"
            candidate = base[: 31 - len(tail)] + tail
            k += 1
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def _excel_value(value: Any) -> Any:
    """A cell value openpyxl can store: NaN and NA as empty, periods as text."""
    if value is None:
        return None
    if isinstance(value, bool | int | float | str):
        if isinstance(value, float) and value != value:
            return None
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return str(value)


def _write_xlsx(named: list[tuple[str, TableResult]], path: Path, decimals: int) -> None:
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Border, Font, Side
        from openpyxl.utils import get_column_letter
    except ImportError:
        raise ServqualError(
            'Writing .xlsx tables needs openpyxl: pip install "servqual[excel]".'
        ) from None
    formats = dict(_NUMBER_FORMATS)
    if decimals == 0:
        formats.update(bounded="0", float="0")
    else:
        formats.update(bounded="." + "0" * decimals, float="0." + "0" * decimals)
    rule = Side(style="thin")
    wb = Workbook()
    wb.remove(wb.active)
    for sheet_name, (_, result) in zip(_sheet_names([n for n, _ in named]), named, strict=True):
        ws = wb.create_sheet(sheet_name)
        columns, caption, note = result._paper_parts(decimals, sparsify=False)
        ws.cell(row=1, column=1, value=caption).font = Font(bold=True, italic=True)
        for j, col in enumerate(columns, start=1):
            cell = ws.cell(row=2, column=j, value=_tables.label_text(col.label))
            cell.font = Font(bold=True)
            cell.border = Border(top=rule, bottom=rule)
            cell.alignment = Alignment(horizontal="left" if col.kind == "text" else "right")
            for i, value in enumerate(col.values, start=3):
                out = _excel_value(value)
                c = ws.cell(row=i, column=j, value=out)
                if (
                    col.kind in formats
                    and isinstance(out, int | float)
                    and not isinstance(out, bool)
                ):
                    c.number_format = formats[col.kind]
            last = ws.cell(row=2 + len(col.values), column=j)
            last.border = Border(bottom=rule)
            width = max([len(_tables.label_text(col.label)), *map(len, col.cells)], default=4)
            ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 6), 60)
        if note:
            ws.cell(row=len(columns[0].cells) + 4, column=1, value=f"Note. {note}").font = Font(
                italic=False, size=9
            )
        ws.freeze_panes = "A3"
    wb.save(path)


def _write_docx(named: list[tuple[str, TableResult]], path: Path, decimals: int) -> None:
    try:
        import docx
        from docx.enum.section import WD_ORIENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt
    except ImportError:
        raise ServqualError(
            'Writing .docx tables needs python-docx: pip install "servqual[docx]".'
        ) from None

    def borders(element: Any, tag: str, edges: dict[str, str]) -> None:
        box = OxmlElement(tag)
        for edge, style in edges.items():
            side = OxmlElement(f"w:{edge}")
            side.set(qn("w:val"), style)
            if style != "nil":
                side.set(qn("w:sz"), "6")
                side.set(qn("w:space"), "0")
                side.set(qn("w:color"), "000000")
            box.append(side)
        # schema order: the borders come before shading, layout, margins and tblLook
        later = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:noWrap", "w:vAlign")
        following = [child for child in element if child.tag in {qn(t) for t in later}]
        if following:
            following[0].addprevious(box)
        else:
            element.append(box)

    document = docx.Document()
    widest = max(len(result.columns) + result.index.nlevels for _, result in named)
    if widest > 8:  # wide tables: landscape pages
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for number, (_, result) in enumerate(named, start=1):
        columns, caption, note = result._paper_parts(decimals)
        document.add_paragraph().add_run(f"Table {number}").bold = True
        document.add_paragraph().add_run(caption).italic = True
        n_rows = len(columns[0].cells) if columns else 0
        table = document.add_table(rows=n_rows + 1, cols=len(columns))
        # APA: horizontal rules only: above and below the header, below the last row
        tbl_pr = table._tbl.tblPr
        no_lines = dict.fromkeys(("top", "left", "bottom", "right", "insideH", "insideV"), "nil")
        borders(tbl_pr, "w:tblBorders", {**no_lines, "top": "single", "bottom": "single"})
        for j, col in enumerate(columns):
            right = col.kind != "text"
            head = table.rows[0].cells[j]
            borders(head._tc.get_or_add_tcPr(), "w:tcBorders", {"bottom": "single"})
            para = head.paragraphs[0]
            for text, italic in col.label:
                para.add_run(text).italic = italic
            if right:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for i, text in enumerate(col.cells, start=1):
                cell_para = table.rows[i].cells[j].paragraphs[0]
                cell_para.add_run(text)
                if right:
                    cell_para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for row in table.rows:
            for cell in row.cells:
                for para in cell.paragraphs:
                    for run in para.runs:
                        run.font.size = Pt(9)
        if note:
            para = document.add_paragraph()
            para.add_run("Note.").italic = True
            para.add_run(f" {note}")
        document.add_paragraph()
    document.save(str(path))
